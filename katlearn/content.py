"""Course content as data: quiz banks, the glossary and the reference list, loaded and checked.

Files (formats documented for authors in ``assets/README.md``):

- ``assets/quizzes/<module>.yaml``: one quiz bank per notebook (``<module>`` = notebook stem);
- ``assets/glossary.yaml``: plain-language definitions of the course's terms;
- ``assets/references.yaml``: the literature, ``key: {authors, year, title, ...}``.

Loading keeps YAML line numbers, so every problem names its place:
``assets/quizzes/02_nmda.yaml:41: questions[3].options: at least 2 needed``.
``cli_check`` runs every check, including the cross-references between files and the notebooks'
``metadata.katlearn`` (see :mod:`katlearn.course`).
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from katlearn import course, paths
from katlearn.markdown import render as render_markdown

__all__ = [
    "Bank", "ContentError", "Glossary", "GlossaryTerm", "Matching", "MultipleChoice", "Numeric",
    "Option", "Ordering", "Pair", "Problem", "Question", "QUESTION_TYPES", "Reference",
    "SingleChoice", "TrueFalse", "check", "cli_check", "load_bank", "load_banks",
    "load_glossary", "load_references", "render_markdown",
]

# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, where it is and what to do about it."""

    path: str  # relative to the course root, e.g. "assets/quizzes/02_nmda.yaml"
    line: int  # 1-based
    field: str  # e.g. "questions[3].options"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class ContentError(ValueError):
    """Content failed to load or validate; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid content")


# ---------------------------------------------------------------------------------------------
# YAML with line numbers


class LineDict(dict):
    """A YAML mapping that remembers where it and each of its keys start (1-based lines)."""

    line: int = 1
    key_lines: dict[Any, int]


class LineList(list):
    """A YAML sequence that remembers where it and each of its items start (1-based lines)."""

    line: int = 1
    item_lines: list[int]


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when built with it: ~5x faster
    """SafeLoader that records lines and refuses duplicate keys (PyYAML keeps the last one)."""

    duplicates: list[tuple[int, str]]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        self.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    "this key cannot be used as a mapping key", key_node.start_mark,
                ) from None
            line = key_node.start_mark.line + 1
            if key in result:
                self.duplicates.append(
                    (line, f"duplicate key {key!r} (first at line {result.key_lines[key]}); "
                           "YAML would silently keep only the last one")
                )
            result[key] = self.construct_object(value_node, deep=deep)
            result.key_lines.setdefault(key, line)
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:  # type: ignore[override]
        result = LineList(self.construct_object(child, deep=deep) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


_YAML_HINTS = (
    ("'\\t'", "a tab character; indent with spaces only"),
    ("mapping values are not allowed", "a ': ' inside unquoted text; put the whole text in quotes"),
    ("expected <block end>", "this line does not line up with the lines above; check its indentation"),
    ("could not find expected ':'", "a line that is neither 'key: value' nor '- item'; check quotes and indentation"),
    ("found unexpected end of stream", "a quote or bracket is never closed"),
    ("did not find expected key", "this line does not line up with the lines above; check its indentation"),
)


def _yaml_hint(what: str) -> str:
    for needle, hint in _YAML_HINTS:
        if needle in what:
            return hint + " "
    return ""


def _load_yaml(path: Path, rel: str) -> Any:
    """Parse one YAML file keeping line numbers; YAML errors become a ContentError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError([Problem(rel, 1, "file", "missing")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(rel, 1, "file", f"cannot be read: {exc}")]) from None
    loader = _LineLoader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "end of stream" in str(exc.problem):
            mark = exc.context_mark  # where the unclosed quote or bracket began
        line = mark.line + 1 if mark else 1
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise ContentError([Problem(rel, line, "yaml", f"not valid YAML: {_yaml_hint(what)}({what})")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(rel, 1, "yaml", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise ContentError([Problem(rel, line, "yaml", msg) for line, msg in loader.duplicates])
    return data


def _line_of(data: Any, loc: Sequence[Any]) -> int:
    """The line of the deepest part of ``loc`` that exists in the parsed YAML."""
    line = getattr(data, "line", 1)
    node = data
    for part in loc:
        if isinstance(node, LineDict):
            if part in node:
                line = node.key_lines.get(part, line)
                node = node[part]
                continue
            if isinstance(part, str) and node.get("type") == part:
                continue  # pydantic names the union member it tried, e.g. ("single", "options")
            break
        if isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
            continue
        break
    return line


def _field_path(data: Any, loc: Sequence[Any]) -> str:
    """``("questions", 3, "single", "options")`` → ``questions[3].options``."""
    out = ""
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part not in node and node.get("type") == part:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        if isinstance(node, (LineDict, LineList)):
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
    return out or "(top level)"


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if isinstance(value, Mapping):
        return "a mapping (key: value lines)"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def _message(error: Mapping[str, Any]) -> str:
    """Pydantic's error in words an author can act on."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "required field missing"
    if kind == "extra_forbidden":
        name = str(error["loc"][-1]) if error.get("loc") else ""
        close = difflib.get_close_matches(name, sorted(_ALL_FIELDS), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else "; check the spelling (see assets/README.md)"
        return f"unknown field{hint}"
    if kind in {"too_short", "too_long"}:
        if kind == "too_short":
            found = len(value) if isinstance(value, (list, tuple)) else ctx.get("actual_length", 0)
            return f"at least {ctx.get('min_length')} needed, found {found}"
        return f"at most {ctx.get('max_length')} allowed, found {ctx.get('actual_length')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_type":
        hint = " — put it in quotes" if isinstance(value, (bool, int, float)) else ""
        return f"expected text, got {_describe(value)}{hint}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {_describe(value)}"
    if kind in {"float_type", "float_parsing", "int_type", "int_parsing", "finite_number"}:
        return f"expected a number, got {_describe(value)}"
    if kind in {"list_type", "tuple_type"}:
        return f"expected a list (lines starting with '- '), got {_describe(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping (key: value lines), got {_describe(value)}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {value!r}"
    if kind == "union_tag_not_found":
        return f"required field 'type' missing; use one of: {', '.join(QUESTION_TYPES)}"
    if kind == "union_tag_invalid":
        return f"unknown question type {ctx.get('tag')!r}; use one of: {', '.join(QUESTION_TYPES)}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return error["msg"].replace("Input should be", "must be")
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        return f"{value!r} has characters that are not allowed (see assets/README.md)"
    return str(error["msg"])


def _problems_from(exc: ValidationError, data: Any, rel: str, prefix: Sequence[Any] = ()) -> list[Problem]:
    problems = []
    for error in exc.errors():
        value = error.get("input")
        if error["type"] == "too_short" and isinstance(value, (list, tuple)) \
                and len(value) >= (error.get("ctx") or {}).get("min_length", 0):
            continue  # long enough; some items failed and are reported on their own
        loc = (*prefix, *error["loc"])
        if error["type"] == "union_tag_invalid":
            loc = (*loc, "type")
        problems.append(Problem(rel, _line_of(data, loc), _field_path(data, loc), _message(error)))
    return problems


# ---------------------------------------------------------------------------------------------
# Models

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Model):
    """One answer of a ``single`` or ``multiple`` question; ``text`` is plain text."""

    text: Text
    correct: bool = False
    feedback: Text


class Pair(_Model):
    """One row of a ``matching`` question; both sides are plain text."""

    term: Text
    definition: Text


class _QuestionBase(_Model):
    id: Key
    prompt: Text
    explanation: Text
    references: tuple[Key, ...] = Field(min_length=1)
    objective: Key
    difficulty: Difficulty


def _unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        folded = value.casefold()
        if folded in seen:
            raise ValueError(f"{what} {value!r} appears twice")
        seen.add(folded)


class SingleChoice(_QuestionBase):
    """Exactly one option is correct."""

    type: Literal["single"]
    options: tuple[Option, ...] = Field(min_length=2)
    shuffle: bool = True

    @field_validator("options")
    @classmethod
    def _one_correct(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        _unique((o.text for o in options), "option")
        n = sum(o.correct for o in options)
        if n != 1:
            raise ValueError(f"exactly one option needs 'correct: true', found {n}")
        return options


class MultipleChoice(_QuestionBase):
    """Select all that apply: one or more options are correct."""

    type: Literal["multiple"]
    options: tuple[Option, ...] = Field(min_length=2)
    shuffle: bool = True

    @field_validator("options")
    @classmethod
    def _some_correct(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        _unique((o.text for o in options), "option")
        if not any(o.correct for o in options):
            raise ValueError("at least one option needs 'correct: true'")
        return options


class TrueFalse(_QuestionBase):
    """A statement that is true or false; ``feedback`` is keyed by the learner's answer."""

    type: Literal["true_false"]
    answer: bool
    feedback: dict[bool, Text] = Field(default_factory=dict)

    @field_validator("feedback", mode="before")
    @classmethod
    def _bool_keys(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            for key in value:
                if not isinstance(key, bool):
                    raise ValueError(f"keys must be true and false, found {key!r}")
        return value


class Numeric(_QuestionBase):
    """A number, right within ± ``tolerance`` (absolute, in ``unit``)."""

    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(default=0.0, ge=0)
    unit: str = ""

    @field_validator("answer", "tolerance", mode="before")
    @classmethod
    def _no_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {_describe(value)}")
        return value


class Ordering(_QuestionBase):
    """``items`` listed in the correct order (first to last); shown shuffled."""

    type: Literal["ordering"]
    items: tuple[Text, ...] = Field(min_length=3)

    @field_validator("items")
    @classmethod
    def _distinct(cls, items: tuple[str, ...]) -> tuple[str, ...]:
        _unique(items, "item")
        return items


class Matching(_QuestionBase):
    """Match each ``term`` to its ``definition``; definitions are shown shuffled."""

    type: Literal["matching"]
    pairs: tuple[Pair, ...] = Field(min_length=3)

    @field_validator("pairs")
    @classmethod
    def _distinct(cls, pairs: tuple[Pair, ...]) -> tuple[Pair, ...]:
        _unique((p.term for p in pairs), "term")
        _unique((p.definition for p in pairs), "definition")
        return pairs


Question = Annotated[
    Union[SingleChoice, MultipleChoice, TrueFalse, Numeric, Ordering, Matching],
    Field(discriminator="type"),
]
QUESTION_TYPES: tuple[str, ...] = ("single", "multiple", "true_false", "numeric", "ordering", "matching")


class Bank(_Model):
    """The quiz of one module."""

    module: str
    title: str = ""
    questions: tuple[Question, ...] = Field(min_length=1)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"no question {question_id!r} in quiz {self.module!r}")


class GlossaryTerm(_Model):
    id: Key
    term: Text
    definition: Text
    aliases: tuple[Text, ...] = ()
    see: tuple[Key, ...] = ()  # ids of related glossary entries
    references: tuple[Key, ...] = ()  # reference keys for facts the definition states
    module: str | None = None  # notebook stem of the module that introduces the term


class Glossary(_Model):
    terms: tuple[GlossaryTerm, ...] = Field(min_length=1)

    def get(self, term_id: str) -> GlossaryTerm:
        for t in self.terms:
            if t.id == term_id:
                return t
        raise KeyError(f"no glossary term {term_id!r}")


class Reference(BaseModel):
    """One source. Owned by the science editor; extra fields are kept, not rejected."""

    model_config = ConfigDict(extra="allow", frozen=True)
    authors: Union[Text, tuple[Text, ...]]
    year: Union[int, Text]
    title: Text
    journal: str = ""
    doi: str = ""
    url: str = ""
    note: str = ""

    @property
    def link(self) -> str:
        """Where to read it: the DOI resolver if there is a DOI, else the URL, else ''."""
        if self.doi:
            doi = self.doi.strip().removeprefix("https://doi.org/").removeprefix("doi:")
            return f"https://doi.org/{doi}"
        return self.url.strip()

    def short(self) -> str:
        """Short citation such as "Zarate et al. 2006" (the journal when authors are unknown)."""
        first = self.authors if isinstance(self.authors, str) else (self.authors[0] if self.authors else "")
        if first.strip().startswith("[") or not first.strip():
            who = re.split(r"\s+\d|\(", self.journal, maxsplit=1)[0].strip() or self.title[:40]
        else:
            who = _short_authors(self.authors)
        return f"{who} {self.year}".strip()


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def _surname(author: str) -> str:
    author = author.strip()
    if "," in author:  # "Zarate, C. A."
        return author.split(",", 1)[0].strip()
    tokens = [t for t in author.split() if t.casefold() not in _SUFFIXES]
    if not tokens:
        return author
    if len(tokens) > 1 and _INITIALS.match(tokens[-1]):  # "Zarate CA", "van der Berg J"
        return " ".join(tokens[:-1])
    if any(_INITIALS.match(t) for t in tokens[:-1]):  # "Carlos A. Zarate"
        return tokens[-1]
    return author  # an organisation, e.g. "Janssen Pharmaceuticals"


def _short_authors(authors: str | Sequence[str]) -> str:
    """"Zarate et al.", "Jahr and Stevens", "Janssen Pharmaceuticals" from an author list."""
    if isinstance(authors, str):
        many = "et al" in authors
        text = re.sub(r"\(.*?\)", "", authors.replace("et al.", "").replace("et al", ""))
        if re.search(r",\s*[A-Z]\.", text):  # "Zarate, C. A., Singh, J. B.": surname, initials
            parts = [p for p in re.split(r"[,;]", text) if p.strip()]
            names = [", ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
        else:  # "Zarate CA Jr, Singh JB; Manji HK" or an organisation
            names = [a for a in re.split(r"[,;]", text) if a.strip()]
    else:
        names, many = [re.sub(r"\(.*?\)", "", a) for a in authors], False
    names = [" ".join(n.split()) for n in names if n.strip()]
    if not names:
        return ""
    first = _surname(names[0])
    if many or len(names) > 2:
        return f"{first} et al."
    if len(names) == 2:
        return f"{first} and {_surname(names[1])}"
    return first


_ALL_FIELDS: set[str] = {
    name
    for model in (Option, Pair, SingleChoice, MultipleChoice, TrueFalse, Numeric, Ordering, Matching,
                  Bank, GlossaryTerm, Glossary, Reference)
    for name in model.model_fields
} | {"type"}


# ---------------------------------------------------------------------------------------------
# Loading


def _root(root: str | Path | None) -> Path:
    return Path(root).resolve() if root is not None else paths.root()


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _expect_mapping(data: Any, rel: str, what: str) -> LineDict:
    if not isinstance(data, LineDict):
        line = getattr(data, "line", 1)
        raise ContentError([Problem(rel, line, "(top level)", f"expected {what}, got {_describe(data)}")])
    return data


def _bank_from_file(path: Path, root: Path) -> tuple[Bank, LineDict]:
    rel = _rel(path, root)
    data = _expect_mapping(_load_yaml(path, rel), rel, "a mapping with a 'questions:' list")
    module = path.stem
    if "module" in data and data["module"] != module:
        raise ContentError([Problem(rel, data.key_lines["module"], "module",
                                    f"is {data['module']!r} but the file is named for {module!r}; "
                                    "remove the field or rename the file")])
    try:
        bank = Bank.model_validate({**data, "module": module})
    except ValidationError as exc:
        raise ContentError(_problems_from(exc, data, rel)) from None
    return bank, data


@lru_cache(maxsize=64)
def _bank_cached(path: str, root: str, _mtime: int) -> tuple[Bank, LineDict]:
    return _bank_from_file(Path(path), Path(root))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def load_bank(module: str, root: str | Path | None = None) -> Bank:
    """The quiz bank ``assets/quizzes/<module>.yaml``, validated (cached until the file changes).

    Raises ContentError listing every problem as ``path:line: field: message``.
    """
    base = _root(root)
    path = base / "assets" / "quizzes" / f"{module}.yaml"
    return _bank_cached(str(path), str(base), _mtime(path))[0]


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
    rel = _rel(path, root)
    data = _expect_mapping(_load_yaml(path, rel), rel, "a mapping with a 'terms:' list")
    try:
        return Glossary.model_validate(data), data
    except ValidationError as exc:
        raise ContentError(_problems_from(exc, data, rel)) from None


@lru_cache(maxsize=8)
def _glossary_cached(path: str, root: str, _mtime: int) -> tuple[Glossary, LineDict]:
    return _glossary_from_file(Path(path), Path(root))


def load_glossary(root: str | Path | None = None) -> Glossary:
    base = _root(root)
    path = base / "assets" / "glossary.yaml"
    return _glossary_cached(str(path), str(base), _mtime(path))[0]


def _references_from_file(path: Path, root: Path) -> tuple[dict[str, Reference], LineDict]:
    rel = _rel(path, root)
    data = _expect_mapping(_load_yaml(path, rel), rel, "a mapping of key: {authors, year, title, ...}")
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
            problems.extend(_problems_from(exc, data, rel, prefix=(key,)))
    if problems:
        raise ContentError(problems)
    return refs, data


@lru_cache(maxsize=8)
def _references_cached(path: str, root: str, _mtime: int) -> tuple[dict[str, Reference], LineDict]:
    return _references_from_file(Path(path), Path(root))


def load_references(root: str | Path | None = None) -> dict[str, Reference]:
    """``assets/references.yaml`` as ``{key: Reference}``."""
    base = _root(root)
    path = base / "assets" / "references.yaml"
    return dict(_references_cached(str(path), str(base), _mtime(path))[0])


# ---------------------------------------------------------------------------------------------
# Checking everything


READY_CALL = "page.ready()"


@dataclass(frozen=True)
class _Notebook:
    rel: str
    meta: course.ModuleMeta
    line: int


def _json_line(text: str, needle: str, start: int = 0) -> int:
    pos = text.find(needle, start)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 1


def _check_notebooks(root: Path, problems: list[Problem]) -> list[_Notebook]:
    found: list[_Notebook] = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        rel = _rel(path, root)
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
            problems.append(Problem(rel, 1, "metadata.katlearn", "missing (see katlearn/course.py)"))
            continue
        try:
            meta = course.ModuleMeta.model_validate({**raw, "slug": path.stem}) if isinstance(raw, dict) \
                else course.ModuleMeta.model_validate(raw)
        except ValidationError as exc:
            for error in exc.errors():
                loc = ".".join(str(p) for p in error["loc"])
                field = f"metadata.katlearn.{loc}" if loc else "metadata.katlearn"
                line = _json_line(text, f'"{error["loc"][0]}"', text.find('"katlearn"')) if error["loc"] else meta_line
                problems.append(Problem(rel, line, field, _message(error)))
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
    return Problem(rel, _line_of(data, loc), _field_path(data, loc), message)


def _check_references_to(references: Mapping[str, Reference], keys: Sequence[str], rel: str, data: Any,
                         loc: tuple[Any, ...]) -> list[Problem]:
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
        rel = _rel(path, base)
        try:
            bank, data = _bank_cached(str(path), str(base), _mtime(path))
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
                seen_ids[q.id] = f"{rel}:{_line_of(data, (*loc, 'id'))}"
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
    rel = _rel(path, base)
    try:
        glossary, data = _glossary_cached(str(path), str(base), _mtime(path))
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
        ids.setdefault(term.id, _line_of(data, (*loc, "id")))
        folded = term.term.casefold()
        if folded in names:
            problems.append(_at(rel, data, (*loc, "term"),
                                f"term {term.term!r} is defined twice (first at line {names[folded]})"))
        names.setdefault(folded, _line_of(data, (*loc, "term")))
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
    from katlearn import scenario  # imported here: scenario builds on this module's loaders

    problems.extend(scenario.check(base, references=references.keys()))
    return problems


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _summary(root: Path) -> str:
    counts = []
    try:
        banks = load_banks(root)
        counts.append(f"{_n(sum(len(b.questions) for b in banks.values()), 'question')} "
                      f"in {_n(len(banks), 'quiz bank')}")
    except ContentError:
        pass
    try:
        counts.append(_n(len(load_glossary(root).terms), "glossary term"))
    except ContentError:
        pass
    try:
        counts.append(_n(len(load_references(root)), "reference"))
    except ContentError:
        pass
    counts.append(_n(len(list((root / "notebooks").glob("*.ipynb"))), "notebook"))
    return ", ".join(counts)


def cli_check(root: str | Path | None = None) -> int:
    """``python -m katlearn check``: print every problem as ``path:line: field: message``.

    Returns 1 if there is any problem, else prints a one-line summary and returns 0.
    """
    base = _root(root)
    problems = check(base)
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.field)):
        print(problem)
    if problems:
        print(f"{_n(len(problems), 'problem')} found", file=sys.stderr)
        return 1
    print(f"OK: {_summary(base)}")
    return 0


def iter_questions(root: str | Path | None = None) -> Iterator[tuple[Bank, Question]]:
    """Every question of the course with its bank, in module order."""
    for _module, bank in sorted(load_banks(root).items()):
        for q in bank.questions:
            yield bank, q
