"""Class results for educators: how far each module got, which objectives are mastered, which
questions trip learners up; plus the tables (CSV) a spreadsheet or an LMS gradebook takes.

Data flows one way::

    store files ──read-only──► ClassRecords ──pure functions──► ClassReport ──► figures / widgets / CSV

Where the records come from (:func:`store_paths`): ``KATLEARN_CLASS_STORES`` names store files or
folders (``os.pathsep``-separated); without it, this computer's own store (``KATLEARN_DB``), which
holds every learner who used it. In a folder, ``*.sqlite`` files are read as shared stores and
``<name>/*.sqlite`` as the store of learner ``<name>`` (percent-encoded): only that learner's
rows count there, so one learner cannot put answers in another's name (the layout a workshop hub
uses, see ``deploy/jupyterhub``). Stores are copied and the copies read (:func:`snapshot`), so a
reader needs only read access and never leaves files in a learner's folder.

Who may see class results (:func:`educator_access`): on a JupyterHub, users whose server token
carries the custom scope ``custom:katlearn:class-results`` or who are hub admins (asked of the hub
with the server's own ``JUPYTERHUB_API_TOKEN``); elsewhere, whoever types the key in
``KATLEARN_EDUCATOR_KEY`` (compared in constant time). Results are self-reported by each
learner's own kernel: good for teaching, not for high-stakes grading.

Everything here is plain data; learner names are shown by the caller and must be escaped there.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import logging
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from katlearn import progress
from katlearn.content import (
    Bank,
    ContentError,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
)

log = logging.getLogger(__name__)

CLASS_STORES_ENV = "KATLEARN_CLASS_STORES"
EDUCATOR_KEY_ENV = "KATLEARN_EDUCATOR_KEY"
EDUCATOR_SCOPE = "custom:katlearn:class-results"
STORE_SUFFIX = ".sqlite"
HUB_TIMEOUT_S = 5.0
MIN_KEY_CHARS = 12  # shorter keys are refused: the page would be guessable
SNAPSHOT_TRIES = 5

# ---------------------------------------------------------------------------------------------
# Records: every attempt and completion of a class, read from one or more stores


@dataclass(frozen=True)
class StoreSource:
    """One store file and, in a per-learner folder, the only learner whose rows count in it."""

    path: Path
    owner: str | None = None


@dataclass(frozen=True)
class ClassRecords:
    """What the stores hold, as the progress store's own record types (read-only)."""

    attempts: tuple[progress.Attempt, ...] = ()
    completions: tuple[progress.Completion, ...] = ()
    touched: frozenset[tuple[str, str]] = frozenset()  # (learner, module) of recorded choices
    stores: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # stores or rows that were skipped, and why

    @property
    def learners(self) -> tuple[str, ...]:
        names = {a.learner for a in self.attempts} | {c.learner for c in self.completions}
        names |= {learner for learner, _m in self.touched}
        return tuple(sorted(n for n in names if n))


def owner_of_folder(name: str) -> str:
    """The hub user name a per-learner folder stands for (folder names are percent-encoded)."""
    return unquote(name)


def store_paths(spec: str | None = None) -> list[StoreSource]:
    """The stores to read: ``spec`` (default ``$KATLEARN_CLASS_STORES``), else this computer's."""
    spec = os.environ.get(CLASS_STORES_ENV, "") if spec is None else spec
    entries = [Path(p).expanduser() for p in spec.split(os.pathsep) if p.strip()]
    if not entries:
        return [StoreSource(progress.db_path())]
    sources: list[StoreSource] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False  # read_store reports it
        if is_dir:
            try:
                inside = sorted(entry.iterdir())
            except OSError:
                sources.append(StoreSource(entry))  # read_store reports why it cannot be read
                continue
            sources += [StoreSource(p) for p in inside if p.suffix == STORE_SUFFIX and p.is_file()]
            for folder in (p for p in inside if p.is_dir()):
                owner = owner_of_folder(folder.name)
                try:
                    files = sorted(folder / name for name in os.listdir(folder) if name.endswith(STORE_SUFFIX))
                except OSError:
                    sources.append(StoreSource(folder, owner))  # read_store reports why it cannot be read
                    continue
                sources += [StoreSource(p, owner) for p in files if p.is_file()]
        else:
            sources.append(StoreSource(entry))
    unique: dict[Path, StoreSource] = {}
    for source in sources:
        unique.setdefault(source.path.resolve(), source)
    return list(unique.values())


