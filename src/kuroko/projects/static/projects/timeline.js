/* Kuroko portfolio timeline: every project on one time axis, grouped by program.
 *
 * The page embeds the data (projects.selectors.portfolio_timeline: compact arrays, times in minutes after
 * `origin`) and the translated words; this script draws a sticky column of project names, a two-tier
 * timescale and one SVG with the project bars, phases, milestones, today and the cross-project links.
 * Zoom, colours and the phases toggle redraw in place and are kept in the address; a filter change
 * (htmx swaps #results) brings new data and the chart is drawn again.
 */
(function () {
  "use strict";
  const L = JSON.parse(document.getElementById("timeline-labels").textContent);
  const toolbar = document.querySelector(".tl-toolbar");
  const ctl = (name) => toolbar.querySelector(`[data-tl="${name}"]`);
  const ZOOMS = { month: 3.2, quarter: 1.1, year: 0.36 };
  const LABEL_W = 300, HEAD = 46, GROUP_H = 26, ROW_PLAIN = 28, ROW_PHASES = 42, DAY = 1440;
  const SVG_NS = 'xmlns="http://www.w3.org/2000/svg"';

  const asked = new URLSearchParams(location.search);
  if (ZOOMS[asked.get("zoom")]) ctl("zoom").value = asked.get("zoom");
  if (asked.get("phases") === "0") ctl("phases").checked = false;
  if (asked.get("colour") === "status") ctl("colour").value = "status";

  let D = null, dataEl = null, root = null, scroller = null, tip = null;
  let P = {}, T = {}, K = {}, originMs = 0, pxd = ZOOMS[ctl("zoom").value], rows = [], tops = [];
  let phasesOf = [], milestonesOf = [];
  window.kurokoTimeline = { ready: false };
  window.kurokoTimelineData = () => D; // for tests and the console

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }
  const x = (m) => (m / DAY) * pxd;
  const dateOf = (m) => new Date(originMs + m * 60000);
  const iso = (m) => (m == null ? "" : dateOf(m).toISOString().slice(0, 10));
  const ganttUrl = (code) => L.gantt_url.replace("__code__", encodeURIComponent(code));
  const showPhases = () => ctl("phases").checked;
  const rowHeight = () => (showPhases() ? ROW_PHASES : ROW_PLAIN);

  // --- Setup (again after every filter change) -----------------------------------------------------
  function init() {
    dataEl = document.getElementById("timeline-data");
    root = document.getElementById("timeline");
    syncLinks();
    if (!root || !dataEl) {
      D = null;
      markReady();
      return;
    }
    D = JSON.parse(dataEl.textContent);
    [P, T, K] = [D.project_fields, D.task_fields, D.link_fields].map((fields) => {
      const out = {};
      fields.forEach((name, i) => (out[name] = i));
      return out;
    });
    const [y, m, d] = D.origin.slice(0, 10).split("-").map(Number);
    originMs = Date.UTC(y, m - 1, d);
    phasesOf = D.projects.map(() => []);
    milestonesOf = D.projects.map(() => []);
    D.tasks.forEach((t, j) => (t[T.kind] === "phase" ? phasesOf : milestonesOf)[t[T.project]].push(j));
    root.innerHTML =
      '<div class="tl-scroll"><div class="tl-inner">' +
      `<div class="tl-head"><div class="tl-head-label" style="width:${LABEL_W}px">${esc(L.project)}</div><div class="tl-head-chart" style="left:${LABEL_W}px"></div></div>` +
      `<div class="tl-labels" style="width:${LABEL_W}px"></div>` +
      `<svg ${SVG_NS} class="tl-svg" style="left:${LABEL_W}px;top:${HEAD}px"></svg>` +
      '</div></div><div class="g-tip tl-tip" role="tooltip" hidden></div>';
    scroller = root.querySelector(".tl-scroll");
    tip = root.querySelector(".tl-tip");
    root.addEventListener("mouseover", hover);
    root.addEventListener("mousemove", (e) => { if (!tip.hidden) placeTip(e); });
    root.addEventListener("mouseleave", () => { tip.hidden = true; highlight(-1); });
    draw();
    scrollToToday();
    markReady();
  }

  function markReady() {
    if (!window.kurokoTimeline.ready) performance.mark("timeline-ready");
    window.kurokoTimeline.ready = true;
    document.dispatchEvent(new CustomEvent("timeline:ready"));
  }

  // --- Drawing -------------------------------------------------------------------------------------
  function layout() {
    rows = [];
    tops = new Array(D.projects.length);
    let y = 0, group = null;
    const h = rowHeight();
    D.projects.forEach((p, i) => {
      const g = p[P.program];
      if (g !== group) {
        group = g;
        rows.push({ group: g, top: y });
        y += GROUP_H;
      }
      tops[i] = y;
      rows.push({ project: i, top: y });
      y += h;
    });
    return y;
  }

  function draw() {
    const height = layout();
    // At least as wide as the view, so the grid does not stop short of the right edge.
    const width = Math.max(D.days * pxd, scroller.clientWidth - LABEL_W - 2);
    const inner = root.querySelector(".tl-inner");
    inner.style.width = LABEL_W + width + "px";
    inner.style.height = HEAD + height + "px";
    root.querySelector(".tl-head-chart").innerHTML = headerHtml(width);
    const labels = root.querySelector(".tl-labels");
    labels.style.height = height + "px";
    labels.innerHTML = labelsHtml();
    const svg = root.querySelector(".tl-svg");
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.innerHTML = chartHtml(width, height);
  }

  function groupName(g) {
    return g >= 0 ? D.programs[g][1] : L.no_program;
  }

  function labelsHtml() {
    const h = rowHeight();
    return rows
      .map((r) => {
        if (r.group !== undefined) {
          const code = r.group >= 0 ? `<code>${esc(D.programs[r.group][0])}</code> ` : "";
          return `<div class="tl-group" style="top:${r.top}px;height:${GROUP_H}px" title="${esc(groupName(r.group))}">${code}<span>${esc(groupName(r.group))}</span></div>`;
        }
        const p = D.projects[r.project];
        return (
          `<div class="tl-label" style="top:${r.top}px;height:${h}px" data-i="${r.project}">` +
          `<a href="${esc(ganttUrl(p[P.code]))}" title="${esc(p[P.code])} ${esc(p[P.name])}"><code>${esc(p[P.code])}</code> ${esc(p[P.name])}</a></div>`
        );
      })
      .join("");
  }

  // Lower-tier labels carry the year where they have room, so it stays readable when scrolled.
  function monthName(d) {
    return new Intl.DateTimeFormat(root.dataset.lang || "en", { year: "numeric", month: "short", timeZone: "UTC" }).format(d);
  }

  function headerHtml(width) {
    const top = [], bottom = [];
    const dayIndex = (date) => Math.round((date.getTime() - originMs) / 86400000);
    const start = new Date(originMs);
    const lastDay = Math.ceil(width / pxd);
    let year = new Date(Date.UTC(start.getUTCFullYear(), 0, 1));
    while (dayIndex(year) <= lastDay) {
      const next = new Date(Date.UTC(year.getUTCFullYear() + 1, 0, 1));
      const a = Math.max(0, dayIndex(year) * pxd), b = Math.min(width, dayIndex(next) * pxd);
      if (b > a) top.push(`<span class="g-tick g-top" style="left:${a}px;width:${b - a}px">${year.getUTCFullYear()}</span>`);
      year = next;
    }
    const months = ctl("zoom").value === "month" ? 1 : 3;
    let d = new Date(Date.UTC(start.getUTCFullYear(), Math.floor(start.getUTCMonth() / months) * months, 1));
    while (dayIndex(d) <= lastDay) {
      const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
      const a = Math.max(0, dayIndex(d) * pxd), b = Math.min(width, dayIndex(next) * pxd);
      const quarter = `Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
      const label = months === 1 ? monthName(d) : pxd >= 1 ? `${d.getUTCFullYear()} ${quarter}` : quarter;
      if (b > a) bottom.push(`<span class="g-tick g-bottom" style="left:${a}px;width:${b - a}px">${esc(label)}</span>`);
      d = next;
    }
    return `<div class="g-tier">${top.join("")}</div><div class="g-tier">${bottom.join("")}</div>`;
  }

  function gridHtml(width, height) {
    const out = [];
    const start = new Date(originMs);
    const months = ctl("zoom").value === "month" ? 1 : 3;
    let d = new Date(Date.UTC(start.getUTCFullYear(), 0, 1));
    while (true) {
      const day = Math.round((d.getTime() - originMs) / 86400000);
      if (day * pxd > width) break;
      if (day > 0) {
        const cls = d.getUTCMonth() === 0 ? "tl-grid tl-grid-year" : "tl-grid";
        out.push(`<line class="${cls}" x1="${day * pxd}" y1="0" x2="${day * pxd}" y2="${height}"/>`);
      }
      d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
    }
    return out.join("");
  }

  function colourClass(p) {
    if (ctl("colour").value === "status") return `st-${p[P.status]}`;
    return `rag-${p[P.rag] || "none"}`;
  }

  function chartHtml(width, height) {
    const h = rowHeight(), phases = showPhases();
    const out = [];
    for (const r of rows) {
      if (r.group !== undefined) out.push(`<rect class="tl-band" x="0" y="${r.top}" width="${width}" height="${GROUP_H}"/>`);
      else out.push(`<line class="tl-rowline" x1="0" y1="${r.top + h - 0.5}" x2="${width}" y2="${r.top + h - 0.5}"/>`);
    }
    out.push(gridHtml(width, height));
    out.push(`<line class="tl-today" x1="${x(D.today)}" y1="0" x2="${x(D.today)}" y2="${height}"><title>${esc(L.today)}</title></line>`);
    D.projects.forEach((p, i) => {
      const top = tops[i], href = esc(ganttUrl(p[P.code]));
      const items = [];
      if (p[P.start] != null && p[P.finish] != null) {
        const s = x(p[P.start]), w = Math.max(3, x(p[P.finish]) - s);
        const pct = Math.max(0, Math.min(100, p[P.percent]));
        items.push(
          `<g class="tl-project ${colourClass(p)}" data-i="${i}">` +
          `<rect class="tl-bar" x="${s}" y="${top + 6}" width="${w}" height="15" rx="3"/>` +
          (pct > 0 ? `<rect class="tl-done" x="${s}" y="${top + 6}" width="${(w * pct) / 100}" height="15" rx="3"/>` : "") +
          "</g>"
        );
      }
      if (phases) {
        const lane = top + 30;
        phasesOf[i].forEach((j, n) => {
          const t = D.tasks[j], s = x(t[T.start]), w = Math.max(2, x(t[T.finish]) - s);
          items.push(`<rect class="tl-phase${n % 2 ? " alt" : ""}${t[T.critical] ? " crit" : ""}" data-t="${j}" x="${s}" y="${lane - 3}" width="${w}" height="6" rx="1"/>`);
        });
        for (const j of milestonesOf[i]) {
          const t = D.tasks[j], m = x(t[T.start]);
          items.push(`<path class="tl-ms${t[T.critical] ? " crit" : ""}" data-t="${j}" d="M${m},${lane - 6}l6,6l-6,6l-6,-6z"/>`);
        }
      }
      if (items.length) out.push(`<a href="${href}" class="tl-row-link">${items.join("")}</a>`);
    });
    out.push('<g class="tl-links">');
    const offset = phases ? 30 : 13.5;
    D.links.forEach((l, k) => {
      if (l[K.from] == null || l[K.to] == null) return;
      const xa = x(l[K.from]), xb = x(l[K.to]);
      const ya = tops[l[K.from_project]] + offset, yb = tops[l[K.to_project]] + offset;
      let d;
      if (xb - 8 >= xa) d = `M${xa},${ya}h6V${yb}H${xb - 1}`;
      // Too close for an elbow: straight down (or up) onto the successor's row.
      else if (xb >= xa) d = `M${xb},${ya}V${yb + (yb > ya ? -7 : 7)}`;
      else {
        const mid = yb + (yb > ya ? -h / 2 : h / 2);
        d = `M${xa},${ya}h6V${mid}H${xb - 10}V${yb}H${xb - 1}`;
      }
      const cls = `tl-link${l[K.broken] ? " broken" : ""}${l[K.critical] ? " crit" : ""}`;
      const marker = l[K.broken] || l[K.critical] ? "tl-arrow-red" : "tl-arrow";
      out.push(`<g class="${cls}" data-l="${k}"><path class="hit" d="${d}"/><path class="line" d="${d}" marker-end="url(#${marker})"/><circle class="end" cx="${xa}" cy="${ya}" r="2.5"/></g>`);
    });
    out.push("</g>");
    const defs =
      "<defs>" +
      '<marker id="tl-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z"/></marker>' +
      '<marker id="tl-arrow-red" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z"/></marker>' +
      "</defs>";
    return defs + out.join("");
  }

  // --- Tooltips ------------------------------------------------------------------------------------
  // The name of the project under the pointer is highlighted, so a bar far to the right finds its row.
  function highlight(i) {
    const old = root.querySelector(".tl-label.hl");
    if (old && Number(old.dataset.i) !== i) old.classList.remove("hl");
    if (i >= 0) { const label = root.querySelector(`.tl-label[data-i="${i}"]`); if (label) label.classList.add("hl"); }
  }

  function hover(e) {
    const el = e.target.closest("[data-i], [data-t], [data-l]");
    if (!el || !root.contains(el)) { tip.hidden = true; highlight(-1); return; }
    highlight(el.dataset.i !== undefined ? Number(el.dataset.i) : el.dataset.t !== undefined ? D.tasks[Number(el.dataset.t)][T.project] : -1);
    let lines;
    if (el.dataset.l !== undefined) {
      const l = D.links[Number(el.dataset.l)];
      lines = [
        `<strong>${esc(L.link)}</strong> (${esc(L.link_types[l[K.type]] || l[K.type])})`,
        `${esc(l[K.from_task])} → ${esc(l[K.to_task])}`,
        `${iso(l[K.from])} → ${iso(l[K.to])}`,
      ];
      if (l[K.critical]) lines.push(esc(L.critical));
      if (l[K.broken]) lines.push(`<span class="tl-tip-warn">${esc(L.broken)}</span>`);
    } else if (el.dataset.t !== undefined) {
      const t = D.tasks[Number(el.dataset.t)], p = D.projects[t[T.project]];
      const kind = t[T.kind] === "phase" ? L.phase : L.milestone;
      lines = [
        `<strong>${esc(t[T.wbs])} ${esc(t[T.name])}</strong>`,
        `${esc(kind)} · <code>${esc(p[P.code])}</code> ${esc(p[P.name])}`,
        t[T.kind] === "phase" ? `${esc(L.start)}: ${iso(t[T.start])} · ${esc(L.finish)}: ${iso(t[T.finish] - 1)}` : iso(t[T.start]),
      ];
      if (t[T.kind] === "phase") lines.push(`${esc(L.complete)}: ${t[T.percent]}%`);
      if (t[T.critical]) lines.push(esc(L.critical));
    } else {
      const p = D.projects[Number(el.dataset.i)];
      lines = [`<strong><code>${esc(p[P.code])}</code> ${esc(p[P.name])}</strong>`];
      if (p[P.start] != null) lines.push(`${esc(L.start)}: ${iso(p[P.start])} · ${esc(L.finish)}: ${iso(p[P.finish] - 1)}`);
      else lines.push(esc(L.not_scheduled));
      lines.push(`${esc(L.complete)}: ${Math.round(p[P.percent] * 10) / 10}% · ${esc(L.status)}: ${esc(L.statuses[p[P.status]] || p[P.status])}`);
      lines.push(`${esc(L.rag)}: ${esc(p[P.rag] ? L.rags[p[P.rag]] : L.not_assessed)}`);
      if (p[P.manager]) lines.push(`${esc(L.manager)}: ${esc(p[P.manager])}`);
      lines.push(`<span class="muted">${esc(L.open_gantt)}</span>`);
    }
    tip.innerHTML = lines.join("<br>");
    tip.hidden = false;
    placeTip(e);
  }

  function placeTip(e) {
    const box = root.getBoundingClientRect();
    tip.style.left = Math.max(0, Math.min(e.clientX - box.left + 14, box.width - 320)) + "px";
    tip.style.top = e.clientY - box.top + 16 + "px";
  }

  // --- Toolbar and address -------------------------------------------------------------------------
  function chartParams(params) {
    const zoom = ctl("zoom").value, colour = ctl("colour").value;
    if (zoom !== "quarter") params.set("zoom", zoom); else params.delete("zoom");
    if (!showPhases()) params.set("phases", "0"); else params.delete("phases");
    if (colour !== "rag") params.set("colour", colour); else params.delete("colour");
    return params;
  }

  // The address keeps the chart's settings; the list and SVG links follow the current filters.
  function syncLinks() {
    const here = chartParams(new URLSearchParams(location.search));
    history.replaceState(history.state, "", `${location.pathname}${here.toString() ? "?" + here : ""}`);
    const filters = new URLSearchParams(location.search);
    ["zoom", "phases", "colour"].forEach((name) => filters.delete(name));
    const list = document.querySelector('[data-tl="list"]');
    if (list) list.href = `${list.pathname}${filters.toString() ? "?" + filters : ""}`;
    const svgLink = document.querySelector('[data-tl="svg"]');
    if (svgLink) {
      if (!showPhases()) filters.set("phases", "0");
      svgLink.href = `${svgLink.pathname}${filters.toString() ? "?" + filters : ""}`;
    }
  }

  function scrollToToday() {
    if (!scroller) return;
    const view = scroller.clientWidth - LABEL_W;
    scroller.scrollLeft = Math.max(0, x(D.today) - view * 0.3);
  }

  ctl("zoom").addEventListener("change", () => {
    const next = ZOOMS[ctl("zoom").value];
    syncLinks();
    if (!D) { pxd = next; return; }
    const centre = (scroller.scrollLeft + (scroller.clientWidth - LABEL_W) / 2) / pxd;
    pxd = next;
    draw();
    scroller.scrollLeft = Math.max(0, centre * pxd - (scroller.clientWidth - LABEL_W) / 2);
  });
  for (const name of ["colour", "phases"]) {
    ctl(name).addEventListener("change", () => {
      syncLinks();
      if (D) draw();
    });
  }
  ctl("today").addEventListener("click", scrollToToday);
  // A filter change swaps #results (new data); draw again once htmx has settled it.
  document.addEventListener("htmx:afterSettle", () => {
    if (document.getElementById("timeline-data") !== dataEl || !document.getElementById("timeline")) init();
  });

  init();
})();
