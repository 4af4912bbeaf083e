"""One YAML loader for all course content: line numbers kept, duplicate keys refused, and every
problem said as ``path:line: field: message`` (:class:`Problem`, collected in :class:`ContentError`).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


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


def load_yaml(path: Path, rel: str) -> Any:
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


def line_of(data: Any, loc: Sequence[Any]) -> int:
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


def field_path(data: Any, loc: Sequence[Any]) -> str:
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


def describe(value: Any) -> str:
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


def message(error: Mapping[str, Any], fields: Collection[str] = (), kinds: Sequence[str] = ()) -> str:
    """Pydantic's error in words an author can act on."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return "required field missing"
    if kind == "extra_forbidden":
        name = str(error["loc"][-1]) if error.get("loc") else ""
        close = difflib.get_close_matches(name, sorted(fields), n=1, cutoff=0.6)
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
        return f"expected text, got {describe(value)}{hint}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {describe(value)}"
    if kind in {"float_type", "float_parsing", "int_type", "int_parsing", "finite_number"}:
        return f"expected a number, got {describe(value)}"
    if kind in {"list_type", "tuple_type"}:
        return f"expected a list (lines starting with '- '), got {describe(value)}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping (key: value lines), got {describe(value)}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {value!r}"
    if kind == "union_tag_not_found":
        return f"required field 'type' missing; use one of: {', '.join(kinds)}"
    if kind == "union_tag_invalid":
        return f"unknown question type {ctx.get('tag')!r}; use one of: {', '.join(kinds)}"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return error["msg"].replace("Input should be", "must be")
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        return f"{value!r} has characters that are not allowed (see assets/README.md)"
    return str(error["msg"])


def problems_from(exc: ValidationError, data: Any, rel: str, prefix: Sequence[Any] = (),
                  fields: Collection[str] = (), kinds: Sequence[str] = ()) -> list[Problem]:
    """Pydantic's errors for ``data`` (parsed by :func:`load_yaml` from ``rel``) as problems;
    ``fields`` are the known field names (for "did you mean"), ``kinds`` the values of a ``type:``
    tag."""
    problems = []
    for error in exc.errors():
        value = error.get("input")
        if error["type"] == "too_short" and isinstance(value, (list, tuple)) \
                and len(value) >= (error.get("ctx") or {}).get("min_length", 0):
            continue  # long enough; some items failed and are reported on their own
        loc = (*prefix, *error["loc"])
        if error["type"] == "union_tag_invalid":
            loc = (*loc, "type")
        problems.append(Problem(rel, line_of(data, loc), field_path(data, loc), message(error, fields, kinds)))
    return problems



def rel_path(path: Path, root: Path) -> str:
    """``path`` relative to the course root, as problems name it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def mtime_ns(path: Path) -> int:
    """The file's modification time (for caches that reload a file when it changes); -1 if absent."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


def expect_mapping(data: Any, rel: str, what: str) -> LineDict:
    if not isinstance(data, LineDict):
        line = getattr(data, "line", 1)
        raise ContentError([Problem(rel, line, "(top level)", f"expected {what}, got {describe(data)}")])
    return data
