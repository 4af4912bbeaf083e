"""Module 01 (What is ketamine-assisted therapy?) as a learner meets it."""

from katlearn import content

NOTEBOOK = "01_what_is_kat.ipynb"
EXPLORER = ".kl-onset-explorer"


def drawn(page, selector: str) -> dict:
    """Revision and drawn data of the figure inside ``selector``."""
    return page.evaluate(
        """(sel) => {
            const plot = document.querySelector(sel + ' .kl-plot');
            const area = plot.querySelector('.kl-plot-area');
            return {revision: Number(plot.dataset.revision || 0),
                    x: area.data.map(t => Array.from(t.x || []).slice(-1)[0]),
                    title: area.layout.xaxis.title.text,
                    traces: area.data.filter(t => t.mode === 'lines').length};
        }""",
        selector,
    )


def test_page_renders_with_header_title_and_figure(course):
    page = course.open(NOTEBOOK, ready=EXPLORER + " .kl-plot-ready")
    course.screenshot("module-01")
    meta = content.module("01_what_is_kat")
    assert meta.title in page.locator("h1").first.inner_text()
    assert page.locator(".kl-chrome").count() == 1
    assert page.locator(".kl-chrome .kl-next").count() == 1
    assert page.locator(".kl-plot-ready").count() == page.locator(".kl-plot").count() >= 1
    assert page.get_by_text("Fictional composites.").is_visible()
    assert page.locator(".kl-references li").count() >= 10
    # no code is shown to learners
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0


def test_time_range_buttons_redraw_the_onset_figure(course):
    page = course.open(NOTEBOOK, ready=EXPLORER + " .kl-plot-ready")
    before = drawn(page, EXPLORER)
    assert before["traces"] == 3
    page.locator(".kl-onset-range button", has_text="2 days").click()
    page.wait_for_function(
        "(r) => Number(document.querySelector('.kl-onset-explorer .kl-plot').dataset.revision) > r",
        arg=before["revision"])
    after = drawn(page, EXPLORER)
    assert after["x"] != before["x"]
    assert "hours" in after["title"] and "days" in before["title"]

    page.locator(".kl-onset-curve-placebo input").uncheck()
    page.wait_for_function(
        "(r) => Number(document.querySelector('.kl-onset-explorer .kl-plot').dataset.revision) > r",
        arg=after["revision"])
    assert drawn(page, EXPLORER)["traces"] == 2
    course.screenshot("onset-two-days")
    course.check()


def test_prediction_and_quiz_give_feedback(course):
    page = course.open(NOTEBOOK, ready=".kl-quiz")
    predict = page.locator(".kl-predict").first
    predict.locator("label", has_text="Ketamine within about a day").click()
    predict.locator(".kl-predict-check").click()
    feedback = predict.locator(".kl-predict-result [role=status][aria-live=polite] .kl-feedback")
    feedback.wait_for()
    assert "Your prediction matches." in feedback.inner_text()
    assert "Kishimoto et al. 2016" in feedback.inner_text()  # the explanation, shown only after the check
    page.wait_for_function("() => document.activeElement.classList.contains('kl-predict-result')")

    question = page.locator(".kl-q-m01-integration")
    question.locator("label", has_text="Integration").click()
    question.locator(".kl-check").click()
    feedback = question.locator(".kl-feedback.kl-correct")
    feedback.wait_for()
    assert "Integration sessions follow dosing" in feedback.inner_text()
    course.check()
