"""The "getting unstuck" metaphor figures: energy landscape with a ball, and the Hopfield network's journey."""

import numpy as np
import pytest

from katlearn.figures import unstuck
from katlearn.science import landscape


def _trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert matches, f"no trace {name!r}; have {[t.name for t in fig.data]}"
    return matches[0]


def test_landscape_curve_and_ball_come_from_the_model():
    land = landscape.energy_landscape(0.3, 0.0)
    d = unstuck.landscape_figure(land, land.rut_x, 0.35, False)
    np.testing.assert_allclose(_trace(d.figure, "Landscape").y, land.energy)
    ball = _trace(d.figure, "The state (the ball)")
    assert ball.x[0] == land.rut_x
    jostle = _trace(d.figure, "How high everyday jostling lifts the ball")
    assert jostle.y[0] == pytest.approx(float(np.interp(land.rut_x, land.x, land.energy)) + 0.35)
    assert "metaphor" in d.description.lower()
    assert f"barrier around the rut is {land.barrier_from_rut:.2f}" in d.description
    assert "too high for it to leave" in d.description


def test_landscape_description_when_free_and_when_merged():
    land = landscape.energy_landscape(0.95, 1.0)
    d = unstuck.landscape_figure(land, land.alternative_x, 0.35, True)
    assert "in the alternative valley" in d.description and "low enough" in d.description
    merged = landscape.energy_landscape(1.0, 0.0)
    assert merged.alternative_x is None
    assert "merged" in unstuck.landscape_figure(merged, merged.rut_x, 0.35, True).description


def test_grid_reshapes_a_state_into_rows():
    g = unstuck.grid(np.arange(64.0))
    assert g.shape == (8, 8)
    assert g[-1, 0] == 0.0 and g[0, -1] == 63.0  # first row drawn at the bottom, as a heat map does
    assert np.isnan(unstuck.grid(np.ones(10))[0, -1])


def _history(n_runs_high=True):
    d = landscape.unsticking_demo()
    net = landscape.make_network()
    return unstuck.HopfieldHistory(overlap_rut=d.overlap_rut, overlap_new=d.overlap_new, temperature=d.temperature,
                              state=net.new_pattern, rut=net.rut, new_pattern=net.new_pattern,
                              high_temperature=landscape.DEFAULTS["high_temperature"].value,
                              learned_at=d.phase_starts[2], cued_at=(d.phase_starts[2],))


def test_hopfield_figure_plots_matches_ignoring_sign():
    h = _history()
    d = unstuck.hopfield_figure(h)
    np.testing.assert_allclose(_trace(d.figure, "Match with the rut").y, np.abs(h.overlap_rut) * 100)
    np.testing.assert_allclose(_trace(d.figure, "Match with the new pattern").y, np.abs(h.overlap_new) * 100)
    heat = [t for t in d.figure.data if t.type == "heatmap"]
    assert [t.name for t in heat] == ["network now", "the rut", "new pattern"]
    assert all(np.asarray(t.z).shape == (8, 8) for t in heat)
    # high-plasticity steps are shaded, the learning moment is marked
    assert any(s.type == "rect" for s in d.figure.layout.shapes)
    assert any(a.text == "learned" for a in d.figure.layout.annotations)
    assert "holds the new pattern" in d.description and "has been learned" in d.description
    assert "metaphor" in d.description.lower()


def test_hopfield_figure_at_the_start_shows_markers():
    net = landscape.make_network()
    h = unstuck.HopfieldHistory(overlap_rut=np.array([1.0]), overlap_new=np.array([landscape.overlap(net.rut, net.new_pattern)]),
                           temperature=np.array([0.5]), state=net.rut, rut=net.rut, new_pattern=net.new_pattern,
                           high_temperature=4.0)
    d = unstuck.hopfield_figure(h)
    assert _trace(d.figure, "Match with the rut").mode == "lines+markers"
    assert "in the rut" in d.description and "not learned yet" in d.description
