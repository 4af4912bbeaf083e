"""The record of completion as a PDF (fpdf2), with any Unicode name.

Fonts: DejaVu Sans (Debian ``fonts-dejavu-core``; Latin, Greek, Cyrillic, Hebrew, Arabic, …) or the
TrueType file named by ``KATLEARN_PDF_FONT``, with Noto fonts as fallbacks where installed (e.g.
Debian ``fonts-noto-cjk`` for Chinese, Japanese and Korean). Text is shaped with HarfBuzz
(``uharfbuzz``), so joined and right-to-left scripts in a name come out right. A character that no available
font can draw is written as its code point (``U+674E``) and a note says so: a name is never
silently dropped, and the HTML version shows it as typed.

The PDF carries the record's data and code as an embedded file; it is made deterministically from
them (creation date = issue date), so verifying remakes it and compares the bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from katlearn.classroom._certificate import _STATUS_WORDS, Record, RecordError

FONT_ENV = "KATLEARN_PDF_FONT"
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")
_FALLBACKS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
_BEGIN, _END = b"KATLEARN-RECORD-BEGIN:", b":KATLEARN-RECORD-END"


def _main_font() -> tuple[Path, Path]:
    """(regular, bold) TrueType files for the body text."""
    named = os.environ.get(FONT_ENV)
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise RecordError(f"{FONT_ENV}={named}: no such font file")
        return path, path
    for folder in _FONT_DIRS:
        regular, bold = Path(folder) / "DejaVuSans.ttf", Path(folder) / "DejaVuSans-Bold.ttf"
        if regular.is_file():
            return regular, bold if bold.is_file() else regular
    raise RecordError("no font for the PDF: install DejaVu Sans (Debian/Ubuntu: apt-get install "
                      f"fonts-dejavu-core) or set {FONT_ENV} to a TrueType font file")


# fpdf2 and fontTools (with Pillow and uharfbuzz, ~40 MB) are imported when a record is made or
# read, not with the package: every learner's page kernel imports katlearn.classroom.


@lru_cache(maxsize=8)
def _coverage(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=0, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def _fonts() -> list[Path]:
    regular, _bold = _main_font()
    return [regular] + [Path(p) for p in _FALLBACKS if Path(p).is_file()]


def drawable(text: str) -> tuple[str, bool]:
    """``text`` with every character no available font covers written as ``U+XXXX``; and whether
    any was."""
    covered = frozenset().union(*(_coverage(str(p)) for p in _fonts()))
    out, replaced = [], False
    for ch in text:
        if ord(ch) in covered or ch.isspace():
            out.append(ch)
        else:
            out.append(f"⟨U+{ord(ch):04X}⟩" if 0x27E8 in covered and 0x27E9 in covered else f"<U+{ord(ch):04X}>")
            replaced = True
    return "".join(out), replaced


def to_pdf(record: Record, code: str) -> bytes:
    """The record as PDF bytes (the same bytes every time for the same record and fonts)."""
    regular, bold = _main_font()
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime.strptime(record.issued, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc))
    pdf.set_title(f"Record of completion: {record.learner}")
    pdf.set_author(record.learner)
    pdf.set_lang("en")
    pdf.add_font("Body", "", str(regular))
    pdf.add_font("Body", "B", str(bold))
    fallbacks = []
    for i, path in enumerate(_fonts()[1:]):
        pdf.add_font(f"Fallback{i}", "", str(path))
        fallbacks.append(f"Fallback{i}")
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def text(line: str, size: float = 11, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("Body", style, size)
        pdf.multi_cell(width, size * 0.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    name, replaced = drawable(record.learner)
    text("Record of completion", 20, "B", 2)
    text(record.course, 12, "", 4)
    pdf.set_text_shaping(True)  # for the name only: shaping every table cell takes seconds
    text(name, 16, "B", 1)
    pdf.set_text_shaping(False)
    if replaced:
        text("(Characters no font here can draw are written as their Unicode code points; the HTML "
             "version shows the name as typed.)", 8, "", 1)
    text(f"Issued {record.issued} (UTC)", 10, "", 4)

    text("Modules completed", 13, "B", 1)
    pdf.set_font("Body", "", 10)
    with pdf.table(col_widths=(60, 20, 20), text_align=("LEFT", "LEFT", "RIGHT"), line_height=6) as table:
        table.row(["Module", "Date", "Score"])
        for m in record.modules:
            table.row([m.title, m.date, f"{m.score_percent}%"])
    pdf.ln(3)
    final = (f"{record.final_percent}% on {record.final_date} ({'passed' if record.final_passed else 'not passed'})"
             if record.final_percent is not None else "not taken")
    text("Final assessment", 13, "B", 1)
    text(final, 11, "", 3)
    text("Active time", 13, "B", 1)
    text(f"{record.active_minutes} minutes. {record.active_rule}", 11, "", 3)
    text("Mastery per learning objective", 13, "B", 1)
    pdf.set_font("Body", "", 9)
    with pdf.table(col_widths=(25, 55, 12, 8), text_align="LEFT", line_height=5) as table:
        table.row(["Module", "Objective", "Status", "Score"])
        for o in record.objectives:
            table.row([o.module_title, o.objective, _STATUS_WORDS.get(o.status, o.status),
                       f"{o.score_percent}%" if o.score_percent else "—"])
    pdf.ln(3)
    text("Verification", 13, "B", 1)
    text(f"Code: {code}", 12, "B", 1)
    text("Check it with the course server's verify page or: python -m katlearn verify FILE-OR-CODE. "
         "Education, not medical advice: this record shows course work, not a clinical qualification.", 9)
    payload = json.dumps({"data": record.data(), "code": code}, ensure_ascii=False, sort_keys=True).encode("utf-8")
    pdf.embed_file(bytes=_BEGIN + base64.b64encode(payload) + _END, basename="katlearn-record.txt",
                   modification_date=pdf.creation_date, compress=False)
    return bytes(pdf.output())


def data_from_pdf(blob: bytes) -> tuple[dict, str]:
    """The embedded data and code of a PDF record (RecordError if it has none)."""
    found = re.search(re.escape(_BEGIN) + rb"([A-Za-z0-9+/=]+)" + re.escape(_END), blob)
    if not found:
        raise RecordError("this is not a katlearn record of completion (no record data in it)")
    try:
        payload = json.loads(base64.b64decode(found.group(1)))
        return payload["data"], str(payload["code"])
    except (ValueError, KeyError, TypeError) as exc:
        raise RecordError(f"the record's data cannot be read: {exc}") from None
