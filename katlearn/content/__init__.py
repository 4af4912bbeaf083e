"""Course content as data, loaded and checked.

Files (formats documented for authors in ``assets/README.md``): ``assets/quizzes/<module>.yaml`` (one
quiz bank per notebook), ``assets/glossary.yaml``, ``assets/references.yaml``,
``assets/scenarios/<id>.yaml`` (branching cases and screening sets), ``assets/predict/<module>.yaml``
(predict-then-check prompts), and each notebook's
``metadata.katlearn`` (the course map). One YAML loader keeps line numbers, so every problem names
its place: ``assets/quizzes/02_nmda.yaml:41: questions[3].options: at least 2 needed``;
:func:`check` runs every check, cross-references included.
"""

from katlearn.content._cases import (
    CATEGORIES,
    CATEGORY_LABELS,
    PHASE_LABELS,
    PHASES,
    RATING_LABELS,
    RATINGS,
    Finding,
    Profile,
    Scenario,
    ScenarioChoice,
    ScenarioNode,
    ScreeningSet,
    load_scenario,
    load_screening,
    scenario_ids,
)
from katlearn.content._cases import check as check_cases
from katlearn.content._check import check, plural, summary, warnings
from katlearn.content._course import (
    ModuleMeta,
    NotebookMetaError,
    Objective,
    learner_modules,
    left_out,
    module,
    modules,
    read_module_meta,
)
from katlearn.content._load import (
    iter_questions,
    load_bank,
    load_banks,
    load_glossary,
    load_references,
    preload,
    short_citation,
    short_citations,
)
from katlearn.content._markdown import render as render_markdown
from katlearn.content._pages import GLOSSARY_PAGE, page_citations, term_anchors
from katlearn.content._pages import cells as notebook_cells
from katlearn.content._prompts import PredictBank, PredictPrompt, load_predict
from katlearn.content._markdown import to_text as markdown_to_text
from katlearn.content._questions import (
    DIFFICULTIES,
    QUESTION_TYPES,
    Bank,
    Matching,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Pair,
    Question,
    SingleChoice,
    TrueFalse,
    format_number,
)
from katlearn.content._sources import Glossary, GlossaryTerm, Reference, as_of_label
from katlearn.content._yaml import ContentError, Problem

__all__ = [
    "Bank", "CATEGORIES", "GLOSSARY_PAGE", "PredictBank", "PredictPrompt", "as_of_label", "load_predict",
    "notebook_cells", "page_citations", "term_anchors", "warnings", "CATEGORY_LABELS", "ContentError", "DIFFICULTIES", "Finding", "Glossary",
    "GlossaryTerm", "Matching", "ModuleMeta", "MultipleChoice", "NotebookMetaError", "Numeric", "Objective",
    "Option", "Ordering", "PHASES", "PHASE_LABELS", "Pair", "Problem", "Profile", "QUESTION_TYPES",
    "Question", "RATINGS", "RATING_LABELS", "Reference", "Scenario", "ScenarioChoice", "ScenarioNode",
    "ScreeningSet", "SingleChoice", "TrueFalse", "check", "check_cases", "format_number", "iter_questions", "learner_modules", "left_out",
    "load_bank", "load_banks", "load_glossary", "load_references", "load_scenario", "load_screening",
    "markdown_to_text", "module", "modules", "plural", "preload", "read_module_meta", "render_markdown",
    "scenario_ids", "short_citation", "short_citations", "summary",
]
