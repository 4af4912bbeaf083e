"""Spaced review: when each question a learner has met comes back, scheduled by FSRS (the Free
Spaced Repetition Scheduler, package ``fsrs``), not by a hand-written interval rule.

A question's schedule is replayed, oldest first, from everything the learner answered on it: quiz
attempts (right = Good, wrong = Again; a quiz does not ask how sure one was) and review answers
(wrong = Again; right and guessed = Hard, fairly sure = Good, sure = Easy), so wrong answers and
unsure right answers come back sooner. Replaying from the store's rows keeps no second copy of the
state to drift, and concurrent kernels need nothing beyond the store's own guarantees.

Intervals are whole days (no same-day learning steps) and unfuzzed, so a schedule is reproducible.
Review answers live in their own table (:mod:`katlearn.learning._review_log`) and never change
module mastery.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import fsrs

from katlearn import content
from katlearn.content import Bank, ContentError, Question
from katlearn.learning import _review_log, _store
from katlearn.learning._grading import Result, grade

DESIRED_RETENTION = 0.9
"""Chance of recalling an item when it falls due (FSRS's default target; course policy)."""

_RATING_OF_CONFIDENCE = {"guess": fsrs.Rating.Hard, "unsure": fsrs.Rating.Good, "sure": fsrs.Rating.Easy}


def rating(correct: bool, confidence: str | None = None) -> fsrs.Rating:
    """FSRS's grade of one answer: wrong = Again; right = Good from a quiz (``confidence`` None),
    else Hard / Good / Easy for a guessed / fairly sure / sure review answer."""
    if not correct:
        return fsrs.Rating.Again
    if confidence is None:
        return fsrs.Rating.Good
    try:
        return _RATING_OF_CONFIDENCE[confidence]
    except KeyError:
        raise ValueError(f"confidence must be one of {_review_log.CONFIDENCES}, not {confidence!r}") from None


@lru_cache(maxsize=1)
def scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(desired_retention=DESIRED_RETENTION, learning_steps=(), relearning_steps=(),
                          enable_fuzzing=False)


@dataclass(frozen=True)
class Event:
    """One answer to a question, as the scheduler sees it."""

    question_id: str
    ts: float  # seconds since the Unix epoch, UTC
    rating: fsrs.Rating


def replay(events: Iterable[Event]) -> dict[str, fsrs.Card]:
    """Each question's FSRS card after its answers, replayed oldest first (pure)."""
    cards: dict[str, fsrs.Card] = {}
    for e in sorted(events, key=lambda e: e.ts):
        card = cards.get(e.question_id) or fsrs.Card(card_id=1, due=_utc(e.ts))
        cards[e.question_id], _log = scheduler().review_card(card, e.rating, _utc(e.ts))
    return cards


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


@dataclass(frozen=True)
class Located:
    """Where a question lives in the course: its module and the section that teaches it."""

    question: Question
    module: str  # slug
    module_title: str
    objective_text: str
    section: str

    @property
    def href(self) -> str:
        return f"{self.module}.ipynb" + (f"#{self.section}" if self.section else "")


def question_index(modules: Sequence[content.ModuleMeta] | None = None,
                   banks: Mapping[str, Bank] | None = None) -> dict[str, Located]:
    """Every question of the course's module quizzes by id, in course order (banks that do not
    load are left out; ``katlearn check`` reports them)."""
    index: dict[str, Located] = {}
    for meta in content.modules() if modules is None else modules:
        if not meta.quiz or meta.audience != "learner":
            continue
        try:
            bank = banks[meta.quiz] if banks is not None else content.load_bank(meta.quiz)
        except (KeyError, ContentError):
            continue
        objectives = {o.id: o for o in meta.objectives}
        for q in bank.questions:
            obj = objectives.get(q.objective)
            index.setdefault(q.id, Located(q, meta.slug, meta.title, obj.text if obj else "",
                                           obj.section if obj else ""))
    return index


@dataclass(frozen=True)
class ReviewItem:
    """A question the learner has met and when it is due again."""

    where: Located
    due: float  # seconds since the Unix epoch, UTC
    reviews: int  # review answers given so far (quiz attempts not counted)
    last_ts: float  # the latest answer, quiz or review

    @property
    def question_id(self) -> str:
        return self.where.question.id


def items_from(attempts: Iterable[_store.Attempt], reviews: Iterable[_review_log.ReviewAnswer],
               index: Mapping[str, Located]) -> list[ReviewItem]:
    """The learner's review items from their quiz attempts and review answers (pure); questions no
    longer in the course are left out. Ordered by due time, then course order."""
    events: list[Event] = []
    count: dict[str, int] = {}
    for a in attempts:
        events.append(Event(a.question_id, a.ts, rating(a.correct)))
    for r in reviews:
        events.append(Event(r.question_id, r.ts, rating(r.correct, r.confidence)))
        count[r.question_id] = count.get(r.question_id, 0) + 1
    last: dict[str, float] = {}
    for e in events:
        last[e.question_id] = max(e.ts, last.get(e.question_id, e.ts))
    cards = replay(events)
    order = {qid: i for i, qid in enumerate(index)}
    items = [ReviewItem(index[qid], card.due.timestamp(), count.get(qid, 0), last[qid])
             for qid, card in cards.items() if qid in index]
    return sorted(items, key=lambda i: (i.due, order[i.question_id]))


def review_items(learner: str, index: Mapping[str, Located] | None = None) -> list[ReviewItem]:
    """Every question ``learner`` has met, with when it is due (read from the progress store)."""
    return items_from(_store.attempts(learner), _review_log.review_answers(learner),
                      question_index() if index is None else index)


def end_of_day(now: float | None = None) -> float:
    """The next local midnight after ``now``: "due today" means due before it."""
    moment = datetime.fromtimestamp(time.time() if now is None else now).astimezone()
    return (moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)).timestamp()


def due_today(items: Sequence[ReviewItem], now: float | None = None) -> list[ReviewItem]:
    """The items due before the end of the learner's day, soonest first."""
    limit = end_of_day(now)
    return [i for i in items if i.due < limit]


def next_due(items: Sequence[ReviewItem], now: float | None = None) -> tuple[float, int] | None:
    """When the next items after today fall due, and how many fall due then (same day), or None."""
    limit = end_of_day(now)
    later = [i.due for i in items if i.due >= limit]
    if not later:
        return None
    first = min(later)
    day_end = end_of_day(first)
    return first, sum(1 for d in later if d < day_end)


def answer_review(learner: str, where: Located, answer: Any, confidence: str,
                  ts: float | None = None) -> Result:
    """Grade a review answer and, when it could be graded, save it with the learner's confidence.
    An unreadable answer is returned ungraded and nothing is saved."""
    if confidence not in _review_log.CONFIDENCES:
        raise ValueError(f"confidence must be one of {_review_log.CONFIDENCES}, not {confidence!r}")
    result = grade(where.question, answer)
    if result.graded:
        _review_log.record_review(learner, where.module, where.question.id, answer, result.correct, result.score,
                                  confidence, ts)
    return result