def _fingerprint(path: Path) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    def one(p: Path) -> tuple[int, int] | None:
        try:
            st = p.stat()
        except FileNotFoundError:
            return None
        return st.st_size, st.st_mtime_ns
    return one(path), one(path.with_name(path.name + "-wal"))


def snapshot(path: Path, folder: Path, tries: int = SNAPSHOT_TRIES) -> Path:
    """Copy a store and its write-ahead log into ``folder`` and return the copy.

    Reading the store in place would make SQLite create ``-wal``/``-shm`` files in the learner's
    folder, owned by the reader, which could then lock the learner out of their own store. A copy
    needs only read access. The copy is retried while the store changes under it; SQLite replays
    the copied log up to its last complete transaction when the copy is opened.
    """
    wal = path.with_name(path.name + "-wal")
    target = folder / "store.sqlite"
    for _ in range(tries):
        before = _fingerprint(path)
        for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(path, target)
        try:
            shutil.copyfile(wal, target.with_name(target.name + "-wal"))
        except FileNotFoundError:
            pass
        if _fingerprint(path) == before:
            return target
        time.sleep(0.05)
    raise sqlite3.OperationalError(f"it kept changing while being copied ({tries} tries)")


def read_store(source: StoreSource) -> ClassRecords:
    """One store's rows, read from a private copy (see :func:`snapshot`); a store that cannot be
    read becomes a problem, never an error."""
    where = str(source.path)
    try:
        if source.path.is_dir():
            os.listdir(source.path)  # raises the reason it could not be listed
            return ClassRecords(stores=(where,), problems=(f"{where}: a folder, not a store",))
        if not source.path.is_file():
            return ClassRecords(stores=(where,), problems=(f"{where}: no such file",))
    except OSError as exc:
        return ClassRecords(stores=(where,), problems=(f"{where}: cannot be read ({exc})",))
    result = ClassRecords(stores=(where,))
    for _ in range(2):  # a copy torn by a concurrent checkpoint reads as corrupt: copy once more
        with tempfile.TemporaryDirectory(prefix="katlearn-class-") as tmp:
            try:
                copy = snapshot(source.path, Path(tmp))
                conn = sqlite3.connect(copy, timeout=progress.BUSY_TIMEOUT_MS / 1000)
            except (OSError, sqlite3.Error) as exc:
                return ClassRecords(stores=(where,), problems=(f"{where}: cannot be read ({exc})",))
            try:
                result = _rows_of(conn, source, where)
            finally:
                conn.close()
        if not any("cannot be read" in p for p in result.problems):
            break
    return result


