"""Kernels come and go as pages do: none leaks, none handed to a page is culled under it.

Each test runs its own server (``katlearn serve`` with small cull timeouts from the environment,
see katlearn/server/_options.py) on a one-slider course, so kernels start fast and counts are exact.
Behaviour only: loops are bounded and nothing asserts how fast anything was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from tests.browser.conftest import start_server
from tests.plugin import scratch_dir

REPO = Path(__file__).resolve().parents[2]
PROBE = "00_start_here.ipynb"
CULL_S = 10  # > the few seconds a page takes to connect its widgets once its HTML has arrived

pytestmark = pytest.mark.browser

PROBE_NB = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": "import ipywidgets as widgets\nwidgets.IntSlider(description='probe')"},
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "katlearn": {"order": 0, "title": "Probe", "summary": "One slider.", "minutes": 1},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.fixture(scope="module")
def probe_root():
    root = scratch_dir() / "hygiene-course"
    (root / "notebooks").mkdir(parents=True, exist_ok=True)
    if not (root / "assets").exists():
        (root / "assets").symlink_to(REPO / "assets", target_is_directory=True)
    (root / "notebooks" / PROBE).write_text(json.dumps(PROBE_NB), encoding="utf-8")
    yield root
    shutil.rmtree(root, ignore_errors=True)


@contextmanager
def serve(root: Path, name: str, **env: object):
    """A server for ``root`` with ``KATLEARN_<NAME>`` settings from ``env``."""
    settings = {"KATLEARN_ROOT": str(root), **{f"KATLEARN_{k.upper()}": str(v) for k, v in env.items()}}
    saved = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    try:
        server = start_server(log_name=f"hygiene-{name}.log")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    try:
        yield server
    finally:
        server.stop()


def kernel_status(server, kernel_id: str) -> int:
    try:
        with urllib.request.urlopen(server.url(f"api/kernels/{kernel_id}"), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def live_kernels(server) -> int:
    procs = psutil.Process(server.process.pid).children(recursive=True)
    return sum(1 for p in procs if any("ipykernel" in part for part in _cmdline(p)))


def _cmdline(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def wait_until(predicate, timeout_s: float, step_s: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()


def log_count(server, pattern: str) -> int:
    return len(re.findall(pattern, server.log_since(0)))


def page_kernel_id(page) -> str:
    return page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def open_probe(chromium, server):
    ctx = chromium.new_context()
    page = ctx.new_page()
    page.goto(server.page_url(PROBE), timeout=60_000)
    page.wait_for_selector(".widget-slider", state="visible", timeout=60_000)
    return ctx, page


def test_closing_a_page_shuts_its_kernel_down_and_strangers_cannot(chromium, probe_root):
    with serve(probe_root, "beacon", pool_size=0, prerender=0) as server:
        ctx, page = open_probe(chromium, server)
        kernel_id = page_kernel_id(page)
        assert kernel_status(server, kernel_id) == 200

        # a shutdown from another site, or with neither token nor origin, is refused
        for headers in ({"Origin": "http://elsewhere.example"}, {}):
            req = urllib.request.Request(server.url(f"voila/api/shutdown/{kernel_id}"), method="POST",
                                         data=b"", headers=headers)
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(req, timeout=10)
            assert refused.value.code in (403, 404), headers
        assert kernel_status(server, kernel_id) == 200

        # the page's own beacon on close is accepted: the kernel goes long before any cull
        page.close(run_before_unload=True)
        assert wait_until(lambda: kernel_status(server, kernel_id) == 404, timeout_s=30), \
            "the kernel of a closed page is still running"
        ctx.close()


@pytest.mark.parametrize("pool", ["prerender", "pool_size"])
def test_kernel_handed_out_after_idling_in_the_pool_is_not_culled(chromium, probe_root, pool):
    """A pooled kernel older than the cull timeout, handed to a page, serves that page."""
    ready_line = {"prerender": r"Kernel pool of \S+ is filled", "pool_size": r"warm kernel \S+ ready"}[pool]
    only = {"prerender": {"prerender": 1, "pool_size": 0}, "pool_size": {"pool_size": 1, "prerender": 0}}[pool]
    with serve(probe_root, pool, cull_idle_timeout_s=CULL_S, cull_interval_s=1, **only) as server:
        # wait for the pool, then let its kernel idle past the cull timeout (start_server's own
        # request may have taken the first one: then wait again, for the refill)
        assert wait_until(lambda: log_count(server, ready_line) >= 1, timeout_s=90), server.log_since(0)[-2000:]
        for _ in range(3):
            filled = log_count(server, ready_line)
            time.sleep(CULL_S + 3)
            if log_count(server, ready_line) == filled:
                break

        ctx, page = open_probe(chromium, server)
        kernel_id = page_kernel_id(page)
        slider = page.locator(".widget-slider .noUi-handle")
        slider.focus()
        page.keyboard.press("ArrowRight")
        time.sleep(3)  # several cull passes with the page open
        assert kernel_status(server, kernel_id) == 200
        assert not re.search(rf"Culling .*{kernel_id}", server.log_since(0))
        ctx.close()


def open_page(server) -> tuple[str, str]:
    """A learner's request for the probe page (taking a pre-rendered copy, if any): kernel id and HTML."""
    with urllib.request.urlopen(server.page_url(PROBE), timeout=120) as r:
        html = r.read().decode()
    return re.search(r'"kernelId": "([0-9a-f-]+)"', html).group(1), html


