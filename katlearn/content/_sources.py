"""The glossary and the reference list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Union

from pydantic import BaseModel, ConfigDict, Field

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


class Reference(BaseModel):
    """One source. Owned by the science editor; extra fields are kept, not rejected."""

    model_config = ConfigDict(extra="allow", frozen=True)
    authors: Union[Text, tuple[Text, ...]]
    year: Union[int, Text]
    title: Text
    journal: str = ""
    doi: str = ""
    url: str = ""
    note: str = ""

    @property
    def link(self) -> str:
        """Where to read it: the DOI resolver if there is a DOI, else the URL, else ''."""
        if self.doi:
            doi = self.doi.strip().removeprefix("https://doi.org/").removeprefix("doi:")
            return f"https://doi.org/{doi}"
        return self.url.strip()

    def short(self) -> str:
        """Short citation such as "Zarate et al. 2006" (the journal when authors are unknown)."""
        first = self.authors if isinstance(self.authors, str) else (self.authors[0] if self.authors else "")
        if first.strip().startswith("[") or not first.strip():
            who = re.split(r"\s+\d|\(", self.journal, maxsplit=1)[0].strip() or self.title[:40]
        else:
            who = _short_authors(self.authors)
        return f"{who} {self.year}".strip()


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
