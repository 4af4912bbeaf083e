"""The educator dashboard in a browser, over a seeded class in the store the course server uses.

The class (real quiz banks, graded answers) is written to a store of its own (``KATLEARN_DB`` for
this module's educator server), before any page loads: learners other tests saved in the session's
store (tests/plugin.py) must not count. One learner is called ``<img src=x onerror=alert(1)>``: it must show as
text and never run.
"""

from __future__ import annotations

import base64
import csv
import io
import os
import re

import pytest

from katlearn import classroom
from tests.browser import a11y
from tests.browser.conftest import ARTIFACTS, start_server
from tests.browser.helpers import CoursePage, figure_text_problems
from tests.hub.seed import seed_class
from tests.lrs import lrs as local_lrs
from tests.plugin import scratch_dir

KEY = "workshop-key-7f3c9a1d"
XSS = "<img src=x onerror=alert(1)>"
LEARNERS = ["Ada", "Ben", "Chioma", "Dmitri", "Eun-ji", "Farah", "Gabriel", XSS]
PAGE = "educator_dashboard.ipynb"
RECORD_SECRET = "dashboard-test-record-secret-77"


@pytest.fixture(scope="module")
def seeded_class():
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KATLEARN_DB", str(scratch_dir() / "dashboard-class.sqlite"))
        modules, banks, _texts, problems = classroom.course_quizzes()
        assert not problems, problems
        done = {name: 1 + i % 4 for i, name in enumerate(LEARNERS)}  # 1 to 4 modules each
        counts = seed_class(banks, LEARNERS, seed=11, modules_done=done)
        yield {"modules": modules, "banks": banks, **counts}


