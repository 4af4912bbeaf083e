"""Sending xAPI statements to a Learning Record Store (LRS), with nothing lost on failure.

- Statements go in batches (``POST <endpoint>/statements``, a JSON array, with the
  ``X-Experience-API-Version`` header and HTTP Basic auth, or an Authorization header the LRS issued).
- A batch answered 429 or 5xx, or cut off by a connection error, is tried again with exponential
  back-off (honouring ``Retry-After``). Statement ids are fixed by the record they describe (see
  ``_xapi``), so sending a statement twice is harmless: the LRS keeps one copy.
- Every batch that still fails is reported in one line (its status and the LRS's message); after a
  refused login (401/403) or an unreachable LRS the remaining batches are not tried. Everything not
  sent is returned, to be written to a file (:func:`write_statements`) and sent later
  (:func:`read_statements`).
- The time the stores were read for the last send that fully succeeded is remembered per LRS
  (:func:`last_send`, :func:`remember_send`) so the next send can start there (``--since last``).

Credentials never come from the command line: ``KATLEARN_LRS_USER`` / ``KATLEARN_LRS_PASSWORD``, or
a file (``--lrs-auth-file`` or ``KATLEARN_LRS_AUTH_FILE``) whose first line is ``user:password`` or
``Authorization: <header value>``.
"""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from katlearn import learning
from katlearn.classroom._records import ClassRecords
from katlearn.classroom._report import course_quizzes
from katlearn.classroom._xapi import resolve_home_page, resolve_iri_base
from katlearn.classroom._xapi import statements as xapi_statements

XAPI_VERSION = "1.0.3"
LRS_URL_ENV = "KATLEARN_LRS_URL"
LRS_USER_ENV = "KATLEARN_LRS_USER"
LRS_PASSWORD_ENV = "KATLEARN_LRS_PASSWORD"
LRS_AUTH_FILE_ENV = "KATLEARN_LRS_AUTH_FILE"
BATCH_SIZE = 50  # statements per POST: well under the 1-5 MB request limits LRSs commonly set
RETRIES = 4  # tries after the first, per batch
BACKOFF_S = 0.5  # waits 0.5, 1, 2, 4 s between tries
TIMEOUT_S = 30.0
RETRY_STATUSES = (429, 500, 502, 503, 504)
STATE_FILE = "lrs-sends.json"
MESSAGE_MAX_CHARS = 200


class LrsError(ValueError):
    """The LRS settings, credentials or a statements file are not usable; the message says why."""


@dataclass(frozen=True)
class Lrs:
    """Where and how to send: ``statements_url`` is the xAPI ``statements`` resource."""

    statements_url: str
    authorization: str = field(repr=False)
    batch_size: int = BATCH_SIZE
    retries: int = RETRIES
    backoff_s: float = BACKOFF_S
    timeout_s: float = TIMEOUT_S

    @property
    def endpoint(self) -> str:
        """The LRS's xAPI endpoint (the statements URL without ``statements``), the key of its state."""
        return self.statements_url[: -len("statements")]


@dataclass(frozen=True)
class BatchFailure:
    batch: int  # 1-based
    batches: int
    first: int  # 1-based number of the batch's first statement
    count: int
    status: int | None  # HTTP status, None for a connection error
    message: str  # e.g. "400 Bad Request: <the LRS's message>"

    def line(self) -> str:
        what = f"batch {self.batch}/{self.batches} (statements {self.first}-{self.first + self.count - 1})"
        if self.status is None:
            return f"{what} not sent: {self.message}"
        return f"{what} refused by the LRS: {self.message}"


@dataclass(frozen=True)
class SendResult:
    sent: int
    unsent: tuple[dict[str, Any], ...]
    failures: tuple[BatchFailure, ...]
    stopped: str = ""  # why the remaining batches were not tried, '' if all were

    @property
    def ok(self) -> bool:
        return not self.unsent


