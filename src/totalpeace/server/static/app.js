// The dashboard page: lever form, live previews, full runs with progress, past runs, comparisons, downloads.
// Figures are Plotly figures from the server, drawn by figures.js (TP.draw); no inline handlers, no remote assets.
"use strict";

const $ = (selector) => document.querySelector(selector);
const state = { info: null, geo: null, run: null, shown: null, baseline: null, timer: null, runs: [],
  preview: null, previewTimer: null, territory: null };
const TOKEN_KEY = "totalpeace-token";
const PREVIEW_RUNS = 24;
const PREVIEW_DELAY_MS = 150;

// ---- access token ------------------------------------------------------------------------------------------------
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

function downloadLink(link, path, filename) {
  link.dataset.path = path;
  link.href = path;
  link.download = filename;
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

// ---- the lever form --------------------------------------------------------------------------------------------
function slider(input, output, value) {
  input.value = value;
  const show = () => { output.textContent = Number(input.value).toFixed(2); };
  input.addEventListener("input", show);
  show();
}

function nameOf(id) { return (state.info.choices.short_names || {})[id] || id; }

// A searchable list of territories (a municipal scenario has 1,122): type to filter, select several.
function territoryPicker(key, selected) {
  const territories = state.info.choices.territories || {};
  const search = el("input", { type: "search", placeholder: "find a territory", "data-picker-search": key });
  const list = el("select", { multiple: true, size: 4, "data-territories": key, title: "zone territories" },
    ...Object.entries(territories).map(([id, name]) =>
      el("option", { value: id, text: `${name} (${id})`, selected: selected.includes(id) })));
  search.addEventListener("input", () => {
    const text = search.value.trim().toLowerCase();
    for (const option of list.options) option.hidden = Boolean(text) && !option.text.toLowerCase().includes(text);
  });
  return el("div", { class: "picker", "data-picker": key }, search, list);
}

function chosenTerritories(key) {
  const list = document.querySelector(`[data-territories="${key}"]`);
  return list ? [...list.selectedOptions].map((o) => o.value) : [];
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
    const zone = el("input", { type: "checkbox", "data-zone": g, checked: Boolean(c && c.zone) });
    const picker = territoryPicker(`ceasefire-${g}`, c ? c.territories || [] : []);
    picker.hidden = !zone.checked;
    zone.addEventListener("change", () => { picker.hidden = !zone.checked; });
    return el("div", { class: "row" }, el("b", { text: nameOf(g) }),
      el("label", {}, el("input", { type: "checkbox", "data-ceasefire": g, checked: Boolean(c) }), " on"),
      el("label", {}, el("input", { type: "number", "data-months": g, min: 1, value: c ? c.months : 12 }), " months"),
      el("label", {}, el("input", { type: "checkbox", "data-bilateral": g, checked: c ? c.bilateral : true }),
        " bilateral"),
      el("label", {}, zone, " zone"), picker);
  }));

  const given = Object.fromEntries(values.concessions.map((c) => [`${c.group}|${c.kind}`, c]));
  state.concessionStarts = given;
  $("#concessions").replaceChildren(...tables.map((g) => {
    const zoneKey = `${g}|zone`;
    const picker = territoryPicker(`concession-${g}`, given[zoneKey] ? given[zoneKey].territories || [] : []);
    picker.hidden = !given[zoneKey];
    const boxes = choices.concession_kinds.map((k) => {
      const box = el("input", { type: "checkbox", "data-concession": `${g}|${k}`, checked: Boolean(given[`${g}|${k}`]) });
      if (k === "zone") box.addEventListener("change", () => { picker.hidden = !box.checked; });
      return el("label", { title: k }, box, ` ${k.replace("_suspended", "").replaceAll("_", " ")}`);
    });
    return el("div", { class: "row" }, el("b", { text: nameOf(g) }), ...boxes, picker);
  }));

  $("#hosts").replaceChildren(...Object.entries(values.host_tolerance).map(([actor, value]) => {
    const input = el("input", { type: "range", min: 0, max: 1, step: 0.05, id: `host-${actor}`, "data-host": actor });
    const output = el("output");
    const label = el("label", {}, `${choices.international[actor] || actor} `, output, input);
    slider(input, output, value);
    return label;
  }));

  // a table's date: the state's deadline (missed: the talks end) or, ticked, a target the sides set (ends nothing)
  $("#deadlines").replaceChildren(...tables.map((g) => el("div", { class: "row" }, el("b", { text: nameOf(g) }),
    el("label", {}, el("input", { type: "month", "data-deadline": g, value: values.deadlines[g] || "" }),
      " (empty: none)"),
    el("label", { title: "a target hurries the drafting as a deadline does, but missing it ends nothing" },
      el("input", { type: "checkbox", "data-target": g, checked: Boolean(values.targets[g]) }),
      " only a target"))));

  // the state's mandate per issue: the most it will concede (empty: the track's legal ceiling)
  $("#offers").replaceChildren(...tables.map((g) => {
    const given = values.offers[g] || {};
    const inputs = Object.entries(choices.agenda[g] || {}).map(([issue, ceiling]) => el("label",
      { title: `${issue}: the track's legal ceiling is ${ceiling}; a mandate above it concedes no more` },
      `${issue.replaceAll("_", " ")} `,
      el("input", { type: "number", min: 0, max: 1, step: 0.05, placeholder: `≤ ${ceiling}`,
        "data-offer": `${g}|${issue}`, value: issue in given ? given[issue] : "" })));
    return el("details", { class: "row" }, el("summary", { text: nameOf(g) }), ...inputs);
  }));

  $("#guarantors").replaceChildren(...Object.entries(values.guarantors).map(([actor, groups]) =>
    el("div", { class: "row" }, el("b", { text: choices.international[actor] || actor }),
      ...tables.map((g) => el("label", {}, el("input", { type: "checkbox", "data-guarantor": `${actor}|${g}`,
        checked: groups.includes(g) }), ` ${nameOf(g)}`)))));
}

