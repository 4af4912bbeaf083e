"""The markup of the quiz formats: GIFT escaping, and the XML vocabulary of IMS QTI 2.1 items and
IMS content packages (names and one element helper)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


def gift_escape(text: str) -> str:
    """Escape text for GIFT: a backslash before ``\\ ~ = # { } :``, line breaks as ``\\n``."""
    escaped = _GIFT_SPECIAL.sub(r"\\\1", text.strip())
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def gift_percent(value: float) -> str:
    """A GIFT answer weight: at most 5 decimals, no trailing zeros, never ``-0``."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


QTI_NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
QTI_XSD = "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
CP_XSD = "http://www.imsglobal.org/xsd/imscp_v1p1.xsd"


def qti_identifier(text: str) -> str:
    """An XML NCName usable as a QTI identifier (letters, digits, ``_ - .``; no leading digit)."""
    ident = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return ident if re.match(r"^[A-Za-z_]", ident) else f"Q_{ident}"


def qti_tag(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def qti_sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """A QTI child element; a trailing ``_`` in an attribute name is dropped (``class_``)."""
    el = ET.SubElement(parent, qti_tag(tag), {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        el.text = text
    return el
