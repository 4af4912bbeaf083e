"""Module 05 (The KAT treatment process) as a learner meets it: figures, controls, both cases, quiz."""

import uuid

import pytest
from playwright.sync_api import expect

from katlearn import content, learning
from tests.browser import a11y
from tests.browser.conftest import ARTIFACTS

SLUG = "05_treatment_process"
NOTEBOOK = f"{SLUG}.ipynb"
SESSION = ".kl-session-explorer"
PLANNER = ".kl-course-planner"


@pytest.fixture
def new_learner():
    """A learner of its own, so earlier runs of other tests do not show."""
    name = learning.set_local_name(f"case tester {uuid.uuid4().hex[:8]}")
    yield name
    learning.forget_local_name()


def drawn(page, selector: str) -> dict:
    """Revision of the figure inside ``selector``, the peak of its plasma line and its marker counts."""
    return page.evaluate(
        """(sel) => {
            const plot = document.querySelector(sel + ' .kl-plot');
            const area = plot.querySelector('.kl-plot-area');
            const line = area.data.find(t => t.name === 'Plasma ketamine (model)');
            const markers = Object.fromEntries(area.data.filter(t => t.mode === 'markers')
                                                 .map(t => [t.name, t.x.length]));
            return {revision: Number(plot.dataset.revision || 0),
                    peak: line ? Math.max(...line.y) : null, markers,
                    bars: area.data.filter(t => t.type === 'bar').map(t => t.name)};
        }""",
        selector,
    )


def new_choices(before_id: int) -> list[learning.Choice]:
    learner = learning.current_learner()
    return [c for c in learning.choices(learner, SLUG) if c.id > before_id]


def last_choice_id() -> int:
    rows = learning.choices(learning.current_learner(), SLUG)
    return rows[-1].id if rows else 0


def test_page_renders_with_header_both_figures_and_both_cases(course):
    page = course.open(NOTEBOOK, ready=SESSION + " .kl-plot-ready")
    course.screenshot("module-05")
    meta = content.module(SLUG)
    assert meta.title in page.locator("h1").first.inner_text()
    assert page.locator(".kl-chrome").count() == 1
    assert page.locator(".kl-chrome .kl-prev").count() == 1 and page.locator(".kl-chrome .kl-next").count() == 1
    assert page.get_by_text("Education, not clinical guidance.").is_visible()
    assert page.locator(".kl-plot-ready").count() == page.locator(".kl-plot").count() == 2
    assert drawn(page, SESSION)["bars"] == ["Therapist", "BP & HR", "Dissociation"]
    assert page.locator(".kl-scenario").count() == 2
    assert page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor").count() == 0
    for section in (o.section for o in meta.objectives):
        assert page.locator(f"[id='{section}']").count() == 1, section


def test_dose_slider_and_dosing_sessions_redraw_by_keyboard(course):
    page = course.open(NOTEBOOK, ready=PLANNER + " .kl-plot-ready")
    before = drawn(page, SESSION)
    handle = page.locator(".kl-session-dose .slider-container .noUi-handle")
    handle.focus()
    handle.press("End")
    page.wait_for_function(
        "(r) => Number(document.querySelector('.kl-session-explorer .kl-plot').dataset.revision) > r",
        arg=before["revision"])
    after = drawn(page, SESSION)
    assert after["peak"] > before["peak"]
    expect(page.locator(".kl-session-readout")).to_contain_text("0.75 mg/kg")

    plan = drawn(page, PLANNER)
    assert plan["markers"]["Dosing"] == 4
    handle = page.locator(".kl-course-dosing .slider-container .noUi-handle")
    handle.focus()
    handle.press("End")
    page.wait_for_function(
        "(r) => Number(document.querySelector('.kl-course-planner .kl-plot').dataset.revision) > r",
        arg=plan["revision"])
    assert drawn(page, PLANNER)["markers"]["Dosing"] == 6
    expect(page.locator(".kl-course-readout")).to_contain_text("6 dosing")
    course.check()