def _rows_of(conn: sqlite3.Connection, source: StoreSource, where: str) -> ClassRecords:
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            return ClassRecords(stores=(where,))  # created but never written: an empty store
        if version > len(progress.MIGRATIONS):
            return ClassRecords(stores=(where,), problems=(
                f"{where}: written by a newer katlearn (schema {version}); update katlearn",))
        attempts = [
            progress.Attempt(i, lr, m, q, _json(a), bool(c), float(s), md, float(t))
            for i, lr, m, q, a, c, s, md, t in conn.execute(
                "SELECT id, learner, module, question_id, answer, correct, score, mode, ts "
                "FROM attempts ORDER BY ts, id")
        ]
        completions = [
            progress.Completion(i, lr, m, float(s), bool(ms), md, float(t))
            for i, lr, m, s, ms, md, t in conn.execute(
                "SELECT id, learner, module, score, mastered, mode, ts FROM completions ORDER BY ts, id")
        ]
        touched = set(conn.execute("SELECT DISTINCT learner, module FROM choices"))
    except sqlite3.Error as exc:
        return ClassRecords(stores=(where,), problems=(f"{where}: cannot be read ({exc})",))
    problems: list[str] = []
    if source.owner is not None:
        names = {a.learner for a in attempts} | {c.learner for c in completions} | {lr for lr, _m in touched}
        others = sorted(names - {source.owner})
        if others:
            problems.append(f"{where}: rows of {', '.join(repr(o) for o in others)} ignored "
                            f"(this store belongs to {source.owner!r})")
        attempts = [a for a in attempts if a.learner == source.owner]
        completions = [c for c in completions if c.learner == source.owner]
        touched = {(lr, m) for lr, m in touched if lr == source.owner}
    return ClassRecords(tuple(attempts), tuple(completions), frozenset(touched), (where,), tuple(problems))


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def merge(parts: Iterable[ClassRecords]) -> ClassRecords:
    attempts: list[progress.Attempt] = []
    completions: list[progress.Completion] = []
    touched: set[tuple[str, str]] = set()
    stores: list[str] = []
    problems: list[str] = []
    for part in parts:
        attempts += part.attempts
        completions += part.completions
        touched |= part.touched
        stores += part.stores
        problems += part.problems
    attempts.sort(key=lambda a: (a.ts, a.learner, a.id))
    completions.sort(key=lambda c: (c.ts, c.learner, c.id))
    return ClassRecords(tuple(attempts), tuple(completions), frozenset(touched), tuple(stores), tuple(problems))


def load_class(spec: str | None = None) -> ClassRecords:
    """Every record of the class (see :func:`store_paths` for which stores are read)."""
    return merge(read_store(s) for s in store_paths(spec))


def only_learner(records: ClassRecords, learner: str) -> ClassRecords:
    """The records of one learner (e.g. for a learner's own export)."""
    return ClassRecords(
        tuple(a for a in records.attempts if a.learner == learner),
        tuple(c for c in records.completions if c.learner == learner),
        frozenset(t for t in records.touched if t[0] == learner),
        records.stores, records.problems,
    )


# ---------------------------------------------------------------------------------------------
# Aggregation (pure)


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
        return sum(1 for s in self.status.values() if s == progress.MASTERED)

    @property
    def in_progress(self) -> int:
        return sum(1 for s in self.status.values() if s == progress.IN_PROGRESS)


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
    """``{(learner, module): status}`` by the store's own rule (see progress.module_status)."""
    touched = {(a.learner, a.module) for a in records.attempts}
    touched |= {(c.learner, c.module) for c in records.completions} | set(records.touched)
    mastered = {(c.learner, c.module) for c in records.completions if c.mastered}
    return {key: progress.MASTERED if key in mastered else progress.IN_PROGRESS for key in touched}


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
        counts = Counter(status.get((lr, slug), progress.NOT_STARTED) for lr in learners)
        scores = [best[(lr, slug)] for lr in learners if (lr, slug) in best]
        out.append(ModuleProgress(slug, title, counts[progress.NOT_STARTED], counts[progress.IN_PROGRESS],
                                  counts[progress.MASTERED], sum(scores) / len(scores) if scores else None))
    return tuple(out)


def _latest_scores(records: ClassRecords) -> dict[tuple[str, str, str], float]:
    latest: dict[tuple[str, str, str], progress.Attempt] = {}
    for a in records.attempts:  # oldest first, so the last one wins
        latest[(a.learner, a.module, a.question_id)] = a
    return {k: a.score for k, a in latest.items()}


