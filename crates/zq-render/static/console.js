// The console's small helpers: a common reply (常用答复) button inserts its text into the reply
// draft at the cursor (without JavaScript the texts are listed beside the buttons to copy); a
// print button (网站检查 报告) opens the browser's print dialog (the page prints without the
// console's navigation).
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    if (e.target.closest("button[data-print]")) { window.print(); return; }
    var b = e.target.closest("button.template[data-target]");
    if (!b) { return; }
    var area = document.getElementById(b.getAttribute("data-target"));
    if (!area) { return; }
    var text = b.getAttribute("data-text") || "";
    var at = typeof area.selectionStart === "number" ? area.selectionStart : area.value.length;
    area.value = area.value.slice(0, at) + text + area.value.slice(at);
    area.focus();
    area.selectionStart = area.selectionEnd = at + text.length;
  });
  document.documentElement.classList.add("js");
})();
