"""The self-contained HTML report: headline findings, fan charts, members, talks, maps, comparisons, provenance.

Every chart is inline SVG and the style sheet is inline, so the page works offline and can be mailed as one file.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from totalpeace.engine.results import REQUIRED, Results
from totalpeace.report import charts, differences, maps
from totalpeace.report.headlines import comparison_headlines, headlines
from totalpeace.report.talks import comparison_table, negotiation_sections, talks_chart

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;color:#222;
line-height:1.45;padding:0 1em}h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1em}.chart svg{width:100%;height:auto}
.maps{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:1em}
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
.headline li{margin:.3em 0}.muted{color:#666;font-size:.9em}
@media print{h2{break-after:avoid}.chart{break-inside:avoid}}
"""


def table(rows: list[list[Any]], header: list[str], table_id: str | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def items(lines: list[str]) -> str:
    return "".join(f"<li>{html.escape(h)}</li>" for h in lines)


def chart(ident: str, content: str) -> str:
    return f'<div class="chart" id="{ident}">{content}</div>'


def run_figures(results: Results, shapes: list[object] | None,
                population: Any = None) -> dict[str, Any]:
    """Every figure of one ensemble as SVG (the dashboard shows them and reuses them for the report); with the
    territories' population, municipal runs also get department summaries."""
    return {"fans": {m: charts.fan_chart(results, m) for m in REQUIRED}, "members": charts.members_chart(results),
            "talks": talks_chart(results), "map_control": maps.control_map(results, shapes),
            "map_leader": maps.leader_map(results, shapes),
            "map_vacuum": maps.vacuum_map(results, shapes),
            "map_departments": maps.department_maps(results, population) if population is not None else {},
            "geography": "boundaries" if shapes is not None else "tile grid"}


def run_sections(results: Results, shapes: list[object] | None, figures: Mapping[str, Any] | None = None) -> str:
    """Outcomes over time, members, talks and maps of one ensemble."""
    figs = figures or run_figures(results, shapes)
    fans = "".join(chart(f"chart-{m}", figs["fans"][m]) for m in REQUIRED)
    talks = figs["talks"] or "<p>No negotiation table opens in this scenario.</p>"
    geography = ("Boundaries: " + ("the scenario's territories." if figs["geography"] == "boundaries"
                                   else "none in this scenario, so territories are drawn as a tile grid in id order."))
    vacuum = maps.vacuum_rows(results)
    vacuum_table = (table(vacuum, ["id", "territory", "control vacated (sum over months)", "state control at end"],
                          "table-vacuum") if vacuum else "<p>No control was vacated in any run.</p>")
    return f"""
<h2 id="metrics">Outcomes over time</h2><div class="grid">{fans}</div>
<h2 id="members">Members by group</h2>{chart("chart-members", figs["members"])}
<h2 id="talks">Negotiation tables</h2>{chart("chart-talks", talks)}{negotiation_sections(results)}
<h2 id="maps">Territory</h2><p class="muted">{html.escape(geography)} Values are means over runs.</p>
<div class="maps">{chart("map-control", figs["map_control"])}
{chart("map-leader", figs["map_leader"])}{chart("map-vacuum", figs["map_vacuum"])}</div>{_department_maps(figs)}
<h3>Where vacuum filling happens most</h3>{vacuum_table}"""


def _department_maps(figs: Mapping[str, Any]) -> str:
    maps_ = figs.get("map_departments") or {}
    if not maps_:
        return ""
    return ('<h3 id="departments">Department summaries</h3><div class="maps">'
            + "".join(chart(f"map-department-{k}", v) for k, v in maps_.items()) + "</div>")


def provenance_tables(summary: Mapping[str, Any], sources: list[str] | None, suffix: str = "") -> str:
    """Scenario, hash, version, seed, runs, engine choices, every parameter and every data source of one ensemble."""
    prov = summary.get("provenance", {})
    rows = [["scenario", summary["scenario"]], ["scenario sha256", summary["scenario_sha256"]],
            ["totalpeace version", summary["version"]], ["seed", summary["seed"]], ["runs", summary["runs"]],
            ["start", summary["start"]], ["months", summary["months"]],
            ["negotiation engine", prov.get("negotiation_engine")], ["contest form", prov.get("contest_form")],
            ["calibration", prov.get("calibration") or "none (uncalibrated defaults)"]]
    params = table([[k, f"{v:g}"] for k, v in prov.get("parameters", {}).items()], ["parameter", "value"],
                   f"table-parameters{suffix}")
    found = items(list(sources or [])) or "<li>none recorded</li>"
    return (f'{table(rows, ["field", "value"], f"table-provenance{suffix}")}'
            f'<h4>Parameters</h4>{params}<h4>Data sources</h4><ul id="sources{suffix}">{found}</ul>')


def provenance_section(summary: Mapping[str, Any], sources: list[str] | None) -> str:
    """The provenance of one ensemble, at the end of its report."""
    return f'<h2 id="provenance">Provenance</h2>{provenance_tables(summary, sources)}'


def sensitivity_section(indices: Mapping[str, Mapping[str, float]], title: str = "Sensitivity indices",
                        suffix: str = "") -> str:
    """The indices chart (Sobol' S1/ST or Morris mu*/sigma per factor) under its own heading."""
    return (f'<h2 id="sensitivity{suffix}">{html.escape(title)}</h2>'
            + chart(f"chart-sensitivity{suffix}", charts.indices_chart(indices, title)))


def fields_table(fields: Mapping[str, Any], table_id: str = "table-provenance") -> str:
    """A two-column field/value table (the provenance of experiments and analyses)."""
    return table([[k, "" if v is None else v] for k, v in fields.items()], ["field", "value"], table_id)


def page(title: str, intro: str, body: str) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head><body>
<h1>{html.escape(title)}</h1><p class="muted">{intro}</p>{body}</body></html>"""


def _intro(results: Results) -> str:
    return (f"{results.runs} runs, seed {results.seed}, {results.start} + {results.months} months. Bands show where "
            "50% and 80% of runs fall; they express the model's stochastic spread, not every uncertainty.")


def render_report(results: Results, sources: list[str] | None = None, shapes: list[object] | None = None,
                  sensitivity: Mapping[str, Mapping[str, float]] | None = None,
                  figures: Mapping[str, Any] | None = None, population: Any = None) -> str:
    """The report of one ensemble (with a sensitivity section when indices are given)."""
    summary = results.summary()
    body = f'<h2 id="headline">Headline findings</h2><ul class="headline">{items(headlines(summary))}</ul>'
    if sensitivity:
        body += sensitivity_section(sensitivity, "Sensitivity")
    figures = figures or run_figures(results, shapes, population)
    body += run_sections(results, shapes, figures) + provenance_section(summary, sources)
    return page(f"totalpeace — {results.scenario}", _intro(results), body)


def comparison_overlays(baseline: Results, variant: Results,
                        labels: tuple[str, str] = ("baseline", "variant")) -> dict[str, str]:
    """Baseline and variant fans on one chart per metric."""
    x = charts.dates(variant)
    return {m: charts.overlay_chart(x, *differences.paired_monthly(baseline, variant, m), m, labels)
            for m in REQUIRED}


def variant_suffix(k: int) -> str:
    """Element ids of the k-th variant (0-based): none for the first, so a two-scenario page reads plainly."""
    return "" if k == 0 else f"-{k + 1}"


def comparison_section(baseline: Results, variant: Results, labels: tuple[str, str], shapes: list[object] | None,
                       diff: Mapping[str, Any], overlays: Mapping[str, str] | None = None, suffix: str = "") -> str:
    """One variant against the baseline: table of differences, fans side by side, differences over time, maps."""
    a, b = baseline.summary(), variant.summary()
    x = charts.dates(variant)
    side = overlays or comparison_overlays(baseline, variant, labels)
    pairs, diffs = [], []
    for name in REQUIRED:
        base, var = differences.paired_monthly(baseline, variant, name)
        pairs.append(chart(f"chart-{name}-overlay{suffix}", side[name]))
        diffs.append(chart(f"chart-{name}-diff{suffix}", charts.difference_chart(x, var - base, name)))
    rows = differences.difference_rows(diff, a, b)
    figures = maps.comparison_maps(baseline, variant, shapes, labels)
    pairing = ("paired run by run: the same seed and run ids, so each interval is that of the policy's effect"
               if diff["paired"] else "unpaired (different seeds or runs): intervals also hold the runs' own noise")
    return (f'<h2 id="comparison{suffix}">{html.escape(labels[1])} against {html.escape(labels[0])}</h2>'
            f'<p class="muted">Differences are variant minus baseline, {pairing}; 80% intervals are the 10th to '
            f'90th percentiles over {diff["runs"]} runs.</p>'
            + table(rows, ["metric", "year", f"{labels[0]} (median)", f"{labels[1]} (median)",
                           "difference (80% interval)"], f"table-differences{suffix}")
            + comparison_table(baseline, variant, labels, suffix)
            + f'<h3>Side by side</h3><div class="grid">{"".join(pairs)}</div>'
            + f'<h3>Differences over time</h3><div class="grid">{"".join(diffs)}</div>'
            + '<h3>Territory: baseline, variant and difference</h3><div class="maps">'
            + "".join(chart(f"map-{key}{suffix}", svg) for key, svg in figures.items()) + "</div>")


def render_comparisons(baseline: Results, variants: list[tuple[str, Results]], baseline_label: str = "baseline",
                       sources: list[list[str] | None] | None = None, shapes: list[object] | None = None,
                       figures: Mapping[str, Any] | None = None, overlays: Mapping[str, str] | None = None) -> str:
    """Every variant against the baseline, then (with one variant) that variant in full, then each scenario's
    provenance. `sources` has one list per scenario, baseline first; `figures`/`overlays` are cached figures of a
    single variant (the dashboard passes them)."""
    found = list(sources or [])
    found += [None] * (len(variants) + 1 - len(found))
    diffs = [differences.difference(baseline, v) for _, v in variants]
    lines = [line for (label, _), d in zip(variants, diffs, strict=True)
             for line in comparison_headlines(d, (baseline_label, label))]
    if len(variants) == 1:
        lines += [f"{variants[0][0]}: {line}" for line in headlines(variants[0][1].summary())]
    body = f'<h2 id="headline">Headline findings</h2><ul class="headline">{items(lines)}</ul>'
    for k, ((label, variant), diff) in enumerate(zip(variants, diffs, strict=True)):
        body += comparison_section(baseline, variant, (baseline_label, label), shapes, diff,
                                   overlays if len(variants) == 1 else None, variant_suffix(k))
    if len(variants) == 1:
        body += run_sections(variants[0][1], shapes, figures)
    body += '<h2 id="provenance">Provenance</h2>'
    body += f"<h3>{html.escape(baseline_label)} (baseline)</h3>" + provenance_tables(baseline.summary(), found[0],
                                                                                      "-baseline")
    for k, (label, variant) in enumerate(variants):
        body += f"<h3>{html.escape(label)}</h3>" + provenance_tables(variant.summary(), found[k + 1],
                                                                      variant_suffix(k))
    names = ", ".join(label for label, _ in variants)
    return page(f"totalpeace — {names} against {baseline_label}", _intro(variants[0][1]), body)


def render_comparison(baseline: Results, variant: Results, labels: tuple[str, str] = ("baseline", "variant"),
                      sources: list[str] | None = None, shapes: list[object] | None = None,
                      figures: Mapping[str, Any] | None = None, overlays: Mapping[str, str] | None = None,
                      baseline_sources: list[str] | None = None) -> str:
    """Variant against baseline: differences with intervals, both fans side by side, maps, then the variant in full."""
    return render_comparisons(baseline, [(labels[1], variant)], labels[0], [baseline_sources, sources], shapes,
                              figures, overlays)


def write_report(results: Results, path: str | Path, sources: list[str] | None = None,
                 shapes: list[object] | None = None, sensitivity: Mapping[str, Mapping[str, float]] | None = None,
                 population: Any = None) -> Path:
    """Write the report of one ensemble to `path` and return it (`population` per territory: department summaries
    of municipal runs)."""
    out = Path(path)
    out.write_text(render_report(results, sources, shapes, sensitivity, population=population), encoding="utf-8")
    return out


def write_comparison_report(baseline: Results, variants: list[tuple[str, Results]], path: str | Path,
                            baseline_label: str = "baseline", sources: list[list[str] | None] | None = None,
                            shapes: list[object] | None = None) -> Path:
    """Write the comparison report of one or more variants to `path` and return it."""
    out = Path(path)
    out.write_text(render_comparisons(baseline, variants, baseline_label, sources, shapes), encoding="utf-8")
    return out
