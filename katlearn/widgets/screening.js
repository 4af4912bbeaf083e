// katlearn screening practice: one widget model draws every profile of a screening set with plain
// form controls. Python (katlearn/widgets/screening.py) sends the profiles and findings (never the
// keyed categories) and, per profile, a state {answers, verdict, feedback, v}. This view never
// grades: "Check" is a message carrying the profile's answers; Python grades, saves and sends the
// new state with the feedback. A profile is redrawn from the state only when its version v
// changes, so what the learner is choosing in other profiles is kept.
// nextId and h come from _dom.js, which _front_end.py (next to this file) puts before this module.

function render({ model, el }) {
  const uid = `kl-screening-${nextId("screening")}`;
  el.classList.add("kl-screening");
  const failed = model.get("failed");
  if (failed) {
    el.append(h("div", { class: "kl-screening-failed", role: "alert", html: failed }));
    return () => {};
  }
  const categories = model.get("categories") || [];
  const views = new Map();
  let pendingFocus = null;

  el.append(h("div", { class: "kl-screening-intro", html: model.get("intro") }));
  model.get("profiles").forEach((p, index) => {
    const pid = `${uid}-p${index}`;
    const heading = h("h4", { id: `${pid}-name`, text: `Profile ${index + 1}: ${p.name}` });
    const selects = new Map();
    const form = h("form", { class: "kl-screening-form", novalidate: true });
    p.findings.forEach((f, j) => {
      const select = h("select", { id: `${pid}-f${j}` },
        h("option", { value: "", text: "Choose…" }),
        ...categories.map(([value, label]) => h("option", { value, text: label })));
      const label = h("label", { for: select.id }, h("strong", { text: `Finding ${j + 1}:` }), ` ${f.text}`);
      form.append(h("div", { class: "kl-screening-category" }, label, select));
      selects.set(f.id, select);
    });
    const check = h("button", { type: "submit", class: "kl-screening-check",
                                title: `Check your answers for ${p.name}` }, "Check");
    form.append(h("div", { class: "kl-screening-buttons" }, check));
    const live = h("div", { role: "status", "aria-live": "polite" });
    const feedback = h("div", { class: "kl-screening-feedback", tabindex: "-1", role: "group",
                                "aria-label": `Feedback on profile ${index + 1}` }, live);
    // Enter or Space on Check (a submit button) and Enter in the form: one handler
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      pendingFocus = p.id;
      model.send({ event: "check", id: p.id, answers: Object.fromEntries([...selects].map(([id, s]) => [id, s.value])) });
    });
    const section = h("section", { class: `kl-screening-profile kl-profile-${p.id}`, "aria-labelledby": heading.id },
      heading, h("div", { class: "kl-screening-summary", html: p.summary }), form, feedback);
    el.append(section);
    views.set(p.id, { selects, feedback, live, v: -1 });
  });
  const noticeLive = h("div", { class: "kl-screening-notice", role: "status", "aria-live": "polite" });
  el.append(noticeLive);

  function sync() {
    const state = model.get("state") || {};
    for (const [id, view] of views) {
      const s = state[id];
      if (!s || s.v === view.v) continue;
      view.v = s.v;
      for (const [fid, select] of view.selects) select.value = (s.answers || {})[fid] || "";
      view.feedback.classList.remove("kl-correct", "kl-incorrect", "kl-error");
      if (["correct", "incorrect", "error"].includes(s.verdict)) view.feedback.classList.add(`kl-${s.verdict}`);
      view.live.innerHTML = s.feedback || "";
      if (pendingFocus === id) {
        pendingFocus = null;
        view.feedback.focus();
      }
    }
    if (noticeLive.innerHTML !== model.get("notice")) noticeLive.innerHTML = model.get("notice");
  }
  model.on("change", sync);
  sync();
  return () => model.off("change", sync);
}

export default { render };
