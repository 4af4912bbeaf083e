"""The course's kernel manager: culling that is safe while kernels start, and warm kernels on standby.

:class:`CourseKernelManager` is jupyter-server's kernel manager with two changes, each an option:

- the idle culler leaves alone kernels that are still starting (jupyter-server's cull pass reads
  ``last_activity``, which a kernel only has once started, and logs a traceback as an ERROR for
  every starting kernel it meets; with pages opening all the time that happens often);
- ``warm_pool_size`` kernels are kept warm for any page: started in the notebooks' folder with the
  environment Voila gives page kernels, with what the notebooks import imported and no notebook
  code run (so they hold no learner's state). A page that asks for a kernel gets a warm one (its
  request-specific environment applied then), and the pool refills one kernel at a time, so
  refilling never takes both cores from pages being served. Pooled kernels are never culled; a
  kernel handed out counts as active from the hand-out.

Voila makes it from ``VoilaConfiguration.multi_kernel_manager_class``; a hub's single-user server
from ``ServerApp.kernel_manager_class``. The pool fills from :meth:`start_warm_pool`, which the app
that runs the manager calls (a manager made and never used starts no kernels), and refills as
kernels are taken.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float, Integer, TraitError
from voila.utils import ENV_VARIABLE


class CourseKernelManager(AsyncMappingKernelManager):
    """jupyter-server's kernel manager with cull-safe start-up and a pool of warm kernels."""

    warm_pool_size = Integer(
        0, config=True,
        help="Warm kernels (started, the notebooks' imports done, no notebook run) kept for any page. "
             "Each costs about one idle kernel's memory (~100 MB) and saves a learner ~2 s of CPU.")
    refill_delay_s = Float(
        3.0, config=True,
        help="Seconds after a pooled kernel is handed out before its replacement starts: starting "
             "Python and importing the course would otherwise compete with the page being served.")
    warm_timeout_s = Float(120.0, config=True, help="Longest wait for a warm kernel's imports.")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._warm: list[str] = []  # ready kernel ids, oldest first
        self._warming: set[str] = set()
        self._filler: asyncio.Future | None = None
        self._warm_env: dict[str, str] = {}
        self._stopping = False
        # kernels being shut down: a second request for one (the culler, or a beacon sent twice)
        # waits for the first instead of sending the kernel another shutdown request, which a
        # kernel already closing its sockets answers with a traceback in the server log
        self._shutting_down: dict[str, asyncio.Future] = {}

    # -- culling ----------------------------------------------------------------------------

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        if kernel_id in self._warming or kernel_id in self._warm or kernel_id in self._shutting_down \
                or kernel_id not in self:
            return None
        try:
            self.get_kernel(kernel_id).last_activity  # noqa: B018 - unset (TraitError) while it starts
        except TraitError:
            return None
        return await super().cull_kernel_if_idle(kernel_id)

    # -- the warm pool ----------------------------------------------------------------------

    def start_warm_pool(self) -> None:
        """Start keeping ``warm_pool_size`` warm kernels (from the next turn of the event loop)."""
        asyncio.get_event_loop().call_soon(self._fill_soon)

    def warm_kernel_ids(self) -> list[str]:
        """Warm kernels ready to be handed out, oldest first."""
        return list(self._warm)

    def _warm_base_env(self) -> dict[str, str]:
        """The environment Voila gives a page's kernel, less the request's own parts."""
        app = self.parent
        base_url = getattr(app, "base_url", "/")
        return {
            **os.environ,
            ENV_VARIABLE.VOILA_PREHEAT: "False",
            ENV_VARIABLE.VOILA_BASE_URL: base_url,
            ENV_VARIABLE.VOILA_SERVER_URL: getattr(app, "server_url", None) or base_url,
            ENV_VARIABLE.VOILA_APP_PORT: str(getattr(app, "port", "")),
        }

    def _fill_soon(self) -> None:
        if not self._stopping and self.warm_pool_size > 0 and (self._filler is None or self._filler.done()):
            self._filler = asyncio.ensure_future(self._fill())

    async def _fill(self) -> None:
        while not self._stopping and len(self._warm) + len(self._warming) < self.warm_pool_size:
            try:
                await self._start_warm()
            except Exception:  # noqa: BLE001 - a failed warm kernel must not stop serving
                self.log.exception("katlearn: could not start a warm kernel")
                await asyncio.sleep(5)

    async def _start_warm(self) -> None:
        env = self._warm_base_env()
        kernel_id = await super().start_kernel(kernel_name=self.default_kernel_name, path="", env=env)
        self._warming.add(kernel_id)
        try:
            code = warmup_code(warmup_modules(Path(self.root_dir)))
            await self._run_code(kernel_id, code, timeout_s=self.warm_timeout_s)
        finally:
            self._warming.discard(kernel_id)
        if kernel_id in self:
            self._warm_env = env
            self._warm.append(kernel_id)
            self.log.info("katlearn: warm kernel %s ready (%d in pool)", kernel_id, len(self._warm))

    async def _run_code(self, kernel_id: str, code: str, timeout_s: float) -> None:
        client = self.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=timeout_s)
            msg_id = client.execute(code, silent=True, store_history=False, allow_stdin=False)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout_s
            while True:
                reply = await client.get_shell_msg(timeout=max(deadline - loop.time(), 0.1))
                if reply["parent_header"].get("msg_id") == msg_id:
                    return
        finally:
            client.stop_channels()

    def _take_warm(self, kernel_name: str | None, path: str | None) -> str | None:
        """A warm kernel for a page asking for ``kernel_name`` in ``path``, if one fits."""
        if kernel_name not in (None, self.default_kernel_name):
            return None
        if self.cwd_for_path(path or "") != self.cwd_for_path(""):
            return None
        while self._warm:
            kernel_id = self._warm.pop(0)
            if kernel_id in self:
                return kernel_id
        return None

    def mark_active(self, kernel_id: str) -> None:
        """Count a kernel as active from now (a pooled kernel handed to a page, whose last activity
        was long ago, must not be culled before the page's widgets connect)."""
        if kernel_id in self:
            self.get_kernel(kernel_id).last_activity = datetime.now(timezone.utc)

    # -- the kernel manager API Voila uses ---------------------------------------------------

    async def start_kernel(self, *, kernel_id: str | None = None, path: str | None = None, **kwargs) -> str:
        warm = self._take_warm(kwargs.get("kernel_name"), path) if kernel_id is None else None
        if warm is None:
            self._fill_soon()
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        # refill once this page's notebook has had the CPU to itself
        asyncio.get_running_loop().call_later(self.refill_delay_s, self._fill_soon)
        self.mark_active(warm)
        changed = {k: v for k, v in (kwargs.get("env") or {}).items() if self._warm_env.get(k) != v}
        if changed:
            code = ("import os as _os, json as _json\n"
                    f"_os.environ.update(_json.loads({json.dumps(json.dumps(changed))}))\n"
                    "del _os, _json\n")
            try:
                await self._run_code(warm, code, timeout_s=30)
            except Exception:  # noqa: BLE001
                self.log.exception("katlearn: could not set the page's environment in a warm kernel")
        self.mark_active(warm)
        self.log.info("katlearn: using warm kernel %s", warm)
        return warm

    async def shutdown_kernel(self, kernel_id: str, *args, **kwargs) -> None:
        if kernel_id in self._shutting_down:
            return await asyncio.shield(self._shutting_down[kernel_id])
        if kernel_id in self._warm:
            self._warm.remove(kernel_id)
        done = self._shutting_down[kernel_id] = asyncio.get_running_loop().create_future()
        try:
            result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        except BaseException as exc:
            done.set_exception(exc)
            done.exception()  # retrieved here; a waiting second request re-raises it
            raise
        else:
            done.set_result(result)
        finally:
            del self._shutting_down[kernel_id]
        self._fill_soon()
        return result

    async def shutdown_all(self, *args, **kwargs) -> None:
        self._stopping = True
        self._warm.clear()
        return await super().shutdown_all(*args, **kwargs)


def warmup_modules(notebooks_dir: Path) -> list[str]:
    """Modules the course's notebooks import, for warm kernels to import ahead of any request."""
    found: dict[str, None] = {"ipywidgets": None}
    for nb_path in sorted(notebooks_dir.glob("*.ipynb")):
        try:
            cells = json.loads(nb_path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", ""))
            lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found.update(dict.fromkeys(a.name for a in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    found.update(dict.fromkeys(f"{node.module}.{a.name}" for a in node.names if a.name != "*"))
    return list(found)


def warmup_code(modules: list[str]) -> str:
    """Code a warm kernel runs: import ``modules`` and read the course's content files (quiz banks,
    glossary, references: cached until a file changes), leaving no names in the user namespace."""
    return (
        "def _katlearn_warm(names):\n"
        "    import importlib\n"
        "    for name in names:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except Exception:\n"
        "            pass\n"
        "    try:\n"
        "        importlib.import_module('katlearn.content').preload()\n"
        "    except Exception:\n"
        "        pass\n"
        f"_katlearn_warm({modules!r})\n"
        "del _katlearn_warm\n"
    )
