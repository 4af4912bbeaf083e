"""Front-end files the course serves itself, so pages work with no internet.

- plotly.js: copied from the installed plotly wheel (see :func:`katlearn.serve.ensure_vendor`).
- Font Awesome 5: from the fontawesome-free wheel.
- For presenter mode, npm packages installed with npm at set-up time into ``katlearn/_vendor/npm``
  (not committed): reveal.js 4's stylesheets (Voila's own reveal bundle brings the JavaScript)
  and jQuery, which that bundle calls when a slide scrolls.

``python -m katlearn.vendor`` installs what is missing; without npm it says what presenter mode
lacks and still exits 0 (the course itself does not need it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "_vendor"
NPM_DIR = VENDOR_DIR / "npm"
NODE_MODULES = NPM_DIR / "node_modules"
# reveal.js: the version nbconvert's reveal template is written for; jQuery: the major version
# Voila's reveal template loads.
PACKAGES = {"reveal.js": "4.0.2", "jquery": "3.7.1"}
REVEAL_DIR = NODE_MODULES / "reveal.js"
JQUERY_JS = NODE_MODULES / "jquery" / "dist" / "jquery.min.js"


def reveal_ready() -> bool:
    return (REVEAL_DIR / "dist" / "reveal.css").is_file() and JQUERY_JS.is_file()


def ensure_reveal(quiet: bool = False) -> bool:
    """Install presenter mode's npm packages if they are missing; True when present."""
    if reveal_ready():
        return True
    npm = shutil.which("npm")
    if not npm:
        if not quiet:
            print("katlearn: npm not found, so presenter mode will have no reveal.js styles "
                  "(install Node.js/npm and run `python -m katlearn.vendor`).", file=sys.stderr)
        return False
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--prefix", str(NPM_DIR), "--no-audit", "--no-fund", "--no-save",
           "--loglevel=error", *(f"{name}@{version}" for name, version in PACKAGES.items())]
    done = subprocess.run(cmd, check=False)
    return done.returncode == 0 and reveal_ready()


if __name__ == "__main__":
    ensure_reveal()
    sys.exit(0)
