// Clean paste: HTML from Word, WPS, web pages or Google Docs reduced to the article's own markup
// before the editor's parser reads it, and plain text split into paragraphs. Everything is done
// in an inert document (DOMParser): nothing in the pasted HTML runs or loads.
import { Fragment, Slice } from "@tiptap/pm/model";
import { BLOCK_CLASSES, defuse, safeHref, safeSrc } from "./extensions.js";

// Dropped with their content.
const DROP = new Set(("script style meta link title xml template iframe frame frameset object embed " +
  "noscript svg math canvas audio video source track map area form input textarea select option button " +
  "head base applet param").split(" "));
// Kept (the parser knows them); all other elements are unwrapped (their content kept).
const KEEP = new Set(("p h1 h2 h3 h4 h5 h6 ul ol li a strong b em i u br img figure figcaption " +
  "table thead tbody tfoot tr th td blockquote div").split(" "));
const BLOCKISH = new Set("p h1 h2 h3 h4 h5 h6 div li td th".split(" "));
const CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef";
const CJK_NEWLINE = new RegExp("([" + CJK + "])[ \\t]*[\\r\\n]+[ \\t]*(?=[" + CJK + "])", "g");

function styleOf(el) {
  return (el.getAttribute("data-zq-style") || el.getAttribute("style") || "").toLowerCase();
}
function cssValue(style, prop) {
  const m = new RegExp("(?:^|;)\\s*" + prop + "\\s*:\\s*([^;]+)").exec(style);
  return m ? m[1].trim() : "";
}
function unwrap(el) {
  const parent = el.parentNode;
  if (!parent) { return; }
  while (el.firstChild) { parent.insertBefore(el.firstChild, el); }
  parent.removeChild(el);
}
function wrapChildren(el, tag) {
  const w = el.ownerDocument.createElement(tag);
  while (el.firstChild) { w.appendChild(el.firstChild); }
  el.appendChild(w);
}
function isBlank(el) {
  if (el.querySelector("img,table,hr")) { return false; }
  return el.textContent.replace(/[\s\u00a0\u3000\u200b\ufeff]/g, "") === "";
}

// Word's list paragraphs (class MsoListParagraph…, style mso-list:l0 level1 lfo1, the marker in a
// span with mso-list:Ignore) become real lists: consecutive ones form one list (levels flattened),
// numbered when the marker is a number or letter.
function wordLists(doc) {
  const items = Array.from(doc.querySelectorAll("p,h1,h2,h3,h4,h5,h6")).filter((p) => /mso-list\s*:\s*l\d/.test(styleOf(p)));
  let list = null;
  let last = null;
  for (const p of items) {
    let marker = "";
    for (const s of Array.from(p.querySelectorAll("span"))) {
      if (/mso-list\s*:\s*ignore/.test(styleOf(s))) { marker += s.textContent; s.remove(); }
    }
    marker = marker.replace(/[\s\u00a0]+/g, "");
    const ordered = /^[(（]?([0-9]+|[a-zA-Z]|[ivxlcIVXLC]+|[一二三四五六七八九十百]+)[.)）、．]?$/.test(marker);
    let prev = p.previousSibling;
    while (prev && prev.nodeType !== 1) { prev = prev.previousSibling; }
    if (!list || prev !== last || (list.nodeName === "OL") !== ordered) {
      list = doc.createElement(ordered ? "ol" : "ul");
      p.parentNode.insertBefore(list, p);
    }
    const li = doc.createElement("li");
    list.appendChild(li);
    li.appendChild(p);
    p.removeAttribute("style");
    p.removeAttribute("data-zq-style");
    last = list;
  }
}

/**
 * The pasted HTML reduced to the article's markup. `dropped(n)` is told how many pictures were
 * left out (pasted pictures are never taken as data:/file: addresses or without alt text).
 */
