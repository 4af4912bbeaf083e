"""The final assessment and a learner's standing per learning objective: which questions the exam
draws (the same for every learner), and which objectives are met, to review, or not assessed yet.
Pure rules; :mod:`katlearn.widgets.assessment` shows them."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from katlearn import content
from katlearn.content import Bank, ContentError, Question
from katlearn.learning import _store
from katlearn.learning._store import Attempt, Completion
from katlearn.learning._summary import MASTERY_THRESHOLD

FINAL_KEY = "final_assessment"  # the progress-store module key of the final assessment
PER_MODULE = 2  # questions drawn from each module's bank (course policy)
HOST_SLUG = "07_future_resources"  # the page that shows the assessment; its own quiz is already there
MET, REVIEW, NOT_ASSESSED = "met", "review", "not assessed"


def _rank(seed: str, question_id: str) -> str:
    return hashlib.sha256(f"{seed}\x1f{question_id}".encode()).hexdigest()


def select_questions(bank: Bank, n: int, seed: str = "final") -> list[Question]:
    """``n`` questions from ``bank``, one per objective in turn (round-robin), in bank order.

    Within an objective the pick is a hash of (seed, question id): stable across reloads and the
    same for every learner, so an educator and the class see the same exam.
    """
    groups: dict[str, list[Question]] = {}
    for q in bank.questions:
        groups.setdefault(q.objective, []).append(q)
    for qs in groups.values():
        qs.sort(key=lambda q: _rank(seed, q.id))
    picked: list[Question] = []
    while len(picked) < n and any(groups.values()):
        for qs in groups.values():
            if qs and len(picked) < n:
                picked.append(qs.pop(0))
    order = {q.id: i for i, q in enumerate(bank.questions)}
    return sorted(picked, key=lambda q: order[q.id])


def assessed_modules(exclude: str | None = HOST_SLUG) -> list[content.ModuleMeta]:
    """The numbered modules with a quiz, in course order (without ``exclude``, the page that hosts
    the final assessment)."""
    return [m for m in content.modules() if m.order > 0 and m.quiz and m.slug != exclude]


def final_bank(per_module: int = PER_MODULE, seed: str = "final", exclude: str | None = HOST_SLUG,
               banks: Mapping[str, Bank] | None = None) -> Bank:
    """One bank with ``per_module`` questions of every module's quiz, in course order.

    Modules whose bank is missing or invalid are skipped (``katlearn check`` reports them).
    """
    questions: list[Question] = []
    for meta in assessed_modules(exclude):
        try:
            bank = banks[meta.quiz] if banks is not None else content.load_bank(meta.quiz)
        except (KeyError, ContentError):
            continue
        questions += select_questions(bank, per_module, seed)
    if not questions:
        raise ContentError([content.Problem("assets/quizzes", 1, "(all)", "no module quiz bank could be loaded")])
    return Bank(module=FINAL_KEY, title="Final assessment", questions=tuple(questions))


@dataclass(frozen=True)
class ObjectiveStatus:
    module: str  # slug
    module_title: str
    objective: str
    text: str
    section: str
    answered: int
    total: int
    score: float | None  # mean of the latest scores of the answered questions; None if none answered
    status: str  # MET, REVIEW or NOT_ASSESSED

    @property
    def href(self) -> str:
        return f"{self.module}.ipynb" + (f"#{self.section}" if self.section else "")


def objective_statuses(attempts: Sequence[Attempt], modules: Sequence[content.ModuleMeta],
                       banks: Mapping[str, Bank], threshold: float = MASTERY_THRESHOLD) -> list[ObjectiveStatus]:
    """Every objective of ``modules`` with the learner's latest result on its questions.

    The latest attempt per question counts, whichever quiz it was answered in (module quiz or
    final assessment, practice or exam). Met = mean latest score >= ``threshold``.
    """
    latest: dict[str, Attempt] = {}
    for a in sorted(attempts, key=lambda a: (a.ts, a.id)):
        latest[a.question_id] = a
    out = []
    for meta in modules:
        bank = banks.get(meta.quiz or "")
        for obj in meta.objectives:
            qids = [q.id for q in bank.questions if q.objective == obj.id] if bank else []
            scores = [latest[q].score for q in qids if q in latest]
            score = sum(scores) / len(scores) if scores else None
            status = NOT_ASSESSED if score is None else MET if score + 1e-9 >= threshold else REVIEW
            out.append(ObjectiveStatus(meta.slug, meta.title, obj.id, obj.text, obj.section, len(scores), len(qids),
                                       score, status))
    return out


def score_percent(score: float | None) -> str:
    """A score as a whole percentage ("80"), or "" for no score."""
    return "" if score is None else f"{round(score * 100)}"


def summary_csv(rows: Sequence[ObjectiveStatus], learner: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["learner", "module", "module_title", "objective_id", "objective", "questions_answered",
                "questions_total", "score_percent", "status", "section"])
    for r in rows:
        w.writerow([learner, r.module, r.module_title, r.objective, r.text, r.answered, r.total, score_percent(r.score),
                    r.status, r.href])
    return buf.getvalue()

def headline(rows: Sequence[ObjectiveStatus]) -> str:
    """"5 of 21 objectives met, 2 to review, 14 not assessed yet."."""
    met = sum(r.status == MET for r in rows)
    review = sum(r.status == REVIEW for r in rows)
    return (f"{met} of {len(rows)} objectives met, {review} to review, "
            f"{len(rows) - met - review} not assessed yet.")


def assessed_banks(modules: Sequence[content.ModuleMeta]) -> dict[str, Bank]:
    """The quiz bank of each module that has one; a bank that does not load is left out, so its
    module's objectives count as not assessed."""
    banks: dict[str, Bank] = {}
    for m in modules:
        if m.quiz:
            try:
                banks[m.quiz] = content.load_bank(m.quiz)
            except ContentError:
                pass
    return banks


def learner_standing(learner: str) -> tuple[list[ObjectiveStatus], Completion | None]:
    """Every objective of the course with ``learner``'s latest result, and their latest submitted
    final assessment (None if never). Modules whose bank does not load count as not assessed."""
    modules = [m for m in content.modules() if m.objectives]
    banks = assessed_banks(modules)
    exams = [c for c in _store.completions(learner, FINAL_KEY) if c.mode == "exam"]
    return objective_statuses(_store.attempts(learner), modules, banks), (exams[-1] if exams else None)
