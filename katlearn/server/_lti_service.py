"""``katlearn lti-grades``: the hub service that sends module scores to the LMS gradebook (LTI AGS).

It alone holds the tool's private key and gets the platform's access tokens; learners' servers and
kernels never see either. Every ``interval_s`` it

1. reads the class's progress stores (read-only copies, as the educator dashboard does) and makes
   one grade per learner and module completed (:func:`~katlearn.classroom.module_grades`);
2. asks the hub (its own API token, scope ``admin:auth_state``) where each learner's scores go:
   the AGS claim of their latest LMS launch, kept in their encrypted ``auth_state`` by the login;
3. puts each grade the LMS does not have yet in its outbox (``<state dir>/lti-grades.sqlite``) and
   sends what is due with PyLTI1p3: the module's line item (found by ``resourceId``, created if
   missing; one per module and course), then the score. A failed or refused send stays in the
   outbox and is retried, waiting from a minute up to an hour; the educator dashboard shows it.

It also serves, under its hub prefix (``/services/katlearn-lti-grades/``): ``jwks.json``, the
tool's public key set that the LMS registration points to, and ``status``, the outbox's report for
the educator dashboard (for hub tokens that may see class results).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration
from pylti1p3.service_connector import ServiceConnector
from requests import RequestException
from tornado import web

from katlearn import classroom, content, learning
from katlearn.server._lti_claims import SCOPE_LINEITEM, SCOPE_SCORE, GradeTarget, grade_target

log = logging.getLogger("katlearn.lti-grades")

SERVICE_NAME = "katlearn-lti-grades"
LINEITEM_TAG = "katlearn"
HUB_TIMEOUT_S = 10.0
AGS_SCOPES = [SCOPE_LINEITEM, "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly", SCOPE_SCORE]


@dataclass(frozen=True)
class GradesSettings:
    key_file: Path  # the tool's private key (PEM), readable only by the service
    token_url: str  # the platform's OAuth 2 access-token URL
    class_stores: str  # the class folder (as KATLEARN_CLASS_STORES)
    state_dir: Path  # where the outbox lives
    interval_s: float = 60.0
    first_retry_s: float = 60.0  # wait after a failed send (doubling up to an hour)
    auth_audience: str = ""  # the token URL's audience, if the platform wants another than the URL
    hub_api_url: str = field(default_factory=lambda: os.environ.get("JUPYTERHUB_API_URL", ""))
    hub_token: str = field(default_factory=lambda: os.environ.get("JUPYTERHUB_API_TOKEN", ""))


def read_key(path: Path) -> tuple[str, str]:
    """The tool's private key and its public half, as PEM text; a clear error if unusable."""
    try:
        private_pem = path.read_bytes()
        key = serialization.load_pem_private_key(private_pem, password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise SystemExit(f"{path}: cannot read the tool's private key (PEM, unencrypted): {exc}") from None
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_pem.decode(), public_pem.decode()


def public_jwks(public_pem: str) -> dict:
    return {"keys": [dict(Registration.get_jwk(public_pem))]}


# -- the hub: where each learner's scores go ----------------------------------------------------

def _hub_get(settings: GradesSettings, path: str, token: str | None = None) -> Any:
    request = urllib.request.Request(settings.hub_api_url.rstrip("/") + "/" + path.lstrip("/"),
                                     headers={"Authorization": f"token {token or settings.hub_token}"})
    with urllib.request.urlopen(request, timeout=HUB_TIMEOUT_S) as response:  # noqa: S310 - the hub's own URL
        return json.load(response)


def grade_targets(settings: GradesSettings) -> dict[str, GradeTarget]:
    """Hub user name -> where their scores go, from each user's latest launch (auth_state)."""
    names: list[str] = []
    offset = 0
    while True:
        page = _hub_get(settings, f"users?offset={offset}&limit=200")
        names += [u["name"] for u in page]
        if len(page) < 200:
            break
        offset += len(page)
    targets = {}
    for name in names:
        model = _hub_get(settings, "users/" + urllib.parse.quote(name, safe=""))
        target, _why = grade_target(model.get("auth_state") or {})
        if target is not None:
            targets[name] = target
    return targets


# -- sending, with PyLTI1p3 ---------------------------------------------------------------------

class Sender:
    """One sync's connection to the platform: one access token per gradebook, line items by module."""

    def __init__(self, settings: GradesSettings, private_pem: str, public_pem: str, outbox: classroom.Outbox):
        self.settings = settings
        self.private_pem = private_pem
        self.public_pem = public_pem
        self.outbox = outbox
        self._ags: dict[str, AssignmentsGradesService] = {}

    def ags(self, target: GradeTarget) -> AssignmentsGradesService:
        if target.key not in self._ags:
            registration = (Registration().set_issuer(target.issuer).set_client_id(target.client_id)
                            .set_auth_token_url(self.settings.token_url)
                            .set_tool_private_key(self.private_pem).set_tool_public_key(self.public_pem))
            if self.settings.auth_audience:
                registration.set_auth_audience(self.settings.auth_audience)
            self._ags[target.key] = AssignmentsGradesService(
                ServiceConnector(registration), {"scope": AGS_SCOPES, "lineitems": target.lineitems_url})
        return self._ags[target.key]

    def lineitem(self, target: GradeTarget, module: str) -> LineItem:
        known = self.outbox.lineitem(target.key, module)
        if known:
            return LineItem().set_id(known)
        wanted = (LineItem().set_resource_id(module).set_tag(LINEITEM_TAG).set_label(module_title(module))
                  .set_score_maximum(classroom.AGS_SCORE_MAXIMUM))
        found = self.ags(target).find_or_create_lineitem(wanted, find_by="resource_id")
        if not found.get_id():
            raise LtiException(f"the LMS gave the line item of {module} no id")
        self.outbox.remember_lineitem(target.key, module, found.get_id())
        return found

    def send(self, row: classroom.OutboxRow, target: GradeTarget) -> None:
        grade = classroom.ModuleGrade(row.learner, row.module, row.score, row.mastered, row.ts)
        body = classroom.score_body(grade, target.user_id)
        score = (Grade().set_user_id(body["userId"]).set_score_given(body["scoreGiven"])
                 .set_score_maximum(body["scoreMaximum"]).set_activity_progress(body["activityProgress"])
                 .set_grading_progress(body["gradingProgress"]).set_timestamp(body["timestamp"])
                 .set_comment(body["comment"]))
        try:
            self.ags(target).put_grade(score, self.lineitem(target, row.module))
        except LtiServiceException as exc:
            if exc.response.status_code == 404:  # the column was deleted in the LMS: find or make it anew
                self.outbox.forget_lineitem(target.key, row.module)
            raise


def module_title(module: str) -> str:
    if module == learning.FINAL_KEY:
        return "katlearn: final assessment"
    try:
        return f"katlearn: {content.module(module).title}"
    except (KeyError, LookupError, ValueError):
        return f"katlearn: {module}"


def describe(exc: Exception) -> str:
    """A failed send in one line (the platform's answer where there is one)."""
    response = getattr(exc, "response", None)
    if response is not None and hasattr(response, "status_code"):
        return f"HTTP {response.status_code} from {response.url}: {response.text[:200]}"
    return f"{type(exc).__name__}: {exc}"


def sync_once(settings: GradesSettings, outbox: classroom.Outbox, private_pem: str, public_pem: str,
              now_ts: float | None = None) -> dict[str, int]:
    """One round: offer every grade, send what is due. Returns counts (offered, sent, failed)."""
    records = classroom.load_class(settings.class_stores)
    for problem in records.problems:
        log.warning("%s: %s", SERVICE_NAME, problem)
    targets = grade_targets(settings)
    offered = 0
    for grade in classroom.module_grades(records):
        target = targets.get(grade.learner)
        if target is not None and outbox.offer(grade, target.key):
            offered += 1
    sender = Sender(settings, private_pem, public_pem, outbox)
    sent = failed = 0
    for row in outbox.due(now_ts):
        target = targets.get(row.learner)
        if target is None or target.key != row.gradebook:
            outbox.failed(row, "the learner's latest launch is not from this course's gradebook; "
                               "the score is sent after they launch from it again", now_ts)
            failed += 1
            continue
        try:
            sender.send(row, target)
        except (LtiException, LtiServiceException, RequestException, OSError, ValueError) as exc:
            outbox.failed(row, describe(exc), now_ts)
            failed += 1
            log.warning("%s: could not send %s's %s score (%g%%), try %d: %s", SERVICE_NAME, row.learner,
                        row.module, row.score * 100, row.tries + 1, describe(exc))
            continue
        outbox.sent(row, now_ts)
        sent += 1
        log.info("%s: sent %s's %s score (%g%%, %s) to %s", SERVICE_NAME, row.learner, row.module,
                 row.score * 100, "mastered" if row.mastered else "not mastered", target.lineitems_url)
    return {"offered": offered, "sent": sent, "failed": failed}


# -- the service: key set, status, and the loop ------------------------------------------------

class KeySetHandler(web.RequestHandler):
    def initialize(self, jwks: dict) -> None:
        self.jwks = jwks

    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(self.jwks))


