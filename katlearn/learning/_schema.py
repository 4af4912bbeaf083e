"""The progress store's schema: one migration per version (``PRAGMA user_version``), applied in
one transaction by whichever process opens an older store first, so a store made by an earlier
katlearn keeps every row and gains the new tables. Append migrations, never edit one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class ProgressError(RuntimeError):
    """The store cannot be used: written by a newer katlearn, or SQLite or the file system failed
    (the message names the store and the cause)."""


# Each entry upgrades the schema by one version (PRAGMA user_version). Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        learner TEXT NOT NULL,
        module TEXT NOT NULL,
        question_id TEXT NOT NULL,
        answer TEXT NOT NULL,             -- JSON, in the shape katlearn.learning.grade takes
        correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
        score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
        mode TEXT NOT NULL,               -- 'practice' or 'exam'
        ts REAL NOT NULL                  -- seconds since the Unix epoch, UTC
    );
    CREATE INDEX attempts_by_learner ON attempts (learner, module, question_id, id);
    CREATE TABLE completions (
        id INTEGER PRIMARY KEY,
        learner TEXT NOT NULL,
        module TEXT NOT NULL,
        score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
        mastered INTEGER NOT NULL CHECK (mastered IN (0, 1)),
        mode TEXT NOT NULL,
        ts REAL NOT NULL
    );
    CREATE INDEX completions_by_learner ON completions (learner, module, id);
    CREATE TABLE settings (
        learner TEXT NOT NULL,            -- '' = this computer
        key TEXT NOT NULL,
        value TEXT NOT NULL,              -- JSON
        ts REAL NOT NULL,
        PRIMARY KEY (learner, key)
    );
    CREATE TABLE choices (
        id INTEGER PRIMARY KEY,
        learner TEXT NOT NULL,
        module TEXT NOT NULL,
        key TEXT NOT NULL,                -- e.g. a scenario step id
        value TEXT NOT NULL,              -- JSON
        ts REAL NOT NULL
    );
    CREATE INDEX choices_by_learner ON choices (learner, module, key, id);
    """,
    # 2: spaced review and records of completion. Each review answer, with how sure the learner was; the schedule is
    # replayed from these and the quiz attempts (katlearn.learning._spacing), so it needs no
    # other state. Review answers stay out of ``attempts``: they never change module mastery.
    # ``issued_records``: every record of completion issued here, so its code alone can be checked.
    """
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        learner TEXT NOT NULL,
        module TEXT NOT NULL,             -- the module whose bank holds the question
        question_id TEXT NOT NULL,
        answer TEXT NOT NULL,             -- JSON, as in attempts
        correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
        score REAL NOT NULL CHECK (score BETWEEN 0 AND 1),
        confidence TEXT NOT NULL,         -- 'guess', 'unsure' or 'sure'
        ts REAL NOT NULL
    );
    CREATE INDEX reviews_by_learner ON reviews (learner, question_id, id);
    CREATE TABLE issued_records (
        code TEXT PRIMARY KEY,            -- verification code of a record of completion
        learner TEXT NOT NULL,
        data TEXT NOT NULL,               -- JSON: the record's data, as signed
        ts REAL NOT NULL
    )
    """,
)


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the store at ``path`` (open on ``conn``) to the current schema, in one transaction;
    a store from a newer katlearn is refused untouched."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise ProgressError(
            f"{path} was written by a newer katlearn (schema {version}, this one knows "
            f"{len(MIGRATIONS)}); update katlearn or set KATLEARN_DB to another file"
        )
    if version == len(MIGRATIONS):
        return
    conn.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then see it done
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number in range(version, len(MIGRATIONS)):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
