"""katlearn.learning: the store keeps every committed row, under concurrency, crashes and corruption."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from katlearn import learning
from tests.unit.learning.store_worker import ATTEMPTS_PER_WRITER, write_attempts


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch) -> Path:
    db = tmp_path / "store" / "progress.sqlite"
    monkeypatch.setenv("KATLEARN_DB", str(db))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    learning.close()
    yield db
    learning.close()


def count_rows(db: Path, table: str = "attempts") -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# -- schema and basics -----------------------------------------------------------------------------


def test_store_is_created_lazily_in_wal_mode_with_the_current_schema(store):
    assert not store.exists()
    conn = learning.connection()
    assert store.exists()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(learning.MIGRATIONS)
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == learning.BUSY_TIMEOUT_MS
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"attempts", "completions", "settings", "choices"} <= tables


def test_default_location_is_in_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("KATLEARN_DB")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert learning.db_path() == tmp_path / ".katlearn" / "progress.sqlite"


def test_a_store_from_a_newer_katlearn_is_refused_not_touched(store):
    store.parent.mkdir(parents=True)
    with sqlite3.connect(store) as conn:
        conn.execute(f"PRAGMA user_version = {len(learning.MIGRATIONS) + 5}")
    with pytest.raises(learning.ProgressError, match="newer katlearn"):
        learning.connection()
    assert store.exists()


def test_attempts_round_trip_and_latest_answers():
    learning.record_attempt("ana", "m1", "q1", 2, False, 0.0, ts=1.0)
    learning.record_attempt("ana", "m1", "q1", 0, True, 1.0, ts=2.0)
    learning.record_attempt("ana", "m1", "q2", {1, 0}, False, 0.5, ts=3.0)
    learning.record_attempt("ana", "m1", "q2", [0, 1], True, 1.0, mode="exam", ts=4.0)
    learning.record_attempt("ana", "m2", "q9", "0,5", True, 1.0)
    learning.record_attempt("ben", "m1", "q1", 1, False, 0.0)
    rows = learning.attempts("ana", "m1")
    assert [(a.question_id, a.answer, a.correct, a.mode) for a in rows] == [
        ("q1", 2, False, "practice"), ("q1", 0, True, "practice"), ("q2", [0, 1], False, "practice"),
        ("q2", [0, 1], True, "exam"),
    ]
    assert len(learning.attempts("ana")) == 5
    latest = learning.latest_answers("ana", "m1")
    assert latest["q1"].answer == 0 and latest["q2"].mode == "exam"
    assert learning.latest_answers("ana", "m1", mode="practice")["q2"].score == 0.5


def test_invalid_scores_and_modes_are_refused():
    with pytest.raises(ValueError, match="0..1"):
        learning.record_attempt("ana", "m", "q", 1, True, 1.5)
    with pytest.raises(ValueError, match="mode"):
        learning.record_attempt("ana", "m", "q", 1, True, 1.0, mode="quiz")


def test_module_status():
    learning.record_attempt("ana", "m1", "q1", 0, True, 1.0)
    learning.record_completion("ana", "m2", 0.6, False)
    learning.record_completion("ana", "m3", 0.6, False)
    learning.record_completion("ana", "m3", 0.9, True)
    learning.record_choice("ana", "m4", "step1", "b")
    status = learning.module_status("ana", ["m0", "m1", "m2", "m3", "m4"])
    assert status == {"m0": "not started", "m1": "in progress", "m2": "in progress", "m3": "mastered",
                      "m4": "in progress"}
    assert learning.module_status("ana") == {k: v for k, v in status.items() if k != "m0"}
    assert learning.module_status("nobody", ["m1"]) == {"m1": "not started"}
    assert [c.score for c in learning.completions("ana", "m3")] == [0.6, 0.9]


def test_choices_and_settings():
    learning.record_choice("ana", "m5", "intake", {"option": "a"}, ts=1)
    learning.record_choice("ana", "m5", "intake", {"option": "c"}, ts=2)
    learning.record_choice("ana", "m5", "session", ["x", "y"], ts=3)
    assert [c.value for c in learning.choices("ana", "m5", "intake")] == [{"option": "a"}, {"option": "c"}]
    assert learning.latest_choices("ana", "m5") == {"intake": {"option": "c"}, "session": ["x", "y"]}
    assert learning.choices("ben") == []
    learning.set_setting("ana", "font", "large")
    learning.set_setting("ana", "font", "huge")
    assert learning.get_setting("ana", "font") == "huge"
    assert learning.get_setting("ana", "missing", 3) == 3


# -- learner identity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Ana", "Ana"), ("  Ana   María  ", "Ana María"), ("O'Neil-Smith", "O'Neil-Smith"), ("李小龙", "李小龙"),
     ("Zoë", "Zoë"), ("student_42", "student_42"), ("Dr. K", "Dr. K")],
)
def test_names_are_normalised(typed, stored):
    assert learning.normalise_name(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [("", "Type a name"), ("   ", "Type a name"), ("x" * 41, "40 characters"),
     ("<script>alert(1)</script>", "letters, digits"), ("ana\x00", "letters, digits"), ("a/b", "letters, digits"),
     ("...", "at least one letter")],
)
def test_bad_names_are_refused_with_a_reason(typed, message):
    with pytest.raises(ValueError, match=message):
        learning.normalise_name(typed)


def test_current_learner_prefers_hub_then_local_name_then_guest(monkeypatch):
    assert learning.current_learner() == "guest"
    assert learning.set_local_name("  Sam  ") == "Sam"
    assert learning.current_learner() == "Sam"
    assert learning.get_setting("Sam", "display_name") == "Sam"
    monkeypatch.setenv("JUPYTERHUB_USER", "hubuser")
    assert learning.current_learner() == "hubuser"
    monkeypatch.delenv("JUPYTERHUB_USER")
    learning.forget_local_name()
    assert learning.current_learner() == "guest"


# -- concurrency, crashes, corruption ----------------------------------------------------------------

WRITERS = 8


def test_eight_processes_writing_at_once_lose_nothing(store):
    learning.connection()  # create the schema first, as the course would on its first page
    learning.close()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=write_attempts, args=(i, start)) for i in range(WRITERS)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * WRITERS
    assert count_rows(store) == WRITERS * ATTEMPTS_PER_WRITER
    for i in range(WRITERS):
        assert len(learning.attempts(f"learner{i}", "m1")) == ATTEMPTS_PER_WRITER


def test_concurrent_first_use_creates_the_schema_once(store):
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=write_attempts, args=(i, start, 10)) for i in range(4)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 4
    assert count_rows(store) == 4 * 10
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(learning.MIGRATIONS)


WRITER_SCRIPT = """
from katlearn import learning

