"""Module 02 (NMDA receptors and glutamate) as a learner uses it."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from katlearn import content, learning
from tests.browser import a11y

PAGE = "02_nmda_glutamate.ipynb"
SLUG = "02_nmda_glutamate"


@pytest.fixture
def new_learner():
    name = learning.set_local_name(f"predict tester {uuid.uuid4().hex[:8]}")
    yield name
    learning.forget_local_name()


def _revision(page, plot_selector: str) -> int:
    return int(page.locator(plot_selector).first.get_attribute("data-revision") or 0)


def _wait_redrawn(page, plot_selector: str, before: int) -> None:
    page.wait_for_function(
        "([sel, rev]) => Number(document.querySelector(sel).dataset.revision || 0) > rev",
        arg=[plot_selector, before], timeout=30_000)


def _trace_field(page, plot_selector: str, name: str, field: str):
    return page.evaluate(
        """([sel, name, field]) => {
            const gd = document.querySelector(sel + ' .kl-plot-area');
            const t = gd.data.find(d => d.name === name);
            return t ? Array.from(t[field]) : null;
        }""", [plot_selector, name, field])


def test_page_renders_with_every_figure(course):
    page = course.open(PAGE, ready=".kl-occ-explorer .kl-plot-ready")
    course.screenshot("module-02")
    assert page.locator(".kl-chrome").is_visible()
    assert page.locator("h1").first.inner_text().strip() == "NMDA receptors and glutamate"
    plots = page.locator(".kl-plot")
    assert plots.count() == 4
    for i in range(plots.count()):
        assert "kl-plot-ready" in plots.nth(i).get_attribute("class")
    assert page.locator(".jp-InputArea-editor").count() == 0  # no code shown


def test_synapse_steps_forward_and_back(course):
    page = course.open(PAGE, ready=".kl-synapse .kl-plot-ready")
    plot = ".kl-synapse .kl-plot"
    caption = page.locator(".kl-synapse-caption")
    assert "Step 1 of 7" in caption.inner_text()
    before = _revision(page, plot)
    page.locator("button.kl-synapse-next").click()
    _wait_redrawn(page, plot, before)
    expect(caption).to_contain_text("Step 2 of 7")  # the caption is a widget of its own: its update may land after the figure's
    assert "Step 2 of 7" in page.locator(f"{plot} .kl-plot-area").get_attribute("aria-label")
    page.locator("button.kl-synapse-prev").click()
    page.wait_for_function("() => document.querySelector('.kl-synapse-caption').innerText.includes('Step 1 of 7')")


def test_voltage_slider_moves_the_marker(course):
    page = course.open(PAGE, ready=".kl-iv-explorer .kl-plot-ready")
    plot = ".kl-iv-explorer .kl-plot"
    x_before = _trace_field(page, plot, "Your voltage", "x")
    assert x_before == [-70]
    before = _revision(page, plot)
    handle = page.locator(".kl-iv-voltage .noUi-handle")
    handle.focus()
    handle.press("End")
    _wait_redrawn(page, plot, before)
    assert _trace_field(page, plot, "Your voltage", "x") == [40]
    course.screenshot("voltage-40")
    expect(page.locator(".kl-iv-readout")).to_contain_text("40 mV")
    course.check()


def test_occupancy_slider_changes_the_reading(course):
    page = course.open(PAGE, ready=".kl-occ-explorer .kl-plot-ready")
    plot = ".kl-occ-explorer .kl-plot"
    before = _revision(page, plot)
    text_before = page.locator(".kl-occ-readout").inner_text()
    handle = page.locator(".kl-occ-conc .noUi-handle")
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    _wait_redrawn(page, plot, before)
    page.wait_for_function("(t) => document.querySelector('.kl-occ-readout').innerText !== t", arg=text_before)
    course.check()


def test_occupancy_curves_come_from_one_assay(course):
    """Racemic ketamine is drawn from the Ebert 1997 enantiomers (Ki 0.3 and 1.4 uM) as a 50:50 mixture,
    Ki 0.49 uM, between the two curves, and the page says it is derived."""
    page = course.open(PAGE, ready=".kl-occ-explorer .kl-plot-ready")
    plot = ".kl-occ-explorer"
    rac = _trace_field(page, plot, "Racemic (derived) (Ki 0.49 µM)", "y")
    s = _trace_field(page, plot, "Esketamine (Ki 0.3 µM)", "y")
    r = _trace_field(page, plot, "Arketamine (Ki 1.4 µM)", "y")
    assert rac and s and r
    i = len(rac) // 2
    assert r[i] < rac[i] < s[i]
    assert page.get_by_text("derives", exact=False).first.is_visible()


def test_a_quiz_question_answered_in_the_page_shows_feedback(course):
    page = course.open(PAGE, ready=".kl-quiz")
    q = page.locator(".kl-q-m02-pcp-site-route")
    q.scroll_into_view_if_needed()
    q.get_by_label("True", exact=True).check()
    q.locator("button.kl-check").click()
    feedback = q.locator(".kl-feedback.kl-correct")
    feedback.wait_for(state="visible", timeout=30_000)
    assert "trapping is partial" in feedback.inner_text()
    course.check()


def _focused(page) -> dict:
    """Where keyboard focus is: inside which prompt (-1: none), which element, which radio."""
    return page.evaluate("""() => {
        const a = document.activeElement;
        const box = a && a.closest('.kl-predict');
        const radios = box ? [...box.querySelectorAll('input[type=radio]')] : [];
        return {prompt: box ? [...document.querySelectorAll('.kl-predict')].indexOf(box) : -1,
                cls: (a && a.className) || '', tag: a ? a.tagName : '', radio: radios.indexOf(a),
                checked: radios.findIndex(r => r.checked), inFieldset: !!(a && a.closest('fieldset'))};
    }""")


def test_a_prediction_by_keyboard_alone_is_checked_announced_and_restored(course, new_learner):
    """Predict-then-check (katlearn/widgets/predict.js) with the keyboard only: Tab into the options,
    arrow keys move the choice, Space/Enter on the button checks, focus lands on the announced result."""
    page = course.open(PAGE, ready=".kl-predict .kl-choice")
    box = page.locator(".kl-predict").first
    shown = [t.strip() for t in box.locator(".kl-choice").all_inner_texts()]
    first = next(p for p in content.load_predict(SLUG).prompts if list(p.options) == shown)

    for _ in range(300):  # from the top of the page, Tab until focus reaches the first prompt's options
        page.keyboard.press("Tab")
        where = _focused(page)
        if where["prompt"] == 0:
            break
    assert where["prompt"] == 0 and where["inFieldset"] and where["radio"] == 0 and where["checked"] == -1, where

    page.keyboard.press("Tab")  # out of the radio group: the button
    assert "kl-predict-check" in _focused(page)["cls"]
    page.keyboard.press("Space")  # nothing chosen yet
    result = box.locator(".kl-predict-result")
    live = result.locator("[role=status][aria-live=polite]")
    expect(live).to_contain_text("Choose a prediction first, then check it.")
    page.wait_for_function("() => document.activeElement.classList.contains('kl-predict-result')")
    assert learning.latest_choices(new_learner, SLUG) == {}

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back into the radio group
    where = _focused(page)
    assert where["prompt"] == 0 and where["radio"] >= 0, where
    page.keyboard.press("Space")
    n = len(first.options)
    assert _focused(page)["checked"] == where["radio"]
    page.keyboard.press("ArrowDown")  # the arrow key moves focus and choice to the next option
    now = _focused(page)
    assert now["radio"] == now["checked"] == (where["radio"] + 1) % n, now
    while _focused(page)["checked"] != first.answer_index:
        page.keyboard.press("ArrowDown")
    assert box.get_by_label(first.options[first.answer_index], exact=True).is_checked()

    page.keyboard.press("Tab")
    assert "kl-predict-check" in _focused(page)["cls"]
    page.keyboard.press("Enter")
    expect(live).to_contain_text("Your prediction matches.")
    page.wait_for_function("() => document.activeElement.classList.contains('kl-predict-result')")
    assert live.locator(".kl-feedback a[href^='#ref-']").count() >= 1  # the explanation cites its sources
    assert learning.latest_choices(new_learner, SLUG)[first.id] == first.answer_index
    found = a11y.violations(page)  # the whole page, with the prompt's result showing
    assert not found, a11y.describe(found)
    course.screenshot("predict-by-keyboard")
    course.check()

    course.open(PAGE, ready=".kl-predict .kl-choice")  # reopened: the prediction and its result are back
    box = page.locator(".kl-predict").first
    expect(box.locator(".kl-predict-result [role=status]")).to_contain_text("Your prediction matches.")
    assert box.get_by_label(first.options[first.answer_index], exact=True).is_checked()
    assert _focused(page)["prompt"] == -1  # restoring does not pull focus
    course.check()
