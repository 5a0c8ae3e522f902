// The console's rich-text editor for an article body (Tiptap on ProseMirror).
//
// The page: form#article-form holds .rte-toolbar (empty, filled here), #rte (the editor mounts
// in it) and textarea#body (the stored HTML; without JavaScript it is used as it is). With
// JavaScript the textarea is hidden and kept equal to the editor's HTML on every change, so the
// form sends it and console.js can stash it; on the form's "zq:restored" event (console.js filled
// the fields back) the editor reloads from it. Optional data attributes of the form turn on
// picture upload (data-upload-url), server-side autosave (data-autosave-url) and preview
// (data-preview-url). The textarea's HTML is parsed in an inert document: nothing in it runs.
import { Editor, Extension } from "@tiptap/core";
import { closeHistory } from "@tiptap/pm/history";
import { defuse, extensions, safeHref } from "./extensions.js";
import { cleanPastedHtml, plainTextParser, textToHtml } from "./paste.js";
import { ask, el } from "./dialog.js";

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
const PREVIEW_FIELDS = ["title", "subtitle", "source", "author", "summary", "doc_number", "index_number", "column_id", "body", "csrf"];
const AUTOSAVE_EVERY_MS = 5000;

// A body that is text, not HTML (no tag at all): its lines or blocks are the paragraphs.
function contentOf(v) {
  return /<[a-zA-Z!\/]/.test(v) ? defuse(v) : textToHtml(v);
}

