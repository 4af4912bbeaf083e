"""The NMDA receptor in figures: I–V curves with Mg²⁺ block, trapping block, and occupancy by ligand.

Pure builders: arrays from :mod:`katlearn.science.nmda_block` (and :mod:`katlearn.science.pharmacokinetics` for the
plasma range of the research protocol) in, :class:`Described` out. Every number drawn comes from
those models; this module only chooses colours, line styles, axis ranges and words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from katlearn.figures.base import PALETTE, Described, Figure, base_layout, scatter
from katlearn.science import params as P
from katlearn.science import nmda_block, pharmacokinetics

__all__ = [
    "V_RANGE_MV", "iv_figure", "trapping_figure", "occupancy_figure", "PlasmaRange", "protocol_plasma_range",
    "OCCUPANCY_LIGANDS", "LIGAND_STYLE", "TrappingRun", "trapping_run",
]

# Legend below the plot, anchored to the figure's bottom edge so it never overlaps the axis title at
# phone width (Plotly grows the bottom margin to fit it).
LEGEND_BELOW = {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom", "xanchor": "left", "x": 0.0}

# Presentation choices, not literature numbers.
V_RANGE_MV = (-100.0, 40.0)  # the voltage axis of the I–V figure
V_STEP_MV = 1.0
CONC_RANGE_UM = (0.01, 100.0)  # the concentration axis of the occupancy figure (log)

OCCUPANCY_LIGANDS = ("ketamine", "esketamine", "arketamine", "norketamine")
LIGAND_STYLE: dict[str, dict[str, str]] = {
    "ketamine": {"color": PALETTE["black"], "dash": "solid", "short": "Racemic (derived)"},
    "esketamine": {"color": PALETTE["blue"], "dash": "dash", "short": "Esketamine"},
    "arketamine": {"color": PALETTE["vermillion"], "dash": "dot", "short": "Arketamine"},
    "norketamine": {"color": PALETTE["green"], "dash": "dashdot", "short": "Norketamine (S)"},
    "s_norketamine": {"color": PALETTE["green"], "dash": "dashdot", "short": "(S)-norketamine"},
    "r_norketamine": {"color": PALETTE["purple"], "dash": "longdash", "short": "(R)-norketamine"},
}


def _fmt_um(x: float) -> str:
    return f"{x:.2g} µM" if x < 1 else f"{x:.3g} µM"


# ---------------------------------------------------------------------------------------------
# Current–voltage curve
# ---------------------------------------------------------------------------------------------
def _v_grid() -> np.ndarray:
    return np.arange(V_RANGE_MV[0], V_RANGE_MV[1] + V_STEP_MV / 2, V_STEP_MV)


def iv_figure(v_mV: float, mg_mM: float, ketamine_uM: float = 0.0, ligand: str = "ketamine") -> Described:
    """NMDA current against holding voltage: without Mg²⁺, with ``mg_mM`` Mg²⁺, and (if ``ketamine_uM`` > 0)
    with Mg²⁺ and ketamine; a marker shows the current at ``v_mV`` on the curve that applies."""
    if not V_RANGE_MV[0] <= v_mV <= V_RANGE_MV[1]:
        raise ValueError(f"v_mV must be within {V_RANGE_MV[0]:g} to {V_RANGE_MV[1]:g} mV (got {v_mV!r})")
    v = _v_grid()
    free = nmda_block.nmda_current(v, 0.0)
    with_mg = nmda_block.nmda_current(v, mg_mM)
    fig = Figure(layout=base_layout("NMDA current vs voltage", "Membrane voltage (mV)", "Current (a.u.)"))
    fig.add_hline(y=0, line={"color": PALETTE["grey"], "width": 1})
    fig.add_annotation(x=V_RANGE_MV[1], y=-1.0, text="below 0: inward current", showarrow=False, xanchor="right",
                       yanchor="bottom", font={"size": 13, "color": "#555555"})
    fig.add_annotation(x=V_RANGE_MV[0], y=0.42, text="above 0: outward", showarrow=False, xanchor="left",
                       yanchor="top", font={"size": 13, "color": "#555555"})
    fig.add_trace(scatter(x=v, y=free, mode="lines", name="No Mg²⁺",
                             line={"color": PALETTE["grey"], "dash": "dash", "width": 2},
                             hovertemplate="No Mg²⁺: %{y:.2f} at %{x:.0f} mV<extra></extra>"))
    mg_name = f"{mg_mM:.1f} mM Mg²⁺"
    fig.add_trace(scatter(x=v, y=with_mg, mode="lines", name=mg_name,
                             line={"color": PALETTE["blue"], "width": 3},
                             hovertemplate=f"{mg_name}: %{{y:.2f}} at %{{x:.0f}} mV<extra></extra>"))
    active, active_name = with_mg, mg_name
    if ketamine_uM > 0:
        with_ket = nmda_block.nmda_current(v, mg_mM, ketamine_uM=ketamine_uM, ligand=ligand)
        active, active_name = with_ket, f"{mg_name} + {_fmt_um(ketamine_uM)} ketamine"
        fig.add_trace(scatter(x=v, y=with_ket, mode="lines", name=active_name,
                                 line={"color": PALETTE["orange"], "dash": "dot", "width": 3},
                                 hovertemplate=f"{active_name}: %{{y:.2f}} at %{{x:.0f}} mV<extra></extra>"))

    i_here = float(nmda_block.nmda_current(v_mV, mg_mM, ketamine_uM=ketamine_uM, ligand=ligand))
    i_free_here = float(nmda_block.nmda_current(v_mV, 0.0))
    unblocked = float(nmda_block.mg_unblocked_fraction(v_mV, mg_mM))
    fig.add_trace(scatter(x=[v_mV], y=[i_here], mode="markers", name="Your voltage",
                             marker={"color": PALETTE["vermillion"], "size": 16, "symbol": "circle",
                                     "line": {"color": "white", "width": 2}},
                             hovertemplate=f"{v_mV:.0f} mV: current {i_here:.3f}<extra></extra>"))
    fig.add_vline(x=v_mV, line={"color": PALETTE["vermillion"], "width": 1, "dash": "dot"})
    fig.update_layout(
        xaxis={"range": list(V_RANGE_MV), "tick0": V_RANGE_MV[0], "dtick": 20, "tickangle": 0, "tickfont": {"size": 13}},
        yaxis={"range": [-1.05, 0.45]},
        legend=LEGEND_BELOW,
        margin={"l": 60, "r": 20, "t": 60, "b": 10},
        height=460,
        hovermode="closest",
    )

    peak_i = int(np.argmin(active))
    share = f"{unblocked * 100:.0f}%"
    parts = [
        f"Current–voltage curves of the NMDA receptor with glutamate bound. "
        f"At {v_mV:.0f} mV with {mg_mM:.1f} mM Mg²⁺, {share} of channels are free of Mg²⁺"
    ]
    if ketamine_uM > 0:
        occ = float(nmda_block.occupancy(ketamine_uM, ligand))
        parts.append(f"; {_fmt_um(ketamine_uM)} ketamine occupies {occ * 100:.0f}% of receptors")
    if abs(i_free_here) > 1e-9:
        parts.append(f"; the current is {i_here:.2f} (a.u.), {i_here / i_free_here * 100:.0f}% of the Mg²⁺-free "
                     f"current at this voltage.")
    else:
        parts.append("; at 0 mV no net current flows (the reversal potential).")
    if mg_mM > 0:
        parts.append(f" With Mg²⁺ the inward current is largest at {v[peak_i]:.0f} mV "
                     f"({active[peak_i]:.2f}) and shrinks towards negative voltages, where Mg²⁺ plugs the pore.")
    else:
        parts.append(" Without Mg²⁺ the curve is a straight line: the more negative the voltage, the larger "
                     "the inward current.")
    return Described(fig, "".join(parts))


# ---------------------------------------------------------------------------------------------
# Use-dependent (trapping) block
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrappingRun:
    """Activations with drug, a rest with no activations, then activations after washout."""

    ketamine_uM: float
    n_with_drug: int
    n_washout: int
    result: nmda_block.UseDependentBlock

    @property
    def current_pct(self) -> np.ndarray:
        return self.result.relative_current * 100.0

    @property
    def end_of_drug_pct(self) -> float:
        return float(self.current_pct[self.n_with_drug - 1])

    @property
    def blocked_after_drug(self) -> float:
        """Blocked (trapped) fraction when the drug phase ends (= at the first washout activation)."""
        if self.n_washout:
            return float(self.result.blocked_before[self.n_with_drug])
        return float("nan")


def trapping_run(ketamine_uM: float, n_with_drug: int = 30, n_washout: int = 30,
                 ligand: str = "ketamine") -> TrappingRun:
    """Run :func:`katlearn.science.nmda_block.use_dependent_block` for the drug-then-washout protocol."""
    if n_with_drug < 1 or n_washout < 0:
        raise ValueError("n_with_drug must be >= 1 and n_washout >= 0")
    conc = np.concatenate([np.full(n_with_drug, float(ketamine_uM)), np.zeros(n_washout)])
    res = nmda_block.use_dependent_block(n_with_drug + n_washout, conc, ligand)
    return TrappingRun(float(ketamine_uM), int(n_with_drug), int(n_washout), res)


GAP = 6  # width of the "rest" gap on the activation axis (presentation only)


def trapping_figure(run: TrappingRun) -> Described:
    """Current per activation while ketamine is present, across a rest with no activations, and during
    activations after the drug is washed out."""
    n1, n2 = run.n_with_drug, run.n_washout
    y = run.current_pct
    x1 = np.arange(1, n1 + 1)
    x2 = np.arange(n1 + 1, n1 + n2 + 1) + GAP
    fig = Figure(layout=base_layout("Block builds with use", "Receptor activation number",
                                       "Current (% of drug-free)"))
    fig.add_vrect(x0=0.5, x1=n1 + 0.5, fillcolor=PALETTE["orange"], opacity=0.12, line_width=0, layer="below")
    fig.add_annotation(x=(n1 + 1) / 2, y=104, text="ketamine",
                       showarrow=False, font={"size": 14}, yanchor="bottom")
    fig.add_trace(scatter(x=x1, y=y[:n1], mode="lines+markers", name="With ketamine",
                             line={"color": PALETTE["orange"], "width": 2},
                             marker={"size": 7, "symbol": "circle"},
                             hovertemplate="Activation %{x}: %{y:.0f}%<extra></extra>"))
    eq = (1.0 - float(nmda_block.occupancy(run.ketamine_uM))) * 100.0
    fig.add_trace(scatter(x=[1, n1], y=[eq, eq], mode="lines", name="Steady level at this concentration",
                             line={"color": PALETTE["grey"], "dash": "dash", "width": 2},
                             hovertemplate=f"Steady level: {eq:.0f}%<extra></extra>"))
    desc = (f"With {_fmt_um(run.ketamine_uM)} ketamine, the current falls from {y[0]:.0f}% of the drug-free "
            f"current at the first activation to {run.end_of_drug_pct:.0f}% at activation {n1} "
            f"(steady level {eq:.0f}%).")
    if n2:
        trapped = run.blocked_after_drug * 100.0
        fig.add_vrect(x0=n1 + 0.5, x1=n1 + GAP + 0.5, fillcolor=PALETTE["grey"], opacity=0.15, line_width=0,
                      layer="below")
        fig.add_trace(scatter(x=[n1, n1 + GAP + 1], y=[100 - trapped, 100 - trapped], mode="lines",
                                 name="Rest, no activations: drug stays trapped",
                                 line={"color": PALETTE["purple"], "dash": "dot", "width": 3},
                                 hovertemplate=f"Trapped: {trapped:.0f}% of channels blocked<extra></extra>"))
        fig.add_annotation(x=n1 + GAP / 2 + 0.5, y=104, text="rest", showarrow=False, font={"size": 14},
                           yanchor="bottom")
        fig.add_trace(scatter(x=x2, y=y[n1:], mode="lines+markers", name="After washout (no drug)",
                                 line={"color": PALETTE["blue"], "width": 2},
                                 marker={"size": 7, "symbol": "square"},
                                 customdata=np.arange(n1 + 1, n1 + n2 + 1),
                                 hovertemplate="Activation %{customdata}: %{y:.0f}%<extra></extra>"))
        fig.add_annotation(x=float(np.mean(x2)), y=104, text="washout", showarrow=False, font={"size": 14},
                           yanchor="bottom")
        desc += (f" During a rest with no activations the block stays at {trapped:.0f}% because the drug is "
                 f"trapped in closed channels. After washout it recovers only as channels open again: "
                 f"{y[n1]:.0f}% at the first activation, {y[-1]:.0f}% after {n2} activations.")
    x_end = n1 + (GAP + n2 if n2 else 0) + 0.5
    fig.update_layout(
        xaxis={"range": [0.5, x_end], "tickmode": "array",
               "tickvals": [1, n1] + ([n1 + GAP + 1, n1 + GAP + n2] if n2 else []),
               "ticktext": ["1", str(n1)] + ([str(n1 + 1), str(n1 + n2)] if n2 else [])},
        yaxis={"range": [0, 112], "dtick": 25},
        legend=LEGEND_BELOW,
        margin={"l": 60, "r": 20, "t": 60, "b": 10},
        height=500,
        hovermode="closest",
    )
    return Described(fig, desc)


# ---------------------------------------------------------------------------------------------
# Occupancy by ligand
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlasmaRange:
    """Modelled plasma levels of racemic ketamine over a time window of a dosing protocol."""

    low_uM: float
    high_uM: float
    t_from_min: float
    t_to_min: float
    label: str
    cited_uM: float  # published end-of-infusion level, for comparison
    cited_ref: str


@lru_cache(maxsize=4)
def protocol_plasma_range(t_from_min: float = P.ANTIDEPRESSANT_INFUSION.value / 2,
                          t_to_min: float = P.ZARATE_ONSET.value * 60.0) -> PlasmaRange:
    """Plasma range of the 0.5 mg/kg / 40 min research protocol from the pk model, in µM.

    The default window runs from the middle of the infusion to 2 h after it began (the time by which
    Zarate et al. 2006 saw improvement). The published end-of-infusion level is carried along.
    """
    proto = pharmacokinetics.PROTOCOLS["antidepressant_iv"]
    curve = pharmacokinetics.simulate(proto.route, float(proto.dose.value), infusion_min=proto.infusion_min,
                        t_end_min=max(t_to_min, 1.0), n_points=int(max(t_to_min, 1.0)) + 1)
    window = (curve.t_min >= t_from_min) & (curve.t_min <= t_to_min)
    c_um = np.asarray(pharmacokinetics.to_micromolar(curve.conc_ng_ml[window]))
    return PlasmaRange(
        low_uM=float(c_um.min()), high_uM=float(c_um.max()), t_from_min=float(t_from_min), t_to_min=float(t_to_min),
        label=f"{proto.name}: plasma level from {t_from_min:g} to {t_to_min:g} min (model)",
        cited_uM=float(pharmacokinetics.to_micromolar(P.ANTIDEPRESSANT_END_OF_INFUSION.value)),
        cited_ref=P.ANTIDEPRESSANT_END_OF_INFUSION.ref,
    )


def occupancy_figure(conc_uM: float, ligands: Sequence[str] = OCCUPANCY_LIGANDS,
                     plasma: PlasmaRange | None = None) -> Described:
    """Occupancy against concentration (log axis) for each ligand, Ki marked, optional protocol band, and a
    marker at ``conc_uM`` on every curve."""
    if not ligands:
        raise ValueError("ligands must name at least one ligand")
    for name in ligands:
        if name not in nmda_block.LIGANDS:
            raise ValueError(f"ligand {name!r} is not known; allowed: {', '.join(nmda_block.LIGANDS)}")
    c = np.geomspace(*CONC_RANGE_UM, 241)
    fig = Figure(layout=base_layout("Occupancy by drug", "Concentration (µM, log scale)", "Receptors occupied (%)"))
    if plasma is not None:
        fig.add_vrect(x0=plasma.low_uM, x1=plasma.high_uM, fillcolor=PALETTE["yellow"], opacity=0.35,
                      line_width=0, layer="below")
        fig.add_trace(scatter(
            x=[np.sqrt(plasma.low_uM * plasma.high_uM)], y=[3], mode="text", text=["protocol"],
            textposition="top center", textfont={"size": 13, "color": "#333333"}, showlegend=False,
            hoverinfo="skip", name="protocol label"))
        fig.add_trace(scatter(
            x=[plasma.low_uM, plasma.high_uM], y=[1, 1], mode="lines", name="Protocol plasma range (model)",
            line={"color": PALETTE["yellow"], "width": 10}, opacity=0.6,
            hovertemplate=f"Model plasma range {plasma.low_uM:.2f}–{plasma.high_uM:.2f} µM<extra></extra>"))
        fig.add_trace(scatter(
            x=[plasma.cited_uM, plasma.cited_uM], y=[0, 100], mode="lines", name="Published end-of-infusion level",
            line={"color": PALETTE["grey"], "width": 2, "dash": "dash"},
            hovertemplate=f"Published end-of-infusion level: {plasma.cited_uM:.2f} µM<extra></extra>"))
    readings = []
    for name in ligands:
        style = LIGAND_STYLE[name]
        lig = nmda_block.LIGANDS[name]
        occ = np.asarray(nmda_block.occupancy(c, name)) * 100.0
        fig.add_trace(scatter(x=c, y=occ, mode="lines", name=f"{style['short']} (Ki {lig.ki_uM:.2g} µM)",
                                 legendgroup=name, line={"color": style["color"], "dash": style["dash"], "width": 3},
                                 hovertemplate=f"{style['short']}: %{{y:.0f}}% at %{{x:.2g}} µM<extra></extra>"))
        fig.add_trace(scatter(x=[lig.ki_uM], y=[50], mode="markers", legendgroup=name, showlegend=False,
                                 name=f"{style['short']} Ki",
                                 marker={"color": style["color"], "size": 11, "symbol": "diamond-open",
                                         "line": {"width": 3}},
                                 hovertemplate=f"{style['short']} Ki = {lig.ki_uM:.2g} µM: half occupied<extra></extra>"))
        here = float(nmda_block.occupancy(conc_uM, name)) * 100.0
        fig.add_trace(scatter(x=[conc_uM], y=[here], mode="markers", legendgroup=name, showlegend=False,
                                 name=f"{style['short']} at {_fmt_um(conc_uM)}",
                                 marker={"color": style["color"], "size": 13, "line": {"color": "white", "width": 2}},
                                 hovertemplate=f"{style['short']}: {here:.0f}% at {_fmt_um(conc_uM)}<extra></extra>"))
        readings.append(f"{style['short']} {here:.0f}%")
    fig.add_hline(y=50, line={"color": PALETTE["grey"], "width": 1, "dash": "dot"})
    fig.add_vline(x=conc_uM, line={"color": PALETTE["vermillion"], "width": 2})
    fig.update_layout(
        xaxis={"type": "log", "range": [np.log10(CONC_RANGE_UM[0]), np.log10(CONC_RANGE_UM[1])]},
        yaxis={"range": [0, 102], "dtick": 25},
        legend=LEGEND_BELOW,
        margin={"l": 60, "r": 20, "t": 60, "b": 10},
        height=500,
        hovermode="closest",
    )
    desc = (f"Share of NMDA receptors occupied against concentration, log scale; diamonds mark each Ki, where half "
            f"the receptors are occupied. All Ki values come from one binding assay (Ebert et al. 1997)")
    if "ketamine" in ligands:
        desc += (f"; the racemic value, {nmda_block.LIGANDS['ketamine'].ki_uM:.2g} µM, is derived from the two "
                 f"enantiomers as a 50:50 mixture, not measured")
    desc += f". At {_fmt_um(conc_uM)}: " + ", ".join(readings) + "."
    if plasma is not None:
        desc += (f" Shaded: {plasma.low_uM:.2f}–{plasma.high_uM:.2f} µM, the modelled plasma level of racemic "
                 f"ketamine from {plasma.t_from_min:g} to {plasma.t_to_min:g} min of the 0.5 mg/kg / 40 min "
                 f"protocol; dashed line: the published end-of-infusion level, {plasma.cited_uM:.2f} µM.")
    return Described(fig, desc)
