"""Serving the course: the Voila app, its static files, kernels and pre-rendering, the hub extension.

``python -m katlearn serve`` runs :class:`CourseVoila`; a JupyterHub single-user server runs the
same parts through the jupyter-server extension this package is (enable ``katlearn.server``).

Names are imported when first used, so a page's kernel that asks for :func:`plotly_js_url` does
not import Voila.
"""

from __future__ import annotations

from importlib import import_module

# public name -> the private module that defines it
_WHERE = {
    "BeaconShutdownHandler": "_beacon",
    "CourseKernelManager": "_kernels",
    "CoursePageConfig": "_page_config",
    "CourseVoila": "_app",
    "PrerenderKernelManager": "_prerender",
    "SlidesPreprocessor": "_slides",
    "ensure_vendor": "_vendor",
    "plotly_js_url": "_vendor",
    "run": "_app",
    "standalone_config": "_options",
}

__all__ = sorted(_WHERE)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """jupyter-server's entry point: the hub extension (see :mod:`katlearn.server._hub`)."""
    return [{"module": "katlearn.server._hub"}]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
