"""The configuration the course is served with, as traitlets config for Voila's and our classes.

:func:`course_config` holds what every course server shares (the standalone app and a hub's
single-user server alike): template, stripped sources, no tracebacks, culling, kernel transport,
the page config hook. :func:`standalone_config` adds the standalone app's own: address, log format,
warm kernels and pre-rendering.

Knobs, read from the environment (for workshops and tests; defaults suit one modest server), each
setting one option:

=================================  ========================================================
``KATLEARN_PRERENDER``             pre-rendered copies kept per page
                                   (``PrerenderKernelManager.copies``; default 1; 0: off)
``KATLEARN_PRERENDER_POOLS``       more copies for some pages, e.g. for a workshop's module
                                   ``03_neuroplasticity.ipynb=30`` (comma-separated;
                                   ``PrerenderKernelManager.page_copies``)
``KATLEARN_POOL_SIZE``             warm kernels kept ready for any page
                                   (``CourseKernelManager.warm_pool_size``): default 1 with
                                   pre-rendering, 2 without; 0: none
``KATLEARN_CULL_IDLE_TIMEOUT_S``   idle seconds before a closed page's kernel is culled (600)
``KATLEARN_CULL_INTERVAL_S``       seconds between cull passes (60)
=================================  ========================================================
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from traitlets.config import Config

from katlearn import paths

HOME_NOTEBOOK = "00_start_here.ipynb"
HOST = "127.0.0.1"
SHARE_DIR = Path(__file__).resolve().parent / "share" / "jupyter"  # the Voila templates

CULL_IDLE_TIMEOUT_S = 600
CULL_INTERVAL_S = 60
# Warm kernels kept ready: each costs about one idle kernel's memory (~100 MB with the course's
# modules imported) and saves every learner the kernel start and imports (~2 s of CPU).
POOL_SIZE = 2
# Pre-rendered copies kept per page; a warm kernel stands by for a page whose copies are taken.
PRERENDER = 1
POOL_SIZE_WITH_PRERENDER = 1
# Labextensions the course does not use, so pages do not load them: figures are PlotView (anywidget)
# drawn with the course's own plotly.js, so plotly's JupyterLab renderer (a 4.8 MB chunk on every
# first visit) is not sent; Voila's "preview in JupyterLab" button and the Pygments theme (for code
# cells, which learners never see) are dead weight on a Voila page.
EXTENSION_DENYLIST = ("jupyterlab-plotly", "@voila-dashboards/jupyterlab-preview", "jupyterlab_pygments")
# Longest path of a Unix socket on Linux (sun_path is 108 bytes with its terminating NUL).
_UNIX_SOCKET_PATH_MAX = 107


def home_path() -> str:
    """The course home page, under the server's base URL."""
    return f"voila/render/{HOME_NOTEBOOK}"


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"katlearn serve: {name}={raw!r} is not a whole number") from None


def prerender_pools() -> dict[str, int]:
    """``KATLEARN_PRERENDER_POOLS="03_neuroplasticity.ipynb=30,04_routes_pharmacokinetics.ipynb=5"``:
    pre-rendered copies kept of particular pages (a workshop's module of the day)."""
    raw = os.environ.get("KATLEARN_PRERENDER_POOLS", "").strip()
    pools: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, sep, size = item.partition("=")
        if not sep or not name.strip().endswith(".ipynb") or not size.strip().isdigit():
            raise SystemExit(f"katlearn serve: KATLEARN_PRERENDER_POOLS item {item!r} is not "
                             "'<notebook>.ipynb=<number>'")
        pools[name.strip()] = int(size)
    return pools


def kernel_transport() -> str:
    """``ipc`` (Unix sockets next to each kernel's connection file) where the connection-file
    folder leaves room for the socket names, else ``tcp``. Socket names are the connection file's
    name plus ``-ipc-<n>``: ``kernel-<36-character id>-ipc-<n>``. The folder is
    ``<tmp>/voila_<8 characters>`` for ``katlearn serve`` and Jupyter's runtime dir on a hub."""
    from jupyter_core.paths import jupyter_runtime_dir

    if sys.platform.startswith("win"):
        return "tcp"
    folders = (os.path.join(tempfile.gettempdir(), "voila_" + "x" * 8), jupyter_runtime_dir())
    longest = max(len(os.path.join(folder, "kernel-" + "0" * 36 + "-ipc-99")) for folder in folders)
    return "ipc" if longest <= _UNIX_SOCKET_PATH_MAX else "tcp"


