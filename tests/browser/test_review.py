"""The review page in a browser: a learner who met three questions days ago reviews them with the
keyboard only; the course home shows what is due, and the learner downloads a record of completion
that the server's verify page confirms (and an altered copy that it does not).

The learner's history is written to a store of this module's own server (``KATLEARN_DB``) before
any page loads.
"""

from __future__ import annotations

import os
import time

import pytest

from katlearn import classroom, content, learning
from katlearn.widgets.quiz import css_id
from tests.browser import a11y
from tests.browser.conftest import ARTIFACTS, start_server
from tests.browser.helpers import CoursePage
from tests.plugin import scratch_dir

NAME = "Zoë Ångström-李"
DAY_S = 86_400.0
SECRET = "browser-test-record-secret-5d1e"


@pytest.fixture(scope="module")
def review_server():
    db = scratch_dir() / "review-learner.sqlite"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KATLEARN_DB", str(db))
        learning.close()
        learning.set_local_name(NAME)
        wheres = [w for w in learning.question_index().values() if w.question.type == "true_false"][:3]
        for w in wheres:  # answered right in the module quizzes three days ago: due today
            learning.record_attempt(NAME, w.module, w.question.id, w.question.answer, True, 1.0,
                                    ts=time.time() - 3 * DAY_S)
        module = content.learner_modules()[0].slug  # (the true/false questions above may be the home page's)
        learning.record_completion(NAME, module, 1.0, True, ts=time.time() - 3 * DAY_S)
        learning.close()
        # only the home and review pages are opened here: pre-render just those
        srv = start_server(log_name="review-server.log",
                           env={"KATLEARN_DB": str(db), classroom.SECRET_ENV: SECRET, "KATLEARN_PRERENDER": "0",
                                "KATLEARN_PRERENDER_POOLS": "00_start_here.ipynb=1,review.ipynb=1"})
    yield srv, db, wheres
    srv.stop()
    learning.close()


@pytest.fixture
def learner_page(chromium, review_server, request):
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = ctx.new_page()
    cp = CoursePage(page=page, server=review_server[0], artifacts=ARTIFACTS, test_name=request.node.name)
    yield cp
    ctx.close()


def test_home_shows_questions_due_and_mastery_per_objective(learner_page):
    page = learner_page.open("00_start_here.ipynb", ready=".kl-review-due")
    assert "3 questions due for review today" in page.locator(".kl-review-due").inner_text()
    rows = page.locator(".kl-home-progress .kl-completion-table tr[data-objective]")
    assert rows.count() >= 10 and not rows.first.is_visible()  # folded under its headline
    page.get_by_text("Mastery per learning objective:").click()
    rows.first.wait_for()
    learner_page.screenshot("home-progress")
    assert page.locator(".kl-chrome a.kl-review-link").count() == 1


