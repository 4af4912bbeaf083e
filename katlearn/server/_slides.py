"""Presenter mode: every module as a slide deck, one idea per slide.

Slide boundaries come from the notebook's own structure, so decks never drift from the pages:

- a Markdown cell that starts with a level-1 or level-2 heading opens a new slide;
- a level-3 heading opens a sub-slide (reveal.js's vertical step);
- every other cell stays on the slide of the heading above it (explanation + its interactive);
- the page-setup cell (the header bar) is skipped: a projector needs no navigation bar.

A cell's own ``metadata.slideshow.slide_type`` always wins, so an author can override the rule.
:class:`SlidesPreprocessor` applies this when Voila renders with the ``katlearn-reveal`` template.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor

SLIDE_HEADING = re.compile(r"^\s*#{1,2}\s")
SUBSLIDE_HEADING = re.compile(r"^\s*###\s")
SETUP_CALL = re.compile(r"\bpage\.setup\(")


def slide_type(cell: dict) -> str:
    """The reveal.js slide type of one cell (see module docstring)."""
    explicit = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    if explicit:
        return explicit
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    if cell.get("cell_type") == "markdown":
        if SLIDE_HEADING.match(source):
            return "slide"
        if SUBSLIDE_HEADING.match(source):
            return "subslide"
    elif cell.get("cell_type") == "code" and SETUP_CALL.search(source):
        return "skip"
    return "-"


def slide_types(nb: dict) -> list[str]:
    return [slide_type(c) for c in nb.get("cells", [])]


class SlidesPreprocessor(Preprocessor):
    """Sets ``metadata.slideshow.slide_type`` on every cell from :func:`slide_type`."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            kind = slide_type(cell)
            cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
        return nb, resources
