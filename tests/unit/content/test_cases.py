"""katlearn.content: loading and checking case files, and playing a case (pure)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn import content, learning

CASES = ("trd_maya", "ptsd_sam")


def write(root: Path, name: str, text: str) -> Path:
    folder = root / "assets" / "scenarios"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


GOOD = """
type: branching
id: {id}
title: A case
summary: Short.
note: Fictional.
start: a
nodes:
  - id: a
    phase: consultation
    title: A
    situation: First.
    choices:
      - text: Go on
        rating: best
        feedback: Good.
        next: b
      - text: Skip ahead
        rating: risky
        feedback: Hmm.
        next: b
  - id: b
    phase: preparation
    title: B
    situation: Second.
    choices:
      - text: Go on
        rating: acceptable
        feedback: Fine.
        next: c
  - id: c
    phase: administration
    title: C
    situation: Third.
    choices:
      - text: Go on
        rating: best
        feedback: Yes.
        next: d
  - id: d
    phase: integration
    title: D
    situation: Fourth.
    choices:
      - text: Finish
        rating: best
        feedback: Done.
        next: end
  - id: end
    phase: integration
    title: End
    situation: The end.
debrief: What you practised.
"""


def problems_of(tmp_path: Path, text: str, name: str = "case") -> list[content.Problem]:
    write(tmp_path, name, text)
    return content.check_cases(tmp_path)


# -- the real files ----------------------------------------------------------------------------


def test_course_scenario_files_are_valid_and_cite_known_references():
    assert content.check_cases(references=content.load_references()) == []
    assert set(CASES) <= set(content.scenario_ids())


@pytest.mark.parametrize("case", CASES)
def test_each_case_offers_a_best_choice_at_every_decision_and_covers_all_phases(case):
    s = content.load_scenario(case)
    assert s.start == "consult"
    for node in s.nodes:
        if not node.is_end:
            assert any(c.rating == "best" for c in node.choices), node.id
            assert len(node.choices) >= 2 or node.id == "review"
    assert {n.phase for n in s.nodes} == set(content.PHASES)


def test_screening_set_covers_all_three_categories_with_label_references():
    s = content.load_screening("screening_practice")
    answers = {f.answer for p in s.profiles for f in p.findings}
    assert answers == set(content.CATEGORIES)
    cited = {k for p in s.profiles for f in p.findings for k in f.references}
    assert {"spravato_label", "ketalar_label"} <= cited


def test_loading_the_wrong_kind_is_an_error():
    with pytest.raises(content.ContentError, match="not 'branching'"):
        content.load_scenario("screening_practice")
    with pytest.raises(content.ContentError, match="not 'screening'"):
        content.load_screening("trd_maya")


# -- validation --------------------------------------------------------------------------------


def test_a_good_file_has_no_problems(tmp_path):
    assert problems_of(tmp_path, GOOD.format(id="case")) == []


def test_id_must_match_the_file_name(tmp_path):
    (p,) = problems_of(tmp_path, GOOD.format(id="other"))
    assert p.field == "id" and "named for 'case'" in p.message and p.line == 2


def test_unknown_next_node_is_reported_at_its_line(tmp_path):
    text = GOOD.format(id="case").replace("next: c", "next: nowhere")
    (p,) = problems_of(tmp_path, text)
    assert p.field == "nodes[1].choices[0].next"
    assert "nowhere" in p.message
    lines = (tmp_path / "assets/scenarios/case.yaml").read_text().splitlines()
    assert "next: nowhere" in lines[p.line - 1]


def test_bad_rating_names_the_allowed_values(tmp_path):
    text = GOOD.format(id="case").replace("rating: acceptable", "rating: great")
    (p,) = problems_of(tmp_path, text)
    assert p.field == "nodes[1].choices[0].rating" and "'best'" in p.message


def test_a_choice_may_not_go_back_a_phase(tmp_path):
    text = GOOD.format(id="case").replace("next: d", "next: b")
    (p,) = problems_of(tmp_path, text)
    assert "goes back" in p.message


def test_loops_are_refused(tmp_path):
    text = GOOD.format(id="case").replace("        next: end", "        next: d")
    assert any("loop" in p.message for p in problems_of(tmp_path, text))


def test_unreachable_nodes_are_refused(tmp_path):
    orphan = ("  - id: orphan\n    phase: integration\n    title: O\n    situation: Nobody comes here.\n")
    text = GOOD.format(id="case").replace("debrief: What you practised.\n", orphan + "debrief: What you practised.\n")
    (p,) = problems_of(tmp_path, text)
    assert "cannot be reached" in p.message and p.field == "nodes[5].id"


def test_every_path_must_pass_all_four_phases(tmp_path):
    # a shortcut from consultation straight to integration skips two phases
    text = GOOD.format(id="case").replace("        feedback: Hmm.\n        next: b", "        feedback: Hmm.\n        next: d")
    (p,) = problems_of(tmp_path, text)
    assert "preparation, administration" in p.message


def test_duplicate_node_ids_and_unknown_references(tmp_path):
    text = GOOD.format(id="case").replace("  - id: c\n", "  - id: b\n")
    assert any("duplicate node id" in p.message for p in problems_of(tmp_path, text))
    (tmp_path / "assets/scenarios/case.yaml").unlink()
    text = GOOD.format(id="case").replace("        feedback: Done.\n", "        feedback: Done.\n        references: [nope2020]\n")
    write(tmp_path, "case", text)
    (p,) = content.check_cases(tmp_path, references={"zarate2006"})
    assert "nope2020" in p.message and p.line > 1


def test_invalid_yaml_and_unknown_type(tmp_path):
    assert problems_of(tmp_path, "type: branching\nid: [unclosed\n")[0].field == "yaml"
    (tmp_path / "assets/scenarios/case.yaml").unlink()
    (p,) = problems_of(tmp_path, "type: quiz\nid: case\n")
    assert p.field == "type"


# -- playing -----------------------------------------------------------------------------------


def test_start_choose_and_debrief(tmp_path):
    write(tmp_path, "case", GOOD.format(id="case"))
    s = content.load_scenario("case", root=tmp_path)
    run = learning.start(s)
    assert run.node_id == "a" and run.steps == ()
    run = learning.choose(s, run, 1)
    assert run.node_id == "b" and run.steps == (learning.Step("a", 1),)
    for _ in range(3):
        run = learning.choose(s, run, 0)
    d = learning.debrief(s, run)
    assert d.finished and len(d.steps) == 4
    assert dict(d.counts) == {"best": 2, "acceptable": 1, "risky": 1}
    assert d.best_share == 0.5
    with pytest.raises(ValueError, match="ended"):
        learning.choose(s, run, 0)


def test_choose_refuses_bad_indices():
    s = content.load_scenario("trd_maya")
    run = learning.start(s)
    for bad in (-1, 3, True, "0", None):
        with pytest.raises(ValueError):
            learning.choose(s, run, bad)


def test_grade_profile():
    p = content.load_screening("screening_practice").profile("r52")
    right = {f.id: f.answer for f in p.findings}
    assert all(r.correct for r in learning.grade_profile(p, right))
    results = learning.grade_profile(p, {"aneurysm": "warning"})
    assert [r.correct for r in results] == [False, False, False]
    assert results[0].chosen == "warning" and results[1].chosen is None


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(CASES), picks=st.lists(st.integers(min_value=0, max_value=10), min_size=12, max_size=12))
def test_any_walk_ends_after_visiting_every_phase_in_order(case, picks):
    s = content.load_scenario(case)
    run = learning.start(s)
    phases = [s.node(run.node_id).phase]
    for pick in picks:
        node = s.node(run.node_id)
        if node.is_end:
            break
        run = learning.choose(s, run, pick % len(node.choices))
        phases.append(s.node(run.node_id).phase)
    assert s.node(run.node_id).is_end
    order = [content.PHASES.index(p) for p in phases]
    assert order == sorted(order) and set(phases) == set(content.PHASES)
