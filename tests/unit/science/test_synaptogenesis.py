"""katlearn.science.synaptogenesis: timings checked against Moda-Sava 2019 and Phoumthipphavong 2016."""

from __future__ import annotations

import numpy as np
import pytest

from katlearn.science import params as P
from katlearn.science import synaptogenesis


@pytest.fixture(scope="module")
def run():
    return synaptogenesis.after_infusion()


def test_stages_are_ordered_in_time(run):
    peaks = [float(run.t_h[np.argmax(getattr(run, s))]) for s in ("ampa", "bdnf", "mtor", "formation_rate",
                                                                     "spine_density")]
    assert peaks == sorted(peaks)
    assert peaks[2] < 4.0  # mTOR activation is rapid (hours)


def test_formation_not_altered_at_3_to_6_h_but_at_12_to_24_h(run):
    """Moda-Sava 2019: formation rates altered at 12-24 h, not at 3-6 h."""
    lo, hi = P.SPINE_NOT_ALTERED_H, P.SPINE_ALTERED_H
    early = [run.at("formation_rate", t) for t in np.linspace(lo.low, lo.high, 7)]
    late = [run.at("formation_rate", t) for t in np.linspace(hi.low, hi.high, 7)]
    assert max(early) < 0.05
    assert min(late) > 0.3


def test_spine_density_time_course(run):
    assert run.at("spine_density", 4.0) < 0.01  # nothing at 4 h
    assert run.at("spine_density", 24.0) > 0.5  # clearly raised at 24 h
    assert run.at("spine_density", 7 * 24.0) > 0.25  # still raised at 7 d
    assert run.at("spine_density", P.SPINE_RAISED_UNTIL_D.value * 24.0) > 0.05  # up to 2 weeks
    assert run.at("spine_density", 28 * 24.0) < 0.05  # close to baseline by 4 weeks


@pytest.mark.parametrize("block", synaptogenesis.BLOCKS)
def test_blocking_ampa_or_mtor_abolishes_spines(block):
    """NBQX (Maeng 2008) and rapamycin (Li 2010) experiments."""
    r = synaptogenesis.after_infusion(block=block)
    assert np.all(r.spine_density == 0) and np.all(r.formation_rate == 0)
    if block == "mtor":
        assert r.mtor.max() == pytest.approx(1.0)  # mTOR still signals; its output is cut


def test_linear_in_the_surge():
    t = np.linspace(0, 10, 101)
    surge = np.exp(-t)
    a = synaptogenesis.simulate(t, surge, t_end_h=100, n_points=500)
    b = synaptogenesis.simulate(t, 3 * surge, t_end_h=100, n_points=500)
    np.testing.assert_allclose(a.spine_density, b.spine_density)  # normalised outputs are scale-free


def test_findings_have_refs_and_valid_stages():
    assert {f.ref for f in synaptogenesis.FINDINGS} >= {"moda_sava2019", "phoumthipphavong2016", "li2010", "maeng2008",
                                            "autry2011", "moghaddam1997"}
    for f in synaptogenesis.FINDINGS:
        assert f.stage in synaptogenesis.STAGES
        if f.t_low_h is not None:
            assert f.t_high_h is not None and f.t_low_h <= f.t_high_h


def test_validation():
    t = np.linspace(0, 1, 5)
    with pytest.raises(ValueError, match="surge"):
        synaptogenesis.simulate(t, -np.ones(5))
    with pytest.raises(ValueError, match="block"):
        synaptogenesis.simulate(t, np.ones(5), block="nmda")
    with pytest.raises(ValueError, match="same length"):
        synaptogenesis.simulate(t, np.ones(4))
    with pytest.raises(ValueError, match="stage"):
        synaptogenesis.after_infusion(n_points=100).at("dopamine", 1.0)
