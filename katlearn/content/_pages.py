"""What a module page cites and links to, read from its notebook and the content it embeds.

A page cites sources in three ways: Markdown links in its prose (``[Zarate 2006](#ref-zarate2006)``),
the content it embeds by key (its quiz bank, the cases and screening sets named in its code cells,
its predict-then-check prompts), and its figures (added by the figure views, see
``katlearn.widgets.page``). :func:`page_citations` collects the first two, so the reference list at the
bottom of the page holds every source cited above it. :func:`check_pages` checks the links: every
``#term-<id>`` link must land on an entry on the page it points to, every cited key must exist, and a
source with an as-of date must be cited at least once on the page with "as of <Month YYYY>" beside it
(in the same paragraph).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from katlearn import paths
from katlearn.content import _cases
from katlearn.content._course import read_module_meta
from katlearn.content._load import load_bank
from katlearn.content._prompts import load_predict
from katlearn.content._sources import Glossary, Reference
from katlearn.content._yaml import ContentError, Problem, rel_path

GLOSSARY_PAGE = "07_future_resources"  # the page that lists every glossary term
CITATION = re.compile(r"\(#ref-([A-Za-z0-9][A-Za-z0-9._-]*)\)")
TERM_LINK = re.compile(r"\]\(\s*(?:([A-Za-z0-9_.-]+)\.ipynb)?#term-([A-Za-z0-9_.-]+)\s*\)")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Cell:
    """One notebook cell: its index (0-based), kind, source text and the .ipynb line of its first source line."""

    index: int
    kind: str
    source: str
    line: int


def _root(root: str | Path | None) -> Path:
    return Path(root).resolve() if root is not None else paths.root()


def cells(slug: str, root: str | Path | None = None) -> list[Cell]:
    """The cells of ``notebooks/<slug>.ipynb`` with the line each starts on (for file:line problems)."""
    path = _root(root) / "notebooks" / f"{slug}.ipynb"
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    out: list[Cell] = []
    pos = 0
    for i, cell in enumerate(nb.get("cells", [])):
        pos = text.find('"cell_type"', pos + 1)
        start = text.find('"source"', pos) if pos >= 0 else -1
        line = text.count("\n", 0, start) + 1 if start >= 0 else 1
        source = cell.get("source", "")
        if isinstance(source, list):
            line += 1  # "source": [ on its own line, one JSON string per source line after it
        out.append(Cell(i, cell.get("cell_type", ""), "".join(source) if isinstance(source, list) else source, line))
    return out


def _strings(source: str) -> Iterator[str]:
    """The string literals passed to calls in a code cell (content is embedded by key)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield arg.value


