// A small modal <dialog> asking for a few values (link address, picture texts, table size).
// Native <dialog> with showModal(): focus stays inside, Esc cancels, focus returns afterwards.
let counter = 0;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (v === null || v === undefined || v === false) { return; }
    if (k === "text") { e.textContent = v; } else { e.setAttribute(k, v === true ? "" : v); }
  });
  children.forEach((c) => { if (c) { e.append(c); } });
  return e;
}
export { el };

/**
 * Asks for values. `fields`: [{name, label, type ("text"|"url"|"number"|"checkbox"), value,
 * required, hint, min, max, maxlength}]; `check(values)` answers an error message (and the field
 * it is about, as [message, name]) or nothing. Resolves to the values, or null when cancelled.
 * `extra`: [{label, value}] more buttons that resolve to {button: value, ...values}.
 */
export function ask({ title, fields, submit = "确定", check, extra = [] }) {
  counter += 1;
  const id = "rte-dlg-" + counter;
  const dialog = el("dialog", { class: "rte-dialog", "aria-labelledby": id + "-title" });
  const form = el("form", { method: "dialog", novalidate: true });
  form.append(el("h2", { id: id + "-title", text: title }));
  const inputs = {};
  fields.forEach((f, i) => {
    const fid = id + "-" + i;
    const hintId = f.hint ? fid + "-hint" : null;
    const input = el("input", {
      id: fid,
      type: f.type || "text",
      required: !!f.required,
      "aria-required": f.required ? "true" : null,
      "aria-describedby": hintId,
      min: f.min, max: f.max, maxlength: f.maxlength,
      autocomplete: "off",
      inputmode: f.type === "number" ? "numeric" : null,
    });
    if (f.type === "checkbox") { input.checked = !!f.value; } else { input.value = f.value == null ? "" : String(f.value); }
    inputs[f.name] = input;
    const label = el("label", { for: fid, text: f.label + (f.required ? "（必填）" : "") });
    const row = f.type === "checkbox"
      ? el("p", { class: "rte-dialog-check" }, input, label)
      : el("p", {}, label, input);
    if (f.hint) { row.append(el("span", { class: "hint", id: hintId, text: f.hint })); }
    form.append(row);
  });
  const error = el("p", { class: "rte-dialog-error", role: "alert" });
  form.append(error);
  const ok = el("button", { type: "submit", value: "ok", text: submit });
  const cancel = el("button", { type: "button", class: "secondary", text: "取消" });
  const actions = el("p", { class: "rte-dialog-actions" }, ok);
  const extraButtons = extra.map((x) => {
    const b = el("button", { type: "button", class: "secondary", text: x.label });
    actions.append(b);
    return [b, x.value];
  });
  actions.append(cancel);
  form.append(actions);
  dialog.append(form);
  document.body.append(dialog);

  const values = () => {
    const v = {};
    Object.entries(inputs).forEach(([k, i]) => { v[k] = i.type === "checkbox" ? i.checked : i.value.trim(); });
    return v;
  };
  return new Promise((resolve) => {
    let answer = null;
    const finish = (v) => { answer = v; dialog.close(); };
    dialog.addEventListener("close", () => { dialog.remove(); resolve(answer); });
    cancel.addEventListener("click", () => finish(null));
    extraButtons.forEach(([b, value]) => b.addEventListener("click", () => finish({ ...values(), button: value })));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const v = values();
      Object.values(inputs).forEach((i) => i.removeAttribute("aria-invalid"));
      const problem = check ? check(v) : null;
      if (problem) {
        const [message, name] = Array.isArray(problem) ? problem : [problem, null];
        error.textContent = message;
        const bad = name && inputs[name];
        if (bad) { bad.setAttribute("aria-invalid", "true"); bad.setAttribute("aria-errormessage", error.id = id + "-error"); bad.focus(); }
        return;
      }
      finish(v);
    });
    dialog.showModal();
    const first = Object.values(inputs)[0];
    if (first) { first.focus(); if (first.select && first.type !== "checkbox") { first.select(); } }
  });
}
