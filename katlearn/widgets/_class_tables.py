"""The class tables of the educator dashboard, as escaped HTML (pure: report rows in, HTML out)."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from katlearn import classroom, learning
from katlearn.content import markdown_to_text

__all__ = ["Cell", "download_link", "items_table", "learners_table", "modules_table", "objectives_table",
           "table_html"]


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)



def _pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}%"


def _when(ts: float | None) -> str:
    if ts is None:
        return "–"
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def download_link(text: str, filename: str, label: str, mime: str = "text/csv") -> str:
    """An ``<a download>`` whose href carries the file itself (a data: URL); nothing is stored."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return (f'<a class="kl-dash-download" download="{_esc(filename)}" '
            f'href="data:{mime};charset=utf-8;base64,{payload}">{_esc(label)}</a>')


@dataclass(frozen=True)
class Cell:
    """A table cell with a CSS class and a tooltip; text and tooltip are escaped like any cell."""

    text: Any
    css: str = ""
    title: str = ""


def _cell(tag: str, value: Any, extra_css: str, scope: str = "") -> str:
    cell = value if isinstance(value, Cell) else Cell(value)
    classes = " ".join(c for c in (extra_css, cell.css) if c)
    attrs = (f' scope="{scope}"' if scope else "") + (f' class="{_esc(classes)}"' if classes else "")
    attrs += f' title="{_esc(cell.title)}"' if cell.title else ""
    return f"<{tag}{attrs}>{_esc('' if cell.text is None else cell.text)}</{tag}>"


def table_html(caption: str, header: Sequence[Any], rows: Sequence[Sequence[Any]], css: str,
               numeric: Sequence[int] = (), collapsed: str | None = None) -> str:
    """A captioned table with every cell escaped; ``collapsed`` folds it under that summary."""
    nums = set(numeric)
    head = "".join(_cell("th", h, "kl-num" if i in nums else "", "col") for i, h in enumerate(header))
    body = "".join(
        "<tr>" + "".join(_cell("th" if i == 0 else "td", c, "kl-num" if i in nums else "", "row" if i == 0 else "")
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    table = (f'<div class="kl-dash-table-wrap"><table class="kl-dash-table {_esc(css)}">'
             f"<caption>{_esc(caption)}</caption><thead><tr>{head}</tr></thead>"
             f"<tbody>{body}</tbody></table></div>")
    if collapsed:
        return f'<details class="kl-dash-more"><summary>{_esc(collapsed)}</summary>{table}</details>'
    return table


def _short(text: str, max_chars: int = 110) -> str:
    text = " ".join(markdown_to_text(text).split())
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def modules_table(report: classroom.ClassReport) -> str:
    rows = [[m.title, m.mastered, m.in_progress, m.not_started, _pct(
        None if m.mean_best_score is None else 100 * m.mean_best_score)] for m in report.modules]
    return table_html("Learners per module", ["Module", "Mastered", "In progress", "Not started",
                                              "Mean best score"], rows, "kl-dash-modules", numeric=(1, 2, 3, 4),
                      collapsed="Table: learners per module")


def objectives_table(report: classroom.ClassReport) -> str:
    rows = [[o.objective, _short(o.text), o.learners, o.mastered, _pct(o.percent_mastered)]
            for o in report.objectives if o.learners]
    return table_html("Objectives (learners who answered any of their questions)",
                      ["Objective", "What learners should be able to do", "Learners", "At mastery",
                       "Share"], rows, "kl-dash-objectives", numeric=(2, 3, 4),
                      collapsed="Table: every objective")


def items_table(report: classroom.ClassReport) -> str:
    answered = sorted((i for i in report.items if i.learners),
                      key=lambda i: (i.percent_correct or 0.0, i.module, i.question_id))
    rows = [[i.question_id, Cell(_short(i.prompt), title=markdown_to_text(i.prompt)), i.learners, _pct(i.percent_correct),
             i.attempts, f"{_short(i.common_wrong, 80)} ({i.common_wrong_learners})" if i.common_wrong else "–"]
            for i in answered]
    unanswered = sum(1 for i in report.items if not i.learners)
    caption = "Questions, hardest first (first attempt of each learner)"
    if unanswered:
        caption += f"; {unanswered} not answered yet"
    return table_html(caption, ["Question", "Prompt", "Learners", "Right at first try", "Attempts",
                                "Commonest wrong answer (learners)"], rows, "kl-dash-items", numeric=(2, 3, 4),
                      collapsed=f"Table: all {len(answered)} answered questions")


def learners_table(report: classroom.ClassReport) -> str:
    """Learner × module: ✓ mastered, … in progress, · not started, with the best score."""
    marks = {learning.MASTERED: "✓", learning.IN_PROGRESS: "…", learning.NOT_STARTED: "·"}
    header: list[Any] = ["Learner"]
    for n, m in enumerate(report.modules):
        header.append(Cell(m.module.split("_", 1)[0] if m.module[:2].isdigit() else str(n + 1),
                           title=m.title))
    header += ["Mastered", "Answered", "Right at 1st try", "Last active (UTC)"]
    rows = []
    for r in report.per_learner:
        row: list[Any] = [r.learner]
        for m in report.modules:
            status = r.status.get(m.module, learning.NOT_STARTED)
            best = r.best_score.get(m.module)
            text = marks[status] + (f" {100 * best:.0f}" if best is not None else "")
            row.append(Cell(text, css=f"kl-cell-{status.replace(' ', '-')}",
                            title=f"{m.title}: {status}" + (f", best score {100 * best:.0f}%" if best is not None else "")))
        last = "–" if r.last_active is None else datetime.fromtimestamp(r.last_active, timezone.utc).strftime("%d %b %H:%M")
        row += [r.mastered, r.answered, r.first_correct, Cell(last, css="kl-nowrap", title=_when(r.last_active))]
        rows.append(row)
    k = len(report.modules)
    return table_html("One row per learner: ✓ mastered, … in progress, · not started; numbers are best "
                      "quiz scores in %. Hover a column for the module's name.",
                      header, rows, "kl-dash-learners", numeric=tuple(range(1, k + 4)))
