"""The progress store: every quiz attempt, module completion, setting and scenario choice.

One SQLite file per computer, ``~/.katlearn/progress.sqlite`` (``KATLEARN_DB`` overrides).
Several kernels (one per open module) write to it at once, so it runs in WAL mode with a busy
timeout, commits every write on its own and syncs it to disk (``synchronous=FULL``): a kernel
killed mid-quiz loses nothing it has reported as saved. A file that is not a readable database is
moved aside (renamed ``<name>.corrupt-<UTC timestamp>``, never deleted), reported once, and a
fresh store takes its place.

The connection is this package's only global mutable state; it is opened on first use.

Who the learner is: :mod:`katlearn.learning._who`. The schema and its migrations:
:mod:`katlearn.learning._schema`; review answers: :mod:`katlearn.learning._review_log`.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from katlearn.learning._schema import MIGRATIONS, ProgressError, migrate

log = logging.getLogger(__name__)

GUEST = "guest"
NOT_STARTED, IN_PROGRESS, MASTERED = "not started", "in progress", "mastered"
MODES = ("practice", "exam")
BUSY_TIMEOUT_MS = 30_000
_DEVICE = ""  # the ``learner`` of settings that belong to this computer, not to a learner

_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


@dataclass(frozen=True)
class Attempt:
    id: int
    learner: str
    module: str
    question_id: str
    answer: Any
    correct: bool
    score: float
    mode: str
    ts: float


@dataclass(frozen=True)
class Completion:
    id: int
    learner: str
    module: str
    score: float
    mastered: bool
    mode: str
    ts: float


@dataclass(frozen=True)
class Choice:
    id: int
    learner: str
    module: str
    key: str
    value: Any
    ts: float


# ---------------------------------------------------------------------------------------------
# Connection

_lock = threading.RLock()
_conn: sqlite3.Connection | None = None
_conn_path: Path | None = None


def db_path() -> Path:
    """Where the store lives: ``KATLEARN_DB`` or ``~/.katlearn/progress.sqlite``."""
    env = os.environ.get("KATLEARN_DB")
    return Path(env).expanduser() if env else Path.home() / ".katlearn" / "progress.sqlite"


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _move_aside(path: Path, reason: str, inode: int | None) -> Path | None:
    """Rename a corrupt store (and its WAL/SHM files) out of the way; never delete it."""
    try:
        if inode is not None and path.stat().st_ino != inode:
            return None  # another process already replaced it with a fresh store
    except FileNotFoundError:
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, target)
    except FileNotFoundError:
        return None
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        try:
            os.replace(side, side.with_name(f"{side.name}.corrupt-{stamp}"))
        except FileNotFoundError:
            pass
    message = (f"katlearn: the progress store {path} could not be read ({reason}); "
               f"it was kept as {target.name} and a fresh store was started")
    warnings.warn(message, RuntimeWarning, stacklevel=2)
    return target


def _retry_locked(action: Callable[[], Any], attempts: int = 50) -> Any:
    """Run a statement busy_timeout does not cover (e.g. switching to WAL) until unlocked."""
    for i in range(attempts):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or i == attempts - 1:
                raise
            time.sleep(0.02 * (i + 1))
    return None  # pragma: no cover


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = _retry_locked(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        if str(mode).lower() != "wal":
            log.info("progress store %s runs in %s journal mode", path, mode)
        conn.execute("PRAGMA synchronous = FULL")
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
        migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(3):
        try:
            inode = path.stat().st_ino
        except FileNotFoundError:
            inode = None
        try:
            return _connect(path)
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            _move_aside(path, str(exc), inode)
    return _connect(path)


def connection() -> sqlite3.Connection:
    """The process's connection to the store, opened (and migrated) on first use."""
    global _conn, _conn_path
    with _lock:
        path = db_path()
        if _conn is None or _conn_path != path:
            close()
            _conn = _open(path)
            _conn_path = path
        return _conn


def close() -> None:
    """Close the connection (the next call reopens it); for tests and shutdown."""
    global _conn, _conn_path
    with _lock:
        if _conn is not None:
            try:
                _conn.close()
            finally:
                _conn, _conn_path = None, None


T = TypeVar("T")


def _run(operation: Callable[[sqlite3.Connection], T]) -> T:
    """Run one operation; if the file turns out corrupt, move it aside and retry once. Any other
    failure (disk full, no permission, a locked file past the busy timeout) is a ProgressError that
    names the store, so callers handle one exception, not SQLite's and the file system's."""
    try:
        with _lock:
            conn = connection()
            try:
                return operation(conn)
            except sqlite3.DatabaseError as exc:
                if not _is_corruption(exc):
                    raise
                path = db_path()
                close()
                _move_aside(path, str(exc), None)
                return operation(connection())
    except ProgressError:
        raise
    except (sqlite3.Error, OSError) as exc:
        raise ProgressError(f"the progress store {db_path()} could not be used: {exc}") from exc


def _dumps(value: Any) -> str:
    def default(obj: Any) -> Any:
        if isinstance(obj, (set, frozenset)):
            return sorted(obj)
        if isinstance(obj, tuple):
            return list(obj)
        raise TypeError(f"cannot store a {type(obj).__name__} as JSON")

    return json.dumps(value, default=default, ensure_ascii=False, sort_keys=True)


def _now(ts: float | None) -> float:
    return time.time() if ts is None else float(ts)


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    return mode


# ---------------------------------------------------------------------------------------------
# Attempts and completions


