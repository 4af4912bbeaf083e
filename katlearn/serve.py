"""One way to serve the course: ``python -m katlearn serve``.

``make serve``, the browser tests and the benchmarks all start the server through
:func:`voila_argv` and :func:`server_env`, so what is tested is what learners get:

- Voila serves the tree of ``notebooks/`` (modules link to each other) with sources stripped and
  no tracebacks shown to learners; ``/`` redirects to the course home page.
- Idle kernels of closed pages are culled; kernels of open pages are kept.
- The ``katlearn`` Voila template (``katlearn/share/jupyter/voila/templates/katlearn``) adds the
  course stylesheet and serves everything from this server (no CDN).
- ``/katlearn/static/`` serves course assets and the one local copy of plotly.js, cacheable.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from katlearn import paths

HOME_NOTEBOOK = "00_start_here.ipynb"
HOST = "127.0.0.1"
PACKAGE_DIR = Path(__file__).resolve().parent
SHARE_DIR = PACKAGE_DIR / "share" / "jupyter"
VENDOR_DIR = PACKAGE_DIR / "_vendor"

# Culling: a kernel whose page was closed is shut down after this many idle seconds.
CULL_IDLE_TIMEOUT_S = 600
CULL_INTERVAL_S = 60


def home_path() -> str:
    return f"voila/render/{HOME_NOTEBOOK}"


def ensure_vendor() -> Path:
    """Copy plotly.js from the installed plotly package next to the course's static files.

    Done at start-up rather than committed: the file is 4.6 MB and comes with the plotly version
    that is installed, so the browser always runs the plotly.js that matches the Python side.
    """
    import plotly

    src = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    VENDOR_DIR.mkdir(exist_ok=True)
    dst = VENDOR_DIR / "plotly.min.js"
    if not dst.exists() or dst.stat().st_size != src.stat().st_size:
        tmp = dst.with_suffix(".tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    return VENDOR_DIR


def fontawesome_dir() -> Path:
    """Font Awesome 5 (the version Voila's template asks for), from the fontawesome-free wheel."""
    from importlib.metadata import distribution

    return Path(distribution("fontawesome-free").locate_file("fontawesome-free/static/fontawesome_free"))


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
    return [
        str(paths.notebooks()),
        f"--port={port}",
        f"--Voila.ip={HOST}",
        "--no-browser",
        f"--template={template}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist",
        r".*\.(png|jpg|jpeg|gif|svg|webp|css)",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_TIMEOUT_S}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_S}",
        "--MappingKernelManager.cull_connected=False",
    ]


def make_app_class():
    """Voila with the course's extra routes (imported lazily: Voila is slow to import)."""
    from urllib.parse import urlparse

    from jupyter_server.utils import url_path_join
    from tornado import web
    from voila.app import Voila
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    class CacheableStatic(web.StaticFileHandler):
        """Static files that browsers may keep; ``?v=`` busts the cache when a file changes."""

        def set_extra_headers(self, path: str) -> None:
            if self.get_argument("v", None):
                self.set_header("Cache-Control", "public, max-age=31536000, immutable")
            else:
                self.set_header("Cache-Control", "public, max-age=3600")

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

    class KatVoila(Voila):
        name = "katlearn-voila"

        def init_handlers(self):
            base = self.server_url or self.base_url or "/"
            vendor = ensure_vendor()
            ours = [
                (base, web.RedirectHandler, {"url": url_path_join(base, home_path())}),
                (url_path_join(base, r"/katlearn/vendor/(.*)"), CacheableStatic, {"path": str(vendor)}),
                (url_path_join(base, r"/katlearn/assets/(.*)"), CacheableStatic, {"path": str(paths.assets())}),
                (url_path_join(base, r"/katlearn/fontawesome/(.*)"), CacheableStatic, {"path": str(fontawesome_dir())}),
            ]
            theirs = [
                (h[0], BeaconShutdownHandler, *h[2:]) if h[1] is VoilaShutdownKernelHandler else h
                for h in super().init_handlers()
            ]
            return ours + theirs

    return KatVoila


def run(port: int = 8866, open_browser: bool = False, present: bool = False) -> int:
    """Serve the course until interrupted."""
    env = server_env()
    os.environ.update(env)
    ensure_vendor()
    url = f"http://{HOST}:{port}/{home_path()}"
    print(f"katlearn: serving the course at {url}  (Ctrl+C to stop)", flush=True)
    argv = voila_argv(port=port, present=present)
    if open_browser:
        argv = [a for a in argv if a != "--no-browser"]
    app_class = make_app_class()
    sys.argv = ["katlearn-voila"] + argv
    app_class.launch_instance(argv=argv)
    return 0
