"""Route figure: traces, bands, µM axis and words match the PK model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn.figures import concentration
from katlearn.figures.base import Described
from katlearn.science import pharmacokinetics

ROUTES = ("iv_bolus", "iv_infusion", "im", "intranasal", "sublingual", "oral")


def sim(route: str, dose: float = 0.5, weight: float = 70.0, model: str = "clements1981") -> pharmacokinetics.PKCurve:
    kw = {"infusion_min": 40.0} if route == "iv_infusion" else {}
    return pharmacokinetics.simulate(route, dose, weight, model=model, t_end_min=360.0, n_points=361, **kw)


def lines(d: Described) -> list:
    return [t for t in d.figure.data if t.mode == "lines" and t.showlegend is not False]


def peaks(d: Described) -> list:
    return [t for t in d.figure.data if t.mode == "markers"]


def test_one_line_and_one_peak_marker_per_route_with_model_values():
    curves = [sim(r) for r in ROUTES]
    d = concentration.concentration_figure(curves)
    assert isinstance(d, Described)
    assert [t.name for t in lines(d)] == [concentration.ROUTE_STYLE[r]["short"] for r in ROUTES]
    for c, line, peak in zip(curves, lines(d), peaks(d)):
        np.testing.assert_allclose(line.y, c.conc_ng_ml, atol=0.006)
        np.testing.assert_allclose(line.customdata, pharmacokinetics.to_micromolar(c.conc_ng_ml), atol=6e-5)
        assert peak.x[0] == pytest.approx(c.tmax_min)
        assert peak.y[0] == pytest.approx(c.cmax_ng_ml)
        assert line.line.color == concentration.ROUTE_STYLE[c.route]["color"]
    # every route looks different without colour too
    assert len({concentration.ROUTE_STYLE[r]["dash"] for r in ("iv_bolus", "iv_infusion", "intranasal", "sublingual",
                                                     "oral")}) == 5


def test_description_states_each_peak_and_the_ranges_reached():
    curves = [sim("iv_bolus"), sim("oral")]
    d = concentration.concentration_figure(curves)
    bolus, oral = curves
    assert f"IV bolus: peak {concentration.fmt_conc(bolus.cmax_ng_ml)} at {bolus.tmax_min:.0f} min" in d.description
    assert f"Oral: peak {concentration.fmt_conc(oral.cmax_ng_ml)} at {oral.tmax_min:.0f} min" in d.description
    assert "35 mg ketamine base" in d.description  # 0.5 mg/kg x 70 kg
    assert "Clements & Nimmo 1981" in d.description
    # 285 ng/mL after a 0.5 mg/kg bolus reaches the analgesic and dissociative ranges; oral does not
    assert bolus.cmax_ng_ml > pharmacokinetics.PLASMA_RANGES["dissociative"].low > oral.cmax_ng_ml
    assert "dissociative range (100–250 ng/mL): IV bolus." in d.description


def test_bands_are_the_published_plasma_ranges():
    d = concentration.concentration_figure([sim("im")])
    rects = [(s.y0, s.y1) for s in d.figure.layout.shapes]
    assert rects == [(r.low, r.high) for r in pharmacokinetics.PLASMA_RANGES.values()]
    labels = [t.text[0] for t in d.figure.data if t.mode == "text"]
    assert labels == ["Analgesic 70–160", "Dissociative 100–250", "Anaesthetic 1200–2400"]


def test_micromolar_axis_is_aligned_with_the_ng_ml_axis():
    d = concentration.concentration_figure([sim("iv_bolus")])
    y, y2 = d.figure.layout.yaxis, d.figure.layout.yaxis2
    assert y2.overlaying == "y" and y2.side == "right" and y2.title.text == "µM"
    assert y2.range[1] == pytest.approx(y.range[1] / pharmacokinetics.P.MW_BASE.value)
    assert y.range[1] >= sim("iv_bolus").cmax_ng_ml


def test_linear_view_says_when_the_anaesthetic_range_is_off_scale_and_log_view_shows_it():
    linear = concentration.concentration_figure([sim("im")])
    assert any("off scale: anaesthetic 1200–2400" in a.text for a in linear.figure.layout.annotations)
    log = concentration.concentration_figure([sim("im")], log_y=True)
    assert log.figure.layout.yaxis.type == "log"
    assert 10 ** log.figure.layout.yaxis.range[1] > pharmacokinetics.PLASMA_RANGES["anaesthetic"].high
    assert not log.figure.layout.annotations
    y, y2 = log.figure.layout.yaxis.range, log.figure.layout.yaxis2.range
    assert y[0] - y2[0] == pytest.approx(math.log10(pharmacokinetics.P.MW_BASE.value))
    # log axes drop the zero at t=0 instead of drawing a cliff
    assert min(lines(log)[0].y) > 0


def test_high_doses_raise_the_axis_and_remove_the_off_scale_note():
    d = concentration.concentration_figure([sim("iv_bolus", dose=4.5)])
    assert d.figure.layout.yaxis.range[1] >= sim("iv_bolus", dose=4.5).cmax_ng_ml
    assert not d.figure.layout.annotations


def test_no_curves_draws_only_the_bands():
    d = concentration.concentration_figure([], t_end_min=240)
    assert not lines(d)
    assert d.figure.layout.xaxis.range[1] == 240
    assert d.description.startswith("No route selected")


def test_curves_from_two_models_are_refused():
    with pytest.raises(ValueError, match="one model"):
        concentration.concentration_figure([sim("im"), sim("im", model="domino1984")])


def test_table_lists_bioavailability_published_and_model_peaks():
    curves = [sim(r) for r in ROUTES]
    html = concentration.route_table_html(curves)
    assert html.count("<tr>") == len(ROUTES) + 1
    for text in ("93%", "45%", "29%", "20%", "14–23 min", "20–30 min", "≈45 min", "≈60 min", "end of infusion"):
        assert text in html
    for c in curves:
        assert concentration.fmt_conc(c.cmax_ng_ml) in html
        assert f"model {c.tmax_min:.0f} min" in html


def test_fmt_conc_gives_both_units():
    assert concentration.fmt_conc(237.73) == "238 ng/mL (1.00 µM)"
    assert concentration.fmt_conc(5.0) == "5.0 ng/mL (0.02 µM)"


@settings(max_examples=25, deadline=None)
@given(route=st.sampled_from(ROUTES), dose=st.floats(0.1, 5.0), model=st.sampled_from(sorted(pharmacokinetics.MODELS)),
       log_y=st.booleans())
def test_every_peak_is_inside_the_view(route, dose, model, log_y):
    c = sim(route, dose=dose, model=model)
    d = concentration.concentration_figure([c], log_y=log_y)
    top = d.figure.layout.yaxis.range[1]
    assert (10 ** top if log_y else top) >= c.cmax_ng_ml
    assert concentration.fmt_conc(c.cmax_ng_ml) in d.description
