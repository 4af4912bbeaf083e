"""PrerenderKernelManager: which copies are made when, and which copy a learner is handed.

Copies here are stand-ins (no kernel, no notebook run): ``_initialize``, the step Voila runs for
each copy, is replaced by one that finishes when the test says so.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from voila.app import Voila

from katlearn.server import PrerenderKernelManager
from katlearn.server._prerender import prerender_order
from katlearn.server._voila_private import prerender_pool


class StandInCopies(PrerenderKernelManager):
    """Copies that finish rendering when ``release(name)`` is called (or at once, if ``instant``)."""

    def __init__(self, instant: bool = False, finish_renders: bool = True, **kwargs) -> None:
        self.instant = instant
        self.finish_renders = finish_renders
        self.renders: dict[str, asyncio.Future] = {}  # kernel id -> the copy's render task
        self.made: list[str] = []  # notebook of each copy, in the order they started
        self.spans: list[tuple[str, float, float]] = []  # notebook, start, end of each copy
        self.gates: dict[str, list[asyncio.Event]] = {}
        super().__init__(**kwargs)

    async def _initialize(self, notebook_path, kernel_id=None, **kwargs):
        loop = asyncio.get_running_loop()
        start = loop.time()
        self.made.append(notebook_path)
        try:
            if not self.instant:
                gate = asyncio.Event()
                self.gates.setdefault(notebook_path, []).append(gate)
                await gate.wait()
            await asyncio.sleep(0.01)
        finally:
            self.spans.append((notebook_path, start, loop.time()))
        kernel = f"{notebook_path}#{len(self.made)}"
        renderer = SimpleNamespace(stop_generator=False, rendered_cache=[f"<p>{kernel}</p>"])
        render = asyncio.get_running_loop().create_future()
        if self.finish_renders:  # the notebook has run (a course page would now wait in page.ready())
            render.set_result(([], None))
        self.renders[kernel] = render
        return {"task": render, "renderer": renderer, "kernel_id": kernel}

    def ready_names(self) -> set[str]:
        return {name for name in self.made if self.get_pool_size(name)}

    def release(self, notebook_path: str, which: int = 0) -> None:
        self.gates[notebook_path][which].set()


async def _until(predicate, timeout_s: float = 10) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def _course(root, *names):
    for name in names:
        (root / name).write_text("{}", encoding="utf-8")
    return Voila(root_dir=str(root), server_url="/")


def test_prerender_order_starts_with_the_home_page(tmp_path):
    for name in ("07_b.ipynb", "00_start_here.ipynb", "01_a.ipynb", "educator_dashboard.ipynb"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "01_a-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    order = prerender_order(tmp_path)
    assert list(order) == ["00_start_here.ipynb", "01_a.ipynb", "07_b.ipynb", "educator_dashboard.ipynb"]


def test_pool_sizes_come_from_copies_and_page_copies(tmp_path):
    app = _course(tmp_path)
    km = PrerenderKernelManager(parent=app, copies=2, page_copies={"03.ipynb": 30})
    assert km.target("01.ipynb") == 2 and km.target("03.ipynb") == 30
    assert km.kernel_pools_config["03.ipynb"]["pool_size"] == 30  # Voila's own setting, derived


def test_pages_are_prerendered_home_first_one_after_another(tmp_path):
    app = _course(tmp_path, "01_a.ipynb", "00_start_here.ipynb", "02_b.ipynb")

    async def scenario():
        km = StandInCopies(instant=True, parent=app, stagger_s=0.05)
        await _until(lambda: len(km.ready_names()) == 3)
        assert km.made == ["00_start_here.ipynb", "01_a.ipynb", "02_b.ipynb"]
        starts = [start for _name, start, _end in km.spans]
        assert all(b - a >= 0.04 for a, b in zip(starts, starts[1:])), starts  # stagger_s apart
        assert all(km.get_pool_size(n) == 1 for n in km.made)
        await km.shutdown_all()

    asyncio.run(scenario())


def test_a_learner_is_handed_only_a_ready_copy(tmp_path):
    app = _course(tmp_path, "a.ipynb")

    async def scenario():
        km = StandInCopies(parent=app, copies=2, stagger_s=0, pace_s=0, refill_delay_s=60, room_quiet_s=60)
        await _until(lambda: len(km.gates.get("a.ipynb", ())) == 1)
        assert km.get_pool_size("a.ipynb") == 0  # a copy on its way, none ready: the page is
        km.release("a.ipynb", 0)                 # served the ordinary way (Voila asks this first)
        await _until(lambda: len(km.gates["a.ipynb"]) == 2)  # the next copy once the first has started
        km.release("a.ipynb", 1)
        await _until(lambda: km.get_pool_size("a.ipynb") == 2)
        # make the second copy the only ready one, and put a copy still being made in front
        pool = prerender_pool(km, "a.ipynb")
        pool.pop(0)
        pending = asyncio.get_running_loop().create_future()
        pool.insert(0, pending)
        assert km.get_pool_size("a.ipynb") == 1
        _task, cache, kernel_id = await asyncio.wait_for(km.get_rendered_notebook("a.ipynb"), 5)
        assert kernel_id.startswith("a.ipynb#") and cache == [f"<p>{kernel_id}</p>"]
        assert pool == [pending]  # the copy being made is still there, for the next learner
        pool.remove(pending)
        await km.shutdown_all()

    asyncio.run(scenario())


def test_a_workshop_pool_is_made_one_copy_at_a_time(tmp_path):
    app = _course(tmp_path, "00_start_here.ipynb", "03_w.ipynb")

    async def scenario():
        km = StandInCopies(instant=True, parent=app, copies=1, page_copies={"03_w.ipynb": 4},
                           stagger_s=0.05, pace_s=0.05)
        await _until(lambda: km.get_pool_size("03_w.ipynb") == 4)
        assert km.made.count("03_w.ipynb") == 4 and km.get_pool_size("03_w.ipynb") == 4
        assert km.made.count("00_start_here.ipynb") == 1
        # after its first copy (made in its turn, like every page's), the others one at a time
        extra = sorted((start, end) for name, start, end in km.spans if name == "03_w.ipynb")[1:]
        assert all(end <= next_start for (_s, end), (next_start, _e) in zip(extra, extra[1:])), extra
        await km.shutdown_all()

    asyncio.run(scenario())


def test_a_copy_handed_out_is_replaced_once_arrivals_pause(tmp_path):
    app = _course(tmp_path, "a.ipynb")

    async def scenario():
        km = StandInCopies(instant=True, parent=app, copies=1, stagger_s=0, pace_s=0, refill_delay_s=0.5)
        await _until(lambda: km.get_pool_size("a.ipynb") == 1)
        loop = asyncio.get_running_loop()
        handed_out = loop.time()
        await km.get_rendered_notebook("a.ipynb")
        await asyncio.sleep(0.2)
        assert km.get_pool_size("a.ipynb") == 0 and len(km.made) == 1  # not re-made at once ...
        await _until(lambda: km.get_pool_size("a.ipynb") == 1)  # ... but after refill_delay_s
        assert len(km.made) == 2 and km.spans[-1][1] - handed_out >= 0.5
        await km.shutdown_all()

    asyncio.run(scenario())


def test_a_copy_is_handed_out_only_once_its_notebook_has_run(tmp_path, monkeypatch):
    """Voila counts a copy as made once its kernel has started; handed out then, a page streamed on
    from the middle of the render and under load showed "widget model not found". A course page's
    copy has run when its last cell, page.ready(), waits for the learner; another notebook's when
    its render has finished."""
    from katlearn.server import _prerender

    waiting: dict = {}
    monkeypatch.setattr(_prerender, "waiting_kernels", lambda: waiting)
    app = _course(tmp_path, "a.ipynb", "b.ipynb")

    async def scenario():
        km = StandInCopies(instant=True, finish_renders=False, parent=app, stagger_s=0, pace_s=0,
                           refill_delay_s=60, room_quiet_s=60)
        await _until(lambda: len(km.renders) == 2)
        assert km.get_pool_size("a.ipynb") == 0 and km.get_pool_size("b.ipynb") == 0  # kernels started,
        a_kernel = next(k for k in km.renders if k.startswith("a.ipynb"))  # notebooks still running
        waiting[a_kernel] = object()  # a.ipynb's page.ready() now waits for its learner
        km.renders[next(k for k in km.renders if k.startswith("b.ipynb"))].set_result(([], None))
        assert km.get_pool_size("a.ipynb") == 1 and km.get_pool_size("b.ipynb") == 1
        _task, _cache, kernel_id = await asyncio.wait_for(km.get_rendered_notebook("a.ipynb"), 5)
        assert kernel_id == a_kernel
        await km.shutdown_all()

    asyncio.run(scenario())


def test_a_copy_that_could_not_be_made_does_not_break_closing_pages(tmp_path):
    """Voila's shutdown_kernel reads every pool entry's result: a failed copy (a notebook saved
    half-way) made every page's close beacon fail, so kernels of closed pages lived on."""
    app = _course(tmp_path, "a.ipynb")

    async def scenario():
        km = StandInCopies(instant=True, parent=app, stagger_s=0, pace_s=0, refill_delay_s=60, room_quiet_s=60)
        await _until(lambda: km.get_pool_size("a.ipynb") == 1)
        failed = asyncio.get_running_loop().create_future()
        failed.set_exception(ValueError("Notebook does not appear to be JSON"))
        prerender_pool(km, "bad.ipynb").append(failed)
        km._drop_failed_copies()
        assert prerender_pool(km, "bad.ipynb") == [] and km.get_pool_size("a.ipynb") == 1
        await km.shutdown_all()

    asyncio.run(scenario())
