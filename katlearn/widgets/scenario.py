"""A branching case the learner plays as the trainee therapist.

``case_scenario("trd_maya", module="05_treatment_process")`` shows one node at a time: the phase
(consultation → preparation → administration → integration), the situation, the choices. The
learner picks one and presses "Decide"; feedback says how good the choice was and why; "Continue"
moves on. At the end a debrief lists every choice with its rating. The play-through is
:mod:`katlearn.learning` (pure rules); every decision is kept with
:func:`katlearn.learning.record_choice` under the key ``"<scenario id>/<node id>"`` and the value
``{"choice": index, "rating": ..., "text": ...}``; a finished case adds ``"<scenario id>/complete"``
with the path and the tally, and the case's header says how the last finished run went.

A case is one widget model with its own small front end (``scenario.js``, sent with the page like
``quiz.js``). Its state holds only what the learner may see now: the current situation and its
choice texts, never a choice's rating or feedback before the decision, nor later nodes. "Decide",
"Continue" and "Start the case again" are messages; Python plays, records and sends back the new
state, and the front end moves focus (to the feedback after a decision, to the new situation's
heading after Continue or a restart).

Stable CSS classes (browser tests and the course stylesheet rely on them):

==========================  ======================================================================
class                       element
==========================  ======================================================================
``kl-scenario``             the whole case, plus ``kl-scenario-<id>``
``kl-scenario-phase``       the phase stepper (a ``nav`` with an ``ol``)
``kl-scenario-situation``   the current situation (its heading is focused after Continue)
``kl-scenario-options``     the choices: a fieldset of radio inputs with labels (``kl-choice``)
``kl-scenario-decide``      the "Decide" button (the form's submit button)
``kl-scenario-feedback``    the feedback (focused after a decision, announced), with
                            ``kl-rating-<rating>`` after deciding
``kl-scenario-continue``    the "Continue" button
``kl-scenario-debrief``     the debrief at the end (announced)
``kl-scenario-restart``     the "Start the case again" button
``kl-scenario-notice``      store errors and requests the page could not read
==========================  ======================================================================
"""

from __future__ import annotations

from html import escape
from typing import Any

import anywidget
import traitlets

from katlearn import content, learning
from katlearn.content import ContentError, load_references
from katlearn.widgets._shared import shared_layout
from katlearn.widgets.live import deferred
from katlearn.widgets.quiz import cite
from katlearn.widgets._front_end import front_end

__all__ = ["CaseScenario", "case_scenario", "RATING_MARKS", "TALLY_WORDS"]

RATING_MARKS = {"best": "✓", "acceptable": "~", "risky": "✗"}
TALLY_WORDS = {"best": "strong", "acceptable": "reasonable", "risky": "risky"}
CHOOSE_FIRST = "Choose what you would do first, then press <strong>Decide</strong>."
# the page's one full-width Layout model (a DOMWidget otherwise brings a Layout model of its own)
_LAYOUT = shared_layout(width="100%")



def _stepper(phase: str) -> str:
    current = content.PHASES.index(phase)
    items = []
    for i, p in enumerate(content.PHASES):
        if i < current:
            attrs, mark = ' class="kl-phase-done"', "✓ "
        elif i == current:
            attrs, mark = ' class="kl-phase-now" aria-current="step"', ""
        else:
            attrs, mark = ' class="kl-phase-next"', ""
        items.append(f"<li{attrs}>{mark}{escape(content.PHASE_LABELS[p])}</li>")
    return f'<nav aria-label="Phase of the case"><ol>{"".join(items)}</ol></nav>'


