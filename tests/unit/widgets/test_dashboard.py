"""The educator dashboard's figures and widget: what educators see, and what nobody else sees."""

from __future__ import annotations

import base64
import csv
import io
import json
import re

import pytest

from katlearn import classroom, learning
from katlearn.figures import class_charts
from katlearn.figures.base import PALETTE
from katlearn.widgets import dashboard as wdash
from katlearn.widgets.plot import PlotView
from tests.unit.classroom.test_records_report import BANKS, MODULES, _records

XSS = "<img src=x onerror=alert(1)>"


def _report(records=None) -> classroom.ClassReport:
    return classroom.class_report(records or _records(), MODULES, BANKS, {"o1": "Choose <b>well</b>"})


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def _html(widget) -> str:
    return "\n".join(w.value for w in _walk(widget) if hasattr(w, "value") and isinstance(w.value, str))


GRANTED = classroom.Access(True, "hub", "edna", "Signed in as an educator on this hub.")
LOCKED = classroom.Access(False, "", "sam", "This page is for educators.")
KEYED = classroom.Access(False, "key", "", "Type the educator key to see class results.")


# ---------------------------------------------------------------------------------------------
# Figures


def test_module_chart_stacks_learners_by_status_in_course_order():
    d = class_charts.module_progress_chart(_report().modules)
    assert [t.name for t in d.figure.data] == ["Mastered", "In progress", "Not started"]
    assert list(d.figure.data[0].x) == [1, 0] and list(d.figure.data[1].x) == [2, 1]
    assert list(d.figure.data[0].y) == ["Module one", "Module two"]
    assert d.figure.layout.barmode == "stack"
    assert d.description.startswith("Progress of 4 learners per module. Module one: 1 mastered, 2 in progress")


def test_item_chart_puts_the_hardest_question_first_with_its_commonest_wrong_answer():
    d = class_charts.item_chart(_report().items)
    bar = d.figure.data[0]
    assert [y.split(":")[0] for y in bar.y] == ["q.single", "q.tf"]  # 33 % then 50 %; unanswered left out
    assert list(bar.x) == pytest.approx([100 / 3, 50.0])
    assert bar.marker.color == (PALETTE["vermillion"], PALETTE["orange"])
    assert bar.customdata[0][0] == "Wrong (2 learners)"
    assert "commonest wrong answer “Wrong”" in d.description


def test_objective_chart_shows_share_at_mastery():
    d = class_charts.objective_chart(_report().objectives)
    assert list(d.figure.data[0].x) == [0.0, 0.0]
    assert "Lowest: o1 (0% of 3)" in d.description


def test_figure_labels_are_escaped_and_shortened_for_plotly():
    assert class_charts.label("Choose <b>well</b> " + "x" * 80).startswith("Choose well")  # Markdown/HTML dropped
    assert class_charts.label("a < b & c") == "a &lt; b &amp; c"
    assert len(class_charts.label("y" * 200)) == class_charts.LABEL_MAX_CHARS


def test_empty_class_figures_say_so():
    empty = classroom.class_report(classroom.ClassRecords(), MODULES, BANKS, {})
    assert class_charts.module_progress_chart(empty.modules).description == "No learner has started any module yet."
    assert class_charts.item_chart(empty.items).description == "No quiz question has been answered yet."
    assert "no objective can be judged" in class_charts.objective_chart(empty.objectives).description


# ---------------------------------------------------------------------------------------------
# The widget


def test_without_access_nothing_is_read_and_nothing_is_shown():
    def load():
        raise AssertionError("class data must not be read for someone without access")

    view = wdash.Dashboard(access=LOCKED, load=load)
    text = _html(view)
    assert "Class results are for educators" in text and "This page is for educators." in text
    assert view.report is None
    assert not [w for w in _walk(view) if isinstance(w, PlotView)]
    with pytest.raises(PermissionError):
        view.show_results()


def test_educators_see_figures_tables_and_downloads():
    view = wdash.Dashboard(access=GRANTED, load=_records, report=_report)
    plots = [w for w in _walk(view) if isinstance(w, PlotView)]
    assert len(plots) == 3
    assert all(json.loads(p.spec)["data"] for p in plots)
    text = _html(view)
    for css in ("kl-dash-modules", "kl-dash-items", "kl-dash-objectives", "kl-dash-learners"):
        assert f'class="kl-dash-table {css}"' in text
    assert text.count('class="kl-dash-download"') == 3
    assert "<strong>4 learners</strong>, 7 saved answers" in text


def test_download_links_carry_the_csv_tables():
    view = wdash.Dashboard(access=GRANTED, load=_records, report=_report)
    links = dict(re.findall(r'download="([^"]+)" href="data:text/csv;charset=utf-8;base64,([^"]+)"', _html(view)))
    assert set(links) == {"katlearn-class-results.csv", "katlearn-question-analysis.csv", "katlearn-progress-log.csv"}
    gradebook = base64.b64decode(links["katlearn-class-results.csv"]).decode("utf-8")
    assert gradebook == classroom.gradebook_csv(view.report)
    rows = list(csv.reader(io.StringIO(gradebook)))
    assert sorted(r[0] for r in rows[1:]) == ["alex", "kim", "lee", "sam"]


