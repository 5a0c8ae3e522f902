// The console's small helpers, on every console page:
// - a common reply (常用答复) button inserts its text into the reply draft at the cursor
//   (without JavaScript the texts are listed beside the buttons to copy);
// - a print button (网站检查 报告) opens the browser's print dialog;
// - a 全选 box (data-select-all="ids") ticks every box of that name in its form;
// - a site picker (data-filters="columns") shows only that site's group of the column picker
//   (without JavaScript every site's group shows, and the server refuses another site's);
// - no lost work: while a form has been changed, the session is kept in use every few minutes
//   (/console/keepalive), and a banner says so if it has ended anyway; a form sent after the
//   session ended was kept by the server, and after signing in again this page (opened with
//   ?resume=…) fills it back from /console/resume/… and says so.
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
  document.addEventListener("change", function (e) {
    var all = e.target.closest("input[data-select-all]");
    if (!all || !all.form) { return; }
    var name = all.getAttribute("data-select-all");
    Array.prototype.forEach.call(all.form.elements, function (el) {
      if (el.name === name && el.type === "checkbox") { el.checked = all.checked; }
    });
  });
  function filterColumns(picker) {
    var target = document.getElementById(picker.getAttribute("data-filters"));
    if (!target) { return; }
    Array.prototype.forEach.call(target.querySelectorAll("optgroup[data-site]"), function (g) {
      var mine = g.getAttribute("data-site") === picker.value;
      g.hidden = !mine;
      g.disabled = !mine;
      if (!mine) {
        Array.prototype.forEach.call(g.querySelectorAll("option"), function (o) { o.selected = false; });
      }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("select[data-filters]"), filterColumns);
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[data-filters]")) { filterColumns(e.target); }
  });
  document.documentElement.classList.add("js");

  function banner(form, text, cls) {
    var p = document.createElement("p");
    p.className = cls;
    p.setAttribute("role", "status");
    p.textContent = text;
    var at = form || document.querySelector("main");
    if (at) { at.insertBefore(p, at.firstChild); }
    return p;
  }

  // Keep-alive while a changed form is open.
  var changed = false;
  var ended = false;
  document.addEventListener("input", function (e) {
    if (e.target.closest && e.target.closest("form[method=post]")) { changed = true; }
  });
  window.setInterval(function () {
    if (!changed || ended || !window.fetch) { return; }
    fetch("/console/keepalive", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401) {
        ended = true;
        banner(null, "登录已过期。您仍可提交：内容会先保存，重新登录后自动填回。", "form-error");
      }
    }).catch(function () {});
  }, 4 * 60 * 1000);

  // Fill a form kept when its session had ended.
  var m = /[?&]resume=([0-9a-f]{64})/.exec(window.location.search);
  if (!m || !window.fetch) { return; }
  fetch("/console/resume/" + m[1], { credentials: "same-origin", cache: "no-store" }).then(function (r) {
    return r.ok ? r.json() : null;
  }).then(function (kept) {
    if (!kept) { return; }
    var form = null;
    Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (f) {
      if (!form && new URL(f.action, window.location.href).pathname === kept.action) { form = f; }
    });
    form = form || document.getElementById("article-form");
    if (!form) { return; }
    var seen = {};
    kept.fields.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      var els = form.querySelectorAll("[name=\"" + name.replace(/["\\]/g, "") + "\"]");
      Array.prototype.forEach.call(els, function (el) {
        if (el.tagName === "BUTTON" || /^(file|hidden|submit|button|image|reset|password)$/.test(el.type)) { return; }
        if (el.type === "checkbox" || el.type === "radio") {
          if (!seen[name]) { el.checked = false; }
          if (el.value === value) { el.checked = true; }
        } else if (!seen[name]) {
          el.value = value;
        }
      });
      seen[name] = true;
    });
    form.dispatchEvent(new CustomEvent("zq:restored"));
    banner(form, "登录过期前填写的内容已恢复，请检查后重新提交（附件需要重新选择）。", "notice");
    var rest = window.location.search.replace(/([?&])resume=[0-9a-f]{64}&?/, "$1").replace(/[?&]$/, "");
    window.history.replaceState(null, "", window.location.pathname + rest);
  }).catch(function () {});
})();
