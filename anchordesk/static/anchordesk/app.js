// Anchordesk agent UI. Loaded as a file (CSP script-src 'self'): no inline handlers, no eval.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) return meta.content;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function isTyping(el) {
    if (!el || el === document.body) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  // htmx sends the CSRF token on every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // ---- inbox: selection, bulk bar, live refresh -------------------------------------------
  var lastTypedAt = 0;
  document.addEventListener("input", function () { lastTypedAt = Date.now(); }, true);

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-list tr.ticket-row"));
  }
  var selectedId = null;

  function select(row) {
    rows().forEach(function (r) { r.classList.remove("is-selected"); r.removeAttribute("aria-selected"); });
    if (!row) { selectedId = null; return; }
    row.classList.add("is-selected");
    row.setAttribute("aria-selected", "true");
    selectedId = row.getAttribute("data-ticket-id");
    row.scrollIntoView({ block: "nearest" });
  }

  function selectedRow() {
    return document.querySelector("#inbox-list tr.ticket-row.is-selected");
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var current = all.indexOf(selectedRow());
    var next = current < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, current + step));
    select(all[next]);
  }

  function checkedBoxes() {
    return document.querySelectorAll('#inbox-list input[type="checkbox"][name="ticket"]:checked');
  }

  function updateBulkBar() {
    var bar = document.querySelector("[data-bulkbar]");
    if (!bar) return;
    var n = checkedBoxes().length;
    var label = bar.querySelector("[data-selected-count]");
    if (label) label.textContent = n + " selected";
    bar.classList.toggle("has-selection", n > 0);
    bar.querySelectorAll("[data-bulk-button]").forEach(function (b) { b.disabled = n === 0; });
    var all = bar.querySelector("[data-select-all]");
    if (all) {
      var total = document.querySelectorAll('#inbox-list input[name="ticket"]').length;
      all.checked = n > 0 && n === total;
      all.indeterminate = n > 0 && n < total;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-select-all]")) {
      document.querySelectorAll('#inbox-list input[name="ticket"]').forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches && (target.matches('input[name="ticket"]') || target.matches("[data-select-all]"))) updateBulkBar();
    // Filters apply as soon as a select changes.
    var form = target.form;
    if (form && form.hasAttribute("data-autosubmit") && target.tagName === "SELECT") form.submit();
  });

  // A click anywhere on a row opens the ticket, except on its checkbox or a link.
  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("#inbox-list tr.ticket-row");
    if (!row || event.target.closest("a, input, button, label")) return;
    window.location.href = row.getAttribute("data-href");
  });

  // Live refresh: the list polls itself, but never while the agent is choosing tickets or typing.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute || !elt.hasAttribute("data-live-list")) return;
    var busy = checkedBoxes().length > 0 || isTyping(document.activeElement) || Date.now() - lastTypedAt < 4000 || document.hidden;
    if (busy) event.preventDefault();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.elt || event.detail.elt.id !== "inbox-list") return;
    if (selectedId) {
      var row = document.querySelector('#inbox-list tr.ticket-row[data-ticket-id="' + selectedId + '"]');
      if (row) { row.classList.add("is-selected"); row.setAttribute("aria-selected", "true"); }
    }
    updateBulkBar();
  });

  // ---- ticket page: composer tabs ----------------------------------------------------------
  function showPane(name, focus) {
    var composer = document.getElementById("composer");
    if (!composer) return false;
    composer.querySelectorAll("[data-pane]").forEach(function (pane) {
      pane.hidden = pane.getAttribute("data-pane") !== name;
    });
    composer.querySelectorAll("[data-tab]").forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.getAttribute("data-tab") === name ? "true" : "false");
    });
    if (focus) {
      var box = composer.querySelector('[data-pane="' + name + '"] textarea');
      if (box) { box.focus(); box.scrollIntoView({ block: "nearest" }); }
    }
    return true;
  }
  document.addEventListener("click", function (event) {
    var tab = event.target.closest && event.target.closest("[data-tab]");
    if (tab) showPane(tab.getAttribute("data-tab"), true);
    var copy = event.target.closest && event.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      if (source && navigator.clipboard) navigator.clipboard.writeText(source.textContent.trim()).then(function () { copy.textContent = "Copied"; });
    }
    if (event.target.closest && event.target.closest("[data-nav-toggle]")) {
      var open = document.body.classList.toggle("nav-open");
      event.target.closest("[data-nav-toggle]").setAttribute("aria-expanded", open ? "true" : "false");
    }
    if (event.target.closest && event.target.closest("[data-shortcuts-open]")) toggleShortcuts(true);
    if (event.target.closest && event.target.closest("[data-shortcuts-close]")) toggleShortcuts(false);
    var overlay = document.getElementById("shortcuts");
    if (overlay && event.target === overlay) toggleShortcuts(false);
  });

  // A form is sent once: a double click must not send a reply twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    if (form.method && form.method.toLowerCase() === "post") form.dataset.sending = "1";
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (f) { delete f.dataset.sending; });
  });

  // ---- keyboard shortcuts -------------------------------------------------------------------
  // The dialog takes focus when it opens, keeps Tab inside while open, and gives focus back
  // to where it was when it closes.
  var focusBeforeShortcuts = null;
  function toggleShortcuts(show) {
    var overlay = document.getElementById("shortcuts");
    if (!overlay) return;
    var open = show === undefined ? overlay.hidden : show;
    if (open === !overlay.hidden) return;
    overlay.hidden = !open;
    if (open) {
      focusBeforeShortcuts = document.activeElement;
      var close = overlay.querySelector("[data-shortcuts-close]");
      if (close) close.focus();
    } else if (focusBeforeShortcuts && focusBeforeShortcuts.focus) {
      focusBeforeShortcuts.focus();
      focusBeforeShortcuts = null;
    }
  }

  function trapFocus(event, container) {
    var focusable = Array.prototype.filter.call(
      container.querySelectorAll("a[href], button:not([disabled]), input, select, textarea, [tabindex]:not([tabindex='-1'])"),
      function (el) { return el.offsetParent !== null; }
    );
    if (!focusable.length) return;
    var first = focusable[0], last = focusable[focusable.length - 1];
    if (!container.contains(document.activeElement)) { event.preventDefault(); first.focus(); }
    else if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    var dialog = document.getElementById("shortcuts");
    if (event.key === "Tab" && dialog && !dialog.hidden) { trapFocus(event, dialog); return; }
    if (event.key === "Escape") {
      var overlay = document.getElementById("shortcuts");
      if (overlay && !overlay.hidden) { toggleShortcuts(false); return; }
      if (isTyping(document.activeElement)) document.activeElement.blur();
      return;
    }
    // Ctrl+Enter (⌘+Enter on a Mac) in a reply or note box sends it, through the form's own
    // submit, so the double-send guard and the browser's checks still apply.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA" && event.target.form) {
      event.preventDefault();
      var form = event.target.form;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target) || isTyping(document.activeElement)) return;
    if (event.key === "Enter" && event.target.closest && event.target.closest("a, button, summary")) return;
    var inInbox = !!document.getElementById("inbox-list");
    var handled = true;
    switch (event.key) {
      case "?": toggleShortcuts(); break;
      case "/": {
        var search = document.querySelector("[data-shortcut-search]");
        if (search) { search.focus(); search.select(); } else handled = false;
        break;
      }
      case "j": if (inInbox) move(1); else handled = false; break;
      case "k": if (inInbox) move(-1); else handled = false; break;
      case "o":
      case "Enter": {
        var row = inInbox && selectedRow();
        if (row) window.location.href = row.getAttribute("data-href"); else handled = false;
        break;
      }
      case "x": {
        var current = inInbox && selectedRow();
        var box = current && current.querySelector('input[name="ticket"]');
        if (box) { box.checked = !box.checked; updateBulkBar(); } else handled = false;
        break;
      }
      case "r": handled = showPane("reply", true); break;
      case "n": handled = showPane("note", true); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  // ---- collision notice: who else is on this ticket ------------------------------------------
  function startPresence() {
    var box = document.getElementById("presence");
    if (!box || !box.getAttribute("data-presence-url")) return;
    var url = box.getAttribute("data-presence-url");
    var leaveUrl = box.getAttribute("data-leave-url");
    var interval = Math.max(1, parseInt(box.getAttribute("data-interval"), 10) || 4) * 1000;
    var pageVersion = parseInt(box.getAttribute("data-version"), 10);
    var reply = document.querySelector("[data-typing-source]");
    var lastChange = 0;
    var lastSentTyping = false;
    var timer = null;

    function typingNow() {
      return !!reply && document.activeElement === reply && Date.now() - lastChange < 5000;
    }

    function render(others) {
      box.textContent = "";
      others.forEach(function (p) {
        var item = document.createElement("span");
        item.className = "presence-item" + (p.typing ? " is-typing" : "");
        var avatar = document.createElement("span");
        avatar.className = "avatar small";
        avatar.setAttribute("aria-hidden", "true");
        avatar.textContent = (p.name || "?").charAt(0).toUpperCase();
        item.appendChild(avatar);
        item.appendChild(document.createTextNode(p.name + (p.typing ? " is typing a reply" : " is viewing")));
        box.appendChild(item);
      });
    }

    function ping() {
      var typing = typingNow();
      lastSentTyping = typing;
      // POST /api/v1/tickets/<id>/presence with the page's session and its CSRF token.
      fetch(url + "?typing=" + (typing ? "true" : "false"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          render(data.others || []);
          var notice = document.getElementById("changed-notice");
          if (notice && !isNaN(pageVersion) && data.version > pageVersion) notice.hidden = false;
        })
        .catch(function () { /* offline for a moment: the next ping tries again */ });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(function () { ping(); schedule(); }, interval);
    }

    if (reply) {
      reply.addEventListener("input", function () {
        lastChange = Date.now();
        // Say "typing" at once rather than at the next tick, so the other agent knows quickly.
        if (!lastSentTyping) { ping(); schedule(); }
      });
      reply.addEventListener("blur", function () { if (lastSentTyping) { ping(); schedule(); } });
    }
    ping();
    schedule();

    window.addEventListener("pagehide", function () {
      clearTimeout(timer);
      var data = new FormData();
      data.append("csrfmiddlewaretoken", csrfToken());
      if (navigator.sendBeacon) navigator.sendBeacon(leaveUrl, data);
    });
  }

  function init() {
    updateBulkBar();
    startPresence();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
