"""One way to serve the course: ``python -m katlearn serve``.

``make serve``, the browser tests and the benchmarks all start the server through
:func:`voila_argv` and :func:`server_env`, so what is tested is what learners get:

- Voila serves the tree of ``notebooks/`` (modules link to each other) with sources stripped and
  no tracebacks shown to learners; ``/`` redirects to the course home page.
- Idle kernels of closed pages are culled; kernels of open pages are kept. A closed page's kernel
  is shut down at once by Voila's "page closed" beacon (accepted same-origin, see below).
- Every page is pre-rendered (Voila's preheat): a kernel has run the page's notebook before anyone
  asks, so a learner gets a page whose figures are computed; the learner's own parts (progress,
  saved answers) are built when they arrive (:mod:`katlearn.widgets.live`). A warm kernel (started,
  course modules imported, no notebook run) stands by for a page with no ready copy, so a learner
  never waits for Python to start and import.
- Static files are sent gzip-compressed (compressed once per file) and cacheable; hashed file names
  and ``?v=`` URLs are cached for good.
- The ``katlearn`` Voila template (``katlearn/server/share/jupyter/voila/templates/katlearn``) adds the
  course stylesheet and serves everything from this server (no CDN).
- ``/katlearn/static/`` serves course assets and the one local copy of plotly.js, cacheable.

Knobs, read from the environment (for workshops and tests; defaults suit one modest server):

=================================  ========================================================
``KATLEARN_PRERENDER``             pre-rendered copies kept per page with Voila's preheat
                                   (default 1; 0: off). The learner's own parts of a page
                                   (progress, saved answers, …) are built when the learner
                                   arrives: see katlearn/widgets/live.py
``KATLEARN_PRERENDER_POOLS``       more copies for some pages, e.g. for a workshop's module
                                   ``03_neuroplasticity.ipynb=30`` (comma-separated)
``KATLEARN_POOL_SIZE``             warm kernels kept ready for any page (started, imports
                                   done, no notebook run): default 1 with pre-rendering, 2
                                   without; 0: none
``KATLEARN_CULL_IDLE_TIMEOUT_S``   idle seconds before a closed page's kernel is culled (600)
``KATLEARN_CULL_INTERVAL_S``       seconds between cull passes (60)
=================================  ========================================================
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
from pathlib import Path

from katlearn import paths
from katlearn.server import _vendor as kvendor

HOME_NOTEBOOK = "00_start_here.ipynb"
HOST = "127.0.0.1"
SHARE_DIR = Path(__file__).resolve().parent / "server" / "share" / "jupyter"

# Culling: a kernel whose page was closed is shut down after this many idle seconds.
CULL_IDLE_TIMEOUT_S = 600
CULL_INTERVAL_S = 60
# Warm kernels kept ready: each costs about one idle kernel's memory (~100 MB with the course's
# modules imported) and saves every learner the kernel start and imports (~2 s of CPU).
POOL_SIZE = 2
# Pre-rendered pages kept per notebook (Voila's preheat): a learner who opens a page gets it with
# every figure already computed. A warm kernel stands by for a page whose pre-rendered copies are
# all taken (or not ready yet).
PRERENDER = 1
POOL_SIZE_WITH_PRERENDER = 1
# At start-up the pre-rendered pages are made one after another, this many seconds apart, home page
# first: all at once would keep both cores busy for half a minute while the first learner waits.
PRERENDER_STAGGER_S = 2.5
# Handed-out copies are re-made one after another, this many seconds apart.
PRERENDER_PACE_S = 2.0
# A kernel taken from the pool is replaced this many seconds later, not at once: starting Python and
# importing the course (~2 s of CPU) would otherwise compete with the page being served.
REFILL_DELAY_S = 3.0
# A workshop pool with plenty of copies left waits for the room to stop arriving (no page handed out
# for this long) before re-making any: while learners arrive, the CPU serves their pages. Once fewer
# than a quarter of its copies are left, copies are re-made after REFILL_DELAY_S as usual.
ROOM_REFILL_QUIET_S = 20.0
# Labextensions the course does not use, so pages do not load them: figures are PlotView (anywidget)
# drawn with the course's own plotly.js, so plotly's JupyterLab renderer (a 4.8 MB chunk on every
# first visit) is not sent; Voila's "preview in JupyterLab" button and the Pygments theme (for code
# cells, which learners never see) are dead weight on a Voila page.
EXTENSION_DENYLIST = ("jupyterlab-plotly", "@voila-dashboards/jupyterlab-preview", "jupyterlab_pygments")
# Static file types worth compressing (fonts and images are compressed already).
COMPRESSIBLE = re.compile(r"\.(js|mjs|css|json|map|svg|html|txt|ttf|eot)$")
# Webpack names files by content hash (e.g. ``84.09c61a35dce1705f.js``): such a file never changes.
HASHED_NAME = re.compile(r"[.-][0-9a-f]{8,}\.(js|css|woff2?|ttf|svg|eot|png)$")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"katlearn serve: {name}={raw!r} is not a whole number") from None


def default_pool_size() -> int:
    return _env_int("KATLEARN_POOL_SIZE", POOL_SIZE)


def home_path() -> str:
    return f"voila/render/{HOME_NOTEBOOK}"


class CoursePageConfig:
    """Voila's ``page_config_hook``: the per-page config plus the plotly.js URL the page head starts
    loading at once.

    Voila calls it in the server for every page it renders (pre-rendered copies included), so it
    is also where the server says, once per notebook, which notebooks are left out of the course
    (missing or malformed ``metadata.katlearn``: see :func:`katlearn.course.left_out`), rather
    than every page's kernel logging it again.
    """

    def __init__(self) -> None:
        self._reported: set[str] = set()

    def __call__(self, page_config: dict, log=None, **_kwargs) -> dict:
        if log is not None:
            self.report_left_out(log)
        return {**page_config, "katlearnPlotly": kvendor.plotly_js_url()}

    def report_left_out(self, log) -> None:
        from katlearn import course

        for problem in course.left_out():
            text = str(problem)
            if text not in self._reported:
                self._reported.add(text)
                log.warning("katlearn: %s; this notebook is left out of the course map and navigation "
                            "(python -m katlearn check lists what to fix)", text)


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the Voila process: our template on JUPYTER_PATH, course root pinned."""
    env = dict(os.environ if base is None else base)
    jp = [str(SHARE_DIR)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(jp))
    env.setdefault("KATLEARN_ROOT", str(paths.root()))
    return env


