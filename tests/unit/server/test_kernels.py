"""CourseKernelManager: warm kernels for any page, and a culler that leaves starting kernels alone."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

from katlearn.server import CourseKernelManager
from katlearn.server._kernels import warmup_code, warmup_modules


def test_warmup_imports_what_notebooks_import_and_nothing_else(tmp_path):
    cells = [
        {"cell_type": "code", "source": "from katlearn.widgets import page, quiz\nimport numpy as np\n%matplotlib inline"},
        {"cell_type": "code", "source": "def f():\n    import scipy\npage.setup('x')"},
        {"cell_type": "code", "source": "this is not python ("},
        {"cell_type": "markdown", "source": "import os"},
    ]
    (tmp_path / "a.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")
    mods = warmup_modules(tmp_path)
    assert mods == ["ipywidgets", "katlearn.widgets", "katlearn.widgets.page", "katlearn.widgets.quiz", "numpy"]

    ns: dict = {}
    exec(warmup_code(["json", "no_such_module_xyz"]), ns)  # noqa: S102 - a missing module is skipped
    assert set(ns) == {"__builtins__"}, "warm-up must leave no names for the notebook to trip over"


def test_warmup_reads_the_content_files_into_the_caches():
    from katlearn.content import _load

    _load._bank_cached.cache_clear()
    _load._glossary_cached.cache_clear()
    _load._references_cached.cache_clear()
    exec(warmup_code([]), {})  # noqa: S102
    banks = sorted((_load._root(None) / "assets" / "quizzes").glob("*.yaml"))
    assert _load._bank_cached.cache_info().currsize == len(banks) > 0
    assert _load._glossary_cached.cache_info().currsize == 1
    assert _load._references_cached.cache_info().currsize == 1


def test_the_culler_leaves_a_starting_kernel_alone_and_culls_an_idle_one(caplog):
    """A kernel has no ``last_activity`` until it has started; jupyter-server's cull pass would log
    a TraitError traceback for it."""
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

    km = CourseKernelManager(cull_idle_timeout=1)
    km._kernels["starting"] = ServerKernelManager(parent=km)  # (test only) not started: no last_activity
    culled = []

    async def shutdown(kernel_id, *args, **kwargs):
        culled.append(kernel_id)

    km.shutdown_kernel = shutdown
    asyncio.run(km.cull_kernel_if_idle("starting"))
    asyncio.run(km.cull_kernel_if_idle("gone"))
    assert culled == [] and "Traceback" not in caplog.text

    idle = ServerKernelManager(parent=km, kernel_name="python3", execution_state="idle",
                               last_activity=datetime.now(timezone.utc) - timedelta(seconds=60))
    km._kernels["idle"] = idle
    km._kernel_connections["idle"] = 0
    asyncio.run(km.cull_kernel_if_idle("idle"))
    assert culled == ["idle"]


def test_a_page_gets_a_warm_kernel_and_the_pool_refills(tmp_path):
    (tmp_path / "sub").mkdir()

    async def scenario():
        km = CourseKernelManager(root_dir=str(tmp_path), warm_pool_size=1, refill_delay_s=0.1)
        try:
            assert km.warm_kernel_ids() == []  # made, not started: no kernels yet
            km.start_warm_pool()
            await _until(lambda: km.warm_kernel_ids(), 60)
            [warm] = km.warm_kernel_ids()
            old = datetime.now(timezone.utc) - timedelta(hours=1)
            km.get_kernel(warm).last_activity = old
            page = await km.start_kernel(kernel_name="python3", path="", env={"KATLEARN_PAGE": "1"})
            assert page == warm
            assert km.get_kernel(page).last_activity > old  # active from the hand-out
            await _until(lambda: km.warm_kernel_ids(), 60)  # refilled
            [refill] = km.warm_kernel_ids()
            assert refill != page
            other = await km.start_kernel(kernel_name="python3", path="sub")  # another folder: not warm
            assert other not in (page, refill) and km.warm_kernel_ids() == [refill]
            assert await km.cull_kernel_if_idle(refill) is None and refill in km  # pooled: never culled
        finally:
            await km.shutdown_all()
        assert km.list_kernel_ids() == []

    asyncio.run(scenario())


async def _until(predicate, timeout_s: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.1)


def test_a_kernel_is_sent_one_shutdown_however_often_it_is_asked_to_stop():
    """A page's close beacon and the culler (or a beacon sent twice) can ask for the same kernel at
    once; a second shutdown request reached a kernel already closing its sockets, which logged a
    ZMQ traceback (the kernel-churn browser test failed on it now and then)."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    calls = []

    async def slow_shutdown(self, kernel_id, *args, **kwargs):
        calls.append(kernel_id)
        await asyncio.sleep(0.2)

    async def scenario():
        km = CourseKernelManager()
        km._kernels["k1"] = object()
        original = AsyncMappingKernelManager.shutdown_kernel
        AsyncMappingKernelManager.shutdown_kernel = slow_shutdown
        try:
            first = asyncio.ensure_future(km.shutdown_kernel("k1"))
            await asyncio.sleep(0.05)
            assert await km.cull_kernel_if_idle("k1") is None  # the culler leaves it alone meanwhile
            await asyncio.gather(first, km.shutdown_kernel("k1"))
        finally:
            AsyncMappingKernelManager.shutdown_kernel = original
        return calls

    assert asyncio.run(scenario()) == ["k1"]
