"""References: every entry is identified (DOI, PMID, ISBN or http(s) URL, each checked for its form),
and a source whose facts change carries an as-of month that ``katlearn check`` warns about when old."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from katlearn import cli, content
from katlearn.content import Reference
from tests.unit.fixtures import REFERENCES, make_course, write

BASE = {"authors": "Zarate CA Jr, Singh JB, et al.", "year": 2006, "title": "A randomized trial",
        "journal": "Archives of General Psychiatry 63:856-864"}


def ref(**fields) -> Reference:
    return Reference.model_validate({**BASE, **fields})


def messages(exc: ValidationError) -> str:
    return " ".join(e["msg"] for e in exc.errors())


@pytest.mark.parametrize("fields", [
    {"doi": "10.1001/archpsyc.63.8.856"},
    {"pmid": 16894061},
    {"pmid": "16894061"},
    {"isbn": "978-1-59420-422-7"},  # ISBN-13 (Pollan 2018)
    {"isbn": "0-306-40615-2"},  # ISBN-10 with a correct check digit
    {"isbn": "0-8044-2957-X"},  # ISBN-10 with X as check digit
    {"url": "https://clinicaltrials.gov/study/NCT05468047"},
    {"url": "http://example.org/a", "as_of": "2025-01"},
])
def test_an_identified_entry_is_valid(fields):
    assert ref(**fields)


@pytest.mark.parametrize("fields, expected", [
    ({}, "no identifier: give a doi, pmid, isbn or a stable url"),
    ({"doi": "https://doi.org/10.1001/x"}, "is not a DOI: write it bare"),
    ({"doi": "archpsyc.63.8.856"}, "is not a DOI"),
    ({"pmid": "PMC9118341"}, "is not a PubMed id"),
    ({"pmid": "0123"}, "is not a PubMed id"),
    ({"isbn": "978-1-59420-422-3"}, "is not a valid ISBN"),  # check digit wrong
    ({"isbn": "12345"}, "is not a valid ISBN"),
    ({"url": "ftp://example.org/file"}, "is not an http(s) URL"),
    ({"url": "www.example.org"}, "is not an http(s) URL"),
    ({"doi": "10.1000/x", "as_of": "2025-13"}, "is not a month"),
    ({"doi": "10.1000/x", "as_of": "Jan 2025"}, "is not a month"),
])
def test_a_bad_or_missing_identifier_is_refused(fields, expected):
    with pytest.raises(ValidationError) as exc:
        ref(**fields)
    assert expected in messages(exc.value)


def test_unknown_fields_are_refused_with_a_suggestion(tmp_path):
    root = make_course(tmp_path)
    write(root, "assets/references.yaml", REFERENCES.replace("  doi: 10.1001/archpsyc.63.8.856\n",
                                                             "  doi: 10.1001/archpsyc.63.8.856\n  asof: 2025-01\n"))
    got = [str(p) for p in content.check(root)]
    assert "assets/references.yaml:7: zarate2006.asof: unknown field; did you mean 'as_of'?" in got


def test_check_names_file_line_and_key_of_an_entry_without_identifier(tmp_path, capsys):
    root = make_course(tmp_path)
    text = REFERENCES.replace("  doi: 10.1001/archpsyc.63.8.856\n", "")
    write(root, "assets/references.yaml", text)
    assert cli.main(["check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert ("assets/references.yaml:1: zarate2006: no identifier: give a doi, pmid, isbn or a stable url "
            "where the source can be read") in out


def test_links_go_to_doi_then_pubmed_then_url():
    assert ref(doi="10.1000/x", pmid="1", url="https://e.org").link == "https://doi.org/10.1000/x"
    assert ref(pmid="16894061", url="https://e.org").link == "https://pubmed.ncbi.nlm.nih.gov/16894061/"
    assert ref(url="https://e.org/a").link == "https://e.org/a"
    assert ref(isbn="978-1-59420-422-7").link == ""


def test_a_dated_source_says_as_of_in_its_short_citation():
    label = Reference.model_validate({"authors": "Janssen Pharmaceuticals", "year": 2026, "title": "SPRAVATO",
                                      "url": "https://dailymed.nlm.nih.gov/x", "as_of": "2026-03"})
    assert label.as_of_text == "as of March 2026"
    assert label.short() == "Janssen Pharmaceuticals 2026, as of March 2026"
    assert ref(doi="10.1000/x").short() == "Zarate et al. 2006"


DATED = REFERENCES + """\
fda_alert:
  authors: US Food and Drug Administration
  year: 2023
  title: FDA warns about compounded ketamine products
  url: https://www.fda.gov/example
  as_of: {as_of}
"""


@pytest.mark.parametrize("as_of, today, stale", [
    ("2025-06", date(2026, 12, 6), False),  # 18 months: still fresh
    ("2025-05", date(2026, 12, 6), True),   # 19 months: re-verify
    ("2020-01", date(2026, 12, 6), True),
    ("2026-12", date(2026, 12, 6), False),
])
def test_warnings_name_sources_checked_more_than_18_months_ago(tmp_path, as_of, today, stale):
    root = make_course(tmp_path)
    write(root, "assets/references.yaml", DATED.format(as_of=as_of))
    got = [str(w) for w in content.warnings(root, today=today)]
    if stale:
        line = DATED.format(as_of=as_of).splitlines().index(f"  as_of: {as_of}") + 1
        assert len(got) == 1 and got[0].startswith(f"assets/references.yaml:{line}: fda_alert.as_of: last checked ")
        assert "re-verify the facts cited to 'fda_alert'" in got[0]
    else:
        assert got == []


def test_cli_prints_stale_sources_as_warnings_and_still_succeeds(tmp_path, capsys):
    root = make_course(tmp_path)
    write(root, "assets/references.yaml", DATED.format(as_of="2019-02"))
    assert cli.main(["check", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert "warning: assets/references.yaml:" in out and "fda_alert.as_of: last checked February 2019" in out
    assert "(1 warning)" in out


def test_the_course_references_are_all_identified_and_dated_sources_are_recent_enough_to_list():
    refs = content.load_references()
    assert all(r.doi or r.pmid or r.isbn or r.url for r in refs.values())
    dated = {k for k, r in refs.items() if r.as_of}
    assert {"spravato_label", "ketalar_label"} <= dated  # labels change: they carry the month they were checked
