"""The self-contained HTML report: policy, headline findings, interactive charts and maps, comparisons, provenance.

Charts are Plotly figures drawn in the page by plotly.js, which is inlined once (from the plotly package), with the
project's small drawing script; the style sheet is inline too. The page needs no network, can be mailed as one
file and prints to PDF (report/pdf.py). Every figure offers PNG and SVG downloads from its toolbar.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from totalpeace.engine.results import Results
from totalpeace.report import catalogue, differences, figures, maps, uncertainty, vacuum
from totalpeace.report.headlines import comparison_headlines, headlines
from totalpeace.report.names import actor_names
from totalpeace.report.negotiation import comparison_table, negotiation_sections
from totalpeace.report.periods import month_name
from totalpeace.report.policy_view import change_rows, policy_rows

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1180px;margin:2em auto;color:#222;
line-height:1.45;padding:0 1em}h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:1em}.chart svg{width:100%;height:auto}
.maps{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:1em}
table{border-collapse:collapse;font-size:.88em}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;
vertical-align:top}.headline li{margin:.35em 0}.muted{color:#555;font-size:.92em}nav.toc a{margin-right:1em}
.chart{min-height:120px;break-inside:avoid}.explain{background:#f6f8fa;border-left:3px solid #0072B2;padding:.4em .8em}
@media print{h2{break-after:avoid}.chart{break-inside:avoid}nav.toc,.modebar{display:none!important}}
"""
ASSETS = resources.files("totalpeace.report") / "assets"
TALKS_EXPLAINED = ("Each table ends the horizon in exactly one state, so the six states add to 100%: not open, "
                   "still talking (exploration, formal talks, ceasefire or partial agreements), agreement in force "
                   "(final agreement or implementation), demobilised, suspended (the state has suspended the talks "
                   "and may resume them), broken down. \"Ever signed\" is different: "
                   "the share of runs in which the table reached a final agreement at some month, even if it "
                   "broke down later, so it can exceed the \"agreement in force\" share.")


