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
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from katlearn import content
from katlearn.content import (
    Bank,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    Reference,
    SingleChoice,
    TrueFalse,
    format_number,
)

FORMATS = ("gift", "qti", "csv")

# ---------------------------------------------------------------------------------------------
# GIFT

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


def gift_escape(text: str) -> str:
    """Escape text for GIFT: a backslash before ``\\ ~ = # { } :``, line breaks as ``\\n``."""
    escaped = _GIFT_SPECIAL.sub(r"\\\1", text.strip())
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")



def _percent(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def _sources(q: Question, references: Mapping[str, Reference]) -> str:
    cites = []
    for key in q.references:
        ref = references.get(key)
        cites.append(f"{ref.short()}, {ref.title}" + (f" ({ref.link})" if ref.link else "") if ref else key)
    return "Sources: " + "; ".join(cites)


def _gift_question(q: Question, references: Mapping[str, Reference]) -> str:
    comment = (f"// id: {q.id} | objective: {q.objective} | difficulty: {q.difficulty} | "
               f"references: {', '.join(q.references)}")
    prompt = q.prompt
    if isinstance(q, Numeric) and q.unit:
        prompt += f"\n\n(Answer in {q.unit}.)"
    if isinstance(q, Ordering):
        prompt += "\n\n(Match each item to its position, 1 = first.)"
    head = f"::{gift_escape(q.id)}::[markdown]{gift_escape(prompt)}"
    general = gift_escape(f"{q.explanation}\n\n{_sources(q, references)}")
    lines: list[str] = []
    if isinstance(q, SingleChoice):
        for o in q.options:
            lines.append(f"\t{'=' if o.correct else '~'}{gift_escape(o.text)}#{gift_escape(o.feedback)}")
    elif isinstance(q, MultipleChoice):
        k = sum(o.correct for o in q.options)
        right, wrong = _percent(100 / k), _percent(-100 / k)
        for o in q.options:
            lines.append(f"\t~%{right if o.correct else wrong}%{gift_escape(o.text)}#{gift_escape(o.feedback)}")
    elif isinstance(q, TrueFalse):
        wrong_fb = gift_escape(q.feedback.get(not q.answer, ""))
        right_fb = gift_escape(q.feedback.get(q.answer, ""))
        lines.append(f"\t{'TRUE' if q.answer else 'FALSE'}#{wrong_fb}#{right_fb}")
    elif isinstance(q, Numeric):
        lines.append(f"\t#{format_number(q.answer)}:{format_number(q.tolerance)}")
    elif isinstance(q, Ordering):
        for pos, item in enumerate(q.items, start=1):
            lines.append(f"\t={gift_escape(item.replace('->', '→'))} -> Position {pos}")
    elif isinstance(q, Matching):
        for p in q.pairs:
            lines.append(f"\t={gift_escape(p.term.replace('->', '→'))} -> {gift_escape(p.definition)}")
    body = "\n".join(lines)
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

QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
_QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
_CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"


def qti_identifier(text: str) -> str:
    """An XML NCName usable as a QTI identifier (letters, digits, ``_ - .``; no leading digit)."""
    ident = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return ident if re.match(r"^[A-Za-z_]", ident) else f"Q_{ident}"


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, _q(tag), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el


def _base_value(parent: ET.Element, base_type: str, value: str) -> None:
    _sub(parent, "baseValue", value, baseType=base_type)


def _score_if(rp: ET.Element, condition: ET.Element | None, mapped: bool) -> None:
    """SCORE = 1 if RESPONSE matches the correct response, else mapped score (or 0)."""
    rc = _sub(rp, "responseCondition")
    rif = _sub(rc, "responseIf")
    if condition is None:
        match = _sub(rif, "match")
        _sub(match, "variable", identifier="RESPONSE")
        _sub(match, "correct", identifier="RESPONSE")
    else:
        rif.append(condition)
    set_ok = _sub(rif, "setOutcomeValue", identifier="SCORE")
    _base_value(set_ok, "float", "1")
    relse = _sub(rc, "responseElse")
    set_else = _sub(relse, "setOutcomeValue", identifier="SCORE")
    if mapped:
        _sub(set_else, "mapResponse", identifier="RESPONSE")
    else:
        _base_value(set_else, "float", "0")
    show = _sub(rp, "setOutcomeValue", identifier="FEEDBACK")
    _base_value(show, "identifier", "EXPLANATION")


def qti_item(q: Question, references: Mapping[str, Reference]) -> ET.Element:
    """One ``assessmentItem`` element for a question."""
    ET.register_namespace("", QTI_NS)
    ET.register_namespace("xsi", XSI_NS)
    item = ET.Element(_q("assessmentItem"), {
        "identifier": qti_identifier(q.id), "title": q.id, "adaptive": "false", "timeDependent": "false",
        f"{{{XSI_NS}}}schemaLocation": f"{QTI_NS} {_QTI_XSD}",
    })
    rd = _sub(item, "responseDeclaration", identifier="RESPONSE")
    cr = _sub(rd, "correctResponse")
    body_el = ET.Element(_q("itemBody"))
    condition: ET.Element | None = None
    mapped = False

    if isinstance(q, (SingleChoice, MultipleChoice, TrueFalse)):
        if isinstance(q, TrueFalse):
            choices = [("TRUE", "True", q.answer), ("FALSE", "False", not q.answer)]
        else:
            choices = [(f"CHOICE_{i}", o.text, o.correct) for i, o in enumerate(q.options)]
        multiple = isinstance(q, MultipleChoice)
        rd.set("cardinality", "multiple" if multiple else "single")
        rd.set("baseType", "identifier")
        for ident, _text, ok in choices:
            if ok:
                _sub(cr, "value", ident)
        if multiple:
            k = sum(ok for *_x, ok in choices)
            mapping = _sub(rd, "mapping", lowerBound="0", upperBound="1", defaultValue="0")
            for ident, _text, ok in choices:
                _sub(mapping, "mapEntry", mapKey=ident, mappedValue=f"{(1 if ok else -1) / k:.6g}")
            mapped = True
        shuffle = "true" if getattr(q, "shuffle", False) else "false"
        inter = _sub(body_el, "choiceInteraction", responseIdentifier="RESPONSE", shuffle=shuffle,
                     maxChoices="0" if multiple else "1")
        _sub(inter, "prompt", q.prompt)
        for ident, text, _ok in choices:
            _sub(inter, "simpleChoice", text, identifier=ident)
    elif isinstance(q, Numeric):
        rd.set("cardinality", "single")
        rd.set("baseType", "float")
        _sub(cr, "value", format_number(q.answer))
        prompt = q.prompt + (f" (Answer in {q.unit}.)" if q.unit else "")
        _sub(body_el, "p", prompt)
        p = _sub(body_el, "p")
        _sub(p, "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="12")
        tolerance = f"{format_number(q.tolerance)} {format_number(q.tolerance)}"  # below and above the answer
        condition = ET.Element(_q("equal"), {"toleranceMode": "absolute", "tolerance": tolerance})
        _sub(condition, "variable", identifier="RESPONSE")
        _sub(condition, "correct", identifier="RESPONSE")
    elif isinstance(q, Ordering):
        rd.set("cardinality", "ordered")
        rd.set("baseType", "identifier")
        for i in range(len(q.items)):
            _sub(cr, "value", f"ITEM_{i}")
        inter = _sub(body_el, "orderInteraction", responseIdentifier="RESPONSE", shuffle="true")
        _sub(inter, "prompt", q.prompt)
        for i, text in enumerate(q.items):
            _sub(inter, "simpleChoice", text, identifier=f"ITEM_{i}")
    elif isinstance(q, Matching):
        n = len(q.pairs)
        rd.set("cardinality", "multiple")
        rd.set("baseType", "directedPair")
        for i in range(n):
            _sub(cr, "value", f"TERM_{i} DEF_{i}")
        mapping = _sub(rd, "mapping", lowerBound="0", upperBound="1", defaultValue="0")
        for i in range(n):
            _sub(mapping, "mapEntry", mapKey=f"TERM_{i} DEF_{i}", mappedValue=f"{1 / n:.6g}")
        mapped = True
        inter = _sub(body_el, "matchInteraction", responseIdentifier="RESPONSE", shuffle="true",
                     maxAssociations=str(n))
        _sub(inter, "prompt", q.prompt)
        terms = _sub(inter, "simpleMatchSet")
        for i, p in enumerate(q.pairs):
            _sub(terms, "simpleAssociableChoice", p.term, identifier=f"TERM_{i}", matchMax="1")
        defs = _sub(inter, "simpleMatchSet")
        for i, p in enumerate(q.pairs):
            _sub(defs, "simpleAssociableChoice", p.definition, identifier=f"DEF_{i}", matchMax="1")

    od = _sub(item, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    _base_value(_sub(od, "defaultValue"), "float", "0")
    _sub(item, "outcomeDeclaration", identifier="FEEDBACK", cardinality="single", baseType="identifier")
    item.append(body_el)
    rp = _sub(item, "responseProcessing")
    _score_if(rp, condition, mapped)
    fb = _sub(item, "modalFeedback", outcomeIdentifier="FEEDBACK", identifier="EXPLANATION", showHide="show")
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
        "identifier": "katlearn-quizzes", f"{{{XSI_NS}}}schemaLocation": f"{CP_NS} {_CP_XSD}",
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


def _option_cells(q: Question) -> list[tuple[str, str, str]]:
    """(option, option_answer, option_feedback) per option / item / pair."""
    if isinstance(q, (SingleChoice, MultipleChoice)):
        return [(o.text, "TRUE" if o.correct else "FALSE", o.feedback) for o in q.options]
    if isinstance(q, TrueFalse):
        return [("True", "TRUE" if q.answer else "FALSE", q.feedback.get(True, "")),
                ("False", "FALSE" if q.answer else "TRUE", q.feedback.get(False, ""))]
    if isinstance(q, Ordering):
        return [(item, str(pos), "") for pos, item in enumerate(q.items, start=1)]
    if isinstance(q, Matching):
        return [(p.term, p.definition, "") for p in q.pairs]
    return []


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
            cells = _option_cells(q)
            width = max(width, len(cells))
            rows.append((bank, q, cells))
    header = list(CSV_COLUMNS)
    for n in range(1, width + 1):
        header += [f"option_{n}", f"option_{n}_answer", f"option_{n}_feedback"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for bank, q, cells in rows:
        row = [bank.module, q.id, q.type, q.objective, q.difficulty, q.prompt, q.correct_text(),
               getattr(q, "unit", ""), format_number(q.tolerance) if isinstance(q, Numeric) else "",
               q.explanation, ";".join(q.references)]
        for cell in cells:
            row += list(cell)
        row += [""] * (len(header) - len(row))
        writer.writerow(row)
    return out.getvalue()
