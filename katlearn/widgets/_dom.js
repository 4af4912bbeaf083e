// Helpers every katlearn widget front end uses. _front_end.py (next to this file) puts this file before
// each view's own module (plot.js, quiz.js, predict.js, screening.js, scenario.js) when it sends it.

// A number unique on the page for each kind of view, for element ids: anywidget may load a view's
// module once per widget, so the counters live on window.
function nextId(kind) {
  const counters = (window.katlearnIds = window.katlearnIds || {});
  counters[kind] = (counters[kind] || 0) + 1;
  return counters[kind];
}

// An element: h("p", {class: "x", text: "..."}, child, ...); attributes false/null/undefined are left out.
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "html") node.innerHTML = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}
