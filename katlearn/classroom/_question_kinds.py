"""Each question type's behaviour in the class layer, in one place: how it is written as GIFT, QTI
2.1, CSV and xAPI, and what was wrong in a learner's answer.

:data:`KINDS` maps every question type (``content.QUESTION_TYPES``) to one :class:`Kind`; the
writers (``_export``, ``_xapi``) and the class report (``_report``) ask :func:`kind_of` and never
switch on the type themselves. A new question type needs its model in ``katlearn.content`` and one
class here (a test checks that every type has one).

Identifiers used in the exports: QTI ``CHOICE_<i>`` / ``TRUE`` / ``FALSE`` / ``ITEM_<i>`` /
``TERM_<i>`` + ``DEF_<i>``; xAPI ``option-<i>`` / ``item-<i>`` / ``term-<i>`` + ``definition-<i>``
(``i`` counts from 0 in the bank's order).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from katlearn import learning
from katlearn.classroom._markup import gift_escape, gift_percent, qti_sub, qti_tag
from katlearn.content import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TrueFalse,
    format_number,
)

LANGUAGE = "en-US"


def _lang(text: str) -> dict[str, str]:
    return {LANGUAGE: text}


def _gift_pair_side(text: str) -> str:
    """GIFT splits a pair at its first ``->``: one inside a term is written ``→``."""
    return gift_escape(text.replace("->", "→"))


@dataclass(frozen=True)
class QtiResponse:
    """A QTI ``responseDeclaration``: cardinality, base type, the correct values and, for partial
    credit, ``(mapKey, mappedValue)`` entries (score = sum over the response, bounded to 0..1)."""

    cardinality: str
    base_type: str
    correct: tuple[str, ...]
    mapping: tuple[tuple[str, str], ...] = ()


class Kind:
    """What every question type answers; the defaults suit a type without that feature."""

    type = ""
    xapi_interaction = "other"

    # GIFT (Moodle)
    def gift_note(self, q: Question) -> str:
        """Text added to the prompt where GIFT cannot say it otherwise."""
        return ""

    def gift_answers(self, q: Question) -> list[str]:
        raise NotImplementedError

    # QTI 2.1
    def qti_response(self, q: Question) -> QtiResponse:
        raise NotImplementedError

    def qti_body(self, q: Question, body: ET.Element) -> None:
        raise NotImplementedError

    def qti_condition(self, q: Question) -> ET.Element | None:
        """A condition for full marks other than ``match(RESPONSE, correct)``."""
        return None

    # CSV
    def csv_cells(self, q: Question) -> list[tuple[str, str, str]]:
        """(option, option_answer, option_feedback) per option / item / pair."""
        return []

    def csv_unit_tolerance(self, q: Question) -> tuple[str, str]:
        return "", ""

    # xAPI
    def xapi_components(self, q: Question) -> dict[str, Any]:
        """``choices`` or ``source``/``target`` of the interaction definition."""
        return {}

    def xapi_pattern(self, q: Question) -> str:
        raise NotImplementedError

    def xapi_response(self, q: Question, answer: Any) -> str | None:
        raise NotImplementedError

    # class report
    def wrong_parts(self, q: Question, answer: Any) -> list[str]:
        raise NotImplementedError


class _Choice(Kind):
    """single, multiple and true_false: a choiceInteraction over labelled choices."""

    multiple = False

    def choices(self, q: Any) -> list[tuple[str, str, bool, str]]:
        """(QTI identifier, text, correct, feedback) per choice."""
        return [(f"CHOICE_{i}", o.text, o.correct, o.feedback) for i, o in enumerate(q.options)]

    def qti_response(self, q: Question) -> QtiResponse:
        choices = self.choices(q)
        correct = tuple(ident for ident, _t, ok, _f in choices if ok)
        mapping: tuple[tuple[str, str], ...] = ()
        if self.multiple:
            k = len(correct)
            mapping = tuple((ident, f"{(1 if ok else -1) / k:.6g}") for ident, _t, ok, _f in choices)
        return QtiResponse("multiple" if self.multiple else "single", "identifier", correct, mapping)

    def qti_body(self, q: Question, body: ET.Element) -> None:
        inter = qti_sub(body, "choiceInteraction", responseIdentifier="RESPONSE",
                        shuffle="true" if getattr(q, "shuffle", False) else "false",
                        maxChoices="0" if self.multiple else "1")
        qti_sub(inter, "prompt", q.prompt)
        for ident, text, _ok, _f in self.choices(q):
            qti_sub(inter, "simpleChoice", text, identifier=ident)

    def csv_cells(self, q: Question) -> list[tuple[str, str, str]]:
        return [(text, "TRUE" if ok else "FALSE", feedback) for _i, text, ok, feedback in self.choices(q)]

    def xapi_components(self, q: Any) -> dict[str, Any]:
        return {"choices": [{"id": f"option-{i}", "description": _lang(o.text)} for i, o in enumerate(q.options)]}


class _Single(_Choice):
    type = "single"
    xapi_interaction = "choice"

    def gift_answers(self, q: SingleChoice) -> list[str]:
        return [f"{'=' if o.correct else '~'}{gift_escape(o.text)}#{gift_escape(o.feedback)}" for o in q.options]

    def xapi_pattern(self, q: SingleChoice) -> str:
        return f"option-{q.correct_answer()}"

    def xapi_response(self, q: SingleChoice, answer: Any) -> str | None:
        index = int(answer)
        return f"option-{index}" if 0 <= index < len(q.options) else None

    def wrong_parts(self, q: SingleChoice, answer: Any) -> list[str]:
        option = q.options[int(answer)]
        return [] if option.correct else [option.text]


class _Multiple(_Choice):
    """Each correct option is worth 1/k, each wrong one −1/k (k correct options), as in katlearn."""

    type = "multiple"
    xapi_interaction = "choice"
    multiple = True

    def gift_answers(self, q: MultipleChoice) -> list[str]:
        k = sum(o.correct for o in q.options)
        right, wrong = gift_percent(100 / k), gift_percent(-100 / k)
        return [f"~%{right if o.correct else wrong}%{gift_escape(o.text)}#{gift_escape(o.feedback)}"
                for o in q.options]

    def xapi_pattern(self, q: MultipleChoice) -> str:
        return "[,]".join(f"option-{i}" for i in q.correct_answer())

    def xapi_response(self, q: MultipleChoice, answer: Any) -> str | None:
        return "[,]".join(f"option-{i}" for i in sorted({int(a) for a in answer}))

    def wrong_parts(self, q: MultipleChoice, answer: Any) -> list[str]:
        ticked = {int(i) for i in answer}
        wrong = [o.text for i, o in enumerate(q.options) if i in ticked and not o.correct]
        missed = [f"left out: {o.text}" for i, o in enumerate(q.options) if i not in ticked and o.correct]
        return wrong or missed


class _TrueFalse(_Choice):
    type = "true_false"
    xapi_interaction = "true-false"

    def choices(self, q: TrueFalse) -> list[tuple[str, str, bool, str]]:
        return [("TRUE", "True", q.answer, q.feedback.get(True, "")),
                ("FALSE", "False", not q.answer, q.feedback.get(False, ""))]

    def gift_answers(self, q: TrueFalse) -> list[str]:
        wrong_fb = gift_escape(q.feedback.get(not q.answer, ""))
        right_fb = gift_escape(q.feedback.get(q.answer, ""))
        return [f"{'TRUE' if q.answer else 'FALSE'}#{wrong_fb}#{right_fb}"]

    def xapi_components(self, q: TrueFalse) -> dict[str, Any]:
        return {}

    def xapi_pattern(self, q: TrueFalse) -> str:
        return "true" if q.answer else "false"

    def xapi_response(self, q: TrueFalse, answer: Any) -> str | None:
        return ("true" if answer else "false") if isinstance(answer, bool) else None

    def wrong_parts(self, q: TrueFalse, answer: Any) -> list[str]:
        return [] if answer is q.answer else ["True" if answer else "False"]


class _Numeric(Kind):
    """Right within ± tolerance: QTI ``equal`` with an absolute tolerance, xAPI a range pattern."""

    type = "numeric"
    xapi_interaction = "numeric"

    def gift_note(self, q: Numeric) -> str:
        return f"\n\n(Answer in {q.unit}.)" if q.unit else ""

    def gift_answers(self, q: Numeric) -> list[str]:
        return [f"#{format_number(q.answer)}:{format_number(q.tolerance)}"]

    def qti_response(self, q: Numeric) -> QtiResponse:
        return QtiResponse("single", "float", (format_number(q.answer),))

    def qti_body(self, q: Numeric, body: ET.Element) -> None:
        qti_sub(body, "p", q.prompt + (f" (Answer in {q.unit}.)" if q.unit else ""))
        qti_sub(qti_sub(body, "p"), "textEntryInteraction", responseIdentifier="RESPONSE", expectedLength="12")

    def qti_condition(self, q: Numeric) -> ET.Element:
        tolerance = f"{format_number(q.tolerance)} {format_number(q.tolerance)}"  # below and above the answer
        condition = ET.Element(qti_tag("equal"), {"toleranceMode": "absolute", "tolerance": tolerance})
        qti_sub(condition, "variable", identifier="RESPONSE")
        qti_sub(condition, "correct", identifier="RESPONSE")
        return condition

    def csv_unit_tolerance(self, q: Numeric) -> tuple[str, str]:
        return q.unit, format_number(q.tolerance)

    def xapi_pattern(self, q: Numeric) -> str:
        if not q.tolerance:
            return format_number(q.answer)
        return f"{format_number(q.answer - q.tolerance)}[:]{format_number(q.answer + q.tolerance)}"

    def xapi_response(self, q: Numeric, answer: Any) -> str | None:
        return format_number(learning.parse_numeric(answer, q.unit))

    def wrong_parts(self, q: Numeric, answer: Any) -> list[str]:
        value = learning.parse_numeric(answer, q.unit)
        return [] if q.accepts(value) else [f"{format_number(value)} {q.unit}".strip()]


class _Ordering(Kind):
    """GIFT has no ordering type: each item is matched to its position ("Position 1" …)."""

    type = "ordering"
    xapi_interaction = "sequencing"

    def gift_note(self, q: Ordering) -> str:
        return "\n\n(Match each item to its position, 1 = first.)"

    def gift_answers(self, q: Ordering) -> list[str]:
        return [f"={_gift_pair_side(item)} -> Position {pos}" for pos, item in enumerate(q.items, start=1)]

    def qti_response(self, q: Ordering) -> QtiResponse:
        return QtiResponse("ordered", "identifier", tuple(f"ITEM_{i}" for i in range(len(q.items))))

    def qti_body(self, q: Ordering, body: ET.Element) -> None:
        inter = qti_sub(body, "orderInteraction", responseIdentifier="RESPONSE", shuffle="true")
        qti_sub(inter, "prompt", q.prompt)
        for i, text in enumerate(q.items):
            qti_sub(inter, "simpleChoice", text, identifier=f"ITEM_{i}")

    def csv_cells(self, q: Ordering) -> list[tuple[str, str, str]]:
        return [(item, str(pos), "") for pos, item in enumerate(q.items, start=1)]

    def xapi_components(self, q: Ordering) -> dict[str, Any]:
        return {"choices": [{"id": f"item-{i}", "description": _lang(t)} for i, t in enumerate(q.items)]}

    def xapi_pattern(self, q: Ordering) -> str:
        return "[,]".join(f"item-{i}" for i in range(len(q.items)))

    def xapi_response(self, q: Ordering, answer: Any) -> str | None:
        return "[,]".join(f"item-{int(i)}" for i in answer)

    def wrong_parts(self, q: Ordering, answer: Any) -> list[str]:
        order = [int(i) for i in answer]
        return [f"{q.items[item]} (out of place)" for pos, item in enumerate(order) if pos != item]


class _Matching(Kind):
    """Each right pair is worth 1/n (QTI mapping over directed pairs)."""

    type = "matching"
    xapi_interaction = "matching"

    def gift_answers(self, q: Matching) -> list[str]:
        return [f"={_gift_pair_side(p.term)} -> {gift_escape(p.definition)}" for p in q.pairs]

    def qti_response(self, q: Matching) -> QtiResponse:
        n = len(q.pairs)
        pairs = tuple(f"TERM_{i} DEF_{i}" for i in range(n))
        return QtiResponse("multiple", "directedPair", pairs, tuple((p, f"{1 / n:.6g}") for p in pairs))

    def qti_body(self, q: Matching, body: ET.Element) -> None:
        inter = qti_sub(body, "matchInteraction", responseIdentifier="RESPONSE", shuffle="true",
                        maxAssociations=str(len(q.pairs)))
        qti_sub(inter, "prompt", q.prompt)
        terms, definitions = qti_sub(inter, "simpleMatchSet"), qti_sub(inter, "simpleMatchSet")
        for i, p in enumerate(q.pairs):
            qti_sub(terms, "simpleAssociableChoice", p.term, identifier=f"TERM_{i}", matchMax="1")
        for i, p in enumerate(q.pairs):
            qti_sub(definitions, "simpleAssociableChoice", p.definition, identifier=f"DEF_{i}", matchMax="1")

    def csv_cells(self, q: Matching) -> list[tuple[str, str, str]]:
        return [(p.term, p.definition, "") for p in q.pairs]

    def xapi_components(self, q: Matching) -> dict[str, Any]:
        return {"source": [{"id": f"term-{i}", "description": _lang(p.term)} for i, p in enumerate(q.pairs)],
                "target": [{"id": f"definition-{i}", "description": _lang(p.definition)}
                           for i, p in enumerate(q.pairs)]}

    def xapi_pattern(self, q: Matching) -> str:
        return "[,]".join(f"term-{i}[.]definition-{i}" for i in range(len(q.pairs)))

    def xapi_response(self, q: Matching, answer: Any) -> str | None:
        return "[,]".join(f"term-{t}[.]definition-{int(p)}" for t, p in enumerate(answer) if p is not None)

    def wrong_parts(self, q: Matching, answer: Any) -> list[str]:
        return [f"{q.pairs[t].term} → {q.pairs[int(p)].definition}"
                for t, p in enumerate(answer) if p is not None and int(p) != t]


KINDS: dict[str, Kind] = {k.type: k for k in (_Single(), _Multiple(), _TrueFalse(), _Numeric(), _Ordering(),
                                                _Matching())}


def kind_of(question: Question) -> Kind:
    """The behaviour of ``question``'s type (KeyError names a type nobody described here)."""
    try:
        return KINDS[question.type]
    except KeyError:
        raise KeyError(f"question type {question.type!r} has no entry in katlearn.classroom KINDS") from None
