// The article page's print button: shown only where scripts run (the print stylesheet works
// with the browser's own print command everywhere).
document.querySelectorAll("button.print").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () { window.print(); });
});
