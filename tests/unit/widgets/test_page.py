"""Page furniture: header navigation, references from citations, key terms, friendly errors."""

from __future__ import annotations

import json
import re

from katlearn import content, paths
from katlearn.widgets import home, page


def test_header_of_a_module_says_where_the_learner_is_and_links_both_ways():
    modules = content.learner_modules()
    second = modules[1]
    html = page.header_html(second.slug, learner="tester")
    assert f"Module 2 of {len(modules)}" in html
    assert f'href="{modules[0].filename}" rel="prev"' in html
    assert f'href="{modules[2].filename}" rel="next"' in html
    assert 'href="00_start_here.ipynb"' in html
    assert "Your progress: not started" in html


def test_header_of_the_home_page_points_to_the_first_module():
    html = page.header_html("00_start_here", learner="tester")
    assert 'aria-current="page"' in html and "Module" not in html
    assert f'href="{content.learner_modules()[0].filename}" rel="next"' in html


def test_references_list_every_cited_key_once_with_an_anchor():
    slug = "01_what_is_kat"
    keys = page.cited_keys(slug)
    nb = json.loads((paths.notebooks() / f"{slug}.ipynb").read_text())
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert set(re.findall(r"\(#ref-([a-z0-9_]+)\)", prose)) <= set(keys)
    html = page.references_html(slug)
    for key in keys:
        assert html.count(f'id="ref-{key}"') == 1
    assert len(keys) == len(set(keys))


def test_every_citation_in_every_notebook_is_a_known_reference():
    known = content.load_references()
    for meta in content.modules():
        nb = json.loads((paths.notebooks() / meta.filename).read_text())
        prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        unknown = set(re.findall(r"\(#ref-([a-z0-9_]+)\)", prose)) - set(known)
        assert not unknown, f"{meta.filename} cites unknown keys {unknown}"


def test_key_terms_render_markdown_but_no_markup_from_the_glossary():
    html = page.key_terms_html("02_nmda_glutamate")
    assert "<dt id=\"term-nmda_receptor\">" in html
    assert "<script" not in html and "*" not in html


def test_course_map_lists_learner_modules_only_with_status():
    html = home.course_map_html(learner="tester")
    for meta in content.learner_modules():
        assert f'href="{meta.filename}"' in html
    assert "educator_dashboard" not in html
    assert html.count("not started") == len(content.learner_modules())


def test_error_handler_is_only_installed_under_voila(monkeypatch):
    monkeypatch.delenv("VOILA_KERNEL_ID", raising=False)
    assert page.install_error_handler() is False


def test_friendly_error_hides_the_traceback_from_the_page_and_logs_it(capfd, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    try:
        raise ValueError("internal detail 42")
    except ValueError as exc:
        page._friendly_errors(None, type(exc), exc, exc.__traceback__)
    assert shown and "could not be shown" in shown[0] and "internal detail" not in shown[0]
    err = capfd.readouterr().err
    assert "ERROR katlearn: a cell failed" in err and "internal detail 42" in err


def test_html_views_share_their_layout_and_style():
    from katlearn.widgets._html import html_view

    a, b, wide = html_view("<p>a</p>"), html_view(), html_view(wide=True)
    assert a.layout is b.layout and a.style is b.style is wide.style
    assert wide.layout is not a.layout and wide.layout.width == "100%"
    assert a.value == "<p>a</p>"
