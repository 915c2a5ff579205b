// The timesheet grid: live totals per row and day, keyboard moves between cells, adding a task row.
// Times are read as the server reads them (kuroko.formats.durations): 2h30m, 2:30, 2.5, 2,5, ２：３０.
(function () {
  "use strict";
  const grid = document.getElementById("ts-grid");
  if (!grid) return;
  const DAY = 24 * 60;

  function parse(text) {
    let v = (text || "").normalize("NFKC").trim().toLowerCase().replace(/\s+/g, "");
    if (!v) return 0;
    v = v.replace(/時間|hours?|hrs?/g, "h").replace(/分|minutes?|mins?/g, "m").replace(",", ".");
    if (/^[-−]/.test(v)) return NaN;
    let minutes;
    let m = v.match(/^(\d+):(\d{1,2})$/);
    if (m) {
      if (+m[2] >= 60) return NaN;
      minutes = +m[1] * 60 + +m[2];
    } else if (/^(\d+(\.\d*)?|\.\d+)$/.test(v)) {
      minutes = Math.round(parseFloat(v) * 60);
    } else {
      m = v.match(/^(?:(\d+(?:\.\d+)?|\.\d+)h)?(?:(\d+)m)?$/);
      if (!m || (!m[1] && !m[2])) return NaN;
      if (m[1] && m[2] && +m[2] >= 60) return NaN;
      minutes = Math.round(parseFloat(m[1] || "0") * 60) + +(m[2] || 0);
    }
    return minutes > DAY ? NaN : minutes;
  }

  function format(minutes) {
    if (!minutes) return "";
    return Math.floor(minutes / 60) + ":" + String(minutes % 60).padStart(2, "0");
  }

  function rows() { return Array.from(grid.tBodies[0].rows); }

  function recompute() {
    const days = [0, 0, 0, 0, 0, 0, 0];
    let bad = false;
    rows().forEach(function (tr) {
      let total = 0;
      tr.querySelectorAll("input.ts-input").forEach(function (input) {
        const minutes = parse(input.value);
        const invalid = Number.isNaN(minutes);
        input.classList.toggle("ts-invalid", invalid);
        if (invalid) { bad = true; return; }
        total += minutes;
        days[+input.dataset.col] += minutes;
      });
      const cell = tr.querySelector(".ts-row-total");
      if (cell) cell.textContent = format(total);
    });
    grid.querySelectorAll("tfoot .ts-day-total").forEach(function (td) {
      const minutes = days[+td.dataset.col];
      const node = td.firstChild && td.firstChild.nodeType === 3 ? td.firstChild : td.insertBefore(document.createTextNode(""), td.firstChild);
      node.textContent = format(minutes);
      td.classList.toggle("ts-over", minutes > DAY);
    });
    const total = document.getElementById("ts-total");
    if (total) total.textContent = format(days.reduce(function (a, b) { return a + b; }, 0));
    grid.classList.toggle("ts-has-invalid", bad);
  }

  function cellAt(rowIndex, col) {
    const tr = rows()[rowIndex];
    return tr ? tr.querySelector('input.ts-input[data-col="' + col + '"]') : null;
  }

  function move(input, dRow, dCol) {
    const tr = input.closest("tr");
    let r = rows().indexOf(tr);
    let c = +input.dataset.col;
    for (let step = 0; step < 50; step++) {
      r += dRow; c += dCol;
      if (c < 0 || c > 6) return;
      const target = cellAt(r, c);
      if (!target && (r < 0 || r >= rows().length)) return;
      if (target && !target.disabled) { target.focus(); target.select(); return; }
    }
  }

  grid.addEventListener("input", recompute);
  grid.addEventListener("keydown", function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("ts-input")) return;
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const atEnd = input.selectionStart === input.value.length;
    if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) { event.preventDefault(); move(input, 1, 0); }
    else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) { event.preventDefault(); move(input, -1, 0); }
    else if (event.key === "ArrowRight" && atEnd) { event.preventDefault(); move(input, 0, 1); }
    else if (event.key === "ArrowLeft" && atStart) { event.preventDefault(); move(input, 0, -1); }
  });
  grid.addEventListener("change", function (event) {
    // A valid time is shown back as hours:minutes once the cell is left.
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("ts-input")) return;
    const minutes = parse(input.value);
    if (!Number.isNaN(minutes)) input.value = format(minutes);
    recompute();
  });

  const add = document.getElementById("ts-add");
  const button = document.getElementById("ts-add-button");
  const template = document.getElementById("ts-row-template");
  if (add && button && template) {
    button.addEventListener("click", function () {
      const option = add.selectedOptions[0];
      if (!option || !option.value) return;
      const html = template.innerHTML.split("__KEY__").join(option.value);
      const holder = document.createElement("tbody");
      holder.innerHTML = html.split("__LABEL__").join(option.textContent.replace(/[&<>"]/g, function (ch) {
        return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[ch];
      }));
      const tr = holder.firstElementChild;
      const firstIndirect = grid.tBodies[0].querySelector('tr[data-kind="indirect"]');
      grid.tBodies[0].insertBefore(tr, firstIndirect);
      option.remove();
      add.value = "";
      const first = tr.querySelector("input.ts-input:not([disabled])");
      if (first) first.focus();
    });
  }
  recompute();
})();
