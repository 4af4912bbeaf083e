"""The evidence at a glance: response rates across the cited trials, and a table of every trial.

Pure builders over :data:`katlearn.science.clinical.TRIALS`:

- :func:`response_rows` picks the trial arms that report a response rate at a time point;
- :func:`response_chart` draws them as a dot chart (one time point) or a dumbbell chart (24 h and
  day 7 joined, which shows how much of the response lasted), sortable by year, response or size;
- :func:`trial_table_html` lists every trial, including those without response rates.

No numbers are added here: every value and sample size comes from ``clinical.TRIALS``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


from katlearn.figures.base import PALETTE, Described, Figure, base_layout, scatter
from katlearn.science import clinical

__all__ = ["TIMEPOINTS", "SORTS", "ArmRow", "response_rows", "sort_rows", "response_chart", "trial_table_html",
           "trial_year"]

TIMEPOINTS = {"24h": "24 hours", "day7": "Day 7", "both": "24 hours and day 7"}
SORTS = {"year": "Publication year", "response": "Response rate (highest first)", "n": "Sample size (largest first)"}
ARM_COLOURS = {"ketamine": PALETTE["vermillion"], "control": PALETTE["blue"]}
TIME_SYMBOLS = {"24h": "circle", "day7": "diamond"}


def trial_year(trial: clinical.TrialResult) -> int:
    """The year in the trial's name ("Murrough 2013" → 2013); 0 if there is none."""
    found = re.search(r"\b(19|20)\d{2}\b", trial.trial)
    return int(found.group(0)) if found else 0


@dataclass(frozen=True)
class ArmRow:
    """One arm of one trial with its response rates (%, None if not reported)."""

    trial: clinical.TrialResult
    arm: str  # "ketamine" or "control"
    response_24h_pct: float | None
    response_day7_pct: float | None

    @property
    def label(self) -> str:
        who = "ketamine" if self.arm == "ketamine" else self.trial.comparator.split(" (")[0]
        n = f"N = {self.trial.n}" if self.trial.n is not None else "N not given"
        pooled = " pooled" if "meta-analysis" in self.trial.trial else ""
        name = self.trial.trial.split(" (")[0]
        return f"{name}: {who}<br>{n}{pooled}"

    def value(self, timepoint: str) -> float | None:
        return self.response_24h_pct if timepoint == "24h" else self.response_day7_pct


def response_rows(trials: Sequence[clinical.TrialResult] = clinical.TRIALS, timepoint: str = "both") -> list[ArmRow]:
    """Arms with a response rate at ``timepoint`` ("24h", "day7", or "both" = either)."""
    if timepoint not in TIMEPOINTS:
        raise ValueError(f"timepoint must be one of {list(TIMEPOINTS)}, got {timepoint!r}")
    rows = []
    for t in trials:
        for i, arm in enumerate(("ketamine", "control")):
            row = ArmRow(t, arm, t.response_24h_pct[i], t.response_day7_pct[i])
            wanted = ("24h", "day7") if timepoint == "both" else (timepoint,)
            if any(row.value(tp) is not None for tp in wanted):
                rows.append(row)
    return rows


def sort_rows(rows: Sequence[ArmRow], by: str, timepoint: str) -> list[ArmRow]:
    """Sorted top to bottom as drawn. Ties keep trial order, ketamine arm first."""
    if by not in SORTS:
        raise ValueError(f"sort must be one of {list(SORTS)}, got {by!r}")
    tp = "24h" if timepoint == "both" else timepoint
    if by == "year":
        key = lambda r: (trial_year(r.trial), r.arm != "ketamine")  # noqa: E731
    elif by == "response":
        key = lambda r: (-(r.value(tp) if r.value(tp) is not None else -1.0), r.arm != "ketamine")  # noqa: E731
    else:
        key = lambda r: (-(r.trial.n or 0), r.arm != "ketamine")  # noqa: E731
    return sorted(rows, key=key)


def _pct(v: float | None) -> str:
    return "not reported" if v is None else f"{v:g}%"