def statements_url(url: str) -> str:
    """The statements resource of an LRS given as its xAPI endpoint or its statements URL."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LrsError(f"the LRS must be an http(s) URL, e.g. https://lrs.example.org/xAPI/, not {url!r}")
    if parts.query or parts.fragment:
        raise LrsError(f"the LRS URL {url!r} should have no query or fragment")
    path = parts.path.rstrip("/")
    if not path.endswith("/statements"):
        path += "/statements"
    return f"{parts.scheme}://{parts.netloc}{path}"


def authorization(auth_file: str | os.PathLike[str] | None = None) -> str:
    """The Authorization header value, from ``auth_file`` (or ``$KATLEARN_LRS_AUTH_FILE``), else
    from ``$KATLEARN_LRS_USER`` and ``$KATLEARN_LRS_PASSWORD``."""
    auth_file = auth_file or os.environ.get(LRS_AUTH_FILE_ENV) or None
    if auth_file is not None:
        try:
            lines = [ln.strip() for ln in Path(auth_file).read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError) as exc:
            raise LrsError(f"cannot read the LRS auth file {auth_file}: {exc}") from None
        line = next((ln for ln in lines if ln and not ln.startswith("#")), "")
        if line.lower().startswith("authorization:"):
            value = line.split(":", 1)[1].strip()
            if value:
                return value
        elif ":" in line and line.split(":", 1)[0]:
            user, password = line.split(":", 1)
            return _basic(user, password)
        raise LrsError(f"{auth_file}:1: expected 'user:password' or 'Authorization: <value>' "
                       "(the LRS's key and secret)")
    user, password = os.environ.get(LRS_USER_ENV, ""), os.environ.get(LRS_PASSWORD_ENV, "")
    if user and password:
        return _basic(user, password)
    raise LrsError(f"no LRS credentials: set {LRS_USER_ENV} and {LRS_PASSWORD_ENV} (the LRS's key and secret) "
                   f"or give --lrs-auth-file FILE (or set {LRS_AUTH_FILE_ENV})")


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def configured(auth_file: str | None = None) -> Lrs | None:
    """The LRS set up for this server (``$KATLEARN_LRS_URL`` + credentials), None if none is.
    Raises LrsError when one is set but its credentials are not usable."""
    url = os.environ.get(LRS_URL_ENV, "").strip()
    if not url:
        return None
    return Lrs(statements_url(url), authorization(auth_file))


def _session(lrs: Lrs) -> requests.Session:
    retry = Retry(total=lrs.retries, connect=lrs.retries, read=lrs.retries, status=lrs.retries, other=0,
                  allowed_methods=None, status_forcelist=RETRY_STATUSES, backoff_factor=lrs.backoff_s,
                  respect_retry_after_header=True, raise_on_status=False)
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers.update({"X-Experience-API-Version": XAPI_VERSION, "Authorization": lrs.authorization,
                            "Content-Type": "application/json; charset=utf-8"})
    return session


def lrs_message(response: requests.Response) -> str:
    """The status line and the LRS's own words about a refusal, on one line."""
    text = response.text or ""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        said = body.get("message") or body.get("error") or body.get("detail") or body.get("warnings") or text
        text = "; ".join(map(str, said)) if isinstance(said, list) else str(said)
    text = " ".join(text.split())
    text = text if len(text) <= MESSAGE_MAX_CHARS else text[: MESSAGE_MAX_CHARS - 1] + "…"
    return ": ".join(t for t in (f"{response.status_code} {response.reason or ''}".strip(), text) if t)


def send(statements: Sequence[dict[str, Any]], lrs: Lrs,
         progress: Callable[[int, int], None] | None = None) -> SendResult:
    """POST ``statements`` in batches; ``progress(batch, batches)`` is called after each batch sent."""
    size = max(1, lrs.batch_size)
    batches = [list(statements[i: i + size]) for i in range(0, len(statements), size)]
    sent = 0
    unsent: list[dict[str, Any]] = []
    failures: list[BatchFailure] = []
    stop_reason = ""
    skipped = 0
    with _session(lrs) as session:
        for n, batch in enumerate(batches, start=1):
            if stop_reason:
                skipped += 1
                unsent += batch
                continue
            failure = partial(BatchFailure, n, len(batches), (n - 1) * size + 1, len(batch))
            try:
                response = session.post(lrs.statements_url, data=json.dumps(batch, ensure_ascii=False).encode(),
                                        timeout=lrs.timeout_s, allow_redirects=False)  # a redirect drops the POST
            except requests.RequestException as exc:
                failures.append(failure(None, f"{_connection_reason(exc)} after {lrs.retries + 1} tries "
                                              f"({lrs.statements_url})"))
                unsent += batch
                stop_reason = "the LRS could not be reached"
                continue
            if 200 <= response.status_code < 300:
                sent += len(batch)
                if progress is not None:
                    progress(n, len(batches))
                continue
            message = lrs_message(response)
            if response.is_redirect:
                message += f" (to {response.headers.get('Location', '?')}: give that URL as --lrs)"
            failures.append(failure(response.status_code, message))
            unsent += batch
            if response.status_code in (401, 403):
                stop_reason = ("the LRS refused the credentials: check its key and secret "
                               f"({LRS_USER_ENV}/{LRS_PASSWORD_ENV} or the auth file)")
    stopped = f"{stop_reason}; {skipped} more batch{'es' if skipped != 1 else ''} not tried" if skipped else ""
    if stop_reason and not skipped and failures and failures[-1].status in (401, 403):
        stopped = stop_reason
    return SendResult(sent, tuple(unsent), tuple(failures), stopped)


def _connection_reason(exc: requests.RequestException) -> str:
    text = str(exc)
    for needle, reason in (("Connection refused", "connection refused"), ("timed out", "timed out"),
                           ("Name or service not known", "unknown host"), ("Max retries", "connection failed")):
        if needle in text:
            return reason
    return type(exc).__name__


# ---------------------------------------------------------------------------------------------
# Statements files and the remembered last send


