"""The stored subplot grids: the maintainers' command rewrites them from plotly, and refuses a bad key."""

from __future__ import annotations

import json

import pytest

from katlearn import cli
from katlearn.figures import _grids


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A copy of the stored grids the command may rewrite (the package's own file stays as it is)."""
    path = tmp_path / "subplot_grids.json"
    path.write_text(_grids.SUBPLOT_STORE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(_grids, "SUBPLOT_STORE", path)
    _grids.stored_grids.cache_clear()
    _grids.subplot_skeleton.cache_clear()
    yield path
    _grids.stored_grids.cache_clear()
    _grids.subplot_skeleton.cache_clear()


def test_store_grids_keeps_every_grid_and_adds_a_new_one(store, capsys):
    before = json.loads(store.read_text(encoding="utf-8"))
    new = _grids.spec_key({"rows": 1, "cols": 3})
    assert new not in before
    assert cli.main(["store-grids", new]) == 0
    after = json.loads(store.read_text(encoding="utf-8"))
    assert set(after) == {*before, new}
    assert after[new]["grid"] == [[1, 1, "x", "y"], [1, 2, "x2", "y2"], [1, 3, "x3", "y3"]]
    assert f"{len(after)} subplot grids" in capsys.readouterr().out


def test_store_grids_refuses_a_mistyped_key_and_writes_nothing(store, capsys):
    before = store.read_text(encoding="utf-8")
    assert cli.main(["store-grids", "{rows: 2"]) == 2
    err = capsys.readouterr().err
    assert "not a subplot grid key" in err and "{rows: 2" in err
    assert store.read_text(encoding="utf-8") == before
