"""Every widget front end is sent with the helpers it shares (``_dom.js``), once, and defines no copy
of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from katlearn.widgets._front_end import front_end

WIDGETS = Path(__file__).resolve().parents[3] / "katlearn" / "widgets"
VIEWS = sorted(p.name for p in WIDGETS.glob("*.js") if not p.name.startswith("_"))


def test_there_are_views():
    assert {"plot.js", "quiz.js", "predict.js", "screening.js", "scenario.js"} <= set(VIEWS)


@pytest.mark.parametrize("name", VIEWS)
def test_a_view_is_sent_after_the_shared_helpers_and_has_no_copy_of_them(name):
    sent = front_end(name)
    own = (WIDGETS / name).read_text(encoding="utf-8")
    assert sent.endswith(own) and sent.startswith((WIDGETS / "_dom.js").read_text(encoding="utf-8"))
    for helper in ("nextId", "h"):
        assert len(re.findall(rf"^function {helper}\(", sent, re.M)) == 1, (name, helper)
    assert "export default" in own