def objective_mastery(records: ClassRecords, banks: Mapping[str, Bank],
                      objective_texts: Mapping[str, str] | None = None,
                      threshold: float | None = None) -> tuple[ObjectiveResult, ...]:
    """Per objective of the quiz banks (bank order): learners who mastered it."""
    from katlearn.quiz import MASTERY_THRESHOLD

    threshold = MASTERY_THRESHOLD if threshold is None else threshold
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


def _fmt_number(value: float) -> str:
    return f"{value:g}"


def wrong_parts(question: Question, answer: Any) -> list[str]:
    """Plain-text labels of what was wrong in one answer (empty if nothing can be said).

    single/true_false: the answer given; multiple: options ticked that are not correct (else the
    correct ones left unticked); numeric: the number given; ordering: items out of place;
    matching: the wrong pairs, "term → definition".
    """
    try:
        if isinstance(question, SingleChoice):
            option = question.options[int(answer)]
            return [] if option.correct else [option.text]
        if isinstance(question, MultipleChoice):
            ticked = {int(i) for i in answer}
            wrong = [o.text for i, o in enumerate(question.options) if i in ticked and not o.correct]
            missed = [f"left out: {o.text}" for i, o in enumerate(question.options) if i not in ticked and o.correct]
            return wrong or missed
        if isinstance(question, TrueFalse):
            return [] if answer is question.answer else ["True" if answer else "False"]
        if isinstance(question, Numeric):
            from katlearn.quiz import parse_numeric

            value = parse_numeric(answer, question.unit)
            if abs(value - question.answer) <= question.tolerance + 1e-9 * max(1.0, abs(question.answer)):
                return []
            return [f"{_fmt_number(value)} {question.unit}".strip()]
        if isinstance(question, Ordering):
            order = [int(i) for i in answer]
            return [f"{question.items[item]} (out of place)" for pos, item in enumerate(order) if pos != item]
        if isinstance(question, Matching):
            picks = list(answer)
            return [f"{question.pairs[t].term} → {question.pairs[int(p)].definition}"
                    for t, p in enumerate(picks) if p is not None and int(p) != t]
    except Exception:  # noqa: BLE001 - a stale or odd stored answer is just not counted
        return []
    return []


