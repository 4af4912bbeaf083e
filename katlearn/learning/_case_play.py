"""Playing a case (:class:`~katlearn.content.Scenario`) and grading a screening profile: pure rules,
so the widgets only show a run and the progress store only keeps it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from katlearn.content import (
    RATINGS,
    Finding,
    Profile,
    Scenario,
    ScenarioChoice,
    ScenarioNode,
)


@dataclass(frozen=True)
class FindingResult:
    finding: Finding
    chosen: str | None
    correct: bool


def grade_profile(profile: Profile, answers: Mapping[str, str | None]) -> tuple[FindingResult, ...]:
    """Compare the learner's category per finding id with the answer (missing = not correct)."""
    return tuple(FindingResult(f, answers.get(f.id), answers.get(f.id) == f.answer) for f in profile.findings)


@dataclass(frozen=True)
class Step:
    node_id: str
    choice: int


@dataclass(frozen=True)
class Run:
    """Where the learner is in a case and how they got there."""

    scenario_id: str
    node_id: str
    steps: tuple[Step, ...] = ()


def start(s: Scenario) -> Run:
    return Run(s.id, s.start)


def choose(s: Scenario, run: Run, choice: int) -> Run:
    """Take choice ``choice`` (an index into the current node's choices); returns the new run."""
    if run.scenario_id != s.id:
        raise ValueError(f"this run belongs to {run.scenario_id!r}, not {s.id!r}")
    node = s.node(run.node_id)
    if node.is_end:
        raise ValueError(f"the case has ended at {node.id!r}; start again to play another branch")
    if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < len(node.choices):
        raise ValueError(f"choice must be 0..{len(node.choices) - 1} at {node.id!r}, got {choice!r}")
    return Run(s.id, node.choices[choice].next, (*run.steps, Step(node.id, choice)))


@dataclass(frozen=True)
class Debrief:
    """A finished (or partial) run, summarised: what was chosen at each step, and the tally."""

    steps: tuple[tuple[ScenarioNode, ScenarioChoice], ...]
    counts: Mapping[str, int]
    finished: bool

    @property
    def best_share(self) -> float:
        return self.counts.get("best", 0) / len(self.steps) if self.steps else 0.0


def debrief(s: Scenario, run: Run) -> Debrief:
    pairs = tuple((s.node(st.node_id), s.node(st.node_id).choices[st.choice]) for st in run.steps)
    counts = {r: sum(1 for _n, c in pairs if c.rating == r) for r in RATINGS}
    return Debrief(pairs, counts, s.node(run.node_id).is_end)
