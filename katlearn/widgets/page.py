"""Page furniture every module shares: the header bar, key terms, and the reference list.

A module notebook calls, and only calls::

    from katlearn.widgets import page
    page.setup("02_nmda_glutamate")        # first cell: header with navigation and progress
    ...
    page.key_terms("02_nmda_glutamate")    # glossary entries this module introduces
    page.references("02_nmda_glutamate")   # every source the page and its quiz cite
    page.ready()                            # last cell: see katlearn.widgets.live

Citations in prose are Markdown links to the reference list: ``[Zarate 2006](#ref-zarate2006)``;
glossary terms link to ``#term-<id>``. :func:`cited_keys` finds the citations, so the list at the
bottom always matches what the page cites, and ``katlearn check`` can flag unknown keys.
"""

from __future__ import annotations

import json
import logging
import os
import re
from html import escape
from pathlib import Path

import ipywidgets as widgets

from katlearn import content, learning, paths
from katlearn.widgets import live
from katlearn.widgets._failures import FRIENDLY_ERROR, record_failure
from katlearn.widgets.live import deferred
from katlearn.widgets._html import html_view

log = logging.getLogger("katlearn")

GLOSSARY_PAGE = "07_future_resources.ipynb"
GLOSSARY_ANCHOR = "Glossary"
CITATION = re.compile(r"\(#ref-([a-z0-9_]+)\)")


def _notebook_path(slug: str) -> Path:
    return paths.notebooks() / f"{slug}.ipynb"


def cited_keys(slug: str) -> list[str]:
    """Reference keys cited in a notebook's Markdown cells and in its quiz bank, first use first."""
    nb = json.loads(_notebook_path(slug).read_text(encoding="utf-8"))
    keys: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", ""))
            keys.extend(CITATION.findall(source))
    meta = content.module(slug)
    if meta.quiz:
        for q in content.load_bank(meta.quiz).questions:
            keys.extend(q.references)
    return list(dict.fromkeys(keys))


def header_html(slug: str, learner: str | None = None) -> str:
    modules = list(content.learner_modules())
    meta = content.module(slug)
    learner = learner or learning.current_learner()
    status = learning.module_status(learner, [slug])[slug]
    idx = next((i for i, m in enumerate(modules) if m.slug == slug), None)
    prev_link = next_link = ""
    status_html = (
        f'<span class="kl-status kl-status-{status.replace(" ", "-")}">Your progress: {status}</span>'
        if meta.audience == "learner" else ""
    )
    if meta.audience == "educator":
        home = '<a class="kl-home" href="00_start_here.ipynb">Course home</a>'
        where = '<span class="kl-where">For educators</span>'
    elif idx is None:  # the home page itself
        home = '<span class="kl-home" aria-current="page">Course home</span>'
        where = ""
        if modules:
            n = modules[0]
            next_link = f'<a class="kl-next" href="{escape(n.filename)}" rel="next">Start: {escape(n.title)} →</a>'
    else:
        home = '<a class="kl-home" href="00_start_here.ipynb">Course home</a>'
        where = f'<span class="kl-where">Module {idx + 1} of {len(modules)}</span>'
        if idx > 0:
            p = modules[idx - 1]
            prev_link = f'<a class="kl-prev" href="{escape(p.filename)}" rel="prev">← {escape(p.title)}</a>'
        if idx + 1 < len(modules):
            n = modules[idx + 1]
            next_link = f'<a class="kl-next" href="{escape(n.filename)}" rel="next">{escape(n.title)} →</a>'
    return (
        '<header class="kl-chrome">'
        '<nav class="kl-chrome-nav" aria-label="Course navigation">'
        f"{home}{where}"
        f"{status_html}"
        f'<a class="kl-glossary-link" href="{GLOSSARY_PAGE}#{GLOSSARY_ANCHOR}">Glossary</a>'
        f'<span class="kl-minutes">About {meta.minutes} min</span>'
        "</nav>"
        f'<nav class="kl-prevnext" aria-label="Previous and next module">{prev_link}{next_link}</nav>'
        "</header>"
    )


def _friendly_errors(shell, etype, value, tb, tb_offset=None):  # noqa: ARG001
    """IPython custom exception handler for pages served by Voila.

    The learner sees a short notice where the content should be, never a traceback; the full
    traceback goes to the kernel's stderr, which the course server's log collects.
    """
    from IPython.display import HTML, display

    record_failure("a cell", value, tb)
    display(HTML(FRIENDLY_ERROR))
    return None


def install_error_handler() -> bool:
    """Show failing cells as a friendly notice — only when the page is served by Voila.

    Outside Voila (JupyterLab, nbval) errors stay errors, so tests still fail on them.
    """
    if not os.environ.get("VOILA_KERNEL_ID"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((Exception,), _friendly_errors)
    return True


def setup(slug: str) -> widgets.HTML:
    """The header bar of a module page: where am I, how far am I, where next.

    Also makes a failing cell further down show a friendly notice instead of vanishing. The header
    shows the learner's progress, so on a pre-rendered page it is built when the learner arrives
    (see :mod:`katlearn.widgets.live`); every page ends with :func:`ready`.
    """
    install_error_handler()
    return header(slug)


@deferred
def header(slug: str) -> widgets.HTML:
    out = html_view(header_html(slug))
    out.add_class("kl-chrome-widget")
    return out


def ready() -> None:
    """The last cell of every page: on a pre-rendered page, wait for the learner and build their
    parts of the page (header, saved answers, …); elsewhere nothing. See :mod:`katlearn.widgets.live`."""
    live.ready()


def references_html(slug: str) -> str:
    refs = content.load_references()
    items = []
    for key in cited_keys(slug):
        ref = refs[key]
        authors = ref.authors if isinstance(ref.authors, str) else ", ".join(ref.authors)
        where = f" <em>{escape(ref.journal)}</em>." if ref.journal else ""
        link = f' <a href="{escape(ref.link)}">{escape(ref.link)}</a>' if ref.link else ""
        note = f' <span class="kl-ref-note">({escape(ref.note)})</span>' if ref.note else ""
        items.append(
            f'<li id="ref-{escape(key)}" class="kl-ref">{escape(authors)} ({escape(str(ref.year))}). '
            f"{escape(ref.title)}.{where}{link}{note}</li>"
        )
    return '<ol class="kl-references">' + "".join(items) + "</ol>"


def references(slug: str) -> widgets.HTML:
    """The numbered list of every source this page and its quiz cite."""
    out = html_view(references_html(slug))
    out.add_class("kl-references-widget")
    return out


def key_terms_html(slug: str) -> str:
    terms = [t for t in content.load_glossary().terms if t.module == slug]
    rows = "".join(
        f'<dt id="term-{escape(t.id)}">{escape(t.term)}</dt><dd>{content.render_markdown(t.definition, inline=True)}</dd>'
        for t in terms
    )
    return f'<dl class="kl-key-terms">{rows}</dl>'


def key_terms(slug: str) -> widgets.HTML:
    """The glossary entries this module introduces, as a definition list."""
    out = html_view(key_terms_html(slug))
    out.add_class("kl-key-terms-widget")
    return out
