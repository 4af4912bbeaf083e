"""Grading: a pure function of (question, answer), plus deterministic shuffling.

Answers, in the shape the widget produces and the progress store keeps (JSON-friendly):

=============  =================================================================================
type           answer
=============  =================================================================================
single         index of the chosen option in the bank's order (``int``)
multiple       indices of the ticked options (``list[int]``)
true_false     ``True`` or ``False``
numeric        what the learner typed (``str``; a plain number is accepted too)
ordering       item indices in the learner's order, first to last (``list[int]``, a permutation)
matching       for each term (bank order), the index of the pair whose definition was chosen,
               or ``None`` if not chosen yet (``list[int | None]``)
=============  =================================================================================

Scores are in 0..1. Partial credit:

- ``multiple``: (correct options ticked − wrong options ticked) / correct options, floored at 0,
  so ticking everything earns nothing unless everything is correct (same as Moodle's weights);
- ``ordering``: the fraction of item pairs in the right relative order (1 = all in order,
  0 = reversed), so one misplaced item costs little;
- ``matching``: the fraction of terms matched to their own definition;
- ``single``, ``true_false``, ``numeric``: 1 or 0.

``correct`` means score 1. A malformed answer (nothing chosen, text that is not a number...) is
not graded: the Result carries a friendly ``error`` and no exception is raised.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Feedback:
    """What to say about one part of the answer (an option, an item, a term)."""

    label: str  # plain text of the option / item / term
    text: str  # Markdown feedback, may be ''
    correct: bool  # is this part of the learner's answer right?


@dataclass(frozen=True)
class Result:
    question_id: str
    correct: bool
    score: float
    feedback: tuple[Feedback, ...] = ()
    explanation: str = ""
    message: str = ""  # one plain-text line, e.g. "2 of 3 items in the right place" (may be '')
    error: str | None = None  # set when the answer could not be graded; then score is 0

    @property
    def graded(self) -> bool:
        return self.error is None


class AnswerError(ValueError):
    """A learner's answer cannot be read; the message says what is expected."""


# ---------------------------------------------------------------------------------------------
# Numbers as people type them

_NUMBER = re.compile(r"[+\-]?(?:\d[\d.,]*\d|\d)(?:[eE][+\-]?\d+)?|[+\-]?[.,]\d+(?:[eE][+\-]?\d+)?")
_FILLER = {"", "~", "≈", "about", "approx", "approx.", "approximately", "around", "ca", "ca.", "="}
_UNIT_ALIASES: dict[str, set[str]] = {
    "h": {"h", "hr", "hrs", "hour", "hours"},
    "min": {"min", "mins", "minute", "minutes"},
    "s": {"s", "sec", "secs", "second", "seconds"},
    "ms": {"ms", "millisecond", "milliseconds"},
    "d": {"d", "day", "days"},
    "%": {"%", "percent", "per cent", "pct"},
    "mg": {"mg", "milligram", "milligrams"},
    "kg": {"kg", "kilogram", "kilograms"},
    "mv": {"mv", "millivolt", "millivolts"},
}


def _norm_unit(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s+", "", text.replace("µ", "u").replace("μ", "u")).rstrip(".")


def _unit_matches(rest: str, unit: str) -> bool:
    got = _norm_unit(rest)
    want = _norm_unit(unit)
    if got == want:
        return True
    for aliases in _UNIT_ALIASES.values():
        normalised = {_norm_unit(a) for a in aliases}
        if want in normalised and got in normalised:
            return True
    return False


def _to_float(token: str) -> float:
    sign = -1.0 if token.startswith("-") else 1.0
    body = token.lstrip("+-")
    mantissa, _, exponent = body.replace("E", "e").partition("e")
    commas, dots = mantissa.count(","), mantissa.count(".")
    if commas and dots:
        decimal = "," if mantissa.rfind(",") > mantissa.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, frac = mantissa.rpartition(decimal)
        if whole.count(decimal) or not re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})*", whole):
            raise AnswerError(f"'{token}' mixes separators; write it like 1234.5.")
        mantissa = whole.replace(thousands, "") + "." + frac
    elif commas > 1 or dots > 1:
        sep = "," if commas else "."
        if not re.fullmatch(rf"\d{{1,3}}(?:\{sep}\d{{3}})+", mantissa):
            raise AnswerError(f"'{token}' has more than one '{sep}'; write it like 1234.5.")
        mantissa = mantissa.replace(sep, "")
    elif commas == 1:
        whole, frac = mantissa.split(",")
        if len(frac) == 3 and whole and whole != "0" and not exponent:
            raise AnswerError(
                f"'{token}' could mean {whole}.{frac} or {whole}{frac}; "
                f"write it with a dot for decimals ({whole}.{frac}) or without a comma ({whole}{frac})."
            )
        mantissa = f"{whole}.{frac}"  # decimal comma, e.g. 0,5
    value = float(mantissa + (f"e{exponent}" if exponent else ""))
    return sign * value


