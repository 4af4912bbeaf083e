"""NMDA receptor explorers: the I–V curve (coincidence detection), trapping block, occupancy by drug.

A notebook calls ``iv_explorer()``, ``trapping_demo()`` or ``occupancy_explorer()``.

Stable CSS classes:

- I–V: ``kl-iv-explorer`` (container), ``kl-iv-voltage`` (main control), ``kl-iv-mg``, ``kl-iv-ketamine``,
  ``kl-iv-readout``;
- trapping: ``kl-trap-demo``, ``kl-trap-conc`` (main control), ``kl-trap-pulses``, ``kl-trap-readout``;
- occupancy: ``kl-occ-explorer``, ``kl-occ-conc`` (main control), ``kl-occ-ligands``, ``kl-occ-ligand-<name>``,
  ``kl-occ-readout``.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets

from katlearn.figures import block_curves
from katlearn.science import nmda_block
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["IVExplorer", "TrappingDemo", "OccupancyExplorer", "iv_explorer", "trapping_demo", "occupancy_explorer",
           "KETAMINE_LEVELS_UM"]

_STYLE = {"description_width": "initial"}
_SLIDER = {"width": "100%", "max_width": "34em"}
# Slider stops for ketamine (µM): a log-spaced ladder across the occupancy curve (presentation choice).
KETAMINE_LEVELS_UM = (0.1, 0.3, 1.0, 3.0, 10.0)


def _um_label(x: float) -> str:
    return f"{x:g} µM"


def _readout(text: str) -> str:
    return f'<p class="kl-readout" aria-live="polite">{text}</p>'


class IVExplorer(widgets.VBox):
    """Membrane voltage, Mg²⁺ and optional ketamine → the NMDA current–voltage curve with a marker."""

    def __init__(self, v_mV: float = -70.0, mg_mM: float = 1.0, ketamine_uM: float = 0.0) -> None:
        self.voltage = control(widgets.IntSlider, value=int(v_mV), min=int(block_curves.V_RANGE_MV[0]),
                                         max=int(block_curves.V_RANGE_MV[1]), step=5,
                                         description="Voltage (mV):", tooltip="Membrane voltage of the receiving cell, in millivolts",
                                         continuous_update=False, style=_STYLE,
                                         layout=shared_layout(**_SLIDER))
        self.voltage.add_class("kl-iv-voltage")
        self.mg = control(widgets.FloatSlider, value=mg_mM, min=0.0, max=2.0, step=0.1, readout_format=".1f",
                                      description="Mg²⁺ (mM):", tooltip="Magnesium concentration outside the cell, in millimolar",
                                      continuous_update=False,
                                      style=_STYLE, layout=shared_layout(**_SLIDER))
        self.mg.add_class("kl-iv-mg")
        options = [("none", 0.0)] + [(_um_label(c), c) for c in KETAMINE_LEVELS_UM]
        if ketamine_uM not in dict((v, k) for k, v in options):
            raise ValueError(f"ketamine_uM must be 0 or one of {KETAMINE_LEVELS_UM} (got {ketamine_uM!r})")
        self.ketamine = control(widgets.SelectionSlider, options=options, value=ketamine_uM, description="Ketamine:",
                                                continuous_update=False, style=_STYLE,
                                                layout=shared_layout(**_SLIDER))
        self.ketamine.add_class("kl-iv-ketamine")
        self.readout = html_view()
        self.readout.add_class("kl-iv-readout")
        self.view = PlotView()
        controls = widgets.VBox([self.voltage, self.mg, self.ketamine], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-iv-explorer")
        self._last: tuple | None = None
        for w in (self.voltage, self.mg, self.ketamine):
            w.observe(lambda _c: self.update(), names="value")
        self.update()

    def update(self) -> None:
        key = (self.voltage.value, round(self.mg.value, 3), self.ketamine.value)
        if key == self._last:
            return
        self._last = key
        v, mg, ket = float(self.voltage.value), float(self.mg.value), float(self.ketamine.value)
        self.view.show(block_curves.iv_figure(v, mg, ket))
        free = float(nmda_block.mg_unblocked_fraction(v, mg)) * 100.0
        text = f"At <strong>{v:.0f} mV</strong>, {free:.0f}% of NMDA channels are free of Mg²⁺"
        if ket > 0:
            text += f"; {ket:g} µM ketamine blocks {float(nmda_block.occupancy(ket, 'ketamine')) * 100:.0f}% of receptors"
        if v >= 0:
            text += ". At 0 mV no net current flows; above it, current flows outward."
        elif free < 20:
            text += ". Glutamate alone lets very little current through."
        else:
            text += ". With glutamate bound, current flows."
        self.readout.value = _readout(text)


class TrappingDemo(widgets.VBox):
    """Repeated activations with ketamine, a rest, then activations after washout."""

    def __init__(self, ketamine_uM: float = 1.0, n_activations: int = 30) -> None:
        self.conc = control(widgets.SelectionSlider, options=[(_um_label(c), c) for c in KETAMINE_LEVELS_UM],
                                            value=ketamine_uM, description="Ketamine:", continuous_update=False,
                                            style=_STYLE, layout=shared_layout(**_SLIDER))
        self.conc.add_class("kl-trap-conc")
        self.pulses = control(widgets.IntSlider, value=n_activations, min=5, max=60, step=5,
                                        description="Activations:", tooltip="Number of receptor activations in each phase",
                                        continuous_update=False,
                                        style=_STYLE, layout=shared_layout(**_SLIDER))
        self.pulses.add_class("kl-trap-pulses")
        self.readout = html_view()
        self.readout.add_class("kl-trap-readout")
        self.view = PlotView()
        controls = widgets.VBox([self.conc, self.pulses], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-trap-demo")
        self._last: tuple | None = None
        for w in (self.conc, self.pulses):
            w.observe(lambda _c: self.update(), names="value")
        self.update()

    def update(self) -> None:
        key = (self.conc.value, self.pulses.value)
        if key == self._last:
            return
        self._last = key
        run = block_curves.trapping_run(float(self.conc.value), int(self.pulses.value), int(self.pulses.value))
        self.view.show(block_curves.trapping_figure(run))
        self.readout.value = _readout(
            f"After {run.n_with_drug} activations with {run.ketamine_uM:g} µM ketamine, "
            f"<strong>{run.end_of_drug_pct:.0f}%</strong> of the current is left; {run.blocked_after_drug * 100:.0f}% "
            f"of channels hold trapped ketamine through the rest.")


@lru_cache(maxsize=1)
def _plasma() -> block_curves.PlasmaRange:
    return block_curves.protocol_plasma_range()


class OccupancyExplorer(widgets.VBox):
    """Occupancy against concentration for ketamine and its relatives, with a concentration marker."""

    def __init__(self, conc_uM: float = 0.5, ligands: tuple[str, ...] = block_curves.OCCUPANCY_LIGANDS) -> None:
        self.conc = control(widgets.FloatLogSlider, value=conc_uM, base=10, min=-2, max=2, step=0.1, readout_format=".2g",
                                           description="Conc. (µM):", tooltip="Drug concentration in micromolar (logarithmic slider)",
                                           continuous_update=False, style=_STYLE,
                                           layout=shared_layout(**_SLIDER))
        self.conc.add_class("kl-occ-conc")
        self.boxes: dict[str, widgets.Checkbox] = {}
        for name in block_curves.OCCUPANCY_LIGANDS:
            box = control(widgets.Checkbox, value=name in ligands, description=block_curves.LIGAND_STYLE[name]["short"],
                                   indent=False, layout=shared_layout(width="auto", margin="0 1.2em 0 0"))
            box.add_class(f"kl-occ-ligand-{name}")
            self.boxes[name] = box
        label = html_view('<span class="kl-control-label">Drugs shown:</span>')
        self.ligand_box = widgets.HBox([label, *self.boxes.values()],
                                       layout=shared_layout(flex_flow="row wrap", align_items="center"))
        self.ligand_box.add_class("kl-occ-ligands")
        self.readout = html_view()
        self.readout.add_class("kl-occ-readout")
        self.view = PlotView()
        controls = widgets.VBox([self.conc, self.ligand_box], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-occ-explorer")
        self._last: tuple | None = None
        for w in (self.conc, *self.boxes.values()):
            w.observe(lambda _c: self.update(), names="value")
        self.update()

    @property
    def ligands(self) -> tuple[str, ...]:
        return tuple(n for n in block_curves.OCCUPANCY_LIGANDS if self.boxes[n].value)

    def update(self) -> None:
        key = (round(float(self.conc.value), 6), self.ligands)
        if key == self._last:
            return
        self._last = key
        c = float(self.conc.value)
        if not self.ligands:
            self.readout.value = _readout("Tick at least one drug to see its curve.")
            return
        self.view.show(block_curves.occupancy_figure(c, self.ligands, _plasma()))
        parts = [f"{block_curves.LIGAND_STYLE[n]['short']} {float(nmda_block.occupancy(c, n)) * 100:.0f}%"
                 for n in self.ligands]
        self.readout.value = _readout(f"At <strong>{c:.2g} µM</strong>: " + ", ".join(parts) + ".")


def iv_explorer(**kwargs) -> IVExplorer:
    """The current–voltage explorer for a notebook cell."""
    return IVExplorer(**kwargs)


def trapping_demo(**kwargs) -> TrappingDemo:
    """The use-dependent (trapping) block demonstration for a notebook cell."""
    return TrappingDemo(**kwargs)


def occupancy_explorer(**kwargs) -> OccupancyExplorer:
    """Occupancy against concentration by drug for a notebook cell."""
    return OccupancyExplorer(**kwargs)
