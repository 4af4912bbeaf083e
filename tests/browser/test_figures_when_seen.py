"""Figures are drawn when they are about to scroll into view (katlearn/widgets/plot.js): what the
learner sees first becomes interactive first. A figure further down is named and described for
screen readers from the start, is drawn once the learner scrolls near it, and printing draws every
figure still waiting. (Presenter mode draws every figure at once: tests/browser/test_presenter.py.)
"""

from __future__ import annotations

PAGE = "02_nmda_glutamate.ipynb"


def _states(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('.kl-plot')].map(p => {
        const area = p.querySelector('.kl-plot-area');
        const cells = document.getElementById('rendered_cells');
        return {seen: p.classList.contains('kl-plot-seen'), ready: p.classList.contains('kl-plot-ready'),
                below_screens: (p.getBoundingClientRect().top - cells.getBoundingClientRect().bottom) / cells.clientHeight,
                label: area.getAttribute('aria-label'), role: area.getAttribute('role'),
                description: p.querySelector('.kl-plot-description').textContent};
    })""")


def _open_without_scrolling(chromium, server):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.goto(server.page_url(PAGE), timeout=90_000)
    page.locator(".kl-plot.kl-plot-ready").first.wait_for(timeout=90_000)
    page.locator(".kl-quiz .kl-question").first.wait_for(state="attached", timeout=90_000)
    page.wait_for_timeout(1500)  # time enough to draw anything that was going to be drawn unasked
    return ctx, page


def test_a_figure_far_below_waits_until_the_learner_scrolls_near_it(chromium, server):
    ctx, page = _open_without_scrolling(chromium, server)
    try:
        states = _states(page)
        far = [i for i, s in enumerate(states) if s["below_screens"] > 1.5]
        assert far, f"no figure far below the first screen on {PAGE}: {states}"
        for i in far:
            s = states[i]
            assert not s["seen"] and not s["ready"], s
            assert s["role"] == "img" and s["label"] and s["description"].strip()  # named before it is drawn
        near = [s for s in states if s["below_screens"] < 0.9]  # on the first screen or the next
        assert all(s["seen"] and s["ready"] for s in near), near
        target = page.locator(".kl-plot").nth(far[0])
        target.scroll_into_view_if_needed()
        page.wait_for_function("(i) => document.querySelectorAll('.kl-plot')[i].classList.contains('kl-plot-ready')",
                               arg=far[0], timeout=30_000)
        assert page.locator(".kl-plot-error").count() == 0
    finally:
        ctx.close()


def test_printing_draws_every_figure_still_waiting(chromium, server):
    ctx, page = _open_without_scrolling(chromium, server)
    try:
        assert not all(s["ready"] for s in _states(page))
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_function("() => [...document.querySelectorAll('.kl-plot')].every("
                               "p => p.classList.contains('kl-plot-ready'))", timeout=30_000)
        assert page.locator(".kl-plot-error").count() == 0
    finally:
        ctx.close()
