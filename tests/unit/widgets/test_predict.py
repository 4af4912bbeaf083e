"""The predict-then-check view shows a prompt from assets/predict, keeps the learner's choice, and
explains."""

from __future__ import annotations

import uuid

from katlearn import content
from katlearn.widgets import predict


def test_a_prompt_is_shown_from_its_content_file_and_checked():
    data = content.load_predict("02_nmda_glutamate").get("rest-current")
    learner = f"t-{uuid.uuid4().hex[:8]}"
    view = predict.Predict("02_nmda_glutamate", "rest-current", data.prompt, list(data.options), data.answer_index,
                           data.explanation, learner=learner)
    assert "nerve cell sits at −70 mV" in view.prompt.value
    assert [label for label, _ in view.choice.options] == list(data.options)
    view._check()
    assert "Choose a prediction first" in view.result.value
    view.choice.value = data.answer_index
    view._check()
    assert "Your prediction matches." in view.result.value
    assert 'href="#ref-jahr1990"' in view.result.value  # the explanation's citation links to the list
    again = predict.Predict("02_nmda_glutamate", "rest-current", data.prompt, list(data.options), data.answer_index,
                            data.explanation, learner=learner)
    assert again.choice.value == data.answer_index and "Your prediction matches." in again.result.value


def test_the_notebook_call_needs_only_the_module_and_key():
    view = predict.predict("05_treatment_process", "dissociation-vs-monitoring")
    built = view if isinstance(view, predict.Predict) else view.children[0]
    assert isinstance(built, predict.Predict)
    assert built.options == list(content.load_predict("05_treatment_process").get("dissociation-vs-monitoring").options)
