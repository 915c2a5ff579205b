// Draws every Vega-Lite chart of the page: an element with data-chart="ID" gets the spec held in the
// <script type="application/json" id="ID"> (Django's json_script). vegaEmbed comes from /charts/vega.js,
// served by Kuroko itself (no CDN).
(function () {
  "use strict";
  function draw() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      window.vegaEmbed(el, spec, { renderer: "svg", actions: false }).then(function () {
        el.dataset.rendered = "true";
      }).catch(function (error) {
        el.textContent = el.dataset.failed || String(error);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
