"""Every check of the course content and its cross-references (``python -m katlearn check``)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from katlearn.content import _cases, _prompts
from katlearn.content._course import ModuleMeta
from katlearn.content._load import (
    FIELDS,
    _bank_cached,
    _glossary_cached,
    _references_cached,
    _root,
    load_banks,
    load_glossary,
    load_references,
)
from katlearn.content._pages import check_pages
from katlearn.content._questions import QUESTION_TYPES
from katlearn.content._sources import Glossary, Reference, as_of_label
from katlearn.content._yaml import (
    ContentError,
    Problem,
    field_path,
    line_of,
    message,
    mtime_ns,
    rel_path,
)

READY_CALL = "page.ready()"


@dataclass(frozen=True)
class _Notebook:
    rel: str
    meta: ModuleMeta
    line: int


def _json_line(text: str, needle: str, start: int = 0) -> int:
    pos = text.find(needle, start)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 1


def _check_notebooks(root: Path, problems: list[Problem]) -> list[_Notebook]:
    found: list[_Notebook] = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        rel = rel_path(path, root)
        try:
            text = path.read_text(encoding="utf-8")
            nb = json.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(rel, 1, "file", f"cannot be read: {exc}"))
            continue
        except json.JSONDecodeError as exc:
            problems.append(Problem(rel, exc.lineno, "json", f"not a valid notebook: {exc.msg}"))
            continue
        raw = nb.get("metadata", {}).get("katlearn") if isinstance(nb, dict) else None
        meta_line = _json_line(text, '"katlearn"')
        if raw is None:
            problems.append(Problem(rel, 1, "metadata.katlearn", "missing (see katlearn/content/_course.py)"))
            continue
        try:
            meta = ModuleMeta.model_validate({**raw, "slug": path.stem}) if isinstance(raw, dict) \
                else ModuleMeta.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = ".".join(str(p) for p in error["loc"])
                field = f"metadata.katlearn.{loc}" if loc else "metadata.katlearn"
                line = _json_line(text, f'"{error["loc"][0]}"', text.find('"katlearn"')) if error["loc"] else meta_line
                problems.append(Problem(rel, line, field, message(error, FIELDS, QUESTION_TYPES)))
            continue
        code = [c for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]
        last = "".join(code[-1].get("source", "")) if code else ""
        if READY_CALL not in last:
            first = last.strip().splitlines()[0] if last.strip() else ""
            where = _json_line(text, json.dumps(first)[1:-1], text.rfind('"cell_type": "code"')) if first else 1
            problems.append(Problem(rel, where, "cells", f"the last code cell must call {READY_CALL} (a pre-rendered "
                                                         "page builds the learner's parts there; see "
                                                         "katlearn/widgets/live.py)"))
        found.append(_Notebook(rel, meta, meta_line))
    return found


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.7)
    return f"; did you mean {close[0]!r}?" if close else ""


def _at(rel: str, data: Any, loc: tuple[Any, ...], message: str) -> Problem:
    """A problem at ``loc`` inside a parsed YAML file."""
    return Problem(rel, line_of(data, loc), field_path(data, loc), message)


def _check_references_to(references: Mapping[str, Reference], keys: Sequence[str], rel: str, data: Any,
                         loc: tuple[Any, ...]) -> list[Problem]:
    if not references:  # assets/references.yaml did not load: its own problems say why
        return []
    return [
        _at(rel, data, (*loc, i), f"unknown reference key {key!r} (not in assets/references.yaml)"
                                  f"{_suggest(key, references)}")
        for i, key in enumerate(keys) if key not in references
    ]


def _check_banks(base: Path, notebooks: list[_Notebook], references: Mapping[str, Reference]) -> list[Problem]:
    problems: list[Problem] = []
    by_quiz: dict[str, list[_Notebook]] = {}
    for nb in notebooks:
        if nb.meta.quiz:
            by_quiz.setdefault(nb.meta.quiz, []).append(nb)
    seen_ids: dict[str, str] = {}
    bank_files = sorted((base / "assets" / "quizzes").glob("*.yaml"))
    for path in bank_files:
        rel = rel_path(path, base)
        try:
            bank, data = _bank_cached(str(path), str(base), mtime_ns(path))
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        owners = by_quiz.get(bank.module, [])
        if not owners:
            problems.append(Problem(rel, 1, "(file)",
                                    f"no notebook has metadata.katlearn.quiz = {bank.module!r}; "
                                    f"add it to notebooks/{bank.module}.ipynb or remove this bank"))
        objectives = {o.id for nb in owners for o in nb.meta.objectives}
        for i, q in enumerate(bank.questions):
            loc: tuple[Any, ...] = ("questions", i)
            if q.id in seen_ids:
                problems.append(_at(rel, data, (*loc, "id"), f"duplicate question id {q.id!r} (also at "
                                                             f"{seen_ids[q.id]}); ids must be unique course-wide"))
            else:
                seen_ids[q.id] = f"{rel}:{line_of(data, (*loc, 'id'))}"
            problems.extend(_check_references_to(references, q.references, rel, data, (*loc, "references")))
            if owners and q.objective not in objectives:
                listed = ", ".join(sorted(objectives)) or "none"
                problems.append(_at(rel, data, (*loc, "objective"),
                                    f"unknown objective {q.objective!r}; {owners[0].rel} lists: {listed}"))
    present = {p.stem for p in bank_files}
    for quiz_name, nbs in sorted(by_quiz.items()):
        if quiz_name in present:
            continue
        for nb in nbs:
            line = _json_line((base / nb.rel).read_text(encoding="utf-8"), '"quiz"')
            problems.append(Problem(nb.rel, line, "metadata.katlearn.quiz",
                                    f"names quiz {quiz_name!r} but assets/quizzes/{quiz_name}.yaml does not exist"))
    return problems


def _check_glossary(base: Path, notebooks: list[_Notebook], references: Mapping[str, Reference]) -> list[Problem]:
    path = base / "assets" / "glossary.yaml"
    if not path.exists():
        return []
    rel = rel_path(path, base)
    try:
        glossary, data = _glossary_cached(str(path), str(base), mtime_ns(path))
    except ContentError as exc:
        return list(exc.problems)
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    names: dict[str, int] = {}
    modules = {Path(nb.rel).stem for nb in notebooks}
    for i, term in enumerate(glossary.terms):
        loc = ("terms", i)
        if term.id in ids:
            problems.append(_at(rel, data, (*loc, "id"),
                                f"duplicate glossary id {term.id!r} (first at line {ids[term.id]})"))
        ids.setdefault(term.id, line_of(data, (*loc, "id")))
        folded = term.term.casefold()
        if folded in names:
            problems.append(_at(rel, data, (*loc, "term"),
                                f"term {term.term!r} is defined twice (first at line {names[folded]})"))
        names.setdefault(folded, line_of(data, (*loc, "term")))
        problems.extend(_check_references_to(references, term.references, rel, data, (*loc, "references")))
        if term.module is not None and term.module not in modules:
            problems.append(_at(rel, data, (*loc, "module"),
                                f"no notebook notebooks/{term.module}.ipynb{_suggest(term.module, modules)}"))
    for i, term in enumerate(glossary.terms):
        for j, see in enumerate(term.see):
            if see not in ids:
                problems.append(_at(rel, data, ("terms", i, "see", j),
                                    f"unknown glossary id {see!r}{_suggest(see, ids)}"))
            elif see == term.id:
                problems.append(_at(rel, data, ("terms", i, "see", j), "a term cannot refer to itself"))
    return problems


def check(root: str | Path | None = None) -> list[Problem]:
    """Every problem in the course's content and its cross-references (empty list = all good)."""
    base = _root(root)
    problems: list[Problem] = []
    notebooks = _check_notebooks(base, problems)
    first_use: dict[str, str] = {}
    for nb in notebooks:
        for obj in nb.meta.objectives:
            if obj.id in first_use:
                problems.append(Problem(nb.rel, nb.line, "metadata.katlearn.objectives",
                                        f"objective id {obj.id!r} is also used in {first_use[obj.id]}"))
            first_use.setdefault(obj.id, nb.rel)
    references: dict[str, Reference] = {}
    try:
        references = load_references(base)
    except ContentError as exc:
        problems.extend(exc.problems)
    problems.extend(_check_banks(base, notebooks, references))
    problems.extend(_check_glossary(base, notebooks, references))
    problems.extend(_cases.check(base, references=references.keys() if references else None))
    problems.extend(_prompts.check(base, references=set(references) if references else None))
    glossary: Glossary | None = None
    try:
        glossary = load_glossary(base)
    except (ContentError, OSError):
        pass  # reported by _check_glossary
    problems.extend(check_pages(base, [Path(nb.rel).stem for nb in notebooks], references, glossary))
    return problems


