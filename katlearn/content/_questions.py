"""Quiz questions and banks: six question types, each a pydantic model that validates itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal, Union

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

    def arrangement(self) -> tuple[int, bool, bool]:
        """How the learner sees the answers laid out: (how many are shown in an order, are they
        shuffled, must a shuffle differ from the bank's order). Nothing to order by default."""
        return (0, False, False)


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

    def arrangement(self) -> tuple[int, bool, bool]:
        return (len(self.options), self.shuffle, False)

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

    def arrangement(self) -> tuple[int, bool, bool]:
        return (len(self.options), self.shuffle, False)

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

    def arrangement(self) -> tuple[int, bool, bool]:
        return (2, False, False)  # always TRUE, FALSE

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

    def arrangement(self) -> tuple[int, bool, bool]:
        return (len(self.items), True, True)  # never shown already in the right order

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

    def arrangement(self) -> tuple[int, bool, bool]:
        return (len(self.pairs), True, False)  # the definitions are shuffled

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
