// katlearn plot view: draws a Plotly figure sent from Python with the page's one local plotly.js.
// The figure arrives as JSON (trait "spec"); every change is drawn with Plotly.react, which only
// redraws what changed. plotly.js is fetched once per page from this server and cached by the
// browser (its URL, trait "plotly_src", carries a content hash). The course's page head has usually
// fetched it already (a preload of window.katlearnPlotlySrc, see assets/js/katlearn-page.js).
// A figure is drawn when it is about to scroll into view (one screen ahead), so what the learner
// sees first becomes interactive first; its data is on the page from the start, and its name and
// text description are there for screen readers before it is drawn. Presenter mode (reveal.js
// slides) and printing draw every figure.
// nextId and h come from _dom.js, which _front_end.py (next to this file) puts before this module.

let plotlyPromise = null;

function baseUrl() {
  const el = document.getElementById("jupyter-config-data");
  if (el) {
    try {
      return JSON.parse(el.textContent).baseUrl || "/";
    } catch (e) {
      /* fall through */
    }
  }
  return "/";
}

function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyPromise) {
    plotlyPromise = new Promise((resolve, reject) => {
      // plotly.min.js is a UMD bundle: hide an AMD loader, if any, so it sets window.Plotly.
      const amd = window.define;
      window.define = undefined;
      const script = document.createElement("script");
      script.src = window.katlearnPlotlySrc || baseUrl() + src;
      script.onload = () => {
        window.define = amd;
        resolve(window.Plotly);
      };
      script.onerror = () => {
        window.define = amd;
        plotlyPromise = null;
        reject(new Error("plotly.js could not be loaded from the course server"));
      };
      document.head.appendChild(script);
    });
  }
  return plotlyPromise;
}

// No mode bar: its buttons would be controls inside an element that screen readers treat as one
// picture (role="img"), and zooming is not what the course's figures are for; hover still works.
const CONFIG = {
  responsive: true,
  displaylogo: false,
  displayModeBar: false,
};

const waiting = new Map(); // element -> its first draw
let observer = null;

function drawEverything() {
  for (const el of [...waiting.keys()]) release(el);
}

function release(el) {
  const first = waiting.get(el);
  if (!first) return;
  waiting.delete(el);
  if (observer) observer.unobserve(el);
  first();
}

function whenSeen(el, first) {
  const eager = !("IntersectionObserver" in window) || document.querySelector(".reveal") !== null ||
    window.matchMedia("print").matches;
  if (eager) return first();
  if (!observer) {
    // Voila's page scrolls inside #rendered_cells: observe against that box, so the margin that
    // starts drawing a screen early applies to what actually scrolls
    const cells = document.getElementById("rendered_cells");
    const scrolls = cells && /(auto|scroll)/.test(getComputedStyle(cells).overflowY);
    observer = new IntersectionObserver(
      (entries) => entries.forEach((e) => { if (e.isIntersecting) release(e.target); }),
      { root: scrolls ? cells : null, rootMargin: "100% 0px" },
    );
    window.addEventListener("beforeprint", drawEverything);
  }
  waiting.set(el, first);
  observer.observe(el);
}

function render({ model, el }) {
  const id = "kl-plot-" + nextId("plot");
  el.classList.add("kl-plot");
  const area = document.createElement("div");
  area.className = "kl-plot-area";
  area.setAttribute("role", "img");
  const desc = document.createElement("p");
  desc.className = "kl-sr-only kl-plot-description";
  desc.id = id + "-desc";
  area.setAttribute("aria-describedby", desc.id);
  // named and described from the start, not only once plotly.js has drawn
  area.setAttribute("aria-label", model.get("title") || "figure");
  desc.textContent = model.get("description") || "";
  el.append(area, desc);

  let revision = 0;
  let pending = Promise.resolve();
  const draw = () => {
    pending = pending
      .then(() => loadPlotly(model.get("plotly_src")))
      .then((Plotly) => {
        const spec = JSON.parse(model.get("spec") || "{}");
        area.setAttribute("aria-label", model.get("title") || "figure");
        desc.textContent = model.get("description") || "";
        return Plotly.react(area, spec.data || [], spec.layout || {}, CONFIG);
      })
      .then(() => {
        revision += 1;
        el.dataset.revision = String(revision);
        el.classList.add("kl-plot-ready");
      })
      .catch((err) => {
        el.classList.add("kl-plot-error");
        desc.classList.remove("kl-sr-only");
        desc.textContent = "This figure could not be drawn (" + err.message + "). " + (model.get("description") || "");
      });
    return pending;
  };
  let seen = false;
  model.on("change:spec", () => {
    if (seen) draw();
  });
  model.on("change:description", () => {
    desc.textContent = model.get("description") || "";
  });
  whenSeen(el, () => {
    seen = true;
    el.classList.add("kl-plot-seen");
    draw();
  });
  return () => {
    waiting.delete(el);
    if (observer) observer.unobserve(el);
    if (window.Plotly) window.Plotly.purge(area);
  };
}

export default { render };
