"""The educator dashboard: class results as figures and tables, with CSV downloads and every
learner's record of completion.

``dashboard()`` in ``notebooks/educator_dashboard.ipynb`` shows, to educators only (see
:func:`katlearn.classroom.educator_access`): how many learners have started or mastered each
module, the share at mastery per learning objective, per-question results at the first try with
the commonest wrong answer, and one row per learner. Everyone else sees why the page is locked and
no data: the report is only built after access is granted. When a Learning Record Store is set up
(``KATLEARN_LRS_URL`` and its credentials, see :func:`katlearn.classroom.configured_lrs`), a button
sends the class's statements there (what is new since the last full send).

Stable CSS classes: ``kl-dashboard`` (the whole view), ``kl-dash-locked`` (the locked notice),
``kl-dash-key`` / ``kl-dash-unlock`` / ``kl-dash-key-status`` (educator key form),
``kl-dash-summary``, ``kl-dash-refresh``, ``kl-dash-downloads``, ``kl-dash-lrs`` /
``kl-dash-lrs-send`` / ``kl-dash-lrs-status`` (send to LRS), ``kl-dash-problems``,
``kl-dash-table`` with ``kl-dash-modules`` / ``kl-dash-objectives`` / ``kl-dash-items`` /
``kl-dash-learners``.

Every name and text from the stores or the content reaches the page escaped.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import ipywidgets as widgets

from katlearn import classroom, learning
from katlearn.figures import class_charts
from katlearn.widgets._class_tables import (
    Cell, _esc, _pct, _short, _when, download_link, items_table, learners_table, modules_table, objectives_table, table_html,
)
from katlearn.widgets._html import live_region
from katlearn.widgets.live import deferred
from katlearn.widgets.plot import PlotView
from katlearn.widgets.record_download import ClassRecordsDownload
from katlearn.widgets._shared import control, shared_layout

__all__ = ["Cell", "Dashboard", "dashboard", "download_link", "table_html"]

MAX_KEY_TRIES = 5
LOCKOUT_S = 60.0
HARDEST_SHOWN = 15  # questions in the item chart; the table lists all

_STYLE = """<style>
.kl-dashboard .kl-dash-table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; font-size: 0.95em;
  line-height: 1.35; }
.kl-dashboard .kl-dash-table th, .kl-dashboard .kl-dash-table td { border-bottom: 1px solid #ddd; padding: 0.3em 0.5em;
  text-align: left; vertical-align: top; }
