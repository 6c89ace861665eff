// The brief's print button (no inline script: the Content Security Policy allows only this site's files).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
