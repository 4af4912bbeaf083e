"""A class's worth of progress for tests: learners answer real quiz banks, graded for real.

Deterministic (seeded): each learner has a skill, each question a difficulty; a wrong answer is
usually the same "tempting" one, so item analysis has a commonest wrong answer to find.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from katlearn import learning
from katlearn.content import (
    Bank,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
)

START_TS = 1_740_000_000.0  # 2025-02-19, so timestamps in tests are stable
DIFFICULTY = {"easy": 0.15, "medium": 0.35, "hard": 0.55}


def wrong_answer(q: Question, rng: random.Random) -> Any:
    """A wrong answer; most of the time the first wrong option (the "tempting" one)."""
    if isinstance(q, SingleChoice):
        wrong = [i for i, o in enumerate(q.options) if not o.correct]
        return wrong[0] if rng.random() < 0.7 else rng.choice(wrong)
    if isinstance(q, MultipleChoice):
        right = [i for i, o in enumerate(q.options) if o.correct]
        wrong = [i for i, o in enumerate(q.options) if not o.correct]
        return sorted(right + wrong[:1]) if wrong else right[:-1] or right
    if isinstance(q, TrueFalse):
        return not q.answer
    if isinstance(q, Numeric):
        return f"{q.answer * 2 + q.tolerance + 1:g}"
    if isinstance(q, Ordering):
        order = list(range(len(q.items)))
        order[0], order[1] = order[1], order[0]
        return order
    if isinstance(q, Matching):
        picks = list(range(len(q.pairs)))
        picks[0], picks[1] = picks[1], picks[0]
        return picks
    raise TypeError(type(q))


def seed_class(banks: Mapping[str, Bank], learners: Sequence[str], seed: int = 7,
               modules_done: Mapping[str, int] | None = None, start_ts: float = START_TS) -> dict[str, Any]:
    """Record attempts and completions in the store at ``KATLEARN_DB``; returns counts.

    ``modules_done[learner]`` = how many modules (in bank order) that learner works through (all
    by default); a learner who gets a question wrong tries once more in practice mode.
    """
    rng = random.Random(seed)
    ts = start_ts
    attempts = completions = 0
    order = list(banks)
    for n, learner in enumerate(learners):
        skill = 0.55 + 0.4 * (n % 5) / 4  # 0.55 .. 0.95
        todo = order[: (modules_done or {}).get(learner, len(order))]
        for module in todo:
            bank = banks[module]
            results = {}
            for q in bank.questions:
                p_right = max(0.05, skill - DIFFICULTY[q.difficulty] + 0.25)
                answer = q.correct_answer() if rng.random() < p_right else wrong_answer(q, rng)
                for _try in range(2):
                    result = learning.grade(q, answer)
                    ts += rng.uniform(5, 40)
                    learning.record_attempt(learner, module, q.id, answer, result.correct, result.score,
                                            "practice", ts=ts)
                    attempts += 1
                    results[q.id] = result
                    if result.correct or rng.random() < 0.5:
                        break
                    answer = q.correct_answer()
            summary = learning.summarize(bank, results)
            learning.record_completion(learner, module, summary.score, summary.mastered, "practice", ts=ts + 1)
            completions += 1
    return {"attempts": attempts, "completions": completions}
