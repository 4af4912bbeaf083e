"""A Plotly figure as a light widget.

Plotly's own FigureWidget ships its 4.8 MB JavaScript bundle over the websocket with every figure
of every page load. ``PlotView`` sends a 3 kB renderer instead and draws with the single copy of
plotly.js that the course server serves (cacheable), so a page costs one plotly.js per browser,
not one per figure per visit. Updates replace the figure JSON and are drawn with ``Plotly.react``.
"""

from __future__ import annotations


import anywidget
import traitlets

from katlearn import paths
from katlearn.figures.base import Described
from katlearn.widgets._shared import shared_layout
from katlearn.widgets._front_end import front_end


# one Layout model shared by every figure view: a model fewer per figure
_LAYOUT = shared_layout()



class PlotView(anywidget.AnyWidget):
    """Shows a :class:`~katlearn.figures.base.Described` figure; ``show()`` replaces it."""

    _esm = traitlets.Unicode(front_end("plot.js")).tag(sync=True)
    spec = traitlets.Unicode("{}").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    # the page's head names the content-hashed URL (window.katlearnPlotlySrc, from the page config);
    # this is the same file's plain path under the server's base URL, for a page that does not
    plotly_src = traitlets.Unicode(paths.PLOTLY_JS_PATH).tag(sync=True)

    def __init__(self, described: Described | None = None, **kwargs) -> None:
        kwargs.setdefault("layout", _LAYOUT)
        super().__init__(**kwargs)
        if described is not None:
            self.show(described)

    def show(self, described: Described) -> None:
        """Draw ``described`` in place of the current figure."""
        with self.hold_sync():
            self.title = described.title
            self.description = described.description
            self.spec = described.to_json()
