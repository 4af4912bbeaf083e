"""The course glossary as a searchable list.

``glossary()`` shows a labelled search box and every term of ``assets/glossary.yaml``; typing
filters the list live (term, aliases and definition are searched, case- and accent-insensitive).
Each entry is a ``<div id="term-<id>">`` so links such as ``#term-nmda_receptor`` land on it, says
which module introduces it (linked) and lists related terms.

Terms that the glossary page's own module introduces are also in that page's "Key terms" list,
which already carries their ``term-<id>`` anchor; here they get ``glossary-term-<id>`` instead, so
no id appears twice on the page.

Stable CSS classes: ``kl-glossary`` (container), ``kl-glossary-search`` (main control: the text
box), ``kl-glossary-count``, ``kl-glossary-list``, ``kl-glossary-entry``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from html import escape

import ipywidgets as widgets

from katlearn import content
from katlearn.content import ContentError, GlossaryTerm, load_glossary
from katlearn.widgets import page
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["Glossary", "glossary", "matches", "entry_html", "list_html", "fold"]

GLOSSARY_SLUG = page.GLOSSARY_PAGE.removesuffix(".ipynb")


def fold(text: str) -> str:
    """Lower-case, accents removed: "Åsberg" and "asberg" match."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches(term: GlossaryTerm, query: str) -> bool:
    """Does every word of ``query`` occur in the term, an alias or the definition?"""
    words = fold(query).split()
    if not words:
        return True
    haystack = fold(" ".join([term.term, *term.aliases, term.definition, term.id.replace("_", " ")]))
    return all(w in haystack for w in words)


def _module_titles() -> dict[str, str]:
    try:
        return {m.slug: m.title for m in content.modules()}
    except (content.NotebookMetaError, OSError):
        return {}


def entry_html(term: GlossaryTerm, names: dict[str, str], titles: dict[str, str], own_slug: str = GLOSSARY_SLUG) -> str:
    anchor = f"glossary-term-{term.id}" if term.module == own_slug else f"term-{term.id}"
    aliases = f" <small>(also: {escape(', '.join(term.aliases))})</small>" if term.aliases else ""
    extra = []
    if term.see:
        links = ", ".join(f'<a href="#term-{escape(s)}">{escape(names.get(s, s))}</a>' for s in term.see)
        extra.append(f"See also: {links}.")
    if term.module and term.module in titles:
        extra.append(f'Introduced in <a href="{escape(term.module)}.ipynb#term-{escape(term.id)}">'
                     f"{escape(titles[term.module])}</a>.")
    more = f'<br><small>{" ".join(extra)}</small>' if extra else ""
    return (f'<div id="{escape(anchor)}" class="kl-glossary-entry" style="margin:0 0 0.9em 0">'
            f'<p style="margin:0"><strong>{escape(term.term)}</strong>{aliases}</p>'
            f'<p style="margin:0.15em 0 0 0">{content.render_markdown(term.definition, inline=True)}{more}</p></div>')


def list_html(terms: Sequence[GlossaryTerm], query: str = "", titles: dict[str, str] | None = None) -> tuple[str, int]:
    """The filtered list as HTML, and how many entries it shows."""
    titles = _module_titles() if titles is None else titles
    names = {t.id: t.term for t in terms}
    shown = [t for t in sorted(terms, key=lambda t: fold(t.term)) if matches(t, query)]
    if not shown:
        return '<p class="kl-glossary-empty">No term matches. Try a shorter word.</p>', 0
    entries = "".join(entry_html(t, names, titles) for t in shown)
    # A scrolling region keeps the page short; keyboard users can focus and scroll it.
    return (f'<div class="kl-glossary-entries" tabindex="0" role="region" aria-label="Glossary entries" '
            f'style="max-height:36em;overflow-y:auto;padding-right:0.5em;border-top:1px solid #ddd;'
            f'border-bottom:1px solid #ddd;padding-top:0.6em">{entries}</div>', len(shown))


class Glossary(widgets.VBox):
    """Search box + live-filtered list of every glossary term."""

    def __init__(self) -> None:
        self.search = control(widgets.Text, value="", placeholder="e.g. NMDA, integration, half-life",
                                   description="Search the glossary:", continuous_update=True,
                                   style={"description_width": "initial"},
                                   layout=shared_layout(width="100%", max_width="32em"))
        self.search.add_class("kl-glossary-search")
        self.count = html_view()
        self.count.add_class("kl-glossary-count")
        self.list = html_view(wide=True)
        self.list.add_class("kl-glossary-list")
        super().__init__([self.search, self.count, self.list], layout=shared_layout(width="100%"))
        self.add_class("kl-glossary")
        try:
            self.terms = tuple(load_glossary().terms)
        except ContentError as exc:
            self.terms = ()
            self.list.value = ("<p><strong>The glossary could not be loaded.</strong> Run "
                               "<code>python -m katlearn check</code>.</p>"
                               + "".join(f"<p><code>{escape(str(p))}</code></p>" for p in exc.problems))
            return
        self._titles = _module_titles()
        self._last: str | None = None
        self.search.observe(lambda _c: self.update(), names="value")
        self.update()

    def update(self) -> None:
        query = self.search.value.strip()
        if query == self._last:
            return
        self._last = query
        html, n = list_html(self.terms, query, self._titles)
        self.list.value = html
        self.count.value = (f'<p role="status" aria-live="polite"><small>Showing {n} of {len(self.terms)} terms'
                            f"{' matching “' + escape(query) + '”' if query else ''}.</small></p>")


def glossary() -> Glossary:
    """The searchable glossary for a notebook cell."""
    return Glossary()