def test_a_400_mg_lozenge_session_runs_past_the_planned_three_hours(course):
    """The model keeps plasma >= 100 ng/mL for about 5 h after 400 mg sublingually: the figure extends the
    monitoring and the session, and the readout says the 2-hour minimum is not enough."""
    page = course.open(NOTEBOOK, ready=SESSION + " .kl-plot-ready")
    before = drawn(page, SESSION)["revision"]
    page.locator(".kl-session-protocol select").select_option(label="Lozenge (training centre)")
    page.wait_for_function(
        "(r) => Number(document.querySelector('.kl-session-explorer .kl-plot').dataset.revision) > r", arg=before)
    expect(page.locator(".kl-session-dose .widget-readout")).to_have_text("100")  # the slider has its mg range
    before = drawn(page, SESSION)["revision"]
    handle = page.locator(".kl-session-dose .slider-container .noUi-handle")
    handle.focus()
    for _ in range(12):  # 100 -> 400 mg in 25 mg steps ("End" does not move a handle whose range just changed)
        handle.press("ArrowRight")
    expect(page.locator(".kl-session-dose .widget-readout")).to_have_text("400")
    page.wait_for_function(
        "(r) => Number(document.querySelector('.kl-session-explorer .kl-plot').dataset.revision) > r", arg=before)
    readout = page.locator(".kl-session-readout")
    expect(readout).to_contain_text("400 mg")
    expect(readout).to_contain_text("has to be extended")
    x_end = page.evaluate("() => document.querySelector('.kl-session-explorer .kl-plot-area').layout.xaxis.range[1]")
    assert x_end > 300
    course.screenshot("module-05-lozenge-400mg")
    course.check()


def play(page, case: str, pick) -> list[tuple[str, int, str]]:
    """Play one case through the UI; ``pick(node)`` returns the choice index. Returns (node, index, rating)."""
    s = content.load_scenario(case)
    box = page.locator(f".kl-scenario-{case}")
    path = []
    node = s.node(s.start)
    while not node.is_end:
        box.locator(".kl-scenario-situation").get_by_text(node.title, exact=True).wait_for()
        index = pick(node)
        box.locator(".kl-scenario-options").get_by_label(node.choices[index].text, exact=True).check()
        box.locator(".kl-scenario-decide").click()
        rating = node.choices[index].rating
        box.locator(f".kl-scenario-feedback.kl-rating-{rating}").wait_for()
        assert content.RATING_LABELS[rating] in box.locator(".kl-scenario-feedback").inner_text()
        path.append((node.id, index, rating))
        box.locator(".kl-scenario-continue").click()
        node = s.node(node.choices[index].next)
    box.locator(".kl-scenario-debrief", has_text="Debrief").wait_for()
    return path


def test_each_case_can_be_played_to_the_debrief_and_is_recorded(course):
    page = course.open(NOTEBOOK, ready=".kl-scenario-trd_maya .kl-scenario-decide")
    start = last_choice_id()

    best = play(page, "trd_maya", lambda n: next(i for i, c in enumerate(n.choices) if c.rating == "best"))
    # Sam: take the last option at every decision (a different branch, with risky choices)
    other = play(page, "ptsd_sam", lambda n: len(n.choices) - 1)
    course.screenshot("cases-debriefed")
    debrief = page.locator(".kl-scenario-trd_maya .kl-scenario-debrief").inner_text()
    assert f"{len(best)} strong" in debrief
    assert page.locator(".kl-scenario-ptsd_sam .kl-scenario-restart").is_visible()

    recorded = {c.key: c.value for c in new_choices(start)}
    for case, path in (("trd_maya", best), ("ptsd_sam", other)):
        for node_id, index, rating in path:
            assert recorded[f"{case}/{node_id}"] == {
                "choice": index, "rating": rating, "text": content.load_scenario(case).node(node_id).choices[index].text}
        done = recorded[f"{case}/complete"]
        assert done["path"] == [[n, i] for n, i, _ in path]
        assert done["counts"]["best"] == sum(r == "best" for *_, r in path)
    assert any(r != "best" for *_, r in other)
    course.check()


def test_a_quiz_question_answered_in_the_page_shows_feedback(course):
    page = course.open(NOTEBOOK, ready=".kl-quiz")
    question = page.locator(".kl-q-m05-who-decides")
    question.get_by_label("The prescribing physician, after a medical review", exact=True).check()
    question.locator(".kl-check").click()
    feedback = question.locator(".kl-feedback.kl-correct")
    feedback.wait_for()
    assert "physician" in feedback.inner_text()
    course.check()


