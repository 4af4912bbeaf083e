"""katlearn.science.landscape: rut, escape at high plasticity, new attractor after learning."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn.science import landscape

LOW = landscape.DEFAULTS["low_temperature"].value
HIGH = landscape.DEFAULTS["high_temperature"].value
SEEDS = range(10)


@pytest.fixture(scope="module")
def net():
    return landscape.make_network(seed=0)


def test_patterns_are_fixed_points_at_zero_temperature(net):
    for p in net.patterns:
        r = landscape.run(net, p, 0.0, n_sweeps=3)
        assert landscape.overlap(r.final_state, p) == 1.0


def test_low_temperature_stays_in_the_rut(net):
    for s in SEEDS:
        r = landscape.run(net, net.rut, LOW, n_sweeps=30, seed=s)
        assert not r.left_rut(0.5)
        assert r.overlaps[-1, 0] > 0.9


def test_rut_captures_noisy_starts(net):
    captured = [landscape.run(net, landscape.noisy(net.rut, 0.35, seed=s), LOW, 20, seed=s).overlaps[-1, 0] > 0.9 for s in SEEDS]
    assert all(captured)


def test_high_plasticity_escapes_quickly(net):
    exits = [landscape.run(net, net.rut, HIGH, n_sweeps=20, seed=s).first_exit_sweep(0.5) for s in SEEDS]
    assert sum(e is not None and e <= 10 for e in exits) >= 9


def test_new_pattern_unstable_before_learning_and_stable_after(net):
    before = landscape.run(net, net.new_pattern, LOW, 20, seed=1)
    assert abs(before.overlap_new[-1]) < 0.5  # without learning it is not an attractor
    learned = landscape.learn(net, rate=landscape.DEFAULTS["learning_rate"].value)
    for s in SEEDS:
        r = landscape.run(learned, landscape.noisy(net.new_pattern, 0.2, seed=s), LOW, 20, seed=s)
        assert r.overlap_new[-1] > 0.95
    # the old habit is still there: learning adds a valley, it does not erase the rut
    assert landscape.run(learned, net.rut, LOW, 10).overlaps[-1, 0] > 0.9


def test_demo_tells_the_whole_story():
    d = landscape.unsticking_demo(seed=0)
    a, b, c = d.phase_starts
    assert np.all(d.overlap_rut[a:b] > 0.9)
    assert np.min(np.abs(d.overlap_rut[b:c])) < 0.5
    assert d.overlap_new[-1] > 0.95
    assert d.temperature[a] == LOW and d.temperature[b] == HIGH


def test_deterministic_with_seed(net):
    r1 = landscape.run(net, net.rut, HIGH, 10, seed=3)
    r2 = landscape.run(net, net.rut, HIGH, 10, seed=3)
    np.testing.assert_array_equal(r1.overlaps, r2.overlaps)
    np.testing.assert_array_equal(landscape.make_network(seed=5).weights, landscape.make_network(seed=5).weights)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), flips=st.floats(0, 0.5))
def test_energy_never_rises_at_zero_temperature(seed, flips):
    net = landscape.make_network(seed=seed % 7)
    r = landscape.run(net, landscape.noisy(net.rut, flips, seed=seed), 0.0, n_sweeps=5, seed=seed)
    assert np.all(np.diff(r.energy) <= 1e-9)


def test_weights_symmetric_zero_diagonal(net):
    w = landscape.learn(net).weights
    np.testing.assert_allclose(w, w.T)
    assert np.all(np.diag(w) == 0)


def test_landscape_barrier_flattens_with_plasticity():
    p = np.linspace(0, 1, 11)
    b = [landscape.barrier_height(x) for x in p]
    assert all(x > y for x, y in zip(b, b[1:]) if x > 0)
    assert b[0] > 0.5 and b[-1] == 0.0


def test_landscape_rut_deeper_until_learned():
    before = landscape.energy_landscape(0.0, 0.0)
    after = landscape.energy_landscape(0.0, 1.0)
    e = lambda L, x: float(np.interp(x, L.x, L.energy))  # noqa: E731
    assert e(before, before.rut_x) < e(before, before.alternative_x)
    assert e(after, after.alternative_x) < e(after, after.rut_x)
    assert before.x.shape == before.energy.shape


def test_validation(net):
    with pytest.raises(ValueError, match="temperature"):
        landscape.run(net, net.rut, -1.0)
    with pytest.raises(ValueError, match="state"):
        landscape.run(net, np.zeros(net.n_neurons), 1.0)
    with pytest.raises(ValueError, match="plasticity"):
        landscape.energy_landscape(1.5)
