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
    var used = picker.querySelector("#macro-used");
    if (used && data.actions) {
      var chip = document.createElement("li");
      chip.className = "tag";
      chip.textContent = data.name + " — on send: " + data.actions;
      used.appendChild(chip);
    }
  }

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
