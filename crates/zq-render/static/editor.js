// The console's rich-text editor: a contenteditable area over the body textarea. Without
// JavaScript the textarea is used as it is; with it, the area's HTML is copied back into the
// textarea before the form is sent. The server sanitizes whatever arrives.
(function () {
  "use strict";
  var form = document.getElementById("article-form");
  var area = document.getElementById("rte");
  var text = document.getElementById("body");
  if (!form || !area || !text || !document.execCommand) { return; }
  var bar = document.querySelector(".rte-toolbar");
  area.innerHTML = text.value;
  area.contentEditable = "true";
  area.hidden = false;
  bar.hidden = false;
  text.hidden = true;
  bar.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-cmd]");
    if (!b) { return; }
    e.preventDefault();
    var cmd = b.getAttribute("data-cmd");
    var arg = b.getAttribute("data-arg");
    if (cmd === "createLink") {
      arg = window.prompt("链接地址（https://…）", "https://");
      if (!arg || !/^(https?:|\/)/.test(arg)) { return; }
    }
    area.focus();
    document.execCommand(cmd, false, arg);
  });
  form.addEventListener("submit", function () { text.value = area.innerHTML; });
})();
