"""Widget models per page: each costs the browser a fetch and some wiring on every page load (about
2.4 ms each, measured by ``benchmarks/run.py``), so a module page holds at most 60 of them (issue 19).

Each page runs alone in a fresh Python process (IPython's shell, as a kernel runs its cells; no
front end), and every model its kernel then holds is counted: what the browser would fetch. A
count, not a timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MAX_MODELS_PER_MODULE_PAGE = 60

COUNT_MODELS = r"""
import collections, json, sys
from pathlib import Path
from IPython.core.interactiveshell import InteractiveShell

shell = InteractiveShell.instance()
nb = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
errors = []
for i, cell in enumerate(nb["cells"]):
    if cell["cell_type"] == "code":
        result = shell.run_cell("".join(cell["source"]), silent=True)
        if not result.success:
            errors.append(f"cell {i}: {result.error_in_exec or result.error_before_exec!r}")
from ipywidgets.widgets import widget as _w
kinds = collections.Counter(type(m).__name__ for m in _w._instances.values())
print("MODELS" + json.dumps({"errors": errors, "total": len(_w._instances), "kinds": kinds.most_common()}))
"""


def _module_pages() -> list[Path]:
    return sorted(p for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _count(page: Path, store: Path) -> dict:
    env = {**os.environ, "KATLEARN_DB": str(store / f"{page.stem}.sqlite")}
    proc = subprocess.run([sys.executable, "-c", COUNT_MODELS, str(page)], capture_output=True, text=True,
                          timeout=240, cwd=REPO / "notebooks", env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("MODELS")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    return json.loads(lines[-1][len("MODELS"):])


@pytest.fixture(scope="module")
def models_by_page(tmp_path_factory) -> dict[str, dict]:
    store = tmp_path_factory.mktemp("models-store")
    pages = _module_pages()
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(lambda p: _count(p, store), pages))
    return {p.name: c for p, c in zip(pages, counts)}


def test_there_are_module_pages_to_count(models_by_page) -> None:
    assert len(models_by_page) >= 8, sorted(models_by_page)
    assert all(c["errors"] == [] for c in models_by_page.values()), {p: c["errors"] for p, c in models_by_page.items()}


@pytest.mark.parametrize("page", [p.name for p in _module_pages()])
def test_a_module_page_holds_at_most_60_widget_models(models_by_page, page) -> None:
    counted = models_by_page[page]
    assert counted["total"] <= MAX_MODELS_PER_MODULE_PAGE, (
        f"{page}: {counted['total']} widget models (by kind: {counted['kinds']}); share layouts and styles "
        "(katlearn.widgets._shared) or draw static parts as HTML")
