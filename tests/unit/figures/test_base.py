"""The course's plain-data Figure: the same figure plotly's own API builds, without the cost."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

import katlearn.figures as figures_pkg
from katlearn.figures.base import Described, Figure, bar, expand, scatter, subplots


def _normal(d: dict) -> dict:
    """A figure dict through plotly's validator, without the template plotly adds by default."""
    out = go.Figure(json.loads(json.dumps(d, default=lambda a: np.asarray(a).tolist()))).to_dict()
    out["layout"].pop("template", None)
    return out


def test_expand_follows_plotlys_magic_underscores() -> None:
    assert expand(line_width=0, line={"color": "red"}) == {"line": {"width": 0, "color": "red"}}
    assert expand(title_text="T", title_font_size=12) == {"title": {"text": "T", "font": {"size": 12}}}
    # real property names with an underscore are left alone
    assert expand(plot_bgcolor="white", paper_bgcolor="white") == {"plot_bgcolor": "white", "paper_bgcolor": "white"}


def test_single_plot_calls_give_what_go_figure_gives() -> None:
    calls = [
        ("add_trace", (scatter(x=[1, 2], y=[3, 4], mode="lines", line_width=3),), {}),
        ("add_trace", (bar(x=["a"], y=[1]),), {}),
        ("add_hrect", (), {"y0": 1, "y1": 2, "fillcolor": "#E69F00", "opacity": 0.2, "line_width": 0, "layer": "below"}),
        ("add_vrect", (), {"x0": 5, "x1": 6, "line_width": 0}),
        ("add_vline", (), {"x": 3, "line": {"color": "red", "dash": "dot"}}),
        ("add_hline", (), {"y": 0, "line_color": "grey"}),
        ("add_shape", (), {"type": "rect", "x0": 0, "x1": 1, "y0": 0, "y1": 1}),
        ("add_annotation", (), {"x": 1, "y": 2, "text": "t", "showarrow": False}),
        ("update_layout", (), {"title_text": "Hello", "height": 300, "legend": {"orientation": "h"}}),
        ("update_xaxes", (), {"title_text": "Time", "range": [0, 10]}),
        ("update_yaxes", (), {"type": "log"}),
        ("update_annotations", (), {"font": {"size": 12}}),
    ]
    ours, theirs = Figure(layout={"template": {}}), go.Figure(layout={"template": {}})
    for name, args, kwargs in calls:
        getattr(ours, name)(*args, **kwargs)
        theirs_args = tuple(go.Figure(data=[a]).data[0] if isinstance(a, dict) else a for a in args)
        getattr(theirs, name)(*theirs_args, **kwargs)
    assert _normal(ours.to_dict()) == _normal(theirs.to_dict())


def test_subplot_calls_land_where_make_subplots_puts_them() -> None:
    grid = {"rows": 2, "cols": 3, "specs": [[{"colspan": 3}, None, None], [{}, {}, {}]],
            "row_heights": [0.6, 0.4], "vertical_spacing": 0.16, "subplot_titles": ("", "a", "b", "c")}
    ours, theirs = subplots(**grid), make_subplots(**grid)
    theirs.update_layout(template={})
    for fig in (ours, theirs):
        fig.add_trace(scatter(x=[1], y=[2]) if fig is ours else go.Scatter(x=[1], y=[2]), row=2, col=3)
        fig.add_trace(scatter(x=[0, 1], y=[1, 0]) if fig is ours else go.Scatter(x=[0, 1], y=[1, 0]), row=1, col=1)
        fig.add_vrect(x0=0, x1=1, row=1, col=1, line_width=0, exclude_empty_subplots=False)
        fig.add_hline(y=3, row=2, col=2, exclude_empty_subplots=False)
        fig.add_vline(x=3, row=2, col=3, line={"color": "red"}, exclude_empty_subplots=False)
        fig.add_annotation(x=1, y=2, text="t", showarrow=False, row=2, col=2)
        fig.update_xaxes(title_text="T", row=2, col=2)
        fig.update_yaxes(visible=False, row=2, col=3)
        fig.update_annotations(font={"size": 14})
    assert _normal(ours.to_dict()) == _normal(theirs.to_dict())


def test_unknown_subplot_is_a_clear_error() -> None:
    fig = subplots(rows=1, cols=2)
    with pytest.raises(ValueError, match="row=3, col=1"):
        fig.add_trace(scatter(x=[1], y=[1]), row=3, col=1)


def test_described_json_is_the_figure_and_figure_is_validated() -> None:
    fig = Figure(data=[scatter(x=np.arange(3), y=np.array([0.5, 1.0, 1.5]))], layout={"title": {"text": "T"}})
    d = Described(fig, "three points")
    assert d.title == "T"
    assert json.loads(d.to_json())["data"][0]["y"] == [0.5, 1.0, 1.5]
    assert isinstance(d.figure, go.Figure) and list(d.figure.data[0].y) == [0.5, 1.0, 1.5]
    bad = Described(Figure(data=[scatter(x=[1], y=[1], colour="red")]), "misspelt property")
    with pytest.raises(ValueError, match="colour"):
        bad.figure  # noqa: B018 - plotly's validator rejects what plotly.js would silently ignore


def _builders():
    """Every public figure builder of katlearn.figures that can be called with no arguments."""
    for info in pkgutil.iter_modules(figures_pkg.__path__):
        mod = importlib.import_module(f"katlearn.figures.{info.name}")
        for name, fn in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != mod.__name__:
                continue
            if inspect.signature(fn).return_annotation not in ("Described", Described):
                continue
            params = inspect.signature(fn).parameters.values()
            if all(p.default is not inspect.Parameter.empty or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in params):
                yield pytest.param(fn, id=f"{info.name}.{name}")


@pytest.mark.parametrize("builder", list(_builders()))
def test_default_figures_pass_plotlys_validator(builder) -> None:
    d = builder()
    assert isinstance(d.figure, go.Figure)
    assert d.description.strip()
    assert json.loads(d.to_json())["data"] is not None


def test_figures_only_use_trace_types_of_the_served_plotly_bundle() -> None:
    """Pages load plotly's cartesian bundle: a trace type outside it would draw nothing."""
    import re
    from pathlib import Path

    from katlearn.server import _vendor

    kinds: set[str] = set()
    for path in Path(figures_pkg.__path__[0]).glob("*.py"):
        src = path.read_text(encoding="utf-8")
        assert "go." not in src.replace("go.Figure", "") or path.name == "base.py", (
            f"{path.name}: build traces with katlearn.figures.base helpers, not plotly.graph_objects")
        kinds.update(re.findall(r"\btrace\(\s*\"(\w+)\"", src))
        kinds.update(re.findall(r"[\"']type[\"']\s*:\s*[\"'](\w+)[\"']", src))
        kinds.update(name for name in ("scatter", "bar", "heatmap") if re.search(rf"\b{name}\(", src))
    shapes = {"rect", "line", "circle", "path", "log", "linear", "category", "date"}  # shape/axis types
    assert "scatter" in kinds
    assert kinds - shapes <= _vendor.CARTESIAN_TRACES, kinds - shapes - _vendor.CARTESIAN_TRACES
