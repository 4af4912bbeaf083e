"""Browser test harness: one course server per session, headless Chromium driven by Playwright.

The server is started exactly as learners get it (``python -m katlearn serve``); its log is kept so
a page check can fail on any ERROR the server logged while that page was open.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.helpers import CoursePage, Server
from tests.chromium import LAUNCH_ARGS, ChromiumNotFound, find_chromium
from tests.plugin import scratch_dir

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Every server started in this run, so a failing test can keep their logs (the scratch folder that
# holds them is deleted when the run ends).
_STARTED: list[Server] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(*extra: str, log_name: str = "server.log", env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log_path = scratch_dir() / log_name
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "katlearn", "serve", "--port", str(port), *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=None if env is None else {**os.environ, **env},
    )
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"katlearn serve exited with {proc.returncode}:\n{log_path.read_text()}")
        try:
            urllib.request.urlopen(base + "voila/render/00_start_here.ipynb", timeout=30).close()
            break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError(f"katlearn serve did not answer within 90 s:\n{log_path.read_text()}")
    srv = Server(base_url=base, process=proc, log_path=log_path)
    _STARTED.append(srv)
    return srv


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test keeps the log of every server started so far, and the page it had open,
    in ``test-artifacts/``."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{item.name}-{report.when}")
    kept = []
    for srv in _STARTED:
        if srv.log_path.exists():
            dest = ARTIFACTS / f"{stem}-{srv.log_path.name}"
            shutil.copyfile(srv.log_path, dest)
            kept.append(str(dest))
    for value in getattr(item, "funcargs", {}).values():  # the page as the browser had it, when it still is open
        if isinstance(value, CoursePage) and not value.page.is_closed():
            dest = ARTIFACTS / f"{stem}-page.html"
            try:
                dest.write_text(value.page.content(), encoding="utf-8")
                kept.append(str(dest))
            except Exception as exc:  # noqa: BLE001 - a page that cannot be read must not hide the failure
                kept.append(f"(page not kept: {exc})")
    if kept:
        report.sections.append(("kept for the failure", "\n".join(kept)))


@pytest.fixture(scope="session")
def server():
    srv = start_server()
    yield srv
    srv.stop()


# Package scope, not session: Playwright's sync API keeps an event loop running in the main thread
# while it is open, and the unit tests that run after the browser tests start event loops of their own.
@pytest.fixture(scope="package")
def chromium():
    from playwright.sync_api import sync_playwright

    try:
        exe = find_chromium()
    except ChromiumNotFound as exc:
        pytest.fail(str(exc))
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def course(chromium, server, request):
    """A fresh browser context at laptop size; ``course.open(notebook)`` checks the page."""
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    cp = CoursePage(page=page, server=server, artifacts=ARTIFACTS, test_name=request.node.name)
    yield cp
    ctx.close()
