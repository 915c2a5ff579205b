// Schedule risk pages: draw the Vega-Lite charts (vegaEmbed comes from /charts/vega.js, served by Kuroko
// itself), the estimates table's helpers, the run form's warning, picking two runs to compare, and the
// portfolio's P80 column filled from one fragment.
(function () {
  "use strict";
  if (window.kurokoSimulation) return;  // loaded once per page
  window.kurokoSimulation = true;

  function drawCharts(root) {
    if (typeof window.vegaEmbed !== "function") return;
    root.querySelectorAll("[data-chart]:not([data-rendered])").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      el.dataset.rendered = "pending";
      window.vegaEmbed(el, JSON.parse(source.textContent), { renderer: "svg", actions: false }).then(function () {
        el.dataset.rendered = "true";
      }).catch(function (error) {
        el.textContent = el.dataset.failed || String(error);
      });
    });
  }

  // Estimates: a whole-page save posts only the rows that changed (a page of 100 tasks would otherwise
  // send 500 fields); "select all" ticks every row of the page; clearing asks first.
  function estimates(form) {
    form.querySelectorAll("tbody tr[data-task]").forEach(function (row) {
      row.querySelectorAll("input:not([type=checkbox]), select").forEach(function (field) {
        field.dataset.initial = field.value;
      });
    });
    var all = document.getElementById("select-all");
    if (all) all.addEventListener("change", function () {
      form.querySelectorAll("input[name=select]").forEach(function (box) { box.checked = all.checked; });
    });
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      var bulk = button && button.hasAttribute("data-bulk");
      form.querySelectorAll("tbody tr[data-task]").forEach(function (row) {
        var fields = row.querySelectorAll("input:not([type=checkbox]), select");
        var changed = Array.prototype.some.call(fields, function (f) { return f.value !== f.dataset.initial; });
        if (bulk || !changed) fields.forEach(function (f) { f.disabled = true; });
      });
      // Re-enable after the browser has read the form (back-forward cache keeps the page).
      window.setTimeout(function () {
        form.querySelectorAll("tbody [disabled]").forEach(function (f) { f.disabled = false; });
      }, 0);
    });
  }

  function runForm(form) {
    var box = form.querySelector("#id_use_range");
    var warning = form.querySelector("#no-range-warning");
    if (!box || !warning) return;
    function update() { warning.hidden = box.checked; }
    box.addEventListener("change", update);
    update();
  }

  function comparePicker(form) {
    var button = form.querySelector("#compare-button");
    if (!button) return;
    function update() {
      var picked = Array.prototype.filter.call(form.querySelectorAll(".compare-pick"), function (b) { return b.checked; });
      button.disabled = picked.length !== 2;
      if (picked.length === 2) {
        // The older run is A, the newer B (the table lists the newest first).
        form.querySelector("#compare-a").value = picked[1].value;
        form.querySelector("#compare-b").value = picked[0].value;
      }
    }
    form.addEventListener("change", update);
    update();
  }

  function fillForecasts(root) {
    var values = root.querySelector ? root.querySelector("#portfolio-forecast-values") : null;
    if (!values) return;
    var cells = {};
    document.querySelectorAll("td[data-forecast]").forEach(function (td) { cells[td.dataset.forecast] = td; });
    values.querySelectorAll("[data-forecast-for]").forEach(function (span) {
      var td = cells[span.dataset.forecastFor];
      if (td) td.innerHTML = span.innerHTML;
    });
  }

  function init() {
    drawCharts(document);
    var form = document.querySelector("[data-estimates]");
    if (form) estimates(form);
    var run = document.getElementById("run-form");
    if (run) runForm(run);
    var compare = document.getElementById("compare-form");
    if (compare) comparePicker(compare);
    fillForecasts(document);
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    drawCharts(document);
    fillForecasts(event.detail.target || document);
    var row = event.detail.target;
    if (row && row.matches && row.matches("tr[data-task]")) {
      row.querySelectorAll("input:not([type=checkbox]), select").forEach(function (f) { f.dataset.initial = f.value; });
    }
  });
  // The chart bundle is deferred like this script; whichever arrives last draws.
  window.addEventListener("load", function () { drawCharts(document); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
