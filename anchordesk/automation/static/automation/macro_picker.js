// The macro picker beside the reply box: a click fetches the macro's text for this ticket
// (placeholders filled), puts it into the reply at the cursor, and adds the macro's id to
// the reply form so its actions run when the reply is sent.
(function () {
  "use strict";

  function insertAtCursor(box, text) {
    var start = box.selectionStart || 0, end = box.selectionEnd || 0;
    if (box.value && start === 0 && end === 0) {
      // No cursor placed in a draft: add the macro after what is written.
      start = end = box.value.length;
      if (!/\n$/.test(box.value)) text = "\n" + text;
    }
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    var caret = start + text.length;
    box.focus();
    box.setSelectionRange(caret, caret);
    // Let others listening to the box (typing notice, reply coach) see the change.
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function remember(picker, form, data) {
    if (!form.querySelector('input[name="macro"][value="' + data.id + '"]')) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "macro";
      hidden.value = String(data.id);
      form.appendChild(hidden);
    }
    // The status picker shows the status the macro sets: what is visible is what happens.
    var statusBox = form.querySelector('select[name="status"]');
    if (statusBox && data.status && statusBox.querySelector('option[value="' + data.status + '"]')) {
      statusBox.value = data.status;
      statusBox.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var used = document.getElementById("macro-used");
    if (used && data.actions && !used.querySelector('[data-macro-id="' + data.id + '"]')) {
      var chip = document.createElement("li");
      chip.className = "tag";
      chip.setAttribute("data-macro-id", String(data.id));
      chip.appendChild(document.createTextNode(data.name + " — on send: " + data.actions + " "));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "tag-remove";
      remove.setAttribute("aria-label", "Do not apply " + data.name + " when sending");
      remove.textContent = "✕";
      chip.appendChild(remove);
      used.appendChild(chip);
    }
  }

  // Removing a chip keeps the inserted text but drops the macro's actions from the send.
  document.addEventListener("click", function (event) {
    var remove = event.target.closest ? event.target.closest("#macro-used .tag-remove") : null;
    if (!remove) return;
    var chip = remove.closest("[data-macro-id]");
    var id = chip.getAttribute("data-macro-id");
    var picker = document.getElementById("macro-picker");
    var form = picker && document.getElementById(picker.getAttribute("data-macro-form"));
    if (form) form.querySelectorAll('input[name="macro"][value="' + id + '"]').forEach(function (i) { i.remove(); });
    chip.remove();
  });

  // The search box sits inside the reply form: Enter there must not send the reply.
  // It inserts the first macro found instead.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches || !event.target.matches("#macro-search")) return;
    event.preventDefault();
    var first = document.querySelector("#macro-results .macro-insert");
    if (first) first.click();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".macro-insert") : null;
    if (!button) return;
    var picker = button.closest(".macro-picker");
    var form = document.getElementById(picker.getAttribute("data-macro-form"));
    var box = document.getElementById(picker.getAttribute("data-macro-target"));
    if (!form || !box) return;
    event.preventDefault();
    fetch(button.getAttribute("data-macro-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("macro " + response.status);
        return response.json();
      })
      .then(function (data) {
        insertAtCursor(box, data.text);
        remember(picker, form, data);
        picker.open = false;
      })
      .catch(function () {
        button.textContent = button.textContent + " (not available)";
      });
  });
})();
