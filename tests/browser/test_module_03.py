"""Module 03 (from receptor block to neuroplasticity) as a learner uses it."""

from __future__ import annotations

from playwright.sync_api import expect

PAGE = "03_neuroplasticity.ipynb"


def _revision(page, plot_selector: str) -> int:
    return int(page.locator(plot_selector).first.get_attribute("data-revision") or 0)


def _wait_redrawn(page, plot_selector: str, before: int) -> None:
    page.wait_for_function(
        "([sel, rev]) => Number(document.querySelector(sel).dataset.revision || 0) > rev",
        arg=[plot_selector, before], timeout=30_000)


def _description(page, plot_selector: str) -> str:
    return page.locator(f"{plot_selector} .kl-plot-description").text_content()


def test_page_renders_with_every_figure(course):
    page = course.open(PAGE, ready=".kl-hopfield .kl-plot-ready")
    course.screenshot("module-03")
    assert page.locator(".kl-chrome").is_visible()
    assert page.locator("h1").first.inner_text().strip() == "From receptor block to neuroplasticity"
    plots = page.locator(".kl-plot")
    assert plots.count() == 5
    for i in range(plots.count()):
        assert "kl-plot-ready" in plots.nth(i).get_attribute("class")
    assert page.get_by_text("A metaphor, not a finding.").is_visible()


def test_ketamine_level_redraws_circuit_and_firing(course):
    page = course.open(PAGE, ready=".kl-circuit-explorer .kl-plot-ready >> nth=1")
    schematic = ".kl-circuit-explorer .kl-plot >> nth=0"
    firing = ".kl-circuit-explorer .kl-plot >> nth=1"
    rev_s = int(page.locator(schematic).get_attribute("data-revision"))
    rev_f = int(page.locator(firing).get_attribute("data-revision"))
    desc_before = page.locator(firing).locator(".kl-plot-description").text_content()
    handle = page.locator(".kl-circuit-level .noUi-handle")
    handle.focus()
    handle.press("End")
    page.wait_for_function(
        "([a, b]) => { const p = document.querySelectorAll('.kl-circuit-explorer .kl-plot');"
        " return Number(p[0].dataset.revision) > a && Number(p[1].dataset.revision) > b; }", arg=[rev_s, rev_f],
        timeout=30_000)
    desc_after = page.locator(firing).locator(".kl-plot-description").text_content()
    assert desc_after != desc_before and "10 µM" in desc_after
    expect(page.locator(".kl-circuit-readout")).to_contain_text("10 µM")
    course.check()


def test_blocking_mtor_flattens_the_spines(course):
    page = course.open(PAGE, ready=".kl-cascade .kl-plot-ready")
    plot = ".kl-cascade .kl-plot"
    before = _revision(page, plot)
    page.locator(".kl-cascade-block").get_by_role("button", name="Block mTOR").click()
    _wait_redrawn(page, plot, before)
    assert "rapamycin" in _description(page, plot)
    expect(page.locator(".kl-cascade-readout")).to_contain_text("no new spines")
    course.screenshot("mtor-blocked")
    course.check()


def test_landscape_and_network_respond(course):
    page = course.open(PAGE, ready=".kl-hopfield .kl-plot-ready")
    land = ".kl-landscape .kl-plot"
    before = _revision(page, land)
    handle = page.locator(".kl-landscape-plasticity .noUi-handle")
    handle.focus()
    handle.press("End")
    _wait_redrawn(page, land, before)
    assert "Plasticity 1.00" in _description(page, land)

    net = ".kl-hopfield .kl-plot"
    before = _revision(page, net)
    page.locator("button.kl-hopfield-high").click()
    _wait_redrawn(page, net, before)
    assert "20 steps so far, 20 of them at high plasticity" in _description(page, net)
    page.locator("button.kl-hopfield-learn").click()
    page.wait_for_function("() => document.querySelector('.kl-hopfield-status').innerText.includes('Learned')")
    course.check()


def test_a_quiz_question_answered_in_the_page_shows_feedback(course):
    page = course.open(PAGE, ready=".kl-quiz")
    q = page.locator(".kl-q-m03-which-first")
    q.scroll_into_view_if_needed()
    q.get_by_label("True", exact=True).check()
    q.locator("button.kl-check").click()
    feedback = q.locator(".kl-feedback.kl-incorrect")
    feedback.wait_for(state="visible", timeout=30_000)
    assert "interneurons slowed down first" in feedback.inner_text()
    course.check()
