"""Pre-rendered pages: a kernel has run each page's notebook before anyone asks for it.

:class:`PrerenderKernelManager` is Voila's pre-render pool (built with Voila's public
``voila_kernel_manager_factory`` on :class:`~katlearn.server._kernels.CourseKernelManager`, so a
page without a ready copy gets a warm kernel) made fit for a course:

- a page is only handed a copy whose notebook has run (:func:`copy_finished`): Voila hands out a copy
  as soon as its kernel has started, and a page streamed on from the middle of the render showed
  "widget model not found" for some widgets under load; without a finished copy the page is
  served the ordinary way (a warm kernel);
- a copy Voila could not make (a notebook that cannot be read) is dropped from its pool: Voila's
  ``shutdown_kernel`` reads every pool entry, so one such notebook made every close beacon fail;
- a copy handed out counts as active from then: pooled kernels are never culled, but the moment one
  is handed to a page it is an ordinary kernel whose last activity is when it was pre-rendered, and
  a cull pass could shut it down before the page's widgets connected;
- the first fill at start-up is staggered (home page first) rather than all at once; the extra
  copies of a workshop pool, and copies handed out, are made one at a time once arrivals pause
  (for a pool with under a quarter of its copies left, after ``refill_delay_s``; otherwise only
  once the room has stopped arriving for ``room_quiet_s``).

The learner's own parts of a page (progress, saved answers) are built when the learner arrives
(:mod:`katlearn.widgets.live`). :class:`katlearn.server.CourseVoila` runs this manager when its
``prerender`` option is on.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from traitlets import Dict, Float, Integer, default
from voila.voila_kernel_manager import voila_kernel_manager_factory

from katlearn import paths
from katlearn.server._kernels import CourseKernelManager
from katlearn.server._voila_private import prerender_pool, prerendered_notebooks, start_copy, waiting_kernels

HOME_NOTEBOOK = "00_start_here.ipynb"


def configured_page_config(page_config: dict, *, voila_configuration, **kwargs) -> dict:
    """The page config hook Voila is configured with (``VoilaConfiguration.page_config_hook``),
    applied to pre-rendered copies as Voila's page handler applies it to other pages."""
    hook = voila_configuration.page_config_hook
    return hook(page_config, voila_configuration=voila_configuration, **kwargs) if hook else page_config


# Voila's pre-render pool on the course's kernel manager.
_VoilaPrerenderPool = voila_kernel_manager_factory(
    CourseKernelManager, preheat_kernel=True, default_pool_size=1, page_config_hook=configured_page_config)


