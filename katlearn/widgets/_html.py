"""Small HTML pieces every view uses, and the one way views make an HTML widget (:func:`html_view`)."""

from __future__ import annotations

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle


def live_region(inner: str) -> str:
    """``inner`` (HTML) in a polite live region, so a screen reader announces it when it changes."""
    return f'<div role="status" aria-live="polite">{inner}</div>'


# Every widget model costs the browser a fetch and some wiring (~2.4 ms each on a page load), and an
# ipywidgets HTML widget brings two more of its own (a Layout and an HTMLStyle). The course never
# changes an HTML widget's layout or style after creating it, so they all share these.
_PLAIN = widgets.Layout()
_WIDE = widgets.Layout(width="100%")
_STYLE = HTMLStyle()


def html_view(value: str = "", *, wide: bool = False) -> widgets.HTML:
    """An HTML widget (one widget model) sharing its layout and style with every other; ``wide``
    makes it take the full width. Never change such a widget's ``layout`` or ``style`` in place."""
    return widgets.HTML(value, layout=_WIDE if wide else _PLAIN, style=_STYLE)
