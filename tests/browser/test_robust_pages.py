"""When something breaks, the learner is told, never shown a traceback or a silently dead page."""

from __future__ import annotations

import re
import shutil
import time

import nbformat
import pytest

from katlearn import paths
from tests.browser.conftest import ARTIFACTS, start_server
from tests.browser.helpers import CoursePage, server_errors
from tests.plugin import scratch_dir

BROKEN = "98_broken.ipynb"
# Two notebooks that are not course pages: an educator's own (no course metadata) and a file cut
# short while saving (not JSON). Neither may take the course's pages down with it.
STRAYS = {"extra": "metadata.katlearn: missing", "half_saved": "not a readable notebook"}
MODULES = {"01_what_is_kat.ipynb": ".kl-onset-explorer .kl-plot-ready", "02_nmda_glutamate.ipynb": ".kl-quiz"}


@pytest.fixture(scope="module")
def broken_course():
    """A copy of the course with one extra page whose second cell raises."""
    root = scratch_dir() / "broken-course"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(paths.assets(), root / "assets")
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(paths.notebooks() / "00_start_here.ipynb", root / "notebooks")
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "katlearn": {"order": 98, "title": "A page with a broken cell", "summary": "for tests", "minutes": 1},
    }
    nb.cells = [
        nbformat.v4.new_code_cell('from katlearn.widgets import page\npage.setup("98_broken")'),
        nbformat.v4.new_markdown_cell("# A page with a broken cell\n\nText before the failure."),
        nbformat.v4.new_code_cell("raise RuntimeError('model exploded: secret internals')"),
        nbformat.v4.new_markdown_cell("Text after the failure is still shown."),
    ]
    nbformat.write(nb, root / "notebooks" / BROKEN)
    srv = start_server(log_name="broken.log", env={"KATLEARN_ROOT": str(root)})
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def course_with_strays():
    """A copy of the course (home, modules 01 and 02) with two notebooks that are not course pages."""
    root = scratch_dir() / "stray-course"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(paths.assets(), root / "assets")
    (root / "notebooks").mkdir(parents=True)
    for name in ["00_start_here.ipynb", *MODULES]:
        shutil.copy(paths.notebooks() / name, root / "notebooks")
    own = nbformat.v4.new_notebook()
    own.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    own.cells = [nbformat.v4.new_markdown_cell("# My workshop notes"), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(own, root / "notebooks" / "extra.ipynb")
    (root / "notebooks" / "half_saved.ipynb").write_text('{"cells": [{"cell_type": "mark', encoding="utf-8")
    srv = start_server(log_name="strays.log", env={"KATLEARN_ROOT": str(root)})
    yield srv
    srv.stop()


def test_a_notebook_that_is_not_a_course_page_leaves_the_rest_intact(chromium, course_with_strays):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    cp = CoursePage(page=ctx.new_page(), server=course_with_strays, artifacts=ARTIFACTS, test_name="strays")
    try:
        page = cp.open("00_start_here.ipynb", ready=".kl-course-map")
        cp.screenshot("home")
        assert page.locator(".kl-chrome").is_visible()
        links = page.locator(".kl-course-map a.kl-map-link")
        assert [links.nth(i).get_attribute("href") for i in range(links.count())] == list(MODULES)
        assert page.locator(".kl-cell-error").count() == 0
        for notebook, ready in MODULES.items():
            page = cp.open(notebook, ready=ready)
            cp.screenshot(notebook.split("_")[0])
            assert page.locator(".kl-chrome").is_visible()
            assert page.locator(".kl-chrome .kl-where").inner_text() == f"Module {list(MODULES).index(notebook) + 1} of 2"
            nav = page.locator(".kl-chrome a[href$='.ipynb']")
            assert not [h for h in (nav.nth(i).get_attribute("href") for i in range(nav.count()))
                        if h.split("#")[0].startswith(tuple(STRAYS))]
            assert page.locator(".kl-references li").count() >= 5
            assert page.locator(".kl-cell-error").count() == 0
        page.goto(course_with_strays.page_url("00_start_here.ipynb"))  # leave module 02: its close beacon
        page.wait_for_selector(".kl-course-map", state="visible", timeout=90_000)
        log = course_with_strays.log_path.read_text()
        assert not server_errors(log), server_errors(log)
        # every close beacon was accepted: a notebook that cannot be read once made them all fail (400),
        # and kernels of closed pages lived on until culled
        refused = re.findall(r"^.*\b4\d\d POST /voila/api/shutdown/.*$", log, re.M)
        assert not refused, refused
        left = ["00_start_here.ipynb", *MODULES]  # each page handed out a kernel that its beacon shuts down
        deadline = time.monotonic() + 30
        while len(re.findall(r"Kernel shutdown: ", log)) < len(left) and time.monotonic() < deadline:
            time.sleep(0.5)
            log = course_with_strays.log_path.read_text()
        assert len(re.findall(r"Kernel shutdown: ", log)) >= len(left), log[-3000:]
        for stem, reason in STRAYS.items():  # one warning for each, however many pages were served
            assert log.count(f"notebooks/{stem}.ipynb: {reason}") == 1, (stem, log)
    finally:
        ctx.close()


def test_failed_cell_shows_a_friendly_notice_and_is_logged(chromium, broken_course):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    cp = CoursePage(page=page, server=broken_course, artifacts=ARTIFACTS, test_name="broken-cell")
    try:
        page.goto(broken_course.page_url(BROKEN))
        page.wait_for_selector(".kl-cell-error", state="visible", timeout=90_000)
        cp.screenshot("friendly-error")
        text = page.locator("#rendered_cells").inner_text()
        assert "could not be shown" in text
        assert "Text after the failure is still shown." in text
        assert "Traceback" not in text and "secret internals" not in text and "RuntimeError" not in text
        log = broken_course.log_path.read_text()
        assert "ERROR katlearn: a cell failed" in log and "model exploded" in log
    finally:
        ctx.close()


def test_lost_connection_shows_a_notice(chromium, broken_course):
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    try:
        page.goto(broken_course.page_url("00_start_here.ipynb"))
        page.wait_for_selector(".kl-chrome", state="visible", timeout=90_000)
        notice = page.locator("#kl-connection")
        assert notice.is_hidden()
        broken_course.stop()  # the server goes away while the learner is on the page
        notice.wait_for(state="visible", timeout=30_000)
        assert "connection to the course server was lost" in notice.inner_text()
        assert page.get_by_role("button", name="Reload the page").is_visible()
    finally:
        ctx.close()
