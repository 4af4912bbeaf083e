"""Loading content files into their models, cached until a file changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from katlearn import paths
from katlearn.content._questions import (
    QUESTION_TYPES,
    Bank,
    Matching,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Pair,
    Question,
    SingleChoice,
    TrueFalse,
)
from katlearn.content._sources import Glossary, GlossaryTerm, Reference
from katlearn.content._yaml import (
    ContentError,
    LineDict,
    Problem,
    expect_mapping,
    load_yaml,
    mtime_ns,
    problems_from,
    rel_path,
)

# every field name an author may write, for "did you mean ...?"
FIELDS: frozenset[str] = frozenset(
    name
    for model in (Option, Pair, SingleChoice, MultipleChoice, TrueFalse, Numeric, Ordering, Matching,
                  Bank, GlossaryTerm, Glossary, Reference)
    for name in model.model_fields
) | {"type"}


def _problems(exc: ValidationError, data, rel: str, prefix=()) -> list[Problem]:
    return problems_from(exc, data, rel, prefix, fields=FIELDS, kinds=QUESTION_TYPES)


def _root(root: str | Path | None) -> Path:
    return Path(root).resolve() if root is not None else paths.root()






def _bank_from_file(path: Path, root: Path) -> tuple[Bank, LineDict]:
    rel = rel_path(path, root)
    data = expect_mapping(load_yaml(path, rel), rel, "a mapping with a 'questions:' list")
    module = path.stem
    if "module" in data and data["module"] != module:
        raise ContentError([Problem(rel, data.key_lines["module"], "module",
                                    f"is {data['module']!r} but the file is named for {module!r}; "
                                    "remove the field or rename the file")])
    try:
        bank = Bank.model_validate({**data, "module": module})
    except ValidationError as exc:
        raise ContentError(_problems(exc, data, rel)) from None
    return bank, data


@lru_cache(maxsize=64)
def _bank_cached(path: str, root: str, _mtime: int) -> tuple[Bank, LineDict]:
    return _bank_from_file(Path(path), Path(root))




def load_bank(module: str, root: str | Path | None = None) -> Bank:
    """The quiz bank ``assets/quizzes/<module>.yaml``, validated (cached until the file changes).

    Raises ContentError listing every problem as ``path:line: field: message``.
    """
    base = _root(root)
    path = base / "assets" / "quizzes" / f"{module}.yaml"
    return _bank_cached(str(path), str(base), mtime_ns(path))[0]


def load_banks(root: str | Path | None = None) -> dict[str, Bank]:
    """Every quiz bank, keyed by module; raises ContentError with the problems of all of them."""
    base = _root(root)
    banks: dict[str, Bank] = {}
    problems: list[Problem] = []
    for path in sorted((base / "assets" / "quizzes").glob("*.yaml")):
        try:
            banks[path.stem] = load_bank(path.stem, base)
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    return banks


def preload(root: str | Path | None = None) -> None:
    """Read every content file into the caches (a warm kernel does this before any page needs it).

    Problems are left for the page that needs the file to report (or ``katlearn check``)."""
    for load in (load_banks, load_glossary, load_references):
        try:
            load(root)
        except ContentError:
            pass


def _glossary_from_file(path: Path, root: Path) -> tuple[Glossary, LineDict]:
    rel = rel_path(path, root)
    data = expect_mapping(load_yaml(path, rel), rel, "a mapping with a 'terms:' list")
    try:
        return Glossary.model_validate(data), data
    except ValidationError as exc:
        raise ContentError(_problems(exc, data, rel)) from None


@lru_cache(maxsize=8)
def _glossary_cached(path: str, root: str, _mtime: int) -> tuple[Glossary, LineDict]:
    return _glossary_from_file(Path(path), Path(root))


def load_glossary(root: str | Path | None = None) -> Glossary:
    base = _root(root)
    path = base / "assets" / "glossary.yaml"
    return _glossary_cached(str(path), str(base), mtime_ns(path))[0]


def _references_from_file(path: Path, root: Path) -> tuple[dict[str, Reference], LineDict]:
    rel = rel_path(path, root)
    data = expect_mapping(load_yaml(path, rel), rel, "a mapping of key: {authors, year, title, ...}")
    refs: dict[str, Reference] = {}
    problems: list[Problem] = []
    for key, entry in data.items():
        if not isinstance(key, str) or not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", key):
            problems.append(Problem(rel, data.key_lines[key], str(key),
                                    "reference keys are letters, digits, '.', '_' or '-'"))
            continue
        try:
            refs[key] = Reference.model_validate(entry)
        except ValidationError as exc:
            problems.extend(_problems(exc, data, rel, prefix=(key,)))
    if problems:
        raise ContentError(problems)
    return refs, data


@lru_cache(maxsize=8)
def _references_cached(path: str, root: str, _mtime: int) -> tuple[dict[str, Reference], LineDict]:
    return _references_from_file(Path(path), Path(root))


@lru_cache(maxsize=8)
def _short_cached(path: str, root: str, _mtime: int) -> dict[str, str]:
    return {key: ref.short() for key, ref in _references_cached(path, root, _mtime)[0].items()}


def short_citations(root: str | Path | None = None) -> dict[str, str]:
    """``{key: "Zarate et al. 2006"}`` for every reference, the one lookup figures, captions and
    exports cite by; empty while ``assets/references.yaml`` does not load (keys are shown then)."""
    base = _root(root)
    path = base / "assets" / "references.yaml"
    try:
        return dict(_short_cached(str(path), str(base), mtime_ns(path)))
    except ContentError:
        return {}


def short_citation(key: str, root: str | Path | None = None) -> str:
    """The short citation of ``key``, or the key itself when it is unknown or cannot be loaded."""
    return short_citations(root).get(key, key)


def load_references(root: str | Path | None = None) -> dict[str, Reference]:
    """``assets/references.yaml`` as ``{key: Reference}``."""
    base = _root(root)
    path = base / "assets" / "references.yaml"
    return dict(_references_cached(str(path), str(base), mtime_ns(path))[0])


def iter_questions(root: str | Path | None = None) -> Iterator[tuple[Bank, Question]]:
    """Every question of the course with its bank, in module order."""
    for _module, bank in sorted(load_banks(root).items()):
        for q in bank.questions:
            yield bank, q
