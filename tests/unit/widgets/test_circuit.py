"""The disinhibition explorer: one slider redraws the schematic and the firing figure."""

import base64
import json

import numpy as np
import pytest

from katlearn.science import disinhibition
from katlearn.widgets import circuit as wc


def _arr(value):
    """A data array from a figure spec: Plotly 7 sends numpy arrays as base64 typed arrays."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        return a.reshape([int(n) for n in str(value["shape"]).split(",")]) if "shape" in value else a
    return np.asarray(value)


def test_level_slider_updates_both_views_and_the_readout():
    w = wc.circuit_explorer()
    assert "kl-circuit-explorer" in w._dom_classes and "kl-circuit-level" in w.level._dom_classes
    assert w.level.description and w.level.continuous_update is False
    schem, fig = w.schematic.spec, w.view.spec
    w.level.value = 3.0
    assert w.schematic.spec != schem and w.view.spec != fig
    ss = disinhibition.steady_state(3.0)
    assert f"{float(ss.glutamate_rel):.2f}× baseline" in w.readout.value
    spec = json.loads(w.view.spec)
    pyr = [t for t in spec["data"] if t["name"] == "Pyramidal cells = glutamate output"][0]
    assert _arr(pyr["y"])[-1] == pytest.approx(float(ss.glutamate_rel) * 100, rel=1e-3)


def test_no_ketamine_is_baseline():
    w = wc.CircuitExplorer(conc_uM=0.0)
    assert "baseline" in w.readout.value
    assert "without ketamine" in w.schematic.description


def test_transients_are_cached():
    wc.transient.cache_clear()
    wc.transient(1.0)
    wc.transient(1.0)
    assert wc.transient.cache_info().hits == 1


def test_unknown_level_is_refused():
    with pytest.raises(ValueError, match="conc_uM"):
        wc.CircuitExplorer(conc_uM=0.42)
