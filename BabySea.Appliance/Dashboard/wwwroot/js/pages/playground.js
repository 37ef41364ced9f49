// The playground: a request built from the model's schema and limits, its live cost, the real /v1 routes, a live
// timeline by polling, the result, cancel, and the same request as curl or an SDK call.
import { useEffect, useRef, useState } from "../../vendor/hooks.mjs";
import { ApiFailure, call, can, get } from "../api.js";
import { Badge, CopyButton, ErrorBox, Field, Loading, html, money, useLoad } from "../ui.js";
import { Attempts, Output } from "./generations.js";

const TERMINAL = ["succeeded", "failed", "canceled"];

/** The body exactly as it will be sent: only fields the model takes, values typed as the API expects. */
function buildBody(model, v) {
  const s = model.schema;
  const body = { generation_prompt: v.prompt };
  if (v.ratio) body.generation_ratio = v.ratio;
  if (v.format) body.generation_output_format = v.format;
  if (s.generation_output_number > 1) body.generation_output_number = Number(v.count || 1);
  const files = (v.files || "").split(/\s+/).filter(Boolean);
  if (s.generation_input_file && files.length) body.generation_input_file = files;
  if (s.generation_duration) body.generation_duration = Number(v.duration || s.generation_duration[0]);
  if (s.generation_resolution && v.resolution) body.generation_resolution = v.resolution;
  if (s.generation_generate_audio !== undefined) body.generation_generate_audio = !!v.audio;
  for (const name of model.specific_schema) {
    const raw = (v.extra?.[name] || "").trim();
    if (!raw) continue;
    try { body[name] = JSON.parse(raw); } catch { body[name] = raw; }
  }
  if (v.order.trim()) body.generation_provider_order = v.order.trim();
  return body;
}

const shellQuote = (s) => `'${s.replaceAll("'", "'\\''")}'`;

function curlOf(path, body, idem) {
  return [`curl -s -X POST ${shellQuote(location.origin + path)}`, `  -H "Authorization: Bearer $BABYSEA_KEY"`,
    `  -H "Content-Type: application/json"`, ...(idem ? [`  -H ${shellQuote(`Idempotency-Key: ${idem}`)}`] : []),
    `  -d ${shellQuote(JSON.stringify(body))}`].join(" \\\n");
}

// The SDK picks the video route itself when generation_duration is present.
function sdkOf(modelId, body, idem) {
  return `import { BabySea } from "babysea";\n\nconst client = new BabySea({ apiKey: process.env.BABYSEA_KEY, baseUrl: ${JSON.stringify(location.origin)} });\n`
    + `const generation = await client.generateAndWait(${JSON.stringify(modelId)}, ${JSON.stringify(body, null, 2)}${idem ? `, { idempotencyKey: ${JSON.stringify(idem)} }` : ""});\n`;
}

export function Playground() {
  const catalog = useLoad(() => get("/v1/library/models"), []);
  const [kind, setKind] = useState("image");
  const [search, setSearch] = useState("");
  const [modelId, setModelId] = useState("");
  const models = (catalog.data?.models || []).filter((m) => m.model_type === kind);
  const matching = models.filter((m) => `${m.model_identifier} ${m.model_name}`.toLowerCase().includes(search.toLowerCase()));
  const model = models.find((m) => m.model_identifier === modelId) || matching[0];
  return html`<section class="playground">
    <h1>Playground</h1>
    <div role="tablist" aria-label="Media type">
      ${["image", "video"].map((k) => html`<button type="button" role="tab" aria-selected=${kind === k} onClick=${() => { setKind(k); setModelId(""); }}>${k === "image" ? "Image" : "Video"}</button>`)}
    </div>
    <${Loading} state=${catalog}>
      <div class="filters">
        <${Field} label="Search models"><input type="search" name="model-search" value=${search} onInput=${(e) => setSearch(e.target.value)} /><//>
        <${Field} label="Model"><select name="model" value=${model?.model_identifier} onChange=${(e) => setModelId(e.target.value)}>
          ${matching.map((m) => html`<option value=${m.model_identifier}>${m.model_identifier} — ${m.model_name}</option>`)}</select><//>
      </div>
      ${model && html`<${Request} key=${model.model_identifier} model=${model} kind=${kind} />`}
    <//>
  </section>`;
}

