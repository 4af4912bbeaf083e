"""Pure numpy/scipy models behind the course's interactives (no plotting, no widgets).

Modules: :mod:`pharmacokinetics` (plasma pharmacokinetics), :mod:`nmda_block` (NMDA receptor block),
:mod:`disinhibition` (E–I circuit rate model), :mod:`synaptogenesis` (glutamate → spines cascade), :mod:`landscape`
("unsticking" metaphor), :mod:`clinical` (approximate time courses and trial table).
Every literature number lives in :mod:`params` with its reference key; ``params.REFERENCES_USED``
lists the keys each model uses.
"""

from katlearn.science import clinical, disinhibition, landscape, nmda_block, params, pharmacokinetics, synaptogenesis

__all__ = ["clinical", "disinhibition", "landscape", "nmda_block", "params", "pharmacokinetics", "synaptogenesis"]
