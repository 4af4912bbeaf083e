"""A real Learning Record Store on loopback for tests: Learning Locker's open-source statements
service (npm ``xapi-statements``) with its in-memory store.

The service: ``$KATLEARN_LRS_SERVER`` (its ``dist/server.js``), else ``<venv>/katlearn-lrs`` (where
``make test`` installs it), else installed there (or in a temp folder) with npm. If it cannot be
found, installed or started, :class:`LrsUnavailable` says why and the tests fail: they never skip.

It runs with ``AUTH_REPO=test``, the service's test authentication: every Authorization header is
accepted as one client except the header value ``Basic missing_token``, which is refused with 401
(:data:`REFUSED_AUTHORIZATION`). Everything else (validation, conflicts, storage, the statements
API) is the service's production code.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PACKAGE = "xapi-statements@5.0.1"
START_TIMEOUT_S = 60
USER, PASSWORD = "katlearn-test-key", "katlearn-test-secret"
REFUSED_AUTHORIZATION = "Basic missing_token"


class LrsUnavailable(RuntimeError):
    """The LRS could not be installed or started; the message says what to do."""


def _server_js(prefix: Path) -> Path:
    return prefix / "node_modules" / "xapi-statements" / "dist" / "server.js"


def find_server() -> Path:
    """The service's ``server.js``, installing the npm package if needed."""
    env = os.environ.get("KATLEARN_LRS_SERVER")
    if env:
        if Path(env).is_file():
            return Path(env)
        raise LrsUnavailable(f"KATLEARN_LRS_SERVER={env!r} is not a file")
    if not shutil.which("node"):
        raise LrsUnavailable("the LRS tests need Node.js to run the xapi-statements LRS "
                             "(Debian: apt-get install nodejs npm; then make test)")
    prefixes = (Path(sys.prefix) / "katlearn-lrs", Path(tempfile.gettempdir()) / "katlearn-lrs")
    for prefix in prefixes:
        if _server_js(prefix).is_file():
            return _server_js(prefix)
    npm = shutil.which("npm")
    if not npm:
        raise LrsUnavailable("xapi-statements is not installed and there is no npm to install it "
                             "(apt-get install npm, or run make test)")
    output = ""
    for prefix in prefixes:
        try:
            prefix.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        done = subprocess.run([npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--loglevel=error",
                               PACKAGE], capture_output=True, text=True, timeout=600)
        output = (done.stderr or done.stdout)[-500:]
        if done.returncode == 0 and _server_js(prefix).is_file():
            return _server_js(prefix)
    raise LrsUnavailable(f"npm could not install {PACKAGE}: {output}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalLrs:
    """One running LRS; ``endpoint`` is its xAPI endpoint (``…/xAPI/``)."""

    process: subprocess.Popen
    port: int
    folder: Path

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def request(self, path: str, authorization: str | None = None) -> tuple[int, Any]:
        auth = authorization or "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        req = urllib.request.Request(self.endpoint + path, headers={
            "Authorization": auth, "X-Experience-API-Version": "1.0.3"})
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def statements(self) -> list[dict[str, Any]]:
        """Every statement the LRS holds, read through ``GET /statements`` (following ``more``).

        One large page is asked for: xapi-statements' in-memory store sorts a page by ``stored``
        time but its ``more`` cursor compares random ids, so following ``more`` there can skip or
        repeat statements. ralph caps the page and pages correctly."""
        out: list[dict[str, Any]] = []
        path = "statements?limit=10000"
        for _ in range(1000):
            status, body = self.request(path)
            assert status == 200, (status, body)
            out += body["statements"]
            more = body.get("more") or ""
            if not more:
                return out
            path = more.split("/xAPI/", 1)[1] if "/xAPI/" in more else more.lstrip("/")
        raise AssertionError("GET /statements never ended")

    def wait_ready(self, probe: str, name: str) -> LocalLrs:
        """Wait until ``GET probe`` answers 200 (returns self); stop it and raise LrsUnavailable if
        it exits or does not answer within START_TIMEOUT_S."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                text = (self.folder / "lrs.log").read_text(errors="replace")[-1500:]
                self.stop()
                raise LrsUnavailable(f"{name} exited with {self.process.returncode} at start:\n{text}")
            try:
                if self.request(probe)[0] == 200:
                    return self
            except (OSError, ValueError):  # json.JSONDecodeError is a ValueError
                pass
            time.sleep(0.2)
        self.stop()
        raise LrsUnavailable(f"{name} did not answer on port {self.port} within {START_TIMEOUT_S} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> LocalLrs:
    """Start a fresh, empty LRS on a free loopback port and wait until it answers."""
    server = find_server()
    folder = Path(tempfile.mkdtemp(prefix="katlearn-lrs-"))
    port = free_port()
    env = dict(os.environ, AUTH_REPO="test", EVENTS_REPO="test", MODELS_REPO="memory", STORAGE_REPO="memory",
               EXPRESS_PORT=str(port), WINSTON_CONSOLE_LEVEL="error", EXPRESS_MORGAN_DIRECTORY=str(folder / "logs"),
               FS_LOCAL_STORAGE_DIR=str(folder / "storage"))
    log = open(folder / "lrs.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(["node", str(server)], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    return LocalLrs(process, port, folder).wait_ready("about", f"the LRS ({server})")


def write_learner_store(folder: Path, learner: str, rows: list[tuple[str, Any, Any, float]]) -> None:
    """(module, question, answer, ts) rows into ``folder/<learner>/progress.sqlite``."""
    from katlearn import content, learning

    os.environ["KATLEARN_DB"] = str(folder / learner / "progress.sqlite")
    learning.close()
    banks = content.load_banks()
    for module, qid, answer, ts in rows:
        r = learning.grade(banks[module].question(qid), answer)
        learning.record_attempt(learner, module, qid, answer, r.correct, r.score, ts=ts)
    learning.close()
