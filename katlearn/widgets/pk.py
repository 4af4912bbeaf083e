"""Route explorer: plasma ketamine by route, dose, body weight and published model.

A notebook calls ``pk_explorer()``. Controls (each with a label a screen reader reads):

- one checkbox per route (which curves are drawn);
- "Dose as": per kg of body weight, or a fixed total in mg (like a lozenge or a nasal spray);
- the dose slider for that choice, and body weight;
- the published compartment model;
- a logarithmic concentration axis (fits the anaesthetic range and small oral levels in one view).

Stable CSS classes for tests and the stylesheet: ``kl-pk-explorer`` (container), ``kl-pk-dose``
(main control: the mg/kg slider), ``kl-pk-dose-total``, ``kl-pk-weight``, ``kl-pk-routes`` (the
checkboxes), ``kl-pk-route-<route>``, ``kl-pk-model``, ``kl-pk-log``, ``kl-pk-basis``,
``kl-pk-readout``, ``kl-pk-table``.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from katlearn.figures import concentration
from katlearn.science import pharmacokinetics
from katlearn.widgets._controls import checkbox_row
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, set_shown, shared_layout

__all__ = ["PKExplorer", "pk_explorer", "curve"]

T_END_MIN = 360.0  # six hours: long enough to see the slow sublingual and oral tails
N_POINTS = 361  # one point per minute
ROUTE_ORDER = ("iv_bolus", "iv_infusion", "im", "intranasal", "sublingual", "oral")
INFUSION_MIN = float(pharmacokinetics.PROTOCOLS["antidepressant_iv"].infusion_min)  # the published 40-min protocol

_STYLE = {"description_width": "initial"}


@lru_cache(maxsize=64)
def _unit_curve(route: str, model: str) -> pharmacokinetics.PKCurve:
    kwargs = {"infusion_min": INFUSION_MIN} if route == "iv_infusion" else {}
    return pharmacokinetics.simulate(route, 1.0, 70.0, model=model, t_end_min=T_END_MIN, n_points=N_POINTS, **kwargs)


def curve(route: str, dose_mg_per_kg: float, weight_kg: float, model: str) -> pharmacokinetics.PKCurve:
    """``pharmacokinetics.simulate`` for the explorer's time grid, fast: the models are linear in dose, so one
    1 mg/kg solution per (route, model) is cached and scaled. Equal to calling ``pharmacokinetics.simulate``."""
    base = _unit_curve(route, model)
    conc = base.conc_ng_ml * dose_mg_per_kg
    conc.setflags(write=False)
    return dataclasses.replace(
        base, dose_mg_per_kg=float(dose_mg_per_kg), weight_kg=float(weight_kg),
        dose_mg=float(dose_mg_per_kg) * float(weight_kg), conc_ng_ml=conc,
        cmax_ng_ml=base.cmax_ng_ml * dose_mg_per_kg,
        auc_ng_min_per_ml=base.auc_ng_min_per_ml * dose_mg_per_kg,
        auc_inf_ng_min_per_ml=base.auc_inf_ng_min_per_ml * dose_mg_per_kg,
    )


def _model_label(model: str) -> str:
    """Short label for the model picker: "Clements 1981 (2 compartments)"."""
    m = pharmacokinetics.MODELS[model]
    return f"{m.label.split(' ')[0]} {m.label.split('(')[0].split()[-1]} ({m.compartments} compartments)"


class PKExplorer(widgets.VBox):
    """Plasma-concentration curves by route with dose, weight, model and axis controls."""

    def __init__(self, routes: tuple[str, ...] = ROUTE_ORDER, dose_mg_per_kg: float = 0.5,
                 weight_kg: float = 70.0, model: str = "clements1981", log_y: bool = False) -> None:
        for r in routes:
            if r not in pharmacokinetics.ROUTES:
                raise ValueError(f"unknown route {r!r}; known: {', '.join(ROUTE_ORDER)}")
        if model not in pharmacokinetics.MODELS:
            raise ValueError(f"unknown model {model!r}; known: {', '.join(pharmacokinetics.MODELS)}")

        labels = [(r, pharmacokinetics.ROUTES[r].label + (f" ({INFUSION_MIN:g} min)" if r == "iv_infusion" else ""))
                  for r in ROUTE_ORDER]
        self.routes_box, self.route_boxes = checkbox_row(
            '<span class="kl-control-label" id="kl-pk-routes-label">Routes shown:</span>', labels, routes,
            "kl-pk-route")
        self.routes_box.add_class("kl-pk-routes")

        self.basis = control(widgets.ToggleButtons,
            options=[("mg per kg", "per_kg"), ("total mg", "total")], value="per_kg",
            description="Dose as:", style={**_STYLE, "button_width": "auto"},
            tooltips=["Dose scales with body weight (mg/kg)", "Same total dose for everyone, e.g. a lozenge"])
        self.basis.add_class("kl-pk-basis")
        self.dose = control(widgets.FloatSlider, value=dose_mg_per_kg, min=0.1, max=5.0, step=0.05, readout_format=".2f",
                                        description="Dose (mg/kg):", continuous_update=False, style=_STYLE,
                            layout=shared_layout(width="100%", max_width="32em"))
        self.dose.add_class("kl-pk-dose")
        self.dose_total = control(widgets.FloatSlider, value=round(dose_mg_per_kg * weight_kg / 5) * 5 or 35.0, min=5.0,
                                              max=500.0, step=5.0, readout_format=".0f",
                                              description="Dose (total mg):", continuous_update=False,
                                              style=_STYLE,
                                              layout=shared_layout(width="100%", max_width="32em", display="none"))
        self.dose_total.add_class("kl-pk-dose-total")
        self.weight = control(widgets.FloatSlider, value=weight_kg, min=40.0, max=150.0, step=1.0, readout_format=".0f",
                                          description="Body weight (kg):", continuous_update=False, style=_STYLE,
                                          layout=shared_layout(width="100%", max_width="32em"))
        self.weight.add_class("kl-pk-weight")
        self.model = control(widgets.Dropdown, options=[(_model_label(k), k) for k in pharmacokinetics.MODELS], value=model,
                                      description="Published model:", style=_STYLE,
                                      layout=shared_layout(width="100%", max_width="30em"))
        self.model.add_class("kl-pk-model")
        self.log_y = control(widgets.Checkbox, value=log_y, description="Logarithmic concentration axis", indent=False,
                                      layout=shared_layout(width="auto"))
        self.log_y.add_class("kl-pk-log")

        self.readout = html_view()
        self.readout.add_class("kl-pk-readout")
        self.table = html_view()
        self.table.add_class("kl-pk-table")
        self.view = PlotView()

        controls = widgets.VBox([self.routes_box, self.basis, self.dose, self.dose_total, self.weight, self.model,
                                 self.log_y], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view, self.table], layout=shared_layout(width="100%"))
        self.add_class("kl-pk-explorer")

        self._last_key: tuple | None = None
        for w in (*self.route_boxes.values(), self.dose, self.dose_total, self.weight, self.model, self.log_y):
            w.observe(self._on_change, names="value")
        self.basis.observe(self._on_basis, names="value")
        self.update()

    # -- state --------------------------------------------------------------------------------
    @property
    def selected_routes(self) -> tuple[str, ...]:
        return tuple(r for r in ROUTE_ORDER if self.route_boxes[r].value)

    @property
    def dose_mg_per_kg(self) -> float:
        if self.basis.value == "total":
            return float(self.dose_total.value) / float(self.weight.value)
        return float(self.dose.value)

    def curves(self) -> list[pharmacokinetics.PKCurve]:
        return [curve(r, self.dose_mg_per_kg, float(self.weight.value), self.model.value)
                for r in self.selected_routes]

    # -- events -------------------------------------------------------------------------------
    def _on_basis(self, _change=None) -> None:
        weight = float(self.weight.value)
        if True:
            if self.basis.value == "total":
                total = float(np.clip(round(self.dose.value * weight / 5.0) * 5.0, self.dose_total.min,
                                      self.dose_total.max))
                self.dose_total.unobserve(self._on_change, names="value")
                self.dose_total.value = total
                self.dose_total.observe(self._on_change, names="value")
                set_shown(self.dose, False)
                set_shown(self.dose_total, True)
            else:
                per_kg = float(np.clip(round(self.dose_total.value / weight / 0.05) * 0.05, self.dose.min,
                                       self.dose.max))
                self.dose.unobserve(self._on_change, names="value")
                self.dose.value = per_kg
                self.dose.observe(self._on_change, names="value")
                set_shown(self.dose, True)
                set_shown(self.dose_total, False)
        self.update()

    def _on_change(self, _change=None) -> None:
        self.update()

    def update(self) -> None:
        """Redraw if anything that changes the figure changed."""
        self._update_readout()
        key = (self.selected_routes, round(self.dose_mg_per_kg, 9), float(self.weight.value), self.model.value,
               bool(self.log_y.value))
        if key == self._last_key:
            return
        self._last_key = key
        curves = self.curves()
        self.view.show(concentration.concentration_figure(curves, log_y=self.log_y.value, t_end_min=T_END_MIN))
        self.table.value = concentration.route_table_html(curves) if curves else (
            '<p class="kl-pk-empty">Tick at least one route to see its curve and numbers.</p>')

    def _update_readout(self) -> None:
        per_kg, weight = self.dose_mg_per_kg, float(self.weight.value)
        if self.basis.value == "total":
            dose_text = (f"{self.dose_total.value:.0f} mg for a {weight:.0f} kg body = "
                         f"<strong>{per_kg:.2f} mg/kg</strong>")
        else:
            dose_text = f"{per_kg:.2f} mg/kg × {weight:.0f} kg = <strong>{per_kg * weight:.0f} mg</strong> in total"
        self.readout.value = (f'<p class="kl-readout" aria-live="polite">Dose given by every route shown: '
                              f"{dose_text} (as ketamine base).</p>")


def pk_explorer(**kwargs) -> PKExplorer:
    """The route explorer for a notebook cell; keyword arguments set the starting state."""
    return PKExplorer(**kwargs)
