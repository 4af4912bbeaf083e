"""Who is learning: ``JUPYTERHUB_USER`` on a hub, else the name typed once on the home page (kept in
the progress store), else ``"guest"``. Learners are plain strings; learner-entered text is
validated here (:func:`normalise_name`) and must still be escaped wherever it is shown.
"""

from __future__ import annotations

import logging
import os
import unicodedata

from katlearn.learning._store import (
    _DEVICE,
    GUEST,
    ProgressError,
    _run,
    get_setting,
    set_setting,
)

log = logging.getLogger(__name__)

NAME_MAX_CHARS = 40

_NAME_PUNCTUATION = set(" -_.'’")


def normalise_name(text: str) -> str:
    """A learner-typed name, tidied (Unicode NFC, spaces collapsed) and checked.

    Letters of any script, digits, spaces and ``- _ . '`` are allowed, up to 40 characters.
    Raises ValueError with a message for the learner (which quotes their input: escape it).
    """
    if not isinstance(text, str):
        raise ValueError("Type a name.")
    name = " ".join(unicodedata.normalize("NFC", text).split())
    if not name:
        raise ValueError("Type a name (letters, digits or spaces).")
    if len(name) > NAME_MAX_CHARS:
        raise ValueError(f"Please keep the name to {NAME_MAX_CHARS} characters or fewer.")
    bad = sorted({ch for ch in name if not (unicodedata.category(ch)[0] in "LMN" or ch in _NAME_PUNCTUATION)})
    if bad:
        shown = " ".join(bad[:5])
        raise ValueError(f"Use letters, digits, spaces and - _ . ' only (not {shown}).")
    if not any(unicodedata.category(ch)[0] in "LN" for ch in name):
        raise ValueError("A name needs at least one letter or digit.")
    return name


def local_name() -> str | None:
    """The name typed on this computer's home page, if any."""
    value = get_setting(_DEVICE, "learner_name")
    return value if isinstance(value, str) and value else None


def set_local_name(text: str) -> str:
    """Validate and keep the name a learner typed; returns the stored form."""
    name = normalise_name(text)
    set_setting(_DEVICE, "learner_name", name)
    set_setting(name, "display_name", name)
    return name


def forget_local_name() -> None:
    _run(lambda c: c.execute("DELETE FROM settings WHERE learner = ? AND key = 'learner_name'", (_DEVICE,)))


def hub_user() -> str | None:
    user = os.environ.get("JUPYTERHUB_USER", "").strip()
    return user or None


def current_learner() -> str:
    """``JUPYTERHUB_USER`` when set, else the name typed on this computer, else ``"guest"``."""
    user = hub_user()
    if user:
        return user
    try:
        return local_name() or GUEST
    except ProgressError as exc:
        log.warning("progress store unavailable, learning as %s: %s", GUEST, exc)
        return GUEST
