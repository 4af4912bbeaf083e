"""From glutamate surge to new spines: the cascade of :mod:`katlearn.science.synaptogenesis` over hours to weeks.

A log time axis fits minutes and weeks in one view. Cited findings are drawn where they have a time
(Moda-Sava 2019: formation not altered at 3–6 h, altered at 12–24 h; Phoumthipphavong 2016: density
raised up to 2 weeks) and named in the legend and on hover where they do not (Maeng 2008, Autry 2011,
Li 2010, Moghaddam 1997). Curves are each normalised to their own peak, as the model reports them.
"""

from __future__ import annotations

from collections.abc import Mapping

from html import escape

import numpy as np

from katlearn.figures.base import PALETTE, Described, Figure, base_layout, scatter
from katlearn.science import synaptogenesis

__all__ = ["STAGE_STYLE", "BLOCK_LABELS", "cascade_figure", "findings_html", "fmt_time_h", "TIME_TICKS_H"]

# Legend below the plot, anchored to the figure's bottom edge so it never overlaps the axis title at
# phone width (Plotly grows the bottom margin to fit it).
LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "xanchor": "left", "x": 0.0}

STAGE_STYLE: dict[str, dict[str, str]] = {
    "glutamate": {"label": "Glutamate surge", "color": PALETTE["vermillion"], "dash": "solid"},
    "ampa": {"label": "AMPA throughput", "color": PALETTE["orange"], "dash": "dot"},
    "bdnf": {"label": "BDNF made", "color": PALETTE["green"], "dash": "dash"},
    "mtor": {"label": "mTOR signalling", "color": PALETTE["sky"], "dash": "dashdot"},
    "formation_rate": {"label": "Spine formation rate", "color": PALETTE["blue"], "dash": "solid"},
    "spine_density": {"label": "Extra spines", "color": PALETTE["black"], "dash": "longdash"},
}
BLOCK_LABELS = {
    None: "no blocker",
    "ampa": "AMPA receptors blocked (NBQX)",
    "mtor": "mTOR blocked (rapamycin)",
}
# Tick positions in hours (presentation only).
TIME_TICKS_H = (1 / 6, 1.0, 6.0, 24.0, 168.0, 672.0)
T_MIN_H = 1 / 6


def fmt_time_h(t_h: float) -> str:
    """``"40 min"``, ``"15 h"``, ``"2.1 days"`` — rounded for reading aloud."""
    if t_h < 1:
        return f"{t_h * 60:.0f} min"
    if t_h < 48:
        return f"{t_h:.0f} h" if t_h >= 10 else f"{t_h:.1f} h"
    days = t_h / 24
    return f"{days:.0f} days" if days >= 10 else f"{days:.1f} days"


def _tick_text(t_h: float) -> str:
    if t_h < 1:
        return f"{t_h * 60:.0f} min"
    if t_h < 24:
        return f"{t_h:.0f} h"
    if t_h < 168:
        return f"{t_h / 24:.0f} d"
    return f"{t_h / 168:.0f} wk"


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (BDNF, AMPA)."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def findings_html(citations: Mapping[str, str]) -> str:
    """The cited findings the figure marks, as a list with links to the page's reference list."""
    items = "".join(
        f'<li>{escape(f.text)} (<a href="#ref-{escape(f.ref)}">{escape(citations.get(f.ref, f.ref))}</a>)</li>'
        for f in synaptogenesis.FINDINGS)
    return f'<ul class="kl-findings">{items}</ul>'


DRAWN_POINTS = 400  # per curve, evenly spaced on the log time axis


def _finding_for(stage: str) -> list[synaptogenesis.Finding]:
    return [f for f in synaptogenesis.FINDINGS if f.stage == stage]


