"""The same sender against a second, independent LRS: ralph, whose users are checked for real."""

from __future__ import annotations

import json

import pytest

from katlearn import classroom, cli
from tests.lrs import lrs as local
from tests.lrs import ralph


@pytest.fixture
def ralph_lrs():
    try:
        server = ralph.start()
    except local.LrsUnavailable as exc:
        pytest.fail(f"ralph, the LRS needed by this test, could not start: {exc}")
    yield server
    server.stop()


def _send(klass, endpoint, *extra):
    # ralph's file-system backend takes new statements in one write: one batch
    return cli.main(["progress-export", "--format", "xapi", "--store", str(klass), "--lrs", endpoint,
                     "--batch-size", "1000", *extra])


def test_ralph_stores_the_class_once(ralph_lrs, klass, env, capsys):
    out = env / "all.json"
    assert _send(klass, ralph_lrs.endpoint, "-o", str(out)) == 0
    statements = json.loads(out.read_text())
    assert f"sent {len(statements)} of {len(statements)} statements" in capsys.readouterr().out
    stored = {s["id"]: s for s in ralph_lrs.statements()}
    assert set(stored) == {s["id"] for s in statements}
    for s in statements:
        for key in ("actor", "verb", "object", "result", "context"):
            assert stored[s["id"]][key] == s[key], key
    assert _send(klass, ralph_lrs.endpoint) == 0
    assert len(ralph_lrs.statements()) == len(statements)


def test_ralph_refuses_a_wrong_password_and_the_message_says_so(ralph_lrs, klass, env, capsys, monkeypatch):
    monkeypatch.setenv(classroom.LRS_PASSWORD_ENV, "not-the-secret")
    assert _send(klass, ralph_lrs.endpoint) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith("refused by the LRS: 401 Unauthorized: Invalid authentication credentials")
    assert "the LRS refused the credentials: check its key and secret" in err[1]
    unsent = json.loads(next(env.glob("katlearn-xapi-unsent-*.json")).read_text())
    assert len(unsent) > 200
    assert ralph_lrs.statements() == []
