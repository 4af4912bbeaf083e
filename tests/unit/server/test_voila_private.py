"""Each private Voila internal katlearn relies on (katlearn/server/_voila_private.py) still has its
effect in the installed Voila. A failure here means: a Voila upgrade changed what the function
relies on; fix the function, not the test."""

from __future__ import annotations

import asyncio
import json
import re
from types import SimpleNamespace

import voila
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from voila.app import Voila
from voila.voila_kernel_manager import voila_kernel_manager_factory

from katlearn.server import CourseVoila, PrerenderKernelManager
from katlearn.server._voila_private import prerender_pool, start_copy
from tests.unit.server.inprocess import course_app, quiet_config
from tests.unit.server.test_app import PROBE

VoilaPool = voila_kernel_manager_factory(AsyncMappingKernelManager, True, 2)


class RecordedPool(VoilaPool):
    """Voila's own pre-render pool, with each copy's start recorded instead of run."""

    def __init__(self, **kwargs) -> None:
        self.calls: list[tuple[str, dict]] = []
        super().__init__(**kwargs)

    async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
        self.calls.append((notebook_path, kwargs))
        renderer = SimpleNamespace(stop_generator=False, rendered_cache=[])
        return {"task": None, "renderer": renderer, "kernel_id": f"kernel-{len(self.calls)}"}


def test_written_for_voila_0_5():
    assert voila.__version__.startswith("0.5."), "re-check katlearn/server/_voila_private.py for this Voila"


def test_prerender_pool_is_the_list_voila_fills_and_hands_out_from(tmp_path):
    app = Voila(root_dir=str(tmp_path), server_url="/")

    async def scenario():
        km = RecordedPool(parent=app, fill_delay=0)
        km.fill_if_needed(delay=0, notebook_name="a.ipynb")
        pool = prerender_pool(km, "a.ipynb")
        assert len(pool) == 2 and km.get_pool_size("a.ipynb") == 2  # Voila's own count of the list
        await asyncio.gather(*pool)
        second = pool[1]
        pool.insert(0, pool.pop(1))  # reordering decides which copy is handed out next
        _task, _cache, kernel_id = await km.get_rendered_notebook("a.ipynb")
        assert kernel_id == second.result()["kernel_id"]
        assert second not in prerender_pool(km, "a.ipynb")
        km.fill_if_needed(delay=0, notebook_name="b.ipynb")
        assert prerender_pool(km, "b.ipynb") is prerender_pool(km, "b.ipynb")  # the live list, not a copy
        await km.shutdown_all()

    asyncio.run(scenario())


def test_start_copy_starts_a_copy_exactly_as_voilas_fill_does(tmp_path):
    app = Voila(root_dir=str(tmp_path), server_url="/", port=8123)

    async def scenario():
        km = RecordedPool(parent=app, kernel_pools_config={"default": {"pool_size": 1,
                                                                       "kernel_env_variables": {"K": "v"}}})
        arguments = {"extra_kernel_env_variables": {"VOILA_REQUEST_URL": "http://x/"}, "env": {"E": "2"}}
        km.fill_if_needed(delay=0, notebook_name="sub/a.ipynb", **json.loads(json.dumps(arguments)))
        task = start_copy(km, "sub/a.ipynb", 0, **json.loads(json.dumps(arguments)))
        assert prerender_pool(km, "sub/a.ipynb")[-1] is task and len(prerender_pool(km, "sub/a.ipynb")) == 2
        await asyncio.gather(*prerender_pool(km, "sub/a.ipynb"))
        (name_voila, by_voila), (name_ours, by_us) = km.calls
        assert name_voila == name_ours == "sub/a.ipynb"
        assert by_us == by_voila  # same path, same kernel environment, nothing else
        assert by_us["path"] == "sub" and by_us["env"]["K"] == "v" and by_us["env"]["VOILA_APP_PORT"] == "8123"

    asyncio.run(scenario())


def test_voilas_page_handler_serves_a_copy_from_the_replaced_kernel_manager(tmp_path):
    """replace_kernel_manager: Voila's handlers find the manager CourseVoila put in its place."""
    (tmp_path / "probe.ipynb").write_text(json.dumps(PROBE), encoding="utf-8")
    config = quiet_config(CourseVoila={"prerender": True}, PrerenderKernelManager={"copies": 1})

    async def scenario():
        async with course_app(config, root=tmp_path) as app:
            km = app.voila.kernel_manager
            assert isinstance(km, PrerenderKernelManager) and isinstance(app.voila, CourseVoila)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 120
            while km.get_pool_size("probe.ipynb") == 0:
                assert loop.time() < deadline, "no copy was pre-rendered"
                await asyncio.sleep(0.2)
            [copy] = km.ready("probe.ipynb")
            r = await app.fetch("voila/render/probe.ipynb", request_timeout=120)
            assert r.code == 200
            kernel_id = re.search(r'"kernelId": "([0-9a-f-]+)"', r.body.decode()).group(1)
            assert kernel_id == copy.result()["kernel_id"]  # the page came from the pre-rendered copy

    asyncio.run(scenario())


def test_voila_still_registers_waiting_copies_where_we_look():
    """``waiting_kernels`` reads Voila's registry of request-info sockets: a release that renames or
    stops filling it must fail here, not silently keep every copy from being handed out."""
    from voila.request_info_handler import RequestInfoSocketHandler

    from katlearn.server._voila_private import waiting_kernels

    assert waiting_kernels() is RequestInfoSocketHandler._waiters
    handler = RequestInfoSocketHandler.__new__(RequestInfoSocketHandler)
    sent = []
    handler.write_message = sent.append
    RequestInfoSocketHandler._cache["k-test"] = '{"a": "1"}'
    try:
        handler.open("k-test")
        assert waiting_kernels()["k-test"] is handler and sent == ['{"a": "1"}']
        handler.on_close()
        assert "k-test" not in waiting_kernels()
    finally:
        RequestInfoSocketHandler._waiters.pop("k-test", None)
        RequestInfoSocketHandler._cache.pop("k-test", None)