def parse_numeric(text: Any, unit: str = "") -> float:
    """Read a number as a learner types it: ``0.5``, ``0,5``, ``≈ 0.5 mg/kg``, ``-1.2e3``, ``45 %``.

    A decimal comma is accepted; ``1,000``-style input is refused as ambiguous. Text around the
    number may only be the expected ``unit`` (or a common spelling of it) or words such as
    "about". Raises AnswerError with a message meant for the learner.
    """
    expected = f" in {unit}" if unit else ""
    example = f"e.g. 0.5{(' ' + unit) if unit else ''}"
    if isinstance(text, bool):
        raise AnswerError(f"Type a number{expected}, {example}.")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        raw = unicodedata.normalize("NFKC", str(text if text is not None else ""))
        raw = raw.replace("\u2212", "-").replace("\u2013", "-").replace("\u00a0", " ").strip()
        if not raw:
            raise AnswerError(f"Type a number{expected}, {example}.")
        tokens = list(_NUMBER.finditer(raw))
        if not tokens:
            raise AnswerError(f"'{raw[:30]}' is not a number. Type a number{expected}, {example}.")
        if len(tokens) > 1:
            found = ", ".join(t.group(0) for t in tokens[:3])
            raise AnswerError(f"Type one number{expected} (found {found}).")
        token = tokens[0]
        before = raw[: token.start()].strip().casefold()
        after = raw[token.end():].strip()
        if before not in _FILLER:
            raise AnswerError(f"Type just the number{expected}, {example}.")
        if after and not (unit and _unit_matches(after, unit)):
            if unit:
                raise AnswerError(f"Give the number in {unit}; '{after[:20]}' is not {unit}.")
            raise AnswerError(f"Type just the number, without '{after[:20]}'.")
        value = _to_float(token.group(0))
    if not math.isfinite(value):
        raise AnswerError(f"Type an ordinary number{expected}, {example}.")
    return value


# ---------------------------------------------------------------------------------------------
# Grading


def _as_index(value: Any, n: int) -> int:
    if isinstance(value, bool) or value is None:
        raise TypeError
    index = int(value)
    if index != value and not isinstance(value, str):
        raise TypeError
    if not 0 <= index < n:
        raise IndexError
    return index


def _fail(q: Question, error: str) -> Result:
    return Result(q.id, False, 0.0, (), q.explanation, "", error)


def _grade_single(q: SingleChoice, answer: Any) -> Result:
    if answer is None or answer == "" or answer == []:
        return _fail(q, "Choose one answer, then check.")
    try:
        chosen = _as_index(answer, len(q.options))
    except (TypeError, ValueError, IndexError):
        return _fail(q, "That answer is not one of the options; choose one of them.")
    option = q.options[chosen]
    return Result(q.id, option.correct, float(option.correct),
                  (Feedback(option.text, option.feedback, option.correct),), q.explanation)


def _grade_multiple(q: MultipleChoice, answer: Any) -> Result:
    if answer is None or isinstance(answer, (str, bytes, Mapping)) or not hasattr(answer, "__iter__"):
        if answer in (None, ""):
            return _fail(q, "Select at least one option, then check.")
        return _fail(q, "That answer is not a list of options; tick the boxes that apply.")
    try:
        chosen = sorted({_as_index(a, len(q.options)) for a in answer})
    except (TypeError, ValueError, IndexError):
        return _fail(q, "That answer includes something that is not an option; tick the boxes that apply.")
    if not chosen:
        return _fail(q, "Select at least one option, then check.")
    n_correct = sum(o.correct for o in q.options)
    hits = sum(q.options[i].correct for i in chosen)
    wrong = len(chosen) - hits
    score = max(0.0, (hits - wrong) / n_correct)
    correct = hits == n_correct and wrong == 0
    if correct:
        message = "Correct: you found every right option."
    else:
        parts = [f"You found {hits} of {n_correct} correct option{'s' if n_correct != 1 else ''}"]
        if wrong:
            parts.append(f"and ticked {wrong} that {'is' if wrong == 1 else 'are'} not correct")
        message = " ".join(parts) + "."
    feedback = tuple(Feedback(q.options[i].text, q.options[i].feedback, q.options[i].correct) for i in chosen)
    return Result(q.id, correct, score, feedback, q.explanation, message)


_TRUE = {"true", "t", "yes", "y", "1", "wahr", "vrai"}
_FALSE = {"false", "f", "no", "n", "0", "falsch", "faux"}


def _grade_true_false(q: TrueFalse, answer: Any) -> Result:
    if isinstance(answer, str):
        folded = answer.strip().casefold()
        answer = True if folded in _TRUE else False if folded in _FALSE else answer
    if not isinstance(answer, bool):
        return _fail(q, "Choose True or False, then check.")
    correct = answer == q.answer
    label = "True" if answer else "False"
    return Result(q.id, correct, float(correct), (Feedback(label, q.feedback.get(answer, ""), correct),),
                  q.explanation)


