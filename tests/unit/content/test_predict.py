"""Predict-then-check prompts as content (assets/predict/<module>.yaml): loaded, validated, checked
against the notebooks that show them, every problem as file:line: field: message."""

from __future__ import annotations

import pytest

from katlearn import cli, content
from katlearn.content import ContentError
from tests.unit.fixtures import make_course, notebook, write, write_notebook

PATH = "assets/predict/09_demo.yaml"
PROMPTS = """\
prompts:
  - id: rest
    prompt: What flows at -70 mV with 1 mM magnesium outside?
    options:
      - A large inward current
      - Very little
    answer: Very little
    explanation: >-
      About 4% of the channels are free of magnesium ([Jahr and Stevens 1990](#ref-jahr1990)).
    references: [jahr1990]
  - id: double
    prompt: You double the dose. What happens to Tmax?
    options: [It stays the same, It doubles]
    answer: It stays the same
    explanation: A linear model scales the whole curve.
"""


def course(tmp_path, prompts: str = PROMPTS, calls: tuple[str, ...] = ('predict.predict("09_demo", "rest")',)):
    root = make_course(tmp_path)
    write(root, PATH, prompts)
    nb = notebook()
    code = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in calls]
    nb["cells"] = [nb["cells"][0], *code, nb["cells"][-1]]
    write_notebook(root, "09_demo", nb)
    return root


def line(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_prompts_load_with_the_answer_as_an_index(tmp_path):
    root = course(tmp_path)
    bank = content.load_predict("09_demo", root)
    rest = bank.get("rest")
    assert rest.options == ("A large inward current", "Very little") and rest.answer_index == 1
    assert rest.references == ("jahr1990",)
    assert content.check(root) == []
    with pytest.raises(KeyError, match="no predict prompt 'nope'"):
        bank.get("nope")


@pytest.mark.parametrize("change, needle, expected", [
    (("    answer: Very little\n", "    answer: Very litle\n"), "answer: Very litle",
     "prompts[0].answer: 'Very litle' is not one of the options (copy the option's text)"),
    (("    references: [jahr1990]\n", "    references: []\n"), "references: []",
     "prompts[0].references: the text cites 'jahr1990' (#ref- links): list every cited key in references"),
    (("    references: [jahr1990]\n", ""), "- id: rest",
     "prompts[0].references: the text cites 'jahr1990' (#ref- links): list every cited key in references"),
    (("      - Very little\n", "      - very little\n      - Very little\n"), "options:",
     "prompts[0].options: two options have the same text"),
    (("  - id: double\n", "  - id: rest\n"), "- id: rest\n",
     "prompts[1].id: duplicate prompt id 'rest' (first is prompts[0])"),
    (("    options: [It stays the same, It doubles]\n", "    options: [It stays the same]\n"), "options: [It stays",
     "prompts[1].options: "),
    (("    explanation: A linear", "    explantion: A linear"), "explantion",
     "prompts[1].explantion: unknown field; did you mean 'explanation'?"),
])
def test_bad_prompts_are_reported_with_file_line_and_field(tmp_path, change, needle, expected):
    text = PROMPTS.replace(*change)
    root = course(tmp_path, text)
    got = [str(p) for p in content.check(root)]
    lineno = line(text, needle.rstrip("\n"))
    if needle == "- id: rest\n":  # the duplicate: the second "- id: rest"
        lineno = [i for i, ln in enumerate(text.splitlines(), 1) if "- id: rest" in ln][1]
    assert any(p.startswith(f"{PATH}:{lineno}: {expected}") for p in got), got
    with pytest.raises(ContentError):
        content.load_predict("09_demo", root)


def test_unknown_reference_keys_are_reported(tmp_path):
    text = PROMPTS.replace("    references: [jahr1990]\n", "    references: [jahr1990, jahr1991]\n")
    root = course(tmp_path, text)
    assert [str(p) for p in content.check(root)] == [
        f"{PATH}:{line(text, 'jahr1991')}: prompts[0].references[1]: unknown reference key 'jahr1991' "
        "(not in assets/references.yaml)"]


def test_a_notebook_naming_a_missing_prompt_is_reported_at_its_line(tmp_path, capsys):
    root = course(tmp_path, calls=('predict.predict("09_demo", "rest")', 'predict.predict("09_demo", "resting")'))
    assert cli.main(["check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    nb_text = (root / "notebooks/09_demo.ipynb").read_text()
    assert (f"notebooks/09_demo.ipynb:{line(nb_text, 'resting')}: cells[2]: predict prompt 'resting' "
            "is not in assets/predict/09_demo.yaml") in out


def test_a_notebook_naming_a_missing_prompt_file_is_reported(tmp_path):
    root = course(tmp_path, calls=('predict.predict("08_gone", "rest")',))
    got = [str(p) for p in content.check(root)]
    assert any("predict('08_gone', ...): assets/predict/08_gone.yaml is missing or invalid" in p for p in got)


def test_the_course_prompts_are_valid_and_every_page_shows_its_own():
    for meta in content.modules():
        for cell in content.notebook_cells(meta.slug):
            for module, key in content._pages.predict_calls(cell.source):
                assert module == meta.slug, f"{meta.slug} shows a prompt of {module}"
                assert content.load_predict(module).get(key).options
