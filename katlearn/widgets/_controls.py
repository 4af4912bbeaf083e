"""Control groups more than one view builds the same way."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as widgets

from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout


def checkbox_row(label_html: str, choices: Iterable[tuple[str, str]], checked: Iterable[str],
                 css_prefix: str) -> tuple[widgets.HBox, dict[str, widgets.Checkbox]]:
    """A wrapping row of checkboxes after a label, one per ``(key, label)`` in ``choices``; those
    whose key is in ``checked`` start ticked. Each box has the class ``{css_prefix}-{key}``.
    Returns the row and the boxes by key."""
    checked = set(checked)
    boxes: dict[str, widgets.Checkbox] = {}
    for key, label in choices:
        box = control(widgets.Checkbox, value=key in checked, description=label, indent=False,
                               layout=shared_layout(width="auto", margin="0 1.2em 0 0"))
        box.add_class(f"{css_prefix}-{key}")
        boxes[key] = box
    row = widgets.HBox([html_view(label_html), *boxes.values()],
                       layout=shared_layout(flex_flow="row wrap", align_items="center"))
    return row, boxes
