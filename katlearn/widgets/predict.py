"""“Predict, then check”: the learner commits to a prediction before exploring.

Committing first is what makes the check teach (the learner notices the gap between what they
expected and what the model shows). The prompts are content (``assets/predict/<module>.yaml``,
loaded by :func:`katlearn.content.load_predict`); the prediction is kept in the progress store.

A prompt is one widget model with its own small front end (``predict.js``, sent with the page
like ``quiz.js``): the prompt and the option texts travel in its state, never which option is
keyed nor the explanation. "Check my prediction" sends the chosen position; Python records it and
only then sends the verdict and the explanation (a saved prediction is shown again the same way
when the page is reopened).

Stable CSS classes (browser tests and the course stylesheet rely on them):

======================  =========================================================================
class                   element
======================  =========================================================================
``kl-predict``          the whole prompt
``kl-predict-prompt``   the prompt text
``kl-predict-options``  the options: a fieldset of radio inputs with labels (``kl-choice``)
``kl-predict-check``    the "Check my prediction" button
``kl-predict-result``   the result area (focused after a check); the verdict and the explanation
                        sit in a ``kl-feedback`` inside its live region
======================  =========================================================================
"""

from __future__ import annotations

from html import escape
from typing import Any

import anywidget
import traitlets

from katlearn import content, learning
from katlearn.widgets._shared import shared_layout
from katlearn.widgets.live import deferred
from katlearn.widgets._front_end import front_end

NOTHING_CHOSEN = "Choose a prediction first, then check it."
# the page's one full-width Layout model (a DOMWidget otherwise brings a Layout model of its own)
_LAYOUT = shared_layout(width="100%")



class Predict(anywidget.AnyWidget):
    """A prediction question with a reveal: choose, press "Check my prediction", read why."""

    _esm = traitlets.Unicode(front_end("predict.js")).tag(sync=True)
    prompt = traitlets.Unicode("").tag(sync=True)  # HTML
    options = traitlets.List(traitlets.Unicode()).tag(sync=True)  # plain texts, in content order
    chosen = traitlets.Int(None, allow_none=True).tag(sync=True)  # the option ticked, None for none
    # "" (nothing checked yet), "match", "differs" or "error" (nothing or nothing readable chosen)
    verdict = traitlets.Unicode("").tag(sync=True)
    result = traitlets.Unicode("").tag(sync=True)  # HTML of the result area
    # counts replies to the front end, so it moves focus even when a reply repeats the last one
    reply = traitlets.Int(0).tag(sync=True)

    def __init__(self, module: str, key: str, prompt: str, options: list[str], answer: int, explanation: str,
                 learner: str | None = None) -> None:
        if not 0 <= answer < len(options):
            raise ValueError(f"answer must index options (0..{len(options) - 1}), got {answer}")
        super().__init__(
            layout=_LAYOUT, options=list(options),
            prompt=f"<strong>Predict:</strong> {content.render_markdown(prompt, inline=True, math='mathml')}")
        self.add_class("kl-predict")
        self.module, self.key = module, key
        self.learner = learner or learning.current_learner()
        self._answer, self._explanation = answer, explanation
        self.on_msg(self._on_front_end)
        try:
            previous = learning.latest_choices(self.learner, module).get(key)
        except learning.ProgressError as exc:
            self._show("error", _notice("Your saved prediction could not be read", exc))
            return
        if isinstance(previous, int) and not isinstance(previous, bool) and 0 <= previous < len(options):
            with self.hold_sync():
                self.chosen = previous
                self._reveal(previous)

    # -- what the front end and tests drive ----------------------------------------------------

    @property
    def result_html(self) -> str:
        """The HTML shown in the result area ('' before any check)."""
        return self.result

    def choose(self, position: int | None) -> None:
        """Tick option ``position`` (None: none), as the learner does before checking."""
        self.chosen = position

    def check(self) -> bool:
        """Record the ticked option and show the verdict with the explanation; False (with a message
        in the result area) when nothing is ticked."""
        chosen = self.chosen
        if chosen is None:
            self._show("error", f"<p>{NOTHING_CHOSEN}</p>")
            return False
        notice = ""
        try:
            learning.record_choice(self.learner, self.module, self.key, chosen)
        except learning.ProgressError as exc:
            notice = _notice("Your prediction could not be saved", exc)
        self._reveal(chosen, notice)
        return True

    # -- helpers -------------------------------------------------------------------------------

    def _on_front_end(self, _widget: Any, msg: Any, _buffers: Any) -> None:
        """The front end's one message: ``{"event": "check", "choice": position or null}``."""
        if not isinstance(msg, dict) or msg.get("event") != "check":
            return
        choice = msg.get("choice")
        with self.hold_sync():
            if choice is None:
                self.chosen = None
            elif isinstance(choice, int) and not isinstance(choice, bool) and 0 <= choice < len(self.options):
                self.chosen = choice
            else:
                self._show("error", f"<p>That choice could not be read. Choose one of the {len(self.options)} "
                                    f"options, then check it.</p>")
                return
            self.check()

    def _reveal(self, chosen: int, notice: str = "") -> None:
        if chosen == self._answer:
            verdict, said = "match", "Your prediction matches."
        else:
            verdict, said = "differs", (f"You predicted “{escape(self.options[chosen])}”; the model shows "
                                        f"“{escape(self.options[self._answer])}”.")
        self._show(verdict, f"<p><strong>{said}</strong></p>"
                            f"{content.render_markdown(self._explanation, math='mathml')}{notice}")

    def _show(self, verdict: str, inner: str) -> None:
        with self.hold_sync():
            self.verdict = verdict
            self.result = f'<div class="kl-feedback kl-predict-{verdict}">{inner}</div>'
            self.reply += 1


def _notice(what: str, exc: Exception) -> str:
    return f'<p class="kl-notice">{escape(what)}: {escape(str(exc))}</p>'


@deferred
def predict(module: str, key: str) -> Predict:
    """The predict-then-check prompt ``key`` of ``assets/predict/<module>.yaml``."""
    p = content.load_predict(module).get(key)
    return Predict(module, key, p.prompt, list(p.options), p.answer_index, p.explanation)