STALE_AFTER_MONTHS = 18


def warnings(root: str | Path | None = None, today: date | None = None) -> list[Problem]:
    """Facts to re-verify: every reference whose ``as_of`` is more than 18 months before ``today``.

    Warnings, not errors: the course still builds, but a maintainer should check the source again
    (a label revised, a schedule changed, a notice withdrawn) and update ``as_of``."""
    base = _root(root)
    today = today or date.today()
    try:
        references = load_references(base)
    except ContentError:
        return []
    path = base / "assets" / "references.yaml"
    data = _references_cached(str(path), str(base), mtime_ns(path))[1]
    out = []
    for key, ref in references.items():
        if not ref.as_of:
            continue
        year, month = (int(x) for x in ref.as_of.split("-"))
        age = (today.year - year) * 12 + today.month - month
        if age > STALE_AFTER_MONTHS:
            out.append(_at(rel_path(path, base), data, (key, "as_of"),
                           f"last checked {as_of_label(ref.as_of)}, {age} months ago: re-verify the facts "
                           f"cited to {key!r} against the current source and update as_of"))
    return out


def plural(count: int, noun: str) -> str:
    """``3 questions``, ``1 question``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(root: str | Path | None = None) -> str:
    """What the course holds, in one line: "403 questions in 8 quiz banks, 120 glossary terms, …"."""
    root = _root(root)
    counts = []
    try:
        banks = load_banks(root)
        counts.append(f"{plural(sum(len(b.questions) for b in banks.values()), 'question')} "
                      f"in {plural(len(banks), 'quiz bank')}")
    except ContentError:
        pass
    try:
        counts.append(plural(len(load_glossary(root).terms), "glossary term"))
    except ContentError:
        pass
    try:
        counts.append(plural(len(load_references(root)), "reference"))
    except ContentError:
        pass
    counts.append(plural(len(list((root / "notebooks").glob("*.ipynb"))), "notebook"))
    return ", ".join(counts)