def item_analysis(records: ClassRecords, banks: Mapping[str, Bank]) -> tuple[ItemResult, ...]:
    """Per question of the banks (bank order): first-attempt results and the commonest wrong answer."""
    by_question: dict[tuple[str, str], list[progress.Attempt]] = defaultdict(list)
    for a in records.attempts:
        by_question[(a.module, a.question_id)].append(a)
    out = []
    for module, bank in banks.items():
        for q in bank.questions:
            attempts = by_question.get((module, q.id), [])
            first: dict[str, progress.Attempt] = {}
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
        first: dict[tuple[str, str], progress.Attempt] = {}
        for a in mine:
            first.setdefault((a.module, a.question_id), a)
        best: dict[str, float] = {}
        for c in records.completions:
            if c.learner == learner:
                best[c.module] = max(best.get(c.module, 0.0), c.score)
        times = [a.ts for a in mine] + [c.ts for c in records.completions if c.learner == learner]
        out.append(LearnerResult(
            learner,
            {m: status.get((learner, m), progress.NOT_STARTED) for m in order},
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
    from katlearn import content, course

    modules: list[tuple[str, str]] = []
    banks: dict[str, Bank] = {}
    texts: dict[str, str] = {}
    problems: list[str] = []
    try:
        metas = course.modules()
    except (course.NotebookMetaError, OSError) as exc:
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


# ---------------------------------------------------------------------------------------------
# Tables (CSV)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell as text, defused so a spreadsheet never runs it as a formula (OWASP CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{value:.4g}" if value == value else ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def iso_time(ts: float) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. ``2025-03-01T09:30:00.000Z``."""
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100.0 * value, 1)


def gradebook_csv(report: ClassReport) -> str:
    """One row per learner: modules mastered, then per module its status and best score (%)."""
    header = ["learner", "modules_mastered", "modules_in_progress", "questions_answered",
              "first_try_correct", "last_active_utc"]
    slugs = [m.module for m in report.modules]
    for slug in slugs:
        header += [f"{slug} status", f"{slug} best_score_percent"]
    rows = []
    for r in report.per_learner:
        row: list[Any] = [r.learner, r.mastered, r.in_progress, r.answered, r.first_correct,
                          iso_time(r.last_active) if r.last_active else ""]
        for slug in slugs:
            row += [r.status.get(slug, progress.NOT_STARTED), _percent(r.best_score.get(slug))]
        rows.append(row)
    return _csv(header, rows)


def items_csv(report: ClassReport) -> str:
    """One row per question: first-attempt results and the commonest wrong answer."""
    header = ["module", "question_id", "objective", "type", "learners", "first_try_correct_percent",
              "mean_first_score_percent", "attempts", "most_common_wrong_answer",
              "most_common_wrong_learners", "prompt"]
    rows = [[i.module, i.question_id, i.objective, i.kind, i.learners,
             None if i.percent_correct is None else round(i.percent_correct, 1),
             _percent(i.mean_first_score), i.attempts, i.common_wrong, i.common_wrong_learners, i.prompt]
            for i in report.items]
    return _csv(header, rows)


def events_csv(records: ClassRecords, banks: Mapping[str, Bank] | None = None) -> str:
    """Every saved answer and completion, oldest first (the progress log of the class)."""
    objective_of: dict[tuple[str, str], str] = {}
    for module, bank in (banks or {}).items():
        for q in bank.questions:
            objective_of[(module, q.id)] = q.objective
    header = ["timestamp_utc", "learner", "event", "module", "question_id", "objective", "mode",
              "correct", "score", "answer"]
    events: list[tuple[float, list[Any]]] = []
    for a in records.attempts:
        events.append((a.ts, [iso_time(a.ts), a.learner, "answered", a.module, a.question_id,
                              objective_of.get((a.module, a.question_id), ""), a.mode, a.correct, a.score,
                              json.dumps(a.answer, ensure_ascii=False)]))
    for c in records.completions:
        events.append((c.ts, [iso_time(c.ts), c.learner, "completed", c.module, "", "", c.mode,
                              c.mastered, c.score, ""]))
    events.sort(key=lambda e: e[0])
    return _csv(header, (row for _ts, row in events))


# ---------------------------------------------------------------------------------------------
# Who may see class results


@dataclass(frozen=True)
class Access:
    """Whether this page may show class results, and what to tell the person looking."""

    granted: bool
    how: str  # "hub" (the hub said so), "key" (an educator key is set; ask for it), or ""
    who: str = ""
    message: str = ""

    @property
    def needs_key(self) -> bool:
        return not self.granted and self.how == "key"


def hub_user_model(timeout_s: float = HUB_TIMEOUT_S) -> dict[str, Any] | None:
    """This server's user as the hub sees it (``GET $JUPYTERHUB_API_URL/user`` with the
    server's token), or None off a hub or when the hub cannot be asked."""
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
    api = os.environ.get("JUPYTERHUB_API_URL", "")
    if not token or not api.startswith(("http://", "https://")):
        return None
    request = urllib.request.Request(api.rstrip("/") + "/user", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - the hub's own URL
            model = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("could not ask the hub who this is: %s", exc)
        return None
    return model if isinstance(model, dict) else None


def hub_grants(model: Mapping[str, Any]) -> bool:
    """Hub admins, and users whose token carries the educator scope, see class results."""
    scopes = model.get("scopes") or []
    return model.get("admin") is True or EDUCATOR_SCOPE in scopes


def educator_key() -> str | None:
    key = os.environ.get(EDUCATOR_KEY_ENV, "")
    return key if len(key) >= MIN_KEY_CHARS else None


def key_matches(typed: str, key: str | None = None) -> bool:
    """Constant-time comparison of a typed key with ``KATLEARN_EDUCATOR_KEY``."""
    key = educator_key() if key is None else key
    if not key or not isinstance(typed, str):
        return False
    return hmac.compare_digest(typed.encode("utf-8"), key.encode("utf-8"))


def educator_access(model: Mapping[str, Any] | None = None) -> Access:
    """Decide once per page: the hub's word on a hub; else an educator key, if one is set."""
    on_hub = bool(os.environ.get("JUPYTERHUB_API_TOKEN"))
    if on_hub:
        model = hub_user_model() if model is None else model
        if model is not None:
            name = str(model.get("name", ""))
            if hub_grants(model):
                return Access(True, "hub", name, "Signed in as an educator on this hub.")
            return Access(False, "", name, "This page is for educators. Your hub account does not "
                                           "have access to class results.")
    if educator_key():
        return Access(False, "key", "", "Type the educator key to see class results.")
    if os.environ.get(EDUCATOR_KEY_ENV):
        return Access(False, "", "", f"The educator key on this server is too short (at least "
                                     f"{MIN_KEY_CHARS} characters are needed), so the page stays locked.")
    if on_hub:
        return Access(False, "", "", "The hub could not be asked whether you are an educator; "
                                     "reload the page in a minute.")
    return Access(False, "", "", "This page is for educators. To open it, the person who runs the "
                                 f"course server sets {EDUCATOR_KEY_ENV} (or runs a hub).")


# ---------------------------------------------------------------------------------------------
# Command line: python -m katlearn progress-export

EXPORT_FORMATS = ("csv", "gradebook", "items", "xapi")


def cli_progress_export(fmt: str, output: str, stores: Sequence[str] = (), learner: str | None = None,
                        iri_base: str | None = None, home_page: str | None = None) -> int:
    """Write the class's progress as CSV (events), a gradebook, item analysis, or xAPI statements."""
    if fmt not in EXPORT_FORMATS:
        print(f"progress-export: unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}", file=sys.stderr)
        return 1
    spec = os.pathsep.join(stores) if stores else None
    records = load_class(spec)
    for problem in records.problems:
        print(f"progress-export: {problem}", file=sys.stderr)
    if learner is not None:
        records = only_learner(records, learner)
    modules, banks, texts, problems = course_quizzes()
    for problem in problems:
        print(f"progress-export: {problem}", file=sys.stderr)
    n = len(records.learners)
    of = f"{n} learner{'s' if n != 1 else ''}"
    if fmt == "xapi":
        from katlearn import xapi

        try:
            base = xapi.resolve_iri_base(iri_base)
            page = xapi.resolve_home_page(home_page)
        except ValueError as exc:
            print(f"progress-export: {exc}", file=sys.stderr)
            return 1
        data = json.dumps(xapi.statements(records, banks, base, page, titles=dict(modules)),
                          ensure_ascii=False, indent=2) + "\n"
        what = f"{len(records.attempts) + len(records.completions)} statements of {of}"
    elif fmt == "csv":
        data = events_csv(records, banks)
        what = f"{len(records.attempts) + len(records.completions)} events of {of}"
    else:
        report = class_report(records, modules, banks, texts)
        data = gradebook_csv(report) if fmt == "gradebook" else items_csv(report)
        what = f"a gradebook of {of}" if fmt == "gradebook" else f"{len(report.items)} questions' results over {of}"
    try:
        if output == "-":
            sys.stdout.write(data)
        else:
            Path(output).write_text(data, encoding="utf-8", newline="")
    except OSError as exc:
        print(f"progress-export: cannot write {output}: {exc}", file=sys.stderr)
        return 1
    if output != "-":
        stores = len(records.stores)
        print(f"wrote {what} from {stores} store{'s' if stores != 1 else ''} to {output} ({fmt})")
    return 0
