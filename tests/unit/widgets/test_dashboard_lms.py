"""The educator dashboard's line about grades sent to the LMS (the grades service's report)."""

from __future__ import annotations

import socket

from katlearn import classroom
from katlearn.widgets import dashboard


def test_no_grades_service_no_line(monkeypatch):
    monkeypatch.delenv(classroom.LTI_GRADES_URL_ENV, raising=False)
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t")
    assert classroom.lms_grades_report() is None


def test_a_service_that_cannot_be_asked_is_said_so(monkeypatch):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(classroom.LTI_GRADES_URL_ENV, f"http://127.0.0.1:{port}/services/katlearn-lti-grades/")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "t")
    report = classroom.lms_grades_report(timeout_s=2)
    assert report is not None and "could not be asked" in report["error"]
    assert "could not be asked" in dashboard.lms_grades_view(report).value


def test_failed_sends_are_listed_with_why():
    view = dashboard.lms_grades_view({"counts": {"sent": 3, "waiting": 1, "failed": 1}, "failed": [
        {"learner": "<b>al</b>", "module": "03_neuroplasticity", "score_percent": 75.0, "tries": 2,
         "error": "HTTP 500 from https://lms.example.org/lineitems/3/scores: down"}]})
    html = view.value
    assert "3 sent, 1 waiting, 1 failed" in html
    assert "&lt;b&gt;al&lt;/b&gt;" in html and "<b>al</b>" not in html
    assert "HTTP 500" in html and "75%" in html and "kl-dash-lms-failed" in html
