"""The quiz widget, driven from Python: set values, click buttons, read feedback and the store."""

from __future__ import annotations

import html

import ipywidgets as widgets
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


def classes(w: widgets.DOMWidget) -> tuple[str, ...]:
    return tuple(w._dom_classes)


def answer_all_correctly(q: Quiz) -> None:
    v = q.view
    v("demo.single").radio.value = 0
    v("demo.multiple").boxes[0].value = True
    v("demo.multiple").boxes[1].value = True
    v("demo.tf").radio.value = False
    v("demo.numeric").text.value = "0,5 mg/kg"
    order_view = v("demo.order")
    order_view.order = [0, 1, 2, 3]
    order_view._refresh_rows()
    for i, d in enumerate(v("demo.match").dropdowns):
        d.value = i


def walk(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from walk(child)


# -- structure, classes, accessibility ------------------------------------------------------------


def test_structure_and_stable_css_classes(course):
    q = make()
    assert isinstance(q, widgets.Widget)
    assert {"kl-quiz", "kl-mode-practice"} <= set(classes(q))
    assert len(q.views) == 6
    single = q.view("demo.single")
    assert {"kl-question", "kl-q-demo-single", "kl-type-single"} <= set(classes(single))
    assert "kl-check" in classes(single.check_button) and "kl-feedback" in classes(single.feedback)
    assert "kl-summary" in classes(q.summary)
    assert css_id("m02.block/α 1") == "kl-q-m02-block---1"


def test_every_control_has_a_label_and_buttons_are_real_buttons(course):
    q = make()
    for w in walk(q):
        if isinstance(w, (widgets.RadioButtons, widgets.Checkbox, widgets.Text, widgets.Dropdown)):
            assert w.description.strip(), f"{type(w).__name__} without a label"
        if isinstance(w, widgets.Button):
            assert w.description.strip() and w.tooltip
    moves = [w for w in walk(q.view("demo.order")) if isinstance(w, widgets.Button)]
    assert {"kl-move-up", "kl-move-down"} <= {c for w in moves for c in classes(w)}


def test_options_are_shuffled_per_learner_and_stable(course):
    def shown(learner):
        return list(make(learner=learner).view("demo.multiple").boxes)  # option indices, display order

    assert shown("ana") == shown("ana")
    assert sorted(shown("ana")) == [0, 1, 2, 3]
    assert len({tuple(shown(f"l{i}")) for i in range(12)}) > 1


def test_content_html_is_sanitized(course):
    evil = BANK.replace("prompt: Put the phases in order.",
                        "prompt: 'Order <script>alert(1)</script><img src=x onerror=alert(2)> them'")
    write(course, "assets/quizzes/09_demo.yaml", evil)
    value = make().view("demo.order").prompt.value
    assert "<script" not in value and "onerror" not in value and "Order" in value


# -- practice mode ---------------------------------------------------------------------------------


def test_practice_wrong_then_right_with_feedback_explanation_sources_and_rows(course):
    q = make()
    v = q.view("demo.single")
    v.radio.value = 1  # Sodium: wrong
    v.check_button.click()
    fb = v.feedback
    assert "kl-incorrect" in classes(fb) and "kl-correct" not in classes(fb)
    assert "Not quite" in fb.value and "No: sodium flows through." in fb.value
    assert "Mg2+ sits in the pore" in fb.value  # explanation
    assert 'role="status"' in fb.value and 'aria-live="polite"' in fb.value
    assert ">Jahr and Stevens 1990<" in fb.value and 'title="Voltage dependence' in fb.value
    assert v.radio.disabled and v.check_button.layout.display == "none"

    v.retry_button.click()
    assert fb.value == "" and not v.radio.disabled
    v.radio.value = 0
    v.check_button.click()
    assert "kl-correct" in classes(fb) and "kl-incorrect" not in classes(fb)
    assert "Yes, magnesium = the plug." in fb.value

    stored = learning.attempts("ana", "09_demo")
    assert [(a.question_id, a.answer, a.correct, a.mode) for a in stored] == [
        ("demo.single", 1, False, "practice"), ("demo.single", 0, True, "practice")]


def test_citation_links_to_doi(course):
    q = make()
    v = q.view("demo.tf")
    v.radio.value = False
    v.check_button.click()
    assert '<a href="https://doi.org/10.1001/archpsyc.63.8.856"' in v.feedback.value
    assert ">Zarate et al. 2006</a>" in v.feedback.value


@pytest.mark.parametrize("typed", ["", "half a milligram", "0.5 hours"])
def test_bad_numeric_answer_shows_a_friendly_message_and_saves_nothing(course, typed):
    q = make()
    v = q.view("demo.numeric")
    v.text.value = typed
    v.check_button.click()
    assert "kl-error" in classes(v.feedback)
    assert not {"kl-correct", "kl-incorrect"} & set(classes(v.feedback))
    assert "Please check your answer" in v.feedback.value and "mg/kg" in v.feedback.value
    assert "Traceback" not in v.feedback.value and not v.text.disabled
    assert rows() == []


def test_nothing_selected_is_a_message_not_an_attempt(course):
    q = make()
    for qid in ("demo.single", "demo.multiple", "demo.tf", "demo.match"):
        v = q.view(qid)
        v.check_button.click()
        assert "kl-error" in classes(v.feedback), qid
    assert rows() == []


def test_ordering_buttons_move_items(course):
    q = make()
    v = q.view("demo.order")
    before = list(v.order)
    label, up, down = v.rows[1]
    up.click()
    assert v.order == [before[1], before[0], *before[2:]]
    assert v.rows[0][1].disabled and v.rows[-1][2].disabled  # nothing above the first / below the last
    assert f"1.</span> {html.escape(content.load_bank('09_demo').question('demo.order').items[before[1]])}" \
        in v.rows[0][0].value


def test_finishing_below_mastery_lists_objectives_to_review_with_links(course):
    q = make()
    answer_all_correctly(q)
    q.view("demo.tf").radio.value = True  # wrong
    q.view("demo.numeric").text.value = "3"  # wrong
    for v in q.views:
        v.check_button.click()
    s = q.summary.value
    assert "Your score: 67%" in s and "Not mastered yet" in s
    assert '<a href="#In-the-clinic">Describe the clinical picture.</a>' in s
    assert "#The-magnesium-plug" not in s
    assert "kl-summary" in classes(q.summary)
    (completion,) = learning.completions("ana", "09_demo")
    assert completion.score == pytest.approx(4 / 6) and not completion.mastered
    assert learning.module_status("ana", ["09_demo"]) == {"09_demo": "in progress"}


def test_finishing_with_mastery_records_completion(course):
    q = make()
    answer_all_correctly(q)
    for v in q.views:
        v.check_button.click()
        assert "kl-correct" in classes(v.feedback), v.question.id
    assert "Mastered" in q.summary.value and "100%" in q.summary.value
    assert learning.module_status("ana", ["09_demo"]) == {"09_demo": "mastered"}
    assert len(rows()) == 6


def test_resume_restores_answers_and_feedback(course):
    q = make()
    q.view("demo.single").radio.value = 2
    q.view("demo.single").check_button.click()
    q.view("demo.numeric").text.value = "0,5"
    q.view("demo.numeric").check_button.click()
    order = list(q.view("demo.order").order)
    q.view("demo.order").rows[2][1].click()
    moved = list(q.view("demo.order").order)
    q.view("demo.order").check_button.click()

    again = make()
    assert again.view("demo.single").radio.value == 2
    assert "kl-incorrect" in classes(again.view("demo.single").feedback)
    assert again.view("demo.numeric").text.value == "0,5"
    assert "kl-correct" in classes(again.view("demo.numeric").feedback)
    assert again.view("demo.order").order == moved != order
    assert again.view("demo.multiple").feedback.value == ""  # never answered
    assert "Answered 3 of 6" in again.summary.value
    assert len(rows()) == 3  # restoring records nothing
    assert make(learner="ben").view("demo.single").radio.value is None  # other learners start fresh


# -- exam mode -------------------------------------------------------------------------------------


def test_exam_shows_nothing_until_submit_all_then_scores(course):
    q = make(mode="exam")
    assert "kl-mode-exam" in classes(q)
    assert all(not isinstance(w, widgets.Button) or "kl-check" not in classes(w) for w in walk(q))
    assert "kl-submit-all" in classes(q.submit_button)
    answer_all_correctly(q)
    q.view("demo.match").dropdowns[0].value = 1  # one term wrong
    assert all(v.feedback.value == "" for v in q.views)

    q.submit_button.click()
    assert "Your score: 94%" in q.summary.value and "Mastered" in q.summary.value
    assert "kl-incorrect" in classes(q.view("demo.match").feedback)
    assert all(a.mode == "exam" for a in learning.attempts("ana", "09_demo"))
    assert len(rows()) == 6
    (done,) = learning.completions("ana", "09_demo")
    assert done.mode == "exam" and done.mastered
    assert q.submit_button.layout.display == "none" and q.retake_button.layout.display is None


def test_exam_with_unreadable_answers_is_not_submitted(course):
    q = make(mode="exam")
    answer_all_correctly(q)
    q.view("demo.numeric").text.value = "lots"
    q.view("demo.tf").radio.value = None
    q.submit_button.click()
    assert "Not submitted yet" in q.summary.value and "questions 3, 4" in q.summary.value
    assert "kl-error" in classes(q.view("demo.numeric").feedback)
    assert rows() == [] and rows("completions") == []


def test_exam_resume_shows_the_submitted_result_and_retake_clears(course):
    q = make(mode="exam")
    answer_all_correctly(q)
    q.submit_button.click()
    again = make(mode="exam")
    assert again.submitted and "Your score: 100%" in again.summary.value
    again.retake_button.click()
    assert again.view("demo.single").radio.value is None and not again.view("demo.single").radio.disabled
    assert again.view("demo.single").feedback.value == ""
    assert make(mode="practice").view("demo.single").radio.value is None  # modes are kept apart


# -- robustness --------------------------------------------------------------------------------------


def test_broken_bank_shows_problems_instead_of_a_traceback(course):
    write(course, "assets/quizzes/09_demo.yaml", "questions: [}\n")
    q = make()
    assert "could not be loaded" in q.summary.value and "09_demo.yaml:1" in q.summary.value
    assert q.views == []


def test_a_store_failure_is_reported_but_feedback_still_shows(course, monkeypatch):
    def boom(*args, **kwargs):
        raise learning.ProgressError("the progress store x.sqlite could not be used: disk I/O error")

    q = make()
    monkeypatch.setattr(learning, "record_attempt", boom)
    v = q.view("demo.single")
    v.radio.value = 0
    v.check_button.click()
    assert "kl-correct" in classes(v.feedback)
    assert "could not be saved" in q.notice.value


def test_learner_name_is_escaped_in_the_summary(course):
    q = make(learner="<b>x</b>")
    answer_all_correctly(q)
    for v in q.views:
        v.check_button.click()
    assert "&lt;b&gt;x&lt;/b&gt;" in q.summary.value and "<b>x</b>" not in q.summary.value


def test_quiz_uses_the_current_learner_by_default(course):
    learning.set_local_name("Sam")
    q = quiz_widget.quiz("09_demo")
    assert q.learner == "Sam"


# -- name entry --------------------------------------------------------------------------------------


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
