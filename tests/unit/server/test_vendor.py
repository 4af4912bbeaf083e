"""Which plotly.js the course serves, and the URL pages and figure views agree on."""

from __future__ import annotations

from pathlib import Path

from katlearn.server import _vendor


def _bundle(path: Path, header: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"/**\n* {header}\n*/\nwindow.Plotly = {{}};\n", encoding="utf-8")
    return path


def test_version_is_read_from_either_bundle_header(tmp_path) -> None:
    assert _vendor._js_version(_bundle(tmp_path / "a.js", "plotly.js v4.1.1")) == "4.1.1"
    assert _vendor._js_version(_bundle(tmp_path / "b.js", "plotly.js (cartesian - minified) v3.0.10")) == "3.0.10"
    assert _vendor._js_version(tmp_path / "missing.js") is None


def test_cartesian_bundle_is_used_only_at_the_wheels_version(tmp_path, monkeypatch) -> None:
    full = _bundle(tmp_path / "wheel" / "plotly.min.js", "plotly.js v4.1.1")
    cart = tmp_path / "npm" / "plotly-cartesian.min.js"
    monkeypatch.setattr(_vendor, "wheel_plotly_js", lambda: full)
    monkeypatch.setattr(_vendor, "cartesian_plotly_js", lambda: cart)
    assert _vendor.plotly_js_source() == full  # not installed
    _bundle(cart, "plotly.js (cartesian - minified) v4.0.0")
    assert _vendor.plotly_js_source() == full  # another plotly.js than the Python side expects
    _bundle(cart, "plotly.js (cartesian - minified) v4.1.1")
    assert _vendor.plotly_js_source() == cart
    assert _vendor.wanted_packages()[_vendor.PLOTLY_CARTESIAN] == "4.1.1"


def test_url_changes_with_the_file_content(tmp_path, monkeypatch) -> None:
    src = _bundle(tmp_path / "plotly.min.js", "plotly.js v4.1.1")
    monkeypatch.setattr(_vendor, "plotly_js_source", lambda: src)
    _vendor.plotly_js_url.cache_clear()
    try:
        first = _vendor.plotly_js_url()
        assert first.startswith(_vendor.PLOTLY_JS_URL + "?v=")
        src.write_text(src.read_text() + "// changed\n")
        _vendor.plotly_js_url.cache_clear()
        assert _vendor.plotly_js_url() != first
    finally:
        _vendor.plotly_js_url.cache_clear()


def test_served_file_is_the_chosen_bundle_and_views_ask_for_it() -> None:
    from katlearn.server import CoursePageConfig
    from katlearn.widgets.plot import PlotView

    served = _vendor.ensure_vendor() / "plotly.min.js"
    assert served.read_bytes() == _vendor.plotly_js_source().read_bytes()
    assert CoursePageConfig()({"baseUrl": "/"})["katlearnPlotly"] == _vendor.plotly_js_url()
    # a view (which must not import the server) falls back to the same file, without the hash
    assert _vendor.plotly_js_url().split("?v=")[0] == PlotView().plotly_src
