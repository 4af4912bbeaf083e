"""katlearn.science.clinical: curves pass through their anchors; trial table matches the sources."""

from __future__ import annotations

import numpy as np
import pytest

from katlearn.science import clinical as cl
from katlearn.science import params as P


def test_response_curves_pass_through_murrough_anchors():
    tr = cl.response_trajectories(np.array([1.0, 7.0]))
    assert tr["ketamine"].value.tolist() == pytest.approx([63.8, 45.7])
    assert tr["midazolam"].value.tolist() == pytest.approx([28.0, 18.2])
    for arm in ("ketamine", "midazolam"):
        assert any(a.value is not None for a in tr[arm].anchors)
        for a in tr[arm].anchors:
            if a.value is not None:
                at_anchor = cl.response_trajectories(np.array([a.day]))[arm].value[0]
                assert at_anchor == pytest.approx(a.value)
                assert a.ref == "murrough2013"


def test_ketamine_onset_within_hours_peak_at_day_one():
    d = np.array([0.0, 40 / 1440, 2 / 24, 0.5, 1.0, 2.0])
    k = cl.response_trajectories(d)["ketamine"].value
    m = cl.response_trajectories(d)["midazolam"].value
    assert k[0] == 0
    assert k[1] > m[1] and k[2] > m[2]  # better than placebo from 40 min (Kishimoto), within 2 h (Zarate)
    assert np.argmax(k) == 4  # peak at day 1


def test_ketamine_advantage_gone_by_days_10_to_12():
    tr = cl.response_trajectories(np.array([7.0, P.KISHIMOTO_LOSS.high, 20.0]))
    diff = tr["ketamine"].value - tr["midazolam"].value
    assert diff[0] > 20
    assert abs(diff[1]) < 0.5 and abs(diff[2]) < 0.5


def test_onset_comparison_contrasts_hours_with_weeks():
    """Oral curve anchored on Taylor et al. 2006 (28 placebo-controlled SSRI trials): ahead of placebo by the end
    of week 1 and still improving at week 6, the last week analysed."""
    assert (P.SSRI_ONSET_WEEKS.low, P.SSRI_ONSET_WEEKS.high, P.SSRI_ONSET_WEEKS.ref) == (1.0, 6.0, "taylor2006")
    oc = cl.onset_comparison(np.array([1.0, 7.0, 24.5, 28.0, 42.0, 60.0]))
    ket, oral = oc["ketamine"].value, oc["oral_antidepressant"].value
    assert ket[0] == pytest.approx(1.0) and oral[0] < 0.1
    assert oral[1] == pytest.approx(0.1, abs=1e-9) and oral[4] == pytest.approx(0.9, abs=1e-9)
    assert ket[3] == 0 and oral[2] == pytest.approx(0.5)
    assert np.all(oc["placebo"].value == 0)


def test_all_curves_labelled_approximate_with_metric():
    for t in [*cl.response_trajectories().values(), *cl.onset_comparison().values()]:
        assert t.approximate and t.metric and t.label
        assert np.all(np.isfinite(t.value)) and np.all(t.value >= 0)


def test_trial_table_values():
    rows = {r.trial: r for r in cl.TRIALS}
    m = rows["Murrough 2013"]
    assert (m.n, m.ref) == (73, "murrough2013")
    assert m.response_24h_pct == (63.8, 28.0) and m.response_day7_pct == (45.7, 18.2)
    h = rows["Han 2016 (meta-analysis)"]
    assert h.response_24h_pct[0] == 52.2 and h.remission_24h_pct[0] == 20.6 and h.n == 368
    assert rows["Berman 2000"].n == 7
    assert all(r.ref for r in cl.TRIALS)


def test_star_d_remission():
    assert [p.value for p in cl.STAR_D_REMISSION_BY_STEP] == [36.8, 30.6, 13.7, 13.0]


def test_days_validation():
    with pytest.raises(ValueError, match="days"):
        cl.response_trajectories(np.array([-1.0]))


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_pchip_is_scipys_pchip(n):
    from scipy.interpolate import PchipInterpolator  # the reference; pages never import it

    rng = np.random.default_rng(n)
    for trial in range(100):
        xk = np.cumsum(rng.uniform(0.1, 20.0, n))
        yk = rng.normal(size=n) * (rng.random(n) < 0.7) if trial % 3 else np.sort(rng.normal(size=n))
        x = np.linspace(xk[0], xk[-1], 301)
        np.testing.assert_allclose(cl.pchip(xk, yk, x), PchipInterpolator(xk, yk)(x), rtol=1e-12, atol=1e-12)
