"""Fixtures for the tests that send to a real LRS: the LRS, a sandboxed environment, a class."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from katlearn import classroom, content, learning
from tests.lrs import lrs as local

BASE = "https://learn.example.org/katlearn"
HOME = "https://hub.example.org/"
T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z
LEARNERS = ("ana", "ben", "chidi")


@pytest.fixture
def lrs():
    try:
        server = local.start()
    except local.LrsUnavailable as exc:
        pytest.fail(f"the real LRS needed by this test could not start: {exc}")
    yield server
    server.stop()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("KATLEARN_DB", str(tmp_path / "educator" / "progress.sqlite"))
    monkeypatch.setenv(classroom.IRI_BASE_ENV, BASE)
    monkeypatch.setenv(classroom.HOME_PAGE_ENV, HOME)
    monkeypatch.setenv(classroom.LRS_USER_ENV, local.USER)
    monkeypatch.setenv(classroom.LRS_PASSWORD_ENV, local.PASSWORD)
    for var in (classroom.LRS_AUTH_FILE_ENV, classroom.LRS_URL_ENV, classroom.CLASS_STORES_ENV):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    learning.close()
    yield tmp_path
    learning.close()


@pytest.fixture
def klass(env):
    """Three learners, each answering every question of every bank, one completion each."""
    folder = env / "class"
    banks = sorted(content.load_banks().items())
    for n, learner in enumerate(LEARNERS):
        rows = []
        for module, bank in banks:
            for i, q in enumerate(bank.questions):
                rows.append((module, q.id, q.correct_answer(), T0 + 3600 * n + 10 * i))
        local.write_learner_store(folder, learner, rows)
        os.environ["KATLEARN_DB"] = str(folder / learner / "progress.sqlite")
        learning.record_completion(learner, banks[0][0], 1.0, True, ts=T0 + 3600 * n + 3000)
        learning.close()
    os.environ["KATLEARN_DB"] = str(env / "educator" / "progress.sqlite")
    return folder


