"""Small HTML pieces every view uses, and the one way views make an HTML widget (:func:`html_view`)."""

from __future__ import annotations

import ipywidgets as widgets

from katlearn.widgets._shared import shared_layout, shared_style


def live_region(inner: str) -> str:
    """``inner`` (HTML) in a polite live region, so a screen reader announces it when it changes."""
    return f'<div role="status" aria-live="polite">{inner}</div>'


def html_view(value: str = "", *, wide: bool = False) -> widgets.HTML:
    """An HTML widget (one widget model: its layout and style are shared, see
    :mod:`katlearn.widgets._shared`); ``wide`` makes it take the full width."""
    return widgets.HTML(value, layout=shared_layout(width="100%") if wide else shared_layout(),
                        style=shared_style(widgets.HTML))
