"""Launch from an LMS into the real hub, and grades back, against a platform that is not ours.

The LMS is ``lti1p3platform`` (PyPI), a third-party LTI 1.3 platform implementation, served on
loopback (tests/hub/lti_platform.py): it starts each launch (OIDC login initiation), checks the
hub's authentication request, signs the launch, issues access tokens to the grades service after
checking its signed client assertion against the tool's key set, and runs the Assignment and
Grade Services endpoints (token and scope checks are the library's). The library leaves storage
to its user, so the line items and scores it receives are kept in memory by the test, following
the AGS spec (one result per user and line item, newer replaces older).

The hub is the deploy config with its LTI settings (tests/hub/hub.py) and the katlearn-lti-grades
service syncing every 2 s. Two learners and an instructor launch in headless Chromium; one learner
completes a module quiz while the platform's gradebook refuses the first score (HTTP 500); the
test reads the score back from the platform's AGS results endpoint (with PyLTI1p3, as a tool
does) and checks it was accepted exactly once. Bad launches (expired, wrongly signed, for another
audience, replayed) must be refused with a page and a log line.

Slow (a hub, three single-user servers): ``pytest tests/hub``. Skipped when something is missing,
unless ``KATLEARN_REQUIRE_HUB=1``.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from katlearn import content
from katlearn.widgets.quiz import css_id
from tests.browser.quiz_driver import answer
from tests.chromium import LAUNCH_ARGS, ChromiumNotFound, find_chromium
from tests.hub.hub import HubUnavailable, free_ports, start_hub, unavailable

lti_platform = pytest.importorskip("tests.hub.lti_platform", reason="lti1p3platform is not installed")
pytest.importorskip("pylti1p3")
pytest.importorskip("ltiauthenticator")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERVICE = "katlearn-lti-grades"
MODULE = "00_start_here"
SYNC_S = 2

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lms():
    """The platform and the hub, each knowing the other's address."""
    try:
        ports = free_ports(5)
    except HubUnavailable as exc:
        unavailable(str(exc))
    public, _hub, _proxy, platform_port, grades_port = ports
    hub_url = f"http://127.0.0.1:{public}/"
    platform = lti_platform.Platform(platform_port, hub_url, hub_url + f"services/{SERVICE}/jwks.json")
    platform.start()
    state = Path(tempfile.mkdtemp(prefix="katlearn-lti-"))
    key_file = state / "tool.pem"
    key_file.write_text(lti_platform._pem_pair()[0], encoding="utf-8")
    key_file.chmod(0o600)
    env = {
        "KATLEARN_LTI_CLIENT_ID": lti_platform.CLIENT_ID,
        "KATLEARN_LTI_ISSUER": platform.issuer,
        "KATLEARN_LTI_AUTHORIZE_URL": platform.url + "authorize",
        "KATLEARN_LTI_JWKS_URL": platform.url + "jwks",
        "KATLEARN_LTI_TOKEN_URL": platform.url + "token",
        "KATLEARN_LTI_KEY_FILE": str(key_file),
        "KATLEARN_LTI_GRADES_URL": f"http://127.0.0.1:{grades_port}",
        "KATLEARN_LTI_GRADES_INTERVAL_S": str(SYNC_S),
        "KATLEARN_LTI_GRADES_RETRY_S": str(SYNC_S),
        "KATLEARN_LTI_STATE_DIR": str(state / "lti"),
        "JUPYTERHUB_CRYPT_KEY": secrets.token_hex(32),
    }
    try:
        hub = start_hub(admins=(), lti_env=env, ports=ports[:3])
    except HubUnavailable as exc:
        platform.stop()
        unavailable(str(exc))
    try:
        yield hub, platform, key_file
    finally:
        hub.stop()
        platform.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "hub-lti.log").write_text(hub.log(), encoding="utf-8")
        shutil.rmtree(hub.state, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    try:
        exe = find_chromium()
    except ChromiumNotFound as exc:
        unavailable(str(exc))
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    return context, context.new_page()


def _shot(page, label: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"hub-lti-{label}.png"))


def _wait_rendered(page, ready: str) -> None:
    page.wait_for_selector("#rendered_cells", state="visible", timeout=120_000)
    page.wait_for_selector(ready, state="visible", timeout=120_000)


def _until(check, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout_s:.0f} s: {what}")


@pytest.mark.parametrize("variant, says, reason", [
    ("expired", "has expired", "expired"),
    ("badsig", "not signed by the LMS this course trusts", "signature"),
    ("audience", "meant for another tool", "audience"),
])
def test_a_bad_launch_is_refused_with_a_page_and_a_log_line(lms, browser, variant, says, reason):
    hub, platform, key_file = lms
    context, page = _page(browser)
    try:
        page.goto(platform.start_url(f"mallory-{variant}", module=MODULE, variant=variant), timeout=60_000)
        page.wait_for_selector(f"text={says}", timeout=30_000)
        _shot(page, f"refused-{variant}")
        assert "/user/" not in page.url, page.url
    finally:
        context.close()
    assert re.search(rf"katlearn-lti: refused launch \({reason}\): .*sub='mallory-{variant}'", hub.log())
    assert hub.api("GET", f"users/mallory-{variant}")[0] == 404  # nobody was signed in