def predict_calls(source: str) -> Iterator[tuple[str, str]]:
    """``(module, key)`` of every ``predict(module, key)`` call in a code cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if name == "predict" and len(args) >= 2:
                yield args[0], args[1]


def _embedded(slug: str, code: list[str], root: Path) -> list[str]:
    """Reference keys of the content a page embeds by key: cases, screening sets, predict prompts."""
    keys: list[str] = []
    scenario_ids = set(_cases.scenario_ids(root))
    for source in code:
        for value in _strings(source):
            if value in scenario_ids:
                keys.extend(_cases._load(value, root).cited_keys())
        for module, key in predict_calls(source):
            try:
                keys.extend(load_predict(module, root).get(key).references)
            except (ContentError, KeyError, OSError):
                continue  # reported by check_pages
    return keys


def page_citations(slug: str, root: str | Path | None = None) -> list[str]:
    """Every reference key a page cites in its prose, quiz and embedded content, first use first."""
    base = _root(root)
    page = cells(slug, base)
    keys: list[str] = []
    for cell in page:
        if cell.kind == "markdown":
            keys.extend(CITATION.findall(cell.source))
    keys.extend(_embedded(slug, [c.source for c in page if c.kind == "code"], base))
    meta = read_module_meta(base / "notebooks" / f"{slug}.ipynb")
    if meta.quiz:
        keys.extend(k for q in load_bank(meta.quiz, base).questions for k in q.references)
    return list(dict.fromkeys(keys))


def term_anchors(glossary: Glossary, slug: str) -> set[str]:
    """Glossary ids whose ``#term-<id>`` anchor is on page ``slug``: the terms it introduces (its key
    terms list), or every term on the glossary page."""
    return {t.id for t in glossary.terms if slug == GLOSSARY_PAGE or t.module == slug}


def _line_in(cell: Cell, needle: str) -> int:
    """The .ipynb line of ``needle`` inside a cell (each source line is one JSON line)."""
    before = cell.source[: max(cell.source.find(needle), 0)]
    return cell.line + before.count("\n")


def check_pages(root: Path, slugs: list[str], references: Mapping[str, Reference],
                glossary: Glossary | None) -> list[Problem]:
    """Links in every module page: term links resolve, cited keys exist, as-of sources say so, and
    predict prompts named in code exist."""
    problems: list[Problem] = []
    for slug in slugs:
        rel = rel_path(root / "notebooks" / f"{slug}.ipynb", root)
        page = cells(slug, root)
        problems += _check_citations(rel, page, references)
        for cell in page:
            where = f"cells[{cell.index}]"
            if cell.kind == "markdown":
                problems += _check_terms(root, slug, rel, cell, where, glossary)
            elif cell.kind == "code":
                for module, key in predict_calls(cell.source):
                    try:
                        load_predict(module, root).get(key)
                    except KeyError:
                        problems.append(Problem(rel, _line_in(cell, key), where,
                                                f"predict prompt {key!r} is not in assets/predict/{module}.yaml"))
                    except (ContentError, OSError):
                        problems.append(Problem(rel, _line_in(cell, module), where,
                                                f"predict({module!r}, ...): assets/predict/{module}.yaml "
                                                "is missing or invalid (see katlearn check)"))
    return problems


def _check_terms(root: Path, slug: str, rel: str, cell: Cell, where: str, glossary: Glossary | None) -> list[Problem]:
    if glossary is None:
        return []
    problems = []
    for match in TERM_LINK.finditer(cell.source):
        target, term = match.group(1) or slug, match.group(2)
        line = _line_in(cell, match.group(0))
        if term not in {t.id for t in glossary.terms}:
            problems.append(Problem(rel, line, where, f"term link #term-{term}: no such glossary id"))
        elif not (root / "notebooks" / f"{target}.ipynb").exists():
            problems.append(Problem(rel, line, where, f"term link {target}.ipynb#term-{term}: no notebook {target}"))
        elif term not in term_anchors(glossary, target):
            home = next(t.module for t in glossary.terms if t.id == term)
            page = f"{home}.ipynb" if home else f"{GLOSSARY_PAGE}.ipynb"
            problems.append(Problem(rel, line, where,
                                    f"term link #term-{term} does not resolve on {target} (its key terms do not "
                                    f"list it); link to {page}#term-{term} or give the term module: {target}"))
    return problems


def _check_citations(rel: str, page: list[Cell], references: Mapping[str, Reference]) -> list[Problem]:
    """Cited keys exist; a source that changes (``as_of``) is cited at least once on the page in a
    paragraph that says "as of <Month YYYY>" (its as_of), so the reader knows how current it is."""
    problems = []
    dated: dict[str, tuple[Cell, int, bool]] = {}  # key -> first citing cell, line, said "as of" anywhere
    for cell in page:
        if cell.kind != "markdown":
            continue
        for paragraph in _PARAGRAPH.split(cell.source):
            for key in dict.fromkeys(CITATION.findall(paragraph)):
                line = _line_in(cell, f"#ref-{key})")
                ref = references.get(key)
                if ref is None:
                    if references:
                        problems.append(Problem(rel, line, f"cells[{cell.index}]",
                                                f"cites unknown reference key {key!r}"))
                    continue
                if ref.as_of:
                    said = ref.as_of_text.casefold() in paragraph.casefold()
                    first = dated.setdefault(key, (cell, line, said))
                    dated[key] = (first[0], first[1], first[2] or said)
    for key, (cell, line, said) in dated.items():
        if not said:
            text = references[key].as_of_text
            problems.append(Problem(rel, line, f"cells[{cell.index}]",
                                    f"cites {key!r}, a source that changes, but no paragraph citing it on this page "
                                    f"says \"{text}\" (its as_of in assets/references.yaml); add it to one of them"))
    return problems
