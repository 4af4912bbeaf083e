"""katlearn.serve: the options Voila gets, the warm-up code, the static-file policies."""

from __future__ import annotations

import gzip
import json

import pytest

from katlearn import serve


def _value(argv: list[str], flag: str) -> str:
    hit = [a for a in argv if a.startswith(flag + "=")]
    assert len(hit) == 1, (flag, argv)
    return hit[0].split("=", 1)[1]


def test_defaults(monkeypatch):
    for name in ("KATLEARN_POOL_SIZE", "KATLEARN_PRERENDER", "KATLEARN_PRERENDER_POOLS",
                 "KATLEARN_CULL_IDLE_TIMEOUT_S", "KATLEARN_CULL_INTERVAL_S"):
        monkeypatch.delenv(name, raising=False)
    argv = serve.voila_argv(port=8899)
    assert _value(argv, "--MappingKernelManager.cull_idle_timeout") == str(serve.CULL_IDLE_TIMEOUT_S)
    assert _value(argv, "--MappingKernelManager.cull_interval") == str(serve.CULL_INTERVAL_S)
    # pages pre-rendered, one warm kernel standing by for a page without a ready copy
    assert _value(argv, "--VoilaConfiguration.preheat_kernel") == "True"
    assert _value(argv, "--VoilaConfiguration.default_pool_size") == str(serve.PRERENDER) == "1"
    assert _value(argv, "--KatVoila.warm_pool_size") == str(serve.POOL_SIZE_WITH_PRERENDER)
    denied = [a.split("=", 1)[1] for a in argv if a.startswith("--VoilaConfiguration.extension_denylist=")]
    assert denied == list(serve.EXTENSION_DENYLIST)
    assert "jupyterlab-plotly" in serve.EXTENSION_DENYLIST
    assert "--template=katlearn" in argv
    assert _value(argv, "--KernelManager.transport") == "ipc"  # no TCP port races between kernels
    present = serve.voila_argv(present=True)
    assert "--template=katlearn-reveal" in present
    assert not any("preheat_kernel" in a for a in present)
    assert _value(present, "--KatVoila.warm_pool_size") == str(serve.POOL_SIZE)


def test_environment_knobs(monkeypatch):
    monkeypatch.setenv("KATLEARN_CULL_IDLE_TIMEOUT_S", "12")
    monkeypatch.setenv("KATLEARN_CULL_INTERVAL_S", "2")
    monkeypatch.setenv("KATLEARN_POOL_SIZE", "5")
    monkeypatch.setenv("KATLEARN_PRERENDER", "0")
    monkeypatch.delenv("KATLEARN_PRERENDER_POOLS", raising=False)
    argv = serve.voila_argv()
    assert _value(argv, "--MappingKernelManager.cull_idle_timeout") == "12"
    assert _value(argv, "--MappingKernelManager.cull_interval") == "2"
    assert _value(argv, "--KatVoila.warm_pool_size") == "5"
    assert not any("preheat_kernel" in a for a in argv)

    monkeypatch.setenv("KATLEARN_PRERENDER", "3")
    argv = serve.voila_argv()
    assert _value(argv, "--VoilaConfiguration.preheat_kernel") == "True"
    assert _value(argv, "--VoilaConfiguration.default_pool_size") == "3"
    assert _value(argv, "--KatVoila.warm_pool_size") == "5"

    # a workshop: many copies of one module only
    monkeypatch.setenv("KATLEARN_PRERENDER", "0")
    monkeypatch.setenv("KATLEARN_PRERENDER_POOLS", "03_neuroplasticity.ipynb=30, 04_x.ipynb=2")
    argv = serve.voila_argv()
    assert _value(argv, "--VoilaConfiguration.preheat_kernel") == "True"
    assert _value(argv, "--VoilaConfiguration.default_pool_size") == "0"
    assert serve.prerender_pools() == {"03_neuroplasticity.ipynb": 30, "04_x.ipynb": 2}
    monkeypatch.setenv("KATLEARN_PRERENDER_POOLS", "03_neuroplasticity=30")
    with pytest.raises(SystemExit, match="KATLEARN_PRERENDER_POOLS"):
        serve.voila_argv()
    monkeypatch.delenv("KATLEARN_PRERENDER_POOLS")

    monkeypatch.delenv("KATLEARN_PRERENDER")
    monkeypatch.setenv("KATLEARN_POOL_SIZE", "many")
    with pytest.raises(SystemExit, match="KATLEARN_POOL_SIZE"):
        serve.voila_argv()


