"""LTI 1.3 sign-in on the hub (katlearn/server/_lti_login.py), without starting a hub (fast).

The launch checks are the library's (jupyterhub-ltiauthenticator's validator with PyJWT): these
tests sign real id_tokens with a key made here, let the library's validator check them against a
key set it fetches over HTTP on loopback, and check that each failure becomes the refusal it should. The
full flow against a third-party platform is tests/hub/test_lti.py.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

jwt = pytest.importorskip("jwt")
pytest.importorskip("ltiauthenticator")
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from ltiauthenticator.lti13.validator import LTI13LaunchValidator  # noqa: E402

from katlearn.server import _lti_claims as lti  # noqa: E402
from katlearn.server import _lti_login  # noqa: E402
from tests.hub.test_config import load  # noqa: E402

ISSUER = "https://lms.example.org"
CLIENT_ID = "katlearn-tool"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"


@pytest.fixture(scope="module")
def keys():
    """The platform's key (its key set served on loopback) and another key nobody published."""
    platform = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(platform.public_key()))
    jwk.update({"kid": "platform-1", "alg": "RS256", "use": "sig"})
    body = json.dumps({"keys": [jwk]}).encode()

    class KeySet(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeySet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(platform=platform, stranger=stranger,
                              jwks_url=f"http://127.0.0.1:{server.server_port}/jwks")
    finally:
        server.shutdown()
        server.server_close()


def _claims(**changes):
    now = int(time.time())
    claims = {
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "u-1", "iat": now, "exp": now + 300, "nonce": "n-1",
        lti.LTI + "version": "1.3.0", lti.LTI + "message_type": "LtiResourceLinkRequest",
        lti.DEPLOYMENT_CLAIM: "1", lti.TARGET_LINK_CLAIM: "https://hub.example.org/hub/",
        lti.RESOURCE_LINK_CLAIM: {"id": "link-1"}, lti.ROLES_CLAIM: [MEMBERSHIP + "#Learner"],
    }
    claims.update(changes)
    return claims


def _check(keys, claims, key=None) -> str:
    """The refusal the library's validator leads to for a token, or 'accepted'."""
    token = jwt.encode(claims, key or keys.platform, algorithm="RS256", headers={"kid": "platform-1"})
    validator = LTI13LaunchValidator()
    try:
        decoded = validator.verify_and_decode_jwt(token, issuer=ISSUER, audience={CLIENT_ID},
                                                  jwks_endpoint=keys.jwks_url, jwks_algorithms=["RS256"])
        validator.validate_id_token(decoded)
        validator.validate_azp_claim(decoded, {CLIENT_ID})
    except Exception as exc:  # noqa: BLE001 - the test is which refusal each becomes
        return _lti_login.classify(exc)
    return "accepted"


def test_a_good_launch_passes_the_librarys_checks(keys):
    assert _check(keys, _claims()) == "accepted"


def test_each_bad_launch_becomes_its_own_refusal(keys):
    now = int(time.time())
    assert _check(keys, _claims(iat=now - 900, exp=now - 600)) == "expired"
    assert _check(keys, _claims(), key=keys.stranger) == "signature"
    assert _check(keys, _claims(aud="another-tool")) == "audience"
    assert _check(keys, _claims(iss="https://elsewhere.example.org")) == "issuer"
    assert _check(keys, _claims(**{lti.LTI + "version": "1.1"})) == "invalid"


def test_refusals_from_the_librarys_cookie_checks():
    from tornado.web import HTTPError

    assert _lti_login.classify(HTTPError(400, "OAuth nonce mismatch")) == "replayed"
    assert _lti_login.classify(HTTPError(400, "Missing nonce state cookie")) == "replayed"
    assert _lti_login.classify(HTTPError(400, "OAuth state missing from cookies")) == "session"
    assert _lti_login.classify(HTTPError(400, "OAuth state mismatch")) == "session"
    for reason, (status, message) in _lti_login.REFUSALS.items():
        assert status in (400, 401) and message.endswith(".") and "LMS" in message + reason.upper(), reason


def test_a_nonce_is_accepted_once_until_its_launch_expires():
    nonces = _lti_login.UsedNonces()
    assert nonces.first_use("n-1", until_ts=1_000.0, now_ts=900.0)
    assert nonces.was_used("n-1", now_ts=950.0)
    assert not nonces.first_use("n-1", until_ts=1_000.0, now_ts=950.0)
    assert nonces.first_use("n-2", until_ts=1_000.0, now_ts=950.0)
    assert not nonces.was_used("n-1", now_ts=1_001.0)  # expired launches are forgotten
    assert nonces.first_use("n-1", until_ts=2_000.0, now_ts=1_001.0)


def test_the_log_line_of_a_refusal_reads_claims_it_does_not_trust(keys):
    token = jwt.encode(_claims(sub="mallory"), keys.stranger, algorithm="RS256")
    assert _lti_login.unverified_claims(token)["sub"] == "mallory"
    assert _lti_login.unverified_claims("not a token") == {}
    assert _lti_login.unverified_claims(None) == {}


@pytest.mark.parametrize("roles, groups", [
    ([MEMBERSHIP + "#Instructor"], ["educators"]),
    ([MEMBERSHIP + "/Instructor#TeachingAssistant", MEMBERSHIP + "#Learner"], ["educators"]),
    ([MEMBERSHIP + "#Learner"], []),  # a learner is taken out of the group at every launch
])
def test_lms_roles_decide_who_is_in_the_educators_group(roles, groups):
    auth = _lti_login.CourseLTIAuthenticator()
    assert auth.manage_groups is True and auth.username_key == "sub"
    model = asyncio.run(auth.authenticate(None, _claims(sub="U-7", **{lti.ROLES_CLAIM: roles})))
    assert model["name"] == "U-7"
    assert model["groups"] == groups
    assert model["auth_state"][lti.ROLES_CLAIM] == roles  # kept (encrypted) for the grades service


def test_the_learners_page_when_grades_cannot_be_sent_is_escaped():
    page = _lti_login.no_grades_page('/hub/user-redirect/x"><script>', "the LMS <did not> offer it")
    assert "<script>" not in page and "&lt;did not&gt;" in page
    assert "will not be sent to the" in page and 'class="kl-continue"' in page


def _clear(monkeypatch):
    for key in ("KATLEARN_LTI_CLIENT_ID", "KATLEARN_LTI_ISSUER", "KATLEARN_LTI_AUTHORIZE_URL",
                "KATLEARN_LTI_JWKS_URL", "KATLEARN_LTI_USERNAME_CLAIM"):
        monkeypatch.delenv(key, raising=False)


def test_the_deploy_config_turns_lti_on_only_when_a_client_id_is_given(monkeypatch):
    _clear(monkeypatch)
    c, _ns = load(monkeypatch)
    assert "authenticator_class" not in c.JupyterHub
    c, _ns = load(monkeypatch, KATLEARN_LTI_CLIENT_ID=CLIENT_ID, KATLEARN_LTI_ISSUER=ISSUER,
                  KATLEARN_LTI_AUTHORIZE_URL=ISSUER + "/auth", KATLEARN_LTI_JWKS_URL=ISSUER + "/jwks")
    assert c.JupyterHub.authenticator_class == "katlearn.server._lti_login.CourseLTIAuthenticator"
    lti_config = c.CourseLTIAuthenticator
    assert lti_config.client_id == {CLIENT_ID} and lti_config.issuer == ISSUER
    assert lti_config.username_key == "sub"
    assert {"00_start_here", "03_neuroplasticity", "educator_dashboard"} <= set(lti_config.course_modules)
    assert c.Authenticator.enable_auth_state is True
    assert c.JupyterHub.load_groups == {}  # LMS roles decide; JupyterHub refuses both at once


def test_the_deploy_config_names_what_lti_is_missing(monkeypatch):
    _clear(monkeypatch)
    with pytest.raises(ValueError, match="KATLEARN_LTI_ISSUER, KATLEARN_LTI_AUTHORIZE_URL, KATLEARN_LTI_JWKS_URL"):
        load(monkeypatch, KATLEARN_LTI_CLIENT_ID=CLIENT_ID)


def test_only_the_grades_service_gets_the_key_and_the_launches(monkeypatch, tmp_path):
    _clear(monkeypatch)
    for key in ("KATLEARN_LTI_KEY_FILE", "KATLEARN_LTI_TOKEN_URL", "KATLEARN_LTI_GRADES_URL",
                "KATLEARN_LTI_GRADES_INTERVAL_S", "KATLEARN_LTI_GRADES_RETRY_S", "KATLEARN_LTI_STATE_DIR"):
        monkeypatch.delenv(key, raising=False)
    lti_env = dict(KATLEARN_LTI_CLIENT_ID=CLIENT_ID, KATLEARN_LTI_ISSUER=ISSUER,
                   KATLEARN_LTI_AUTHORIZE_URL=ISSUER + "/auth", KATLEARN_LTI_JWKS_URL=ISSUER + "/jwks")
    c, _ns = load(monkeypatch, **lti_env)
    assert "katlearn-lti-grades" not in [s["name"] for s in c.JupyterHub.services]  # sign-in only
    c, ns = load(monkeypatch, **lti_env, KATLEARN_LTI_KEY_FILE=str(tmp_path / "tool.pem"),
                 KATLEARN_LTI_TOKEN_URL=ISSUER + "/token", KATLEARN_LTI_GRADES_INTERVAL_S="30",
                 KATLEARN_CLASS_DIR=str(tmp_path / "class"))
    [service] = [s for s in c.JupyterHub.services if s["name"] == "katlearn-lti-grades"]
    command = service["command"]
    assert command[1:4] == ["-m", "katlearn", "lti-grades"]
    assert command[command.index("--key-file") + 1] == str(tmp_path / "tool.pem")
    assert command[command.index("--class-dir") + 1] == str(tmp_path / "class")
    assert command[command.index("--interval-s") + 1] == "30.0"
    assert service["url"] == "http://127.0.0.1:10101"
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert set(roles["katlearn-lti-grades"]["scopes"]) == {"list:users", "read:users", "admin:auth_state"}
    assert roles["katlearn-lti-grades"]["services"] == ["katlearn-lti-grades"]
    # the key file is named only in the service's command, never in a user's server's environment
    env = c.Spawner.environment
    assert all(str(tmp_path / "tool.pem") not in str(v) for v in env.values() if not callable(v))
    url = env["KATLEARN_LTI_GRADES_URL"]
    learner, educator = SimpleNamespace(user=SimpleNamespace(name="a", admin=False, groups=[])), SimpleNamespace(
        user=SimpleNamespace(name="e", admin=False, groups=[SimpleNamespace(name="educators")]))
    assert url(learner) == ""
    assert url(educator) == "http://127.0.0.1:10101/services/katlearn-lti-grades/"
