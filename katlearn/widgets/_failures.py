"""What a learner sees when part of a page fails (a notice, never a traceback), and where the
traceback goes instead (the course server's log)."""

from __future__ import annotations

import logging
import sys
import traceback

log = logging.getLogger("katlearn")

FRIENDLY_ERROR = (
    '<div class="kl-cell-error" role="alert"><strong>This part of the page could not be shown.</strong> '
    "The rest of the page still works. If you are in a workshop, please tell your facilitator; the "
    "problem has been recorded on the course server.</div>"
)


def record_failure(what: str, exc: BaseException, tb=None) -> None:
    """The full traceback of a failure on a learner's page to the kernel's stderr (the course
    server's log) and the ``katlearn`` logger; the learner is shown :data:`FRIENDLY_ERROR`."""
    detail = "".join(traceback.format_exception(type(exc), exc, tb if tb is not None else exc.__traceback__))
    print(f"ERROR katlearn: {what} failed on a learner's page\n{detail}", file=sys.__stderr__, flush=True)
    log.error("%s failed: %s: %s", what, type(exc).__name__, exc)
