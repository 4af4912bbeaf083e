"""Route explorer: every control redraws the figure, and the fast path equals the model."""

from __future__ import annotations

import json
import time

import ipywidgets as widgets
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn.science import pharmacokinetics
from katlearn.widgets import pk


def spec(e: pk.PKExplorer) -> dict:
    return json.loads(e.view.spec)


def route_lines(e: pk.PKExplorer) -> list[str]:
    return [t["legendgroup"] for t in spec(e)["data"] if t.get("mode") == "lines" and "legendgroup" in t]


@settings(max_examples=30, deadline=None)
@given(route=st.sampled_from(pk.ROUTE_ORDER), dose=st.floats(0.05, 10.0), weight=st.floats(40.0, 150.0),
       model=st.sampled_from(sorted(pharmacokinetics.MODELS)))
def test_scaled_curve_equals_simulate(route, dose, weight, model):
    kw = {"infusion_min": pk.INFUSION_MIN} if route == "iv_infusion" else {}
    ref = pharmacokinetics.simulate(route, dose, weight, model=model, t_end_min=pk.T_END_MIN, n_points=pk.N_POINTS, **kw)
    got = pk.curve(route, dose, weight, model)
    np.testing.assert_allclose(got.conc_ng_ml, ref.conc_ng_ml, rtol=1e-9, atol=1e-9)
    assert got.cmax_ng_ml == pytest.approx(ref.cmax_ng_ml, rel=1e-6)
    assert got.tmax_min == pytest.approx(ref.tmax_min, abs=1e-3)
    assert got.auc_ng_min_per_ml == pytest.approx(ref.auc_ng_min_per_ml, rel=1e-9)
    assert got.dose_mg == pytest.approx(ref.dose_mg)


def test_model_compute_for_all_routes_is_well_under_5_ms():
    for r in pk.ROUTE_ORDER:
        pk.curve(r, 0.5, 70, "clements1981")  # warm the per-route cache
    runs = []
    for dose in (0.6, 0.7, 0.8, 0.9, 1.0):
        t0 = time.perf_counter()
        for r in pk.ROUTE_ORDER:
            pk.curve(r, dose, 70, "clements1981")
        runs.append(time.perf_counter() - t0)
    assert sorted(runs)[len(runs) // 2] < 0.005


def test_default_view_shows_every_route_and_the_table():
    e = pk.pk_explorer()
    assert route_lines(e) == list(pk.ROUTE_ORDER)
    assert e.table.value.count("<tr>") == len(pk.ROUTE_ORDER) + 1
    assert "0.50 mg/kg × 70 kg = <strong>35 mg</strong>" in e.readout.value
    assert "IV bolus: peak 285 ng/mL" in e.view.description


def test_dose_slider_redraws_with_proportional_peaks():
    e = pk.pk_explorer()
    before = spec(e)
    e.dose.value = 1.0
    after = spec(e)
    assert after != before
    peak = lambda s: [t["y"][0] for t in s["data"] if t.get("mode") == "markers"]  # noqa: E731
    np.testing.assert_allclose(peak(after), np.array(peak(before)) * 2, rtol=1e-6)
    assert "1.00 mg/kg × 70 kg = <strong>70 mg</strong>" in e.readout.value


def test_unticking_a_route_removes_its_curve_and_row():
    e = pk.pk_explorer()
    e.route_boxes["oral"].value = False
    assert "oral" not in route_lines(e)
    assert "Oral</th>" not in e.table.value
    for box in e.route_boxes.values():
        box.value = False
    assert route_lines(e) == []
    assert e.view.description.startswith("No route selected")
    assert "Tick at least one route" in e.table.value


def test_fixed_total_dose_makes_weight_matter():
    e = pk.pk_explorer(routes=("im",))
    e.weight.value = 70
    same = spec(e)
    e.basis.value = "total"
    assert e.dose_total.layout.display is None and e.dose.layout.display == "none"
    assert e.dose_total.value == 35.0
    assert spec(e) == same  # 35 mg for 70 kg is still 0.5 mg/kg
    assert "35 mg for a 70 kg body = <strong>0.50 mg/kg</strong>" in e.readout.value
    e.weight.value = 140
    assert e.dose_mg_per_kg == pytest.approx(0.25)
    assert spec(e) != same
    e.basis.value = "per_kg"
    assert e.dose.value == pytest.approx(0.25)
    assert e.dose.layout.display is None


def test_weight_alone_does_not_change_a_per_kg_curve():
    e = pk.pk_explorer(routes=("im",))
    before = [t for t in spec(e)["data"] if t.get("mode") == "lines"]
    e.weight.value = 100
    after = [t for t in spec(e)["data"] if t.get("mode") == "lines"]
    assert before == after
    assert "= <strong>50 mg</strong>" in e.readout.value


def test_model_and_log_controls_redraw():
    e = pk.pk_explorer()
    e.model.value = "domino1984"
    assert "Domino" in e.view.description
    assert spec(e)["layout"]["yaxis"]["type"] == "linear"
    e.log_y.value = True
    assert spec(e)["layout"]["yaxis"]["type"] == "log"


def test_unchanged_state_does_not_redraw():
    e = pk.pk_explorer()
    before = e.view.spec
    e.view.spec = "{}"
    e.update()  # nothing changed since the last draw
    assert e.view.spec == "{}"
    e.dose.value = 0.55
    assert e.view.spec not in ("{}", before)


def test_every_control_is_labelled_and_classed():
    e = pk.pk_explorer()
    controls = [e.basis, e.dose, e.dose_total, e.weight, e.model, e.log_y, *e.route_boxes.values()]
    for c in controls:
        assert c.description.strip(), c
    for s in (e.dose, e.dose_total, e.weight):
        assert s.continuous_update is False
    assert "kl-pk-explorer" in e._dom_classes
    assert "kl-pk-dose" in e.dose._dom_classes
    assert "kl-pk-routes" in e.routes_box._dom_classes
    assert isinstance(e, widgets.VBox)


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="unknown route"):
        pk.pk_explorer(routes=("rectal",))
    with pytest.raises(ValueError, match="unknown model"):
        pk.pk_explorer(model="nope")
