"""Sign-in from an LMS: jupyterhub-ltiauthenticator's LTI 1.3 login with the course's rules.

:class:`CourseLTIAuthenticator` is ``ltiauthenticator``'s ``LTI13Authenticator`` (which performs
the OIDC login initiation and checks the launch's signature against the platform's JWKS, its
issuer, audience, expiry and nonce cookie) with what the course adds:

- the hub user name is the launch's ``sub`` claim by default: the platform's stable, opaque id of
  the person, present in every launch. E-mail is not the default: platforms leave it out under
  privacy settings, people change it, and an address can be handed to someone else later;
- instructors and teaching assistants of the course (context roles, see
  :func:`~katlearn.server._lti_claims.is_educator`) are put in the hub group ``educators`` at
  every launch, everyone else is taken out of it (the authenticator manages groups);
- the launch's target module (custom parameter ``module``, or the target link) opens directly;
- a launch is refused with a page that says what to do and one log line saying why, when it has
  expired, was already used (the same nonce twice: the library checks the nonce against a cookie,
  which a re-sent launch in the same browser still has, so the course also remembers used nonces
  until they expire), is wrongly signed, or is meant for another tool (audience);
- a launch without what grades need (AGS) still signs the learner in and says that grades will not
  be sent to the LMS.

The launch's claims are kept as the user's encrypted ``auth_state`` (the library does this), where
the grades service (``katlearn lti-grades``) reads where scores go; learners' servers never get it.
Loaded by the hub by name (``katlearn.server._lti_login.CourseLTIAuthenticator``); imports only
JupyterHub, the library and the standard library.
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any

import jwt
from jupyterhub.utils import url_path_join
from ltiauthenticator.lti13.auth import LTI13Authenticator
from ltiauthenticator.lti13.error import InvalidAudienceError, LoginError, TokenError, ValidationError
from ltiauthenticator.lti13.handlers import (
    NONCE_STATE_COOKIE_NAME,
    STATE_COOKIE_NAME,
    LTI13CallbackHandler,
)
from tornado.web import HTTPError
from traitlets import Bool, List, Unicode

from katlearn.server._lti_claims import grade_target, is_educator, launch_roles, target_module

LOG_PREFIX = "katlearn-lti"
# A used nonce is remembered this long past its launch's expiry (covers the clock skew the library
# allows when it checks expiry).
NONCE_MARGIN_S = 300.0

# What a refused launch tells the person (the log line says why, for the hub admin).
REFUSALS = {
    "expired": (400, "This sign-in link from your LMS has expired. Go back to your course in the LMS "
                     "and open the link again."),
    "replayed": (400, "This sign-in was already used. Each launch from the LMS works once: go back to "
                      "your course in the LMS and open the link again."),
    "session": (400, "This sign-in did not start in this browser. Open the link again from your course "
                     "in the LMS (and allow cookies for this site)."),
    "signature": (401, "This launch was not signed by the LMS this course trusts, so you were not signed "
                       "in. If it came from your course's LMS, tell your instructor: the hub's LTI "
                       "settings (the platform's key set URL) may be out of date."),
    "audience": (401, "This launch was meant for another tool (its client ID is not this course's), so "
                      "you were not signed in. Tell your instructor: the tool's client ID in the LMS and "
                      "on the hub must match."),
    "issuer": (401, "This launch came from an LMS this course is not registered with, so you were not "
                    "signed in. Tell your instructor."),
    "invalid": (400, "The launch from your LMS was incomplete, so you were not signed in. Open the link "
                     "again from your course; if it keeps failing, tell your instructor."),
}


def classify(exc: Exception) -> str:
    """Which refusal a failed launch check is (see REFUSALS)."""
    text = str(getattr(exc, "log_message", None) or exc).lower()
    if isinstance(exc, InvalidAudienceError) or "audience" in text or "azp" in text:
        return "audience"
    if "expired" in text or "too long ago" in text or "not yet valid" in text:
        return "expired"
    if "nonce" in text:
        return "replayed"
    if "state" in text and ("cookie" in text or "mismatch" in text):
        return "session"
    if "signature" in text or "signing key" in text or "decode" in text:
        return "signature"
    if "issuer" in text:
        return "issuer"
    return "invalid"


def unverified_claims(token: str | None) -> dict[str, Any]:
    """A refused launch's claims, for the log line only (never trusted)."""
    try:
        return jwt.decode(token or "", options={"verify_signature": False})
    except jwt.PyJWTError:
        return {}