def send_beacon(server, kernel_id: str) -> None:
    """The page's own "closed" beacon (same origin), as Voila sends it when a tab is closed."""
    req = urllib.request.Request(server.url(f"voila/api/shutdown/{kernel_id}"), method="POST", data=b"",
                                 headers={"Origin": server.base_url.rstrip("/")})
    try:
        urllib.request.urlopen(req, timeout=30).close()
    except urllib.error.HTTPError as e:
        raise AssertionError(f"beacon {e.code} for {kernel_id}:\n" + "\n".join(
            ln for ln in server.log_since(0).splitlines() if kernel_id in ln)) from None


def take_copy(server) -> None:
    """A learner opens the probe page and closes it at once."""
    send_beacon(server, open_page(server)[0])


def test_a_workshop_pool_is_remade_once_the_room_has_arrived(probe_root):
    """While a workshop pool has copies to spare, arriving learners do not set off re-making copies
    (the CPU serves their pages); once the arrivals pause, or the pool runs low, it is refilled."""
    from katlearn.server import PrerenderKernelManager

    defaults = PrerenderKernelManager.class_traits()
    refill_delay_s, pace_s, room_quiet_s = (defaults[name].default_value
                                            for name in ("refill_delay_s", "pace_s", "room_quiet_s"))

    size = 8
    started = lambda: log_count(server, r"Kernel started")  # noqa: E731
    with serve(probe_root, "workshop", pool_size=0, prerender=0, prerender_pools=f"{PROBE}={size}",
               cull_idle_timeout_s=CULL_S, cull_interval_s=1) as server:
        # a kernel's process exists a moment before jupyter-server logs "Kernel started" for it: wait
        # for both, or the last start of the filling pool is counted as a re-made copy
        assert wait_until(lambda: live_kernels(server) == size and started() == size, timeout_s=180), \
            server.log_since(0)[-2000:]
        before = started()
        for _ in range(3):
            take_copy(server)
        time.sleep(refill_delay_s + pace_s + 3)  # an everyday pool would be re-making copies now
        assert started() == before, "copies re-made while the room was still arriving, with 5 of 8 left"
        assert wait_until(lambda: started() == before + 3, timeout_s=room_quiet_s + 60)
        assert wait_until(lambda: live_kernels(server) == size, timeout_s=60)

        # a pool running low is refilled without waiting for the room to stop arriving
        before = started()
        for _ in range(size - 1):
            take_copy(server)
        assert wait_until(lambda: started() > before, timeout_s=room_quiet_s - 5), \
            "a pool with one copy left waited as long as a full one"
        assert wait_until(lambda: live_kernels(server) == size, timeout_s=120)


@pytest.mark.parametrize(("warm", "prerender"), [(2, 0), (1, 1)], ids=["warm-pool", "prerendered"])
def test_after_100_loads_and_closes_only_the_pool_is_left(probe_root, warm, prerender):
    """Half the pages close properly (beacon), half just drop their connection (left to the
    culler); afterwards the server runs exactly its pools again (warm kernels + pre-rendered
    copies of the one page)."""
    import websocket

    pool, loads = warm + prerender, 100
    with serve(probe_root, f"churn-{warm}-{prerender}", pool_size=warm, prerender=prerender,
               cull_idle_timeout_s=CULL_S, cull_interval_s=1) as server:
        origin = server.base_url.rstrip("/")

        def visit(i: int) -> bool:
            kernel_id, html = open_page(server)
            rendered = "application/vnd.jupyter.widget-view+json" in html
            if i % 2:
                ws = websocket.create_connection(
                    origin.replace("http", "ws") + f"/api/kernels/{kernel_id}/channels", timeout=30)
                ws.close()
            else:
                send_beacon(server, kernel_id)
            return rendered

        with ThreadPoolExecutor(max_workers=4) as ex:
            rendered = list(ex.map(visit, range(loads)))
        assert all(rendered), f"{rendered.count(False)} of {loads} pages were not rendered"

        assert wait_until(lambda: live_kernels(server) == pool, timeout_s=60), \
            f"{live_kernels(server)} kernels still running; expected the pool of {pool}"
        log = server.log_since(0)
        assert "Traceback" not in log, log[log.index("Traceback") - 300:][:3000]
