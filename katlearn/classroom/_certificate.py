"""A learner's record of completion: what it lists, how active time is counted, and its
verification code (HMAC-SHA256 of the record's data under a secret from configuration, never in
the repository). Pure rules and the accessible HTML version; the PDF is made by
:mod:`katlearn.classroom._certificate_pdf`.

Every file carries the record's data (JSON) and its code, so ``python -m katlearn verify FILE``
recomputes both: the code from the data, and the file from the data (a file whose visible text was
changed no longer matches). A code alone is looked up among the codes the server issued.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from html import escape
from typing import Any

from katlearn import content, learning
from katlearn.content import Bank

SECRET_ENV = "KATLEARN_RECORD_SECRET"
MIN_SECRET_CHARS = 16
ACTIVE_GAP_MAX_S = 600.0
"""A gap between two saved answers longer than this is a break, not active time (course policy)."""
ACTIVE_RULE = ("Active time adds up the time between consecutive saved answers and module results; "
               "any gap over 10 minutes counts as a break and is left out.")
COURSE_TITLE = "Ketamine-assisted therapy: the science and the practice"
CODE_PATTERN = re.compile(r"^KL(-[A-Z2-7]{4}){6}$")
VERSION = 1  # of the record's data layout


class RecordError(ValueError):
    """No record can be made or checked; the message says why and what to do."""


def active_seconds(timestamps: Iterable[float], max_gap_s: float = ACTIVE_GAP_MAX_S) -> float:
    """Seconds between consecutive events, each gap counted only up to ``max_gap_s`` (longer gaps
    count nothing)."""
    ts = sorted(timestamps)
    return float(sum(b - a for a, b in zip(ts, ts[1:]) if b - a <= max_gap_s))


@dataclass(frozen=True)
class ModuleLine:
    module: str
    title: str
    date: str  # ISO date (UTC) of the first result at mastery
    score_percent: int  # best score in the module's quiz


@dataclass(frozen=True)
class ObjectiveLine:
    module_title: str
    objective: str
    status: str  # learning.MET, REVIEW or NOT_ASSESSED
    score_percent: str  # "" when not assessed


@dataclass(frozen=True)
class Record:
    learner: str
    issued: str  # ISO date and time (UTC)
    modules: tuple[ModuleLine, ...]
    objectives: tuple[ObjectiveLine, ...]
    final_percent: int | None
    final_passed: bool | None
    final_date: str
    active_minutes: int
    active_rule: str = ACTIVE_RULE
    course: str = COURSE_TITLE
    version: int = VERSION

    def data(self) -> dict[str, Any]:
        return asdict(self)

    def canonical(self) -> bytes:
        """The bytes the code is computed over (key order and spacing fixed)."""
        return json.dumps(self.data(), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def from_data(data: Mapping[str, Any]) -> Record:
    """A record back from its data (raises RecordError naming the field that is wrong)."""
    try:
        return Record(
            learner=str(data["learner"]), issued=str(data["issued"]),
            modules=tuple(ModuleLine(**m) for m in data["modules"]),
            objectives=tuple(ObjectiveLine(**o) for o in data["objectives"]),
            final_percent=data["final_percent"], final_passed=data["final_passed"], final_date=data["final_date"],
            active_minutes=int(data["active_minutes"]), active_rule=str(data["active_rule"]),
            course=str(data["course"]), version=int(data["version"]))
    except KeyError as exc:
        raise RecordError(f"the record's data has no field {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise RecordError(f"the record's data is malformed: {exc}") from None


def _date(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d")


def build_record(learner: str, attempts: Sequence[learning.Attempt], completions: Sequence[learning.Completion],
                 issued_ts: float | None = None, modules: Sequence[content.ModuleMeta] | None = None,
                 banks: Mapping[str, Bank] | None = None) -> Record:
    """The record of ``learner`` from their rows (the store's record types). Raises RecordError
    when no module has been completed at mastery: a record lists completed modules."""
    attempts = [a for a in attempts if a.learner == learner]
    completions = [c for c in completions if c.learner == learner]
    all_metas = list(content.modules() if modules is None else modules)
    metas = [m for m in all_metas if m.audience == "learner" and m.kind == "module" and m.order > 0]
    assessed = [m for m in all_metas if m.objectives]  # as learning.learner_standing: the home page's too
    if banks is None:
        banks = learning.assessed_banks(assessed)
    lines = []
    for meta in metas:
        done = [c for c in completions if c.module == meta.slug]
        mastered = [c for c in done if c.mastered]
        if mastered:
            first = min(mastered, key=lambda c: c.ts)
            lines.append(ModuleLine(meta.slug, meta.title, _date(first.ts), round(max(c.score for c in done) * 100)))
    if not lines:
        raise RecordError(f"{learner} has not completed any module at mastery yet, so there is no record "
                          "of completion to make; finish a module's quiz with 80 % or more first")
    statuses = learning.objective_statuses(attempts, assessed, banks)
    objectives = tuple(ObjectiveLine(s.module_title, s.text, s.status, learning.score_percent(s.score))
                       for s in statuses)
    exams = sorted((c for c in completions if c.module == learning.FINAL_KEY and c.mode == "exam"),
                   key=lambda c: c.ts)
    final = exams[-1] if exams else None
    active = active_seconds([a.ts for a in attempts] + [c.ts for c in completions])
    issued = datetime.fromtimestamp(time.time() if issued_ts is None else issued_ts, timezone.utc)
    return Record(learner, issued.strftime("%Y-%m-%dT%H:%M:%SZ"), tuple(lines), objectives,
                  round(final.score * 100) if final else None, final.mastered if final else None,
                  _date(final.ts) if final else "", round(active / 60))


# ---------------------------------------------------------------------------------------------
# The code


def secret(value: str | None = None) -> bytes:
    """The signing secret: ``value`` or ``$KATLEARN_RECORD_SECRET`` (at least 16 characters)."""
    text = os.environ.get(SECRET_ENV, "") if value is None else value
    if not text:
        raise RecordError(f"records of completion are not set up here: set {SECRET_ENV} to a secret of at "
                          f"least {MIN_SECRET_CHARS} characters (e.g. python -c 'import secrets; "
                          "print(secrets.token_urlsafe(32))') in the course server's configuration")
    if len(text) < MIN_SECRET_CHARS:
        raise RecordError(f"{SECRET_ENV} is too short: use at least {MIN_SECRET_CHARS} characters")
    return text.encode("utf-8")


def code_of(record: Record, key: bytes) -> str:
    """``KL-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX``: 120 bits of HMAC-SHA256(key, record data), base32."""
    digest = hmac.new(key, record.canonical(), hashlib.sha256).digest()[:15]
    text = base64.b32encode(digest).decode("ascii")
    return "KL-" + "-".join(text[i:i + 4] for i in range(0, 24, 4))


def normalise_code(text: str) -> str | None:
    """A typed code in its canonical form, or None if it cannot be one."""
    code = re.sub(r"\s+", "", text).upper()
    return code if CODE_PATTERN.match(code) else None


# ---------------------------------------------------------------------------------------------
# HTML

_STATUS_WORDS = {learning.MET: "Met", learning.REVIEW: "To review", learning.NOT_ASSESSED: "Not assessed yet"}
_DATA_ID = "katlearn-record"


def to_html(record: Record, code: str) -> str:
    """The record as one accessible HTML document (headings, tables with headers, lang), with
    its data embedded for verification."""
    e = escape
    mod_rows = "".join(f"<tr><td>{e(m.title)}</td><td>{e(m.date)}</td><td>{m.score_percent}%</td></tr>"
                       for m in record.modules)
    obj_rows = "".join(
        f"<tr><td>{e(o.module_title)}</td><td>{e(o.objective)}</td><td>{e(_STATUS_WORDS.get(o.status, o.status))}"
        f"</td><td>{e(o.score_percent + '%' if o.score_percent else '—')}</td></tr>" for o in record.objectives)
    final = (f"{record.final_percent}% on {e(record.final_date)} "
             f"({'passed' if record.final_passed else 'not passed'})" if record.final_percent is not None
             else "not taken")
    data = json.dumps(record.data(), ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Record of completion: {e(record.learner)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5;color:#1a1a1a}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}"
        "th,td{border:1px solid #888;padding:.4rem;text-align:left;vertical-align:top}"
        "caption{text-align:left;font-weight:600;padding:.3rem 0}.code{font-family:monospace;font-size:1.2em}"
        "</style></head><body><main>"
        f"<h1>Record of completion</h1><p>{e(record.course)}</p>"
        f'<h2>Learner</h2><p class="learner">{e(record.learner)}</p>'
        f"<p>Issued {e(record.issued)} (UTC).</p>"
        "<h2>Modules completed</h2><table><caption>Each module completed at mastery (80 % or more in "
        "its quiz): date first reached, best score</caption><thead><tr><th scope=\"col\">Module</th>"
        f'<th scope="col">Date</th><th scope="col">Score</th></tr></thead><tbody>{mod_rows}</tbody></table>'
        f"<h2>Final assessment</h2><p>{final}</p>"
        f"<h2>Active time</h2><p>{record.active_minutes} minutes. {e(record.active_rule)}</p>"
        "<h2>Mastery per learning objective</h2><table><caption>Latest answers to each objective's "
        'questions</caption><thead><tr><th scope="col">Module</th><th scope="col">Objective</th>'
        f'<th scope="col">Status</th><th scope="col">Score</th></tr></thead><tbody>{obj_rows}</tbody></table>'
        f'<h2>Verification</h2><p>Code: <span class="code">{e(code)}</span></p>'
        "<p>Check this record with the course server's verify page or "
        "<code>python -m katlearn verify FILE-OR-CODE</code>. Any change to this file shows as altered.</p>"
        "<p><small>Education, not medical advice: this record shows course work, not a clinical "
        "qualification.</small></p>"
        f'</main><script type="application/json" id="{_DATA_ID}">{data}</script>'
        f'<script type="text/plain" id="{_DATA_ID}-code">{e(code)}</script></body></html>\n'
    )


def data_from_html(text: str) -> tuple[dict[str, Any], str]:
    """The embedded data and code of an HTML record (RecordError if it has none)."""
    found = re.search(rf'<script type="application/json" id="{_DATA_ID}">(.*?)</script>', text, re.S)
    code = re.search(rf'<script type="text/plain" id="{_DATA_ID}-code">(.*?)</script>', text, re.S)
    if not found or not code:
        raise RecordError("this is not a katlearn record of completion (no record data in it)")
    try:
        return json.loads(found.group(1)), code.group(1).strip()
    except ValueError as exc:
        raise RecordError(f"the record's data cannot be read: {exc}") from None
