"""Presenter mode's slide rule, and that every module makes a sensible deck."""

from __future__ import annotations

import json

import nbformat
import pytest

from katlearn import content, paths
from katlearn.server._slides import SlidesPreprocessor, slide_type


def md(text, **meta):
    return {"cell_type": "markdown", "source": text, "metadata": meta}


def code(text):
    return {"cell_type": "code", "source": text, "metadata": {}}


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (md("# Title"), "slide"),
        (md("## A section\n\ntext"), "slide"),
        (md("### A step"), "subslide"),
        (md("#### A minor heading"), "-"),
        (md("Plain paragraph with a # inside"), "-"),
        (code('page.setup("01_what_is_kat")'), "skip"),
        (code("pk_explorer()"), "-"),
        (md("## Overridden", slideshow={"slide_type": "fragment"}), "fragment"),
    ],
)
def test_slide_rule(cell, expected):
    assert slide_type(cell) == expected


def test_preprocessor_sets_metadata_on_every_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('page.setup("x")'), nbformat.v4.new_markdown_cell("# T"),
                nbformat.v4.new_markdown_cell("text"), nbformat.v4.new_markdown_cell("## S")]
    out, _ = SlidesPreprocessor().preprocess(nb, {})
    assert [c.metadata["slideshow"]["slide_type"] for c in out.cells] == ["skip", "slide", "-", "slide"]


@pytest.mark.parametrize("slug", [m.slug for m in content.modules() if m.audience == "learner"])
def test_every_module_makes_a_deck_of_short_slides(slug):
    nb = json.loads((paths.notebooks() / f"{slug}.ipynb").read_text())
    kinds = [slide_type(c) for c in nb["cells"]]
    assert kinds.count("slide") >= 3, "a deck needs a title and sections"
    # one idea per slide: no slide or sub-slide runs on for more than a handful of cells
    run = longest = 0
    for kind in kinds:
        run = 1 if kind in ("slide", "subslide") else run + (kind == "-")
        longest = max(longest, run)
    assert longest <= 8, f"a slide of {slug} holds {longest} cells; split it with a heading"
