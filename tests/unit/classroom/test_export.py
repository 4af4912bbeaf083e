"""katlearn.classroom: GIFT, QTI 2.1 and CSV exports parse back to the same questions."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest

from katlearn import classroom, cli, content
from katlearn.classroom import _export
from tests.unit.fixtures import BANK, make_course, write

QTI = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"


@pytest.fixture
def course(tmp_path):
    return make_course(tmp_path)


@pytest.fixture
def bank(course):
    return content.load_bank("09_demo", course)


@pytest.fixture
def refs(course):
    return content.load_references(course)


# -- a small GIFT reader, written from the Moodle GIFT rules, independent of the writer -------------

_PLACEHOLDER = {"\\": "\ue000", "~": "\ue001", "=": "\ue002", "#": "\ue003", "{": "\ue004", "}": "\ue005", ":": "\ue006"}
_RESTORE = {v: k for k, v in _PLACEHOLDER.items()}


def _hide_escapes(text: str) -> str:
    def swap(m: re.Match) -> str:
        ch = m.group(1)
        return "\n" if ch == "n" else _PLACEHOLDER.get(ch, ch)

    return re.sub(r"\\(.)", swap, text)


def _show(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text).strip()


def parse_gift(text: str) -> list[dict]:
    questions = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.strip().startswith("//")]
        body = "\n".join(lines).strip()
        if not body or body.startswith("$CATEGORY"):
            continue
        raw = _hide_escapes(body)
        name_match = re.match(r"::(.*?)::", raw, re.S)
        assert name_match, body
        rest = raw[name_match.end():]
        open_at, close_at = rest.index("{"), rest.rindex("}")
        prompt, answers = rest[:open_at], rest[open_at + 1 : close_at]
        fmt = re.match(r"\[(\w+)\]", prompt)
        if fmt:
            prompt = prompt[fmt.end():]
        answers, _, general = answers.partition("####")
        q = {"name": _show(name_match.group(1)), "format": fmt.group(1) if fmt else None,
             "prompt": _show(prompt), "general": _show(general)}
        answers = answers.strip()
        if answers.startswith("#"):
            value, _, tol = answers[1:].partition(":")
            q.update(kind="numeric", answer=float(value), tolerance=float(tol or 0))
        elif re.match(r"^(TRUE|FALSE|T|F)\b", answers):
            parts = answers.split("#")
            q.update(kind="true_false", answer=parts[0].strip() in ("TRUE", "T"),
                     wrong_feedback=_show(parts[1]) if len(parts) > 1 else "",
                     right_feedback=_show(parts[2]) if len(parts) > 2 else "")
        elif "~" not in answers and "->" in answers:
            pairs = [a for a in answers.split("=") if a.strip()]
            q.update(kind="matching", pairs=[tuple(_show(x) for x in p.split("->", 1)) for p in pairs])
        else:
            choices = []
            for m in re.finditer(r"([=~])([^=~]*)", answers):
                sign, item = m.groups()
                weight = 100.0 if sign == "=" else 0.0
                w = re.match(r"%(-?[\d.]+)%", item)
                if w:
                    weight, item = float(w.group(1)), item[w.end():]
                option, _, feedback = item.partition("#")
                choices.append({"text": _show(option), "weight": weight, "feedback": _show(feedback)})
            q.update(kind="choice", choices=choices)
        questions.append(q)
    return questions


def test_gift_escape_rules():
    assert _export.gift_escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    assert _export.gift_escape("line one\nline two") == "line one\\nline two"


def test_gift_round_trips_every_type_and_special_characters(bank, refs):
    parsed = {q["name"]: q for q in parse_gift(classroom.to_gift([bank], refs))}
    assert set(parsed) == {q.id for q in bank.questions}

    single = parsed["demo.single"]
    assert single["format"] == "markdown"
    assert single["prompt"] == bank.question("demo.single").prompt  # ~ = # { } : \ and $x_1 = 2$ survive
    assert [(c["text"], c["weight"], c["feedback"]) for c in single["choices"]] == [
        ("Magnesium {Mg2+}", 100.0, "Yes, magnesium = the plug."),
        ("Sodium", 0.0, "No: sodium flows through."),
        ("Chloride", 0.0, "No, chloride does not pass."),
    ]
    assert single["general"].startswith("Mg2+ sits in the pore")
    assert "Jahr and Stevens 1990" in single["general"]

    multiple = parsed["demo.multiple"]
    assert [c["weight"] for c in multiple["choices"]] == [50.0, 50.0, -50.0, -50.0]

    tf = parsed["demo.tf"]
    assert tf["kind"] == "true_false" and tf["answer"] is False
    assert tf["right_feedback"] == "Right, about a week." and tf["wrong_feedback"] == "No, about a week."

    numeric = parsed["demo.numeric"]
    assert (numeric["kind"], numeric["answer"], numeric["tolerance"]) == ("numeric", 0.5, 0.01)
    assert "(Answer in mg/kg.)" in numeric["prompt"]

    order = parsed["demo.order"]
    assert order["kind"] == "matching"
    assert order["pairs"] == [("Preparation", "Position 1"), ("Dosing", "Position 2"),
                              ("Integration", "Position 3"), ("Follow-up", "Position 4")]

    match = parsed["demo.match"]
    assert match["pairs"] == [("Ki", "Binding constant"), ("Cmax", "Peak concentration"), ("Tmax", "Time of the peak")]


def test_gift_weights_use_moodle_fractions(tmp_path):
    text = BANK.replace("      - text: Dopamine\n        feedback: Not needed.\n",
                        "      - text: Dopamine\n        correct: true\n        feedback: Needed too.\n")
    root = make_course(tmp_path, bank=text)
    gift = classroom.to_gift([content.load_bank("09_demo", root)], {})
    (multiple,) = [q for q in parse_gift(gift) if q["name"] == "demo.multiple"]
    assert [c["weight"] for c in multiple["choices"]] == [33.33333, 33.33333, -33.33333, 33.33333]


# -- QTI ---------------------------------------------------------------------------------------------


def qti_items(data: bytes) -> tuple[ET.Element, dict[str, ET.Element]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert "imsmanifest.xml" in names
        manifest = ET.fromstring(zf.read("imsmanifest.xml"))
        items = {n: ET.fromstring(zf.read(n)) for n in names if n.startswith("items/")}
    return manifest, items


def test_qti_package_has_manifest_and_one_item_per_question(bank, refs):
    manifest, items = qti_items(classroom.to_qti([bank], refs))
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert {r.get("href") for r in resources} == set(items)
    assert all(r.get("type") == "imsqti_item_xmlv2p1" for r in resources)
    assert len(items) == len(bank.questions)
    by_id = {i.get("identifier"): i for i in items.values()}
    assert set(by_id) == {q.id for q in bank.questions}  # ids are valid NCNames already
    for item in items.values():
        assert item.tag == f"{QTI}assessmentItem"
        decl = item.find(f"{QTI}responseDeclaration")
        interaction = next(e for e in item.iter() if e.tag.endswith("Interaction"))
        assert interaction.get("responseIdentifier") == decl.get("identifier") == "RESPONSE"
        assert item.find(f"{QTI}responseProcessing") is not None
        assert item.find(f"{QTI}modalFeedback").text.startswith(bank.question(item.get("identifier")).explanation)


@pytest.mark.parametrize(
    ("qid", "interaction", "cardinality", "correct"),
    [
        ("demo.single", "choiceInteraction", "single", ["CHOICE_0"]),
        ("demo.multiple", "choiceInteraction", "multiple", ["CHOICE_0", "CHOICE_1"]),
        ("demo.tf", "choiceInteraction", "single", ["FALSE"]),
        ("demo.numeric", "textEntryInteraction", "single", ["0.5"]),
        ("demo.order", "orderInteraction", "ordered", ["ITEM_0", "ITEM_1", "ITEM_2", "ITEM_3"]),
        ("demo.match", "matchInteraction", "multiple", ["TERM_0 DEF_0", "TERM_1 DEF_1", "TERM_2 DEF_2"]),
    ],
)
def test_qti_items_have_the_right_interaction_and_correct_response(bank, refs, qid, interaction, cardinality, correct):
    _manifest, items = qti_items(classroom.to_qti([bank], refs))
    item = items[f"items/{qid}.xml"]
    decl = item.find(f"{QTI}responseDeclaration")
    assert decl.get("cardinality") == cardinality
    assert [v.text for v in decl.find(f"{QTI}correctResponse")] == correct
    inter = next(item.iter(f"{QTI}{interaction}"))
    choice_ids = {c.get("identifier") for c in inter.iter() if c.get("identifier")}
    for value in correct:
        if qid != "demo.numeric":
            assert set(value.split()) <= choice_ids, value


def test_qti_escapes_markup_in_text(tmp_path):
    text = BANK.replace("prompt: Put the phases in order.", "prompt: 'Order <these> & \"those\" </itemBody>'")
    root = make_course(tmp_path, bank=text)
    _m, items = qti_items(classroom.to_qti([content.load_bank("09_demo", root)], {}))
    prompt = next(items["items/demo.order.xml"].iter(f"{QTI}prompt"))
    assert prompt.text == 'Order <these> & "those" </itemBody>'


def test_qti_identifiers_are_ncnames():
    assert _export.qti_identifier("m02.block") == "m02.block"
    assert _export.qti_identifier("2nd q/α") == "Q_2nd_q__"


# -- CSV ---------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_question_with_options_in_columns(bank):
    rows = list(csv.DictReader(io.StringIO(classroom.to_csv([bank]))))
    assert [r["id"] for r in rows] == [q.id for q in bank.questions]
    single, multiple, tf, numeric, order, match = rows
    assert single["prompt"] == bank.question("demo.single").prompt
    assert (single["option_1"], single["option_1_answer"], single["option_1_feedback"]) == (
        "Magnesium {Mg2+}", "TRUE", "Yes, magnesium = the plug.")
    assert single["answer"] == "Magnesium {Mg2+}" and single["references"] == "jahr1990"
    assert multiple["answer"] == "Glutamate | Glycine or D-serine" and multiple["option_4_answer"] == "FALSE"
    assert tf["answer"] == "FALSE" and tf["option_2_feedback"] == "Right, about a week."
    assert (numeric["answer"], numeric["tolerance"], numeric["unit"]) == ("0.5", "0.01", "mg/kg")
    assert [order[f"option_{i}_answer"] for i in range(1, 5)] == ["1", "2", "3", "4"]
    assert (match["option_2"], match["option_2_answer"]) == ("Cmax", "Peak concentration")
    assert match["option_4"] == ""


# -- command line ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["gift", "qti", "csv"])
def test_cli_export_writes_each_format(course, tmp_path, monkeypatch, capsys, fmt):
    monkeypatch.setenv("KATLEARN_ROOT", str(course))
    out = tmp_path / f"out.{fmt}"
    assert cli.main(["export", "--format", fmt, "-o", str(out)]) == 0
    assert out.stat().st_size > 0
    assert "wrote 6 questions from 1 module" in capsys.readouterr().out
    if fmt == "qti":
        assert zipfile.is_zipfile(out)


def test_cli_export_to_stdout_and_one_module(course, monkeypatch, capsys):
    monkeypatch.setenv("KATLEARN_ROOT", str(course))
    assert cli.main(["export", "--format", "gift", "--module", "09_demo", "-o", "-"]) == 0
    assert "::demo.single::" in capsys.readouterr().out


def test_cli_export_refuses_unknown_module_and_broken_content(course, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KATLEARN_ROOT", str(course))
    assert cli.main(["export", "--format", "csv", "--module", "99_nope", "-o", str(tmp_path / "x.csv")]) == 1
    assert "no quiz bank for module '99_nope' (known: 09_demo)" in capsys.readouterr().err
    write(course, "assets/quizzes/09_demo.yaml", "questions: []\n")
    assert cli.main(["export", "--format", "csv", "-o", str(tmp_path / "x.csv")]) == 1
    err = capsys.readouterr().err
    assert "assets/quizzes/09_demo.yaml:1: questions: at least 1 needed" in err
    assert not (tmp_path / "x.csv").exists()


def test_the_starter_bank_exports(monkeypatch):
    monkeypatch.delenv("KATLEARN_ROOT", raising=False)
    bank = content.load_bank("00_start_here")
    parsed = parse_gift(classroom.to_gift([bank], content.load_references()))
    assert [q["name"] for q in parsed] == [q.id for q in bank.questions]


def test_every_question_type_has_one_kind_in_the_class_layer():
    """GIFT, QTI, CSV, xAPI and the class report ask one registry; a new type needs one entry."""
    from katlearn.classroom import _question_kinds

    assert set(_question_kinds.KINDS) == set(content.QUESTION_TYPES)
    for type_name, kind in _question_kinds.KINDS.items():
        assert kind.type == type_name


def test_no_classroom_module_switches_on_question_classes():
    """Each rule once: only _question_kinds may name the question classes."""
    import ast
    from pathlib import Path

    classes = {"SingleChoice", "MultipleChoice", "TrueFalse", "Numeric", "Ordering", "Matching"}
    folder = Path(classroom.__file__).parent
    offenders = []
    for path in sorted(folder.glob("*.py")):
        if path.name == "_question_kinds.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Name) and node.id in classes:
                offenders.append(f"{path.name}:{node.lineno}: {node.id}")
    assert offenders == []