function Request({ model, kind }) {
  const s = model.schema;
  const limits = model.model_limits;
  const d = model.model_defaults || {};
  const [v, setV] = useState({
    prompt: "", ratio: d.generation_ratio || s.generation_ratio[0], format: d.generation_output_format || s.generation_output_format[0], count: 1,
    files: "", duration: s.generation_duration?.[0], resolution: s.generation_resolution?.[0] || "", audio: false, extra: {}, order: "", idem: "",
  });
  const [estimate, setEstimate] = useState(null);
  const [error, setError] = useState(null);
  const [generation, setGeneration] = useState(null);
  const [busy, setBusy] = useState(false);
  const poll = useRef(null);
  const set = (k, f = (e) => e.target.value) => (e) => setV({ ...v, [k]: f(e) });
  const body = buildBody(model, v);
  const path = `/v1/generate/${kind}/${model.model_identifier}`;

  useEffect(() => {
    const q = new URLSearchParams({ count: String(body.generation_output_number || 1) });
    if (body.generation_duration) q.set("duration", String(body.generation_duration));
    if (body.generation_resolution) q.set("resolution", body.generation_resolution);
    if (body.generation_generate_audio !== undefined) q.set("audio", String(body.generation_generate_audio));
    const t = setTimeout(() => get(`/v1/estimate/${model.model_identifier}?${q}`).then(setEstimate, () => setEstimate(null)), 150);
    return () => clearTimeout(t);
  }, [model.model_identifier, v.count, v.duration, v.resolution, v.audio]);
  useEffect(() => () => clearTimeout(poll.current), []);

  const follow = async (id) => {
    try {
      const g = await get(`/v1/content/${id}`);
      setGeneration(g);
      if (!TERMINAL.includes(g.generation_status)) poll.current = setTimeout(() => follow(id), 600);
    } catch (e) { setError(e); }
  };
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setGeneration(null);
    clearTimeout(poll.current);
    setBusy(true);
    try {
      const r = await call("POST", path, body, v.idem.trim() ? { "Idempotency-Key": v.idem.trim() } : {});
      await follow(r.data.generation_id);
    } catch (err) { setError(err instanceof ApiFailure ? err : { message: String(err) }); }
    setBusy(false);
  };
  const cancel = async () => {
    try { await call("POST", `/v1/content/generation/cancel/${generation.generation_id}`); } catch (err) { setError(err); }
  };
  const live = generation && !TERMINAL.includes(generation.generation_status);
  return html`<div class="grid2">
    <form class="panel" onSubmit=${submit} aria-label="Generation request">
      <${Field} label="Prompt" hint=${`At most ${limits.max_prompt_length} characters.`}>
        <textarea name="prompt" required maxlength=${limits.max_prompt_length} rows="4" value=${v.prompt} onInput=${set("prompt")}></textarea><//>
      <${Field} label="Ratio"><select name="ratio" value=${v.ratio} onChange=${set("ratio")}>${s.generation_ratio.map((x) => html`<option>${x}</option>`)}</select><//>
      <${Field} label="Format"><select name="format" value=${v.format} onChange=${set("format")}>${s.generation_output_format.map((x) => html`<option>${x}</option>`)}</select><//>
      ${s.generation_output_number > 1 && html`<${Field} label="Count"><input type="number" name="count" min=${limits.min_output_number} max=${limits.max_output_number} value=${v.count} onInput=${set("count")} /><//>`}
      ${s.generation_duration && html`<${Field} label="Duration (seconds)"><select name="duration" value=${v.duration} onChange=${set("duration")}>${s.generation_duration.map((x) => html`<option value=${x}>${x}</option>`)}</select><//>`}
      ${s.generation_resolution && html`<${Field} label="Resolution"><select name="resolution" value=${v.resolution} onChange=${set("resolution")}>${s.generation_resolution.map((x) => html`<option>${x}</option>`)}</select><//>`}
      ${s.generation_generate_audio !== undefined && html`<label class="inline"><input type="checkbox" name="audio" checked=${v.audio} disabled=${!s.generation_generate_audio} onChange=${set("audio", (e) => e.target.checked)} /> Generate audio</label>`}
      ${s.generation_input_file && html`<${Field} label=${`Input file URLs (${limits.min_input_files}–${limits.max_input_files})`} hint="One http(s) URL per line.">
        <textarea name="files" rows="2" required=${limits.min_input_files > 0} value=${v.files} onInput=${set("files")}></textarea><//>`}
      ${model.specific_schema.map((name) => html`<${Field} label=${name} hint="Optional; JSON values (numbers, true/false) are sent typed.">
        <input name=${name} value=${v.extra[name] || ""} onInput=${(e) => setV({ ...v, extra: { ...v.extra, [name]: e.target.value } })} /><//>`)}
      <${Field} label="Provider order (optional)" hint=${`fastest, or providers separated by commas: ${model.model_supported_provider.join(", ")}`}>
        <input name="order" value=${v.order} onInput=${set("order")} /><//>
      <${Field} label="Idempotency-Key (optional)"><input name="idempotency" value=${v.idem} onInput=${set("idem")} /><//>
      <p data-estimate>${estimate
        ? html`Estimated cost <strong>${money(estimate.cost_total_consumed)}</strong>; balance ${money(estimate.credit_balance)}
          ${estimate.credit_balance_can_afford === false ? html` — <strong>not enough credits</strong>` : ""}`
        : "Estimating…"}</p>
      <button type="submit" disabled=${busy || live || !can("generation:write")}>Generate</button>
      ${live && can("generation:delete") && html` <button type="button" onClick=${cancel}>Cancel</button>`}
      <div class="copy-as"><${CopyButton} label="Copy as curl" text=${curlOf(path, body, v.idem.trim())} />
        <${CopyButton} label="Copy as SDK call" text=${sdkOf(model.model_identifier, body, v.idem.trim())} /></div>
    </form>
    <div class="panel" aria-live="polite">
      <${ErrorBox} error=${error} />
      ${generation && html`<div data-result>
        <p>Generation <code>${generation.generation_id}</code> <${Badge} value=${generation.generation_status} /></p>
        <${Attempts} g=${generation} />
        <div class="outputs">${(generation.generation_output_file || []).map((u, i) => html`<div>
          <${Output} url=${u} large /><a href=${u} download=${`${generation.generation_id}-${i}`}>Download</a></div>`)}</div>
      </div>`}
    </div>
  </div>`;
}
