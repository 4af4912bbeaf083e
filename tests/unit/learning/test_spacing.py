"""katlearn.learning spaced review: FSRS schedules, due counts over simulated days, the store's
review table (and its migration from a store made by the previous katlearn)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn import content, learning

DAY_S = 86_400.0
T0 = 1_780_000_000.0  # 2026-05-28, a fixed "now" so schedules are reproducible
SCHEMA1 = Path(__file__).parent / "data" / "store_schema1.sqlite"


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch) -> Path:
    db = tmp_path / "progress.sqlite"
    monkeypatch.setenv("KATLEARN_DB", str(db))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    learning.close()
    yield db
    learning.close()


@pytest.fixture(scope="module")
def index():
    return learning.question_index()


def test_ratings_follow_correctness_and_confidence():
    assert learning.rating(False) == learning.rating(False, "sure") == fsrs.Rating.Again
    assert learning.rating(True) == fsrs.Rating.Good
    assert [learning.rating(True, c) for c in learning.CONFIDENCES] == [
        fsrs.Rating.Hard, fsrs.Rating.Good, fsrs.Rating.Easy]
    with pytest.raises(ValueError, match="confidence"):
        learning.rating(True, "very")


def test_index_holds_every_module_question_with_its_section(index):
    meta = content.module("02_nmda_glutamate")
    bank = content.load_bank(meta.quiz)
    for q in bank.questions:
        where = index[q.id]
        assert where.module == meta.slug and where.question == q
        assert where.href.startswith("02_nmda_glutamate.ipynb")
    sections = {o.section for o in meta.objectives}
    assert {index[q.id].section for q in bank.questions} <= sections


def review(qid, correct, confidence, ts, index):
    where = index[qid]
    learning.record_review("ana", where.module, qid, None, correct, float(correct), confidence, ts=ts)


def test_a_wrong_answer_comes_back_before_a_confident_right_one(index):
    a, b, c = list(index)[:3]
    for qid in (a, b, c):  # met in the module quiz, all right
        learning.record_attempt("ana", index[qid].module, qid, 0, True, 1.0, ts=T0)
    review(a, False, "sure", T0 + 3 * DAY_S, index)
    review(b, True, "sure", T0 + 3 * DAY_S, index)
    review(c, True, "guess", T0 + 3 * DAY_S, index)
    due = {i.question_id: i.due for i in learning.review_items("ana", index)}
    assert due[a] < due[c] < due[b]
    assert due[a] - (T0 + 3 * DAY_S) == pytest.approx(DAY_S)  # wrong: tomorrow


@settings(max_examples=60, deadline=None)
@given(history=st.lists(st.tuples(st.booleans(), st.sampled_from(learning.CONFIDENCES)), max_size=6),
       gap_days=st.integers(1, 60))
def test_after_any_history_wrong_is_due_no_later_than_right_and_sure_no_sooner_than_guess(history, gap_days):
    """Two copies of one history; the last answer differs: a wrong answer is never scheduled later
    than a right one, and a sure right answer never sooner than a guessed one."""
    events = [learning.Event("q", T0 + i * gap_days * DAY_S, learning.rating(ok, conf))
              for i, (ok, conf) in enumerate(history)]
    last = T0 + len(history) * gap_days * DAY_S
    due = {}
    for name, ok, conf in [("wrong", False, "sure"), ("guess", True, "guess"), ("unsure", True, "unsure"),
                           ("sure", True, "sure")]:
        card = learning.replay([*events, learning.Event("q", last, learning.rating(ok, conf))])["q"]
        due[name] = card.due.timestamp()
        assert due[name] >= last + DAY_S - 1  # whole days, never the same day
    assert due["wrong"] <= due["guess"] <= due["unsure"] <= due["sure"]
    if all(ok for ok, _conf in history):  # (after repeated lapses FSRS may give both one day)
        assert due["wrong"] < due["sure"]


def test_due_counts_over_simulated_days(index):
    """Ten questions met on day 0, reviewed each day when due: how many are due each day follows
    the schedule, and every question answered right drifts further out."""
    qids = list(index)[:10]
    for qid in qids:
        learning.record_attempt("ana", index[qid].module, qid, 0, True, 1.0, ts=T0)
    assert len(learning.due_today(learning.review_items("ana", index), T0)) == 0  # nothing due the same day
    counts = []
    for day in range(1, 31):
        now = T0 + day * DAY_S
        due = learning.due_today(learning.review_items("ana", index), now)
        counts.append(len(due))
        for n, item in enumerate(due):  # the first question always forgotten, the rest sure
            ok = item.question_id != qids[0]
            review(item.question_id, ok, "sure", now + n, index)
    items = {i.question_id: i for i in learning.review_items("ana", index)}
    assert items[qids[0]].reviews >= 29  # forgotten each day: back every day
    assert all(items[q].reviews <= 4 for q in qids[1:])  # known ones came back rarely
    assert all(items[q].due > T0 + 40 * DAY_S for q in qids[1:])
    assert counts[1] == 10  # Good on day 0 -> due on day 2 (FSRS's first interval for Good)
    assert sum(counts) == sum(i.reviews for i in items.values())


def test_today_and_next_due(index):
    qids = list(index)[:3]
    learning.record_attempt("ana", index[qids[0]].module, qids[0], 0, False, 0.0, ts=T0)
    learning.record_attempt("ana", index[qids[1]].module, qids[1], 0, True, 1.0, ts=T0)
    learning.record_attempt("ana", index[qids[2]].module, qids[2], 0, True, 1.0, ts=T0)
    items = learning.review_items("ana", index)
    now = T0 + DAY_S
    assert [i.question_id for i in learning.due_today(items, now)] == [qids[0]]
    when, count = learning.next_due(items, now)
    assert count == 2 and when == pytest.approx(T0 + 2 * DAY_S)
    assert learning.next_due([], now) is None


def test_questions_left_out_of_the_course_are_not_reviewed(index):
    learning.record_attempt("ana", "gone", "no.such-question", 0, True, 1.0, ts=T0)
    assert learning.review_items("ana", index) == []


def test_reviews_do_not_change_mastery_or_saved_quiz_answers(index):
    qid = next(iter(index))
    where = index[qid]
    learning.record_attempt("ana", where.module, qid, 0, True, 1.0, ts=T0)
    learning.record_completion("ana", where.module, 0.9, True, ts=T0)
    before = (learning.module_status("ana"), learning.latest_answers("ana", where.module),
              learning.learner_standing("ana"))
    result = learning.answer_review("ana", where, "not an answer of any kind", "sure", ts=T0 + DAY_S)
    assert learning.review_answers("ana") == [] or result.graded
    learning.record_review("ana", where.module, qid, 1, False, 0.0, "sure", ts=T0 + DAY_S)
    after = (learning.module_status("ana"), learning.latest_answers("ana", where.module),
             learning.learner_standing("ana"))
    assert after == before
    assert len(learning.review_answers("ana")) >= 1


def test_answer_review_grades_and_saves_with_confidence(index):
    where = next(w for w in index.values() if w.question.type == "true_false")
    right = where.question.answer
    result = learning.answer_review("ana", where, right, "unsure", ts=T0)
    assert result.correct
    saved = learning.review_answers("ana")
    assert [(r.question_id, r.correct, r.confidence, r.answer) for r in saved] == [
        (where.question.id, True, "unsure", right)]
    with pytest.raises(ValueError, match="confidence"):
        learning.answer_review("ana", where, right, "maybe")
    with pytest.raises(ValueError, match="confidence"):
        learning.record_review("ana", where.module, where.question.id, right, True, 1.0, "maybe")


# -- the store's migration from schema 1 (a store made by the katlearn before spaced review) ----------


def test_a_store_made_by_the_previous_katlearn_keeps_every_row_and_gains_reviews(store, index):
    """``store_schema1.sqlite`` was written by katlearn at commit dfb5bb4 (schema 1)."""
    with sqlite3.connect(SCHEMA1) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        before = {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
                  for t in ("attempts", "completions", "settings", "choices")}
    shutil.copy(SCHEMA1, store)
    who = "Zoë Ångström-李"
    assert learning.current_learner() == who  # opening migrates
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(learning.MIGRATIONS) == 2
        after = {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in before}
    assert after == before
    assert learning.module_status(who, ["02_nmda_glutamate"]) == {"02_nmda_glutamate": "mastered"}
    items = {i.question_id: i for i in learning.review_items(who, index)}
    # the three questions met before the upgrade (module quiz and final assessment) are scheduled
    assert set(items) == {"m02.synapse-order", "m02.receptor-roles", "m02.opening-needs"}
    assert items["m02.opening-needs"].due < items["m02.receptor-roles"].due  # wrong in the exam
    learning.record_review(who, "02_nmda_glutamate", "m02.opening-needs", [0], True, 1.0, "sure")
    assert len(learning.review_answers(who)) == 1


def test_the_migration_is_one_transaction_a_failure_leaves_schema_1(store, monkeypatch):
    shutil.copy(SCHEMA1, store)
    from katlearn.learning import _schema

    original = _schema.MIGRATIONS
    broken = (*_schema.MIGRATIONS[:1], _schema.MIGRATIONS[1] + ";\nCREATE TABLE attempts (x)")
    monkeypatch.setattr(_schema, "MIGRATIONS", broken)
    with pytest.raises(learning.ProgressError, match="already exists"):
        learning.attempts("ben")
    learning.close()
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "reviews" not in tables and conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 5
    monkeypatch.setattr(_schema, "MIGRATIONS", original)
    learning.close()
    assert len(learning.attempts("ben")) == 1  # the real migration then succeeds


def test_writers_at_once_on_a_schema_1_store_migrate_it_once_and_lose_nothing(store):
    """Four processes open the old store together: two save quiz answers, two review answers."""
    import multiprocessing

    from tests.unit.learning.store_worker import write_attempts, write_reviews

    shutil.copy(SCHEMA1, store)
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    n = 50
    procs = [ctx.Process(target=write_attempts, args=(i, start, n)) for i in range(2)]
    procs += [ctx.Process(target=write_reviews, args=(i, start, n)) for i in range(2)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * 4
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert conn.execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == 5 + 2 * n
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 2 * n
    assert [len(learning.review_answers(f"reviewer{i}")) for i in range(2)] == [n, n]


REVIEW_WRITER = """
from katlearn import learning

n = 0
while True:
    learning.record_review("crash", "m1", f"q{n % 7}", [n], n % 2 == 0, float(n % 2 == 0), "sure")
    n += 1
    print(n, flush=True)
"""


def test_a_review_writer_killed_mid_run_leaves_every_committed_review(store):
    import os
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", REVIEW_WRITER], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "KATLEARN_DB": str(store)})
    last, deadline = 0, time.monotonic() + 60
    try:
        while last < 200 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            last = int(line)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        proc.stdout.close()
    assert last >= 200, "the writer did not get going"
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert len(learning.review_answers("crash")) >= last


def test_a_corrupt_store_with_reviews_is_kept_aside_and_reviewing_goes_on(store):
    learning.record_review("ana", "m1", "q1", 0, True, 1.0, "sure")
    learning.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    garbage = b"not a database" * 500
    store.write_bytes(garbage)
    with pytest.warns(RuntimeWarning, match="could not be read"):
        assert learning.review_answers("ana") == []
    learning.record_review("ana", "m1", "q1", 0, True, 1.0, "sure")
    assert len(learning.review_answers("ana")) == 1
    kept = list(store.parent.glob("progress.sqlite.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
