"""Class results as figures for the educator dashboard (pure: report rows in, Described out).

- :func:`module_progress_chart`: learners per module, stacked by status (mastered, in progress,
  not started);
- :func:`objective_chart`: share of learners at mastery per learning objective;
- :func:`item_chart`: share right at the first attempt per question, hardest first, with the
  commonest wrong answer in the hover label.

Labels come from course content (titles, prompts, options); they are escaped before Plotly sees
them, because Plotly reads a few HTML tags in text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from html import escape

from katlearn.classroom import ItemResult, ModuleProgress, ObjectiveResult
from katlearn.content import markdown_to_text
from katlearn.figures.base import LEGEND_BELOW, PALETTE, Described, Figure, bar, base_layout

__all__ = ["STATUS_COLOURS", "module_progress_chart", "objective_chart", "item_chart", "band_colour", "label"]

STATUS_COLOURS = {
    "mastered": PALETTE["green"],
    "in progress": PALETTE["orange"],
    "not started": "#D9D9D9",
}
# Bands for "share right at the first try": below half needs teaching, below 80 % a look.
LOW_PERCENT, OK_PERCENT = 50.0, 80.0
# Each row: its label (13 px type) above a bar 20 px thick. Labels sit above the bars, inside the
# plot, so the bars keep the whole width on a phone (tick labels on the left would take most of a
# 390 px screen and still be cut).
ROW_HEIGHT_PX = 48
BAR_WIDTH = 0.42  # of a row
LABEL_MAX_CHARS = 42  # about 300 px of 13 px type: fits a 390 px screen
LABEL_FONT_PX = 13


def label(text: str, max_chars: int = LABEL_MAX_CHARS) -> str:
    """Plain text (Markdown dropped) shortened for an axis and escaped for Plotly."""
    text = " ".join(markdown_to_text(str(text)).split())
    if len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return escape(text, quote=False)


def _height(rows: int) -> int:
    return max(260, 190 + ROW_HEIGHT_PX * rows)  # title, axis and legend take about 190 px


def _rows_labelled_above(names: Sequence[str]) -> dict[str, Any]:
    """Layout for horizontal bars, first name at the top, each bar's label just above it."""
    above_bar_px = ROW_HEIGHT_PX * BAR_WIDTH / 2
    return {
        "height": _height(len(names)),
        "margin": {"l": 20, "r": 30, "t": 90, "b": 60},
        "yaxis": {"categoryorder": "array", "categoryarray": list(names), "autorange": "reversed",
                  "showticklabels": False, "title": {"text": ""}},
        "annotations": [{"x": 0, "xref": "paper", "xanchor": "left", "y": name, "yref": "y", "yanchor": "bottom",
                         "yshift": above_bar_px, "showarrow": False, "align": "left", "text": name,
                         "font": {"size": LABEL_FONT_PX, "color": "#333333"}} for name in names],
    }


def band_colour(percent: float | None) -> str:
    if percent is None:
        return STATUS_COLOURS["not started"]
    if percent < LOW_PERCENT:
        return PALETTE["vermillion"]
    if percent < OK_PERCENT:
        return PALETTE["orange"]
    return PALETTE["blue"]


def _positions(percents: Sequence[float]) -> list[str]:
    """Value labels inside long bars, just outside short ones (so 0 % still says so)."""
    return ["inside" if p >= 30 else "outside" for p in percents]


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def module_progress_chart(rows: Sequence[ModuleProgress]) -> Described:
    """Horizontal stacked bars, one per module in course order (first at the top)."""
    names = [label(f"{r.title}") for r in rows]
    fig = Figure(layout=base_layout("Where the class is, by module", "Learners", ""))
    for status, attr in (("mastered", "mastered"), ("in progress", "in_progress"), ("not started", "not_started")):
        values = [getattr(r, attr) for r in rows]
        fig.add_trace(bar(
            y=names, x=values, name=status.capitalize(), orientation="h", width=BAR_WIDTH,
            marker={"color": STATUS_COLOURS[status], "line": {"color": "#FFFFFF", "width": 1}},
            text=[str(v) if v else "" for v in values], textposition="inside", insidetextanchor="middle",
            textangle=0,
            hovertemplate="%{y}<br>" + status + ": %{x}<extra></extra>",
        ))
    # the legend below the plot: above it, it wraps into the title on a phone
    fig.update_layout(barmode="stack", hovermode="closest", legend={**LEGEND_BELOW, "traceorder": "normal"},
                      xaxis={"rangemode": "tozero", "dtick": None if not rows or rows[0].learners > 10 else 1},
                      **_rows_labelled_above(names))
    learners = rows[0].learners if rows else 0
    if not rows or learners == 0:
        text = "No learner has started any module yet."
    else:
        parts = [f"{r.title}: {r.mastered} mastered, {r.in_progress} in progress, {r.not_started} not started"
                 for r in rows]
        text = f"Progress of {_plural(learners, 'learner')} per module. " + "; ".join(parts) + "."
    return Described(fig, text)