@pytest.fixture(scope="module")
def lrs():
    """A real Learning Record Store on loopback for the dashboard's "Send to LRS" (tests/lrs/lrs.py)."""
    try:
        server = local_lrs.start()
    except local_lrs.LrsUnavailable as exc:
        pytest.fail(f"the real LRS needed by the dashboard test could not start: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def educator_server(seeded_class, lrs):
    """A course server started with an educator key, the seeded class's store and an LRS (the
    session server has none of them)."""
    old = os.environ.get(classroom.EDUCATOR_KEY_ENV)
    os.environ[classroom.EDUCATOR_KEY_ENV] = KEY
    try:
        # the dashboard is the only page opened here: pre-render just that one
        srv = start_server(log_name="dashboard-server.log", env={
            "KATLEARN_PRERENDER": "0", "KATLEARN_PRERENDER_POOLS": f"{PAGE}=1",
            classroom.LRS_URL_ENV: lrs.endpoint, classroom.LRS_USER_ENV: local_lrs.USER,
            classroom.LRS_PASSWORD_ENV: local_lrs.PASSWORD, classroom.IRI_BASE_ENV: "https://learn.example.org/k",
            classroom.HOME_PAGE_ENV: "https://hub.example.org/", classroom.SECRET_ENV: RECORD_SECRET})
    finally:
        if old is None:
            os.environ.pop(classroom.EDUCATOR_KEY_ENV, None)
        else:
            os.environ[classroom.EDUCATOR_KEY_ENV] = old
    yield srv
    srv.stop()


@pytest.fixture
def educator_page(chromium, educator_server, request):
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = chromium.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    cp = CoursePage(page=page, server=educator_server, artifacts=ARTIFACTS, test_name=request.node.name)
    cp.dialogs = dialogs  # type: ignore[attr-defined]
    yield cp
    ctx.close()


def _whole_page_screenshot(cp: CoursePage, label: str) -> None:
    """Voila scrolls inside #rendered_cells, so grow the viewport to the content to capture it all."""
    page = cp.page
    height = page.evaluate("document.getElementById('rendered_cells').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 40, 16000)})
    page.wait_for_timeout(500)
    cp.screenshot(label)
    page.set_viewport_size({"width": 1280, "height": 800})


def test_learners_see_a_locked_page_and_no_class_data(course, seeded_class):
    page = course.open(PAGE, ready=".kl-dash-locked")
    course.screenshot("locked")
    text = page.locator("#rendered_cells").inner_text()
    assert "Class results are for educators" in text
    assert classroom.EDUCATOR_KEY_ENV in text
    assert page.locator(".kl-dash-table, .kl-dash-key, .kl-plot").count() == 0
    for name in ("Ada", "Chioma", "Gabriel"):
        assert name not in text


def test_educator_sees_the_class_after_typing_the_key(educator_page, seeded_class):
    cp = educator_page
    page = cp.open(PAGE, ready=".kl-dash-key")
    cp.screenshot("key-form")
    assert page.locator(".kl-dash-table").count() == 0

    page.locator(".kl-dash-key input").fill("not the key")
    page.locator(".kl-dash-unlock").click()
    page.wait_for_selector(".kl-dash-key-status:has-text('That key is not right')")
    assert page.locator(".kl-dash-table").count() == 0

    page.locator(".kl-dash-key input").fill(KEY)
    page.locator(".kl-dash-unlock").click()
    page.wait_for_selector(".kl-dash-learners", timeout=60_000)
    cp.wait_rendered()  # every figure drawn, no console or server errors
    cp.screenshot("results-top")
    _whole_page_screenshot(cp, "results-all")
    assert figure_text_problems(page) == []
    page.set_viewport_size({"width": 390, "height": 844})  # an educator on a phone
    page.wait_for_timeout(500)  # figures follow their box's width
    assert figure_text_problems(page) == []
    _whole_page_screenshot(cp, "results-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    found = a11y.violations(page)
    assert not found, a11y.describe(found)

    summary = page.locator(".kl-dash-summary").inner_text()
    assert f"{len(LEARNERS)} learners" in summary and f"{seeded_class['attempts']} saved answers" in summary
    assert page.locator(".kl-plot.kl-plot-ready").count() == 3

    # one row per learner, names shown as text
    rows = page.locator(".kl-dash-learners tbody tr")
    assert rows.count() == len(LEARNERS)
    names = sorted(rows.nth(i).locator("th").inner_text() for i in range(rows.count()))
    assert names == sorted(LEARNERS)
    # the hostile name is text: no element was made from it and nothing ran
    assert page.locator("#rendered_cells img").count() == 0
    assert page.get_by_text(XSS, exact=True).count() >= 1
    assert cp.dialogs == []  # type: ignore[attr-defined]

    # module progress agrees with what was seeded: everyone did module 00, nobody module 07
    modules = page.locator(".kl-dash-modules tbody tr")
    first = modules.nth(0).locator("td").all_text_contents()
    assert int(first[0]) + int(first[1]) == len(LEARNERS) and first[2] == "0"
    last = modules.nth(modules.count() - 1).locator("td").all_text_contents()
    assert last[:3] == ["0", "0", str(len(LEARNERS))]

    # the question table names a commonest wrong answer for the hardest question
    page.locator("details:has(.kl-dash-items) > summary").click()
    hardest = page.locator(".kl-dash-items tbody tr").first.locator("td").all_text_contents()
    assert re.search(r"\(\d+\)$", hardest[-1]), hardest

    # the gradebook download is the CSV the exporter writes
    with page.expect_download() as info:
        page.get_by_text("Class results (CSV, one row per learner)").click()
    download = info.value
    assert download.suggested_filename == "katlearn-class-results.csv"
    rows_csv = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows_csv[0][0] == "learner" and sorted(r[0] for r in rows_csv[1:]) == sorted(LEARNERS)
    cp.check()


def test_download_links_hold_csv_not_markup(educator_page, seeded_class):
    cp = educator_page
    page = cp.open(PAGE, ready=".kl-dash-key")
    page.locator(".kl-dash-key input").fill(KEY)
    page.locator(".kl-dash-unlock").click()
    page.wait_for_selector(".kl-dash-downloads a", timeout=60_000)
    hrefs = page.locator(".kl-dash-downloads a").evaluate_all("links => links.map(a => a.href)")
    assert len(hrefs) == 3
    for href in hrefs:
        assert href.startswith("data:text/csv;charset=utf-8;base64,")
        text = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
        assert text.splitlines()[0].count(",") >= 3


def test_educator_sends_the_class_to_the_lrs(educator_page, seeded_class, lrs):
    cp = educator_page
    page = cp.open(PAGE, ready=".kl-dash-key")
    page.locator(".kl-dash-key input").fill(KEY)
    page.locator(".kl-dash-unlock").click()
    page.wait_for_selector(".kl-dash-lrs-send", timeout=60_000)
    assert lrs.endpoint in page.locator(".kl-dash-lrs-status").inner_text()
    total = seeded_class["attempts"] + seeded_class["completions"]
    page.locator(".kl-dash-lrs-send").click()
    page.wait_for_selector(".kl-dash-lrs-status:has-text('Sent ')", timeout=120_000)
    status = page.locator(".kl-dash-lrs-status").inner_text()
    assert f"Sent {total} of {total} statements to {lrs.endpoint}" in status
    assert len(lrs.statements()) == total
    page.locator(".kl-dash-lrs").scroll_into_view_if_needed()
    cp.screenshot("lrs-sent")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator(".kl-dash-lrs").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    cp.screenshot("lrs-sent-phone")
    cp.check()


def test_educator_downloads_every_learners_record_of_completion(educator_page, seeded_class):
    """One PDF and one HTML record per learner who completed a module at mastery, each genuine."""
    import sqlite3
    import zipfile

    from katlearn import content

    modules = {m.slug for m in content.learner_modules()}
    with sqlite3.connect(scratch_dir() / "dashboard-class.sqlite") as conn:
        expected = {lr for lr, m in conn.execute("SELECT learner, module FROM completions WHERE mastered = 1")
                    if m in modules}
    assert 0 < len(expected) < len(LEARNERS) + 1
    cp = educator_page
    page = cp.open(PAGE, ready=".kl-dash-key")
    page.locator(".kl-dash-key input").fill(KEY)
    page.locator(".kl-dash-unlock").click()
    page.locator(".kl-class-records-make").click()
    link = page.locator("a.kl-class-records-zip")
    link.wait_for(timeout=240_000)
    with page.expect_download() as info:
        link.click()
    archive = zipfile.ZipFile(info.value.path())
    key = classroom.secret(RECORD_SECRET)
    learners = set()
    for name in archive.namelist():
        verdict = classroom.verify_file(archive.read(name), key)
        assert verdict.genuine, (name, verdict.message)
        learners.add(verdict.record.learner)
    assert learners == expected and len(archive.namelist()) == 2 * len(expected)
    cp.check()
