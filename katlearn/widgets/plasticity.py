"""The BDNF/mTOR cascade explorer: one infusion's model consequences over hours to weeks, with optional
blockers that reproduce the logic of the NBQX (Maeng 2008) and rapamycin (Li 2010) experiments.

A notebook calls ``cascade_explorer()``.

Stable CSS classes: ``kl-cascade`` (container), ``kl-cascade-block`` (main control), ``kl-cascade-findings``,
``kl-cascade-readout``.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets

from katlearn import content
from katlearn.figures import spine_timeline
from katlearn.science import synaptogenesis
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["figure_sources", "CascadeExplorer", "cascade_explorer", "cascade", "N_POINTS"]

# 10-minute steps over 28 days: fine enough to draw the 40-minute surge on a log axis (presentation choice).
N_POINTS = 28 * 24 * 6 + 1
_STYLE = {"description_width": "initial"}


@lru_cache(maxsize=len(synaptogenesis.BLOCKS) + 1)
def cascade(block: str | None) -> synaptogenesis.PlasticityResult:
    """The chain after the 0.5 mg/kg / 40 min infusion (cached per blocker; one run takes ~0.1 s)."""
    return synaptogenesis.after_infusion(block=block, n_points=N_POINTS)


class CascadeExplorer(widgets.VBox):
    """The cascade figure with a choice of blocker and the list of cited findings."""

    def __init__(self, block: str | None = None) -> None:
        if block is not None and block not in synaptogenesis.BLOCKS:
            raise ValueError(f"block must be None or one of {synaptogenesis.BLOCKS} (got {block!r})")
        self.block = control(widgets.ToggleButtons,
            options=[("No blocker", "none"), ("Block AMPA receptors", "ampa"), ("Block mTOR", "mtor")],
            value=block or "none", description="Experiment:", style={**_STYLE, "button_width": "auto"},
            tooltips=["The cascade as the model runs it",
                      "Like NBQX in Maeng et al. 2008: AMPA receptors blocked before ketamine",
                      "Like rapamycin in Li et al. 2010: mTOR blocked before ketamine"])
        self.block.add_class("kl-cascade-block")
        self.readout = html_view()
        self.readout.add_class("kl-cascade-readout")
        self.view = PlotView()
        self.findings = html_view(
            '<details class="kl-findings-box"><summary>The findings marked in the figure</summary>'
            + spine_timeline.findings_html(content.short_citations()) + "</details>")
        self.findings.add_class("kl-cascade-findings")
        controls = widgets.VBox([self.block], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view, self.findings], layout=shared_layout(width="100%"))
        self.add_class("kl-cascade")
        self._last: str | None = None
        self.block.observe(lambda _c: self.update(), names="value")
        self.update()

    @property
    def blocker(self) -> str | None:
        return None if self.block.value == "none" else self.block.value

    def update(self) -> None:
        if self.block.value == self._last:
            return
        self._last = self.block.value
        result = cascade(self.blocker)
        reference = cascade(None) if self.blocker else None
        self.view.show(spine_timeline.cascade_figure(result, reference, content.short_citations()))
        if self.blocker is None:
            text = (f"In the model, spine formation peaks about "
                    f"<strong>{spine_timeline.fmt_time_h(_peak(result, 'formation_rate'))}</strong> after the "
                    f"infusion starts, long after the glutamate surge has passed.")
        else:
            text = (f"With {spine_timeline.BLOCK_LABELS[self.blocker]}, the model makes "
                    "<strong>no new spines</strong>: every stage after the block stays flat.")
        self.readout.value = f'<p class="kl-readout" aria-live="polite">{text}</p>'


def _peak(result: synaptogenesis.PlasticityResult, stage: str) -> float:
    y = getattr(result, stage)
    return float(result.t_h[int(y.argmax())])


def cascade_explorer(**kwargs) -> CascadeExplorer:
    """The cascade explorer for a notebook cell."""
    return CascadeExplorer(**kwargs)


def figure_sources() -> list[str]:
    """Every reference key the cascade's findings list and labels cite (for the page's reference list)."""
    return list(dict.fromkeys(f.ref for f in synaptogenesis.FINDINGS))
