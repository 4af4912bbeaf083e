"""The metaphor explorers: the ball remembers where it is; the Hopfield network learns only in its window."""

import base64
import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn.science import landscape
from katlearn.widgets import attractor as wa


def _arr(value):
    """A data array from a figure spec: Plotly 7 sends numpy arrays as base64 typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return a.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else a
    return np.asarray(value)


def test_settle_keeps_the_ball_when_the_barrier_is_high():
    land = landscape.energy_landscape(0.0, 1.0)  # alternative deeper, barrier high
    x, free = wa.settle(land, land.rut_x)
    assert not free and x < 0


def test_settle_frees_the_ball_when_the_barrier_is_low():
    land = landscape.energy_landscape(0.95, 1.0)
    x, free = wa.settle(land, land.rut_x)
    assert free and x > 0  # rolled into the deeper alternative
    land = landscape.energy_landscape(0.95, 0.0)
    x, free = wa.settle(land, land.rut_x)
    assert free and x < 0  # free, but the rut is still the deepest valley


@settings(max_examples=30, deadline=None)
@given(p=st.floats(0, 1), lrn=st.floats(0, 1), start=st.floats(-1.5, 1.5))
def test_settle_always_ends_at_a_valley_bottom(p, lrn, start):
    land = landscape.energy_landscape(p, lrn)
    x, _ = wa.settle(land, start)
    i = int(np.argmin(np.abs(land.x - x)))
    assert land.energy[i] <= land.energy[max(i - 1, 0)] and land.energy[i] <= land.energy[min(i + 1, land.x.size - 1)]


def test_landscape_explorer_is_path_dependent():
    w = wa.landscape_explorer()
    assert "kl-landscape" in w._dom_classes and "kl-landscape-plasticity" in w.plasticity._dom_classes
    before = w.view.spec
    w.learning.value = 1.0
    assert w.view.spec != before
    assert w.ball_x < 0 and "too high" in w.readout.value  # learning alone does not move it
    w.plasticity.value = 0.95
    assert w.ball_x > 0  # window open and alternative deeper: it moves
    w.plasticity.value = 0.0
    assert w.ball_x > 0 and "new habit holds" in w.readout.value
    w.reset_button.click()
    assert w.ball_x < 0 and w.plasticity.value == 0 and w.learning.value == 0


def _rut_match(w):
    spec = json.loads(w.view.spec)
    return _arr([t for t in spec["data"] if t["name"] == "Match with the rut"][0]["y"])


def test_hopfield_story():
    w = wa.hopfield_explorer()
    assert "kl-hopfield" in w._dom_classes and "kl-hopfield-high" in w.high_button._dom_classes
    assert len(_rut_match(w)) == 1
    w.low_button.click()
    assert len(_rut_match(w)) == 1 + wa.SWEEPS_PER_RUN
    assert _rut_match(w)[-1] == 100  # low plasticity: stays in the rut
    w.learn_button.click()  # not in the window yet
    assert w.learned_at is None and "plastic window" in w.status.value
    w.high_button.click()
    assert w.in_window and min(_rut_match(w)[-wa.SWEEPS_PER_RUN:]) < 50  # wanders out of the rut
    w.learn_button.click()
    assert w.learned_at == len(w.rut_hist) - 1
    w.cue_button.click()
    spec = json.loads(w.view.spec)
    new = _arr([t for t in spec["data"] if t["name"] == "Match with the new pattern"][0]["y"])
    assert new[-1] == 100 and "held" in w.status.value
    w.reset_button.click()
    assert len(w.rut_hist) == 1 and w.learned_at is None


def test_cue_before_learning_falls_back_towards_the_rut():
    w = wa.hopfield_explorer()
    w.cue_button.click()
    assert abs(w.rut_hist[-1]) > abs(w.new_hist[-1])
    assert "did not hold" in w.status.value


def test_hopfield_is_deterministic():
    a, b = wa.hopfield_explorer(), wa.hopfield_explorer()
    for w in (a, b):
        w.high_button.click()
        w.low_button.click()
    assert a.view.spec == b.view.spec
