// API keys: the account's keys; create (the secret shown once, with a copy button) and revoke with a full-access key.
import { useState } from "../../vendor/hooks.mjs";
import { call, canManage, get, paths } from "../api.js";
import { Badge, ErrorBox, Field, Loading, Secret, Table, html, when, useLoad } from "../ui.js";

const PRESETS = ["full_access", "generate_only", "read_only", "monitor_only"];

export function Keys({ accountId }) {
  const p = paths(accountId);
  const keys = useLoad(() => get(p.keys), [accountId]);
  const [form, setForm] = useState({ name: "", preset: "read_only", expires: "", allow: "" });
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  const create = async (e) => {
    e.preventDefault();
    setError(null);
    const body = { name: form.name, preset: form.preset };
    if (form.expires) body.expires_at = new Date(form.expires).toISOString();
    if (form.allow.trim()) body.ip_allowlist = form.allow.split(/[\s,]+/).filter(Boolean);
    try {
      const r = await call("POST", p.keys, body);
      setCreated(r.data.api_key);
      setForm({ ...form, name: "" });
      keys.reload();
    } catch (err) { setError(err); }
  };
  const revoke = async (id) => {
    setError(null);
    try { await call("POST", p.revokeKey(id)); } catch (err) { setError(err); }
    keys.reload();
  };
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  return html`<section>
    <h1>API keys</h1>
    <${ErrorBox} error=${error} />
    ${created && html`<${Secret} title="New API key." value=${created} onClose=${() => setCreated(null)} />`}
    <${Loading} state=${keys}>${keys.data && html`<${Table} columns=${[
      { label: "Name", key: "apikey_name" }, { label: "Prefix", render: (k) => html`<code>${k.apikey_prefix}</code>` },
      { label: "Scopes", render: (k) => k.scopes.join(" ") }, { label: "Status", render: (k) => html`<${Badge} value=${k.status} />` },
      { label: "Last used", render: (k) => when(k.last_used_at) }, { label: "Expires", render: (k) => when(k.expires_at) },
      { label: "IP allowlist", render: (k) => (k.ip_allowlist.length ? `${k.ip_allowlist[0]}${k.ip_allowlist.length > 1 ? ` +${k.ip_allowlist.length - 1}` : ""}` : "any") },
      { label: "Created", render: (k) => when(k.created_at) },
      { label: "Actions", render: (k) => canManage() && k.status === "active"
        && html`<button type="button" data-revoke=${k.apikey_prefix} onClick=${() => revoke(k.apikey_id)}>Revoke</button>` },
    ]} rows=${keys.data.keys} />`}<//>
    ${canManage() && html`<form class="panel" onSubmit=${create} aria-label="New API key">
      <h2>New key</h2>
      <${Field} label="Name"><input name="name" required maxlength="100" value=${form.name} onInput=${set("name")} /><//>
      <${Field} label="Preset"><select name="preset" value=${form.preset} onChange=${set("preset")}>${PRESETS.map((x) => html`<option>${x}</option>`)}</select><//>
      <${Field} label="Expires (optional)"><input type="datetime-local" name="expires" value=${form.expires} onInput=${set("expires")} /><//>
      <${Field} label="IP allowlist (optional)" hint="Addresses separated by spaces or commas; cannot be changed later.">
        <input name="allow" value=${form.allow} onInput=${set("allow")} /><//>
      <button type="submit">Create key</button>
    </form>`}
  </section>`;
}
