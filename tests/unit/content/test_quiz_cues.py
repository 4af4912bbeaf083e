"""Quiz items give nothing away by their form: the keyed option is not the one that stands out by length.

Test-wise learners pick the longest, most qualified option; when the keyed option is much longer than
every distractor, the item tests that habit rather than the content. The rule is checked for
single-answer items (for multiple-answer items several options are keyed, so length says less).
"""

from __future__ import annotations

from katlearn import content

MAX_LENGTH_RATIO = 1.5  # keyed option's length over the longest distractor's



def length_cues(questions, ratio: float = MAX_LENGTH_RATIO) -> list[str]:
    found = []
    for q in questions:
        if q.type != "single":
            continue
        keyed = next(len(o.text) for o in q.options if o.correct)
        longest_wrong = max(len(o.text) for o in q.options if not o.correct)
        if keyed > ratio * longest_wrong:
            found.append(f"{q.id}: keyed option {keyed} characters, longest distractor {longest_wrong}")
    return found


def test_keyed_option_does_not_stand_out_by_length():
    cues = length_cues(q for bank in content.load_banks().values() for q in bank.questions)
    assert not cues, "keyed options much longer than every distractor (a giveaway):\n" + "\n".join(cues)


def _item(keyed: str, *wrong: str) -> content.SingleChoice:
    options = [{"text": keyed, "correct": True, "feedback": "yes"}] + [{"text": w, "feedback": "no"} for w in wrong]
    return content.SingleChoice.model_validate({
        "id": "t.x", "type": "single", "objective": "t.o", "difficulty": "easy", "prompt": "?",
        "options": options, "explanation": "e", "references": ["zarate2006"]})


def test_the_rule_catches_a_long_keyed_option_only():
    long_keyed = _item("A supervised dose of ketamine with psychotherapy before, during and after it", "A tablet", "A spray")
    balanced = _item("A supervised dose with psychotherapy", "A daily tablet taken at home", "An infusion on its own")
    assert length_cues([long_keyed, balanced]) == ["t.x: keyed option 76 characters, longest distractor 8"]