def record_attempt(
    learner: str,
    module: str,
    question_id: str,
    answer: Any,
    correct: bool,
    score: float,
    mode: str = "practice",
    ts: float | None = None,
) -> int:
    """Save one graded answer; returns its row id once it is committed."""
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be within 0..1, not {score}")
    row = (learner, module, question_id, _dumps(answer), int(bool(correct)), float(score),
           _check_mode(mode), _now(ts))
    return _run(lambda c: c.execute(
        "INSERT INTO attempts (learner, module, question_id, answer, correct, score, mode, ts) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row).lastrowid)


def _attempt(row: tuple) -> Attempt:
    id_, learner, module, qid, answer, correct, score, mode, ts = row
    return Attempt(id_, learner, module, qid, json.loads(answer), bool(correct), score, mode, ts)


_ATTEMPT_COLUMNS = "id, learner, module, question_id, answer, correct, score, mode, ts"


def attempts(learner: str, module: str | None = None) -> list[Attempt]:
    """Every attempt of a learner (in one module, if given), oldest first."""
    sql = f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE learner = ?"
    args: list[Any] = [learner]
    if module is not None:
        sql += " AND module = ?"
        args.append(module)
    return _run(lambda c: [_attempt(r) for r in c.execute(sql + " ORDER BY id", args)])


def latest_answers(learner: str, module: str, mode: str | None = None) -> dict[str, Attempt]:
    """The most recent attempt per question (optionally in one mode), to resume a quiz."""
    inner = "SELECT MAX(id) FROM attempts WHERE learner = ? AND module = ?"
    args: list[Any] = [learner, module]
    if mode is not None:
        inner += " AND mode = ?"
        args.append(_check_mode(mode))
    sql = f"SELECT {_ATTEMPT_COLUMNS} FROM attempts WHERE id IN ({inner} GROUP BY question_id)"
    return _run(lambda c: {a.question_id: a for a in map(_attempt, c.execute(sql, args))})


def record_completion(
    learner: str, module: str, score: float, mastered: bool, mode: str = "practice",
    ts: float | None = None,
) -> int:
    """Save that a learner finished a module's quiz with this score."""
    if not 0.0 <= score <= 1.0:
        raise ValueError(f"score must be within 0..1, not {score}")
    row = (learner, module, float(score), int(bool(mastered)), _check_mode(mode), _now(ts))
    return _run(lambda c: c.execute(
        "INSERT INTO completions (learner, module, score, mastered, mode, ts) VALUES (?, ?, ?, ?, ?, ?)",
        row).lastrowid)


def completions(learner: str, module: str | None = None) -> list[Completion]:
    sql = "SELECT id, learner, module, score, mastered, mode, ts FROM completions WHERE learner = ?"
    args: list[Any] = [learner]
    if module is not None:
        sql += " AND module = ?"
        args.append(module)
    return _run(lambda c: [
        Completion(i, lr, m, s, bool(ms), md, t) for i, lr, m, s, ms, md, t in c.execute(sql + " ORDER BY id", args)
    ])


def module_status(learner: str, modules: Iterable[str] | None = None) -> dict[str, str]:
    """``{module: "not started" | "in progress" | "mastered"}``.

    Mastered once any completion reached mastery; in progress once anything was attempted or
    completed. ``modules`` (e.g. the course's, from :mod:`katlearn.content`) are all listed,
    untouched ones as not started; without it, only modules the store has seen are listed.
    """
    def query(c: sqlite3.Connection) -> tuple[set[str], set[str]]:
        touched = {m for (m,) in c.execute(
            "SELECT module FROM attempts WHERE learner = ? UNION "
            "SELECT module FROM completions WHERE learner = ? UNION "
            "SELECT module FROM choices WHERE learner = ?", (learner, learner, learner))}
        mastered = {m for (m,) in c.execute(
            "SELECT DISTINCT module FROM completions WHERE learner = ? AND mastered = 1", (learner,))}
        return touched, mastered

    touched, mastered = _run(query)
    names = list(modules) if modules is not None else sorted(touched)
    return {m: MASTERED if m in mastered else IN_PROGRESS if m in touched else NOT_STARTED for m in names}


# ---------------------------------------------------------------------------------------------
# Choices (branching scenarios) and settings


def record_choice(learner: str, module: str, key: str, value: Any, ts: float | None = None) -> int:
    """Save a learner's choice at a step (``key``) of an interactive; history is kept."""
    row = (learner, module, key, _dumps(value), _now(ts))
    return _run(lambda c: c.execute(
        "INSERT INTO choices (learner, module, key, value, ts) VALUES (?, ?, ?, ?, ?)", row).lastrowid)


def choices(learner: str, module: str | None = None, key: str | None = None) -> list[Choice]:
    """Every recorded choice, oldest first, optionally for one module and step."""
    sql = "SELECT id, learner, module, key, value, ts FROM choices WHERE learner = ?"
    args: list[Any] = [learner]
    if module is not None:
        sql += " AND module = ?"
        args.append(module)
    if key is not None:
        sql += " AND key = ?"
        args.append(key)
    return _run(lambda c: [
        Choice(i, lr, m, k, json.loads(v), t) for i, lr, m, k, v, t in c.execute(sql + " ORDER BY id", args)
    ])


def latest_choices(learner: str, module: str) -> dict[str, Any]:
    """The most recent value per step of one module: ``{key: value}``."""
    return {c.key: c.value for c in choices(learner, module)}


def set_setting(learner: str, key: str, value: Any) -> None:
    row = (learner, key, _dumps(value), time.time())
    _run(lambda c: c.execute(
        "INSERT INTO settings (learner, key, value, ts) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (learner, key) DO UPDATE SET value = excluded.value, ts = excluded.ts", row))


def get_setting(learner: str, key: str, default: Any = None) -> Any:
    row = _run(lambda c: c.execute(
        "SELECT value FROM settings WHERE learner = ? AND key = ?", (learner, key)).fetchone())
    return json.loads(row[0]) if row else default