def _grade_numeric(q: Numeric, answer: Any) -> Result:
    try:
        value = parse_numeric(answer, q.unit)
    except AnswerError as exc:
        return _fail(q, str(exc))
    correct = q.accepts(value)
    unit = f" {q.unit}" if q.unit else ""
    if correct:
        message = f"Correct: {format_number(value)}{unit}."
    else:
        direction = "too high" if value > q.answer else "too low"
        message = f"Not quite: {format_number(value)}{unit} is {direction}."
    return Result(q.id, correct, float(correct), (Feedback(f"{format_number(value)}{unit}", "", correct),),
                  q.explanation, message)


def _grade_ordering(q: Ordering, answer: Any) -> Result:
    n = len(q.items)
    if answer is None or isinstance(answer, (str, bytes, Mapping)) or not hasattr(answer, "__iter__"):
        return _fail(q, "Put the items in order using the Move up / Move down buttons, then check.")
    try:
        order = [_as_index(a, n) for a in answer]
    except (TypeError, ValueError, IndexError):
        return _fail(q, "That order includes something that is not one of the items.")
    if sorted(order) != list(range(n)):
        return _fail(q, "Use every item exactly once, then check.")
    pairs = n * (n - 1) // 2
    concordant = sum(1 for a in range(n) for b in range(a + 1, n) if order[a] < order[b])
    score = concordant / pairs
    in_place = sum(1 for pos, item in enumerate(order) if pos == item)
    correct = in_place == n
    message = "Correct: all in order." if correct else f"{in_place} of {n} items in the right place."
    feedback = tuple(Feedback(q.items[item], "", pos == item) for pos, item in enumerate(order))
    return Result(q.id, correct, score, feedback, q.explanation, message)


def _grade_matching(q: Matching, answer: Any) -> Result:
    n = len(q.pairs)
    if answer is None or isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
        return _fail(q, "Choose a definition for each term, then check.")
    if isinstance(answer, Mapping):  # {term index: pair index}, e.g. from JSON with string keys
        try:
            answer = [answer.get(str(i), answer.get(i)) for i in range(n)]  # type: ignore[call-overload]
        except TypeError:
            return _fail(q, "Choose a definition for each term, then check.")
    chosen = list(answer)
    if len(chosen) != n:
        return _fail(q, "Choose a definition for each term, then check.")
    missing = sum(1 for c in chosen if c is None or c == "")
    if missing:
        return _fail(q, f"Choose a definition for each term ({missing} still open), then check.")
    try:
        picks = [_as_index(c, n) for c in chosen]
    except (TypeError, ValueError, IndexError):
        return _fail(q, "That answer includes something that is not one of the definitions.")
    right = sum(1 for term, pick in enumerate(picks) if term == pick)
    correct = right == n
    message = "Correct: every term matched." if correct else f"{right} of {n} terms matched correctly."
    feedback = tuple(
        Feedback(f"{q.pairs[t].term} → {q.pairs[p].definition}", "", t == p) for t, p in enumerate(picks)
    )
    return Result(q.id, correct, right / n, feedback, q.explanation, message)


_GRADERS = {
    "single": _grade_single,
    "multiple": _grade_multiple,
    "true_false": _grade_true_false,
    "numeric": _grade_numeric,
    "ordering": _grade_ordering,
    "matching": _grade_matching,
}


def grade(question: Question, answer: Any) -> Result:
    """Grade one answer (shapes in the module docstring). Never raises for learner input."""
    try:
        return _GRADERS[question.type](question, answer)
    except Exception:  # noqa: BLE001 - learner input must never surface as a traceback
        return _fail(question, "That answer could not be read; please answer again.")


# ---------------------------------------------------------------------------------------------
# Deterministic shuffling


def _draw(key: str, i: int, bound: int) -> int:
    digest = hashlib.sha256(f"{key}\x1f{i}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % bound


def _permutation(n: int, key: str, avoid_identity: bool) -> tuple[int, ...]:
    order = list(range(n))
    for i in range(n - 1, 0, -1):  # Fisher–Yates driven by a hash, stable across Python versions
        j = _draw(key, i, i + 1)
        order[i], order[j] = order[j], order[i]
    if avoid_identity and n > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return tuple(order)


def option_order(question: Question, learner: str, seed: str = "") -> tuple[int, ...]:
    """The order to show a question's options (single/multiple), items (ordering) or definitions
    (matching) to one learner: a permutation of bank indices, the same on every reload for the
    same (learner, question, seed) and different between learners. ``true_false`` is always
    (True, False) → ``(0, 1)``; ``numeric`` has nothing to order → ``()``.
    Ordering questions never start in the correct order.
    """
    count, shuffled, must_differ = question.arrangement()
    if not shuffled:
        return tuple(range(count))
    return _permutation(count, f"{seed}\x1f{learner}\x1f{question.id}", avoid_identity=must_differ)