def write_statements(statements: Sequence[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Statements as one JSON array (what an LRS takes, and what :func:`read_statements` reads)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(list(statements), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def read_statements(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Statements written by :func:`write_statements` (or any JSON array of xAPI statements)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise LrsError(f"cannot read {path}: {exc}") from None
    except ValueError as exc:
        raise LrsError(f"{path}:{getattr(exc, 'lineno', 1)}: not JSON ({exc})") from None
    if not isinstance(data, list):
        raise LrsError(f"{path}: expected a JSON array of statements, found {type(data).__name__}")
    for i, s in enumerate(data):
        if not isinstance(s, dict) or not isinstance(s.get("id"), str) or "timestamp" not in s:
            raise LrsError(f"{path}: statement {i + 1}: not an xAPI statement with an id and a timestamp")
    return data


def unsent_path(folder: str | os.PathLike[str] = ".", now: float | None = None) -> Path:
    """A new file name for unsent statements, e.g. ``katlearn-xapi-unsent-20260301T093000Z.json``."""
    stamp = datetime.fromtimestamp(time.time() if now is None else now, timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return Path(folder) / f"katlearn-xapi-unsent-{stamp}.json"


def state_path() -> Path:
    """Where the last successful sends are remembered: beside this computer's progress store."""
    return learning.db_path().parent / STATE_FILE


def _state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise LrsError(f"cannot read {path} (the remembered sends): {exc}") from None
    return data if isinstance(data, dict) else {}


def last_send(lrs: Lrs, path: Path | None = None) -> float | None:
    """When the stores were read for the last send to this LRS that fully succeeded (epoch s)."""
    entry = _state(path or state_path()).get(lrs.endpoint)
    return float(entry["read_ts"]) if isinstance(entry, dict) and "read_ts" in entry else None


def remember_send(lrs: Lrs, read_ts: float, statements: int, path: Path | None = None) -> None:
    path = path or state_path()
    state = _state(path)
    state[lrs.endpoint] = {"read_ts": read_ts, "statements": statements, "sent_ts": time.time()}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


# ---------------------------------------------------------------------------------------------
# A class's progress to an LRS (the command line's and the dashboard's "send to LRS")


@dataclass(frozen=True)
class ClassSend:
    """What one send of a class's statements did."""

    statements: tuple[dict[str, Any], ...]  # all that were to be sent
    result: SendResult
    unsent_file: Path | None  # where the unsent statements were written, None if all were sent
    since: float | None
    endpoint: str = ""

    def lines(self) -> list[str]:
        """One line per failed batch, then why sending stopped, then where the rest is."""
        out = [f.line() for f in self.result.failures]
        if self.result.stopped:
            out.append(self.result.stopped)
        if self.unsent_file is not None:
            out.append(f"{len(self.result.unsent)} of {len(self.statements)} statements not sent: written to "
                       f"{self.unsent_file}; send them later with: python -m katlearn progress-export "
                       f"--format xapi --lrs {self.endpoint or 'URL'} --from-file {self.unsent_file}")
        return out


def send_statements(statements: Sequence[dict[str, Any]], lrs: Lrs, unsent_dir: str | os.PathLike[str] = ".",
                    progress: Callable[[int, int], None] | None = None,
                    since: float | None = None) -> ClassSend:
    """Send, and write whatever was not sent to a new file in ``unsent_dir``."""
    result = send(statements, lrs, progress)
    unsent_file = None
    if result.unsent:
        target = unsent_path(unsent_dir)
        try:
            unsent_file = write_statements(result.unsent, target)
        except OSError as exc:
            lines = [f.line() for f in result.failures] + [result.stopped] * bool(result.stopped)
            raise LrsError("; ".join(lines) + f"; {len(result.unsent)} statements not sent could not be written to "
                           f"{target} ({exc}): send again once the LRS answers") from None
    return ClassSend(tuple(statements), result, unsent_file, since, lrs.endpoint)


def parse_since(text: str) -> float | str:
    """``--since``: ``last``, or an ISO 8601 date or time (UTC unless it says otherwise)."""
    text = text.strip()
    if text.lower() == "last":
        return "last"
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise LrsError(f"--since {text!r}: expected 'last' or an ISO 8601 time, e.g. 2026-03-01T09:00:00Z") from None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()


def send_class(records: ClassRecords, lrs: Lrs, read_ts: float, since: float | str | None = None,
               iri_base: str | None = None, home_page: str | None = None,
               unsent_dir: str | os.PathLike[str] = ".",
               progress: Callable[[int, int], None] | None = None) -> ClassSend:
    """The class's statements (those at or after ``since``; ``"last"``: since the last send to this
    LRS that fully succeeded) sent to ``lrs``. ``read_ts`` is when the stores were read: remembered
    for the next ``since="last"`` when everything was sent. Raises ValueError (an LrsError too)
    when the IRI base or home page is missing."""
    base, page = resolve_iri_base(iri_base), resolve_home_page(home_page)
    if since == "last":
        since = last_send(lrs)
    modules, banks, _texts, _problems = course_quizzes()
    statements = xapi_statements(records, banks, base, page, titles=dict(modules), since=since)
    done = send_statements(statements, lrs, unsent_dir, progress, since)
    if done.result.ok:
        remember_send(lrs, read_ts, len(statements))
    return done
