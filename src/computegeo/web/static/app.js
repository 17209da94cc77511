// computegeo page: map, live screening, scenario editor and plan runs. Talks only to this server.
"use strict";

const CRITERIA = [
  ["price", "power price", 3], ["carbon", "grid carbon", 2], ["renewables", "renewable share", 0],
  ["democracy", "democracy", 2], ["stability", "political stability", 0],
  ["time_to_power", "time to power", 1], ["headroom", "power headroom", 0], ["rent", "colo rent", 0],
  ["seismic_hazard", "seismic hazard", 0], ["connectivity", "connectivity", 0],
];
const SAMPLES = 200;          // weight draws of the robustness figures
const ROBUST_DELAY_MS = 250;  // robustness is recomputed once the sliders rest this long
const COLOURS = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

const state = { markets: [], byId: {}, map: null, rankSeq: 0, robustTimer: null, job: null, source: null, prefix: "/api/plans" };
const $ = (id) => document.getElementById(id);
const svgNS = "http://www.w3.org/2000/svg";

async function api(path, options) {
  const response = await fetch(path, options);
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  return { status: response.status, body, headers: response.headers };
}

function postJson(path, doc) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(doc) });
}

function el(tag, attrs, text) {
  const node = tag.startsWith("svg:") ? document.createElementNS(svgNS, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function fmt(value) {
  if (typeof value !== "number") return String(value);
  if (Math.abs(value) >= 1000) return value.toLocaleString("en", { maximumFractionDigits: 0 });
  return value.toLocaleString("en", { maximumFractionDigits: 3 });
}

// ---- map ---------------------------------------------------------------------------------
function numericAttributes() {
  const first = state.markets[0];
  return Object.keys(first.attributes).filter((a) => state.markets.every(
    (m) => m.attributes[a] && (typeof m.attributes[a].value === "number" || m.attributes[a].value === null))
    && !["latitude", "longitude"].includes(a));
}

function drawMap() {
  const svg = $("world");
  const map = state.map;
  svg.setAttribute("viewBox", `0 0 ${map.width_px} ${map.height_px.toFixed(1)}`);
  const land = el("svg:g", { class: "land-layer" });
  for (const c of map.countries) land.appendChild(el("svg:path", { d: c.d, class: "land" }));
  svg.appendChild(land);
  svg.appendChild(el("svg:g", { id: "sites" }));
  const dots = el("svg:g", { id: "markets" });
  for (const m of state.markets) {
    const xy = map.markets[m.id];
    const dot = el("svg:circle", { cx: xy[0], cy: xy[1], r: 5, class: "market", "data-id": m.id });
    dot.addEventListener("mouseenter", (ev) => showTooltip(m, ev));
    dot.addEventListener("mousemove", (ev) => moveTooltip(ev));
    dot.addEventListener("mouseleave", () => { $("tooltip").hidden = true; });
    dots.appendChild(dot);
  }
  svg.appendChild(dots);
  $("map-source").textContent = `Outlines: ${map.provenance.source || "Natural Earth"} (${map.provenance.licence || map.provenance.license || "public domain"}); Equal Earth projection.`;
}

function colourMap() {
  const attr = $("colour-by").value;
  const values = state.markets.map((m) => m.attributes[attr].value).filter((v) => typeof v === "number");
  const lo = Math.min(...values), hi = Math.max(...values);
  for (const dot of document.querySelectorAll("#markets circle")) {
    const v = state.byId[dot.dataset.id].attributes[attr].value;
    const k = typeof v !== "number" ? -1 : hi > lo ? Math.min(4, Math.floor(((v - lo) / (hi - lo)) * 5)) : 2;
    dot.setAttribute("fill", k < 0 ? "#bbb" : COLOURS[k]);
  }
  const unit = state.markets[0].attributes[attr].unit || "";
  const legend = $("legend");
  legend.textContent = `${fmt(lo)} `;
  for (const c of COLOURS) { const s = el("span", { class: "swatch" }); s.style.background = c; legend.appendChild(s); }
  legend.appendChild(document.createTextNode(` ${fmt(hi)} ${unit}`));
}

function showTooltip(m, ev) {
  const attr = $("colour-by").value;
  const a = m.attributes[attr];
  const tip = $("tooltip");
  tip.replaceChildren(
    el("strong", {}, `${m.name} (${m.id}), ${m.country}`), el("br"),
    document.createTextNode(`${attr}: ${a.value === null ? "n/a" : fmt(a.value)} ${a.unit || ""}`), el("br"),
    document.createTextNode(`source: ${a.source} (${a.year ?? "n.d."})${a.estimated ? ", estimated: " + (a.estimate_rule || "") : ""}`),
  );
  tip.hidden = false;
  moveTooltip(ev);
}

function moveTooltip(ev) {
  const box = $("map-wrap").getBoundingClientRect();
  const tip = $("tooltip");
  tip.style.left = `${Math.min(ev.clientX - box.left + 12, box.width - 300)}px`;
  tip.style.top = `${ev.clientY - box.top + 12}px`;
}

// ---- screening ---------------------------------------------------------------------------
function buildSliders() {
  const box = $("sliders");
  for (const [key, label, w] of CRITERIA) {
    const row = el("label", { class: "slider" });
    row.appendChild(el("span", {}, label));
    const input = el("input", { type: "range", min: 0, max: 10, step: 1, value: w, "data-criterion": key, id: `w-${key}` });
    const out = el("output", { for: `w-${key}` }, String(w));
    input.addEventListener("input", () => { out.textContent = input.value; rerank(); });
    row.append(input, out);
    box.appendChild(row);
  }
  for (const id of ["min-democracy", "no-moratorium", "oecd-only", "method"]) $(id).addEventListener("input", rerank);
}

function screenRequest(samples) {
  const weights = {};
  for (const input of document.querySelectorAll("#sliders input")) {
    if (Number(input.value) > 0) weights[input.dataset.criterion] = Number(input.value);
  }
  const filters = [];
  const minDem = Number($("min-democracy").value);
  if (minDem > 0) filters.push(`democracy_index >= ${minDem}`);
  if ($("no-moratorium").checked) filters.push("not moratorium");
  if ($("oecd-only").checked) filters.push("oecd");
  // the live ranking skips the sensitivity analysis (its swap search is most of a screen's time)
  const sensitivity = samples > 0 ? { samples, top_k: 5, seed: 0 } : null;
  return { weights, filters, method: $("method").value, sensitivity };
}

async function rerank() {
  const seq = ++state.rankSeq;
  const started = performance.now();
  const res = await postJson("/api/screen", screenRequest(0));
  if (seq !== state.rankSeq) return;  // a newer slider position is on its way
  if (!showScreenError(res)) return;
  renderRanking(res.body, false);
  $("rank-time").textContent = `Ranked ${res.body.ranking.length} markets in ${Math.round(performance.now() - started)} ms.`;
  $("rank-time").dataset.ms = String(performance.now() - started);
  clearTimeout(state.robustTimer);
  state.robustTimer = setTimeout(() => robustness(seq), ROBUST_DELAY_MS);
}

async function robustness(seq) {
  const res = await postJson("/api/screen", screenRequest(SAMPLES));
  if (seq !== state.rankSeq || !showScreenError(res)) return;
  renderRanking(res.body, true);
  $("robust-note").textContent = `Robustness from ${SAMPLES} weight draws around these weights.`;
}

function showScreenError(res) {
  const box = $("screen-error");
  if (res.status === 200) { box.hidden = true; return true; }
  box.hidden = false;
  box.textContent = (res.body.errors || []).map((e) => e.message).join(" ") || res.body.message;
  return false;
}

function renderRanking(doc, robust) {
  const body = $("ranking").querySelector("tbody");
  body.replaceChildren();
  for (const row of doc.ranking.slice(0, 15)) {
    const tr = el("tr", { "data-market": row.market_id });
    tr.appendChild(el("td", { class: "num" }, String(row.rank)));
    tr.appendChild(el("td", {}, `${row.name} (${row.country})`));
    tr.appendChild(el("td", { class: "num" }, row.score.toFixed(3)));
    tr.appendChild(el("td", { class: "num" }, robust && row.top_k_share !== undefined ? `${Math.round(row.top_k_share * 100)} %` : "…"));
    tr.appendChild(el("td", { class: "num" }, robust && row.rank_p05 !== undefined ? `${row.rank_p05}–${row.rank_p95}` : "…"));
    body.appendChild(tr);
  }
  const swaps = doc.sensitivity ? doc.sensitivity.swaps : [];
  $("swap-note").textContent = swaps.length ? swaps[0].description : "";
  const kept = new Set(doc.ranking.map((r) => r.market_id));
  for (const dot of document.querySelectorAll("#markets circle")) dot.classList.toggle("muted", !kept.has(dot.dataset.id));
}

// ---- scenario editor ---------------------------------------------------------------------
function yamlLine(key) {
  const parts = key.split(".");
  if (parts.length === 1) return new RegExp(`^(${parts[0]}:[ \\t]*)([^#\\n]*?)([ \\t]*(#.*)?)$`, "m");
  return new RegExp(`^(${parts[0]}:[^\\n]*\\n(?:(?:[ \\t]+[^\\n]*|[ \\t]*#[^\\n]*|)\\n)*?[ \\t]+${parts[1]}:[ \\t]*)([^#\\n]*?)([ \\t]*(#.*)?)$`, "m");
}

function fieldsFromYaml() {
  const text = $("yaml").value;
  for (const input of document.querySelectorAll(".fields input")) {
    const m = text.match(yamlLine(input.dataset.key));
    input.value = m ? m[2].replace(/^"(.*)"$/, "$1") : "";
  }
}

function fieldToYaml(input) {
  const re = yamlLine(input.dataset.key);
  const text = $("yaml").value;
  const value = input.type === "text" ? JSON.stringify(input.value) : input.value;
  if (re.test(text)) $("yaml").value = text.replace(re, (_all, head, _old, tail) => `${head}${value}${tail || ""}`);
}

async function loadExample() {
  const res = await api(`/api/examples/${encodeURIComponent($("example").value)}`);
  $("yaml").value = res.body;
  fieldsFromYaml();
  clearErrors();
}

function clearErrors() {
  for (const p of document.querySelectorAll(".field-error")) { p.hidden = true; p.textContent = ""; }
  for (const i of document.querySelectorAll(".invalid")) i.classList.remove("invalid");
  $("yaml-errors").replaceChildren();
}

function showErrors(body) {
  clearErrors();
  for (const e of body.errors || [{ field: "", message: body.message }]) {
    const slot = document.querySelector(`.field-error[data-for="${CSS.escape(e.field)}"]`);
    if (slot) {
      slot.hidden = false;
      slot.textContent = e.message;
      document.querySelector(`input[data-key="${CSS.escape(e.field)}"]`).classList.add("invalid");
    } else {
      const where = e.field ? `${e.field}${e.line ? ` (line ${e.line})` : ""}: ` : "";
      $("yaml-errors").appendChild(el("li", { "data-field": e.field }, where + e.message));
      $("yaml").classList.add("invalid");
    }
  }
}

async function validateScenario() {
  const res = await postJson("/api/scenarios/validate", { scenario: $("yaml").value });
  if (res.status === 422) { showErrors(res.body); return false; }
  clearErrors();
  if (res.status !== 200) { $("yaml-errors").appendChild(el("li", {}, res.body.message)); return false; }
  $("yaml-errors").appendChild(el("li", { class: "ok" }, `valid: ${res.body.name}`));
  return true;
}

// ---- plan runs ---------------------------------------------------------------------------
async function runPlan() {
  const res = await postJson("/api/plans", { scenario: $("yaml").value });
  if (res.status === 422) { showErrors(res.body); return; }
  if (res.status === 429) { $("job-status").textContent = `${res.body.message} (Retry-After ${res.headers.get("Retry-After")} s)`; return; }
  if (res.status !== 200 && res.status !== 202) { $("job-status").textContent = res.body.message; return; }
  clearErrors();
  follow(res.body.id);
}

async function runRisk() {
  const stress = $("risk-stress").value.split("\n").map((t) => t.trim()).filter((t) => t);
  const body = { scenario: $("yaml").value, futures: Number($("risk-futures").value), seed: Number($("risk-seed").value), stress };
  const res = await postJson("/api/risk", body);
  if (res.status === 422) { showErrors(res.body); return; }
  if (res.status === 429) { $("job-status").textContent = `${res.body.message} (Retry-After ${res.headers.get("Retry-After")} s)`; return; }
  if (res.status !== 200 && res.status !== 202) { $("job-status").textContent = res.body.message; return; }
  clearErrors();
  follow(res.body.id, "/api/risk");
}

function follow(id, prefix = "/api/plans") {
  if (state.source) state.source.close();
  state.job = id;
  state.prefix = prefix;
  delete $("job-status").dataset.status;
  $("progress").replaceChildren();
  $("result").replaceChildren();
  $("report").hidden = true;
  $("cancel").disabled = false;
  $("job-status").textContent = `job ${id}: queued`;
  const source = new EventSource(`${prefix}/${id}/events`);
  state.source = source;
  source.addEventListener("progress", (ev) => {
    const e = JSON.parse(ev.data);
    const gap = e.gap !== null ? `, gap ${(e.gap * 100).toFixed(2)} %` : "";
    const t = e.elapsed_s !== null ? ` [${e.elapsed_s.toFixed(1)} s]` : "";
    $("progress").appendChild(el("li", { "data-stage": e.stage }, `${e.stage}: ${e.message}${gap}${t}`));
    $("progress").scrollTop = $("progress").scrollHeight;
    $("job-status").textContent = `job ${id}: ${e.stage}`;
  });
  source.addEventListener("end", () => { source.close(); finished(id); });
}

async function finished(id) {
  $("cancel").disabled = true;
  const res = await api(`${state.prefix}/${id}`);
  const job = res.body;
  $("job-status").textContent = `job ${id}: ${job.status}`;
  $("job-status").dataset.status = job.status;
  if (job.status === "done" && job.risk) {
    showRisk(job);
  } else if (job.status === "done") {
    showResult(job);
  } else if (job.error) {
    $("result").replaceChildren(el("p", { class: "error" }, [job.error.message, ...job.error.problems].join(" — ")));
  }
  refreshRuns();
}

function lastCapacity(plan) {
  const periods = [...new Set(plan.capacity.map((c) => c.period))].sort();
  const last = periods[periods.length - 1];
  const mw = {};
  for (const c of plan.capacity) if (c.period === last) mw[c.market_id] = (mw[c.market_id] || 0) + c.capacity_mw;
  return { last, mw };
}

function showResult(job) {
  const plan = job.plan;
  const k = plan.kpis;
  const { last, mw } = lastCapacity(plan);
  const total = Object.values(mw).reduce((a, b) => a + b, 0);
  $("result").replaceChildren(
    el("p", {}, `${job.name}: ${plan.solve.status}, gap ${(plan.solve.mip_gap * 100).toFixed(2)} %. Cost (NPV) $${(k.npv_usd / 1e9).toFixed(2)} bn; ${fmt(total)} MW in ${last} in ${Object.values(mw).filter((v) => v > 0.5).length} markets; unmet up to ${fmt(k.unmet_mw)} MW.`),
    el("a", { href: job.report_url, target: "_blank" }, "open the report"),
  );
  const sites = $("sites");
  sites.replaceChildren();
  for (const [id, v] of Object.entries(mw)) {
    const xy = state.map.markets[id];
    if (!xy || v < 0.5) continue;
    const c = el("svg:circle", { cx: xy[0], cy: xy[1], r: (4 + Math.sqrt(v) / 2).toFixed(1), class: "site", "data-id": id });
    c.appendChild(el("svg:title", {}, `${id}: ${fmt(v)} MW in ${last}`));
    sites.appendChild(c);
  }
  const frame = $("report");
  frame.src = job.report_url;
  frame.hidden = false;
}

function showRisk(job) {
  const r = job.risk;
  const bn = (usd) => `$${(usd / 1e9).toFixed(2)} bn`;
  const items = [
    el("p", {}, `${job.name}: ${fmt(r.futures)} futures, seed ${r.seed}. Cost (NPV) mean ${bn(r.cost_usd.mean)}, p95 ${bn(r.cost_usd.p95)}, CVaR ${Math.round(r.cost_usd.var_level * 100)} % ${bn(r.cost_usd.cvar)}; forecast ${bn(r.cost_usd.forecast)}. Unmet demand above ${fmt(r.unmet_mw.threshold_mw)} MW in ${(r.unmet_mw.probability_above_threshold * 100).toFixed(1)} % of futures (max ${fmt(r.unmet_mw.max)} MW).`),
  ];
  for (const st of r.stress) items.push(el("p", { class: "note" }, `stress "${st.name}": cost ${bn(st.cost_usd)} (+${bn(st.extra_cost_usd)}), unmet ${fmt(st.unmet_mw)} MW`));
  items.push(el("a", { href: job.report_url, target: "_blank" }, "open the report"));
  $("result").replaceChildren(...items);
  $("sites").replaceChildren();
  const frame = $("report");
  frame.src = job.report_url;
  frame.hidden = false;
}

async function cancelPlan() {
  if (state.job) await api(`${state.prefix}/${state.job}`, { method: "DELETE" });
}

async function refreshRuns() {
  const res = await api("/api/plans?limit=20");
  const body = $("runs").querySelector("tbody");
  body.replaceChildren();
  for (const job of res.body) {
    const tr = el("tr", { "data-job": job.id });
    const box = el("input", { type: "checkbox", value: job.id });
    box.disabled = job.status !== "done";
    box.addEventListener("change", compareRuns);
    const cell = el("td"); cell.appendChild(box); tr.appendChild(cell);
    tr.appendChild(el("td", {}, `${job.name} (${job.id})`));
    tr.appendChild(el("td", {}, job.status));
    const rep = el("td");
    if (job.report_url) rep.appendChild(el("a", { href: job.report_url, target: "_blank" }, "report"));
    tr.appendChild(rep);
    body.appendChild(tr);
  }
}

async function compareRuns() {
  const ids = [...document.querySelectorAll("#runs input:checked")].map((b) => b.value).slice(0, 2);
  const box = $("compare");
  box.replaceChildren();
  if (ids.length < 2) return;
  const jobs = await Promise.all(ids.map(async (id) => (await api(`/api/plans/${id}`)).body));
  const rows = [
    ["cost (NPV), USD bn", (j) => (j.plan.kpis.npv_usd / 1e9).toFixed(2)],
    ["capex, USD bn", (j) => (j.plan.kpis.capex_usd / 1e9).toFixed(2)],
    ["capacity in last period, MW", (j) => fmt(Object.values(lastCapacity(j.plan).mw).reduce((a, b) => a + b, 0))],
    ["markets used", (j) => Object.entries(lastCapacity(j.plan).mw).filter(([, v]) => v > 0.5).map(([m]) => m).sort().join(", ")],
    ["unmet demand, MW (max)", (j) => fmt(j.plan.kpis.unmet_mw)],
    ["solver", (j) => `${j.plan.solve.status}, gap ${(j.plan.solve.mip_gap * 100).toFixed(2)} %`],
  ];
  const table = el("table", { id: "compare-table" });
  const head = el("tr"); head.appendChild(el("th", {}, ""));
  for (const j of jobs) head.appendChild(el("th", {}, `${j.name} (${j.id})`));
  table.appendChild(head);
  for (const [label, f] of rows) {
    const tr = el("tr"); tr.appendChild(el("td", {}, label));
    for (const j of jobs) tr.appendChild(el("td", {}, f(j)));
    table.appendChild(tr);
  }
  box.appendChild(table);
}

// ---- start -------------------------------------------------------------------------------
async function start() {
  const [markets, map, examples] = await Promise.all([api("/api/markets"), api("/api/map"), api("/api/examples")]);
  state.markets = markets.body;
  for (const m of state.markets) state.byId[m.id] = m;
  state.map = map.body;
  const select = $("colour-by");
  for (const a of numericAttributes()) select.appendChild(el("option", { value: a }, a));
  select.value = "power_price_usd_per_mwh";
  select.addEventListener("input", colourMap);
  drawMap();
  colourMap();
  buildSliders();
  rerank();
  for (const name of examples.body) $("example").appendChild(el("option", { value: name }, name));
  $("example").value = examples.body.includes("sovereign_eu") ? "sovereign_eu" : examples.body[0];
  $("example").addEventListener("input", loadExample);
  for (const input of document.querySelectorAll(".fields input")) input.addEventListener("input", () => fieldToYaml(input));
  $("yaml").addEventListener("change", fieldsFromYaml);
  $("validate").addEventListener("click", validateScenario);
  $("run").addEventListener("click", runPlan);
  $("run-risk").addEventListener("click", runRisk);
  $("cancel").addEventListener("click", cancelPlan);
  await loadExample();
  refreshRuns();
  document.body.dataset.ready = "true";
}

start();
