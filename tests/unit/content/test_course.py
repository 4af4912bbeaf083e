"""katlearn.content: the course map comes from the notebooks; a notebook that is not a course page
(no or malformed ``metadata.katlearn``, not even JSON) is left out, never breaks the others."""

from __future__ import annotations

import json
import logging

import pytest

from katlearn import content
from katlearn.server import CoursePageConfig
from tests.unit.fixtures import make_course, notebook, write, write_notebook


def _plain_notebook() -> dict:
    """A notebook as JupyterLab saves a new one: no course metadata at all."""
    return {"cells": [], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def course_with_strays(tmp_path):
    root = make_course(tmp_path)
    write(root, "notebooks/extra.ipynb", json.dumps(_plain_notebook()))
    write(root, "notebooks/half_saved.ipynb", '{"cells": [')
    bad = notebook(order=12, quiz=None)
    bad["metadata"]["katlearn"]["minutes"] = "a while"
    write_notebook(root, "12_bad_minutes", bad)
    odd = _plain_notebook()
    odd["metadata"]["katlearn"] = "module 13"
    write(root, "notebooks/13_odd.ipynb", json.dumps(odd))
    return root


def test_notebooks_without_valid_metadata_are_left_out_of_the_course(course_with_strays):
    folder = course_with_strays / "notebooks"
    assert [m.slug for m in content.modules(folder)] == ["09_demo"]
    reasons = {str(e).split(": ", 1)[0].rsplit("/", 1)[-1]: str(e) for e in content.left_out(folder)}
    assert sorted(reasons) == ["12_bad_minutes.ipynb", "13_odd.ipynb", "extra.ipynb", "half_saved.ipynb"]
    assert "metadata.katlearn: missing" in reasons["extra.ipynb"]
    assert "not a readable notebook" in reasons["half_saved.ipynb"]
    assert "metadata.katlearn.minutes:" in reasons["12_bad_minutes.ipynb"]
    assert "metadata.katlearn: must be a mapping, not str" in reasons["13_odd.ipynb"]


def test_the_course_map_follows_the_folder(course_with_strays):
    folder = course_with_strays / "notebooks"
    assert len(content.left_out(folder)) == 4
    (folder / "extra.ipynb").unlink()
    assert len(content.left_out(folder)) == 3
    assert [m.slug for m in content.modules(folder)] == ["09_demo"]


def test_check_still_fails_on_each_left_out_notebook(course_with_strays):
    problems = [str(p) for p in content.check(course_with_strays)]
    for name, field in [("extra", "metadata.katlearn"), ("half_saved", "json"),
                        ("12_bad_minutes", "metadata.katlearn.minutes"), ("13_odd", "metadata.katlearn")]:
        assert any(p.startswith(f"notebooks/{name}.ipynb:") and f": {field}:" in p for p in problems), (name, problems)


def test_the_server_logs_each_left_out_notebook_once(course_with_strays, monkeypatch, caplog):
    monkeypatch.setenv("KATLEARN_ROOT", str(course_with_strays))
    hook = CoursePageConfig()
    log = logging.getLogger("test-voila")
    with caplog.at_level(logging.WARNING, logger="test-voila"):
        for _ in range(5):  # five pages rendered
            assert "katlearnPlotly" in hook({"baseUrl": "/"}, log=log, notebook_path="09_demo.ipynb")
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 4
    assert any("extra.ipynb: metadata.katlearn: missing" in w and "left out of the course map" in w for w in warned)
    caplog.clear()
    write(course_with_strays, "notebooks/another.ipynb", json.dumps(_plain_notebook()))
    with caplog.at_level(logging.WARNING, logger="test-voila"):
        hook({"baseUrl": "/"}, log=log)
        hook({"baseUrl": "/"}, log=log)
    (again,) = [r.getMessage() for r in caplog.records]
    assert "another.ipynb: metadata.katlearn: missing" in again
