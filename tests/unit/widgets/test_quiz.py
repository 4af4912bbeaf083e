"""The quiz widget, driven from Python as its front end drives it: messages carrying answers in
shown positions (``send``), or answers set directly; read the state it sends, its feedback and the
store. What the page draws from that state is checked in headless Chromium (tests/browser)."""

from __future__ import annotations

import json

import pytest

from katlearn import content, learning
from katlearn.widgets import learner as learner_widget
from katlearn.widgets import quiz as quiz_widget
from katlearn.widgets.quiz import Quiz, css_id
from tests.unit.fixtures import BANK, make_course, write


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = make_course(tmp_path / "course")
    monkeypatch.setenv("KATLEARN_ROOT", str(root))
    monkeypatch.setenv("KATLEARN_DB", str(tmp_path / "progress.sqlite"))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    learning.close()
    yield root
    learning.close()


def make(mode="practice", learner="ana") -> Quiz:
    return quiz_widget.quiz("09_demo", mode=mode, learner=learner)


def rows(table="attempts"):
    conn = learning.connection()
    return conn.execute(f"SELECT * FROM {table}").fetchall()


def shown(q: Quiz, qid: str) -> dict:
    """The question as the front end receives it."""
    return next(d for d in q.questions if d["id"] == qid)


def pos(q: Quiz, qid: str, text: str) -> int:
    """Where the front end shows the answer ``text`` of question ``qid``."""
    return shown(q, qid)["choices"].index(text)


def send(q: Quiz, event: str, qid: str | None = None, answers: dict | None = None) -> None:
    """A message as quiz.js sends it (through JSON, as over the websocket)."""
    q._on_front_end(q, json.loads(json.dumps({"event": event, "id": qid, "answers": answers or {}})), [])


def check(q: Quiz, qid: str, shown_answer) -> None:
    send(q, "check", qid, {qid: shown_answer})


CORRECT_SHOWN = {  # the right answer of each demo question, as the learner picks it on the page
    "demo.single": lambda q: pos(q, "demo.single", "Magnesium {Mg2+}"),
    "demo.multiple": lambda q: [pos(q, "demo.multiple", "Glutamate"), pos(q, "demo.multiple", "Glycine or D-serine")],
    "demo.tf": lambda q: 1,  # "False"
    "demo.numeric": lambda q: "0,5 mg/kg",
    "demo.order": lambda q: [pos(q, "demo.order", t) for t in ("Preparation", "Dosing", "Integration", "Follow-up")],
    "demo.match": lambda q: [pos(q, "demo.match", d) for d in ("Binding constant", "Peak concentration", "Time of the peak")],
}


def all_correct(q: Quiz) -> dict:
    return {qid: f(q) for qid, f in CORRECT_SHOWN.items()}


# -- what reaches the front end ------------------------------------------------------------------


def test_one_model_with_every_question_and_stable_classes(course):
    q = make()
    assert q.mode == "practice" and [d["id"] for d in q.questions] == [
        "demo.single", "demo.multiple", "demo.tf", "demo.numeric", "demo.order", "demo.match"]
    assert [d["control"] for d in q.questions] == ["one", "many", "one", "number", "order", "match"]
    single = shown(q, "demo.single")
    assert single["css"] == "kl-q-demo-single" and single["type"] == "single"
    assert "Question 1 of 6" in single["prompt"] and "Choose one answer." in single["prompt"]
    assert shown(q, "demo.tf")["choices"] == ["True", "False"]
    assert shown(q, "demo.numeric")["unit"] == "mg/kg"
    assert shown(q, "demo.match")["terms"] == ["Ki", "Cmax", "Tmax"]
    assert css_id("m02.block/α 1") == "kl-q-m02-block---1"
    assert set(q.state) == {d["id"] for d in q.questions}
    # the widget is the only model: no child widgets, one shared layout
    assert not hasattr(q, "children") and q.layout is make().layout


