"""Class results (pure functions of the records): how far each module got, which objectives are
mastered, which questions trip learners up. Data flows one way::

    store files ──read-only──► ClassRecords ──pure functions──► ClassReport ──► figures / widgets / CSV
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from katlearn import content, learning
from katlearn.classroom._records import ClassRecords
from katlearn.classroom._question_kinds import kind_of
from katlearn.content import Bank, ContentError, Question

log = logging.getLogger("katlearn.classroom")



@dataclass(frozen=True)
class ModuleProgress:
    """How many learners have not started, are working on, or have mastered one module."""

    module: str
    title: str
    not_started: int
    in_progress: int
    mastered: int
    mean_best_score: float | None  # mean over learners who completed it of their best score

    @property
    def learners(self) -> int:
        return self.not_started + self.in_progress + self.mastered


@dataclass(frozen=True)
class ObjectiveResult:
    """Mastery of one learning objective among the learners who answered any of its questions.

    A learner's objective score is the mean of their latest score on each of its questions
    (unanswered ones count 0, as in the module summary); mastered at ≥ the mastery threshold.
    """

    objective: str
    text: str
    module: str
    learners: int
    mastered: int
    mean_score: float | None

    @property
    def percent_mastered(self) -> float | None:
        return 100.0 * self.mastered / self.learners if self.learners else None


@dataclass(frozen=True)
class ItemResult:
    """One question across the class, judged on each learner's first attempt (practice lets
    learners retry until right, so later attempts say little about what the class knew)."""

    module: str
    question_id: str
    objective: str
    kind: str
    prompt: str
    learners: int  # learners who answered it
    first_correct: int  # of those, right at the first attempt
    mean_first_score: float | None
    attempts: int  # all attempts, retries included
    common_wrong: str  # the wrong answer (part) most learners gave first, '' if none
    common_wrong_learners: int

    @property
    def percent_correct(self) -> float | None:
        return 100.0 * self.first_correct / self.learners if self.learners else None


@dataclass(frozen=True)
class LearnerResult:
    learner: str
    status: Mapping[str, str]  # module -> not started / in progress / mastered
    best_score: Mapping[str, float]  # module -> best completion score (modules completed only)
    answered: int  # distinct questions answered
    first_correct: int  # of those, right at the first attempt
    last_active: float | None  # seconds since the epoch

    @property
    def mastered(self) -> int:
        return sum(1 for s in self.status.values() if s == learning.MASTERED)

    @property
    def in_progress(self) -> int:
        return sum(1 for s in self.status.values() if s == learning.IN_PROGRESS)


@dataclass(frozen=True)
class ClassReport:
    learners: tuple[str, ...]
    modules: tuple[ModuleProgress, ...]
    objectives: tuple[ObjectiveResult, ...]
    items: tuple[ItemResult, ...]
    per_learner: tuple[LearnerResult, ...]
    stores: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    generated_ts: float = field(default_factory=time.time)


def statuses(records: ClassRecords) -> dict[tuple[str, str], str]:
    """``{(learner, module): status}`` by the store's own rule (see learning.module_status)."""
    touched = {(a.learner, a.module) for a in records.attempts}
    touched |= {(c.learner, c.module) for c in records.completions} | set(records.touched)
    mastered = {(c.learner, c.module) for c in records.completions if c.mastered}
    return {key: learning.MASTERED if key in mastered else learning.IN_PROGRESS for key in touched}


