// Forms: the error summary takes the focus, and every limited text field shows a live count of its characters.
// The server refuses text over the limit with a message and keeps it in the field; nothing is cut here.
(function () {
  "use strict";
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }

  var timers = {};
  function update(counter, announce) {
    var field = document.getElementById(counter.getAttribute("data-count-for"));
    if (!field) { return; }
    var limit = Number(counter.getAttribute("data-limit"));
    var count = field.value.length;
    var over = count > limit;
    var text = over
      ? counter.getAttribute("data-over").replace("__COUNT__", count - limit)
      : counter.getAttribute("data-template").replace("__COUNT__", count);
    counter.classList.toggle("text-danger", over);
    counter.classList.toggle("fw-semibold", over);
    // The visible count follows every keystroke; screen readers hear it once typing pauses.
    counter.querySelector("[data-visible]").textContent = text;
    if (announce) {
      clearTimeout(timers[counter.getAttribute("data-count-for")]);
      timers[counter.getAttribute("data-count-for")] = setTimeout(function () {
        counter.querySelector("[data-live]").textContent = text;
      }, 1200);
    }
  }
  document.querySelectorAll(".char-count[data-count-for]").forEach(function (counter) {
    var visible = document.createElement("span");
    visible.setAttribute("data-visible", "");
    visible.setAttribute("aria-hidden", "true");
    var live = document.createElement("span");
    live.setAttribute("data-live", "");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    counter.textContent = "";
    counter.appendChild(visible);
    counter.appendChild(live);
    update(counter, false);
  });
  document.addEventListener("input", function (event) {
    if (!event.target.id) { return; }
    var counter = document.querySelector(".char-count[data-count-for='" + event.target.id + "']");
    if (counter) { update(counter, true); }
  });
})();
