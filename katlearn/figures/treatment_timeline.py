"""The treatment process drawn two ways: a course of sessions over weeks, and one dosing session.

Pure builders (no ipywidgets):

- :func:`schedule` turns a :class:`CoursePlan` (how many preparation, dosing and integration
  sessions) into dated sessions; :func:`course_timeline` draws them Gantt-style.
- :func:`session_day` overlays, for one dosing session, the modelled plasma level (a
  :class:`katlearn.science.pharmacokinetics.PKCurve`), the time the level sits in the published dissociative
  range, and the windows in which the therapist is present and vital signs are monitored.

Literature ranges for the course structure come from a secondary source (clinic descriptions in
Psychiatric Times; there is no standard protocol). They are kept here as cited constants because
:mod:`katlearn.science.params` carries them only as text (``SAFETY_FACTS``). Spacing between
sessions and the pre-dose check-in time are presentation choices, named as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from katlearn.figures.base import PALETTE, Described, Figure, bar, base_layout, scatter
from katlearn.science import params as P
from katlearn.science import pharmacokinetics

__all__ = [
    "KAP_PREPARATION_SESSIONS", "KAP_DOSING_SESSIONS", "KAP_DOSING_SESSION_H", "KAP_INTEGRATION_SESSIONS",
    "PREP_SPACING_DAYS", "INTEGRATION_DELAY_DAYS", "DOSING_INTERVAL_DAYS", "CHECK_IN_MIN",
    "CoursePlan", "Session", "schedule", "course_timeline", "SessionWindows", "session_windows", "session_day",
]

# --- Literature ranges (secondary: clinic examples; no standard KAP protocol exists) -------------
KAP_PREPARATION_SESSIONS = P.Range(2, 3, "sessions", ref="psychiatric_times_kap", note="secondary; ~2-3 preparation sessions")
KAP_DOSING_SESSIONS = P.Range(3, 6, "sessions", ref="psychiatric_times_kap", note="secondary; 3-6 dosing sessions")
KAP_DOSING_SESSION_H = P.Range(2.5, 3.0, "h", ref="psychiatric_times_kap", note="secondary; each dosing session 2.5-3 h")
KAP_INTEGRATION_SESSIONS = P.Range(1, 2, "sessions (at least)", ref="psychiatric_times_kap",
                                   note="secondary; at least 1-2 integration sessions; many clinics add more")

# --- Presentation choices (not literature numbers) ----------------------------------------------
PREP_SPACING_DAYS = P.Assumption(7, "days", "preparation drawn one week apart; clinics differ")
INTEGRATION_DELAY_DAYS = P.Assumption(1, "days", "integration drawn the day after its dosing session")
DOSING_INTERVAL_DAYS = (3, 14)  # slider bounds for the illustrative spacing of dosing sessions
CHECK_IN_MIN = P.Assumption(20, "min", "arrival, check-in and baseline readings drawn before the dose")

PHASE_ORDER = ("Consultation", "Preparation", "Dosing", "Integration")
PHASE_COLOURS = {
    "Consultation": PALETTE["grey"],
    "Preparation": PALETTE["blue"],
    "Dosing": PALETTE["vermillion"],
    "Integration": PALETTE["green"],
}
PHASE_SYMBOLS = {"Consultation": "circle", "Preparation": "square", "Dosing": "diamond", "Integration": "triangle-up"}


@dataclass(frozen=True)
class CoursePlan:
    """How many sessions of each kind, and how far apart the dosing sessions are (days)."""

    preparation: int = 2
    dosing: int = 4
    integration: int = 2
    dosing_interval_days: int = 7

    def problems(self) -> list[str]:
        out = []
        for name, value, rng in (("preparation", self.preparation, KAP_PREPARATION_SESSIONS),
                                 ("dosing", self.dosing, KAP_DOSING_SESSIONS)):
            if not rng.low <= value <= rng.high:
                out.append(f"{name} sessions must be {rng.low:g}-{rng.high:g} (the range clinics report), got {value}")
        if self.integration < KAP_INTEGRATION_SESSIONS.low:
            out.append(f"at least {KAP_INTEGRATION_SESSIONS.low:g} integration session is needed, got {self.integration}")
        lo, hi = DOSING_INTERVAL_DAYS
        if not lo <= self.dosing_interval_days <= hi:
            out.append(f"dosing_interval_days must be {lo}-{hi}, got {self.dosing_interval_days}")
        return out


@dataclass(frozen=True)
class Session:
    phase: str  # one of PHASE_ORDER
    number: int  # 1-based within its phase
    day: float  # day 0 = the first consultation

    @property
    def label(self) -> str:
        return f"{self.phase} {self.number}" if self.phase != "Consultation" else "Consultation"


def schedule(plan: CoursePlan) -> tuple[Session, ...]:
    """Dated sessions for ``plan``: consultation, weekly preparation, dosing every
    ``dosing_interval_days`` with integration the next day. Integration sessions are spread after
    the dosing sessions, the last one after the last dose; extra ones follow weekly."""
    bad = plan.problems()
    if bad:
        raise ValueError("; ".join(bad))
    spacing = float(PREP_SPACING_DAYS.value)
    sessions = [Session("Consultation", 1, 0.0)]
    sessions += [Session("Preparation", i + 1, spacing * (i + 1)) for i in range(plan.preparation)]
    first_dose = spacing * (plan.preparation + 1)
    dose_days = [first_dose + i * plan.dosing_interval_days for i in range(plan.dosing)]
    sessions += [Session("Dosing", i + 1, d) for i, d in enumerate(dose_days)]
    delay = float(INTEGRATION_DELAY_DAYS.value)
    n_after = min(plan.integration, plan.dosing)
    # Which dosing sessions get an integration session: evenly spaced, always including the last.
    picks = sorted({plan.dosing - 1 - round(k * plan.dosing / n_after) for k in range(n_after)})
    days = [dose_days[i] + delay for i in picks]
    days += [dose_days[-1] + delay + spacing * (k + 1) for k in range(plan.integration - n_after)]
    sessions += [Session("Integration", i + 1, d) for i, d in enumerate(sorted(days))]
    return tuple(sessions)


def _weeks(day: float) -> float:
    return day / 7.0


def course_timeline(plan: CoursePlan, title: str = "A course of KAT, week by week") -> Described:
    """Gantt-style chart: one row per phase, a bar over each phase's span, a marker per session."""
    sessions = schedule(plan)
    end_day = max(s.day for s in sessions)
    fig = Figure(layout=base_layout(title, "Week of the course", ""))
    for phase in PHASE_ORDER:
        days = [s.day for s in sessions if s.phase == phase]
        colour = PHASE_COLOURS[phase]
        if len(days) > 1:  # the phase's span, drawn as a light bar behind its sessions
            fig.add_trace(bar(
                y=[phase], x=[_weeks(max(days) - min(days))], base=[_weeks(min(days))], orientation="h",
                marker={"color": colour, "opacity": 0.22}, width=0.5, showlegend=False, hoverinfo="skip",
                name=f"{phase} span",
            ))
        group = [s for s in sessions if s.phase == phase]
        hours = (f" ({KAP_DOSING_SESSION_H.low:g}–{KAP_DOSING_SESSION_H.high:g} h)" if phase == "Dosing" else "")
        fig.add_trace(scatter(
            y=[phase] * len(group), x=[_weeks(s.day) for s in group], mode="markers", name=phase,
            marker={"color": colour, "size": 16, "symbol": PHASE_SYMBOLS[phase], "line": {"color": "white", "width": 1}},
            text=[s.label for s in group],
            hovertemplate="%{text}" + hours + ": day %{customdata:.0f}<extra></extra>",
            customdata=[s.day for s in group],
        ))
    fig.update_layout(
        showlegend=False,
        hovermode="closest",
        height=340,
        margin={"l": 20, "r": 20, "t": 60, "b": 60},
        xaxis={"range": [-0.4, _weeks(end_day) + 0.6], "dtick": 1 if end_day <= 84 else 2, "rangemode": "tozero"},
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(PHASE_ORDER)), "title": {"text": ""}},
        barmode="overlay",
    )
    dose_h = (plan.dosing * KAP_DOSING_SESSION_H.low, plan.dosing * KAP_DOSING_SESSION_H.high)
    description = (
        f"{len(sessions)} sessions over {_weeks(end_day):.1f} weeks: 1 consultation, "
        f"{plan.preparation} preparation, {plan.dosing} dosing (every {plan.dosing_interval_days} days, "
        f"{dose_h[0]:g}–{dose_h[1]:g} hours of dosing sessions in all) and {plan.integration} integration "
        f"session{'s' if plan.integration != 1 else ''}. First dose in week {_weeks(sessions[plan.preparation + 1].day):.0f}; "
        f"last session on day {end_day:.0f}."
    )
    return Described(fig, description)


