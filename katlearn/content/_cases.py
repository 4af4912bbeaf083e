"""Case practice as data: branching case scenarios and screening exercises, loaded and checked.

Files live in ``assets/scenarios/<id>.yaml`` (``<id>`` = the file stem) and say what they are:

``type: branching`` — a case the learner plays as the trainee therapist. Nodes are moments of the
case (``phase`` = consultation, preparation, administration or integration); each offers
choices, and each choice has a ``rating`` (best / acceptable / risky), ``feedback`` and the
``next`` node. A node without choices ends the case; then the ``debrief`` is shown. The graph
must be acyclic, every node reachable, phases may only move forward, and every path from
``start`` to an ending must pass through all four phases.

``type: screening`` — fictional profiles whose findings the learner sorts into "label
contraindication", "label warning or precaution" or "no label concern"; each finding carries the
answer, feedback tied to the label text, and its references.

Playing a case is a rule about a learner (:mod:`katlearn.learning`); here are the files and their
checks. Problems are reported like the rest of the course content
(``assets/scenarios/x.yaml:12: nodes[2].choices[0].next: ...``); :func:`check` lists them for
``python -m katlearn check``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from katlearn import paths
from katlearn.content._questions import Key, Text, _Model
from katlearn.content._yaml import (
    ContentError,
    Problem,
    expect_mapping,
    field_path,
    line_of,
    load_yaml,
    mtime_ns,
    problems_from,
    rel_path,
)

PHASES: tuple[str, ...] = ("consultation", "preparation", "administration", "integration")
PHASE_LABELS: Mapping[str, str] = {
    "consultation": "Initial consultation",
    "preparation": "Preparation",
    "administration": "Ketamine administration",
    "integration": "Integration",
}
RATINGS: tuple[str, ...] = ("best", "acceptable", "risky")
RATING_LABELS: Mapping[str, str] = {
    "best": "Strong choice",
    "acceptable": "Reasonable, but not the best",
    "risky": "Risky choice",
}
CATEGORIES: tuple[str, ...] = ("contraindication", "warning", "none")
CATEGORY_LABELS: Mapping[str, str] = {
    "contraindication": "Label contraindication",
    "warning": "Label warning or precaution",
    "none": "No label concern",
}

Phase = Literal["consultation", "preparation", "administration", "integration"]
Rating = Literal["best", "acceptable", "risky"]
Category = Literal["contraindication", "warning", "none"]


# ---------------------------------------------------------------------------------------------
# Branching scenarios


class ScenarioChoice(_Model):
    """One option at a node: what the trainee does, how good it is, what follows."""

    text: Text
    rating: Rating
    feedback: Text  # Markdown
    next: Key
    references: tuple[Key, ...] = ()


class ScenarioNode(_Model):
    """One moment of the case. No choices = an ending."""

    id: Key
    phase: Phase
    title: Text
    situation: Text  # Markdown
    choices: tuple[ScenarioChoice, ...] = ()

    @property
    def is_end(self) -> bool:
        return not self.choices


class Scenario(_Model):
    type: Literal["branching"]
    id: Key
    title: Text
    summary: Text
    note: Text  # e.g. "a fictional composite"; shown above the case
    start: Key
    nodes: tuple[ScenarioNode, ...] = Field(min_length=2)
    debrief: Text  # Markdown, shown when the case ends
    references: tuple[Key, ...] = ()

    def node(self, node_id: str) -> ScenarioNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(f"no node {node_id!r} in scenario {self.id!r}")

    def cited_keys(self) -> list[str]:
        keys = list(self.references)
        for n in self.nodes:
            for c in n.choices:
                keys.extend(c.references)
        return list(dict.fromkeys(keys))


def _graph_problems(s: Scenario) -> list[tuple[tuple[Any, ...], str]]:
    """Structural problems as (location, message); empty when the case can be played."""
    out: list[tuple[tuple[Any, ...], str]] = []
    index: dict[str, int] = {}
    for i, n in enumerate(s.nodes):
        if n.id in index:
            out.append((("nodes", i, "id"), f"duplicate node id {n.id!r} (first is nodes[{index[n.id]}])"))
        index.setdefault(n.id, i)
    if s.start not in index:
        out.append((("start",), f"no node has id {s.start!r}; known: {', '.join(index)}"))
    for i, n in enumerate(s.nodes):
        for j, c in enumerate(n.choices):
            if c.next not in index:
                out.append((("nodes", i, "choices", j, "next"), f"no node has id {c.next!r}"))
            elif PHASES.index(s.nodes[index[c.next]].phase) < PHASES.index(n.phase):
                out.append((("nodes", i, "choices", j, "next"),
                            f"goes back from phase {n.phase!r} to {s.nodes[index[c.next]].phase!r}; "
                            "a case moves forward through the phases"))
    if out:
        return out

    # Acyclic and reachable (depth-first, colouring nodes).
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node_id: str) -> bool:
        state[node_id] = 1
        for c in s.nodes[index[node_id]].choices:
            if state.get(c.next) == 1:
                out.append((("nodes", index[node_id], "id"), f"a choice at {node_id!r} leads back to {c.next!r}: "
                                                             "cases must not loop"))
                return False
            if c.next not in state and not visit(c.next):
                return False
        state[node_id] = 2
        return True

    if not visit(s.start):
        return out
    for i, n in enumerate(s.nodes):
        if n.id not in state:
            out.append((("nodes", i, "id"), f"node {n.id!r} cannot be reached from start {s.start!r}"))
    if out:
        return out

    # Every path from start to an ending covers all four phases (phases only move forward, so
    # tracking the set of phases seen is enough). Memoised on (node, phases seen so far).
    @lru_cache(maxsize=None)
    def missing(node_id: str, seen: frozenset[str]) -> frozenset[str]:
        n = s.nodes[index[node_id]]
        seen = seen | {n.phase}
        if n.is_end:
            return frozenset(PHASES) - seen
        result: frozenset[str] = frozenset()
        for c in n.choices:
            result |= missing(c.next, seen)
        return result

    gap = missing(s.start, frozenset())
    if gap:
        out.append((("nodes",), "some path from start to an ending skips the phase(s) "
                                f"{', '.join(p for p in PHASES if p in gap)}; every path must pass all four"))
    return out


# ---------------------------------------------------------------------------------------------
# Screening practice


class Finding(_Model):
    """One finding in a profile, with the label category it falls under."""

    id: Key
    text: Text
    answer: Category
    feedback: Text  # Markdown, tied to the label wording (paraphrased)
    references: tuple[Key, ...] = Field(min_length=1)


class Profile(_Model):
    id: Key
    name: Text  # a fictional first name or initial and age
    summary: Text  # Markdown
    findings: tuple[Finding, ...] = Field(min_length=1)


class ScreeningSet(_Model):
    type: Literal["screening"]
    id: Key
    title: Text
    intro: Text
    note: Text
    profiles: tuple[Profile, ...] = Field(min_length=1)

    def profile(self, profile_id: str) -> Profile:
        for p in self.profiles:
            if p.id == profile_id:
                return p
        raise KeyError(f"no profile {profile_id!r} in {self.id!r}")

    def cited_keys(self) -> list[str]:
        return list(dict.fromkeys(k for p in self.profiles for f in p.findings for k in f.references))


def _screening_problems(s: ScreeningSet) -> list[tuple[tuple[Any, ...], str]]:
    out: list[tuple[tuple[Any, ...], str]] = []
    seen: dict[str, int] = {}
    for i, p in enumerate(s.profiles):
        if p.id in seen:
            out.append((("profiles", i, "id"), f"duplicate profile id {p.id!r}"))
        seen.setdefault(p.id, i)
        ids: set[str] = set()
        for j, f in enumerate(p.findings):
            if f.id in ids:
                out.append((("profiles", i, "findings", j, "id"), f"duplicate finding id {f.id!r}"))
            ids.add(f.id)
    return out


# ---------------------------------------------------------------------------------------------
# Loading


_MODELS: Mapping[str, type[_Model]] = {"branching": Scenario, "screening": ScreeningSet}
# every field name a case file may use, for "did you mean ...?"
_FIELDS: frozenset[str] = frozenset(
    name for model in (ScenarioChoice, ScenarioNode, Scenario, Finding, Profile, ScreeningSet)
    for name in model.model_fields
)


def _parse(path: Path, root: Path) -> Scenario | ScreeningSet:
    rel = rel_path(path, root)
    data = expect_mapping(load_yaml(path, rel), rel, "a mapping with 'type:' and 'id:'")
    kind = data.get("type")
    if kind not in _MODELS:
        raise ContentError([Problem(rel, line_of(data, ("type",)), "type",
                                    f"must be one of {sorted(_MODELS)}, got {kind!r}")])
    try:
        model = _MODELS[kind].model_validate(data)
    except ValidationError as exc:
        raise ContentError(problems_from(exc, data, rel, fields=_FIELDS)) from None
    problems: list[tuple[tuple[Any, ...], str]] = []
    if model.id != path.stem:
        problems.append((("id",), f"is {model.id!r} but the file is named for {path.stem!r}; make them match"))
    problems += _graph_problems(model) if isinstance(model, Scenario) else _screening_problems(model)
    if problems:
        raise ContentError([Problem(rel, line_of(data, loc), field_path(data, loc), msg) for loc, msg in problems])
    return model


def _folder(root: Path) -> Path:
    return root / "assets" / "scenarios"


@lru_cache(maxsize=32)
def _cached(path: str, root: str, _mtime: int) -> Scenario | ScreeningSet:
    return _parse(Path(path), Path(root))


def _load(scenario_id: str, root: str | Path | None) -> Scenario | ScreeningSet:
    base = Path(root) if root is not None else paths.root()
    path = _folder(base) / f"{scenario_id}.yaml"
    return _cached(str(path), str(base), mtime_ns(path))


def load_scenario(scenario_id: str, root: str | Path | None = None) -> Scenario:
    """The branching case ``assets/scenarios/<scenario_id>.yaml``, validated (cached per mtime)."""
    s = _load(scenario_id, root)
    if not isinstance(s, Scenario):
        raise ContentError([Problem(f"assets/scenarios/{scenario_id}.yaml", 1, "type",
                                    "is not 'branching'; use load_screening for screening sets")])
    return s


def load_screening(set_id: str, root: str | Path | None = None) -> ScreeningSet:
    """The screening exercise ``assets/scenarios/<set_id>.yaml``, validated."""
    s = _load(set_id, root)
    if not isinstance(s, ScreeningSet):
        raise ContentError([Problem(f"assets/scenarios/{set_id}.yaml", 1, "type",
                                    "is not 'screening'; use load_scenario for branching cases")])
    return s


def scenario_ids(root: str | Path | None = None) -> list[str]:
    base = Path(root) if root is not None else paths.root()
    return sorted(p.stem for p in _folder(base).glob("*.yaml"))


def check(root: str | Path | None = None, references: Iterable[str] | None = None) -> list[Problem]:
    """Every problem in ``assets/scenarios/*.yaml`` (empty = all good).

    With ``references`` (the known keys of ``assets/references.yaml``), unknown keys are reported.
    """
    base = Path(root) if root is not None else paths.root()
    known = set(references) if references is not None else None
    problems: list[Problem] = []
    for sid in scenario_ids(base):
        try:
            s = _load(sid, base)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if known is not None:
            rel = f"assets/scenarios/{sid}.yaml"
            text = (_folder(base) / f"{sid}.yaml").read_text(encoding="utf-8")
            for key in s.cited_keys():
                if key not in known:
                    pos = text.find(key)
                    line = text.count("\n", 0, pos) + 1 if pos >= 0 else 1
                    problems.append(Problem(rel, line, "references",
                                            f"unknown reference key {key!r} (not in assets/references.yaml)"))
    return problems
