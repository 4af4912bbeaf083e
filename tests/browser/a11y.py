"""axe-core in the page: the accessibility rules a browser test enforces.

axe-core is the npm package's build (axe.min.js) as shipped inside the axe-playwright-python wheel,
so the tests need no npm at run time; it is injected into the page under test and run there.
"""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
BLOCKING = ("critical", "serious")


def violations(page, impacts: tuple[str, ...] = BLOCKING, within: str | None = None) -> list[dict]:
    """axe violations of the given impacts on the current page (or inside the elements the CSS
    selector ``within`` matches), with the offending nodes."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async (within) => await axe.run(within ? {include: [[within]]} : document, "
                           "{resultTypes: ['violations']})", within)
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(found: list[dict]) -> str:
    lines = []
    for v in found:
        lines.append(f"{v['impact']} {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)
