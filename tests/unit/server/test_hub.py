"""The hub extension in a real jupyter-server (as jupyterhub-singleuser runs it, without the hub):
the course's parts take Voila's routes, kernels and page config."""

from __future__ import annotations

import pytest
from jupyter_server.serverapp import ServerApp
from tornado.httputil import HTTPHeaders, HTTPServerRequest
from traitlets.config import Config

from katlearn import paths
from katlearn.server import BeaconShutdownHandler, CourseKernelManager, CoursePageConfig, _hub, _options
from katlearn.server._static import (
    CourseStaticHandler,
    LabextensionsHandler,
    TemplateStaticHandler,
    VoilaStaticHandler,
)
from katlearn.server._voila_private import voila_extension_loaded


@pytest.fixture
def serverapp(request, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(_options.SHARE_DIR))  # as the hub's Spawner.environment does
    c = Config(getattr(request, "param", {}))
    c.ServerApp.jpserver_extensions = {"voila.server_extension": True, "katlearn.server": True}
    c.ServerApp.root_dir = str(paths.notebooks())
    c.ServerApp.open_browser = False
    c.ServerApp.port = 0
    c.ServerApp.base_url = "/user/alice/"
    app = ServerApp(config=c)
    app.initialize(argv=[], new_httpserver=False)
    yield app
    ServerApp.clear_instance()


def _handler(app: ServerApp, path: str) -> type:
    request = HTTPServerRequest(method="GET", uri=path, headers=HTTPHeaders({"Host": "127.0.0.1"}))
    return app.web_app.find_handler(request).handler_class


def test_the_course_parts_serve_the_routes_voila_also_registers(serverapp):
    base = "/user/alice/"
    assert _handler(serverapp, base + "voila/api/shutdown/1234") is BeaconShutdownHandler
    assert _handler(serverapp, base + "voila/static/voila.js") is VoilaStaticHandler
    assert _handler(serverapp, base + "voila/templates/lab/static/index.css") is TemplateStaticHandler
    assert _handler(serverapp, base + "voila/labextensions/anywidget/package.json") is LabextensionsHandler
    assert _handler(serverapp, base + "katlearn/vendor/plotly.min.js") is CourseStaticHandler
    assert _handler(serverapp, base + "katlearn/assets/css/katlearn.css") is CourseStaticHandler
    assert voila_extension_loaded(serverapp.web_app)  # ... and Voila's own routes are there after ours


def test_kernels_page_config_and_templates_are_the_courses(serverapp):
    assert isinstance(serverapp.kernel_manager, CourseKernelManager)
    assert serverapp.kernel_manager.warm_pool_size == 0  # one learner per server: see the deploy README
    from voila.configuration import VoilaConfiguration

    voila = VoilaConfiguration(parent=serverapp)
    assert voila.template == "katlearn" and voila.strip_sources is True
    assert isinstance(voila.page_config_hook, CoursePageConfig)
    from tornado.web import GZipContentEncoding

    assert GZipContentEncoding in serverapp.web_app.transforms  # pages and API replies compressed


@pytest.mark.parametrize("serverapp", [{"CourseKernelManager": {"warm_pool_size": 1}}], indirect=True)
def test_an_admin_can_still_ask_for_warm_kernels(serverapp):
    assert serverapp.kernel_manager.warm_pool_size == 1


def test_missing_templates_are_noticed(monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(_options.SHARE_DIR))
    assert _hub.templates_found()
    monkeypatch.delenv("JUPYTER_PATH")
    assert not _hub.templates_found()


def test_loaded_after_voila_it_refuses_to_start(serverapp):
    """Routes added after Voila's would never be reached: fail loudly instead of serving less."""
    with pytest.raises(RuntimeError, match="before voila.server_extension"):
        _hub._load_jupyter_server_extension(serverapp)
