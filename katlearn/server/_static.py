"""Static files sent gzip-compressed (compressed once per file version) and cacheable.

The same handlers serve the standalone server (:class:`katlearn.server.CourseVoila`) and a hub's
single-user server (:mod:`katlearn.server._hub`):

- :class:`CourseStaticHandler`: the course's own public files (``/katlearn/...``: stylesheet,
  images, plotly.js, Font Awesome, presenter-mode npm packages);
- :class:`VoilaStaticHandler`, :class:`TemplateStaticHandler`, :class:`LabextensionsHandler`:
  Voila's front end, in place of Voila's own handlers for the same routes (:data:`VOILA_SWAPS`).

Each takes a ``gzip_cache`` (one :class:`GzipCache` per server) in its route's arguments.
Files whose URL carries ``?v=`` or whose name carries a content hash never change, so browsers
keep them for good; others are kept an hour.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.utils import url_path_join
from tornado import web
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

from katlearn import paths
from katlearn.server import _vendor

# Static file types worth compressing (fonts and images are compressed already).
COMPRESSIBLE = re.compile(r"\.(js|mjs|css|json|map|svg|html|txt|ttf|eot)$")
# Webpack names files by content hash (e.g. ``84.09c61a35dce1705f.js``): such a file never changes.
HASHED_NAME = re.compile(r"[.-][0-9a-f]{8,}\.(js|css|woff2?|ttf|svg|eot|png)$")
IMMUTABLE = "public, max-age=31536000, immutable"
AN_HOUR = "public, max-age=3600"


class GzipCache:
    """Gzip bytes of static files, keyed by path, size and modification time (a changed file is
    compressed again; its older version is dropped)."""

    def __init__(self) -> None:
        self._store: dict[tuple[str, int, int], bytes] = {}

    def get(self, path: str) -> bytes:
        st = os.stat(path)
        key = (path, st.st_size, st.st_mtime_ns)
        data = self._store.get(key)
        if data is None:
            with open(path, "rb") as f:
                data = gzip.compress(f.read(), compresslevel=6, mtime=0)
            self._store = {k: v for k, v in self._store.items() if k[0] != path}
            self._store[key] = data
        return data


def cache_control(handler: web.RequestHandler, default: str) -> str:
    """``Cache-Control`` for a static file: for good when its URL or name says which version it is."""
    if handler.get_argument("v", None) or HASHED_NAME.search(handler.request.path):
        return IMMUTABLE
    return default


class _Compressed:
    """Mixin for tornado static handlers: gzip when the browser accepts it, from a :class:`GzipCache`.

    tornado's own ``compress_response`` would compress plotly.js (4.6 MB) again for every learner.
    """

    _gz: bytes | None = None

    def initialize(self, *, gzip_cache: GzipCache, **kwargs) -> None:
        self._gzip_cache = gzip_cache
        super().initialize(**kwargs)

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        path = super().validate_absolute_path(root, absolute_path)
        self._gz = None
        if (
            path
            and COMPRESSIBLE.search(path)
            and "gzip" in self.request.headers.get("Accept-Encoding", "")
            and not self.request.headers.get("Range")
        ):
            gz = self._gz = self._gzip_cache.get(path)
            # tornado reads the body through get_content, a classmethod it also calls on the class
            # to hash the file for the ETag: this handler (one request) sends the gzip bytes.
            self.get_content = lambda abspath, start=None, end=None: gz
        return path

    def set_headers(self) -> None:
        super().set_headers()
        if self._gz is not None:
            self.set_header("Content-Encoding", "gzip")
        if COMPRESSIBLE.search(self.request.path) and not self.settings.get("compress_response"):
            self.set_header("Vary", "Accept-Encoding")  # (tornado's compress_response adds it)

    def compute_etag(self) -> str | None:
        etag = super().compute_etag()
        return etag[:-1] + '-gz"' if etag and self._gz is not None else etag

    def get_content_size(self) -> int:
        return len(self._gz) if self._gz is not None else super().get_content_size()


class CourseStaticHandler(_Compressed, web.StaticFileHandler):
    """The course's public files (no learner data): like Voila's own static files, served without
    a login, since browsers fetch fonts in CORS mode, which a hub's cookie login refuses."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", cache_control(self, AN_HOUR))


class VoilaStaticHandler(_Compressed, MultiStaticFileHandler):
    """Voila's front end (``/voila/static``). Its chunk names carry no content hash, so it is kept
    an hour, not for good: a Voila upgrade reaches browsers within the hour."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", cache_control(self, AN_HOUR))


class TemplateStaticHandler(_Compressed, TemplateStaticFileHandler):
    """Static files of Voila templates (``/voila/templates/<name>/static``)."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", cache_control(self, AN_HOUR))


class LabextensionsHandler(_Compressed, FileFindHandler):
    """JupyterLab extensions (widgets, anywidget). Voila sends them ``no-cache``, so every visit
    revalidated ~25 files; their names carry content hashes, so they are kept for good
    (``remoteEntry``/``style.js`` and other unhashed names: revalidated after an hour)."""

    def set_headers(self) -> None:
        super().set_headers()
        self.set_header("Cache-Control", cache_control(self, AN_HOUR + ", must-revalidate"))


# Voila's static handlers and the course's replacements for them, route for route.
VOILA_SWAPS: dict[type, type] = {
    MultiStaticFileHandler: VoilaStaticHandler,
    TemplateStaticFileHandler: TemplateStaticHandler,
    FileFindHandler: LabextensionsHandler,
}


def swap_voila_static(routes: list[tuple], gzip_cache: GzipCache) -> list[tuple]:
    """Voila's routes with its static handlers replaced by :data:`VOILA_SWAPS` (same URLs, same
    arguments plus the gzip cache); every other route unchanged."""
    out = []
    for pattern, handler, *rest in routes:
        if handler in VOILA_SWAPS:
            kwargs = {**(rest[0] if rest else {}), "gzip_cache": gzip_cache}
            out.append((pattern, VOILA_SWAPS[handler], kwargs, *rest[1:]))
        else:
            out.append((pattern, handler, *rest))
    return out


def course_routes(base_url: str, gzip_cache: GzipCache, vendor_dir: Path) -> list[tuple]:
    """The course's own static routes under ``base_url``: what its templates and plot widget load."""
    folders = {
        "vendor": vendor_dir,
        "assets": paths.assets(),
        "fontawesome": _vendor.fontawesome_dir(),
        "npm": _vendor.NODE_MODULES,
    }
    return [(url_path_join(base_url, rf"/katlearn/{name}/(.*)"), CourseStaticHandler,
             {"path": str(folder), "gzip_cache": gzip_cache}) for name, folder in folders.items()]
