"""The prose a learner reads on each page: short cells, and abbreviations spelled out at first use.

Each notebook is one page. Its markdown cells are read in order as one text; link targets, HTML
tags and the page title (the ``# `` heading, which the learning objectives spell out right below)
are left out, and so is the text of citation links (``[ICER 2019](#ref-icer2019)``), which names a
source rather than using a term.

``SPELLED_OUT`` is the maintained list: each abbreviation (or piece of jargon) with a pattern that
spells it out or explains it. On every page that uses the term, the pattern must match before the
term's first use or within ``WINDOW_CHARS`` after it, e.g. "post-traumatic stress disorder (PTSD)"
or "a crossover trial (each person received both ...)". Add a term here when a page starts using it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from katlearn import paths

MAX_WORDS = 300  # a markdown cell of this many words or more is split into shorter ones
WINDOW_CHARS = 160  # how far after its first use a term's explanation may follow

# term -> (case-sensitive?, pattern that spells it out or explains it)
SPELLED_OUT: dict[str, tuple[bool, str]] = {
    "AMPA": (True, r"amino-3-hydroxy-5-methyl-4-isoxazolepropionic"),
    "AUC": (True, r"total exposure|area under"),
    "BDI": (True, r"Beck Depression Inventory"),
    "BDNF": (True, r"brain-derived neurotrophic factor"),
    "CADSS": (True, r"Clinician-Administered Dissociative States Scale"),
    "Cmax": (True, r"\bpeak\b|highest"),
    "FDA": (True, r"Food and Drug Administration"),
    "GABA": (True, r"gamma-aminobutyric|γ-aminobutyric"),
    "HAM-A": (True, r"Hamilton Anxiety"),
    "HDRS": (True, r"Hamilton Depression Rating Scale"),
    "HNK": (True, r"hydroxynorketamine"),
    "IM": (True, r"intramuscular"),
    "IV": (True, r"intravenous"),
    "KAP": (True, r"ketamine-assisted psychotherapy"),
    "KAT": (True, r"ketamine-assisted therapy"),
    "LMS": (True, r"learning management system"),
    "LSD": (True, r"lysergic acid diethylamide"),
    "Ki": (True, r"half of the binding sites|inhibition constant"),
    "MAPS": (True, r"Multidisciplinary Association for Psychedelic Studies"),
    "mTOR": (True, r"mechanistic target of rapamycin"),
    "NMDA": (True, r"N-methyl-D-aspartate"),
    "PCP": (True, r"phencyclidine"),
    "PTSD": (True, r"post-?traumatic stress disorder"),
    "REMS": (True, r"Risk Evaluation and Mitigation Strategy"),
    "SD": (True, r"standard deviation"),
    "SSRI": (True, r"selective serotonin reuptake inhibitor"),
    "Tmax": (True, r"time to peak"),
    "TRD": (True, r"treatment-resistant depression"),
    "crossover": (False, r"(each|every) (participant|person|patient)[^.]{0,80}\bboth\b"),
    "interim analysis": (False, r"(before|partway|part way)[^.]{0,60}(finished|complete|end)|planned early look"),
}

_TITLE = re.compile(r"\A# [^\n]*\n")
_CITATION = re.compile(r"\[[^\]]*\]\(#ref-[^)]*\)")
_LINK = re.compile(r"\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")


def _notebooks() -> list[Path]:
    return sorted(paths.notebooks().glob("*.ipynb"))


def _markdown_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _plain(markdown: str, citations: bool = True) -> str:
    """The words a learner reads: no link targets or tags; citation labels kept unless ``citations=False``."""
    if not citations:
        markdown = _CITATION.sub(" ", markdown)
    return " ".join(_TAG.sub(" ", _LINK.sub("]", markdown)).split())


def word_count(markdown: str) -> int:
    """Words as read, citation labels included ("Zarate et al. 2006" is four)."""
    return sum(1 for token in _plain(markdown).split() if re.search(r"\w", token))


def unexplained_terms(page_text: str, terms: dict[str, tuple[bool, str]] = SPELLED_OUT) -> list[str]:
    """Terms used in ``page_text`` whose explanation is neither before nor just after the first use."""
    text = _plain(_TITLE.sub("", page_text), citations=False)
    problems = []
    for term, (case_sensitive, explained) in terms.items():
        flags = 0 if case_sensitive else re.IGNORECASE
        first = re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, flags)
        if first is None:
            continue
        window = text[: first.end() + WINDOW_CHARS]
        if not re.search(explained, window, re.IGNORECASE):
            context = text[max(0, first.start() - 50) : first.end() + 50]
            problems.append(f"{term!r} first used without being spelled out: ...{context}...")
    return problems


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_markdown_cells_are_short(path):
    long = [(i, n) for i, n in ((i, word_count(s)) for i, s in enumerate(_markdown_cells(path))) if n >= MAX_WORDS]
    assert not long, f"{path.name}: markdown cells of {MAX_WORDS}+ words (cell position, words): {long}; split them"


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_abbreviations_spelled_out_at_first_use(path):
    problems = unexplained_terms("\n\n".join(_markdown_cells(path)))
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


def test_checker_catches_a_late_expansion():
    page = "# Title with PTSD\n\nPTSD is common. Much later text " + "x " * 100 + "post-traumatic stress disorder."
    [problem] = unexplained_terms(page)
    assert problem.startswith("'PTSD' first used without being spelled out: ...PTSD is common.")
    assert unexplained_terms("# T\n\nPost-traumatic stress disorder (PTSD) is common; PTSD ...") == []
    assert unexplained_terms("# T\n\nA small crossover study.") != []
    assert unexplained_terms("# T\n\nA crossover trial (each person received both drugs).") == []
    # a citation's label is not a use of the term; the heading of the page is not either
    assert unexplained_terms("# The KAT course\n\nSee [ICER 2019](#ref-icer2019).", {"ICER": (True, "x"), "KAT": (True, "x")}) == []


def test_word_count_ignores_link_targets_and_tags():
    assert word_count('<div class="kl-note">Two words</div> [a link](https://example.org/a/b/c) | --- |') == 4


# "$400" in Markdown is read by MathJax as the start of a formula ("$400 ... $800" becomes maths);
# amounts are written "USD 400". A formula such as $3K_i$ or $76.7 / 3.57$ does not match.
_CURRENCY = re.compile(r"(?<!\\)\$\d{1,3}(?:,\d{3})*(?:\.\d\d)?(?=[\s–\-),;]|\.(?!\d)|$)")


def test_no_dollar_amounts_that_mathjax_would_typeset():
    sources = {p.name: "\n".join(_markdown_cells(p)) for p in _notebooks()}
    sources |= {p.name: p.read_text(encoding="utf-8") for p in sorted((paths.root() / "assets" / "quizzes").glob("*.yaml"))}
    found = {name: _CURRENCY.findall(text) for name, text in sources.items() if _CURRENCY.search(text)}
    assert not found, f"write amounts as 'USD 400', not '$400' (MathJax reads $ as maths): {found}"
    assert _CURRENCY.findall("costs $400–800 and $5,572.") == ["$400", "$5,572"]
    assert not _CURRENCY.findall(r"$3K_i / (3K_i + K_i)$, $76.7 / 3.57$ and \$5 escaped")