def response_chart(timepoint: str = "24h", sort: str = "year",
                   trials: Sequence[clinical.TrialResult] = clinical.TRIALS) -> Described:
    """Response rates by trial arm at one time point (dots) or both (dumbbells)."""
    rows = sort_rows(response_rows(trials, timepoint), sort, timepoint)
    labels = [r.label for r in rows]
    points = ("24h", "day7") if timepoint == "both" else (timepoint,)
    title = f"Response: {TIMEPOINTS[timepoint].lower()}" if timepoint != "both" else "Response: 24 h and day 7"
    fig = Figure(layout=base_layout(title, "Patients responding (%)", ""))
    if timepoint == "both":
        for r in rows:
            if r.response_24h_pct is not None and r.response_day7_pct is not None:
                fig.add_trace(scatter(
                    x=[r.response_24h_pct, r.response_day7_pct], y=[r.label, r.label], mode="lines",
                    line={"color": ARM_COLOURS[r.arm], "width": 3}, showlegend=False, hoverinfo="skip",
                    name=f"{r.label} change"))
    for tp in points:
        for arm in ("ketamine", "control"):
            sel = [r for r in rows if r.arm == arm and r.value(tp) is not None]
            if not sel:
                continue
            name = ("Ketamine" if arm == "ketamine" else "Comparator") + (f", {TIMEPOINTS[tp]}" if len(points) > 1 else "")
            fig.add_trace(scatter(
                x=[r.value(tp) for r in sel], y=[r.label for r in sel], mode="markers+text", name=name,
                text=[f"{r.value(tp):g}%" for r in sel], textposition="bottom center",
                textfont={"size": 13},
                marker={"color": ARM_COLOURS[arm], "size": 16, "symbol": TIME_SYMBOLS[tp],
                        "line": {"color": "white", "width": 1}},
                hovertemplate="%{y}: %{x:.1f}%<extra>" + name + "</extra>"))
    # Row labels sit above each row, inside the plot, so the whole width stays for the data on a
    # phone (tick labels on the left would take half of a 390 px screen).
    annotations = [{"x": 0, "xref": "paper", "xanchor": "left", "y": label, "yref": "y", "yshift": 26,
                    "showarrow": False, "align": "left", "text": label.replace("<br>", " · "),
                    "font": {"size": 14, "color": "#333333"}} for label in labels]
    fig.update_layout({
        "height": 150 + 95 * max(len(rows), 1),
        "hovermode": "closest",
        "margin": {"l": 20, "r": 20, "t": 100, "b": 60},
        "xaxis": {"range": [0, 100], "dtick": 20},
        "yaxis": {"categoryorder": "array", "categoryarray": list(reversed(labels)), "showticklabels": False,
                  "range": [-0.5, len(labels) - 0.2]},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0},
        "annotations": annotations,
    })
    parts = []
    for r in rows:
        plain = r.label.replace("<br>", ", ")
        vals = " → ".join(f"{_pct(r.value(tp))} at {TIMEPOINTS[tp].lower()}" for tp in points)
        parts.append(f"{plain}: {vals}")
    missing = [t.trial for t in trials if all(v is None for v in (*t.response_24h_pct, *t.response_day7_pct))]
    description = (f"Response rates ({SORTS[sort].lower()} order). " + "; ".join(parts) + "."
                   + (f" No response rates here for: {', '.join(missing)} (see the table)." if missing else ""))
    return Described(fig, description)


def trial_table_html(trials: Sequence[clinical.TrialResult] = clinical.TRIALS) -> str:
    """Every trial with design, size, comparator, response rates and other findings."""
    body = []
    for t in trials:
        resp = []
        for label, pair in (("24 h", t.response_24h_pct), ("day 7", t.response_day7_pct),
                            ("remission at 24 h", t.remission_24h_pct)):
            if pair[0] is None and pair[1] is None:
                continue
            versus = f" vs {_pct(pair[1])}" if pair[1] is not None else ""
            resp.append(f"{label}: {_pct(pair[0])}{versus}")
        if resp and all(v is None for v in (t.response_24h_pct[1], t.response_day7_pct[1])):
            resp[-1] += " (pooled ketamine arms; no comparator value here)"
        n = f"N = {t.n}" if t.n is not None else "N not given here"
        findings = "; ".join(resp + ([t.other] if t.other else [])) or "—"
        body.append(
            "<tr>"
            f'<th scope="row" style="text-align:left;vertical-align:top"><a href="#ref-{escape(t.ref)}">'
            f"{escape(t.trial)}</a></th>"
            f'<td style="vertical-align:top">{escape(t.design)}; {escape(n)}; compared with '
            f"{escape(t.comparator)}</td>"
            f'<td style="vertical-align:top">{escape(findings)}</td>'
            "</tr>"
        )
    return (
        '<div class="kl-table-scroll" style="overflow-x:auto" tabindex="0" role="region" '
        'aria-label="Trials table (scrolls sideways on small screens)">'
        '<table class="kl-table kl-evidence-table" style="width:100%"><caption>The trials and meta-analyses this course cites '
        '(response rates: ketamine vs comparator, where both are given)</caption>'
        '<thead><tr><th scope="col" style="text-align:left">Study</th><th scope="col" style="text-align:left">'
        'Design, size, comparator</th><th scope="col" style="text-align:left">Findings</th></tr></thead>'
        "<tbody>" + "".join(body) + "</tbody></table></div>"
    )
