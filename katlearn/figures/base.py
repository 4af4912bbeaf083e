"""What every course figure shares: a text alternative, a colour-blind-safe palette, a layout,
and :class:`Figure`, the figure as plain data.

Figure builders are pure: model output in, :class:`Described` out. They never import ipywidgets.

Why plain data: a ``plotly.graph_objects.Figure`` validates and deep-copies every property as it
is set, which made a slider update of a module's figure cost 100–350 ms of kernel time, most of
the learner's wait. :class:`Figure` takes the same calls the builders make (``add_trace``,
``add_shape``, ``add_vrect`` …, with plotly's ``row=``/``col=`` and ``line_width=``-style keys)
and only collects dicts, which is what plotly.js draws. :attr:`Described.figure` still gives the
validated ``go.Figure`` (built on first use), so tests check every figure against plotly's schema.
"""

from __future__ import annotations

import copy
import json
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from katlearn.figures import _grids

if TYPE_CHECKING:  # plotly is imported only when a validated figure is asked for (tests, exports):
    import plotly.graph_objects as go  # a page's kernel never needs it, and it weighs ~10 MB

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


# Layout and trace keys that contain an underscore but are not plotly's "magic underscore"
# shorthand (``line_width=2`` meaning ``line={"width": 2}``).
UNDERSCORE_KEYS = frozenset({"plot_bgcolor", "paper_bgcolor", "error_x", "error_y", "error_z"})


def _merge(target: dict, updates: dict) -> dict:
    """Deep-merge ``updates`` into ``target`` (dicts merge, anything else replaces); returns target."""
    for key, value in updates.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value
    return target


def expand(props: dict | None = None, **kwargs) -> dict:
    """Plotly's keyword shorthand as nested dicts: ``expand(line_width=0)`` → ``{"line": {"width": 0}}``."""
    out: dict = {}
    for source in (props or {}, kwargs):
        for key, value in source.items():
            path = [key] if key in UNDERSCORE_KEYS or "_" not in key else key.split("_")
            nested: Any = value
            for part in reversed(path[1:]):
                nested = {part: nested}
            _merge(out, {path[0]: nested})
    return out


def trace(kind: str, **props) -> dict:
    """A trace as a dict, e.g. ``trace("scatter", x=..., y=..., line_width=3)``."""
    return {"type": kind, **expand(props)}


def scatter(**props) -> dict:
    return trace("scatter", **props)


def bar(**props) -> dict:
    return trace("bar", **props)


def heatmap(**props) -> dict:
    return trace("heatmap", **props)


def _axis_ref(name: str) -> str:
    """``"xaxis3"`` → ``"x3"``."""
    return name[0] + name[5:]


