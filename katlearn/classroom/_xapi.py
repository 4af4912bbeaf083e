"""Progress as xAPI 1.0.3 statements, ready to POST (as one JSON array) to a Learning Record Store
(``_lrs`` sends them).

Two kinds of statement:

- ``answered`` (http://adlnet.gov/expapi/verbs/answered): one per saved quiz attempt; the object is
  the question, a ``cmi.interaction`` activity whose definition says its interaction type, its
  choices and its correct response pattern; ``result`` carries success, the scaled score and the
  learner's response in the same pattern syntax; ``context`` names the module (parent) and the
  course (grouping).
- ``completed`` (http://adlnet.gov/expapi/verbs/completed): one per module summary the learner
  reached; the object is the module; ``result.success`` says whether it was mastered.

Actors are accounts, never e-mail addresses: ``{"account": {"homePage": <hub URL>, "name":
<learner>}}``. Activity ids live under an IRI base the deployer controls (``--iri-base`` or
``KATLEARN_XAPI_IRI_BASE``): ``<base>/modules/<module>`` and ``<base>/modules/<module>/questions/<id>``.
Statement ids are UUIDs derived from the record, so exporting twice sends the same statements
and an LRS keeps one copy.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from katlearn import learning
from katlearn.classroom._records import ClassRecords
from katlearn.classroom._tables import iso_time
from katlearn.classroom._question_kinds import LANGUAGE, kind_of
from katlearn.content import Bank, Question, markdown_to_text

ANSWERED = "http://adlnet.gov/expapi/verbs/answered"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
MODULE = "http://adlnet.gov/expapi/activities/module"
COURSE = "http://adlnet.gov/expapi/activities/course"
PLATFORM = "katlearn"
IRI_BASE_ENV = "KATLEARN_XAPI_IRI_BASE"
HOME_PAGE_ENV = "KATLEARN_XAPI_HOME_PAGE"
NAME_MAX_CHARS = 120

def _http_url(value: str, what: str, hint: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{what} must be an http(s) URL, not {value!r}; {hint}")
    return value.strip()


def resolve_iri_base(value: str | None = None) -> str:
    """The IRI under which course activities are named (no trailing slash)."""
    value = value or os.environ.get(IRI_BASE_ENV, "")
    hint = (f"give --iri-base (or set {IRI_BASE_ENV}) to a URL you control, "
            "e.g. https://learn.example.org/katlearn")
    if not value:
        raise ValueError(f"no IRI base for activity ids: {hint}")
    return _http_url(value, "the IRI base", hint).rstrip("/")


def resolve_home_page(value: str | None = None) -> str:
    """The system that knows learners by these names: the hub's public URL on a hub."""
    value = value or os.environ.get(HOME_PAGE_ENV, "") or os.environ.get("JUPYTERHUB_PUBLIC_HUB_URL", "")
    hint = (f"give --home-page (or set {HOME_PAGE_ENV}) to the URL where learners sign in, "
            "e.g. https://hub.example.org/")
    if not value:
        raise ValueError(f"no home page for learner accounts: {hint}")
    return _http_url(value, "the home page", hint)


def module_iri(base: str, module: str) -> str:
    return f"{base}/modules/{quote(module, safe='')}"


def question_iri(base: str, module: str, question_id: str) -> str:
    return f"{module_iri(base, module)}/questions/{quote(question_id, safe='')}"


def _lang(text: str) -> dict[str, str]:
    return {LANGUAGE: text}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NAME_MAX_CHARS else text[: NAME_MAX_CHARS - 1].rstrip() + "…"



def interaction_definition(question: Question) -> dict[str, Any]:
    """The activity definition of a question: type, interaction type, components, correct pattern."""
    kind = kind_of(question)
    text = " ".join(markdown_to_text(question.prompt).split())
    return {
        "name": _lang(_short(text)),
        "description": _lang(text),
        "type": INTERACTION,
        "interactionType": kind.xapi_interaction,
        **kind.xapi_components(question),
        "correctResponsesPattern": [kind.xapi_pattern(question)],
    }