def test_the_key_never_reaches_the_front_end_before_grading(course):
    q = make()
    sent = json.dumps({k: v for k, v in q.get_state().items() if k != "_esm"}, ensure_ascii=False)
    bank = content.load_bank("09_demo")
    for question in bank.questions:
        assert question.explanation not in sent
        for option in getattr(question, "options", ()):
            assert option.feedback not in sent
    assert "correct" not in sent
    # ordering: items shown shuffled and named by shown position, so the order sent is no hint
    assert shown(q, "demo.order")["choices"] != list(bank.question("demo.order").items)
    assert q.state["demo.order"]["answer"] is None
    check(q, "demo.tf", 1)
    assert "The effect of one infusion fades" in q.state["demo.tf"]["feedback"]  # after grading, yes


def test_options_are_shuffled_per_learner_and_stable(course):
    def order(learner):
        return shown(make(learner=learner), "demo.multiple")["choices"]

    assert order("ana") == order("ana")
    assert sorted(order("ana")) == sorted(o.text for o in content.load_bank("09_demo").question("demo.multiple").options)
    assert len({tuple(order(f"l{i}")) for i in range(12)}) > 1


def test_content_html_is_sanitized_and_math_is_mathml(course):
    evil = BANK.replace("prompt: Put the phases in order.",
                        "prompt: 'Order <script>alert(1)</script><img src=x onerror=alert(2)> them'")
    write(course, "assets/quizzes/09_demo.yaml", evil)
    q = make()
    value = shown(q, "demo.order")["prompt"]
    assert "<script" not in value and "onerror" not in value and "Order" in value
    assert "<math" in shown(q, "demo.single")["prompt"] and "$x_1" not in shown(q, "demo.single")["prompt"]


# -- practice mode ---------------------------------------------------------------------------------


def test_practice_wrong_then_right_with_feedback_explanation_sources_and_rows(course):
    q = make()
    check(q, "demo.single", pos(q, "demo.single", "Sodium"))
    st = q.state["demo.single"]
    assert st["verdict"] == "incorrect" and st["locked"] and st["answer"] == pos(q, "demo.single", "Sodium")
    fb = st["feedback"]
    assert "Not quite" in fb and "No: sodium flows through." in fb
    assert "Mg2+ sits in the pore" in fb  # explanation
    assert ">Jahr and Stevens 1990<" in fb and 'title="Voltage dependence' in fb
    check(q, "demo.single", pos(q, "demo.single", "Chloride"))  # locked: a second check is ignored
    assert len(rows()) == 1

    version = st["v"]
    send(q, "retry", "demo.single")
    st = q.state["demo.single"]
    assert st["feedback"] == "" and st["verdict"] == "" and not st["locked"] and st["v"] > version
    check(q, "demo.single", pos(q, "demo.single", "Magnesium {Mg2+}"))
    assert q.verdict("demo.single") == "correct" and "Yes, magnesium = the plug." in q.feedback("demo.single")

    stored = learning.attempts("ana", "09_demo")
    assert [(a.question_id, a.answer, a.correct, a.mode) for a in stored] == [
        ("demo.single", 1, False, "practice"), ("demo.single", 0, True, "practice")]


def test_a_check_changes_only_that_questions_version(course):
    q = make()
    before = {qid: s["v"] for qid, s in q.state.items()}
    check(q, "demo.tf", 1)
    after = {qid: s["v"] for qid, s in q.state.items()}
    assert [qid for qid in before if before[qid] != after[qid]] == ["demo.tf"]


def test_citation_links_to_doi(course):
    q = make()
    check(q, "demo.tf", 1)
    assert '<a href="https://doi.org/10.1001/archpsyc.63.8.856"' in q.feedback("demo.tf")
    assert ">Zarate et al. 2006</a>" in q.feedback("demo.tf")


@pytest.mark.parametrize("typed", ["", "half a milligram", "0.5 hours"])
def test_bad_numeric_answer_shows_a_friendly_message_and_saves_nothing(course, typed):
    q = make()
    check(q, "demo.numeric", typed)
    st = q.state["demo.numeric"]
    assert st["verdict"] == "error" and not st["locked"] and st["answer"] == typed
    assert "Please check your answer" in st["feedback"] and "mg/kg" in st["feedback"]
    assert "Traceback" not in st["feedback"]
    assert rows() == []


