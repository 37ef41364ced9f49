// The one way pages talk to the appliance: the signed-in secret, the envelope, errors with their BSE code, and the
// paths of an account's data for each kind of sign-in.

const STORE = "babysea.session";

/** The sign-in, kept for this tab only (sessionStorage), never in a URL or a cookie. */
export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(STORE) || "null"); } catch { return null; }
  },
  set(value) { sessionStorage.setItem(STORE, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(STORE); },
};

export class ApiFailure extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code || `HTTP ${status}`;
    this.type = error?.type || "";
    this.details = error?.details;
  }
}

/** Calls the API with the session's secret; answers the whole envelope or throws an ApiFailure. */
export async function call(method, path, body, headers = {}) {
  const s = session.get();
  const init = { method, headers: { ...headers } };
  if (s) init.headers.Authorization = `Bearer ${s.secret}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let json = null;
  try { json = await response.json(); } catch { /* a body that is not JSON is reported by status */ }
  if (!response.ok || json?.status !== "success") throw new ApiFailure(response.status, json?.error);
  return json;
}

export const get = (path) => call("GET", path).then((r) => r.data);

export const isOperator = () => session.get()?.kind === "operator";

/** Whether the signed-in key holds every given scope (the operator may do everything). */
export function can(...scopes) {
  const s = session.get();
  return !!s && (s.kind === "operator" || scopes.every((x) => s.scopes?.includes(x)));
}

/** Account changes (keys, webhooks, alerts) need a key with every scope, as the API requires. */
export const canManage = () => can("generation:write", "generation:read", "generation:delete", "account:read", "health:read", "library:read");

/** Where an account's data lives: /v1 for a key (its own account), /admin/v1/accounts/{id} for the operator. */
export function paths(accountId) {
  const op = isOperator();
  const a = `/admin/v1/accounts/${encodeURIComponent(accountId || "")}`;
  return {
    analytics: op ? `${a}/analytics` : "/v1/analytics",
    logs: op ? `${a}/logs` : "/v1/logs",
    ledger: op ? `${a}/ledger` : "/v1/credits/ledger",
    activity: op ? `${a}/activity` : "/v1/activity",
    alerts: op ? `${a}/alerts` : "/v1/alerts",
    keys: op ? `${a}/keys` : "/v1/keys",
    revokeKey: (id) => (op ? `/admin/v1/keys/${id}/revoke` : `/v1/keys/${id}/revoke`),
    webhooks: op ? `${a}/webhooks` : "/v1/webhooks",
    generations: op ? `${a}/generations` : "/v1/content/list",
    generation: (id) => (op ? `${a}/generations/${id}` : `/v1/content/${id}`),
    cancel: (id) => (op ? `${a}/generations/${id}/cancel` : `/v1/content/generation/cancel/${id}`),
    remove: (id) => (op ? `${a}/generations/${id}` : `/v1/content/${id}`),
    providersHealth: op ? "/admin/v1/health/inference/providers" : "/v1/health/inference/providers",
    modelsHealth: op ? "/admin/v1/health/inference/models" : "/v1/health/inference/models",
    libraryModels: op ? "/admin/v1/library/models" : "/v1/library/models",
    libraryProviders: op ? "/admin/v1/library/providers" : "/v1/library/providers",
  };
}

/** Checks a secret and builds the session: the admin token lists accounts, a key reads its own scopes. */
export async function signIn(kind, secret) {
  const headers = { Authorization: `Bearer ${secret}` };
  const path = kind === "operator" ? "/admin/v1/accounts" : "/v1/keys/self";
  const response = await fetch(path, { headers });
  const json = await response.json().catch(() => null);
  if (!response.ok || json?.status !== "success") throw new ApiFailure(response.status, json?.error);
  if (kind === "operator") {
    const first = json.data.accounts[0];
    return { kind, secret, accountId: first?.account_id || "", label: "Operator" };
  }
  const key = json.data;
  return { kind, secret, accountId: key.account_id, scopes: key.scopes, label: `${key.apikey_name} (${key.apikey_prefix}…)` };
}

/** Saves rows as a JSON or CSV file the browser downloads. */
export function download(rows, name, format) {
  let text;
  if (format === "json") text = JSON.stringify(rows, null, 2);
  else {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const cell = (v) => {
      const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
      return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    text = [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\r\n");
  }
  const url = URL.createObjectURL(new Blob([text], { type: format === "json" ? "application/json" : "text/csv" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: `${name}.${format}` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
