"""Answering quiz questions in the page as a learner does: by label text, with the mouse or with
the keyboard alone (the quiz view is katlearn/widgets/quiz.js; classes in katlearn/widgets/quiz.py).

``answer(box, q)`` gives the correct answer of bank question ``q`` in its question box; the order
of options on the page is the learner's own, so everything is found by its text.
"""

from __future__ import annotations

import re

from katlearn.content import Question


def _order_texts(box) -> list[str]:
    return [re.sub(r"^\d+\.\s*", "", t.strip()) for t in box.locator(".kl-order-text").all_inner_texts()]


def _press(control, key: str, keyboard: bool) -> None:
    if keyboard:
        control.focus()
        control.press(key)


def _one(box, q, keyboard: bool, text: str) -> None:
    control = box.get_by_label(text, exact=True)
    if keyboard:
        control.focus()
        control.press("Space")
    else:
        control.check()


def _single(box, q, keyboard):
    _one(box, q, keyboard, next(o.text for o in q.options if o.correct))


def _true_false(box, q, keyboard):
    _one(box, q, keyboard, "True" if q.answer else "False")


def _multiple(box, q, keyboard):
    for o in q.options:
        if o.correct:
            _one(box, q, keyboard, o.text)


def _numeric(box, q, keyboard):
    field = box.locator(".kl-answer input[type='text']")
    if keyboard:
        field.focus()
        field.press("Control+a")
        field.press_sequentially(q.correct_answer())
    else:
        field.fill(q.correct_answer())


def _ordering(box, q, keyboard):
    for target, item in enumerate(q.items):
        pos = _order_texts(box).index(item)
        for p in range(pos, target, -1):
            button = box.locator(".kl-move-up").nth(p)
            if keyboard:
                button.focus()
                button.press("Enter")
            else:
                button.click()
            box.locator(".kl-order-text").nth(p - 1).filter(has_text=item).wait_for()
    assert _order_texts(box) == list(q.items)


def _matching(box, q, keyboard):
    selects = box.locator(".kl-answer select")
    for i, pair in enumerate(q.pairs):
        select = selects.nth(i)
        if keyboard:
            options = select.locator("option").all_inner_texts()
            select.focus()
            for _ in range(options.index(pair.definition)):
                select.press("ArrowDown")
            assert select.evaluate("s => s.options[s.selectedIndex].text") == pair.definition
        else:
            select.select_option(label=pair.definition)


_ANSWER = {"single": _single, "true_false": _true_false, "multiple": _multiple, "numeric": _numeric,
           "ordering": _ordering, "matching": _matching}


def answer(box, q: Question, keyboard: bool = False) -> None:
    """Give the correct answer to ``q`` through the page's controls in its question ``box``."""
    _ANSWER[q.type](box, q, keyboard)