def voila_argv(port: int = 8866, present: bool = False) -> list[str]:
    """Voila command-line options (without the program name)."""
    template = "katlearn-reveal" if present else "katlearn"
    # The reveal template writes no HTML until the whole notebook has run, so Voila's keep-alive
    # heartbeat (default after 10 s) would arrive before the page can handle it.
    keep_alive = ["--VoilaConfiguration.http_keep_alive_timeout=300"] if present else []
    return keep_alive + [
        str(paths.notebooks()),
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--no-browser",
        # every record with its time (to the millisecond), so a log can be read against a learner's
        # report or a test's failure
        "--Voila.log_format=[%(name)s %(asctime)s.%(msecs)03d]%(highlevel)s %(message)s",
        "--Voila.log_datefmt=%H:%M:%S",
        f"--template={template}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        # A failing cell must not take the rest of the page with it: keep executing, and let
        # katlearn.widgets.page show the learner a notice (and log the traceback) instead.
        "--VoilaExecutor.allow_errors=True",
        "--VoilaExecutor.cell_error_instruction=The rest of the page still works; "
        "the problem has been recorded on the course server.",
        # Outputs that arrive late (a busy server: a room of learners arriving at once) are still
        # shown; nbclient's default gives up after 4 s and the page silently lacks its widgets.
        "--VoilaExecutor.iopub_timeout=60",
        "--VoilaConfiguration.file_allowlist",
        r".*\.(png|jpg|jpeg|gif|svg|webp|css)",
        f"--MappingKernelManager.cull_idle_timeout={_env_int('KATLEARN_CULL_IDLE_TIMEOUT_S', CULL_IDLE_TIMEOUT_S)}",
        f"--MappingKernelManager.cull_interval={_env_int('KATLEARN_CULL_INTERVAL_S', CULL_INTERVAL_S)}",
        "--MappingKernelManager.cull_connected=False",
        # Kernels talk to the server over local sockets (files in Jupyter's runtime dir), not TCP
        # ports: with TCP the server picks a free port, closes it and hands the number to the new
        # kernel, and when a room of pages starts kernels at once another connection can take that
        # port first, so the kernel dies with "Address already in use" (seen in the kernel-churn
        # test). Sockets are also private to this machine's user, where TCP ports are open to all.
        f"--KernelManager.transport={kernel_transport()}",
        *(f"--VoilaConfiguration.extension_denylist={name}" for name in EXTENSION_DENYLIST),
        # Presenter decks are rendered whole by the reveal template: warm kernels, no pre-rendering.
        *_pool_argv(allow_prerender=not present),
    ]


