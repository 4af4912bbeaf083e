"""The final assessment (an exam composed from every module's bank) and the completion summary."""

from __future__ import annotations

import base64
import csv
import io
import re
import uuid

import pytest

from katlearn import content, learning
from katlearn.content import Bank
from katlearn.widgets import assessment as wa


def make_bank(objectives: list[str]) -> Bank:
    qs = [{"id": f"t.q{i}", "type": "true_false", "objective": o, "difficulty": "easy", "prompt": f"Q{i}",
           "answer": True, "explanation": "E.", "references": ["zarate2006"]} for i, o in enumerate(objectives)]
    return Bank.model_validate({"module": "t", "questions": qs})


def test_selection_takes_objectives_in_turn_and_keeps_bank_order():
    bank = make_bank(["a", "a", "a", "b", "c"])
    two = wa.select_questions(bank, 2)
    assert {q.objective for q in two} == {"a", "b"}
    three = wa.select_questions(bank, 3)
    assert {q.objective for q in three} == {"a", "b", "c"}
    order = [q.id for q in bank.questions]
    assert [q.id for q in three] == sorted((q.id for q in three), key=order.index)
    assert wa.select_questions(bank, 3) == three  # stable
    assert len(wa.select_questions(bank, 99)) == 5


def test_final_bank_draws_from_every_other_module_in_course_order():
    banks = content.load_banks()
    final = wa.final_bank(banks=banks)
    assert final.module == wa.FINAL_KEY
    owner = {q.id: m for m, b in banks.items() for q in b.questions}
    modules = [owner[q.id] for q in final.questions]
    expected = [m.quiz for m in content.modules() if m.order > 0 and m.quiz and m.slug != wa.HOST_SLUG
                and m.quiz in banks]
    assert list(dict.fromkeys(modules)) == expected
    assert wa.HOST_SLUG not in modules
    for m in expected:
        assert modules.count(m) == min(wa.PER_MODULE, len(banks[m].questions))


def attempt(qid: str, score: float, ts: float, module: str = "x") -> learning.Attempt:
    return learning.Attempt(0, "ana", module, qid, None, score == 1.0, score, "practice", ts)


def test_objective_status_uses_the_latest_attempt_per_question():
    meta = content.module("05_treatment_process")
    bank = content.load_bank("05_treatment_process")
    session_qs = [q.id for q in bank.questions if q.objective == "m05.session"]
    attempts = [attempt(session_qs[0], 0.0, 1), attempt(session_qs[0], 1.0, 2, wa.FINAL_KEY)]
    attempts += [attempt(q, 1.0, 3) for q in session_qs[1:]]
    phase_q = next(q.id for q in bank.questions if q.objective == "m05.phases")
    attempts.append(attempt(phase_q, 0.5, 4))
    rows = {r.objective: r for r in wa.objective_statuses(attempts, [meta], {meta.quiz: bank})}
    assert rows["m05.session"].status == wa.MET and rows["m05.session"].score == 1.0
    assert rows["m05.session"].answered == rows["m05.session"].total == len(session_qs)
    assert rows["m05.phases"].status == wa.REVIEW and rows["m05.phases"].answered == 1
    assert rows["m05.integration"].status == wa.NOT_ASSESSED and rows["m05.integration"].score is None
    assert rows["m05.session"].href == "05_treatment_process.ipynb#Ketamine-administration"


def test_csv_and_html_downloads_round_trip():
    meta = content.module("05_treatment_process")
    bank = content.load_bank("05_treatment_process")
    rows = wa.objective_statuses([attempt(bank.questions[0].id, 1.0, 1)], [meta], {meta.quiz: bank})
    text = wa.summary_csv(rows, "Ana, B.")
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == len(meta.objectives) and parsed[0]["learner"] == "Ana, B."
    assert parsed[0]["status"] == wa.MET and parsed[0]["score_percent"] == "100"
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
    assert "kl-mode-exam" in w.quiz._dom_classes
    assert "not submitted the final assessment yet" in w.summary.table.value
    for view in w.quiz.views:
        view.set_answer(learning.canonical_answer(view.question))
    w.quiz.submit_button.click()
    (done,) = learning.completions(learner, wa.FINAL_KEY)
    assert done.mode == "exam" and done.mastered and done.score == 1.0
    assert len(learning.attempts(learner, wa.FINAL_KEY)) == len(w.bank.questions)
    assert "Your latest final assessment: <strong>100%</strong>" in w.summary.table.value
    met = {r.objective for r in w.summary.rows if r.status == wa.MET}
    assert {q.objective for q in w.bank.questions} <= met
    link = re.search(r'class="kl-download-csv" download="([^"]+)" href="data:text/csv;charset=utf-8;base64,([^"]+)"',
                     w.summary.downloads.value)
    assert link and link.group(1) == f"katlearn-summary-{learner}.csv"
    rows = list(csv.DictReader(io.StringIO(base64.b64decode(link.group(2)).decode("utf-8"))))
    assert sum(r["status"] == wa.MET for r in rows) == len(met)


def test_an_incomplete_exam_is_not_submitted(learner):
    w = wa.FinalAssessment(learner=learner)
    w.quiz.submit_button.click()
    assert learning.completions(learner, wa.FINAL_KEY) == []
    assert "Not submitted yet" in w.quiz.summary.value
