"""The widget front ends' ES modules as sent to the browser: each view's own file (``plot.js``,
``quiz.js``, ``predict.js``, ``screening.js``, ``scenario.js``) after the helpers they share
(``_dom.js``: element ids, element building)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def front_end(name: str) -> str:
    """``_dom.js`` then ``name`` (an ES module next to this file), as one module."""
    return "\n".join((_HERE / f).read_text(encoding="utf-8") for f in ("_dom.js", name))
