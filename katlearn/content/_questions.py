"""Quiz questions and banks: six question types, each a pydantic model that validates itself.

Besides grading data, each type says how a learner sees and answers it (one rule per type, no
switch in any consumer): :meth:`shown` is what a quiz front end needs to draw it (texts in the
learner's order, never which answer is right), :meth:`from_shown` turns what the front end sends
back (positions in that order) into the answer shape kept in the progress store
(:mod:`katlearn.learning`), and :meth:`to_shown` does the reverse for a saved answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from katlearn.content._yaml import describe

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Model):
    """One answer of a ``single`` or ``multiple`` question; ``text`` is plain text."""

    text: Text
    correct: bool = False
    feedback: Text


class Pair(_Model):
    """One row of a ``matching`` question; both sides are plain text."""

    term: Text
    definition: Text


class _QuestionBase(_Model):
    id: Key
    prompt: Text
    explanation: Text
    references: tuple[Key, ...] = Field(min_length=1)
    objective: Key
    difficulty: Difficulty

    HINT: ClassVar[str] = ""

    def arrangement(self) -> tuple[int, bool, bool]:
        """How the learner sees the answers laid out: (how many are shown in an order, are they
        shuffled, must a shuffle differ from the bank's order). Nothing to order by default."""
        return (0, False, False)

    def shown(self, order: Sequence[int]) -> dict[str, Any]:
        """What a front end needs to draw the answer controls, the answers in ``order`` (bank
        indices, from ``learning.option_order``): ``control`` ("one", "many", "number", "order",
        "match") and its texts. Never the key: answers are referred to by shown position."""
        raise NotImplementedError  # pragma: no cover - every type defines it

    def from_shown(self, shown: Any, order: Sequence[int]) -> Any:
        """A front end's answer (shown positions) in the stored shape; None if it is unreadable."""
        return shown

    def to_shown(self, answer: Any, order: Sequence[int]) -> Any:
        """A stored answer in shown positions; None (blank) if it no longer fits the question."""
        return answer


def _bank_index(order: Sequence[int], position: Any) -> int:
    """The bank index shown at ``position``; ValueError for anything that is not a position."""
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < len(order):
        raise ValueError(f"not a shown position: {position!r}")
    return order[position]


def _position(order: Sequence[int], index: Any) -> int:
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError(f"not an index: {index!r}")
    return list(order).index(index)


def _mapped(convert, values: Any, order: Sequence[int], *, blanks: bool = False) -> list | None:
    """``values`` (a list) with each element converted; None if any cannot be (or is not a list)."""
    if not isinstance(values, (list, tuple)):
        return None
    try:
        return [None if (blanks and v is None) else convert(order, v) for v in values]
    except ValueError:
        return None


def format_number(value: float) -> str:
    """A number as people read it, without float noise or a needless exponent: 0.5, 1234567, 1e-06."""
    return f"{value:.15g}"


def _unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        folded = value.casefold()
        if folded in seen:
            raise ValueError(f"{what} {value!r} appears twice")
        seen.add(folded)


class SingleChoice(_QuestionBase):
    """Exactly one option is correct."""

    type: Literal["single"]
    options: tuple[Option, ...] = Field(min_length=2)
    shuffle: bool = True
    HINT: ClassVar[str] = "Choose one answer."

    def arrangement(self) -> tuple[int, bool, bool]:
        return (len(self.options), self.shuffle, False)

    def shown(self, order: Sequence[int]) -> dict[str, Any]:
        return {"control": "one", "choices": [self.options[i].text for i in order]}

    def from_shown(self, shown: Any, order: Sequence[int]) -> Any:
        try:
            return _bank_index(order, shown)
        except ValueError:
            return None

    def to_shown(self, answer: Any, order: Sequence[int]) -> Any:
        try:
            return _position(order, answer)
        except ValueError:
            return None

    def correct_answer(self) -> int:
        """The fully correct answer, in the shape a learner's answer is kept (see katlearn.learning)."""
        return next(i for i, o in enumerate(self.options) if o.correct)

    def correct_text(self) -> str:
        """The correct answer as one line of plain text."""
        return self.options[self.correct_answer()].text

    @field_validator("options")
    @classmethod
    def _one_correct(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        _unique((o.text for o in options), "option")
        n = sum(o.correct for o in options)
        if n != 1:
            raise ValueError(f"exactly one option needs 'correct: true', found {n}")
        return options


class MultipleChoice(_QuestionBase):
    """Select all that apply: one or more options are correct."""

    type: Literal["multiple"]
    options: tuple[Option, ...] = Field(min_length=2)
    shuffle: bool = True
    HINT: ClassVar[str] = "Select all that apply."

    def arrangement(self) -> tuple[int, bool, bool]:
        return (len(self.options), self.shuffle, False)

    def shown(self, order: Sequence[int]) -> dict[str, Any]:
        return {"control": "many", "choices": [self.options[i].text for i in order]}

    def from_shown(self, shown: Any, order: Sequence[int]) -> Any:
        picked = _mapped(_bank_index, shown, order)
        return None if picked is None else sorted(set(picked))

    def to_shown(self, answer: Any, order: Sequence[int]) -> Any:
        picked = _mapped(_position, answer, order)
        return [] if picked is None else sorted(set(picked))

    def correct_answer(self) -> list[int]:
        return [i for i, o in enumerate(self.options) if o.correct]

    def correct_text(self) -> str:
        return " | ".join(o.text for o in self.options if o.correct)

    @field_validator("options")
    @classmethod
    def _some_correct(cls, options: tuple[Option, ...]) -> tuple[Option, ...]:
        _unique((o.text for o in options), "option")
        if not any(o.correct for o in options):
            raise ValueError("at least one option needs 'correct: true'")
        return options


class TrueFalse(_QuestionBase):
    """A statement that is true or false; ``feedback`` is keyed by the learner's answer."""

    type: Literal["true_false"]
    answer: bool
    feedback: dict[bool, Text] = Field(default_factory=dict)
    HINT: ClassVar[str] = "True or false?"

    def arrangement(self) -> tuple[int, bool, bool]:
        return (2, False, False)  # always TRUE, FALSE

    def shown(self, order: Sequence[int]) -> dict[str, Any]:
        return {"control": "one", "choices": ["True", "False"]}

    def from_shown(self, shown: Any, order: Sequence[int]) -> Any:
        return {0: True, 1: False}.get(shown) if isinstance(shown, int) and not isinstance(shown, bool) else None

    def to_shown(self, answer: Any, order: Sequence[int]) -> Any:
        return {True: 0, False: 1}.get(answer) if isinstance(answer, bool) else None

    def correct_answer(self) -> bool:
        return self.answer

    def correct_text(self) -> str:
        return "TRUE" if self.answer else "FALSE"

    @field_validator("feedback", mode="before")
    @classmethod
    def _bool_keys(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            for key in value:
                if not isinstance(key, bool):
                    raise ValueError(f"keys must be true and false, found {key!r}")
        return value


class Numeric(_QuestionBase):
    """A number, right within ± ``tolerance`` (absolute, in ``unit``)."""

    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(default=0.0, ge=0)
    unit: str = ""
    HINT: ClassVar[str] = "Type a number."

    def shown(self, order: Sequence[int]) -> dict[str, Any]:
        return {"control": "number", "unit": self.unit}

    def from_shown(self, shown: Any, order: Sequence[int]) -> Any:
        return shown if isinstance(shown, str) else None

    def to_shown(self, answer: Any, order: Sequence[int]) -> Any:
        return "" if answer is None else str(answer)

    def correct_answer(self) -> str:
        return repr(self.answer)

    def correct_text(self) -> str:
        return format_number(self.answer)

    def accepts(self, value: float) -> bool:
        """Is ``value`` right? Within the tolerance, plus a relative epsilon so float noise
        (0.1 + 0.2) never turns a right answer wrong."""
        return abs(value - self.answer) <= self.tolerance + 1e-9 * max(1.0, abs(self.answer))

    @field_validator("answer", "tolerance", mode="before")
    @classmethod
    def _no_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {describe(value)}")
        return value


class Ordering(_QuestionBase):
    """``items`` listed in the correct order (first to last); shown shuffled."""

    type: Literal["ordering"]
    items: tuple[Text, ...] = Field(min_length=3)
    HINT: ClassVar[str] = "Put the items in order, first at the top, with the Move up / Move down buttons."

    def arrangement(self) -> tuple[int, bool, bool]:
        return (len(self.items), True, True)  # never shown already in the right order

    def shown(self, order: Sequence[int]) -> dict[str, Any]:
        return {"control": "order", "choices": [self.items[i] for i in order]}

    def from_shown(self, shown: Any, order: Sequence[int]) -> Any:
        return _mapped(_bank_index, shown, order)

    def to_shown(self, answer: Any, order: Sequence[int]) -> Any:
        moved = _mapped(_position, answer, order)
        return moved if moved is not None and sorted(moved) == list(range(len(self.items))) else None

    def correct_answer(self) -> list[int]:
        return list(range(len(self.items)))

    def correct_text(self) -> str:
        return " > ".join(self.items)

    @field_validator("items")
    @classmethod
    def _distinct(cls, items: tuple[str, ...]) -> tuple[str, ...]:
        _unique(items, "item")
        return items


class Matching(_QuestionBase):
    """Match each ``term`` to its ``definition``; definitions are shown shuffled."""

    type: Literal["matching"]
    pairs: tuple[Pair, ...] = Field(min_length=3)
    HINT: ClassVar[str] = "Choose the matching definition for each term."

    def arrangement(self) -> tuple[int, bool, bool]:
        return (len(self.pairs), True, False)  # the definitions are shuffled

    def shown(self, order: Sequence[int]) -> dict[str, Any]:
        return {"control": "match", "terms": [p.term for p in self.pairs],
                "choices": [self.pairs[i].definition for i in order]}

    def from_shown(self, shown: Any, order: Sequence[int]) -> Any:
        return _mapped(_bank_index, shown, order, blanks=True)

    def to_shown(self, answer: Any, order: Sequence[int]) -> Any:
        picks = _mapped(_position, answer, order, blanks=True)
        return picks if picks is not None and len(picks) == len(self.pairs) else None

    def correct_answer(self) -> list[int]:
        return list(range(len(self.pairs)))

    def correct_text(self) -> str:
        return " | ".join(f"{p.term} = {p.definition}" for p in self.pairs)

    @field_validator("pairs")
    @classmethod
    def _distinct(cls, pairs: tuple[Pair, ...]) -> tuple[Pair, ...]:
        _unique((p.term for p in pairs), "term")
        _unique((p.definition for p in pairs), "definition")
        return pairs


Question = Annotated[
    Union[SingleChoice, MultipleChoice, TrueFalse, Numeric, Ordering, Matching],
    Field(discriminator="type"),
]
QUESTION_TYPES: tuple[str, ...] = ("single", "multiple", "true_false", "numeric", "ordering", "matching")


class Bank(_Model):
    """The quiz of one module."""

    module: str
    title: str = ""
    questions: tuple[Question, ...] = Field(min_length=1)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"no question {question_id!r} in quiz {self.module!r}")
