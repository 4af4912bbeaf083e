"""Module 05 (The KAT treatment process) as a learner meets it: figures, controls, both cases, quiz."""

from playwright.sync_api import expect

from katlearn import content, learning

SLUG = "05_treatment_process"
NOTEBOOK = f"{SLUG}.ipynb"
SESSION = ".kl-session-explorer"
PLANNER = ".kl-course-planner"


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
