"""Module 06 (Safety, concerns and controversies) as a learner meets it."""

from katlearn import content, learning
from katlearn.science import clinical

SLUG = "06_safety_controversies"
NOTEBOOK = f"{SLUG}.ipynb"
EVIDENCE = ".kl-evidence"


def drawn(page) -> dict:
    return page.evaluate(
        """() => {
            const plot = document.querySelector('.kl-evidence .kl-plot');
            const area = plot.querySelector('.kl-plot-area');
            const xs = area.data.filter(t => (t.mode || '').includes('markers')).flatMap(t => Array.from(t.x));
            return {revision: Number(plot.dataset.revision || 0), xs: xs.sort((a, b) => a - b),
                    order: Array.from(area.layout.yaxis.categoryarray)};
        }"""
    )


def test_page_renders_with_header_chart_table_and_screening(course):
    page = course.open(NOTEBOOK, ready=EVIDENCE + " .kl-plot-ready")
    course.screenshot("module-06")
    meta = content.module(SLUG)
    assert meta.title in page.locator("h1").first.inner_text()
    assert page.locator(".kl-chrome").count() == 1
    assert page.locator(".kl-plot-ready").count() == page.locator(".kl-plot").count() == 1
    assert drawn(page)["xs"] == [28.0, 52.2, 63.8]
    assert page.locator(".kl-evidence-table tbody tr").count() == len(clinical.TRIALS)
    assert page.locator(".kl-screening-profile").count() == len(content.load_screening("screening_practice").profiles)
    for section in (o.section for o in meta.objectives):
        assert page.locator(f"[id='{section}']").count() == 1, section


def test_time_point_and_sort_redraw_the_chart(course):
    page = course.open(NOTEBOOK, ready=EVIDENCE + " .kl-plot-ready")
    before = drawn(page)
    page.locator(".kl-evidence-time button[data-value='Day%207']").click()
    page.wait_for_function(
        "(r) => Number(document.querySelector('.kl-evidence .kl-plot').dataset.revision) > r", arg=before["revision"])
    after = drawn(page)
    assert after["xs"] == [18.2, 39.8, 45.7] and after["xs"] != before["xs"]

    page.locator(".kl-evidence-sort select").select_option(label="Sample size (largest first)")
    page.wait_for_function(
        "(r) => Number(document.querySelector('.kl-evidence .kl-plot').dataset.revision) > r", arg=after["revision"])
    assert drawn(page)["order"][-1].startswith("Han 2016")
    course.screenshot("evidence-day7-by-size")
    course.check()


def test_screening_profile_checked_in_the_page_is_recorded(course):
    page = course.open(NOTEBOOK, ready=".kl-screening-check")
    learner = learning.current_learner()
    before = len(learning.choices(learner, SLUG, "screening/r52"))
    profile = content.load_screening("screening_practice").profile("r52")
    box = page.locator(".kl-profile-r52")
    for i, finding in enumerate(profile.findings):
        box.locator(".kl-screening-category select").nth(i).select_option(label=content.CATEGORY_LABELS[finding.answer])
    box.locator(".kl-screening-check").click()
    feedback = box.locator(".kl-screening-feedback.kl-correct")
    feedback.wait_for()
    assert "3 of 3 right" in feedback.inner_text()
    rows = learning.choices(learner, SLUG, "screening/r52")
    assert len(rows) == before + 1
    assert rows[-1].value["answers"] == {f.id: f.answer for f in profile.findings}
    course.check()


def test_a_quiz_question_answered_in_the_page_shows_feedback(course):
    page = course.open(NOTEBOOK, ready=".kl-quiz")
    question = page.locator(".kl-q-m06-psychosis-ci")
    question.get_by_label("False", exact=True).check()
    question.locator(".kl-check").click()
    feedback = question.locator(".kl-feedback.kl-correct")
    feedback.wait_for()
    assert "warning" in feedback.inner_text()
    course.check()


def test_label_warnings_and_at_home_sections_are_shown_with_their_sources(course):
    page = course.open(NOTEBOOK, ready=EVIDENCE + " .kl-plot-ready")
    for heading in ("What the labels warn about", "At-home and compounded ketamine"):
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    body = page.locator("body").inner_text()
    for phrase in ("respiratory depression", "Schedule III", "October 2023", "February 2022", "no control group"):
        assert phrase in body, phrase
    for key in ("fda_compounded_nasal_2022", "fda_compounded_ketamine_2023", "hull2022", "winstock2012",
                "ketamine_injection_label"):
        assert page.locator(f"#ref-{key}").count() == 1, key
    page.get_by_role("heading", name="At-home and compounded ketamine").scroll_into_view_if_needed()
    course.screenshot("module-06-at-home")
    course.check()
