"""Kernel-side cost of one slider update, per notebook, measured in this process (no browser).

    python benchmarks/compute.py notebooks/02_pk.ipynb [--samples 30]   # prints JSON

Runs the notebook's code cells as a kernel would (widgets work without a kernel: their comms are
dummies), then moves every slider (and every choice control: toggle buttons, dropdowns, radio buttons)
it created one step at a time and times what runs in Python:

- ``update_ms``: the whole observer chain of one change (model, figure, JSON for the browser);
- ``science_ms``: the part spent inside :mod:`katlearn.science` (outermost calls only), i.e. the
  "model compute per update" the course promises to keep under 5 ms.

A control counts only if moving it redraws a figure (a ``PlotView.spec`` changes).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import json
import pkgutil
import statistics
import sys
import time
import warnings
from pathlib import Path

SCIENCE_CLOCK = {"depth": 0, "total": 0.0}


def _timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if SCIENCE_CLOCK["depth"]:
            return fn(*args, **kwargs)
        SCIENCE_CLOCK["depth"] += 1
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SCIENCE_CLOCK["total"] += time.perf_counter() - t0
            SCIENCE_CLOCK["depth"] -= 1

    return wrapper


def instrument_science() -> int:
    """Wrap every public function of every katlearn.science module, before anything imports them."""
    import katlearn.science as science

    count = 0
    for info in pkgutil.iter_modules(science.__path__):
        mod = importlib.import_module(f"katlearn.science.{info.name}")
        for name, obj in list(vars(mod).items()):
            if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != mod.__name__:
                continue
            setattr(mod, name, _timed(obj))
            count += 1
    return count


def run_notebook(path: Path) -> dict:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    ns: dict = {"__name__": "__main__", "display": lambda *a, **k: None}
    t0 = time.perf_counter()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
        exec(compile(source, f"{path.name}:cell", "exec"), ns)  # noqa: S102 - our own notebooks
    return {"execute_s": time.perf_counter() - t0}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_controls(samples: int) -> list[dict]:
    import ipywidgets as widgets
    from ipywidgets.widgets.widget import _instances

    from katlearn.widgets.plot import PlotView

    slider_types = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider)
    found = []
    for w in list(_instances.values()):
        choice = isinstance(w, widgets.widget_selection._Selection) and len(w.options) > 1
        if not (isinstance(w, slider_types) or choice):
            continue
        plots = [p for p in _instances.values() if isinstance(p, PlotView)]
        label = w.description or type(w).__name__
        update, science, redraws = [], [], 0
        for i in range(samples):
            before = [p.spec for p in plots]
            attr, value = next_value(w, +1 if i % 2 == 0 else -1)
            SCIENCE_CLOCK["total"] = 0.0
            t0 = time.perf_counter()
            setattr(w, attr, value)
            update.append((time.perf_counter() - t0) * 1e3)
            science.append(SCIENCE_CLOCK["total"] * 1e3)
            redraws += any(p.spec != b for p, b in zip(plots, before))
        if redraws:
            found.append({
                "control": label, "kind": type(w).__name__,
                "update_ms_median": statistics.median(update), "update_ms_p95": pct(update, 0.95),
                "science_ms_median": statistics.median(science), "science_ms_p95": pct(science, 0.95),
                "samples": samples,
            })
    return found


def next_value(w, direction: int) -> tuple[str, object]:
    """One step of slider ``w`` in ``direction``, bouncing back at either end."""
    import ipywidgets as widgets

    if isinstance(w, widgets.widget_selection._Selection):
        i = (w.index or 0) + direction
        return "index", i if 0 <= i < len(w.options) else w.index - direction
    step = w.step or (w.max - w.min) / 100
    for d in (direction, -direction):
        v = w.value * w.base ** (d * step) if isinstance(w, widgets.FloatLogSlider) else w.value + d * step
        lo, hi = (w.base ** w.min, w.base ** w.max) if isinstance(w, widgets.FloatLogSlider) else (w.min, w.max)
        if lo <= v <= hi:
            return "value", v
    return "value", w.value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook", type=Path)
    ap.add_argument("--samples", type=int, default=30)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    wrapped = instrument_science()
    out: dict = {"notebook": args.notebook.name, "science_functions_timed": wrapped}
    try:
        out.update(run_notebook(args.notebook))
        out["controls"] = time_controls(args.samples)
    except Exception as exc:  # noqa: BLE001 - report, don't crash the whole benchmark
        out["error"] = f"{type(exc).__name__}: {exc}"
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
