// Anchordesk customer portal. Loaded as a file (CSP script-src 'self'); no inline handlers.
// A form marked data-once cannot be sent twice by a double tap on a slow phone connection.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-once")) return;
  if (form.dataset.sending === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.setAttribute("aria-busy", "true");
  });
});
// Coming back with the browser's back button restores the page from cache: let it be sent again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    delete form.dataset.sending;
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.removeAttribute("aria-busy");
    });
  });
});
