"""Module 06's screening practice in the page (one widget model, its own front end:
katlearn/widgets/screening.js), as a learner meets it: profiles sorted with the keyboard alone
(Tab to each drop-down, arrow keys to choose, Enter or Space on "Check"), focus moved to the
feedback and the verdict inside a polite live region, answers and feedback restored after a
reload, and accessibility at phone width (axe, labels, no sideways scroll).

Each test learns under a new name, so earlier answers of other tests do not show.
"""

from __future__ import annotations

import uuid

import pytest

from katlearn import content, learning
from tests.browser import a11y

SLUG = "06_safety_controversies"
PAGE = f"{SLUG}.ipynb"
READY = ".kl-screening .kl-screening-check"


@pytest.fixture
def new_learner():
    name = learning.set_local_name(f"screening tester {uuid.uuid4().hex[:8]}")
    yield name
    learning.forget_local_name()


def active(page) -> dict:
    return page.evaluate("""() => { const a = document.activeElement;
        return {tag: a.tagName, cls: String(a.className), id: a.id,
                profile: (a.closest('.kl-screening-profile') || {className: ''}).className}; }""")


def choose_by_keyboard(page, select, label: str) -> None:
    """Pick ``label`` in a focused ``<select>`` with the arrow keys, as a keyboard user does."""
    options = select.locator("option").all_inner_texts()
    assert options[0] == "Choose…"
    target = options.index(label)
    for _ in range(target - select.evaluate("s => s.selectedIndex")):
        page.keyboard.press("ArrowDown")
    assert select.evaluate("s => s.options[s.selectedIndex].text") == label


