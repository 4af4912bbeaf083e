"""katlearn.content: loading keeps line numbers; every problem says file:line: field: message."""

from __future__ import annotations

import pytest

from katlearn import cli, content, paths
from katlearn.content import ContentError
from tests.unit.fixtures import (
    BANK,
    make_course,
    notebook,
    write,
    write_notebook,
)

BANK_PATH = "assets/quizzes/09_demo.yaml"


def problems_of(root) -> list[str]:
    return [str(p) for p in content.check(root)]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def test_valid_course_loads_every_question_type(tmp_path):
    root = make_course(tmp_path)
    bank = content.load_bank("09_demo", root)
    assert bank.module == "09_demo"
    assert [q.type for q in bank.questions] == list(content.QUESTION_TYPES)
    assert content.check(root) == []


def test_cli_check_ok_prints_one_summary_line(tmp_path, capsys):
    root = make_course(tmp_path)
    assert cli.main(["check", "--root", str(root)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("OK: 6 questions in 1 quiz bank")


def test_cli_check_reads_katlearn_root(tmp_path, monkeypatch, capsys):
    root = make_course(tmp_path)
    monkeypatch.setenv("KATLEARN_ROOT", str(root))
    assert paths.root() == root.resolve()
    assert cli.main(["check"]) == 0


def test_malformed_yaml_names_the_line(tmp_path, capsys):
    root = make_course(tmp_path)
    broken = BANK.replace("    difficulty: medium\n", "    difficulty: medium\n  oops: [unclosed\n", 1)
    write(root, BANK_PATH, broken)
    assert cli.main(["check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    line = line_of(broken, "oops: [unclosed")
    (problem,) = [p for p in out.splitlines() if p.startswith(BANK_PATH)]
    path, lineno, field, message = problem.split(":", 3)
    assert path == BANK_PATH
    assert line <= int(lineno) <= line + 2
    assert field == " yaml" and "not valid YAML" in message


def test_missing_field(tmp_path):
    root = make_course(tmp_path)
    text = BANK.replace("    explanation: Two agonists plus depolarisation.\n", "")
    write(root, BANK_PATH, text)
    start = line_of(text, "- id: demo.multiple")
    assert f"{BANK_PATH}:{start}: questions[1].explanation: required field missing" in problems_of(root)


def test_wrong_type_of_value(tmp_path):
    root = make_course(tmp_path)
    text = BANK.replace("    answer: 0.5\n", "    answer: half a milligram\n")
    write(root, BANK_PATH, text)
    line = line_of(text, "answer: half a milligram")
    assert f"{BANK_PATH}:{line}: questions[3].answer: expected a number, got text 'half a milligram'" in problems_of(root)


def test_yes_no_where_text_is_expected_suggests_quotes(tmp_path):
    root = make_course(tmp_path)
    text = BANK.replace("        feedback: Not needed.\n", "        feedback: no\n", 1)
    write(root, BANK_PATH, text)
    line = line_of(text, "feedback: no")
    (problem,) = problems_of(root)
    assert problem.startswith(f"{BANK_PATH}:{line}: questions[1].options[2].feedback: expected text")
    assert "put it in quotes" in problem


def test_too_few_options_message(tmp_path):
    root = make_course(tmp_path)
    start = BANK.index("      - text: Sodium")
    end = BANK.index("    explanation: Mg2+")
    text = BANK[:start] + BANK[end:]
    write(root, BANK_PATH, text)
    line = line_of(text, "    options:")
    assert f"{BANK_PATH}:{line}: questions[0].options: at least 2 needed, found 1" in problems_of(root)


def test_single_needs_exactly_one_correct(tmp_path):
    root = make_course(tmp_path)
    text = BANK.replace("      - text: Sodium\n", "      - text: Sodium\n        correct: true\n")
    write(root, BANK_PATH, text)
    line = line_of(text, "    options:")
    assert f"{BANK_PATH}:{line}: questions[0].options: exactly one option needs 'correct: true', found 2" in problems_of(root)


def test_unknown_type_and_misspelt_field(tmp_path):
    root = make_course(tmp_path)
    text = BANK.replace("    type: multiple\n", "    type: multi\n").replace(
        "    explanation: 0.5 mg/kg", "    explaination: 0.5 mg/kg")
    write(root, BANK_PATH, text)
    got = problems_of(root)
    assert any(p.startswith(f"{BANK_PATH}:{line_of(text, 'type: multi')}: questions[1].type: unknown question type 'multi'")
               for p in got)
    assert f"{BANK_PATH}:{line_of(text, 'explaination')}: questions[3].explaination: unknown field; did you mean 'explanation'?" in got


def test_dangling_reference(tmp_path):
    root = make_course(tmp_path)
    text = BANK.replace("    references: [zarate2006]\n", "    references: [zarat2006]\n", 1)
    write(root, BANK_PATH, text)
    line = line_of(text, "references: [zarat2006]")
    assert problems_of(root) == [
        f"{BANK_PATH}:{line}: questions[2].references[0]: unknown reference key 'zarat2006' "
        "(not in assets/references.yaml); did you mean 'zarate2006'?"
    ]


def test_unknown_objective(tmp_path):
    root = make_course(tmp_path)
    text = BANK.replace("    objective: m09.clinic\n", "    objective: m09.clinical\n", 1)
    write(root, BANK_PATH, text)
    line = line_of(text, "objective: m09.clinical")
    (problem,) = problems_of(root)
    assert problem.startswith(f"{BANK_PATH}:{line}: questions[2].objective: unknown objective 'm09.clinical'")
    assert "notebooks/09_demo.ipynb lists: m09.block, m09.clinic" in problem


def test_duplicate_id_course_wide(tmp_path):
    root = make_course(tmp_path)
    other = "questions:\n" + BANK.split("questions:\n", 1)[1].split("  - id: demo.multiple")[0]
    other = other.replace("objective: m09.block", "objective: m10.x")
    write(root, "assets/quizzes/10_other.yaml", other)
    write_notebook(root, "10_other", notebook(order=10, quiz="10_other",
                                              objectives=[{"id": "m10.x", "text": "X", "section": "X"}]))
    (problem,) = problems_of(root)
    assert problem.startswith("assets/quizzes/10_other.yaml:2: questions[0].id: duplicate question id 'demo.single'")
    assert f"also at {BANK_PATH}:{line_of(BANK, '- id: demo.single')}" in problem


def test_duplicate_yaml_key_is_not_silently_dropped(tmp_path):
    root = make_course(tmp_path)
    text = BANK.replace("    difficulty: hard\n", "    difficulty: hard\n    difficulty: easy\n")
    write(root, BANK_PATH, text)
    line = line_of(text, "difficulty: easy", occurrence=4)
    (problem,) = problems_of(root)
    assert problem.startswith(f"{BANK_PATH}:{line}: yaml: duplicate key 'difficulty'")


def test_bank_and_notebook_must_pair_up(tmp_path):
    root = make_course(tmp_path)
    write_notebook(root, "11_lonely", notebook(order=11, quiz="11_lonely", objectives=[]))
    write(root, "assets/quizzes/12_orphan.yaml", "questions:\n" + BANK.split("questions:\n", 1)[1]
          .replace("demo.", "orphan."))
    got = problems_of(root)
    assert any(p.startswith("notebooks/11_lonely.ipynb:") and "metadata.katlearn.quiz" in p
               and "assets/quizzes/11_lonely.yaml does not exist" in p for p in got)
    assert any(p.startswith("assets/quizzes/12_orphan.yaml:1:") and "no notebook" in p for p in got)


def test_invalid_notebook_metadata(tmp_path):
    root = make_course(tmp_path)
    write_notebook(root, "13_bad", notebook(order=13, quiz=None, minutes=0))
    (problem,) = problems_of(root)
    assert problem.startswith("notebooks/13_bad.ipynb:") and "metadata.katlearn.minutes" in problem


def test_a_page_must_end_with_page_ready(tmp_path):
    """Without it a pre-rendered page would never build the learner's parts (header, quiz, …)."""
    root = make_course(tmp_path)
    nb = notebook()
    nb["cells"] = nb["cells"][:1]
    write_notebook(root, "09_demo", nb)
    problems = content.check(root)
    assert [(p.path, p.field) for p in problems] == [("notebooks/09_demo.ipynb", "cells")]
    assert "page.ready()" in problems[0].message
    assert problems[0].line > 1  # points at the notebook's last code cell


def test_glossary_see_and_references_are_checked(tmp_path):
    root = make_course(tmp_path)
    text = (root / "assets/glossary.yaml").read_text().replace("see: [magnesium_block]", "see: [magnesium_blok]")
    text = text.replace("references: [jahr1990]\n    module", "references: [jahr]\n    module")
    write(root, "assets/glossary.yaml", text)
    got = problems_of(root)
    assert f"assets/glossary.yaml:{line_of(text, 'magnesium_blok')}: terms[0].see[0]: unknown glossary id " \
           "'magnesium_blok'; did you mean 'magnesium_block'?" in got
    assert any(p.startswith(f"assets/glossary.yaml:{line_of(text, '[jahr]')}: terms[0].references[0]: unknown reference key 'jahr'")
               for p in got)


def test_load_bank_raises_content_error_with_problems(tmp_path):
    root = make_course(tmp_path)
    write(root, BANK_PATH, "questions: []\n")
    with pytest.raises(ContentError) as info:
        content.load_bank("09_demo", root)
    assert [str(p) for p in info.value.problems] == [f"{BANK_PATH}:1: questions: at least 1 needed, found 0"]
    assert str(info.value) == f"{BANK_PATH}:1: questions: at least 1 needed, found 0"


def test_missing_references_file(tmp_path):
    root = make_course(tmp_path)
    (root / "assets/references.yaml").unlink()
    got = problems_of(root)
    assert "assets/references.yaml:1: file: missing" in got


def test_reference_short_citations_and_links(tmp_path):
    refs = content.load_references(make_course(tmp_path))
    assert refs["zarate2006"].short() == "Zarate et al. 2006"
    assert refs["zarate2006"].link == "https://doi.org/10.1001/archpsyc.63.8.856"
    assert refs["jahr1990"].short() == "Jahr and Stevens 1990"
    assert refs["spravato_label"].short() == "Janssen Pharmaceuticals 2019"
    assert refs["spravato_label"].link == "https://example.org/spravato"


def test_the_course_starter_bank_and_glossary_are_valid():
    """The shipped starter quiz has no problems; the glossary loads."""
    bank = content.load_bank("00_start_here")
    assert 3 <= len(bank.questions) <= 4
    assert {q.objective for q in bank.questions} == {"m00.what", "m00.use"}
    assert len(content.load_glossary().terms) >= 40  # loads = valid structure; links: make check
    assert [str(p) for p in content.check() if p.path == "assets/quizzes/00_start_here.yaml"] == []


def test_every_example_in_the_authors_guide_is_valid():
    """assets/README.md is what authors copy from: its examples must pass validation as written."""
    import re

    import yaml
    from pydantic import TypeAdapter

    guide = (paths.assets() / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", guide, re.S)
    questions = [yaml.safe_load(b)[0] for b in blocks if b.startswith("  - id:")]
    adapter = TypeAdapter(content.Question)
    validated = [adapter.validate_python(q) for q in questions]
    assert sorted(q.type for q in validated) == sorted(content.QUESTION_TYPES)
    (glossary,) = [yaml.safe_load(b) for b in blocks if b.startswith("terms:")]
    content.Glossary.model_validate(glossary)
    (refs,) = [yaml.safe_load(b) for b in blocks if b.startswith("zarate2006:")]
    assert content.Reference.model_validate(refs["zarate2006"]).short() == "Zarate et al. 2006"


def test_every_question_type_states_its_correct_answer_in_both_shapes(tmp_path):
    """The answer a learner's widget would produce, and one line of text for exports and reports."""
    bank = content.load_bank("09_demo", make_course(tmp_path))
    for q in bank.questions:
        text = q.correct_text()
        assert isinstance(text, str) and text.strip(), q.type
        assert q.correct_answer() is not None, q.type
    assert {q.type for q in bank.questions} == set(content.QUESTION_TYPES)
