"""Module scores for an LMS gradebook (LTI Assignment and Grade Services), and the outbox that
makes sure each is sent, retried when it fails, and never sent twice as two results.

What is sent per learner and module (:func:`module_grades`): the best completion's score (the
same "best score" as the gradebook CSV) and whether the module was ever mastered, with the time of
that completion as the score's timestamp. A score for the same learner and line item replaces the
one before it in the LMS (AGS), and the same completion always gives the same score and timestamp,
so sending it again after a crash changes nothing; the outbox (one SQLite file of the service's
own) sends only what differs from the last score the LMS accepted.

Score format: LTI AGS 2.0, https://www.imsglobal.org/spec/lti-ags/v2p0/#score-publish-service
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from katlearn import learning
from katlearn.classroom._records import ClassRecords

LTI_GRADES_URL_ENV = "KATLEARN_LTI_GRADES_URL"  # the grades service, for educators' servers
SERVICE_TIMEOUT_S = 5.0
AGS_SCORE_MAXIMUM = 100.0
FIRST_RETRY_S = 60.0
MAX_RETRY_S = 3600.0
SENT, WAITING, FAILED = "sent", "waiting", "failed"  # FAILED: the last try failed; retried later


@dataclass(frozen=True)
class ModuleGrade:
    """A learner's standing in one module, as the gradebook gets it."""

    learner: str
    module: str
    score: float  # 0..1, the best completion's
    mastered: bool  # mastered in any completion
    ts: float  # when the best completion was recorded (the score's timestamp)

    @property
    def percent(self) -> float:
        return round(self.score * AGS_SCORE_MAXIMUM, 2)


def module_grades(records: ClassRecords, modules: Iterable[str] | None = None) -> list[ModuleGrade]:
    """One grade per learner and module that has a completion (``modules``: only these)."""
    wanted = set(modules) if modules is not None else None
    best: dict[tuple[str, str], learning.Completion] = {}
    mastered: set[tuple[str, str]] = set()
    for c in records.completions:
        if wanted is not None and c.module not in wanted:
            continue
        key = (c.learner, c.module)
        if c.mastered:
            mastered.add(key)
        held = best.get(key)
        # the first completion that reached the best score: its timestamp never moves later
        if held is None or c.score > held.score or (c.score == held.score and c.ts < held.ts):
            best[key] = c
    return [ModuleGrade(lr, m, c.score, (lr, m) in mastered, c.ts) for (lr, m), c in sorted(best.items())]


def ags_timestamp(ts: float) -> str:
    """ISO 8601 with time zone and milliseconds, as AGS asks."""
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="milliseconds")


def score_comment(grade: ModuleGrade) -> str:
    mastery = f"{learning.MASTERY_THRESHOLD * 100:.0f}%"
    if grade.mastered:
        return f"Mastered (best score {grade.percent:g}%; mastery is {mastery} or more)."
    return f"Not yet mastered (best score {grade.percent:g}%; mastery is {mastery} or more)."


def score_body(grade: ModuleGrade, user_id: str) -> dict:
    """The AGS score of a grade for the learner the platform knows as ``user_id``."""
    return {
        "userId": user_id,
        "scoreGiven": grade.percent,
        "scoreMaximum": AGS_SCORE_MAXIMUM,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": ags_timestamp(grade.ts),
        "comment": score_comment(grade),
    }


def retry_after_s(tries: int, first_s: float = FIRST_RETRY_S) -> float:
    """Wait before the next try after ``tries`` failed ones: doubling from ``first_s`` (a minute)
    up to an hour."""
    return min(first_s * 2 ** max(tries - 1, 0), MAX_RETRY_S)


@dataclass(frozen=True)
class OutboxRow:
    learner: str
    module: str
    gradebook: str
    score: float
    mastered: bool
    ts: float
    state: str
    tries: int
    error: str
    next_try_ts: float
    sent_ts: float | None


