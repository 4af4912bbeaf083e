"""Facts corrected in the accuracy pass (issue 14), checked where learners read them.

Published values: Winstock et al. 2012 (BJU Int 110:1762): 26.6% (340) of 1,285 past-year ketamine users
in a self-selected online survey reported urinary symptoms, 17% dependent. Spravato approvals: 5 March 2019
(TRD, with an oral antidepressant), 3 August 2020 (depressive symptoms in MDD with acute suicidal ideation
or behaviour), 21 January 2025 (monotherapy for TRD). Current Spravato boxed warning: sedation, dissociation,
respiratory depression, abuse and misuse, suicidal thoughts and behaviours; Schedule III. FDA notices on
compounded ketamine: 16 February 2022 (nasal spray) and 10 October 2023 (incl. oral, telemedicine, home use).
Bremner 1998: CADSS with 19 subjective and 8 observer items; the 23-item version is the one reported in
ketamine and esketamine studies (Bremner 2024). Homayoun & Moghaddam 2007 used MK-801.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from katlearn import paths
from katlearn.science import params as P

ROOT = paths.root()


def _refs() -> dict:
    return yaml.safe_load((ROOT / "assets" / "references.yaml").read_text(encoding="utf-8"))


def _notebook_cells(stem: str) -> list[str]:
    nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"]]


def _units() -> list[tuple[str, str]]:
    """(where, text) for every quiz question, scenario and notebook cell: the unit a citation must sit in."""
    units = []
    for path in sorted((ROOT / "assets" / "quizzes").glob("*.yaml")):
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            units.append((f"{path.name}:{q['id']}", yaml.safe_dump(q, allow_unicode=True)))
    for path in sorted((ROOT / "assets" / "scenarios").glob("*.yaml")):
        units.append((path.name, path.read_text(encoding="utf-8")))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        units += [(f"{path.name} cell {i}", src) for i, src in enumerate(_notebook_cells(path.stem))]
    return units


def test_urinary_symptom_figure_is_winstock_2012_everywhere_with_its_sample():
    assert (P.URINARY_SYMPTOMS_USERS.value, P.URINARY_SYMPTOMS_USERS.ref) == (26.6, "winstock2012")
    assert (P.URINARY_SYMPTOMS_N.value, P.RECENT_USERS_N.value, P.RECENT_USERS_DEPENDENT.value) == (340, 1285, 17)
    assert P.URINARY_SYMPTOMS_N.value / P.RECENT_USERS_N.value * 100 == pytest.approx(26.6, abs=0.2)
    assert "scirep2019" not in _refs() and _refs()["winstock2012"]["doi"] == "10.1111/j.1464-410X.2012.11028.x"
    hits = [(w, t) for w, t in _units() if "26.6" in t or "one in four" in t.replace("\n", " ")]
    assert len(hits) >= 4, hits  # module 06 (twice), m06.bladder-share, screening_practice
    for where, text in hits:
        assert "winstock2012" in text, f"{where}: cites the 26.6% without Winstock et al. 2012"
        assert re.search(r"survey", text), f"{where}: does not say it was a survey"
    for where, text in _units():
        assert "Scientific Reports" not in text and "scirep2019" not in text, where


def test_esketamine_approvals_are_current():
    assert "3 August 2020" in P.ESKETAMINE_APPROVAL_MDSI.text and "21 January 2025" in P.ESKETAMINE_APPROVAL_MONOTHERAPY.text
    for where, text in _units():
        assert "only approval for a psychiatric use" not in text, where
    glossary = {t["id"]: t for t in yaml.safe_load((ROOT / "assets" / "glossary.yaml").read_text())["terms"]}
    definition = glossary["esketamine"]["definition"]
    assert "2020" in definition and "January 2025" in definition and "on its own" in definition
    table = next(c for c in _notebook_cells("01_what_is_kat") if "| Approved for depression?" in c)
    assert "August 2020" in table and "21 January 2025" in table and "monotherapy" in table
    suicidal = next(c for c in _notebook_cells("07_future_resources") if c.startswith("### Suicidal thoughts"))
    assert "August 2020" in suicidal and "acute suicidal ideation or behaviour" in suicidal


def test_facts_that_change_carry_an_as_of_month():
    refs = _refs()
    for key in ("spravato_label", "ketamine_injection_label", "fda_compounded_nasal_2022",
                "fda_compounded_ketamine_2023", "canady2020", "canady2025"):
        assert re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", str(refs[key].get("as_of", ""))), key
    assert "d81a6a79-a74a-44b7-822c-0dfa3036eaed" in refs["spravato_label"]["url"]


def test_module_06_teaches_the_label_safety_facts_and_quizzes_them():
    cells = "\n".join(_notebook_cells("06_safety_controversies"))
    for phrase in ("boxed warning", "respiratory depression", "Schedule III", "benzodiazepines", "opioids",
                   "monoamine oxidase inhibitors", "Physical dependence", "tolerance", "2 hours", "30 minutes"):
        assert phrase.lower() in cells.lower(), phrase
    bank = yaml.safe_load((ROOT / "assets" / "quizzes" / "06_safety_controversies.yaml").read_text())["questions"]
    by_id = {q["id"]: q for q in bank}
    boxed = by_id["m06.boxed-warning"]
    assert {o["text"] for o in boxed["options"] if o.get("correct")} == {
        "Sedation", "Dissociation", "Respiratory depression", "Abuse and misuse", "Suicidal thoughts and behaviours"}
    assert "spravato_label" in by_id["m06.interactions"]["references"]
    assert "Schedule III" in by_id["m06.schedule-dependence"]["explanation"]


def test_module_06_covers_at_home_and_compounded_ketamine():
    cells = _notebook_cells("06_safety_controversies")
    start = next(i for i, c in enumerate(cells) if c.startswith("## At-home and compounded"))
    end = next((i for i in range(start + 1, len(cells)) if cells[i].startswith("## ")), len(cells))
    section = "\n\n".join(cells[start:end])  # the section's cells (long ones are split)
    for needle in ("February 2022", "October 2023", "fda_compounded_nasal_2022", "fda_compounded_ketamine_2023",
                   "hull2022", "no control group"):
        assert needle in section, needle
    bank = yaml.safe_load((ROOT / "assets" / "quizzes" / "00_start_here.yaml").read_text())["questions"]
    kat = next(q for q in bank if q["id"] == "m00.kat-combines")
    home = next(o for o in kat["options"] if "at home" in o["text"])
    assert "not a medicine taken at home" not in home["feedback"] and "FDA" in home["feedback"]


def test_mechanism_sources_say_what_was_tested():
    cells = _notebook_cells("03_neuroplasticity")
    assert all("MK-801" in c for c in cells if "Homayoun and Moghaddam (2007)" in c or "| Disinhibition" in c)
    table = next(c for c in cells if c.startswith("## What is known and what is debated"))
    assert "lateral habenula" in table.lower() and "yang2018" in table
    assert _refs()["yang2018"]["doi"] == "10.1038/nature25509"
    bank = yaml.safe_load((ROOT / "assets" / "quizzes" / "02_nmda_glutamate.yaml").read_text())["questions"]
    assert "m02.closed-channel" not in {q["id"] for q in bank}
    route = next(q for q in bank if q["id"] == "m02.pcp-site-route")
    assert "partial" in route["explanation"] and "orser1997" in route["references"]


def test_cadss_item_counts_match_their_sources():
    assert [p.value for p in P.CADSS_ITEMS_1998] == [19, 8] and P.CADSS_ITEMS_1998[0].ref == "bremner1998"
    assert (P.CADSS_ITEMS.value, P.CADSS_ITEMS.ref) == (23, "bremner2024")
    for where, text in _units():
        if "CADSS" in text and re.search(r"\b23\b", text):
            assert "bremner2024" in text, f"{where}: the 23-item CADSS is cited to Bremner 1998 only"