def tab_until(page, selector: str, presses: int = 12) -> None:
    """Press Tab until the element ``selector`` has focus (it must come within ``presses``)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement === document.querySelector(sel)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}; focus is on {active(page)}")


def sort_by_keyboard(page, profile: content.Profile, picks: dict[str, str], key: str) -> None:
    """Tab through one profile's drop-downs choosing ``picks`` (finding id → category), then press
    ``key`` on its Check button (focus starts just before the profile)."""
    box = page.locator(f".kl-screening .kl-profile-{profile.id}")
    for j, f in enumerate(profile.findings):
        select = box.locator(".kl-screening-category select").nth(j)
        tab_until(page, f".kl-screening .kl-profile-{profile.id} .kl-screening-category:nth-of-type({j + 1}) select")
        assert select.evaluate("s => s.labels[0].textContent") == f"Finding {j + 1}: {f.text}"
        choose_by_keyboard(page, select, content.CATEGORY_LABELS[picks[f.id]])
    tab_until(page, f".kl-screening .kl-profile-{profile.id} .kl-screening-check")
    page.keyboard.press(key)


def test_profiles_sorted_by_keyboard_alone_then_restored_after_reload(course, new_learner):
    s = content.load_screening("screening_practice")
    first, second = s.profiles[0], s.profiles[1]
    page = course.open(PAGE, ready=READY)
    right = {f.id: f.answer for f in first.findings}
    wrong_at = second.findings[0]
    others = [c for c in content.CATEGORIES if c != wrong_at.answer]
    picks = {f.id: f.answer for f in second.findings} | {wrong_at.id: others[0]}
    # the keyed categories are not in the page before a check
    assert "Sources:" not in page.locator(".kl-screening").inner_text()

    page.locator(".kl-screening .kl-screening-intro").scroll_into_view_if_needed()
    page.locator(".kl-screening .kl-screening-intro").evaluate(
        "el => { el.tabIndex = -1; el.focus(); }")  # start just before the first profile
    sort_by_keyboard(page, first, right, "Enter")
    box = page.locator(f".kl-screening .kl-profile-{first.id}")
    feedback = box.locator(".kl-screening-feedback.kl-correct")
    feedback.wait_for(timeout=30_000)
    page.wait_for_function("(sel) => document.activeElement === document.querySelector(sel)",
                           arg=f".kl-screening .kl-profile-{first.id} .kl-screening-feedback")
    live = feedback.locator("[role=status][aria-live=polite]")
    n = len(first.findings)
    assert live.inner_text().startswith(f"{n} of {n} right") and "Sources:" in live.inner_text()
    course.screenshot("first-profile-checked")

    # from the feedback, Tab goes on into the next profile; Space on its Check button
    sort_by_keyboard(page, second, picks, "Space")
    box2 = page.locator(f".kl-screening .kl-profile-{second.id}")
    feedback2 = box2.locator(".kl-screening-feedback.kl-incorrect")
    feedback2.wait_for(timeout=30_000)
    assert "kl-screening-feedback" in active(page)["cls"] and f"kl-profile-{second.id}" in active(page)["profile"]
    text2 = feedback2.locator("[role=status][aria-live=polite]").inner_text()
    assert text2.startswith(f"{len(second.findings) - 1} of {len(second.findings)} right")
    assert f"you chose {content.CATEGORY_LABELS[others[0]].lower()}" in text2
    rows = learning.choices(new_learner, SLUG)
    assert [(c.key, c.value["answers"]) for c in rows] == [(f"screening/{first.id}", right),
                                                          (f"screening/{second.id}", picks)]
    course.check()

    page = course.open(PAGE, ready=READY)
    for profile, answers, verdict in ((first, right, "kl-correct"), (second, picks, "kl-incorrect")):
        b = page.locator(f".kl-screening .kl-profile-{profile.id}")
        b.locator(f".kl-screening-feedback.{verdict}").wait_for(timeout=30_000)
        shown = b.locator(".kl-screening-category select").evaluate_all(
            "ss => ss.map(s => s.options[s.selectedIndex].text)")
        assert shown == [content.CATEGORY_LABELS[answers[f.id]] for f in profile.findings]
    assert page.locator(f".kl-screening .kl-profile-{second.id} .kl-screening-feedback").inner_text() == text2
    untouched = page.locator(f".kl-screening .kl-profile-{s.profiles[2].id}")
    assert untouched.locator(".kl-screening-feedback").inner_text().strip() == ""
    assert set(untouched.locator(".kl-screening-category select").evaluate_all("ss => ss.map(s => s.value)")) == {""}
    assert len(learning.choices(new_learner, SLUG)) == 2  # restoring records nothing
    course.check()


def test_an_open_finding_is_asked_for_and_announced(course, new_learner):
    profile = content.load_screening("screening_practice").profiles[0]
    page = course.open(PAGE, ready=READY)
    box = page.locator(f".kl-screening .kl-profile-{profile.id}")
    box.locator(".kl-screening-category select").first.select_option(label=content.CATEGORY_LABELS["none"])
    box.locator(".kl-screening-check").click()
    open_ = len(profile.findings) - 1
    box.get_by_text(f"Choose a category for every finding ({open_} still open), then check.").wait_for(timeout=30_000)
    assert box.locator(".kl-screening-feedback [role=status][aria-live=polite]").inner_text().startswith("Choose")
    assert "kl-screening-feedback" in active(page)["cls"]
    assert learning.choices(new_learner, SLUG) == []
    course.check()


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_screening_is_accessible_and_fits(chromium, server, new_learner, width, height):
    ctx = chromium.new_context(viewport={"width": width, "height": height},
                               **({"is_mobile": True, "has_touch": True} if width < 600 else {}))
    try:
        page = ctx.new_page()
        page.goto(server.page_url(PAGE), timeout=90_000)
        exercise = page.locator(".kl-screening")
        exercise.locator(".kl-screening-check").first.wait_for(timeout=90_000)
        profile = content.load_screening("screening_practice").profiles[0]
        box = exercise.locator(f".kl-profile-{profile.id}")
        box.scroll_into_view_if_needed()
        found = a11y.violations(page, within=".kl-screening")
        assert not found, a11y.describe(found)
        for j, f in enumerate(profile.findings):
            box.locator(".kl-screening-category select").nth(j).select_option(f.answer)
        box.locator(".kl-screening-check").click()
        box.locator(".kl-screening-feedback.kl-correct").wait_for(timeout=30_000)
        found = a11y.violations(page, within=".kl-screening")  # with the feedback showing
        assert not found, a11y.describe(found)
        unlabelled = exercise.evaluate("""q => [...q.querySelectorAll('select, button')]
            .filter(c => c.tagName === 'SELECT' ? !(c.labels && c.labels.length && c.labels[0].textContent.trim())
                                                 : !c.textContent.trim())
            .map(c => c.outerHTML.slice(0, 100))""")
        assert unlabelled == []
        headings = exercise.locator("section.kl-screening-profile h4").all_inner_texts()
        assert headings[0] == f"Profile 1: {profile.name}"
        wide = exercise.evaluate("q => [q.scrollWidth, q.clientWidth, window.innerWidth]")
        assert wide[0] <= wide[1] + 1 and wide[1] <= wide[2], wide
    finally:
        ctx.close()
