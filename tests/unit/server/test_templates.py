"""The Voila templates: installed with the package, and every course route they load is served."""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[3]
SERVER = ROOT / "katlearn" / "server"
TEMPLATES = SERVER / "share" / "jupyter" / "voila" / "templates"


def _package_data() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return data["tool"]["setuptools"]["package-data"]["katlearn.server"]


def test_every_template_file_is_package_data_so_a_wheel_has_it():
    files = [p.relative_to(SERVER).as_posix() for p in TEMPLATES.rglob("*") if p.is_file()]
    assert {"share/jupyter/voila/templates/katlearn/index.html.j2",
            "share/jupyter/voila/templates/katlearn-reveal/conf.json"} <= set(files)
    globs = _package_data()
    missing = [f for f in files if not any(fnmatch.fnmatchcase(f, g) for g in globs)]
    assert missing == [], f"not installed by a wheel: {missing}"
    assert not any(fnmatch.fnmatchcase("vendored/plotly.min.js", g) for g in globs)


def test_the_reveal_template_names_the_slides_preprocessor_by_its_public_name():
    from traitlets.utils.importstring import import_item

    from katlearn.server import SlidesPreprocessor

    conf = (TEMPLATES / "katlearn-reveal" / "conf.json").read_text(encoding="utf-8")
    [name] = re.findall(r'"type":\s*"([\w.]+)"', conf)
    assert import_item(name) is SlidesPreprocessor


def test_every_course_route_the_page_template_and_plots_load_is_served(tmp_path):
    """Standalone and on a hub (both serve course_routes): what a learner's page loads is there."""
    from katlearn.server._static import GzipCache, course_routes

    used = set()
    for path in [*(TEMPLATES / "katlearn").glob("*.j2"), ROOT / "katlearn" / "widgets" / "plot.js"]:
        used |= set(re.findall(r"katlearn/(\w+)/", path.read_text(encoding="utf-8")))
    assert used, "found no course routes in the template or plot.js"
    routes = {re.search(r"/katlearn/(\w+)/", pattern).group(1): kwargs
              for pattern, _handler, kwargs in course_routes("/user/x/", GzipCache(), tmp_path)}
    assert used <= set(routes), f"not served: {sorted(used - set(routes))}"
    for name in used:
        assert Path(routes[name]["path"]).is_dir(), name
