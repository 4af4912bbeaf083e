// katlearn page helpers, loaded in <head> by the katlearn Voila template, before Voila's own code.
// 1. Landmarks: the rendered notebook is the page's <main> region (screen-reader navigation),
//    focusable because it is the page's scrolling box.
// 2. Connection notice: when the websocket to the kernel closes while the page is open, say so and
//    offer a reload, instead of leaving a page whose controls silently do nothing.
// 4. plotly.js is fetched at once (a preload; the template sets window.katlearnPlotlySrc) rather
//    than when the first figure view appears; it is run when that view needs it
//    (katlearn/widgets/plot.js), so its ~1 s of start-up work does not hold up Voila's own.
(function () {
  "use strict";
  if (window.katlearnPlotlySrc) {
    var preload = document.createElement("link");
    preload.rel = "preload";
    preload.as = "script";
    preload.href = window.katlearnPlotlySrc;
    document.head.appendChild(preload);
  }
  // 3. Voila's reveal template runs the notebook while still in <head> and pings
  //    voila_heartbeat() during long cells, before its helper functions are defined; a no-op
  //    until Voila defines the real one keeps presenter mode free of page errors.
  if (typeof window.voila_heartbeat !== "function") {
    window.voila_heartbeat = function () {};
  }
  var unloading = false;
  window.addEventListener("beforeunload", function () {
    unloading = true;
  });

  function notice() {
    return document.getElementById("kl-connection");
  }

  function show(state) {
    var el = notice();
    if (!el || unloading) return;
    el.hidden = state === "ok";
    el.dataset.state = state;
  }

  // Watch kernel websockets without touching Voila's internals: wrap the constructor.
  var NativeWebSocket = window.WebSocket;
  function WatchedWebSocket(url, protocols) {
    var ws = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    if (String(url).indexOf("/api/kernels/") !== -1) {
      ws.addEventListener("open", function () {
        show("ok");
      });
      ws.addEventListener("close", function () {
        show("lost");
      });
    }
    return ws;
  }
  WatchedWebSocket.prototype = NativeWebSocket.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) {
    WatchedWebSocket[k] = NativeWebSocket[k];
  });
  window.WebSocket = WatchedWebSocket;

  // 4. Slider handles: ipywidgets draws them with noUiSlider, which gives the handle
  //    role="slider" but no name; name each one after its widget's visible label.
  var labelCount = 0;
  function nameSliders(root) {
    var handles = (root.querySelectorAll ? root : document).querySelectorAll(".noUi-handle");
    Array.prototype.forEach.call(handles, function (handle) {
      if (handle.hasAttribute("aria-labelledby") || handle.hasAttribute("aria-label")) return;
      var widget = handle.closest(".widget-slider, .jupyter-widgets");
      var label = widget && widget.querySelector(".widget-label");
      if (label && label.textContent.trim()) {
        if (!label.id) label.id = "kl-slider-label-" + labelCount++;
        handle.setAttribute("aria-labelledby", label.id);
      } else {
        handle.setAttribute("aria-label", "slider");
      }
    });
  }
  function watchSliders() {
    nameSliders(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (m) {
        Array.prototype.forEach.call(m.addedNodes, function (node) {
          if (node.nodeType === 1) nameSliders(node.parentNode || node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  function landmarks() {
    var cells = document.getElementById("rendered_cells");
    if (cells) {
      cells.setAttribute("role", "main");
      cells.setAttribute("aria-label", document.title || "Course page");
      // Voila scrolls this box, not the document: make it reachable for keyboard scrolling.
      if (!cells.hasAttribute("tabindex")) cells.setAttribute("tabindex", "0");
    }
  }
  function ready() {
    landmarks();
    watchSliders();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
