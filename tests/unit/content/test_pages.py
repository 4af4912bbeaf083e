"""Links on module pages: glossary term links resolve on the page they point to, cited keys exist,
sources that change are cited with their as-of month, and a page lists every source it cites."""

from __future__ import annotations

import json

from katlearn import content, paths
from katlearn.content._pages import CITATION
from tests.unit.fixtures import REFERENCES, make_course, notebook, write, write_notebook


def with_markdown(*texts: str, code: tuple[str, ...] = ()) -> dict:
    nb = notebook()
    md = [{"cell_type": "markdown", "metadata": {}, "source": t.splitlines(keepends=True)} for t in texts]
    extra = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c}
             for c in code]
    nb["cells"] = [nb["cells"][0], *md, *extra, nb["cells"][-1]]
    return nb


def page_problems(root) -> list[str]:
    return [str(p) for p in content.check(root) if p.path.startswith("notebooks/")]


def line_in_file(root, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# --- term links -----------------------------------------------------------------------------------

def test_a_term_link_resolves_on_the_page_that_lists_the_term(tmp_path):
    root = make_course(tmp_path)  # nmda_receptor is introduced by 09_demo
    write_notebook(root, "09_demo", with_markdown("The [NMDA receptor](#term-nmda_receptor) is a channel."))
    assert page_problems(root) == []


def test_a_dead_term_link_is_reported_with_file_cell_and_term(tmp_path):
    root = make_course(tmp_path)  # magnesium_block has no module: no page lists it
    write_notebook(root, "09_demo", with_markdown("Intro.", "Magnesium [plugs](#term-magnesium_block) the pore."))
    line = line_in_file(root, "notebooks/09_demo.ipynb", "#term-magnesium_block")
    (problem,) = page_problems(root)
    assert problem.startswith(f"notebooks/09_demo.ipynb:{line}: cells[2]: term link #term-magnesium_block "
                              "does not resolve on 09_demo")
    assert "07_future_resources.ipynb#term-magnesium_block" in problem  # says where it would resolve


def test_a_link_to_another_page_resolves_there_and_unknown_terms_are_reported(tmp_path):
    root = make_course(tmp_path)
    write_notebook(root, "08_other", notebook(order=8, quiz=None, objectives=[]))
    write_notebook(root, "09_demo", with_markdown(
        "See [the receptor](09_demo.ipynb#term-nmda_receptor) and [this](#term-no_such_term).",
        "And [elsewhere](08_other.ipynb#term-nmda_receptor)."))
    got = page_problems(root)
    assert len(got) == 2
    assert any("term link #term-no_such_term: no such glossary id" in p for p in got)
    assert any("cells[2]: term link #term-nmda_receptor does not resolve on 08_other" in p for p in got)


# --- citations ------------------------------------------------------------------------------------

DATED = REFERENCES.replace("  url: https://example.org/spravato\n",
                           "  url: https://example.org/spravato\n  as_of: 2025-01\n")


def test_a_source_that_changes_is_cited_with_its_as_of_month_once_per_page(tmp_path):
    root = make_course(tmp_path)
    write(root, "assets/references.yaml", DATED)
    write_notebook(root, "09_demo", with_markdown("Approved in 2019 ([label](#ref-spravato_label)).",
                                                  "Monitoring for 2 hours ([label](#ref-spravato_label))."))
    line = line_in_file(root, "notebooks/09_demo.ipynb", "#ref-spravato_label")
    assert page_problems(root) == [
        f"notebooks/09_demo.ipynb:{line}: cells[1]: cites 'spravato_label', a source that changes, but no "
        "paragraph citing it on this page says \"as of January 2025\" (its as_of in assets/references.yaml); "
        "add it to one of them"]
    write_notebook(root, "09_demo", with_markdown("Approved in 2019 ([label](#ref-spravato_label)).",
                                                  "As of January 2025, monitoring lasts at least 2 hours "
                                                  "([label](#ref-spravato_label))."))
    assert page_problems(root) == []


def test_the_as_of_must_be_in_the_citing_paragraph_not_elsewhere_on_the_page(tmp_path):
    root = make_course(tmp_path)
    write(root, "assets/references.yaml", DATED)
    write_notebook(root, "09_demo", with_markdown("Facts as of January 2025.\n\nApproved "
                                                  "([label](#ref-spravato_label))."))
    assert len(page_problems(root)) == 1


def test_an_unknown_citation_in_prose_is_reported(tmp_path):
    root = make_course(tmp_path)
    write_notebook(root, "09_demo", with_markdown("As shown ([Zarate 2006](#ref-zarat2006))."))
    (problem,) = page_problems(root)
    assert problem.endswith("cells[1]: cites unknown reference key 'zarat2006'")


CASE = """\
type: branching
id: demo_case
title: A case
summary: A short case.
note: A fictional composite.
start: a
nodes:
""" + "".join(f"""\
  - id: {node}
    phase: {phase}
    title: Step {node}
    situation: What now?
    choices:
      - {{text: Go on, next: {nxt}, feedback: Good., rating: best, references: [jahr1990]}}
""" for node, phase, nxt in (("a", "consultation", "b"), ("b", "preparation", "c"), ("c", "administration", "d"))) + """\
  - id: d
    phase: integration
    title: Done
    situation: Done.
debrief: Well done.
references: [spravato_label]
"""


def test_page_citations_include_prose_quiz_cases_and_predict_prompts(tmp_path):
    root = make_course(tmp_path)
    write(root, "assets/scenarios/demo_case.yaml", CASE)
    write(root, "assets/predict/09_demo.yaml", PREDICT)
    write_notebook(root, "09_demo", with_markdown(
        "Text ([Zarate](#ref-zarate2006)).",
        code=('from katlearn.widgets import scenario\nscenario.case_scenario("demo_case", "09_demo")',
              'predict.predict("09_demo", "rest")')))
    keys = content.page_citations("09_demo", root)
    assert keys[0] == "zarate2006"  # prose first
    assert {"spravato_label", "jahr1990"} <= set(keys)  # the case's own and its choices' sources
    assert "zarate2006" in keys and len(keys) == len(set(keys))


PREDICT = """\
prompts:
  - id: rest
    prompt: What flows at -70 mV?
    options: [A large current, Very little]
    answer: Very little
    explanation: Magnesium plugs the pore ([Jahr and Stevens 1990](#ref-jahr1990)).
    references: [jahr1990]
"""


# --- the course itself ----------------------------------------------------------------------------

def _pages() -> list[str]:
    return [m.slug for m in content.modules()]


def test_every_term_link_on_every_page_resolves():
    glossary = content.load_glossary()
    dead = []
    for slug in _pages():
        for cell in content.notebook_cells(slug):
            if cell.kind != "markdown":
                continue
            for target, term in content._pages.TERM_LINK.findall(cell.source):
                if term not in content.term_anchors(glossary, target or slug):
                    dead.append(f"{slug} cell {cell.index}: #term-{term} -> {target or slug}")
    assert not dead, dead


def test_every_page_lists_the_sources_of_its_cases_and_predict_prompts():
    """The ptsd_sam case cites sources on module 05; so must module 05's reference list."""
    missing = {}
    for slug in _pages():
        keys = set(content.page_citations(slug))
        for cell in content.notebook_cells(slug):
            if cell.kind != "code":
                continue
            for sid in content.scenario_ids():
                if f'"{sid}"' in cell.source:
                    case_keys = content._cases._load(sid, None).cited_keys()
                    missing.update({f"{slug}/{sid}/{k}": k for k in case_keys if k not in keys})
            for module, key in content._pages.predict_calls(cell.source):
                prompt = content.load_predict(module).get(key)
                missing.update({f"{slug}/{key}/{k}": k for k in prompt.references if k not in keys})
    assert not missing, missing
    assert "winstock2012" in content.page_citations("05_treatment_process")  # ptsd_sam's bladder source


def test_every_citation_in_prose_is_in_the_page_citations():
    for slug in _pages():
        nb = json.loads((paths.notebooks() / f"{slug}.ipynb").read_text(encoding="utf-8"))
        prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert set(CITATION.findall(prose)) <= set(content.page_citations(slug)), slug