function collectLevers() {
  const info = state.info;
  const ceasefires = [...document.querySelectorAll("[data-ceasefire]")].filter((c) => c.checked).map((c) => {
    const g = c.dataset.ceasefire;
    const old = info.values.ceasefires.find((f) => f.group === g);
    const zone = document.querySelector(`[data-zone="${g}"]`).checked;
    return { group: g, start: old ? old.start : info.start, zone,
      territories: zone ? chosenTerritories(`ceasefire-${g}`) : [],
      months: Number(document.querySelector(`[data-months="${g}"]`).value),
      bilateral: document.querySelector(`[data-bilateral="${g}"]`).checked };
  });
  const concessions = [...document.querySelectorAll("[data-concession]")].filter((c) => c.checked).map((c) => {
    const [group, kind] = c.dataset.concession.split("|");
    const old = state.concessionStarts[c.dataset.concession];
    const territories = kind === "zone" ? chosenTerritories(`concession-${group}`) : [];
    return old ? { group, kind, start: old.start, months: old.months, territories } : { group, kind, territories };
  });
  const host_tolerance = {};
  for (const input of document.querySelectorAll("[data-host]")) host_tolerance[input.dataset.host] = Number(input.value);
  const guarantors = {};
  for (const actor of Object.keys(info.values.guarantors)) guarantors[actor] = [];
  for (const box of document.querySelectorAll("[data-guarantor]")) {
    const [actor, group] = box.dataset.guarantor.split("|");
    if (box.checked) guarantors[actor].push(group);
  }
  const deadlines = {};
  for (const input of document.querySelectorAll("[data-deadline]")) {
    deadlines[input.dataset.deadline] = input.value || null;
  }
  const targets = {};
  for (const box of document.querySelectorAll("[data-target]")) targets[box.dataset.target] = box.checked;
  const offers = {};
  for (const input of document.querySelectorAll("[data-offer]")) {
    const [group, issue] = input.dataset.offer.split("|");
    (offers[group] ||= {})[issue] = input.value === "" ? null : Number(input.value);
  }
  const order = $("#talks-order").value.split(",").map((s) => s.trim()).filter(Boolean);
  return { talks_mode: $("#talks-mode").value, talks_order: order, ceasefires, concessions,
    decriminalization: Number($("#decriminalization").value), security_buy_in: Number($("#buy-in").value),
    host_tolerance, guarantors, deadlines, targets, offers };
}

// what a full run's intervals hold (the request's `uncertainty`, as `totalpeace run --uncertainty`)
const UNCERTAINTY = { full: "forms, parameters and randomness", parameters: "parameters and randomness",
  stochastic: "randomness only" };

function request(runs) {
  return { scenario: $("#scenario").value, levers: collectLevers(), runs, seed: Number($("#seed").value),
    months: Number($("#months").value) || null, label: $("#label").value, uncertainty: $("#uncertainty").value };
}

// ---- drawing ----------------------------------------------------------------------------------------------------
function badge(kind, text) {
  const node = $("#badge");
  node.className = `badge ${kind}`;
  node.textContent = text;
}

