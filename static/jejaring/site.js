// Jejaring's own script: small progressive enhancements; every page works without it.
(function () {
  "use strict";
  // htmx sends the CSRF token with every request it makes.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
  // Buttons that copy their target's text (recovery codes).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button || !navigator.clipboard) { return; }
    var target = document.querySelector(button.getAttribute("data-copy-target"));
    if (target) { navigator.clipboard.writeText(target.innerText); }
  });
  // Long forms (data-keepalive) tell the server the person is still typing, at most every five minutes, so the idle
  // timeout does not sign them out mid-sentence. If the session has ended anyway, a warning says so before they
  // submit and lose what they typed.
  var lastPing = Date.now();
  document.addEventListener("input", function (event) {
    var form = event.target.closest("form[data-keepalive]");
    if (!form || Date.now() - lastPing < 5 * 60 * 1000) { return; }
    lastPing = Date.now();
    fetch(form.getAttribute("data-keepalive"), { credentials: "same-origin", redirect: "manual" }).then(function (response) {
      if (response.status === 401 || response.type === "opaqueredirect") {
        var warning = document.getElementById("session-ended");
        if (warning) { warning.hidden = false; warning.focus(); }
      }
    });
  });
  // Forms marked data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