def course_config(present: bool = False) -> Config:
    """What every course server gives Voila, its executor and the kernels."""
    from katlearn.server._page_config import CoursePageConfig

    c = Config()
    c.VoilaConfiguration.template = "katlearn-reveal" if present else "katlearn"
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.file_allowlist = [r".*\.(png|jpg|jpeg|gif|svg|webp|css)"]
    c.VoilaConfiguration.extension_denylist = list(EXTENSION_DENYLIST)
    c.VoilaConfiguration.page_config_hook = CoursePageConfig()
    if present:
        # The reveal template writes no HTML until the whole notebook has run, so Voila's keep-alive
        # heartbeat (default after 10 s) would arrive before the page can handle it.
        c.VoilaConfiguration.http_keep_alive_timeout = 300
    # A failing cell must not take the rest of the page with it: keep executing, and let
    # katlearn.widgets.page show the learner a notice (and log the traceback) instead.
    c.VoilaExecutor.allow_errors = True
    c.VoilaExecutor.cell_error_instruction = ("The rest of the page still works; "
                                              "the problem has been recorded on the course server.")
    # Outputs that arrive late (a busy server: a room of learners arriving at once) are still
    # shown; nbclient's default gives up after 4 s and the page silently lacks its widgets.
    c.VoilaExecutor.iopub_timeout = 60
    c.MappingKernelManager.cull_idle_timeout = env_int("KATLEARN_CULL_IDLE_TIMEOUT_S", CULL_IDLE_TIMEOUT_S)
    c.MappingKernelManager.cull_interval = env_int("KATLEARN_CULL_INTERVAL_S", CULL_INTERVAL_S)
    c.MappingKernelManager.cull_connected = False
    # Kernels talk to the server over local sockets (files in Jupyter's runtime dir), not TCP
    # ports: with TCP the server picks a free port, closes it and hands the number to the new
    # kernel, and when a room of pages starts kernels at once another connection can take that
    # port first, so the kernel dies with "Address already in use" (seen in the kernel-churn
    # test). Sockets are also private to this machine's user, where TCP ports are open to all.
    c.KernelManager.transport = kernel_transport()
    return c


def standalone_config(present: bool = False) -> Config:
    """:func:`course_config` plus the standalone app's own settings (``python -m katlearn serve``)."""
    c = course_config(present)
    c.Voila.ip = HOST
    c.Voila.open_browser = False
    # every record with its time (to the millisecond), so a log can be read against a learner's
    # report or a test's failure
    c.Voila.log_format = "[%(name)s %(asctime)s.%(msecs)03d]%(highlevel)s %(message)s"
    c.Voila.log_datefmt = "%H:%M:%S"
    c.VoilaConfiguration.multi_kernel_manager_class = "katlearn.server.CourseKernelManager"
    copies, pools = env_int("KATLEARN_PRERENDER", PRERENDER), prerender_pools()
    # Presenter decks are rendered whole by the reveal template: warm kernels, no pre-rendering.
    prerender = not present and (copies > 0 or any(pools.values()))
    c.CourseVoila.prerender = prerender
    if prerender:
        c.PrerenderKernelManager.copies = max(copies, 0)
        c.PrerenderKernelManager.page_copies = pools
    warm = env_int("KATLEARN_POOL_SIZE", POOL_SIZE_WITH_PRERENDER if prerender else POOL_SIZE)
    c.CourseKernelManager.warm_pool_size = max(warm, 0)
    return c


def server_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a course server: the Voila templates on ``JUPYTER_PATH``, course root pinned."""
    env = dict(os.environ if base is None else base)
    jp = [str(SHARE_DIR)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(jp))
    env.setdefault("KATLEARN_ROOT", str(paths.root()))
    return env