# ---- small pieces shared by every page ---------------------------------------------------------------------------
def table(rows: list[list[Any]], header: list[str], table_id: str | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def items(lines: list[str]) -> str:
    return "".join(f"<li>{html.escape(h)}</li>" for h in lines)


def chart(ident: str, content: str) -> str:
    """A static (SVG) chart in a page."""
    return f'<div class="chart" id="{ident}">{content}</div>'


def script_json(value: Any) -> str:
    """JSON safe inside a <script> element (no '</' can close it)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).replace("</", "<\\/")


def figure(ident: str, fig: Mapping[str, Any] | None, empty: str = "") -> str:
    """An interactive figure: its container and its JSON (drawn by figures.js)."""
    if fig is None:
        return f'<p id="{ident}">{html.escape(empty)}</p>' if empty else ""
    data = {k: v for k, v in fig.items() if k in ("data", "layout", "frames")}
    is_map = ' data-map="yes"' if fig.get("geo") else ""
    return (f'<div class="chart" id="{ident}" data-figure="data-{ident}"{is_map}></div>'
            f'<script type="application/json" id="data-{ident}">{script_json(data)}</script>')


@functools.cache
def plotly_js() -> str:
    """plotly.min.js as shipped inside the plotly package (no CDN)."""
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(encoding="utf-8")


def figures_js() -> str:
    return (ASSETS / "figures.js").read_text(encoding="utf-8")


def page(title: str, intro: str, body: str) -> str:
    """A page; when it holds interactive figures, plotly.js and the drawing script are inlined once."""
    scripts = ""
    if 'data-figure="' in body:
        scripts = (f"<script>{plotly_js()}</script><script>{figures_js()}</script>"
                   "<script>TP.renderPage(document);</script>")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head><body>
<h1>{html.escape(title)}</h1><p class="muted">{intro}</p>{body}{scripts}</body></html>"""


def geo_block(geo: Mapping[str, Any]) -> str:
    """The territories' GeoJSON, once per page: every map of the page draws from it."""
    return f'<script type="application/json" id="tp-geo">{script_json(geo)}</script>'


def fields_table(fields: Mapping[str, Any], table_id: str = "table-provenance") -> str:
    """A two-column field/value table (the provenance of experiments and analyses)."""
    return table([[k, "" if v is None else v] for k, v in fields.items()], ["field", "value"], table_id)


def toc(entries: Sequence[tuple[str, str]]) -> str:
    return '<nav class="toc">' + "".join(f'<a href="#{i}">{html.escape(t)}</a>' for i, t in entries) + "</nav>"


# ---- sections of one ensemble -------------------------------------------------------------------------------------
def policy_section(summary: Mapping[str, Any], suffix: str = "", heading: str = "Policy assumed") -> str:
    """Every lever's value in the run (summary.json's "policy")."""
    rows = policy_rows(summary.get("policy") or {})
    if not rows:
        return f'<h2 id="policy{suffix}">{html.escape(heading)}</h2><p>This run records no policy.</p>'
    return (f'<h2 id="policy{suffix}">{html.escape(heading)}</h2><p class="muted">Every lever of '
            f'{html.escape(str(summary["scenario"]))} as this ensemble ran it. Paths and values are in summary.json '
            f'under "policy".</p>' + table(rows, ["lever", "value"], f"table-policy{suffix}"))


def policy_changes_section(baseline: Mapping[str, Any], variant: Mapping[str, Any], labels: tuple[str, str],
                           suffix: str = "") -> str:
    """What the variant changed: every lever and model parameter that differs from the baseline."""
    rows = change_rows(baseline, variant)
    text = (table(rows, ["lever or parameter", labels[0], labels[1]], f"table-policy-differences{suffix}") if rows
            else f'<p id="table-policy-differences{suffix}">No policy lever or model parameter differs: the '
                 "scenarios differ elsewhere (each one's values are in its scenario file; the provenance section "
                 "gives its hash).</p>")
    return f'<h3 id="policy-differences{suffix}">What {html.escape(labels[1])} changes</h3>{text}'


def run_figures(results: Results, shapes: list[object] | None,
                summary: Mapping[str, Any] | None = None, population: Any = None) -> dict[str, Any]:
    """Every figure of one ensemble (the dashboard sends them as JSON and the report embeds them); with the
    territories' population, municipal runs also get department summaries."""
    summary = summary or results.summary()
    names = actor_names(summary)
    geo = maps.geography(results, shapes)
    return {
        "fans": {m: figures.fan_figure(results, m) for m in catalogue.all_metrics()},
        "members": figures.members_figure(results), "talks": figures.talks_figure(results),
        "talks_outcomes": figures.talks_outcomes_figure(summary, names),
        "map_control": maps.control_map(results, geo), "map_leader": maps.leader_map(results, geo),
        "map_vacuum": maps.vacuum_map(results, geo), "geo": geo, "territories": maps.territory_series(results),
        "map_departments": maps.department_maps(results, population),
        "geography": "tile grid" if geo["tiles"] else "boundaries",
    }


def talks_table(summary: Mapping[str, Any]) -> str:
    names = actor_names(summary)
    rows = []
    for gid, entry in summary["groups"].items():
        talks = entry["talks"]
        if not set(talks["final_phase_share"]) - {"none"}:
            continue
        shares = figures.outcome_shares(talks["final_phase_share"])
        rows.append([names.get(gid, gid), *(f"{s:.0%}" for s in shares.values()), f"{talks['signed_share']:.0%}"])
    if not rows:
        return ""
    return table(rows, ["table", *figures.OUTCOMES, "ever signed"], "table-talks")


def run_sections(results: Results, shapes: list[object] | None, figs: Mapping[str, Any] | None = None,
                 extra: Sequence[tuple[str, str, str]] = ()) -> str:
    """Outcomes over time, members, talks (and any `extra` (id, title, html) sections after them), territory."""
    figs = figs or run_figures(results, shapes)
    summary = results.summary()
    fans = "".join(figure(f"chart-{m}", figs["fans"][m]) for m in figs["fans"])
    geography = ("Boundaries: the scenario's territories." if figs["geography"] == "boundaries" else
                 "This scenario has no boundaries, so territories are drawn as a tile grid in id order.")
    vacuum = maps.vacuum_rows(results)
    vacuum_table = (table(vacuum, ["territory", "control vacated (sum over months)", "state control at end"],
                          "table-vacuum") if vacuum else "<p>No control was vacated in any run.</p>")
    body = f"""
<h2 id="metrics">Outcomes over time</h2><p class="muted">Lines are medians over runs, bands hold 50% and 80% of
runs; hover for values, drag to zoom, double-click to reset, the toolbar downloads PNG or SVG. Flows are annual rates
(a month's value times twelve).</p><div class="grid">{fans}</div>
<h2 id="members">Members by group</h2>{figure("chart-members", figs["members"])}
<h2 id="talks">Negotiation tables</h2><p class="explain">{html.escape(TALKS_EXPLAINED)}</p>
{figure("chart-talks-outcomes", figs["talks_outcomes"], "No negotiation table opens in this scenario.")}
{talks_table(summary)}{figure("chart-talks", figs["talks"])}{negotiation_sections(results)}"""
    for ident, title, content in extra:
        body += f'<h2 id="{html.escape(ident)}">{html.escape(title)}</h2>{content}'
    body += f"""
<h2 id="maps">Territory</h2><p class="muted">{html.escape(geography)} Values are means over runs. Drag a map's
slider to another month; click a territory to see its own series below.</p>
<div class="maps">{figure("map-control", figs["map_control"])}{figure("map-leader", figs["map_leader"])}
{figure("map-vacuum", figs["map_vacuum"])}</div>
<div class="chart" id="territory-series"></div>{_department_maps(figs)}
<script type="application/json" id="tp-territories">{script_json(figs["territories"])}</script>
<h3>Where vacuum filling happens most</h3>{vacuum_table}"""
    return body


def _department_maps(figs: Mapping[str, Any]) -> str:
    found = figs.get("map_departments") or {}
    if not found:
        return ""
    return ('<h3 id="departments">Department summaries</h3><div class="maps">'
            + "".join(figure(f"map-department-{k}", v) for k, v in found.items()) + "</div>")


def provenance_tables(summary: Mapping[str, Any], sources: list[str] | None, suffix: str = "") -> str:
    """Scenario, hash, version, seed, runs, engine choices, every parameter and every data source of one ensemble."""
    prov = summary.get("provenance", {})
    rows = [["scenario", summary["scenario"]], ["scenario sha256", summary["scenario_sha256"]],
            ["totalpeace version", summary["version"]], ["seed", summary["seed"]], ["runs", summary["runs"]],
            ["start", summary["start"]], ["months", summary["months"]],
            ["negotiation engine", prov.get("negotiation_engine")], ["contest form", prov.get("contest_form")],
            ["calibration", prov.get("calibration") or "none (uncalibrated defaults)"]]
    if summary.get("uncertainty"):
        rows.append(["uncertainty design", summary["uncertainty"]["design"]["text"]])
    params = table([[k, f"{v:g}"] for k, v in prov.get("parameters", {}).items()], ["parameter", "value"],
                   f"table-parameters{suffix}")
    found = items(list(sources or [])) or "<li>none recorded</li>"
    return (f'{table(rows, ["field", "value"], f"table-provenance{suffix}")}'
            f'<h4>Parameters</h4>{params}<h4>Data sources</h4><ul id="sources{suffix}">{found}</ul>')


def provenance_section(summary: Mapping[str, Any], sources: list[str] | None) -> str:
    return f'<h2 id="provenance">Provenance</h2>{provenance_tables(summary, sources)}'


def sensitivity_section(indices: Mapping[str, Mapping[str, float]], title: str = "Sensitivity indices",
                        suffix: str = "") -> str:
    """The indices chart (Sobol' S1/ST or Morris mu*/sigma per factor) under its own heading."""
    return (f'<h2 id="sensitivity{suffix}">{html.escape(title)}</h2>'
            + figure(f"chart-sensitivity{suffix}", figures.indices_figure(indices, title)))


def intro(results: Results) -> str:
    months = results.month_labels()
    if results.plan is None or results.plan.design == "stochastic":
        spread = "the spread is the model's stochastic spread, not every uncertainty."
    else:
        included = {"structural": "model-form", "parameters": "parameter", "stochastic": "stochastic"}
        names = [included[s] for s in results.plan.sources]
        spread = (f"the spread includes {', '.join(names[:-1])} and {names[-1]} uncertainty (see \"Where the "
                  "spread comes from\").")
    return (f"{results.runs} runs, seed {results.seed}, {month_name(months[0])} – {month_name(months[-1])} "
            f"({results.months} months). Medians over runs with the interval where 80% of runs fall; {spread}")


RUN_TOC = [("headline", "Headlines"), ("policy", "Policy"), ("metrics", "Outcomes"), ("members", "Members"),
           ("talks", "Talks"), ("maps", "Territory"), ("provenance", "Provenance")]


def render_report(results: Results, sources: list[str] | None = None, shapes: list[object] | None = None,
                  sensitivity: Mapping[str, Mapping[str, float]] | None = None,
                  figures: Mapping[str, Any] | None = None,
                  extra: Sequence[tuple[str, str, str]] = (), population: Any = None,
                  validation: str | None = None) -> str:
    """The report of one ensemble; `extra` (id, title, html) sections go after the talks (e.g. negotiations);
    `population` per territory adds department summaries to a municipal run; `validation` is the link to the
    validation page of the calibration behind it."""
    summary = results.summary()
    found = summary.get("uncertainty")
    entries = RUN_TOC if found is None else [RUN_TOC[0], ("uncertainty", "Uncertainty"), *RUN_TOC[1:]]
    talks = [ident for ident, _ in entries].index("talks") + 1
    entries = [*entries[:talks], *((ident, title) for ident, title, _ in extra), *entries[talks:]]
    body = toc(entries) + '<h2 id="headline">Headline findings</h2>'
    body += f'<ul class="headline">{items(headlines(summary))}</ul>'
    if found is not None:
        body += uncertainty.section(found, summary["start"], summary["months"], figure, table)
    body += policy_section(summary)
    if sensitivity:
        body += sensitivity_section(sensitivity, "Sensitivity")
    figs = figures or run_figures(results, shapes, summary, population)
    body += run_sections(results, shapes, figs, extra) + provenance_section(summary, sources) + geo_block(figs["geo"])
    note = (f' How far to trust these numbers: <a id="validation-link" href="{html.escape(validation)}">validation '
            "against Colombia's history</a> (patterns reproduced, forecasts against persistence, the calibration's "
            "diagnostics).") if validation else ""
    return page(f"totalpeace — {results.scenario}", intro(results) + note, body)


# ---- comparisons ------------------------------------------------------------------------------------------------
def comparison_figures(baseline: Results, variant: Results, labels: tuple[str, str],
                       shapes: list[object] | None) -> dict[str, Any]:
    """Side-by-side fans, differences over time and maps of one variant against the baseline."""
    x = variant.month_labels()
    overlays, diffs = {}, {}
    for name in catalogue.all_metrics():
        base, var = differences.paired_monthly(baseline, variant, name)
        overlays[name] = figures.overlay_figure(x, base, var, name, labels)
        diffs[name] = figures.difference_figure(x, var - base, name)
    geo = maps.geography(variant, shapes)
    return {"overlays": overlays, "differences": diffs, "maps": maps.comparison_maps(baseline, variant, geo, labels),
            "geo": geo}


def _difference_sources(baseline: Results, variant: Results, suffix: str) -> str:
    """Which source (model form, parameters, runs) makes the effect uncertain, when the runs follow a plan."""
    if baseline.plan is None or variant.plan is None:
        return ""
    from totalpeace.uncertainty.summary import difference_shares

    return uncertainty.difference_section(difference_shares(baseline, variant), variant.start, variant.months,
                                          figure, suffix)


def variant_suffix(k: int) -> str:
    """Element ids of the k-th variant (0-based): none for the first, so a two-scenario page reads plainly."""
    return "" if k == 0 else f"-{k + 1}"


def comparison_section(baseline: Results, variant: Results, labels: tuple[str, str], shapes: list[object] | None,
                       diff: Mapping[str, Any], figs: Mapping[str, Any] | None = None, suffix: str = "") -> str:
    """One variant against the baseline: policy changes, the table of differences in every year, fans side by
    side, differences over time, maps."""
    figs = figs or comparison_figures(baseline, variant, labels, shapes)
    columns, rows = differences.difference_table(dict(diff))
    same = {"full": "seed, run ids, model forms and parameter draws",
            "parameters": "seed, run ids and parameter draws"}.get(diff.get("design") or "", "seed and run ids")
    pairing = (f"paired run by run: the same {same}, so each interval is that of the policy's effect"
               if diff["paired"] else differences.UNPAIRED)
    pairs = "".join(figure(f"chart-{m}-overlay{suffix}", f) for m, f in figs["overlays"].items())
    diffs = "".join(figure(f"chart-{m}-diff{suffix}", f) for m, f in figs["differences"].items())
    maps_html = "".join(figure(f"map-{key}{suffix}", f) for key, f in figs["maps"].items())
    return (f'<h2 id="comparison{suffix}">{html.escape(labels[1])} against {html.escape(labels[0])}</h2>'
            + policy_changes_section(baseline.summary(), variant.summary(), labels, suffix)
            + f'<h3>Differences in every year</h3><p class="muted">Each cell: the {differences.STATISTIC}, '
              f'{pairing}; 80% intervals are the 10th to 90th percentiles over {diff["runs"]} runs. Flows are '
              'annual (a partial year scaled to twelve months); stocks are read at the end of each period; shares '
              'in percentage points.</p>'
            + table(rows, columns, f"table-differences{suffix}")
            + comparison_table(baseline, variant, labels, suffix)
            + _difference_sources(baseline, variant, suffix)
            + f'<h3>Side by side</h3><div class="grid">{pairs}</div>'
            + f'<h3>Differences over time</h3><div class="grid">{diffs}</div>'
            + refill_section(baseline, variant, suffix)
            + f'<h3>Territory: baseline, variant and difference</h3><div class="maps">{maps_html}</div>')


def refill_section(baseline: Results, variant: Results, suffix: str) -> str:
    """Who fills the control groups standing down vacate, territory by territory, in both scenarios."""
    columns, rows = vacuum.refill_rows(baseline, variant)
    if not rows:
        return ""
    share = f"{vacuum.national_share(baseline):.0%} in the baseline, {vacuum.national_share(variant):.0%} in the " \
            "variant"
    return ('<h3>Who fills vacated control</h3><p class="muted">Where groups standing down released control: how '
            'much was refilled over the run (control shares, summed over months; means over runs) and the state\'s '
            f'share of it (the rest went to other armed groups). Nationally the state took {html.escape(share)}.</p>'
            + table(rows, columns, f"table-refill{suffix}"))


def render_comparisons(baseline: Results, variants: list[tuple[str, Results]], baseline_label: str = "baseline",
                       sources: list[list[str] | None] | None = None, shapes: list[object] | None = None,
                       figures: Mapping[str, Any] | None = None,
                       comparison: Mapping[str, Any] | None = None) -> str:
    """Every variant against the baseline, then (with one variant) that variant in full, then each scenario's
    policy and provenance. `sources` has one list per scenario, baseline first; `figures`/`comparison` are cached
    figures of a single variant (the dashboard passes them)."""
    found = list(sources or [])
    found += [None] * (len(variants) + 1 - len(found))
    diffs = [differences.difference(baseline, v) for _, v in variants]
    lines = [line for (label, _), d in zip(variants, diffs, strict=True)
             for line in comparison_headlines(d, (baseline_label, label))]
    if len(variants) == 1:
        lines += [f"{variants[0][0]}: {line}" for line in headlines(variants[0][1].summary())]
    body = toc([("headline", "Headlines"), ("comparison", "Comparison"), ("policy-baseline", "Policies"),
                ("provenance", "Provenance")])
    body += f'<h2 id="headline">Headline findings</h2><ul class="headline">{items(lines)}</ul>'
    for k, ((label, variant), diff) in enumerate(zip(variants, diffs, strict=True)):
        body += comparison_section(baseline, variant, (baseline_label, label), shapes, diff,
                                   comparison if len(variants) == 1 else None, variant_suffix(k))
    if len(variants) == 1:
        body += run_sections(variants[0][1], shapes, figures)
    body += policy_section(baseline.summary(), "-baseline", f"Policy of {baseline_label} (baseline)")
    for k, (label, variant) in enumerate(variants):
        body += policy_section(variant.summary(), f"-variant{variant_suffix(k)}", f"Policy of {label}")
    body += '<h2 id="provenance">Provenance</h2>'
    body += f"<h3>{html.escape(baseline_label)} (baseline)</h3>" + provenance_tables(baseline.summary(), found[0],
                                                                                      "-baseline")
    for k, (label, variant) in enumerate(variants):
        body += f"<h3>{html.escape(label)}</h3>" + provenance_tables(variant.summary(), found[k + 1],
                                                                      variant_suffix(k))
    body += geo_block(maps.geography(variants[0][1], shapes))
    names = ", ".join(label for label, _ in variants)
    return page(f"totalpeace — {names} against {baseline_label}", intro(variants[0][1]), body)


def render_comparison(baseline: Results, variant: Results, labels: tuple[str, str] = ("baseline", "variant"),
                      sources: list[str] | None = None, shapes: list[object] | None = None,
                      figures: Mapping[str, Any] | None = None, comparison: Mapping[str, Any] | None = None,
                      baseline_sources: list[str] | None = None) -> str:
    """Variant against baseline: differences with intervals, both fans side by side, maps, then the variant in full."""
    return render_comparisons(baseline, [(labels[1], variant)], labels[0], [baseline_sources, sources], shapes,
                              figures, comparison)


def write_report(results: Results, path: str | Path, sources: list[str] | None = None,
                 shapes: list[object] | None = None, sensitivity: Mapping[str, Mapping[str, float]] | None = None,
                 population: Any = None, extra: Sequence[tuple[str, str, str]] = ()) -> Path:
    """Write the report of one ensemble to `path` and return it (`population` per territory: department summaries
    of municipal runs; `extra` (id, title, html) sections after the talks)."""
    from totalpeace.validation.page import copy_validation_page

    out = Path(path)
    link = copy_validation_page(results.provenance.get("calibration"), out.parent)
    out.write_text(render_report(results, sources, shapes, sensitivity, extra=extra, population=population,
                                 validation=link), encoding="utf-8")
    return out


def write_comparison_report(baseline: Results, variants: list[tuple[str, Results]], path: str | Path,
                            baseline_label: str = "baseline", sources: list[list[str] | None] | None = None,
                            shapes: list[object] | None = None) -> Path:
    """Write the comparison report of one or more variants to `path` and return it."""
    out = Path(path)
    out.write_text(render_comparisons(baseline, variants, baseline_label, sources, shapes), encoding="utf-8")
    return out
