"""Page-speed benchmark of the course as a room of learners gets it.  ``make bench``

    python benchmarks/run.py [--quick] [--modules 01_what_is_kat,04_routes] [--port 8890]

Starts the server exactly as ``katlearn serve`` does (a subprocess, Jupyter dirs and the progress
store in a temp dir) on a temp copy of the course root that also holds a one-slider baseline
notebook (no figure), then drives headless Chromium (Playwright) and measures, per notebook:

- time to interactive (the visible part): navigation start -> every cell rendered, every widget
  view attached and every ``.kl-plot`` on or near the screen drawn; and every figure drawn,
  scrolling through the page right after; median/p95 of cold loads (new browser context) and warm
  loads (same context, browser cache kept);
- widget models per page (every widget state its kernel holds);
- bytes per load: HTTP bytes on the wire (CDP ``Network.loadingFinished``) plus websocket frame
  payloads both ways, first visit and repeat visit;
- control -> figure latency (key press on a slider / click on a choice button until a
  ``.kl-plot``'s ``data-revision`` increments) and quiz Check -> feedback latency;
- kernel-side update cost and model compute per update (``benchmarks/compute.py``);
- kernel memory per learner (RSS and USS) and server memory (psutil over the server's tree);

and then a room: N learners arriving at one module within 30 s (staggered), with p95 time to
interactive, failed pages and peak memory. Results go to ``benchmarks/results/latest.json`` and
``latest.md``. Not part of ``make test``: timings belong here, never in the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from katlearn.server import CourseKernelManager, standalone_config  # noqa: E402
from tests.chromium import LAUNCH_ARGS, find_chromium  # noqa: E402

RESULTS = REPO / "benchmarks" / "results"
BASELINE = "zz_bench_baseline.ipynb"
LOAD_TIMEOUT_S = 90
VIEWPORT = {"width": 1280, "height": 800}

# Ready (the visible part interactive): Voila has shown the cells, as many widget outputs/views as
# a settled load showed are attached, and every figure that is on screen or about to scroll into
# view is drawn (a figure further down is drawn when it nears the screen, katlearn/widgets/plot.js;
# a figure that failed counts as a failed page). Pages served by a pre-rendered copy and by a warm
# kernel differ only by the placeholder boxes of the learner's parts (katlearn.widgets.live), so
# those boxes are not counted.
READY_JS = """(expect) => {
  const cells = document.querySelector('#rendered_cells');
  if (!cells || cells.offsetParent === null && getComputedStyle(cells).display === 'none') return false;
  const plots = [...document.querySelectorAll('.kl-plot')];
  if (plots.some(p => p.classList.contains('kl-plot-error'))) return {error: 'figure could not be drawn'};
  const drawn = (p) => p.classList.contains('kl-plot-ready');
  const counts = {
    pending_plots: plots.filter(p => p.classList.contains('kl-plot-seen') && !drawn(p)).length,
    // widget outputs shown: an ipywidgets view (.jupyter-widgets) or an anywidget view (an lm-Widget
    // of its own, e.g. the quiz), not a rendered text/HTML output
    outputs: [...document.querySelectorAll('.jp-OutputArea-output')].filter(o => [...o.children].some(
      c => c.classList.contains('lm-Widget') && ![...c.classList].some(k => k.startsWith('jp-Rendered')))).length,
    // a learner's part is wrapped in a .kl-deferred box only on pre-rendered pages: not counted
    views: document.querySelectorAll('.jupyter-widgets:not(.kl-deferred)').length,
    plots: plots.filter(drawn).length,
    all_plots: plots.length,
  };
  if (!expect) return {t: performance.now(), counts};
  if (counts.outputs < expect.outputs || counts.views < expect.views || counts.plots < expect.plots ||
      counts.pending_plots) return false;
  return {t: performance.now(), counts};
}"""

# Every figure drawn after scrolling through: each poll scrolls the next figure not yet near the
# screen into view, as a learner scrolling down the page would bring it; done when all are drawn.
SCROLL_JS = """(expect) => {
  const plots = [...document.querySelectorAll('.kl-plot')];
  if (plots.some(p => p.classList.contains('kl-plot-error'))) return {error: 'figure could not be drawn'};
  const pending = plots.filter(p => !p.classList.contains('kl-plot-ready'));
  const unseen = pending.find(p => !p.classList.contains('kl-plot-seen'));
  if (unseen) unseen.scrollIntoView({block: 'center'});
  if (pending.length || plots.length < (expect ? expect.all_plots : 0)) return false;
  return {t: performance.now(), n: plots.length};
}"""

BASELINE_NB = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": [
            "import ipywidgets as widgets\n",
        ]},
        {"cell_type": "markdown", "metadata": {}, "source": ["# Baseline\n", "One slider, no figure."]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": [
            "widgets.FloatSlider(value=1.0, min=0.5, max=3.0, step=0.1, description='k')\n",
        ]},
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "katlearn": {"order": 99, "title": "Benchmark baseline", "summary": "One slider, no figure.",
                     "minutes": 1},
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


# --------------------------------------------------------------------------------------------
# statistics and small helpers


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    return {"median": pct(values, 0.5), "p95": pct(values, 0.95), "n": len(values),
            "min": min(values) if values else None, "max": max(values) if values else None}


def free_port(preferred: int) -> int:
    for port in [preferred, *range(8890, 8900)]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit("no free port in 8890-8899")


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as v

    try:
        return v(dist)
    except PackageNotFoundError:
        return "-"


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    exe = find_chromium()
    chromium = ""
    if exe:
        try:
            chromium = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return {
        "cpu_count": os.cpu_count(), "cpu_model": model,
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(), "platform": platform.platform(),
        "voila": version("voila"), "plotly": version("plotly"), "ipywidgets": version("ipywidgets"),
        "anywidget": version("anywidget"), "jupyter_server": version("jupyter_server"),
        "chromium": chromium,
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--", "katlearn", "notebooks", "benchmarks")),
    }


# --------------------------------------------------------------------------------------------
# the server, started as `katlearn serve` starts it


def server_pools(extra_env: dict[str, str]) -> tuple[int, int]:
    """Warm kernels and pre-rendered copies per page of a server started with ``extra_env``."""
    saved = dict(os.environ)
    os.environ.update(extra_env)
    try:
        config = standalone_config()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    prerender = config.PrerenderKernelManager.copies if config.CourseVoila.prerender else 0
    return config.CourseKernelManager.warm_pool_size, prerender


@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    root: Path
    log: Path

    def url(self, notebook: str) -> str:
        return f"{self.base}voila/render/{notebook}"

    def tree(self) -> list[psutil.Process]:
        try:
            me = psutil.Process(self.proc.pid)
            return [me, *me.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def kernels(self) -> dict[str, psutil.Process]:
        """Live kernels by id (from the connection-file name on each kernel's command line)."""
        out = {}
        for p in self.tree():
            try:
                cmd = p.cmdline()
            except psutil.Error:
                continue
            if any("ipykernel" in c for c in cmd):
                conn = next((c for c in cmd if c.endswith(".json") and "kernel-" in c), "")
                out[Path(conn).stem.removeprefix("kernel-")] = p
        return out

    def memory(self) -> dict:
        """RSS/USS in MB of the server process and of all its kernels."""
        server = {"rss": 0.0, "uss": 0.0}
        kern = {"rss": 0.0, "uss": 0.0, "n": 0}
        kernel_pids = {p.pid for p in self.kernels().values()}
        for p in self.tree():
            try:
                info = p.memory_full_info()
            except psutil.Error:
                continue
            tgt = kern if p.pid in kernel_pids else server
            tgt["rss"] += info.rss / 1e6
            tgt["uss"] += info.uss / 1e6
            if p.pid in kernel_pids:
                kern["n"] += 1
        return {"server": server, "kernels": kern}

    def pooled(self) -> int:
        """Warm kernels ready now, from the server's log ("warm kernel .. ready" minus "using")."""
        log = self.log.read_text(errors="replace")
        return log.count("katlearn: warm kernel ") - log.count("katlearn: using warm kernel ")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def make_course_copy(tmp: Path, modules: list[str] | None) -> tuple[Path, list[str]]:
    """A temp course root: assets linked, notebooks copied, plus the baseline notebook."""
    root = tmp / "course"
    (root / "notebooks").mkdir(parents=True)
    (root / "assets").symlink_to(REPO / "assets", target_is_directory=True)
    names = []
    for nb in sorted((REPO / "notebooks").glob("*.ipynb")):
        shutil.copy2(nb, root / "notebooks" / nb.name)
        if not modules or any(nb.stem.startswith(m) or nb.name == m for m in modules):
            names.append(nb.name)
    (root / "notebooks" / BASELINE).write_text(json.dumps(BASELINE_NB, indent=1), encoding="utf-8")
    return root, [BASELINE, *names]


def start_server(tmp: Path, root: Path, port: int, extra_env: dict[str, str]) -> Server:
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "IPYTHONDIR": str(home / ".ipython"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "KATLEARN_DB": str(tmp / "progress.sqlite"),
        "KATLEARN_ROOT": str(root),
        "PYTHONWARNINGS": "ignore::DeprecationWarning",
        **extra_env,
    }
    env.pop("JUPYTERHUB_USER", None)
    log = tmp / "server.log"
    proc = subprocess.Popen([sys.executable, "-m", "katlearn", "serve", "--port", str(port)],
                            cwd=REPO, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"katlearn serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(base + "katlearn/vendor/plotly.min.js", timeout=5).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise SystemExit(f"katlearn serve did not answer within 120 s:\n{log.read_text()}")
    return Server(proc=proc, base=base, root=root, log=log)


async def wait_kernels(server: Server, at_most: int, timeout_s: float) -> int:
    """Wait until the server runs at most ``at_most`` kernels (pool refilled, closed pages gone)."""
    deadline = time.monotonic() + timeout_s
    n = len(server.kernels())
    while n > at_most and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        n = len(server.kernels())
    return n


async def wait_pool(server: Server, size: int, timeout_s: float, kernels: int = 0) -> None:
    """Wait until ``size`` warm kernels are ready and every kernel has gone quiet: the warm pool is
    full and each pre-rendered page has run up to its last cell (where it waits for a learner).
    ``kernels``: also wait until the server runs that many kernels (every pre-render pool re-made:
    a workshop pool with copies to spare is refilled only once arrivals have paused for a while)."""
    deadline = time.monotonic() + timeout_s
    while size and time.monotonic() < deadline and server.pooled() < size:
        await asyncio.sleep(0.5)
    while time.monotonic() < deadline and len(server.kernels()) < kernels:
        await asyncio.sleep(0.5)
    # a page just closed has its copy re-made only after the refill delay: let that start first
    await asyncio.sleep(CourseKernelManager().refill_delay_s + 0.5)
    await wait_quiet(server, max(deadline - time.monotonic(), 1.0))


async def settle(server: Server, idle_kernels: int, pool: int, close_s: float, fill_s: float,
                 refilled: bool = False) -> float:
    """Let the server get back to idle before the next load or room: closed pages' kernels gone
    (up to ``close_s``), warm pool ready and quiet (up to ``fill_s``; with ``refilled``, also every
    pre-render pool re-made). Returns the seconds waited."""
    t0 = time.monotonic()
    await wait_kernels(server, idle_kernels, close_s)
    await wait_pool(server, pool, fill_s, kernels=idle_kernels if refilled else 0)
    return time.monotonic() - t0


async def wait_quiet(server: Server, timeout_s: float, cpu_pct: float = 8.0, hold_s: float = 1.5) -> bool:
    """Wait until the server and its kernels together use under ``cpu_pct`` % of one core for
    ``hold_s`` seconds (pools filled, pre-rendering done)."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        procs = server.tree()
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        await asyncio.sleep(0.5)
        total = 0.0
        for p in procs:
            try:
                total += p.cpu_percent(None)
            except psutil.Error:
                pass
        if total < cpu_pct:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= hold_s:
                return True
        else:
            quiet_since = None
    return False


# --------------------------------------------------------------------------------------------
# one page load in the browser


@dataclass
class Load:
    ok: bool
    tti_ms: float | None = None  # the visible part interactive
    all_ms: float | None = None  # every figure drawn, scrolling through the page after tti_ms
    doc_ms: float | None = None  # HTML fully received (kernel has run every cell)
    http_bytes: int = 0
    ws_bytes: int = 0
    requests: int = 0
    error: str = ""
    kernel_id: str = ""
    counts: dict = field(default_factory=dict)

    @property
    def bytes(self) -> int:
        return self.http_bytes + self.ws_bytes


class Traffic:
    """Bytes of one page, from Chromium's own network events (CDP)."""

    def __init__(self) -> None:
        self.http = 0
        self.ws = 0
        self.requests = 0

    async def attach(self, ctx, page) -> None:
        cdp = await ctx.new_cdp_session(page)
        await cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.webSocketFrameSent", self._frame)
        self.cdp = cdp

    def _finished(self, e) -> None:
        self.http += int(e.get("encodedDataLength", 0))
        self.requests += 1

    def _frame(self, e) -> None:
        r = e["response"]
        n = len(r.get("payloadData", ""))
        self.ws += n * 3 // 4 if r.get("opcode") == 2 else n  # binary frames arrive base64-encoded


async def load(ctx, url: str, expect: dict | None, settle: bool = False) -> tuple[Load, object]:
    """Open ``url`` in a new page of ``ctx`` and wait until it is interactive."""
    page = await ctx.new_page()
    traffic = Traffic()
    await traffic.attach(ctx, page)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        response = await page.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
        if settle:
            # discovery: every widget output of the HTML attached, then counts that stop growing with
            # every figure drawn (a cold browser can take seconds between showing the cells and
            # attaching the first widget: "stable" alone would take an empty page for a settled one)
            html = await response.text() if response else ""
            outputs = html.count("application/vnd.jupyter.widget-view+json")
            expect = {"outputs": outputs, "views": outputs, "plots": 0}
        handle = await page.wait_for_function(READY_JS, arg=expect, polling=50, timeout=LOAD_TIMEOUT_S * 1000)
        res = await handle.json_value()
        if "error" in res:
            return Load(ok=False, error=res["error"]), page
        if settle:
            last, stable_since = None, time.monotonic()
            while time.monotonic() - stable_since < 2.0:
                await asyncio.sleep(0.25)
                cur = (await (await page.wait_for_function(READY_JS, arg=None)).json_value())["counts"]
                if cur != last or cur["pending_plots"]:
                    last, stable_since = cur, time.monotonic()
            res["counts"] = last
            expect = None
        handle = await page.wait_for_function(SCROLL_JS, arg=expect, polling=50, timeout=LOAD_TIMEOUT_S * 1000)
        scrolled = await handle.json_value()
        if "error" in scrolled:
            return Load(ok=False, error=scrolled["error"]), page
        if settle:
            res["counts"]["all_plots"] = scrolled["n"]
        await asyncio.sleep(0.3)  # let late frames (e.g. comm echoes) be counted
        nav = await page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0]; "
                                  "return n ? n.responseEnd : null }")
        kid = await page.evaluate("() => { try { return JSON.parse(document.getElementById("
                                  "'jupyter-config-data').textContent).kernelId || '' } catch (e) { return '' } }")
        return Load(ok=True, tti_ms=res["t"], all_ms=scrolled["t"], doc_ms=nav, http_bytes=traffic.http, ws_bytes=traffic.ws,
                    requests=traffic.requests, kernel_id=kid, counts=res["counts"]), page
    except Exception as exc:  # noqa: BLE001 - a failed page is a result, not a crash
        msg = str(exc).splitlines()[0][:200]
        try:  # how far the page got: HTML received? cells shown? widgets attached?
            state = await page.evaluate("""(js) => {
              const n = performance.getEntriesByType('navigation')[0];
              const r = eval(js)(null);
              return {html_done_ms: n ? n.responseEnd : null, counts: r ? r.counts : 'cells not shown'};
            }""", READY_JS)
            msg += f" (reached {state}, expected {expect})"
        except Exception:  # noqa: BLE001
            pass
        return Load(ok=False, error=msg + (f" (page errors: {errors[:2]})" if errors else "")), page


