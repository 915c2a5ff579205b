// Draws the Vega-Lite charts of a risk page: an element with data-chart="ID" gets the spec held in the
// <script type="application/json" id="ID">. vegaEmbed comes from /charts/vega.js (served locally).
(function () {
  "use strict";
  function draw() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      window.vegaEmbed(el, JSON.parse(source.textContent), { renderer: "svg", actions: false }).then(function () {
        el.dataset.rendered = "true";
      }).catch(function (error) {
        el.textContent = el.dataset.failed || String(error);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