# ---------------------------------------------------------------------------------------------
# One dosing session


@dataclass(frozen=True)
class SessionWindows:
    """Times (min from the dose) that the session-day figure draws."""

    session_start_min: float
    session_end_min: float
    dissociative_start_min: float | None  # None: the modelled level never reaches the range
    dissociative_end_min: float | None
    monitoring_end_min: float
    planned_end_min: float  # the reported session length (3 h) counted from check-in

    @property
    def overruns_plan(self) -> bool:
        """True when the modelled level keeps monitoring going past the planned session length."""
        return self.monitoring_end_min > self.planned_end_min


def session_windows(curve: pharmacokinetics.PKCurve) -> SessionWindows:
    """When the modelled level is in the dissociative range, and how long monitoring must last:
    at least the esketamine label's 2 h, and until the level has left the dissociative range.

    Raises ValueError if the curve ends while the level is still in the range: the end of the
    dissociative window would then be unknown, and a window cut at the curve's end would under-state it.
    """
    low = pharmacokinetics.PLASMA_RANGES["dissociative"].low
    conc = np.asarray(curve.conc_ng_ml)
    above = np.flatnonzero(conc >= low)
    t = np.asarray(curve.t_min)
    if above.size and above[-1] == conc.size - 1:
        raise ValueError(f"the modelled level is still in the dissociative range at the curve's end "
                         f"({t[-1]:.0f} min); simulate a longer time span")
    d_start = float(t[above[0]]) if above.size else None
    d_end = float(t[above[-1]]) if above.size else None
    monitoring = max(P.ESKETAMINE_MONITORING.value * 60.0, d_end or 0.0)
    start = -float(CHECK_IN_MIN.value)
    planned = start + KAP_DOSING_SESSION_H.high * 60.0
    return SessionWindows(start, max(planned, monitoring), d_start, d_end, monitoring, planned)


