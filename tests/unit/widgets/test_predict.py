"""The predict-then-check view (one widget model, front end katlearn/widgets/predict.js) shows a prompt
from assets/predict, keeps the learner's choice, and explains only after the learner has committed."""

from __future__ import annotations

import json
import uuid

import anywidget
import ipywidgets as widgets
import pytest

from katlearn import content, learning
from katlearn.widgets import predict, quiz

MODULE, KEY = "02_nmda_glutamate", "rest-current"


@pytest.fixture
def data():
    return content.load_predict(MODULE).get(KEY)


def make(data, learner: str) -> predict.Predict:
    return predict.Predict(MODULE, KEY, data.prompt, list(data.options), data.answer_index, data.explanation,
                           learner=learner)


def learner() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


def send(view: predict.Predict, msg) -> None:
    """A message as predict.js sends it (through JSON, as over the websocket)."""
    view._on_front_end(view, json.loads(json.dumps(msg)), [])


def synced(view: predict.Predict) -> str:
    """Everything the front end receives but its code (predict.js), as one string."""
    return json.dumps({k: v for k, v in view.get_state().items() if k != "_esm"}, default=str)


def test_a_prompt_is_shown_from_its_content_file_and_checked(data):
    name = learner()
    view = make(data, name)
    assert isinstance(view, anywidget.AnyWidget) and "kl-predict" in view._dom_classes
    assert "nerve cell sits at −70 mV" in view.prompt and view.prompt.startswith("<strong>Predict:</strong>")
    assert view.options == list(data.options)
    assert view.chosen is None and view.result_html == ""

    assert view.check() is False
    assert predict.NOTHING_CHOSEN in view.result_html and view.verdict == "error"
    assert learning.latest_choices(name, MODULE) == {}

    view.choose(data.answer_index)
    assert view.check() is True
    assert "Your prediction matches." in view.result_html and view.verdict == "match"
    assert 'class="kl-feedback' in view.result_html
    assert 'href="#ref-jahr1990"' in view.result_html  # the explanation's citation links to the list
    assert learning.latest_choices(name, MODULE) == {KEY: data.answer_index}


def test_a_different_prediction_names_both_options_and_is_recorded(data):
    name = learner()
    view = make(data, name)
    wrong = next(i for i in range(len(data.options)) if i != data.answer_index)
    send(view, {"event": "check", "choice": wrong})
    assert view.verdict == "differs" and view.chosen == wrong
    assert f"You predicted “{data.options[wrong]}”" in view.result_html
    assert f"the model shows “{data.options[data.answer_index]}”" in view.result_html
    assert learning.latest_choices(name, MODULE) == {KEY: wrong}


def test_the_front_end_checks_by_message_and_each_reply_is_counted(data):
    name = learner()
    view = make(data, name)
    send(view, {"event": "check", "choice": None})
    send(view, {"event": "check", "choice": None})
    assert view.reply == 2 and predict.NOTHING_CHOSEN in view.result_html  # shown (and focused) again
    send(view, {"event": "check", "choice": data.answer_index})
    assert view.reply == 3 and view.chosen == data.answer_index and view.verdict == "match"
    assert learning.latest_choices(name, MODULE) == {KEY: data.answer_index}


def test_the_saved_prediction_is_restored_when_the_page_is_reopened(data):
    name = learner()
    make(data, name).choose(1)
    first = make(data, name)
    first.choose(data.answer_index)
    first.check()
    again = make(data, name)
    assert again.chosen == data.answer_index and again.verdict == "match"
    assert "Your prediction matches." in again.result_html and 'href="#ref-jahr1990"' in again.result_html


def test_neither_the_explanation_nor_the_keyed_option_reaches_the_front_end_before_a_check(data):
    view = make(data, learner())
    before = synced(view)
    assert "Jahr" not in before and "ref-jahr1990" not in before
    assert "matches" not in before and "the model shows" not in before
    assert view.verdict == "" and view.result == ""
    assert not [k for k in view.get_state() if "answer" in k or "explanation" in k or "key" in k]
    view.check()  # nothing chosen: still nothing revealed
    assert "Jahr" not in synced(view)
    view.choose(0)
    view.check()
    assert "ref-jahr1990" in synced(view)


@pytest.mark.parametrize("bad", [7, -1, 1.5, "1", True, [0], {"pos": 0}])
def test_an_unreadable_choice_from_the_front_end_gives_a_message_not_a_traceback(data, bad):
    name = learner()
    view = make(data, name)
    send(view, {"event": "check", "choice": bad})
    assert view.verdict == "error" and "could not be read" in view.result_html
    assert f"one of the {len(data.options)} options" in view.result_html
    assert view.chosen is None and learning.latest_choices(name, MODULE) == {}


@pytest.mark.parametrize("msg", [None, "check", [1], {"event": "nope", "choice": 0}, {}])
def test_other_messages_are_ignored(data, msg):
    view = make(data, learner())
    send(view, msg)
    assert view.reply == 0 and view.result_html == "" and view.chosen is None


def test_a_prompt_is_one_widget_model_sharing_its_layout(data):
    make(data, learner())  # the shared layout exists from here on
    before = set(widgets.Widget.widgets)
    a, b = make(data, learner()), make(data, learner())
    assert set(widgets.Widget.widgets) - before == {a.model_id, b.model_id}
    assert a.layout is b.layout is predict._LAYOUT is quiz._LAYOUT  # the page's one full-width layout


def test_a_store_that_cannot_save_still_reveals_and_says_so(data, monkeypatch):
    def broken(*_args, **_kwargs):
        raise learning.ProgressError("disk full")

    view = make(data, learner())
    monkeypatch.setattr(learning, "record_choice", broken)
    view.choose(data.answer_index)
    assert view.check() is True
    assert "Your prediction matches." in view.result_html
    assert "could not be saved: disk full" in view.result_html


def test_the_notebook_call_needs_only_the_module_and_key():
    view = predict.predict("05_treatment_process", "dissociation-vs-monitoring")
    built = view if isinstance(view, predict.Predict) else view.children[0]
    assert isinstance(built, predict.Predict)
    assert built.options == list(content.load_predict("05_treatment_process").get("dissociation-vs-monitoring").options)


def test_a_store_that_cannot_be_read_still_shows_the_prompt(data, monkeypatch):
    def broken(*_args, **_kwargs):
        raise learning.ProgressError("store locked")

    monkeypatch.setattr(learning, "latest_choices", broken)
    view = make(data, learner())
    assert view.options == list(data.options) and view.chosen is None
    assert "Your saved prediction could not be read: store locked" in view.result_html
    assert "ref-jahr1990" not in view.result_html
