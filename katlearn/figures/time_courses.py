"""How fast does it work? Approximate symptom time courses after one ketamine infusion, an oral
antidepressant and placebo, with the published points they are drawn through.

Pure builder: :class:`katlearn.science.clinical.Trajectory` objects in, :class:`Described` out. The
curves are the science layer's approximate illustrations; this module marks which points are
published (filled diamonds: measured values; open circles: published *times*, placed on the curve)
and says plainly that the lines between them are drawn in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from katlearn.figures.base import LEGEND_BELOW, PALETTE, Described, Figure, base_layout, scatter
from katlearn.science import clinical

__all__ = ["ARM_STYLE", "MARKER_KEY", "onset_figure", "time_label", "first_day_at"]

MARKER_KEY = ("◆ a published value · ○ a published time, or a value on another scale (hover to read it). "
              "The lines between the points are drawn in.")

ARM_STYLE: dict[str, dict[str, str]] = {
    "ketamine": {"color": PALETTE["blue"], "dash": "solid", "short": "Ketamine"},
    "oral_antidepressant": {"color": PALETTE["orange"], "dash": "dash", "short": "Oral antidepressant"},
    "placebo": {"color": PALETTE["grey"], "dash": "dot", "short": "Placebo"},
    "midazolam": {"color": PALETTE["grey"], "dash": "dot", "short": "Midazolam (active placebo)"},
}

HOURS_VIEW_MAX_DAYS = 2.0  # presentation: up to 2 days the time axis is in hours


def time_label(day: float) -> str:
    """``0.0278`` → ``"40 min"``, ``0.0833`` → ``"2 h"``, ``1`` → ``"24 h"``, ``10.1`` → ``"day 10.1"``,
    ``42`` → ``"day 42 (week 6)"``."""
    minutes = day * 24 * 60
    if minutes < 90:
        return f"{minutes:.0f} min"
    if day <= 1 + 1e-9:
        return f"{day * 24:.0f} h"
    if day >= 14 and abs(day / 7 - round(day / 7)) < 1e-9:
        return f"day {day:.0f} (week {day / 7:.0f})"
    return f"day {day:.0f}" if abs(day - round(day)) < 0.05 else f"day {day:.1f}"


def first_day_at(days: np.ndarray, value: np.ndarray, level: float, after_day: float = 0.0) -> float | None:
    """First time (linear interpolation between samples) ``value`` reaches ``level``, or None."""
    mask = days >= after_day
    d, v = days[mask], value[mask]
    hit = np.nonzero(v >= level)[0]
    if hit.size == 0:
        return None
    i = int(hit[0])
    if i == 0:
        return float(d[0])
    d0, d1, v0, v1 = d[i - 1], d[i], v[i - 1], v[i]
    return float(d0 + (level - v0) * (d1 - d0) / (v1 - v0)) if v1 != v0 else float(d1)


def _is_fraction(metric: str) -> bool:
    return metric == clinical.FRACTION


def _y(values: np.ndarray, metric: str) -> np.ndarray:
    return np.asarray(values, dtype=float) * (100.0 if _is_fraction(metric) else 1.0)


def _cite(ref: str, citations: Mapping[str, str] | None) -> str:
    return (citations or {}).get(ref, ref)


def _anchor_notes(traj: clinical.Trajectory, citations: Mapping[str, str] | None,
                  all_anchors: Sequence[clinical.Anchor]) -> list[tuple[float, float | None, str]]:
    """(day, published value on this curve's scale or None, hover note) for the curve's own points.

    A value on another scale (e.g. % responding, marked on a share-of-benefit curve) is named in the
    note and the marker sits on the curve. Response values name every arm measured then by that
    source: "day 7: 45.7% on ketamine vs 18.2% on midazolam (active placebo) responding (Murrough...)".
    """
    notes: list[tuple[float, float | None, str]] = []
    for a in traj.anchors:
        if a.arm != traj.arm:
            continue
        if a.value is not None and a.metric == clinical.RESPONSE:
            same = [b for b in all_anchors if b.ref == a.ref and abs(b.day - a.day) < 1e-9 and b.value is not None]
            same = list({(b.arm, b.value): b for b in same}.values())
            parts = [f"{b.value:.1f}% on {ARM_STYLE.get(b.arm, {}).get('short', b.arm).lower()}" for b in same]
            text = f"{time_label(a.day)}: " + " vs ".join(parts) + " responding"
        else:
            text = a.note[:1].upper() + a.note[1:]
        text += f" ({_cite(a.ref, citations)})"
        same_scale = a.value is not None and a.metric == traj.metric
        notes.append((a.day, float(a.value) if same_scale else None, text))
    return notes


def onset_figure(trajectories: Mapping[str, clinical.Trajectory], *, shown: Sequence[str] | None = None,
                 day_max: float | None = None, citations: Mapping[str, str] | None = None) -> Described:
    """Approximate time courses of ``trajectories`` (one metric), published points marked.

    ``shown`` picks arms (default: all); ``day_max`` crops the time axis (default: the data's end);
    up to 2 days the axis is in hours. ``citations`` maps reference keys to short citations for hover
    text ("Murrough et al. 2013"). Fraction-of-benefit curves are drawn in percent.
    """
    if not trajectories:
        raise ValueError("onset_figure needs at least one trajectory")
    metrics = {t.metric for t in trajectories.values()}
    if len(metrics) != 1:
        raise ValueError(f"trajectories must share one metric, got {sorted(metrics)}")
    metric = metrics.pop()
    shown = list(trajectories) if shown is None else [k for k in shown if k in trajectories]
    any_traj = next(iter(trajectories.values()))
    end = float(any_traj.days[-1]) if day_max is None else float(min(day_max, any_traj.days[-1]))
    hours = end <= HOURS_VIEW_MAX_DAYS
    scale = 24.0 if hours else 1.0
    all_anchors = [a for t in trajectories.values() for a in t.anchors]

    if _is_fraction(metric):
        title = "How fast? (approximate)"
        y_title = "Share of full benefit (%)"
    else:
        title = "Responders (approximate)"
        y_title = "Patients responding (%)"
    x_title = "Time after first dose (hours)" if hours else "Time after first dose (days)"
    fig = Figure(layout=base_layout(title, x_title, y_title))

    oral = trajectories.get("oral_antidepressant")
    if oral is not None and "oral_antidepressant" in shown:
        window = sorted(a.day for a in oral.anchors)
        if window and window[0] < end:
            fig.add_vrect(x0=window[0] * scale, x1=min(window[-1], end) * scale, fillcolor=PALETTE["orange"],
                          opacity=0.10, line_width=0, layer="below")
            fig.add_annotation(x=window[0] * scale, y=1, yref="paper", xanchor="left", yanchor="top",
                               text=f"Oral: benefit builds, weeks {window[0] / 7:g}–{window[-1] / 7:g}",
                               showarrow=False, font={"size": 13, "color": "#333333"})

    summaries: list[str] = []
    y_top = 0.0
    for arm in shown:
        traj = trajectories[arm]
        style = ARM_STYLE.get(traj.arm, {"color": PALETTE["black"], "dash": "solid", "short": traj.arm})
        keep = traj.days <= end + 1e-12
        d, v = traj.days[keep], _y(traj.value[keep], metric)
        y_top = max(y_top, float(v.max(initial=0.0)))
        unit = "%"
        fig.add_trace(scatter(
            x=np.round(d * scale, 4).tolist(), y=np.round(v, 2).tolist(), mode="lines", name=traj.label,
            legendgroup=arm, line={"color": style["color"], "dash": style["dash"], "width": 3},
            hovertemplate=f"{style['short']}: %{{y:.0f}}{unit} (approximate)<extra></extra>",
        ))
        notes = [(day, val, text) for day, val, text in _anchor_notes(traj, citations, all_anchors) if day <= end]
        if notes:
            xs = [day * scale for day, _, _ in notes]
            ys = [(_y(np.array([val]), metric)[0] if val is not None
                   else float(np.interp(day, traj.days, _y(traj.value, metric)))) for day, val, _ in notes]
            symbols = ["diamond" if val is not None else "circle-open" for _, val, _ in notes]
            fig.add_trace(scatter(
                x=xs, y=ys, mode="markers", name=f"{style['short']}: published points", legendgroup=arm,
                showlegend=False, text=[t for _, _, t in notes],
                marker={"color": style["color"], "size": 12, "symbol": symbols, "line": {"width": 2,
                                                                                          "color": style["color"]}},
                hovertemplate="%{text}<extra></extra>",
            ))
        summaries.append(_summary(arm, style["short"], traj, metric, end))

    fig.update_layout(
        xaxis={"range": [0, end * scale]},
        yaxis={"range": [0, max(y_top * 1.12, 10.0)]},
        legend=LEGEND_BELOW,  # in the figure's own space: under the axes it covered their title on a phone
        margin={"l": 60, "r": 20, "t": 60, "b": 40},
        height=500,
        hovermode="closest",
    )
    span = f"the first {end * 24:.0f} hours" if hours else f"the first {end:g} days"
    description = (f"Approximate curves drawn through published points, over {span}. "
                   + " ".join(s for s in summaries if s))
    return Described(fig, description)


def _summary(arm: str, short: str, traj: clinical.Trajectory, metric: str, end: float) -> str:
    keep = traj.days <= end + 1e-12
    d, v = traj.days[keep], _y(traj.value[keep], metric)
    if v.size == 0 or float(v.max()) <= 0:
        return f"{short}: stays at 0%." if _is_fraction(metric) else f"{short}: no response shown."
    i_peak = int(np.argmax(v))
    peak, peak_day = float(v[i_peak]), float(d[i_peak])
    if _is_fraction(metric):
        half = first_day_at(d, v, 50.0)
        parts = [f"{short}: half of the full benefit by {time_label(half)}" if half is not None
                 else f"{short}: below half of the full benefit in this window (highest {peak:.0f}%)"]
        if peak >= 50.0:
            gone = np.nonzero((d > peak_day) & (v < 0.1 * peak))[0]
            if gone.size:
                parts.append(f"fades to under a tenth of its peak by {time_label(float(d[gone[0]]))}")
        return ", ".join(parts) + "."
    return f"{short}: highest {peak:.0f}% responding at {time_label(peak_day)}."
