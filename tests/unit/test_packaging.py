"""pyproject.toml and environment.yml must describe the same installation."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]


def _split(req: str) -> tuple[str, str]:
    req = req.split(";")[0]  # an environment marker says when, not which version
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    assert m, req
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        reqs += list(extra)
    return dict(_split(r) for r in reqs)


def environment_requirements() -> tuple[dict[str, str], str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out: dict[str, str] = {}
    python = ""
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for r in dep.get("pip", []):
                name, spec = _split(r)
                out[name] = spec
            continue
        name, spec = _split(dep)
        if name == "python":
            python = spec
        elif name != "pip":
            out[name] = spec
    return out, python


def test_environment_lists_the_same_packages_and_versions_as_pyproject():
    py = pyproject_requirements()
    env, _ = environment_requirements()
    assert set(env) == set(py), f"only in pyproject: {set(py) - set(env)}; only in environment.yml: {set(env) - set(py)}"
    differing = {k: (py[k], env[k]) for k in py if py[k] != env[k]}
    assert not differing, f"version ranges differ (pyproject, environment.yml): {differing}"


def test_python_floor_matches():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    _, python = environment_requirements()
    assert data["project"]["requires-python"] == python == ">=3.10"


def test_runtime_dependencies_include_a_python_kernel():
    """Voila runs pages in a Jupyter kernel but does not install one; `make serve` needs it."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = {_split(r)[0] for r in data["project"]["dependencies"]}
    assert "ipykernel" in names


def test_every_file_the_package_reads_is_package_data_so_a_wheel_has_it():
    """A non-editable install gets only modules and listed package data: the plot view's front end
    and the stored subplot grids were missing from a wheel."""
    import fnmatch
    import subprocess

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    tracked = subprocess.run(["git", "ls-files", "katlearn"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    missing = []
    for rel in (p for p in tracked if not p.endswith(".py")):
        parts = rel.split("/")
        # the deepest package that holds the file, and the file's path inside it
        for cut in range(len(parts) - 1, 0, -1):
            if (ROOT.joinpath(*parts[:cut]) / "__init__.py").exists():
                package, inside = ".".join(parts[:cut]), "/".join(parts[cut:])
                break
        if not any(fnmatch.fnmatchcase(inside, g) for g in data.get(package, [])):
            missing.append(rel)
    assert missing == [], f"not installed by a wheel: {missing}"
