// The dashboard page: builds the lever form from the API, starts runs, polls progress, draws the server's SVGs.
"use strict";

const $ = (selector) => document.querySelector(selector);
const state = { info: null, run: null, baseline: null, done: [], timer: null };
const TOKEN_KEY = "totalpeace-token";

// A server started with --token wants it on every API call. It comes once, from ?token= (then removed from the
// address bar) or from the token field, and is kept for this tab only (sessionStorage), sent as a header.
function takeTokenFromAddress() {
  const url = new URL(window.location.href);
  const given = url.searchParams.get("token");
  if (given === null) return;
  sessionStorage.setItem(TOKEN_KEY, given);
  url.searchParams.delete("token");
  window.history.replaceState(null, "", url.pathname + url.search + url.hash);
}

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function send(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...(options.headers || {}), ...authHeaders() } });
  if (response.status === 401) $("#token-form").hidden = false;
  return response;
}

async function api(path, options = {}) {
  const response = await send(path, options);
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

// Downloads go through fetch (so that they carry the token) and are saved from a blob.
async function download(path, filename) {
  const response = await send(path);
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.error || `${response.status} ${response.statusText}`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function downloadLink(id, path, filename) {
  const link = $(id);
  link.dataset.path = path;
  link.href = path;
  link.classList.remove("disabled");
  link.onclick = (event) => {
    event.preventDefault();
    download(link.dataset.path, filename).catch((err) => showError(err.message));
  };
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (typeof value === "boolean") node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function showError(message) { $("#error").textContent = message || ""; }

function slider(input, output, value) {
  input.value = value;
  const show = () => { output.textContent = Number(input.value).toFixed(2); };
  input.oninput = show;
  show();
}

function buildForm(info) {
  const { values, choices } = info;
  $("#scenario-description").textContent = info.description;
  $("#talks-mode").replaceChildren(...choices.talks_mode.map((m) => el("option", { value: m, text: m })));
  $("#talks-mode").value = values.talks_mode;
  $("#talks-order").value = values.talks_order.join(", ");
  $("#months").value = info.months;
  slider($("#decriminalization"), $("#decriminalization-value"), values.decriminalization);
  slider($("#buy-in"), $("#buy-in-value"), values.security_buy_in);

  const tables = choices.table_groups;
  const fires = Object.fromEntries(values.ceasefires.map((c) => [c.group, c]));
  $("#ceasefires").replaceChildren(...tables.map((g) => {
    const c = fires[g];
    return el("div", { class: "row" }, el("b", { text: g }),
      el("label", {}, el("input", { type: "checkbox", "data-ceasefire": g, checked: Boolean(c) }), " on"),
      el("label", {}, el("input", { type: "number", "data-months": g, min: 1, value: c ? c.months : 12 }), " months"),
      el("label", {}, el("input", { type: "checkbox", "data-bilateral": g, checked: c ? c.bilateral : true }),
        " bilateral"));
  }));

  const given = new Set(values.concessions.map((c) => `${c.group}|${c.kind}`));
  state.concessionStarts = Object.fromEntries(values.concessions.map((c) => [`${c.group}|${c.kind}`, c]));
  $("#concessions").replaceChildren(...tables.map((g) => el("div", { class: "row" }, el("b", { text: g }),
    ...choices.concession_kinds.map((k) => el("label", { title: k },
      el("input", { type: "checkbox", "data-concession": `${g}|${k}`, checked: given.has(`${g}|${k}`) }),
      ` ${k.replace("_suspended", "").replaceAll("_", " ")}`)))));

  $("#hosts").replaceChildren(...Object.entries(values.host_tolerance).map(([actor, value]) => {
    const input = el("input", { type: "range", min: 0, max: 1, step: 0.05, id: `host-${actor}`, "data-host": actor });
    const output = el("output");
    const label = el("label", {}, `${choices.international[actor] || actor} `, output, input);
    slider(input, output, value);
    return label;
  }));

  $("#guarantors").replaceChildren(...Object.entries(values.guarantors).map(([actor, groups]) =>
    el("div", { class: "row" }, el("b", { text: choices.international[actor] || actor }),
      ...tables.map((g) => el("label", {}, el("input", { type: "checkbox", "data-guarantor": `${actor}|${g}`,
        checked: groups.includes(g) }), ` ${g}`)))));
}

function collectLevers() {
  const info = state.info;
  const ceasefires = [...document.querySelectorAll("[data-ceasefire]")].filter((c) => c.checked).map((c) => {
    const g = c.dataset.ceasefire;
    const old = info.values.ceasefires.find((f) => f.group === g);
    return { group: g, start: old ? old.start : info.start, zone: old ? old.zone : false,
      months: Number(document.querySelector(`[data-months="${g}"]`).value),
      bilateral: document.querySelector(`[data-bilateral="${g}"]`).checked };
  });
  const concessions = [...document.querySelectorAll("[data-concession]")].filter((c) => c.checked).map((c) => {
    const [group, kind] = c.dataset.concession.split("|");
    const old = state.concessionStarts[c.dataset.concession];
    return old ? { group, kind, start: old.start, months: old.months } : { group, kind };
  });
  const host_tolerance = {};
  for (const input of document.querySelectorAll("[data-host]")) host_tolerance[input.dataset.host] = Number(input.value);
  const guarantors = {};
  for (const actor of Object.keys(info.values.guarantors)) guarantors[actor] = [];
  for (const box of document.querySelectorAll("[data-guarantor]")) {
    const [actor, group] = box.dataset.guarantor.split("|");
    if (box.checked) guarantors[actor].push(group);
  }
  const order = $("#talks-order").value.split(",").map((s) => s.trim()).filter(Boolean);
  return { talks_mode: $("#talks-mode").value, talks_order: order, ceasefires, concessions,
    decriminalization: Number($("#decriminalization").value), security_buy_in: Number($("#buy-in").value),
    host_tolerance, guarantors };
}

async function loadScenario(name) {
  document.body.dataset.ready = "";
  state.info = await api(`/api/scenarios/${encodeURIComponent(name)}`);
  buildForm(state.info);
  document.body.dataset.ready = name;
}

function setBusy(busy) {
  $("#run").disabled = busy;
  $("#cancel").disabled = !busy;
}

async function startRun(event) {
  event.preventDefault();
  showError("");
  const body = { scenario: $("#scenario").value, levers: collectLevers(), runs: Number($("#runs").value),
    seed: Number($("#seed").value), months: Number($("#months").value) || null, label: $("#label").value };
  try {
    const run = await api("/api/runs", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify(body) });
    state.run = run;
    setBusy(true);
    poll();
  } catch (err) { showError(err.message); }
}

async function poll() {
  const run = await api(`/api/runs/${state.run.id}`);
  state.run = run;
  $("#progress").value = run.progress;
  $("#status").textContent = `Run ${run.id}: ${run.status}, ${Math.round(run.progress * 100)}% ` +
    `(${run.run_months_done} of ${run.run_months_total} run-months)`;
  if (run.status === "queued" || run.status === "running") {
    state.timer = setTimeout(poll, 300);
    return;
  }
  setBusy(false);
  if (run.status === "done") await showRun(run);
  else if (run.status === "failed") showError(run.error);
}

function label(run) { return run.request.label || `run ${run.id}`; }

async function showRun(run) {
  $("#status").textContent = `Run ${run.id} done: drawing charts…`;
  const charts = await api(`/api/runs/${run.id}/charts`);
  $("#results-title").textContent = `${label(run)}: ${run.scenario}, ${run.runs} runs × ${run.months} months, ` +
    `seed ${run.seed}`;
  $("#headlines").replaceChildren(...charts.headlines.map((h) => el("li", { text: h })));
  $("#map-control").innerHTML = charts.map_control;
  $("#map-leader").innerHTML = charts.map_leader;
  $("#map-vacuum").innerHTML = charts.map_vacuum;
  $("#fans").innerHTML = Object.entries(charts.fans).map(([m, svg]) => `<div class="chart" id="fan-${m}">${svg}</div>`)
    .join("");
  $("#talks").innerHTML = charts.talks || "<p>No negotiation table opens.</p>";
  $("#members").innerHTML = charts.members;
  for (const [id, file] of [["#download-summary", "summary.json"], ["#download-report", "report.html"]]) {
    downloadLink(id, `/api/runs/${run.id}/${file}`, file);
  }
  $("#make-baseline").disabled = false;
  state.done.push({ run, map: charts.map_control });
  const option = el("option", { value: run.id, text: label(run) });
  $("#baseline").append(option);
  if (!state.baseline) state.baseline = run.id;
  $("#baseline").value = state.baseline;
  $("#status").textContent = `Run ${run.id} done.`;
  await showComparison();
}

async function showComparison() {
  const section = $("#comparison");
  if (!state.run || !state.baseline || state.baseline === state.run.id) { section.hidden = true; return; }
  const cmp = await api(`/api/runs/${state.run.id}/compare/${state.baseline}`);
  section.hidden = false;
  $("#compare-headlines").replaceChildren(...cmp.headlines.map((h) => el("li", { text: h })));
  const head = el("tr", {}, ...cmp.columns.map((c) => el("th", { text: c })));
  const rows = cmp.rows.map((r) => el("tr", {}, ...r.map((c) => el("td", { text: c }))));
  $("#compare-table").replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
  $("#overlays").innerHTML = Object.entries(cmp.overlays)
    .map(([m, svg]) => `<div class="chart" id="overlay-${m}">${svg}</div>`).join("");
  const base = state.done.find((d) => d.run.id === state.baseline);
  $("#baseline-map").innerHTML = base ? base.map : "";
  $("#variant-map").innerHTML = $("#map-control").innerHTML;
  downloadLink("#download-comparison", `/api/runs/${state.run.id}/compare/${state.baseline}/report.html`,
    "comparison.html");
}

async function cancelRun() {
  if (!state.run) return;
  try { await api(`/api/runs/${state.run.id}`, { method: "DELETE" }); } catch (err) { showError(err.message); }
}

async function useToken(event) {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("#token").value.trim());
  $("#token").value = "";
  $("#token-form").hidden = true;
  showError("");
  await takeTokenFromAddress();
$("#token-form").onsubmit = useToken;
init().catch((err) => showError(err.message));
}

async function init() {
  const scenarios = await api("/api/scenarios");
  $("#scenario").replaceChildren(...scenarios.map((s) => el("option", { value: s.name, text: s.name })));
  $("#scenario").onchange = () => loadScenario($("#scenario").value).catch((e) => showError(e.message));
  $("#levers").onsubmit = startRun;
  $("#cancel").onclick = cancelRun;
  $("#make-baseline").onclick = () => { state.baseline = state.run.id; $("#baseline").value = state.baseline;
    showComparison(); };
  $("#baseline").onchange = () => { state.baseline = $("#baseline").value; showComparison(); };
  if (scenarios.length) await loadScenario(scenarios[0].name);
}

takeTokenFromAddress();
$("#token-form").onsubmit = useToken;
init().catch((err) => showError(err.message));