def _percent_bars(title: str, x_title: str, name: str, names: Sequence[str], percents: Sequence[float],
                  learners: Sequence[int], **trace: Any) -> Figure:
    """Horizontal bars of percentages (0–100), one per name, coloured by band and labelled
    "N% of M" learners; ``trace`` adds hover data."""
    fig = Figure(layout=base_layout(title, x_title, ""))
    fig.add_trace(bar(
        y=list(names), x=list(percents), orientation="h", name=name, width=BAR_WIDTH,
        marker={"color": [band_colour(p) for p in percents]},
        text=[f"{p:.0f}% of {n}" for p, n in zip(percents, learners)], textposition=_positions(percents),
        textfont={"size": LABEL_FONT_PX - 1},
        textangle=0, cliponaxis=False, **trace,
    ))
    fig.update_layout(hovermode="closest", showlegend=False,
                      xaxis={"range": [0, 100], "tickvals": [0, 20, 40, 60, 80, 100], "ticksuffix": "%"},
                      **_rows_labelled_above(names))
    return fig


def objective_chart(rows: Sequence[ObjectiveResult]) -> Described:
    """Share of learners (who answered its questions) at mastery, per objective in course order."""
    shown = [r for r in rows if r.learners]
    names = [label(f"{r.objective}: {r.text}") for r in shown]
    percents = [r.percent_mastered or 0.0 for r in shown]
    fig = _percent_bars(
        "Learning objectives at mastery", "Learners at mastery (%)", "At mastery",
        names, percents, [r.learners for r in shown],
        customdata=[[label(r.text, 200), r.mastered, r.learners] for r in shown],
        hovertemplate="%{customdata[0]}<br>%{customdata[1]} of %{customdata[2]} learners at mastery<extra></extra>")
    if not shown:
        text = "No learner has answered a quiz question yet, so no objective can be judged."
    else:
        low = sorted(shown, key=lambda r: r.percent_mastered or 0.0)[:3]
        lows = "; ".join(f"{r.objective} ({r.percent_mastered:.0f}% of {r.learners})" for r in low)
        text = (f"Share of learners at mastery for {_plural(len(shown), 'objective')} with answers. "
                f"Lowest: {lows}.")
    return Described(fig, text)


def item_chart(rows: Sequence[ItemResult], limit: int | None = None) -> Described:
    """Questions answered by anyone, hardest first: share right at the first attempt."""
    shown = sorted((r for r in rows if r.learners), key=lambda r: (r.percent_correct or 0.0, r.module, r.question_id))
    if limit is not None:
        shown = shown[:limit]
    names = [label(f"{r.question_id}: {r.prompt}") for r in shown]
    percents = [r.percent_correct or 0.0 for r in shown]
    wrong = [label(r.common_wrong, 200) + f" ({_plural(r.common_wrong_learners, 'learner')})"
             if r.common_wrong else "none" for r in shown]
    fig = _percent_bars(
        "Questions, hardest first", "Right at the first try (%)",
        "Right at first try", names, percents, [r.learners for r in shown],
        customdata=[[w, r.learners, r.attempts] for w, r in zip(wrong, shown)],
        hovertemplate=("%{y}<br>%{x:.0f}% right at the first try, %{customdata[1]} learners, "
                       "%{customdata[2]} attempts<br>Commonest wrong answer: %{customdata[0]}<extra></extra>"))
    if not shown:
        text = "No quiz question has been answered yet."
    else:
        hardest = "; ".join(
            f"{r.question_id}: {r.percent_correct:.0f}% right at first try"
            + (f", commonest wrong answer “{r.common_wrong}”" if r.common_wrong else "")
            for r in shown[:3])
        text = f"{_plural(len(shown), 'question')} answered, hardest first. {hardest}."
    return Described(fig, text)
