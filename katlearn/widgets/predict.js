// katlearn "predict, then check" view: one widget model draws a prompt, its options as native radio
// inputs (one group: arrow keys move the choice) and a "Check my prediction" button. Python
// (katlearn/widgets/predict.py) sends the prompt and option texts, never the keyed option; the check
// is a message carrying the chosen position, and Python records it and sends the result (verdict and
// explanation) back. Focus then moves to the result, whose live region announces it.
// nextId and h come from _dom.js, which _front_end.py (next to this file) puts before this module.

function render({ model, el }) {
  const uid = `kl-predict-${nextId("predict")}`;
  el.classList.add("kl-predict");
  const prompt = h("p", { class: "kl-predict-prompt", id: `${uid}-prompt`, html: model.get("prompt") });
  const inputs = model.get("options").map((_, pos) => h("input", { type: "radio", name: uid, value: pos, id: `${uid}-${pos}` }));
  const options = h("fieldset", { class: "kl-predict-options", "aria-describedby": prompt.id },
    h("legend", { text: "Your prediction" }),
    ...inputs.map((input, pos) => h("label", { class: "kl-choice", for: input.id }, input, h("span", { text: model.get("options")[pos] }))));
  const check = h("button", { type: "submit", class: "kl-predict-check", title: "Reveal what the model shows" },
    "Check my prediction");
  const form = h("form", { class: "kl-predict-form", novalidate: true }, options, h("div", { class: "kl-predict-buttons" }, check));
  const live = h("div", { role: "status", "aria-live": "polite" });
  const result = h("div", { class: "kl-predict-result", tabindex: "-1", role: "group", "aria-label": "Result of your prediction" }, live);
  el.append(prompt, form, result);

  let pendingFocus = false;
  // Enter on a choice, or the button: one submit handler
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const on = inputs.find((i) => i.checked);
    pendingFocus = true;
    model.send({ event: "check", choice: on ? Number(on.value) : null });
  });

  function showChoice() {
    const chosen = model.get("chosen");
    inputs.forEach((input, pos) => { input.checked = chosen === pos; });
  }
  function showResult() {
    live.innerHTML = model.get("result") || "";
    result.classList.remove("kl-predict-match", "kl-predict-differs", "kl-predict-error");
    if (model.get("verdict")) result.classList.add(`kl-predict-${model.get("verdict")}`);
    if (pendingFocus) {
      pendingFocus = false;
      result.focus();
    }
  }
  // the result is redrawn for every reply (a repeated "choose first" is announced and focused again)
  model.on("change:chosen", showChoice);
  model.on("change:reply", showResult);
  showChoice();
  showResult();
  return () => { model.off("change:chosen", showChoice); model.off("change:reply", showResult); };
}

export default { render };