class PrerenderKernelManager(_VoilaPrerenderPool):
    """Voila's pre-render pool with ready-only hand-outs, staggered filling and paced refills."""

    copies = Integer(1, config=True, help="Pre-rendered copies kept of every page (0: none).")
    page_copies = Dict(
        value_trait=Integer(), config=True,
        help="Copies kept of particular pages, e.g. {'03_neuroplasticity.ipynb': 30} for a workshop.")
    stagger_s = Float(
        2.5, config=True,
        help="At start-up pages are pre-rendered one after another, this many seconds apart, home "
             "page first: all at once would keep every core busy while the first learner waits.")
    pace_s = Float(2.0, config=True, help="Seconds between re-made copies, which are made one at a time.")
    room_quiet_s = Float(
        20.0, config=True,
        help="A pool with at least a quarter of its copies left is refilled once no copy has been "
             "handed out for this long: while a room arrives, the CPU serves their pages.")

    @default("kernel_pools_config")
    def _default_kernel_pools_config(self) -> dict:
        everyday = {"pool_size": max(self.copies, 0), "kernel_env_variables": self.default_env_variables}
        return {"default": everyday, **{name: {**everyday, "pool_size": max(size, 0)}
                                        for name, size in self.page_copies.items()}}

    def __init__(self, **kwargs) -> None:
        self._copies_starting = True  # Voila's __init__ fills every pool
        self._copies_stopping = False
        self._wanted: dict[str, dict] = {}  # notebooks whose copies are to be re-made, with fill arguments
        self._last_handout = 0.0
        self._refiller: asyncio.Future | None = None
        parent = kwargs.get("parent")
        self._order = prerender_order(Path(getattr(parent, "root_dir", None) or paths.notebooks()))
        super().__init__(**kwargs)
        self._copies_starting = False

    def target(self, notebook_name: str) -> int:
        """Copies of ``notebook_name`` to keep."""
        pools = self.kernel_pools_config
        return int(pools.get(notebook_name, pools.get("default", {})).get("pool_size", 0))

    def ready(self, notebook_name: str) -> list[asyncio.Task]:
        """Copies of ``notebook_name`` rendered and waiting for a learner."""
        return [t for t in prerender_pool(self, notebook_name)
                if t.done() and not t.cancelled() and t.exception() is None]

    # -- filling ----------------------------------------------------------------------------

    def fill_if_needed(self, delay: float | None = None, notebook_name: str | None = None, **kwargs) -> None:
        if self._copies_starting and notebook_name is not None:
            rank = self._order.get(notebook_name.replace(os.sep, "/"), len(self._order))
            if self.target(notebook_name) <= 1:
                return super().fill_if_needed(delay=rank * self.stagger_s, notebook_name=notebook_name,
                                              **kwargs)
            # a workshop pool: its first copy in turn, the others one at a time (all at once, 30
            # notebooks rendering together time out)
            self._start_copy(notebook_name, rank * self.stagger_s, kwargs)
            self._want(notebook_name, kwargs)
            return None
        if delay is None and notebook_name is not None:  # Voila handed a copy out: replace it later
            self._last_handout = asyncio.get_event_loop().time()
            self._want(notebook_name, kwargs)
            return None
        return super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)

    def _start_copy(self, notebook_name: str, delay_s: float, kwargs: dict) -> asyncio.Task:
        task = start_copy(self, notebook_name, delay_s, **kwargs)

        def report(done: asyncio.Task) -> None:  # the line Voila logs when its fill completes a pool
            if not done.cancelled() and done.exception() is None and \
                    len(self.ready(notebook_name)) == self.target(notebook_name):
                self.log.info("Kernel pool of %s is filled with %s kernel(s)", notebook_name,
                              self.target(notebook_name))

        task.add_done_callback(report)
        return task

    def _want(self, notebook_name: str, kwargs: dict) -> None:
        """Have the refiller bring ``notebook_name``'s pool back to its size."""
        self._wanted[notebook_name] = kwargs
        if self._refiller is None or self._refiller.done():
            self._refiller = asyncio.get_event_loop().create_task(self._refill())

    async def _refill(self) -> None:
        """Re-make wanted copies one at a time, each once no copy has been handed out for
        :meth:`_refill_wait_s` (looked at again every second: more hand-outs extend the wait)."""
        loop = asyncio.get_running_loop()
        while self._wanted and not self._copies_stopping:
            name, kwargs = next(iter(self._wanted.items()))
            wait = self._last_handout + self._refill_wait_s(name) - loop.time()
            if wait > 0:
                await asyncio.sleep(min(wait, 1.0))
                continue
            if len(prerender_pool(self, name)) >= self.target(name):
                del self._wanted[name]
                continue
            if any(not t.done() for t in prerender_pool(self, name)):  # one copy at a time: a workshop
                await asyncio.sleep(0.1)  # pool's first copy is made in its turn, the others after it
                continue
            try:
                await self._start_copy(name, 0, kwargs)  # the new copy's kernel has started ...
            except Exception:  # noqa: BLE001 - Voila drops a failed copy from the pool itself
                self.log.exception("katlearn: could not pre-render %s", name)
            await asyncio.sleep(self.pace_s)  # ... and runs its notebook before the next starts

    def _refill_wait_s(self, notebook_name: str) -> float:
        """Short when the pool is (nearly) empty, long while it has a quarter of its copies left."""
        return self.refill_delay_s if len(self.ready(notebook_name)) * 4 < self.target(notebook_name) \
            else self.room_quiet_s

    # -- handing out ------------------------------------------------------------------------

    def finished(self, notebook_name: str) -> list[asyncio.Task]:
        """Ready copies whose notebook has run (see :func:`copy_finished`): only these are handed out."""
        return [t for t in self.ready(notebook_name) if copy_finished(t.result())]

    def get_pool_size(self, notebook_name: str) -> int:
        return len(self.finished(notebook_name))

    async def get_rendered_notebook(self, notebook_name: str, *args, **kwargs):
        pool = prerender_pool(self, notebook_name)
        finished = self.finished(notebook_name)
        if finished:  # Voila hands out the first copy in the pool (before its first await): a finished one
            pool.remove(finished[0])
            pool.insert(0, finished[0])
        rendered = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
        self.mark_active(rendered[2])  # (render task, rendered cells, kernel id)
        return rendered

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs):
        self._drop_failed_copies()
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)

    def _drop_failed_copies(self) -> None:
        """Voila keeps the copy of a notebook it could not read (e.g. one saved half-way) in the pool
        as a failed task, and its ``shutdown_kernel`` reads every pool entry's result: one such
        notebook made every page's close beacon fail (400), so kernels of closed pages lived on
        until culled."""
        for name in prerendered_notebooks(self):
            pool = prerender_pool(self, name)
            for task in [t for t in pool if t.done() and (t.cancelled() or t.exception() is not None)]:
                pool.remove(task)
                reason = "cancelled" if task.cancelled() else task.exception()
                self.log.warning("katlearn: %s could not be pre-rendered (%s); it is served without a "
                                 "pre-rendered copy", name, reason)

    async def shutdown_all(self, *args, **kwargs) -> None:
        self._copies_stopping = True
        self._wanted.clear()
        return await super().shutdown_all(*args, **kwargs)


def copy_finished(copy: dict) -> bool:
    """Has a pre-rendered copy (Voila's pool entry: ``kernel_id``, render ``task``) run its notebook?
    A course page stops at its last cell, ``page.ready()``, waiting for its learner (its kernel is
    then among the waiting kernels); any other notebook runs to the end."""
    return copy["kernel_id"] in waiting_kernels() or copy["task"].done()


def prerender_order(root: Path) -> dict[str, int]:
    """Notebook paths (relative to ``root``) in the order to pre-render them: home page first."""
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
    names.sort(key=lambda n: (n != HOME_NOTEBOOK, n))
    return {name: i for i, name in enumerate(names)}
