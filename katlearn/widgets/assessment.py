"""The final assessment (an exam drawn from every module's quiz) and the completion summary.

``final_assessment()`` composes the quiz widget (:class:`katlearn.widgets.quiz.Quiz`, exam mode,
through its public constructor): it builds one :class:`katlearn.content.Bank` from a few questions
of each module's bank, covering each module's objectives in turn, and records the attempts under
the progress-store module key ``"final_assessment"``. Below it, the completion summary lists every
learning objective of the course with the learner's latest result on its questions (from the
module quizzes and the final assessment), links each objective to the section that teaches it,
and offers the summary as CSV and HTML downloads (``data:`` links built here; nothing is written
on the server).

Selection and the summary are pure functions (:func:`select_questions`, :func:`objective_statuses`,
:func:`summary_csv`, :func:`summary_html`) so they are tested without widgets.

Stable CSS classes: ``kl-assessment`` (container; the quiz inside has ``kl-quiz kl-mode-exam``),
``kl-completion`` (summary), ``kl-completion-table``, ``kl-download-csv``, ``kl-download-html``,
``kl-completion-refresh``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.content import Bank, ContentError, Question
from katlearn.widgets.live import deferred
from katlearn.widgets.quiz import Quiz
from katlearn.widgets.scenario import style_widget

__all__ = [
    "FINAL_KEY", "PER_MODULE", "select_questions", "final_bank", "ObjectiveStatus", "objective_statuses",
    "summary_csv", "summary_html", "data_url", "CompletionSummary", "FinalAssessment", "final_assessment",
    "completion_summary",
]

FINAL_KEY = "final_assessment"  # the progress-store module key of the final assessment
PER_MODULE = 2  # questions drawn from each module's bank (course policy)
HOST_SLUG = "07_future_resources"  # the page that shows the assessment; its own quiz is already there
MET, REVIEW, NOT_ASSESSED = "met", "review", "not assessed"


def _rank(seed: str, question_id: str) -> str:
    return hashlib.sha256(f"{seed}\x1f{question_id}".encode()).hexdigest()


def select_questions(bank: Bank, n: int, seed: str = "final") -> list[Question]:
    """``n`` questions from ``bank``, one per objective in turn (round-robin), in bank order.

    Within an objective the pick is a hash of (seed, question id): stable across reloads and the
    same for every learner, so an educator and the class see the same exam.
    """
    groups: dict[str, list[Question]] = {}
    for q in bank.questions:
        groups.setdefault(q.objective, []).append(q)
    for qs in groups.values():
        qs.sort(key=lambda q: _rank(seed, q.id))
    picked: list[Question] = []
    while len(picked) < n and any(groups.values()):
        for qs in groups.values():
            if qs and len(picked) < n:
                picked.append(qs.pop(0))
    order = {q.id: i for i, q in enumerate(bank.questions)}
    return sorted(picked, key=lambda q: order[q.id])


def _course_modules(exclude: str | None = HOST_SLUG) -> list[content.ModuleMeta]:
    return [m for m in content.modules() if m.order > 0 and m.quiz and m.slug != exclude]


def final_bank(per_module: int = PER_MODULE, seed: str = "final", exclude: str | None = HOST_SLUG,
               banks: Mapping[str, Bank] | None = None) -> Bank:
    """One bank with ``per_module`` questions of every module's quiz, in course order.

    Modules whose bank is missing or invalid are skipped (``katlearn check`` reports them).
    """
    questions: list[Question] = []
    for meta in _course_modules(exclude):
        try:
            bank = banks[meta.quiz] if banks is not None else content.load_bank(meta.quiz)
        except (KeyError, ContentError):
            continue
        questions += select_questions(bank, per_module, seed)
    if not questions:
        raise ContentError([content.Problem("assets/quizzes", 1, "(all)", "no module quiz bank could be loaded")])
    return Bank(module=FINAL_KEY, title="Final assessment", questions=tuple(questions))


# ---------------------------------------------------------------------------------------------
# Completion summary


@dataclass(frozen=True)
class ObjectiveStatus:
    module: str  # slug
    module_title: str
    objective: str
    text: str
    section: str
    answered: int
    total: int
    score: float | None  # mean of the latest scores of the answered questions; None if none answered
    status: str  # MET, REVIEW or NOT_ASSESSED

    @property
    def href(self) -> str:
        return f"{self.module}.ipynb" + (f"#{self.section}" if self.section else "")


def objective_statuses(attempts: Sequence[learning.Attempt], modules: Sequence[content.ModuleMeta],
                       banks: Mapping[str, Bank], threshold: float = learning.MASTERY_THRESHOLD) -> list[ObjectiveStatus]:
    """Every objective of ``modules`` with the learner's latest result on its questions.

    The latest attempt per question counts, whichever quiz it was answered in (module quiz or
    final assessment, practice or exam). Met = mean latest score >= ``threshold``.
    """
    latest: dict[str, learning.Attempt] = {}
    for a in sorted(attempts, key=lambda a: (a.ts, a.id)):
        latest[a.question_id] = a
    out = []
    for meta in modules:
        bank = banks.get(meta.quiz or "")
        for obj in meta.objectives:
            qids = [q.id for q in bank.questions if q.objective == obj.id] if bank else []
            scores = [latest[q].score for q in qids if q in latest]
            score = sum(scores) / len(scores) if scores else None
            status = NOT_ASSESSED if score is None else MET if score + 1e-9 >= threshold else REVIEW
            out.append(ObjectiveStatus(meta.slug, meta.title, obj.id, obj.text, obj.section, len(scores), len(qids),
                                       score, status))
    return out


def _pct(score: float | None) -> str:
    return "" if score is None else f"{round(score * 100)}"


def summary_csv(rows: Sequence[ObjectiveStatus], learner: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["learner", "module", "module_title", "objective_id", "objective", "questions_answered",
                "questions_total", "score_percent", "status", "section"])
    for r in rows:
        w.writerow([learner, r.module, r.module_title, r.objective, r.text, r.answered, r.total, _pct(r.score),
                    r.status, r.href])
    return buf.getvalue()


_STATUS_WORDS = {MET: "Met", REVIEW: "Review", NOT_ASSESSED: "Not yet"}
_STATUS_COLOURS = {MET: "#00734d", REVIEW: "#b34700", NOT_ASSESSED: "#555555"}


def _table(rows: Sequence[ObjectiveStatus], links: bool) -> str:
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
        result = (f"{_pct(r.score)}% ({r.answered} of {r.total})" if r.score is not None
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


def _headline(rows: Sequence[ObjectiveStatus]) -> str:
    met = sum(r.status == MET for r in rows)
    review = sum(r.status == REVIEW for r in rows)
    return (f"{met} of {len(rows)} objectives met, {review} to review, "
            f"{len(rows) - met - review} not assessed yet.")


def summary_html(rows: Sequence[ObjectiveStatus], learner: str, exam: learning.Completion | None = None,
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
            f"{escape(_headline(rows))}</p>{exam_line}{_table(rows, links=False)}"
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
        self.table = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.downloads = widgets.HTML()
        self.refresh_button = widgets.Button(description="Update my summary", icon="refresh",
                                             tooltip="Read your latest answers again",
                                             layout=widgets.Layout(width="auto"))
        self.refresh_button.add_class("kl-completion-refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        super().__init__([self.table, self.downloads, self.refresh_button], layout=widgets.Layout(width="100%"))
        self.add_class("kl-completion")
        self.rows: list[ObjectiveStatus] = []
        self.refresh()

    def refresh(self) -> list[ObjectiveStatus]:
        try:
            modules = [m for m in content.modules() if m.objectives]
            banks: dict[str, Bank] = {}
            for m in modules:
                if m.quiz:
                    try:
                        banks[m.quiz] = content.load_bank(m.quiz)
                    except ContentError:
                        pass
            attempts = learning.attempts(self.learner)
            exams = [c for c in learning.completions(self.learner, FINAL_KEY) if c.mode == "exam"]
        except (learning.ProgressError, OSError, content.NotebookMetaError) as exc:
            self.table.value = f"<p>Your summary could not be read ({escape(str(exc))}).</p>"
            return []
        self.rows = objective_statuses(attempts, modules, banks)
        exam = exams[-1] if exams else None
        exam_line = (f"<p>Your latest final assessment: <strong>{round(exam.score * 100)}%</strong> "
                     f"({'passed' if exam.mastered else 'not passed yet'}).</p>") if exam else (
            "<p>You have not submitted the final assessment yet.</p>")
        self.table.value = (f'<div role="status" aria-live="polite"><p><strong>{escape(_headline(self.rows))}</strong>'
                            f"</p>{exam_line}</div>"
                            '<div style="overflow-x:auto" tabindex="0" role="region" '
                            'aria-label="Completion summary table (scrolls sideways on small screens)">'
                            f"{_table(self.rows, links=True)}</div>")
        name = _safe_filename(self.learner)
        csv_url = data_url(summary_csv(self.rows, self.learner), "text/csv")
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

    def __init__(self, per_module: int = PER_MODULE, seed: str = "final", learner: str | None = None) -> None:
        self.learner = learner or learning.current_learner()
        intro = widgets.HTML()
        try:
            self.bank = final_bank(per_module, seed)
        except ContentError as exc:
            self.bank = None
            intro.value = ("<p><strong>The final assessment could not be built.</strong> Run "
                           f"<code>python -m katlearn check</code>.</p><p><code>{escape(str(exc))}</code></p>")
            self.quiz = None
            self.summary = CompletionSummary(self.learner)
            super().__init__([intro, self.summary], layout=widgets.Layout(width="100%"))
            self.add_class("kl-assessment")
            return
        modules = _course_modules()
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
        self.quiz = Quiz(FINAL_KEY, mode="exam", learner=self.learner, bank=self.bank, objectives=objectives,
                         seed=seed)
        self.summary = CompletionSummary(self.learner)
        heading = widgets.HTML("<h3 id=\"completion-summary\">Your completion summary</h3>"
                               "<p>Every learning objective of the course, with your latest result on its "
                               "questions. Follow a link to revisit the section that teaches it.</p>")
        self.quiz.submit_button.on_click(lambda _b: self.summary.refresh())
        self.quiz.retake_button.on_click(lambda _b: self.summary.refresh())
        super().__init__([style_widget(), intro, self.quiz, heading, self.summary], layout=widgets.Layout(width="100%"))
        self.add_class("kl-assessment")


@deferred
def final_assessment(per_module: int = PER_MODULE) -> FinalAssessment:
    """The final assessment and completion summary for a notebook cell."""
    return FinalAssessment(per_module)


def completion_summary() -> CompletionSummary:
    """Just the completion summary (e.g. for an educator's overview page)."""
    return CompletionSummary()