.kl-dashboard .kl-dash-table td.kl-num, .kl-dashboard .kl-dash-table th.kl-num { text-align: right; }
.kl-dashboard .kl-dash-table td.kl-num, .kl-dashboard .kl-dash-table td.kl-nowrap { white-space: nowrap; }
.kl-dashboard .widget-html { width: 100%; }
.kl-dashboard .widget-html-content { width: 100%; min-width: 0; }
.kl-dashboard .kl-dash-table caption { text-align: left; font-weight: 600; padding: 0.3em 0; }
.kl-dashboard .kl-dash-table-wrap { overflow-x: auto; max-width: 100%; }
.kl-dashboard .kl-dash-table th[scope="row"] { font-weight: 600; }
.kl-dashboard .kl-dash-learners { font-size: 0.88em; }
.kl-dashboard .kl-dash-learners th, .kl-dashboard .kl-dash-learners td { padding: 0.25em 0.35em; }
.kl-dashboard .kl-dash-table td.kl-cell-mastered { color: #00704f; font-weight: 600; }
.kl-dashboard .kl-dash-table td.kl-cell-in-progress { color: #8a5a00; }
.kl-dashboard .kl-dash-table td.kl-cell-not-started { color: #767676; }
.kl-dashboard details.kl-dash-more > summary { cursor: pointer; font-weight: 600; margin: 0.3em 0 0.6em; }
.kl-dashboard .kl-dash-downloads a { margin-right: 1.2em; }
.kl-dashboard .kl-dash-summary p { margin: 0.2em 0; }
</style>"""


def _heading(text: str, level: int = 2) -> widgets.HTML:
    return widgets.HTML(f"<h{level}>{_esc(text)}</h{level}>")


class Dashboard(widgets.VBox):
    """Class results for educators; a locked notice (or the key form) for everyone else.

    ``access`` and ``load`` are for tests: by default access is asked of the hub or the educator
    key, and records are read from the class's stores.
    """

    def __init__(self, access: classroom.Access | None = None,
                 load: Callable[[], classroom.ClassRecords] | None = None,
                 report: Callable[[classroom.ClassRecords], classroom.ClassReport] | None = None,
                 lrs: Callable[[], classroom.Lrs | None] | None = None) -> None:
        super().__init__([], layout=shared_layout(width="100%"))
        self.add_class("kl-dashboard")
        self._load = load or classroom.load_class
        self._build_report = report or classroom.class_report
        self._lrs = lrs or classroom.configured_lrs
        self._records: classroom.ClassRecords | None = None
        self._read_ts = 0.0
        self._tries = 0
        self._locked_until = 0.0
        self.report: classroom.ClassReport | None = None
        self.access = access or classroom.educator_access()
        if self.access.granted:
            self.show_results()
        elif self.access.needs_key:
            self._show_key_form()
        else:
            self._show_locked(self.access.message)

    # -- locked / key ----------------------------------------------------------------------------

    def _show_locked(self, message: str) -> None:
        notice = widgets.HTML(live_region(f'<div class="kl-note" role="note"><strong>Class results are for '
                                    f'educators.</strong> {_esc(message)}</div>'))
        notice.add_class("kl-dash-locked")
        self.children = [notice]

    def _show_key_form(self) -> None:
        self.key = widgets.Password(description="Educator key:", placeholder="the key the course server was given",
                                    style={"description_width": "initial"}, layout=shared_layout(width="28em"))
        self.key.add_class("kl-dash-key")
        self.unlock_button = control(widgets.Button, description="Show class results", button_style="primary",
                                            tooltip="Check the key and show the class results",
                                            layout=shared_layout(width="auto"))
        self.unlock_button.add_class("kl-dash-unlock")
        self.key_status = widgets.HTML(live_region(f"<p>{_esc(self.access.message)}</p>"))
        self.key_status.add_class("kl-dash-key-status")
        self.unlock_button.on_click(lambda _b: self.unlock(self.key.value))
        self.children = [widgets.HBox([self.key, self.unlock_button]), self.key_status]

    def unlock(self, typed: str) -> bool:
        """Check a typed educator key; after too many wrong keys, refuse for a minute."""
        now = time.monotonic()
        if now < self._locked_until:
            wait = int(self._locked_until - now) + 1
            self.key_status.value = live_region(f"<p>Too many wrong keys. Try again in {wait} s.</p>")
            return False
        if classroom.key_matches(typed):
            self.key.value = ""
            self.access = classroom.Access(True, "key", "", "Unlocked with the educator key.")
            self.show_results()
            return True
        self._tries += 1
        self.key.value = ""
        if self._tries >= MAX_KEY_TRIES:
            self._tries = 0
            self._locked_until = now + LOCKOUT_S
            self.key_status.value = live_region(f"<p>That key is not right. Too many tries: wait "
                                          f"{int(LOCKOUT_S)} s before the next one.</p>")
        else:
            self.key_status.value = live_region("<p>That key is not right.</p>")
        return False

    # -- results ---------------------------------------------------------------------------------

    def show_results(self) -> None:
        """Read the stores and draw everything (again)."""
        if not self.access.granted:
            raise PermissionError("class results are for educators")
        try:
            self._read_ts = time.time()
            records = self._load()
            self.report = self._build_report(records)
        except Exception as exc:  # noqa: BLE001 - show the educator what failed, never a traceback
            self.report = None
            self.children = [widgets.HTML(live_region(f"<p><strong>Class results could not be read.</strong> "
                                                f"{_esc(type(exc).__name__)}: {_esc(exc)}</p>"))]
            return
        self._records = records
        self.children = self._results_view(records, self.report)

    def _results_view(self, records: classroom.ClassRecords, report: classroom.ClassReport) -> list[widgets.Widget]:
        n = len(report.learners)
        summary = widgets.HTML(
            _STYLE + live_region(
                f"<p><strong>{n} learner{'s' if n != 1 else ''}</strong>, "
                f"{len(records.attempts)} saved answer{'s' if len(records.attempts) != 1 else ''}, "
                f"{len(report.modules)} quizzed module{'s' if len(report.modules) != 1 else ''}. "
                f"Read from {len(report.stores)} store{'s' if len(report.stores) != 1 else ''} "
                f"at {_esc(_when(report.generated_ts))}.</p>"
                "<p><small>Results are what each learner's page saved: good for seeing what to teach "
                "next, not for grading anyone.</small></p>"))
        summary.add_class("kl-dash-summary")
        summary.layout = shared_layout(flex="1 1 auto")
        self.refresh_button = control(widgets.Button, description="Refresh", icon="refresh", tooltip="Read the stores again",
                                             layout=shared_layout(width="auto", flex="0 0 auto"))
        self.refresh_button.add_class("kl-dash-refresh")
        self.refresh_button.on_click(lambda _b: self.show_results())

        downloads = widgets.HTML(
            "<p><strong>Download:</strong> "
            + download_link(classroom.gradebook_csv(report), "katlearn-class-results.csv",
                            "Class results (CSV, one row per learner)")
            + download_link(classroom.items_csv(report), "katlearn-question-analysis.csv",
                            "Question analysis (CSV)")
            + download_link(classroom.events_csv(records), "katlearn-progress-log.csv", "Every answer (CSV)")
            + "</p>")
        downloads.add_class("kl-dash-downloads")

        parts: list[widgets.Widget] = [widgets.HBox([summary, self.refresh_button],
                                                    layout=shared_layout(justify_content="space-between",
                                                                          align_items="flex-start")),
                                       downloads, ClassRecordsDownload(records.attempts, records.completions),
                                       *self._lrs_row()]
        if self.access.how == "hub" and not os.environ.get(classroom.CLASS_STORES_ENV):
            notice = widgets.HTML(live_region(
                '<div class="kl-note" role="note"><strong>Only your own progress is shown.</strong> '
                "Your server was started without the class folder (for example before you became an "
                "educator). Stop and start it from the hub's control panel to see the class.</div>"))
            notice.add_class("kl-dash-own-only")
            parts.append(notice)
        if report.problems:
            items = "".join(f"<li>{_esc(p)}</li>" for p in report.problems)
            problems = widgets.HTML(f"<details><summary>{len(report.problems)} note"
                                    f"{'s' if len(report.problems) != 1 else ''} about the data</summary>"
                                    f"<ul>{items}</ul></details>")
            problems.add_class("kl-dash-problems")
            parts.append(problems)
        lms = classroom.lms_grades_report()
        if lms is not None:
            parts.append(lms_grades_view(lms))
        if not report.learners:
            empty = widgets.HTML(live_region("<p>No learner has saved any progress yet. Results appear here as "
                                       "learners answer quiz questions; press Refresh.</p>"))
            empty.add_class("kl-dash-empty")
            return parts + [empty]

        parts += [_heading("Modules"), PlotView(class_charts.module_progress_chart(report.modules)),
                  widgets.HTML(modules_table(report))]
        parts += [_heading("Questions"), PlotView(class_charts.item_chart(report.items, limit=HARDEST_SHOWN)),
                  widgets.HTML(items_table(report))]
        parts += [_heading("Learning objectives"), PlotView(class_charts.objective_chart(report.objectives)),
                  widgets.HTML(objectives_table(report))]
        parts += [_heading("Learners"), widgets.HTML(learners_table(report))]
        return parts

    # -- send to LRS ------------------------------------------------------------------------------

    def _lrs_row(self) -> list[widgets.Widget]:
        """The "send to LRS" button when an LRS is set up; a note when it is set up wrongly."""
        try:
            lrs = self._lrs()
        except classroom.LrsError as exc:
            note = widgets.HTML(f'<p class="kl-note" role="note">A Learning Record Store is set '
                                f"({_esc(classroom.LRS_URL_ENV)}) but cannot be used: {_esc(exc)}</p>")
            note.add_class("kl-dash-lrs")
            return [note]
        if lrs is None:
            return []
        self.lrs_button = control(widgets.Button, description="Send to LRS", icon="upload", layout=shared_layout(width="auto"),
                                         tooltip=f"Send the class's xAPI statements to {lrs.statements_url}")
        self.lrs_button.add_class("kl-dash-lrs-send")
        self.lrs_button.on_click(lambda _b: self.send_to_lrs())
        self.lrs_status = widgets.HTML(live_region(
            f"<p>Learning Record Store: {_esc(lrs.endpoint)}. Sends what is new since the last full send; "
            "sending again never stores anything twice.</p>"))
        self.lrs_status.add_class("kl-dash-lrs-status")
        row = widgets.HBox([self.lrs_button, self.lrs_status], layout=shared_layout(flex_flow="row wrap"))
        row.add_class("kl-dash-lrs")
        return [row]

    def send_to_lrs(self) -> classroom.ClassSend | None:
        """Send the statements read for this view; unsent ones go to a file the status names."""
        if not self.access.granted or self._records is None:
            raise PermissionError("class results are for educators")
        self.lrs_button.disabled = True
        self.lrs_status.value = live_region("<p>Sending to the Learning Record Store…</p>")
        try:
            lrs = self._lrs()
            done = classroom.send_class(self._records, lrs, self._read_ts, since="last",
                                        unsent_dir=learning.db_path().parent)
        except (classroom.LrsError, ValueError, OSError) as exc:
            self.lrs_status.value = live_region(f"<p><strong>Sending did not finish.</strong> {_esc(exc)}</p>")
            return None
        finally:
            self.lrs_button.disabled = False
        since = f" recorded since {_when(done.since)}" if done.since is not None else ""
        head = (f"Sent {done.result.sent} of {len(done.statements)} statements{since} to "
                f"{_esc(lrs.endpoint)}.")
        if done.result.ok:
            self.lrs_status.value = live_region(f"<p>{head}</p>")
        else:
            lines = "".join(f"<li>{_esc(line)}</li>" for line in done.lines())
            self.lrs_status.value = live_region(f'<p><strong>{head}</strong></p><ul class="kl-dash-lrs-problems">'
                                                f"{lines}</ul>")
        return done


@deferred
def lms_grades_view(lms: dict) -> widgets.HTML:
    """How sending scores to the LMS gradebook went (the grades service's report)."""
    if lms.get("error"):
        text = f"<p><strong>Grades to the LMS:</strong> {_esc(lms['error'])}.</p>"
    else:
        counts = lms.get("counts", {})
        text = (f"<p><strong>Grades to the LMS:</strong> {int(counts.get('sent', 0))} sent, "
                f"{int(counts.get('waiting', 0))} waiting, {int(counts.get('failed', 0))} failed (retried "
                "automatically).</p>")
        failed = lms.get("failed") or []
        if failed:
            text += table_html("Scores the LMS has not accepted yet", ["Learner", "Module", "Score", "Tries", "Why"],
                               [[f["learner"], f["module"], _pct(f["score_percent"]), f["tries"],
                                 _short(str(f["error"]))] for f in failed], "kl-dash-lms-failed")
    view = widgets.HTML(live_region(text))
    view.add_class("kl-dash-lms")
    return view


def dashboard() -> Dashboard:
    """The educator dashboard for ``notebooks/educator_dashboard.ipynb``."""
    return Dashboard()
