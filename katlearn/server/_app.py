"""The standalone course server: ``python -m katlearn serve`` runs :class:`CourseVoila`.

``make serve``, the browser tests and the benchmarks all start the server through :func:`run`, so
what is tested is what learners get:

- Voila serves the tree of ``notebooks/`` (modules link to each other) with sources stripped and
  no tracebacks shown to learners; ``/`` redirects to the course home page.
- Idle kernels of closed pages are culled; kernels of open pages are kept. A closed page's kernel
  is shut down at once by its "page closed" beacon (:class:`~katlearn.server.BeaconShutdownHandler`).
- Every page is pre-rendered (:class:`~katlearn.server.PrerenderKernelManager`); a warm kernel
  (:class:`~katlearn.server.CourseKernelManager`) stands by for a page with no ready copy, so a
  learner never waits for Python to start and import.
- Static files are sent gzip-compressed and cacheable (:mod:`katlearn.server._static`).
- The ``katlearn`` Voila template adds the course stylesheet and serves everything from this
  server (no CDN); ``/katlearn/...`` serves the course's assets and its one copy of plotly.js.

Options: see :mod:`katlearn.server._options` (environment knobs) and the classes' traitlets.
"""

from __future__ import annotations

import os
import sys

from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Bool
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

from katlearn import paths
from katlearn.server import _options, _vendor
from katlearn.server._beacon import BeaconShutdownHandler
from katlearn.server._verify_page import verify_routes
from katlearn.server._prerender import PrerenderKernelManager
from katlearn.server._static import GzipCache, course_routes, swap_voila_static
from katlearn.server._voila_private import replace_kernel_manager

KERNEL_ID = r"(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"


class CourseVoila(Voila):
    """Voila with the course's routes, static handlers, beacon handler and kernel managers.

    Its kernel manager is Voila's own, made from ``VoilaConfiguration.multi_kernel_manager_class``
    (the course sets :class:`~katlearn.server.CourseKernelManager`), or with ``prerender`` on, a
    :class:`~katlearn.server.PrerenderKernelManager`. Voila's own pre-heating
    (``VoilaConfiguration.preheat_kernel``) stays off: it cannot be combined with ours.
    """

    name = "katlearn-voila"

    prerender = Bool(
        False, config=True,
        help="Pre-render every page (PrerenderKernelManager: its copies, page_copies and pacing options).")

    def init_settings(self) -> dict:
        if self.prerender and self.voila_configuration.preheat_kernel:
            raise ValueError("CourseVoila.prerender and VoilaConfiguration.preheat_kernel are two "
                             "pre-render pools; turn VoilaConfiguration.preheat_kernel off")
        settings = super().init_settings()
        if self.prerender:
            replace_kernel_manager(self, settings, PrerenderKernelManager)
        if hasattr(self.kernel_manager, "start_warm_pool"):
            self.kernel_manager.start_warm_pool()
        # Pages and API replies compressed on the fly (static files: compressed once, see _static).
        settings["compress_response"] = True
        return settings

    def init_handlers(self) -> list:
        base = self.server_url or self.base_url or "/"
        gzip_cache = GzipCache()
        ours = [
            (base, web.RedirectHandler, {"url": url_path_join(base, _options.home_path())}),
            *course_routes(base, gzip_cache, _vendor.ensure_vendor()),
            *verify_routes(base),
        ]
        theirs = [(pattern, BeaconShutdownHandler, *rest) if handler is VoilaShutdownKernelHandler
                  else (pattern, handler, *rest) for pattern, handler, *rest in super().init_handlers()]
        if self.prerender:  # pre-rendered pages' kernels learn their request here (as with Voila's own)
            theirs.append((url_path_join(base, rf"/voila/query/{KERNEL_ID}"), RequestInfoSocketHandler))
        return ours + swap_voila_static(theirs, gzip_cache)


def run(port: int = 8866, open_browser: bool = False, present: bool = False) -> int:
    """Serve the course until interrupted."""
    os.environ.update(_options.server_env())
    _vendor.ensure_vendor()
    url = f"http://{_options.HOST}:{port}/{_options.home_path()}"
    print(f"katlearn: serving the course at {url}  (Ctrl+C to stop)", flush=True)
    config = _options.standalone_config(present=present)
    config.Voila.open_browser = open_browser
    argv = [str(paths.notebooks()), f"--port={port}"]
    sys.argv = ["katlearn-voila", *argv]
    CourseVoila.launch_instance(argv=argv, config=config)
    return 0
