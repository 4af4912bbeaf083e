// katlearn quiz view: one widget model draws a whole question bank with plain form controls.
// Python (katlearn/widgets/quiz.py) sends the questions as each shows itself (texts in this
// learner's order, never the key) and, per question, a state {answer, locked, verdict, feedback,
// v}. This view never grades: "Check", "Submit all", "Try again" and "Start again" are messages
// carrying the answers in shown positions; Python grades, saves and sends the new state. A
// question is redrawn from the state only when its version v changes, so what the learner is
// typing in other questions is kept.
// nextId and h come from _dom.js, which _front_end.py (next to this file) puts before this module.

// One entry per kind of answer control ("control" of Question.shown): build(question, number,
// uid) returns {node, read(), write(answer), disable(locked), first()}; answers in shown positions.
const CONTROLS = {
  one(q, number, uid) {
    const inputs = q.choices.map((text, pos) => h("input", { type: "radio", name: uid, value: pos, id: `${uid}-${pos}` }));
    const node = h("fieldset", { class: "kl-answer kl-choices" }, h("legend", { text: `Answer ${number}:` }),
      ...inputs.map((input, pos) => h("label", { class: "kl-choice", for: input.id }, input, h("span", { text: q.choices[pos] }))));
    return {
      node,
      read: () => { const on = inputs.find((i) => i.checked); return on ? Number(on.value) : null; },
      write: (v) => inputs.forEach((i, pos) => { i.checked = v === pos; }),
      disable: (b) => inputs.forEach((i) => { i.disabled = b; }),
      first: () => inputs.find((i) => i.checked) || inputs[0],
    };
  },
  many(q, number, uid) {
    const inputs = q.choices.map((text, pos) => h("input", { type: "checkbox", value: pos, id: `${uid}-${pos}` }));
    const node = h("fieldset", { class: "kl-answer kl-choices" }, h("legend", { text: `Answer ${number} (all that apply):` }),
      ...inputs.map((input, pos) => h("label", { class: "kl-choice", for: input.id }, input, h("span", { text: q.choices[pos] }))));
    return {
      node,
      read: () => inputs.filter((i) => i.checked).map((i) => Number(i.value)),
      write: (v) => { const on = new Set(v || []); inputs.forEach((i, pos) => { i.checked = on.has(pos); }); },
      disable: (b) => inputs.forEach((i) => { i.disabled = b; }),
      first: () => inputs[0],
    };
  },
  number(q, number, uid) {
    const input = h("input", { type: "text", id: `${uid}-n`, inputmode: "decimal", autocomplete: "off",
                               placeholder: "a number, e.g. 0.5" });
    const label = q.unit ? `Answer ${number} (${q.unit}):` : `Answer ${number}:`;
    const node = h("div", { class: "kl-answer kl-number" }, h("label", { for: input.id, text: label }), input);
    return {
      node,
      read: () => input.value,
      write: (v) => { input.value = v === null || v === undefined ? "" : String(v); },
      disable: (b) => { input.readOnly = b; input.setAttribute("aria-readonly", String(b)); },
      first: () => input,
    };
  },
  order(q, number, uid) {
    const n = q.choices.length;
    let order = q.choices.map((_, pos) => pos);
    let locked = false;
    const list = h("ol", { class: "kl-order" });
    const status = h("p", { class: "kl-sr-only", role: "status", "aria-live": "polite" });
    const node = h("fieldset", { class: "kl-answer kl-ordering" },
      h("legend", { text: `Answer ${number}: the order, first at the top` }), list, status);
    const rows = [];
    for (let row = 0; row < n; row++) {
      const text = h("span", { class: "kl-order-text" });
      const up = h("button", { type: "button", class: "kl-move-up" }, "Move up");
      const down = h("button", { type: "button", class: "kl-move-down" }, "Move down");
      up.addEventListener("click", () => move(row, -1));
      down.addEventListener("click", () => move(row, +1));
      list.append(h("li", { class: "kl-order-item" }, text, h("span", { class: "kl-order-buttons" }, up, down)));
      rows.push({ text, up, down });
    }
    function draw() {
      rows.forEach(({ text, up, down }, row) => {
        const item = q.choices[order[row]];
        text.textContent = `${row + 1}. ${item}`;
        up.setAttribute("aria-label", row > 0 ? `Move “${item}” up to position ${row}` : `“${item}” is first`);
        down.setAttribute("aria-label", row < n - 1 ? `Move “${item}” down to position ${row + 2}` : `“${item}” is last`);
        up.disabled = locked || row === 0;
        down.disabled = locked || row === n - 1;
      });
    }
    function move(row, step) {
      const other = row + step;
      if (locked || other < 0 || other >= n) return;
      [order[row], order[other]] = [order[other], order[row]];
      draw();
      // keyboard focus follows the item that moved
      const target = step < 0 ? rows[other].up : rows[other].down;
      (target.disabled ? (step < 0 ? rows[other].down : rows[other].up) : target).focus();
      status.textContent = `“${q.choices[order[other]]}” is now number ${other + 1} of ${n}.`;
    }
    draw();
    return {
      node,
      read: () => order.slice(),
      write: (v) => { order = Array.isArray(v) && v.length === n ? v.slice() : q.choices.map((_, pos) => pos); draw(); },
      disable: (b) => { locked = b; draw(); },
      first: () => rows.find((r) => !r.up.disabled)?.up || rows[0].down,
    };
  },
  match(q, number, uid) {
    const selects = q.terms.map((term, t) => h("select", { id: `${uid}-${t}` },
      h("option", { value: "", text: "Choose…" }), ...q.choices.map((text, pos) => h("option", { value: pos, text }))));
    const node = h("fieldset", { class: "kl-answer kl-matching" }, h("legend", { text: `Answer ${number}:` }),
      ...selects.map((select, t) => h("div", { class: "kl-match-row" }, h("label", { for: select.id, text: q.terms[t] }), select)));
    return {
      node,
      read: () => selects.map((s) => (s.value === "" ? null : Number(s.value))),
      write: (v) => selects.forEach((s, t) => { const pick = Array.isArray(v) ? v[t] : null; s.value = pick === null || pick === undefined ? "" : String(pick); }),
      disable: (b) => selects.forEach((s) => { s.disabled = b; }),
      first: () => selects[0],
    };
  },
};

