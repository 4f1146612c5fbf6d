"""Talks timeline: for each negotiation table, the share of runs in each phase, month by month (stacked areas)."""

from __future__ import annotations

import html

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from totalpeace import talks
from totalpeace.engine.results import Results
from totalpeace.model.tables.issues import Phase
from totalpeace.model.tables.reasons import DESCRIPTION, Reason
from totalpeace.report.charts import dates, svg

PHASE_COLOURS = {
    Phase.NONE: "#d9d9d9", Phase.EXPLORATION: "#c6dbef", Phase.FORMAL_TALKS: "#9ecae1", Phase.CEASEFIRE: "#6baed6",
    Phase.PARTIAL_AGREEMENTS: "#3182bd", Phase.FINAL_AGREEMENT: "#31a354", Phase.IMPLEMENTATION: "#74c476",
    Phase.DEMOBILIZED: "#006d2c", Phase.BROKEN_DOWN: "#de2d26", Phase.SUSPENDED: "#fdae6b",
}


def tables(results: Results) -> list[int]:
    """Group indices that sit at a table in at least one run at some month."""
    phases = results.groups["group_phase"]
    return [g for g in results.active_groups() if (phases[:, :, g] != Phase.NONE).any()]


def phase_shares(results: Results, g: int) -> np.ndarray:
    """(phases, months): share of runs in each phase for group `g`."""
    phases = results.groups["group_phase"][:, :, g]
    return np.array([(phases == ph).mean(axis=0) for ph in Phase])


def talks_chart(results: Results) -> str | None:
    """One stacked-area strip per table; None when no table ever opens."""
    found = tables(results)
    if not found:
        return None
    x = dates(results)
    fig = Figure(figsize=(9.5, 1.1 * len(found) + 0.9))
    axes = fig.subplots(len(found), 1, sharex=True, squeeze=False)
    for ax, g in zip(axes[:, 0], found, strict=True):
        ax.stackplot(x, phase_shares(results, g), colors=[PHASE_COLOURS[ph] for ph in Phase], lw=0)
        ax.set_ylim(0, 1)
        ax.set_xlim(x[0], x[-1])
        ax.set_ylabel(results.group_ids[g], rotation=0, ha="right", va="center", fontsize=8)
        ax.set_yticks([0, 1], ["0", "100%"], fontsize=6)
    handles = [Rectangle((0, 0), 1, 1, color=PHASE_COLOURS[ph]) for ph in Phase]
    fig.legend(handles, [ph.name.lower().replace("_", " ") for ph in Phase], ncol=5, fontsize=7, frameon=False,
               loc="lower center", bbox_to_anchor=(0.5, 1.0))
    fig.suptitle("Share of runs in each phase of talks, by table", fontsize=10, y=1.08)
    fig.autofmt_xdate()
    return svg(fig)


def _table(rows: list[list[object]], header: list[str], ident: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table id="{ident}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _term(stat: dict) -> str:
    return "-" if stat["p50"] is None else f"{stat['p50']:.2f} [{stat['p10']:.2f}–{stat['p90']:.2f}]"


def negotiation_sections(results: Results) -> str:
    """A section per table: its outcome and why (the audit's main reasons and their shares), the agenda with what
    was signed, and the bargaining-power audit (what each concession in force did to the threat points and the
    deal)."""
    if results.tables is None or not results.tables.groups:
        return ""
    out = []
    for gid, entry in talks.summaries(results.tables).items():
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in talks.explain(gid, entry))
        agenda = [[issue.replace("_", " "), f"{terms['opening']:.2f}", f"{terms['ceiling']:.2f}",
                   _term(entry["signed_package"][issue])] for issue, terms in entry["agenda"].items()]
        why = [[DESCRIPTION[Reason[name]], f"{share:.0%}"] for name, share in entry["why_broken_down"].items()]
        stalls = [[DESCRIPTION[Reason[name]], f"{share:.0%}"] for name, share in entry["stalled_by"].items()]
        audit = [[kind.replace("_", " "), *(_usd(effects.get(key)) for key in
                                           ("group_outside_option_raised_by", "group_value_raised_by"))]
                 for kind, effects in entry["bargaining_audit"].items()]
        block = (f'<h3 id="table-{gid}">{html.escape(gid)}</h3><ul>{lines}</ul>'
                 + _table(agenda, ["issue", "state's opening offer", "most it may concede",
                                   "signed (median [10th–90th] over signing runs)"], f"agenda-{gid}"))
        if why:
            block += (f"<h4>Why it broke down ({entry['broken_down_share']:.0%} of runs)</h4>"
                      + _table(why, ["reason", "share of the runs in which it broke down"], f"why-{gid}"))
        if stalls:
            block += "<h4>What held it up</h4>" + _table(stalls, ["reason", "share of stalled months"],
                                                         f"stalls-{gid}")
        if audit:
            block += ("<h4>Bargaining-power audit: what the concessions in force did (USD m, run means)</h4>"
                      + _table(audit, ["without", "group's outside option raised by", "group's value of the deal "
                                       "raised by"], f"audit-{gid}"))
        out.append(block)
    return "".join(out)


def _usd(stat: dict | None) -> str:
    return "-" if not stat or stat["p50"] is None else f"{stat['p50']:,.1f} [{stat['p10']:,.1f}–{stat['p90']:,.1f}]"


def comparison_table(baseline: Results, variant: Results, labels: tuple[str, str], suffix: str = "") -> str:
    """Tables of both ensembles paired run by run: signed, ratified, broken down, the main reason for breakdowns and
    the signed terms."""
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
        for issue, (a, b) in entry["signed_terms"].items():
            rows.append([gid, f"signed {issue.replace('_', ' ')} (median)", _value(a), _value(b), ""])
    return ("<h3>Negotiation tables</h3>"
            + _table(rows, ["table", "outcome", labels[0], labels[1], "paired difference (80% interval)"],
                     f"table-talks{suffix}"))



def _reason(name: str) -> str:
    return DESCRIPTION[Reason[name]] if name else "-"


def _value(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"