async def close(page) -> None:
    try:
        await page.close(run_before_unload=True)
    except Exception:  # noqa: BLE001
        pass


# --------------------------------------------------------------------------------------------
# interaction latencies

ARM_JS = """(kind) => {
  window.__klLatency = new Promise((resolve) => {
    let t0 = null;
    const start = () => { if (t0 === null) t0 = performance.now(); };
    window.addEventListener(kind === 'key' ? 'keydown' : 'pointerdown', start, {capture: true, once: true});
    window.addEventListener('click', start, {capture: true, once: true});
    const target = kind === 'quiz' ? 'class' : 'data-revision';
    const done = (m) => kind === 'quiz'
      ? /kl-(correct|incorrect|error)/.test(m.target.className) && m.target.classList.contains('kl-feedback')
      : true;
    const obs = new MutationObserver((muts) => {
      if (t0 !== null && muts.some(done)) { obs.disconnect(); resolve(performance.now() - t0); }
    });
    obs.observe(document.body, {attributes: true, subtree: true, attributeFilter: [target]});
    setTimeout(() => { obs.disconnect(); resolve(null); }, 8000);
  });
}"""


async def control_latency(page, samples: int) -> dict | None:
    """Slider key press (or a choice-button click) -> some figure redrawn."""
    sliders = page.locator(".widget-slider .noUi-handle")
    for i in range(await sliders.count()):
        handle = sliders.nth(i)
        times = []
        for s in range(samples):
            await page.evaluate(ARM_JS, "key")
            await handle.focus()
            await page.keyboard.press("ArrowRight" if s % 2 == 0 else "ArrowLeft")
            ms = await page.evaluate("window.__klLatency")
            if ms is None:
                break
            times.append(ms)
            await asyncio.sleep(0.15)
        if times:
            label = await page.evaluate("(i) => { const s = document.querySelectorAll('.widget-slider')[i]; "
                                        "return s ? s.innerText.split('\\n')[0] : '' }", i)
            return {"control": f"slider {label}".strip(), **summary(times)}
    groups = page.locator(".widget-toggle-buttons")
    for g in range(await groups.count()):
        buttons = groups.nth(g).locator("button")
        n = await buttons.count()
        if n < 2:
            continue
        times = []
        for s in range(samples):
            await page.evaluate(ARM_JS, "click")
            await buttons.nth((s + 1) % n).click()
            ms = await page.evaluate("window.__klLatency")
            if ms is None:
                break
            times.append(ms)
            await asyncio.sleep(0.15)
        if times:
            return {"control": "toggle buttons", **summary(times)}
    return None


