"""Who may see class results: on a JupyterHub, users whose server token carries the custom scope
``custom:katlearn:class-results`` or who are hub admins (asked of the hub with the server's own
``JUPYTERHUB_API_TOKEN``); elsewhere, whoever types the key in ``KATLEARN_EDUCATOR_KEY``
(compared in constant time)."""

from __future__ import annotations

import hmac
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("katlearn.classroom")

EDUCATOR_KEY_ENV = "KATLEARN_EDUCATOR_KEY"
EDUCATOR_SCOPE = "custom:katlearn:class-results"
HUB_TIMEOUT_S = 5.0
MIN_KEY_CHARS = 12  # shorter keys are refused: the page would be guessable


@dataclass(frozen=True)
class Access:
    """Whether this page may show class results, and what to tell the person looking."""

    granted: bool
    how: str  # "hub" (the hub said so), "key" (an educator key is set; ask for it), or ""
    who: str = ""
    message: str = ""

    @property
    def needs_key(self) -> bool:
        return not self.granted and self.how == "key"


def hub_user_model(timeout_s: float = HUB_TIMEOUT_S) -> dict[str, Any] | None:
    """This server's user as the hub sees it (``GET $JUPYTERHUB_API_URL/user`` with the
    server's token), or None off a hub or when the hub cannot be asked."""
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
    api = os.environ.get("JUPYTERHUB_API_URL", "")
    if not token or not api.startswith(("http://", "https://")):
        return None
    request = urllib.request.Request(api.rstrip("/") + "/user", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - the hub's own URL
            model = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.warning("could not ask the hub who this is: %s", exc)
        return None
    return model if isinstance(model, dict) else None


def hub_grants(model: Mapping[str, Any]) -> bool:
    """Hub admins, and users whose token carries the educator scope, see class results."""
    scopes = model.get("scopes") or []
    return model.get("admin") is True or EDUCATOR_SCOPE in scopes


def educator_key() -> str | None:
    key = os.environ.get(EDUCATOR_KEY_ENV, "")
    return key if len(key) >= MIN_KEY_CHARS else None


def key_matches(typed: str, key: str | None = None) -> bool:
    """Constant-time comparison of a typed key with ``KATLEARN_EDUCATOR_KEY``."""
    key = educator_key() if key is None else key
    if not key or not isinstance(typed, str):
        return False
    return hmac.compare_digest(typed.encode("utf-8"), key.encode("utf-8"))


def educator_access(model: Mapping[str, Any] | None = None) -> Access:
    """Decide once per page: the hub's word on a hub; else an educator key, if one is set."""
    on_hub = bool(os.environ.get("JUPYTERHUB_API_TOKEN"))
    if on_hub:
        model = hub_user_model() if model is None else model
        if model is not None:
            name = str(model.get("name", ""))
            if hub_grants(model):
                return Access(True, "hub", name, "Signed in as an educator on this hub.")
            return Access(False, "", name, "This page is for educators. Your hub account does not "
                                           "have access to class results.")
    if educator_key():
        return Access(False, "key", "", "Type the educator key to see class results.")
    if os.environ.get(EDUCATOR_KEY_ENV):
        return Access(False, "", "", f"The educator key on this server is too short (at least "
                                     f"{MIN_KEY_CHARS} characters are needed), so the page stays locked.")
    if on_hub:
        return Access(False, "", "", "The hub could not be asked whether you are an educator; "
                                     "reload the page in a minute.")
    return Access(False, "", "", "This page is for educators. To open it, the person who runs the "
                                 f"course server sets {EDUCATOR_KEY_ENV} (or runs a hub).")


