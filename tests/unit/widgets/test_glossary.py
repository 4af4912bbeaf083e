"""The searchable glossary: live filtering, anchors, and links."""

from __future__ import annotations

import re

from katlearn.content import GlossaryTerm, load_glossary
from katlearn.widgets import glossary as wg


def ids(html: str) -> list[str]:
    return re.findall(r'id="([^"]+)"', html)


def test_every_term_is_listed_with_a_term_anchor():
    w = wg.glossary()
    terms = load_glossary().terms
    anchors = ids(w.list.value)
    for t in terms:
        expected = f"glossary-term-{t.id}" if t.module == wg.GLOSSARY_SLUG else f"term-{t.id}"
        assert expected in anchors
    assert f"Showing {len(terms)} of {len(terms)}" in w.count.value
    assert "kl-glossary-search" in w.search._dom_classes and w.search.description


def test_typing_filters_the_list_live():
    w = wg.glossary()
    w.search.value = "nmda"
    shown = ids(w.list.value)
    assert "term-nmda_receptor" in shown and "term-half_life" not in shown
    assert "matching “nmda”" in w.count.value
    w.search.value = "zzzz-no-such-term"
    assert "No term matches" in w.list.value and "Showing 0 of" in w.count.value
    w.search.value = ""
    assert len(ids(w.list.value)) == len(load_glossary().terms)


def test_matching_ignores_case_accents_and_word_order():
    t = GlossaryTerm(id="madrs", term="MADRS (Montgomery–Åsberg Depression Rating Scale)", definition="A scale.")
    assert wg.matches(t, "asberg montgomery")
    assert wg.matches(t, "  ")
    assert not wg.matches(t, "hamilton")
    alias = GlossaryTerm(id="x", term="Esketamine", definition="d", aliases=("S-ketamine",))
    assert wg.matches(alias, "s-ketamine")


def test_entries_link_related_terms_and_the_introducing_module():
    t = GlossaryTerm(id="a", term="Alpha", definition="Some *text*.", see=("b",), module="05_treatment_process")
    html = wg.entry_html(t, {"b": "Beta"}, {"05_treatment_process": "The KAT treatment process"})
    assert 'id="term-a"' in html and '<a href="#term-b">Beta</a>' in html
    assert 'href="05_treatment_process.ipynb#term-a"' in html and "<em>text</em>" in html
    own = GlossaryTerm(id="c", term="Gamma", definition="d", module=wg.GLOSSARY_SLUG)
    assert 'id="glossary-term-c"' in wg.entry_html(own, {}, {})
