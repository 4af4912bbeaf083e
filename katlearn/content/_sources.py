"""The glossary and the reference list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Union

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from katlearn.content._questions import Key, Text, _Model


class GlossaryTerm(_Model):
    id: Key
    term: Text
    definition: Text
    aliases: tuple[Text, ...] = ()
    see: tuple[Key, ...] = ()  # ids of related glossary entries
    references: tuple[Key, ...] = ()  # reference keys for facts the definition states
    module: str | None = None  # notebook stem of the module that introduces the term


class Glossary(_Model):
    terms: tuple[GlossaryTerm, ...] = Field(min_length=1)

    def get(self, term_id: str) -> GlossaryTerm:
        for t in self.terms:
            if t.id == term_id:
                return t
        raise KeyError(f"no glossary term {term_id!r}")


_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_AS_OF = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
IDENTIFIERS: tuple[str, ...] = ("doi", "pmid", "isbn", "url")


def isbn_is_valid(isbn: str) -> bool:
    """Does ``isbn`` (ISBN-10 or ISBN-13, hyphens and spaces allowed) have a correct check digit?"""
    digits = re.sub(r"[\s-]", "", isbn).upper()
    if re.fullmatch(r"\d{9}[\dX]", digits):
        values = [10 if c == "X" else int(c) for c in digits]
        return sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0
    if re.fullmatch(r"97[89]\d{10}", digits):
        return sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(digits)) % 10 == 0
    return False


def as_of_label(as_of: str) -> str:
    """``"2025-01"`` as people read it: ``"January 2025"``."""
    year, month = as_of.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


class Reference(BaseModel):
    """One source, identified by at least one of DOI, PMID, ISBN or a stable http(s) URL.

    ``as_of`` (``YYYY-MM``) marks a source whose facts change (labels, schedules, regulators'
    notices, prices, registries, web pages): the month the course's facts were last checked against
    it. Pages citing it say "as of <Month YYYY>"; ``katlearn check`` warns when it is old."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    authors: Union[Text, tuple[Text, ...]]
    year: int = Field(ge=1800, le=2100)
    title: Text
    journal: str = ""
    doi: str = ""
    pmid: str = ""
    isbn: str = ""
    url: str = ""
    as_of: str = ""
    note: str = ""

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str) -> str:
        value = value.strip()
        if value and not _DOI.match(value):
            raise ValueError(f"{value!r} is not a DOI: write it bare, as 10.<registrant>/<suffix> "
                             "(no https://doi.org/ or doi: in front)")
        return value

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid(cls, value: object) -> str:
        text = str(value).strip() if value is not None else ""
        if text and not re.fullmatch(r"[1-9]\d{0,8}", text):
            raise ValueError(f"{text!r} is not a PubMed id: digits only, e.g. 16894061")
        return text

    @field_validator("isbn", mode="before")
    @classmethod
    def _isbn(cls, value: object) -> str:
        text = str(value).strip() if value is not None else ""
        if text and not isbn_is_valid(text):
            raise ValueError(f"{text!r} is not a valid ISBN-10 or ISBN-13 (check digit or length wrong)")
        return text

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip()
        if value:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
                raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, value: object) -> str:
        text = str(value).strip() if value is not None else ""
        if text and not _AS_OF.match(text):
            raise ValueError(f"{text!r} is not a month: write YYYY-MM, e.g. 2025-01 (quoted or not)")
        return text

    @model_validator(mode="after")
    def _identified(self) -> Reference:
        if not any(getattr(self, name) for name in IDENTIFIERS):
            raise ValueError("no identifier: give a doi, pmid, isbn or a stable url where the source can be read")
        return self

    @property
    def as_of_text(self) -> str:
        """``"as of January 2025"``, or ``""`` for a source that does not change."""
        return f"as of {as_of_label(self.as_of)}" if self.as_of else ""

    @property
    def link(self) -> str:
        """Where to read it: the DOI resolver if there is a DOI, else PubMed, else the URL, else ''."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url

    def short(self) -> str:
        """Short citation such as "Zarate et al. 2006" (the journal when authors are unknown); a source
        that changes gets its as-of date: "Janssen Pharmaceuticals 2025, as of January 2025"."""
        first = self.authors if isinstance(self.authors, str) else (self.authors[0] if self.authors else "")
        if first.strip().startswith("[") or not first.strip():
            who = re.split(r"\s+\d|\(", self.journal, maxsplit=1)[0].strip() or self.title[:40]
        else:
            who = _short_authors(self.authors)
        text = f"{who} {self.year}".strip()
        return f"{text}, {self.as_of_text}" if self.as_of else text


_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def _surname(author: str) -> str:
    author = author.strip()
    if "," in author:  # "Zarate, C. A."
        return author.split(",", 1)[0].strip()
    tokens = [t for t in author.split() if t.casefold() not in _SUFFIXES]
    if not tokens:
        return author
    if len(tokens) > 1 and _INITIALS.match(tokens[-1]):  # "Zarate CA", "van der Berg J"
        return " ".join(tokens[:-1])
    if any(_INITIALS.match(t) for t in tokens[:-1]):  # "Carlos A. Zarate"
        return tokens[-1]
    return author  # an organisation, e.g. "Janssen Pharmaceuticals"


def _short_authors(authors: str | Sequence[str]) -> str:
    """"Zarate et al.", "Jahr and Stevens", "Janssen Pharmaceuticals" from an author list."""
    if isinstance(authors, str):
        many = "et al" in authors
        text = re.sub(r"\(.*?\)", "", authors.replace("et al.", "").replace("et al", ""))
        if re.search(r",\s*[A-Z]\.", text):  # "Zarate, C. A., Singh, J. B.": surname, initials
            parts = [p for p in re.split(r"[,;]", text) if p.strip()]
            names = [", ".join(parts[i : i + 2]) for i in range(0, len(parts), 2)]
        else:  # "Zarate CA Jr, Singh JB; Manji HK" or an organisation
            names = [a for a in re.split(r"[,;]", text) if a.strip()]
    else:
        names, many = [re.sub(r"\(.*?\)", "", a) for a in authors], False
    names = [" ".join(n.split()) for n in names if n.strip()]
    if not names:
        return ""
    first = _surname(names[0])
    if many or len(names) > 2:
        return f"{first} et al."
    if len(names) == 2:
        return f"{first} and {_surname(names[1])}"
    return first
