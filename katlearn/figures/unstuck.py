"""“Getting unstuck”, drawn: an energy landscape with a ball, and a small Hopfield network's journey.

Both pictures come from :mod:`katlearn.science.landscape` and are **teaching metaphors**, not claims
about how the brain stores thoughts or what ketamine does to networks; titles and descriptions say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from katlearn.figures.base import (
    FONT_SIZE_PX, LEGEND_BELOW, PALETTE, Described, Figure, base_layout, grid_layout, heatmap, scatter, subplots,
)
from katlearn.science import landscape

__all__ = ["landscape_figure", "HopfieldHistory", "hopfield_figure", "grid"]

# Legend below the plot, anchored to the figure's bottom edge so it never overlaps the axis title at
# phone width (Plotly grows the bottom margin to fit it).

BALL_COLOR = PALETTE["orange"]
RUT_COLOR = PALETTE["vermillion"]
NEW_COLOR = PALETTE["blue"]


def _energy_at(land: landscape.Landscape, x: float) -> float:
    return float(np.interp(x, land.x, land.energy))


def landscape_figure(land: landscape.Landscape, ball_x: float, jostle: float, free: bool) -> Described:
    """The landscape at ``land.plasticity``/``land.learning`` with the ball at ``ball_x``.

    ``jostle`` is how high everyday ups and downs lift the ball above the bottom of its valley (drawn as a
    dashed line); ``free`` says whether that is enough to carry it over the barrier."""
    e = land.energy
    y_lo, y_hi = float(e.min()), float(min(e.max(), e.min() + 2.2))
    pad = 0.08 * (y_hi - y_lo)
    fig = Figure(layout=base_layout("A metaphor: habits as valleys", "State of mind (metaphor)",
                                       "Energy (a.u.)"))
    fig.add_trace(scatter(x=land.x, y=e, mode="lines", name="Landscape", line={"color": "#333333", "width": 4},
                             hoverinfo="skip", showlegend=False))
    labels = [(land.rut_x, "the rut<br>(old habit)", RUT_COLOR)]
    if land.alternative_x is not None and abs(land.alternative_x - land.rut_x) > 0.3:
        labels.append((land.alternative_x, "an alternative", NEW_COLOR))
    for x, text, color in labels:
        fig.add_annotation(x=x, y=_energy_at(land, x) - 0.8 * pad, text=text, showarrow=False, yanchor="top",
                           font={"size": FONT_SIZE_PX - 2, "color": color})
    ball_e = _energy_at(land, ball_x)
    fig.add_trace(scatter(x=[float(land.x[0]), float(land.x[-1])], y=[ball_e + jostle] * 2, mode="lines",
                             name="How high everyday jostling lifts the ball",
                             line={"color": BALL_COLOR, "width": 2, "dash": "dash"},
                             hovertemplate="Everyday jostling reaches this high<extra></extra>"))
    fig.add_trace(scatter(x=[ball_x], y=[ball_e + pad * 0.9], mode="markers", name="The state (the ball)",
                             marker={"color": BALL_COLOR, "size": 30, "line": {"color": "#333333", "width": 2}},
                             hovertemplate="The ball: where the state sits now<extra></extra>"))
    fig.update_layout(
        xaxis={"range": [float(land.x[0]), float(land.x[-1])], "showticklabels": False, "fixedrange": True},
        yaxis={"range": [y_lo - 4.5 * pad, y_hi + pad], "showticklabels": False, "fixedrange": True},
        hovermode="closest", height=440, margin={"l": 50, "r": 20, "t": 60, "b": 10},
        legend=LEGEND_BELOW,
    )

    where = "in the rut" if abs(ball_x - land.rut_x) < 0.3 or ball_x < 0 else "in the alternative valley"
    barrier = land.barrier_from_rut
    text = (f"Teaching metaphor, not a brain measurement; lower energy means more settled. "
            f"Plasticity {land.plasticity:.2f}, learning {land.learning:.2f}. ")
    if land.alternative_x is None or abs(land.alternative_x - land.rut_x) <= 0.3:
        text += "The two valleys have merged into one; "
    else:
        deeper = "the rut" if _energy_at(land, land.rut_x) <= _energy_at(land, land.alternative_x) else \
            "the alternative"
        text += f"The barrier around the rut is {barrier:.2f} (a.u.) and {deeper} is the deeper valley; "
    text += f"everyday jostling lifts the ball {jostle:.2f}. The ball is {where}"
    text += (", and the barrier is low enough for it to move." if free else
             ", and the barrier is too high for it to leave.")
    return Described(fig, text)


@dataclass(frozen=True)
class HopfieldHistory:
    """What the Hopfield explorer has done so far, sweep by sweep (row 0 = start)."""

    overlap_rut: np.ndarray = field(repr=False)
    overlap_new: np.ndarray = field(repr=False)
    temperature: np.ndarray = field(repr=False)  # temperature of the sweep that led to each row (row 0: start)
    state: np.ndarray = field(repr=False)
    rut: np.ndarray = field(repr=False)
    new_pattern: np.ndarray = field(repr=False)
    high_temperature: float
    learned_at: int | None = None  # row at which the new pattern was learned
    cued_at: tuple[int, ...] = ()  # rows at which the new pattern was offered as a cue


def grid(v: np.ndarray, width: int = 8) -> np.ndarray:
    """A ±1 vector as rows of ``width`` (for a heat map)."""
    v = np.asarray(v, dtype=float)
    rows = int(np.ceil(v.size / width))
    out = np.full(rows * width, np.nan)
    out[: v.size] = v
    return out.reshape(rows, width)[::-1]


def _spans(mask: np.ndarray) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, m in enumerate(mask):
        if m and start is None:
            start = i
        if not m and start is not None:
            spans.append((start, i - 1))
            start = None
    if start is not None:
        spans.append((start, len(mask) - 1))
    return spans


def hopfield_figure(h: HopfieldHistory) -> Described:
    """Top: match of the network's state with the rut and with the new pattern, step by step, high-plasticity
    steps shaded. Bottom: the state now, the rut and the new pattern as 8×8 pictures."""
    n = h.overlap_rut.size
    steps = np.arange(n)
    m_rut = np.abs(h.overlap_rut) * 100.0
    m_new = np.abs(h.overlap_new) * 100.0
    fig = subplots(rows=2, cols=3, specs=[[{"colspan": 3}, None, None], [{}, {}, {}]],
                        row_heights=[0.58, 0.42], vertical_spacing=0.22, horizontal_spacing=0.06,
                        subplot_titles=("", "Network now", "The rut", "New pattern"))
    high = h.temperature >= h.high_temperature
    for a, b in _spans(high):
        fig.add_vrect(x0=max(a - 1, 0), x1=b, fillcolor=PALETTE["yellow"], opacity=0.35, line_width=0, layer="below",
                      row=1, col=1, exclude_empty_subplots=False)
    if np.any(high):
        fig.add_trace(scatter(x=[None], y=[None], mode="markers", name="High plasticity",
                                 marker={"symbol": "square", "size": 14, "color": PALETTE["yellow"], "opacity": 0.6}),
                      row=1, col=1)
    mode = "lines" if n > 2 else "lines+markers"
    fig.add_trace(scatter(x=steps, y=m_rut, mode=mode, name="Match with the rut",
                             line={"color": RUT_COLOR, "width": 3}, marker={"size": 10},
                             hovertemplate="Step %{x}: %{y:.0f}% match with the rut<extra></extra>"), row=1, col=1)
    fig.add_trace(scatter(x=steps, y=m_new, mode=mode, name="Match with the new pattern",
                             line={"color": NEW_COLOR, "width": 3, "dash": "dash"}, marker={"size": 10, "symbol": "square"},
                             hovertemplate="Step %{x}: %{y:.0f}% match with the new pattern<extra></extra>"),
                  row=1, col=1)
    if h.learned_at is not None:
        fig.add_vline(x=h.learned_at, line={"color": PALETTE["green"], "width": 3}, row=1, col=1)
        fig.add_annotation(x=h.learned_at, y=104, text="learned", showarrow=False, xanchor="left", yanchor="bottom",
                           font={"size": FONT_SIZE_PX - 3, "color": PALETTE["green"]}, row=1, col=1)
    for c in h.cued_at:
        fig.add_vline(x=c, line={"color": NEW_COLOR, "width": 1, "dash": "dot"}, row=1, col=1)
    scale = [[0.0, "#f4f4f4"], [1.0, "#1f2a44"]]
    for col, (vec, name) in enumerate(((h.state, "network now"), (h.rut, "the rut"), (h.new_pattern, "new pattern")),
                                      start=1):
        fig.add_trace(heatmap(z=grid(vec), zmin=-1, zmax=1, colorscale=scale, showscale=False, xgap=1, ygap=1,
                                 name=name, hovertemplate=f"{name}: unit %{{z}}<extra></extra>"), row=2, col=col)
        fig.update_xaxes(visible=False, fixedrange=True, row=2, col=col)
        fig.update_yaxes(visible=False, fixedrange=True, scaleanchor=f"x{col + 1}", row=2, col=col)
    fig.update_xaxes(title_text="Step", range=[0, max(n - 1, 10)], row=1, col=1,
                     automargin=True)
    fig.update_yaxes(title_text="Match (%)", range=[0, 112], tickvals=[0, 50, 100], row=1, col=1, automargin=True)
    fig.update_layout(grid_layout("Metaphor: a network in a rut", margin={"l": 60, "r": 20, "t": 60, "b": 20}))
    fig.update_annotations(font={"size": FONT_SIZE_PX - 2})

    now_rut, now_new = float(m_rut[-1]), float(m_new[-1])
    n_high = int(np.sum(high[1:]))
    text = (f"Teaching metaphor, not a brain measurement. {n - 1} steps so far"
            + (f", {n_high} of them at high plasticity" if n_high else "") + ". ")
    text += f"The network's state now matches the rut {now_rut:.0f}% and the new pattern {now_new:.0f}%"
    if now_rut >= 90:
        text += " — it is in the rut."
    elif now_new >= 90:
        text += " — it holds the new pattern."
    else:
        text += " — it is between patterns."
    text += " The new pattern has been learned." if h.learned_at is not None else " The new pattern is not learned yet."
    text += " (Matches ignore sign: the network stores each pattern's mirror image too.)"
    return Described(fig, text)
