"""What every course figure shares: a text alternative, a colour-blind-safe palette, a layout.

Figure builders are pure: model output in, :class:`Described` out. They never import ipywidgets.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

# Okabe & Ito (2008) colour-universal-design palette: distinguishable with the common forms of
# colour-vision deficiency, and readable on a projector.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#7F7F7F",
}
SEQUENCE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]

FONT_SIZE_PX = 16  # readable at projector distance; titles scale from it


@dataclass(frozen=True)
class Described:
    """A figure and the words a screen reader says for it."""

    figure: go.Figure
    description: str

    @property
    def title(self) -> str:
        title = self.figure.layout.title.text
        return title or "figure"


# The look of every figure, spelled out rather than taken from plotly's template registry: a
# registry template is rebuilt and validated on every figure (~100 ms per redraw, the bulk of a
# slider update); these few settings cost nothing and look like "plotly_white".
AXIS_STYLE = {
    "gridcolor": "#E3E7EE",
    "linecolor": "#7F8794",
    "showline": True,
    "zerolinecolor": "#C5CBD5",
    "ticks": "outside",
    "tickcolor": "#7F8794",
}
LIGHT_TEMPLATE: dict = {}  # an empty template: stops plotly applying its (slow) default one


def base_layout(title: str, x_title: str, y_title: str, **extra) -> dict:
    """The course's figure layout: labelled axes, large type, legend above the plot.

    A plain dict (``go.Figure(layout=...)`` validates it once); ``extra`` overrides any key.
    """
    layout = {
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": FONT_SIZE_PX + 4}},
        "xaxis": {"title": {"text": x_title}, "zeroline": False, "automargin": True, **AXIS_STYLE},
        "yaxis": {"title": {"text": y_title}, "zeroline": False, "automargin": True, **AXIS_STYLE},
        "font": {"size": FONT_SIZE_PX, "color": "#1f2933",
                 "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
        "colorway": SEQUENCE,
        "template": LIGHT_TEMPLATE,
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 60, "r": 20, "t": 70, "b": 60},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0},
        "hovermode": "x unified",
        "height": 420,
    }
    layout.update(extra)
    return layout
