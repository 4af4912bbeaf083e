"""Records of completion: content against the store, active time, HTML and PDF with any Unicode
name, and verification of genuine and altered records (by file and by code)."""

from __future__ import annotations

import io
import json

import pypdf
import pytest

from katlearn import classroom, content, learning
from katlearn.cli import main

T0 = 1_780_000_000.0  # 2026-05-28T20:26:40Z
KEY = classroom.secret("a-test-secret-of-enough-length")
NAME = "Zoë Ångström-Ørsted"


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("KATLEARN_DB", str(tmp_path / "progress.sqlite"))
    monkeypatch.setenv(classroom.SECRET_ENV, "a-test-secret-of-enough-length")
    learning.close()
    yield tmp_path
    learning.close()


def seed(learner: str = NAME) -> dict:
    """Two modules mastered (one after a first try below mastery), an attempt elsewhere, a final exam."""
    m1, m2, m3 = content.learner_modules()[:3]
    b1 = content.load_bank(m1.quiz)
    learning.record_attempt(learner, m1.slug, b1.questions[0].id, 0, True, 1.0, ts=T0)
    learning.record_attempt(learner, m1.slug, b1.questions[1].id, 0, False, 0.0, ts=T0 + 120)
    learning.record_completion(learner, m1.slug, 0.6, False, ts=T0 + 180)
    learning.record_completion(learner, m1.slug, 0.9, True, ts=T0 + 86_400)  # the next day: a break
    learning.record_completion(learner, m2.slug, 1.0, True, ts=T0 + 86_400 + 300)
    learning.record_attempt(learner, m3.slug, content.load_bank(m3.quiz).questions[0].id, 0, True, 1.0,
                            ts=T0 + 86_400 + 400)
    learning.record_completion(learner, learning.FINAL_KEY, 0.85, True, mode="exam", ts=T0 + 2 * 86_400)
    return {"m1": m1, "m2": m2}


def test_active_time_leaves_out_gaps_over_ten_minutes():
    assert classroom.active_seconds([0, 60, 120, 1000, 1100]) == 60 + 60 + 100
    assert classroom.active_seconds([5]) == classroom.active_seconds([]) == 0
    assert classroom.active_seconds([0, 600, 1201]) == 600  # exactly 10 minutes counts, 601 s does not
    assert "10 minutes" in classroom.ACTIVE_RULE and classroom.ACTIVE_GAP_MAX_S == 600


def test_record_content_matches_the_store():
    mods = seed()
    record = classroom.build_record(NAME, learning.attempts(NAME), learning.completions(NAME), issued_ts=T0 + 3 * 86_400)
    assert [(m.module, m.date, m.score_percent) for m in record.modules] == [
        (mods["m1"].slug, "2026-05-29", 90), (mods["m2"].slug, "2026-05-29", 100)]
    standing, exam = learning.learner_standing(NAME)
    assert [(o.module_title, o.objective, o.status, o.score_percent) for o in record.objectives] == [
        (s.module_title, s.text, s.status, learning.score_percent(s.score)) for s in standing]
    assert {o.status for o in record.objectives} >= {learning.MET, learning.REVIEW, learning.NOT_ASSESSED}
    assert (record.final_percent, record.final_passed, record.final_date) == (85, True, "2026-05-30")
    assert exam is not None and round(exam.score * 100) == record.final_percent
    # events: T0, +120, +180 | +1 day, +300, +400 | +2 days: 180 s + 300 s + 100 s
    assert record.active_minutes == round((180 + 300 + 100) / 60)
    assert record.issued == "2026-05-31T20:26:40Z" and record.learner == NAME


def test_a_learner_with_no_completed_module_gets_a_clear_message_and_no_file():
    learning.record_attempt("ben", "01_what_is_kat", "x", 0, True, 1.0, ts=T0)
    with pytest.raises(classroom.RecordError, match="ben has not completed any module"):
        classroom.learner_record("ben", KEY)
    assert learning.connection().execute("SELECT COUNT(*) FROM issued_records").fetchone()[0] == 0


