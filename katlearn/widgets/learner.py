"""The home page's "who is learning" form.

On a JupyterHub the hub's user name is used and the form only shows it. On a personal computer
the learner types a name once; it is kept in the progress store on this computer (never sent
anywhere) and used to keep each person's progress apart when several share the machine.

CSS classes: ``kl-learner`` (the form), ``kl-learner-name`` (text field), ``kl-learner-save``
(button), ``kl-learner-status`` (message area).
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from katlearn import learning
from katlearn.widgets._html import html_view, live_region
from katlearn.widgets.live import deferred
from katlearn.widgets._shared import control, set_shown, shared_layout

__all__ = ["NameEntry", "name_entry"]

LABEL = "Your name (kept on this computer)"



class NameEntry(widgets.VBox):
    """Name field + Save button + status line; reads and writes :mod:`katlearn.learning`."""

    def __init__(self) -> None:
        self.name = control(widgets.Text, description=LABEL, placeholder="e.g. Sam", style={"description_width": "initial"},
                                 layout=shared_layout(width="32em"))
        self.name.add_class("kl-learner-name")
        self.save_button = control(widgets.Button, description="Save name", tooltip="Keep this name on this computer",)
        self.save_button.add_class("kl-learner-save")
        self.status = html_view("")
        self.status.add_class("kl-learner-status")
        super().__init__([widgets.HBox([self.name, self.save_button], layout=shared_layout()), self.status],
                         layout=shared_layout())
        self.add_class("kl-learner")
        self.save_button.on_click(lambda _b: self.save())

        hub = learning.hub_user()
        if hub:
            self.name.value = hub
            self.name.disabled = True
            set_shown(self.save_button, False)
            self.status.value = live_region(f"<p>Signed in as <strong>{html.escape(hub)}</strong>; "
                                      "your progress is saved under this name.</p>")
            return
        try:
            current = learning.local_name()
        except learning.ProgressError:
            current = None
        if current:
            self.name.value = current
            self.status.value = live_region(f"<p>Learning as <strong>{html.escape(current)}</strong>. "
                                      "Change the name to keep separate progress for someone else.</p>")
        else:
            self.status.value = live_region(f"<p>Not signed in: progress is saved as "
                                      f"<strong>{learning.GUEST}</strong> until you save a name.</p>")

    def save(self) -> str | None:
        """Validate and store the typed name; returns it, or None with a message shown."""
        try:
            name = learning.set_local_name(self.name.value)
        except ValueError as exc:
            self.status.value = live_region(f"<p><strong>Please check the name:</strong> {html.escape(str(exc))}</p>")
            return None
        except learning.ProgressError as exc:
            self.status.value = live_region(f"<p>The name could not be saved ({html.escape(str(exc))}).</p>")
            return None
        self.name.value = name
        self.status.value = live_region(f"<p>Saved. Learning as <strong>{html.escape(name)}</strong>; "
                                  "reload a module page to see your own progress.</p>")
        return name


@deferred
def name_entry() -> NameEntry:
    """The "Your name (kept on this computer)" form for the home page."""
    return NameEntry()