# Longest path of a Unix socket on Linux (sun_path is 108 bytes with its terminating NUL).
_UNIX_SOCKET_PATH_MAX = 107


def kernel_transport() -> str:
    """``ipc`` (Unix sockets next to each kernel's connection file) where the connection-file
    folder leaves room for the socket names, else ``tcp``. Socket names are the connection file's
    name plus ``-ipc-<n>``: ``kernel-<36-character id>-ipc-<n>``. The folder is
    ``<tmp>/voila_<8 characters>`` for ``katlearn serve`` and Jupyter's runtime dir on a hub."""
    import tempfile

    from jupyter_core.paths import jupyter_runtime_dir

    if sys.platform.startswith("win"):
        return "tcp"
    folders = (os.path.join(tempfile.gettempdir(), "voila_" + "x" * 8), jupyter_runtime_dir())
    longest = max(len(os.path.join(folder, "kernel-" + "0" * 36 + "-ipc-99")) for folder in folders)
    return "ipc" if longest <= _UNIX_SOCKET_PATH_MAX else "tcp"


def default_prerender() -> int:
    return _env_int("KATLEARN_PRERENDER", PRERENDER)


def prerender_pools() -> dict[str, int]:
    """``KATLEARN_PRERENDER_POOLS="03_neuroplasticity.ipynb=30,04_routes_pharmacokinetics.ipynb=5"``:
    pre-rendered pages kept for particular notebooks (a workshop's module of the day)."""
    raw = os.environ.get("KATLEARN_PRERENDER_POOLS", "").strip()
    pools: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, sep, size = item.partition("=")
        if not sep or not name.strip().endswith(".ipynb") or not size.strip().isdigit():
            raise SystemExit(f"katlearn serve: KATLEARN_PRERENDER_POOLS item {item!r} is not "
                             "'<notebook>.ipynb=<number>'")
        pools[name.strip()] = int(size)
    return pools


def _pool_argv(allow_prerender: bool = True) -> list[str]:
    prerender = default_prerender()
    if allow_prerender and (prerender > 0 or any(prerender_pools().values())):
        return [
            "--VoilaConfiguration.preheat_kernel=True",
            f"--VoilaConfiguration.default_pool_size={max(prerender, 0)}",
            f"--KatVoila.warm_pool_size={max(_env_int('KATLEARN_POOL_SIZE', POOL_SIZE_WITH_PRERENDER), 0)}",
        ]
    return [f"--KatVoila.warm_pool_size={max(default_pool_size(), 0)}"]


def warmup_modules(notebooks_dir: Path | None = None) -> list[str]:
    """Modules the course's notebooks import, for warm kernels to import ahead of any request."""
    found: dict[str, None] = {"ipywidgets": None}
    for nb_path in sorted((notebooks_dir or paths.notebooks()).glob("*.ipynb")):
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


