/* Kuroko Gantt: a virtualised chart of one project.
 *
 * One scroller holds a sticky WBS table and the bars; only the rows in view (plus a margin) exist in
 * the DOM, so a 10,000-task plan costs the same to scroll as a 50-task one. The server sends compact
 * arrays (see projects.selectors.gantt_data); edits go back as small JSON requests, each answered with
 * the edit that undoes it.
 */
(function () {
  "use strict";
  const root = document.getElementById("gantt");
  if (!root) return;
  const L = JSON.parse(document.getElementById("gantt-labels").textContent);
  const t0 = performance.now();
  const ROW = 26, HEAD = 46, OVERSCAN = 30, DAY = 1440;
  const ZOOMS = { day: 36, week: 12, month: 3.2, quarter: 1.1, year: 0.32 };
  const COLS = [["wbs", 64], ["name", 270], ["dur", 72], ["start", 92], ["finish", 92]];
  const TABLE_W = COLS.reduce((a, c) => a + c[1], 0);
  const canEdit = root.dataset.canEdit === "1";
  const csrf = (document.body.getAttribute("hx-headers") || "").match(/"X-CSRFToken":\s*"([^"]+)"/);
  const toolbar = document.querySelector(".gantt-toolbar");
  const ctl = (name) => toolbar.querySelector(`[data-gantt="${name}"]`);

  let D = null, F = {}, visible = [], pos = null, collapsed = new Set(), hasKids = null;
  let outLinks = null, inLinks = null, special = null;
  // ?zoom=day|week|month|quarter|year opens the chart at that scale (links and tests use it).
  const askedZoom = new URLSearchParams(location.search).get("zoom");
  if (askedZoom && ZOOMS[askedZoom]) ctl("zoom").value = askedZoom;
  let pxd = ZOOMS[ctl("zoom").value] || ZOOMS.week;
  let pathOf = null; // the task ids of the shown driving path, or null
  let selected = -1, undo = null, drag = null, bandFirst = -1, bandLast = -1, lastKey = "", frame = 0;
  const timings = {};
  window.kurokoGantt = { timings, ready: false };
  window.kurokoGanttData = () => D; // for tests and the console

  // --- DOM -----------------------------------------------------------------------------------------
  root.innerHTML =
    '<div class="g-scroll" tabindex="-1"><div class="g-inner">' +
    '<div class="g-head"><div class="g-head-table">' +
    COLS.map((c) => `<span class="c-${c[0]}" style="width:${c[1]}px">${esc(L.columns[c[0]])}</span>`).join("") +
    '</div><div class="g-head-chart"></div></div>' +
    '<div class="g-bg"></div><svg class="g-links" aria-hidden="true"><defs>' +
    '<marker id="g-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z"/></marker>' +
    '<marker id="g-arrow-c" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z"/></marker>' +
    '</defs><g></g><line class="g-drag-line" x1="0" y1="0" x2="0" y2="0" visibility="hidden"/></svg>' +
    '<div class="g-rows" role="grid"></div></div></div><div class="g-tip" role="tooltip" hidden></div>';
  const scroller = root.querySelector(".g-scroll");
  const inner = root.querySelector(".g-inner");
  const headChart = root.querySelector(".g-head-chart");
  const bg = root.querySelector(".g-bg");
  const svg = root.querySelector(".g-links");
  const linkLayer = svg.querySelector("g");
  const dragLine = svg.querySelector(".g-drag-line");
  const rowsEl = root.querySelector(".g-rows");
  const tip = root.querySelector(".g-tip");
  const status = ctl("status");

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  // --- Time ----------------------------------------------------------------------------------------
  let originMs = 0;
  const dateOf = (m) => new Date(originMs + m * 60000);
  const iso = (m) => dateOf(m).toISOString().slice(0, 10);
  const stamp = (m) => dateOf(m).toISOString().slice(0, 16).replace("T", " ");
  const x = (m) => (m / DAY) * pxd;
  const working = (day) => (special.has(day) ? !D.working_weekdays[day % 7] : D.working_weekdays[day % 7]);
  function dur(minutes, elapsed) {
    if (minutes == null) return "";
    const days = minutes / (elapsed ? DAY : D.minutes_per_day);
    return (Math.round(days * 100) / 100).toString() + (elapsed ? L.elapsed_day_unit : L.day_unit);
  }

  // --- Data ----------------------------------------------------------------------------------------
  async function load(keepView) {
    const url = new URL(root.dataset.src, location.href);
    const b = ctl("baseline").value;
    url.searchParams.set("baseline", b === "" ? "none" : b);
    const ta = performance.now();
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      root.innerHTML = `<p class="msg msg-error">${esc(L.load_failed)}</p>`;
      return;
    }
    const data = await response.json();
    timings.fetch_ms = performance.now() - ta;
    const tb = performance.now();
    D = data;
    F = {};
    D.fields.forEach((name, i) => (F[name] = i));
    const [y, m, d] = D.origin.slice(0, 10).split("-").map(Number);
    originMs = Date.UTC(y, m - 1, d);
    special = new Set(D.special_days);
    const n = D.tasks.length;
    hasKids = new Uint8Array(n);
    for (const t of D.tasks) if (t[F.parent] >= 0) hasKids[t[F.parent]] = 1;
    outLinks = Array.from({ length: n }, () => []);
    inLinks = Array.from({ length: n }, () => []);
    D.links.forEach((l, i) => { outLinks[l[0]].push(i); inLinks[l[1]].push(i); });
    if (!keepView) collapsed = new Set();
    layout();
    timings.prepare_ms = performance.now() - tb;
    if (!keepView) scrollToTime(firstStart() - 2 * DAY);
    render(true);
  }

  function firstStart() {
    let best = Infinity;
    for (const t of D.tasks) if (t[F.start] != null && t[F.start] < best) best = t[F.start];
    return best === Infinity ? D.today : best;
  }

  function layout() {
    visible = [];
    pos = new Int32Array(D.tasks.length).fill(-1);
    let skip = Infinity;
    D.tasks.forEach((t, i) => {
      const level = t[F.level];
      if (level > skip) return;
      skip = Infinity;
      pos[i] = visible.length;
      visible.push(i);
      if (collapsed.has(i)) skip = level;
    });
    inner.style.width = TABLE_W + D.days * pxd + "px";
    inner.style.height = HEAD + visible.length * ROW + "px";
    rowsEl.style.height = visible.length * ROW + "px";
    bandFirst = -1;
  }

  // --- Rendering -----------------------------------------------------------------------------------
  function render(force) {
    frame = 0;
    if (!D) return;
    const top = scroller.scrollTop, height = scroller.clientHeight;
    const lastRow = visible.length - 1;
    const seenFirst = Math.max(0, Math.floor(top / ROW));
    const seenLast = Math.min(lastRow, Math.ceil((top + height) / ROW));
    // Rows are rebuilt only when the view leaves the band already in the DOM (a margin of OVERSCAN rows
    // on each side), so most scroll frames cost nothing but the browser's own scrolling.
    const rebuild = force || bandFirst < 0 || seenFirst < bandFirst || seenLast > bandLast;
    if (rebuild) {
      bandFirst = Math.max(0, seenFirst - OVERSCAN);
      bandLast = Math.min(lastRow, seenLast + OVERSCAN);
      rowsEl.innerHTML = rowsHtml(bandFirst, bandLast);
    }
    const left = Math.max(0, scroller.scrollLeft);
    const x0 = left - 200, x1 = left + scroller.clientWidth - TABLE_W + 200;
    const xKey = `${Math.floor(x0 / 400)}:${pxd}`;
    if (force || xKey !== lastKey) {
      headChart.innerHTML = headerHtml(Math.max(0, x0), x1);
      bg.innerHTML = backgroundHtml(Math.max(0, x0), x1);
    }
    if (rebuild || xKey !== lastKey) drawLinks(bandFirst, bandLast, Math.max(0, x0), x1);
    lastKey = xKey;
    headChart.style.transform = "";
    if (!window.kurokoGantt.ready) {
      timings.first_render_ms = performance.now() - t0;
      window.kurokoGantt.ready = true;
      performance.mark("gantt-ready");
      root.dispatchEvent(new CustomEvent("gantt:ready"));
    }
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(() => render(false));
  }

  function rowsHtml(first, last) {
    const out = [];
    for (let p = first; p <= last; p++) {
      const i = visible[p], t = D.tasks[i];
      const kind = t[F.kind], crit = t[F.critical];
      const cls = `g-row k${kind}${crit ? " crit" : ""}${i === selected ? " sel" : ""}`;
      const toggle = hasKids[i]
        ? `<button type="button" class="g-toggle" data-i="${i}" aria-label="${esc(collapsed.has(i) ? L.expand : L.collapse)}" aria-expanded="${!collapsed.has(i)}">${collapsed.has(i) ? "▸" : "▾"}</button>`
        : '<span class="g-toggle-space"></span>';
      const indent = (t[F.level] - 1) * 14;
      let html =
        `<div class="${cls}" style="top:${p * ROW}px" data-i="${i}" role="row" aria-rowindex="${p + 1}" aria-selected="${i === selected}">` +
        `<div class="g-cells" role="presentation"><span class="c-wbs" role="gridcell">${esc(t[F.wbs])}</span>` +
        `<span class="c-name" role="gridcell" style="padding-left:${indent + 4}px" title="${esc(t[F.name])}">${toggle}${kind === 2 ? "◆ " : ""}${esc(t[F.name])}</span>` +
        `<span class="c-dur" role="gridcell">${kind === 1 ? "" : dur(t[F.duration], t[F.elapsed])}</span>` +
        `<span class="c-start" role="gridcell">${t[F.start] == null ? "" : iso(t[F.start])}</span>` +
        `<span class="c-finish" role="gridcell">${t[F.finish] == null ? "" : iso(t[F.finish] - 1)}</span></div>`;
      if (t[F.baseline_start] != null && t[F.baseline_finish] != null) {
        const bl = x(t[F.baseline_start]), bw = Math.max(2, x(t[F.baseline_finish]) - bl);
        html += `<div class="g-bl" style="left:${TABLE_W + bl}px;width:${bw}px"></div>`;
      }
      if (t[F.start] != null) {
        const s = x(t[F.start]), w = x(t[F.finish]) - s;
        if (kind === 2) {
          html += `<div class="g-bar g-ms${crit ? " crit" : ""}${pathOf && pathOf.has(t[F.id]) ? " path" : ""}" data-i="${i}" style="left:${TABLE_W + s - 7}px">${canEdit ? '<span class="g-dot"></span>' : ""}</div>`;
        } else {
          const pct = t[F.percent];
          html +=
            `<div class="g-bar${kind === 1 ? " g-sum" : ""}${crit ? " crit" : ""}${t[F.progress] ? " started" : ""}${t[F.manual] ? " manual" : ""}${pathOf && pathOf.has(t[F.id]) ? " path" : ""}" data-i="${i}" style="left:${TABLE_W + s}px;width:${Math.max(2, w)}px">` +
            (kind === 1 ? "" : `<span class="g-pct" style="width:${pct}%"></span>`) +
            (canEdit && kind === 0 ? (t[F.progress] === 2 ? "" : '<span class="g-h"></span>') + '<span class="g-dot"></span>' : "") +
            "</div>";
        }
        if (t[F.deadline] != null) html += `<span class="g-deadline" style="left:${TABLE_W + x(t[F.deadline]) - 5}px" title="${esc(L.deadline)} ${esc(iso(t[F.deadline]))}">⇩</span>`;
      }
      out.push(html + "</div>");
    }
    return out.join("");
  }

  const fmtMonth = () => new Intl.DateTimeFormat(root.dataset.lang || "en", { year: "numeric", month: "short", timeZone: "UTC" });
  function headerHtml(x0, x1) {
    const day0 = Math.floor(x0 / pxd), day1 = Math.ceil(x1 / pxd);
    const top = [], bottom = [];
    const monthFmt = fmtMonth();
    const start = new Date(originMs + day0 * 86400000);
    const dayIndex = (date) => Math.round((date.getTime() - originMs) / 86400000);
    // Upper tier: months (day/week zoom) or years (month/quarter zoom) or decades.
    const upperUnit = pxd >= 3.5 ? "month" : pxd >= 0.9 ? "year" : "none";
    if (upperUnit !== "none") {
      let d = new Date(Date.UTC(start.getUTCFullYear(), upperUnit === "month" ? start.getUTCMonth() : 0, 1));
      while (dayIndex(d) <= day1) {
        const next = upperUnit === "month" ? new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) : new Date(Date.UTC(d.getUTCFullYear() + 1, 0, 1));
        const a = dayIndex(d) * pxd, b = dayIndex(next) * pxd;
        top.push(`<span class="g-tick g-top" style="left:${a}px;width:${b - a}px">${esc(upperUnit === "month" ? monthFmt.format(d) : d.getUTCFullYear())}</span>`);
        d = next;
      }
    }
    let lowerDays;
    if (pxd >= 20) lowerDays = "day";
    else if (pxd >= 3.5) lowerDays = "week";
    else if (pxd >= 2) lowerDays = "month";
    else if (pxd >= 0.9) lowerDays = "quarter";
    else lowerDays = "year";
    if (lowerDays === "day" || lowerDays === "week") {
      const step = lowerDays === "day" ? 1 : 7;
      let day = lowerDays === "day" ? day0 : day0 - (day0 % 7); // origin is a Monday
      for (; day <= day1; day += step) {
        const date = new Date(originMs + day * 86400000);
        const label = lowerDays === "day" ? date.getUTCDate() : `${date.getUTCMonth() + 1}/${date.getUTCDate()}`;
        bottom.push(`<span class="g-tick g-bottom${lowerDays === "day" && !working(day) ? " off" : ""}" style="left:${day * pxd}px;width:${step * pxd}px">${label}</span>`);
      }
    } else {
      const months = lowerDays === "month" ? 1 : lowerDays === "quarter" ? 3 : 12;
      let d = new Date(Date.UTC(start.getUTCFullYear(), Math.floor(start.getUTCMonth() / months) * months, 1));
      while (dayIndex(d) <= day1) {
        const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
        const a = dayIndex(d) * pxd, b = dayIndex(next) * pxd;
        const label = months === 1 ? d.getUTCMonth() + 1 : months === 3 ? `Q${Math.floor(d.getUTCMonth() / 3) + 1}` : d.getUTCFullYear();
        bottom.push(`<span class="g-tick g-bottom" style="left:${a}px;width:${b - a}px">${label}</span>`);
        d = next;
      }
    }
    return `<div class="g-tier">${top.join("")}</div><div class="g-tier">${bottom.join("")}</div>`;
  }

  function backgroundHtml(x0, x1) {
    const out = [];
    if (pxd >= 3.5) {
      const day0 = Math.floor(x0 / pxd), day1 = Math.min(D.days, Math.ceil(x1 / pxd));
      let runStart = -1;
      for (let day = day0; day <= day1 + 1; day++) {
        const off = day <= day1 && !working(day);
        if (off && runStart < 0) runStart = day;
        if (!off && runStart >= 0) {
          out.push(`<div class="g-off" style="left:${runStart * pxd}px;width:${(day - runStart) * pxd}px"></div>`);
          runStart = -1;
        }
      }
    }
    out.push(`<div class="g-today" style="left:${x(D.today)}px" title="${esc(L.today)}"></div>`);
    if (D.status != null) out.push(`<div class="g-statusline" style="left:${x(D.status)}px" title="${esc(L.status_date)}"></div>`);
    return out.join("");
  }

  function drawLinks(first, last, x0, x1) {
    const seen = new Set();
    for (let p = first; p <= last; p++) {
      const i = visible[p];
      for (const l of outLinks[i]) seen.add(l);
      for (const l of inLinks[i]) seen.add(l);
    }
    const yTop = first * ROW;
    svg.style.top = HEAD + yTop + "px";
    svg.style.left = TABLE_W + x0 + "px";
    svg.setAttribute("width", Math.max(1, x1 - x0));
    svg.setAttribute("height", Math.max(1, (last - first + 1) * ROW));
    const paths = [];
    for (const l of seen) {
      const [a, b, type] = D.links[l];
      const pa = pos[a], pb = pos[b];
      if (pa < 0 || pb < 0) continue;
      const A = D.tasks[a], B = D.tasks[b];
      if (A[F.start] == null || B[F.start] == null) continue;
      const fromFinish = type === "FS" || type === "FF", toFinish = type === "FF" || type === "SF";
      const xa = x(fromFinish ? A[F.finish] : A[F.start]) - x0 + (A[F.kind] === 2 ? (fromFinish ? 6 : -6) : 0);
      const xb = x(toFinish ? B[F.finish] : B[F.start]) - x0 + (B[F.kind] === 2 ? (toFinish ? 6 : -6) : 0);
      const ya = (pa - first) * ROW + ROW / 2, yb = (pb - first) * ROW + ROW / 2;
      const down = yb > ya ? 1 : -1;
      let d;
      if (!toFinish) {
        const out1 = fromFinish ? xa + 6 : xa - 8;
        if (xb - 6 >= out1) d = `M${xa},${ya}H${out1}V${yb}H${xb - 1}`;
        else d = `M${xa},${ya}H${out1}V${yb - (down * ROW) / 2}H${xb - 10}V${yb}H${xb - 1}`;
      } else {
        const out1 = Math.max(xa, xb) + 8;
        d = fromFinish ? `M${xa},${ya}H${out1}V${yb}H${xb + 1}` : `M${xa},${ya}H${xa - 8}V${yb - (down * ROW) / 2}H${out1}V${yb}H${xb + 1}`;
      }
      const crit = A[F.critical] && B[F.critical];
      paths.push(`<path class="${crit ? "crit" : ""}" data-l="${l}" d="${d}" marker-end="url(#${crit ? "g-arrow-c" : "g-arrow"})"/>`);
    }
    linkLayer.innerHTML = paths.join("");
  }

  // --- Navigation ----------------------------------------------------------------------------------
  function scrollToTime(m) {
    scroller.scrollLeft = Math.max(0, x(m));
  }
  function select(i, reveal) {
    selected = i;
    if (reveal && i >= 0) {
      const p = pos[i];
      if (p * ROW < scroller.scrollTop) scroller.scrollTop = p * ROW;
      else if ((p + 1) * ROW + HEAD > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = (p + 1) * ROW + HEAD - scroller.clientHeight;
    }
    render(true);
    const t = D.tasks[i];
    if (t) say(`${t[F.wbs]} ${t[F.name]}: ${t[F.start] == null ? "" : iso(t[F.start])} – ${t[F.finish] == null ? "" : iso(t[F.finish] - 1)}`);
  }
  function toggle(i, open) {
    if (!hasKids[i]) return;
    const willOpen = open === undefined ? collapsed.has(i) : open;
    if (willOpen) collapsed.delete(i);
    else collapsed.add(i);
    layout();
    render(true);
  }
  function say(text) {
    status.textContent = text;
  }

  scroller.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  rowsEl.addEventListener("click", (e) => {
    const button = e.target.closest(".g-toggle");
    if (button) { toggle(Number(button.dataset.i)); return; }
    const row = e.target.closest(".g-row");
    if (row && !drag) select(Number(row.dataset.i), false);
  });
  root.addEventListener("keydown", (e) => {
    if (!D) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.preventDefault(); runUndo(); return; }
    const p = selected >= 0 ? pos[selected] : -1;
    let next = -1;
    if (e.key === "ArrowDown") next = visible[Math.min(visible.length - 1, p + 1)];
    else if (e.key === "ArrowUp") next = visible[Math.max(0, p - 1)];
    else if (e.key === "Home") next = visible[0];
    else if (e.key === "End") next = visible[visible.length - 1];
    else if (e.key === "PageDown") next = visible[Math.min(visible.length - 1, p + Math.floor(scroller.clientHeight / ROW))];
    else if (e.key === "PageUp") next = visible[Math.max(0, p - Math.floor(scroller.clientHeight / ROW))];
    else if (e.key === "ArrowLeft" && selected >= 0) {
      if (hasKids[selected] && !collapsed.has(selected)) toggle(selected, false);
      else if (D.tasks[selected][F.parent] >= 0) select(D.tasks[selected][F.parent], true);
      e.preventDefault();
      return;
    } else if (e.key === "ArrowRight" && selected >= 0) { toggle(selected, true); e.preventDefault(); return; }
    else if (e.key === "Enter" && selected >= 0) { const t = D.tasks[selected]; if (t[F.start] != null) scrollToTime(t[F.start] - DAY); e.preventDefault(); return; }
    else return;
    e.preventDefault();
    if (next !== undefined && next >= 0) select(next, true);
  });

  // --- Tooltips ------------------------------------------------------------------------------------
  rowsEl.addEventListener("mouseover", (e) => {
    const bar = e.target.closest(".g-bar");
    if (!bar || drag) return;
    const t = D.tasks[Number(bar.dataset.i)];
    const lines = [
      `<strong>${esc(t[F.wbs])} ${esc(t[F.name])}</strong>`,
      `${esc(L.start)}: ${stamp(t[F.start])}`,
      `${esc(L.finish)}: ${stamp(t[F.finish])}`,
    ];
    if (t[F.kind] !== 1) lines.push(`${esc(L.duration)}: ${dur(t[F.duration], t[F.elapsed])}`);
    lines.push(`${esc(L.total_float)}: ${dur(t[F.total_float])} · ${esc(L.free_float)}: ${dur(t[F.free_float])}`);
    lines.push(`${esc(L.complete)}: ${t[F.percent]}%${t[F.critical] ? " · " + esc(L.critical) : ""}`);
    if (t[F.manual]) lines.push(esc(L.manual));
    if (t[F.constraint] !== "ASAP") lines.push(`${esc(L.constraint)}: ${esc(L.constraints[t[F.constraint]] || t[F.constraint])}`);
    if (t[F.baseline_start] != null) lines.push(`${esc(L.baseline)}: ${iso(t[F.baseline_start])} – ${iso(t[F.baseline_finish] - 1)}`);
    tip.innerHTML = lines.join("<br>");
    tip.hidden = false;
    placeTip(e);
  });
  rowsEl.addEventListener("mousemove", (e) => { if (!tip.hidden) placeTip(e); });
  rowsEl.addEventListener("mouseout", (e) => { if (e.target.closest(".g-bar")) tip.hidden = true; });
  function placeTip(e) {
    const box = root.getBoundingClientRect();
    tip.style.left = Math.min(e.clientX - box.left + 14, box.width - 280) + "px";
    tip.style.top = e.clientY - box.top + 16 + "px";
  }

  // --- Editing -------------------------------------------------------------------------------------
  async function send(edit) {
    say(L.saving);
    const response = await fetch(root.dataset.edit, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf[1] : "" },
      body: JSON.stringify(edit),
    });
    let body = {};
    try { body = await response.json(); } catch (err) { body = { error: L.save_failed }; }
    if (!response.ok) {
      say(body.error || L.save_failed);
      status.classList.add("error");
      render(true);
      return null;
    }
    status.classList.remove("error");
    await load(true);
    say(body.message || "");
    return body;
  }
  async function edit(change) {
    const body = await send(change);
    if (body) setUndo(body.undo);
  }
  function setUndo(u) {
    undo = u && u.op ? u : null;
    const button = ctl("undo");
    if (button) button.disabled = !undo;
  }
  async function runUndo() {
    if (!undo || !canEdit) return;
    const u = Object.assign({}, undo);
    if (u.task != null) {
      const i = D.tasks.findIndex((t) => t[F.id] === u.task);
      if (i >= 0) u.version = D.tasks[i][F.version];
    }
    const body = await send(u);
    if (body) setUndo(null);
  }
  if (ctl("undo")) ctl("undo").addEventListener("click", runUndo);

  rowsEl.addEventListener("pointerdown", (e) => {
    if (!canEdit || e.button !== 0) return;
    const bar = e.target.closest(".g-bar");
    if (!bar) return;
    const i = Number(bar.dataset.i), t = D.tasks[i];
    let mode = e.target.classList.contains("g-dot") ? "link" : e.target.classList.contains("g-h") ? "resize" : "move";
    if (t[F.kind] === 1 && mode === "move") return; // summaries follow their subtasks
    // Actual dates fix a started task's start and a finished task's finish.
    if ((mode === "move" && t[F.progress] >= 1) || (mode === "resize" && t[F.progress] === 2)) {
      say(mode === "move" ? L.started : L.finished);
      return;
    }
    e.preventDefault();
    tip.hidden = true;
    drag = { mode, i, bar, x: e.clientX, y: e.clientY, left: bar.offsetLeft, width: bar.offsetWidth, moved: false };
    bar.setPointerCapture(e.pointerId);
    bar.classList.add("dragging");
  });
  rowsEl.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3 || Math.abs(e.clientY - drag.y) > 3) drag.moved = true;
    const snapped = Math.round(dx / pxd) * pxd;
    if (drag.mode === "move") drag.bar.style.left = drag.left + snapped + "px";
    else if (drag.mode === "resize") drag.bar.style.width = Math.max(pxd, drag.width + snapped) + "px";
    else {
      const box = svg.getBoundingClientRect();
      const barBox = drag.bar.getBoundingClientRect();
      dragLine.setAttribute("x1", barBox.right - box.left);
      dragLine.setAttribute("y1", barBox.top + barBox.height / 2 - box.top);
      dragLine.setAttribute("x2", e.clientX - box.left);
      dragLine.setAttribute("y2", e.clientY - box.top);
      dragLine.setAttribute("visibility", "visible");
      rowsEl.querySelectorAll(".g-bar.target").forEach((b) => b.classList.remove("target"));
      const under = document.elementsFromPoint(e.clientX, e.clientY).find((el) => el.classList && el.classList.contains("g-bar") && el !== drag.bar);
      if (under) under.classList.add("target");
    }
  });
  rowsEl.addEventListener("pointerup", (e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    d.bar.classList.remove("dragging");
    dragLine.setAttribute("visibility", "hidden");
    const t = D.tasks[d.i];
    const days = Math.round((e.clientX - d.x) / pxd);
    if (d.mode === "link") {
      const under = document.elementsFromPoint(e.clientX, e.clientY).find((el) => el.classList && el.classList.contains("g-bar") && el !== d.bar);
      rowsEl.querySelectorAll(".g-bar.target").forEach((b) => b.classList.remove("target"));
      if (under) edit({ op: "link", from: t[F.id], to: D.tasks[Number(under.dataset.i)][F.id] });
      return;
    }
    if (!d.moved || days === 0) { render(true); return; }
    if (d.mode === "move") {
      const day = Math.floor(t[F.start] / DAY) + days;
      edit({ op: "move", task: t[F.id], version: t[F.version], start: iso(day * DAY) });
    } else {
      const day = Math.floor((t[F.finish] - 1) / DAY) + days;
      edit({ op: "resize", task: t[F.id], version: t[F.version], finish: iso(day * DAY) });
    }
  });

  // --- Toolbar -------------------------------------------------------------------------------------
  ctl("zoom").addEventListener("change", () => {
    const centreDay = (scroller.scrollLeft + (scroller.clientWidth - TABLE_W) / 2) / pxd;
    pxd = ZOOMS[ctl("zoom").value];
    layout();
    scroller.scrollLeft = Math.max(0, centreDay * pxd - (scroller.clientWidth - TABLE_W) / 2);
    render(true);
  });
  ctl("baseline").addEventListener("change", () => load(true));
  ctl("expand").addEventListener("click", () => { collapsed.clear(); layout(); render(true); });
  ctl("collapse").addEventListener("click", () => {
    D.tasks.forEach((t, i) => { if (hasKids[i] && t[F.level] === 1) collapsed.add(i); });
    layout();
    render(true);
  });
  ctl("today").addEventListener("click", () => scrollToTime(D.today - 7 * DAY));

  // --- Driving path --------------------------------------------------------------------------------
  async function showPath() {
    if (pathOf) { pathOf = null; ctl("path").setAttribute("aria-pressed", "false"); render(true); return; }
    if (selected < 0) { say(L.select_first); return; }
    const id = D.tasks[selected][F.id];
    const response = await fetch(root.dataset.path.replace("/0/", `/${id}/`), { credentials: "same-origin" });
    if (!response.ok) { say(L.load_failed); return; }
    const body = await response.json();
    pathOf = new Set(body.path);
    ctl("path").setAttribute("aria-pressed", "true");
    const names = D.tasks.filter((t) => pathOf.has(t[F.id])).map((t) => t[F.wbs]);
    say(`${L.driving_path}: ${names.join(" → ")}`);
    render(true);
  }
  ctl("path").addEventListener("click", showPath);
  root.addEventListener("keydown", (e) => {
    if (e.key === "p" && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); showPath(); }
    else if (e.key === "Escape" && pathOf) { pathOf = null; ctl("path").setAttribute("aria-pressed", "false"); render(true); }
  });

  load(false);
})();
