// Copy a new calendar feed URL. The Clipboard API needs a secure context (https or localhost); on plain
// http the field is selected and copied the old way.
function kurokoCopyFeedUrl(button) {
  const field = document.getElementById("new-feed-url");
  const done = () => { button.textContent = button.dataset.copied; };
  field.focus();
  field.select();
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
}

// The page that shows a new URL answers the POST that made it: make the browser's entry the plain feeds
// page, so that reloading neither posts again (a second URL) nor shows the secret again.
document.addEventListener("DOMContentLoaded", () => {
  const shown = document.getElementById("new-feed");
  if (shown && shown.dataset.pageUrl) {
    window.history.replaceState(null, "", shown.dataset.pageUrl);
  }
});
