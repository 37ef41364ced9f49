// Generations: newest first, filters, outputs from their signed links, the attempts timeline, cancel and delete.
import { useEffect, useState } from "../../vendor/hooks.mjs";
import { call, can, get, paths } from "../api.js";
import { Badge, ErrorBox, Field, Loading, Table, html, money, when, useLoad } from "../ui.js";

const PAGE = 50;
const PERIODS = { all: Infinity, "24h": 864e5, "7d": 7 * 864e5, "30d": 30 * 864e5, "90d": 90 * 864e5 };
const live = (g) => g.generation_status === "pending" || g.generation_status === "processing";
const isVideo = (url) => /\.(mp4|webm|mov)(\?|$)/i.test(url);

/** An output: a playing, muted video or an image, straight from the signed link. */
export function Output({ url, large }) {
  return isVideo(url)
    ? html`<video class=${large ? "media large" : "media"} src=${url} controls muted autoplay loop playsinline aria-label="Generated video"></video>`
    : html`<img class=${large ? "media large" : "media"} src=${url} alt="Generated image" loading="lazy" />`;
}

/** Provider attempts in order: outcome, BSE code, times, wasted. */
export function Attempts({ g }) {
  return html`<ol class="timeline" data-attempts>
    <li><${Badge} value="pending" /> created ${when(g.generation_created_at)}</li>
    ${g.generation_started_at && html`<li><${Badge} value="processing" /> started ${when(g.generation_started_at)}</li>`}
    ${g.generation_attempts.map((a) => html`<li>
      <strong>#${a.attempt} ${a.provider}</strong> (${a.provider_model}) <${Badge} value=${a.outcome} />
      ${a.error_code && html` <code>${a.error_code}</code> ${a.error}`}
      <span class="muted"> submitted ${when(a.submitted_at)}${a.finished_at ? `, finished ${when(a.finished_at)}` : ""}${a.wasted ? ", wasted" : ""}</span>
    </li>`)}
    ${!live(g) && html`<li><${Badge} value=${g.generation_status} /> ${when(g.generation_completed_at)}
      ${g.generation_error_code && html` <code>${g.generation_error_code}</code> ${g.generation_error}`}</li>`}
  </ol>`;
}

export function Generations({ accountId }) {
  const p = paths(accountId);
  const [offset, setOffset] = useState(0);
  const [filters, setFilters] = useState({ status: "", model: "", provider: "", media: "", period: "all" });
  const [selected, setSelected] = useState(null);
  const [actionError, setActionError] = useState(null);
  const list = useLoad(() => call("GET", `${p.generations}?limit=${PAGE}&offset=${offset}`), [accountId, offset]);
  const rows = list.data?.data.generations || [];
  useEffect(() => {
    if (!rows.some(live)) return undefined;
    const t = setTimeout(list.reload, 2000);
    return () => clearTimeout(t);
  }, [list.data]);

  const act = async (method, path) => {
    setActionError(null);
    try { await call(method, path); } catch (e) { setActionError(e); }
    list.reload();
    if (selected) setSelected({ ...selected });
  };
  const set = (k) => (e) => setFilters({ ...filters, [k]: e.target.value });
  const now = Date.now();
  const shown = rows.filter((g) => (!filters.status || g.generation_status === filters.status)
    && (!filters.model || g.model_identifier.includes(filters.model))
    && (!filters.provider || g.generation_provider_used === filters.provider || g.generation_provider_order.includes(filters.provider))
    && (!filters.media || (filters.media === "video") === (g.generation_duration !== undefined))
    && now - Date.parse(g.generation_created_at) <= PERIODS[filters.period]);
  const actions = (g) => html`
    <button type="button" onClick=${() => setSelected(g)}>Details</button>
    ${can("generation:delete") && live(g) && html`<button type="button" data-cancel onClick=${() => act("POST", p.cancel(g.generation_id))}>Cancel</button>`}
    ${can("generation:delete") && !live(g) && !g.generation_removed && html`<button type="button" onClick=${() => act("DELETE", p.remove(g.generation_id))}>Delete</button>`}`;
  return html`<section>
    <h1>Generations</h1>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label="Status"><select value=${filters.status} onChange=${set("status")}>
        <option value="">Any</option>${["pending", "processing", "succeeded", "failed", "canceled"].map((s) => html`<option>${s}</option>`)}</select><//>
      <${Field} label="Model"><input type="search" value=${filters.model} onInput=${set("model")} /><//>
      <${Field} label="Provider"><input type="search" value=${filters.provider} onInput=${set("provider")} /><//>
      <${Field} label="Media"><select value=${filters.media} onChange=${set("media")}><option value="">Any</option><option value="image">Image</option><option value="video">Video</option></select><//>
      <${Field} label="Period"><select value=${filters.period} onChange=${set("period")}>${Object.keys(PERIODS).map((k) => html`<option value=${k}>${k}</option>`)}</select><//>
    </form>
    <p class="muted">Filters apply to the page loaded (${rows.length} of ${list.data?.total ?? 0}).</p>
    <${ErrorBox} error=${actionError} />
    <${Loading} state=${list}>
      <${Table} columns=${[
        { label: "Output", render: (g) => (g.generation_output_file || []).slice(0, 1).map((u) => html`<${Output} url=${u} />`) },
        { label: "Model", key: "model_identifier" },
        { label: "Status", render: (g) => html`<${Badge} value=${g.generation_status} />` },
        { label: "Provider", render: (g) => g.generation_provider_used || g.generation_provider_order.join(" → ") },
        { label: "Cost", render: (g) => money(g.generation_cost) },
        { label: "Created", render: (g) => when(g.generation_created_at) },
        { label: "Prompt", render: (g) => html`<span class="prompt">${g.generation_prompt}</span>` },
        { label: "Actions", render: actions },
      ]} rows=${shown} empty="No generations match." />
    <//>
    <div class="pager">
      <button type="button" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE))}>Newer</button>
      <button type="button" disabled=${!list.data || offset + PAGE >= list.data.total} onClick=${() => setOffset(offset + PAGE)}>Older</button>
    </div>
    ${selected && html`<${Detail} key=${selected.generation_id + Date.now()} id=${selected.generation_id} path=${p.generation(selected.generation_id)} onClose=${() => setSelected(null)} />`}
  </section>`;
}

function Detail({ id, path, onClose }) {
  const g = useLoad(() => get(path), [path]);
  return html`<aside class="detail" aria-label="Generation detail">
    <h2>Generation <code>${id}</code> <button type="button" onClick=${onClose}>Close</button></h2>
    <${Loading} state=${g}>${g.data && html`<div>
      <p>${g.data.generation_prompt}</p>
      <div class="outputs">${(g.data.generation_output_file || []).map((u) => html`<${Output} url=${u} large />`)}</div>
      <${Attempts} g=${g.data} />
    </div>`}<//>
  </aside>`;
}
