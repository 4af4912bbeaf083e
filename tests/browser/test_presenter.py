"""Presenter mode (`katlearn serve --present`): every module as a live slide deck."""

from __future__ import annotations

import pytest

from katlearn import content
from tests.browser import a11y
from tests.browser.conftest import ARTIFACTS, start_server
from tests.browser.helpers import CoursePage

MODULES = [m.slug for m in content.learner_modules()]
CURRENT = ".reveal .slides section.present:not(.stack)"
# what a learner can change next to a figure: a slider, a drop-down, toggle buttons, a checkbox
CONTROLS = ".noUi-handle, select, .widget-toggle-button, .widget-checkbox input"


def operate(page, here) -> None:
    """Change the first control on the slide the way a presenter would, by keyboard or click."""
    handle = here.locator(".noUi-handle")
    if handle.count():
        handle.first.focus()
        page.keyboard.press("End")
        return
    select = here.locator("select")
    if select.count():
        current = select.first.evaluate("el => el.selectedIndex")
        n = select.first.locator("option").count()
        select.first.select_option(index=(current + 1) % n)
        return
    toggles = here.locator(".widget-toggle-button:not(.mod-active)")
    if toggles.count():
        toggles.first.click()
        return
    here.locator(".widget-checkbox input").first.click()


@pytest.fixture(scope="module")
def presenter_server():
    srv = start_server("--present", log_name="presenter.log")
    yield srv
    srv.stop()


@pytest.fixture
def deck(chromium, presenter_server, request):
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    yield CoursePage(page=page, server=presenter_server, artifacts=ARTIFACTS, test_name=request.node.name)
    ctx.close()


def open_deck(deck: CoursePage, slug: str):
    page = deck.page
    deck._log_offset = deck.server.log_size()
    page.goto(deck.server.page_url(f"{slug}.ipynb"), timeout=90_000)
    page.wait_for_selector(CURRENT, state="visible", timeout=90_000)
    deck.wait_rendered()
    return page


def test_deck_is_offline_accessible_and_advances(deck):
    slug = MODULES[0]
    page = open_deck(deck, slug)
    deck.screenshot("title-slide")
    title = page.locator(CURRENT).inner_text()
    assert content.module(slug).title.split("?")[0] in title
    # the header bar is for pages, not for a projector
    assert page.locator(f"{CURRENT} .kl-chrome").count() == 0

    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.hash === '#/1'")
    assert page.locator(CURRENT).inner_text() != title

    assert deck.non_local_requests() == []
    found = a11y.violations(page)
    assert not found, a11y.describe(found)
    deck.check()


@pytest.mark.parametrize("slug", MODULES)
def test_widget_on_a_slide_still_updates_its_figure(deck, slug):
    """Walk the deck to the first slide that shows a figure with a control; change the control."""
    page = open_deck(deck, slug)
    n_slides = page.locator(".reveal .slides section:not(.stack)").count()
    for _ in range(n_slides):
        here = page.locator(CURRENT)
        if here.locator(".kl-plot").count() and here.locator(CONTROLS).count():
            break
        page.keyboard.press("n")  # next slide, sub-slides included
        page.wait_for_timeout(150)
    else:
        # a deck without an interactive figure is fine only if it has no figure at all
        assert page.locator(".kl-plot").count() == 0, f"no slide of {slug} shows a figure next to its control"
        deck.check()
        return
    # pin this slide: the checks below must look at it even if the deck moves on
    here.evaluate("el => { el.dataset.klUnderTest = 'yes'; }")
    here = page.locator("section[data-kl-under-test='yes']")

    plot = here.locator(".kl-plot").first
    page.wait_for_function("el => el.dataset.revision", arg=plot.element_handle(), timeout=30_000)
    before = int(plot.get_attribute("data-revision"))
    spec_before = plot.locator(".kl-plot-area").evaluate("el => JSON.stringify([el.data, el.layout])")
    operate(page, here)
    page.wait_for_function(
        "([el, n]) => Number(el.dataset.revision) > n", arg=[plot.element_handle(), before], timeout=30_000
    )
    spec_after = plot.locator(".kl-plot-area").evaluate("el => JSON.stringify([el.data, el.layout])")
    assert spec_after != spec_before
    deck.screenshot("widget-slide")
    deck.check()
