"""The course as a list of modules, read from the notebooks themselves.

Each notebook carries ``metadata.katlearn``::

    {"order": 1, "title": "What is ketamine-assisted therapy?",
     "summary": "one line", "minutes": 30, "quiz": "01_what_is_kat", "audience": "learner",
     "objectives": [{"id": "m01.differs", "text": "Explain ...", "section": "Why-it-differs"}]}

``section`` is the anchor of the heading that teaches the objective (Voila/JupyterLab turn a
heading's text into its id by replacing spaces with ``-``). The home page's course map and the
content checker both read this; nothing keeps a second list of modules.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from katlearn import paths


class Objective(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    section: str = ""


class ModuleMeta(BaseModel):
    """What the course knows about one notebook."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    order: int = Field(ge=0)
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    minutes: int = Field(gt=0)
    quiz: str | None = None
    objectives: tuple[Objective, ...] = ()
    # "educator" pages (e.g. the class dashboard) are not part of the learners' course map,
    # navigation or presenter decks
    audience: Literal["learner", "educator"] = "learner"
    # "review": the spaced-review page, for learners but not a module (not in the course map's list
    # of modules or the previous/next navigation; the header and course home link to it)
    kind: Literal["module", "review"] = "module"
    slug: str = ""  # the notebook's file stem, filled in by the loader

    @property
    def filename(self) -> str:
        return f"{self.slug}.ipynb"

    @property
    def url(self) -> str:
        """Path of the module's Voila page, relative to the server root."""
        return f"voila/render/{self.filename}"


class NotebookMetaError(ValueError):
    """A notebook's ``metadata.katlearn`` is missing or malformed."""


def read_module_meta(path: Path) -> ModuleMeta:
    """Read and validate one notebook's course metadata."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookMetaError(f"{path}: not a readable notebook: {exc}") from exc
    metadata = nb.get("metadata") if isinstance(nb, dict) else None
    raw = metadata.get("katlearn") if isinstance(metadata, dict) else None
    if raw is None:
        raise NotebookMetaError(f"{path}: metadata.katlearn: missing")
    if not isinstance(raw, dict):
        raise NotebookMetaError(f"{path}: metadata.katlearn: must be a mapping, not {type(raw).__name__}")
    try:
        return ModuleMeta.model_validate({**raw, "slug": path.stem})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise NotebookMetaError(f"{path}: metadata.katlearn.{loc}: {first['msg']}") from exc


def _signature(folder: Path) -> tuple:
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.ipynb")))


@lru_cache(maxsize=4)
def _scan_cached(folder: str, _sig: tuple) -> tuple[tuple[ModuleMeta, ...], tuple[NotebookMetaError, ...]]:
    metas: list[ModuleMeta] = []
    left_out: list[NotebookMetaError] = []
    for path in sorted(Path(folder).glob("*.ipynb")):
        try:
            metas.append(read_module_meta(path))
        except NotebookMetaError as exc:
            left_out.append(exc)
    return tuple(sorted(metas, key=lambda m: (m.order, m.slug))), tuple(left_out)


def _scan(folder: Path | None) -> tuple[tuple[ModuleMeta, ...], tuple[NotebookMetaError, ...]]:
    folder = folder or paths.notebooks()
    return _scan_cached(str(folder), _signature(folder))


def modules(folder: Path | None = None) -> tuple[ModuleMeta, ...]:
    """Every course notebook in ``folder`` (default ``notebooks/``), in course order.

    A notebook whose course metadata is missing or malformed (an educator's own notebook dropped
    into the folder, say) is not a course page: it is left out here, so every other page still
    has its header, course map and navigation. :func:`left_out` lists such notebooks, the server
    logs them once, and ``katlearn check`` fails on them.
    """
    return _scan(folder)[0]


def left_out(folder: Path | None = None) -> tuple[NotebookMetaError, ...]:
    """Why each notebook in ``folder`` that :func:`modules` leaves out is not a course page."""
    return _scan(folder)[1]


def learner_modules(folder: Path | None = None) -> tuple[ModuleMeta, ...]:
    """The numbered modules a learner works through (not the home page, not educator pages)."""
    return tuple(m for m in modules(folder) if m.audience == "learner" and m.kind == "module" and m.order > 0)


def module(slug: str) -> ModuleMeta:
    for meta in modules():
        if meta.slug == slug:
            return meta
    raise KeyError(f"no module {slug!r}; known: {', '.join(m.slug for m in modules())}")
