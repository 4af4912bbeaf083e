"""Module 04 (Routes of administration and pharmacokinetics) as a learner meets it."""

from playwright.sync_api import expect

from katlearn import content

NOTEBOOK = "04_routes_pharmacokinetics.ipynb"
EXPLORER = ".kl-pk-explorer"
REVISION = "(r) => Number(document.querySelector('.kl-pk-explorer .kl-plot').dataset.revision) > r"


def drawn(page) -> dict:
    return page.evaluate(
        """() => {
            const plot = document.querySelector('.kl-pk-explorer .kl-plot');
            const area = plot.querySelector('.kl-plot-area');
            const peaks = area.data.filter(t => t.mode === 'markers').map(t => t.y[0]);
            return {revision: Number(plot.dataset.revision || 0), peaks,
                    lines: area.data.filter(t => t.mode === 'lines' && t.showlegend !== false).length,
                    yType: area.layout.yaxis.type};
        }"""
    )


def test_page_renders_with_header_note_figure_and_table(course):
    page = course.open(NOTEBOOK, ready=EXPLORER + " .kl-plot-ready")
    course.screenshot("module-04")
    meta = content.module("04_routes_pharmacokinetics")
    assert meta.title in page.locator("h1").first.inner_text()
    assert page.locator(".kl-chrome .kl-prev").count() == 1
    assert page.get_by_text("Pharmacology education, not dosing guidance.").is_visible()
    assert page.locator(".kl-plot-ready").count() == page.locator(".kl-plot").count() >= 1
    assert drawn(page)["lines"] == 6
    assert page.locator(".kl-pk-table tbody tr").count() == 6
    assert "29%" in page.locator(".kl-pk-table").inner_text()


def test_dose_slider_by_keyboard_redraws_higher_peaks(course):
    page = course.open(NOTEBOOK, ready=EXPLORER + " .kl-plot-ready")
    before = drawn(page)
    handle = page.locator(".kl-pk-dose .slider-container .noUi-handle")
    handle.focus()
    handle.press("End")
    page.wait_for_function(REVISION, arg=before["revision"])
    after = drawn(page)
    assert after["peaks"] != before["peaks"]
    assert all(a > b for a, b in zip(after["peaks"], before["peaks"]))
    expect(page.locator(".kl-pk-readout")).to_contain_text("5.00 mg/kg")

    page.locator(".kl-pk-log input").check()
    page.wait_for_function(REVISION, arg=after["revision"])
    assert drawn(page)["yType"] == "log"
    course.screenshot("pk-high-dose-log")
    course.check()


def test_unticking_routes_and_quiz_feedback(course):
    page = course.open(NOTEBOOK, ready=EXPLORER + " .kl-plot-ready")
    page.wait_for_selector(".kl-quiz")
    before = drawn(page)
    page.locator(".kl-pk-route-iv_bolus input").uncheck()
    page.wait_for_function(REVISION, arg=before["revision"])
    assert drawn(page)["lines"] == 5
    assert page.locator(".kl-pk-table tbody tr").count() == 5

    question = page.locator(".kl-q-m04-oral-first-pass")
    question.locator("label", has_text="False").click()
    question.locator(".kl-check").click()
    feedback = question.locator(".kl-feedback.kl-correct")
    feedback.wait_for()
    assert "norketamine" in feedback.inner_text()
    course.check()
