"""katlearn.learning: grading is pure, friendly with bad input, and shuffles deterministically."""

from __future__ import annotations

import pytest

from katlearn import learning
from katlearn.learning import (
    AnswerError,
    grade,
    option_order,
    parse_numeric,
    summarize,
)
from tests.unit.fixtures import OBJECTIVES, demo_bank


@pytest.fixture
def bank(tmp_path):
    return demo_bank(tmp_path)


def q(bank, qid):
    return bank.question(qid)


# -- each type ---------------------------------------------------------------------------------


def test_single(bank):
    question = q(bank, "demo.single")
    right = grade(question, 0)
    assert right.correct and right.score == 1 and right.error is None
    assert right.feedback[0].text == "Yes, magnesium = the plug." and right.feedback[0].correct
    wrong = grade(question, 1)
    assert not wrong.correct and wrong.score == 0
    assert wrong.feedback[0].label == "Sodium" and wrong.feedback[0].text == "No: sodium flows through."
    assert wrong.explanation.startswith("Mg2+ sits in the pore")


def test_multiple_partial_credit(bank):
    question = q(bank, "demo.multiple")  # options 0 and 1 correct, 2 and 3 wrong
    assert grade(question, [0, 1]).score == 1 and grade(question, [1, 0]).correct
    half = grade(question, [0])
    assert half.score == 0.5 and not half.correct and "1 of 2" in half.message
    assert grade(question, [0, 2]).score == 0  # one right, one wrong
    assert grade(question, [0, 1, 2]).score == 0.5
    assert grade(question, [0, 1, 2, 3]).score == 0  # ticking everything earns nothing
    assert [f.label for f in grade(question, [0, 2]).feedback] == ["Glutamate", "Serotonin"]


def test_true_false(bank):
    question = q(bank, "demo.tf")  # answer: false
    right = grade(question, False)
    assert right.correct and right.feedback[0].text == "Right, about a week."
    wrong = grade(question, True)
    assert not wrong.correct and wrong.feedback[0].text == "No, about a week."
    assert grade(question, "false").correct  # a stored string still grades


def test_numeric_accepts_how_people_type(bank):
    question = q(bank, "demo.numeric")  # 0.5 ± 0.01 mg/kg
    for typed in ["0.5", "0,5", " 0.50 ", "0.5 mg/kg", "≈0.5", "about 0.5 mg/kg", ".5", "0.505", 0.5]:
        assert grade(question, typed).correct, typed
    too_high = grade(question, "0.6")
    assert not too_high.correct and "too high" in too_high.message
    assert "too low" in grade(question, "0,4").message


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("", "Type a number in mg/kg"),
        ("   ", "Type a number in mg/kg"),
        (None, "Type a number in mg/kg"),
        ("half", "is not a number"),
        ("0.5 hours", "Give the number in mg/kg"),
        ("0.4-0.6", "Type one number"),
        ("1,000", "could mean 1.000 or 1000"),
        ("1.2.3", "more than one '.'"),
        ("1e999", "ordinary number"),
    ],
)
def test_numeric_bad_input_is_a_friendly_error_not_an_exception(bank, typed, fragment):
    result = grade(q(bank, "demo.numeric"), typed)
    assert result.error is not None and fragment in result.error
    assert not result.correct and result.score == 0 and not result.graded


def test_ordering_partial_credit_counts_pairs(bank):
    question = q(bank, "demo.order")  # 4 items, 6 pairs
    assert grade(question, [0, 1, 2, 3]).correct
    one_swap = grade(question, [1, 0, 2, 3])
    assert one_swap.score == pytest.approx(5 / 6) and "2 of 4" in one_swap.message
    assert grade(question, [3, 2, 1, 0]).score == 0
    assert [f.correct for f in one_swap.feedback] == [False, False, True, True]


def test_matching(bank):
    question = q(bank, "demo.match")
    assert grade(question, [0, 1, 2]).correct
    partial = grade(question, [0, 2, 1])
    assert partial.score == pytest.approx(1 / 3) and "1 of 3" in partial.message
    assert grade(question, [0, 0, 0]).score == pytest.approx(1 / 3)
    assert grade(question, {"0": 0, "1": 1, "2": 2}).correct
    missing = grade(question, [0, None, 2])
    assert missing.error and "1 still open" in missing.error


