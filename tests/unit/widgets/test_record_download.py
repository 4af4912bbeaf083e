"""Record downloads: the learner's (course home) and the class's (dashboard)."""

from __future__ import annotations

import base64
import io
import re
import uuid
import zipfile

import pytest

from katlearn import classroom, content, learning
from katlearn.widgets import record_download as wr

SECRET = "unit-test-secret-0123456789"


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv(classroom.SECRET_ENV, SECRET)


def link(html: str, css: str) -> bytes:
    href = re.search(rf'class="{css}"[^>]*href="data:[^,]+,([^"]+)"', html)
    assert href, html[:300]
    return base64.b64decode(href.group(1))


def test_a_learner_without_a_completed_module_is_told_why_and_gets_no_file():
    w = wr.RecordDownload(f"t-{uuid.uuid4().hex[:6]}")
    assert w.make() is None
    assert "No record yet" in w.status.value and "has not completed any module" in w.status.value
    assert "data:" not in w.status.value


def test_no_secret_configured_is_a_clear_message(monkeypatch):
    monkeypatch.delenv(classroom.SECRET_ENV)
    name = f"t-{uuid.uuid4().hex[:6]}"
    learning.record_completion(name, content.learner_modules()[0].slug, 1.0, True)
    w = wr.RecordDownload(name)
    assert w.make() is None and "KATLEARN_RECORD_SECRET" in w.status.value


def test_learner_download_links_carry_verifiable_records():
    name = f"Łucja-{uuid.uuid4().hex[:6]}"
    learning.record_completion(name, content.learner_modules()[0].slug, 0.8, True)
    w = wr.RecordDownload(name)
    code = w.make()
    assert code and code in w.status.value
    key = classroom.secret()
    for css in ("kl-record-pdf", "kl-record-html"):
        verdict = classroom.verify_file(link(w.status.value, css), key)
        assert verdict.genuine and verdict.record.learner == name
    assert classroom.verify_code(code, key).genuine


def test_class_zip_holds_a_record_per_learner_who_completed_a_module():
    names = [f"a-{uuid.uuid4().hex[:6]}", f"李-{uuid.uuid4().hex[:6]}", f"c-{uuid.uuid4().hex[:6]}"]
    slug = content.learner_modules()[0].slug
    completions = [learning.Completion(i, n, slug, 0.9, True, "practice", 1_780_000_000.0 + i)
                   for i, n in enumerate(names[:2])]
    attempts = [learning.Attempt(9, names[2], slug, "q", 0, False, 0.0, "practice", 1_780_000_000.0)]
    w = wr.ClassRecordsDownload(attempts, completions)
    assert sorted(w.make()) == sorted(names[:2])
    assert "1 without a record" in w.status.value and names[2] in w.status.value
    archive = zipfile.ZipFile(io.BytesIO(link(w.status.value, "kl-class-records-zip")))
    files = sorted(archive.namelist())
    assert len(files) == 4 and any(f.startswith("李-") for f in files)
    key = classroom.secret()
    for f in files:
        assert classroom.verify_file(archive.read(f), key).genuine, f
