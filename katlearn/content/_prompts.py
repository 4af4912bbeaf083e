"""Predict-then-check prompts as content: ``assets/predict/<module>.yaml``, one file per module page.

A page shows a prompt by key (``predict.predict("02_nmda_glutamate", "rest-current")``); the learner
commits to a prediction, then reads the explanation. The learner's choice is saved as the index of
the option, so reordering the options of a live prompt changes what saved choices mean: add new
options at the end.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, ValidationInfo, field_validator

from katlearn import paths
from katlearn.content._questions import Key, Text, _Model
from katlearn.content._yaml import (
    ContentError,
    LineDict,
    Problem,
    expect_mapping,
    field_path,
    line_of,
    load_yaml,
    mtime_ns,
    problems_from,
    rel_path,
)

_LINKED = re.compile(r"\(#ref-([A-Za-z0-9][A-Za-z0-9._-]*)\)")


class PredictPrompt(_Model):
    """One prompt: the question, the options, which one the model shows, and why (Markdown)."""

    id: Key
    prompt: Text
    options: tuple[Text, ...] = Field(min_length=2)
    answer: Text  # the text of the option the model shows
    explanation: Text
    references: tuple[Key, ...] = Field(default=(), validate_default=True)  # every source the text relies on

    @field_validator("options")
    @classmethod
    def _distinct(cls, options: tuple[str, ...]) -> tuple[str, ...]:
        folded = [o.casefold() for o in options]
        if len(set(folded)) != len(folded):
            raise ValueError("two options have the same text")
        return options

    @field_validator("answer")
    @classmethod
    def _one_of_the_options(cls, answer: str, info: ValidationInfo) -> str:
        options = info.data.get("options")
        if options is not None and answer not in options:
            raise ValueError(f"{answer!r} is not one of the options (copy the option's text)")
        return answer

    @field_validator("references")
    @classmethod
    def _lists_linked_sources(cls, references: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        text = f"{info.data.get('prompt', '')}\n{info.data.get('explanation', '')}"
        linked = [k for k in dict.fromkeys(_LINKED.findall(text)) if k not in references]
        if linked:
            raise ValueError(f"the text cites {', '.join(map(repr, linked))} (#ref- links): list every cited key "
                             "in references")
        return references

    @property
    def answer_index(self) -> int:
        return self.options.index(self.answer)


class PredictBank(_Model):
    module: Key
    prompts: tuple[PredictPrompt, ...] = Field(min_length=1)

    def get(self, key: str) -> PredictPrompt:
        for p in self.prompts:
            if p.id == key:
                return p
        raise KeyError(f"no predict prompt {key!r} in assets/predict/{self.module}.yaml")


FIELDS = frozenset({*PredictPrompt.model_fields, *PredictBank.model_fields})


def _parse(path: Path, root: Path) -> tuple[PredictBank, LineDict]:
    rel = rel_path(path, root)
    if not path.exists():
        raise ContentError([Problem(rel, 1, "(file)", "does not exist")])
    data = expect_mapping(load_yaml(path, rel), rel, "a mapping with a 'prompts:' list")
    if "module" in data and data["module"] != path.stem:
        raise ContentError([Problem(rel, data.key_lines["module"], "module",
                                    f"is {data['module']!r} but the file is named for {path.stem!r}")])
    try:
        bank = PredictBank.model_validate({**data, "module": path.stem})
    except ValidationError as exc:
        raise ContentError(problems_from(exc, data, rel, fields=FIELDS)) from None
    seen: dict[str, int] = {}
    problems = []
    for i, p in enumerate(bank.prompts):
        if p.id in seen:
            loc = ("prompts", i, "id")
            problems.append(Problem(rel, line_of(data, loc), field_path(data, loc),
                                    f"duplicate prompt id {p.id!r} (first is prompts[{seen[p.id]}])"))
        seen.setdefault(p.id, i)
    if problems:
        raise ContentError(problems)
    return bank, data


@lru_cache(maxsize=32)
def _cached(path: str, root: str, _mtime: int) -> tuple[PredictBank, LineDict]:
    return _parse(Path(path), Path(root))


def _base(root: str | Path | None) -> Path:
    return Path(root).resolve() if root is not None else paths.root()


def load_predict(module: str, root: str | Path | None = None) -> PredictBank:
    """The prompts of ``assets/predict/<module>.yaml``, validated (cached until the file changes)."""
    base = _base(root)
    path = base / "assets" / "predict" / f"{module}.yaml"
    return _cached(str(path), str(base), mtime_ns(path))[0]


def check(root: str | Path | None = None, references: set[str] | None = None) -> list[Problem]:
    """Every problem in ``assets/predict/*.yaml``; with ``references``, unknown keys too."""
    base = _base(root)
    problems: list[Problem] = []
    for path in sorted((base / "assets" / "predict").glob("*.yaml")):
        try:
            bank, data = _cached(str(path), str(base), mtime_ns(path))
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if not (base / "notebooks" / f"{bank.module}.ipynb").exists():
            problems.append(Problem(rel_path(path, base), 1, "(file)",
                                    f"no notebook notebooks/{bank.module}.ipynb for these prompts"))
        if references is None:
            continue
        for i, p in enumerate(bank.prompts):
            for j, key in enumerate(p.references):
                if key not in references:
                    loc = ("prompts", i, "references", j)
                    problems.append(Problem(rel_path(path, base), line_of(data, loc), field_path(data, loc),
                                            f"unknown reference key {key!r} (not in assets/references.yaml)"))
    return problems
