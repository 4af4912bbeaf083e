"""“Getting unstuck” explorers — teaching metaphors from :mod:`katlearn.science.landscape`.

- ``landscape_explorer()``: an energy landscape whose barrier flattens as "plasticity" rises and whose
  alternative valley deepens as it is "learned"; a ball shows where the state sits and whether it can leave.
- ``hopfield_explorer()``: a 64-unit Hopfield network stuck in a strongly stored "rut" pattern; run it at low
  or high plasticity, learn a new pattern during the plastic window, and offer the new pattern as a cue.

Stable CSS classes:

- landscape: ``kl-landscape`` (container), ``kl-landscape-plasticity`` (main control), ``kl-landscape-learning``,
  ``kl-landscape-reset``, ``kl-landscape-readout``;
- Hopfield: ``kl-hopfield`` (container), ``kl-hopfield-low``, ``kl-hopfield-high`` (main control),
  ``kl-hopfield-learn``, ``kl-hopfield-cue``, ``kl-hopfield-reset``, ``kl-hopfield-status``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from katlearn.figures import unstuck
from katlearn.science import landscape
from katlearn.science import params as P
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["LandscapeExplorer", "HopfieldExplorer", "landscape_explorer", "hopfield_explorer", "settle", "JOSTLE",
           "SWEEPS_PER_RUN"]

JOSTLE = P.Assumption(0.35, "a.u.", why="how high everyday ups and downs lift the ball: above the barrier only when "
                                        "plasticity is high (barrier 0.33 at plasticity 0.9 before learning)")
SWEEPS_PER_RUN = 20  # steps per button press (presentation choice)
_STYLE = {"description_width": "initial"}
_SLIDER = {"width": "100%", "max_width": "34em"}


def _descend(e: np.ndarray, i: int) -> int:
    """Index of the valley bottom reached by rolling downhill from index ``i``."""
    n = e.size
    while True:
        left = e[i - 1] if i > 0 else np.inf
        right = e[i + 1] if i < n - 1 else np.inf
        if left < e[i] and left <= right:
            i -= 1
        elif right < e[i]:
            i += 1
        else:
            return i


def settle(land: landscape.Landscape, ball_x: float, jostle: float = JOSTLE.value) -> tuple[float, bool]:
    """Where the ball ends up on ``land`` and whether it is free to cross the barrier.

    It rolls to the bottom of its valley. If the barrier to the other valley is no higher than ``jostle``,
    it is free, and it ends up in the deepest valley; otherwise it stays where it is.
    """
    x, e = land.x, land.energy
    i = _descend(e, int(np.argmin(np.abs(x - ball_x))))
    interior = np.arange(1, x.size - 1)
    minima = interior[(e[interior] < e[interior - 1]) & (e[interior] <= e[interior + 1])]
    others = [j for j in minima if j != i]
    if not others:
        return float(x[i]), True
    barrier = min(float(e[min(i, j):max(i, j) + 1].max()) - float(e[i]) for j in others)
    if barrier > jostle:
        return float(x[i]), False
    deepest = int(minima[np.argmin(e[minima])])
    return float(x[deepest]), True


class LandscapeExplorer(widgets.VBox):
    """Plasticity and learning sliders over the energy landscape; the ball remembers where it is."""

    def __init__(self, plasticity: float = 0.0, learning: float = 0.0) -> None:
        self.plasticity = control(widgets.FloatSlider, value=plasticity, min=0.0, max=1.0, step=0.05, readout_format=".2f",
                                              description="Plasticity:", continuous_update=False, style=_STYLE,
                                              layout=shared_layout(**_SLIDER))
        self.plasticity.add_class("kl-landscape-plasticity")
        self.learning = control(widgets.FloatSlider, value=learning, min=0.0, max=1.0, step=0.05, readout_format=".2f",
                                            description="Learning:", tooltip="How deeply the alternative has been learned",
                                            continuous_update=False,
                                            style=_STYLE, layout=shared_layout(**_SLIDER))
        self.learning.add_class("kl-landscape-learning")
        self.reset_button = control(widgets.Button, description="Start again", icon="undo",
                                           tooltip="Put the ball back in the rut and both sliders to 0")
        self.reset_button.add_class("kl-landscape-reset")
        self.readout = html_view()
        self.readout.add_class("kl-landscape-readout")
        self.view = PlotView()
        controls = widgets.VBox([self.plasticity, self.learning, self.reset_button], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-landscape")
        self.ball_x = float(landscape.energy_landscape(0.0, 0.0).rut_x)
        for w in (self.plasticity, self.learning):
            w.observe(lambda _c: self.update(), names="value")
        self.reset_button.on_click(lambda _b: self.reset())
        self.update()

    def reset(self) -> None:
        self.ball_x = float(landscape.energy_landscape(0.0, 0.0).rut_x)
        self.plasticity.value = 0.0
        self.learning.value = 0.0
        self.update()

    def update(self) -> None:
        land = landscape.energy_landscape(float(self.plasticity.value), float(self.learning.value))
        self.ball_x, free = settle(land, self.ball_x)
        self.view.show(unstuck.landscape_figure(land, self.ball_x, JOSTLE.value, free))
        in_rut = self.ball_x < 0
        if free and in_rut:
            text = ("The barrier is low enough for the ball to move, but the rut is still the deepest valley, "
                    "so it keeps ending up there. Try learning the alternative.")
        elif free:
            text = "The barrier is low and the alternative is deeper: the ball has moved into the alternative."
        elif in_rut:
            text = "The barrier is too high: everyday jostling cannot lift the ball out of the rut."
        else:
            text = "The barrier is high again, and the ball stays in the alternative valley: the new habit holds."
        self.readout.value = f'<p class="kl-readout" aria-live="polite">{text}</p>'


class HopfieldExplorer(widgets.VBox):
    """Run, learn and cue a small Hopfield network; every press adds steps to the same history."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)
        d = landscape.DEFAULTS
        self.low_t, self.high_t = float(d["low_temperature"].value), float(d["high_temperature"].value)
        self.low_button = control(widgets.Button, description="Run: low plasticity", tooltip="Run 20 steps at low plasticity",
                                         layout=shared_layout(width="auto"))
        self.high_button = control(widgets.Button, description="Run: high plasticity", button_style="warning",
                                          tooltip="Run 20 steps at high plasticity", layout=shared_layout(width="auto"))
        self.learn_button = control(widgets.Button, description="Learn the new pattern", button_style="success",
                                           tooltip="Hebbian learning of the new pattern (only in the plastic window)",
                                           layout=shared_layout(width="auto"))
        self.cue_button = control(widgets.Button, description="Offer the new pattern",
                                         tooltip="Start from a partial version of the new pattern, at low plasticity",
                                         layout=shared_layout(width="auto"))
        self.reset_button = control(widgets.Button, description="Start again", icon="undo", tooltip="Back to the first state",
                                           layout=shared_layout(width="auto"))
        for b, cls in ((self.low_button, "kl-hopfield-low"), (self.high_button, "kl-hopfield-high"),
                       (self.learn_button, "kl-hopfield-learn"), (self.cue_button, "kl-hopfield-cue"),
                       (self.reset_button, "kl-hopfield-reset")):
            b.add_class(cls)
        self.status = html_view()
        self.status.add_class("kl-hopfield-status")
        self.view = PlotView()
        buttons = widgets.HBox([self.low_button, self.high_button, self.learn_button, self.cue_button,
                                self.reset_button],
                               layout=shared_layout(flex_flow="row wrap", gap="0.4em", width="100%"))
        buttons.add_class("kl-controls")
        super().__init__([buttons, self.status, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-hopfield")
        self.low_button.on_click(lambda _b: self.run(high=False))
        self.high_button.on_click(lambda _b: self.run(high=True))
        self.learn_button.on_click(lambda _b: self.learn())
        self.cue_button.on_click(lambda _b: self.cue())
        self.reset_button.on_click(lambda _b: self.reset())
        self.reset()

    # -- state ---------------------------------------------------------------------------------
    def reset(self) -> None:
        self.net = landscape.make_network(seed=self.seed)
        self.original = self.net
        self.state = np.array(self.net.rut, dtype=float)
        self.n_runs = 0
        self.learned_at: int | None = None
        self.cued_at: list[int] = []
        self.rut_hist = [landscape.overlap(self.state, self.net.rut)]
        self.new_hist = [landscape.overlap(self.state, self.net.new_pattern)]
        self.temp_hist = [self.low_t]
        self._message("The network starts in the rut. Run it at low plasticity, then at high plasticity.")
        self._draw()

    @property
    def in_window(self) -> bool:
        """True when the last steps ran at high plasticity (the "plastic window" of the metaphor)."""
        return len(self.temp_hist) > 1 and self.temp_hist[-1] >= self.high_t

    def _extend(self, r: landscape.Run) -> None:
        self.state = np.array(r.final_state, dtype=float)
        self.rut_hist += list(r.overlaps[1:, 0])
        self.new_hist += list(r.overlap_new[1:])
        self.temp_hist += [r.temperature] * (r.overlaps.shape[0] - 1)

    def run(self, high: bool) -> None:
        self.n_runs += 1
        t = self.high_t if high else self.low_t
        r = landscape.run(self.net, self.state, t, SWEEPS_PER_RUN, seed=self.seed + self.n_runs)
        self._extend(r)
        m = abs(r.overlaps[-1, 0]) * 100
        if high:
            msg = f"High plasticity: the state wandered out of the rut (match now {m:.0f}%)."
            if self.learned_at is None:
                msg += " This is the window: press “Learn the new pattern”."
        elif m >= 90:
            msg = f"Low plasticity: the state stays in (or falls back into) the rut (match {m:.0f}%)."
        else:
            msg = f"Low plasticity: the state settled {m:.0f}% like the rut."
        self._message(msg)
        self._draw()

    def learn(self) -> None:
        if self.learned_at is not None:
            self._message("The new pattern is already learned. Offer it to see whether it holds.")
            return
        if not self.in_window:
            self._message("In this metaphor, new learning takes hold in the plastic window: run at high plasticity "
                          "first, then learn.")
            return
        self.net = landscape.learn(self.net, rate=float(landscape.DEFAULTS["learning_rate"].value))
        self.learned_at = len(self.rut_hist) - 1
        self._message("Learned: the new pattern is now stored too. Offer it at low plasticity to see if it holds.")
        self._draw()

    def cue(self) -> None:
        self.n_runs += 1
        start = landscape.noisy(self.net.new_pattern, 0.2, seed=self.seed + self.n_runs)
        self.cued_at.append(len(self.rut_hist))
        self.rut_hist.append(landscape.overlap(start, self.net.rut))
        self.new_hist.append(landscape.overlap(start, self.net.new_pattern))
        self.temp_hist.append(self.low_t)
        r = landscape.run(self.net, start, self.low_t, SWEEPS_PER_RUN, seed=self.seed + self.n_runs)
        self._extend(r)
        m_new = abs(r.overlap_new[-1]) * 100
        if m_new >= 90:
            self._message(f"The partial cue grew into the whole new pattern, and it held (match {m_new:.0f}%).")
        else:
            self._message(f"The cue did not hold: the network slid back towards the rut "
                          f"(new-pattern match {m_new:.0f}%, rut match {abs(r.overlaps[-1, 0]) * 100:.0f}%).")
        self._draw()

    # -- view ----------------------------------------------------------------------------------
    def history(self) -> unstuck.HopfieldHistory:
        return unstuck.HopfieldHistory(
            overlap_rut=np.array(self.rut_hist), overlap_new=np.array(self.new_hist),
            temperature=np.array(self.temp_hist), state=self.state, rut=self.net.rut,
            new_pattern=self.net.new_pattern, high_temperature=self.high_t, learned_at=self.learned_at,
            cued_at=tuple(self.cued_at))

    def _message(self, text: str) -> None:
        self.status.value = f'<p class="kl-readout" aria-live="polite">{text}</p>'

    def _draw(self) -> None:
        self.view.show(unstuck.hopfield_figure(self.history()))


def landscape_explorer(**kwargs) -> LandscapeExplorer:
    """The energy-landscape metaphor for a notebook cell."""
    return LandscapeExplorer(**kwargs)


def hopfield_explorer(**kwargs) -> HopfieldExplorer:
    """The Hopfield-network metaphor for a notebook cell."""
    return HopfieldExplorer(**kwargs)