def test_launches_sign_people_in_on_their_module_and_a_score_reaches_the_gradebook_once(lms, browser):
    hub, platform, key_file = lms
    platform.book.fail_next_scores = 1  # the gradebook is down for the first score: it must be retried
    alice_context, alice = _page(browser)
    bob_context, bob = _page(browser)
    edna_context, edna = _page(browser)
    try:
        # -- a learner lands on the module the link names, signed in under the launch's 'sub' --
        alice.goto(platform.start_url("alice", module=MODULE), timeout=60_000)
        bob.goto(platform.start_url("bob", module="03_neuroplasticity", variant="noags"), timeout=60_000)
        edna.goto(platform.start_url("edna", role="instructor", module="educator_dashboard"), timeout=60_000)
        alice.wait_for_url(f"**/user/alice/voila/render/{MODULE}.ipynb", timeout=180_000)
        _wait_rendered(alice, ".kl-quiz")
        assert "Signed in as alice" in alice.locator(".kl-learner").inner_text()
        _shot(alice, "learner-landed")

        # -- a launch without the gradebook lets the learner in and says so --------------------
        bob.wait_for_selector(".kl-no-grades", timeout=60_000)
        assert "will not be sent to the" in bob.locator(".kl-no-grades").inner_text()
        _shot(bob, "no-grades")
        bob.locator(".kl-continue").click()
        bob.wait_for_url("**/user/bob/voila/render/03_neuroplasticity.ipynb", timeout=180_000)
        _wait_rendered(bob, ".kl-quiz")

        # -- the same launch sent again is refused ---------------------------------------------
        used = next(launch for launch in reversed(platform.launches)
                    if _claim(launch.id_token, "sub") == "alice")
        replay = alice_context.new_page()
        replay.set_content(f'<form method="post" action="{used.url}"><input name="id_token" value="{used.id_token}">'
                           f'<input name="state" value="{used.state}"><button>go</button></form>')
        replay.click("button")
        replay.wait_for_selector("text=This sign-in was already used", timeout=30_000)
        replay.close()
        assert "katlearn-lti: refused launch (replayed)" in hub.log()

        # -- the instructor is an educator: the class dashboard opens; a learner's stays locked -
        edna.wait_for_url("**/user/edna/voila/render/educator_dashboard.ipynb", timeout=180_000)
        _wait_rendered(edna, ".kl-dash-summary")
        groups = {name: hub.api("GET", f"users/{name}")[1]["groups"] for name in ("alice", "bob", "edna")}
        assert groups == {"alice": [], "bob": [], "edna": ["educators"]}
        bob.goto(hub.url + "user/bob/voila/render/educator_dashboard.ipynb", timeout=120_000)
        _wait_rendered(bob, ".kl-dash-locked")

        # -- alice completes the module's quiz -------------------------------------------------
        bank = content.load_bank(MODULE)
        for q in bank.questions:
            box = alice.locator(f".{css_id(q.id)}")
            answer(box, q)
            box.locator("button.kl-check").click()
            box.locator(".kl-feedback.kl-correct").wait_for(timeout=30_000)

        # -- the score reaches the platform's gradebook once, after one refused try -------------
        accepted = _until(lambda: platform.accepted_scores(), 90, "the platform accepted alice's score")
        time.sleep(3 * SYNC_S)  # three more syncs: nothing more may arrive
        accepted = platform.accepted_scores()
        assert len(accepted) == 1, accepted
        lineitem_id, score = accepted[0]
        statuses = [status for li, _body, status in platform.book.score_posts if li == lineitem_id]
        assert statuses == [500, 200], statuses
        item = platform.book.lineitems[lineitem_id]
        assert item["resourceId"] == MODULE and item["scoreMaximum"] == 100
        assert item["label"] == f"katlearn: {content.module(MODULE).title}"
        assert score["userId"] == "alice"
        assert (score["scoreGiven"], score["scoreMaximum"]) == (100.0, 100.0)
        assert (score["activityProgress"], score["gradingProgress"]) == ("Completed", "FullyGraded")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", score["timestamp"])
        assert score["comment"].startswith("Mastered")
        assert len(platform.book.lineitems) == 1  # bob's launch had no gradebook: nothing of his
        log = hub.log()
        assert f"{SERVICE}: could not send alice's {MODULE} score" in log and "HTTP 500" in log

        # -- read back from the platform's AGS results endpoint, as a tool does ----------------
        results = _results(platform, key_file, lineitem_id)
        assert [(r["userId"], r["resultScore"], r["resultMaximum"]) for r in results] == [("alice", 100.0, 100.0)]

        # -- the educator's dashboard reports what was sent -------------------------------------
        edna.reload()
        _wait_rendered(edna, ".kl-dash-lms")
        assert "1 sent, 0 waiting, 0 failed" in edna.locator(".kl-dash-lms").inner_text()
        _shot(edna, "dashboard")
    finally:
        for context in (alice_context, bob_context, edna_context):
            context.close()


def _claim(token: str, name: str):
    import jwt

    return jwt.decode(token, options={"verify_signature": False}).get(name)


def _results(platform, key_file: Path, lineitem_id: str) -> list[dict]:
    """The platform's results for a line item, fetched with PyLTI1p3 and the tool's key."""
    from pylti1p3.assignments_grades import AssignmentsGradesService
    from pylti1p3.lineitem import LineItem
    from pylti1p3.registration import Registration
    from pylti1p3.service_connector import ServiceConnector

    from katlearn.server._lti_service import read_key

    private_pem, public_pem = read_key(key_file)
    registration = (Registration().set_issuer(platform.issuer).set_client_id(lti_platform.CLIENT_ID)
                    .set_auth_token_url(platform.url + "token").set_tool_private_key(private_pem)
                    .set_tool_public_key(public_pem))
    ags = AssignmentsGradesService(ServiceConnector(registration), {
        "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"],
        "lineitems": platform.url + "lineitems"})
    return ags.get_grades(LineItem().set_id(lineitem_id))

