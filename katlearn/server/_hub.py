"""The course as a jupyter-server extension, for the single-user servers of a hub.

``python -m katlearn serve`` runs Voila as its own app (:class:`~katlearn.server.CourseVoila`). On
JupyterHub the single-user server is ``jupyterhub-singleuser`` (jupyter-server with the hub's
login) and Voila runs as its server extension (``voila.server_extension``). Enabled next to it
(``--ServerApp.jpserver_extensions=katlearn.server=True``, see deploy/jupyterhub), this extension
makes that server serve the course with the same parts:

- at link time (before the server makes its kernel manager and Voila reads its configuration) it
  gives Voila, the executor and the kernels the course's settings (:func:`hub_config`: template,
  stripped sources, no tracebacks, culling, page config hook, the cull-safe
  :class:`~katlearn.server.CourseKernelManager`), keeping any the hub admin set explicitly;
- at load time it adds the course's static routes and, for the URLs where Voila's extension
  registers its own, the course's handlers: the close beacon and compressed, cacheable static
  files. jupyter-server loads extensions in alphabetical order, so ``katlearn.server`` comes
  before ``voila.server_extension``, and tornado takes the first route that matches.

The course's Voila templates must be on ``JUPYTER_PATH`` when the server starts (the hub's
``Spawner.environment`` sets it): with ``disable_user_config`` JupyterHub fixes Jupyter's search
path as the server starts, so the extension cannot add them later; it logs an error if they are
missing. Pre-rendering does not apply here: see deploy/jupyterhub/README.md.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_core.paths import jupyter_path
from jupyter_server.utils import url_path_join
from traitlets.config import Config
from voila.configuration import VoilaConfiguration
from voila.paths import collect_static_paths
from voila.utils import get_voila_labextensions_path

from katlearn.server import _options, _vendor
from katlearn.server._beacon import BeaconShutdownHandler
from katlearn.server._verify_page import verify_routes
from katlearn.server._static import (
    GzipCache,
    LabextensionsHandler,
    TemplateStaticHandler,
    VoilaStaticHandler,
    course_routes,
)
from katlearn.server._voila_private import voila_extension_loaded


def hub_config() -> Config:
    """The course's settings for a hub's single-user server: those of every course server
    (``course_config``) plus the cull-safe kernel manager, without warm kernels (see the README)."""
    c = _options.course_config()
    c.ServerApp.kernel_manager_class = "katlearn.server.CourseKernelManager"
    return c


def _link_jupyter_server_extension(serverapp) -> None:
    """Before the server makes its kernel manager and web app and Voila reads its configuration:
    the course's settings, keeping any the hub admin set explicitly (``Spawner.args``)."""
    ours = hub_config()
    merged = Config()
    for section, values in ours.items():
        given = serverapp.config[section] if section in serverapp.config else {}
        for key, value in values.items():
            if key not in given:
                merged[section][key] = value
    serverapp.update_config(merged)
    # Pages and API replies compressed on the fly (static files: compressed once, see _static);
    # tornado reads this when the server makes its web app, after linking.
    serverapp.tornado_settings = {"compress_response": True, **serverapp.tornado_settings}


def templates_found() -> bool:
    """Whether the course's Voila templates are on Jupyter's search path (``JUPYTER_PATH``)."""
    return str(_options.SHARE_DIR) in jupyter_path()


def vendor_dir() -> Path:
    """plotly.js for the plot widget: the course's copy, or the plotly wheel's own when the
    course's folder is not writable for this user (learners do not own the installation)."""
    try:
        return _vendor.ensure_vendor()
    except OSError:
        return _vendor.wheel_plotly_js().parent


def voila_routes(serverapp, gzip_cache: GzipCache) -> list[tuple]:
    """The course's handlers for routes ``voila.server_extension`` also registers (same URLs, same
    arguments): the close beacon, and Voila's static files compressed and cacheable."""
    base = serverapp.web_app.settings["base_url"]
    voila = VoilaConfiguration(parent=serverapp)
    return [
        (url_path_join(base, "/voila/api/shutdown/(.*)"), BeaconShutdownHandler),
        (url_path_join(base, "/voila/static/(.*)"), VoilaStaticHandler,
         {"paths": collect_static_paths(["voila", "nbconvert"], voila.template), "gzip_cache": gzip_cache}),
        (url_path_join(base, "/voila/templates/(.*)"), TemplateStaticHandler, {"gzip_cache": gzip_cache}),
        (url_path_join(base, "/voila/labextensions/(.*)"), LabextensionsHandler,
         {"path": get_voila_labextensions_path(voila.extra_labextensions_path), "no_cache_paths": ["/"],
          "gzip_cache": gzip_cache}),
    ]


def _load_jupyter_server_extension(serverapp) -> None:
    """Once the web app exists, before Voila's extension adds its routes: the course's routes."""
    web_app = serverapp.web_app
    if voila_extension_loaded(web_app):
        raise RuntimeError("katlearn.server must load before voila.server_extension, whose routes "
                           "would otherwise hide the course's handlers")
    if not templates_found():
        serverapp.log.error("katlearn: the course's Voila templates are not on JUPYTER_PATH; start this "
                            "server with JUPYTER_PATH=%s (see deploy/jupyterhub/jupyterhub_config.py)",
                            _options.SHARE_DIR)
    settings = web_app.settings
    # As under `katlearn serve` (standalone Voila passes None): no MathJax from a CDN.
    settings.setdefault("mathjax_url", None)
    settings.setdefault("mathjax_config", None)
    gzip_cache = GzipCache()
    base = settings["base_url"]
    routes = course_routes(base, gzip_cache, vendor_dir()) + voila_routes(serverapp, gzip_cache) + verify_routes(base)
    web_app.add_handlers(".*$", routes)
    if hasattr(serverapp.kernel_manager, "start_warm_pool"):
        serverapp.kernel_manager.start_warm_pool()
    serverapp.log.info("katlearn: course routes and handlers added under %skatlearn/ and %svoila/", base, base)