def _module_order(records: ClassRecords, modules: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Course modules (slug, title) first, then modules only the records know (e.g. renamed)."""
    known = [m for m, _t in modules]
    seen = {a.module for a in records.attempts} | {c.module for c in records.completions}
    seen |= {m for _lr, m in records.touched}
    return list(modules) + [(m, m) for m in sorted(seen - set(known))]


def module_progress(records: ClassRecords, modules: Sequence[tuple[str, str]],
                    learners: Sequence[str] | None = None) -> tuple[ModuleProgress, ...]:
    """Per module (``modules`` = (slug, title) in course order): learners by status."""
    learners = records.learners if learners is None else tuple(learners)
    status = statuses(records)
    best: dict[tuple[str, str], float] = {}
    for c in records.completions:
        best[(c.learner, c.module)] = max(best.get((c.learner, c.module), 0.0), c.score)
    out = []
    for slug, title in _module_order(records, modules):
        counts = Counter(status.get((lr, slug), learning.NOT_STARTED) for lr in learners)
        scores = [best[(lr, slug)] for lr in learners if (lr, slug) in best]
        out.append(ModuleProgress(slug, title, counts[learning.NOT_STARTED], counts[learning.IN_PROGRESS],
                                  counts[learning.MASTERED], sum(scores) / len(scores) if scores else None))
    return tuple(out)


def _latest_scores(records: ClassRecords) -> dict[tuple[str, str, str], float]:
    latest: dict[tuple[str, str, str], learning.Attempt] = {}
    for a in records.attempts:  # oldest first, so the last one wins
        latest[(a.learner, a.module, a.question_id)] = a
    return {k: a.score for k, a in latest.items()}


def objective_mastery(records: ClassRecords, banks: Mapping[str, Bank],
                      objective_texts: Mapping[str, str] | None = None,
                      threshold: float | None = None) -> tuple[ObjectiveResult, ...]:
    """Per objective of the quiz banks (bank order): learners who mastered it."""

    threshold = learning.MASTERY_THRESHOLD if threshold is None else threshold
    texts = objective_texts or {}
    latest = _latest_scores(records)
    out = []
    for module, bank in banks.items():
        questions: dict[str, list[str]] = {}
        for q in bank.questions:
            questions.setdefault(q.objective, []).append(q.id)
        for objective, qids in questions.items():
            scores = []
            for learner in records.learners:
                got = [latest.get((learner, module, qid)) for qid in qids]
                if any(s is not None for s in got):
                    scores.append(sum(s or 0.0 for s in got) / len(qids))
            mastered = sum(1 for s in scores if s + 1e-9 >= threshold)
            out.append(ObjectiveResult(objective, texts.get(objective, objective), module, len(scores),
                                       mastered, sum(scores) / len(scores) if scores else None))
    return tuple(out)


def wrong_parts(question: Question, answer: Any) -> list[str]:
    """Plain-text labels of what was wrong in one answer (empty if nothing can be said).

    single/true_false: the answer given; multiple: options ticked that are not correct (else the
    correct ones left unticked); numeric: the number given; ordering: items out of place;
    matching: the wrong pairs, "term → definition".
    """
    try:
        return kind_of(question).wrong_parts(question, answer)
    except Exception:  # noqa: BLE001 - a stale or odd stored answer is just not counted
        return []


def item_analysis(records: ClassRecords, banks: Mapping[str, Bank]) -> tuple[ItemResult, ...]:
    """Per question of the banks (bank order): first-attempt results and the commonest wrong answer."""
    by_question: dict[tuple[str, str], list[learning.Attempt]] = defaultdict(list)
    for a in records.attempts:
        by_question[(a.module, a.question_id)].append(a)
    out = []
    for module, bank in banks.items():
        for q in bank.questions:
            attempts = by_question.get((module, q.id), [])
            first: dict[str, learning.Attempt] = {}
            for a in attempts:
                first.setdefault(a.learner, a)
            wrong: Counter[str] = Counter()
            for a in first.values():
                if not a.correct:
                    wrong.update(set(wrong_parts(q, a.answer)))  # each learner counts once per part
            label, count = wrong.most_common(1)[0] if wrong else ("", 0)
            scores = [a.score for a in first.values()]
            out.append(ItemResult(module, q.id, q.objective, q.type, q.prompt, len(first),
                                  sum(1 for a in first.values() if a.correct),
                                  sum(scores) / len(scores) if scores else None, len(attempts), label, count))
    return tuple(out)


def learner_results(records: ClassRecords, modules: Sequence[tuple[str, str]]) -> tuple[LearnerResult, ...]:
    status = statuses(records)
    order = [m for m, _t in _module_order(records, modules)]
    out = []
    for learner in records.learners:
        mine = [a for a in records.attempts if a.learner == learner]
        first: dict[tuple[str, str], learning.Attempt] = {}
        for a in mine:
            first.setdefault((a.module, a.question_id), a)
        best: dict[str, float] = {}
        for c in records.completions:
            if c.learner == learner:
                best[c.module] = max(best.get(c.module, 0.0), c.score)
        times = [a.ts for a in mine] + [c.ts for c in records.completions if c.learner == learner]
        out.append(LearnerResult(
            learner,
            {m: status.get((learner, m), learning.NOT_STARTED) for m in order},
            best, len(first), sum(1 for a in first.values() if a.correct), max(times) if times else None,
        ))
    return tuple(out)


def class_report(records: ClassRecords, modules: Sequence[tuple[str, str]] | None = None,
                 banks: Mapping[str, Bank] | None = None,
                 objective_texts: Mapping[str, str] | None = None) -> ClassReport:
    """Everything the dashboard shows. Without ``modules``/``banks`` the course's own are used:
    modules with a quiz, in course order."""
    problems = list(records.problems)
    if modules is None or banks is None or objective_texts is None:
        c_modules, c_banks, c_texts, c_problems = course_quizzes()
        modules = c_modules if modules is None else modules
        banks = c_banks if banks is None else banks
        objective_texts = c_texts if objective_texts is None else objective_texts
        problems += c_problems
    return ClassReport(
        learners=records.learners,
        modules=module_progress(records, modules),
        objectives=objective_mastery(records, banks, objective_texts),
        items=item_analysis(records, banks),
        per_learner=learner_results(records, modules),
        stores=records.stores,
        problems=tuple(problems),
    )


def course_quizzes() -> tuple[list[tuple[str, str]], dict[str, Bank], dict[str, str], list[str]]:
    """The course's quizzed modules (quiz name, title) in course order, their banks keyed by quiz
    name, the objectives' texts, and any problem loading them."""
    modules: list[tuple[str, str]] = []
    banks: dict[str, Bank] = {}
    texts: dict[str, str] = {}
    problems: list[str] = []
    try:
        metas = content.modules()
    except (content.NotebookMetaError, OSError) as exc:
        return [], {}, {}, [f"course modules could not be read: {exc}"]
    for meta in metas:
        for objective in meta.objectives:
            texts[objective.id] = objective.text
        if not meta.quiz or getattr(meta, "audience", "learner") != "learner":
            continue
        try:  # attempts are recorded under the quiz's name (= the notebook's, by convention)
            banks[meta.quiz] = content.load_bank(meta.quiz)
        except ContentError as exc:
            problems.append(f"quiz {meta.quiz} could not be loaded: {exc.problems[0] if exc.problems else exc}")
            continue
        modules.append((meta.quiz, meta.title))
    return modules, banks, texts, problems