export function cleanPastedHtml(html, dropped) {
  const doc = new DOMParser().parseFromString(defuse(html), "text/html");
  const body = doc.body;
  // Comments (Word's <!--[if …]>, StartFragment …) and processing instructions.
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_COMMENT | NodeFilter.SHOW_PROCESSING_INSTRUCTION);
  const comments = [];
  while (walker.nextNode()) { comments.push(walker.currentNode); }
  comments.forEach((c) => c.remove());
  wordLists(doc);
  let droppedImages = 0;
  // Deepest first, so that unwrapping never skips a descendant.
  const all = Array.from(body.querySelectorAll("*")).reverse();
  for (const el of all) {
    const tag = el.nodeName.toLowerCase();
    if (DROP.has(tag) || tag.includes(":")) {
      // Word's <o:p>, <v:shape>, <w:…>: markup of its own, never content worth keeping.
      if (tag === "img" || el.querySelector("img")) { droppedImages += 1; }
      el.remove();
      continue;
    }
    const style = styleOf(el);
    if (style && /display\s*:\s*none|mso-hide\s*:\s*all/.test(style)) { el.remove(); continue; }
    if (tag === "img") {
      const src = el.getAttribute("src") || "";
      const alt = (el.getAttribute("alt") || "").trim();
      if (!safeSrc(src) || !alt || /\.(jpe?g|png|gif|webp|bmp|tiff?)$/i.test(alt)) {
        droppedImages += 1;
        el.remove();
        continue;
      }
    }
    // What the styles said, as markup: bold/italic/underline spans, aligned and indented blocks.
    const classes = [];
    if (BLOCKISH.has(tag) && !/^(li|td|th)$/.test(tag)) {
      const given = (el.getAttribute("class") || "").split(/\s+/);
      BLOCK_CLASSES.forEach((c) => { if (given.includes(c)) { classes.push(c); } });
      const align = (cssValue(style, "text-align") || el.getAttribute("align") || "").toLowerCase();
      if (/^(center|right|justify)$/.test(align) && !classes.some((c) => c.startsWith("align-"))) { classes.push("align-" + align); }
      const indent = parseFloat(cssValue(style, "text-indent"));
      if (indent > 0 && !classes.includes("indent")) { classes.push("indent"); }
    }
    if (style && (tag === "span" || tag === "font")) {
      const weight = cssValue(style, "font-weight");
      if (weight === "bold" || weight === "bolder" || parseInt(weight, 10) >= 600) { wrapChildren(el, "strong"); }
      if (cssValue(style, "font-style") === "italic") { wrapChildren(el, "em"); }
      if (/underline/.test(cssValue(style, "text-decoration") + cssValue(style, "text-decoration-line"))) { wrapChildren(el, "u"); }
    }
    // Google Docs wraps everything in <b style="font-weight:normal">.
    if ((tag === "b" || tag === "strong") && /^(normal|[1-5]00)$/.test(cssValue(style, "font-weight"))) { unwrap(el); continue; }
    if (!KEEP.has(tag)) { unwrap(el); continue; }
    if (tag === "a" && !safeHref(el.getAttribute("href"))) { unwrap(el); continue; }
    // Only the attributes the article keeps.
    for (const attr of Array.from(el.attributes)) {
      const n = attr.name;
      const keep = n === "data-pm-slice" ||
        (tag === "a" && n === "href") ||
        (tag === "img" && (n === "src" || n === "alt")) ||
        ((tag === "td" || tag === "th") && (n === "colspan" || n === "rowspan")) ||
        (tag === "ol" && n === "start");
      if (!keep) { el.removeAttribute(n); }
    }
    if (classes.length) { el.setAttribute("class", classes.join(" ")); }
  }
  // Newlines inside text (Word wraps its HTML source) are spaces to the browser, but between two
  // Chinese characters they must vanish.
  const texts = doc.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const t = texts.currentNode;
    if (/[\r\n]/.test(t.nodeValue)) { t.nodeValue = t.nodeValue.replace(CJK_NEWLINE, "$1"); }
  }
  // Empty paragraphs (Word's <p>&nbsp;</p> between paragraphs), innermost first.
  Array.from(body.querySelectorAll("p,h1,h2,h3,h4,h5,h6,div,li,ul,ol,blockquote")).reverse().forEach((el) => {
    if (el.isConnected && isBlank(el) && !el.closest("td,th")) { el.remove(); }
    else if (el.isConnected && isBlank(el) && el.nodeName !== "LI") { el.replaceChildren(); }
  });
  if (droppedImages && dropped) { dropped(droppedImages); }
  return body.innerHTML;
}

/**
 * Plain text as paragraphs: when it has blank lines, one paragraph per block between them (a
 * single line break inside a block stays a line break); without any, one paragraph per line.
 */
export function textToParagraphs(text) {
  const t = String(text || "").replace(/\r\n?/g, "\n").replace(/[\u200b\ufeff]/g, "");
  const blocks = /\n[ \t\u3000\u00a0]*\n/.test(t) ? t.split(/\n(?:[ \t\u3000\u00a0]*\n)+/) : t.split("\n");
  return blocks
    .map((b) => b.split("\n").map((l) => l.replace(/^[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+$/g, "")).filter((l) => l !== ""))
    .filter((lines) => lines.length > 0);
}

/** ProseMirror's clipboardTextParser: plain text as paragraphs (see textToParagraphs). */
export function plainTextParser(text, $context, plain, view) {
  const schema = view.state.schema;
  const marks = $context.marks();
  const paras = textToParagraphs(text).map((lines) => {
    const inline = [];
    lines.forEach((l, i) => {
      if (i > 0) { inline.push(schema.nodes.hardBreak.create()); }
      inline.push(schema.text(l, marks));
    });
    return schema.nodes.paragraph.create(null, inline);
  });
  if (!paras.length) { return Slice.empty; }
  return new Slice(Fragment.from(paras), 1, 1);
}

/** The paragraphs of plain text as HTML (for a textarea that held text, not HTML). */
export function textToHtml(text) {
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return textToParagraphs(text).map((lines) => "<p>" + lines.map(esc).join("<br>") + "</p>").join("");
}
