"""Issuing and checking records of completion: a file (HTML or PDF) is genuine when its data
matches its code under the server's secret and the file is exactly what katlearn makes from that
data; a code alone is genuine when this server issued it."""

from __future__ import annotations

import hmac
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from katlearn import learning
from katlearn.classroom._certificate import (
    Record,
    RecordError,
    build_record,
    code_of,
    data_from_html,
    from_data,
    normalise_code,
    to_html,
)
from katlearn.classroom._certificate_pdf import data_from_pdf, to_pdf


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    message: str  # one line for people
    record: Record | None = None


def issue(record: Record, key: bytes) -> tuple[str, str, bytes]:
    """Sign ``record``, keep it in this computer's store under its code (so the code alone can be
    checked here), and return (code, HTML, PDF)."""
    code = code_of(record, key)
    learning.record_issued(code, record.learner, record.data())
    return code, to_html(record, code), to_pdf(record, code)


def summary(record: Record) -> str:
    """One line: whose record, when, what it shows."""
    mods = "; ".join(f"{m.title} ({m.date}, {m.score_percent}%)" for m in record.modules)
    final = (f"final assessment {record.final_percent}% ({'passed' if record.final_passed else 'not passed'})"
             if record.final_percent is not None else "no final assessment")
    return (f"record of completion of {record.learner}, issued {record.issued}: "
            f"{len(record.modules)} module(s) completed: {mods}; {final}; active time {record.active_minutes} min")


def verify_file(blob: bytes, key: bytes) -> Verdict:
    """Check a downloaded record (HTML or PDF bytes)."""
    try:
        if blob.startswith(b"%PDF"):
            data, code = data_from_pdf(blob)
        else:
            try:
                text = blob.decode("utf-8")
            except UnicodeDecodeError:
                return Verdict(False, "NOT A RECORD: neither a PDF nor an HTML record of completion")
            data, code = data_from_html(text)
        record = from_data(data)
    except RecordError as exc:
        return Verdict(False, f"NOT A RECORD: {exc}")
    if not hmac.compare_digest(code_of(record, key), code):
        return Verdict(False, "ALTERED: the record's data does not match its verification code (or it was "
                              "issued by another server)")
    remade = to_pdf(record, code) if blob.startswith(b"%PDF") else to_html(record, code).encode("utf-8")
    if remade != blob:
        return Verdict(False, "ALTERED: the code matches the record's data, but the file's content differs "
                              "from that record (edited after it was issued)", record)
    return Verdict(True, f"GENUINE: {summary(record)}", record)


def verify_code(text: str, key: bytes, lookup: Callable[[str], Any] | None = None) -> Verdict:
    """Check a verification code typed by someone: issued here, and its kept data still signs to it."""
    code = normalise_code(text)
    if code is None:
        return Verdict(False, "NOT A CODE: a verification code looks like KL-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
    data = (lookup or learning.issued_record)(code)
    if data is None:
        return Verdict(False, f"UNKNOWN CODE: no record with code {code} was issued by this server")
    try:
        record = from_data(data)
    except RecordError as exc:
        return Verdict(False, f"ALTERED: the kept record of {code} cannot be read ({exc})")
    if not hmac.compare_digest(code_of(record, key), code):
        return Verdict(False, f"ALTERED: the kept record of {code} no longer matches its code")
    return Verdict(True, f"GENUINE: {summary(record)}", record)


def learner_record(learner: str, key: bytes, issued_ts: float | None = None) -> tuple[Record, str, str, bytes]:
    """Issue ``learner``'s record from this computer's store: (record, code, HTML, PDF). Raises
    RecordError when there is nothing to record."""
    record = build_record(learner, learning.attempts(learner), learning.completions(learner), issued_ts)
    return (record, *issue(record, key))


def class_records(attempts: Sequence[learning.Attempt], completions: Sequence[learning.Completion], key: bytes,
                  issued_ts: float | None = None) -> tuple[bytes, list[str], list[str]]:
    """Every learner's record (PDF and HTML) in one zip, issued here: (zip bytes, learners with a
    record, one line per learner without one and why)."""
    learners = sorted({a.learner for a in attempts} | {c.learner for c in completions})
    made, skipped = [], []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for learner in learners:
            try:
                record = build_record(learner, attempts, completions, issued_ts)
            except RecordError as exc:
                skipped.append(str(exc))
                continue
            code, html, pdf = issue(record, key)
            stem = f"{_file_stem(learner)}-{code}"
            when = _zip_time(record.issued)
            archive.writestr(zipfile.ZipInfo(f"{stem}.pdf", when), pdf)
            archive.writestr(zipfile.ZipInfo(f"{stem}.html", when), html.encode("utf-8"))
            made.append(learner)
    return buf.getvalue(), made, skipped


def _file_stem(learner: str) -> str:
    """A file name part for any learner name: letters and digits of any script kept, the rest '-'."""
    return re.sub(r"[^\w]+", "-", learner).strip("-_") or "learner"


def _zip_time(issued: str) -> tuple[int, int, int, int, int, int]:
    return tuple(int(x) for x in re.findall(r"\d+", issued)[:6])  # type: ignore[return-value]
