"""A module's score from a learner's latest results: mastery and the objectives to review."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from katlearn.content import Bank
from katlearn.learning._grading import Result

MASTERY_THRESHOLD = 0.8
"""Share of the module's points needed for mastery (course policy, not a literature number)."""


class ObjectiveLike(Protocol):
    id: str
    text: str
    section: str


@dataclass(frozen=True)
class Review:
    """An objective to revisit, with the anchor of the section that teaches it."""

    objective: str
    text: str
    section: str
    score: float


@dataclass(frozen=True)
class Summary:
    module: str
    score: float  # mean over all questions of the bank, unanswered ones counting 0
    answered: int
    correct: int
    total: int
    mastered: bool
    threshold: float
    review: tuple[Review, ...]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def summarize(
    bank: Bank,
    results: Mapping[str, Result] | Sequence[Result],
    objectives: Sequence[ObjectiveLike] = (),
    threshold: float = MASTERY_THRESHOLD,
) -> Summary:
    """Score a module from its latest results (one per question id; ungraded ones are ignored).

    Objectives to review are those whose questions average below ``threshold``, in the order the
    notebook lists them; ``objectives`` (the notebook's) supplies their text and section anchors.
    """
    if not isinstance(results, Mapping):
        results = {r.question_id: r for r in results}
    graded = {qid: r for qid, r in results.items() if r.graded}
    scores = {q.id: graded[q.id].score if q.id in graded else 0.0 for q in bank.questions}
    total = len(bank.questions)
    score = sum(scores.values()) / total if total else 0.0
    by_objective: dict[str, list[float]] = {}
    for q in bank.questions:
        by_objective.setdefault(q.objective, []).append(scores[q.id])
    known = {o.id: o for o in objectives}
    ordered = [o.id for o in objectives if o.id in by_objective] + [o for o in by_objective if o not in known]
    review = []
    for oid in ordered:
        mean = sum(by_objective[oid]) / len(by_objective[oid])
        if mean < threshold:
            obj = known.get(oid)
            review.append(Review(oid, obj.text if obj else oid, obj.section if obj else "", mean))
    answered = sum(1 for q in bank.questions if q.id in graded)
    correct = sum(1 for q in bank.questions if q.id in graded and graded[q.id].correct)
    # compare with a hair of slack so 4/5 = 0.8 counts as 80 % despite float rounding
    mastered = score + 1e-9 >= threshold
    return Summary(bank.module, score, answered, correct, total, mastered, threshold, tuple(review))
