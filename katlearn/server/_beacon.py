"""The "page closed" beacon: a closed page's kernel is shut down at once, not when culled."""

from __future__ import annotations

from urllib.parse import urlparse

from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

XSRF_COOKIE = "_xsrf"  # tornado's (and jupyter-server's) XSRF cookie, read by Voila's beacon script


class BeaconShutdownHandler(VoilaShutdownKernelHandler):
    """Voila's ``/voila/api/shutdown/<kernel>`` handler, accepting the beacon of this server's own pages.

    A page sends the beacon (``navigator.sendBeacon``) with the XSRF token it finds in its
    ``_xsrf`` cookie. Standalone Voila never sets that cookie, so the token is empty, Voila's own
    handler answers 403 and kernels of closed tabs live until culled. Where the browser has no
    ``_xsrf`` cookie for this server, a same-origin ``Origin`` header (which browsers set and pages
    cannot forge) is the proof accepted instead. Where it has one (a hub's single-user server sets
    it), the token is checked as usual, so a page of another server on the same origin (another
    user's, on a hub) cannot shut this server's kernels down. The login, if any, is still required.
    """

    def check_xsrf_cookie(self) -> None:
        if XSRF_COOKIE not in self.request.cookies and same_origin(
                self.request.headers.get("Origin"), self.request.headers.get("Host")):
            return None
        return super().check_xsrf_cookie()


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a request's ``Origin`` names the host it was sent to."""
    return bool(origin and host and urlparse(origin.lower()).netloc == host.lower())
