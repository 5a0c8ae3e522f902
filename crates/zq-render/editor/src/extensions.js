// The editor's schema: Tiptap's extensions, narrowed to what an article may hold, plus three
// small ones of our own (block classes, figure, link). The HTML they write is exactly what the
// server's sanitizer keeps: no style attributes, only the classes in BLOCK_CLASSES.
import { Extension, Mark, Node } from "@tiptap/core";
import Document from "@tiptap/extension-document";
import Paragraph from "@tiptap/extension-paragraph";
import Text from "@tiptap/extension-text";
import Heading from "@tiptap/extension-heading";
import Bold from "@tiptap/extension-bold";
import Italic from "@tiptap/extension-italic";
import Underline from "@tiptap/extension-underline";
import HardBreak from "@tiptap/extension-hard-break";
import Blockquote from "@tiptap/extension-blockquote";
import { BulletList } from "@tiptap/extension-list/bullet-list";
import { OrderedList } from "@tiptap/extension-list/ordered-list";
import { ListItem } from "@tiptap/extension-list/item";
import { ListKeymap } from "@tiptap/extension-list/keymap";
import { Table } from "@tiptap/extension-table/table";
import { TableRow } from "@tiptap/extension-table/row";
import { TableCell } from "@tiptap/extension-table/cell";
import { TableHeader } from "@tiptap/extension-table/header";
import { UndoRedo } from "@tiptap/extensions/undo-redo";
import { Dropcursor } from "@tiptap/extensions/drop-cursor";
import { Gapcursor } from "@tiptap/extensions/gap-cursor";
import { TrailingNode } from "@tiptap/extensions/trailing-node";

/** The classes a paragraph or heading may carry (the sanitizer keeps these and no others). */
export const BLOCK_CLASSES = ["indent", "align-center", "align-right", "align-justify"];
const ALIGNS = ["center", "right", "justify"];

