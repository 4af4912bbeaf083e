"""Records of completion issued on this computer (table ``issued_records``, schema 2), so that a
verification code alone can be looked up. What a record holds: :mod:`katlearn.classroom`."""

from __future__ import annotations

import json
from typing import Any

from katlearn.learning._store import _dumps, _now, _run


def record_issued(code: str, learner: str, data: Any, ts: float | None = None) -> None:
    """Keep an issued record's data under its code (issuing the same record again changes nothing)."""
    row = (code, learner, _dumps(data), _now(ts))
    _run(lambda c: c.execute(
        "INSERT INTO issued_records (code, learner, data, ts) VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
        row))


def issued_record(code: str) -> Any | None:
    """The data of the record issued under ``code``, or None."""
    row = _run(lambda c: c.execute("SELECT data FROM issued_records WHERE code = ?", (code,)).fetchone())
    return json.loads(row[0]) if row else None
