"""Downloads of records of completion: the learner's own (course home) and, for educators, the whole
class's (dashboard). The records are made and signed by :mod:`katlearn.classroom`; files reach the
browser as ``data:`` links, nothing is written on the server but the issued codes.

Stable CSS classes: ``kl-record`` (learner's part), ``kl-record-make``, ``kl-record-status``,
``kl-record-pdf``, ``kl-record-html``; ``kl-class-records`` (educator's part),
``kl-class-records-make``, ``kl-class-records-status``, ``kl-class-records-zip``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from html import escape

import ipywidgets as widgets

from katlearn import classroom, learning
from katlearn.widgets._html import html_view, live_region
from katlearn.widgets._shared import control, shared_layout

__all__ = ["ClassRecordsDownload", "RecordDownload"]


def _link(blob: bytes, mime: str, filename: str, label: str, css: str) -> str:
    url = f"data:{mime};base64," + base64.b64encode(blob).decode("ascii")
    return f'<a class="{css}" download="{escape(filename)}" href="{url}">{escape(label)}</a>'


def _stem(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name).strip("-_") or "learner"


class RecordDownload(widgets.VBox):
    """"Make my record of completion": PDF and HTML links, or why there is none yet."""

    def __init__(self, learner: str | None = None) -> None:
        self.learner = learner or learning.current_learner()
        self.make_button = control(widgets.Button, description="Make my record of completion", icon="certificate",
                                          tooltip="A PDF and an HTML record with a verification code",
                                          layout=shared_layout(width="auto"))
        self.make_button.add_class("kl-record-make")
        self.make_button.on_click(lambda _b: self.make())
        self.status = html_view(wide=True)
        self.status.add_class("kl-record-status")
        super().__init__([self.make_button, self.status], layout=shared_layout(width="100%"))
        self.add_class("kl-record")
        self.code: str | None = None

    def make(self, issued_ts: float | None = None) -> str | None:
        """Issue the record; returns its code (None, with the reason shown, when there is none)."""
        self.status.value = live_region("<p>Making your record…</p>")
        try:
            key = classroom.secret()
            record, code, html, pdf = classroom.learner_record(self.learner, key, issued_ts)
        except (classroom.RecordError, learning.ProgressError) as exc:
            self.status.value = live_region(f"<p><strong>No record yet:</strong> {escape(str(exc))}.</p>")
            return None
        self.code = code
        stem = f"katlearn-record-{_stem(self.learner)}"
        self.status.value = live_region(
            f"<p>Your record lists {len(record.modules)} completed module{'s' if len(record.modules) != 1 else ''}. "
            f"Verification code: <strong class=\"kl-record-code\">{escape(code)}</strong></p><p>Download: "
            + _link(pdf, "application/pdf", f"{stem}.pdf", "PDF", "kl-record-pdf") + " · "
            + _link(html.encode("utf-8"), "text/html;charset=utf-8", f"{stem}.html", "HTML (accessible)",
                    "kl-record-html") + "</p>")
        return code


class ClassRecordsDownload(widgets.VBox):
    """For educators: every learner's record (PDF and HTML) in one zip."""

    def __init__(self, attempts: Sequence[learning.Attempt], completions: Sequence[learning.Completion]) -> None:
        self.attempts, self.completions = list(attempts), list(completions)
        self.make_button = control(widgets.Button, description="Make everyone's records of completion (zip)",
                                          icon="certificate", layout=shared_layout(width="auto"),
                                          tooltip="One PDF and one HTML record per learner who completed a module")
        self.make_button.add_class("kl-class-records-make")
        self.make_button.on_click(lambda _b: self.make())
        self.status = html_view(wide=True)
        self.status.add_class("kl-class-records-status")
        super().__init__([self.make_button, self.status], layout=shared_layout(width="100%"))
        self.add_class("kl-class-records")

    def make(self, issued_ts: float | None = None) -> list[str]:
        self.status.value = live_region("<p>Making the records (a few seconds per learner)…</p>")
        try:
            key = classroom.secret()
            blob, made, skipped = classroom.class_records(self.attempts, self.completions, key, issued_ts)
        except (classroom.RecordError, learning.ProgressError) as exc:
            self.status.value = live_region(f"<p><strong>No records:</strong> {escape(str(exc))}.</p>")
            return []
        notes = "".join(f"<li>{escape(s)}</li>" for s in skipped)
        link = (_link(blob, "application/zip", "katlearn-records-of-completion.zip",
                      f"Records of {len(made)} learner{'s' if len(made) != 1 else ''} (zip)", "kl-class-records-zip")
                if made else "No learner has completed a module yet.")
        self.status.value = live_region(f"<p>{link}</p>" + (
            f"<details><summary>{len(skipped)} without a record</summary><ul>{notes}</ul></details>" if skipped else ""))
        return made
