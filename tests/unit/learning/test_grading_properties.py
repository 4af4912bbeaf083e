"""Invariants of grading and shuffling over generated valid questions (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from katlearn.content import Question
from katlearn.learning import grade, option_order, parse_numeric

QUESTION = TypeAdapter(Question)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(str.strip)


def unique_texts(min_size: int, max_size: int = 6):
    return st.lists(text, min_size=min_size, max_size=max_size, unique_by=lambda s: s.strip().casefold())


COMMON = {"prompt": "Q?", "explanation": "Because.", "references": ["k"], "objective": "o", "difficulty": "easy"}


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(["single", "multiple", "true_false", "numeric", "ordering", "matching"]))
    data = {"id": draw(st.from_regex(r"[a-z][a-z0-9._-]{0,10}", fullmatch=True)), "type": kind, **COMMON}
    if kind in ("single", "multiple"):
        texts = draw(unique_texts(2))
        if kind == "single":
            right = {draw(st.integers(0, len(texts) - 1))}
        else:
            right = set(draw(st.lists(st.integers(0, len(texts) - 1), min_size=1, unique=True)))
        data["options"] = [{"text": t, "correct": i in right, "feedback": "fb"} for i, t in enumerate(texts)]
        data["shuffle"] = draw(st.booleans())
    elif kind == "true_false":
        data["answer"] = draw(st.booleans())
    elif kind == "numeric":
        data["answer"] = draw(st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False))
        data["tolerance"] = draw(st.floats(0, 100, allow_nan=False))
        data["unit"] = draw(st.sampled_from(["", "mg/kg", "h", "%"]))
    elif kind == "ordering":
        data["items"] = draw(unique_texts(3))
    else:
        terms = draw(unique_texts(3))
        definitions = draw(unique_texts(len(terms), len(terms)))
        data["pairs"] = [{"term": t, "definition": d} for t, d in zip(terms, definitions)]
    return QUESTION.validate_python(data)


def size(question) -> int:
    return len(getattr(question, "options", None) or getattr(question, "items", None)
               or getattr(question, "pairs", None) or ())


@SETTINGS
@given(questions())
def test_the_correct_answer_grades_correct_and_survives_json(question):
    answer = question.correct_answer()
    for candidate in (answer, json.loads(json.dumps(answer))):
        result = grade(question, candidate)
        assert result.error is None and result.correct and result.score == 1


@SETTINGS
@given(questions(), text, text)
def test_option_order_is_a_stable_permutation(question, learner, seed):
    order = option_order(question, learner, seed)
    assert order == option_order(question, learner, seed)
    n = size(question)
    if question.type == "true_false":
        assert order == (0, 1)
    else:
        assert sorted(order) == list(range(n))


@st.composite
def question_and_answer(draw):
    question = draw(questions())
    n = size(question)
    if question.type == "single":
        answer = draw(st.integers(0, n - 1))
    elif question.type == "multiple":
        answer = draw(st.lists(st.integers(0, n - 1), min_size=1, unique=True))
    elif question.type == "true_false":
        answer = draw(st.booleans())
    elif question.type == "numeric":
        answer = repr(draw(st.floats(-1e12, 1e12, allow_nan=False)))
    elif question.type == "ordering":
        answer = draw(st.permutations(list(range(n))))
    else:
        answer = draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n))
    return question, answer


@SETTINGS
@given(question_and_answer())
def test_scores_are_within_0_and_1_and_correct_means_full_marks(pair):
    question, answer = pair
    result = grade(question, answer)
    assert result.error is None
    assert 0.0 <= result.score <= 1.0
    assert result.correct == (result.score == 1.0)


junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=5),
    max_leaves=10,
)


@SETTINGS
@given(questions(), junk)
def test_grading_never_raises_on_any_input(question, answer):
    result = grade(question, answer)
    assert 0.0 <= result.score <= 1.0
    assert result.error is None or (isinstance(result.error, str) and result.error and result.score == 0)


@SETTINGS
@given(st.floats(-1e15, 1e15, allow_nan=False, allow_infinity=False))
def test_parse_numeric_reads_python_and_decimal_comma_forms(value):
    assert parse_numeric(repr(value)) == value
    fixed = f"{value:.2f}"  # three decimals after a comma would be ambiguous (1,000)
    assert parse_numeric(fixed.replace(".", ",")) == float(fixed)
