"""xAPI statements: checked against the required structure of xAPI 1.0.3 (no network, no LRS).

:func:`validate_statement` follows the spec's Part Two (Statement, Agent/account, Verb, Activity
with interaction definitions and response patterns, Result/Score, Context) and returns every
violation it finds, so a failing test says exactly what an LRS would reject.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest

from katlearn import classroom, cli, content, learning
from katlearn.classroom import _xapi
from tests.unit.classroom.test_records_report import ANSWERS, BANK

BASE = "https://learn.example.org/katlearn"
HOME = "https://hub.example.org/"

# ---------------------------------------------------------------------------------------------
# A structural validator for xAPI 1.0.3 statements

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I)
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
IRL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
LANG_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DURATION_RE = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")

STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                  "version", "attachments"}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
IFI_KEYS = {"mbox", "mbox_sha1sum", "openid", "account"}
VERB_KEYS = {"id", "display"}
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                   "correctResponsesPattern", "choices", "scale", "source", "target", "steps"}
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other"}
COMPONENTS_FOR = {"choice": {"choices"}, "sequencing": {"choices"}, "likert": {"scale"},
                  "matching": {"source", "target"}, "performance": {"steps"}}
COMPONENT_KEYS = {"choices", "scale", "source", "target", "steps"}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
CONTEXT_KEYS = {"registration", "instructor", "team", "contextActivities", "revision", "platform", "language",
                "statement", "extensions"}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _language_map(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict) or not value:
        errors.append(f"{where}: a language map must be a non-empty object")
        return
    for tag, text in value.items():
        if not LANG_TAG_RE.match(str(tag)):
            errors.append(f"{where}: {tag!r} is not an RFC 5646 language tag")
        if not isinstance(text, str):
            errors.append(f"{where}.{tag}: must be a string")


def _extensions(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: extensions must be an object")
        return
    for key in value:
        if not IRI_RE.match(str(key)):
            errors.append(f"{where}: extension key {key!r} is not an IRI")


def _unknown(obj: dict, allowed: set[str], where: str, errors: list[str]) -> None:
    for key in set(obj) - allowed:
        errors.append(f"{where}: property {key!r} is not allowed here")


def _agent(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: an Agent must be an object")
        return
    _unknown(value, AGENT_KEYS, where, errors)
    if value.get("objectType", "Agent") != "Agent":
        errors.append(f"{where}.objectType: must be 'Agent' for an Agent")
    ifis = IFI_KEYS & set(value)
    if len(ifis) != 1:
        errors.append(f"{where}: exactly one inverse functional identifier needed, found {sorted(ifis)}")
    if "name" in value and not isinstance(value["name"], str):
        errors.append(f"{where}.name: must be a string")
    if "account" in value:
        account = value["account"]
        if not isinstance(account, dict):
            errors.append(f"{where}.account: must be an object")
            return
        _unknown(account, {"homePage", "name"}, f"{where}.account", errors)
        if not isinstance(account.get("homePage"), str) or not IRL_RE.match(account["homePage"]):
            errors.append(f"{where}.account.homePage: required, an IRL")
        if not isinstance(account.get("name"), str) or not account["name"]:
            errors.append(f"{where}.account.name: required, a non-empty string")


def _component_ids(definition: dict, key: str) -> set[str]:
    return {c["id"] for c in definition.get(key, []) if isinstance(c, dict) and "id" in c}


def check_response(definition: dict, response: str, where: str, errors: list[str]) -> None:
    """A response (or correct response pattern) in the syntax of its interaction type."""
    kind = definition.get("interactionType")
    if kind == "true-false":
        if response not in ("true", "false"):
            errors.append(f"{where}: true-false responses are 'true' or 'false', not {response!r}")
    elif kind in ("choice", "sequencing"):
        ids = _component_ids(definition, "choices")
        parts = response.split("[,]") if response else []
        bad = [p for p in parts if p not in ids]
        if bad:
            errors.append(f"{where}: {bad} are not choice ids")
        if kind == "sequencing" and len(parts) != len(set(parts)):
            errors.append(f"{where}: a sequence lists each item once")
    elif kind == "matching":
        sources, targets = _component_ids(definition, "source"), _component_ids(definition, "target")
        for pair in response.split("[,]") if response else []:
            source, sep, target = pair.partition("[.]")
            if not sep or source not in sources or target not in targets:
                errors.append(f"{where}: {pair!r} is not a source[.]target pair of known ids")
    elif kind == "numeric":
        low, sep, high = response.partition("[:]")
        for side in (low, high) if sep else (response,):
            if side != "":
                try:
                    float(side)
                except ValueError:
                    errors.append(f"{where}: {side!r} is not a number")


def _activity(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: an Activity must be an object")
        return
    _unknown(value, ACTIVITY_KEYS, where, errors)
    if value.get("objectType", "Activity") != "Activity":
        errors.append(f"{where}.objectType: must be 'Activity'")
    if not isinstance(value.get("id"), str) or not IRI_RE.match(value["id"]):
        errors.append(f"{where}.id: required, an IRI")
    definition = value.get("definition")
    if definition is None:
        return
    w = f"{where}.definition"
    if not isinstance(definition, dict):
        errors.append(f"{w}: must be an object")
        return
    _unknown(definition, DEFINITION_KEYS, w, errors)
    for key in ("name", "description"):
        if key in definition:
            _language_map(definition[key], f"{w}.{key}", errors)
    if "type" in definition and (not isinstance(definition["type"], str) or not IRI_RE.match(definition["type"])):
        errors.append(f"{w}.type: must be an IRI")
    if "moreInfo" in definition and not IRL_RE.match(str(definition["moreInfo"])):
        errors.append(f"{w}.moreInfo: must be an IRL")
    if "extensions" in definition:
        _extensions(definition["extensions"], f"{w}.extensions", errors)
    kind = definition.get("interactionType")
    used = (COMPONENT_KEYS | {"correctResponsesPattern"}) & set(definition)
    if kind is None:
        if used:
            errors.append(f"{w}: {sorted(used)} need an interactionType")
        return
    if kind not in INTERACTION_TYPES:
        errors.append(f"{w}.interactionType: {kind!r} is not an xAPI interaction type")
        return
    allowed = COMPONENTS_FOR.get(kind, set())
    for key in (COMPONENT_KEYS & set(definition)) - allowed:
        errors.append(f"{w}.{key}: not allowed for interactionType {kind!r}")
    for key in allowed & set(definition):
        components = definition[key]
        if not isinstance(components, list):
            errors.append(f"{w}.{key}: must be an array")
            continue
        ids = []
        for i, comp in enumerate(components):
            if not isinstance(comp, dict) or not isinstance(comp.get("id"), str) or not comp["id"]:
                errors.append(f"{w}.{key}[{i}]: needs a string id")
                continue
            _unknown(comp, {"id", "description"}, f"{w}.{key}[{i}]", errors)
            if "description" in comp:
                _language_map(comp["description"], f"{w}.{key}[{i}].description", errors)
            ids.append(comp["id"])
        if len(ids) != len(set(ids)):
            errors.append(f"{w}.{key}: ids must be unique")
    pattern = definition.get("correctResponsesPattern")
    if pattern is not None:
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            errors.append(f"{w}.correctResponsesPattern: must be an array of strings")
        else:
            for i, p in enumerate(pattern):
                check_response(definition, p, f"{w}.correctResponsesPattern[{i}]", errors)


def _result(value: Any, where: str, errors: list[str], definition: dict | None) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: must be an object")
        return
    _unknown(value, RESULT_KEYS, where, errors)
    for key in ("success", "completion"):
        if key in value and not isinstance(value[key], bool):
            errors.append(f"{where}.{key}: must be true or false")
    if "response" in value:
        if not isinstance(value["response"], str):
            errors.append(f"{where}.response: must be a string")
        elif definition and definition.get("interactionType"):
            check_response(definition, value["response"], f"{where}.response", errors)
    if "duration" in value and not DURATION_RE.match(str(value["duration"])):
        errors.append(f"{where}.duration: must be an ISO 8601 duration")
    if "extensions" in value:
        _extensions(value["extensions"], f"{where}.extensions", errors)
    score = value.get("score")
    if score is None:
        return
    if not isinstance(score, dict):
        errors.append(f"{where}.score: must be an object")
        return
    _unknown(score, SCORE_KEYS, f"{where}.score", errors)
    for key in SCORE_KEYS & set(score):
        if not _is_number(score[key]):
            errors.append(f"{where}.score.{key}: must be a number")
            return
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        errors.append(f"{where}.score.scaled: must be within -1..1")
    if "min" in score and "max" in score and not score["min"] < score["max"]:
        errors.append(f"{where}.score: min must be less than max")
    if "raw" in score:
        if "min" in score and score["raw"] < score["min"] or "max" in score and score["raw"] > score["max"]:
            errors.append(f"{where}.score.raw: must lie between min and max")


def _context(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: must be an object")
        return
    _unknown(value, CONTEXT_KEYS, where, errors)
    if "registration" in value and not UUID_RE.match(str(value["registration"])):
        errors.append(f"{where}.registration: must be a UUID")
    for key in ("platform", "revision"):
        if key in value and not isinstance(value[key], str):
            errors.append(f"{where}.{key}: must be a string")
    if "language" in value and not LANG_TAG_RE.match(str(value["language"])):
        errors.append(f"{where}.language: must be an RFC 5646 tag")
    if "instructor" in value:
        _agent(value["instructor"], f"{where}.instructor", errors)
    if "extensions" in value:
        _extensions(value["extensions"], f"{where}.extensions", errors)
    activities = value.get("contextActivities")
    if activities is None:
        return
    if not isinstance(activities, dict):
        errors.append(f"{where}.contextActivities: must be an object")
        return
    _unknown(activities, CONTEXT_ACTIVITY_KEYS, f"{where}.contextActivities", errors)
    for key, items in activities.items():
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            _activity(item, f"{where}.contextActivities.{key}[{i}]", errors)


def validate_statement(statement: Any) -> list[str]:
    """Every way ``statement`` breaks the xAPI 1.0.3 statement structure (empty = valid)."""
    errors: list[str] = []
    if not isinstance(statement, dict):
        return ["a statement must be a JSON object"]
    _unknown(statement, STATEMENT_KEYS, "statement", errors)
    for key in ("actor", "verb", "object"):
        if key not in statement:
            errors.append(f"statement.{key}: required")
    if "id" in statement and not (isinstance(statement["id"], str) and UUID_RE.match(statement["id"])):
        errors.append("statement.id: must be a UUID")
    if "timestamp" in statement and not TIMESTAMP_RE.match(str(statement["timestamp"])):
        errors.append("statement.timestamp: must be an ISO 8601 date-time with a time zone")
    if "actor" in statement:
        _agent(statement["actor"], "statement.actor", errors)
    verb = statement.get("verb")
    if verb is not None:
        if not isinstance(verb, dict):
            errors.append("statement.verb: must be an object")
        else:
            _unknown(verb, VERB_KEYS, "statement.verb", errors)
            if not isinstance(verb.get("id"), str) or not IRI_RE.match(verb["id"]):
                errors.append("statement.verb.id: required, an IRI")
            if "display" in verb:
                _language_map(verb["display"], "statement.verb.display", errors)
    obj = statement.get("object")
    if obj is not None:
        if isinstance(obj, dict) and obj.get("objectType", "Activity") != "Activity":
            errors.append("statement.object: these exports only use Activities")
        _activity(obj, "statement.object", errors)
    if "result" in statement:
        definition = obj.get("definition") if isinstance(obj, dict) else None
        _result(statement["result"], "statement.result", errors, definition)
    if "context" in statement:
        _context(statement["context"], "statement.context", errors)
    return errors


# ---------------------------------------------------------------------------------------------
# The validator itself catches what it should (so a passing export means something)


def _valid_statement() -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": "sam"}},
        "verb": {"id": _xapi.ANSWERED, "display": {"en-US": "answered"}},
        "object": {"objectType": "Activity", "id": f"{BASE}/q", "definition": {
            "type": _xapi.INTERACTION, "interactionType": "choice",
            "choices": [{"id": "a", "description": {"en-US": "A"}}, {"id": "b", "description": {"en-US": "B"}}],
            "correctResponsesPattern": ["a"]}},
        "result": {"success": True, "response": "a", "score": {"scaled": 1, "raw": 1, "min": 0, "max": 1}},
        "timestamp": "2025-03-01T09:30:00.000Z",
    }


@pytest.mark.parametrize("break_it, expected", [
    (lambda s: s.pop("verb"), "statement.verb: required"),
    (lambda s: s.update(id="not-a-uuid"), "statement.id: must be a UUID"),
    (lambda s: s["actor"].update(mbox="mailto:sam@example.org"), "exactly one inverse functional identifier"),
    (lambda s: s["actor"]["account"].pop("homePage"), "account.homePage: required"),
    (lambda s: s["verb"].update(id="answered"), "statement.verb.id: required, an IRI"),
    (lambda s: s["object"]["definition"].update(interactionType="multiple-choice"), "not an xAPI interaction type"),
    (lambda s: s["object"]["definition"].update(source=[{"id": "x"}]), "source: not allowed"),
    (lambda s: s["result"].update(response="c"), "are not choice ids"),
    (lambda s: s["result"]["score"].update(scaled=1.5), "scaled: must be within -1..1"),
    (lambda s: s["result"]["score"].update(raw=2), "raw: must lie between min and max"),
    (lambda s: s.update(timestamp="2025-03-01 09:30"), "statement.timestamp"),
    (lambda s: s.update(grade="A"), "property 'grade' is not allowed"),
    (lambda s: s.update(context={"extensions": {"mode": "exam"}}), "extension key 'mode' is not an IRI"),
    (lambda s: s.update(context={"contextActivities": {"parent": [{"id": "module 1"}]}}), "parent[0].id"),
])
def test_validator_rejects_what_an_lrs_would(break_it, expected):
    statement = _valid_statement()
    assert validate_statement(statement) == []
    break_it(statement)
    errors = validate_statement(statement)
    assert any(expected in e for e in errors), errors


# ---------------------------------------------------------------------------------------------
# Exports

def _records(learner: str = "sam") -> classroom.ClassRecords:
    attempts = []
    for n, q in enumerate(BANK.questions):
        answer, _ok = ANSWERS[q.id]
        r = learning.grade(q, answer)
        attempts.append(learning.Attempt(n + 1, learner, "m1", q.id, answer, r.correct, r.score, "practice",
                                         1_740_000_000.0 + n))
    completions = (learning.Completion(1, learner, "m1", 0.6, False, "practice", 1_740_000_100.0),)
    return classroom.ClassRecords(tuple(attempts), completions)


def test_every_exported_statement_is_valid_xapi():
    statements = classroom.xapi_statements(_records(), {"m1": BANK}, BASE, HOME, titles={"m1": "Module one"})
    assert len(statements) == len(BANK.questions) + 1
    for s in statements:
        assert validate_statement(s) == [], (s["object"]["id"], validate_statement(s))
    json.dumps(statements)  # plain JSON, ready to POST


def test_answered_statement_carries_actor_verb_result_and_context():
    s = classroom.xapi_statements(_records(), {"m1": BANK}, BASE, HOME)[0]
    assert s["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": "sam"}}
    assert s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert s["object"]["id"] == f"{BASE}/modules/m1/questions/q.single"
    assert s["object"]["definition"]["interactionType"] == "choice"
    assert s["object"]["definition"]["correctResponsesPattern"] == ["option-0"]
    assert s["result"] == {"success": False, "score": {"scaled": 0.0, "raw": 0.0, "min": 0, "max": 1},
                           "response": "option-1"}
    assert s["context"]["contextActivities"]["parent"][0]["id"] == f"{BASE}/modules/m1"
    assert s["context"]["contextActivities"]["grouping"][0]["id"] == BASE
    assert s["timestamp"] == "2025-02-19T21:20:00.000Z"


def test_completed_statement_says_whether_the_module_was_mastered():
    s = classroom.xapi_statements(_records(), {"m1": BANK}, BASE, HOME, titles={"m1": "Module one"})[-1]
    assert s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert s["object"] == {"objectType": "Activity", "id": f"{BASE}/modules/m1",
                           "definition": {"name": {"en-US": "Module one"}, "type": _xapi.MODULE}}
    assert s["result"]["completion"] is True and s["result"]["success"] is False
    assert s["result"]["score"]["scaled"] == 0.6


@pytest.mark.parametrize("qid, response", [
    ("q.single", "option-1"), ("q.multi", "option-0[,]option-2"), ("q.tf", "true"), ("q.num", "0.52"),
    ("q.order", "item-1[,]item-0[,]item-2"), ("q.match", "term-0[.]definition-0[,]term-1[.]definition-2[,]term-2[.]definition-1"),
])
def test_responses_use_the_pattern_syntax_of_each_interaction_type(qid, response):
    q = BANK.question(qid)
    assert _xapi.response_text(q, ANSWERS[qid][0]) == response


def test_numeric_tolerance_becomes_a_range_pattern():
    assert _xapi.interaction_definition(BANK.question("q.num"))["correctResponsesPattern"] == ["0.45[:]0.55"]


def test_statement_ids_are_stable_so_reexports_are_idempotent_and_distinct_per_record():
    first = classroom.xapi_statements(_records(), {"m1": BANK}, BASE, HOME)
    again = classroom.xapi_statements(_records(), {"m1": BANK}, BASE, HOME)
    assert [s["id"] for s in first] == [s["id"] for s in again]
    assert len({s["id"] for s in first}) == len(first)
    other = classroom.xapi_statements(_records("alex"), {"m1": BANK}, BASE, HOME)
    assert not {s["id"] for s in first} & {s["id"] for s in other}


def test_a_question_no_longer_in_the_bank_still_exports_validly():
    stale = learning.Attempt(9, "sam", "m1", "q.removed", 2, False, 0.0, "exam", 1_740_000_000.0)
    s = classroom.xapi_statements(classroom.ClassRecords((stale,)), {"m1": BANK}, BASE, HOME)[0]
    assert validate_statement(s) == []
    assert "response" not in s["result"]
    assert s["context"]["extensions"][f"{BASE}/extensions/mode"] == "exam"


def test_odd_learner_names_stay_data_in_the_account_name():
    name = "<img src=x onerror=alert(1)>"
    s = classroom.xapi_statements(_records(name), {"m1": BANK}, BASE, HOME)[0]
    assert s["actor"]["account"]["name"] == name
    assert validate_statement(s) == []


def test_every_question_of_the_course_has_a_valid_interaction_definition():
    banks = content.load_banks()
    assert banks
    for module, bank in banks.items():
        for q in bank.questions:
            attempt = learning.Attempt(1, "sam", module, q.id, q.correct_answer(), True, 1.0, "practice",
                                       1_740_000_000.0)
            s = _xapi.answered_statement(attempt, q, BASE, HOME)
            assert validate_statement(s) == [], (q.id, validate_statement(s))
            # the correct answer's response matches the correct pattern exactly
            assert s["result"]["response"] in s["object"]["definition"]["correctResponsesPattern"] or q.type == "numeric"


@pytest.mark.parametrize("value", ["", "learn.example.org", "ftp://learn.example.org", "https://"])
def test_iri_base_must_be_an_http_url_and_the_error_says_what_to_do(value, monkeypatch):
    monkeypatch.delenv(classroom.IRI_BASE_ENV, raising=False)
    with pytest.raises(ValueError, match="--iri-base"):
        classroom.resolve_iri_base(value)


def test_iri_base_and_home_page_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(classroom.IRI_BASE_ENV, "https://learn.example.org/katlearn/")
    monkeypatch.delenv(classroom.HOME_PAGE_ENV, raising=False)
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_HUB_URL", "https://hub.example.org/hub/")
    assert classroom.resolve_iri_base() == "https://learn.example.org/katlearn"
    assert classroom.resolve_home_page() == "https://hub.example.org/hub/"
    monkeypatch.delenv("JUPYTERHUB_PUBLIC_HUB_URL")
    with pytest.raises(ValueError, match="--home-page"):
        classroom.resolve_home_page()


def test_cli_writes_valid_statements(tmp_path, monkeypatch):
    db = tmp_path / "progress.sqlite"
    monkeypatch.setenv("KATLEARN_DB", str(db))
    learning.close()
    bank = content.load_bank("00_start_here")
    q = bank.questions[0]
    learning.record_attempt("sam", "00_start_here", q.id, q.correct_answer(), True, 1.0)
    learning.record_completion("sam", "00_start_here", 1.0, True)
    learning.close()
    out = tmp_path / "statements.json"
    code = cli.main(["progress-export", "--format", "xapi", "-o", str(out), "--iri-base", BASE, "--home-page", HOME])
    assert code == 0
    statements = json.loads(out.read_text(encoding="utf-8"))
    assert [s["verb"]["display"]["en-US"] for s in statements] == ["answered", "completed"]
    assert all(validate_statement(s) == [] for s in statements)
    assert statements[1]["object"]["definition"]["name"]["en-US"].startswith("Ketamine-assisted therapy")


def test_cli_refuses_xapi_without_an_iri_base(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KATLEARN_DB", str(tmp_path / "progress.sqlite"))
    monkeypatch.delenv(classroom.IRI_BASE_ENV, raising=False)
    assert cli.main(["progress-export", "--format", "xapi", "-o", str(tmp_path / "x.json"), "--home-page", HOME]) == 1
    assert "--iri-base" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def test_prompts_are_plain_text_in_activity_names():
    definition = _xapi.interaction_definition(BANK.question("q.single"))
    assert definition["name"] == {"en-US": "Pick one."}