def test_reviewing_three_questions_with_the_keyboard(learner_page, review_server):
    _srv, db, wheres = review_server
    page = learner_page.open("review.ipynb", ready=".kl-review .kl-question")
    learner_page.screenshot("review-start")
    assert "3 questions due for review today" in page.locator(".kl-review-status").inner_text()
    confidences = ["sure", "guess", "unsure"]
    for n, confidence in enumerate(confidences):
        question = page.locator(".kl-review .kl-question")
        question.wait_for(state="visible")
        assert f"Question {n + 1} of 3" in question.locator(".kl-prompt").inner_text()
        where = page.locator(".kl-review-where a")
        assert where.get_attribute("href").split("#")[0].endswith(".ipynb")
        # keyboard only: focus the answer, choose with the arrow keys, Tab to a confidence button, Enter
        classes = question.get_attribute("class").split()
        shown = next(w for w in wheres if css_id(w.question.id) in classes)
        want = shown.question.answer if n < 2 else not shown.question.answer  # the third one wrong
        # (ipywidgets' radio buttons send a choice on click; an arrow-key move in the group did not
        # reach the kernel here, so each option is focused and chosen with Space)
        question.locator("input[type=radio]").nth(0 if want else 1).focus()
        page.keyboard.press("Space")
        button = page.locator(f".kl-confidence-{confidence}")
        for _ in range(12):
            if button.evaluate("b => b === document.activeElement"):
                break
            page.keyboard.press("Tab")
        assert button.evaluate("b => b === document.activeElement"), "Tab never reached the confidence button"
        page.keyboard.press("Enter")
        page.locator(".kl-review-after").get_by_text("comes back").wait_for()
        learner_page.screenshot(f"review-answered-{n + 1}")
        next_button = page.locator(".kl-review-next")
        next_button.focus()
        page.keyboard.press("Enter")
        if n < 2:
            page.get_by_text(f"Question {n + 2} of 3").wait_for()
    page.locator(".kl-review-status").get_by_text("Nothing is due for review today").wait_for()
    learner_page.screenshot("review-done")
    found = a11y.violations(page)
    assert not found, a11y.describe(found)
    learner_page.check()

    env_db = os.environ.get("KATLEARN_DB")
    os.environ["KATLEARN_DB"] = str(db)
    learning.close()
    try:
        saved = learning.review_answers(NAME)
    finally:
        learning.close()
        if env_db is None:
            os.environ.pop("KATLEARN_DB", None)
        else:
            os.environ["KATLEARN_DB"] = env_db
    assert [r.confidence for r in saved] == confidences
    assert sorted(r.question_id for r in saved) == sorted(w.question.id for w in wheres)
    assert [r.correct for r in saved] == [True, True, False]


def test_downloading_a_record_of_completion_that_the_verify_page_confirms(learner_page, tmp_path):
    page = learner_page.open("00_start_here.ipynb", ready=".kl-record-make")
    make = page.locator(".kl-record-make")
    make.focus()
    page.keyboard.press("Enter")
    page.locator(".kl-record-status").get_by_text("Making your record").wait_for(timeout=10_000)
    pdf_link = page.locator("a.kl-record-pdf")
    pdf_link.wait_for(timeout=60_000)
    code = page.locator(".kl-record-code").inner_text().strip()
    learner_page.screenshot("record-made")
    with page.expect_download() as info:
        pdf_link.click()
    pdf_path = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf_path)
    assert pdf_path.suffix == ".pdf"
    key = classroom.secret(SECRET)
    verdict = classroom.verify_file(pdf_path.read_bytes(), key)
    assert verdict.genuine and verdict.record.learner == NAME

    with page.expect_download() as info:
        page.locator("a.kl-record-html").click()
    html_path = tmp_path / info.value.suggested_filename
    info.value.save_as(html_path)
    assert classroom.verify_file(html_path.read_bytes(), key).genuine
    page.goto(html_path.as_uri())  # the HTML record itself passes axe (headings, table headers, lang)
    assert NAME in page.locator(".learner").inner_text()
    found = a11y.violations(page)
    assert not found, a11y.describe(found)

    verify = learner_page.server.url("katlearn/verify")
    page.goto(verify + "?code=" + code.lower())
    assert "Genuine" in page.locator("#verdict").inner_text() and NAME in page.locator("#verdict").inner_text()
    learner_page.screenshot("verify-genuine")
    page.goto(verify + "?code=KL-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")
    assert "UNKNOWN CODE" in page.locator("#verdict").inner_text()

    altered = tmp_path / "altered.pdf"
    altered.write_bytes(pdf_path.read_bytes().replace(b"/Title", b"/Titlf", 1))
    page.goto(verify)
    page.set_input_files("#record", str(altered))
    page.get_by_role("button", name="Check the file").click()
    page.locator("#verdict").wait_for()
    assert "ALTERED" in page.locator("#verdict").inner_text()
    learner_page.screenshot("verify-altered")
    page.set_input_files("#record", str(pdf_path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_function("document.querySelector('#verdict').innerText.includes('Genuine')")
    found = a11y.violations(page)
    assert not found, a11y.describe(found)