async def quiz_latency(page, samples: int) -> dict | None:
    """Choose an answer, click Check: time until the feedback shows a verdict."""
    q = page.locator(".kl-question").filter(has=page.locator("input[type=radio]")).first
    if await q.count() == 0:
        return None
    times = []
    for _ in range(samples):
        retry = q.locator(".kl-retry")
        if await retry.count() and await retry.is_visible():
            await retry.click()
            await q.locator(".kl-check").wait_for(state="visible", timeout=10_000)
        await q.locator("input[type=radio]").first.check()
        await page.evaluate(ARM_JS, "quiz")
        await q.locator(".kl-check").click()
        ms = await page.evaluate("window.__klLatency")
        if ms is None:
            break
        times.append(ms)
        await asyncio.sleep(0.15)
    return summary(times) if times else None


# --------------------------------------------------------------------------------------------
# the phases


def browser_cpu_s() -> float:
    """CPU seconds used so far by every Chromium process on the machine (loads run one at a time,
    so the difference over one load is that page's browser-side work)."""
    total = 0.0
    for p in psutil.process_iter(["name"]):
        if "chrom" in (p.info["name"] or "").lower():
            try:
                t = p.cpu_times()
                total += t.user + t.system + getattr(t, "children_user", 0.0) + getattr(t, "children_system", 0.0)
            except psutil.Error:
                pass
    return total


