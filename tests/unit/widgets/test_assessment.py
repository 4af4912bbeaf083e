"""The final assessment (an exam composed from every module's bank) and the completion summary."""

from __future__ import annotations

import base64
import csv
import io
import re
import uuid

import pytest

from katlearn import content, learning
from katlearn.widgets import assessment as wa


def test_csv_and_html_downloads_round_trip():
    meta = content.module("05_treatment_process")
    bank = content.load_bank("05_treatment_process")
    rows = learning.objective_statuses([learning.Attempt(0, "ana", "x", bank.questions[0].id, None, True, 1.0, "practice", 1)], [meta], {meta.quiz: bank})
    text = learning.summary_csv(rows, "Ana, B.")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == len(meta.objectives) and parsed[0]["learner"] == "Ana, B."
    assert parsed[0]["status"] == learning.MET and parsed[0]["score_percent"] == "100"
    url = wa.data_url(text, "text/csv")
    assert url.startswith("data:text/csv;charset=utf-8;base64,")
    assert base64.b64decode(url.split(",", 1)[1]).decode("utf-8") == text
    html = wa.summary_html(rows, "<Ana>", when=0)
    assert html.startswith("<!DOCTYPE html>") and "&lt;Ana&gt;" in html and "<Ana>" not in html
    assert meta.title in html


@pytest.fixture
def learner() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def test_exam_submission_is_recorded_and_updates_the_summary(learner):
    w = wa.FinalAssessment(learner=learner)
    assert "kl-assessment" in w._dom_classes
    assert w.quiz.mode == "exam"
    assert "not submitted the final assessment yet" in w.summary.table.value
    for q in w.bank.questions:
        w.quiz.set_answer(q.id, q.correct_answer())
    w.quiz._on_front_end(w.quiz, {"event": "submit", "answers": {}}, [])  # as the page's "Submit all"
    (done,) = learning.completions(learner, learning.FINAL_KEY)
    assert done.mode == "exam" and done.mastered and done.score == 1.0
    assert len(learning.attempts(learner, learning.FINAL_KEY)) == len(w.bank.questions)
    assert "Your latest final assessment: <strong>100%</strong>" in w.summary.table.value
    met = {r.objective for r in w.summary.rows if r.status == learning.MET}
    assert {q.objective for q in w.bank.questions} <= met
    link = re.search(r'class="kl-download-csv" download="([^"]+)" href="data:text/csv;charset=utf-8;base64,([^"]+)"',
                     w.summary.downloads.value)
    assert link and link.group(1) == f"katlearn-summary-{learner}.csv"
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(link.group(2)).decode("utf-8"))))
    assert sum(r["status"] == learning.MET for r in rows) == len(met)


def test_an_incomplete_exam_is_not_submitted(learner):
    w = wa.FinalAssessment(learner=learner)
    w.quiz.submit_all()
    assert learning.completions(learner, learning.FINAL_KEY) == []
    assert "Not submitted yet" in w.quiz.summary
