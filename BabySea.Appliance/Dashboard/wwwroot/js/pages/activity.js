// Activity: the account's audit feed, searched in the browser, 200 rows a page, exportable.
import { useState } from "../../vendor/hooks.mjs";
import { get, paths } from "../api.js";
import { Exports, Field, Loading, Table, html, when, useLoad } from "../ui.js";

const PAGE = 200;

export function Activity({ accountId }) {
  const [q, setQ] = useState("");
  const [page, setPage] = useState(0);
  const feed = useLoad(() => get(paths(accountId).activity), [accountId]);
  const all = [...(feed.data?.entries || [])].reverse();
  const needle = q.toLowerCase();
  const rows = all.filter((e) => !needle || `${e.category} ${e.action} ${e.description}`.toLowerCase().includes(needle));
  return html`<section>
    <h1>Activity</h1>
    <${Field} label="Search"><input type="search" value=${q} onInput=${(e) => { setQ(e.target.value); setPage(0); }} /><//>
    <${Loading} state=${feed}>
      <${Exports} rows=${rows} name="activity" />
      <${Table} columns=${[{ label: "Time", render: (e) => when(e.at) }, { label: "Category", key: "category" }, { label: "Action", key: "action" }, { label: "Description", key: "description" }]}
        rows=${rows.slice(page * PAGE, (page + 1) * PAGE)} empty="No activity." />
      <div class="pager">
        <button type="button" disabled=${page === 0} onClick=${() => setPage(page - 1)}>Newer</button>
        <button type="button" disabled=${(page + 1) * PAGE >= rows.length} onClick=${() => setPage(page + 1)}>Older</button>
      </div>
    <//>
  </section>`;
}
