"""The browser harness's own rules (no browser needed): a server error is quoted whole."""

from __future__ import annotations

from tests.browser.helpers import server_errors

LOG = """\
[CourseVoila 10:00:00.001] Kernel started: 1234
[CourseVoila 10:00:00.002] WARNING | Notebook 02_nmda_glutamate.ipynb is not trusted
Exception in thread katlearn-wait-for-request:
Traceback (most recent call last):
  File "/x/threading.py", line 1045, in _bootstrap_inner
    self.run()
ValueError: the reason that matters
[CourseVoila 10:00:01.500] Using pre-heated kernel: 1234 for 02_nmda_glutamate.ipynb
[CourseVoila 10:00:02.000] ERROR | Uncaught exception GET /voila/render/x.ipynb
    HTTPServerRequest(protocol='http')
    KeyError: 'kernel'
"""


def test_each_error_record_is_quoted_with_its_whole_traceback():
    first, second = server_errors(LOG)
    assert first.endswith("ValueError: the reason that matters")
    assert "Exception in thread katlearn-wait-for-request:" in first
    assert second.startswith("[CourseVoila 10:00:02.000] ERROR") and second.endswith("KeyError: 'kernel'")


def test_quiet_logs_have_no_errors():
    assert server_errors("[CourseVoila 10:00:00.001] Kernel started: 1\n[CourseVoila 10:00:00.002] WARNING | fine\n") == []


def test_a_flood_of_errors_is_cut_with_a_pointer_to_the_log():
    flood = "".join(f"[CourseVoila 10:00:00.{i:03d}] ERROR | failure {i}\n" + "  detail\n" * 50 for i in range(200))
    quoted = server_errors(flood, limit_chars=5_000)
    assert sum(len(q) for q in quoted[:-1]) <= 5_000
    assert quoted[-1].startswith("...") and "see the server log" in quoted[-1]
