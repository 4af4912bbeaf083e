"""What a page's kernel loads: each learner's kernel holds it, so a heavy import is paid per learner.

Every code cell of every page runs here in a plain Python process (IPython's shell, as a kernel
runs them; widgets without a front end). Behaviour only: which modules got imported, never how
long anything took.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from katlearn.figures import _grids


REPO = Path(__file__).resolve().parents[2]

# plotly's figure classes and templates (~17 MB per kernel): the course sends figures as plain
# data (katlearn.figures.base.Figure), so no page needs them.
# The record-of-completion PDF maker (fpdf2 with fontTools, Pillow and uharfbuzz, ~40 MB) is
# imported when a learner asks for a record, not when a page starts.
HEAVY = ("plotly.graph_objs", "plotly.subplots", "plotly.io", "fpdf", "fontTools")
# Fitting belongs on a maintainer's machine (python -m katlearn fit-constants stores the result), and
# no page integrates an ODE before the learner asks: scipy.optimize and scipy.integrate cost every
# kernel ~15 MB and ~0.2 s of CPU.
SCIPY_HEAVY = ("scipy.optimize", "scipy.integrate")

RUN_PAGES = r"""
import json, sys
from pathlib import Path
from IPython.core.interactiveshell import InteractiveShell

heavy = tuple(sys.argv[1].split(","))
shell = InteractiveShell.instance()
report = {"first": None, "errors": [], "asked": [], "scipy": {}}
scipy_heavy = tuple(sys.argv[2].split(","))
from katlearn.figures import _grids
_skeleton = _grids.subplot_skeleton
def _recording(spec):
    report["asked"].append(spec)
    return _skeleton(spec)
_grids.subplot_skeleton = _recording
for path in sys.argv[3:]:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        result = shell.run_cell("".join(cell["source"]), silent=True)
        if not result.success:
            report["errors"].append(f"{Path(path).name} cell {i}: {result.error_in_exec or result.error_before_exec!r}")
        loaded = [m for m in heavy if m in sys.modules]
        if loaded and report["first"] is None:
            report["first"] = f"{Path(path).name} cell {i} imported {', '.join(loaded)}"
        for m in scipy_heavy:
            if m in sys.modules and m not in report["scipy"]:
                report["scipy"][m] = f"{Path(path).name} cell {i}"
from ipywidgets.widgets import widget as _w
report["models"] = {}
for kind in ("HTMLStyle", "Layout"):
    report["models"][kind] = sum(type(m).__name__ == kind for m in _w._instances.values())
print("REPORT" + json.dumps(report))
"""


@pytest.fixture(scope="module")
def pages_report(tmp_path_factory) -> dict:
    pages = sorted(str(p) for p in (REPO / "notebooks").glob("*.ipynb"))
    env = {**os.environ, "KATLEARN_DB": str(tmp_path_factory.mktemp("store") / "progress.sqlite")}
    proc = subprocess.run([sys.executable, "-c", RUN_PAGES, ",".join(HEAVY), ",".join(SCIPY_HEAVY), *pages], capture_output=True,
                          text=True, timeout=240, cwd=REPO / "notebooks", env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    return json.loads(lines[-1][len("REPORT"):])


def test_every_page_runs_in_a_plain_process(pages_report) -> None:
    assert pages_report["errors"] == []


def test_no_page_kernel_imports_plotlys_figure_classes_or_the_pdf_maker(pages_report) -> None:
    missing = sorted(set(pages_report["asked"]) - set(_grids.stored_grids()))
    assert not missing, ("subplot grids not stored; add them with\n  python -m katlearn store-grids "
                         + " ".join(f"'{spec}'" for spec in missing))
    assert pages_report["first"] is None, pages_report["first"]


def test_no_page_kernel_fits_or_integrates_at_start(pages_report) -> None:
    assert pages_report["scipy"] == {}, f"imported by (first page cell): {pages_report['scipy']}"


def test_html_widgets_share_one_style_model(pages_report) -> None:
    # every model costs the browser a fetch; views make HTML widgets with widgets._html.html_view,
    # which shares one HTMLStyle (the educator dashboard still has one of its own)
    assert pages_report["models"]["HTMLStyle"] <= 2, pages_report["models"]


def test_stored_subplot_grids_are_plotlys_own() -> None:
    stored = _grids.stored_grids()
    assert stored, "no stored grids"
    for spec in stored:
        layout, grid = _grids.plotly_subplot_skeleton(spec)
        served_layout, served_grid = _grids.subplot_skeleton(spec)  # what a page's figure is built on
        assert served_layout == json.loads(json.dumps(layout)), f"stale layout for {spec}; rerun python -m katlearn store-grids"
        assert served_grid == grid, spec
