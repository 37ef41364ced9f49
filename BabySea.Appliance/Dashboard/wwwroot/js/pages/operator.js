// Operator and appliance pages: accounts (create, plan, credits, packs), providers (keyed or emulated, circuit,
// health window, fastest ranking per model) and the catalog with prices.
import { useState } from "../../vendor/hooks.mjs";
import { call, get, paths } from "../api.js";
import { Badge, ErrorBox, Field, Loading, Table, html, money, when, useLoad } from "../ui.js";

// The shipped plans and pack sizes; an operator who edits plans.json types others, and the API checks every value.
const PLANS = ["free", "starter", "pro", "scale", "enterprise"];
const PACKS = [10, 25, 50, 100, 500, 1000];

export function Accounts() {
  const accounts = useLoad(() => get("/admin/v1/accounts"), []);
  const [name, setName] = useState("");
  const [plan, setPlan] = useState("free");
  const [error, setError] = useState(null);
  const run = async (method, path, body) => {
    setError(null);
    try { await call(method, path, body); } catch (err) { setError(err); }
    accounts.reload();
  };
  const create = (e) => { e.preventDefault(); run("POST", "/admin/v1/accounts", { name, plan }).then(() => setName("")); };
  return html`<section>
    <h1>Accounts</h1>
    <${ErrorBox} error=${error} />
    <datalist id="plans">${PLANS.map((p) => html`<option value=${p} />`)}</datalist>
    <${Loading} state=${accounts}>${accounts.data && html`<${Table} columns=${[
      { label: "Name", key: "account_name" }, { label: "Id", render: (a) => html`<code>${a.account_id}</code>` },
      { label: "Plan", key: "plan" }, { label: "Balance", render: (a) => money(a.credit_balance) }, { label: "Created", render: (a) => when(a.created_at) },
      { label: "Change", render: (a) => html`<${AccountActions} account=${a} run=${run} />` },
    ]} rows=${accounts.data.accounts} />`}<//>
    <form class="panel" onSubmit=${create} aria-label="New account">
      <h2>New account</h2>
      <${Field} label="Name"><input name="name" required maxlength="100" value=${name} onInput=${(e) => setName(e.target.value)} /><//>
      <${Field} label="Plan"><input name="plan" list="plans" required value=${plan} onInput=${(e) => setPlan(e.target.value)} /><//>
      <button type="submit">Create account</button>
    </form>
  </section>`;
}

function AccountActions({ account, run }) {
  const base = `/admin/v1/accounts/${account.account_id}`;
  const [plan, setPlan] = useState(account.plan);
  const [amount, setAmount] = useState("");
  const [pack, setPack] = useState("10");
  return html`<div class="row-actions">
    <form onSubmit=${(e) => { e.preventDefault(); run("POST", `${base}/plan`, { plan }); }}>
      <${Field} label="Plan"><input list="plans" value=${plan} onInput=${(e) => setPlan(e.target.value)} /><//><button type="submit">Set plan</button>
    </form>
    <form onSubmit=${(e) => { e.preventDefault(); run("POST", `${base}/credits`, { amount: Number(amount), description: "Manual credit" }); setAmount(""); }}>
      <${Field} label="Credits"><input type="number" min="0.001" step="0.001" required value=${amount} onInput=${(e) => setAmount(e.target.value)} /><//><button type="submit">Add credits</button>
    </form>
    <form onSubmit=${(e) => { e.preventDefault(); run("POST", `${base}/credit-packs`, { amount: Number(pack) }); }}>
      <${Field} label="Pack"><select value=${pack} onChange=${(e) => setPack(e.target.value)}>${PACKS.map((x) => html`<option value=${x}>${x}</option>`)}</select><//><button type="submit">Add pack</button>
    </form>
  </div>`;
}

export function Providers({ accountId }) {
  const p = paths(accountId);
  const health = useLoad(() => Promise.all([get(p.providersHealth), get(p.modelsHealth)]), [accountId]);
  const [providers, models] = health.data || [null, null];
  return html`<section>
    <h1>Providers</h1>
    <${Loading} state=${health}>${providers && html`<div>
      <${Table} columns=${[
        { label: "Provider", key: "provider" },
        { label: "Mode", render: (x) => html`<${Badge} value=${!x.configured ? "not_configured" : x.emulated ? "emulated" : "keyed"} />` },
        { label: "Status", render: (x) => html`<${Badge} value=${x.status} />` }, { label: "Circuit", key: "circuit_state" },
        { label: "Failure rate", render: (x) => `${(x.failure_rate * 100).toFixed(1)} %` },
        { label: "Window", render: (x) => `${x.window.successes} ok / ${x.window.failures} failed in ${x.window.duration_seconds / 60} min` },
      ]} rows=${providers.providers} />
      <h2>Fastest ranking per model</h2>
      <${Table} columns=${[
        { label: "Model", key: "model_identifier" }, { label: "Type", key: "model_type" },
        { label: "Ranking", render: (m) => m.fastest_ranking.join(" → ") },
        { label: "Samples", render: (m) => Object.entries(m.providers).map(([k, v]) => `${k}: ${v.samples}`).join(", ") },
      ]} rows=${models.models} />
    </div>`}<//>
  </section>`;
}

// Images are priced per output; videos per second, flat or by resolution and audio tier.
const price = (m) => {
  const unit = m.model_type === "video" ? "/s" : " / output";
  const p = m.model_pricing;
  if (typeof p === "number") return `${money(p)}${unit}`;
  return p && typeof p === "object" ? Object.entries(p).map(([k, v]) => `${k}: ${money(v)}${unit}`).join(", ") : "";
};

export function Catalog({ accountId }) {
  const catalog = useLoad(() => get(paths(accountId).libraryModels), [accountId]);
  const [q, setQ] = useState("");
  const rows = (catalog.data?.models || []).filter((m) => `${m.model_identifier} ${m.model_name}`.toLowerCase().includes(q.toLowerCase()));
  return html`<section>
    <h1>Catalog</h1>
    <${Field} label="Search models"><input type="search" value=${q} onInput=${(e) => setQ(e.target.value)} /><//>
    <${Loading} state=${catalog}>
      <${Table} columns=${[
        { label: "Model", key: "model_identifier" }, { label: "Name", key: "model_name" }, { label: "Type", key: "model_type" },
        { label: "Price", render: price }, { label: "Providers", render: (m) => m.model_supported_provider.join(", ") },
      ]} rows=${rows} />
    <//>
  </section>`;
}
