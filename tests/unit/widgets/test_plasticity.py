"""The cascade explorer: the blocker choice redraws the figure and the readout."""

from katlearn.widgets import plasticity as wp


def test_blocker_choice_redraws():
    w = wp.cascade_explorer()
    assert "kl-cascade" in w._dom_classes and "kl-cascade-block" in w.block._dom_classes
    assert w.block.description
    assert "spine formation peaks" in w.readout.value
    before = w.view.spec
    w.block.value = "ampa"
    assert w.view.spec != before
    assert "no new spines" in w.readout.value and "NBQX" in w.readout.value
    assert "AMPA receptors blocked (NBQX)" in w.view.description
    w.block.value = "mtor"
    assert "rapamycin" in w.view.description
    w.block.value = "none"
    assert w.blocker is None and "no blocker" in w.view.description


def test_cascade_results_are_cached_per_blocker():
    assert wp.cascade("mtor") is wp.cascade("mtor")
    assert wp.cascade(None).t_h.size == wp.N_POINTS


def test_findings_list_is_shown():
    w = wp.cascade_explorer()
    assert "kl-findings" in w.findings.value and "#ref-moda_sava2019" in w.findings.value
