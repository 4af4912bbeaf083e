"""Two views of the treatment process: a course planner and a session-day view.

``course_planner()`` — sliders for the number of preparation, dosing and integration sessions
(limited to the ranges clinics report) and the spacing of dosing sessions, drawn as a timeline.
``session_explorer()`` — pick a published KAT dosing context and a dose in its range; see the
modelled plasma level with the dissociation window and the monitoring windows of that session.

Stable CSS classes: ``kl-course-planner`` (container), ``kl-course-dosing`` (main control),
``kl-course-preparation``, ``kl-course-integration``, ``kl-course-interval``;
``kl-session-explorer`` (container), ``kl-session-protocol`` (main control), ``kl-session-dose``.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from html import escape

import ipywidgets as widgets

from katlearn.figures import treatment_timeline
from katlearn.science import pharmacokinetics
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, set_shown, shared_layout

__all__ = ["CoursePlanner", "course_planner", "SessionExplorer", "session_explorer", "SESSION_PROTOCOLS"]

_STYLE = {"description_width": "initial"}
_SLIDER = {"width": "100%", "max_width": "32em"}
WEIGHT_KG = 70.0  # the reference adult the figures are drawn for (presentation choice)
T_END_MIN = 480.0  # long enough for the slowest protocol to leave the dissociative range
N_POINTS = 481
SESSION_PROTOCOLS = ("kap_im", "kap_lozenge", "antidepressant_iv")  # keys of pharmacokinetics.PROTOCOLS
# Short names for the drop-down (the long names in pharmacokinetics.PROTOCOLS do not fit a phone screen).
PROTOCOL_LABELS = {
    "kap_im": "IM injection (training trial)",
    "kap_lozenge": "Lozenge (training centre)",
    "antidepressant_iv": "IV infusion (research trials)",
}


class CoursePlanner(widgets.VBox):
    """A course timeline with its session counts as sliders."""

    def __init__(self, plan: treatment_timeline.CoursePlan | None = None) -> None:
        plan = plan or treatment_timeline.CoursePlan()
        problems = plan.problems()
        if problems:
            raise ValueError("; ".join(problems))
        prep, dose, integ = treatment_timeline.KAP_PREPARATION_SESSIONS, treatment_timeline.KAP_DOSING_SESSIONS, treatment_timeline.KAP_INTEGRATION_SESSIONS
        self.preparation = control(widgets.IntSlider, value=plan.preparation, min=int(prep.low), max=int(prep.high),
                                             description="Preparation sessions:", continuous_update=False,
                                             style=_STYLE, layout=_SLIDER)
        self.dosing = control(widgets.IntSlider, value=plan.dosing, min=int(dose.low), max=int(dose.high),
                                        description="Dosing sessions:", continuous_update=False,
                                        style=_STYLE, layout=_SLIDER)
        self.integration = control(widgets.IntSlider, value=plan.integration, min=int(integ.low), max=int(dose.high),
                                             description="Integration sessions:", continuous_update=False,
                                             style=_STYLE, layout=_SLIDER)
        lo, hi = treatment_timeline.DOSING_INTERVAL_DAYS
        self.interval = control(widgets.IntSlider, value=plan.dosing_interval_days, min=lo, max=hi,
                                          description="Days between doses:",
                                          tooltip="Illustrative spacing of dosing sessions; clinics differ",
                                          continuous_update=False, style=_STYLE, layout=_SLIDER)
        for w, cls in ((self.preparation, "kl-course-preparation"), (self.dosing, "kl-course-dosing"),
                       (self.integration, "kl-course-integration"), (self.interval, "kl-course-interval")):
            w.add_class(cls)
        self.readout = html_view()
        self.readout.add_class("kl-course-readout")
        self.view = PlotView()
        controls = widgets.VBox([self.preparation, self.dosing, self.integration, self.interval],
                                layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-course-planner")
        self._last: treatment_timeline.CoursePlan | None = None
        for w in (self.preparation, self.dosing, self.integration, self.interval):
            w.observe(lambda _c: self.update(), names="value")
        self.update()

    @property
    def plan(self) -> treatment_timeline.CoursePlan:
        return treatment_timeline.CoursePlan(int(self.preparation.value), int(self.dosing.value), int(self.integration.value),
                             int(self.interval.value))

    def update(self) -> None:
        plan = self.plan
        if plan == self._last:
            return
        self._last = plan
        described = treatment_timeline.course_timeline(plan)
        self.view.show(described)
        self.readout.value = f'<p class="kl-readout" aria-live="polite">{escape(described.description)}</p>'


def course_planner(**kwargs) -> CoursePlanner:
    """The course timeline with session-count sliders, for a notebook cell."""
    return CoursePlanner(treatment_timeline.CoursePlan(**kwargs) if kwargs else None)


@lru_cache(maxsize=8)
def _unit_curve(route: str, infusion_min: float | None) -> pharmacokinetics.PKCurve:
    kwargs = {"infusion_min": infusion_min} if infusion_min else {}
    return pharmacokinetics.simulate(route, 1.0, WEIGHT_KG, t_end_min=T_END_MIN, n_points=N_POINTS, **kwargs)


def session_curve(protocol: str, dose: float) -> pharmacokinetics.PKCurve:
    """Plasma curve for ``protocol`` at ``dose`` (in the protocol's unit: mg/kg, or total mg).

    The models are linear in dose, so a cached 1 mg/kg curve is scaled; equal to ``pharmacokinetics.simulate``.
    """
    p = pharmacokinetics.PROTOCOLS[protocol]
    per_kg = dose / WEIGHT_KG if p.dose.unit == "mg" else dose
    base = _unit_curve(p.route, p.infusion_min)
    conc = base.conc_ng_ml * per_kg
    conc.setflags(write=False)
    return dataclasses.replace(base, dose_mg_per_kg=per_kg, dose_mg=per_kg * WEIGHT_KG, conc_ng_ml=conc,
                               cmax_ng_ml=base.cmax_ng_ml * per_kg,
                               auc_ng_min_per_ml=base.auc_ng_min_per_ml * per_kg,
                               auc_inf_ng_min_per_ml=base.auc_inf_ng_min_per_ml * per_kg)


def _dose_bounds(protocol: str) -> tuple[float, float, float, str]:
    """(low, high, step, unit) of the protocol's published dose."""
    d = pharmacokinetics.PROTOCOLS[protocol].dose
    low, high = (d.low, d.high) if isinstance(d, pharmacokinetics.P.Range) else (d.value, d.value)
    step = 25.0 if d.unit == "mg" else 0.05
    return float(low), float(high), step, d.unit


class SessionExplorer(widgets.VBox):
    """One dosing session: plasma level, dissociation window, monitoring windows."""

    def __init__(self, protocol: str = "kap_im") -> None:
        if protocol not in SESSION_PROTOCOLS:
            raise ValueError(f"protocol must be one of {SESSION_PROTOCOLS}, got {protocol!r}")
        self.protocol = control(widgets.Dropdown, options=[(PROTOCOL_LABELS[k], k) for k in SESSION_PROTOCOLS],
                                         value=protocol, description="Dosing context:", style=_STYLE,
                                         layout=shared_layout(width="auto", max_width="100%"))
        self.protocol.add_class("kl-session-protocol")
        low, high, step, unit = _dose_bounds(protocol)
        self.dose = control(widgets.FloatSlider, value=low, min=low, max=max(high, low + step), step=step,
                                        description=f"Dose ({unit}):", continuous_update=False, style=_STYLE,
                                        readout_format=".2f" if unit != "mg" else ".0f",
                            layout=_SLIDER)
        self.dose.add_class("kl-session-dose")
        self.readout = html_view()
        self.readout.add_class("kl-session-readout")
        self.view = PlotView()
        controls = widgets.VBox([self.protocol, self.dose], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-session-explorer")
        self._last: tuple | None = None
        self._configure_dose()
        self.protocol.observe(self._on_protocol, names="value")
        self.dose.observe(lambda _c: self.update(), names="value")
        self.update()

    def _configure_dose(self) -> None:
        low, high, step, unit = _dose_bounds(self.protocol.value)
        top = max(high, low + step)
        with self.dose.hold_trait_notifications():
            if low < self.dose.min:  # moving down: lower the floor first so min <= max always holds
                self.dose.min, self.dose.max = low, top
            else:
                self.dose.max, self.dose.min = top, low
            self.dose.step = step
            self.dose.value = low
        self.dose.description = f"Dose ({unit}):"
        self.dose.readout_format = ".0f" if unit == "mg" else ".2f"
        fixed = high == low
        self.dose.disabled = fixed
        set_shown(self.dose, not fixed)

    def _on_protocol(self, _change=None) -> None:
        self._configure_dose()
        self.update()

    def update(self) -> None:
        key = (self.protocol.value, round(float(self.dose.value), 6))
        if key == self._last:
            return
        self._last = key
        p = pharmacokinetics.PROTOCOLS[self.protocol.value]
        unit = p.dose.unit
        dose_text = f"{self.dose.value:.0f} mg" if unit == "mg" else f"{self.dose.value:.2f} mg/kg"
        label = f"{pharmacokinetics.ROUTES[p.route].label}, {dose_text} for a {WEIGHT_KG:.0f} kg adult"
        described = treatment_timeline.session_day(session_curve(self.protocol.value, float(self.dose.value)), label)
        self.view.show(described)
        self.readout.value = f'<p class="kl-readout" aria-live="polite">{escape(described.description)}</p>'


def session_explorer(protocol: str = "kap_im") -> SessionExplorer:
    """The session-day view for a notebook cell."""
    return SessionExplorer(protocol)
