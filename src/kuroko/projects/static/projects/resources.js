// Heatmap drill-down: a click on a cell loads the tasks behind it under the table, as an htmx fragment
// (no page reload). One listener for the whole table keeps thousands of cells free of per-cell markup.
document.addEventListener("click", (event) => {
  const button = event.target.closest && event.target.closest("table.heatmap button.cell");
  if (!button) return;
  const table = button.closest("table.heatmap");
  const url = new URL(table.dataset.cellUrl, window.location.href);
  url.searchParams.set("person", button.closest("tr").dataset.person);
  url.searchParams.set("start", button.dataset.start);
  const pressed = table.querySelector("button.cell[aria-pressed=true]");
  if (pressed) pressed.setAttribute("aria-pressed", "false");
  button.setAttribute("aria-pressed", "true");
  htmx.ajax("GET", url.pathname + url.search, { target: "#drill", swap: "innerHTML" }).then(() => {
    const drill = document.getElementById("drill");
    if (drill.getBoundingClientRect().top > window.innerHeight) drill.scrollIntoView({ block: "nearest" });
  });
});
