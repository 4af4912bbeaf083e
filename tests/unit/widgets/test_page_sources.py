"""Every page's reference list holds every source cited anywhere on it: prose, quiz, cases, screening
sets, predict prompts and figures. The pages are run the way a kernel runs them (every code cell, in
a plain process), and every ``#ref-`` link any widget on the page shows must land on the list."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from katlearn import content
from katlearn.widgets import page

REPO = Path(__file__).resolve().parents[3]

RUN = r"""
import json, re, sys
from pathlib import Path
from IPython.core.interactiveshell import InteractiveShell
import ipywidgets as widgets
from ipywidgets.widgets import widget as _widget

shell = InteractiveShell.instance()
report = {}
for path in sys.argv[1:]:
    before = set(_widget._instances)
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    errors = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            result = shell.run_cell("".join(cell["source"]), silent=True)
            if not result.success:
                errors.append(i)
    shown = []
    for key in set(_widget._instances) - before:
        w = _widget._instances[key]
        for name in ("value", "description", "tooltip", "placeholder"):
            v = getattr(w, name, None)
            if isinstance(v, str):
                shown.append(v)
    text = "\n".join(shown)
    report[Path(path).stem] = {"errors": errors, "links": sorted(set(re.findall(r'href="#ref-([^"]+)"', text))),
                               "anchors": sorted(set(re.findall(r'id="ref-([^"]+)"', text)))}
print("REPORT" + json.dumps(report))
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    pages = [str(REPO / "notebooks" / m.filename) for m in content.modules()]
    env = {**os.environ, "KATLEARN_DB": str(tmp_path_factory.mktemp("store") / "progress.sqlite")}
    proc = subprocess.run([sys.executable, "-c", RUN, *pages], capture_output=True, text=True, timeout=300,
                          cwd=REPO / "notebooks", env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT")]
    assert proc.returncode == 0 and lines, proc.stderr[-3000:]
    return json.loads(lines[-1][len("REPORT"):])


def test_every_page_ran(rendered):
    assert {slug: r["errors"] for slug, r in rendered.items() if r["errors"]} == {}
    assert set(rendered) == {m.slug for m in content.modules()}


def test_every_link_any_widget_shows_lands_on_the_page_reference_list(rendered):
    missing = {slug: sorted(set(r["links"]) - set(r["anchors"])) for slug, r in rendered.items()}
    assert {slug: keys for slug, keys in missing.items() if keys} == {}
    assert any(r["links"] for r in rendered.values()), "expected figure captions with #ref- links"


def test_the_reference_list_is_exactly_the_page_citations(rendered):
    for slug, r in rendered.items():
        keys = page.cited_keys(slug)
        assert set(r["anchors"]) == set(keys), slug
        html = page.references_html(slug)
        assert all(html.count(f'id="ref-{k}"') == 1 for k in keys)


def test_a_source_that_changes_shows_its_as_of_month_in_the_list():
    html = page.references_html("06_safety_controversies")
    item = re.search(r'<li id="ref-spravato_label".*?</li>', html).group(0)
    label = content.load_references()["spravato_label"]
    assert f"Facts checked {label.as_of_text}." in item


def test_figure_sources_are_part_of_the_page_citations():
    from katlearn.widgets import synapse

    assert set(synapse.figure_sources()) <= set(page.cited_keys("02_nmda_glutamate"))
    assert "winstock2012" in page.cited_keys("05_treatment_process")  # the ptsd_sam case's bladder source
