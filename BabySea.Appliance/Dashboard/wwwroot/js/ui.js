// Shared view pieces: htm bound to Preact, data loading, tables, labelled fields, errors, copy and export buttons.
import { h } from "../vendor/preact.mjs";
import { useCallback, useEffect, useState } from "../vendor/hooks.mjs";
import htm from "../vendor/htm.mjs";
import { download } from "./api.js";

export const html = htm.bind(h);

/** Loads data with `load()` whenever `deps` change; `reload` runs it again. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const run = useCallback(() => {
    setState((s) => ({ ...s, loading: true }));
    return load().then(
      (data) => setState({ data, error: null, loading: false }),
      (error) => setState({ data: null, error, loading: false }),
    );
  }, deps);
  useEffect(() => { run(); }, [run]);
  return { ...state, reload: run };
}

export const money = (v) => (v === null || v === undefined ? "" : `$${Number(v).toFixed(3)}`);
export const when = (s) => (s ? new Date(s).toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" }) : "");

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert"><strong>${error.code || "Error"}</strong> ${error.message}</div>`;
}

export function Loading({ state, children }) {
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (!state.data) return html`<p class="muted">Loading…</p>`;
  return children;
}

/** A table; each column is {label, key} or {label, render(row)}. */
export function Table({ columns, rows, empty = "Nothing yet.", caption }) {
  return html`<div class="table-wrap"><table>
    ${caption && html`<caption>${caption}</caption>`}
    <thead><tr>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
    <tbody>
      ${rows.length === 0 && html`<tr><td colspan=${columns.length} class="muted">${empty}</td></tr>`}
      ${rows.map((r) => html`<tr>${columns.map((c) => html`<td>${c.render ? c.render(r) : fmt(r[c.key])}</td>`)}</tr>`)}
    </tbody>
  </table></div>`;
}

const fmt = (v) => (v === null || v === undefined ? "" : Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v));

/** A form control with its visible label (the label wraps the control, so they are tied without ids). */
export function Field({ label, children, hint }) {
  return html`<label class="field"><span>${label}</span>${children}${hint && html`<small class="muted">${hint}</small>`}</label>`;
}

export function CopyButton({ text, label = "Copy" }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try { await navigator.clipboard.writeText(text); } catch { /* clipboard refused: the text stays visible to copy by hand */ }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return html`<button type="button" onClick=${copy}>${done ? "Copied" : label}</button>`;
}

export function Exports({ rows, name }) {
  return html`<span class="exports">
    <button type="button" onClick=${() => download(rows, name, "json")}>Export JSON</button>
    <button type="button" onClick=${() => download(rows, name, "csv")}>Export CSV</button>
  </span>`;
}

/** A one-time secret (a new key or webhook secret), with a copy button. */
export function Secret({ title, value, onClose }) {
  return html`<div class="secret" role="status">
    <p><strong>${title}</strong> It is shown only once: copy it now.</p>
    <code data-secret>${value}</code> <${CopyButton} text=${value} /> <button type="button" onClick=${onClose}>Done</button>
  </div>`;
}

export const Stat = ({ label, value }) => html`<div class="stat"><span class="muted">${label}</span><strong>${value}</strong></div>`;

export const Badge = ({ value }) => html`<span class=${`badge badge-${String(value).replace(/[^a-z_]/gi, "")}`}>${value}</span>`;
