"""Where the course's files live.

The package is installed editable from the repository, so assets and notebooks sit next to it.
``KATLEARN_ROOT`` points elsewhere (e.g. a deployed copy of the course).
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    """The course root: the folder holding ``assets/`` and ``notebooks/``."""
    env = os.environ.get("KATLEARN_ROOT")
    return Path(env).resolve() if env else Path(__file__).resolve().parent.parent


def assets() -> Path:
    return root() / "assets"


def notebooks() -> Path:
    return root() / "notebooks"


# Where the course server serves its plotly.js, under its base URL. Pages get the content-hashed URL
# from the page config (window.katlearnPlotlySrc); a figure view falls back to this path.
PLOTLY_JS_PATH = "katlearn/vendor/plotly.min.js"
