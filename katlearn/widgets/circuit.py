"""Disinhibition explorer: ketamine level → interneuron and pyramidal firing and glutamate output.

A notebook calls ``circuit_explorer()``: one slider (ketamine at the receptors, µM), a schematic of the
E–I circuit and the circuit's firing over time and across levels (from :mod:`katlearn.science.disinhibition`).

Stable CSS classes: ``kl-circuit-explorer`` (container), ``kl-circuit-level`` (main control),
``kl-circuit-readout``.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets

from katlearn.figures import firing
from katlearn.figures import block_curves
from katlearn.science import disinhibition
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["CircuitExplorer", "circuit_explorer", "LEVELS_UM", "transient"]

# Slider stops (µM), log-spaced around the protocol's plasma range; a presentation choice.
LEVELS_UM = (0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 3.0, 5.0, 10.0)
_STYLE = {"description_width": "initial"}


@lru_cache(maxsize=len(LEVELS_UM) + 4)
def transient(conc_uM: float) -> disinhibition.Transient:
    """The circuit's response to a step to ``conc_uM`` (cached: integrating it takes ~15 ms)."""
    return disinhibition.transient(conc_uM)


@lru_cache(maxsize=1)
def _sweep() -> disinhibition.SteadyState:
    return disinhibition.sweep()


@lru_cache(maxsize=1)
def _baseline() -> disinhibition.SteadyState:
    return disinhibition.steady_state(0.0)


@lru_cache(maxsize=1)
def _plasma() -> block_curves.PlasmaRange:
    return block_curves.protocol_plasma_range()


class CircuitExplorer(widgets.VBox):
    """One slider drives a circuit schematic and the firing figure."""

    def __init__(self, conc_uM: float = 0.75) -> None:
        if conc_uM not in LEVELS_UM:
            raise ValueError(f"conc_uM must be one of {LEVELS_UM} (got {conc_uM!r})")
        self.level = control(widgets.SelectionSlider,
            options=[("none" if c == 0 else f"{c:g} µM", c) for c in LEVELS_UM], value=conc_uM,
            description="Ketamine:", tooltip="Ketamine concentration at the receptors, in micromolar",
            continuous_update=False, style=_STYLE,
            layout=shared_layout(width="100%", max_width="34em"))
        self.level.add_class("kl-circuit-level")
        self.readout = html_view()
        self.readout.add_class("kl-circuit-readout")
        self.schematic = PlotView()
        self.view = PlotView()
        controls = widgets.VBox([self.level], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.schematic, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-circuit-explorer")
        self._last: float | None = None
        self.level.observe(lambda _c: self.update(), names="value")
        self.update()

    def update(self) -> None:
        c = float(self.level.value)
        if c == self._last:
            return
        self._last = c
        ss, base = disinhibition.steady_state(c), _baseline()
        occ = float(ss.occupancy)
        e_rel = float(ss.glutamate_rel)
        i_rel = float(ss.i_rate) / float(base.i_rate)
        self.schematic.show(firing.schematic_figure(c, occ, e_rel, i_rel))
        self.view.show(firing.dynamics_figure(transient(c), _sweep(), _plasma()))
        if c == 0:
            text = "No ketamine: both cell types fire at their baseline rate."
        else:
            text = (f"With <strong>{c:g} µM</strong> ketamine ({occ * 100:.0f}% of NMDA receptors blocked), "
                    f"interneurons fire at <strong>{i_rel * 100:.0f}%</strong> of baseline and pyramidal cells at "
                    f"<strong>{e_rel * 100:.0f}%</strong>, so glutamate output is {e_rel:.2f}× baseline (model).")
        self.readout.value = f'<p class="kl-readout" aria-live="polite">{text}</p>'


def circuit_explorer(**kwargs) -> CircuitExplorer:
    """The disinhibition explorer for a notebook cell."""
    return CircuitExplorer(**kwargs)
