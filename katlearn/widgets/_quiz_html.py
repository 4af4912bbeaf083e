"""The HTML a quiz shows: question prompts, feedback with citations, the module summary.

Built in Python from what :mod:`katlearn.learning` decided (a :class:`~katlearn.learning.Result`,
a :class:`~katlearn.learning.Summary`); the quiz's front end (``quiz.js``) only places it. Content
text goes through the Markdown sanitizer (math as MathML: the quiz's front end has no MathJax),
everything else is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from katlearn import learning
from katlearn.content import Question, Reference, render_markdown


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def css_id(question_id: str) -> str:
    """The class that marks one question: ``kl-q-`` + its id with non-alphanumerics → ``-``."""
    return "kl-q-" + re.sub(r"[^A-Za-z0-9]", "-", question_id)


def cite(keys: Sequence[str], references: Mapping[str, Reference]) -> str:
    """HTML short citations ("Zarate et al. 2006"), linked to the DOI/URL, titled with the work."""
    parts = []
    for key in keys:
        ref = references.get(key)
        if ref is None:
            parts.append(f"<span>{esc(key)}</span>")
            continue
        title = esc(f"{ref.title}" + (f". {ref.journal}" if ref.journal else ""))
        label = esc(ref.short())
        link = ref.link
        if link.startswith(("https://", "http://")):
            parts.append(f'<a href="{esc(link)}" title="{title}" target="_blank" '
                         f'rel="noopener noreferrer">{label}</a>')
        else:
            parts.append(f'<span title="{title}">{label}</span>')
    return "; ".join(parts)


def percent(score: float) -> str:
    return f"{round(score * 100)}%"


def prompt(question: Question, number: int, total: int) -> str:
    """Heading ("Question 2 of 6", with the type's hint) and the prompt."""
    heading = (f"<p><strong>Question {number} of {total}</strong> "
               f"<small>({esc(question.HINT)})</small></p>")
    return heading + render_markdown(question.prompt, math="mathml")


def answer_error(message: str) -> str:
    return f"<p><strong>Please check your answer:</strong> {esc(message)}</p>"


def feedback(question: Question, result: learning.Result, references: Mapping[str, Reference]) -> str:
    """Verdict, per-option feedback, explanation and its sources (a graded result only)."""
    verdict = "Correct" if result.correct else ("Partly right" if result.score > 0 else "Not quite")
    score = f" (score {percent(result.score)})" if 0 < result.score < 1 else ""
    parts = [f"<p><strong>{verdict}</strong>{score}. {esc(result.message)}</p>"]
    items = []
    for fb in result.feedback:
        mark = "✓ right" if fb.correct else "✗ not right"
        text = f": {render_markdown(fb.text, inline=True, math='mathml')}" if fb.text else ""
        items.append(f"<li><strong>{esc(fb.label)}</strong> <em>({mark})</em>{text}</li>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    parts.append(f"<div><strong>Why:</strong> {render_markdown(result.explanation, math='mathml')}</div>")
    parts.append(f"<p><small>Sources: {cite(question.references, references)}</small></p>")
    return "".join(parts)


def not_submitted(numbers: Sequence[int]) -> str:
    many = len(numbers) > 1
    which = ", ".join(str(n) for n in numbers)
    return (f"<p><strong>Not submitted yet.</strong> Please answer question{'s' if many else ''} "
            f"{which} first (see the notes below {'them' if many else 'it'}).</p>")


def load_failed(problems: Sequence[Any]) -> str:
    items = "".join(f"<li><code>{esc(p)}</code></li>" for p in problems)
    return (f"<p><strong>This quiz could not be loaded.</strong> "
            f"Run <code>python -m katlearn check</code>.</p><ul>{items}</ul>")


def save_failed(exc: Exception) -> str:
    return (f"<p><strong>Your progress could not be saved</strong> ({esc(exc)}). "
            "Your answers still count on this page.</p>")


def resume_failed(exc: Exception) -> str:
    return f"<p>Earlier answers could not be loaded ({esc(exc)}).</p>"


def summary(s: learning.Summary, mode: str, finished: bool, learner: str) -> str:
    """The module summary: how to go on while unfinished; score, mastery and review links after."""
    if not finished:
        if mode == "exam":
            return f"<p>{s.total} questions. Answer them all, then press <strong>Submit all</strong>.</p>"
        if s.answered == 0:
            return f"<p>{s.total} questions. Check each answer as you go.</p>"
        return f"<p>Answered {s.answered} of {s.total}. Score so far: {percent(s.score)}.</p>"
    head = (f"<p><strong>Your score: {percent(s.score)}</strong> "
            f"({s.correct} of {s.total} questions fully correct). Mastery needs {percent(s.threshold)}.</p>")
    if s.mastered:
        body = "<p><strong>Mastered.</strong> Well done: you can move on to the next module.</p>"
    else:
        links = []
        for r in s.review:
            text = esc(r.text)
            if r.section:
                href = "#" + quote(r.section, safe="-_.~!*'()")
                text = f'<a href="{esc(href)}">{text}</a>'
            links.append(f"<li>{text} <small>({percent(r.score)} on its questions)</small></li>")
        body = ("<p><strong>Not mastered yet.</strong> Review these parts of the module, then try again:</p>"
                f"<ul>{''.join(links)}</ul>")
    return head + body + f"<p><small>Saved for {esc(learner)}.</small></p>"