class Figure:
    """A Plotly figure as plain data, built with the subset of ``go.Figure``'s API the course uses.

    ``data`` is a list of trace dicts and ``layout`` a dict, as plotly.js takes them. Nothing is
    validated here: :attr:`Described.figure` validates with plotly on demand (and the figure tests
    do so for every builder).
    """

    def __init__(self, data: list | None = None, layout: dict | None = None,
                 grid: dict[tuple[int, int], tuple[str, str]] | None = None) -> None:
        self.data: list[dict] = [self._as_dict(t) for t in (data or [])]
        self.layout: dict = expand(layout or {})
        # (row, col) -> ("x2", "y2"): where subplot traces, shapes and annotations go
        self._grid = grid or {}

    # -- traces ------------------------------------------------------------------------------

    @staticmethod
    def _as_dict(t) -> dict:
        if isinstance(t, dict):
            return t if "type" in t else {"type": "scatter", **t}
        return t.to_plotly_json()  # a graph object, e.g. go.Scatter(...)

    def _refs(self, row: int | None, col: int | None) -> tuple[str, str] | None:
        if row is None and col is None:
            return None
        try:
            return self._grid[(row or 1, col or 1)]
        except KeyError:
            raise ValueError(f"this figure has no subplot at row={row}, col={col}") from None

    def add_trace(self, t, row: int | None = None, col: int | None = None) -> Figure:
        t = dict(self._as_dict(t))
        refs = self._refs(row, col)
        if refs:
            t["xaxis"], t["yaxis"] = refs
        self.data.append(t)
        return self

    def add_traces(self, traces) -> Figure:
        for t in traces:
            self.add_trace(t)
        return self

    # -- shapes and annotations --------------------------------------------------------------

    def _placed(self, props: dict, row, col, x_domain: bool = False, y_domain: bool = False) -> dict:
        refs = self._refs(row, col) or ("x", "y")
        out = {"xref": refs[0] + (" domain" if x_domain else ""),
               "yref": refs[1] + (" domain" if y_domain else "")} if (row or col or x_domain or y_domain) else {}
        return {**out, **expand(props)}

    def add_shape(self, row: int | None = None, col: int | None = None, **props) -> Figure:
        self.layout.setdefault("shapes", []).append(self._placed(props, row, col))
        return self

    def add_annotation(self, row: int | None = None, col: int | None = None, **props) -> Figure:
        self.layout.setdefault("annotations", []).append(self._placed(props, row, col))
        return self

    def add_vrect(self, x0, x1, row=None, col=None, exclude_empty_subplots=None, **props) -> Figure:  # noqa: ARG002
        shape = self._placed({"type": "rect", "x0": x0, "x1": x1, "y0": 0, "y1": 1, **props}, row, col, y_domain=True)
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_hrect(self, y0, y1, row=None, col=None, exclude_empty_subplots=None, **props) -> Figure:  # noqa: ARG002
        shape = self._placed({"type": "rect", "x0": 0, "x1": 1, "y0": y0, "y1": y1, **props}, row, col, x_domain=True)
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_vline(self, x, row=None, col=None, exclude_empty_subplots=None, **props) -> Figure:  # noqa: ARG002
        shape = self._placed({"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1, **props}, row, col, y_domain=True)
        self.layout.setdefault("shapes", []).append(shape)
        return self

    def add_hline(self, y, row=None, col=None, exclude_empty_subplots=None, **props) -> Figure:  # noqa: ARG002
        shape = self._placed({"type": "line", "x0": 0, "x1": 1, "y0": y, "y1": y, **props}, row, col, x_domain=True)
        self.layout.setdefault("shapes", []).append(shape)
        return self

    # -- layout ------------------------------------------------------------------------------

    def update_layout(self, props: dict | None = None, **kwargs) -> Figure:
        _merge(self.layout, expand(props, **kwargs))
        return self

    def _update_axes(self, letter: str, props: dict, row, col) -> Figure:
        if row is None and col is None:
            names = [k for k in self.layout if k.startswith(letter + "axis")] or [letter + "axis"]
        else:
            ref = self._refs(row, col)[0 if letter == "x" else 1]
            names = [letter + "axis" + ref[1:]]
        for name in names:
            _merge(self.layout.setdefault(name, {}), expand(props))
        return self

    def update_xaxes(self, props: dict | None = None, row=None, col=None, **kwargs) -> Figure:
        return self._update_axes("x", {**(props or {}), **kwargs}, row, col)

    def update_yaxes(self, props: dict | None = None, row=None, col=None, **kwargs) -> Figure:
        return self._update_axes("y", {**(props or {}), **kwargs}, row, col)

    def update_annotations(self, props: dict | None = None, **kwargs) -> Figure:
        for ann in self.layout.get("annotations", []):
            _merge(ann, expand(props, **kwargs))
        return self

    # -- output ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {"data": self.data, "layout": self.layout}

    def to_json(self) -> str:
        try:
            return json.dumps(self.to_dict(), default=_json_default, separators=(",", ":"), allow_nan=False)
        except ValueError:  # a NaN in a plain list: JSON has none, plotly.js reads null as a gap
            return json.dumps(_finite(self.to_dict()), default=_json_default, separators=(",", ":"))

    def to_plotly(self) -> go.Figure:
        """The validated ``go.Figure`` (slow: for tests and exports, not for redraws)."""
        import plotly.graph_objects as go

        return go.Figure(copy.deepcopy(self.to_dict()))


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _json_default(value: Any) -> Any:
    """numpy values as JSON (NaN and infinities become null, as plotly.js expects for gaps)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f":
            return np.where(np.isfinite(value), value, None).tolist()
        return value.tolist()
    if isinstance(value, np.generic):
        item = value.item()
        return None if isinstance(item, float) and not np.isfinite(item) else item
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def subplots(layout: dict | None = None, **make_subplots_args) -> Figure:
    """:class:`Figure` with the grid of ``plotly.subplots.make_subplots(**args)`` (computed once
    per distinct arguments and cached)."""
    skeleton, grid = _grids.subplot_skeleton(_grids.spec_key(make_subplots_args))
    skeleton = copy.deepcopy(skeleton)
    return Figure(layout=_merge(skeleton, expand(layout or {})), grid=dict(grid))


class Described:
    """A figure and the words a screen reader says for it.

    ``figure`` may be a :class:`Figure` (the course's figures) or a ``go.Figure``.
    """

    def __init__(self, figure: Figure | go.Figure, description: str) -> None:
        self.source = figure
        self.description = description

    @cached_property
    def figure(self) -> go.Figure:
        """The validated plotly figure."""
        return self.source.to_plotly() if isinstance(self.source, Figure) else self.source

    def to_dict(self) -> dict:
        return self.source.to_dict()

    def to_json(self) -> str:
        """The figure as plotly.js takes it (fast path for :class:`Figure`)."""
        return self.source.to_json()

    @property
    def title(self) -> str:
        if not isinstance(self.source, Figure):  # a go.Figure
            return self.source.layout.title.text or "figure"
        title = self.source.layout.get("title")
        text = title.get("text") if isinstance(title, dict) else title
        return text or "figure"

    def __repr__(self) -> str:
        return f"Described({self.title!r})"


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

    A plain dict (for :class:`Figure` or ``go.Figure``); ``extra`` overrides any key.
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


LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "xanchor": "left", "x": 0.0}


def grid_layout(title: str, **extra) -> dict:
    """The course's layout for a grid of subplots (axes set per subplot): large type, tall, the legend
    below the grid. ``extra`` overrides any key."""
    layout = {
        "font": {"size": FONT_SIZE_PX, "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
        "colorway": SEQUENCE, "template": LIGHT_TEMPLATE, "height": 640, "hovermode": "closest",
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": FONT_SIZE_PX + 4}},
        "legend": LEGEND_BELOW,
    }
    layout.update(extra)
    return layout
