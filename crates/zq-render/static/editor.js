// The console's rich-text editor: a contenteditable area over the body textarea. Without
// JavaScript the textarea is used as it is; with it, the area's HTML is copied back into the
// textarea before the form is sent. The server sanitizes whatever arrives; and since a refused
// form comes back with the body exactly as it was sent, the area never takes that text as live
// HTML: it is parsed in an inert document (nothing runs, nothing loads) and only the elements
// and attributes an article may have are carried over.
(function () {
  "use strict";
  var KEEP = {};
  ("a abbr b blockquote br caption code dd del div dl dt em figcaption figure h1 h2 h3 h4 h5 h6 " +
    "hr i img ins li ol p pre q s small span strong sub sup table tbody td tfoot th thead tr u ul")
    .split(" ").forEach(function (t) { KEEP[t] = true; });
  var DROP = { script: 1, style: 1, template: 1, iframe: 1, object: 1, embed: 1, noscript: 1,
    svg: 1, math: 1, form: 1, textarea: 1, select: 1, button: 1, input: 1, link: 1, meta: 1, base: 1 };
  var ATTRS = { a: ["href", "title"], img: ["src", "alt", "width", "height"],
    td: ["colspan", "rowspan"], th: ["colspan", "rowspan", "scope"] };
  function safeUrl(u) { return /^(https?:|mailto:|\/|#)/i.test(u.trim()) && !/^\/\//.test(u.trim()); }
  // The children of `from`, rebuilt in `doc` with only what KEEP and ATTRS allow.
  function clean(from, doc) {
    var out = doc.createDocumentFragment();
    Array.prototype.forEach.call(from.childNodes, function (n) {
      if (n.nodeType === 3) { out.appendChild(doc.createTextNode(n.nodeValue)); return; }
      if (n.nodeType !== 1) { return; }
      var tag = n.nodeName.toLowerCase();
      if (DROP[tag]) { return; }
      if (!KEEP[tag]) { out.appendChild(clean(n, doc)); return; }
      var el = doc.createElement(tag);
      (ATTRS[tag] || []).forEach(function (a) {
        var v = n.getAttribute(a);
        if (v !== null && ((a !== "href" && a !== "src") || safeUrl(v))) { el.setAttribute(a, v); }
      });
      el.appendChild(clean(n, doc));
      out.appendChild(el);
    });
    return out;
  }
  var form = document.getElementById("article-form");
  var area = document.getElementById("rte");
  var text = document.getElementById("body");
  if (!form || !area || !text || !document.execCommand) { return; }
  var bar = document.querySelector(".rte-toolbar");
  function load() {
    var inert = new DOMParser().parseFromString(text.value, "text/html");
    area.replaceChildren(clean(inert.body, document));
  }
  load();
  // console.js filled the form back after a sign-in: show the restored body.
  form.addEventListener("zq:restored", load);
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
