"""Markdown in course content → sanitized HTML, with ``$...$`` math left for MathJax.

Authors write prompts, feedback, explanations and glossary definitions in CommonMark. The
rendered HTML goes through an allow-list sanitizer (nh3), so whatever a content file holds,
what reaches the page has no ``<script>``, no event-handler attributes and no ``javascript:``
links. Math is cut out before Markdown runs (so ``$a_1*b_2$`` keeps its underscores and
stars) and put back, HTML-escaped, afterwards; MathJax reads it from the text.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
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


def _restore_math(rendered: str, spans: list[str]) -> str:
    def put_back(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return html.escape(spans[index], quote=False) if index < len(spans) else match.group(0)

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


def render(text: str, *, inline: bool = False) -> str:
    """Render Markdown (with ``$...$`` / ``$$...$$`` math) to sanitized HTML.

    ``inline=True`` renders without a wrapping ``<p>``, for short strings such as feedback.
    """
    protected, spans = _protect_math(text or "")
    md = _md()
    rendered = md.renderInline(protected) if inline else md.render(protected)
    return _restore_math(sanitize(rendered), spans).strip()


def to_text(text: str) -> str:
    """Plain text of a Markdown string (tags dropped, entities decoded), e.g. for tooltips."""
    without_tags = nh3.clean(render(text, inline=True), tags=set())
    return html.unescape(without_tags).strip()
