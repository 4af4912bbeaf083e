"""Disinhibition in figures: a small E–I circuit schematic and the circuit's firing over time and dose.

Pure builders: results of :mod:`katlearn.science.disinhibition` in, :class:`Described` out. The circuit is a
teaching model of a *hypothesis* (Homayoun & Moghaddam 2007); the words the figures use say so.
"""

from __future__ import annotations

import numpy as np

from katlearn.figures.base import FONT_SIZE_PX, LIGHT_TEMPLATE, PALETTE, Described, grid_layout, scatter, subplots
from katlearn.figures.block_curves import PlasmaRange
from katlearn.figures.synapse_steps import Canvas
from katlearn.science import disinhibition

__all__ = ["schematic_figure", "dynamics_figure", "half_change_ms", "E_COLOR", "I_COLOR"]

# Legend below the plot, anchored to the figure's bottom edge so it never overlaps the axis title at
# phone width (Plotly grows the bottom margin to fit it).

E_COLOR = PALETTE["vermillion"]  # pyramidal (excitatory) cells and the glutamate they release
I_COLOR = PALETTE["blue"]  # GABA interneurons
K_COLOR = PALETTE["purple"]  # ketamine
_SMALL = FONT_SIZE_PX - 3


def _fmt_um(x: float) -> str:
    return "no ketamine" if x == 0 else (f"{x:.2g} µM" if x < 1 else f"{x:.3g} µM")


def _arrow(fig: Canvas, x0: float, y0: float, x1: float, y1: float, color: str, width: float,
           head: int = 2) -> None:
    fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                       arrowhead=head, arrowsize=1.0, arrowwidth=width, arrowcolor=color, text="", standoff=4,
                       startstandoff=4)


def _text(fig: Canvas, x: float, y: float, text: str, color: str = "#222222", anchor: str = "center",
          size: int = _SMALL) -> None:
    fig.add_annotation(x=x, y=y, text=text, showarrow=False, xanchor=anchor, font={"size": size, "color": color})


def schematic_figure(conc_uM: float, occupancy: float, e_rel: float, i_rel: float) -> Described:
    """The E–I motif: pyramidal cells excite interneurons through NMDA receptors; interneurons inhibit
    pyramidal cells; pyramidal cells release glutamate. Line widths follow the relative firing rates."""
    fig = Canvas()
    e_xy, i_xy = (2.6, 3.0), (7.4, 3.0)
    # Connections: E → I (excitatory, NMDA-rich), I → E (inhibitory), E → output.
    _arrow(fig, e_xy[0] + 0.7, 3.75, i_xy[0] - 1.15, 3.75, E_COLOR, 1.5 + 3 * e_rel)
    _text(fig, 4.6, 4.35, "excites, via NMDA receptors", color=E_COLOR)
    fig.add_shape(type="line", x0=i_xy[0] - 0.7, y0=2.25, x1=e_xy[0] + 0.8, y1=2.25,
                  line={"color": I_COLOR, "width": 1.5 + 3 * i_rel})
    fig.add_shape(type="line", x0=e_xy[0] + 0.8, y0=1.9, x1=e_xy[0] + 0.8, y1=2.6,
                  line={"color": I_COLOR, "width": 4})
    _text(fig, 5.0, 1.7, "inhibits (GABA)", color=I_COLOR)
    _arrow(fig, e_xy[0] - 0.75, e_xy[1], 0.2, e_xy[1], E_COLOR, 1.5 + 3 * e_rel)
    _text(fig, 0.2, 3.55, "glutamate<br>output", color=E_COLOR, anchor="left")
    # Cells.
    fig.add_trace(scatter(x=[e_xy[0]], y=[e_xy[1]], mode="markers", name="pyramidal cells",
                             marker={"symbol": "triangle-up", "size": 58, "color": E_COLOR,
                                     "opacity": float(np.clip(0.3 + 0.45 * e_rel, 0.25, 1.0)),
                                     "line": {"color": "#222222", "width": 1.5}},
                             hovertemplate=f"Pyramidal cells: firing {e_rel * 100:.0f}% of baseline<extra></extra>"))
    fig.add_trace(scatter(x=[i_xy[0]], y=[i_xy[1]], mode="markers", name="interneurons",
                             marker={"symbol": "circle", "size": 50, "color": I_COLOR,
                                     "opacity": float(np.clip(0.3 + 0.45 * i_rel, 0.25, 1.0)),
                                     "line": {"color": "#222222", "width": 1.5}},
                             hovertemplate=f"Interneurons: firing {i_rel * 100:.0f}% of baseline<extra></extra>"))
    _text(fig, e_xy[0], 0.95, f"<b>Pyramidal cells</b><br>firing {e_rel * 100:.0f}%", color="#222222")
    _text(fig, i_xy[0], 0.95, f"<b>GABA interneurons</b><br>firing {i_rel * 100:.0f}%", color="#222222")
    if occupancy > 0:
        fig.add_trace(scatter(x=[i_xy[0] - 0.8], y=[3.75], mode="markers+text", name="ketamine",
                                 marker={"symbol": "diamond", "size": 26, "color": K_COLOR,
                                         "opacity": float(np.clip(0.35 + 0.65 * occupancy, 0.0, 1.0)),
                                         "line": {"color": "white", "width": 1}},
                                 text=["K"], textfont={"size": 12, "color": "white"},
                                 hovertemplate=f"Ketamine: {occupancy * 100:.0f}% of NMDA receptors blocked"
                                               "<extra></extra>"))
        _text(fig, i_xy[0] - 0.5, 5.0, f"ketamine blocks {occupancy * 100:.0f}%", color=K_COLOR)
    figure = fig.figure(
        title={"text": "The circuit: who drives whom", "x": 0.0, "xanchor": "left",
               "font": {"size": FONT_SIZE_PX + 2}},
        xaxis={"range": [0, 10], "visible": False, "fixedrange": True},
        yaxis={"range": [0.3, 5.5], "visible": False, "fixedrange": True},
        font={"size": FONT_SIZE_PX, "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"},
        template=LIGHT_TEMPLATE, showlegend=False, margin={"l": 4, "r": 4, "t": 46, "b": 4}, height=300,
        hovermode="closest",
    )
    if occupancy > 0:
        desc = (f"Circuit schematic with {_fmt_um(conc_uM)} ketamine blocking {occupancy * 100:.0f}% of NMDA "
                f"receptors: GABA interneurons fire at {i_rel * 100:.0f}% of baseline, so they inhibit the "
                f"pyramidal cells less; pyramidal cells fire at {e_rel * 100:.0f}% and release more glutamate.")
    else:
        desc = ("Circuit schematic without ketamine: pyramidal cells excite GABA interneurons through NMDA "
                "receptors, the interneurons inhibit the pyramidal cells, and pyramidal cells release glutamate; "
                "both fire at baseline.")
    return Described(figure, desc)