@pytest.mark.parametrize("garbage", [None, "x", [99], {"a": 1}, True, -1, [0, 99], [None]])
def test_nothing_selected_or_garbage_from_the_page_is_a_message_not_an_attempt(course, garbage):
    q = make()
    for qid in ("demo.single", "demo.multiple", "demo.tf", "demo.order", "demo.match"):
        check(q, qid, garbage)
        assert q.verdict(qid) == "error", (qid, garbage)
    assert rows() == []


def test_ordering_answer_in_shown_positions_is_graded_in_bank_order(course):
    q = make()
    items = list(content.load_bank("09_demo").question("demo.order").items)
    first_two_swapped = [pos(q, "demo.order", t) for t in (items[1], items[0], *items[2:])]
    check(q, "demo.order", first_two_swapped)
    assert q.answer("demo.order") == [1, 0, 2, 3]
    assert q.verdict("demo.order") == "incorrect" and "2 of 4 items in the right place" in q.feedback("demo.order")
    assert q.state["demo.order"]["answer"] == first_two_swapped


def test_finishing_below_mastery_lists_objectives_to_review_with_links(course):
    q = make()
    answers = all_correct(q)
    answers["demo.tf"] = 0  # True: wrong
    answers["demo.numeric"] = "3"  # wrong
    for qid, a in answers.items():
        check(q, qid, a)
    s = q.summary
    assert "Your score: 67%" in s and "Not mastered yet" in s
    assert '<a href="#In-the-clinic">Describe the clinical picture.</a>' in s
    assert "#The-magnesium-plug" not in s
    (completion,) = learning.completions("ana", "09_demo")
    assert completion.score == pytest.approx(4 / 6) and not completion.mastered
    assert learning.module_status("ana", ["09_demo"]) == {"09_demo": "in progress"}


def test_finishing_with_mastery_records_completion(course):
    q = make()
    for qid, a in all_correct(q).items():
        check(q, qid, a)
        assert q.verdict(qid) == "correct", qid
    assert "Mastered" in q.summary and "100%" in q.summary
    assert learning.module_status("ana", ["09_demo"]) == {"09_demo": "mastered"}
    assert len(rows()) == 6


def test_resume_restores_answers_and_feedback(course):
    q = make()
    check(q, "demo.single", 2)
    check(q, "demo.numeric", "0,5")
    moved = [1, 0, 3, 2]
    check(q, "demo.order", moved)

    again = make()
    assert again.state["demo.single"]["answer"] == 2
    assert again.state["demo.single"]["verdict"] in ("correct", "incorrect") and again.state["demo.single"]["locked"]
    assert again.state["demo.numeric"]["answer"] == "0,5" and again.verdict("demo.numeric") == "correct"
    assert again.state["demo.order"]["answer"] == moved
    assert again.state["demo.multiple"]["feedback"] == "" and again.state["demo.multiple"]["answer"] == []
    assert "Answered 3 of 6" in again.summary
    assert len(rows()) == 3  # restoring records nothing
    assert make(learner="ben").state["demo.single"]["answer"] is None  # other learners start fresh


# -- exam mode -------------------------------------------------------------------------------------


def test_exam_shows_nothing_until_submit_all_then_scores(course):
    q = make(mode="exam")
    assert q.mode == "exam" and "Submit all" in q.summary
    answers = all_correct(q)
    answers["demo.match"] = [answers["demo.match"][1], answers["demo.match"][0], answers["demo.match"][2]]
    check(q, "demo.single", answers["demo.single"])  # no per-question check in an exam
    assert rows() == [] and all(s["feedback"] == "" for s in q.state.values())

    send(q, "submit", None, answers)
    assert "Your score: 89%" in q.summary and "Mastered" in q.summary
    assert q.verdict("demo.match") == "incorrect" and q.verdict("demo.single") == "correct"
    assert all(s["locked"] for s in q.state.values())
    assert all(a.mode == "exam" for a in learning.attempts("ana", "09_demo"))
    assert len(rows()) == 6
    (done,) = learning.completions("ana", "09_demo")
    assert done.mode == "exam" and done.mastered
    assert q.submitted
    send(q, "submit", None, answers)  # submitted already: nothing more is recorded
    assert len(rows()) == 6


