"""The step-through synapse schematic."""

import json

import pytest

from katlearn.figures import synapse_steps


def _names(d):
    return {t.name for t in d.figure.data}


def test_every_step_draws_and_its_caption_is_the_description():
    specs = set()
    for i, step in enumerate(synapse_steps.STEPS):
        d = synapse_steps.synapse_figure(i)
        assert step.caption in d.description
        assert d.description.startswith(f"Step {i + 1} of {synapse_steps.n_steps()}: {step.title}")
        assert d.title == f"Step {i + 1} of {synapse_steps.n_steps()}: {step.title}"
        specs.add(d.figure.to_json())
    assert len(specs) == synapse_steps.n_steps()  # every step looks different


def test_the_story_in_order():
    keys = [s.key for s in synapse_steps.STEPS]
    assert keys == ["rest", "release", "ampa", "mg_leaves", "calcium", "ketamine_enters", "trapped"]


def test_magnesium_leaves_the_pore_and_ketamine_takes_its_place():
    in_pore = [i for i in range(synapse_steps.n_steps()) if "magnesium ion in the pore" in _names(synapse_steps.synapse_figure(i))]
    assert in_pore == [0, 1, 2]
    calcium = [i for i in range(synapse_steps.n_steps()) if "calcium ions" in _names(synapse_steps.synapse_figure(i))]
    assert calcium == [4]
    ketamine = [i for i in range(synapse_steps.n_steps()) if "ketamine in the pore" in _names(synapse_steps.synapse_figure(i))]
    assert ketamine == [5, 6]
    assert "glutamate (unbound)" in _names(synapse_steps.synapse_figure(6))


def test_depolarisation_is_shown_in_words_not_only_colour():
    texts = lambda i: " ".join(a.text for a in synapse_steps.synapse_figure(i).figure.layout.annotations)  # noqa: E731
    assert "at rest" in texts(0)
    assert "depolarised" in texts(2)
    assert "at rest" in texts(6)


def test_axes_are_fixed_and_hidden():
    layout = json.loads(synapse_steps.synapse_figure(0).figure.to_json())["layout"]
    assert layout["xaxis"]["visible"] is False and layout["xaxis"]["fixedrange"] is True
    assert layout["yaxis"]["range"] == [0, 10]


def test_refs_are_known_reference_keys():
    from katlearn import content

    refs = content.load_references()
    for step in synapse_steps.STEPS:
        for key in step.refs:
            assert key in refs


@pytest.mark.parametrize("bad", [-1, 7, 100])
def test_out_of_range_steps_are_refused(bad):
    with pytest.raises(ValueError, match="step"):
        synapse_steps.synapse_figure(bad)