class CaseScenario(anywidget.AnyWidget):
    """One case, played one decision at a time, with feedback and a debrief."""

    _esm = traitlets.Unicode(front_end("scenario.js")).tag(sync=True)
    case_id = traitlets.Unicode("").tag(sync=True)
    header = traitlets.Unicode("").tag(sync=True)  # HTML: title, summary, note, "last time"
    failed = traitlets.Unicode("").tag(sync=True)  # HTML shown instead of the case
    node = traitlets.Unicode("").tag(sync=True)  # id of the node shown (decisions name it)
    step = traitlets.Int(0).tag(sync=True)  # counts nodes shown: a new value redraws the choices
    stepper = traitlets.Unicode("").tag(sync=True)  # HTML
    situation = traitlets.Unicode("").tag(sync=True)  # HTML, headed by the node's title
    choices = traitlets.List(traitlets.Unicode()).tag(sync=True)  # texts of the node shown; [] at the end
    decided = traitlets.Int(None, allow_none=True).tag(sync=True)  # the choice taken here, None before
    rating = traitlets.Unicode("").tag(sync=True)  # of the choice taken here, "" before
    feedback = traitlets.Unicode("").tag(sync=True)  # HTML
    ended = traitlets.Bool(False).tag(sync=True)
    debrief = traitlets.Unicode("").tag(sync=True)  # HTML, at the end
    notice = traitlets.Unicode("").tag(sync=True)  # HTML
    focus = traitlets.Unicode("").tag(sync=True)  # where the page moves focus on a reply
    # counts replies to the front end's messages (it re-enables its buttons and moves focus on each)
    reply = traitlets.Int(0).tag(sync=True)

    def __init__(self, scenario_id: str, module: str, learner: str | None = None,
                 scenario: content.Scenario | None = None) -> None:
        super().__init__(layout=_LAYOUT)
        self.add_class("kl-scenario")
        self.module = module
        self.learner = learner or learning.current_learner()
        self.on_msg(self._on_front_end)
        try:
            self.scenario: content.Scenario | None = scenario or content.load_scenario(scenario_id)
        except ContentError as exc:
            self.scenario = None
            problems = "".join(f"<li><code>{escape(str(p))}</code></li>" for p in exc.problems)
            self.failed = (f"<p><strong>This case could not be loaded.</strong> Run "
                           f"<code>python -m katlearn check</code>.</p><ul>{problems}</ul>")
            return
        self.add_class(f"kl-scenario-{self.scenario.id}")
        with self.hold_sync():
            self.case_id = self.scenario.id
            self.header = (f"<h3>{escape(self.scenario.title)}</h3>"
                           f"{content.render_markdown(self.scenario.summary)}"
                           f"<p><small><em>{escape(self.scenario.note)}</em></small></p>" + self._last_time())
            self.run = learning.start(self.scenario)
            self._show_node()

    # -- actions (the front end's messages, and tests, drive these) ---------------------------

    def decide(self, choice: int | None) -> content.ScenarioChoice | None:
        """Commit to choice ``choice`` (an index into the shown choices) and show its feedback.
        None asks the learner to choose first; a node already decided is left as it is (a second
        click sends nothing twice). ValueError for an index the node does not have."""
        assert self.scenario is not None
        if self.decided is not None or self.ended:
            return None
        node = self.scenario.node(self.node)
        with self.hold_sync():
            if choice is None:
                self._reply("feedback", feedback=f"<p>{CHOOSE_FIRST}</p>")
                return None
            self.run = learning.choose(self.scenario, self.run, choice)
            picked = node.choices[choice]
            self._save(f"{self.scenario.id}/{node.id}", {"choice": choice, "rating": picked.rating, "text": picked.text})
            self.decided, self.rating = choice, picked.rating
            self._reply("feedback", feedback=self._feedback(node, picked))
        return picked

    def proceed(self) -> None:
        """Move on to the node the last decision led to (nothing happens before a decision)."""
        if self.scenario is None or self.decided is None:
            return
        with self.hold_sync():
            self._show_node()
            self._reply("situation")

    def restart(self) -> None:
        """Play the case again from its first node."""
        if self.scenario is None:
            return
        with self.hold_sync():
            self.run = learning.start(self.scenario)
            self._show_node()
            self._reply("situation")

    # -- display -------------------------------------------------------------------------------

    def _show_node(self) -> None:
        assert self.scenario is not None
        node = self.scenario.node(self.run.node_id)
        self.node, self.step = node.id, self.step + 1
        self.stepper = _stepper(node.phase)
        self.situation = f"<h4>{escape(node.title)}</h4>{content.render_markdown(node.situation)}"
        self.choices = [] if node.is_end else [c.text for c in node.choices]
        self.decided, self.rating, self.feedback = None, "", ""
        self.ended = node.is_end
        self.debrief = self._debrief() if node.is_end else ""

    def _feedback(self, node: content.ScenarioNode, picked: content.ScenarioChoice) -> str:
        best = [c for c in node.choices if c.rating == "best"]
        hint = ""
        if picked.rating != "best" and best:
            hint = f"<p><small>A stronger choice here: “{escape(best[0].text)}”</small></p>"
        sources = ""
        if picked.references:
            sources = f"<p><small>Sources: {cite(picked.references, self._references())}</small></p>"
        return (f'<div class="kl-feedback"><p class="kl-rating-label"><strong>{RATING_MARKS[picked.rating]} '
                f"{escape(content.RATING_LABELS[picked.rating])}</strong></p>"
                f"{content.render_markdown(picked.feedback)}{sources}{hint}</div>")

    def _debrief(self) -> str:
        """The debrief of the finished run (and the run saved as complete)."""
        assert self.scenario is not None
        d = learning.debrief(self.scenario, self.run)
        rows = []
        for node, choice in d.steps:
            phase = content.PHASE_LABELS[node.phase]
            where = phase if node.title.casefold() == phase.casefold() else f"{phase}: {node.title}"
            rows.append(
                f"<li><strong>{escape(where)}.</strong> "
                f"You chose “{escape(choice.text)}” "
                f'<span class="kl-rated-{choice.rating}">({RATING_MARKS[choice.rating]} '
                f"{escape(content.RATING_LABELS[choice.rating].lower())})</span></li>")
        tally = ", ".join(f"{d.counts[r]} {TALLY_WORDS[r]}" for r in content.RATINGS)
        self._save(f"{self.scenario.id}/complete",
                   {"path": [[s.node_id, s.choice] for s in self.run.steps], "counts": dict(d.counts)})
        return (f"<h4>Debrief</h4><p>You made {len(d.steps)} decisions: {escape(tally)}.</p>"
                f"<ol>{''.join(rows)}</ol>{content.render_markdown(self.scenario.debrief)}")

    def _reply(self, focus: str, **traits: Any) -> None:
        with self.hold_sync():
            for name, value in traits.items():
                setattr(self, name, value)
            self.focus = focus
            self.reply += 1

    def _on_front_end(self, _widget: Any, msg: Any, _buffers: Any) -> None:
        """The front end's messages: ``{"event": "decide", "node": node id, "choice": index or
        null}``, ``{"event": "continue", "node": node id}``, ``{"event": "restart"}``. Anything it
        cannot read is answered with a notice, never a traceback; every message gets a reply."""
        if self.scenario is None:
            return
        event = msg.get("event") if isinstance(msg, dict) else None
        with self.hold_sync():
            if event == "restart":
                self.restart()
            elif event == "continue":
                if msg.get("node") == self.node and self.decided is not None:
                    self.proceed()
                else:  # a second click on Continue: the next node is already shown
                    self._reply("")
            elif event == "decide":
                choice = msg.get("choice")
                if msg.get("node") != self.node or self.decided is not None:
                    self._reply("")  # a second click on Decide: that node is decided already
                elif self.ended:
                    self._unreadable("a decision after the end of the case")
                elif choice is not None and (isinstance(choice, bool) or not isinstance(choice, int)
                                             or not 0 <= choice < len(self.choices)):
                    self._unreadable(f"choice {str(choice)[:40]!r}, not one of 0..{len(self.choices) - 1}")
                else:
                    self.decide(choice)
            else:
                what = (f"unknown request {str(event)[:40]!r}" if isinstance(msg, dict)
                        else f"not a request: {type(msg).__name__}")
                self._unreadable(what)

    def _unreadable(self, what: str) -> None:
        self._reply("", notice=(f'<p class="kl-notice"><strong>The page sent a request this case could not read</strong> '
                                f"({escape(what)}). Please reload the page.</p>"))

    def _references(self) -> dict:
        try:
            return load_references()
        except ContentError:
            return {}

    def _last_time(self) -> str:
        assert self.scenario is not None
        try:
            done = learning.latest_choices(self.learner, self.module).get(f"{self.scenario.id}/complete")
        except learning.ProgressError:
            return ""
        if not isinstance(done, dict) or not isinstance(done.get("counts"), dict):
            return ""
        best = done["counts"].get("best", 0)
        total = sum(v for v in done["counts"].values() if isinstance(v, int))
        return f"<p><small>Last time you finished this case with {best} strong choices out of {total}.</small></p>"

    def _save(self, key: str, value: dict) -> None:
        try:
            learning.record_choice(self.learner, self.module, key, value)
        except learning.ProgressError as exc:
            self.notice = (f'<p class="kl-notice"><strong>Your choice could not be saved</strong> '
                           f"({escape(str(exc))}). You can still play the case.</p>")


@deferred
def case_scenario(scenario_id: str, module: str) -> CaseScenario:
    """A branching case (``assets/scenarios/<scenario_id>.yaml``) whose choices count for ``module``."""
    return CaseScenario(scenario_id, module)
