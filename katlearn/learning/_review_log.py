"""Review answers in the progress store (table ``reviews``, schema 2): kept apart from quiz
attempts so a review never changes a module's mastery or a quiz's saved answers. Same guarantees
as the rest of the store (:mod:`katlearn.learning._store`): one commit per answer, synced to disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from katlearn.learning._store import _dumps, _now, _run

CONFIDENCES = ("guess", "unsure", "sure")
"""How sure the learner was of an answer, least sure first (asked after each review answer)."""


@dataclass(frozen=True)
class ReviewAnswer:
    id: int
    learner: str
    module: str
    question_id: str
    answer: Any
    correct: bool
    score: float
    confidence: str
    ts: float


def record_review(learner: str, module: str, question_id: str, answer: Any, correct: bool, score: float,
                  confidence: str, ts: float | None = None) -> int:
    """Save one graded review answer and how sure the learner was; returns its row id."""
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be within 0..1, not {score}")
    if confidence not in CONFIDENCES:
        raise ValueError(f"confidence must be one of {CONFIDENCES}, not {confidence!r}")
    row = (learner, module, question_id, _dumps(answer), int(bool(correct)), float(score), confidence, _now(ts))
    return _run(lambda c: c.execute(
        "INSERT INTO reviews (learner, module, question_id, answer, correct, score, confidence, ts) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row).lastrowid)


def review_answers(learner: str) -> list[ReviewAnswer]:
    """Every review answer of a learner, oldest first."""
    sql = ("SELECT id, learner, module, question_id, answer, correct, score, confidence, ts FROM reviews "
           "WHERE learner = ? ORDER BY id")
    return _run(lambda c: [
        ReviewAnswer(i, lr, m, q, json.loads(a), bool(ok), s, conf, t)
        for i, lr, m, q, a, ok, s, conf, t in c.execute(sql, (learner,))
    ])
