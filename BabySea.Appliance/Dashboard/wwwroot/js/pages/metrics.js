// Metrics: the plan card and the account's rollups for a period (GET /v1/analytics, or the operator's per-account route).
import { useMemo, useState } from "../../vendor/hooks.mjs";
import { get, isOperator, paths } from "../api.js";
import { Chart } from "../chart.js";
import { Field, Loading, Stat, Table, html, money, when, useLoad } from "../ui.js";

async function planCard(accountId) {
  if (isOperator()) {
    const { accounts } = await get("/admin/v1/accounts");
    const a = accounts.find((x) => x.account_id === accountId);
    return { plan: a?.plan, balance: a?.credit_balance };
  }
  const b = await get("/v1/user/billing");
  return { plan: b.billing_plan, balance: b.billing_credit_balance, status: b.billing_subscription_status, renews: b.billing_period_ends_at };
}

const ms = (v) => Math.round(v);
const sec = (v) => Number(v).toFixed(2);
const entries = (o) => Object.entries(o || {}).map(([k, v]) => ({ k, v })).sort((a, b) => b.v - a.v);

export function Metrics({ accountId }) {
  const [period, setPeriod] = useState("7d");
  const plan = useLoad(() => planCard(accountId), [accountId]);
  const data = useLoad(() => get(`${paths(accountId).analytics}?period=${period}`), [accountId, period]);
  return html`<section>
    <h1>Metrics</h1>
    <${Loading} state=${plan}>${plan.data && html`<div class="cards" data-plan-card>
      <${Stat} label="Plan" value=${plan.data.plan} />
      <${Stat} label="Balance" value=${money(plan.data.balance)} />
      ${plan.data.status && html`<${Stat} label="Status" value=${plan.data.status} />`}
      ${plan.data.renews && html`<${Stat} label="Renews" value=${when(plan.data.renews)} />`}
      ${data.data && html`<${Stat} label="Credits used this period" value=${money(data.data.credits.charged)} />`}
    </div>`}<//>
    <${Field} label="Period">
      <select name="period" value=${period} onChange=${(e) => setPeriod(e.target.value)}>
        <option value="24h">24 hours</option><option value="7d">7 days</option><option value="30d">30 days</option><option value="90d">90 days</option>
      </select>
    <//>
    <${Loading} state=${data}>${data.data && html`<${Report} d=${data.data} />`}<//>
  </section>`;
}

function Report({ d }) {
  const times = useMemo(() => d.series.map((s) => s.start), [d]);
  const pick = (group, keys) => keys.map((k) => ({ label: k, values: d.series.map((s) => s[group][k]) }));
  const g = d.generations;
  return html`<div data-analytics>
    <div class="cards">
      <${Stat} label="Succeeded" value=${g.succeeded} /><${Stat} label="Failed" value=${g.failed} />
      <${Stat} label="Canceled" value=${g.canceled} /><${Stat} label="Failed over" value=${g.failed_over} />
      <${Stat} label="Requests" value=${d.requests.total} />
      <${Stat} label="Latency p50/p95/p99" value=${`${ms(d.latency_ms.p50)}/${ms(d.latency_ms.p95)}/${ms(d.latency_ms.p99)} ms`} />
      <${Stat} label="Inference p50/p95/avg" value=${`${sec(d.inference_seconds.p50)}/${sec(d.inference_seconds.p95)}/${sec(d.inference_seconds.avg)} s`} />
      <${Stat} label="Webhooks delivered/failed" value=${`${d.webhooks.delivered}/${d.webhooks.failed}`} />
    </div>
    <div class="charts">
      <${Chart} title="Generations" times=${times} series=${useMemo(() => pick("generations", ["succeeded", "failed", "canceled", "failed_over"]), [d])} />
      <${Chart} title="Requests" times=${times} series=${useMemo(() => pick("requests", ["success", "client_errors", "server_errors"]), [d])} />
      <${Chart} title="Credits" times=${times} series=${useMemo(() => pick("credits", ["reserved", "charged", "refunded", "granted"]), [d])} />
      <${Chart} title="Webhooks" times=${times} series=${useMemo(() => pick("webhooks", ["delivered", "failed"]), [d])} />
    </div>
    <div class="grid2">
      <${Table} caption="Requests by status" columns=${[{ label: "Status", key: "k" }, { label: "Count", key: "v" }]} rows=${entries(d.requests.by_status)} />
      <${Table} caption="Requests by endpoint" columns=${[{ label: "Endpoint", key: "k" }, { label: "Count", key: "v" }]} rows=${entries(d.requests.by_endpoint)} />
      <${Table} caption="Requests by key" columns=${[{ label: "Key", render: (r) => `${r.key_name} (${r.key_prefix})` }, { label: "Count", key: "count" }]} rows=${d.requests.by_key} />
      <${Table} caption="Errors by BSE code" columns=${[{ label: "Code", key: "k" }, { label: "Count", key: "v" }]} rows=${entries(d.errors_by_code)} />
      <${Table} caption="Models" columns=${[{ label: "Model", key: "model" }, { label: "Generations", key: "generations" }, { label: "Succeeded", key: "succeeded" }, { label: "Credits", render: (r) => money(r.credits) }]} rows=${d.models} />
      <${Table} caption="Providers" columns=${[{ label: "Provider", key: "provider" }, { label: "Attempts", key: "attempts" }, { label: "Used", key: "used" }, { label: "Failed", key: "failed" }, { label: "Wasted", key: "wasted" }]} rows=${d.providers} />
    </div>
  </div>`;
}
