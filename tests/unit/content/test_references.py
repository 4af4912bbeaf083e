"""assets/references.yaml: complete entries, every cited key exists, every entry is cited somewhere.

Conventions: Python code cites a source as ``ref="key"`` (Param, Range, Fact, Finding, ...). Content
files (quiz banks, other asset YAML, notebooks) are searched for the key as a whole word, so a key
counts as used wherever it appears: ``references: [zarate2006]``, ``[Zarate 2006](#ref-zarate2006)``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from katlearn import paths
from katlearn.science import params

ROOT = paths.root()
REFS_FILE = ROOT / "assets" / "references.yaml"
REQUIRED = ("authors", "year", "title", "journal")
OPTIONAL = ("doi", "url", "note", "as_of")
PY_CITATION = re.compile(r"""\bref\s*=\s*["']([^"']+)["']""")


@pytest.fixture(scope="module")
def refs() -> dict:
    data = yaml.safe_load(REFS_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data, f"{REFS_FILE}: expected a non-empty mapping"
    return data


def _python_citations() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "katlearn").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for key in PY_CITATION.findall(line):
                found.setdefault(key, []).append(f"{path.relative_to(ROOT)}:{n}")
    return found


def _content_files() -> list[Path]:
    files = [*sorted((ROOT / "katlearn").rglob("*.py")), *sorted((ROOT / "assets" / "quizzes").glob("*.yaml")),
             *sorted((ROOT / "notebooks").glob("*.ipynb"))]
    files += [p for p in sorted((ROOT / "assets").glob("*.yaml")) if p.resolve() != REFS_FILE.resolve()]
    return files


def test_keys_are_lowercase_identifiers(refs):
    bad = [k for k in refs if not re.fullmatch(r"[a-z][a-z0-9_]*", str(k))]
    assert not bad, f"{REFS_FILE.name}: keys must be lowercase letters, digits, '_': {bad}"


def test_every_entry_has_required_fields(refs):
    problems = []
    for key, entry in refs.items():
        if not isinstance(entry, dict):
            problems.append(f"{key}: not a mapping")
            continue
        for f in REQUIRED:
            if not str(entry.get(f, "")).strip():
                problems.append(f"{key}: missing {f}")
        unknown = set(entry) - set(REQUIRED) - set(OPTIONAL)
        if unknown:
            problems.append(f"{key}: unknown fields {sorted(unknown)}")
        year = entry.get("year")
        if not (isinstance(year, int) and 1900 <= year <= 2100):
            problems.append(f"{key}: year must be a 4-digit integer (got {year!r})")
        doi = entry.get("doi")
        if doi is not None and not re.fullmatch(r"10\.\d{4,9}/\S+", str(doi)):
            problems.append(f"{key}: doi {doi!r} is not of the form 10.xxxx/...")
        as_of = entry.get("as_of")
        if as_of is not None and not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", str(as_of)):
            problems.append(f"{key}: as_of must be YYYY-MM, the month the fact was checked (got {as_of!r})")
        url = entry.get("url")
        if url is not None and not str(url).startswith("https://"):
            problems.append(f"{key}: url must start with https:// (got {url!r})")
    assert not problems, "\n".join(problems)


def test_every_key_cited_in_python_exists(refs):
    cited = _python_citations()
    assert cited, "expected ref=\"key\" citations in katlearn/"
    missing = {k: v for k, v in cited.items() if k not in refs}
    assert not missing, f"keys cited but not in {REFS_FILE.name}: {missing}"


def test_every_parameter_ref_exists(refs):
    assert params.all_refs() <= set(refs)
    for model, keys in params.REFERENCES_USED.items():
        assert keys <= set(refs), model


def test_every_reference_is_cited_somewhere(refs):
    text = "\n".join(p.read_text(encoding="utf-8") for p in _content_files())
    unused = [k for k in refs if not re.search(rf"(?<![A-Za-z0-9_]){re.escape(k)}(?![A-Za-z0-9_])", text)]
    assert not unused, f"entries in {REFS_FILE.name} cited nowhere (katlearn/, assets/, notebooks/): {unused}"


def test_secondary_sources_say_so(refs):
    """Parameters marked secondary in params.py point at entries whose note says so too."""
    secondary = {p.ref for p in _all_params() if "secondary" in p.note.lower()}
    lacking = [k for k in secondary if "secondary" not in str(refs[k].get("note", "")).lower()]
    assert not lacking, f"secondary values cited from entries without a 'secondary' note: {lacking}"


def _all_params():
    out = []
    for name in dir(params):
        if name.isupper():
            stack = [getattr(params, name)]
            while stack:
                v = stack.pop()
                if isinstance(v, (params.Param, params.Range)):
                    out.append(v)
                elif isinstance(v, dict) or hasattr(v, "values") and not isinstance(v, (str, bytes)):
                    try:
                        stack.extend(v.values())
                    except TypeError:
                        pass
                elif isinstance(v, (tuple, list)):
                    stack.extend(v)
    return out
