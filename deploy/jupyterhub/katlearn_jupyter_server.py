"""The course as a jupyter-server extension, for the single-user servers of a hub.

``python -m katlearn serve`` runs Voila as its own app. On JupyterHub the single-user server is
``jupyterhub-singleuser`` (jupyter-server with the hub's login) and Voila runs as its server
extension. This extension makes that server serve the course the same way:

- at link time it gives Voila and the kernel manager the options of ``katlearn serve``
  (:func:`voila_config`: the ``katlearn`` template, stripped sources, no tracebacks, culling…);
- at load time it adds the routes the template and the plot widget load from
  (``/katlearn/vendor``, ``/katlearn/assets``, ``/katlearn/fontawesome``: public course files, no
  learner data) and keeps MathJax off the CDN as ``serve`` does.

Enabled by ``jupyterhub_config.py`` next to this file (``--ServerApp.jpserver_extensions``), which
also puts this folder on the single-user server's ``PYTHONPATH``.
"""

from __future__ import annotations

from pathlib import Path

from jupyter_server.utils import url_path_join
from tornado import web
from traitlets.config import Config


class CourseStatic(web.StaticFileHandler):
    """The course's public files (stylesheet, images, plotly.js, Font Awesome), like jupyter-server's
    and Voila's own static files: served without the login, because browsers fetch fonts in CORS
    mode, which the hub's cookie login (rightly) refuses. ``?v=`` marks a versioned URL."""

    def set_extra_headers(self, path: str) -> None:
        if self.get_argument("v", None):
            self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        else:
            self.set_header("Cache-Control", "public, max-age=3600")


# Options of `katlearn serve` that belong to its standalone app, not to a hub's single-user server
# (which has its own port, address and kernel handling).
STANDALONE_ONLY = ("--port", "--Voila.", "--no-browser", "--KatVoila.")


def voila_config() -> Config:
    """The Voila, executor and kernel options ``python -m katlearn serve`` uses, as config.

    Read from :func:`katlearn.serve.voila_argv` each time a server starts, so the hub serves the
    course exactly as the course server does (template, stripped sources, no tracebacks, culling…)
    without a second copy of the list to keep in step.
    """
    from jupyter_client.manager import KernelManager
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from traitlets.config.loader import KVArgParseConfigLoader
    from voila.configuration import VoilaConfiguration
    from voila.execute import VoilaExecutor

    from katlearn import paths, serve

    argv = [a.replace("--template=", "--VoilaConfiguration.template=", 1)
            for a in serve.voila_argv() if a != str(paths.notebooks()) and not a.startswith(STANDALONE_ONLY)]
    loader = KVArgParseConfigLoader(
        argv, classes=[VoilaConfiguration, VoilaExecutor, MappingKernelManager, KernelManager])
    return loader.load_config()


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "katlearn_jupyter_server"}]


def _link_jupyter_server_extension(serverapp) -> None:
    """Before the server makes its kernel manager and Voila reads its configuration: add the
    course's options, keeping any the hub admin set explicitly (Spawner.args)."""
    ours = voila_config()
    merged = Config()
    for section, values in ours.items():
        given = serverapp.config.get(section, {}) if section in serverapp.config else {}
        for key, value in values.items():
            if key not in given:
                merged[section][key] = value
    serverapp.update_config(merged)


def vendor_dir() -> Path:
    """plotly.js for the plot widget: the course's copy, or the plotly wheel's own when the
    course's folder is not writable for this user (learners do not own the installation)."""
    from katlearn.server import ensure_vendor

    try:
        return ensure_vendor()
    except OSError:
        import plotly

        return Path(plotly.__file__).parent / "package_data"


def course_routes(base: str) -> list[tuple[str, type, dict[str, str]]]:
    from katlearn import paths
    from katlearn.server import _vendor

    return [
        (url_path_join(base, r"/katlearn/vendor/(.*)"), CourseStatic, {"path": str(vendor_dir())}),
        (url_path_join(base, r"/katlearn/assets/(.*)"), CourseStatic, {"path": str(paths.assets())}),
        (url_path_join(base, r"/katlearn/fontawesome/(.*)"), CourseStatic, {"path": str(_vendor.fontawesome_dir())}),
    ]


def _load_jupyter_server_extension(serverapp) -> None:
    settings = serverapp.web_app.settings
    # As under `katlearn serve` (standalone Voila passes None): no MathJax from a CDN.
    settings.setdefault("mathjax_url", None)
    settings.setdefault("mathjax_config", None)
    serverapp.web_app.add_handlers(".*$", course_routes(settings["base_url"]))
    serverapp.log.info("katlearn: course routes added under %skatlearn/", settings["base_url"])
