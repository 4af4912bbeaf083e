"""Numbers computed once by ``python -m katlearn fit-constants`` and stored with their inputs: the
absorption rates (pk_fitted.json) are re-fitted here and the circuit transients re-integrated from
today's parameters; a stored table whose inputs no longer match is refused (ka, with a message that
says what to run) or bypassed (a transient with other inputs is integrated)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from katlearn.science import _precompute, pharmacokinetics
from katlearn.science import params as P


def test_the_stored_rates_are_what_the_fit_gives_today():
    fresh = _precompute.fit_absorption_rates()
    stored = json.loads(pharmacokinetics.FITTED_STORE.read_text(encoding="utf-8"))
    assert stored["method"] == fresh["method"]
    assert len(stored["entries"]) == len(fresh["entries"]) == len(pharmacokinetics.KA_PER_MIN) > 0
    by_pair = {(e["model"], e["route"]): e for e in stored["entries"]}
    for entry in fresh["entries"]:
        kept = by_pair[(entry["model"], entry["route"])]
        assert {k: v for k, v in kept.items() if k != "ka_per_min"} == \
            {k: v for k, v in entry.items() if k != "ka_per_min"}
        assert kept["ka_per_min"] == pytest.approx(entry["ka_per_min"], rel=1e-9), \
            "stale pk_fitted.json: run python -m katlearn fit-constants"


def test_each_stored_rate_puts_the_peak_at_the_published_tmax():
    for (model, route), ka in pharmacokinetics.KA_PER_MIN.items():
        assert _precompute.peak_time_min(model, ka) == pytest.approx(pharmacokinetics.ROUTES[route].tmax_target_min, abs=1e-4)
        assert pharmacokinetics.simulate(route, 0.5, model=model, n_points=2000).tmax_min == \
            pytest.approx(pharmacokinetics.ROUTES[route].tmax_target_min, abs=0.01)


def test_a_stale_table_is_refused_naming_the_input_and_the_command(tmp_path):
    data = json.loads(pharmacokinetics.FITTED_STORE.read_text(encoding="utf-8"))
    data["entries"][0]["tmax_target_min"] += 1.0
    path = tmp_path / "pk_fitted.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    entry = data["entries"][0]
    with pytest.raises(RuntimeError, match=rf"{entry['model']}/{entry['route']}: tmax_target_min .*fit-constants"):
        pharmacokinetics._load_fitted(path)
    data["entries"][0]["disposition"]["k10_per_min"] = 1.0
    del data["entries"][1]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RuntimeError, match="no fitted ka|tmax_target_min"):
        pharmacokinetics._load_fitted(path)
    path.write_text("{", encoding="utf-8")
    with pytest.raises(RuntimeError, match="could not be read"):
        pharmacokinetics._load_fitted(path)


def test_the_maintainer_command_writes_the_table(tmp_path, capsys):
    from katlearn import cli

    out = tmp_path / "fitted.json"
    assert cli.main(["fit-constants", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert pharmacokinetics._load_fitted(out) == pharmacokinetics.KA_PER_MIN


def test_stored_circuit_transients_are_what_integration_gives_today():
    from katlearn.science import disinhibition
    from katlearn.widgets.circuit import LEVELS_UM

    stored = disinhibition._transient_store()
    assert {e["inputs"]["conc_uM"] for e in stored} == {float(c) for c in LEVELS_UM}, \
        "the explorer offers a level that is not stored: run python -m katlearn fit-constants"
    for entry in stored:
        c = entry["inputs"]["conc_uM"]
        fresh = disinhibition.integrate_transient(c)
        kept = disinhibition.transient(c)
        assert kept.e_rate.tolist() == entry["e_rate"]  # the stored one is what transient() gives
        np.testing.assert_allclose(kept.e_rate, fresh.e_rate, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(kept.i_rate, fresh.i_rate, rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(kept.t_ms, fresh.t_ms)


def test_a_transient_with_other_inputs_is_integrated_not_taken_from_the_store():
    from katlearn.science import disinhibition

    changed = dataclasses.replace(disinhibition.DEFAULT, w_ee=P.Assumption(0.45, "1", "test"))
    for kwargs in ({"params": changed}, {"n_points": 201}, {"t_end_ms": 150.0}):
        got = disinhibition.transient(1.0, **kwargs)
        want = disinhibition.integrate_transient(1.0, **kwargs)
        np.testing.assert_array_equal(got.e_rate, want.e_rate)
    assert disinhibition.transient(1.0, params=changed).e_rate[-1] != disinhibition.transient(1.0).e_rate[-1]