@pytest.mark.parametrize(
    ("qid", "answer", "fragment"),
    [
        ("demo.single", None, "Choose one answer"),
        ("demo.single", 7, "not one of the options"),
        ("demo.single", "x", "not one of the options"),
        ("demo.multiple", [], "Select at least one"),
        ("demo.multiple", None, "Select at least one"),
        ("demo.multiple", [9], "not an option"),
        ("demo.tf", None, "Choose True or False"),
        ("demo.tf", "perhaps", "Choose True or False"),
        ("demo.order", [0, 0, 1, 2], "exactly once"),
        ("demo.order", "0123", "Move up"),
        ("demo.match", [0, 1], "each term"),
        ("demo.match", None, "each term"),
    ],
)
def test_malformed_answers_give_errors(bank, qid, answer, fragment):
    result = grade(q(bank, qid), answer)
    assert result.error and fragment in result.error and result.score == 0


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("0.5", "", 0.5), ("0,5", "", 0.5), ("-1.2e3", "", -1200), ("−0.25", "", -0.25),
        ("1.000,5", "", 1000.5), ("1,234,567", "", 1234567), ("1,234.5", "", 1234.5),
        ("0,500", "", 0.5), ("45 %", "%", 45), ("45 percent", "%", 45), ("2 hours", "h", 2),
        ("12 µM", "uM", 12), ("3 min", "min", 3), ("~ 7", "", 7), (2, "", 2.0),
    ],
)
def test_parse_numeric(text, unit, value):
    assert parse_numeric(text, unit) == pytest.approx(value)


def test_parse_numeric_raises_answer_error():
    with pytest.raises(AnswerError, match="not a number"):
        parse_numeric("abc")
    with pytest.raises(AnswerError, match="without 'mg'"):
        parse_numeric("5 mg")


# -- shuffling -----------------------------------------------------------------------------------


def test_option_order_is_stable_per_learner_and_differs_between_learners(bank):
    question = q(bank, "demo.multiple")
    first = option_order(question, "ana")
    assert option_order(question, "ana") == first
    assert sorted(first) == [0, 1, 2, 3]
    orders = {option_order(question, f"learner{i}") for i in range(40)}
    assert len(orders) > 5
    assert option_order(question, "ana", seed="2026") != first or option_order(question, "ana", seed="x") != first


def test_ordering_never_starts_solved_and_fixed_types(bank):
    assert all(option_order(q(bank, "demo.order"), f"l{i}") != (0, 1, 2, 3) for i in range(50))
    assert option_order(q(bank, "demo.tf"), "ana") == (0, 1)
    assert option_order(q(bank, "demo.numeric"), "ana") == ()


def test_shuffle_false_keeps_bank_order(bank):
    question = q(bank, "demo.single").model_copy(update={"shuffle": False})
    assert option_order(question, "anyone") == (0, 1, 2)


# -- summary -------------------------------------------------------------------------------------


def test_summarize_mastery_and_objectives_to_review(bank):
    results = {qq.id: grade(qq, qq.correct_answer()) for qq in bank.questions}
    s = summarize(bank, results, OBJECTIVES_OBJ)
    assert s.score == 1 and s.mastered and s.complete and s.review == () and s.correct == 6

    results["demo.numeric"] = grade(q(bank, "demo.numeric"), "3")
    results["demo.tf"] = grade(q(bank, "demo.tf"), True)
    s = summarize(bank, results, OBJECTIVES_OBJ)
    assert s.score == pytest.approx(4 / 6) and not s.mastered
    assert [(r.objective, r.section) for r in s.review] == [("m09.clinic", "In-the-clinic")]
    assert s.review[0].score == pytest.approx(1 / 3)


def test_summarize_counts_unanswered_as_zero_and_ignores_errors(bank):
    results = [grade(q(bank, "demo.single"), 0), grade(q(bank, "demo.numeric"), "oops")]
    s = summarize(bank, results)
    assert s.answered == 1 and s.total == 6 and s.score == pytest.approx(1 / 6) and not s.complete
    assert {r.objective for r in s.review} == {"m09.block", "m09.clinic"}
    assert all(r.section == "" for r in s.review)  # no notebook objectives given


def test_mastery_threshold_is_inclusive(bank):
    results = {qq.id: grade(qq, qq.correct_answer()) for qq in bank.questions}
    results["demo.single"] = grade(q(bank, "demo.single"), 1)
    s = summarize(bank, results, threshold=5 / 6)
    assert s.mastered
    assert learning.MASTERY_THRESHOLD == 0.8


class _Obj:
    def __init__(self, id, text, section):  # noqa: A002 - mirrors course.Objective
        self.id, self.text, self.section = id, text, section


OBJECTIVES_OBJ = [_Obj(**o) for o in OBJECTIVES]