def half_change_ms(t_ms: np.ndarray, rate: np.ndarray) -> float | None:
    """First time the rate has made half of its total change (None if it does not change)."""
    change = rate[-1] - rate[0]
    if abs(change) < 1e-9:
        return None
    frac = (rate - rate[0]) / change
    hit = np.nonzero(frac >= 0.5)[0]
    return float(t_ms[hit[0]]) if hit.size else None


def dynamics_figure(tr: disinhibition.Transient, sweep: disinhibition.SteadyState, plasma: PlasmaRange | None = None) -> Described:
    """Top: interneuron and pyramidal firing (% of baseline) over the first milliseconds after ketamine reaches
    ``tr.conc_uM``. Bottom: steady firing against concentration (log axis), with a marker at that level."""
    e_rel = tr.e_rate / tr.e_rate[0] * 100.0
    i_rel = tr.i_rate / tr.i_rate[0] * 100.0
    fig = subplots(rows=2, cols=1, vertical_spacing=0.27,
                        subplot_titles=("Over time, after ketamine arrives", "At each ketamine level (steady state)"))
    fig.add_hline(y=100, line={"color": PALETTE["grey"], "width": 1, "dash": "dot"}, row=1, col=1,
                  exclude_empty_subplots=False)
    fig.add_trace(scatter(x=tr.t_ms, y=i_rel, mode="lines", name="GABA interneurons",
                             line={"color": I_COLOR, "width": 3, "dash": "dash"}, legendgroup="i",
                             hovertemplate="Interneurons: %{y:.0f}% at %{x:.0f} ms<extra></extra>"), row=1, col=1)
    fig.add_trace(scatter(x=tr.t_ms, y=e_rel, mode="lines", name="Pyramidal cells = glutamate output",
                             line={"color": E_COLOR, "width": 3}, legendgroup="e",
                             hovertemplate="Pyramidal cells / glutamate: %{y:.0f}% at %{x:.0f} ms<extra></extra>"),
                  row=1, col=1)
    c = sweep.conc_uM[1:]  # drop 0 for the log axis
    e_ss = sweep.glutamate_rel[1:] * 100.0
    i_ss = sweep.i_rate[1:] / sweep.i_rate[0] * 100.0
    if plasma is not None:
        fig.add_vrect(x0=plasma.low_uM, x1=plasma.high_uM, fillcolor=PALETTE["yellow"], opacity=0.35, line_width=0,
                      layer="below", row=2, col=1, exclude_empty_subplots=False)
        fig.add_trace(scatter(x=[plasma.low_uM, plasma.high_uM], y=[100, 100], mode="lines",
                                 name="Protocol plasma range (model)",
                                 line={"color": PALETTE["yellow"], "width": 10}, opacity=0.6,
                                 hovertemplate=(f"Model plasma range {plasma.low_uM:.2f}–{plasma.high_uM:.2f} µM"
                                                "<extra></extra>")), row=2, col=1)
    fig.add_hline(y=100, line={"color": PALETTE["grey"], "width": 1, "dash": "dot"}, row=2, col=1,
                  exclude_empty_subplots=False)
    fig.add_trace(scatter(x=c, y=i_ss, mode="lines", showlegend=False, legendgroup="i", name="Interneurons (steady)",
                             line={"color": I_COLOR, "width": 3, "dash": "dash"},
                             hovertemplate="Interneurons: %{y:.0f}% at %{x:.2g} µM<extra></extra>"), row=2, col=1)
    fig.add_trace(scatter(x=c, y=e_ss, mode="lines", showlegend=False, legendgroup="e",
                             name="Pyramidal cells / glutamate (steady)", line={"color": E_COLOR, "width": 3},
                             hovertemplate="Pyramidal cells / glutamate: %{y:.0f}% at %{x:.2g} µM<extra></extra>"),
                  row=2, col=1)
    if tr.conc_uM > 0:
        here = disinhibition.steady_state(tr.conc_uM)
        fig.add_trace(scatter(x=[tr.conc_uM, tr.conc_uM],
                                 y=[float(here.i_rate) / sweep.i_rate[0] * 100.0, float(here.glutamate_rel) * 100.0],
                                 mode="markers", name="Your ketamine level", showlegend=False,
                                 marker={"color": [I_COLOR, E_COLOR], "size": 14, "line": {"color": "white", "width": 2}},
                                 hovertemplate="%{y:.0f}% at %{x:.2g} µM<extra></extra>"), row=2, col=1)
        fig.add_vline(x=tr.conc_uM, line={"color": K_COLOR, "width": 2}, row=2, col=1)
    lo, hi = float(c[0]), float(c[-1])
    top = max(float(e_ss.max()), float(e_rel.max())) * 1.1
    fig.update_layout(grid_layout("Disinhibition in a model circuit", margin={"l": 60, "r": 20, "t": 80, "b": 10}))
    fig.update_annotations(font={"size": FONT_SIZE_PX})
    fig.update_xaxes(title_text="Time (ms)", row=1, col=1,
                     range=[0, float(tr.t_ms[-1])], automargin=True)
    fig.update_xaxes(title_text="Ketamine (µM, log scale)", type="log", row=2, col=1,
                     range=[np.log10(lo), np.log10(hi)], automargin=True)
    fig.update_yaxes(title_text="Firing (% of baseline)", range=[0, top], automargin=True, row=1, col=1)
    fig.update_yaxes(title_text="Firing (% of baseline)", range=[0, top], automargin=True, row=2, col=1)

    if tr.conc_uM == 0:
        desc = ("Without ketamine the model circuit stays at baseline: interneurons and pyramidal cells fire at "
                "100%. Bottom: as the ketamine level rises, interneuron firing falls and pyramidal firing, and with "
                f"it glutamate output, rises (to {e_ss[-1]:.0f}% at {hi:.3g} µM).")
    else:
        t_i, t_e = half_change_ms(tr.t_ms, tr.i_rate), half_change_ms(tr.t_ms, tr.e_rate)
        order = ""
        if t_i is not None and t_e is not None:
            order = (f" Interneurons make half their change by {t_i:.0f} ms, pyramidal cells by {t_e:.0f} ms: the "
                     f"brake comes off first, then excitation rises.")
        desc = (f"With {_fmt_um(tr.conc_uM)} ketamine, interneuron firing falls to {i_rel[-1]:.0f}% of baseline and "
                f"pyramidal firing, and with it glutamate output, rises to {e_rel[-1]:.0f}%.{order} Bottom: steady "
                f"firing against ketamine level, from {lo:.2g} to {hi:.3g} µM on a log scale.")
    if plasma is not None:
        desc += (f" Shaded: {plasma.low_uM:.2f}–{plasma.high_uM:.2f} µM, the modelled plasma range of the "
                 f"0.5 mg/kg / 40 min protocol.")
    return Described(fig, desc)