def make_app_class():
    """Voila with the course's extra routes (imported lazily: Voila is slow to import)."""
    from urllib.parse import urlparse

    from jupyter_server.base.handlers import FileFindHandler
    from jupyter_server.utils import url_path_join
    from tornado import web
    from traitlets import Integer
    from voila import app as voila_app
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

    compressed = _GzipCache()

    class Compressed:
        """Mixin for tornado static handlers: gzip when the browser accepts it, from a cache.

        tornado's own ``compress_response`` would compress plotly.js (4.6 MB) again for every
        learner; here each file version is compressed once and kept.
        """

        _gz: bytes | None = None

        def validate_absolute_path(self, root, absolute_path):
            path = super().validate_absolute_path(root, absolute_path)
            self._gz = None
            if (
                path
                and COMPRESSIBLE.search(path)
                and "gzip" in self.request.headers.get("Accept-Encoding", "")
                and not self.request.headers.get("Range")
            ):
                self._gz = compressed.get(path)
                # tornado reads the body through get_content (a classmethod it also calls on
                # the class to hash the file for the ETag); this page gets the gzip bytes.
                gz = self._gz
                self.get_content = lambda abspath, start=None, end=None: gz
            return path

        def set_headers(self) -> None:
            super().set_headers()  # (tornado's compress_response adds "Vary: Accept-Encoding")
            if self._gz is not None:
                self.set_header("Content-Encoding", "gzip")

        def compute_etag(self):
            etag = super().compute_etag()
            return etag[:-1] + '-gz"' if etag and self._gz is not None else etag

        def get_content_size(self) -> int:
            return len(self._gz) if self._gz is not None else super().get_content_size()

    def cache_policy(handler, default: str) -> None:
        name = handler.request.path
        if handler.get_argument("v", None) or HASHED_NAME.search(name):
            handler.set_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            handler.set_header("Cache-Control", default)

    class CacheableStatic(Compressed, web.StaticFileHandler):
        """Static files that browsers may keep; ``?v=`` busts the cache when a file changes."""

        def set_extra_headers(self, path: str) -> None:
            cache_policy(self, "public, max-age=3600")

    class VoilaStatic(Compressed, MultiStaticFileHandler):
        """Voila's front end (``/voila/static``): compressed; kept an hour (its chunk names carry
        no content hash, so not forever: a Voila upgrade reaches browsers within the hour)."""

        def set_extra_headers(self, path: str) -> None:
            cache_policy(self, "public, max-age=3600")

    class TemplateStatic(Compressed, TemplateStaticFileHandler):
        def set_extra_headers(self, path: str) -> None:
            cache_policy(self, "public, max-age=3600")

    class Labextensions(Compressed, FileFindHandler):
        """JupyterLab extensions (widgets, anywidget): Voila sends them ``no-cache`` so every
        visit revalidates ~25 files; their names carry content hashes, so they are kept for good
        (``remoteEntry``/``style.js`` and other unhashed names: revalidated after an hour)."""

        def set_headers(self) -> None:
            super().set_headers()
            cache_policy(self, "public, max-age=3600, must-revalidate")

    class BeaconShutdownHandler(VoilaShutdownKernelHandler):
        """Voila's "page closed" beacon, accepted when it comes from this server's own pages.

        The page sends it with ``navigator.sendBeacon``, which cannot carry Jupyter's XSRF token,
        so Voila's own handler answers 403 and kernels of closed tabs live until culled. A
        same-origin ``Origin`` header is the proof we accept instead; anything else still needs
        the token.
        """

        def check_xsrf_cookie(self) -> None:
            origin = self.request.headers.get("Origin")
            host = self.request.headers.get("Host")
            if origin and host and urlparse(origin.lower()).netloc == host.lower():
                return None
            return super().check_xsrf_cookie()

    swaps = {
        VoilaShutdownKernelHandler: BeaconShutdownHandler,
        MultiStaticFileHandler: VoilaStatic,
        TemplateStaticFileHandler: TemplateStatic,
        FileFindHandler: Labextensions,
    }

    class KatVoila(voila_app.Voila):
        name = "katlearn-voila"

        warm_pool_size = Integer(
            0, config=True, help="Warm kernels (started, course modules imported) kept for any page."
        )

        def init_settings(self):
            # The kernel manager is built inside Voila's init_settings from the configured class;
            # ours adds the warm pool, and Voila's pre-render pool gets the hand-out fix.
            self.voila_configuration.page_config_hook = CoursePageConfig()
            self.voila_configuration.multi_kernel_manager_class = warm_pool_manager(
                cull_safe_manager(self.voila_configuration.multi_kernel_manager_class), self.warm_pool_size
            )
            original = voila_app.voila_kernel_manager_factory

            def factory(base_class, preheat_kernel, default_pool_size, page_config_hook=None):
                cls = original(base_class, preheat_kernel, default_pool_size, page_config_hook)
                return fresh_after_hand_out(cls) if preheat_kernel else cls

            voila_app.voila_kernel_manager_factory = factory
            try:
                settings = super().init_settings()
            finally:
                voila_app.voila_kernel_manager_factory = original
            # Pages and API replies compressed on the fly (static files: see Compressed).
            settings["compress_response"] = True
            return settings

        def init_handlers(self):
            base = self.server_url or self.base_url or "/"
            vendor = kvendor.ensure_vendor()
            ours = [
                (base, web.RedirectHandler, {"url": url_path_join(base, home_path())}),
                (url_path_join(base, r"/katlearn/vendor/(.*)"), CacheableStatic, {"path": str(vendor)}),
                (url_path_join(base, r"/katlearn/assets/(.*)"), CacheableStatic, {"path": str(paths.assets())}),
                (url_path_join(base, r"/katlearn/fontawesome/(.*)"), CacheableStatic, {"path": str(kvendor.fontawesome_dir())}),
                (url_path_join(base, r"/katlearn/npm/(.*)"), CacheableStatic, {"path": str(kvendor.NODE_MODULES)}),
            ]
            theirs = [(h[0], swaps.get(h[1], h[1]), *h[2:]) for h in super().init_handlers()]
            return ours + theirs

    return KatVoila


