"""An LMS for tests: the third-party LTI 1.3 platform implementation ``lti1p3platform`` (PyPI),
served on loopback with tornado.

The library does the platform's side of the protocol: the OIDC login initiation, checking the
tool's authentication request, building and signing the launch (id_token), the platform's key
set, the OAuth 2 access tokens for services (it checks the tool's signed client assertion against
the tool's key set URL), and the Assignment and Grade Services endpoints (it checks each bearer
token and its scopes). It leaves the web framework and storage to its user: this file supplies a
tornado request adapter, the auto-submitting launch form, and in-memory line items and scores.
The score storage follows the AGS spec (https://www.imsglobal.org/spec/lti-ags/v2p0/): one result
per user and line item, replaced by a newer score, a score older than the last one refused (409).

Launches (``GET /start?user=…&role=learner|instructor&module=…&variant=…``):
``good``; ``expired`` (signed with an expiry in the past); ``badsig`` (signed with a key the
platform's key set does not have); ``audience`` (for another client ID); ``noags`` (no gradebook).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import threading
import typing as t
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.exceptions import LineItemNotFoundException, LtiServiceException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService
from tornado import web
from tornado.httpserver import HTTPServer

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
ROLES = {"learner": [MEMBERSHIP + "#Learner"],
         "instructor": [MEMBERSHIP + "#Instructor"],
         "ta": [MEMBERSHIP + "/Instructor#TeachingAssistant"]}
CLIENT_ID = "katlearn-tool"
OTHER_CLIENT_ID = "another-tool"
DEPLOYMENT_ID = "deployment-1"


def _pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


class Conf(LTI1P3PlatformConfAbstract):
    """One registration of the tool on this platform."""

    def init_platform_config(self, **kwargs: t.Any) -> None:
        self._registration = (
            Registration().set_iss(kwargs["issuer"]).set_client_id(kwargs["client_id"])
            .set_deployment_id(DEPLOYMENT_ID).set_launch_url(kwargs["launch_url"])
            .set_oidc_login_url(kwargs["login_url"]).set_tool_key_set_url(kwargs["tool_jwks_url"])
            .set_platform_public_key(kwargs["public_pem"]).set_platform_private_key(kwargs["private_pem"]))

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self._registration


class TornadoRequest(Request):
    def build_metadata(self, request: t.Any) -> TRequest:
        body = request.body or b""
        content_type = request.headers.get("Content-Type", "")
        return {
            "method": request.method,
            "form_data": {k: v[-1].decode() for k, v in request.body_arguments.items()},
            "get_data": {k: v[-1].decode() for k, v in request.query_arguments.items()},
            "headers": request.headers,
            "content_type": content_type,
            "path": request.path,
            "json": json.loads(body) if body and "json" in content_type else None,
        }


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = json.dumps(kwargs)

    def get_redirect(self, url: str) -> str:
        return url


@dataclass
class Launch:
    """What the platform put in a launch form (the test re-sends one to replay it)."""

    url: str
    id_token: str
    state: str


@dataclass
class Gradebook:
    lineitems: dict[str, dict] = field(default_factory=dict)  # id -> line item
    results: dict[tuple[str, str], dict] = field(default_factory=dict)  # (line item id, user) -> latest score
    score_posts: list[tuple[str, dict, int]] = field(default_factory=list)  # every POST: id, body, status
    fail_next_scores: int = 0  # refuse this many score POSTs with HTTP 500 (a platform outage)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Ags(AssignmentsGradesService):
    """Line items and scores kept in memory, as the AGS spec says a platform keeps them."""

    def __init__(self, request: Request, conf: Conf, base: str, book: Gradebook) -> None:
        super().__init__(request, conf, lineitems_url=base + "lineitems")
        self.base = base
        self.book = book

    def _id(self, line_item_id: str) -> str:
        return line_item_id if line_item_id.startswith("http") else f"{self.base}lineitems/{line_item_id}"

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None, resource_id=None,
                       tag=None):
        items = [li for li in self.book.lineitems.values()
                 if (resource_id is None or li.get("resourceId") == resource_id)
                 and (tag is None or li.get("tag") == tag)
                 and (resource_link_id is None or li.get("resourceLinkId") == resource_link_id)]
        return {"content": items, "has_next": False, "next": None}

    def find_lineitem(self, line_item_id):
        try:
            return self.book.lineitems[self._id(line_item_id)]
        except KeyError:
            raise LineItemNotFoundException(line_item_id) from None

    def create_lineitem(self, creation_data):
        with self.book.lock:
            new_id = f"{self.base}lineitems/{len(self.book.lineitems) + 1}"
            self.book.lineitems[new_id] = {**creation_data, "id": new_id}
        return self.book.lineitems[new_id]

    def update_lineitem(self, update_data):
        item = self.find_lineitem(update_data["id"])
        item.update(update_data)
        return item

    def delete_lineitem(self, line_item_id):
        self.book.lineitems.pop(self._id(line_item_id), None)

    def update_score(self, line_item_id, score):
        key = self._id(line_item_id)
        self.find_lineitem(key)
        with self.book.lock:
            if self.book.fail_next_scores > 0:
                self.book.fail_next_scores -= 1
                self.book.score_posts.append((key, score, 500))
                raise LtiServiceException("the gradebook is down (a test outage)", 500)
            held = self.book.results.get((key, score["userId"]))
            if held is not None and held["timestamp"] > score["timestamp"]:
                self.book.score_posts.append((key, score, 409))
                return UpdateScoreStatus.OLD_TIMESTAMP
            self.book.results[(key, score["userId"])] = score
            self.book.score_posts.append((key, score, 200))
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        key = self._id(line_item_id)
        self.find_lineitem(key)
        results = [{"id": f"{key}/results/{user}", "scoreOf": key, "userId": user,
                    "resultScore": s["scoreGiven"], "resultMaximum": s["scoreMaximum"],
                    "comment": s.get("comment", ""), "timestamp": s["timestamp"]}
                   for (li, user), s in self.book.results.items() if li == key and user_id in (None, user)]
        return {"content": results, "has_next": False, "next": None}


class Platform:
    """The LMS on ``http://127.0.0.1:<port>``; its tool is the hub at ``hub_url``."""

    def __init__(self, port: int, hub_url: str, tool_jwks_url: str) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.issuer = self.url.rstrip("/")
        self.hub_url = hub_url
        self.private_pem, self.public_pem = _pem_pair()
        self.stranger_pem = _pem_pair()  # a key pair nobody published
        self.tool_jwks_url = tool_jwks_url
        self.book = Gradebook()
        self.launches: list[Launch] = []
        self.token_requests: list[int] = []  # status of every access-token request
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: HTTPServer | None = None
        self._ids = itertools.count(1)

    # -- registrations --------------------------------------------------------------------

    def conf(self, variant: str = "good") -> Conf:
        # the key set always publishes the platform's own key; a 'badsig' launch is signed with another
        private = self.stranger_pem[0] if variant == "badsig" else self.private_pem
        public = self.public_pem
        return Conf(issuer=self.issuer, client_id=OTHER_CLIENT_ID if variant == "audience" else CLIENT_ID,
                    launch_url=self.hub_url + "hub/", login_url=self.hub_url + "hub/lti13/oauth_login",
                    tool_jwks_url=self.tool_jwks_url, private_pem=private, public_pem=public)

    def start_url(self, user: str, role: str = "learner", module: str = "", variant: str = "good") -> str:
        from urllib.parse import urlencode

        return self.url + "start?" + urlencode({"user": user, "role": role, "module": module, "variant": variant})

    # -- serving ----------------------------------------------------------------------------

    def app(self) -> web.Application:
        platform = self

        class Base(web.RequestHandler):
            def check_xsrf_cookie(self) -> None:
                pass

        class Start(Base):
            def get(self) -> None:
                user = self.get_argument("user")
                conf = platform.conf(self.get_argument("variant", "good"))
                login = Login(TornadoRequest(self.request), conf)
                login.set_lti_message_hint(user=user, role=self.get_argument("role", "learner"),
                                           module=self.get_argument("module", ""),
                                           variant=self.get_argument("variant", "good"))
                self.redirect(login.initiate_login(user))

        class Authorize(Base):
            def get(self) -> None:
                request = TornadoRequest(self.request)
                args = request.get_data or request.form_data
                hint = json.loads(args.get("lti_message_hint") or "{}")
                if args.get("login_hint") != hint.get("user"):
                    raise web.HTTPError(400, "login_hint is not the user who started the launch")
                variant = hint.get("variant", "good")
                launch = LaunchMessage(request, platform.conf(variant))
                launch.set_user_data(hint["user"], ROLES[hint.get("role", "learner")],
                                     full_name=f"Test {hint['user']}")
                launch.set_resource_link_claim(f"link-{hint.get('module') or 'home'}")
                launch.set_launch_context_claim("course-1", context_title="Ketamine-assisted therapy",
                                                context_label="KAT101")
                if hint.get("module"):
                    launch.set_custom_parameters_claim({"module": hint["module"]})
                if variant != "noags":
                    launch.set_ags(lineitems_url=platform.url + "lineitems", allow_creating_lineitems=True)
                if variant == "expired":
                    launch.set_id_token_expiration(-120)
                self.finish(launch.lti_launch(launches=platform.launches))

            post = get

        class KeySet(Base):
            def get(self) -> None:
                self.finish(platform.conf().get_jwks())

        class Token(Base):
            def post(self) -> None:
                form = {k: v[-1].decode() for k, v in self.request.body_arguments.items()}
                try:
                    answer = platform.conf().get_access_token(form)
                except Exception as exc:  # noqa: BLE001 - any refusal is an OAuth error reply
                    platform.token_requests.append(400)
                    self.set_status(400)
                    self.finish({"error": "invalid_client", "error_description": str(exc)})
                    return
                platform.token_requests.append(200)
                self.finish(answer)

        class Services(Base):
            def _ags(self) -> Ags:
                return Ags(TornadoRequest(self.request), platform.conf(), platform.url, platform.book)

            def _send(self, response) -> None:
                self.set_status(response.code)
                self.set_header("Content-Type", response.media_type)
                result = response.result
                if isinstance(result, dict) and "content" in result and "has_next" in result:
                    result = result["content"]  # a container is a JSON array (AGS)
                self.finish(json.dumps(result if result is not None else {"message": response.message}))

            def get(self, line_item: str | None = None, sub: str | None = None) -> None:
                ags = self._ags()
                if line_item is None:
                    self._send(ags.handle_resp(ags.handle_get_lineitems))
                elif sub == "results":
                    self._send(ags.handle_resp(ags.handle_get_results, line_item_id=line_item))
                else:
                    self._send(ags.handle_resp(ags.handle_get_lineitem, line_item_id=line_item))

            def post(self, line_item: str | None = None, sub: str | None = None) -> None:
                ags = self._ags()
                if line_item is None:
                    self._send(ags.handle_resp(ags.handle_create_lineitem))
                elif sub == "scores":
                    self._send(ags.handle_resp(ags.handle_update_score, line_item_id=line_item))
                else:
                    raise web.HTTPError(405)

        return web.Application([
            (r"/start", Start), (r"/authorize", Authorize), (r"/jwks", KeySet), (r"/token", Token),
            (r"/lineitems", Services), (r"/lineitems/(\d+)", Services),
            (r"/lineitems/(\d+)/(scores|results)", Services),
        ])

    def start(self) -> None:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._server = HTTPServer(self.app())
            self._server.listen(self.port, address="127.0.0.1")
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=run, name="lti-platform", daemon=True).start()
        if not ready.wait(10):
            raise RuntimeError("the LTI platform did not start")

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._server.stop)
            self._loop.call_soon_threadsafe(self._loop.stop)

    # -- what the gradebook holds -----------------------------------------------------------

    def accepted_scores(self) -> list[tuple[str, dict]]:
        return [(li, body) for li, body, status in self.book.score_posts if status == 200]


class LaunchMessage(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> str:
        """The page that posts the launch to the tool (as an LMS's does), remembered for replays."""
        url, token, state = launch_data["launch_url"], launch_data["id_token"], launch_data["state"]
        kwargs["launches"].append(Launch(url, token, state))
        return (f'<!doctype html><html><body><form id="launch" method="post" action="{html.escape(url)}">'
                f'<input type="hidden" name="id_token" value="{html.escape(token)}">'
                f'<input type="hidden" name="state" value="{html.escape(state)}"></form>'
                '<script>document.getElementById("launch").submit()</script></body></html>')

