"""Class results as tables (CSV) a spreadsheet or an LMS gradebook takes; cells that a spreadsheet
would run as formulas are neutralised."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from katlearn import learning
from katlearn.classroom._records import ClassRecords
from katlearn.classroom._report import ClassReport
from katlearn.content import (
    Bank,
)

log = logging.getLogger("katlearn.classroom")


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
            row += [r.status.get(slug, learning.NOT_STARTED), _percent(r.best_score.get(slug))]
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