def focused(page) -> dict:
    """Where focus is, seen from the case Maya: which radio (and which is checked), or which part."""
    return page.evaluate("""() => {
        const a = document.activeElement;
        const box = document.querySelector('.kl-scenario-trd_maya');
        const radios = [...box.querySelectorAll('.kl-scenario-options input[type=radio]')];
        return {inCase: box.contains(a), tag: a.tagName, cls: String(a.className), text: a.textContent.trim(),
                radio: radios.indexOf(a), checked: radios.findIndex(r => r.checked),
                situation: !!a.closest('.kl-scenario-situation'), inFieldset: !!a.closest('fieldset')};
    }""")


def test_a_case_by_keyboard_alone_moves_focus_and_announces_the_feedback(course, new_learner):
    """Maya's case (katlearn/widgets/scenario.js) with the keyboard only: Tab into the choices, arrow
    keys move the choice, Enter on Decide; focus lands on the announced feedback; Tab and Enter on
    Continue; focus lands on the new situation's heading. Ratings and feedback are not in the page
    before the decision."""
    s = content.load_scenario("trd_maya")
    page = course.open(NOTEBOOK, ready=".kl-scenario-trd_maya .kl-scenario-decide")
    box = page.locator(".kl-scenario-trd_maya")
    first = s.node(s.start)
    text = box.inner_text()
    assert not any(c.feedback[:40] in text for c in first.choices)
    assert not any(label in text for label in content.RATING_LABELS.values())
    assert box.locator(".kl-scenario-continue").is_hidden() and box.locator(".kl-scenario-restart").is_hidden()

    page.locator(".kl-scenario-trd_maya .kl-scenario-situation").evaluate(
        "el => { el.scrollIntoView(); el.tabIndex = -1; el.focus(); }")  # start just before the choices
    page.keyboard.press("Tab")
    where = focused(page)
    assert where["inFieldset"] and where["radio"] == 0 and where["checked"] == -1, where
    page.keyboard.press("ArrowDown")  # the arrow key moves focus and choice to the next option
    assert focused(page)["radio"] == focused(page)["checked"] == 1
    target = next(i for i, c in enumerate(first.choices) if c.rating == "best")
    while focused(page)["checked"] != target:
        page.keyboard.press("ArrowDown")
    assert box.get_by_label(first.choices[target].text, exact=True).is_checked()
    page.keyboard.press("Tab")
    assert "kl-scenario-decide" in focused(page)["cls"]
    page.keyboard.press("Enter")
    feedback = box.locator(".kl-scenario-feedback.kl-rating-best")
    feedback.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => document.activeElement === document.querySelector('.kl-scenario-trd_maya .kl-scenario-feedback')")
    live = feedback.locator("[role=status][aria-live=polite]")
    expect(live).to_contain_text(content.RATING_LABELS["best"])
    assert box.locator(".kl-scenario-options input:disabled").count() == len(first.choices)  # locked
    assert box.locator(".kl-scenario-options .kl-chosen").inner_text().strip() == first.choices[target].text
    assert box.locator(".kl-scenario-decide").is_hidden()
    found = a11y.violations(page, within=".kl-scenario-trd_maya")  # with the feedback showing
    assert not found, a11y.describe(found)
    course.screenshot("case-decided-by-keyboard")

    for _ in range(8):  # past the feedback's source links, to Continue
        page.keyboard.press("Tab")
        if "kl-scenario-continue" in focused(page)["cls"]:
            break
    assert "kl-scenario-continue" in focused(page)["cls"], focused(page)
    page.keyboard.press("Enter")
    second = s.node(first.choices[target].next)
    box.locator(".kl-scenario-situation h4", has_text=second.title).wait_for(timeout=30_000)
    page.wait_for_function("() => document.activeElement.matches('.kl-scenario-trd_maya .kl-scenario-situation h4')")
    assert focused(page)["text"] == second.title
    assert box.locator(".kl-scenario-feedback").inner_text().strip() == ""
    assert box.locator(".kl-scenario-continue").is_hidden()
    assert [t.strip() for t in box.locator(".kl-scenario-options .kl-choice").all_inner_texts()] == \
        [c.text for c in second.choices]
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Space checks the focused radio
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # and on Decide decides
    box.locator(f".kl-scenario-feedback.kl-rating-{second.choices[0].rating}").wait_for(timeout=30_000)
    rows = learning.choices(new_learner, SLUG)
    assert [(c.key, c.value["choice"]) for c in rows] == [(f"trd_maya/{first.id}", target), (f"trd_maya/{second.id}", 0)]
    course.check()


