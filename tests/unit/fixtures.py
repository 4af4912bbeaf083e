"""Small course roots for the content, quiz, export and widget tests (no tests in here).

``make_course(tmp_path)`` writes ``assets/references.yaml``, ``assets/glossary.yaml``, a bank
with one question of every type (``assets/quizzes/09_demo.yaml``) and the notebook that owns it.
"""

from __future__ import annotations

import json
from pathlib import Path

from katlearn import content

REFERENCES = """\
zarate2006:
  authors: Zarate CA Jr, Singh JB, Carlson PJ, et al.
  year: 2006
  title: A randomized trial of an N-methyl-D-aspartate antagonist in treatment-resistant major depression
  journal: Archives of General Psychiatry 63:856-864
  doi: 10.1001/archpsyc.63.8.856
jahr1990:
  authors: Jahr CE, Stevens CF
  year: 1990
  title: Voltage dependence of NMDA-activated macroscopic conductances
  journal: Journal of Neuroscience 10:3178-3182
  doi: 10.1523/JNEUROSCI.10-09-03178.1990
spravato_label:
  authors: Janssen Pharmaceuticals
  year: 2019
  title: SPRAVATO (esketamine) nasal spray, prescribing information
  url: https://example.org/spravato
"""

GLOSSARY = """\
terms:
  - id: nmda_receptor
    term: NMDA receptor
    definition: A glutamate receptor that is also an ion channel.
    see: [magnesium_block]
    references: [jahr1990]
    module: 09_demo
  - id: magnesium_block
    term: Mg2+ block
    definition: Magnesium plugs the pore at rest.
    references: [jahr1990]
"""

# One question of each type; the first prompt holds every GIFT special character.
BANK = r"""title: Demo quiz
questions:
  - id: demo.single
    type: single
    objective: m09.block
    difficulty: easy
    prompt: 'Which ion blocks the NMDA pore at rest? Specials: ~ = # { } : \ and $x_1 = 2$'
    options:
      - text: Magnesium {Mg2+}
        correct: true
        feedback: Yes, magnesium = the plug.
      - text: Sodium
        feedback: 'No: sodium flows through.'
      - text: Chloride
        feedback: No, chloride does not pass.
    explanation: Mg2+ sits in the pore until the membrane depolarises.
    references: [jahr1990]
  - id: demo.multiple
    type: multiple
    objective: m09.block
    difficulty: medium
    prompt: Which are needed to open the NMDA receptor? *Select all.*
    options:
      - text: Glutamate
        correct: true
        feedback: Needed.
      - text: Glycine or D-serine
        correct: true
        feedback: Needed as co-agonist.
      - text: Serotonin
        feedback: Not needed.
      - text: Dopamine
        feedback: Not needed.
    explanation: Two agonists plus depolarisation.
    references: [jahr1990]
  - id: demo.tf
    type: true_false
    objective: m09.clinic
    difficulty: easy
    prompt: One infusion helps for months.
    answer: false
    feedback:
      true: No, about a week.
      false: Right, about a week.
    explanation: The effect of one infusion fades within about a week.
    references: [zarate2006]
  - id: demo.numeric
    type: numeric
    objective: m09.clinic
    difficulty: medium
    prompt: What dose (mg/kg) did the depression trials use?
    answer: 0.5
    tolerance: 0.01
    unit: mg/kg
    explanation: 0.5 mg/kg over 40 minutes.
    references: [zarate2006]
  - id: demo.order
    type: ordering
    objective: m09.clinic
    difficulty: easy
    prompt: Put the phases in order.
    items: [Preparation, Dosing, Integration, Follow-up]
    explanation: Prepare, dose, integrate, follow up.
    references: [spravato_label]
  - id: demo.match
    type: matching
    objective: m09.block
    difficulty: hard
    prompt: Match each term to its definition.
    pairs:
      - {term: Ki, definition: Binding constant}
      - {term: Cmax, definition: Peak concentration}
      - {term: Tmax, definition: Time of the peak}
    explanation: Pharmacology words.
    references: [jahr1990, zarate2006]
"""

OBJECTIVES = [
    {"id": "m09.block", "text": "Explain the magnesium block.", "section": "The-magnesium-plug"},
    {"id": "m09.clinic", "text": "Describe the clinical picture.", "section": "In-the-clinic"},
]


def notebook(order: int = 9, quiz: str | None = "09_demo", objectives: list | None = None, **extra) -> dict:
    meta = {"order": order, "title": "Demo", "summary": "A demo module.", "minutes": 10,
            "objectives": OBJECTIVES if objectives is None else objectives, **extra}
    if quiz is not None:
        meta["quiz"] = quiz
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": src}
             for src in ('from katlearn.widgets import page\npage.setup("09_demo")', "page.ready()")]
    return {"cells": cells, "metadata": {"katlearn": meta}, "nbformat": 4, "nbformat_minor": 5}


def write_notebook(root: Path, stem: str, nb: dict) -> Path:
    path = root / "notebooks" / f"{stem}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_course(root: Path, bank: str = BANK) -> Path:
    write(root, "assets/references.yaml", REFERENCES)
    write(root, "assets/glossary.yaml", GLOSSARY)
    write(root, "assets/quizzes/09_demo.yaml", bank)
    write_notebook(root, "09_demo", notebook())
    return root


def demo_bank(tmp_path: Path) -> content.Bank:
    return content.load_bank("09_demo", make_course(tmp_path))


def demo_references(tmp_path: Path) -> dict[str, content.Reference]:
    return content.load_references(tmp_path)