def test_prerender_order_starts_with_the_home_page(tmp_path):
    for name in ("07_b.ipynb", "00_start_here.ipynb", "01_a.ipynb", "educator_dashboard.ipynb"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "01_a-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    order = serve._prerender_order(tmp_path)
    assert list(order) == ["00_start_here.ipynb", "01_a.ipynb", "07_b.ipynb", "educator_dashboard.ipynb"]


def test_warmup_imports_what_notebooks_import_and_nothing_else(tmp_path):
    cells = [
        {"cell_type": "code", "source": "from katlearn.widgets import page, quiz\nimport numpy as np\n%matplotlib inline"},
        {"cell_type": "code", "source": "def f():\n    import scipy\npage.setup('x')"},
        {"cell_type": "code", "source": "this is not python ("},
        {"cell_type": "markdown", "source": "import os"},
    ]
    (tmp_path / "a.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")
    mods = serve.warmup_modules(tmp_path)
    assert mods == ["ipywidgets", "katlearn.widgets", "katlearn.widgets.page", "katlearn.widgets.quiz", "numpy"]

    ns: dict = {}
    exec(serve.warmup_code(["json", "no_such_module_xyz"]), ns)  # noqa: S102 - a missing module is skipped
    assert set(ns) == {"__builtins__"}, "warm-up must leave no names for the notebook to trip over"


def test_warmup_reads_the_content_files_into_the_caches():
    from katlearn.content import _load

    _load._bank_cached.cache_clear()
    _load._glossary_cached.cache_clear()
    _load._references_cached.cache_clear()
    exec(serve.warmup_code([]), {})  # noqa: S102
    banks = sorted((_load._root(None) / "assets" / "quizzes").glob("*.yaml"))
    assert _load._bank_cached.cache_info().currsize == len(banks) > 0
    assert _load._glossary_cached.cache_info().currsize == 1
    assert _load._references_cached.cache_info().currsize == 1


@pytest.mark.parametrize(("name", "hashed"), [
    ("/voila/labextensions/anywidget/static/528.d9f5934c.js", True),
    ("/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/remoteEntry.c8c9eed2cdefd1.js", True),
    ("/voila/labextensions/@voila-dashboards/widgets-manager8/static/style.js", False),
    ("/voila/static/7155.voila.js", False),
])
def test_only_content_hashed_names_are_immutable(name, hashed):
    assert bool(serve.HASHED_NAME.search(name)) is hashed


def test_gzip_cache_compresses_once_per_file_version(tmp_path):
    f = tmp_path / "x.js"
    f.write_text("var a = 1;\n" * 1000)
    cache = serve._GzipCache()
    first = cache.get(str(f))
    assert gzip.decompress(first) == f.read_bytes()
    assert cache.get(str(f)) is first
    f.write_text("var b = 2;\n" * 10)
    assert gzip.decompress(cache.get(str(f))) == f.read_bytes()


def test_kernels_use_tcp_where_socket_paths_would_be_too_long(monkeypatch):
    from tests.plugin import scratch_dir

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(scratch_dir() / "runtime"))
    assert serve.kernel_transport() == "ipc"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(scratch_dir() / ("r" * 80)))
    assert serve.kernel_transport() == "tcp"
    assert _value(serve.voila_argv(), "--KernelManager.transport") == "tcp"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(scratch_dir() / "runtime"))
    monkeypatch.setenv("TMPDIR", str(scratch_dir() / ("t" * 80)))
    monkeypatch.setattr("tempfile.tempdir", None)  # re-read TMPDIR
    (scratch_dir() / ("t" * 80)).mkdir(exist_ok=True)
    assert serve.kernel_transport() == "tcp"