def test_the_secret_comes_from_configuration(monkeypatch):
    monkeypatch.delenv(classroom.SECRET_ENV)
    with pytest.raises(classroom.RecordError, match="KATLEARN_RECORD_SECRET"):
        classroom.secret()
    with pytest.raises(classroom.RecordError, match="too short"):
        classroom.secret("short")


def issued(learner: str = NAME):
    seed(learner)
    return classroom.learner_record(learner, KEY, issued_ts=T0 + 3 * 86_400)


def test_html_record_is_accessible_and_carries_its_data():
    record, code, html, _pdf = issued()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert html.count('<th scope="col">') == 7 and "<caption>" in html
    assert NAME in html and code in html and classroom.ACTIVE_RULE in html
    data = json.loads(html.split('id="katlearn-record">')[1].split("</script>")[0])
    assert classroom.from_data(data) == record


@pytest.mark.parametrize("name", [
    "Zoë Ångström-Ørsted", "Αλέξανδρος Παπαδόπουλος", "Наталья Ковалёва", "مريم الحسن", "李小龙 ᏣᎳᎩ"])
def test_pdf_record_shows_any_unicode_name(name):
    """Every letter of the name is in the PDF's text, or, where no installed font has it, its code
    point with a note; the metadata keep the name exactly."""
    _record, code, _html, pdf = issued(name)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.author == name and reader.metadata.title.endswith(name)
    page_text = "".join(p.extract_text() for p in reader.pages)
    for ch in name.replace(" ", ""):
        if ch not in page_text:
            assert f"U+{ord(ch):04X}" in page_text, ch
            assert "Unicode code points" in page_text.replace("\n", " ")
    assert code in page_text
    assert classroom.verify_file(pdf, KEY).genuine


def test_genuine_records_verify_by_file_and_by_code(tmp_path, capsys):
    record, code, html, pdf = issued()
    for suffix, blob in (("html", html.encode()), ("pdf", pdf)):
        verdict = classroom.verify_file(blob, KEY)
        assert verdict.genuine and verdict.record == record and NAME in verdict.message
        path = tmp_path / f"record.{suffix}"
        path.write_bytes(blob)
        assert main(["verify", str(path)]) == 0
        assert capsys.readouterr().out.startswith("GENUINE")
    assert main(["verify", code.lower().replace("-", " - ")]) == 0  # typed loosely
    assert NAME in capsys.readouterr().out


def test_altered_records_are_detected(tmp_path, capsys):
    record, code, html, pdf = issued()
    cases = {
        "visible text": html.replace(f"{record.modules[0].score_percent}%</td>", "99%</td>", 1).encode(),
        "embedded data": html.replace('"final_percent":85', '"final_percent":95').replace(
            '"final_percent": 85', '"final_percent": 95').encode(),
        "pdf text": pdf.replace(b"/Title", b"/Titlf", 1),
        "pdf data": pdf.replace(b"KATLEARN-RECORD-BEGIN:ey", b"KATLEARN-RECORD-BEGIN:ez", 1),
    }
    for what, blob in cases.items():
        assert blob not in (html.encode(), pdf), what
        verdict = classroom.verify_file(blob, KEY)
        assert not verdict.genuine, what
        assert verdict.message.startswith(("ALTERED", "NOT A RECORD")), (what, verdict.message)
        path = tmp_path / "altered"
        path.write_bytes(blob)
        assert main(["verify", str(path)]) == 1
        capsys.readouterr()
    other = classroom.secret("another-server-secret-here")
    assert classroom.verify_file(html.encode(), other).message.startswith("ALTERED: the record's data")


@pytest.mark.parametrize(("given", "message"), [
    ("KL-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA", "UNKNOWN CODE"),
    ("not-a-code", "neither a file nor a verification code"),
])
def test_unknown_codes_and_other_input_are_refused(given, message, capsys):
    assert main(["verify", given]) == 1
    assert message in capsys.readouterr().err


def test_files_that_are_not_records(tmp_path):
    assert classroom.verify_file(b"\xff\xfe\x00garbage", KEY).message.startswith("NOT A RECORD")
    assert classroom.verify_file(b"<html><body>hello</body></html>", KEY).message.startswith("NOT A RECORD")
    assert classroom.verify_file(b"%PDF-1.4 nothing", KEY).message.startswith("NOT A RECORD")
