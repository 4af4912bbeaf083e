"""Loaded first by pytest (``-p tests.plugin``): keeps every test's files out of the user's home.

Jupyter's config/data/runtime dirs, IPython's dir, HOME and the progress store all point into one
temporary folder for the whole run, inherited by kernels and the Voila server the tests start.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

_SCRATCH = Path(tempfile.mkdtemp(prefix="katlearn-tests-"))


def _isolate() -> None:
    home = _SCRATCH / "home"
    home.mkdir(exist_ok=True)
    os.environ["KATLEARN_REAL_HOME"] = os.environ.get("HOME", "")
    for var, sub in {
        "HOME": "home",
        "JUPYTER_CONFIG_DIR": "home/.jupyter",
        "JUPYTER_DATA_DIR": "home/.local/share/jupyter",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "IPYTHONDIR": "home/.ipython",
        "XDG_CACHE_HOME": "home/.cache",
        "XDG_CONFIG_HOME": "home/.config",
    }.items():
        os.environ[var] = str(_SCRATCH / sub)
    os.environ["KATLEARN_DB"] = str(_SCRATCH / "progress.sqlite")
    os.environ.pop("JUPYTERHUB_USER", None)
    # Voila, jupyter_server and widgets warn about their own internals; those are not ours to fix.
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")


_isolate()


def scratch_dir() -> Path:
    return _SCRATCH


def pytest_unconfigure(config) -> None:  # noqa: ARG001
    shutil.rmtree(_SCRATCH, ignore_errors=True)