class UsedNonces:
    """Nonces of accepted launches, kept until their launch expires: the same launch twice is
    refused. One hub process holds them (a restart forgets them; the launches they came with
    expire within minutes)."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, nonce: str, until_ts: float, now_ts: float | None = None) -> bool:
        """Remember ``nonce`` until ``until_ts``; False if it is remembered already."""
        now_ts = time.time() if now_ts is None else now_ts
        with self._lock:
            self._until = {n: t for n, t in self._until.items() if t >= now_ts}
            if nonce in self._until:
                return False
            self._until[nonce] = until_ts
            return True

    def was_used(self, nonce: str, now_ts: float | None = None) -> bool:
        now_ts = time.time() if now_ts is None else now_ts
        with self._lock:
            return self._until.get(nonce, -1.0) >= now_ts


class CourseLTI13CallbackHandler(LTI13CallbackHandler):
    """The launch (``/hub/lti13/oauth_callback``): checked by the library, then by the course."""

    _launch: dict[str, Any] | None = None

    def refuse(self, reason: str, detail: str) -> None:
        status, message = REFUSALS[reason]
        claims = unverified_claims(self.get_argument("id_token", None))
        self.log.warning("%s: refused launch (%s): %s; iss=%r aud=%r sub=%r from %s", LOG_PREFIX, reason, detail,
                         claims.get("iss"), claims.get("aud"), claims.get("sub"), self.request.remote_ip)
        error = HTTPError(status, f"LTI launch refused ({reason}): {detail}", reason="Sign-in from the LMS refused")
        error.jupyterhub_message = message
        raise error

    async def post(self) -> None:
        # A launch whose nonce was used is refused as a replay before anything else (its cookies
        # were cleared when it was first used, which the library would report less clearly).
        nonce = unverified_claims(self.get_argument("id_token", None)).get("nonce")
        if isinstance(nonce, str) and self.authenticator.used_nonces.was_used(nonce):
            self.refuse("replayed", f"nonce {nonce!r} was already used")
        try:
            id_token = self.decode_and_validate_launch_request()
        except (ValidationError, HTTPError) as exc:
            self.refuse(classify(exc), str(getattr(exc, "log_message", None) or exc))
        until_ts = float(id_token.get("exp", 0)) + NONCE_MARGIN_S
        if not self.authenticator.used_nonces.first_use(str(id_token.get("nonce")), until_ts):
            self.refuse("replayed", f"nonce {id_token.get('nonce')!r} was already used")
        self._launch = id_token
        try:
            user = await self.login_user(id_token)
        except LoginError as exc:
            self.refuse("invalid", str(exc))
        if user is None:
            raise HTTPError(403, "User missing or null")
        self.clear_cookie(STATE_COOKIE_NAME)
        self.clear_cookie(NONCE_STATE_COOKIE_NAME)
        next_url = self.get_next_url(user)
        roles = launch_roles(id_token)
        target, why_not = grade_target(id_token)
        self.log.info("%s: %s signed in (%s) -> %s; grades %s", LOG_PREFIX, user.name,
                      "educator" if is_educator(roles) else "learner", next_url,
                      "to " + target.lineitems_url if target else "not sent: " + why_not)
        if target is None and not is_educator(roles) and self.authenticator.tell_when_no_grades:
            self.finish(no_grades_page(next_url, why_not))
            return
        self.redirect(next_url)

    def get_next_url(self, user=None) -> str:
        module = target_module(self._launch or {}, self.authenticator.course_modules)
        if module:
            path = self.authenticator.module_path.format(module=module)
            return url_path_join(self.hub.base_url, "user-redirect", path)
        return super().get_next_url(user)


def no_grades_page(next_url: str, why_not: str) -> str:
    """The page a learner sees when their launch cannot send grades: they are in, told so once."""
    link = html.escape(next_url, quote=True)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Signed in: grades will not be sent</title>
<style>body{{font:1.05rem/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b}}
a.kl-continue{{display:inline-block;margin-top:1rem;padding:.6rem 1.2rem;background:#1d4f91;color:#fff;
border-radius:4px;text-decoration:none}}</style></head>
<body><main>
<h1>You are signed in</h1>
<p class="kl-no-grades">Your work in this course is saved, but <strong>your scores will not be sent to the
LMS gradebook</strong> from this link: {html.escape(why_not)}. If your instructor expects grades from this course,
tell them.</p>
<a class="kl-continue" href="{link}">Continue to the course</a>
</main></body></html>"""


class CourseLTIAuthenticator(LTI13Authenticator):
    """LTI 1.3 login for the course (see the module docstring)."""

    callback_handler = CourseLTI13CallbackHandler

    username_key = Unicode(
        "sub", config=True,
        help="Launch claim used as the hub user name (default: 'sub', the platform's stable id of the "
             "person); 'custom_<name>' reads a custom parameter. Not e-mail: see deploy/jupyterhub/README.md.",
    )
    manage_groups = Bool(True, config=True, help="Educators' group membership follows their LMS roles.")
    educators_group = Unicode("educators", config=True, help="Hub group of instructors and teaching assistants.")
    course_modules = List(Unicode(), config=True, help="Notebook names (no .ipynb) a launch may open.")
    module_path = Unicode("voila/render/{module}.ipynb", config=True,
                          help="Path on the user's server that shows a module.")
    tell_when_no_grades = Bool(True, config=True,
                               help="Show learners a page saying grades will not be sent when a launch lacks AGS.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.used_nonces = UsedNonces()

    async def authenticate(self, handler, data: dict[str, Any] | None = None) -> dict[str, Any]:
        model = await super().authenticate(handler, data)
        model["groups"] = [self.educators_group] if is_educator(launch_roles(data or {})) else []
        return model
