"""NMDA receptor figures: I–V curves, trapping block, occupancy by ligand — values checked against the model."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn.figures import block_curves
from katlearn.science import params as P
from katlearn.science import nmda_block, pharmacokinetics


def _trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert matches, f"no trace {name!r}; have {[t.name for t in fig.data]}"
    return matches[0]


def test_iv_figure_curves_match_the_model():
    d = block_curves.iv_figure(-70.0, 1.0)
    no_mg = _trace(d.figure, "No Mg²⁺")
    with_mg = _trace(d.figure, "1.0 mM Mg²⁺")
    v = np.asarray(with_mg.x)
    assert v[0] == block_curves.V_RANGE_MV[0] and v[-1] == block_curves.V_RANGE_MV[1]
    np.testing.assert_allclose(with_mg.y, nmda_block.nmda_current(v, 1.0))
    np.testing.assert_allclose(no_mg.y, nmda_block.nmda_current(v, 0.0))
    marker = _trace(d.figure, "Your voltage")
    assert marker.x[0] == -70.0
    assert marker.y[0] == pytest.approx(nmda_block.nmda_current(-70.0, 1.0))
    assert d.figure.layout.xaxis.title.text == "Membrane voltage (mV)"


def test_iv_description_states_the_mg_free_share_and_the_peak():
    d = block_curves.iv_figure(-70.0, 1.0)
    share = nmda_block.mg_unblocked_fraction(-70.0, 1.0) * 100
    assert f"{share:.0f}% of channels are free of Mg²⁺" in d.description
    assert "4%" in d.description  # Jahr & Stevens at -70 mV, 1 mM
    v = np.arange(-100, 41)
    peak_v = v[np.argmin(nmda_block.nmda_current(v.astype(float), 1.0))]
    assert f"largest at {peak_v:.0f} mV" in d.description


def test_iv_with_ketamine_adds_a_curve_and_moves_the_marker():
    plain = block_curves.iv_figure(-30.0, 1.0)
    with_ket = block_curves.iv_figure(-30.0, 1.0, ketamine_uM=1.0)
    assert len(with_ket.figure.data) == len(plain.figure.data) + 1
    marker = _trace(with_ket.figure, "Your voltage")
    assert marker.y[0] == pytest.approx(nmda_block.nmda_current(-30.0, 1.0, ketamine_uM=1.0))
    assert "1 µM ketamine occupies 67%" in with_ket.description  # 1 / (1 + 0.494)


def test_iv_without_magnesium_is_a_straight_line_and_says_so():
    d = block_curves.iv_figure(0.0, 0.0)
    assert "straight line" in d.description
    assert "no net current" in d.description


def test_iv_rejects_a_voltage_off_the_axis():
    with pytest.raises(ValueError, match="v_mV"):
        block_curves.iv_figure(-150.0, 1.0)


@settings(max_examples=15, deadline=None)
@given(v=st.integers(-100, 40), mg=st.floats(0.0, 2.0))
def test_iv_marker_sits_on_its_curve(v, mg):
    d = block_curves.iv_figure(float(v), mg)
    marker = _trace(d.figure, "Your voltage")
    curve = [t for t in d.figure.data if t.name and t.name.endswith("Mg²⁺") and t.name != "No Mg²⁺"][0]
    assert marker.y[0] == pytest.approx(float(np.interp(v, curve.x, curve.y)), abs=1e-9)


def test_trapping_run_and_figure_follow_the_model():
    run = block_curves.trapping_run(1.0, 30, 30)
    ref = nmda_block.use_dependent_block(60, np.r_[np.full(30, 1.0), np.zeros(30)])
    np.testing.assert_allclose(run.current_pct, ref.relative_current * 100)
    d = block_curves.trapping_figure(run)
    with_drug = _trace(d.figure, "With ketamine")
    washout = _trace(d.figure, "After washout (no drug)")
    np.testing.assert_allclose(with_drug.y, ref.relative_current[:30] * 100)
    np.testing.assert_allclose(washout.y, ref.relative_current[30:] * 100)
    # the rest gap: washout activations are drawn after it
    assert washout.x[0] == 31 + block_curves.GAP
    # block builds with use, and recovers only with openings after washout
    assert with_drug.y[-1] < with_drug.y[0]
    assert washout.y[-1] > washout.y[0]
    trapped = _trace(d.figure, "Rest, no activations: drug stays trapped")
    assert trapped.y[0] == pytest.approx(100 - run.blocked_after_drug * 100)
    assert f"{run.end_of_drug_pct:.0f}% at activation 30" in d.description
    assert "trapped" in d.description


def test_trapping_figure_without_washout():
    d = block_curves.trapping_figure(block_curves.trapping_run(0.3, 10, 0))
    names = [t.name for t in d.figure.data]
    assert "After washout (no drug)" not in names
    assert "washout" not in d.description.lower()


def test_protocol_plasma_range_comes_from_the_pk_model():
    pr = block_curves.protocol_plasma_range()
    curve = pharmacokinetics.simulate("iv_infusion", 0.5, infusion_min=40.0, t_end_min=120.0, n_points=121)
    window = (curve.t_min >= 20) & (curve.t_min <= 120)
    assert pr.high_uM == pytest.approx(pharmacokinetics.to_micromolar(curve.conc_ng_ml[window].max()))
    assert pr.low_uM == pytest.approx(pharmacokinetics.to_micromolar(curve.conc_ng_ml[window].min()))
    assert pr.low_uM < pr.high_uM < 1.0
    assert pr.cited_uM == pytest.approx(P.ANTIDEPRESSANT_END_OF_INFUSION.value / P.MW_BASE.value)
    assert pr.cited_ref == "zanos2018"


def test_occupancy_figure_curves_ki_markers_and_reading():
    pr = block_curves.protocol_plasma_range()
    d = block_curves.occupancy_figure(0.5, plasma=pr)
    assert d.figure.layout.xaxis.type == "log"
    for name in block_curves.OCCUPANCY_LIGANDS:
        lig = nmda_block.LIGANDS[name]
        short = block_curves.LIGAND_STYLE[name]["short"]
        curve = _trace(d.figure, f"{short} (Ki {lig.ki_uM:.2g} µM)")
        np.testing.assert_allclose(curve.y, nmda_block.occupancy(np.asarray(curve.x), name) * 100)
        ki = _trace(d.figure, f"{short} Ki")
        assert (ki.x[0], ki.y[0]) == (lig.ki_uM, 50)
        here = _trace(d.figure, f"{short} at 0.5 µM")
        assert here.y[0] == pytest.approx(nmda_block.occupancy(0.5, name) * 100)
        assert f"{short} {nmda_block.occupancy(0.5, name) * 100:.0f}%" in d.description
    band = [s for s in d.figure.layout.shapes if s.type == "rect"]
    assert band and band[0].x0 == pytest.approx(pr.low_uM) and band[0].x1 == pytest.approx(pr.high_uM)
    assert f"{pr.low_uM:.2f}–{pr.high_uM:.2f} µM" in d.description


def test_occupancy_figure_uses_one_assay_and_says_the_racemic_value_is_derived():
    """Ebert 1997 enantiomers: (S) 0.3 and (R) 1.4 uM; the racemic curve is their 50:50 mixture, so it lies
    between the two (racemic is half arketamine) instead of on top of the esketamine curve."""
    d = block_curves.occupancy_figure(1.0)
    rac = _trace(d.figure, "Racemic (derived) (Ki 0.49 µM)")
    s = _trace(d.figure, "Esketamine (Ki 0.3 µM)")
    r = _trace(d.figure, "Arketamine (Ki 1.4 µM)")
    mid = (np.asarray(s.x) > 0.05) & (np.asarray(s.x) < 20)
    assert np.all(np.asarray(r.y)[mid] < np.asarray(rac.y)[mid]) and np.all(np.asarray(rac.y)[mid] < np.asarray(s.y)[mid])
    assert {nmda_block.LIGANDS[n].ref for n in block_curves.OCCUPANCY_LIGANDS} == {"ebert1997"}
    assert "derived from the two enantiomers as a 50:50 mixture, not measured" in d.description


def test_occupancy_figure_subset_and_errors():
    d = block_curves.occupancy_figure(1.0, ligands=("esketamine", "arketamine"))
    assert "Racemic" not in d.description and "derived" not in d.description
    assert not d.figure.layout.shapes or all(s.type != "rect" for s in d.figure.layout.shapes)
    with pytest.raises(ValueError, match="not known"):
        block_curves.occupancy_figure(1.0, ligands=("caffeine",))
    with pytest.raises(ValueError, match="at least one"):
        block_curves.occupancy_figure(1.0, ligands=())


def test_figures_serialise_for_the_plot_view():
    for d in (block_curves.iv_figure(-70.0, 1.0, 0.3), block_curves.trapping_figure(block_curves.trapping_run(1.0)),
              block_curves.occupancy_figure(0.78, plasma=block_curves.protocol_plasma_range())):
        spec = json.loads(d.figure.to_json())
        assert spec["data"] and spec["layout"]["title"]["text"]
        assert d.title != "figure"
