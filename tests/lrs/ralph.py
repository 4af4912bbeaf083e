"""A second real LRS for tests: ralph (PyPI ``ralph-malph``), with its file-system backend and HTTP
Basic users checked against bcrypt hashes, so a wrong password is refused for real.

ralph has dependencies that do not mix with the course's (pinned click, importlib-metadata), so it
lives in a virtual environment of its own: ``$KATLEARN_RALPH_PYTHON``, else
``<venv>/katlearn-ralph`` (where ``make test`` makes it), else made there (or in a temp folder)
with pip. Its file-system backend takes new statements in one write only, so tests send it one
batch. If it cannot be found, installed or started, :class:`~tests.lrs.lrs.LrsUnavailable` says
why and the test fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.lrs.lrs import PASSWORD, USER, LocalLrs, LrsUnavailable, free_port

PACKAGES = ("ralph-malph[lrs,cli]==5.1.0", "requests")  # its API server imports requests, not declared


def _python(folder: Path) -> Path:
    return folder / "bin" / "python"


def find_ralph() -> Path:
    """The Python of a virtual environment with ralph installed, making one if needed."""
    env = os.environ.get("KATLEARN_RALPH_PYTHON")
    if env:
        if Path(env).is_file():
            return Path(env)
        raise LrsUnavailable(f"KATLEARN_RALPH_PYTHON={env!r} is not a file")
    folders = (Path(sys.prefix) / "katlearn-ralph", Path(tempfile.gettempdir()) / "katlearn-ralph")
    for folder in folders:
        if (folder / ".installed").exists():
            return _python(folder)
    output = ""
    for folder in folders:
        try:
            subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            output = str(exc)
            continue
        done = subprocess.run([str(_python(folder)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                               *PACKAGES], capture_output=True, text=True, timeout=900)
        output = (done.stderr or done.stdout)[-500:]
        if done.returncode == 0:
            (folder / ".installed").touch()
            return _python(folder)
    raise LrsUnavailable(f"pip could not install {' '.join(PACKAGES)}: {output}")


def start() -> LocalLrs:
    """Start ralph on a free loopback port with one user (tests.lrs.lrs.USER / PASSWORD)."""
    python = find_ralph()
    folder = Path(tempfile.mkdtemp(prefix="katlearn-ralph-"))
    (folder / "data").mkdir()
    made = subprocess.run([str(python), "-c", (
        "import bcrypt, json, sys; json.dump([{'username': sys.argv[1], "
        "'hash': bcrypt.hashpw(sys.argv[2].encode(), bcrypt.gensalt()).decode(), 'scopes': ['all'], "
        "'agent': {'account': {'name': 'katlearn-tests', 'homePage': 'https://learn.example.org/'}}}], "
        "open(sys.argv[3], 'w'))"), USER, PASSWORD, str(folder / "auth.json")], capture_output=True, text=True)
    if made.returncode != 0:
        raise LrsUnavailable(f"could not write ralph's users file: {made.stderr[-500:]}")
    port = free_port()
    env = dict(os.environ, RALPH_RUNSERVER_BACKEND="fs", RALPH_APP_DIR=str(folder),
               RALPH_AUTH_FILE=str(folder / "auth.json"),
               RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(folder / "data"))
    log = open(folder / "lrs.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen([str(python), "-m", "uvicorn", "ralph.api:app", "--host", "127.0.0.1",
                                "--port", str(port)], cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    return LocalLrs(process, port, folder).wait_ready("statements?limit=1", "ralph")