class AboutHandler(web.RequestHandler):
    def get(self) -> None:
        self.finish({"service": SERVICE_NAME, "paths": ["jwks.json", "status"]})


class StatusHandler(web.RequestHandler):
    """The outbox's report, for hub tokens that may see class results (the dashboard's)."""

    def initialize(self, service: GradesService) -> None:
        self.service = service

    async def get(self) -> None:
        auth = self.request.headers.get("Authorization", "").split()
        token = auth[1] if len(auth) == 2 and auth[0].lower() in ("token", "bearer") else ""
        try:
            model = await asyncio.to_thread(_hub_get, self.service.settings, "user", token) if token else None
        except (urllib.error.URLError, OSError, ValueError):
            model = None
        if not model or not classroom.hub_grants(model):
            raise web.HTTPError(403, "class results only")
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(self.service.report()))


class GradesService:
    def __init__(self, settings: GradesSettings) -> None:
        self.settings = settings
        self.private_pem, self.public_pem = read_key(settings.key_file)
        self.outbox = classroom.Outbox(settings.state_dir / "lti-grades.sqlite", settings.first_retry_s)
        self.last_sync: dict[str, Any] = {}

    def report(self) -> dict:
        return {**classroom.outbox_report(self.outbox.rows()), "last_sync": self.last_sync}

    def sync(self) -> None:
        started = time.time()
        try:
            counts = sync_once(self.settings, self.outbox, self.private_pem, self.public_pem)
            self.last_sync = {"at": classroom.ags_timestamp(started), **counts, "error": ""}
        except (urllib.error.URLError, OSError, ValueError, KeyError) as exc:
            self.last_sync = {"at": classroom.ags_timestamp(started), "error": describe(exc)}
            log.warning("%s: sync failed: %s", SERVICE_NAME, describe(exc))

    def app(self, prefix: str) -> web.Application:
        return web.Application([
            (prefix.rstrip("/") + "/?", AboutHandler),
            (prefix.rstrip("/") + "/jwks.json", KeySetHandler, {"jwks": public_jwks(self.public_pem)}),
            (prefix.rstrip("/") + "/status", StatusHandler, {"service": self}),
        ])

    async def run(self, host: str, port: int, prefix: str) -> None:
        self.app(prefix).listen(port, address=host)
        log.info("%s: key set at %sjwks.json, syncing every %g s", SERVICE_NAME, prefix, self.settings.interval_s)
        while True:
            # in a thread: the platform may fetch this service's key set while it answers our token
            # request, so the web handlers must keep running during a sync
            await asyncio.to_thread(self.sync)
            await asyncio.sleep(self.settings.interval_s)


def serve(settings: GradesSettings) -> None:
    """Run the service as JupyterHub starts it (JUPYTERHUB_SERVICE_URL, _PREFIX, _API_TOKEN)."""
    url = urllib.parse.urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", f"/services/{SERVICE_NAME}/")
    service = GradesService(settings)
    try:
        asyncio.run(service.run(url.hostname or "127.0.0.1", url.port or 80, prefix))
    except KeyboardInterrupt:  # the hub stops its services with SIGINT
        log.info("%s: stopped", SERVICE_NAME)