_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (
  learner TEXT NOT NULL, module TEXT NOT NULL, gradebook TEXT NOT NULL,
  score REAL NOT NULL, mastered INTEGER NOT NULL, ts REAL NOT NULL,
  state TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
  next_try_ts REAL NOT NULL DEFAULT 0, sent_ts REAL,
  sent_score REAL, sent_mastered INTEGER, sent_ts_of_score REAL,
  PRIMARY KEY (learner, module, gradebook)
);
CREATE TABLE IF NOT EXISTS lineitems (
  gradebook TEXT NOT NULL, module TEXT NOT NULL, lineitem_id TEXT NOT NULL,
  PRIMARY KEY (gradebook, module)
);
"""


class Outbox:
    """What the grades service has to send, has sent, and failed to send (one SQLite file)."""

    def __init__(self, path: Path | str, first_retry_s: float = FIRST_RETRY_S) -> None:
        self.path = Path(path)
        self.first_retry_s = first_retry_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # one connection, used by the service's sync thread and its web handlers in turn
        self._conn = sqlite3.connect(self.path, timeout=learning.BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                     check_same_thread=False)
        self._lock = threading.RLock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _execute(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    def offer(self, grade: ModuleGrade, gradebook: str) -> bool:
        """Put a grade in the outbox unless the LMS already has it (or it is already waiting);
        True if it is now waiting to be sent."""
        found = self._execute(
            "SELECT score, mastered, ts, state, sent_score, sent_mastered, sent_ts_of_score FROM scores "
            "WHERE learner = ? AND module = ? AND gradebook = ?", (grade.learner, grade.module, gradebook))
        row = found[0] if found else None
        now = (grade.score, int(grade.mastered), grade.ts)
        if row is not None and (row[4], row[5], row[6]) == now:
            return False  # the LMS has exactly this score
        if row is not None and tuple(row[:3]) == now and row[3] in (WAITING, FAILED):
            return True  # already waiting (a failed one keeps its retry time)
        self._execute(
            "INSERT INTO scores (learner, module, gradebook, score, mastered, ts, state, tries, error, next_try_ts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0, '', 0) ON CONFLICT (learner, module, gradebook) DO UPDATE SET "
            "score = excluded.score, mastered = excluded.mastered, ts = excluded.ts, state = excluded.state, "
            "tries = 0, error = '', next_try_ts = 0",
            (grade.learner, grade.module, gradebook, grade.score, int(grade.mastered), grade.ts, WAITING))
        return True

    def due(self, now_ts: float | None = None) -> list[OutboxRow]:
        now_ts = time.time() if now_ts is None else now_ts
        return self._rows("WHERE state IN (?, ?) AND next_try_ts <= ?", (WAITING, FAILED, now_ts))

    def sent(self, row: OutboxRow, now_ts: float | None = None) -> None:
        """The LMS accepted this score (only if it is still the one in the outbox)."""
        self._execute(
            "UPDATE scores SET state = ?, error = '', sent_ts = ?, sent_score = score, sent_mastered = mastered, "
            "sent_ts_of_score = ts WHERE learner = ? AND module = ? AND gradebook = ? AND score = ? AND ts = ?",
            (SENT, time.time() if now_ts is None else now_ts, row.learner, row.module, row.gradebook, row.score,
             row.ts))

    def failed(self, row: OutboxRow, error: str, now_ts: float | None = None) -> None:
        now_ts = time.time() if now_ts is None else now_ts
        tries = row.tries + 1
        self._execute(
            "UPDATE scores SET state = ?, tries = ?, error = ?, next_try_ts = ? "
            "WHERE learner = ? AND module = ? AND gradebook = ? AND score = ? AND ts = ?",
            (FAILED, tries, error[:500], now_ts + retry_after_s(tries, self.first_retry_s), row.learner,
             row.module, row.gradebook, row.score, row.ts))

    def rows(self) -> list[OutboxRow]:
        return self._rows("", ())

    def _rows(self, where: str, args: tuple) -> list[OutboxRow]:
        sql = ("SELECT learner, module, gradebook, score, mastered, ts, state, tries, error, next_try_ts, sent_ts "
               f"FROM scores {where} ORDER BY learner, module, gradebook")
        return [OutboxRow(lr, m, g, s, bool(ms), t, st, n, e, nt, sent) for lr, m, g, s, ms, t, st, n, e, nt, sent
                in self._execute(sql, args)]

    def lineitem(self, gradebook: str, module: str) -> str | None:
        found = self._execute("SELECT lineitem_id FROM lineitems WHERE gradebook = ? AND module = ?",
                              (gradebook, module))
        return found[0][0] if found else None

    def forget_lineitem(self, gradebook: str, module: str) -> None:
        self._execute("DELETE FROM lineitems WHERE gradebook = ? AND module = ?", (gradebook, module))

    def remember_lineitem(self, gradebook: str, module: str, lineitem_id: str) -> None:
        self._execute("INSERT OR REPLACE INTO lineitems (gradebook, module, lineitem_id) VALUES (?, ?, ?)",
                           (gradebook, module, lineitem_id))


def outbox_report(rows: Iterable[OutboxRow]) -> dict:
    """For the educator dashboard: counts per state, and every score not (yet) accepted."""
    rows = list(rows)
    counts = {state: sum(r.state == state for r in rows) for state in (SENT, WAITING, FAILED)}
    problems = [{"learner": r.learner, "module": r.module, "score_percent": round(r.score * AGS_SCORE_MAXIMUM, 2),
                 "tries": r.tries, "error": r.error, "next_try": ags_timestamp(r.next_try_ts) if r.next_try_ts else ""}
                for r in rows if r.state == FAILED]
    return {"counts": counts, "failed": problems}


def lms_grades_report(timeout_s: float = SERVICE_TIMEOUT_S) -> dict | None:
    """The grades service's report (see :func:`outbox_report`), asked with this server's hub
    token; None where no service is configured (``KATLEARN_LTI_GRADES_URL``), ``{"error": ...}``
    when it could not be asked."""
    url = os.environ.get(LTI_GRADES_URL_ENV, "")
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
    if not url.startswith(("http://", "https://")) or not token:
        return None
    request = urllib.request.Request(url.rstrip("/") + "/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - the hub's service
            report = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return {"error": f"the grades service could not be asked ({exc})"}
    return report if isinstance(report, dict) else {"error": "the grades service answered something else"}
