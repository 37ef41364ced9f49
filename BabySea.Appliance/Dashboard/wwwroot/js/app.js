// The page shell: sign-in, navigation, the operator's account picker, and the view for the current path.
import { render } from "../vendor/preact.mjs";
import { useEffect, useState } from "../vendor/hooks.mjs";
import { ApiFailure, can, get, isOperator, session, signIn } from "./api.js";
import { ErrorBox, Field, html } from "./ui.js";
import { Metrics } from "./pages/metrics.js";
import { Generations } from "./pages/generations.js";
import { Logs } from "./pages/logs.js";
import { Credits } from "./pages/credits.js";
import { Activity } from "./pages/activity.js";
import { Keys } from "./pages/keys.js";
import { Webhooks } from "./pages/webhooks.js";
import { Alerts } from "./pages/alerts.js";
import { Accounts, Catalog, Providers } from "./pages/operator.js";
import { Playground } from "./pages/playground.js";

const PAGES = [
  { id: "metrics", label: "Metrics", view: Metrics, allowed: () => can("account:read") },
  { id: "generations", label: "Generations", view: Generations, allowed: () => can("generation:read") },
  { id: "logs", label: "Logs", view: Logs, allowed: () => can("account:read") },
  { id: "credits", label: "Credits", view: Credits, allowed: () => can("account:read") },
  { id: "activity", label: "Activity", view: Activity, allowed: () => can("account:read") },
  { id: "keys", label: "API keys", view: Keys, allowed: () => can("account:read") },
  { id: "webhooks", label: "Webhooks", view: Webhooks, allowed: () => can("account:read") },
  { id: "alerts", label: "Alerts", view: Alerts, allowed: () => can("account:read") },
  { id: "accounts", label: "Accounts", view: Accounts, allowed: isOperator },
  { id: "providers", label: "Providers", view: Providers, allowed: () => can("health:read") },
  { id: "catalog", label: "Catalog", view: Catalog, allowed: () => can("library:read") },
];

const inPlayground = () => location.pathname.startsWith("/playground");
const hashPage = () => location.hash.replace(/^#\/?/, "").split("/")[0];

function SignIn({ onDone }) {
  const [kind, setKind] = useState("key");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const s = await signIn(kind, secret.trim());
      session.set(s);
      onDone(s);
    } catch (err) {
      setError(err instanceof ApiFailure ? err : { message: String(err) });
    }
  };
  return html`<main class="signin">
    <h1>BabySea Appliance</h1>
    <form onSubmit=${submit}>
      <fieldset>
        <legend>Sign in as</legend>
        <label class="inline"><input type="radio" name="kind" value="key" checked=${kind === "key"} onChange=${() => setKind("key")} /> Account (API key)</label>
        <label class="inline"><input type="radio" name="kind" value="operator" checked=${kind === "operator"} onChange=${() => setKind("operator")} /> Operator (admin token)</label>
      </fieldset>
      <${Field} label=${kind === "key" ? "API key" : "Admin token"} hint="Kept in this tab only; closing it signs you out.">
        <input type="password" name="secret" autocomplete="off" required value=${secret} onInput=${(e) => setSecret(e.target.value)} />
      <//>
      <button type="submit">Sign in</button>
      <${ErrorBox} error=${error} />
    </form>
  </main>`;
}

function AccountPicker({ accountId, onPick }) {
  const [accounts, setAccounts] = useState([]);
  useEffect(() => { get("/admin/v1/accounts").then((d) => setAccounts(d.accounts), () => setAccounts([])); }, []);
  return html`<${Field} label="Account">
    <select name="account" value=${accountId} onChange=${(e) => onPick(e.target.value)}>
      ${accounts.map((a) => html`<option value=${a.account_id}>${a.account_name} (${a.plan})</option>`)}
    </select>
  <//>`;
}

function Shell() {
  const [s, setS] = useState(session.get());
  const [page, setPage] = useState(hashPage());
  useEffect(() => {
    const onHash = () => setPage(hashPage());
    addEventListener("hashchange", onHash);
    return () => removeEventListener("hashchange", onHash);
  }, []);
  if (!s) return html`<${SignIn} onDone=${setS} />`;
  const signOut = () => { session.clear(); setS(null); };
  const pickAccount = (accountId) => { const next = { ...s, accountId }; session.set(next); setS(next); };
  const pages = PAGES.filter((p) => p.allowed());
  const current = pages.find((p) => p.id === page) || pages[0];
  const playground = inPlayground();
  return html`<div class="layout">
    <header>
      <strong class="brand">BabySea</strong>
      <nav aria-label="Pages">
        ${pages.map((p) => html`<a href=${`/dashboard/#/${p.id}`} aria-current=${!playground && p === current ? "page" : undefined}>${p.label}</a>`)}
        ${can("generation:write", "library:read") && !isOperator()
          && html`<a href="/playground/" aria-current=${playground ? "page" : undefined}>Playground</a>`}
      </nav>
      <span class="who">
        ${isOperator() && html`<${AccountPicker} accountId=${s.accountId} onPick=${pickAccount} />`}
        <span class="muted">${s.label}</span>
        <button type="button" onClick=${signOut}>Sign out</button>
      </span>
    </header>
    <main>
      ${playground
        ? (isOperator()
          ? html`<p>The playground sends real requests with an API key: sign out and sign in with one.</p>`
          : html`<${Playground} />`)
        : current ? html`<${current.view} key=${`${current.id}:${s.accountId}`} accountId=${s.accountId} />`
        : html`<p>This key has no scope that a page can use.</p>`}
    </main>
  </div>`;
}

render(html`<${Shell} />`, document.getElementById("app"));
