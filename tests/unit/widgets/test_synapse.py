"""The synapse stepper: buttons move through the steps, the caption follows, the ends are clamped."""

import json

from katlearn.figures import synapse_steps
from katlearn.widgets import synapse as ws


def test_next_and_previous_buttons_step_through_the_story():
    w = ws.synapse_stepper()
    assert "kl-synapse" in w._dom_classes and "kl-synapse-next" in w.next_button._dom_classes
    assert w.prev_button.disabled and not w.next_button.disabled
    first = w.view.spec
    w.next_button.click()
    assert w.step.value == 1 and w.view.spec != first
    assert synapse_steps.STEPS[1].caption in w.caption.value
    assert "Step 2 of 7" in w.counter.value
    assert json.loads(w.view.spec)["layout"]["title"]["text"].startswith("Step 2 of 7")
    w.prev_button.click()
    assert w.step.value == 0 and w.view.spec == first


def test_the_ends_are_clamped_and_buttons_disabled():
    w = ws.synapse_stepper()
    for _ in range(20):
        w.next_button.click()
    assert w.step.value == synapse_steps.n_steps() - 1
    assert w.next_button.disabled and not w.prev_button.disabled
    w.go(-5)
    assert w.step.value == 0


def test_caption_is_a_live_region_with_source_links():
    html = ws.caption_html(3)
    assert 'aria-live="polite"' in html and 'role="status"' in html
    assert 'href="#ref-jahr1990"' in html and "Jahr and Stevens 1990" in html


def test_view_description_is_the_caption():
    w = ws.SynapseStepper(step=5)
    assert synapse_steps.STEPS[5].caption in w.view.description
