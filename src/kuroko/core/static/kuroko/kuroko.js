// Small behaviours on top of htmx: focus the first field of an inline editor, Escape cancels it.
document.addEventListener("htmx:afterSwap", (event) => {
  const row = event.detail.target.closest ? event.detail.target.closest("tr.editing") : null;
  const editing = row || document.querySelector("tr.editing");
  if (editing) {
    const field = editing.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
    if (field) field.focus();
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const editing = event.target.closest && event.target.closest("tr.editing");
  const cancel = editing && editing.querySelector("button[hx-get]");
  if (cancel) cancel.click();
});
// htmx does not swap 4xx responses by default; our 409/422 responses carry the form with its errors.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