def cascade_figure(result: synaptogenesis.PlasticityResult,
                   reference: synaptogenesis.PlasticityResult | None = None,
                   citations: Mapping[str, str] | None = None) -> Described:
    """The cascade's stages over time (log axis) with cited findings; ``reference`` (the unblocked run) is
    drawn faintly when ``result`` has a blocker. ``citations`` maps reference keys to short citations
    ("Moda-Sava et al. 2019"; see :func:`katlearn.content.short_citations`); keys show without it."""
    citations = citations or {}
    keep = result.t_h >= T_MIN_H
    t_end = float(result.t_h[-1])
    # Drawn on a log axis: the model's even time grid (thousands of points, most of them in the last
    # days) is resampled to points evenly spaced on that axis, rounded; the figure's JSON, sent to
    # the browser on every redraw, shrinks from ~700 kB to ~40 kB with no visible change.
    t = np.round(np.geomspace(float(result.t_h[keep][0]), t_end, DRAWN_POINTS), 4)

    def drawn(values) -> np.ndarray:
        return np.round(np.interp(t, result.t_h, np.asarray(values)) * 100.0, 2)

    fig = Figure(layout=base_layout("Surge to new spines (model)", "Time after the dose (log scale)",
                                       "% of own peak"))
    not_yet = next(f for f in synaptogenesis.FINDINGS if f.stage == "formation_rate" and "not" in f.text)
    altered = next(f for f in synaptogenesis.FINDINGS if f.stage == "formation_rate" and f is not not_yet)
    lasting = next(f for f in synaptogenesis.FINDINGS if f.stage == "spine_density")
    fig.add_vrect(x0=not_yet.t_low_h, x1=not_yet.t_high_h, fillcolor=PALETTE["grey"], opacity=0.18, line_width=0,
                  layer="below")
    fig.add_vrect(x0=altered.t_low_h, x1=altered.t_high_h, fillcolor=PALETTE["blue"], opacity=0.14, line_width=0,
                  layer="below")
    for f, label, x, anchor in ((not_yet, "not yet", not_yet.t_low_h, "right"),
                                (altered, "changed", altered.t_high_h, "left")):
        fig.add_annotation(x=float(np.log10(x)), y=107, text=label, showarrow=False, xanchor=anchor,
                           yanchor="middle", font={"size": 13, "color": "#333333"},
                           hovertext=f"{f.text} ({citations.get(f.ref, f.ref)})")
    fig.add_trace(scatter(
        x=[not_yet.t_low_h, not_yet.t_high_h, None, altered.t_low_h, altered.t_high_h],
        y=[107, 107, None, 107, 107], mode="lines", line={"color": PALETTE["blue"], "width": 5}, showlegend=False,
        name=f"Formation timing ({citations.get(altered.ref, altered.ref)})",
        hovertemplate=f"{altered.text}; {not_yet.text.lower()} ({citations.get(altered.ref, altered.ref)})<extra></extra>"))
    x_lo = T_MIN_H
    fig.add_trace(scatter(
        x=[x_lo, lasting.t_high_h], y=[117, 117], mode="lines+markers", showlegend=False,
        marker={"symbol": "line-ns", "size": 12, "line": {"width": 2, "color": PALETTE["black"]}},
        line={"color": PALETTE["black"], "width": 2},
        name=f"Density raised ({citations.get(lasting.ref, lasting.ref)})",
        hovertemplate=f"{lasting.text} ({citations.get(lasting.ref, lasting.ref)})<extra></extra>"))
    fig.add_annotation(x=float(np.log10(lasting.t_high_h)), y=117, text=f"raised up to {lasting.t_high_h / 168:.0f} weeks",
                       showarrow=False, xanchor="right", yanchor="bottom", font={"size": 13})

    peaks: dict[str, float] = {}
    for stage, style in STAGE_STYLE.items():
        y = drawn(getattr(result, stage))
        findings = _finding_for(stage)
        name = style["label"]
        if reference is not None:
            y_ref = drawn(getattr(reference, stage))
            if not np.allclose(y_ref, y):
                fig.add_trace(scatter(x=t, y=y_ref, mode="lines", name=f"{style['label']} without blocker",
                                         showlegend=False, legendgroup=stage, opacity=0.35,
                                         line={"color": style["color"], "dash": style["dash"], "width": 2},
                                         hovertemplate=f"{style['label']} without blocker: %{{y:.0f}}%<extra></extra>"))
        fig.add_trace(scatter(x=t, y=y, mode="lines", name=name, legendgroup=stage,
                                 line={"color": style["color"], "dash": style["dash"], "width": 3},
                                 hovertemplate=f"{style['label']}: %{{y:.0f}}% at %{{x:.3g}} h<extra></extra>"))
        if y.max() > 0:
            i = int(np.argmax(y))
            peaks[stage] = float(t[i])
            hover = "; ".join(f"{f.text} ({citations.get(f.ref, f.ref)})" for f in findings if f.t_low_h is None) or \
                f"{style['label']} peaks"
            fig.add_trace(scatter(x=[t[i]], y=[y[i]], mode="markers", showlegend=False, legendgroup=stage,
                                     name=f"{style['label']} peak",
                                     marker={"color": style["color"], "size": 11, "symbol": "diamond",
                                             "line": {"color": "white", "width": 1}},
                                     hovertemplate=f"Peak at {fmt_time_h(float(t[i]))}. {hover}<extra></extra>"))
    fig.update_layout(
        xaxis={"type": "log", "range": [float(np.log10(T_MIN_H)), float(np.log10(t_end))], "tickmode": "array",
               "tickvals": [v for v in TIME_TICKS_H if v <= t_end], "ticktext": [_tick_text(v) for v in TIME_TICKS_H
                                                                                  if v <= t_end]},
        yaxis={"range": [0, 125], "tickvals": [0, 25, 50, 75, 100]},
        legend=LEGEND_BELOW,
        margin={"l": 60, "r": 20, "t": 60, "b": 10},
        height=600,
        hovermode="closest",
    )

    block = BLOCK_LABELS[result.block]
    parts = [f"Model cascade after one 0.5 mg/kg / 40 min infusion, {block}, time on a log scale from "
             f"{fmt_time_h(T_MIN_H)} to {fmt_time_h(t_end)}. "]
    order = [s for s in STAGE_STYLE if s in peaks]
    if order:
        parts.append("Peaks: " + "; ".join(f"{_lower_first(STAGE_STYLE[s]['label'])} at {fmt_time_h(peaks[s])}"
                                            for s in order) + ". ")
    silent = [_lower_first(STAGE_STYLE[s]["label"]) for s in STAGE_STYLE if s not in peaks]
    if silent:
        parts.append("Flat (blocked): " + ", ".join(silent) + ". ")
    if "formation_rate" in peaks:
        parts.append(
            f"Spine formation is {result.at('formation_rate', not_yet.t_high_h) * 100:.0f}% of its peak at "
            f"{not_yet.t_high_h:g} h and {result.at('formation_rate', altered.t_high_h) * 100:.0f}% at "
            f"{altered.t_high_h:g} h; extra spines are still {result.at('spine_density', lasting.t_high_h) * 100:.0f}% "
            f"of their peak at {lasting.t_high_h / 24:.0f} days. ")
    parts.append(f"Marked: formation not changed at {not_yet.t_low_h:g}–{not_yet.t_high_h:g} h but changed at "
                 f"{altered.t_low_h:g}–{altered.t_high_h:g} h ({citations.get(altered.ref, altered.ref)}); density raised up to "
                 f"{lasting.t_high_h / 24:.0f} days ({citations.get(lasting.ref, lasting.ref)}).")
    return Described(fig, "".join(parts))
