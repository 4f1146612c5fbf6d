"""The report's negotiation sections: per table, its outcome and why (the audit's main reasons and their shares),
the agenda with what was signed, and the bargaining-power audit; per comparison, the tables paired run by run."""

from __future__ import annotations

import html

from totalpeace import talks
from totalpeace.engine.results import Results
from totalpeace.model.tables.reasons import DESCRIPTION, Reason


def _table(rows: list[list[object]], header: list[str], ident: str) -> str:
    from totalpeace.report.html import table  # the page's own table (html imports this module)

    return table(rows, header, ident)


def _term(stat: dict) -> str:
    return "-" if stat["p50"] is None else f"{stat['p50']:.2f} [{stat['p10']:.2f}–{stat['p90']:.2f}]"


def table_blocks(results: Results) -> list[dict]:
    """Per negotiation table: its plain-language lines and its tables (title, header, rows, id) — the agenda with what
    was signed, why it broke down, what held it up and the bargaining-power audit. The report renders them as HTML and
    the dashboard draws them from JSON, so both say the same."""
    if results.tables is None or not results.tables.groups:
        return []
    blocks = []
    for gid, entry in talks.summaries(results.tables, results.run_forms()).items():
        agenda = [[issue.replace("_", " "), f"{terms['opening']:.2f}", f"{terms['ceiling']:.2f}",
                   _term(entry["signed_package"][issue])] for issue, terms in entry["agenda"].items()]
        why = [[DESCRIPTION[Reason[name]], f"{share:.0%}"] for name, share in entry["why_broken_down"].items()]
        drivers = [[talks.HAZARD_DRIVERS[name], f"{share:.0%}"] for name, share in entry["hazard_drivers"].items()]
        stalls = [[DESCRIPTION[Reason[name]], f"{share:.0%}"] for name, share in entry["stalled_by"].items()]
        audit = [[kind.replace("_", " "), *(_usd(effects.get(key)) for key in
                                           ("group_outside_option_raised_by", "group_value_raised_by"))]
                 for kind, effects in entry["bargaining_audit"].items()]
        tables = [{"title": "", "id": f"agenda-{gid}", "rows": agenda,
                   "header": ["issue", "state's opening offer", "most it may concede",
                              "signed (median [10th–90th] over signing runs)"]}]
        if why:
            tables.append({"title": f"Why it broke down ({entry['broken_down_share']:.0%} of runs)", "id": f"why-{gid}",
                           "rows": why, "header": ["reason", "share of the runs in which it broke down"]})
        if drivers:
            tables.append({"title": "What raised the breakdown hazard when it broke the table", "id": f"hazard-{gid}",
                           "rows": drivers, "header": ["driver", "share of the breakdowns by the hazard (7.5)"]})
        if stalls:
            tables.append({"title": "What held it up", "id": f"stalls-{gid}", "rows": stalls,
                           "header": ["reason", "share of stalled months"]})
        by_form = entry.get("by_form") or {}
        if len(by_form) > 1:
            tables.append({"title": "Under each model form (the bargaining protocol and the contest form the runs "
                                    "drew, section 'Where the spread comes from')", "id": f"forms-{gid}",
                           "rows": [[name, v["runs"], f"{v['signed_share']:.0%}", f"{v['ratified_share']:.0%}",
                                     f"{v['broken_down_share']:.0%}"] for name, v in by_form.items()],
                           "header": ["model form", "runs", "signed", "ratified", "broke down"]})
        if audit:
            tables.append({"title": "Bargaining-power audit: what the concessions in force did (USD m, run means)",
                           "id": f"audit-{gid}", "rows": audit,
                           "header": ["without", "group's outside option raised by",
                                      "group's value of the deal raised by"]})
        blocks.append({"group": gid, "lines": talks.explain(gid, entry), "tables": tables})
    return blocks


def negotiation_sections(results: Results) -> str:
    """A section per table: its outcome and why (the audit's main reasons and their shares), the agenda with what
    was signed, and the bargaining-power audit (what each concession in force did to the threat points and the
    deal)."""
    out = []
    for block in table_blocks(results):
        gid = block["group"]
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in block["lines"])
        text = f'<h3 id="table-{html.escape(gid)}">{html.escape(gid)}</h3><ul>{lines}</ul>'
        for t in block["tables"]:
            title = f"<h4>{html.escape(t['title'])}</h4>" if t["title"] else ""
            text += title + _table(t["rows"], t["header"], t["id"])
        out.append(text)
    return "".join(out)


def _usd(stat: dict | None) -> str:
    return "-" if not stat or stat["p50"] is None else f"{stat['p50']:,.1f} [{stat['p10']:,.1f}–{stat['p90']:,.1f}]"


def comparison_table(baseline: Results, variant: Results, labels: tuple[str, str], suffix: str = "") -> str:
    """Tables of both ensembles paired run by run: signed, ratified, broken down, suspended after an attack, the main
    reason for breakdowns and the signed terms."""
    if baseline.tables is None or variant.tables is None:
        return ""
    rows = []
    for entry in talks.compare(baseline.tables, variant.tables):
        gid = entry["table"]
        for o in entry["outcomes"]:
            rows.append([gid, o["outcome"], f"{o['baseline']:.0%}", f"{o['variant']:.0%}",
                         f"{o['difference']:+.0%} [{o['low']:+.0%}, {o['high']:+.0%}]"])
        why_a, why_b = entry["why_broken_down"]
        if why_a or why_b:
            rows.append([gid, "main reason it broke down", _reason(why_a), _reason(why_b), ""])
        driver_a, driver_b = entry["hazard_driver"]
        if driver_a or driver_b:
            rows.append([gid, "what mostly raised the breakdown hazard", _driver(driver_a), _driver(driver_b), ""])
        for issue, (a, b) in entry["signed_terms"].items():
            rows.append([gid, f"signed {issue.replace('_', ' ')} (median)", _value(a), _value(b), ""])
    return ("<h3>Negotiation tables</h3>"
            + _table(rows, ["table", "outcome", labels[0], labels[1], "paired difference (80% interval)"],
                     f"table-talks-paired{suffix}"))


def _reason(name: str) -> str:
    return DESCRIPTION[Reason[name]] if name else "-"


def _driver(name: str) -> str:
    return talks.HAZARD_DRIVERS[name] if name else "-"


def _value(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"