def _when(t_min: float) -> str:
    return f"{-t_min:.0f} min before the dose" if t_min < 0 else f"{t_min:.0f} min after it"


def session_day(curve: pharmacokinetics.PKCurve, protocol_label: str = "",
                title: str = "One dosing session") -> Described:
    """Plasma level over a dosing session (top panel) and who does what when (bottom panel)."""
    w = session_windows(curve)
    rng = pharmacokinetics.PLASMA_RANGES["dissociative"]
    x_range = [w.session_start_min - 5, w.session_end_min + 15]

    lanes = [("Therapist", w.session_start_min, w.session_end_min, PALETTE["green"],
              "Therapist present for the whole session"),
             ("BP & HR", w.session_start_min, w.monitoring_end_min, PALETTE["orange"],
              "Blood pressure and heart rate: a baseline reading before the dose, then checks until "
              f"at least {P.ESKETAMINE_MONITORING.value:g} h after it (esketamine REMS) and the effects have "
              f"faded. Ketamine raises both for a while ({P.BP_RISE_RACEMIC.low:g}–{P.BP_RISE_RACEMIC.high:g}% "
              "in anaesthesia studies)")]
    if w.dissociative_start_min is not None:
        lanes.append(("Dissociation", w.dissociative_start_min, w.dissociative_end_min, PALETTE["purple"],
                      "Modelled level in the dissociative range: expect dissociation; rate it with the "
                      f"CADSS ({P.CADSS_ITEMS.value:g} items)"))

    x = np.round(np.asarray(curve.t_min), 1)
    y = np.round(np.asarray(curve.conc_ng_ml), 1)
    traces = [
        scatter(x=[x_range[1] - 5], y=[rng.high], mode="text",
                   text=["Dissociative range"], textposition="bottom left",
                   textfont={"size": 13, "color": "#333333"}, hoverinfo="skip", name="Dissociative range"),
        scatter(x=x.tolist(), y=y.tolist(), mode="lines", name="Plasma ketamine (model)",
                   line={"color": PALETTE["blue"], "width": 3},
                   hovertemplate="%{x:.0f} min: %{y:.0f} ng/mL<extra></extra>"),
        scatter(x=[curve.tmax_min], y=[curve.cmax_ng_ml], mode="markers", name="Peak",
                   marker={"color": PALETTE["blue"], "size": 11, "symbol": "diamond",
                           "line": {"color": "white", "width": 1}},
                   hovertemplate=f"Peak {curve.cmax_ng_ml:.0f} ng/mL at {curve.tmax_min:.0f} min<extra></extra>"),
    ]
    for label, start, end, colour, hover in lanes:
        traces.append(bar(y=[label], x=[end - start], base=[start], orientation="h", width=0.55, name=label,
                             marker={"color": colour}, yaxis="y2",
                             hovertemplate=f"{hover}: %{{base:.0f}} to {end:.0f} min<extra></extra>"))

    shapes = [
        {"type": "rect", "xref": "x domain", "yref": "y", "x0": 0, "x1": 1, "y0": rng.low, "y1": rng.high,
         "fillcolor": PALETTE["purple"], "opacity": 0.14, "line": {"width": 0}, "layer": "below"},
        {"type": "line", "xref": "x", "yref": "paper", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
         "line": {"color": "#333333", "width": 1, "dash": "dot"}},
    ]
    if w.dissociative_start_min is not None:
        shapes.append({"type": "rect", "xref": "x", "yref": "y domain", "x0": w.dissociative_start_min,
                       "x1": w.dissociative_end_min, "y0": 0, "y1": 1, "fillcolor": PALETTE["purple"],
                       "opacity": 0.08, "line": {"width": 0}, "layer": "below"})
    top = max(rng.high * 1.1, curve.cmax_ng_ml * 1.15)
    layout = base_layout(title, "Minutes from the dose", "Plasma ketamine (ng/mL)")
    fig = Figure(data=traces, layout=layout)
    fig.update_layout({
        "height": 540, "hovermode": "closest", "showlegend": False, "barmode": "overlay",
        "margin": {"l": 20, "r": 20, "t": 70, "b": 60},
        "xaxis": {"range": x_range, "dtick": 60, "anchor": "y2"},
        "yaxis": {"domain": [0.4, 1.0], "range": [0, top]},
        "yaxis2": {"domain": [0.0, 0.3], "anchor": "x", "automargin": True, "type": "category",
                   "categoryorder": "array", "categoryarray": [lane[0] for lane in reversed(lanes)]},
        "shapes": shapes,
        "annotations": [{"x": 0, "y": 1, "xref": "x", "yref": "paper", "text": "Dose", "showarrow": False,
                         "yanchor": "bottom", "xanchor": "left", "font": {"size": 13}}],
    })

    what = f"{protocol_label}: " if protocol_label else ""
    if w.dissociative_start_min is None:
        diss = f"the modelled level stays below the dissociative range ({rng.low:g} ng/mL)"
    else:
        diss = (f"the level is in the dissociative range (from {rng.low:g} ng/mL) from "
                f"{w.dissociative_start_min:.0f} to {w.dissociative_end_min:.0f} min")
    description = (
        f"{what}modelled peak {curve.cmax_ng_ml:.0f} ng/mL at {curve.tmax_min:.0f} min after the dose; {diss}. "
        f"Blood pressure and heart rate are checked from {_when(w.session_start_min)} (baseline) to "
        f"{_when(w.monitoring_end_min)}; the therapist is present from {_when(w.session_start_min)} to "
        f"{_when(w.session_end_min)}."
    )
    if w.overruns_plan:
        description += (
            f" That is longer than the planned {KAP_DOSING_SESSION_H.high:g}-hour session: in the model the level "
            f"stays in the dissociative range until {w.dissociative_end_min:.0f} min, so the 2-hour minimum is not "
            f"enough and the session has to be extended."
        )
    return Described(fig, description[:1].upper() + description[1:])