n = 0
while True:
    learning.record_attempt("crash", "m1", f"q{n % 7}", [n, "x"], True, 1.0)
    n += 1
    print(n, flush=True)
"""


def test_a_writer_killed_mid_run_leaves_every_committed_row(store):
    proc = subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "KATLEARN_DB": str(store)})
    last = 0
    deadline = time.monotonic() + 60
    try:
        while last < 300 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            last = int(line)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert last >= 300, "the writer did not get going"
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    assert rows >= last
    assert len(learning.attempts("crash")) == rows  # and the store keeps working


def test_a_corrupt_store_is_moved_aside_reported_once_and_replaced(store):
    learning.record_attempt("ana", "m1", "q1", 0, True, 1.0)
    learning.close()
    garbage = b"\x00this is not a database\xff" * 200
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(garbage)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert learning.attempts("ana") == []  # a fresh, empty store
        learning.record_attempt("ana", "m1", "q1", 1, False, 0.0)
        assert len(learning.attempts("ana")) == 1
        learning.close()
        assert len(learning.attempts("ana")) == 1  # reopening a good store says nothing
    reports = [w for w in caught if "could not be read" in str(w.message)]
    assert len(reports) == 1 and issubclass(reports[0].category, RuntimeWarning)

    kept = sorted(store.parent.glob("progress.sqlite.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage  # never deleted
    assert kept[0].name in str(reports[0].message)


def test_damaged_pages_are_detected_too(store):
    conn = learning.connection()
    with conn:  # one transaction: enough rows for several pages, quickly
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO attempts (learner, module, question_id, answer, correct, score, mode, ts) "
            "VALUES ('ana', 'm1', ?, ?, 1, 1.0, 'practice', 0)", [(f"q{i}", '"' + "x" * 200 + '"') for i in range(300)])
    assert len(learning.attempts("ana")) == 300
    learning.close()
    data = bytearray(store.read_bytes())
    assert len(data) > 8192
    data[4096:8192] = b"\xde\xad\xbe\xef" * 1024  # scribble over the second page, keep the header
    store.write_bytes(bytes(data))
    with pytest.warns(RuntimeWarning, match="could not be read"):
        assert learning.attempts("ana") == []
    assert len(list(store.parent.glob("progress.sqlite.corrupt-*"))) == 1


def test_a_store_that_cannot_be_opened_is_one_progress_error_naming_it(tmp_path, monkeypatch):
    """Views handle one exception: SQLite's and the file system's failures arrive as ProgressError."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be")
    monkeypatch.setenv("KATLEARN_DB", str(blocked / "progress.sqlite"))
    learning.close()
    try:
        with pytest.raises(learning.ProgressError, match="not-a-folder/progress.sqlite") as info:
            learning.record_attempt("sam", "m1", "q1", 0, True, 1.0)
        assert isinstance(info.value.__cause__, OSError)
        assert learning.current_learner() == learning.GUEST  # the page still works, as a guest
    finally:
        learning.close()