// Charts far below the fold are drawn when they scroll into view: a preview redraws only what can be seen.
const lazy = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const node = entry.target;
    if (entry.isIntersecting && node.pendingFigure) {
      const fig = node.pendingFigure;
      node.pendingFigure = null;
      window.TP.draw(node, fig, state.geo);
    }
  }
}, { rootMargin: "400px" });

function nearView(node) {
  const box = node.getBoundingClientRect();
  return box.top < window.innerHeight + 400 && box.bottom > -400;
}

function drawInto(id, fig) {
  const node = document.getElementById(id);
  node.pendingFigure = null;
  if (!fig) { window.Plotly.purge(node); node.replaceChildren(el("p", { class: "muted", text: "Nothing to draw." }));
    return Promise.resolve(node); }
  if (nearView(node)) return window.TP.draw(node, fig, state.geo);
  node.pendingFigure = fig;
  node.dataset.drawn = "pending";
  lazy.observe(node);
  return Promise.resolve(node);
}

function grid(container, prefix, figures) {
  const box = $(container);
  const wanted = Object.keys(figures).map((m) => `${prefix}-${m}`);
  if ([...box.children].map((c) => c.id).join() !== wanted.join()) {
    box.replaceChildren(...wanted.map((id) => el("div", { class: "chart", id })));
  }
  return Promise.all(Object.entries(figures).map(([m, fig]) => drawInto(`${prefix}-${m}`, fig)));
}

function policyTable(table, rows, header) {
  table.replaceChildren(el("thead", {}, el("tr", {}, ...header.map((h) => el("th", { text: h })))),
    el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c) => el("td", { text: c }))))));
}

function showPolicy(policy) {
  policyTable($("#policy-table"), policy.rows, ["lever", "value"]);
  const notices = policy.notices || [];
  $("#policy-changes").textContent = (policy.changes.length
    ? `${policy.changes.length} lever${policy.changes.length > 1 ? "s" : ""} changed: ` +
      policy.changes.map((c) => `${c[0]}: ${c[2]}`).join("; ")
    : "the scenario's own") +
    (notices.length ? `; ${notices.length} setting${notices.length > 1 ? "s" : ""} with no effect: ` +
      notices.join("; ") : "");
}

// Each table's outcome and why (the audit's main reasons), its agenda with what was signed: full ensembles only.
function showNegotiation(blocks) {
  const box = $("#negotiation");
  if (!blocks) {
    box.replaceChildren(el("p", { class: "muted small", text: "Run the full ensemble to see why each table " +
      "signed, stalled or broke down, and what was signed." }));
    return;
  }
  box.replaceChildren(...blocks.map((b) => {
    const tables = b.tables.flatMap((t) => {
      const table = el("table", { id: `dash-${t.id}` });
      policyTable(table, t.rows, t.header);
      return t.title ? [el("h4", { text: t.title }), table] : [table];
    });
    return el("details", { "data-group": b.group }, el("summary", { text: b.lines[0] }),
      el("ul", {}, ...b.lines.slice(1).map((line) => el("li", { text: line }))), ...tables);
  }));
}

async function linkMaps(territories) {
  const maps = ["map-control", "map-leader", "map-vacuum"].map((id) => document.getElementById(id))
    .filter((node) => node.dataset.drawn === "yes" && !node.dataset.linked);
  for (const map of maps) {
    map.dataset.linked = "yes";
    map.on("plotly_click", (event) => {
      const point = event.points && event.points[0];
      if (point && point.location !== undefined) {
        state.territory = point.location;
        window.TP.drawTerritory($("#territory-series"), state.territories, point.location);
      }
    });
  }
  state.territories = territories;
  const first = state.territory && territories.ids.includes(state.territory) ? state.territory : territories.ids[0];
  await window.TP.drawTerritory($("#territory-series"), territories, first);
}

async function drawFigures(figs) {
  await Promise.all([drawInto("map-control", figs.map_control), drawInto("map-leader", figs.map_leader),
    drawInto("map-vacuum", figs.map_vacuum), grid("#fans", "fan", figs.fans),
    drawInto("talks-outcomes", figs.talks_outcomes), drawInto("talks", figs.talks),
    drawInto("members", figs.members)]);
  await linkMaps(figs.territories);
}

function setDownloads(run) {
  for (const link of document.querySelectorAll("#downloads a[data-file]")) {
    if (run) downloadLink(link, `/api/runs/${run.id}/${link.dataset.file}`, link.dataset.file === "scenario.toml"
      ? `${run.scenario}-${run.id}.toml` : link.dataset.file);
    else { link.classList.add("disabled"); link.onclick = null; }
  }
  $("#make-baseline").disabled = !run;
}