class _GzipCache:
    """Gzip bytes of static files, keyed by path, size and modification time."""

    def __init__(self) -> None:
        self._store: dict[tuple[str, int, int], bytes] = {}

    def get(self, path: str) -> bytes:
        import gzip

        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime_ns)
        data = self._store.get(key)
        if data is None:
            with open(path, "rb") as f:
                data = gzip.compress(f.read(), compresslevel=6, mtime=0)
            self._store = {k: v for k, v in self._store.items() if k[0] != path}
            self._store[key] = data
        return data


def fresh_after_hand_out(cls):
    """Voila's pre-render pool, made fit for the course.

    - A kernel handed out of the pool counts as active from then. Pooled kernels are never culled,
      but the moment one is handed to a page it is an ordinary kernel whose last activity is when
      it was preheated; if that is longer ago than the cull timeout, the next cull pass shut it
      down before the page's widgets connected, and the page never became interactive.
    - A page is only handed a pre-rendered copy that is ready: Voila waits for a copy still being
      made, which at start-up could keep the first learner waiting for every other page's kernel.
      Without a ready copy the page is served the ordinary way (by a warm kernel, if any).
    - The first fill at start-up is staggered (home page first) instead of all at once; the extra
      copies of a workshop pool, and copies handed out (once arrivals pause: for a workshop pool with
      a quarter of its copies left, once the room has stopped arriving), are made one at a time
      (see ``_katlearn_refiller``).
    - Pool sizes per notebook from ``KATLEARN_PRERENDER_POOLS`` (see :func:`prerender_pools`).
    """
    import asyncio

    from jupyter_server._tz import utcnow
    from traitlets import default

    class FreshAfterHandOut(cls):
        @default("kernel_pools_config")
        def _kernel_pools_config(self):
            pools = super()._kernel_pools_config()
            for name, size in prerender_pools().items():
                pools[name] = {**pools.get(name, pools.get("default", {})), "pool_size": size}
            return pools

        def __init__(self, **kwargs):
            self._katlearn_starting = True
            self._katlearn_stopping = False
            self._katlearn_wanted: dict[str, dict] = {}  # notebooks whose copies are to be replaced
            self._katlearn_last_handout = 0.0
            self._katlearn_refill: asyncio.Future | None = None
            parent = kwargs.get("parent")
            self._katlearn_order = _prerender_order(Path(getattr(parent, "root_dir", None) or paths.notebooks()))
            super().__init__(**kwargs)
            self._katlearn_starting = False

        def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
            if self._katlearn_starting and notebook_name is not None:
                rank = self._katlearn_order.get(notebook_name.replace(os.sep, "/"), len(self._katlearn_order))
                if self._katlearn_target(notebook_name) <= 1:
                    return super().fill_if_needed(delay=rank * PRERENDER_STAGGER_S, notebook_name=notebook_name,
                                                  **kwargs)
                # a workshop pool: its first copy in turn, the others one at a time (Voila would
                # start them all at once, and 30 notebooks rendering together time out)
                self._katlearn_add_copy(notebook_name, rank * PRERENDER_STAGGER_S, kwargs)
                self._katlearn_want(notebook_name, kwargs)
                return None
            if delay is None and notebook_name is not None:  # a copy was handed out: replace it later
                self._katlearn_last_handout = asyncio.get_event_loop().time()
                self._katlearn_want(notebook_name, kwargs)
                return None
            return super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)

        def _katlearn_target(self, name: str) -> int:
            cfg = self.kernel_pools_config
            return int(cfg.get(name, cfg.get("default", {})).get("pool_size", 0))

        def _katlearn_add_copy(self, name: str, delay: float, kwargs: dict) -> None:
            """Start one more copy of ``name`` (Voila's fill, with the pool's size one above now)."""
            cfg = self.kernel_pools_config
            one_more = {**cfg.get(name, cfg.get("default", {})), "pool_size": len(self._pools.get(name, ())) + 1}
            self.kernel_pools_config = {**cfg, name: one_more}
            try:
                super().fill_if_needed(delay=delay, notebook_name=name, **kwargs)
            finally:
                self.kernel_pools_config = cfg

        def _katlearn_want(self, name: str, kwargs: dict) -> None:
            """Have the refiller bring ``name``'s pool back to its size."""
            self._katlearn_wanted[name] = kwargs
            if self._katlearn_refill is None or self._katlearn_refill.done():
                self._katlearn_refill = asyncio.get_event_loop().create_task(self._katlearn_refiller())

        async def _katlearn_refiller(self) -> None:
            """Replace handed-out copies one at a time, once no page has been handed out for
            REFILL_DELAY_S (ROOM_REFILL_QUIET_S while a workshop pool has copies to spare): a room
            arriving together gets the CPU for its own pages, not for making copies for learners
            who are not there yet."""
            loop = asyncio.get_running_loop()
            while self._katlearn_wanted and not self._katlearn_stopping:
                name, kwargs = next(iter(self._katlearn_wanted.items()))
                wait = self._katlearn_last_handout + self._katlearn_refill_delay(name) - loop.time()
                if wait > 0:  # looked at again each second: more hand-outs can shorten the wait
                    await asyncio.sleep(min(wait, 1.0))
                    continue
                pool = self._pools.setdefault(name, [])
                if len(pool) >= self._katlearn_target(name):
                    del self._katlearn_wanted[name]
                    continue
                self._katlearn_add_copy(name, 0, kwargs)
                try:
                    await pool[-1]  # the new copy's kernel has started ...
                except Exception:  # noqa: BLE001 - Voila drops a failed copy from the pool itself
                    self.log.exception("katlearn: could not pre-render %s", name)
                await asyncio.sleep(PRERENDER_PACE_S)  # ... and runs its notebook before the next starts

        def _katlearn_refill_delay(self, name: str) -> float:
            """Seconds without a hand-out before a copy of ``name`` is re-made: short when the pool
            is (nearly) empty, long while a workshop pool still has a quarter of its copies."""
            return REFILL_DELAY_S if len(self._ready(name)) * 4 < self._katlearn_target(name) else ROOM_REFILL_QUIET_S

        async def shutdown_all(self, *args, **kwargs):
            self._katlearn_stopping = True
            self._katlearn_wanted.clear()
            return await super().shutdown_all(*args, **kwargs)

        def _ready(self, notebook_name: str) -> list:
            return [t for t in self._pools.get(notebook_name, ()) if t.done() and not t.cancelled()
                    and t.exception() is None]

        def get_pool_size(self, notebook_name: str) -> int:
            return len(self._ready(notebook_name))

        async def get_rendered_notebook(self, notebook_name, *args, **kwargs):
            pool = self._pools.get(notebook_name, [])
            ready = self._ready(notebook_name)
            if ready:  # Voila takes the first copy in the pool: make it a ready one
                pool.remove(ready[0])
                pool.insert(0, ready[0])
            render_task, rendered_cache, kernel_id = await super().get_rendered_notebook(notebook_name, *args, **kwargs)
            kernel = self._kernels.get(kernel_id)
            if kernel is not None:
                kernel.last_activity = utcnow()
            return render_task, rendered_cache, kernel_id

    FreshAfterHandOut.__name__ = cls.__name__
    return FreshAfterHandOut


