"""Subplot grids of the course's figures as plotly's ``make_subplots`` lays them out, stored with the
package (``subplot_grids.json``): building one needs plotly's figure classes and default template
(~17 MB of a page's kernel), so pages read the stored grid instead. tests/unit/test_kernel_imports.py
checks every stored grid against plotly's own result and that every grid the pages ask for is
stored; ``python -m katlearn store-grids`` rewrites the file.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SUBPLOT_STORE = Path(__file__).with_name("subplot_grids.json")


@lru_cache(maxsize=1)
def stored_grids() -> dict[str, dict]:
    try:
        return json.loads(SUBPLOT_STORE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def plotly_subplot_skeleton(spec: str) -> tuple[dict, dict]:
    """Layout (without template) and ``{(row, col): (xref, yref)}`` of ``make_subplots(**spec)``."""
    from plotly.subplots import make_subplots

    fig = make_subplots(**json.loads(spec))
    grid = {}
    for r, row in enumerate(fig._grid_ref, start=1):  # plotly's own grid: the one truth for refs
        for c, cell in enumerate(row, start=1):
            if cell:
                refs = cell[0].trace_kwargs
                grid[(r, c)] = (refs.get("xaxis", "x"), refs.get("yaxis", "y"))
    layout = fig.to_dict()["layout"]
    layout.pop("template", None)
    return layout, grid


def spec_key(make_subplots_args: dict) -> str:
    return json.dumps(make_subplots_args, sort_keys=True, default=list)


@lru_cache(maxsize=32)
def subplot_skeleton(spec: str) -> tuple[dict, dict]:
    stored = stored_grids().get(spec)
    if stored is None:  # a grid not stored yet: plotly computes it (correct, only heavier)
        return plotly_subplot_skeleton(spec)
    return stored["layout"], {(r, c): (x, y) for r, c, x, y in stored["grid"]}


def store_subplot_grids(new_specs: list[str] = ()) -> tuple[Path, int]:
    """Recompute every stored grid with the installed plotly, adding ``new_specs`` (keys as a failing
    test prints them); returns the file and how many grids it holds. A mistyped key raises
    ``ValueError`` before anything is written."""
    specs = sorted({*stored_grids(), *new_specs})
    for spec in specs:
        try:
            json.loads(spec)
        except json.JSONDecodeError as e:
            raise ValueError(f"not a subplot grid key (JSON of make_subplots arguments): {spec!r}: {e}") from None
    out = {}
    for spec in specs:
        layout, grid = plotly_subplot_skeleton(spec)
        out[spec] = {"layout": layout, "grid": [[r, c, x, y] for (r, c), (x, y) in sorted(grid.items())]}
    SUBPLOT_STORE.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    stored_grids.cache_clear()
    subplot_skeleton.cache_clear()
    return SUBPLOT_STORE, len(specs)