def test_learner_names_and_content_are_escaped_everywhere_they_are_shown():
    records = _records()
    attempts = tuple(a if a.learner != "sam" else learning.Attempt(
        a.id, XSS, a.module, a.question_id, a.answer, a.correct, a.score, a.mode, a.ts) for a in records.attempts)
    completions = tuple(c if c.learner != "sam" else learning.Completion(
        c.id, XSS, c.module, c.score, c.mastered, c.mode, c.ts) for c in records.completions)
    hostile = classroom.ClassRecords(attempts, completions, records.touched)
    view = wdash.Dashboard(access=GRANTED, load=lambda: hostile, report=_report)
    text = _html(view)
    assert XSS not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<b>well</b>" not in text  # objective text from content, escaped too


def test_a_store_that_fails_shows_a_message_not_a_traceback():
    def load():
        raise OSError("disk on fire")

    view = wdash.Dashboard(access=GRANTED, load=load)
    assert "Class results could not be read." in _html(view) and "disk on fire" in _html(view)


def test_an_empty_class_says_what_to_expect():
    view = wdash.Dashboard(access=GRANTED, load=classroom.ClassRecords, report=_report)
    assert "No learner has saved any progress yet" in _html(view)


def test_refresh_reads_the_stores_again():
    calls = []

    def load():
        calls.append(1)
        return _records()

    view = wdash.Dashboard(access=GRANTED, load=load, report=_report)
    view.refresh_button.click()
    assert len(calls) == 2


def test_the_right_key_unlocks_and_wrong_keys_are_limited(monkeypatch):
    monkeypatch.setenv(classroom.EDUCATOR_KEY_ENV, "correct-horse-battery")
    now = [1000.0]
    monkeypatch.setattr(wdash.time, "monotonic", lambda: now[0])
    view = wdash.Dashboard(access=KEYED, load=_records, report=_report)
    assert view.report is None and "Type the educator key" in _html(view)
    for _ in range(wdash.MAX_KEY_TRIES):
        assert not view.unlock("wrong key")
    assert "Too many tries" in view.key_status.value
    assert not view.unlock("correct-horse-battery")  # locked out, even with the right key
    assert "Try again in" in view.key_status.value and view.report is None
    now[0] += wdash.LOCKOUT_S + 1
    view.key.value = "correct-horse-battery"
    view.unlock_button.click()
    assert view.report is not None and view.access.granted
    assert "kl-dash-learners" in _html(view)


def test_a_typed_key_is_not_kept_in_the_page():
    view = wdash.Dashboard(access=KEYED, load=_records, report=_report)
    view.key.value = "some guess"
    view.unlock_button.click()
    assert view.key.value == ""


def test_table_html_escapes_cells_headers_and_tooltips():
    html = wdash.table_html("Cap <i>", [wdash.Cell("H<", title="t\"<")], [[wdash.Cell("<x>", css="c", title="<y>")]],
                            "kl-dash-x", collapsed="More <b>")
    assert "<i>" not in html and "<x>" not in html and "<y>" not in html and "<b>" not in html
    assert 'title="t&quot;&lt;"' in html and "<details" in html


def test_an_educator_whose_server_has_no_class_folder_is_told_how_to_get_it(monkeypatch):
    monkeypatch.delenv(classroom.CLASS_STORES_ENV, raising=False)
    view = wdash.Dashboard(access=GRANTED, load=_records, report=_report)
    assert "Only your own progress is shown" in _html(view)
    monkeypatch.setenv(classroom.CLASS_STORES_ENV, "/srv/katlearn/progress")
    view = wdash.Dashboard(access=GRANTED, load=_records, report=_report)
    assert "Only your own progress is shown" not in _html(view)
    monkeypatch.delenv(classroom.CLASS_STORES_ENV)
    keyed = wdash.Dashboard(access=classroom.Access(True, "key", "", ""), load=_records, report=_report)
    assert "Only your own progress is shown" not in _html(keyed)  # one computer: its store is the class


# ---------------------------------------------------------------------------------------------
# Send to LRS (sending itself: tests/lrs/test_dashboard_lrs.py, against a real LRS)


def test_no_lrs_button_unless_an_lrs_is_set_up(monkeypatch):
    for var in (classroom.LRS_URL_ENV, classroom.LRS_USER_ENV, classroom.LRS_PASSWORD_ENV,
                classroom.LRS_AUTH_FILE_ENV):
        monkeypatch.delenv(var, raising=False)
    dash = wdash.Dashboard(access=GRANTED, load=_records, report=_report)
    assert not any("kl-dash-lrs" in w._dom_classes for w in _walk(dash))
    monkeypatch.setenv(classroom.LRS_URL_ENV, "https://lrs.example.org/xAPI/")
    dash = wdash.Dashboard(access=GRANTED, load=_records, report=_report)
    note = next(w for w in _walk(dash) if "kl-dash-lrs" in w._dom_classes)
    assert "cannot be used: no LRS credentials" in note.value
    monkeypatch.setenv(classroom.LRS_USER_ENV, "key")
    monkeypatch.setenv(classroom.LRS_PASSWORD_ENV, "secret")
    dash = wdash.Dashboard(access=GRANTED, load=_records, report=_report)
    assert dash.lrs_button.description == "Send to LRS"
    assert "https://lrs.example.org/xAPI/" in dash.lrs_status.value
    locked = wdash.Dashboard(access=LOCKED, load=_records, report=_report)
    assert not any("kl-dash-lrs" in w._dom_classes for w in _walk(locked))
    with pytest.raises(PermissionError):
        locked.send_to_lrs()