function render({ model, el }) {
  const uid = `kl-quiz-${nextId("quiz")}`;
  const mode = model.get("mode");
  el.classList.add("kl-quiz", `kl-mode-${mode}`);
  const summaryLive = h("div", { role: "status", "aria-live": "polite" });
  const summary = h("div", { class: "kl-summary", tabindex: "-1" }, summaryLive);
  const noticeLive = h("div", { class: "kl-notice", role: "status", "aria-live": "polite" });
  const views = new Map();
  let pendingFocus = null;

  const answers = () => Object.fromEntries([...views].filter(([, v]) => !v.locked).map(([id, v]) => [id, v.control.read()]));
  const send = (event, id, payload, extra) => { pendingFocus = event === "submit" ? "summary" : id; model.send({ event, id, answers: payload, ...(extra || {}) }); };

  const total = model.get("questions").length;
  model.get("questions").forEach((q, index) => {
    const quid = `${uid}-q${index}`;
    const build = CONTROLS[q.control];
    const control = build(q, index + 1, quid);
    const prompt = h("div", { class: "kl-prompt", id: `${quid}-prompt`, html: q.prompt });
    const live = h("div", { role: "status", "aria-live": "polite" });
    const feedback = h("div", { class: "kl-feedback", tabindex: "-1", role: "group", "aria-label": `Feedback on question ${index + 1}` }, live);
    const section = h("section", { class: `kl-question ${q.css} kl-type-${q.type}`, "aria-labelledby": prompt.id });
    const form = h("form", { class: "kl-question-form", novalidate: true }, control.node);
    const view = { control, feedback, live, section, locked: false, v: -1 };
    if (mode === "practice") {
      const check = h("button", { type: "submit", class: "kl-check kl-primary", title: `Check your answer to question ${index + 1}` }, "Check");
      const retry = h("button", { type: "button", class: "kl-retry", title: `Change your answer to question ${index + 1}`, hidden: true }, "Try again");
      retry.addEventListener("click", () => send("retry", q.id, {}));
      form.append(h("div", { class: "kl-question-buttons" }, check, retry));
      Object.assign(view, { check, retry });
    }
    if (mode === "review") {
      // one button per confidence level: pressing it checks the answer (the answer travels with it)
      const ask = h("p", { class: "kl-confidence-ask", id: `${quid}-sure` }, "How sure are you of your answer? Press one to check it.");
      const buttons = (model.get("confidence") || []).map(([value, label]) => {
        const b = h("button", { type: "button", class: `kl-confidence kl-confidence-${value}`, "aria-describedby": ask.id }, label);
        b.addEventListener("click", () => { if (!view.locked) send("check", q.id, { [q.id]: control.read() }, { confidence: value }); });
        return b;
      });
      view.confidence = h("div", { class: "kl-review-confidence", role: "group", "aria-labelledby": ask.id }, ask, ...buttons);
      form.append(view.confidence);
    }
    // Enter in a field, or the Check button: one submit handler (exam: nothing to check alone)
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (mode === "practice" && !view.locked) send("check", q.id, { [q.id]: control.read() });
    });
    section.append(prompt, form, feedback);
    el.append(section);
    views.set(q.id, view);
  });
  let submit = null;
  let retake = null;
  if (mode === "exam" && total) {
    submit = h("button", { type: "button", class: "kl-submit-all kl-primary", title: "Submit every answer and see your score" }, "Submit all");
    retake = h("button", { type: "button", class: "kl-retake", title: "Clear the answers and take the quiz again", hidden: true }, "Start again");
    submit.addEventListener("click", () => send("submit", null, answers()));
    retake.addEventListener("click", () => { pendingFocus = "first"; model.send({ event: "retake" }); });
    el.append(h("div", { class: "kl-exam-buttons" }, submit, retake));
  }
  el.append(summary, noticeLive);

  function sync() {
    const state = model.get("state") || {};
    for (const [id, view] of views) {
      const s = state[id];
      if (!s || s.v === view.v) continue;
      view.v = s.v;
      view.locked = !!s.locked;
      view.control.write(s.answer);
      view.control.disable(view.locked);
      if (view.check) { view.check.hidden = view.locked; view.retry.hidden = !view.locked; }
      if (view.confidence) view.confidence.hidden = view.locked;
      view.feedback.classList.remove("kl-correct", "kl-incorrect", "kl-error");
      if (s.verdict) view.feedback.classList.add(`kl-${s.verdict}`);
      view.live.innerHTML = s.feedback || "";
      if (pendingFocus === id) {
        pendingFocus = null;
        (s.verdict ? view.feedback : view.control.first()).focus();
      }
    }
    if (summaryLive.innerHTML !== model.get("summary")) summaryLive.innerHTML = model.get("summary");
    if (noticeLive.innerHTML !== model.get("notice")) noticeLive.innerHTML = model.get("notice");
    if (submit) { submit.hidden = model.get("submitted"); retake.hidden = !model.get("submitted"); }
    if (pendingFocus === "summary") { pendingFocus = null; summary.focus(); }
    if (pendingFocus === "first" && views.size) { pendingFocus = null; views.values().next().value.control.first().focus(); }
  }
  model.on("change", sync);
  sync();
  return () => model.off("change", sync);
}

export default { render };
