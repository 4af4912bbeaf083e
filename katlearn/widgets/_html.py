"""Small HTML pieces every view uses."""

from __future__ import annotations


def live_region(inner: str) -> str:
    """``inner`` (HTML) in a polite live region, so a screen reader announces it when it changes."""
    return f'<div role="status" aria-live="polite">{inner}</div>'
