// Webhooks: endpoints, create, enable/disable, rotate (secret shown once), test, delete, deliveries and replay.
import { useState } from "../../vendor/hooks.mjs";
import { call, canManage, get, paths } from "../api.js";
import { Badge, ErrorBox, Field, Loading, Secret, Table, html, when, useLoad } from "../ui.js";

const EVENTS = ["generation.started", "generation.completed", "generation.failed", "generation.canceled", "credits.low_balance"];

export function Webhooks({ accountId }) {
  const base = paths(accountId).webhooks;
  const list = useLoad(() => get(base), [accountId]);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState(EVENTS.slice(0, 4));
  const [secret, setSecret] = useState(null);
  const [open, setOpen] = useState(null);
  const [error, setError] = useState(null);
  const run = async (method, path, body) => {
    setError(null);
    try {
      const r = await call(method, path, body);
      if (r.data?.secret) setSecret(r.data.secret);
    } catch (err) { setError(err); }
    list.reload();
  };
  const create = (e) => { e.preventDefault(); run("POST", base, { url, events }).then(() => setUrl("")); };
  const toggle = (ev) => setEvents(events.includes(ev) ? events.filter((x) => x !== ev) : [...events, ev]);
  const actions = (w) => canManage() && html`
    <button type="button" onClick=${() => run("POST", `${base}/${w.webhook_id}/${w.enabled ? "disable" : "enable"}`)}>${w.enabled ? "Disable" : "Enable"}</button>
    <button type="button" onClick=${() => run("POST", `${base}/${w.webhook_id}/rotate`)}>Rotate secret</button>
    <button type="button" onClick=${() => run("POST", `${base}/${w.webhook_id}/test`)}>Send test</button>
    <button type="button" onClick=${() => run("DELETE", `${base}/${w.webhook_id}`)}>Delete</button>`;
  return html`<section>
    <h1>Webhooks</h1>
    <${ErrorBox} error=${error} />
    ${secret && html`<${Secret} title="Signing secret." value=${secret} onClose=${() => setSecret(null)} />`}
    <${Loading} state=${list}>${list.data && html`<${Table} columns=${[
      { label: "URL", key: "url" }, { label: "Events", render: (w) => w.events.join(", ") },
      { label: "Enabled", render: (w) => html`<${Badge} value=${w.enabled ? "enabled" : "disabled"} />${w.disabled_reason ? ` ${w.disabled_reason}` : ""}` },
      { label: "Failures", key: "consecutive_failures" }, { label: "Held", key: "held_deliveries" },
      { label: "Secret", render: (w) => html`<code>${w.secret_hint}</code>` }, { label: "Created", render: (w) => when(w.created_at) },
      { label: "Actions", render: (w) => html`<button type="button" onClick=${() => setOpen(open === w.webhook_id ? null : w.webhook_id)}>Deliveries</button>${actions(w)}` },
    ]} rows=${list.data.webhooks} empty="No endpoints." />`}<//>
    ${open && html`<${Deliveries} key=${open} path=${`${base}/${open}/deliveries`} replayBase=${`${base}/${open}/deliveries`} />`}
    ${canManage() && html`<form class="panel" onSubmit=${create} aria-label="New webhook endpoint">
      <h2>New endpoint</h2>
      <${Field} label="URL"><input type="url" name="url" required value=${url} onInput=${(e) => setUrl(e.target.value)} /><//>
      <fieldset><legend>Events</legend>
        ${EVENTS.map((ev) => html`<label class="inline"><input type="checkbox" checked=${events.includes(ev)} onChange=${() => toggle(ev)} /> ${ev}</label>`)}
      </fieldset>
      <button type="submit">Create endpoint</button>
    </form>`}
  </section>`;
}

function Deliveries({ path, replayBase }) {
  const list = useLoad(() => get(`${path}?limit=50`), [path]);
  const [error, setError] = useState(null);
  const replay = async (id) => {
    setError(null);
    try { await call("POST", `${replayBase}/${id}/replay`); } catch (err) { setError(err); }
    list.reload();
  };
  return html`<div class="panel"><h2>Deliveries</h2><${ErrorBox} error=${error} />
    <${Loading} state=${list}>${list.data && html`<${Table} columns=${[
      { label: "Event", key: "event" }, { label: "Status", render: (d) => html`<${Badge} value=${d.status} />` },
      { label: "Attempts", render: (d) => d.attempts.map((a) => `#${a.attempt} ${a.status_code ?? a.error ?? ""} ${Math.round(a.latency_ms)} ms`).join("; ") },
      { label: "Created", render: (d) => when(d.created_at) }, { label: "Delivered", render: (d) => when(d.delivered_at) },
      { label: "Actions", render: (d) => canManage() && html`<button type="button" onClick=${() => replay(d.delivery_id)}>Replay</button>` },
    ]} rows=${list.data.deliveries} empty="No deliveries yet." />`}<//>
  </div>`;
}
