"""A branching case the learner plays as the trainee therapist.

``case_scenario("trd_maya", module="05_treatment_process")`` shows one node at a time: the phase
(consultation → preparation → administration → integration), the situation, the choices. The
learner picks one and presses "Decide"; feedback says how good the choice was and why; "Continue"
moves on. At the end a debrief lists every choice with its rating. The play-through is
:mod:`katlearn.content` (pure); every decision is kept with
:func:`katlearn.learning.record_choice` under the key ``"<scenario id>/<node id>"`` and the value
``{"choice": index, "rating": ..., "text": ...}``; a finished case adds ``"<scenario id>/complete"``
with the path and the tally.

Stable CSS classes: ``kl-scenario`` (container, plus ``kl-scenario-<id>``), ``kl-scenario-phase``
(the phase stepper), ``kl-scenario-situation``, ``kl-scenario-options`` (main control),
``kl-scenario-decide``, ``kl-scenario-feedback`` (with ``kl-rating-<rating>`` after deciding),
``kl-scenario-continue``, ``kl-scenario-debrief``, ``kl-scenario-restart``.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.content import ContentError, load_references
from katlearn.widgets._html import html_view, live_region
from katlearn.widgets.live import deferred
from katlearn.widgets.quiz import cite
from katlearn.widgets._shared import control, set_shown, shared_layout

__all__ = ["CaseScenario", "case_scenario", "RATING_COLOURS"]

# Colours that meet 4.5:1 on white (the course stylesheet's --kl-ok / --kl-bad), plus a neutral.
RATING_COLOURS = {"best": "#00734d", "acceptable": "#8a5a00", "risky": "#b34700"}
RATING_MARKS = {"best": "✓", "acceptable": "~", "risky": "✗"}
TALLY_WORDS = {"best": "strong", "acceptable": "reasonable", "risky": "risky"}



def _stepper(phase: str) -> str:
    current = content.PHASES.index(phase)
    items = []
    for i, p in enumerate(content.PHASES):
        attrs = ' aria-current="step"' if i == current else ""
        style = ("font-weight:700;border-bottom:3px solid #0072b2" if i == current
                 else "color:#555" if i > current else "color:#00734d")
        mark = "✓ " if i < current else ""
        items.append(f'<li{attrs} style="display:inline-block;margin:0 0.9em 0.3em 0;{style}">'
                     f"{mark}{escape(content.PHASE_LABELS[p])}</li>")
    return (f'<nav aria-label="Phase of the case"><ol style="list-style:none;padding:0;margin:0.5em 0">'
            f"{''.join(items)}</ol></nav>")


def _choice_buttons(texts: list[str]) -> widgets.RadioButtons:
    """The choices of one decision, none selected."""
    buttons = control(widgets.RadioButtons, options=[(t, i) for i, t in enumerate(texts)], value=None,
                                   description="Your choice:", style={"description_width": "initial"},
                                   layout=shared_layout(width="100%"))
    buttons.add_class("kl-scenario-options")
    return buttons


class CaseScenario(widgets.VBox):
    """One case, played one decision at a time, with feedback and a debrief."""

    def __init__(self, scenario_id: str, module: str, learner: str | None = None,
                 scenario: content.Scenario | None = None) -> None:
        self.module = module
        self.learner = learner or learning.current_learner()
        self.header = html_view()
        self.stepper = html_view()
        self.stepper.add_class("kl-scenario-phase")
        self.situation = html_view(wide=True)
        self.situation.add_class("kl-scenario-situation")
        self.options = _choice_buttons([])
        self.options_slot = widgets.Box([self.options], layout=shared_layout(width="100%"))
        self.decide_button = control(widgets.Button, description="Decide", button_style="primary",
                                            tooltip="Commit to the choice you selected and see the feedback",)
        self.decide_button.add_class("kl-scenario-decide")
        self.feedback = html_view(wide=True)
        self.feedback.add_class("kl-scenario-feedback")
        self.continue_button = control(widgets.Button, description="Continue", button_style="primary",
                                              tooltip="Go on to the next moment of the case",
                                              layout=shared_layout(display="none"))
        self.continue_button.add_class("kl-scenario-continue")
        self.debrief_box = html_view(wide=True)
        self.debrief_box.add_class("kl-scenario-debrief")
        self.restart_button = control(widgets.Button, description="Start the case again",
                                             tooltip="Play the case again from the first consultation",
                                             layout=shared_layout(display="none", width="auto"))
        self.restart_button.add_class("kl-scenario-restart")
        self.notice = html_view()
        super().__init__([], layout=shared_layout(width="100%"))
        self.add_class("kl-scenario")
        try:
            self.scenario = scenario or content.load_scenario(scenario_id)
        except ContentError as exc:
            self.scenario = None
            problems = "".join(f"<li><code>{escape(str(p))}</code></li>" for p in exc.problems)
            self.header.value = (f"<p><strong>This case could not be loaded.</strong> Run "
                                 f"<code>python -m katlearn check</code>.</p><ul>{problems}</ul>")
            self.children = [self.header]
            return
        self.add_class(f"kl-scenario-{self.scenario.id}")
        self.header.value = (
            f'<h3 style="margin-bottom:0.2em">{escape(self.scenario.title)}</h3>'
            f"{content.render_markdown(self.scenario.summary)}"
            f'<p><small><em>{escape(self.scenario.note)}</em></small></p>' + self._last_time())
        self.decide_button.on_click(lambda _b: self.decide())
        self.continue_button.on_click(lambda _b: self.proceed())
        self.restart_button.on_click(lambda _b: self.restart())
        self.children = [self.header, self.stepper, self.situation, self.options_slot,
                         widgets.HBox([self.decide_button, self.continue_button], layout=shared_layout()), self.feedback,
                         self.debrief_box, self.restart_button, self.notice]
        self.run = learning.start(self.scenario)
        self._show_node()

    # -- actions -------------------------------------------------------------------------------

    def decide(self, choice: int | None = None) -> content.ScenarioChoice | None:
        """Commit to a choice (the selected one unless ``choice`` is given); show its feedback."""
        assert self.scenario is not None
        node = self.scenario.node(self.run.node_id)
        index = self.options.value if choice is None else choice
        if index is None:
            self.feedback.value = live_region("<p>Choose what you would do first, then press <strong>Decide</strong>.</p>")
            return None
        picked = node.choices[index]
        self.run = learning.choose(self.scenario, self.run, index)
        self._save(f"{self.scenario.id}/{node.id}", {"choice": index, "rating": picked.rating, "text": picked.text})
        colour = RATING_COLOURS[picked.rating]
        for r in content.RATINGS:
            self.feedback.remove_class(f"kl-rating-{r}")
        self.feedback.add_class(f"kl-rating-{picked.rating}")
        best = [c for c in node.choices if c.rating == "best"]
        hint = ""
        if picked.rating != "best" and best:
            hint = f"<p><small>A stronger choice here: “{escape(best[0].text)}”</small></p>"
        sources = ""
        if picked.references:
            sources = f"<p><small>Sources: {cite(picked.references, self._references())}</small></p>"
        self.feedback.value = live_region(
            f'<div style="border-left:4px solid {colour};padding:0.5em 0.9em;margin:0.5em 0">'
            f'<p style="color:{colour}"><strong>{RATING_MARKS[picked.rating]} '
            f"{escape(content.RATING_LABELS[picked.rating])}</strong></p>"
            f"{content.render_markdown(picked.feedback)}{sources}{hint}</div>")
        self.options.disabled = True
        set_shown(self.decide_button, False)
        set_shown(self.continue_button, True)
        return picked

    def proceed(self) -> None:
        """Move on to the node the last decision led to."""
        self._show_node()

    def restart(self) -> None:
        assert self.scenario is not None
        self.run = learning.start(self.scenario)
        self._show_node()

    # -- display -------------------------------------------------------------------------------

    def _show_node(self) -> None:
        assert self.scenario is not None
        node = self.scenario.node(self.run.node_id)
        self.stepper.value = _stepper(node.phase)
        self.situation.value = (f'<h4 style="margin:0.4em 0">{escape(node.title)}</h4>'
                                f"{content.render_markdown(node.situation)}")
        self.feedback.value = ""
        for r in content.RATINGS:
            self.feedback.remove_class(f"kl-rating-{r}")
        set_shown(self.continue_button, False)
        if node.is_end:
            set_shown(self.options_slot, False)
            set_shown(self.decide_button, False)
            self._show_debrief()
            return
        self.debrief_box.value = ""
        set_shown(self.restart_button, False)
        # A fresh set of buttons for each decision, not the last one reset: the browser may send a
        # choice on the new buttons before it has applied the kernel's reset of the old ones, and the
        # reset then wiped the choice (the learner's click was lost; seen about once in 100 decisions
        # on a loaded server).
        old, self.options = self.options, _choice_buttons([c.text for c in node.choices])
        self.options_slot.children = [self.options]
        old.close()
        set_shown(self.options_slot, True)
        set_shown(self.decide_button, True)

    def _show_debrief(self) -> None:
        assert self.scenario is not None
        d = learning.debrief(self.scenario, self.run)
        rows = []
        for node, choice in d.steps:
            colour = RATING_COLOURS[choice.rating]
            phase = content.PHASE_LABELS[node.phase]
            where = phase if node.title.casefold() == phase.casefold() else f"{phase}: {node.title}"
            rows.append(
                f"<li><strong>{escape(where)}.</strong> "
                f"You chose “{escape(choice.text)}” "
                f'<span style="color:{colour}">({RATING_MARKS[choice.rating]} '
                f"{escape(content.RATING_LABELS[choice.rating].lower())})</span></li>")
        tally = ", ".join(f"{d.counts[r]} {TALLY_WORDS[r]}" for r in content.RATINGS)
        self.debrief_box.value = live_region(
            '<div style="border:1px solid #ccc;padding:0.6em 1em;margin-top:0.5em">'
            f"<h4>Debrief</h4><p>You made {len(d.steps)} decisions: {escape(tally)}.</p>"
            f"<ol>{''.join(rows)}</ol>{content.render_markdown(self.scenario.debrief)}</div>")
        set_shown(self.restart_button, True)
        self._save(f"{self.scenario.id}/complete",
                   {"path": [[s.node_id, s.choice] for s in self.run.steps], "counts": dict(d.counts)})

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
            self.notice.value = live_region(f"<p><strong>Your choice could not be saved</strong> ({escape(str(exc))}). "
                                      "You can still play the case.</p>")


@deferred
def case_scenario(scenario_id: str, module: str) -> CaseScenario:
    """A branching case (``assets/scenarios/<scenario_id>.yaml``) whose choices count for ``module``."""
    return CaseScenario(scenario_id, module)