def test_voila_still_registers_waiting_copies_where_we_look():
    """``waiting_kernels`` reads Voila's private registry of request-info sockets; a Voila release
    that renames or stops filling it must fail here, not silently hand out half-made pages."""
    from voila.request_info_handler import RequestInfoSocketHandler

    assert serve.waiting_kernels() is RequestInfoSocketHandler._waiters
    handler = RequestInfoSocketHandler.__new__(RequestInfoSocketHandler)
    sent = []
    handler.write_message = sent.append
    RequestInfoSocketHandler._cache["k-test"] = '{"a": "1"}'
    try:
        handler.open("k-test")
        assert serve.waiting_kernels()["k-test"] is handler and sent == ['{"a": "1"}']
        handler.on_close()
        assert "k-test" not in serve.waiting_kernels()
    finally:
        RequestInfoSocketHandler._waiters.pop("k-test", None)
        RequestInfoSocketHandler._cache.pop("k-test", None)


def _prerender_manager():
    """The course's pre-render pool over a stand-in for Voila's (pool entries: futures of
    ``{"kernel_id": ...}``, as Voila keeps them)."""
    import logging

    from traitlets import Dict, HasTraits

    class VoilaPoolStandIn(HasTraits):
        kernel_pools_config = Dict()

        def _kernel_pools_config(self):
            return {"default": {"pool_size": 1}}

        def __init__(self, **kwargs):
            super().__init__()
            self._pools, self._kernels, self.log = {}, {}, logging.getLogger("test")

        def fill_if_needed(self, *args, **kwargs):
            return None

        async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
            content = await self._pools[notebook_name].pop(0)
            return "render-task", [], content["kernel_id"]

    return serve.fresh_after_hand_out(VoilaPoolStandIn)()


def test_a_copy_still_rendering_is_not_handed_out(monkeypatch):
    """Voila offers a request a copy when get_pool_size says there is one: only a copy whose
    notebook has run counts; the request is otherwise served by a kernel of its own."""
    import asyncio

    waiting: dict = {}
    monkeypatch.setattr(serve, "waiting_kernels", lambda: waiting)

    async def scenario():
        manager = _prerender_manager()
        loop = asyncio.get_running_loop()
        started = loop.create_future()
        started.set_result({"kernel_id": "k1", "task": loop.create_future()})  # render still running
        manager._pools["02.ipynb"] = [started]
        manager._kernels["k1"] = type("Kernel", (), {})()
        before = manager.get_pool_size("02.ipynb")
        waiting["k1"] = object()  # its last cell, page.ready(), now waits for the learner
        return before, manager.get_pool_size("02.ipynb"), (await manager.get_rendered_notebook("02.ipynb"))[2]

    assert asyncio.run(scenario()) == (0, 1, "k1")


def test_of_two_copies_the_one_waiting_for_its_learner_goes_first(monkeypatch):
    import asyncio

    monkeypatch.setattr(serve, "waiting_kernels", lambda: {"k2": object()})

    async def scenario():
        manager = _prerender_manager()
        loop = asyncio.get_running_loop()
        copies = []
        for kid in ("k1", "k2"):
            fut = loop.create_future()
            fut.set_result({"kernel_id": kid, "task": loop.create_future()})
            copies.append(fut)
            manager._kernels[kid] = type("Kernel", (), {})()
        manager._pools["02.ipynb"] = copies
        return await asyncio.wait_for(manager.get_rendered_notebook("02.ipynb"), 2)

    assert asyncio.run(scenario())[2] == "k2"


def test_a_copy_of_a_notebook_without_page_ready_is_finished_when_its_render_is(monkeypatch):
    """An educator's own notebook has no ``page.ready()``: its copy is finished when it has run."""
    import asyncio

    monkeypatch.setattr(serve, "waiting_kernels", lambda: {})

    async def scenario():
        loop = asyncio.get_running_loop()
        render = loop.create_future()
        copy = {"kernel_id": "k1", "task": render}
        assert not serve._copy_finished(copy)
        render.set_result(([], None))
        return serve._copy_finished(copy)

    assert asyncio.run(scenario())