async def bench_module(browser, server: Server, nb: str, cfg: argparse.Namespace, pool: int, idle_kernels: int) -> dict:
    url = server.url(nb)
    out: dict = {"notebook": nb}
    # discovery: what a settled page shows (widget outputs, views, figures)
    ctx = await browser.new_context(viewport=VIEWPORT)
    first, page = await load(ctx, url, None, settle=True)
    expect = first.counts if first.ok else None
    out["expect"] = expect
    if not first.ok:
        out["error"] = first.error
        await ctx.close()
        return out
    # kernel memory of this learner, with the page open and settled
    k = server.kernels().get(first.kernel_id)
    if k:
        try:
            mi = k.memory_full_info()
            out["kernel_mb"] = {"rss": mi.rss / 1e6, "uss": mi.uss / 1e6}
        except psutil.Error:
            pass
    out["widget_models"] = await asyncio.to_thread(count_models, server, first.kernel_id)
    out["control_latency_ms"] = await control_latency(page, cfg.samples)
    out["quiz_latency_ms"] = await quiz_latency(page, cfg.samples)
    await close(page)
    await ctx.close()

    cold, warm, failed, browser_cpu = [], [], [], []
    waited = 0.0  # seconds spent letting the server settle between loads (reported, not measured)
    for _ in range(cfg.loads):
        waited += await settle(server, idle_kernels, pool, close_s=20, fill_s=60)
        ctx = await browser.new_context(viewport=VIEWPORT)
        cpu0 = browser_cpu_s()
        res, page = await load(ctx, url, expect)
        if res.ok:
            browser_cpu.append(browser_cpu_s() - cpu0)
        (cold if res.ok else failed).append(res)
        await close(page)
        await ctx.close()
    ctx = await browser.new_context(viewport=VIEWPORT)
    for i in range(cfg.loads + 1):
        waited += await settle(server, idle_kernels, pool, close_s=20, fill_s=60)
        res, page = await load(ctx, url, expect)
        if not res.ok:
            failed.append(res)
        elif i > 0:  # the first load of this context is a first visit: already counted as cold
            warm.append(res)
        await close(page)
    await ctx.close()

    out["tti_cold_ms"] = summary([r.tti_ms for r in cold])
    out["tti_warm_ms"] = summary([r.tti_ms for r in warm])
    out["all_drawn_cold_ms"] = summary([r.all_ms for r in cold])
    out["all_drawn_warm_ms"] = summary([r.all_ms for r in warm])
    out["html_done_cold_ms"] = summary([r.doc_ms for r in cold if r.doc_ms])
    out["html_done_warm_ms"] = summary([r.doc_ms for r in warm if r.doc_ms])
    out["bytes_first"] = {"median": pct([r.bytes for r in cold], 0.5),
                          "http": pct([r.http_bytes for r in cold], 0.5), "ws": pct([r.ws_bytes for r in cold], 0.5),
                          "requests": pct([r.requests for r in cold], 0.5)}
    out["bytes_repeat"] = {"median": pct([r.bytes for r in warm], 0.5),
                           "http": pct([r.http_bytes for r in warm], 0.5), "ws": pct([r.ws_bytes for r in warm], 0.5),
                           "requests": pct([r.requests for r in warm], 0.5)}
    out["failed"] = [r.error for r in failed]
    out["settle_wait_s"] = round(waited, 1)
    out["browser_cpu_s"] = summary(browser_cpu)
    return out


async def bench_room(browser, server: Server, nb: str, n: int, window_s: float, expect: dict | None) -> dict:
    """``n`` learners open ``nb`` within ``window_s`` seconds, each in their own browser context."""
    url = server.url(nb)
    rng = random.Random(n)
    offsets = sorted(rng.uniform(0, window_s) for _ in range(n))
    peak = {"server_rss": 0.0, "kernels_rss": 0.0, "kernels_uss": 0.0, "total_rss": 0.0, "kernels": 0}
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            m = await asyncio.to_thread(server.memory)
            peak["server_rss"] = max(peak["server_rss"], m["server"]["rss"])
            peak["kernels_rss"] = max(peak["kernels_rss"], m["kernels"]["rss"])
            peak["kernels_uss"] = max(peak["kernels_uss"], m["kernels"]["uss"])
            peak["total_rss"] = max(peak["total_rss"], m["server"]["rss"] + m["kernels"]["rss"])
            peak["kernels"] = max(peak["kernels"], m["kernels"]["n"])
            await asyncio.sleep(0.5)

    contexts = []

    async def learner(offset: float):
        await asyncio.sleep(offset)
        ctx = await browser.new_context(viewport=VIEWPORT)
        contexts.append(ctx)
        res, _page = await load(ctx, url, expect)
        return res

    sampler = asyncio.create_task(sample())
    t0 = time.monotonic()
    results = await asyncio.gather(*(learner(o) for o in offsets))
    wall = time.monotonic() - t0
    done.set()
    await sampler
    for ctx in contexts:
        for p in ctx.pages:
            await close(p)
        await ctx.close()
    ok = [r.tti_ms for r in results if r.ok]
    return {
        "learners": n, "window_s": window_s, "notebook": nb, "wall_s": wall,
        "tti_ms": summary(ok), "html_done_ms": summary([r.doc_ms for r in results if r.ok and r.doc_ms]),
        "failed": sum(not r.ok for r in results), "errors": [r.error for r in results if not r.ok][:5],
        "peak_mb": peak,
    }


