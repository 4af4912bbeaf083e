"""A :class:`~katlearn.server.CourseVoila` served in the test's own process, for handler-level tests.

``async with course_app(config) as app:`` starts the app as ``Voila.start`` does (settings, tornado
application, handlers) on a free loopback port, without Voila's own listen loop; ``app.fetch``
sends a request to it. Run the test body with ``asyncio.run``.
"""

from __future__ import annotations

import os
import signal
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

import tornado.web
from tornado.httpclient import AsyncHTTPClient, HTTPResponse
from tornado.httpserver import HTTPServer
from tornado.testing import bind_unused_port
from traitlets.config import Config

from katlearn import paths
from katlearn.server import CourseVoila, _options


class RunningApp:
    def __init__(self, voila: CourseVoila, port: int) -> None:
        self.voila = voila
        self.base = f"http://127.0.0.1:{port}/"

    async def fetch(self, path: str, method: str = "GET", **kwargs) -> HTTPResponse:
        body = kwargs.pop("body", b"" if method == "POST" else None)
        kwargs.setdefault("decompress_response", False)  # the bytes as sent, headers as sent
        return await AsyncHTTPClient().fetch(self.base + path.lstrip("/"), method=method, body=body,
                                             raise_error=False, follow_redirects=False, **kwargs)


def quiet_config(**sections: dict) -> Config:
    """The standalone configuration with nothing started ahead of requests (no warm kernels, no
    pre-rendered copies) unless ``sections`` say otherwise."""
    c = _options.standalone_config()
    c.CourseKernelManager.warm_pool_size = 0
    c.CourseVoila.prerender = False
    for section, values in sections.items():
        for key, value in values.items():
            c[section][key] = value
    return c


@asynccontextmanager
async def course_app(config: Config | None = None, root: Path | None = None):
    saved = dict(os.environ)
    os.environ.update(_options.server_env())  # as `katlearn serve` does: the templates on JUPYTER_PATH
    try:
        async with _running(config, root) as app:
            yield app
    finally:
        os.environ.clear()
        os.environ.update(saved)


@asynccontextmanager
async def _running(config: Config | None, root: Path | None):
    voila = CourseVoila(config=config if config is not None else quiet_config())
    on_sigterm = signal.getsignal(signal.SIGTERM)
    voila.initialize([str(root or paths.notebooks())])
    signal.signal(signal.SIGTERM, on_sigterm)  # Voila's would stop an event loop it never started
    sock, port = bind_unused_port()
    voila.port = port
    with tempfile.TemporaryDirectory(prefix="voila_") as connections:
        voila.connection_dir = connections
        settings = voila.init_settings()
        voila.app = tornado.web.Application(**settings)
        voila.app.settings.update(voila.tornado_settings)
        voila.app.add_handlers(".*$", voila.init_handlers())
        server = HTTPServer(voila.app)
        server.add_sockets([sock])
        try:
            yield RunningApp(voila, port)
        finally:
            server.stop()
            await voila.kernel_manager.shutdown_all()
