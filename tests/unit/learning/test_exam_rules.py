"""The final assessment's questions (the same for every learner) and each objective's status."""

from __future__ import annotations

from katlearn import content, learning
from katlearn.content import Bank


def make_bank(objectives: list[str]) -> Bank:
    qs = [{"id": f"t.q{i}", "type": "true_false", "objective": o, "difficulty": "easy", "prompt": f"Q{i}",
           "answer": True, "explanation": "E.", "references": ["zarate2006"]} for i, o in enumerate(objectives)]
    return Bank.model_validate({"module": "t", "questions": qs})


def test_selection_takes_objectives_in_turn_and_keeps_bank_order():
    bank = make_bank(["a", "a", "a", "b", "c"])
    two = learning.select_questions(bank, 2)
    assert {q.objective for q in two} == {"a", "b"}
    three = learning.select_questions(bank, 3)
    assert {q.objective for q in three} == {"a", "b", "c"}
    order = [q.id for q in bank.questions]
    assert [q.id for q in three] == sorted((q.id for q in three), key=order.index)
    assert learning.select_questions(bank, 3) == three  # stable
    assert len(learning.select_questions(bank, 99)) == 5


def test_final_bank_draws_from_every_other_module_in_course_order():
    banks = content.load_banks()
    final = learning.final_bank(banks=banks)
    assert final.module == learning.FINAL_KEY
    owner = {q.id: m for m, b in banks.items() for q in b.questions}
    modules = [owner[q.id] for q in final.questions]
    expected = [m.quiz for m in content.modules() if m.order > 0 and m.quiz and m.slug != learning.HOST_SLUG
                and m.quiz in banks]
    assert list(dict.fromkeys(modules)) == expected
    assert learning.HOST_SLUG not in modules
    for m in expected:
        assert modules.count(m) == min(learning.PER_MODULE, len(banks[m].questions))


def attempt(qid: str, score: float, ts: float, module: str = "x") -> learning.Attempt:
    return learning.Attempt(0, "ana", module, qid, None, score == 1.0, score, "practice", ts)


def test_objective_status_uses_the_latest_attempt_per_question():
    meta = content.module("05_treatment_process")
    bank = content.load_bank("05_treatment_process")
    session_qs = [q.id for q in bank.questions if q.objective == "m05.session"]
    attempts = [attempt(session_qs[0], 0.0, 1), attempt(session_qs[0], 1.0, 2, learning.FINAL_KEY)]
    attempts += [attempt(q, 1.0, 3) for q in session_qs[1:]]
    phase_q = next(q.id for q in bank.questions if q.objective == "m05.phases")
    attempts.append(attempt(phase_q, 0.5, 4))
    rows = {r.objective: r for r in learning.objective_statuses(attempts, [meta], {meta.quiz: bank})}
    assert rows["m05.session"].status == learning.MET and rows["m05.session"].score == 1.0
    assert rows["m05.session"].answered == rows["m05.session"].total == len(session_qs)
    assert rows["m05.phases"].status == learning.REVIEW and rows["m05.phases"].answered == 1
    assert rows["m05.integration"].status == learning.NOT_ASSESSED and rows["m05.integration"].score is None
    assert rows["m05.session"].href == "05_treatment_process.ipynb#Ketamine-administration"
