"""Receptor explorers: controls redraw their PlotView and readouts follow the model."""

import base64
import json

import numpy as np
import pytest

from katlearn.science import nmda_block
from katlearn.widgets import receptor as wr


def _arr(value):
    """A data array from a figure spec: Plotly 7 sends numpy arrays as base64 typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return a.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else a
    return np.asarray(value)


def _marker_y(view, name):
    spec = json.loads(view.spec)
    return _arr([t for t in spec["data"] if t.get("name") == name][0]["y"])[0]


def test_iv_explorer_updates_on_every_control():
    w = wr.iv_explorer()
    assert "kl-iv-explorer" in w._dom_classes and "kl-iv-voltage" in w.voltage._dom_classes
    for control in (w.voltage, w.mg, w.ketamine):
        assert control.description  # read by screen readers
    assert w.voltage.continuous_update is False and w.mg.continuous_update is False
    before = w.view.spec
    w.voltage.value = -20
    assert w.view.spec != before
    assert _marker_y(w.view, "Your voltage") == pytest.approx(nmda_block.nmda_current(-20.0, 1.0))
    assert "51%" in w.readout.value
    before = w.view.spec
    w.mg.value = 0.0
    assert w.view.spec != before and "100%" in w.readout.value
    before = w.view.spec
    w.ketamine.value = 1.0
    assert w.view.spec != before
    assert "blocks 67%" in w.readout.value  # 1 / (1 + 0.494), racemic Ki derived from Ebert 1997
    assert w.view.description.startswith("Current–voltage curves")


def test_iv_explorer_skips_redraws_that_change_nothing():
    w = wr.iv_explorer()
    spec = w.view.spec
    w.update()
    assert w.view.spec is spec


def test_iv_explorer_refuses_an_off_ladder_ketamine_level():
    with pytest.raises(ValueError, match="ketamine_uM"):
        wr.IVExplorer(ketamine_uM=0.7)


def test_trapping_demo_follows_concentration_and_pulses():
    w = wr.trapping_demo()
    assert "kl-trap-demo" in w._dom_classes and "kl-trap-conc" in w.conc._dom_classes
    before = w.view.spec
    w.conc.value = 0.1
    assert w.view.spec != before
    spec = json.loads(w.view.spec)
    with_drug = [t for t in spec["data"] if t["name"] == "With ketamine"][0]
    assert len(_arr(with_drug["y"])) == 30
    w.pulses.value = 10
    spec = json.loads(w.view.spec)
    with_drug = [t for t in spec["data"] if t["name"] == "With ketamine"][0]
    assert len(_arr(with_drug["y"])) == 10
    assert "After 10 activations with 0.1 µM" in w.readout.value


def test_occupancy_explorer_marker_and_ligand_boxes():
    w = wr.occupancy_explorer()
    assert "kl-occ-explorer" in w._dom_classes and "kl-occ-conc" in w.conc._dom_classes
    before = w.view.spec
    w.conc.value = 2.0
    assert w.view.spec != before
    assert _marker_y(w.view, "Esketamine at 2 µM") == pytest.approx(nmda_block.occupancy(2.0, "esketamine") * 100)
    w.boxes["arketamine"].value = False
    assert "Arketamine" not in w.readout.value
    names = [t.get("name", "") for t in json.loads(w.view.spec)["data"]]
    assert not any(n.startswith("Arketamine") for n in names)
    for box in w.boxes.values():
        box.value = False
    assert "Tick at least one" in w.readout.value
