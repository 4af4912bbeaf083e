"""Every course page, as a learner meets it: renders cleanly, fully offline, accessible, linked.

Pages are discovered from the notebooks, so a new module is covered the moment it exists.
"""

from __future__ import annotations

import pytest

from katlearn import content
from tests.browser import a11y
from tests.browser.helpers import draw_every_figure, figure_text_problems

PAGES = [m.slug for m in content.modules()]


@pytest.mark.parametrize("slug", PAGES)
def test_page_is_clean_offline_and_accessible(course, slug):
    page = course.open(f"{slug}.ipynb", ready=".kl-chrome")
    course.screenshot("laptop")

    assert course.non_local_requests() == [], "pages must work with no internet"
    found = a11y.violations(page)
    assert not found, a11y.describe(found)

    # every enabled control is in the keyboard tab order
    unreachable = page.evaluate(
        """() => [...document.querySelectorAll(
                '#rendered_cells button, #rendered_cells input, #rendered_cells select, ' +
                '#rendered_cells textarea, #rendered_cells a[href], #rendered_cells .noUi-handle')]
              .filter(el => !el.disabled && el.offsetParent !== null && el.tabIndex < 0)
              .map(el => el.outerHTML.slice(0, 120))"""
    )
    assert unreachable == [], unreachable

    # every figure carries its text description for screen readers
    for plot in page.locator(".kl-plot").all():
        area = plot.locator(".kl-plot-area")
        assert area.get_attribute("role") == "img"
        assert area.get_attribute("aria-label")
        assert plot.locator(".kl-plot-description").inner_text().strip()
    # and its texts (title, legend, axis titles, labels) fit the figure without covering each other
    assert figure_text_problems(page) == []


@pytest.mark.parametrize("slug", PAGES)
def test_phone_width_has_no_horizontal_scroll(chromium, server, slug):
    ctx = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.goto(server.page_url(f"{slug}.ipynb"))
        page.wait_for_selector(".kl-chrome", state="visible", timeout=90_000)
        wide = page.evaluate(
            """() => {
                const box = document.getElementById('rendered_cells');
                return {page: document.documentElement.scrollWidth, box: box.scrollWidth, view: window.innerWidth};
            }"""
        )
        assert wide["page"] <= wide["view"] + 1 and wide["box"] <= wide["view"] + 1, wide
        # figures narrow with the screen: their texts must still fit and not cover each other
        draw_every_figure(page)
        assert figure_text_problems(page) == []
    finally:
        ctx.close()


@pytest.mark.parametrize("slug", [m.slug for m in content.learner_modules()])
def test_navigation_links_lead_to_their_pages(course, slug):
    modules = list(content.learner_modules())
    i = next(k for k, m in enumerate(modules) if m.slug == slug)
    page = course.open(f"{slug}.ipynb", ready=".kl-chrome")
    header = page.locator(".kl-chrome")
    assert f"Module {i + 1} of {len(modules)}" in header.inner_text()
    assert header.locator("a.kl-home").get_attribute("href") == "00_start_here.ipynb"
    if i + 1 < len(modules):
        assert header.locator("a.kl-next").get_attribute("href") == modules[i + 1].filename
    if i > 0:
        assert header.locator("a.kl-prev").get_attribute("href") == modules[i - 1].filename
    header.locator("a.kl-home").click()
    page.wait_for_url("**/00_start_here.ipynb")
    page.wait_for_selector(".kl-course-map", state="visible", timeout=90_000)
