"""Module scores for an LMS gradebook and the outbox that sends each once (katlearn/classroom/_lti_outbox.py)."""

from __future__ import annotations

from datetime import datetime

from katlearn import classroom, learning
from katlearn.classroom import _lti_outbox as ob

BOOK = "https://lms.example.org https://lms.example.org/c/7/lineitems"


def _done(i, learner, module, score, mastered, ts, mode="practice"):
    return learning.Completion(i, learner, module, score, mastered, mode, ts)


def test_each_learner_and_module_gets_the_best_score_and_whether_it_was_ever_mastered():
    records = classroom.ClassRecords(completions=(
        _done(1, "alice", "m1", 0.6, False, 100.0),
        _done(2, "alice", "m1", 0.9, True, 200.0),
        _done(3, "alice", "m1", 0.9, True, 300.0),  # the same best later: the timestamp stays 200
        _done(4, "alice", "m1", 0.5, False, 400.0),  # a worse try later does not lower the grade
        _done(5, "bob", "m1", 0.4, False, 150.0),
        _done(6, "bob", "final_assessment", 0.75, False, 500.0, mode="exam"),
    ))
    grades = classroom.module_grades(records)
    assert grades == [
        ob.ModuleGrade("alice", "m1", 0.9, True, 200.0),
        ob.ModuleGrade("bob", "final_assessment", 0.75, False, 500.0),
        ob.ModuleGrade("bob", "m1", 0.4, False, 150.0),
    ]
    assert classroom.module_grades(records, modules=["final_assessment"]) == [grades[1]]


def test_a_score_is_what_ags_asks_for():
    body = classroom.score_body(ob.ModuleGrade("alice", "m1", 0.8333, True, 1_740_000_000.25), "u-42")
    assert body["userId"] == "u-42"
    assert body["scoreGiven"] == 83.33 and body["scoreMaximum"] == 100.0
    assert body["activityProgress"] == "Completed" and body["gradingProgress"] == "FullyGraded"
    assert body["timestamp"] == "2025-02-19T21:20:00.250+00:00"
    assert datetime.fromisoformat(body["timestamp"]).timestamp() == 1_740_000_000.25
    assert body["comment"].startswith("Mastered (best score 83.33%")
    assert "Not yet mastered" in classroom.score_body(ob.ModuleGrade("a", "m", 0.2, False, 1.0), "u")["comment"]


def test_a_grade_is_sent_once_and_again_only_when_it_changes(tmp_path):
    box = classroom.Outbox(tmp_path / "state" / "outbox.sqlite")
    grade = ob.ModuleGrade("alice", "m1", 0.6, False, 100.0)
    assert box.offer(grade, BOOK)
    assert box.offer(grade, BOOK)  # offered again before it was sent: still one row
    [row] = box.due(now_ts=1_000.0)
    box.sent(row, now_ts=1_001.0)
    assert box.due(now_ts=1_002.0) == []
    assert not box.offer(grade, BOOK)  # the LMS has it: nothing to send, however often it is offered
    assert box.due(now_ts=1_003.0) == []
    better = ob.ModuleGrade("alice", "m1", 0.9, True, 200.0)
    assert box.offer(better, BOOK)
    [row] = box.due(now_ts=1_004.0)
    assert (row.score, row.mastered, row.ts, row.state) == (0.9, True, 200.0, ob.WAITING)
    box.sent(row)
    [only] = box.rows()
    assert only.state == ob.SENT and only.score == 0.9
    box.close()
    reopened = classroom.Outbox(tmp_path / "state" / "outbox.sqlite")  # kept across restarts
    assert not reopened.offer(better, BOOK)


def test_a_failed_send_is_retried_later_and_reported(tmp_path):
    box = classroom.Outbox(tmp_path / "outbox.sqlite")
    box.offer(ob.ModuleGrade("bob", "m2", 0.5, False, 100.0), BOOK)
    [row] = box.due(now_ts=1_000.0)
    box.failed(row, "HTTP 500 from https://lms.example.org: oops", now_ts=1_000.0)
    assert box.due(now_ts=1_059.0) == []  # waits a minute
    [row] = box.due(now_ts=1_060.0)
    assert row.state == ob.FAILED and row.tries == 1
    box.failed(row, "HTTP 503", now_ts=1_060.0)
    assert box.due(now_ts=1_060.0 + 119.0) == [] and len(box.due(now_ts=1_060.0 + 120.0)) == 1  # then two
    report = classroom.outbox_report(box.rows())
    assert report["counts"] == {"sent": 0, "waiting": 0, "failed": 1}
    assert report["failed"][0]["learner"] == "bob" and report["failed"][0]["error"] == "HTTP 503"
    assert report["failed"][0]["tries"] == 2
    # the same grade offered again keeps its retry time; the send then succeeds
    assert box.offer(ob.ModuleGrade("bob", "m2", 0.5, False, 100.0), BOOK)
    assert box.due(now_ts=1_061.0) == []
    [row] = box.due(now_ts=10_000.0)
    box.sent(row)
    assert classroom.outbox_report(box.rows())["counts"] == {"sent": 1, "waiting": 0, "failed": 0}


def test_a_send_that_finishes_after_a_newer_grade_arrived_does_not_mark_the_newer_one_sent(tmp_path):
    box = classroom.Outbox(tmp_path / "outbox.sqlite")
    box.offer(ob.ModuleGrade("alice", "m1", 0.6, False, 100.0), BOOK)
    [old] = box.due(now_ts=1.0)
    box.offer(ob.ModuleGrade("alice", "m1", 0.9, True, 200.0), BOOK)
    box.sent(old)
    [row] = box.due(now_ts=2.0)
    assert row.score == 0.9 and row.state == ob.WAITING


def test_retries_double_from_a_minute_up_to_an_hour():
    assert [ob.retry_after_s(n) for n in (1, 2, 3, 7, 20)] == [60.0, 120.0, 240.0, 3600.0, 3600.0]


def test_line_items_are_remembered_per_gradebook_and_module(tmp_path):
    box = classroom.Outbox(tmp_path / "outbox.sqlite")
    assert box.lineitem(BOOK, "m1") is None
    box.remember_lineitem(BOOK, "m1", "https://lms.example.org/c/7/lineitems/3")
    assert box.lineitem(BOOK, "m1") == "https://lms.example.org/c/7/lineitems/3"
    assert box.lineitem("other", "m1") is None
    box.forget_lineitem(BOOK, "m1")  # deleted in the LMS: found or created anew next time
    assert box.lineitem(BOOK, "m1") is None
