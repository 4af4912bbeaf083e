"""The BDNF/mTOR cascade figure: log time axis, curves from the model, cited findings marked."""

import numpy as np
import pytest

from katlearn import content
from katlearn.figures import spine_timeline
from katlearn.science import synaptogenesis


@pytest.fixture(scope="module")
def result():
    return synaptogenesis.after_infusion(n_points=2017)


@pytest.fixture(scope="module")
def blocked():
    return synaptogenesis.after_infusion(n_points=2017, block="mtor")


def _trace(fig, name):
    matches = [t for t in fig.data if t.name == name]
    assert matches, f"no trace {name!r}; have {[t.name for t in fig.data]}"
    return matches[0]


def test_stage_curves_are_the_model_output(result):
    """The drawn curves are the model's, at points evenly spaced on the log time axis."""
    d = spine_timeline.cascade_figure(result, citations=content.short_citations())
    keep = result.t_h >= spine_timeline.T_MIN_H
    for stage, style in spine_timeline.STAGE_STYLE.items():
        tr = _trace(d.figure, style["label"])
        x = np.asarray(tr.x)
        assert len(x) == spine_timeline.DRAWN_POINTS
        assert x[0] == pytest.approx(result.t_h[keep][0], rel=1e-3) and x[-1] == pytest.approx(result.t_h[-1], rel=1e-3)
        np.testing.assert_allclose(np.diff(np.log10(x)), np.log10(x[-1] / x[0]) / (len(x) - 1), rtol=0.02)
        model = np.interp(x, result.t_h, getattr(result, stage)) * 100
        np.testing.assert_allclose(tr.y, model, atol=0.006)
        # the model's own peak is not lost between drawn points
        assert max(tr.y) == pytest.approx(getattr(result, stage).max() * 100, abs=1.0)
    assert len(d.to_json()) < 100_000, "the figure is redrawn over the websocket: keep its JSON small"
    assert d.figure.layout.xaxis.type == "log"
    assert list(d.figure.layout.xaxis.ticktext)[:3] == ["10 min", "1 h", "6 h"]


def test_cited_windows_are_marked(result):
    d = spine_timeline.cascade_figure(result, citations=content.short_citations())
    rects = [(s.x0, s.x1) for s in d.figure.layout.shapes if s.type == "rect"]
    assert (3.0, 6.0) in rects and (12.0, 24.0) in rects  # Moda-Sava 2019: not at 3-6 h, at 12-24 h
    bar = _trace(d.figure, "Density raised (Phoumthipphavong et al. 2016)")
    assert bar.x[-1] == pytest.approx(14 * 24)
    hovers = " ".join(str(t.hovertemplate) for t in d.figure.data)
    for cite in ("Maeng et al. 2008", "Autry et al. 2011", "Li et al. 2010", "Moghaddam et al. 1997"):
        assert cite in hovers


def test_description_gives_peaks_and_the_12_to_24_h_window(result):
    d = spine_timeline.cascade_figure(result, citations=content.short_citations())
    i = int(np.argmax(result.formation_rate))
    assert f"spine formation rate at {spine_timeline.fmt_time_h(float(result.t_h[i]))}" in d.description
    assert f"{result.at('formation_rate', 6.0) * 100:.0f}% of its peak at 6 h" in d.description
    assert "Moda-Sava et al. 2019" in d.description
    # the model respects the cited timing: formation flat at 3-6 h, high at 12-24 h
    assert result.at("formation_rate", 6.0) < 0.1
    assert max(result.at("formation_rate", t) for t in (12, 18, 24)) > 0.5


def test_blocked_run_draws_the_reference_faintly_and_says_what_is_flat(result, blocked):
    d = spine_timeline.cascade_figure(blocked, result, content.short_citations())
    faint = [t for t in d.figure.data if t.name and t.name.endswith("without blocker")]
    assert {t.name for t in faint} == {"Spine formation rate without blocker", "Extra spines without blocker"}
    assert "mTOR blocked (rapamycin)" in d.description
    assert "Flat (blocked): spine formation rate, extra spines" in d.description


def test_findings_html_lists_every_finding_with_a_reference_link():
    html = spine_timeline.findings_html(content.short_citations())
    for f in synaptogenesis.FINDINGS:
        assert f'href="#ref-{f.ref}"' in html
    assert html.count("<li>") == len(synaptogenesis.FINDINGS)


@pytest.mark.parametrize("t_h, text", [(0.5, "30 min"), (5.0, "5.0 h"), (16.0, "16 h"), (72.0, "3.0 days"),
                                       (336.0, "14 days")])
def test_fmt_time(t_h, text):
    assert spine_timeline.fmt_time_h(t_h) == text
