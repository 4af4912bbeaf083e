"""“Predict, then check”: the learner commits to a prediction before exploring.

Committing first is what makes the check teach (the learner notices the gap between what they
expected and what the model shows). The prompts are content (``assets/predict/<module>.yaml``,
loaded by :func:`katlearn.content.load_predict`); the prediction is kept in the progress store.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.widgets.live import deferred
from katlearn.widgets._html import html_view


class Predict(widgets.VBox):
    """A prediction question with a reveal: choose, press "Check my prediction", read why."""

    def __init__(self, module: str, key: str, prompt: str, options: list[str], answer: int, explanation: str,
                 learner: str | None = None) -> None:
        if not 0 <= answer < len(options):
            raise ValueError(f"answer must index options (0..{len(options) - 1}), got {answer}")
        self.module, self.key, self.answer = module, key, answer
        self.learner = learner or learning.current_learner()
        self.options = list(options)
        self.explanation = explanation
        self.prompt = html_view(f'<p class="kl-predict-prompt"><strong>Predict:</strong> {content.render_markdown(prompt, inline=True)}</p>')
        self.choice = widgets.RadioButtons(options=[(o, i) for i, o in enumerate(options)], value=None,
                                           description="Your prediction", style={"description_width": "initial"},
                                           layout=widgets.Layout(width="auto"))
        self.button = widgets.Button(description="Check my prediction", button_style="primary",
                                     tooltip="Reveal what the model shows",
                                     layout=widgets.Layout(width="auto"))
        self.result = html_view()
        self.button.on_click(self._check)
        super().__init__([self.prompt, self.choice, self.button, self.result])
        self.add_class("kl-predict")
        self.button.add_class("kl-predict-check")
        self.result.add_class("kl-predict-result")
        previous = learning.latest_choices(self.learner, module).get(key)
        if isinstance(previous, int) and 0 <= previous < len(options):
            self.choice.value = previous
            self._reveal(previous)

    def _check(self, _button=None) -> None:
        chosen = self.choice.value
        if chosen is None:
            self.result.value = '<div role="status" class="kl-feedback">Choose a prediction first, then check it.</div>'
            return
        learning.record_choice(self.learner, self.module, self.key, chosen)
        self._reveal(chosen)

    def _reveal(self, chosen: int) -> None:
        verdict = "Your prediction matches." if chosen == self.answer else (
            f"You predicted “{escape(self.options[chosen])}”; the model shows “{escape(self.options[self.answer])}”."
        )
        self.result.value = (
            f'<div role="status" aria-live="polite" class="kl-feedback">'
            f"<p><strong>{verdict}</strong></p>{content.render_markdown(self.explanation)}</div>"
        )


@deferred
def predict(module: str, key: str) -> Predict:
    """The predict-then-check prompt ``key`` of ``assets/predict/<module>.yaml``."""
    p = content.load_predict(module).get(key)
    return Predict(module, key, p.prompt, list(p.options), p.answer_index, p.explanation)
