// Credits: the balance and the immutable ledger (GET /v1/credits/ledger), cursor pagination, export.
import { useState } from "../../vendor/hooks.mjs";
import { get, paths } from "../api.js";
import { Exports, Loading, Stat, Table, html, money, when, useLoad } from "../ui.js";

export function Credits({ accountId }) {
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => get(`${paths(accountId).ledger}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`), [accountId, cursor]);
  // The operator's ledger route answered {credit_balance, entries} before it gained the cursor; both are read.
  const rows = page.data?.items || page.data?.entries || [];
  return html`<section>
    <h1>Credits</h1>
    <${Loading} state=${page}>${page.data && html`<div>
      <div class="cards"><${Stat} label="Credits" value=${money(page.data.balance ?? page.data.credit_balance)} /></div>
      <${Exports} rows=${rows} name="ledger" />
      <${Table} columns=${[
        { label: "Time", render: (r) => when(r.created_at) }, { label: "Type", key: "type" },
        { label: "Amount", render: (r) => money(r.amount) }, { label: "Balance after", render: (r) => money(r.balance_after) },
        { label: "Description", key: "description" }, { label: "Generation", key: "generation_id" },
      ]} rows=${rows} empty="No movements." />
    </div>`}<//>
    <div class="pager">
      <button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>Newer</button>
      <button type="button" disabled=${!page.data?.next_cursor} onClick=${() => setCursors([...cursors, page.data.next_cursor])}>Older</button>
    </div>
  </section>`;
}
