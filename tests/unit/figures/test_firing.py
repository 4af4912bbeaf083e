"""Disinhibition figures: the E–I schematic and the firing-over-time/dose figure."""

import numpy as np
import pytest

from katlearn.figures import firing
from katlearn.figures import block_curves
from katlearn.science import disinhibition


def _trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert matches, f"no trace {name!r}; have {[t.name for t in fig.data]}"
    return matches[0]


def test_schematic_reports_the_rates_it_is_given():
    ss, base = disinhibition.steady_state(1.0), disinhibition.steady_state(0.0)
    e_rel = float(ss.glutamate_rel)
    i_rel = float(ss.i_rate / base.i_rate)
    d = firing.schematic_figure(1.0, float(ss.occupancy), e_rel, i_rel)
    assert f"interneurons fire at {i_rel * 100:.0f}%" in d.description
    assert f"pyramidal cells fire at {e_rel * 100:.0f}%" in d.description
    assert f"blocking {float(ss.occupancy) * 100:.0f}%" in d.description
    assert "ketamine" in {t.name for t in d.figure.data}
    texts = " ".join(a.text for a in d.figure.layout.annotations)
    assert "inhibits" in texts and "NMDA" in texts


def test_schematic_without_drug_has_no_ketamine():
    d = firing.schematic_figure(0.0, 0.0, 1.0, 1.0)
    assert "ketamine" not in {t.name for t in d.figure.data}
    assert "baseline" in d.description


def test_half_change_time():
    t = np.linspace(0, 10, 11)
    assert firing.half_change_ms(t, np.linspace(0, 1, 11)) == pytest.approx(5.0)
    assert firing.half_change_ms(t, np.ones(11)) is None


def test_dynamics_figure_values_match_the_model():
    tr, sw = disinhibition.transient(1.0), disinhibition.sweep()
    d = firing.dynamics_figure(tr, sw, block_curves.protocol_plasma_range())
    inter = _trace(d.figure, "GABA interneurons")
    pyr = _trace(d.figure, "Pyramidal cells = glutamate output")
    np.testing.assert_allclose(inter.y, tr.i_rate / tr.i_rate[0] * 100)
    np.testing.assert_allclose(pyr.y, tr.e_rate / tr.e_rate[0] * 100)
    steady = _trace(d.figure, "Pyramidal cells / glutamate (steady)")
    np.testing.assert_allclose(steady.y, sw.glutamate_rel[1:] * 100)
    assert d.figure.layout.xaxis2.type == "log"
    # the disinhibition story in the description: interneurons down, pyramidal up, in that order
    assert f"falls to {inter.y[-1]:.0f}%" in d.description
    assert f"rises to {pyr.y[-1]:.0f}%" in d.description
    t_i, t_e = firing.half_change_ms(tr.t_ms, tr.i_rate), firing.half_change_ms(tr.t_ms, tr.e_rate)
    assert t_i < t_e
    assert "brake comes off first" in d.description
    # marker at the chosen level and the protocol band in the lower panel
    marker = _trace(d.figure, "Your ketamine level")
    assert marker.x[0] == 1.0
    assert any(s.type == "rect" and s.xref == "x2" for s in d.figure.layout.shapes)


def test_dynamics_figure_without_drug_is_flat():
    d = firing.dynamics_figure(disinhibition.transient(0.0), disinhibition.sweep())
    pyr = _trace(d.figure, "Pyramidal cells = glutamate output")
    np.testing.assert_allclose(pyr.y, 100.0)
    assert "stays at baseline" in d.description
    assert "Your ketamine level" not in {t.name for t in d.figure.data}
