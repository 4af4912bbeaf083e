"""When something breaks, the learner is told, never shown a traceback or a silently dead page."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from katlearn import paths
from tests.browser.conftest import ARTIFACTS, start_server
from tests.browser.helpers import CoursePage
from tests.plugin import scratch_dir

BROKEN = "98_broken.ipynb"


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