def test_exam_with_unreadable_answers_is_not_submitted(course):
    q = make(mode="exam")
    answers = all_correct(q)
    answers["demo.numeric"] = "lots"
    answers["demo.tf"] = None
    send(q, "submit", None, answers)
    assert "Not submitted yet" in q.summary and "questions 3, 4" in q.summary
    assert q.verdict("demo.numeric") == "error" and q.verdict("demo.single") == ""
    assert not q.submitted and rows() == [] and rows("completions") == []


def test_exam_resume_shows_the_submitted_result_and_retake_clears(course):
    q = make(mode="exam")
    calls = []
    q.on_change(lambda: calls.append(q.submitted))
    send(q, "submit", None, all_correct(q))
    assert calls == [True]
    again = make(mode="exam")
    assert again.submitted and "Your score: 100%" in again.summary
    send(again, "retake")
    st = again.state["demo.single"]
    assert st["answer"] is None and not st["locked"] and st["feedback"] == "" and not again.submitted
    assert make(mode="practice").state["demo.single"]["answer"] is None  # modes are kept apart


def test_exam_answers_set_from_python_are_submitted(course):
    q = make(mode="exam")
    for question in content.load_bank("09_demo").questions:
        q.set_answer(question.id, question.correct_answer())
    assert q.state["demo.order"]["answer"] == [shown(q, "demo.order")["choices"].index(t) for t in
                                                ("Preparation", "Dosing", "Integration", "Follow-up")]
    q.submit_all()
    assert "Your score: 100%" in q.summary


# -- robustness --------------------------------------------------------------------------------------


def test_broken_bank_shows_problems_instead_of_a_traceback(course):
    write(course, "assets/quizzes/09_demo.yaml", "questions: [}\n")
    q = make()
    assert q.failed and "could not be loaded" in q.summary and "09_demo.yaml:1" in q.summary
    assert q.questions == [] and q.state == {}
    send(q, "check", "demo.single", {"demo.single": 0})  # nothing to do, nothing breaks


def test_a_store_failure_is_reported_but_feedback_still_shows(course, monkeypatch):
    def boom(*args, **kwargs):
        raise learning.ProgressError("the progress store x.sqlite could not be used: disk I/O error")

    q = make()
    monkeypatch.setattr(learning, "record_attempt", boom)
    check(q, "demo.single", pos(q, "demo.single", "Magnesium {Mg2+}"))
    assert q.verdict("demo.single") == "correct"
    assert "could not be saved" in q.notice


def test_learner_name_is_escaped_in_the_summary(course):
    q = make(learner="<b>x</b>")
    for qid, a in all_correct(q).items():
        check(q, qid, a)
    assert "&lt;b&gt;x&lt;/b&gt;" in q.summary and "<b>x</b>" not in q.summary


def test_quiz_uses_the_current_learner_by_default(course):
    learning.set_local_name("Sam")
    q = quiz_widget.quiz("09_demo")
    assert q.learner == "Sam"


# -- name entry --------------------------------------------------------------------------------------


def classes(w) -> tuple[str, ...]:
    return tuple(w._dom_classes)


def test_name_entry_saves_a_valid_name(course):
    form = learner_widget.name_entry()
    assert "kl-learner" in classes(form) and form.name.description == learner_widget.LABEL
    assert "guest" in form.status.value
    form.name.value = "  Ana  "
    form.save_button.click()
    assert learning.current_learner() == "Ana" and form.name.value == "Ana"
    assert "Learning as <strong>Ana</strong>" in form.status.value
    assert learner_widget.name_entry().name.value == "Ana"


def test_name_entry_rejects_and_escapes_bad_input(course):
    form = learner_widget.name_entry()
    form.name.value = "<img src=x onerror=alert(1)>"
    form.save_button.click()
    assert "Please check the name" in form.status.value
    assert "<img" not in form.status.value and "&lt;" in form.status.value
    assert learning.current_learner() == "guest"


def test_name_entry_is_read_only_on_a_hub(course, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "<hub>")
    form = learner_widget.name_entry()
    assert form.name.disabled and form.name.value == "<hub>"
    assert form.save_button.layout.display == "none"
    assert "&lt;hub&gt;" in form.status.value
