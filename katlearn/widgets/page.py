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

import ast
import importlib
import logging
import os
from html import escape
from types import ModuleType

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.widgets import live
from katlearn.widgets._failures import FRIENDLY_ERROR, record_failure
from katlearn.widgets.live import deferred
from katlearn.widgets._html import html_view

log = logging.getLogger("katlearn")

GLOSSARY_PAGE = f"{content.GLOSSARY_PAGE}.ipynb"
GLOSSARY_ANCHOR = "Glossary"


def _views_on(slug: str) -> list[ModuleType]:
    """The widget modules a page imports (``from katlearn.widgets import pk, quiz``), in order."""
    names: list[str] = []
    for cell in content.notebook_cells(slug):
        if cell.kind != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "katlearn.widgets":
                names.extend(a.name for a in node.names)
    return [importlib.import_module(f"katlearn.widgets.{n}") for n in dict.fromkeys(names)]


def cited_keys(slug: str) -> list[str]:
    """Reference keys cited anywhere on a page, first use first: its prose, quiz, cases, screening
    sets and predict prompts (:func:`katlearn.content.page_citations`), then its figures (each view
    module whose figures cite sources says which, with a ``figure_sources()`` function)."""
    keys = content.page_citations(slug)
    for view in _views_on(slug):
        figure_keys = getattr(view, "figure_sources", None)
        if callable(figure_keys):
            keys.extend(figure_keys())
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
    review = next((m for m in content.modules() if m.kind == "review"), None)
    review_link = "" if review is None else (
        f'<span class="kl-review-link" aria-current="page">Review</span>' if review.slug == slug
        else f'<a class="kl-review-link" href="{escape(review.filename)}">Review</a>')
    if meta.audience == "educator":
        home = '<a class="kl-home" href="00_start_here.ipynb">Course home</a>'
        where = '<span class="kl-where">For educators</span>'
    elif meta.kind == "review":
        home = '<a class="kl-home" href="00_start_here.ipynb">Course home</a>'
        where = ""
        status_html = ""
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
        f"{review_link}"
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
        as_of = f' <span class="kl-ref-as-of">Facts checked {escape(ref.as_of_text)}.</span>' if ref.as_of else ""
        isbn = f" ISBN {escape(ref.isbn)}." if ref.isbn and not ref.link else ""
        items.append(
            f'<li id="ref-{escape(key)}" class="kl-ref">{escape(authors)} ({escape(str(ref.year))}). '
            f"{escape(ref.title)}.{where}{isbn}{link}{as_of}{note}</li>"
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