def _prerender_order(root: Path) -> dict[str, int]:
    """Notebook paths (relative to ``root``) in the order to pre-render them: home page first."""
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
    names.sort(key=lambda n: (n != HOME_NOTEBOOK, n))
    return {name: i for i, name in enumerate(names)}


def cull_safe_manager(base):
    """``base`` whose culler leaves kernels alone while they are still starting.

    jupyter_server's cull pass reads ``last_activity``, which a kernel only has once started;
    a pass that meets a starting kernel logs a TraitError traceback as an ERROR (and skips it).
    With pages opening all the time that happens often enough to matter.
    """
    from traitlets import TraitError

    class CullSafeKernelManager(base):
        async def cull_kernel_if_idle(self, kernel_id):
            kernel = self._kernels.get(kernel_id)
            if kernel is None:
                return None
            try:
                kernel.last_activity  # noqa: B018 - unset (TraitError) while the kernel starts
            except TraitError:
                return None
            return await super().cull_kernel_if_idle(kernel_id)

    CullSafeKernelManager.__name__ = base.__name__
    return CullSafeKernelManager


def warm_pool_manager(base, pool_size: int):
    """``base`` (a jupyter_server kernel manager) with a pool of warm kernels for any page.

    A warm kernel is started in the notebooks' folder with the environment Voila gives page
    kernels, and has imported what the notebooks import; it has run no notebook code, so it holds
    no learner's state. When Voila asks for a kernel it gets a warm one if there is one (its
    request-specific environment is applied then), and the pool refills in the background, one
    kernel at a time so refilling never takes both cores from pages being served.

    Pooled kernels are never culled; a kernel handed out counts as active from the hand-out.
    """
    import asyncio
    import json as _json

    from jupyter_server._tz import utcnow

    if pool_size <= 0:
        return base

    class WarmPoolKernelManager(base):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._warm: list[str] = []  # ready kernel ids, oldest first
            self._warming: set[str] = set()
            self._filler: asyncio.Task | None = None
            self._pool_env: dict[str, str] = {}
            self._pool_kernel_name = self.default_kernel_name
            self._stopping = False
            asyncio.get_event_loop().call_soon(self._fill_soon)

        # -- the pool ------------------------------------------------------------------------

        def _base_env(self) -> dict[str, str]:
            from voila.utils import ENV_VARIABLE

            app = self.parent
            return {
                **os.environ,
                ENV_VARIABLE.VOILA_PREHEAT: "False",
                ENV_VARIABLE.VOILA_BASE_URL: app.base_url,
                ENV_VARIABLE.VOILA_SERVER_URL: app.server_url or app.base_url,
                ENV_VARIABLE.VOILA_APP_PORT: str(app.port),
            }

        def _fill_soon(self) -> None:
            if self._stopping:
                return
            if self._filler is None or self._filler.done():
                self._filler = asyncio.ensure_future(self._fill())

        async def _fill(self) -> None:
            while not self._stopping and len(self._warm) + len(self._warming) < pool_size:
                try:
                    await self._start_warm()
                except Exception:  # noqa: BLE001 - a failed warm kernel must not stop serving
                    self.log.exception("katlearn: could not start a warm kernel")
                    await asyncio.sleep(5)

        async def _start_warm(self) -> None:
            env = self._base_env()
            kernel_id = await super().start_kernel(kernel_name=self._pool_kernel_name, path="", env=env)
            self._warming.add(kernel_id)
            try:
                code = warmup_code(warmup_modules(Path(self.root_dir)))
                await self._run_code(kernel_id, code, timeout_s=120)
            finally:
                self._warming.discard(kernel_id)
            if kernel_id in self._kernels:
                self._pool_env = env
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

        def _take(self, kernel_name: str | None, path) -> str | None:
            if kernel_name not in (None, self._pool_kernel_name):
                return None
            if self.cwd_for_path(path or "") != self.cwd_for_path(""):
                return None
            while self._warm:
                kernel_id = self._warm.pop(0)
                if kernel_id in self._kernels:
                    return kernel_id
            return None

        # -- the kernel manager API Voila uses -----------------------------------------------

        async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
            warm = self._take(kwargs.get("kernel_name"), path) if kernel_id is None else None
            if warm is None:
                self._fill_soon()
                return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
            # refill once this page's notebook has had the CPU to itself
            asyncio.get_running_loop().call_later(REFILL_DELAY_S, self._fill_soon)
            self.get_kernel(warm).last_activity = utcnow()
            env = kwargs.get("env") or {}
            changed = {k: v for k, v in env.items() if self._pool_env.get(k) != v}
            if changed:
                code = f"import os as _os, json as _json\n_os.environ.update(_json.loads({_json.dumps(_json.dumps(changed))}))\ndel _os, _json\n"
                try:
                    await self._run_code(warm, code, timeout_s=30)
                except Exception:  # noqa: BLE001
                    self.log.exception("katlearn: could not set the page's environment in a warm kernel")
            self.get_kernel(warm).last_activity = utcnow()
            self.log.info("katlearn: using warm kernel %s", warm)
            return warm

        async def cull_kernel_if_idle(self, kernel_id):
            if kernel_id in self._warming or kernel_id in self._warm:
                return None
            return await super().cull_kernel_if_idle(kernel_id)

        async def shutdown_kernel(self, kernel_id, *args, **kwargs):
            if kernel_id in self._warm:
                self._warm.remove(kernel_id)
            result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
            self._fill_soon()
            return result

        async def shutdown_all(self, *args, **kwargs):
            self._stopping = True
            self._warm.clear()
            return await super().shutdown_all(*args, **kwargs)

        def pool_kernel_ids(self) -> list[str]:
            return list(self._warm)

    return WarmPoolKernelManager


def run(port: int = 8866, open_browser: bool = False, present: bool = False) -> int:
    """Serve the course until interrupted."""
    env = server_env()
    os.environ.update(env)
    kvendor.ensure_vendor()
    url = f"http://{HOST}:{port}/{home_path()}"
    print(f"katlearn: serving the course at {url}  (Ctrl+C to stop)", flush=True)
    argv = voila_argv(port=port, present=present)
    if open_browser:
        argv = [a for a in argv if a != "--no-browser"]
    app_class = make_app_class()
    sys.argv = ["katlearn-voila"] + argv
    app_class.launch_instance(argv=argv)
    return 0
