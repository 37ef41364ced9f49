// Alerts: the low-balance thresholds (default one at $0.500), edited with a full-access key.
import { useEffect, useState } from "../../vendor/hooks.mjs";
import { call, canManage, get, paths } from "../api.js";
import { ErrorBox, Field, Loading, html, money, useLoad } from "../ui.js";

export function Alerts({ accountId }) {
  const path = paths(accountId).alerts;
  const alerts = useLoad(() => get(path), [accountId]);
  const [enabled, setEnabled] = useState(true);
  const [text, setText] = useState("");
  const [result, setResult] = useState(null);
  useEffect(() => {
    if (!alerts.data) return;
    setEnabled(alerts.data.enabled);
    setText(alerts.data.thresholds.join(", "));
  }, [alerts.data]);
  const save = async (e) => {
    e.preventDefault();
    const list = text.split(/[\s,]+/).filter(Boolean).map(Number);
    try {
      await call("PUT", path, { enabled, thresholds: list.length ? list : null });
      setResult({ ok: true });
      alerts.reload();
    } catch (err) { setResult({ error: err }); }
  };
  return html`<section>
    <h1>Alerts</h1>
    <${Loading} state=${alerts}>${alerts.data && html`<div>
      <p data-alerts>Low-balance alerts are <strong>${alerts.data.enabled ? "on" : "off"}</strong> at
        ${alerts.data.thresholds.map(money).join(", ")}${alerts.data.custom ? "" : " (the default)"}.
        ${alerts.data.fired.length > 0 && ` Fired and waiting to re-arm: ${alerts.data.fired.map(money).join(", ")}.`}</p>
      ${canManage() && html`<form class="panel" onSubmit=${save} aria-label="Edit alerts">
        <label class="inline"><input type="checkbox" checked=${enabled} onChange=${(e) => setEnabled(e.target.checked)} /> Alerts enabled</label>
        <${Field} label="Thresholds in credits" hint="Up to 10, separated by commas; empty restores the default $0.500.">
          <input name="thresholds" value=${text} onInput=${(e) => setText(e.target.value)} /><//>
        <button type="submit">Save</button>
        ${result?.ok && html`<span role="status"> Saved.</span>`}
        <${ErrorBox} error=${result?.error} />
      </form>`}
    </div>`}<//>
  </section>`;
}
