"""The final assessment (an exam drawn from every module's quiz) and the completion summary.

``final_assessment()`` composes the quiz widget (:class:`katlearn.widgets.quiz.Quiz`, exam mode,
through its public constructor): it builds one :class:`katlearn.content.Bank` from a few questions
of each module's bank, covering each module's objectives in turn, and records the attempts under
the progress-store module key ``"final_assessment"``. Below it, the completion summary lists every
learning objective of the course with the learner's latest result on its questions (from the
module quizzes and the final assessment), links each objective to the section that teaches it,
and offers the summary as CSV and HTML downloads (``data:`` links built here; nothing is written
on the server).

Which questions the exam draws and each objective's status are rules about the learner
(:mod:`katlearn.learning`: ``final_bank``, ``learner_standing``); this module shows them
(:func:`summary_html` is the downloadable page).

Stable CSS classes: ``kl-assessment`` (container; the quiz inside has ``kl-quiz kl-mode-exam``),
``kl-completion`` (summary), ``kl-completion-table``, ``kl-download-csv``, ``kl-download-html``,
``kl-completion-refresh``.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Sequence
from html import escape

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.content import ContentError
from katlearn.widgets.live import deferred
from katlearn.widgets.quiz import Quiz
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["summary_html", "data_url", "CompletionSummary", "FinalAssessment", "final_assessment", "completion_summary"]

# ---------------------------------------------------------------------------------------------
# Completion summary


_STATUS_WORDS = {learning.MET: "Met", learning.REVIEW: "Review", learning.NOT_ASSESSED: "Not yet"}
_STATUS_COLOURS = {learning.MET: "#00734d", learning.REVIEW: "#b34700", learning.NOT_ASSESSED: "#555555"}


def _table(rows: Sequence[learning.ObjectiveStatus], links: bool) -> str:
    """One table, a header row per module, then its objectives."""
    body = []
    module = None
    for r in rows:
        if r.module != module:
            module = r.module
            body.append(f'<tr><th colspan="3" scope="colgroup" style="text-align:left;padding-top:0.8em">'
                        f"{escape(r.module_title)}</th></tr>")
        text = escape(r.text)
        if links:
            text = f'<a href="{escape(r.href)}">{text}</a>'
        result = (f"{learning.score_percent(r.score)}% ({r.answered} of {r.total})" if r.score is not None
                  else f"— (0 of {r.total})")
        body.append(
            f'<tr class="kl-objective-{r.status.replace(" ", "-")}" data-objective="{escape(r.objective)}">'
            f'<td>{text}</td><td style="white-space:nowrap">{result}</td>'
            f'<td style="color:{_STATUS_COLOURS[r.status]};font-weight:600">{_STATUS_WORDS[r.status]}</td></tr>')
    return ('<table class="kl-table kl-completion-table" style="width:100%"><thead><tr>'
            '<th scope="col" style="text-align:left">Objective</th>'
            '<th scope="col" style="text-align:left">Result (questions answered)</th>'
            '<th scope="col" style="text-align:left">Status</th></tr></thead>'
            "<tbody>" + "".join(body) + "</tbody></table>")


def summary_html(rows: Sequence[learning.ObjectiveStatus], learner: str, exam: learning.Completion | None = None,
                 when: float | None = None) -> str:
    """A standalone HTML document of the summary, for download."""
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(time.time() if when is None else when))
    exam_line = (f"<p>Final assessment: {round(exam.score * 100)}% "
                 f"({'passed' if exam.mastered else 'not passed yet'}).</p>") if exam else ""
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Completion summary: {escape(learner)}</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
            "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;text-align:left;"
            "vertical-align:top}</style></head><body>"
            "<h1>Ketamine-assisted therapy: the science and the practice</h1>"
            f"<h2>Completion summary for {escape(learner)}</h2><p>Created {escape(stamp)}. "
            f"{escape(learning.headline(rows))}</p>{exam_line}{_table(rows, links=False)}"
            "<p><small>Education, not medical advice. Scores are the latest answers to each objective's "
            "questions in this course.</small></p></body></html>")


def data_url(text: str, mime: str) -> str:
    """``data:`` URL with the text base64-encoded (UTF-8)."""
    return f"data:{mime};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "learner"


class CompletionSummary(widgets.VBox):
    """The per-objective summary with CSV and HTML download links; ``refresh()`` re-reads the store."""

    def __init__(self, learner: str | None = None) -> None:
        self.learner = learner or learning.current_learner()
        self.table = html_view(wide=True)
        self.downloads = html_view()
        self.refresh_button = control(widgets.Button, description="Update my summary", icon="refresh",
                                             tooltip="Read your latest answers again",
                                             layout=shared_layout(width="auto"))
        self.refresh_button.add_class("kl-completion-refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        super().__init__([self.table, self.downloads, self.refresh_button], layout=shared_layout(width="100%"))
        self.add_class("kl-completion")
        self.rows: list[learning.ObjectiveStatus] = []
        self.refresh()

    def refresh(self) -> list[learning.ObjectiveStatus]:
        try:
            self.rows, exam = learning.learner_standing(self.learner)
        except (learning.ProgressError, OSError) as exc:
            self.table.value = f"<p>Your summary could not be read ({escape(str(exc))}).</p>"
            return []
        exam_line = (f"<p>Your latest final assessment: <strong>{round(exam.score * 100)}%</strong> "
                     f"({'passed' if exam.mastered else 'not passed yet'}).</p>") if exam else (
            "<p>You have not submitted the final assessment yet.</p>")
        self.table.value = (f'<div role="status" aria-live="polite"><p><strong>{escape(learning.headline(self.rows))}</strong>'
                            f"</p>{exam_line}</div>"
                            '<div style="overflow-x:auto" tabindex="0" role="region" '
                            'aria-label="Completion summary table (scrolls sideways on small screens)">'
                            f"{_table(self.rows, links=True)}</div>")
        name = _safe_filename(self.learner)
        csv_url = data_url(learning.summary_csv(self.rows, self.learner), "text/csv")
        html_url = data_url(summary_html(self.rows, self.learner, exam), "text/html")
        self.downloads.value = (
            "<p>Download your summary: "
            f'<a class="kl-download-csv" download="katlearn-summary-{name}.csv" href="{csv_url}">CSV (spreadsheet)</a>'
            " · "
            f'<a class="kl-download-html" download="katlearn-summary-{name}.html" href="{html_url}">HTML (to print '
            "or keep)</a></p>")
        return self.rows


class FinalAssessment(widgets.VBox):
    """The exam across modules, followed by the completion summary (updated on submit)."""

    def __init__(self, per_module: int = learning.PER_MODULE, seed: str = "final", learner: str | None = None) -> None:
        self.learner = learner or learning.current_learner()
        intro = html_view()
        try:
            self.bank = learning.final_bank(per_module, seed)
        except ContentError as exc:
            self.bank = None
            intro.value = ("<p><strong>The final assessment could not be built.</strong> Run "
                           f"<code>python -m katlearn check</code>.</p><p><code>{escape(str(exc))}</code></p>")
            self.quiz = None
            self.summary = CompletionSummary(self.learner)
            super().__init__([intro, self.summary], layout=shared_layout(width="100%"))
            self.add_class("kl-assessment")
            return
        modules = learning.assessed_modules()
        objectives = [content.Objective(id=o.id, text=f"{m.title}: {o.text}", section="")
                      for m in modules for o in m.objectives]
        chosen = {q.id for q in self.bank.questions}
        n_modules = 0
        for m in modules:
            try:
                n_modules += any(q.id in chosen for q in content.load_bank(m.quiz).questions)
            except ContentError:
                pass
        intro.value = (f"<p>{len(self.bank.questions)} questions drawn from the quizzes of {n_modules} modules. "
                       "Answer them all, then press <strong>Submit all</strong>: you see your score and the "
                       "feedback for every question at once. Your summary below updates when you submit.</p>")
        self.quiz = Quiz(learning.FINAL_KEY, mode="exam", learner=self.learner, bank=self.bank, objectives=objectives,
                         seed=seed)
        self.summary = CompletionSummary(self.learner)
        heading = html_view("<h3 id=\"completion-summary\">Your completion summary</h3>"
                               "<p>Every learning objective of the course, with your latest result on its "
                               "questions. Follow a link to revisit the section that teaches it.</p>")
        self.quiz.on_change(self.summary.refresh)
        super().__init__([intro, self.quiz, heading, self.summary], layout=shared_layout(width="100%"))
        self.add_class("kl-assessment")


@deferred
def final_assessment(per_module: int = learning.PER_MODULE) -> FinalAssessment:
    """The final assessment and completion summary for a notebook cell."""
    return FinalAssessment(per_module)


def completion_summary() -> CompletionSummary:
    """Just the completion summary (e.g. for an educator's overview page)."""
    return CompletionSummary()
