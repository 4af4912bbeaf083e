"""The educator dashboard's "Send to LRS" against a real LRS on loopback."""

from __future__ import annotations

import json
from pathlib import Path

from katlearn import classroom, content, learning
from katlearn.widgets import dashboard as wdash
from tests.lrs import lrs as local

GRANTED = classroom.Access(True, "hub", "edna", "Signed in as an educator on this hub.")


def _class_size() -> int:
    """Statements of the class in conftest.klass: every question by each of 3 learners, 3 completions."""
    return 3 * sum(len(b.questions) for b in content.load_banks().values()) + 3


def _dashboard(klass: Path) -> wdash.Dashboard:
    return wdash.Dashboard(access=GRANTED, load=lambda: classroom.load_class(str(klass)))


def test_send_to_lrs_sends_the_class_once(lrs, klass, monkeypatch):
    monkeypatch.setenv(classroom.LRS_URL_ENV, lrs.endpoint)
    dash = _dashboard(klass)
    dash.lrs_button.click()
    total = _class_size()
    assert len(lrs.statements()) == total
    assert dash.lrs_status.value.count(f"Sent {total} of {total} statements to") == 1
    assert not dash.lrs_button.disabled
    dash.show_results()  # refresh, then send again: nothing new since the last full send
    dash.lrs_button.click()
    assert "Sent 0 of 0 statements recorded since" in dash.lrs_status.value
    assert len(lrs.statements()) == total


def test_send_to_a_dropped_lrs_names_the_file_with_what_was_not_sent(klass, monkeypatch):
    monkeypatch.setenv(classroom.LRS_URL_ENV, f"http://127.0.0.1:{local.free_port()}/xAPI/")
    dash = _dashboard(klass)
    done = dash.send_to_lrs()
    assert not done.result.ok and done.result.sent == 0
    status = dash.lrs_status.value
    assert f"Sent 0 of {_class_size()} statements" in status and "connection refused after 5 tries" in status
    assert str(done.unsent_file) in status and done.unsent_file.parent == learning.db_path().parent
    assert len(json.loads(done.unsent_file.read_text())) == _class_size()
