// Small behaviours on top of htmx: focus the first field of an inline editor, Escape cancels it.
// afterSettle: on afterSwap htmx still carries the old row's attributes, so tr.editing would not match.
document.addEventListener("htmx:afterSettle", () => {
  const editing = document.querySelector("tr.editing");
  if (editing) {
    const field = editing.querySelector("input:not([type=hidden]):not([disabled]), select, textarea");
    if (field) field.focus();
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  // The form, not tr.editing: the row only gets its class when htmx settles the swap.
  const form = event.target.closest && event.target.closest(".task-form");
  const cancel = form && form.querySelector("button[hx-get]");
  // Issue the request directly: a click can arrive before htmx has wired the freshly swapped button.
  if (cancel) htmx.ajax("GET", cancel.getAttribute("hx-get"), { target: form.closest("tr"), swap: "outerHTML" });
});
// htmx does not swap 4xx responses by default; our 409/422 responses carry the form with its errors.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