/** An address a link may point to: http(s):, mailto:, or a path on this site ("/…", not "//"). */
export function safeHref(url) {
  const u = String(url || "").trim();
  if (/^https?:\/\/[^\s/?#]+/i.test(u)) { return !/\s/.test(u); }
  if (/^mailto:[^\s]+$/i.test(u)) { return true; }
  return /^\/(?![\/\\])/.test(u) && !/\s/.test(u);
}

/** An address an image may come from: this site ("/…") or http(s):. Never data:, blob:, file:. */
export function safeSrc(url) {
  const u = String(url || "").trim();
  return /^\/(?![\/\\])/.test(u) || /^https?:\/\/[^\s/?#]+/i.test(u);
}

/**
 * HTML with its style and on… attributes renamed data-zq-style, data-zq-on… and its <style>
 * elements dropped before it is parsed.
 * Parsing never runs a handler (the document is inert), but under the console's CSP (style-src
 * 'self', script-src 'self') the browser still reports each inline style or handler it meets as a
 * violation; renamed, they are plain data that the parse rules read (style) or drop (handlers).
 */
export function defuse(html) {
  // A <style> element is raw text up to "</style": dropped whole (it would be reported too).
  return String(html).replace(/<style\b[\s\S]*?(<\/style\s*>|$)/gi, "").replace(/<[a-zA-Z][^>]*>/g, (tag) => tag.replace(/(\s)(style|on[a-z]+)(\s*=)/gi, "$1data-zq-$2$3"));
}

/** A declaration of an element's style attribute, read from its text (under the console's CSP
 *  inline styles are not applied, so el.style would be empty anyway). */
export function styleValue(el, prop) {
  const text = el.getAttribute("data-zq-style") || el.getAttribute("style") || "";
  const m = new RegExp("(?:^|;)\\s*" + prop + "\\s*:\\s*([^;]+)", "i").exec(text);
  return m ? m[1].trim().toLowerCase() : "";
}

// Alignment and first-line indent of paragraphs and headings, written as classes. Older content
// and pasted text may say the same with style="text-align…"/align=…/text-indent: read as well.
const BlockStyle = Extension.create({
  name: "blockStyle",
  addGlobalAttributes() {
    return [{
      types: ["paragraph", "heading"],
      attributes: {
        indent: {
          default: false,
          parseHTML: (el) => el.classList.contains("indent") || parseFloat(styleValue(el, "text-indent")) > 0,
          renderHTML: (a) => (a.indent ? { class: "indent" } : {}),
        },
        textAlign: {
          default: null,
          parseHTML: (el) => {
            for (const a of ALIGNS) { if (el.classList.contains("align-" + a)) { return a; } }
            const v = (styleValue(el, "text-align") || el.getAttribute("align") || "").toLowerCase();
            return ALIGNS.includes(v) ? v : null;
          },
          renderHTML: (a) => (ALIGNS.includes(a.textAlign) ? { class: "align-" + a.textAlign } : {}),
        },
      },
    }];
  },
  addCommands() {
    const types = ["paragraph", "heading"];
    return {
      setAlign: (value) => ({ commands }) => {
        const v = ALIGNS.includes(value) ? value : null;
        return types.map((t) => commands.updateAttributes(t, { textAlign: v })).some(Boolean);
      },
      setIndent: (on) => ({ commands }) =>
        types.map((t) => commands.updateAttributes(t, { indent: !!on })).some(Boolean),
    };
  },
});

// A paragraph that holds nothing but pictures (older <p><img></p>) is not one: its pictures
// become figures of their own, without an empty paragraph left before them.
const Para = Paragraph.extend({
  parseHTML() {
    return [{
      tag: "p",
      getAttrs: (el) => (el.querySelector("img") && !el.textContent.trim() &&
        Array.from(el.children).every((c) => c.nodeName === "IMG" || c.nodeName === "BR") ? false : null),
    }];
  },
});

// h2 and h3 only; an older h1 reads as h2, h4–h6 as h3.
const Headings = Heading.extend({
  parseHTML() {
    return [
      { tag: "h1", attrs: { level: 2 } }, { tag: "h2", attrs: { level: 2 } },
      { tag: "h3", attrs: { level: 3 } }, { tag: "h4", attrs: { level: 3 } },
      { tag: "h5", attrs: { level: 3 } }, { tag: "h6", attrs: { level: 3 } },
    ];
  },
}).configure({ levels: [2, 3] });

// A link: only its href is kept, and only a safe one (an unsafe <a> reads as plain text).
const Link = Mark.create({
  name: "link",
  priority: 1000,
  inclusive: false,
  addAttributes() {
    return { href: { default: null } };
  },
  parseHTML() {
    return [{ tag: "a[href]", getAttrs: (el) => (safeHref(el.getAttribute("href")) ? { href: el.getAttribute("href").trim() } : false) }];
  },
  renderHTML({ HTMLAttributes }) {
    return ["a", { href: safeHref(HTMLAttributes.href) ? HTMLAttributes.href : "" }, 0];
  },
  addCommands() {
    return {
      setLink: (href) => ({ chain }) => chain().setMark(this.name, { href }).run(),
      unsetLink: () => ({ chain }) => chain().unsetMark(this.name, { extendEmptyMarkRange: true }).run(),
    };
  },
});

// A picture with its alt text and optional caption: <figure><img src alt><figcaption>…</figcaption></figure>.
// One unit in the editor (selected, moved, deleted whole; its texts changed in a dialog). An older
// bare <img> (e.g. in <p><img></p>) reads as a figure without caption.
function figureAttrs(img, caption) {
  const src = (img.getAttribute("src") || "").trim();
  if (!safeSrc(src)) { return false; }
  return { src, alt: img.getAttribute("alt") || "", caption: caption ? caption.textContent.replace(/\s+/g, " ").trim() : "" };
}
export const Figure = Node.create({
  name: "figure",
  group: "block",
  atom: true,
  draggable: true,
  selectable: true,
  addAttributes() {
    return { src: { default: "" }, alt: { default: "" }, caption: { default: "" } };
  },
  parseHTML() {
    return [
      {
        tag: "figure",
        getAttrs: (el) => {
          const imgs = el.querySelectorAll("img");
          if (imgs.length !== 1 || el.querySelector("table")) { return false; }
          return figureAttrs(imgs[0], el.querySelector("figcaption"));
        },
      },
      { tag: "img[src]", getAttrs: (el) => figureAttrs(el, null) },
    ];
  },
  renderHTML({ node }) {
    const img = ["img", { src: node.attrs.src, alt: node.attrs.alt }];
    return node.attrs.caption ? ["figure", img, ["figcaption", node.attrs.caption]] : ["figure", img];
  },
  addCommands() {
    return {
      insertFigure: (attrs) => ({ commands }) => commands.insertContent({ type: this.name, attrs }),
    };
  },
});

// Tables as plain markup: no colgroup, no style, no colwidth; colspan/rowspan only when > 1.
const PlainTable = Table.extend({
  renderHTML() {
    return ["table", ["tbody", 0]];
  },
  addNodeView() {
    return null;
  },
}).configure({ resizable: false, View: null, allowTableNodeSelection: false });
function cellAttributes() {
  const span = (name) => ({
    default: 1,
    parseHTML: (el) => Math.max(1, parseInt(el.getAttribute(name) || "1", 10) || 1),
    renderHTML: (a) => (a[name] > 1 ? { [name]: a[name] } : {}),
  });
  return { colspan: span("colspan"), rowspan: span("rowspan"), colwidth: { default: null, parseHTML: () => null, rendered: false } };
}
const PlainCell = TableCell.extend({ addAttributes: cellAttributes });
const PlainHeader = TableHeader.extend({ addAttributes: cellAttributes });

const PlainOrderedList = OrderedList.extend({
  addAttributes() {
    return {
      start: {
        default: 1,
        parseHTML: (el) => Math.max(1, parseInt(el.getAttribute("start") || "1", 10) || 1),
      },
      type: { default: null, parseHTML: () => null, rendered: false },
    };
  },
});

export const extensions = [
  Document, Para, Text, Headings, Bold, Italic, Underline, HardBreak, Blockquote,
  BulletList, PlainOrderedList, ListItem, ListKeymap, Link, Figure,
  PlainTable, TableRow, PlainHeader, PlainCell,
  BlockStyle, UndoRedo, Dropcursor.configure({ color: "#1a4c8b", width: 2 }), Gapcursor, TrailingNode,
];