function start() {
  const form = document.getElementById("article-form");
  const mount = document.getElementById("rte");
  const text = document.getElementById("body");
  const bar = form && form.querySelector(".rte-toolbar");
  if (!form || !mount || !text || !bar || mount.dataset.rteReady) { return; }
  mount.dataset.rteReady = "1";
  const uploadUrl = form.getAttribute("data-upload-url");
  const autosaveUrl = form.getAttribute("data-autosave-url");
  const previewUrl = form.getAttribute("data-preview-url");
  const csrf = () => { const c = form.querySelector("input[name=csrf]"); return c ? c.value : ""; };

  // The status line (autosave, upload errors, restore offer).
  let statusLine = document.querySelector(".rte-status");
  if (!statusLine) {
    statusLine = el("p", { class: "rte-status", role: "status", "aria-live": "polite" });
    bar.after(statusLine);
  }
  const say = (message, kind) => {
    statusLine.replaceChildren(message || "");
    statusLine.classList.toggle("rte-status-error", kind === "error");
  };

  // --- The editor ------------------------------------------------------------------------
  const label = form.querySelector("label[for=body]");
  const ariaLabel = mount.getAttribute("aria-label") || "正文编辑区";
  ["role", "aria-multiline", "aria-label"].forEach((a) => mount.removeAttribute(a));
  const Keys = Extension.create({
    name: "consoleKeys",
    addKeyboardShortcuts() {
      return {
        "Mod-k": () => { editLink(); return true; },
        "Alt-F10": () => { focusToolbar(); return true; },
      };
    },
  });
  const editor = new Editor({
    element: mount,
    extensions: [...extensions, Keys],
    injectCSS: false,
    content: contentOf(text.value),
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": ariaLabel,
        "aria-describedby": "rte-keys",
        spellcheck: "false",
        class: "rte-content",
      },
      transformPastedHTML: (html) => cleanPastedHtml(html, (n) => say(
        "粘贴的内容中有 " + n + " 张图片未带入：图片请用“插入图片”上传并填写替代文字。", "error")),
      clipboardTextParser: plainTextParser,
      handlePaste: (view, event) => takeFiles(event.clipboardData, event, null),
      handleDrop: (view, event, slice, moved) => {
        if (moved) { return false; }
        const at = view.posAtCoords({ left: event.clientX, top: event.clientY });
        return takeFiles(event.dataTransfer, event, at ? at.pos : null);
      },
      handleDoubleClickOn: (view, pos, node) => {
        if (node.type.name === "figure") { editFigure(); return true; }
        return false;
      },
    },
  });

  mount.after(el("span", { id: "rte-keys", class: "visually-hidden", text: "按 Alt+F10 转到格式工具栏，按 Esc 回到正文。" }));
  // Each toolbar or dialog action, and each reload, is an undo step of its own (what was typed
  // just before is not undone with it).
  function separateUndo() {
    editor.view.dispatch(closeHistory(editor.state.tr).setMeta("addToHistory", false));
  }
  // The article's HTML; the empty paragraph kept after a last table or picture is left out.
  const html = () => (editor.isEmpty ? "" : editor.getHTML().replace(/(?:<p><\/p>)+$/, ""));
  const sync = () => { text.value = html(); };
  // Reloads from the textarea (after console.js or the autosave offer filled it); undoable.
  const load = () => {
    separateUndo();
    editor.commands.setContent(contentOf(text.value), { emitUpdate: false });
    separateUndo();
    sync();
    refresh();
  };
  editor.on("update", () => {
    sync();
    // Tell the page's other scripts (console.js keeps the session alive while a form changes).
    text.dispatchEvent(new Event("input", { bubbles: true }));
  });
  form.addEventListener("zq:restored", load);
  // Before the form is sent (capture: before any other submit handler reads the textarea).
  form.addEventListener("submit", sync, true);
  if (label) {
    label.addEventListener("click", (e) => { e.preventDefault(); editor.commands.focus(); });
  }

  // --- Toolbar ---------------------------------------------------------------------------
  const inTable = () => editor.isActive("table");
  const figureSelected = () => editor.state.selection.node && editor.state.selection.node.type.name === "figure";
  const alignIs = (v) => editor.isActive("paragraph", { textAlign: v }) || editor.isActive("heading", { textAlign: v });
  const groups = [
    ["段落格式", [
      { label: "正文", title: "正文段落（Ctrl+Alt+0）", run: (c) => c.setParagraph(), on: () => editor.isActive("paragraph") && !inTable() },
      { label: "二级标题", title: "二级标题（Ctrl+Alt+2）", run: (c) => c.toggleHeading({ level: 2 }), on: () => editor.isActive("heading", { level: 2 }) },
      { label: "三级标题", title: "三级标题（Ctrl+Alt+3）", run: (c) => c.toggleHeading({ level: 3 }), on: () => editor.isActive("heading", { level: 3 }) },
    ]],
    ["文字格式", [
      { label: "加粗", cls: "b", title: "加粗（Ctrl+B）", run: (c) => c.toggleBold(), on: () => editor.isActive("bold") },
      { label: "斜体", cls: "i", title: "斜体（Ctrl+I）", run: (c) => c.toggleItalic(), on: () => editor.isActive("italic") },
      { label: "下划线", cls: "u", title: "下划线（Ctrl+U）", run: (c) => c.toggleUnderline(), on: () => editor.isActive("underline") },
      { label: "链接", title: "插入或修改链接（Ctrl+K）", action: () => editLink(), on: () => editor.isActive("link") },
      { label: "清除格式", title: "清除加粗、斜体、下划线、对齐和缩进", run: (c) => c.unsetBold().unsetItalic().unsetUnderline().setAlign(null).setIndent(false) },
    ]],
    ["列表", [
      { label: "项目列表", title: "项目符号列表（Ctrl+Shift+8）", run: (c) => c.toggleBulletList(), on: () => editor.isActive("bulletList") },
      { label: "编号列表", title: "编号列表（Ctrl+Shift+7）", run: (c) => c.toggleOrderedList(), on: () => editor.isActive("orderedList") },
    ]],
    ["对齐和缩进", [
      { label: "左对齐", title: "左对齐", run: (c) => c.setAlign(null), on: () => !alignIs("center") && !alignIs("right") && !alignIs("justify") && !figureSelected(), able: () => !figureSelected() },
      { label: "居中", title: "居中", run: (c) => c.setAlign("center"), on: () => alignIs("center") },
      { label: "右对齐", title: "右对齐", run: (c) => c.setAlign("right"), on: () => alignIs("right") },
      { label: "两端对齐", title: "两端对齐", run: (c) => c.setAlign("justify"), on: () => alignIs("justify") },
      { label: "首行缩进", title: "首行缩进两字", run: (c) => c.setIndent(!indentOn()), on: () => indentOn() },
    ]],
    ["插入", [
      uploadUrl ? { label: "插入图片", title: "上传图片并插入到光标处", action: () => picker.click() } : null,
      { label: "插入表格", title: "插入表格", action: () => newTable(), able: () => !inTable() },
    ]],
    ["图片", [
      { label: "图片文字", title: "修改所选图片的替代文字和说明", action: () => editFigure(), show: figureSelected },
    ]],
    ["表格", [
      { label: "插入行", title: "在下方插入一行", run: (c) => c.addRowAfter(), show: inTable },
      { label: "删除行", title: "删除所在行", run: (c) => c.deleteRow(), show: inTable },
      { label: "插入列", title: "在右侧插入一列", run: (c) => c.addColumnAfter(), show: inTable },
      { label: "删除列", title: "删除所在列", run: (c) => c.deleteColumn(), show: inTable },
      { label: "删除表格", title: "删除整个表格", run: (c) => c.deleteTable(), show: inTable },
    ]],
    ["撤销和重做", [
      { label: "撤销", title: "撤销（Ctrl+Z）", run: (c) => c.undo(), able: () => editor.can().undo() },
      { label: "重做", title: "重做（Ctrl+Y）", run: (c) => c.redo(), able: () => editor.can().redo() },
    ]],
    ["预览", [
      previewUrl ? { label: "预览", title: "在新窗口中按网站样式预览", action: () => preview() } : null,
    ]],
  ];
  function indentOn() {
    const { $from } = editor.state.selection;
    for (let d = $from.depth; d > 0; d--) {
      const n = $from.node(d);
      if (n.type.name === "paragraph" || n.type.name === "heading") { return !!n.attrs.indent; }
    }
    return false;
  }
  bar.replaceChildren();
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "正文格式");
  bar.setAttribute("aria-controls", editor.view.dom.id = editor.view.dom.id || "rte-content");
  const buttons = [];
  groups.forEach(([name, defs]) => {
    const items = defs.filter(Boolean);
    if (!items.length) { return; }
    const group = el("span", { class: "rte-group", role: "group", "aria-label": name });
    items.forEach((d) => {
      const b = el("button", { type: "button", class: d.cls ? "rte-" + d.cls : null, "aria-label": d.label, title: d.title, tabindex: "-1", text: d.label });
      if (d.on) { b.setAttribute("aria-pressed", "false"); }
      b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the editor's selection
      b.addEventListener("click", () => {
        if (d.action) { d.action(); } else { separateUndo(); d.run(editor.chain().focus()).run(); separateUndo(); }
        refresh();
      });
      group.append(b);
      buttons.push([b, d, group]);
    });
    bar.append(group);
  });
  const picker = el("input", { type: "file", accept: IMAGE_TYPES.join(","), hidden: true, tabindex: "-1", "aria-hidden": "true", class: "rte-picker" });
  bar.append(picker);
  picker.addEventListener("change", () => {
    const files = Array.from(picker.files || []);
    picker.value = "";
    uploadAll(files, null);
  });

  // One tab stop for the toolbar; arrows move along it (the ARIA toolbar pattern).
  let current = 0;
  const usable = () => buttons.filter(([b]) => !b.hidden && !b.disabled && !b.closest("[hidden]"));
  function refresh() {
    buttons.forEach(([b, d, group]) => {
      if (d.show) { b.hidden = !d.show(); }
      if (d.able) { b.disabled = !d.able(); }
      if (d.on) { b.setAttribute("aria-pressed", d.on() ? "true" : "false"); }
      group.hidden = !Array.from(group.children).some((c) => !c.hidden);
    });
    const list = usable();
    if (!list.length) { return; }
    let at = list.findIndex(([b]) => b === (buttons[current] || [])[0]);
    if (at < 0) { at = 0; current = buttons.indexOf(list[0]); }
    buttons.forEach(([b]) => b.setAttribute("tabindex", "-1"));
    list[at][0].setAttribute("tabindex", "0");
  }
  function focusToolbar() {
    refresh();
    const b = bar.querySelector("button[tabindex='0']");
    if (b) { b.focus(); }
  }
  bar.addEventListener("focusin", (e) => {
    const i = buttons.findIndex(([b]) => b === e.target);
    if (i >= 0) { current = i; refresh(); }
  });
  bar.addEventListener("keydown", (e) => {
    const list = usable();
    const at = list.findIndex(([b]) => b === document.activeElement);
    if (at < 0) { return; }
    let to = null;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") { to = (at + 1) % list.length; }
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") { to = (at - 1 + list.length) % list.length; }
    else if (e.key === "Home") { to = 0; }
    else if (e.key === "End") { to = list.length - 1; }
    else if (e.key === "Escape") { e.preventDefault(); editor.commands.focus(); return; }
    if (to === null) { return; }
    e.preventDefault();
    current = buttons.indexOf(list[to]);
    refresh();
    list[to][0].focus();
  });
  editor.on("transaction", refresh);

  // --- Links -------------------------------------------------------------------------------
  async function editLink() {
    const had = editor.getAttributes("link").href || "";
    const { empty } = editor.state.selection;
    const needText = empty && !had;
    const fields = [{ name: "href", label: "链接地址", value: had || "", type: "text",
      required: !had, hint: "以 https://、http://、mailto: 开头，或以 / 开头的本站路径" + (had ? "；清空后确定即取消链接" : "") }];
    if (needText) { fields.push({ name: "text", label: "链接文字", required: true }); }
    const v = await ask({
      title: had ? "修改链接" : "插入链接",
      fields,
      check: (x) => {
        let href = x.href;
        if (!href && had) { return null; }
        if (!href) { return ["请填写链接地址。", "href"]; }
        if (/^[\w-]+(\.[\w-]+)+(:\d+)?([/?#]|$)/.test(href) && !/^[\w-]+:/.test(href.replace(/^[\w.-]+(:\d+)/, ""))) { href = "https://" + href; }
        if (!safeHref(href)) { return ["这个地址不能用作链接：只接受 http://、https://、mailto: 开头的地址或以 / 开头的本站路径（不能用 javascript: 等）。", "href"]; }
        if (needText && !x.text) { return ["请填写链接文字。", "text"]; }
        x.href = href;
        return null;
      },
    });
    separateUndo();
    const chain = editor.chain().focus();
    if (!v) { chain.run(); return; }
    if (!v.href) { chain.extendMarkRange("link").unsetLink().run(); return; }
    if (needText) {
      chain.insertContent({ type: "text", text: v.text, marks: [{ type: "link", attrs: { href: v.href } }] }).unsetMark("link").run();
    } else {
      chain.extendMarkRange("link").setLink(v.href).run();
    }
  }

  // A selected picture is replaced by whatever is inserted or typed next: after inserting
  // one, and before inserting a table, the caret goes to what follows it (a new paragraph when
  // the picture is the last thing in the text).
  function caretAfterFigure() {
    const sel = editor.state.selection;
    if (!sel.node || sel.node.type.name !== "figure") { return; }
    const after = sel.to;
    const next = editor.state.doc.resolve(after).nodeAfter;
    if (!next) {
      editor.chain().focus().insertContentAt(after, { type: "paragraph" }).setTextSelection(after + 1).run();
    } else {
      // The start of the paragraph (or first cell) that follows.
      editor.chain().focus().setTextSelection(after + 1).run();
    }
  }

  // --- Tables ------------------------------------------------------------------------------
  async function newTable() {
    caretAfterFigure();
    const v = await ask({
      title: "插入表格",
      fields: [
        { name: "rows", label: "行数", type: "number", value: 3, min: 1, max: 100, required: true },
        { name: "cols", label: "列数", type: "number", value: 3, min: 1, max: 20, required: true },
        { name: "header", label: "第一行作为表头", type: "checkbox", value: true },
      ],
      submit: "插入",
      check: (x) => {
        const r = Number(x.rows), c = Number(x.cols);
        if (!Number.isInteger(r) || r < 1 || r > 100) { return ["行数应为 1 到 100 之间的整数。", "rows"]; }
        if (!Number.isInteger(c) || c < 1 || c > 20) { return ["列数应为 1 到 20 之间的整数。", "cols"]; }
        return null;
      },
    });
    separateUndo();
    const chain = editor.chain().focus();
    if (!v) { chain.run(); return; }
    chain.insertTable({ rows: Number(v.rows), cols: Number(v.cols), withHeaderRow: !!v.header }).run();
  }

  // --- Pictures ----------------------------------------------------------------------------
  // The file name, with or without its extension when that is a camera's or a chat program's
  // ("IMG_20261203_1015", "微信图片_20261203101522"); a Chinese name like "市长讲话" may stand.
  const looksLikeFileName = (alt, name) => {
    if (alt === name || /\.(jpe?g|png|gif|webp|bmp|tiff?|heic)$/i.test(alt)) { return true; }
    const stem = name ? name.replace(/\.[^.]+$/, "") : "";
    return alt === stem && (/^[\x20-\x7e]+$/.test(alt) || /\d{6,}/.test(alt));
  };
  const MEANINGLESS = /^(图片|照片|图像|图|插图|配图|image|img|photo|picture|pic)\s*\d*$/i;
  function askFigure(title, now, fileName) {
    return ask({
      title,
      fields: [
        { name: "alt", label: "替代文字", value: now.alt || "", required: true, maxlength: 200,
          hint: "描述图片内容，供读屏软件朗读，例如“市长在座谈会上讲话”。不要填写文件名。" },
        { name: "caption", label: "图片说明", value: now.caption || "", maxlength: 300, hint: "可不填；填写后显示在图片下方。" },
      ],
      check: (x) => {
        if (!x.alt) { return ["请填写替代文字：描述图片内容，供读屏软件朗读。", "alt"]; }
        if (looksLikeFileName(x.alt, fileName)) { return ["替代文字不能是文件名，请描述图片内容。", "alt"]; }
        if (MEANINGLESS.test(x.alt)) { return ["请写出图片的内容，例如“市长在座谈会上讲话”，不要只写“图片”。", "alt"]; }
        return null;
      },
    });
  }
  async function editFigure() {
    const sel = editor.state.selection;
    if (!sel.node || sel.node.type.name !== "figure") { return; }
    const pos = sel.from;
    const v = await askFigure("修改图片文字", sel.node.attrs, "");
    if (v) {
      separateUndo();
      editor.chain().focus().command(({ tr }) => {
        const node = tr.doc.nodeAt(pos);
        if (!node || node.type.name !== "figure") { return false; }
        tr.setNodeMarkup(pos, null, { ...node.attrs, alt: v.alt, caption: v.caption });
        return true;
      }).setNodeSelection(pos).run();
    } else {
      editor.commands.focus();
    }
  }
  // Files pasted or dropped: pictures are uploaded (never inlined as data:), other files refused.
  // HTML on the clipboard wins (Word puts a picture of the copied text beside its HTML).
  function takeFiles(data, event, pos) {
    if (!data || !data.files || !data.files.length) { return false; }
    const htmlData = data.getData && data.getData("text/html");
    if (htmlData && /<(p|table|h\d|li|div)\b/i.test(htmlData) &&
      htmlData.replace(/<[^>]*>/g, "").replace(/[\s\u00a0]/g, "")) { return false; }
    event.preventDefault();
    const files = Array.from(data.files);
    if (!uploadUrl) { say("这里不能上传图片：请保存后在“附件”中上传。", "error"); return true; }
    uploadAll(files, pos);
    return true;
  }
  async function uploadAll(files, pos) {
    for (const f of files) {
      if (!IMAGE_TYPES.includes(f.type)) {
        say("“" + f.name + "”不是 JPG、PNG、GIF 或 WebP 图片，不能插入正文；其他文件请作为附件上传。", "error");
        continue;
      }
      await uploadOne(f, pos);
      pos = null;
    }
  }
  async function uploadOne(file, pos) {
    say("正在上传“" + file.name + "”…");
    let answer = null;
    try {
      const body = new FormData();
      body.append("csrf", csrf());
      body.append("file", file, file.name);
      const r = await fetch(uploadUrl, { method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" } });
      let json = null;
      try { json = await r.json(); } catch (e) { json = null; }
      if (!r.ok || !json || json.error || !json.url) {
        say((json && json.error) || ("图片上传失败（" + r.status + "），请稍后再试。"), "error");
        return;
      }
      answer = json;
    } catch (e) {
      say("图片上传失败：网络连接中断，请稍后再试。", "error");
      return;
    }
    if (answer.is_image === false || !/^\/(?![\/\\])|^https?:\/\//i.test(answer.url)) {
      say("上传的文件不是图片，未插入正文。", "error");
      return;
    }
    say("“" + file.name + "”已上传，请填写替代文字。");
    const v = await askFigure("图片的替代文字和说明", {}, answer.name || file.name);
    if (!v) {
      say("图片已上传，但未插入正文（可在附件中找到）。");
      editor.commands.focus();
      return;
    }
    separateUndo();
    const chain = editor.chain().focus();
    if (pos !== null && pos !== undefined) { chain.setTextSelection(pos); }
    chain.insertFigure({ src: answer.url, alt: v.alt, caption: v.caption }).run();
    caretAfterFigure();
    say("图片已插入。");
  }

  // --- Preview -----------------------------------------------------------------------------
  function preview() {
    sync();
    const f = el("form", { method: "post", action: previewUrl, target: "_blank", rel: "noopener", hidden: true,
      enctype: "application/x-www-form-urlencoded", class: "rte-preview-form" });
    PREVIEW_FIELDS.forEach((name) => {
      const src = form.elements.namedItem(name);
      if (!src) { return; }
      const value = src.value !== undefined ? src.value : "";
      f.append(el("input", { type: "hidden", name, value }));
    });
    document.body.append(f);
    f.submit();
    f.remove();
  }

  // --- Autosave ----------------------------------------------------------------------------
  let leaving = false;
  let pendingOffer = false;
  let inFlight = false;
  let failed = false;
  const fileNames = () => Array.from(form.elements).filter((e) => e.type === "file" && e.name).map((e) => e.name);
  function autosaveData() {
    sync();
    const fd = new FormData(form);
    fileNames().forEach((n) => fd.delete(n));
    fd.delete("then");
    fd.delete("once");
    return fd;
  }
  const snapshot = (fd) => JSON.stringify(Array.from(fd.entries()));
  let lastSaved = null;
  async function autosave() {
    if (leaving || pendingOffer || inFlight) { return; }
    const fd = autosaveData();
    const now = snapshot(fd);
    if (now === lastSaved && !failed) { return; }
    inFlight = true;
    try {
      const r = await fetch(autosaveUrl, { method: "POST", body: fd, credentials: "same-origin", headers: { Accept: "application/json" } });
      if (leaving) { return; }
      if (!r.ok) { throw new Error(String(r.status)); }
      lastSaved = now;
      failed = false;
      const t = new Date();
      const two = (n) => String(n).padStart(2, "0");
      say("已自动保存 " + two(t.getHours()) + ":" + two(t.getMinutes()) + ":" + two(t.getSeconds()));
    } catch (e) {
      if (!leaving) { failed = true; say("自动保存失败，请手动保存", "error"); }
    } finally {
      inFlight = false;
    }
  }
  function restore(fields) {
    const skip = /^(file|hidden|submit|button|image|reset|password)$/;
    Array.from(form.elements).forEach((e) => {
      if (!e.name || e.tagName === "BUTTON" || skip.test(e.type) || ["csrf", "version", "once", "then"].includes(e.name)) { return; }
      const has = Object.prototype.hasOwnProperty.call(fields, e.name);
      const value = has ? String(fields[e.name]) : "";
      if (e.type === "checkbox" || e.type === "radio") { e.checked = has && e.value === value; }
      else if (has) { e.value = value; }
    });
    if (Object.prototype.hasOwnProperty.call(fields, "body")) { text.value = String(fields.body); }
    load();
  }
  window.addEventListener("submit", (e) => {
    // Bubbling last: the form is really on its way (no other handler stopped it).
    if (e.target === form && !e.defaultPrevented) { leaving = true; }
  });
  if (autosaveUrl && window.fetch && window.FormData) {
    fetch(autosaveUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((kept) => {
        if (!kept || !kept.fields || typeof kept.fields !== "object" || leaving) { return; }
        pendingOffer = true;
        const yes = el("button", { type: "button", class: "rte-restore", text: "恢复" });
        const no = el("button", { type: "button", class: "rte-ignore secondary", text: "忽略" });
        const when = kept.saved_at ? String(kept.saved_at) : "之前";
        statusLine.classList.remove("rte-status-error");
        statusLine.replaceChildren("有 " + when + " 自动保存的内容尚未保存。", " ", yes, " ", no,
          el("span", { class: "hint", text: " 选择之前暂停自动保存。" }));
        yes.addEventListener("click", () => {
          restore(kept.fields);
          pendingOffer = false;
          lastSaved = snapshot(autosaveData());
          say("已恢复 " + when + " 自动保存的内容，请检查后保存。");
          editor.commands.focus();
        });
        no.addEventListener("click", () => {
          pendingOffer = false;
          say("");
          editor.commands.focus();
        });
      })
      .catch(() => {});
    window.setInterval(autosave, AUTOSAVE_EVERY_MS);
  }

  // --- Show it -----------------------------------------------------------------------------
  sync();
  lastSaved = autosaveUrl ? snapshot(autosaveData()) : null;
  text.hidden = true;
  mount.hidden = false;
  bar.hidden = false;
  refresh();
  // For the page's other scripts and for tests.
  mount.rteEditor = editor;
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