// ---- starting situation and previews ----------------------------------------------------------------------------
async function showStart() {
  const start = await api(`/api/scenarios/${encodeURIComponent(state.info.name)}/start`);
  badge("start", "starting situation");
  $("#results-title").textContent = `${state.info.name}: the starting situation (${start.month}), before any run`;
  $("#headlines").replaceChildren(el("li", { text: "Change a lever to preview its effect at once, or run the full " +
    "ensemble. The maps show the first simulated month." }));
  showPolicy(start.policy);
  showNegotiation(null);
  await Promise.all([drawInto("map-control", start.map_control), drawInto("map-leader", start.map_leader),
    drawInto("map-vacuum", null)]);
  await linkMaps(start.territories);
  setDownloads(null);
  document.body.dataset.view = "start";
}

function schedulePreview() {
  if (!$("#live").checked || !state.info) return;
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(runPreview, PREVIEW_DELAY_MS);
}

async function runPreview() {
  if (state.preview) state.preview.abort();
  const controller = new AbortController();
  state.preview = controller;
  const started = performance.now();
  badge("preview", "computing preview…");
  try {
    const body = request(PREVIEW_RUNS);
    const result = await api("/api/preview", { method: "POST", signal: controller.signal,
      headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    if (controller.signal.aborted) return;
    showError("");
    $("#results-title").textContent = `Preview: ${result.runs} runs × ${result.months} months, seed ${result.seed}` +
      " — run the full ensemble for the numbers to keep";
    $("#headlines").replaceChildren(...result.headlines.map((h) => el("li", { text: h })));
    showPolicy(result.policy);
    showNegotiation(null);
    await drawFigures(result.figures);
    setDownloads(null);
    $("#comparison").hidden = true;
    const ms = Math.round(performance.now() - started);
    badge("preview", `preview at the scenario's point, ${result.runs} runs (${ms} ms)`);
    document.body.dataset.previewMs = String(ms);
    document.body.dataset.view = "preview";
    document.body.dataset.previews = String(Number(document.body.dataset.previews || 0) + 1);
  } catch (err) {
    if (err.name !== "AbortError") { badge("preview", "preview failed"); showError(err.message); }
  } finally {
    if (state.preview === controller) state.preview = null;
  }
}

// ---- full runs ----------------------------------------------------------------------------------------------------
function setBusy(busy) {
  $("#run").disabled = busy;
  $("#cancel").disabled = !busy;
}

async function startRun(event) {
  event.preventDefault();
  showError("");
  clearTimeout(state.previewTimer);  // the full run replaces any preview on its way
  if (state.preview) state.preview.abort();
  try {
    const run = await api("/api/runs", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify(request(Number($("#runs").value))) });
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
  await loadRuns();
  if (run.status === "done") {
    if (!state.baseline) state.baseline = run.id;
    await showRun(run);
    $("#status").textContent = `Run ${run.id} done.`;
  } else if (run.status === "failed") showError(run.error);
}

async function showRun(run) {
  $("#status").textContent = `Drawing run ${run.id}…`;
  const charts = await api(`/api/runs/${run.id}/charts`);
  state.shown = run;
  badge("full", `full ensemble, ${run.runs} runs, ${UNCERTAINTY[run.uncertainty] || run.uncertainty}`);
  $("#results-title").textContent = `${run.label}: ${run.scenario}, ${run.runs} runs × ${run.months} months, ` +
    `seed ${run.seed}, uncertainty: ${run.uncertainty}`;
  $("#headlines").replaceChildren(...charts.headlines.map((h) => el("li", { text: h })));
  showPolicy(charts.policy);
  showNegotiation(charts.negotiation);
  await drawFigures(charts);
  setDownloads(run);
  markHistory();
  document.body.dataset.view = `run-${run.id}`;
  await showComparison();
}

// ---- past runs (from the server, which reads the results store) -------------------------------------------------
async function loadRuns() {
  state.runs = await api("/api/runs");
  const done = state.runs.filter((r) => r.status === "done");
  if (state.baseline && !done.some((r) => r.id === state.baseline)) state.baseline = null;
  $("#history-count").textContent = String(state.runs.length);
  $("#history-table tbody").replaceChildren(...[...state.runs].reverse().map((run) => {
    const show = el("button", { type: "button", text: "show", "data-show": run.id, disabled: run.status !== "done" });
    show.addEventListener("click", () => showRun(run).catch((err) => showError(err.message)));
    const pick = el("input", { type: "radio", name: "baseline-pick", "data-baseline": run.id,
      checked: run.id === state.baseline, disabled: run.status !== "done" });
    pick.addEventListener("change", () => { setBaseline(run.id); });
    return el("tr", { "data-run": run.id }, el("td", { text: run.label }),
      el("td", { text: run.created.replace("T", " ").replace("+00:00", " UTC") }), el("td", { text: run.scenario }),
      el("td", { text: `${run.runs} × ${run.months}, ${run.uncertainty}` }), el("td", { text: run.changes }),
      el("td", { text: run.restored ? `${run.status} (stored)` : run.status }), el("td", {}, show), el("td", {}, pick));
  }));
  $("#baseline").replaceChildren(...done.map((r) => el("option", { value: r.id, text: r.label })));
  if (state.baseline) $("#baseline").value = state.baseline;
  markHistory();
}

function markHistory() {
  for (const row of document.querySelectorAll("#history-table tbody tr")) {
    row.classList.toggle("current", Boolean(state.shown) && row.dataset.run === state.shown.id);
  }
}

function setBaseline(id) {
  state.baseline = id;
  $("#baseline").value = id;
  const radio = document.querySelector(`[data-baseline="${id}"]`);
  if (radio) radio.checked = true;
  showComparison().catch((err) => showError(err.message));
}

async function showComparison() {
  const section = $("#comparison");
  if (!state.shown || !state.baseline || state.baseline === state.shown.id) { section.hidden = true; return; }
  const cmp = await api(`/api/runs/${state.shown.id}/compare/${state.baseline}`);
  section.hidden = false;
  const base = state.runs.find((r) => r.id === state.baseline);
  policyTable($("#compare-policy"), cmp.policy_changes.length ? cmp.policy_changes
    : [["(no lever differs)", "", ""]], ["lever", base ? base.label : "baseline", state.shown.label]);
  $("#compare-headlines").replaceChildren(...cmp.headlines.map((h) => el("li", { text: h })));
  $("#compare-statistic").textContent = `Each cell: the ${cmp.statistic}.`;
  policyTable($("#compare-table"), cmp.rows, cmp.columns);
  const maps = cmp.figures.maps;
  $("#compare-maps").replaceChildren(...Object.keys(maps).map((k) => el("div", { class: "chart", id: `cmp-${k}` })));
  await Promise.all([...Object.entries(maps).map(([k, fig]) => drawInto(`cmp-${k}`, fig)),
    grid("#overlays", "overlay", cmp.figures.overlays)]);
  downloadLink($("#download-comparison"), `/api/runs/${state.shown.id}/compare/${state.baseline}/report.html`,
    "comparison.html");
}

async function cancelRun() {
  if (!state.run) return;
  try { await api(`/api/runs/${state.run.id}`, { method: "DELETE" }); } catch (err) { showError(err.message); }
}

// ---- start -------------------------------------------------------------------------------------------------------
async function loadScenario(name) {
  document.body.dataset.ready = "";
  state.info = await api(`/api/scenarios/${encodeURIComponent(name)}`);
  state.geo = await api(`/api/scenarios/${encodeURIComponent(name)}/geo`);
  buildForm(state.info);
  const latest = [...state.runs].reverse().find((r) => r.status === "done" && r.scenario === name);
  if (latest) await showRun(latest);
  else await showStart();
  document.body.dataset.ready = name;
}

async function useToken(event) {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("#token").value.trim());
  $("#token").value = "";
  $("#token-form").hidden = true;
  showError("");
  await init().catch((err) => showError(err.message));
}

async function init() {
  const scenarios = await api("/api/scenarios");
  $("#scenario").replaceChildren(...scenarios.map((s) => el("option", { value: s.name, text: s.name })));
  await loadRuns();
  if (!state.baseline) {
    const first = state.runs.find((r) => r.status === "done");
    if (first) state.baseline = first.id;
  }
  if (scenarios.length) await loadScenario(scenarios[0].name);
}

function wire() {
  takeTokenFromAddress();
  $("#token-form").addEventListener("submit", useToken);
  $("#scenario").addEventListener("change", () => loadScenario($("#scenario").value).catch((e) => showError(e.message)));
  $("#levers").addEventListener("submit", startRun);
  $("#cancel").addEventListener("click", cancelRun);
  $("#make-baseline").addEventListener("click", () => { if (state.shown) setBaseline(state.shown.id); });
  $("#baseline").addEventListener("change", () => setBaseline($("#baseline").value));
  // every lever (not the ensemble's size, seed or label) previews at once
  for (const event of ["input", "change"]) {
    $(".lever-list").addEventListener(event, (e) => { if (!e.target.matches("[type=search]")) schedulePreview(); });
  }
  init().catch((err) => showError(err.message));
}

wire();
