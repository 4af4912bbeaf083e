"""Plasma ketamine after one dose, by route: curves, published plasma ranges, a µM axis, a table.

Pure builders: :class:`katlearn.science.pharmacokinetics.PKCurve` objects in, :class:`Described` (or an HTML
string) out. Every number drawn comes from :mod:`katlearn.science.pharmacokinetics`; this module only chooses
colours, line styles, axis ranges and words.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

from katlearn.figures.base import LEGEND_BELOW, PALETTE, Described, Figure, base_layout, scatter
from katlearn.science import pharmacokinetics

__all__ = [
    "ROUTE_STYLE", "BAND_STYLE", "concentration_figure", "route_table_html", "peak_sentence", "fmt_conc",
]

# One colour and one dash per route, fixed, so a route keeps its look when others are hidden and
# lines stay distinguishable without colour (dash pattern) and in greyscale print.
# ``short`` names the legend entry, so six entries fit in two rows on a phone.
ROUTE_STYLE: dict[str, dict[str, str]] = {
    "iv_bolus": {"color": PALETTE["blue"], "dash": "solid", "short": "IV bolus"},
    "iv_infusion": {"color": PALETTE["sky"], "dash": "dash", "short": "IV infusion"},
    "im": {"color": PALETTE["vermillion"], "dash": "solid", "short": "IM"},
    "intranasal": {"color": PALETTE["green"], "dash": "dot", "short": "Intranasal"},
    "sublingual": {"color": PALETTE["orange"], "dash": "dashdot", "short": "Sublingual"},
    "oral": {"color": PALETTE["purple"], "dash": "longdash", "short": "Oral"},
}

# Published plasma ranges drawn as shaded bands (the numbers live in science.pharmacokinetics.PLASMA_RANGES).
BAND_STYLE: dict[str, dict[str, str]] = {
    "analgesic": {"label": "Analgesic", "color": PALETTE["green"]},
    "dissociative": {"label": "Dissociative", "color": PALETTE["purple"]},
    "anaesthetic": {"label": "Anaesthetic", "color": PALETTE["grey"]},
}
BAND_OPACITY = 0.14

# Presentation choices (not literature numbers): the lowest y value on a log axis, and the least
# headroom above the tallest curve, so the lower bands stay in view at small doses.
LOG_FLOOR_NG_ML = 1.0
MIN_TOP_NG_ML = 300.0


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def fmt_conc(conc_ng_ml: float) -> str:
    """``"285 ng/mL (1.20 µM)"`` — both units, rounded for reading aloud."""
    um = pharmacokinetics.to_micromolar(conc_ng_ml)
    digits = 0 if conc_ng_ml >= 10 else 1
    return f"{conc_ng_ml:.{digits}f} ng/mL ({um:.2f} µM)"


def _route_label(curve: pharmacokinetics.PKCurve) -> str:
    label = pharmacokinetics.ROUTES[curve.route].label
    if curve.route == "iv_infusion" and curve.infusion_min:
        label += f" ({curve.infusion_min:g} min)"
    return label


def peak_sentence(curve: pharmacokinetics.PKCurve) -> str:
    """``"Intranasal: peak 78.0 ng/mL (0.33 µM) at 18 min"``."""
    return f"{_route_label(curve)}: peak {fmt_conc(curve.cmax_ng_ml)} at {curve.tmax_min:.0f} min"


def _bands_in(ranges: Sequence[str]) -> list[tuple[str, pharmacokinetics.P.Range]]:
    return [(name, pharmacokinetics.PLASMA_RANGES[name]) for name in ranges]


def concentration_figure(curves: Sequence[pharmacokinetics.PKCurve], *, log_y: bool = False,
                         bands: Sequence[str] = ("analgesic", "dissociative", "anaesthetic"),
                         t_end_min: float | None = None,
                         title: str = "Plasma ketamine after one dose") -> Described:
    """Concentration-time curves of ``curves`` over shaded published plasma ranges.

    The left axis is ng/mL; the right axis shows the same scale in µM (via ``pharmacokinetics.to_micromolar``).
    Each curve's peak is marked. ``log_y`` uses logarithmic axes, which fits the anaesthetic range
    and small oral levels in one view. With no curves, only the bands are drawn (``t_end_min``
    then sets the time axis, default 360 min).
    """
    models = {c.model for c in curves}
    if len(models) > 1:
        raise ValueError(f"curves must come from one model, got {sorted(models)}")
    if t_end_min is None:
        t_end_min = max((float(c.t_min[-1]) for c in curves), default=360.0)
    t_end = float(t_end_min)
    top = max((c.cmax_ng_ml for c in curves), default=0.0)

    fig = Figure(layout=base_layout(title, "Time after the dose starts (min)", "Ketamine (ng/mL)"))
    for band, rng in _bands_in(bands):
        style = BAND_STYLE[band]
        fig.add_hrect(y0=rng.low, y1=rng.high, fillcolor=style["color"], opacity=BAND_OPACITY, line_width=0,
                      layer="below")
        # Labels as text traces at the band's top edge, left-aligned near t = end: readable, and
        # clipped with the plot if the band is out of view.
        fig.add_trace(scatter(
            x=[t_end], y=[rng.high], mode="text", text=[f"{style['label']} {rng.low:g}–{rng.high:g}"],
            textposition="bottom left", textfont={"size": 13, "color": "#333333"}, showlegend=False,
            hoverinfo="skip", name=f"{style['label']} range",
        ))

    for c in curves:
        style = ROUTE_STYLE[c.route]
        label = _route_label(c)
        um = pharmacokinetics.to_micromolar(c.conc_ng_ml)
        # Rounded for the browser (a 0.01 ng/mL step is far below what a plot shows); keeps the JSON small.
        x, y, um = np.round(c.t_min, 2), np.round(c.conc_ng_ml, 2), np.round(um, 4)
        if log_y:  # log axes cannot show 0: leave those points out rather than draw a cliff
            keep = y >= LOG_FLOOR_NG_ML * 0.5
            x, y, um = x[keep], y[keep], um[keep]
        fig.add_trace(scatter(
            x=x.tolist(), y=y.tolist(), customdata=um.tolist(), mode="lines", name=style["short"],
            legendgroup=c.route,
            line={"color": style["color"], "dash": style["dash"], "width": 3},
            hovertemplate=f"{label}: %{{y:.0f}} ng/mL (%{{customdata:.2f}} µM)<extra></extra>",
        ))
        fig.add_trace(scatter(
            x=[c.tmax_min], y=[c.cmax_ng_ml], mode="markers", legendgroup=c.route, showlegend=False,
            name=f"{label} peak", marker={"color": style["color"], "size": 11, "symbol": "diamond",
                                          "line": {"color": "white", "width": 1}},
            hovertemplate=(f"{label} peak: {c.cmax_ng_ml:.0f} ng/mL ({pharmacokinetics.to_micromolar(c.cmax_ng_ml):.2f} µM) "
                           f"at {c.tmax_min:.0f} min<extra></extra>"),
        ))

    if log_y:
        hi = max(top * 1.5, max((r.high for _, r in _bands_in(bands)), default=0) * 1.3, 10 * LOG_FLOOR_NG_ML)
        y_range = [np.log10(LOG_FLOOR_NG_ML), float(np.log10(hi))]
        y2_range = [v - float(np.log10(pharmacokinetics.P.MW_BASE.value)) for v in y_range]
        axis_type = "log"
    else:
        hi = max(top * 1.12, MIN_TOP_NG_ML)
        y_range = [0.0, float(hi)]
        y2_range = [0.0, float(pharmacokinetics.to_micromolar(hi))]
        axis_type = "linear"
    # An invisible trace anchors the µM axis so Plotly draws it.
    fig.add_trace(scatter(x=[0, t_end], y=[pharmacokinetics.to_micromolar(max(y_range[0], LOG_FLOOR_NG_ML))] * 2, yaxis="y2",
                             mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False, name="µM axis",
                             opacity=0))
    above = [(n, r) for n, r in _bands_in(bands) if r.low > hi]
    if above and not log_y:
        names = ", ".join(f"{BAND_STYLE[n]['label'].lower()} {r.low:g}–{r.high:g}" for n, r in above)
        fig.add_annotation(x=1, xref="paper", xanchor="right", y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"↑ off scale: {names}", font={"size": 12, "color": "#333333"},
                           bgcolor="rgba(255,255,255,0.8)")
    fig.update_layout(
        xaxis={"range": [0, t_end], "dtick": 60},
        yaxis={"type": axis_type, "range": y_range},
        yaxis2={"type": axis_type, "range": y2_range, "overlaying": "y", "side": "right",
                "title": {"text": "µM"}, "showgrid": False, "zeroline": False, "automargin": True,
                "tickmode": "auto", "nticks": 6, "tickformat": ".2~f" if not log_y else ".2~g"},
        # below the plot, in the figure's own space (a legend placed under the axes in plot
        # coordinates covered the axis title once it wrapped to more rows on a phone)
        legend={**LEGEND_BELOW, "entrywidth": 80, "entrywidthmode": "pixels", "font": {"size": 14}},
        margin={"l": 60, "r": 20, "t": 70, "b": 40},
        height=540,
        hovermode="closest",
    )

    if not curves:
        return Described(fig, "No route selected: only the published plasma ranges are shown ("
                         + "; ".join(f"{BAND_STYLE[n]['label'].lower()} {r.low:g}–{r.high:g} ng/mL"
                                     for n, r in _bands_in(bands)) + ").")
    model = pharmacokinetics.MODELS[curves[0].model]
    dose = curves[0]
    if len({(c.dose_mg_per_kg, c.weight_kg) for c in curves}) == 1:
        dose_text = (f"{dose.dose_mg_per_kg:.2g} mg/kg for {dose.weight_kg:.0f} kg "
                     f"({dose.dose_mg:.0f} mg ketamine base)")
    else:
        dose_text = "several doses"
    in_bands = []
    for band, rng in _bands_in(bands):
        hits = [_route_label(c) for c in curves if c.cmax_ng_ml >= rng.low]
        if hits:
            in_bands.append(f"reaching the {BAND_STYLE[band]['label'].lower()} range ({rng.low:g}–{rng.high:g} "
                            f"ng/mL): {', '.join(hits)}")
    description = (
        f"Plasma ketamine over {t_end:.0f} minutes after {dose_text}, {model.label} model. "
        + "; ".join(peak_sentence(c) for c in curves) + ". "
        + (_sentence("; ".join(in_bands)) if in_bands else "No curve reaches the analgesic range.")
    )
    return Described(fig, description)


_CELL = "padding:0.25em 0.6em;border-bottom:1px solid #ddd;white-space:nowrap;"
_CSS_DASH = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dashdot": "dashed", "longdash": "dashed"}


def route_table_html(curves: Sequence[pharmacokinetics.PKCurve]) -> str:
    """Bioavailability, published and modelled time to peak, and modelled peak, one row per route."""
    rows = []
    for c in curves:
        route = pharmacokinetics.ROUTES[c.route]
        tmax = route.tmax
        if tmax is None:
            published = "end of infusion" if c.route == "iv_infusion" else "—"
        elif isinstance(tmax, pharmacokinetics.P.Range):
            published = f"{tmax.low:g}–{tmax.high:g} min"
        else:
            published = f"≈{tmax.value:g} min"
        f_text = f"{c.F * 100:.0f}%"
        rows.append(
            "<tr>"
            f'<th scope="row" style="{_CELL}text-align:left">'
            f'<span aria-hidden="true" style="display:inline-block;width:1.6em;margin-right:0.4em;'
            f'border-top:3px {_CSS_DASH[ROUTE_STYLE[c.route]["dash"]]} {ROUTE_STYLE[c.route]["color"]};'
            f'vertical-align:middle"></span>{escape(_route_label(c))}</th>'
            f'<td style="{_CELL}">{escape(f_text)}</td><td style="{_CELL}">{escape(published)}; '
            f'model {c.tmax_min:.0f} min</td><td style="{_CELL}">{escape(fmt_conc(c.cmax_ng_ml))}</td>'
            "</tr>"
        )
    head = "".join(f'<th scope="col" style="{_CELL}text-align:left">{h}</th>' for h in
                   ("Route", "Bioavailability", "Time to peak: published; model", "Model peak level"))
    return (
        '<div class="kl-table-scroll" style="overflow-x:auto;max-width:100%">'
        '<table class="kl-table kl-route-table" style="border-collapse:collapse;font-size:0.9em;margin:0.5em 0">'
        '<caption style="text-align:left;caption-side:top;padding-bottom:0.3em">Bioavailability and time to '
        "peak by route: published values (see References) and this model's values for the dose shown"
        f"</caption><thead><tr>{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
    )