async def bench_room_http(server: Server, nb: str, n: int, window_s: float) -> dict:
    """The server's side of a room: ``n`` plain HTTP clients arriving within ``window_s`` seconds,
    each reading the page to its end (every cell executed), then connecting the page's kernel
    websocket and fetching every widget's state, which is all a browser asks of the server before
    it can draw the page. No browser CPU is spent (in a real room each learner brings their own), so
    ``server_ready_ms`` is the server's share of a learner's time to interactive in a room."""
    import websocket

    url = server.url(nb)
    rng = random.Random(n)
    offsets = sorted(rng.uniform(0, window_s) for _ in range(n))
    sockets = []

    def learner(offset: float) -> tuple[float | None, str]:
        time.sleep(offset)
        t0 = time.monotonic()
        try:
            with urllib.request.urlopen(url, timeout=LOAD_TIMEOUT_S) as r:
                html = r.read().decode("utf-8", "replace")
            done = (time.monotonic() - t0) * 1e3
            kid = html.split('"kernelId": "', 1)[1].split('"', 1)[0]
            ws = websocket.create_connection(server.base.replace("http", "ws", 1) + f"api/kernels/{kid}/channels",
                                             timeout=LOAD_TIMEOUT_S)
            sockets.append(ws)
            if "application/vnd.jupyter.widget-view+json" not in html:
                return None, None, "page has no widgets"
            n_models = widget_states(ws)
            ready = (time.monotonic() - t0) * 1e3
            if not n_models:
                return None, None, "the kernel sent no widget state"
            return done, ready, ""
        except Exception as exc:  # noqa: BLE001
            return None, None, str(exc)[:200]

    t0 = time.monotonic()
    results = await asyncio.gather(*(asyncio.to_thread(learner, o) for o in offsets))
    wall = time.monotonic() - t0
    peak = server.memory()
    for ws in sockets:
        try:
            ws.close()
        except Exception:  # noqa: BLE001
            pass
    return {"learners": n, "window_s": window_s, "notebook": nb, "wall_s": wall,
            "html_done_ms": summary([t for t, _r, _e in results if t is not None]),
            "server_ready_ms": summary([r for _t, r, _e in results if r is not None]),
            "failed": sum(r is None for _t, r, _e in results),
            "errors": [e for _t, r, e in results if r is None][:5], "end_mb": peak}


def _kernel_msg(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session, "username": "bench",
                       "date": dt.datetime.now(dt.timezone.utc).isoformat(), "version": "5.3"},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": []}


def widget_states(ws) -> int:
    """Ask the page's kernel for every widget state, as the ipywidgets front end does on a page load
    (the ``jupyter.widget.control`` comm's ``request_states``); the number of models received."""
    session, comm_id = uuid.uuid4().hex, uuid.uuid4().hex
    ws.send(json.dumps(_kernel_msg("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                                 "data": {}}, session, {"version": "1.0.0"})))
    def request() -> str:  # a fresh message id each time: the kernel refuses a message it has seen
        return json.dumps(_kernel_msg("comm_msg", {"comm_id": comm_id, "data": {"method": "request_states"}},
                                      session))

    ws.send(request())
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    while time.monotonic() < deadline:
        msg = json.loads(ws.recv())
        content = msg.get("content") or {}
        if msg.get("msg_type") == "stream" and f"No such comm: {comm_id}" in content.get("text", ""):
            ws.send(request())  # the request overtook the comm's opening (seen with busy kernels): ask again
            continue
        if msg.get("msg_type") == "comm_msg" and content.get("comm_id") == comm_id:
            data = content.get("data") or {}
            if data.get("method") == "update_states":
                return len(data.get("states") or {})
    raise TimeoutError("no widget state within the load timeout")


def count_models(server: Server, kernel_id: str) -> int | None:
    """Widget models of a page: a second connection to its kernel asks for every widget state."""
    import websocket

    if not kernel_id:
        return None
    try:
        ws = websocket.create_connection(server.base.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels",
                                         timeout=LOAD_TIMEOUT_S)
        try:
            return widget_states(ws)
        finally:
            ws.close()
    except Exception:  # noqa: BLE001 - a count that could not be taken is reported as missing
        return None


def compute_costs(root: Path, notebooks: list[str], samples: int) -> dict:
    out = {}
    for nb in notebooks:
        try:
            proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "compute.py"),
                                   str(root / "notebooks" / nb), "--samples", str(samples)],
                                  capture_output=True, text=True, timeout=300, cwd=REPO,
                                  env={**os.environ, "KATLEARN_ROOT": str(root), "PYTHONWARNINGS": "ignore"})
            out[nb] = json.loads(proc.stdout) if proc.stdout.strip() else {"error": proc.stderr[-400:]}
        except (subprocess.SubprocessError, json.JSONDecodeError) as exc:
            out[nb] = {"error": str(exc)}
    bench_science = REPO / "benchmarks" / "bench_science.py"
    if bench_science.exists():
        try:
            proc = subprocess.run([sys.executable, str(bench_science), "--number", "20"], capture_output=True,
                                  text=True, timeout=300, cwd=REPO)
            out["_bench_science"] = json.loads(proc.stdout)
        except (subprocess.SubprocessError, json.JSONDecodeError) as exc:
            out["_bench_science"] = {"error": str(exc)}
    return out


def import_costs() -> dict:
    """CPU seconds and peak RSS of importing what a kernel imports (a kernel's start-up floor)."""
    out = {}
    for mod in ("ipykernel.kernelapp", "ipywidgets", "plotly.graph_objects", "katlearn.widgets.plot",
                "katlearn.science", "katlearn.widgets.page", "katlearn.widgets.quiz"):
        code = (f"import resource, time; import {mod}; r = resource.getrusage(resource.RUSAGE_SELF); "
                "print(r.ru_utime + r.ru_stime, r.ru_maxrss)")
        try:
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
            cpu, rss_kb = proc.stdout.split()
            out[mod] = {"cpu_s": round(float(cpu), 3), "peak_rss_mb": round(int(rss_kb) / 1024, 1)}
        except (subprocess.SubprocessError, ValueError) as exc:
            out[mod] = {"error": str(exc)}
    return out


# --------------------------------------------------------------------------------------------
# report

TARGETS = {
    "tti_ratio": 1.3, "all_drawn_ratio": 1.6, "tti_warm_ms": 1500, "bytes_repeat": 1_000_000,
    "bytes_first": 6_000_000, "control_p95_ms": 150, "quiz_p95_ms": 50, "science_ms": 5, "kernel_rss_mb": 120,
    "widget_models": 60, "room_p95_ms": 5000,
}


def fmt_ms(v) -> str:
    return "-" if v is None else f"{v:,.0f}"


def fmt_mb(v) -> str:
    return "-" if v is None else f"{v / 1e6:.2f}"


def mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✓" if ok else " ✗")