def response_text(question: Question, answer: Any) -> str | None:
    """A stored answer in the xAPI response syntax of the question's interaction type."""
    try:
        return kind_of(question).xapi_response(question, answer)
    except Exception:  # noqa: BLE001 - an answer that no longer fits the question has no response
        return None


def actor(learner: str, home_page: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home_page, "name": learner}}


def statement_id(*parts: Any) -> str:
    """A UUID fixed by the record it describes, so re-exports are idempotent."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "\x1f".join(repr(p) for p in parts)))


def _context(base: str, parent: str | None, mode: str) -> dict[str, Any]:
    activities: dict[str, Any] = {"grouping": [{"objectType": "Activity", "id": base,
                                                "definition": {"type": COURSE}}]}
    if parent:
        activities["parent"] = [{"objectType": "Activity", "id": parent, "definition": {"type": MODULE}}]
    return {
        "contextActivities": activities,
        "platform": PLATFORM,
        "language": LANGUAGE,
        "extensions": {f"{base}/extensions/mode": mode},
    }


def _score(score: float) -> dict[str, float]:
    value = round(min(1.0, max(0.0, float(score))), 4)
    return {"scaled": value, "raw": value, "min": 0, "max": 1}


def answered_statement(attempt: learning.Attempt, question: Question | None, base: str, home_page: str) -> dict[str, Any]:
    object_id = question_iri(base, attempt.module, attempt.question_id)
    definition = interaction_definition(question) if question is not None else {
        "name": _lang(attempt.question_id), "type": INTERACTION}
    result: dict[str, Any] = {"success": bool(attempt.correct), "score": _score(attempt.score)}
    response = response_text(question, attempt.answer) if question is not None else None
    if response is not None:
        result["response"] = response
    return {
        "id": statement_id(home_page, attempt.learner, ANSWERED, object_id, attempt.ts, attempt.id),
        "actor": actor(attempt.learner, home_page),
        "verb": {"id": ANSWERED, "display": _lang("answered")},
        "object": {"objectType": "Activity", "id": object_id, "definition": definition},
        "result": result,
        "context": _context(base, module_iri(base, attempt.module), attempt.mode),
        "timestamp": iso_time(attempt.ts),
    }


def completed_statement(completion: learning.Completion, title: str, base: str, home_page: str) -> dict[str, Any]:
    object_id = module_iri(base, completion.module)
    return {
        "id": statement_id(home_page, completion.learner, COMPLETED, object_id, completion.ts, completion.id),
        "actor": actor(completion.learner, home_page),
        "verb": {"id": COMPLETED, "display": _lang("completed")},
        "object": {"objectType": "Activity", "id": object_id,
                   "definition": {"name": _lang(title), "type": MODULE}},
        "result": {"completion": True, "success": bool(completion.mastered), "score": _score(completion.score)},
        "context": _context(base, None, completion.mode),
        "timestamp": iso_time(completion.ts),
    }


def statements(records: ClassRecords, banks: Mapping[str, Bank], iri_base: str, home_page: str,
               titles: Mapping[str, str] | None = None, since: float | None = None) -> list[dict[str, Any]]:
    """Every attempt and completion in ``records`` as statements, oldest first (only those at or
    after ``since``, in seconds since the epoch, if given).

    ``banks`` (keyed by module) describe the questions; an attempt at a question no bank has any
    more still becomes a statement, with a bare definition. ``titles`` name the modules.
    """
    base = iri_base.rstrip("/")
    titles = titles or {}
    out: list[tuple[float, dict[str, Any]]] = []
    for a in records.attempts:
        if since is not None and a.ts < since:
            continue
        bank = banks.get(a.module)
        question = None
        if bank is not None:
            try:
                question = bank.question(a.question_id)
            except KeyError:
                question = None
        out.append((a.ts, answered_statement(a, question, base, home_page)))
    for c in records.completions:
        if since is not None and c.ts < since:
            continue
        out.append((c.ts, completed_statement(c, titles.get(c.module, c.module), base, home_page)))
    out.sort(key=lambda pair: pair[0])
    return [s for _ts, s in out]
