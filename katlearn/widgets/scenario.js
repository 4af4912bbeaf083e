// katlearn case scenario: one widget model draws a branching case one decision at a time. Python
// (katlearn/widgets/scenario.py) sends only what the learner may see now: the header, the phase
// stepper, the current situation and its choice texts; the rating and feedback of a choice only after
// "Decide", the debrief only at the end. The choices are native radio inputs in one group (arrow keys
// move the choice); "Decide" is the form's submit button (Enter or Space). Decide, Continue and
// "Start the case again" are messages; Python plays, records and sends the new state back, and this
// view then moves focus: to the feedback after a decision, to the new situation's heading after
// Continue or a restart.
// nextId and h come from _dom.js, which _front_end.py (next to this file) puts before this module.

const RATING_CLASSES = ["kl-rating-best", "kl-rating-acceptable", "kl-rating-risky"];

function render({ model, el }) {
  const uid = `kl-scenario-${nextId("scenario")}`;
  el.classList.add("kl-scenario");
  const failed = model.get("failed");
  if (failed) {
    el.append(h("div", { class: "kl-scenario-failed", role: "alert", html: failed }));
    return () => {};
  }
  if (model.get("case_id")) el.classList.add(`kl-scenario-${model.get("case_id")}`);

  const header = h("div", { class: "kl-scenario-header", html: model.get("header") });
  const stepper = h("div", { class: "kl-scenario-phase" });
  const situation = h("div", { class: "kl-scenario-situation", id: `${uid}-situation` });
  const legend = h("legend", { text: "Your choice:" });
  const options = h("fieldset", { class: "kl-scenario-options", "aria-describedby": situation.id }, legend);
  const decide = h("button", { type: "submit", class: "kl-scenario-decide",
                               title: "Commit to the choice you selected and see the feedback" }, "Decide");
  const form = h("form", { class: "kl-scenario-form", novalidate: true }, options,
                 h("div", { class: "kl-scenario-buttons" }, decide));
  const live = h("div", { role: "status", "aria-live": "polite" });
  const feedback = h("div", { class: "kl-scenario-feedback", tabindex: "-1", role: "group",
                              "aria-label": "Feedback on your choice" }, live);
  const proceed = h("button", { type: "button", class: "kl-scenario-continue",
                                title: "Go on to the next moment of the case" }, "Continue");
  const debriefLive = h("div", { role: "status", "aria-live": "polite" });
  const debrief = h("div", { class: "kl-scenario-debrief" }, debriefLive);
  const restart = h("button", { type: "button", class: "kl-scenario-restart",
                                title: "Play the case again from the first consultation" }, "Start the case again");
  const notice = h("div", { class: "kl-scenario-notice", role: "status", "aria-live": "polite" });
  el.append(header, stepper, situation, form, feedback, h("div", { class: "kl-scenario-buttons" }, proceed),
            debrief, restart, notice);

  let inputs = [];
  let shownStep = -1;
  let pendingFocus = false; // this page asked for something: move focus when Python answers
  let waiting = false; // a message is on its way: the buttons stay disabled until the reply

  function send(message) {
    if (waiting) return;
    waiting = true;
    pendingFocus = true;
    decide.disabled = proceed.disabled = restart.disabled = true;
    model.send(message);
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const on = inputs.find((i) => i.checked);
    send({ event: "decide", node: model.get("node"), choice: on ? Number(on.value) : null });
  });
  proceed.addEventListener("click", () => send({ event: "continue", node: model.get("node") }));
  restart.addEventListener("click", () => send({ event: "restart" }));

  function drawChoices() {
    for (const label of options.querySelectorAll("label")) label.remove();
    const name = `${uid}-s${model.get("step")}`;
    inputs = model.get("choices").map((_, pos) => h("input", { type: "radio", name, value: pos, id: `${name}-${pos}` }));
    inputs.forEach((input, pos) => options.append(
      h("label", { class: "kl-choice", for: input.id }, input, h("span", { text: model.get("choices")[pos] }))));
  }

  function show(element, shown) {
    element.hidden = !shown;
  }

  function sync() {
    const step = model.get("step");
    const newNode = step !== shownStep;
    if (newNode) {
      shownStep = step;
      stepper.innerHTML = model.get("stepper");
      situation.innerHTML = model.get("situation");
      drawChoices();
    }
    header.innerHTML = model.get("header");
    const decided = model.get("decided");
    const ended = model.get("ended");
    inputs.forEach((input, pos) => {
      input.disabled = decided !== null;
      if (decided !== null) input.checked = decided === pos;
      input.closest("label").classList.toggle("kl-chosen", decided === pos); // locked radios look faint
    });
    show(form, !ended);
    decide.hidden = decided !== null; // after a decision the locked choices stay above the feedback
    show(proceed, !ended && decided !== null);
    show(restart, ended);
    feedback.classList.remove(...RATING_CLASSES);
    if (model.get("rating")) feedback.classList.add(`kl-rating-${model.get("rating")}`);
    if (live.innerHTML !== model.get("feedback")) live.innerHTML = model.get("feedback");
    if (debriefLive.innerHTML !== model.get("debrief")) debriefLive.innerHTML = model.get("debrief");
    show(debrief, Boolean(model.get("debrief")));
    if (notice.innerHTML !== model.get("notice")) notice.innerHTML = model.get("notice");
  }

  function reply() {
    sync();
    waiting = false;
    decide.disabled = proceed.disabled = restart.disabled = false;
    if (!pendingFocus) return;
    pendingFocus = false;
    if (model.get("focus") === "situation") {
      const heading = situation.querySelector("h1, h2, h3, h4, h5, h6") || situation;
      heading.tabIndex = -1;
      heading.focus();
    } else if (model.get("focus") === "feedback") {
      live.innerHTML = ""; // drawn again, so a repeated "choose first" is announced again
      live.innerHTML = model.get("feedback");
      feedback.focus();
    }
  }

  model.on("change", sync);
  model.on("change:reply", reply);
  sync();
  return () => { model.off("change", sync); model.off("change:reply", reply); };
}

export default { render };