def room_estimate(res: dict, room: dict) -> float | None:
    """A room learner's TTI p95 when every learner has their own computer: the server's share measured
    in the room plus the browser's share of the same page measured alone."""
    page = res.get("pages", {}).get(room["notebook"]) or {}
    cold = (page.get("tti_cold_ms") or {}).get("median")
    html = (page.get("html_done_cold_ms") or {}).get("median")
    ready = (room.get("server_ready_ms") or {}).get("p95")
    if cold is None or html is None or ready is None:
        return None
    return ready + max(cold - html, 0.0)


def markdown(res: dict) -> str:
    m = res["machine"]
    lines = [
        f"# katlearn benchmark — {res['started']}",
        "",
        f"Machine: {m['cpu_count']} × {m['cpu_model']}, {m['ram_gib']} GiB RAM; Python {m['python']}; "
        f"Voila {m['voila']}, plotly {m['plotly']}, ipywidgets {m['ipywidgets']}, anywidget {m['anywidget']}; "
        f"{m['chromium']}; commit {m['git_commit']}{' (dirty tree)' if m['git_dirty'] else ''}.",
        f"Load average before/after: {res['loadavg_before']} / {res.get('loadavg_after', '-')} "
        "(the machine is shared; timings under load are pessimistic).",
        f"Mode: {'quick' if res['config']['quick'] else 'full'}; {res['config']['loads']} cold + "
        f"{res['config']['loads']} warm loads per page; server env {res['config']['server_env'] or 'default'}; "
        f"warm kernels {res.get('pool_size', '-')}, pre-rendered copies per page {res.get('prerender', 0)} "
        f"(start-up fill {res.get('startup_fill_s', 0):.0f} s). Wall time {res.get('wall_s', 0):.0f} s."
        + ("" if "wall_s" in res else " PARTIAL RUN: only the phases that finished are shown."),
        "",
        "## Per page",
        "",
        "Time to interactive (TTI, the visible part interactive): navigation start → all cells and widget "
        "views rendered and every figure on or near the screen drawn (figures further down are drawn as "
        "they near the screen). All drawn: navigation start → every figure drawn, scrolling through the page "
        "right after TTI. Cold = new browser context; warm = same context, cache kept. Bytes = HTTP on the "
        "wire + websocket payloads. Models = widget models the page's kernel holds. Control = slider key / "
        "choice click → figure redrawn. Quiz = Check → verdict shown.",
        "",
        "| page | TTI cold median / p95 (ms) | × baseline | all drawn cold median (ms) | × baseline "
        "| TTI warm median / p95 (ms) | HTML done warm (ms) | models "
        "| first visit MB | repeat MB | control → figure median / p95 (ms) | quiz median / p95 (ms) "
        "| kernel RSS / USS (MB) | browser CPU per cold load (s) | failed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    base = res["pages"].get(BASELINE, {})
    base_cold = (base.get("tti_cold_ms") or {}).get("median")
    for nb, p in res["pages"].items():
        if "error" in p:
            lines.append(f"| {nb} | failed: {p['error']} ||||||||||||")
            continue
        c, w = p["tti_cold_ms"], p["tti_warm_ms"]
        ratio = c["median"] / base_cold if base_cold and c["median"] else None
        drawn = (p.get("all_drawn_cold_ms") or {}).get("median")
        drawn_ratio = drawn / base_cold if base_cold and drawn else None
        models = p.get("widget_models")
        ctl = p.get("control_latency_ms") or {}
        qz = p.get("quiz_latency_ms") or {}
        km = p.get("kernel_mb") or {}
        lines.append(
            f"| {nb} | {fmt_ms(c['median'])} / {fmt_ms(c['p95'])} "
            f"| {'-' if ratio is None else f'{ratio:.2f}'}{mark(None if ratio is None or nb == BASELINE else ratio <= TARGETS['tti_ratio'])} "
            f"| {fmt_ms(drawn)} "
            f"| {'-' if drawn_ratio is None else f'{drawn_ratio:.2f}'}{mark(None if drawn_ratio is None or nb == BASELINE else drawn_ratio <= TARGETS['all_drawn_ratio'])} "
            f"| {fmt_ms(w['median'])} / {fmt_ms(w['p95'])}{mark(None if w['median'] is None else w['median'] <= TARGETS['tti_warm_ms'])} "
            f"| {fmt_ms(p['html_done_warm_ms']['median'])} "
            f"| {'-' if models is None else models}{mark(None if models is None or nb == BASELINE else models <= TARGETS['widget_models'])} "
            f"| {fmt_mb(p['bytes_first']['median'])}{mark(None if p['bytes_first']['median'] is None else p['bytes_first']['median'] <= TARGETS['bytes_first'])} "
            f"| {fmt_mb(p['bytes_repeat']['median'])}{mark(None if p['bytes_repeat']['median'] is None else p['bytes_repeat']['median'] <= TARGETS['bytes_repeat'])} "
            f"| {fmt_ms(ctl.get('median'))} / {fmt_ms(ctl.get('p95'))}{mark(None if not ctl else ctl['p95'] <= TARGETS['control_p95_ms'])} "
            f"| {fmt_ms(qz.get('median'))} / {fmt_ms(qz.get('p95'))}{mark(None if not qz else qz['p95'] <= TARGETS['quiz_p95_ms'])} "
            f"| {fmt_ms(km.get('rss'))} / {fmt_ms(km.get('uss'))}{mark(None if not km else km['rss'] <= TARGETS['kernel_rss_mb'])} "
            f"| {(p.get('browser_cpu_s') or {}).get('median') or 0:.1f} "
            f"| {len(p['failed'])} |"
        )
    lines += ["", "## Kernel-side update cost (in-process, no browser)", "",
              "| page | control | update median / p95 (ms) | model compute median / p95 (ms) |", "|---|---|---|---|"]
    for nb, c in res.get("compute", {}).items():
        if nb.startswith("_"):
            continue
        for ctl in c.get("controls", []):
            ok = ctl["science_ms_p95"] <= TARGETS["science_ms"]
            lines.append(f"| {nb} | {ctl['control']} ({ctl['kind']}) | {ctl['update_ms_median']:.1f} / "
                         f"{ctl['update_ms_p95']:.1f} | {ctl['science_ms_median']:.2f} / {ctl['science_ms_p95']:.2f}{mark(ok)} |")
        if c.get("error"):
            lines.append(f"| {nb} | error: {c['error'][:120]} | | |")
    lines += ["", "## Rooms", "",
              "In browsers: each learner is a Chromium context on this same machine, so the browsers share "
              f"its {res['machine']['cpu_count']} cores with the server and every kernel (no real room does); "
              f"they run at a lower priority (nice {res['config'].get('browser_nice', 0)}) so they do not starve "
              "the server they measure. Browser CPU needed = learners × the page's browser CPU per cold load "
              "(measured alone), against the cores × seconds the machine has while the room arrives: above "
              "100 % the browsers queue for the CPU and the room's TTI measures this machine, not the server.", "",
              "| learners | arriving within (s) | page | browser CPU needed | TTI median / p95 (ms) | HTML done p95 (ms) "
              "| failed | peak kernels | peak server RSS (MB) | peak kernels RSS / USS (MB) |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in res.get("rooms", []):
        pk = r["peak_mb"]
        per_load = ((res["pages"].get(r["notebook"]) or {}).get("browser_cpu_s") or {}).get("median")
        need = "–" if not per_load else (f"{r['learners'] * per_load:.0f} CPU-s = "
                                         f"{100 * r['learners'] * per_load / (r['window_s'] * res['machine']['cpu_count']):.0f} %")
        lines.append(
            f"| {r['learners']} | {r['window_s']:.0f} | {r['notebook']} | {need} | {fmt_ms(r['tti_ms']['median'])} / "
            f"{fmt_ms(r['tti_ms']['p95'])}{mark(None if r['tti_ms']['p95'] is None else r['tti_ms']['p95'] <= TARGETS['room_p95_ms'])} "
            f"| {fmt_ms(r['html_done_ms']['p95'])} | {r['failed']}{mark(r['failed'] == 0)} | {pk['kernels']} "
            f"| {pk['server_rss']:.0f} | {pk['kernels_rss']:.0f} / {pk['kernels_uss']:.0f} |")
    if res.get("rooms_http"):
        lines += ["", "Server side only: plain HTTP clients read the page to its end, connect the kernel "
                      "websocket and fetch every widget state, which is all a browser asks of the server before "
                      "it draws the page (server ready). No browser CPU is spent here: in a room each learner "
                      "brings their own. Estimated TTI p95 = server ready p95 + the page's browser-side time "
                      "alone (its cold TTI median minus its HTML-done median, from the table above).", "",
                  "| learners | arriving within (s) | page | HTML done median / p95 (ms) "
                  "| server ready median / p95 (ms) | estimated TTI p95 (ms) | failed |",
                  "|---|---|---|---|---|---|---|"]
        for r in res["rooms_http"]:
            h, sr = r["html_done_ms"], r.get("server_ready_ms") or {"median": None, "p95": None}
            est = room_estimate(res, r)
            lines.append(f"| {r['learners']} | {r['window_s']:.0f} | {r['notebook']} | {fmt_ms(h['median'])} / "
                         f"{fmt_ms(h['p95'])} | {fmt_ms(sr['median'])} / {fmt_ms(sr['p95'])} "
                         f"| {fmt_ms(est)}{mark(None if est is None else est <= TARGETS['room_p95_ms'])} "
                         f"| {r['failed']}{mark(r['failed'] == 0)} |")
    if res.get("room_pool_size") is not None:
        rm = res.get("room_idle_memory") or {"kernels": {"rss": 0, "uss": 0}}
        lines += ["", f"Rooms ran on a server restarted with {res['room_pool_size']} pre-rendered copies of the room's "
                      f"page (KATLEARN_PRERENDER_POOLS, a workshop set-up): they took "
                      f"{res.get('room_pool_fill_s', 0):.0f} s to make and, with the other pools, held "
                      f"{rm['kernels']['rss']:.0f} MB RSS / {rm['kernels']['uss']:.0f} MB USS while idle."]
    mem = res.get("idle_memory", {})
    if mem:
        lines += ["", f"Idle server after start: server RSS {mem['server']['rss']:.0f} MB, "
                      f"{mem['kernels']['n']} pooled kernel(s) RSS {mem['kernels']['rss']:.0f} MB / "
                      f"USS {mem['kernels']['uss']:.0f} MB."]
    lines += ["", "## Kernel start-up floor (CPU s / peak RSS MB to import)", "",
              "| module | CPU s | peak RSS MB |", "|---|---|---|"]
    for mod, v in res.get("imports", {}).items():
        lines.append(f"| {mod} | {v.get('cpu_s', '-')} | {v.get('peak_rss_mb', '-')} |")
    lines += ["", f"Targets: TTI ≤ {TARGETS['tti_ratio']} × baseline, all drawn ≤ {TARGETS['all_drawn_ratio']} × "
              f"baseline and warm median ≤ {TARGETS['tti_warm_ms']} ms; widget models ≤ {TARGETS['widget_models']}; "
              f"first visit ≤ 6 MB, repeat ≤ 1 MB; control → figure p95 ≤ {TARGETS['control_p95_ms']} ms; "
              f"quiz p95 ≤ {TARGETS['quiz_p95_ms']} ms; "
              f"model compute ≤ {TARGETS['science_ms']} ms; kernel RSS ≤ {TARGETS['kernel_rss_mb']} MB; "
              f"room of 30 in 30 s: p95 ≤ 5 s, no failed page. ✓ met, ✗ not met.", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------


BROWSER_NICE = 10


def niced_chromium(tmp: Path) -> Path:
    """Chromium started at a lower CPU priority (``nice``). In a real room every learner's browser
    runs on the learner's own computer; here the benchmark's browsers share two cores with the
    server they measure, and a room of them would otherwise starve it (pages then wait on the server
    only because of the benchmark). The browsers still compete with one another.

    Run as root, Chromium raises its own display threads' priority above everything else (nice -8
    and lower, which root may do): the capability to do so is dropped first."""
    wrapper = tmp / "chromium-niced"
    drop = ""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv"):
        drop = "setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice "
    wrapper.write_text(f'#!/bin/sh\nexec {drop}nice -n {BROWSER_NICE} "{find_chromium()}" "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper


async def main_async(cfg: argparse.Namespace) -> dict:
    from playwright.async_api import async_playwright

    started = dt.datetime.now().astimezone()
    t_start = time.monotonic()
    loadavg_before = [round(x, 2) for x in os.getloadavg()]
    tmp = Path(tempfile.mkdtemp(prefix="katlearn-bench-"))
    root, notebooks = make_course_copy(tmp, cfg.modules)
    extra_env = dict(kv.split("=", 1) for kv in cfg.server_env)
    port = free_port(cfg.port)
    print(f"bench: serving a copy of the course from {root} on port {port}", flush=True)
    server = start_server(tmp, root, port, extra_env)
    result: dict = {"started": started.isoformat(timespec="seconds"), "machine": machine(),
                    "loadavg_before": loadavg_before,
                    "config": {"quick": cfg.quick, "loads": cfg.loads, "samples": cfg.samples, "rooms": cfg.rooms,
                               "room_window_s": cfg.room_window, "server_env": extra_env,
                               "browser_nice": BROWSER_NICE},
                    "pages": {}, "rooms": []}
    try:
        pool, prerender = server_pools(extra_env)
        n_notebooks = len(list((root / "notebooks").glob("*.ipynb")))
        idle_kernels = pool + prerender * n_notebooks  # warm kernels + a pre-rendered copy of each page
        result["pool_size"] = pool
        result["prerender"] = prerender
        t_fill = time.monotonic()
        await wait_kernels(server, 10_000, 1)
        await wait_pool(server, pool, 300)
        result["startup_fill_s"] = time.monotonic() - t_fill
        result["idle_memory"] = server.memory()
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(niced_chromium(tmp)),
                                              args=LAUNCH_ARGS, headless=True)
            for nb in notebooks:
                t0 = time.monotonic()
                res = await bench_module(browser, server, nb, cfg, pool, idle_kernels)
                result["pages"][nb] = res
                partial = RESULTS / f"{cfg.out}.partial.json"
                partial.parent.mkdir(parents=True, exist_ok=True)
                partial.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
                tti = (res.get("tti_cold_ms") or {}).get("median")
                print(f"bench: {nb}: cold median {fmt_ms(tti)} ms, {time.monotonic() - t0:.0f} s "
                      f"({res.get('settle_wait_s', 0):.0f} s of it waiting for the server to settle)", flush=True)
            candidates = [nb for nb in notebooks if nb != BASELINE and "error" not in result["pages"][nb]]
            room_nb = cfg.room_module or max(
                candidates or [BASELINE],
                key=lambda nb: (result["pages"][nb].get("tti_cold_ms") or {}).get("median") or 0)
            if cfg.room_pool is not None and cfg.rooms:
                # a workshop server: restarted with a pool as large as the room, filled beforehand
                # (pre-rendered copies of the room's page, as KATLEARN_PRERENDER_POOLS sets them up)
                server.stop()
                server = start_server(tmp, root, port, {**extra_env, "KATLEARN_PRERENDER_POOLS": f"{room_nb}={cfg.room_pool}"})
                idle_kernels += max(cfg.room_pool - prerender, 0)
                result["room_pool_size"] = cfg.room_pool
                t_fill = time.monotonic()
                await wait_pool(server, pool, 900, kernels=idle_kernels)
                result["room_pool_fill_s"] = time.monotonic() - t_fill
                result["room_idle_memory"] = server.memory()
            for n in ([] if cfg.no_browser_rooms else cfg.rooms):
                await settle(server, idle_kernels, pool, close_s=60, fill_s=300, refilled=True)
                room = await bench_room(browser, server, room_nb, n, cfg.room_window,
                                        result["pages"][room_nb].get("expect"))
                result["rooms"].append(room)
                print(f"bench: room of {n}: p95 {fmt_ms(room['tti_ms']['p95'])} ms, failed {room['failed']}", flush=True)
            await browser.close()
        result["rooms_http"] = []
        for n in cfg.rooms:
            await settle(server, idle_kernels, pool, close_s=120, fill_s=300, refilled=True)
            room = await bench_room_http(server, room_nb, n, cfg.room_window)
            result["rooms_http"].append(room)
            print(f"bench: HTTP room of {n}: HTML p95 {fmt_ms(room['html_done_ms']['p95'])} ms, "
                  f"failed {room['failed']}", flush=True)
        result["after_rooms_kernels"] = await wait_kernels(server, idle_kernels, 30)
    finally:
        server.stop()
    result["compute"] = compute_costs(root, notebooks, cfg.samples * 3)
    result["imports"] = import_costs()
    result["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    result["wall_s"] = time.monotonic() - t_start
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 2 loads per page, room of 5")
    ap.add_argument("--modules", default="", help="comma-separated notebook name prefixes (default: all)")
    ap.add_argument("--port", type=int, default=8890)
    ap.add_argument("--loads", type=int, default=None, help="cold and warm loads per page (default 5; quick 2)")
    ap.add_argument("--samples", type=int, default=None, help="latency samples per page (default 10; quick 4)")
    ap.add_argument("--rooms", default=None, help="room sizes, e.g. 10,20,30 (quick: 5)")
    ap.add_argument("--room-window", type=float, default=30.0, help="seconds over which a room arrives")
    ap.add_argument("--room-module", default=None, help="notebook the room opens (default: the slowest page)")
    ap.add_argument("--no-browser-rooms", action="store_true",
                    help="rooms with plain HTTP clients only (the benchmark's own browsers would share the CPU)")
    ap.add_argument("--room-pool", type=int, default=None,
                    help="restart the server for the rooms with this many pre-rendered copies of the room's page "
                         "(the README's workshop set-up; default: the largest room; 0: the everyday server)")
    ap.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                    help="extra environment for the server, e.g. KATLEARN_POOL_SIZE=8 (repeatable)")
    ap.add_argument("--out", default="latest", help="results file stem in benchmarks/results/")
    ap.add_argument("--report", type=Path, default=None, help="only rewrite the Markdown table of a results JSON")
    cfg = ap.parse_args(argv)
    if cfg.report:
        res = json.loads(cfg.report.read_text(encoding="utf-8"))
        md = markdown(res)
        cfg.report.with_suffix(".md").write_text(md, encoding="utf-8")
        print(md)
        return 0
    cfg.modules = [m for m in cfg.modules.split(",") if m]
    cfg.loads = cfg.loads or (2 if cfg.quick else 5)
    cfg.samples = cfg.samples or (4 if cfg.quick else 10)
    cfg.rooms = [int(n) for n in (cfg.rooms or ("5" if cfg.quick else "10,20,30")).split(",") if n]
    if cfg.quick and cfg.room_window == 30.0:
        cfg.room_window = 10.0
    if cfg.room_pool is None:
        cfg.room_pool = max(cfg.rooms, default=0)
    cfg.room_pool = cfg.room_pool or None
    res = asyncio.run(main_async(cfg))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{cfg.out}.json").write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
    md = markdown(res)
    (RESULTS / f"{cfg.out}.md").write_text(md, encoding="utf-8")
    (RESULTS / f"{cfg.out}.partial.json").unlink(missing_ok=True)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
