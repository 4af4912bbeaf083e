"""Pure numpy/scipy models behind the course's interactives (no plotting, no widgets).

Modules: :mod:`pk` (plasma pharmacokinetics), :mod:`receptor` (NMDA receptor block),
:mod:`circuit` (disinhibition), :mod:`plasticity` (glutamate → spines cascade), :mod:`attractor`
("unsticking" metaphor), :mod:`clinical` (approximate time courses and trial table).
Every literature number lives in :mod:`params` with its reference key; ``params.REFERENCES_USED``
lists the keys each model uses.
"""

from katlearn.science import attractor, circuit, clinical, params, pk, plasticity, receptor

__all__ = ["attractor", "circuit", "clinical", "params", "pk", "plasticity", "receptor"]
