"""Front-end files the course serves itself, so pages work with no internet.

- plotly.js: plotly's "cartesian" bundle from npm (``plotly.js-cartesian-dist-min``, 1.5 MB, the trace
  types of :data:`CARTESIAN_TRACES`: everything the course draws) at the exact plotly.js version the
  installed plotly wheel ships; without npm, the wheel's full bundle (4.8 MB, 3× the parse time in
  the browser). Copied next to the course's static files by :func:`ensure_vendor`.
- Font Awesome 5: from the fontawesome-free wheel (:func:`fontawesome_dir`).
- For presenter mode, npm packages installed with npm at set-up time into
  ``katlearn/server/vendored/npm`` (not committed): reveal.js 4's stylesheets (Voila's own reveal
  bundle brings the JavaScript) and jQuery, which that bundle calls when a slide scrolls.

``python -m katlearn.server vendor`` installs what is missing; without npm it says what is missing
and still exits 0 (the course works without it: full plotly.js, presenter mode without reveal
styles).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

from katlearn import paths

# Front-end files fetched or copied at set-up time (not committed; `make clean` removes them).
VENDOR_DIR = Path(__file__).resolve().parent / "vendored"
NPM_DIR = VENDOR_DIR / "npm"
NODE_MODULES = NPM_DIR / "node_modules"
# reveal.js: the version nbconvert's reveal template is written for; jQuery: the major version
# Voila's reveal template loads.
PACKAGES = {"reveal.js": "4.0.2", "jquery": "3.7.1"}
REVEAL_DIR = NODE_MODULES / "reveal.js"
JQUERY_JS = NODE_MODULES / "jquery" / "dist" / "jquery.min.js"


# plotly.js: the partial bundle with the trace types the course uses (tests keep figures inside it).
PLOTLY_CARTESIAN = "plotly.js-cartesian-dist-min"
CARTESIAN_TRACES = frozenset({"bar", "box", "contour", "heatmap", "histogram", "histogram2d",
                              "histogram2dcontour", "image", "pie", "scatter", "scatterternary", "violin"})
PLOTLY_JS_URL = paths.PLOTLY_JS_PATH  # under the server's base URL
_VERSION_HEADER = re.compile(rb"plotly\.js (?:\([^)]*\) )?v(\d+\.\d+\.\d+)")


def _js_version(path: Path) -> str | None:
    try:
        with open(path, "rb") as f:
            m = _VERSION_HEADER.search(f.read(400))
    except OSError:
        return None
    return m.group(1).decode() if m else None


def wheel_plotly_js() -> Path:
    """The full plotly.js bundle inside the installed plotly wheel."""
    from importlib.util import find_spec

    # found, not imported: a page's kernel asks for the bundle's URL and needs nothing else of plotly
    return Path(find_spec("plotly").origin).parent / "package_data" / "plotly.min.js"


def cartesian_plotly_js() -> Path:
    return NODE_MODULES / PLOTLY_CARTESIAN / "plotly-cartesian.min.js"


def plotly_js_source() -> Path:
    """The plotly.js the course serves: the cartesian bundle when installed at the wheel's
    plotly.js version (so the browser runs what the Python side was written for), else the
    wheel's full bundle."""
    full = wheel_plotly_js()
    cart = cartesian_plotly_js()
    version = _js_version(cart)  # None when not installed
    return cart if version is not None and version == _js_version(full) else full


@lru_cache(maxsize=1)
def plotly_js_url() -> str:
    """Path of plotly.js under the server's base URL, with a content hash (so browsers may keep it
    for good). The kernel (figure views) and the server (page head) compute the same value."""
    digest = hashlib.sha256(plotly_js_source().read_bytes()).hexdigest()[:16]
    return f"{PLOTLY_JS_URL}?v={digest}"


def plotly_cartesian_ready() -> bool:
    return plotly_js_source() == cartesian_plotly_js()


def reveal_ready() -> bool:
    return (REVEAL_DIR / "dist" / "reveal.css").is_file() and JQUERY_JS.is_file()


def wanted_packages() -> dict[str, str]:
    """Every npm package the course uses, name -> exact version."""
    wanted = dict(PACKAGES)
    js_version = _js_version(wheel_plotly_js())
    if js_version:
        wanted[PLOTLY_CARTESIAN] = js_version
    return wanted


def ensure_npm_packages(quiet: bool = False) -> bool:
    """Install the course's npm packages if any is missing (one npm call, so none is pruned);
    True when all are in place."""
    if reveal_ready() and plotly_cartesian_ready():
        return True
    npm = shutil.which("npm")
    if not npm:
        if not quiet:
            print("katlearn: npm not found, so pages use plotly's full bundle (4.8 MB instead of 1.5 MB) and "
                  "presenter mode has no reveal.js styles (install Node.js/npm and run "
                  "`python -m katlearn.server vendor`).", file=sys.stderr)
        return False
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    cmd = [npm, "install", "--prefix", str(NPM_DIR), "--no-audit", "--no-fund", "--no-save",
           "--loglevel=error", *(f"{name}@{version}" for name, version in wanted_packages().items())]
    done = subprocess.run(cmd, check=False)
    plotly_js_url.cache_clear()
    return done.returncode == 0 and reveal_ready() and plotly_cartesian_ready()


def ensure_vendor() -> Path:
    """Copy the course's plotly.js (see :func:`plotly_js_source`) into :data:`VENDOR_DIR` as
    ``plotly.min.js``, where ``/katlearn/vendor/`` serves it; pages ask for it with a content-hash
    ``?v=``.

    Done at start-up rather than committed: it comes with the plotly version that is installed, so
    the browser always runs the plotly.js that matches the Python side.
    """
    src = plotly_js_source()
    VENDOR_DIR.mkdir(exist_ok=True)
    dst = VENDOR_DIR / "plotly.min.js"
    if not dst.exists() or dst.stat().st_size != src.stat().st_size or dst.read_bytes() != src.read_bytes():
        tmp = dst.with_suffix(".tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    return VENDOR_DIR


def fontawesome_dir() -> Path:
    """Font Awesome 5 (the version Voila's template asks for), from the fontawesome-free wheel."""
    from importlib.metadata import distribution

    return Path(distribution("fontawesome-free").locate_file("fontawesome-free/static/fontawesome_free"))
