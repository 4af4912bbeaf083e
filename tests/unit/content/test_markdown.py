"""Markdown in content becomes sanitized HTML; math survives for MathJax."""

from __future__ import annotations

import pytest

from katlearn.content import markdown_to_text, render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>Hello",
        "Hello <script type='text/javascript'>document.cookie</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>Hello",
    ],
)
def test_script_tags_and_their_content_are_removed(source):
    out = render_markdown(source)
    assert "<script" not in out.lower() and "alert" not in out and "cookie" not in out
    assert "Hello" in out


@pytest.mark.parametrize(
    "source",
    [
        '<b onclick="steal()">bold</b>',
        '<img src="x" onerror="steal()">',
        '<a href="https://example.org" onmouseover="steal()">x</a>',
        '<div style="x" onfocus=steal() autofocus>y</div>',
    ],
)
def test_event_handler_attributes_are_removed(source):
    out = render_markdown(source)
    assert "steal" not in out and "onclick" not in out and "onerror" not in out


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
    ],
)
def test_javascript_and_data_urls_are_not_links(source):
    out = render_markdown(source)
    assert 'href="javascript' not in out.lower() and 'href="data' not in out.lower()


def test_safe_markdown_and_links_survive():
    out = render_markdown("**bold**, *it*, `code`, [DOI](https://doi.org/10.1/x) and Mg<sup>2+</sup>")
    assert "<strong>bold</strong>" in out and "<em>it</em>" in out and "<code>code</code>" in out
    assert '<a href="https://doi.org/10.1/x" rel="noopener noreferrer">DOI</a>' in out
    assert "<sup>2+</sup>" in out


def test_math_is_kept_verbatim_for_mathjax():
    out = render_markdown(r"Block: $B(V) = 1 / (1 + [Mg]_o/3.57 \cdot e^{-0.062 V})$ and $a_1 * b_2 * c$.")
    assert r"$B(V) = 1 / (1 + [Mg]_o/3.57 \cdot e^{-0.062 V})$" in out
    assert "$a_1 * b_2 * c$" in out  # no <em> from the stars, no lost underscores


def test_display_math_and_escaping_inside_math():
    out = render_markdown("$$a<b$$")
    assert "$$a&lt;b$$" in out


def test_dollar_amounts_are_not_math():
    assert render_markdown("costs $5 and $10", inline=True) == "costs $5 and $10"


def test_inline_rendering_has_no_paragraph():
    assert render_markdown("*x*", inline=True) == "<em>x</em>"
    assert render_markdown("*x*") == "<p><em>x</em></p>"


def test_to_text():
    assert markdown_to_text("**Mg** & <b>ions</b>") == "Mg & ions"


def test_math_as_mathml_for_views_without_mathjax():
    out = render_markdown(r"Occupancy is $c / (c + K_i)$, and $$e^{4.34}$$ too; costs $5.", math="mathml")
    assert '<math display="inline">' in out and '<math display="block">' in out
    assert "<msub><mi>K</mi><mi>i</mi></msub>" in out and "<msup><mi>e</mi>" in out
    assert "$c" not in out and "costs $5" in out


@pytest.mark.parametrize("tex", [r"$\text{<script>alert(1)</script>} x$", r"$\href{javascript:alert(1)}{y}$",
                                 r"$<img src=x onerror=alert(2)>$"])
def test_mathml_is_sanitized(tex):
    out = render_markdown(f"See {tex}.", math="mathml")
    assert "<script" not in out and "javascript:" not in out and "onerror" not in out and "<img" not in out


def test_unreadable_tex_stays_as_text_and_bad_math_option_is_refused():
    assert render_markdown(r"broken $\left( x$ here", math="mathml") == r"<p>broken $\left( x$ here</p>"
    with pytest.raises(ValueError, match="math must be"):
        render_markdown("x", math="katex")
