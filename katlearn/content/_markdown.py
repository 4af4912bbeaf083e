"""Markdown in course content → sanitized HTML, with ``$...$`` math left for MathJax or as MathML.

Authors write prompts, feedback, explanations and glossary definitions in CommonMark. The
rendered HTML goes through an allow-list sanitizer (nh3), so whatever a content file holds,
what reaches the page has no ``<script>``, no event-handler attributes and no ``javascript:``
links. Math is cut out before Markdown runs (so ``$a_1*b_2$`` keeps its underscores and
stars) and put back, HTML-escaped, afterwards; MathJax reads it from the text. Views that have no
MathJax (the quiz's own front end) ask for ``math="mathml"``: each span becomes MathML
(latex2mathml), sanitized with its own allow-list, which browsers draw and screen readers read.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from latex2mathml.converter import convert as _latex_to_mathml
from markdown_it import MarkdownIt

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h3", "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "small", "span",
        "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "span": {"lang"},
}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
MATHML_TAGS: frozenset[str] = frozenset(
    {
        "math", "mrow", "mi", "mo", "mn", "ms", "mtext", "mspace", "msub", "msup", "msubsup", "mfrac",
        "msqrt", "mroot", "mstyle", "mpadded", "mphantom", "menclose", "mover", "munder", "munderover",
        "mtable", "mtr", "mtd",
    }
)
MATHML_ATTRIBUTES: dict[str, set[str]] = {
    "math": {"display"},
    "mo": {"stretchy", "fence", "form", "lspace", "rspace", "separator", "accent", "movablelimits"},
    "mi": {"mathvariant"},
    "mn": {"mathvariant"},
    "mtext": {"mathvariant"},
    "mspace": {"width"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant"},
    "mfrac": {"linethickness"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "menclose": {"notation"},
    "mtd": {"columnalign"},
}

# $$display$$ first, then $inline$: the opening $ is not followed by a space, the closing $ is
# not preceded by one nor followed by a digit, so "costs $5 and $10" stays text (as in pandoc).
_MATH = re.compile(
    r"(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|(?<![\\$])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?!\d)",
    re.DOTALL,
)
_TOKEN = "KLMATH{}X"
_TOKEN_RE = re.compile(r"KLMATH(\d+)X")


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    # html=True lets authors use <sub>, <abbr title=...>; the sanitizer decides what survives.
    return MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")


def _protect_math(text: str) -> tuple[str, list[str]]:
    spans: list[str] = []

    def keep(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return _TOKEN.format(len(spans) - 1)

    return _MATH.sub(keep, text), spans


def mathml(span: str) -> str:
    """One ``$...$`` / ``$$...$$`` span as sanitized MathML (the escaped TeX if it cannot be read)."""
    display = span.startswith("$$")
    tex = span[2:-2] if display else span[1:-1]
    try:
        markup = _latex_to_mathml(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any TeX the converter cannot read stays as text
        return html.escape(span, quote=False)
    return nh3.clean(markup, tags=set(MATHML_TAGS), clean_content_tags={"script", "style"},
                     attributes={k: set(v) for k, v in MATHML_ATTRIBUTES.items()})


def _restore_math(rendered: str, spans: list[str], as_mathml: bool = False) -> str:
    def put_back(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(spans):
            return match.group(0)
        return mathml(spans[index]) if as_mathml else html.escape(spans[index], quote=False)

    return _TOKEN_RE.sub(put_back, rendered)


def sanitize(fragment: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes; drop scripts with their content."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def render(text: str, *, inline: bool = False, math: str = "tex") -> str:
    """Render Markdown (with ``$...$`` / ``$$...$$`` math) to sanitized HTML.

    ``inline=True`` renders without a wrapping ``<p>``, for short strings such as feedback.
    ``math="tex"`` leaves math as escaped TeX for MathJax; ``math="mathml"`` turns it into MathML.
    """
    if math not in ("tex", "mathml"):
        raise ValueError(f"math must be 'tex' or 'mathml', not {math!r}")
    protected, spans = _protect_math(text or "")
    md = _md()
    rendered = md.renderInline(protected) if inline else md.render(protected)
    return _restore_math(sanitize(rendered), spans, as_mathml=math == "mathml").strip()


def to_text(text: str) -> str:
    """Plain text of a Markdown string (tags dropped, entities decoded), e.g. for tooltips."""
    without_tags = nh3.clean(render(text, inline=True), tags=set())
    return html.unescape(without_tags).strip()
