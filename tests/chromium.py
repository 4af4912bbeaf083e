"""Find (or, on Debian as root, install) the Chromium that browser tests and benchmarks drive.

Test tooling, not part of the course package: learners' installations never need it.

Order: ``KATLEARN_CHROMIUM`` (a path to a Chromium/Chrome binary), then ``chromium`` /
``chromium-browser`` / ``google-chrome`` on PATH. ``python -m tests.chromium --ensure`` (``make
chromium``, from the checkout's root) installs Debian's ``chromium`` with apt-get when none is found
and it may (root, apt-get present), and otherwise exits 1 saying what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Flags for a headless, offline-friendly Chromium (no background calls home, no sandbox as root).
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

HOW_TO_GET_ONE = (
    "No Chromium found for the browser tests. Install one, e.g.\n"
    "  Debian/Ubuntu:  sudo apt-get install -y chromium\n"
    "  anywhere:       .venv/bin/python -m playwright install chromium\n"
    "or point KATLEARN_CHROMIUM at a Chromium or Chrome binary."
)


class ChromiumNotFound(RuntimeError):
    pass


def find_chromium() -> str | None:
    """Path of a usable Chromium binary, or ``None``; ``None`` means Playwright's own build."""
    env = os.environ.get("KATLEARN_CHROMIUM")
    if env:
        if os.path.isfile(env) and os.access(env, os.X_OK):
            return env
        raise ChromiumNotFound(f"KATLEARN_CHROMIUM={env!r} is not an executable file")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _playwright_has_chromium() -> bool:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            return os.path.exists(p.chromium.executable_path)
    except Exception:
        return False


def ensure() -> int:
    if find_chromium() or _playwright_has_chromium():
        return 0
    can_apt = shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0
    if can_apt:
        print("katlearn: installing Debian's chromium for the browser tests (apt-get)…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
        if done.returncode == 0 and find_chromium():
            return 0
    print(HOW_TO_GET_ONE, file=sys.stderr)
    return 1


if __name__ == "__main__":
    if "--ensure" in sys.argv[1:]:
        sys.exit(ensure())
    print(find_chromium() or "playwright's own chromium")
