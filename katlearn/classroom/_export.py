"""Quiz banks for other learning platforms: Moodle GIFT, IMS QTI 2.1 and CSV.

``python -m katlearn export --format gift|qti|csv [--module M] -o PATH`` (``-o -`` writes GIFT or
CSV to standard output).

How each question type is written:

============  ==========================  ===================================  ===================
type          GIFT (Moodle)               QTI 2.1                              CSV
============  ==========================  ===================================  ===================
single        ``=right ~wrong``           choiceInteraction, maxChoices 1      one column group
                                                                               per option
multiple      ``~%50%right ~%-50%wrong``  choiceInteraction, maxChoices 0,     per option
              (see below)                 partial credit via mapping
true_false    ``{TRUE#…#…}``              choiceInteraction (True / False)     answer column
numeric       ``{#answer:tolerance}``     textEntryInteraction (float),        answer, tolerance,
                                          equal with absolute tolerance        unit
ordering      matching item → position    orderInteraction                     items with their
              ("Position 1" …)                                                 position
matching      ``=term -> definition``     matchInteraction (directedPair),     term and definition
                                          partial credit via mapping
============  ==========================  ===================================  ===================

GIFT specifics: text is escaped per GIFT (``~ = # { } :`` and ``\\`` get a backslash, line breaks
become ``\\n``); prompts are marked ``[markdown]``; option feedback follows ``#``; the explanation
and its sources are the general feedback (``####``). ``multiple`` gives each correct option
100/k % and each wrong one −100/k % (k = number of correct options), the same partial credit as
katlearn. GIFT has no ordering type, so ordering questions become matching questions that pair
each item with its position. GIFT matching splits a pair at its first ``->``, so ``->`` inside a
term is written ``→``. GIFT has no place for per-pair feedback.

QTI specifics: the prompt and explanation are plain text (the Markdown source); option feedback
is not exported (the explanation is, as modal feedback).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from katlearn import content
from katlearn.classroom._markup import (
    CP_NS,
    CP_XSD,
    QTI_NS,
    QTI_XSD,
    XSI_NS,
    gift_escape,
    qti_identifier,
    qti_sub,
    qti_tag,
)
from katlearn.classroom._question_kinds import kind_of
from katlearn.content import Bank, Question, Reference

FORMATS = ("gift", "qti", "csv")


def _sources(q: Question, references: Mapping[str, Reference]) -> str:
    cites = []
    for key in q.references:
        ref = references.get(key)
        cites.append(f"{ref.short()}, {ref.title}" + (f" ({ref.link})" if ref.link else "") if ref else key)
    return "Sources: " + "; ".join(cites)


# ---------------------------------------------------------------------------------------------
# GIFT


def _gift_question(q: Question, references: Mapping[str, Reference]) -> str:
    kind = kind_of(q)
    comment = (f"// id: {q.id} | objective: {q.objective} | difficulty: {q.difficulty} | "
               f"references: {', '.join(q.references)}")
    head = f"::{gift_escape(q.id)}::[markdown]{gift_escape(q.prompt + kind.gift_note(q))}"
    general = gift_escape(f"{q.explanation}\n\n{_sources(q, references)}")
    body = "\n".join(f"\t{line}" for line in kind.gift_answers(q))
    return f"{comment}\n{head}{{\n{body}\n\t####{general}\n}}"


def to_gift(banks: Iterable[Bank], references: Mapping[str, Reference]) -> str:
    """Moodle GIFT text, one ``$CATEGORY`` per module, questions separated by blank lines."""
    blocks = ["// katlearn quiz export (GIFT). Import into Moodle: Question bank → Import → GIFT."]
    for bank in banks:
        blocks.append(f"$CATEGORY: $course$/katlearn/{bank.module}")
        blocks.extend(_gift_question(q, references) for q in bank.questions)
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------------------------------------
# QTI 2.1


def _set_score(parent: ET.Element, value: str) -> None:
    qti_sub(qti_sub(parent, "setOutcomeValue", identifier="SCORE"), "baseValue", value, baseType="float")


def _score_if(rp: ET.Element, condition: ET.Element | None, mapped: bool) -> None:
    """SCORE = 1 if RESPONSE matches the correct response, else the mapped score (or 0)."""
    rc = qti_sub(rp, "responseCondition")
    rif = qti_sub(rc, "responseIf")
    if condition is None:
        match = qti_sub(rif, "match")
        qti_sub(match, "variable", identifier="RESPONSE")
        qti_sub(match, "correct", identifier="RESPONSE")
    else:
        rif.append(condition)
    _set_score(rif, "1")
    relse = qti_sub(rc, "responseElse")
    if mapped:
        qti_sub(qti_sub(relse, "setOutcomeValue", identifier="SCORE"), "mapResponse", identifier="RESPONSE")
    else:
        _set_score(relse, "0")
    show = qti_sub(rp, "setOutcomeValue", identifier="FEEDBACK")
    qti_sub(show, "baseValue", "EXPLANATION", baseType="identifier")


def qti_item(q: Question, references: Mapping[str, Reference]) -> ET.Element:
    """One ``assessmentItem`` element for a question (valid against ``imsqti_v2p1.xsd``)."""
    ET.register_namespace("", QTI_NS)
    ET.register_namespace("xsi", XSI_NS)
    kind = kind_of(q)
    item = ET.Element(qti_tag("assessmentItem"), {
        "identifier": qti_identifier(q.id), "title": q.id, "adaptive": "false", "timeDependent": "false",
        f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {QTI_XSD}",
    })
    response = kind.qti_response(q)
    rd = qti_sub(item, "responseDeclaration", identifier="RESPONSE", cardinality=response.cardinality,
                 baseType=response.base_type)
    correct = qti_sub(rd, "correctResponse")
    for value in response.correct:
        qti_sub(correct, "value", value)
    if response.mapping:
        mapping = qti_sub(rd, "mapping", lowerBound="0", upperBound="1", defaultValue="0")
        for key, value in response.mapping:
            qti_sub(mapping, "mapEntry", mapKey=key, mappedValue=value)
    score = qti_sub(item, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    qti_sub(qti_sub(score, "defaultValue"), "value", "0")  # a defaultValue holds <value>, not <baseValue>
    qti_sub(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")
    kind.qti_body(q, qti_sub(item, "itemBody"))
    _score_if(qti_sub(item, "responseProcessing"), kind.qti_condition(q), bool(response.mapping))
    fb = qti_sub(item, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="EXPLANATION", showHide="show")
    fb.text = f"{q.explanation}\n\n{_sources(q, references)}"
    return item


def _xml_bytes(element: ET.Element) -> bytes:
    ET.indent(element)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def to_qti(banks: Iterable[Bank], references: Mapping[str, Reference]) -> bytes:
    """An IMS QTI 2.1 content package (zip): ``imsmanifest.xml`` + ``items/<id>.xml`` per question."""
    ET.register_namespace("", CP_NS)
    ET.register_namespace("xsi", XSI_NS)
    manifest = ET.Element(f"{{{CP_NS}}}manifest", {
        "identifier": "katlearn-quizzes", f"{{{XSI_NS}}}schemaLocation": f"{CP_NS} {CP_XSD}",
    })
    metadata = ET.SubElement(manifest, f"{{{CP_NS}}}metadata")
    ET.SubElement(metadata, f"{{{CP_NS}}}schema").text = "IMS Content"
    ET.SubElement(metadata, f"{{{CP_NS}}}schemaversion").text = "1.1"
    ET.SubElement(manifest, f"{{{CP_NS}}}organizations")
    resources = ET.SubElement(manifest, f"{{{CP_NS}}}resources")
    items: list[tuple[str, bytes]] = []
    for bank in banks:
        for q in bank.questions:
            ident = qti_identifier(q.id)
            href = f"items/{ident}.xml"
            items.append((href, _xml_bytes(qti_item(q, references))))
            res = ET.SubElement(resources, f"{{{CP_NS}}}resource",
                                {"identifier": f"RES_{ident}", "type": "imsqti_item_xmlv2p1", "href": href})
            ET.SubElement(res, f"{{{CP_NS}}}file", {"href": href})
    ET.register_namespace("", CP_NS)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("imsmanifest.xml", _xml_bytes(manifest))
        for href, data in items:
            zf.writestr(href, data)
    return buffer.getvalue()


def write_qti(banks: Iterable[Bank], references: Mapping[str, Reference], path: str | Path) -> None:
    Path(path).write_bytes(to_qti(banks, references))


# ---------------------------------------------------------------------------------------------
# CSV

CSV_COLUMNS = ("module", "id", "type", "objective", "difficulty", "prompt", "answer", "unit",
               "tolerance", "explanation", "references")


def select_banks(module: str | None = None, root: str | Path | None = None) -> list[Bank]:
    """The quiz banks to export: one module's, or every module's in course order."""
    if module is None:
        return [bank for _m, bank in sorted(content.load_banks(root).items())]
    return [content.load_bank(module, root)]


def to_csv(banks: Iterable[Bank]) -> str:
    """One row per question. ``option_N_answer`` holds: for single/multiple/true_false TRUE or
    FALSE (is this option correct?); for ordering the item's position (1 = first); for
    matching the definition that pairs with the term in ``option_N``."""
    rows = []
    width = 0
    for bank in banks:
        for q in bank.questions:
            cells = kind_of(q).csv_cells(q)
            width = max(width, len(cells))
            rows.append((bank, q, cells))
    header = list(CSV_COLUMNS)
    for n in range(1, width + 1):
        header += [f"option_{n}", f"option_{n}_answer", f"option_{n}_feedback"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for bank, q, cells in rows:
        unit, tolerance = kind_of(q).csv_unit_tolerance(q)
        row = [bank.module, q.id, q.type, q.objective, q.difficulty, q.prompt, q.correct_text(), unit, tolerance,
               q.explanation, ";".join(q.references)]
        for cell in cells:
            row += list(cell)
        row += [""] * (len(header) - len(row))
        writer.writerow(row)
    return out.getvalue()
