// The intake (and edit) form in steps, and the intake's draft kept on the server. Progressive enhancement: without
// this script every section shows (intake-noscript.css) and the form posts as usual. Nothing typed is ever written
// to the browser's storage (no localStorage, sessionStorage or IndexedDB): a lost phone must not leak a victim.
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  if (!form) { return; }
  var steps = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-step]"));
  var nav = document.querySelector("[data-steps]");
  var status = document.getElementById("step-status");
  var bar = nav ? nav.querySelector("progress") : null;
  var current = 1;

  function show(number, focus) {
    current = Math.max(1, Math.min(steps.length, number));
    steps.forEach(function (step) { step.toggleAttribute("data-current", Number(step.getAttribute("data-step")) === current); });
    var step = steps[current - 1];
    if (status) {
      status.textContent = status.getAttribute("data-template").replace("__N__", current)
        .replace("__TOTAL__", steps.length).replace("__TITLE__", step.querySelector("legend").textContent);
    }
    if (bar) { bar.value = current; }
    if (nav) {
      nav.querySelectorAll("[data-step-to]").forEach(function (button) {
        var here = Number(button.getAttribute("data-step-to")) === current;
        if (here) { button.setAttribute("aria-current", "step"); } else { button.removeAttribute("aria-current"); }
        button.classList.toggle("active", here);
      });
    }
    if (focus) {
      step.focus({ preventScroll: true });
      (nav || step).scrollIntoView({ block: "start" });
    }
  }

  function stepOf(element) {
    var step = element && element.closest("fieldset[data-step]");
    return step ? Number(step.getAttribute("data-step")) : null;
  }

  if (steps.length > 1) {
    // The server opened the page on its step (data-current); the script only follows from there.
    var opened = form.querySelector("fieldset[data-step][data-current]");
    current = opened ? stepOf(opened) : 1;
    form.addEventListener("click", function (event) {
      if (event.target.closest("[data-step-next]")) { show(current + 1, true); }
      if (event.target.closest("[data-step-prev]")) { show(current - 1, true); }
    });
    if (nav) {
      nav.addEventListener("click", function (event) {
        var button = event.target.closest("[data-step-to]");
        if (button) { show(Number(button.getAttribute("data-step-to")), true); }
      });
    }
    // A link of the error summary opens the step that holds its field, then focuses the field.
    document.addEventListener("click", function (event) {
      var link = event.target.closest("#form-errors a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      var number = stepOf(target);
      if (!target || number === null) { return; }
      event.preventDefault();
      show(number, false);
      target.focus();
    });
  }

  // The destination and transit lists carry only the common countries (casework/forms/widgets.py): every other one
  // comes from the nationality list, already in the page in the reader's language, keeping what is chosen.
  form.querySelectorAll("select[data-countries-from]").forEach(function (select) {
    var source = document.getElementById(select.getAttribute("data-countries-from"));
    if (!source || source === select) { return; }
    var chosen = {};
    Array.prototype.forEach.call(select.options, function (option) { if (option.selected) { chosen[option.value] = true; } });
    var hasBlank = select.options.length > 0 && select.options[0].value === "";
    var fragment = document.createDocumentFragment();
    Array.prototype.forEach.call(source.options, function (option) {
      if (option.value === "" && !hasBlank) { return; }
      var copy = document.createElement("option");
      copy.value = option.value;
      copy.textContent = option.textContent;
      if (chosen[option.value]) { copy.defaultSelected = true; copy.selected = true; }
      fragment.appendChild(copy);
    });
    select.replaceChildren(fragment);
  });

  // htmx leaves 4xx answers unswapped; the duplicate check's refusals (403 outside an intake, 429 over the hourly
  // limit) are messages meant to be shown.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var code = event.detail.xhr.status;
    if ((code === 403 || code === 429) && event.detail.target && event.detail.target.id === "duplicate-check") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The draft: sent to the server a few seconds after the last keystroke (and on every change), encrypted there.
  var draftUrl = form.getAttribute("data-draft-url");
  var draftStatus = document.getElementById("draft-status");
  if (!draftUrl) { return; }
  var timer = null;
  var dirty = false;
  var sending = false;

  function save() {
    timer = null;
    if (!dirty || sending) { return; }
    dirty = false;
    sending = true;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(draftUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual",
      headers: token ? { "X-CSRFToken": token.value } : {}
    }).then(function (response) {
      sending = false;
      if (response.status === 204) {
        // The page's draft (a new one when it had gone, after its expiry say): every field naming it follows.
        var id = response.headers.get("X-Intake-Draft");
        if (id) {
          document.querySelectorAll("input[name=intake_draft]").forEach(function (input) { input.value = id; });
        }
        if (draftStatus) {
          var time = new Date().toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
          draftStatus.textContent = draftStatus.getAttribute("data-saved").replace("__TIME__", time);
        }
        return;
      }
      dirty = true;
      if (response.type === "opaqueredirect" || response.status === 401) {
        var warning = document.getElementById("session-ended");
        if (warning && warning.hidden) { warning.hidden = false; warning.focus(); }
      } else if (draftStatus) {
        draftStatus.textContent = draftStatus.getAttribute("data-failed");
      }
    }).catch(function () {
      sending = false;
      dirty = true;
      if (draftStatus) { draftStatus.textContent = draftStatus.getAttribute("data-failed"); }
    });
  }

  function later(delay) {
    dirty = true;
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, delay);
  }

  form.addEventListener("input", function () { later(3000); });
  form.addEventListener("change", function () { later(500); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) { save(); }
  });
  setInterval(function () { if (dirty && !timer) { save(); } }, 10000);
})();
