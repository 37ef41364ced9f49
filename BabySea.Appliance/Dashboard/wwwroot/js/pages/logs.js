// Logs: one row per API request (GET /v1/logs), filters, cursor pagination, JSON and CSV export.
import { useState } from "../../vendor/hooks.mjs";
import { get, paths } from "../api.js";
import { Exports, Field, Loading, Table, html, when, useLoad } from "../ui.js";

const FILTERS = [["q", "Search"], ["status", "Status"], ["method", "Method"], ["endpoint", "Endpoint"], ["key_id", "Key id"], ["bse_code", "BSE code"]];

export function Logs({ accountId }) {
  const [draft, setDraft] = useState({});
  const [query, setQuery] = useState({});
  const [cursors, setCursors] = useState([null]); // the cursor of each page seen, so "Newer" can go back
  const cursor = cursors[cursors.length - 1];
  const params = new URLSearchParams({ limit: "100", ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)) });
  if (cursor) params.set("cursor", cursor);
  const page = useLoad(() => get(`${paths(accountId).logs}?${params}`), [accountId, params.toString()]);
  const apply = (e) => { e.preventDefault(); setQuery(draft); setCursors([null]); };
  const rows = page.data?.items || [];
  return html`<section>
    <h1>Logs</h1>
    <form class="filters" onSubmit=${apply}>
      ${FILTERS.map(([k, label]) => html`<${Field} label=${label}><input name=${k} value=${draft[k] || ""} onInput=${(e) => setDraft({ ...draft, [k]: e.target.value })} /><//>`)}
      <button type="submit">Apply</button>
    </form>
    <${Loading} state=${page}>
      <${Exports} rows=${rows} name="logs" />
      <${Table} columns=${[
        { label: "Time", render: (r) => when(r.at) },
        { label: "Key", render: (r) => `${r.key_name ?? ""} ${r.key_prefix ?? ""}` },
        { label: "Method", key: "method" }, { label: "Endpoint", key: "endpoint" }, { label: "Status", key: "status" },
        { label: "BSE code", key: "bse_code" }, { label: "Replay", render: (r) => (r.replay ? "yes" : "") },
        { label: "IP hash", render: (r) => html`<code title=${r.ip_hash}>${(r.ip_hash || "").slice(0, 12)}</code>` },
        { label: "User agent", key: "user_agent" }, { label: "ms", key: "duration_ms" },
      ]} rows=${rows} empty="No requests match." />
    <//>
    <div class="pager">
      <button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>Newer</button>
      <button type="button" disabled=${!page.data?.next_cursor} onClick=${() => setCursors([...cursors, page.data.next_cursor])}>Older</button>
    </div>
  </section>`;
}
