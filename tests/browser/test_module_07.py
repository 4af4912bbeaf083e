"""Module 07 (The future, and where to learn more): glossary, quiz, and the final assessment end to end."""

import csv
import io
import uuid

import pytest

from katlearn import content, learning
from katlearn.widgets.quiz import css_id
from tests.browser.quiz_driver import answer

SLUG = "07_future_resources"
NOTEBOOK = f"{SLUG}.ipynb"


def test_page_renders_with_header_glossary_anchor_and_assessment(course):
    page = course.open(NOTEBOOK, ready=".kl-glossary-search")
    course.screenshot("module-07")
    meta = content.module(SLUG)
    assert meta.title in page.locator("h1").first.inner_text()
    assert page.locator(".kl-chrome .kl-prev").count() == 1
    heading = page.locator("h2[id='Glossary']")
    assert heading.count() == 1 and heading.inner_text().strip().startswith("Glossary")
    assert page.locator(".kl-chrome .kl-glossary-link").get_attribute("href") == f"{NOTEBOOK}#Glossary"
    terms = content.load_glossary().terms
    assert page.locator(".kl-glossary-entry").count() == len(terms)
    assert page.locator(".kl-assessment .kl-quiz.kl-mode-exam .kl-question").count() == \
        len(learning.final_bank().questions)
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    dupes = {i for i in ids if ids.count(i) > 1}
    assert not dupes, f"duplicate ids on the page: {sorted(dupes)[:10]}"


def test_glossary_filters_as_the_learner_types(course):
    page = course.open(NOTEBOOK, ready=".kl-glossary-search")
    box = page.locator(".kl-glossary-search input")
    box.fill("nmda")
    page.wait_for_function("() => document.querySelector('.kl-glossary-count').innerText.includes('nmda')")
    assert page.locator(".kl-glossary [id='term-nmda_receptor']").count() == 1
    assert page.locator(".kl-glossary [id='term-half_life']").count() == 0
    shown = page.locator(".kl-glossary-entry").count()
    assert 0 < shown < len(content.load_glossary().terms)
    assert f"Showing {shown} of" in page.locator(".kl-glossary-count").inner_text()
    course.check()


@pytest.fixture
def new_learner():
    """A learner with no history: other tests in this run answer module quizzes (some wrongly, on
    purpose) in the same store, and the per-objective summary counts every latest answer."""
    name = learning.set_local_name(f"final tester {uuid.uuid4().hex[:8]}")
    yield name
    learning.forget_local_name()


def test_final_assessment_completed_in_the_page_is_recorded(course, new_learner):
    page = course.open(NOTEBOOK, ready=".kl-assessment .kl-submit-all")
    learner = learning.current_learner()
    assert learner == new_learner
    done_before = len(learning.completions(learner, learning.FINAL_KEY))
    attempts_before = len(learning.attempts(learner, learning.FINAL_KEY))
    bank = learning.final_bank()
    exam = page.locator(".kl-assessment .kl-quiz")
    for q in bank.questions:
        answer(exam.locator(f".{css_id(q.id)}"), q)
    exam.locator(".kl-submit-all").click()
    summary = exam.locator(".kl-summary", has_text="Your score")
    summary.wait_for()
    assert "Your score: 100%" in summary.inner_text()
    assert exam.locator(".kl-feedback.kl-correct").count() == len(bank.questions)

    completions = learning.completions(learner, learning.FINAL_KEY)
    assert len(completions) == done_before + 1
    assert completions[-1].mode == "exam" and completions[-1].mastered and completions[-1].score == 1.0
    assert len(learning.attempts(learner, learning.FINAL_KEY)) == attempts_before + len(bank.questions)

    completion = page.locator(".kl-completion")
    completion.get_by_text("Your latest final assessment: 100%").wait_for()
    course.screenshot("final-assessment-done")
    with page.expect_download() as info:
        completion.locator(".kl-download-csv").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    met = {r["objective_id"] for r in rows if r["status"] == learning.MET}
    assert {q.objective for q in bank.questions} <= met
    assert all(r["learner"] == learner for r in rows)
    course.check()


def test_a_quiz_question_answered_in_the_page_shows_feedback(course):
    page = course.open(NOTEBOOK, ready=".kl-quiz")
    question = page.locator(".kl-q-m07-hnk-settled")
    question.get_by_label("False", exact=True).check()
    question.locator(".kl-check").click()
    feedback = question.locator(".kl-feedback.kl-correct")
    feedback.wait_for()
    assert "open question" in feedback.inner_text()
    course.check()
