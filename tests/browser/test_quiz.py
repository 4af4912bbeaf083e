"""The quiz widget in the page (one widget model, its own front end: katlearn/widgets/quiz.js), as
a learner meets it: every question type answered with the keyboard alone, focus moved to the
feedback and the feedback announced, answers and feedback restored after a reload, a wrong and an
unreadable answer, "Try again", and accessibility at phone width (axe, labels, no sideways scroll).

Module 02's bank has all six question types; each test learns under a new name, so earlier
answers of other tests do not show.
"""

from __future__ import annotations

import uuid

import pytest

from katlearn import content, learning
from katlearn.content import QUESTION_TYPES
from katlearn.widgets.quiz import css_id
from tests.browser import a11y
from tests.browser.quiz_driver import answer

SLUG = "02_nmda_glutamate"
PAGE = f"{SLUG}.ipynb"


@pytest.fixture
def new_learner():
    name = learning.set_local_name(f"quiz tester {uuid.uuid4().hex[:8]}")
    yield name
    learning.forget_local_name()


def active_class(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.className")


def test_every_question_type_by_keyboard_alone_then_restored_after_reload(course, new_learner):
    bank = content.load_bank(SLUG)
    assert {q.type for q in bank.questions} == set(QUESTION_TYPES), "module 02 no longer has every type"
    page = course.open(PAGE, ready=".kl-quiz .kl-question")
    quiz = page.locator(".kl-quiz.kl-mode-practice")
    for q in bank.questions:
        box = quiz.locator(f".{css_id(q.id)}.kl-type-{q.type}")
        box.scroll_into_view_if_needed()
        answer(box, q, keyboard=True)
        check = box.locator("button.kl-check")
        check.focus()
        check.press("Enter")
        feedback = box.locator(".kl-feedback.kl-correct")
        feedback.wait_for(timeout=30_000)
        # focus moves to the feedback, which sits in a polite live region (announced)
        page.wait_for_function("(sel) => document.activeElement === document.querySelector(sel + ' .kl-feedback')",
                               arg=f".kl-quiz .{css_id(q.id)}")
        assert feedback.locator("[role=status][aria-live=polite]").inner_text().startswith("Correct")
        assert "Sources:" in feedback.inner_text()
        assert box.locator("button.kl-retry").is_visible() and not check.is_visible()
    summary = quiz.locator(".kl-summary")
    summary.get_by_text("Mastered").wait_for()
    assert "Your score: 100%" in summary.inner_text()
    done = learning.completions(new_learner, SLUG)
    assert done and done[-1].mastered and done[-1].mode == "practice"
    assert len(learning.attempts(new_learner, SLUG)) == len(bank.questions)
    course.screenshot("quiz-all-correct")
    course.check()

    course.open(PAGE, ready=".kl-quiz .kl-question")
    quiz = page.locator(".kl-quiz")
    for q in bank.questions:
        box = quiz.locator(f".{css_id(q.id)}")
        box.locator(".kl-feedback.kl-correct").wait_for(timeout=30_000)
        assert box.locator("button.kl-retry").is_visible()
    single = next(q for q in bank.questions if q.type == "single")
    right = next(o.text for o in single.options if o.correct)
    assert quiz.locator(f".{css_id(single.id)}").get_by_label(right, exact=True).is_checked()
    numeric = next(q for q in bank.questions if q.type == "numeric")
    assert quiz.locator(f".{css_id(numeric.id)} input[type='text']").input_value() == numeric.correct_answer()
    ordering = next(q for q in bank.questions if q.type == "ordering")
    texts = quiz.locator(f".{css_id(ordering.id)} .kl-order-text").all_inner_texts()
    assert [t.split(". ", 1)[1] for t in texts] == list(ordering.items)
    matching = next(q for q in bank.questions if q.type == "matching")
    selects = quiz.locator(f".{css_id(matching.id)} select")
    assert [selects.nth(i).evaluate("s => s.options[s.selectedIndex].text") for i in range(len(matching.pairs))] \
        == [p.definition for p in matching.pairs]
    assert "Your score: 100%" in quiz.locator(".kl-summary").inner_text()
    assert len(learning.attempts(new_learner, SLUG)) == len(bank.questions)  # restoring records nothing
    course.check()


def test_wrong_and_unreadable_answers_then_try_again(course, new_learner):
    bank = content.load_bank(SLUG)
    page = course.open(PAGE, ready=".kl-quiz .kl-question")
    numeric = next(q for q in bank.questions if q.type == "numeric")
    box = page.locator(f".kl-quiz .{css_id(numeric.id)}")
    field = box.locator("input[type='text']")
    field.fill("lots")
    field.press("Enter")  # Enter in the field checks, as the button does
    error = box.locator(".kl-feedback.kl-error")
    error.wait_for(timeout=30_000)
    assert "Please check your answer" in error.inner_text()
    assert "kl-feedback" in active_class(page) and field.is_editable()
    assert learning.attempts(new_learner, SLUG) == []

    single = next(q for q in bank.questions if q.type == "single")
    wrong = next(o for o in single.options if not o.correct)
    box = page.locator(f".kl-quiz .{css_id(single.id)}")
    box.get_by_label(wrong.text, exact=True).check()
    box.locator("button.kl-check").click()
    feedback = box.locator(".kl-feedback.kl-incorrect")
    feedback.wait_for(timeout=30_000)
    text = feedback.inner_text()
    assert text.startswith("Not quite") and wrong.text in text and "not right" in text
    assert feedback.locator("a[href^='https://']").count() >= 1  # the sources are links
    assert box.get_by_label(wrong.text, exact=True).is_disabled()
    box.locator("button.kl-retry").click()
    page.wait_for_function("(sel) => !document.querySelector(sel + ' .kl-feedback').className.includes('kl-incorrect')",
                           arg=f".kl-quiz .{css_id(single.id)}")
    assert box.get_by_label(wrong.text, exact=True).is_enabled() and box.locator("button.kl-check").is_visible()
    assert page.evaluate("() => document.activeElement.type") == "radio"  # back at the answer
    attempts = learning.attempts(new_learner, SLUG)
    assert [(a.question_id, a.correct) for a in attempts] == [(single.id, False)]
    course.check()


def test_quiz_is_accessible_and_fits_a_phone(chromium, server, new_learner):
    ctx = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.goto(server.page_url(PAGE), timeout=90_000)
        quiz = page.locator(".kl-quiz")
        quiz.locator(".kl-question").first.wait_for(timeout=90_000)
        tf = next(q for q in content.load_bank(SLUG).questions if q.type == "true_false")
        box = quiz.locator(f".{css_id(tf.id)}")
        box.get_by_label("True", exact=True).check()
        box.locator("button.kl-check").click()
        box.locator(".kl-feedback.kl-correct, .kl-feedback.kl-incorrect").wait_for(timeout=30_000)
        found = a11y.violations(page)  # the whole page, with the quiz's feedback showing
        assert not found, a11y.describe(found)
        unlabelled = quiz.evaluate("""q => [...q.querySelectorAll('input, select')]
            .filter(c => !c.labels || c.labels.length === 0 || !c.labels[0].textContent.trim())
            .map(c => c.outerHTML.slice(0, 100))""")
        assert unlabelled == []
        assert quiz.evaluate("q => q.querySelectorAll('fieldset > legend').length") >= 1
        wide = quiz.evaluate("q => [q.scrollWidth, q.clientWidth, window.innerWidth]")
        assert wide[0] <= wide[1] + 1 and wide[1] <= wide[2], wide
    finally:
        ctx.close()
