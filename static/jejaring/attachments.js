// Upload with a progress bar (XMLHttpRequest's upload progress). Without this script the form posts as usual.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-upload]");
    if (!form || !window.FormData || !window.XMLHttpRequest || event.defaultPrevented) { return; }
    event.preventDefault();
    var box = form.querySelector("[data-upload-progress]");
    var bar = box ? box.querySelector("progress") : null;
    var button = form.querySelector("button[type=submit]");
    if (box) { box.hidden = false; }
    if (button) { button.disabled = true; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.upload.addEventListener("progress", function (progress) {
      if (bar && progress.lengthComputable) { bar.value = Math.round((progress.loaded / progress.total) * 100); }
    });
    xhr.addEventListener("load", function () {
      // The answer is the attachments page again: the new list and its message, or the errors beside the fields.
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var fresh = page.querySelector("main");
      var current = document.querySelector("main");
      if (fresh && current && xhr.status < 500) {
        current.replaceWith(document.importNode(fresh, true));
        if (xhr.responseURL && window.history.replaceState) { window.history.replaceState(null, "", xhr.responseURL); }
      } else {
        window.location.reload();
      }
    });
    xhr.addEventListener("error", function () {
      if (button) { button.disabled = false; }
      if (box) { box.hidden = true; }
    });
    xhr.send(new FormData(form));
  });
})();
