// Risk pages: the strategies offered follow the risk's type; the quantitative fields suggest matrix levels
// live (shown, never forced); the matrix settings colour each cell as its level is chosen.
(function () {
  "use strict";
  function strategies(root) {
    var kind = root.querySelector("select[name=kind]");
    var strategy = root.querySelector("select[name=strategy]");
    if (!kind || !strategy) return;
    function apply() {
      var allowed = (strategy.dataset[kind.value] || "").split(",");
      Array.prototype.forEach.call(strategy.options, function (option) {
        var ok = allowed.indexOf(option.value) !== -1;
        option.hidden = !ok;
        option.disabled = !ok;
      });
      if (allowed.indexOf(strategy.value) === -1) strategy.value = "";
    }
    kind.addEventListener("change", apply);
    apply();
  }
  function band(value, bounds) {
    for (var n = 0; n < bounds.length; n++) if (value <= bounds[n]) return n + 1;
    return bounds.length + 1;
  }
  function days(text, hoursPerDay) {
    var m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(d|h|w|日|時間)?\s*$/.exec(text || "");
    if (!m) return null;
    var value = parseFloat(m[1]);
    var unit = m[2] || "d";
    if (unit === "h" || unit === "時間") return value / hoursPerDay;
    if (unit === "w") return value * 5;
    return value;
  }
  function suggestion(root) {
    var source = document.getElementById("matrix-bounds");
    var out = root.querySelector("[data-suggestion]");
    if (!source || !out) return;
    var bounds = JSON.parse(source.textContent);
    function field(name) { return root.querySelector("[name=" + name + "]"); }
    function update() {
      var parts = [];
      var pct = parseFloat((field("probability_percent") || {}).value);
      if (!isNaN(pct)) {
        var p = Math.min(band(pct, bounds.percents), bounds.percents.length);
        parts.push(out.dataset.probability + " " + p);
      }
      var cost = parseFloat((field("cost_most_likely") || {}).value);
      if (!isNaN(cost) && bounds.cost.length) parts.push(out.dataset.cost + " " + (cost <= 0 ? 0 : band(cost, bounds.cost)));
      var d = days((field("schedule_most_likely") || {}).value, bounds.hours_per_day);
      if (d !== null && bounds.schedule_days.length) parts.push(out.dataset.schedule + " " + (d <= 0 ? 0 : band(d, bounds.schedule_days)));
      out.textContent = parts.length ? parts.join(" · ") : out.dataset.none;
    }
    ["probability_percent", "cost_most_likely", "schedule_most_likely"].forEach(function (name) {
      var input = field(name);
      if (input) input.addEventListener("input", update);
    });
    update();
  }
  function matrix(root) {
    root.querySelectorAll(".matrix-grid select").forEach(function (select) {
      function paint() {
        var cell = select.closest("td");
        cell.className = cell.className.replace(/\blvl-\S+/g, "").trim() + " lvl-" + select.value;
      }
      select.addEventListener("change", paint);
      paint();
    });
  }
  function init() {
    strategies(document);
    suggestion(document);
    matrix(document);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
