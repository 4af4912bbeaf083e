"""Controls and boxes that look alike share one layout model and one style model; shared models
cannot be changed in place, and a widget is shown and hidden by swapping its layout."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from katlearn.widgets._shared import FrozenModelError, control, set_shown, shared_layout, shared_style


def test_controls_with_the_same_look_share_their_layout_and_style():
    a = control(widgets.IntSlider, description="a", layout={"width": "100%"}, style={"description_width": "initial"})
    b = control(widgets.FloatSlider, description="b", layout={"width": "100%"}, style={"description_width": "initial"})
    c = control(widgets.IntSlider, description="c", layout={"width": "50%"})
    assert a.layout is b.layout and a.style is b.style
    assert c.layout is not a.layout and c.style is not a.style
    assert a.layout.width == "100%" and a.style.description_width == "initial"
    assert isinstance(a.style, widgets.SliderStyle)  # the style kind the slider's front end expects
    with pytest.raises(TypeError, match="no style"):
        control(widgets.VBox, style={"x": 1})
    button = control(widgets.Button, description="Go")
    assert isinstance(button.style, widgets.ButtonStyle) and button.style is shared_style(widgets.Button)


def test_a_shared_model_refuses_a_change_in_place():
    layout = shared_layout(width="12em")
    with pytest.raises(FrozenModelError, match="set_shown"):
        control(widgets.Button, layout={"width": "12em"}).layout.display = "none"
    assert layout.display is None
    with pytest.raises(FrozenModelError):
        shared_style(widgets.Checkbox).description_width = "3em"


def test_a_widget_is_hidden_and_shown_by_swapping_its_shared_layout():
    b = control(widgets.Button, layout={"width": "auto", "display": "none"})
    other = control(widgets.Button, layout={"width": "auto"})
    set_shown(b, True)
    assert b.layout is other.layout and b.layout.display is None
    set_shown(b, False)
    assert b.layout.display == "none" and b.layout.width == "auto" and other.layout.display is None
    with pytest.raises(TypeError, match="layout of its own"):
        set_shown(widgets.Button(), False)
