"""``python -m katlearn.server vendor``: fetch and copy the front-end files the course serves itself
(npm packages when npm is there, plotly.js). Run by ``make``; exits 0 without npm, saying what is
missing."""

from __future__ import annotations

import sys

from katlearn.server._vendor import ensure_npm_packages, ensure_vendor


def main(argv: list[str]) -> int:
    if argv != ["vendor"]:
        print("usage: python -m katlearn.server vendor", file=sys.stderr)
        return 2
    ensure_npm_packages()
    ensure_vendor()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
