"""Layout and style models shared between widgets that look alike: the one way views give a control
or a box its look (:func:`control`, :func:`shared_layout`, :func:`set_shown`).

Every ipywidgets model costs the browser a fetch and some wiring on each page load (about 2.4 ms,
measured by ``benchmarks/run.py``), and every control brings two models besides its own: a
``Layout`` and a style (``SliderStyle``, ``ButtonStyle``, …). Most of them are identical across a
page (full-width sliders with an ``initial`` description width, buttons of default size), so
views take them from here, where one model serves every widget with the same look.

A shared model is frozen: changing it in place (``w.layout.display = "none"``) raises, because it
would change every widget that shares it. A widget is shown and hidden by swapping its layout for
the shared one that differs only in ``display``: :func:`set_shown`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import ipywidgets as widgets

__all__ = ["control", "shared_layout", "shared_style", "set_shown", "FrozenModelError"]

W = TypeVar("W", bound=widgets.DOMWidget)


class FrozenModelError(AttributeError):
    """A shared layout or style was changed in place."""


class _Frozen:
    """Refuses changes to synced traits once built."""

    _frozen = False

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen and name in self.keys:
            raise FrozenModelError(
                f"{type(self).__name__} is shared by several widgets; setting {name!r} would change all of them. "
                "To show or hide a widget use katlearn.widgets._shared.set_shown.")
        super().__setattr__(name, value)


_layouts: dict[tuple, widgets.Layout] = {}
_styles: dict[tuple, widgets.Style] = {}
_frozen_classes: dict[type, type] = {}


def _frozen_class(cls: type) -> type:
    if cls not in _frozen_classes:
        _frozen_classes[cls] = type(f"Shared{cls.__name__}", (_Frozen, cls), {"__module__": __name__})
    return _frozen_classes[cls]


def _key(props: dict[str, Any]) -> tuple:
    return tuple(sorted(props.items()))


def shared_layout(**props: Any) -> widgets.Layout:
    """The one frozen ``Layout`` with exactly these properties (e.g. ``width="100%"``)."""
    key = _key(props)
    if key not in _layouts:
        layout = _frozen_class(widgets.Layout)(**props)
        layout._props = dict(props)
        layout._frozen = True
        _layouts[key] = layout
    return _layouts[key]


def shared_style(widget_cls: type[widgets.DOMWidget], **props: Any) -> widgets.Style:
    """The one frozen style model of ``widget_cls``'s kind (``SliderStyle`` for sliders, …) with
    these properties (e.g. ``description_width="initial"``)."""
    trait = widget_cls.class_traits().get("style")
    if trait is None:
        raise TypeError(f"{widget_cls.__name__} has no style")
    style_cls = trait.klass
    key = (style_cls, *_key(props))
    if key not in _styles:
        style = _frozen_class(style_cls)(**props)
        style._frozen = True
        _styles[key] = style
    return _styles[key]


def set_shown(widget: widgets.DOMWidget, shown: bool) -> None:
    """Show or hide ``widget`` (made with a shared layout): it takes the shared layout with the same
    properties and ``display`` unset, or ``"none"``."""
    props = dict(getattr(widget.layout, "_props", None) or {})
    if not isinstance(widget.layout, _frozen_class(widgets.Layout)):
        raise TypeError(f"{type(widget).__name__} has a layout of its own; make it with a shared layout")
    props.pop("display", None)
    if not shown:
        props["display"] = "none"
    widget.layout = shared_layout(**props)


def control(widget_cls: type[W], *, layout: dict[str, Any] | widgets.Layout | None = None,
            style: dict[str, Any] | None = None, **traits: Any) -> W:
    """A ``widget_cls`` (slider, button, check box, drop-down, …) made with ``traits``, taking a
    shared layout (properties in ``layout``, or a shared ``Layout`` given as is) and a shared
    style (properties in ``style``)."""
    if not isinstance(layout, widgets.Layout):
        layout = shared_layout(**(layout or {}))
    if "style" in widget_cls.class_traits():
        traits["style"] = shared_style(widget_cls, **(style or {}))
    elif style:
        raise TypeError(f"{widget_cls.__name__} has no style to set {sorted(style)} on")
    return widget_cls(layout=layout, **traits)
