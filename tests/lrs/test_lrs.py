"""``progress-export --format xapi --lrs URL`` against a real LRS started on loopback.

The class is written with the progress store's own API from the course's real quiz banks, in the
per-learner folder layout a hub uses; statements are read back through the LRS's ``GET
/statements``. If the LRS cannot be installed or started, every test here fails (it never skips):
``tests/lrs/lrs.py`` says how to fix it.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

from katlearn import classroom, cli, content
from tests.lrs import lrs as local


def _export(folder: Path, *extra: str) -> int:
    return cli.main(["progress-export", "--format", "xapi", "--store", str(folder), *extra])


def _exported(folder: Path, tmp: Path) -> list[dict[str, Any]]:
    out = tmp / "all.json"
    assert _export(folder, "-o", str(out)) == 0
    return json.loads(out.read_text())


def _same(sent: dict[str, Any], stored: dict[str, Any]) -> None:
    """The LRS keeps what was sent; it adds stored/authority/version and may re-spell the timestamp."""
    for key in ("id", "actor", "verb", "object", "result", "context"):
        assert stored[key] == sent[key], key
    when = [datetime.fromisoformat(s["timestamp"].replace("Z", "+00:00")) for s in (sent, stored)]
    assert when[0] == when[1]


def test_the_class_arrives_whole_and_a_second_send_duplicates_nothing(lrs, klass, env, capsys):
    statements = _exported(klass, env)
    assert len(statements) > 200
    assert _export(klass, "--lrs", lrs.endpoint, "--batch-size", "20") == 0
    out = capsys.readouterr()
    assert f"sent {len(statements)} of {len(statements)} statements of 3 learners" in out.out
    assert "progress-export:" not in out.err
    stored = {s["id"]: s for s in lrs.statements()}
    assert set(stored) == {s["id"] for s in statements}
    for s in statements:
        _same(s, stored[s["id"]])
    assert _export(klass, "--lrs", lrs.endpoint, "--batch-size", "7") == 0  # again, other batches
    again = lrs.statements()
    assert len(again) == len(statements) and {s["id"] for s in again} == set(stored)


def test_a_dropped_lrs_loses_nothing_and_the_rest_is_sent_later(lrs, klass, env, capsys):
    statements = _exported(klass, env)
    arrived: list[str] = []

    def drop_after_second_batch(batch: int, _batches: int) -> None:
        if batch == 2:
            arrived.extend(s["id"] for s in lrs.statements())
            lrs.stop()

    target = classroom.Lrs(classroom.statements_url(lrs.endpoint), classroom.lrs_authorization(), batch_size=10,
                           retries=2, backoff_s=0.05)
    done = classroom.send_statements(statements, target, env, progress=drop_after_second_batch)
    assert len(arrived) == 20 and done.result.sent == 20
    unsent = json.loads(done.unsent_file.read_text())
    assert [s["id"] for s in unsent] == [s["id"] for s in statements if s["id"] not in set(arrived)]
    assert unsent == [s for s in statements if s["id"] not in set(arrived)]
    lines = done.lines()
    assert lines[0].startswith(f"batch 3/{-(-len(statements) // 10)} (statements 21-30) not sent: connection refused")
    assert "could not be reached" in lines[1] and "not tried" in lines[1]
    assert f"--from-file {done.unsent_file}" in lines[-1]

    fresh = local.start()  # an empty LRS: it must end up with exactly the unsent statements
    try:
        assert cli.main(["progress-export", "--format", "xapi", "--lrs", fresh.endpoint,
                         "--from-file", str(done.unsent_file)]) == 0
        assert f"sent {len(unsent)} of {len(unsent)} statements" in capsys.readouterr().out
        assert sorted(s["id"] for s in fresh.statements()) == sorted(s["id"] for s in unsent)
    finally:
        fresh.stop()


def test_an_unreachable_lrs_exits_non_zero_and_names_the_file_with_everything(klass, env, capsys):
    statements = _exported(klass, env)
    url = f"http://127.0.0.1:{local.free_port()}/xAPI/"
    (env / "later").mkdir()
    assert _export(klass, "--lrs", url, "--unsent-dir", str(env / "later")) == 1
    err = capsys.readouterr().err.splitlines()
    batches = -(-len(statements) // classroom.BATCH_SIZE)
    assert err[0].startswith(f"progress-export: batch 1/{batches} (statements 1-50) not sent: "
                             "connection refused after 5 tries")
    named = Path(err[-1].split("written to ", 1)[1].split(";", 1)[0])
    assert named.parent == env / "later"
    assert json.loads(named.read_text()) == statements
    assert classroom.last_send(classroom.Lrs(classroom.statements_url(url), "x")) is None


def test_wrong_credentials_give_one_clear_message(lrs, klass, env, capsys):
    (env / "lrs.auth").write_text(f"# issued by the LRS\nAuthorization: {local.REFUSED_AUTHORIZATION}\n")
    assert _export(klass, "--lrs", lrs.endpoint, "--lrs-auth-file", str(env / "lrs.auth")) == 1
    err = capsys.readouterr().err.splitlines()
    batches = -(-len(_exported(klass, env)) // classroom.BATCH_SIZE)  # the class grows with the quiz banks
    assert err[0].endswith("refused by the LRS: 401 Unauthorized: Unauthorised")
    assert "refused the credentials" in err[1] and f"{batches - 1} more batches not tried" in err[1]
    assert "statements not sent: written to" in err[2]
    assert lrs.statements() == []


def test_since_last_sends_only_what_is_new(lrs, klass, env, capsys):
    assert _export(klass, "--lrs", lrs.endpoint, "--since", "last") == 0
    first = len(lrs.statements())
    capsys.readouterr()
    module = sorted(content.load_banks())[0]
    qid = content.load_bank(module).questions[0].id
    later = datetime.now().timestamp() + 5
    local.write_learner_store(klass, "ben", [(module, qid, 99, later)])  # a new (wrong) answer after the last send
    os.environ["KATLEARN_DB"] = str(env / "educator" / "progress.sqlite")
    assert _export(klass, "--lrs", lrs.endpoint, "--since", "last") == 0
    assert "sent 1 of 1 statements of 3 learners recorded since" in capsys.readouterr().out
    assert len(lrs.statements()) == first + 1
    assert _export(klass, "--lrs", lrs.endpoint, "--since", "2026-01-01T01:00:00Z") == 0  # ben, chidi, the new one
    assert "statements of 3 learners recorded since 2026-01-01T01:00:00Z" in capsys.readouterr().out
    assert len(lrs.statements()) == first + 1


def test_a_batch_the_lrs_refuses_is_reported_and_the_others_are_sent(lrs, klass, env):
    statements = _exported(klass, env)[:6]
    statements[3] = dict(statements[3], verb={"id": "not an IRI"})
    target = classroom.Lrs(classroom.statements_url(lrs.endpoint), classroom.lrs_authorization(), batch_size=2)
    done = classroom.send_statements(statements, target, env)
    assert done.result.sent == 4
    assert [f.line().split(":")[0] for f in done.result.failures] == [
        "batch 2/3 (statements 3-4) refused by the LRS"]
    assert "400 Bad Request" in done.result.failures[0].message and "verb" in done.result.failures[0].message
    assert json.loads(done.unsent_file.read_text()) == statements[2:4]
    assert {s["id"] for s in lrs.statements()} == {s["id"] for s in statements[:2] + statements[4:]}


class _Flaky(http.server.BaseHTTPRequestHandler):
    """In front of the real LRS: answers the first POSTs 503 / 429 / drops them, then passes through."""

    script: list[str] = []
    seen: list[str] = []
    versions: set[str | None] = set()
    upstream = ""

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        what = self.script.pop(0) if self.script else "pass"
        self.seen.append(what)
        self.versions.add(self.headers.get("X-Experience-API-Version"))
        if what == "drop":
            self.connection.close()
            return
        if what == "301":
            self.send_response(301)
            self.send_header("Location", self.upstream)
            self.end_headers()
            return
        if what in ("503", "429"):
            self.send_response(int(what))
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        req = urllib.request.Request(self.upstream, data=body, method="POST", headers={
            k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type",
                                                                 "x-experience-api-version")})
        with urllib.request.urlopen(req, timeout=30) as resp:
            data, status = resp.read(), resp.status
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: Any) -> None:
        pass


def test_429_5xx_and_dropped_connections_are_retried_with_back_off(lrs, klass, env):
    statements = _exported(klass, env)[:30]
    _Flaky.script, _Flaky.seen, _Flaky.versions = ["503", "429", "drop", "pass", "503"], [], set()
    _Flaky.upstream = lrs.endpoint + "statements"
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        target = classroom.Lrs(f"http://127.0.0.1:{proxy.server_port}/xAPI/statements", classroom.lrs_authorization(),
                               batch_size=15, backoff_s=0.01)
        done = classroom.send_statements(statements, target, env)
    finally:
        proxy.shutdown()
    assert done.result.ok and done.result.sent == 30 and done.unsent_file is None
    assert _Flaky.seen == ["503", "429", "drop", "pass", "503", "pass"]
    assert _Flaky.versions == {classroom.XAPI_VERSION}
    assert sorted(s["id"] for s in lrs.statements()) == sorted(s["id"] for s in statements)


def test_a_redirect_is_reported_not_followed(lrs, klass, env):
    """Following a 301 would turn the POST into a GET, which 'succeeds' and stores nothing."""
    statements = _exported(klass, env)[:5]
    _Flaky.script, _Flaky.seen, _Flaky.versions = ["301"], [], set()
    _Flaky.upstream = lrs.endpoint + "statements"
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        target = classroom.Lrs(f"http://127.0.0.1:{proxy.server_port}/xAPI/statements", classroom.lrs_authorization())
        done = classroom.send_statements(statements, target, env)
    finally:
        proxy.shutdown()
    assert done.result.sent == 0 and _Flaky.seen == ["301"]
    assert f"301 Moved Permanently (to {lrs.endpoint}statements: give that URL as --lrs)" in done.lines()[0]
    assert json.loads(done.unsent_file.read_text()) == statements
    assert lrs.statements() == []
