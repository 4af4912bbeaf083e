"""katlearn.classroom LRS settings: endpoint, credentials, --since, statements files, remembered sends,
and the command line's refusals. (Sending itself is tested against a real LRS in tests/lrs.)"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone

import pytest

from katlearn import classroom, cli


@pytest.fixture(autouse=True)
def no_lrs_env(monkeypatch, tmp_path):
    for var in (classroom.LRS_URL_ENV, classroom.LRS_USER_ENV, classroom.LRS_PASSWORD_ENV,
                classroom.LRS_AUTH_FILE_ENV):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KATLEARN_DB", str(tmp_path / "db" / "progress.sqlite"))


@pytest.mark.parametrize(("given", "url"), [
    ("https://lrs.example.org/xAPI/", "https://lrs.example.org/xAPI/statements"),
    ("https://lrs.example.org/xAPI", "https://lrs.example.org/xAPI/statements"),
    ("http://127.0.0.1:8080/data/xAPI/statements", "http://127.0.0.1:8080/data/xAPI/statements"),
    (" https://lrs.example.org/ ", "https://lrs.example.org/statements"),
])
def test_statements_url_accepts_the_endpoint_or_the_statements_resource(given, url):
    assert classroom.statements_url(given) == url


@pytest.mark.parametrize("bad", ["lrs.example.org/xAPI", "ftp://lrs.example.org/", "https://lrs.example.org/x?a=1"])
def test_statements_url_refuses_what_is_not_an_endpoint(bad):
    with pytest.raises(classroom.LrsError, match="LRS"):
        classroom.statements_url(bad)


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_credentials_from_the_environment(monkeypatch):
    with pytest.raises(classroom.LrsError, match="KATLEARN_LRS_USER and KATLEARN_LRS_PASSWORD"):
        classroom.lrs_authorization()
    monkeypatch.setenv(classroom.LRS_USER_ENV, "key")
    monkeypatch.setenv(classroom.LRS_PASSWORD_ENV, "s:cr=t")
    assert classroom.lrs_authorization() == _basic("key", "s:cr=t")


def test_credentials_from_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv(classroom.LRS_USER_ENV, "env-user")
    monkeypatch.setenv(classroom.LRS_PASSWORD_ENV, "env-password")
    path = tmp_path / "auth"
    path.write_text("# from the LRS's client page\n\nkey:secret:with:colons\n")
    assert classroom.lrs_authorization(path) == _basic("key", "secret:with:colons")  # the file wins
    path.write_text("Authorization: Bearer abc.def\n")
    assert classroom.lrs_authorization(path) == "Bearer abc.def"
    monkeypatch.setenv(classroom.LRS_AUTH_FILE_ENV, str(path))
    assert classroom.lrs_authorization() == "Bearer abc.def"
    path.write_text("just-a-password\n")
    with pytest.raises(classroom.LrsError, match=rf"{path}:1: expected 'user:password'"):
        classroom.lrs_authorization(path)
    with pytest.raises(classroom.LrsError, match="cannot read the LRS auth file"):
        classroom.lrs_authorization(tmp_path / "missing")


def test_configured_lrs_comes_from_the_environment(monkeypatch):
    assert classroom.configured_lrs() is None
    monkeypatch.setenv(classroom.LRS_URL_ENV, "https://lrs.example.org/xAPI/")
    with pytest.raises(classroom.LrsError, match="no LRS credentials"):
        classroom.configured_lrs()
    monkeypatch.setenv(classroom.LRS_USER_ENV, "k")
    monkeypatch.setenv(classroom.LRS_PASSWORD_ENV, "s")
    lrs = classroom.configured_lrs()
    assert lrs.statements_url == "https://lrs.example.org/xAPI/statements" and lrs.authorization == _basic("k", "s")
    assert "Basic" not in repr(lrs)  # credentials never end up in a log line


def test_since_is_last_or_an_iso_time():
    assert classroom.parse_since("last") == "last"
    assert classroom.parse_since("2026-03-01") == datetime(2026, 3, 1, tzinfo=timezone.utc).timestamp()
    assert classroom.parse_since("2026-03-01T09:00:00Z") == datetime(2026, 3, 1, 9, tzinfo=timezone.utc).timestamp()
    assert classroom.parse_since("2026-03-01T11:00:00+02:00") == classroom.parse_since("2026-03-01T09:00Z")
    with pytest.raises(classroom.LrsError, match="--since 'yesterday'"):
        classroom.parse_since("yesterday")


def test_statements_files_round_trip_and_bad_ones_are_named(tmp_path):
    statements = [{"id": "5f0e…", "timestamp": "2026-01-01T00:00:00.000Z", "verb": {"id": "x"}}]
    path = classroom.write_statements(statements, tmp_path / "s.json")
    assert classroom.read_statements(path) == statements
    path.write_text("[\n{\"id\": 1,\n")
    with pytest.raises(classroom.LrsError, match=rf"{path}:3: not JSON"):
        classroom.read_statements(path)
    path.write_text(json.dumps({"statements": []}))
    with pytest.raises(classroom.LrsError, match="expected a JSON array"):
        classroom.read_statements(path)
    path.write_text(json.dumps([{"timestamp": "2026-01-01T00:00:00Z"}]))
    with pytest.raises(classroom.LrsError, match="statement 1: not an xAPI statement"):
        classroom.read_statements(path)


def test_the_last_send_is_remembered_per_lrs(tmp_path):
    from katlearn.classroom import _lrs

    one = classroom.Lrs("https://a.example.org/xAPI/statements", "x")
    two = classroom.Lrs("https://b.example.org/xAPI/statements", "x")
    assert classroom.last_send(one) is None
    _lrs.remember_send(one, 1000.5, 3)
    _lrs.remember_send(two, 2000.0, 4)
    assert classroom.last_send(one) == 1000.5 and classroom.last_send(two) == 2000.0
    assert _lrs.state_path() == tmp_path / "db" / "lrs-sends.json"
    assert "https://a.example.org/xAPI/" in json.loads(_lrs.state_path().read_text())


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "csv", "-o", "x.csv", "--since", "last"], "--since: only with --lrs URL"),
    (["--format", "csv", "--lrs", "https://lrs.example.org/xAPI/"], "use --format xapi"),
    (["--format", "xapi"], "give -o FILE (or, with --format xapi, --lrs URL)"),
    (["--format", "xapi", "--lrs", "https://lrs.example.org/xAPI/", "--from-file", "f.json", "--since", "last"],
     "--from-file sends exactly the statements in the file"),
    (["--format", "xapi", "--lrs", "https://lrs.example.org/xAPI/"], "no LRS credentials"),
    (["--format", "xapi", "--lrs", "lrs.example.org"], "must be an http(s) URL"),
])
def test_the_command_line_refuses_what_cannot_work(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["progress-export", *args]) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_no_password_option_exists():
    """Credentials never go on the command line (they would show in ps and shell history)."""
    options = {o for a in cli.build_parser()._subparsers._group_actions[0].choices["progress-export"]._actions
               for o in a.option_strings}
    assert "--lrs-auth-file" in options
    assert not any("password" in o or "secret" in o or o == "--lrs-user" for o in options)


def test_an_unreadable_store_sends_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(classroom.LRS_USER_ENV, "k")
    monkeypatch.setenv(classroom.LRS_PASSWORD_ENV, "s")
    bad = tmp_path / "BAD.sqlite"
    bad.write_bytes(b"not a database" * 200)
    code = cli.main(["progress-export", "--format", "xapi", "--lrs", "http://127.0.0.1:9/xAPI/", "--store", str(bad),
                     "--iri-base", "https://learn.example.org/k", "--home-page", "https://hub.example.org/"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"nothing exported: 1 store could not be read ({bad})" in err and "not sent" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BAD.sqlite"]