def test_a_double_click_on_decide_records_one_decision(course, new_learner):
    s = content.load_scenario("ptsd_sam")
    page = course.open(NOTEBOOK, ready=".kl-scenario-ptsd_sam .kl-scenario-decide")
    box = page.locator(".kl-scenario-ptsd_sam")
    node = s.node(s.start)
    box.locator(".kl-scenario-options").get_by_label(node.choices[0].text, exact=True).check()
    box.locator(".kl-scenario-decide").dblclick()
    box.locator(".kl-scenario-feedback[class*=kl-rating-]").wait_for(timeout=30_000)
    box.locator(".kl-scenario-continue").dblclick()
    box.locator(".kl-scenario-situation h4", has_text=s.node(node.choices[0].next).title).wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # any second message has had time to arrive
    assert [c.key for c in learning.choices(new_learner, SLUG)] == [f"ptsd_sam/{node.id}"]
    assert box.locator(".kl-scenario-continue").is_hidden() and box.locator(".kl-scenario-decide").is_enabled()
    course.check()


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_a_case_is_accessible_and_fits_mid_case_and_at_the_debrief(chromium, server, new_learner, width, height):
    ctx = chromium.new_context(viewport={"width": width, "height": height},
                               **({"is_mobile": True, "has_touch": True} if width < 600 else {}))
    try:
        page = ctx.new_page()
        page.goto(server.page_url(NOTEBOOK), timeout=90_000)
        case = ".kl-scenario-trd_maya"
        page.locator(f"{case} .kl-scenario-decide").wait_for(timeout=90_000)
        box = page.locator(case)
        box.scroll_into_view_if_needed()
        s = content.load_scenario("trd_maya")
        node = s.node(s.start)

        def fits() -> None:
            wide = box.evaluate("q => [q.scrollWidth, q.clientWidth, window.innerWidth, document.documentElement.scrollWidth]")
            assert wide[0] <= wide[1] + 1 and wide[1] <= wide[2] and wide[3] <= wide[2], wide

        found = a11y.violations(page, within=case)
        assert not found, a11y.describe(found)
        fits()
        unlabelled = box.evaluate("""q => [...q.querySelectorAll('input, button')].filter(c => c.tagName === 'INPUT'
            ? !(c.labels && c.labels.length && c.labels[0].textContent.trim()) : !c.textContent.trim())
            .map(c => c.outerHTML.slice(0, 100))""")
        assert unlabelled == []
        assert box.locator("fieldset.kl-scenario-options > legend").inner_text() == "Your choice:"
        assert box.locator("nav[aria-label='Phase of the case'] ol li[aria-current=step]").count() == 1
        steps = 0
        while not node.is_end:
            index = len(node.choices) - 1
            box.locator(".kl-scenario-situation h4", has_text=node.title).wait_for(timeout=30_000)
            box.locator(".kl-scenario-options").get_by_label(node.choices[index].text, exact=True).check()
            box.locator(".kl-scenario-decide").click()
            box.locator(f".kl-scenario-feedback.kl-rating-{node.choices[index].rating}").wait_for(timeout=30_000)
            if steps == 0:
                box.locator(".kl-scenario-feedback").scroll_into_view_if_needed()
                ARTIFACTS.mkdir(exist_ok=True)
                box.screenshot(path=ARTIFACTS / f"case-mid-{width}.png")
                found = a11y.violations(page, within=case)  # with the feedback showing
                assert not found, a11y.describe(found)
                fits()
            box.locator(".kl-scenario-continue").click()
            node = s.node(node.choices[index].next)
            steps += 1
        box.locator(".kl-scenario-debrief", has_text="Debrief").wait_for(timeout=30_000)
        box.locator(".kl-scenario-debrief").scroll_into_view_if_needed()
        box.screenshot(path=ARTIFACTS / f"case-debrief-{width}.png")
        found = a11y.violations(page, within=case)
        assert not found, a11y.describe(found)
        fits()
        assert box.locator(".kl-scenario-restart").is_visible() and box.locator(".kl-scenario-options").is_hidden()
        box.locator(".kl-scenario-restart").click()
        box.locator(".kl-scenario-situation h4", has_text=s.node(s.start).title).wait_for(timeout=30_000)
        page.wait_for_function(f"() => document.activeElement.matches('{case} .kl-scenario-situation h4')")
        assert box.locator(".kl-scenario-debrief").is_hidden() and box.locator(".kl-scenario-decide").is_visible()
    finally:
        ctx.close()
