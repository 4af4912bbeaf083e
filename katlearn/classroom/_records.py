"""A class's records: every attempt and completion, read (read-only, from copies) from one or more
progress stores.

Where the records come from (:func:`store_paths`): ``KATLEARN_CLASS_STORES`` names store files or
folders (``os.pathsep``-separated); without it, this computer's own store (``KATLEARN_DB``), which
holds every learner who used it. In a folder, ``*.sqlite`` files are read as shared stores and
``<name>/*.sqlite`` as the store of learner ``<name>`` (percent-encoded): only that learner's
rows count there, so one learner cannot put answers in another's name (the layout a workshop hub
uses, see ``deploy/jupyterhub``). Stores are copied and the copies read (:func:`snapshot`), so a
reader needs only read access and never leaves files in a learner's folder. Results are
self-reported by each learner's own kernel: good for teaching, not for high-stakes grading.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from katlearn import learning

log = logging.getLogger("katlearn.classroom")

CLASS_STORES_ENV = "KATLEARN_CLASS_STORES"
STORE_SUFFIX = ".sqlite"
SNAPSHOT_TRIES = 5


@dataclass(frozen=True)
class StoreSource:
    """One store file and, in a per-learner folder, the only learner whose rows count in it."""

    path: Path
    owner: str | None = None


@dataclass(frozen=True)
class ClassRecords:
    """What the stores hold, as the progress store's own record types (read-only)."""

    attempts: tuple[learning.Attempt, ...] = ()
    completions: tuple[learning.Completion, ...] = ()
    touched: frozenset[tuple[str, str]] = frozenset()  # (learner, module) of recorded choices
    stores: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # stores or rows that were skipped, and why
    unreadable: tuple[str, ...] = ()  # stores that could not be read at all (also in problems)

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
        return [StoreSource(learning.db_path())]
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
            return _unreadable(where, "a folder, not a store")
        if not source.path.is_file():
            return _unreadable(where, "no such file")
    except OSError as exc:
        return _unreadable(where, f"cannot be read ({exc})")
    result = ClassRecords(stores=(where,))
    for _ in range(2):  # a copy torn by a concurrent checkpoint reads as corrupt: copy once more
        with tempfile.TemporaryDirectory(prefix="katlearn-class-") as tmp:
            try:
                copy = snapshot(source.path, Path(tmp))
                conn = sqlite3.connect(copy, timeout=learning.BUSY_TIMEOUT_MS / 1000)
            except (OSError, sqlite3.Error) as exc:
                return _unreadable(where, f"cannot be read ({exc})")
            try:
                result = _rows_of(conn, source, where)
            finally:
                conn.close()
        if not result.unreadable:
            break
    return result


def _unreadable(where: str, why: str) -> ClassRecords:
    return ClassRecords(stores=(where,), problems=(f"{where}: {why}",), unreadable=(where,))


def _rows_of(conn: sqlite3.Connection, source: StoreSource, where: str) -> ClassRecords:
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            return ClassRecords(stores=(where,))  # created but never written: an empty store
        if version > len(learning.MIGRATIONS):
            return _unreadable(where, f"written by a newer katlearn (schema {version}); update katlearn")
        attempts = [
            learning.Attempt(i, lr, m, q, _json(a), bool(c), float(s), md, float(t))
            for i, lr, m, q, a, c, s, md, t in conn.execute(
                "SELECT id, learner, module, question_id, answer, correct, score, mode, ts "
                "FROM attempts ORDER BY ts, id")
        ]
        completions = [
            learning.Completion(i, lr, m, float(s), bool(ms), md, float(t))
            for i, lr, m, s, ms, md, t in conn.execute(
                "SELECT id, learner, module, score, mastered, mode, ts FROM completions ORDER BY ts, id")
        ]
        touched = set(conn.execute("SELECT DISTINCT learner, module FROM choices"))
    except sqlite3.Error as exc:
        return _unreadable(where, f"cannot be read ({exc})")
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
    attempts: list[learning.Attempt] = []
    completions: list[learning.Completion] = []
    touched: set[tuple[str, str]] = set()
    stores: list[str] = []
    problems: list[str] = []
    unreadable: list[str] = []
    for part in parts:
        attempts += part.attempts
        completions += part.completions
        touched |= part.touched
        stores += part.stores
        problems += part.problems
        unreadable += part.unreadable
    attempts.sort(key=lambda a: (a.ts, a.learner, a.id))
    completions.sort(key=lambda c: (c.ts, c.learner, c.id))
    return ClassRecords(tuple(attempts), tuple(completions), frozenset(touched), tuple(stores), tuple(problems),
                        tuple(unreadable))


def load_class(spec: str | None = None) -> ClassRecords:
    """Every record of the class (see :func:`store_paths` for which stores are read)."""
    return merge(read_store(s) for s in store_paths(spec))


def only_learner(records: ClassRecords, learner: str) -> ClassRecords:
    """The records of one learner (e.g. for a learner's own export)."""
    return ClassRecords(
        tuple(a for a in records.attempts if a.learner == learner),
        tuple(c for c in records.completions if c.learner == learner),
        frozenset(t for t in records.touched if t[0] == learner),
        records.stores, records.problems, records.unreadable,
    )


