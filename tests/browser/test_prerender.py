"""A pre-rendered page belongs to the learner who opens it, not to the moment it was rendered.

``katlearn serve`` pre-renders every page (katlearn/server/_prerender.py). Here the learner's name and a quiz
answer change *after* module 1 has been pre-rendered (by the session's server, once every copy that
earlier tests took has been re-made); the page the learner then opens must be that
pre-rendered copy (the server log says which kernel served it) and must show the new name's
progress and saved answer (katlearn/widgets/live.py builds those parts when the learner arrives).
"""

from __future__ import annotations

import re
import time
import uuid

import psutil
import pytest

from katlearn import content, learning
from katlearn.content import SingleChoice
from katlearn.widgets.quiz import css_id
from tests.browser.helpers import draw_every_figure

NOTEBOOK = "01_what_is_kat.ipynb"

pytestmark = pytest.mark.browser


def _quiet(server, timeout_s: float = 120.0) -> bool:
    """Wait until the server and its kernels are idle: every pre-rendered page waits at its end."""
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        try:
            root = psutil.Process(server.process.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return False
        for p in procs:
            try:
                p.cpu_percent(None)
            except psutil.Error:
                pass
        time.sleep(0.5)
        total = sum(_cpu(p) for p in procs)
        if total < 10.0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 1.5:
                return True
        else:
            quiet_since = None
    return False


def _cpu(p: psutil.Process) -> float:
    try:
        return p.cpu_percent(None)
    except psutil.Error:
        return 0.0


@pytest.fixture
def server_with_copies(server):
    deadline = time.monotonic() + 120
    while f"Kernel pool of {NOTEBOOK} is filled" not in server.log_since(0) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _quiet(server), "pre-rendering did not settle"
    return server


def test_prerendered_page_shows_the_learner_who_arrives(chromium, server_with_copies):
    server = server_with_copies
    offset = server.log_size()
    # after pre-rendering: someone new sits down and has answered one question (e.g. on a phone)
    name = learning.set_local_name(f"arrives later {uuid.uuid4().hex[:8]}")
    try:
        q = next(q for q in content.load_bank("01_what_is_kat").questions if isinstance(q, SingleChoice))
        right = next(i for i, o in enumerate(q.options) if o.correct)
        learning.record_attempt(name, "01_what_is_kat", q.id, right, True, 1.0, "practice")

        ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
        page = ctx.new_page()
        page.goto(server.page_url(NOTEBOOK), timeout=90_000)
        page.wait_for_selector(".kl-quiz .kl-question", state="attached", timeout=90_000)
        kernel_id = page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
        assert re.search(rf"Using pre-heated kernel: {kernel_id} for {re.escape(NOTEBOOK)}", server.log_since(offset)), \
            "the page was not served from a pre-rendered copy"

        header = page.locator(".kl-chrome")
        header.wait_for()
        assert "in progress" in header.inner_text().lower()
        saved = page.locator(f".kl-quiz .{css_id(q.id)} .kl-feedback.kl-correct")
        saved.wait_for(timeout=30_000)
        # the page's explorers were pre-rendered and work as usual
        draw_every_figure(page)
        assert page.locator(".kl-plot.kl-plot-ready").count() >= 1
        assert page.locator(".kl-deferred").count() >= 3  # header, prediction, quiz were built on arrival
        ctx.close()
    finally:
        learning.forget_local_name()
