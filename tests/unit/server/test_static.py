"""Static files: compressed once per file version, cacheable for as long as they cannot change."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

from katlearn import paths
from katlearn.server import _static
from tests.unit.server.inprocess import course_app

GZIP = {"Accept-Encoding": "gzip"}


@pytest.mark.parametrize(("name", "hashed"), [
    ("/voila/labextensions/anywidget/static/528.d9f5934c.js", True),
    ("/voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/remoteEntry.c8c9eed2cdefd1.js", True),
    ("/voila/labextensions/@voila-dashboards/widgets-manager8/static/style.js", False),
    ("/voila/static/7155.voila.js", False),
])
def test_only_content_hashed_names_are_immutable(name, hashed):
    assert bool(_static.HASHED_NAME.search(name)) is hashed


def test_gzip_cache_compresses_once_per_file_version(tmp_path):
    f = tmp_path / "x.js"
    f.write_text("var a = 1;\n" * 1000)
    cache = _static.GzipCache()
    first = cache.get(str(f))
    assert gzip.decompress(first) == f.read_bytes()
    assert cache.get(str(f)) is first
    f.write_text("var b = 2;\n" * 10)
    assert gzip.decompress(cache.get(str(f))) == f.read_bytes()


def test_voilas_static_routes_are_served_by_the_course_handlers():
    routes = [(r"/voila/static/(.*)", MultiStaticFileHandler, {"paths": ["/x"]}),
              (r"/voila/templates/(.*)", TemplateStaticFileHandler), (r"/other", object)]
    cache = _static.GzipCache()
    swapped = _static.swap_voila_static(routes, cache)
    assert [r[1] for r in swapped] == [_static.VoilaStaticHandler, _static.TemplateStaticHandler, object]
    assert swapped[0][2] == {"paths": ["/x"], "gzip_cache": cache}
    assert swapped[1][2] == {"gzip_cache": cache}


def test_files_are_sent_gzip_compressed_and_cacheable():
    css = (paths.assets() / "css" / "katlearn.css").read_bytes()

    async def scenario():
        async with course_app() as app:
            r = await app.fetch("katlearn/assets/css/katlearn.css", headers=GZIP)
            assert r.code == 200 and r.headers["Content-Encoding"] == "gzip"
            assert gzip.decompress(r.body) == css
            assert r.headers["Cache-Control"] == "public, max-age=3600"
            assert "Accept-Encoding" in r.headers["Vary"]
            versioned = await app.fetch("katlearn/assets/css/katlearn.css?v=1", headers=GZIP)
            assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            plain = await app.fetch("katlearn/assets/css/katlearn.css")
            assert "Content-Encoding" not in plain.headers and plain.body == css
            assert plain.headers["Etag"] != r.headers["Etag"]  # a cache keeps both versions apart
            # a range is of the file itself, not of its cached gzip bytes (tornado's compress_response
            # may still compress the slice on the fly)
            ranged = await app.fetch("katlearn/assets/css/katlearn.css", headers={**GZIP, "Range": "bytes=0-9"})
            body = gzip.decompress(ranged.body) if ranged.headers.get("Content-Encoding") else ranged.body
            assert ranged.code == 206 and body == css[:10]

            voila_js = await app.fetch("voila/static/voila.js", headers=GZIP)
            assert voila_js.code == 200 and voila_js.headers["Content-Encoding"] == "gzip"
            assert voila_js.headers["Cache-Control"] == "public, max-age=3600"
            template = await app.fetch("voila/templates/lab/static/index.css", headers=GZIP)
            assert template.code == 200 and template.headers["Content-Encoding"] == "gzip"

            manifest = await app.fetch("voila/labextensions/@jupyter-widgets/jupyterlab-manager/package.json",
                                       headers=GZIP)
            assert manifest.code == 200 and manifest.headers["Content-Encoding"] == "gzip"
            assert manifest.headers["Cache-Control"] == "public, max-age=3600, must-revalidate"

            plotly = await app.fetch("katlearn/vendor/plotly.min.js", headers=GZIP)
            assert plotly.code == 200 and plotly.headers["Content-Encoding"] == "gzip"

    asyncio.run(scenario())


def test_hashed_labextension_files_are_kept_for_good():
    from voila.utils import get_voila_labextensions_path

    relative = next(p.relative_to(root).as_posix() for root in map(Path, get_voila_labextensions_path())
                    for p in root.rglob("*.js") if _static.HASHED_NAME.search(p.name))

    async def scenario():
        async with course_app() as app:
            r = await app.fetch(f"voila/labextensions/{relative}", headers=GZIP)
            assert r.code == 200, relative
            assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"

    asyncio.run(scenario())
