"""Readable terminal tables for a described scenario (see describe.py)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from totalpeace.model.tables.issues import ISSUES as ISSUE_ORDER


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _territory_table(info: dict[str, Any]) -> Table:
    table = Table(title=f"Territories ({len(info['items'])}, {info['adjacent_pairs']} adjacent pairs)",
                  title_justify="left")
    for col in ("id", "name", "population", "km²", "coca ha", "gold ha", "homicides", "rate/100k", "state",
                "borders", "port", "groups"):
        table.add_column(col, justify="right" if col not in ("id", "name", "borders", "groups") else "left")
    for t in info["items"]:
        table.add_row(t["id"], t["name"], _num(t["population"]), _num(t["area_km2"]), _num(t["coca_ha"]),
                      _num(t["gold_ha"]), _num(t["homicides"]), _num(t["homicide_rate"], 1),
                      f"{t['state_presence']:.2f}", ",".join(t["border_countries"]), "yes" if t["port"] else "",
                      ", ".join(t["groups"]))
    return table


def _groups_table(groups: dict[str, Any]) -> Table:
    table = Table(title="Groups", title_justify="left")
    for col in ("id", "type", "members", "armed", "support", "sanctuary", "cohesion", "spoiler", "territories",
                "allies / rivals", "members source"):
        table.add_column(col, justify="right" if col in ("members", "armed", "support", "cohesion") else "left")
    for gid, g in groups.items():
        sanctuary = f"{g['sanctuary']['country']} {g['sanctuary']['share']:.0%}" if g["sanctuary"] else ""
        relations = ", ".join([f"+{a}" for a in g["allies"]] + [f"-{r}" for r in g["rivals"]])
        table.add_row(gid, g["type"], _num(g["members"]), _num(g["armed"]), _num(g["support"]), sanctuary,
                      f"{g['cohesion']:.2f}", g["spoiler"], str(len(g["presence"])), relations,
                      escape(g["members_source"]))
    return table


def _security_table(security: dict[str, Any]) -> Table:
    table = Table(title="State and security forces", title_justify="left", show_header=False)
    table.add_column("field")
    table.add_column("value")
    for key in ("military", "police", "deployable_share", "buy_in", "repression"):
        value = security[key]
        table.add_row(key, _num(value) if isinstance(value, int) else str(value))
    if security["purge"]:
        p = security["purge"]
        table.add_row("purge", f"{p['date']}: {p['generals_retired']} of {p['generals_total']} generals")
    table.add_row("source", escape(security["source"]))
    return table


def _initial_table(initial: dict[str, Any]) -> Table:
    """Where the levers stood at the start ([initial]): what the initial state is computed with."""
    table = Table(title="Levers at the start (the initial state is computed with them; the policy acts from the first "
                  "month)", title_justify="left", show_header=False)
    table.add_column("field")
    table.add_column("value")
    given = set(initial["given"])
    for key in ("cohesion", "deployable_share", "forces", "repression", "decriminalization"):
        own = {"cohesion": "the buy-in", "forces": "military + police"}.get(key, "the lever's value")
        value = f"{initial[key]:,}" if key == "forces" else f"{initial[key]}"
        table.add_row(key, value + ("" if key in given else f"  (not given: {own})"))
    shown = {actor: level for actor, level in initial["host_tolerance"].items()
             if level > 0 or f"host_tolerance.{actor}" in given}  # those that shelter anyone, and those given
    own = [actor for actor in shown if f"host_tolerance.{actor}" not in given]
    text = ", ".join(f"{actor} {level:g}" + ("*" if actor in own else "") for actor, level in shown.items())
    table.add_row("host_tolerance", (text or "none") + ("  (* not given: the actor's value)" if own else ""))
    if initial["source"]:
        table.add_row("source", escape(initial["source"]))
    return table


def _international_table(actors: dict[str, Any]) -> Table:
    table = Table(title="International actors", title_justify="left")
    for col in ("id", "name", "host tolerance", "guarantor for", "weight", "legitimacy", "neighbour", "source"):
        table.add_column(col)
    for aid, a in actors.items():
        table.add_row(aid, escape(a["name"]), f"{a['host_tolerance']:.2f}", ", ".join(a["guarantor_for"]),
                      f"{a['guarantor_weight']:.2f}" if a["guarantor_for"] else "", f"{a['legitimacy']:.2f}",
                      "yes" if a["neighbour"] else "", escape(a["source"]))
    return table


def _timeline_table(info: dict[str, Any]) -> Table:
    policy = info["policy"]
    title = (f"Policy timeline (talks: {policy['talks']['mode']}; decriminalization {policy['decriminalization']}; "
             f"substitution {policy['substitution']})")
    table = Table(title=title, title_justify="left")
    for col in ("date", "what", "source"):
        table.add_column(col)
    for item in info["timeline"]:
        table.add_row(item["date"], escape(item["what"]), escape(item["source"]))
    return table


def _parameter_table(params: list[dict[str, Any]]) -> Table:
    table = Table(title="Parameters (in runs: drawn from the calibration's posterior, from its assumptions matched to "
                        "history, uniformly over the range where that sample does not hold them, or held at the "
                        "value shown)", title_justify="left")
    for col in ("name", "value", "range", "unit", "mechanism", "in runs", "source"):
        table.add_column(col, justify="right" if col == "value" else "left")
    for p in params:
        value = f"{p['value']:g}" + ("" if p["value"] == p["default"] else f" (default {p['default']:g})")
        table.add_row(p["name"], value, f"{p['range'][0]:g}-{p['range'][1]:g}", p["unit"], p["mechanism"],
                      p.get("in_runs", "held"), escape(p["source"]))
    return table


def print_scenario(info: dict[str, Any], console: Console | None = None) -> None:
    """Print every part of a described scenario."""
    console = console or Console()
    header = (f"[bold]{info['scenario']}[/bold]  start {info['start']}, {info['months']} months\n"
              f"{escape(info['description'])}\nsha256 {info['scenario_sha256']}")
    console.print(Panel(header, title="Scenario", expand=False))
    console.print(_territory_table(info["territories"]))
    for column, source in info["territories"]["sources"].items():
        console.print(f"  [dim]{column}: {escape(source)}[/dim]")
    for note in info["territories"].get("notes", []):
        console.print(f"  [dim]note: {escape(note)}[/dim]")
    console.print(_groups_table(info["groups"]))
    for gid, g in info["groups"].items():  # what the table has no room for: the sanctuary's source, the notes
        if g["sanctuary"] and g["sanctuary"].get("source"):
            console.print(f"  [dim]{gid} sanctuary: {escape(g['sanctuary']['source'])}[/dim]")
        if g.get("notes"):
            console.print(f"  [dim]{gid} notes: {escape(g['notes'])}[/dim]")
    console.print(_security_table(info["security"]))
    console.print(_initial_table(info["initial"]))
    console.print(_international_table(info["international"]))
    console.print(_timeline_table(info))
    model = info["model"]
    console.print(f"Model: negotiation engine {model['negotiation_engine']}, contest form {model['contest_form']}"
                  + (f", calibration {info['calibration']}" if info["calibration"] else ""))
    from totalpeace.uncertainty.forms import SWITCHES

    forms = "; ".join(f"{s.label} {', '.join(model.get('candidates', {}).get(s.name) or s.forms)}" for s in SWITCHES)
    console.print(f"Model forms averaged over by `run --uncertainty full` (model.candidates): {forms}")
    cal = info.get("calibration_set")
    if cal:
        prov = ", ".join(f"{k} {_brief(v)}" for k, v in cal["provenance"].items())
        console.print(f"Calibration {cal['name']}: {cal['file'] or 'file not found'}" + (f" ({prov})" if prov else ""))
    console.print(_parameter_table(info["parameters"]))


def _brief(value: object, longest: int = 8) -> str:
    """A provenance value for one line: a long list is summarised by its length (the set's file has it whole)."""
    if isinstance(value, list):
        return f"{len(value)} names" if len(value) > longest else ", ".join(map(str, value))
    return str(value)


def _cell(stat: dict[str, float | None], name: str) -> Text:
    """Median on the first line, the 80% interval under it (two short lines fit 100 columns)."""
    from totalpeace.report.catalogue import fmt

    if stat.get("p50") is None:
        return Text("-")
    return Text.assemble(fmt(name, stat["p50"]), "\n", (f"{fmt(name, stat['p10'])}–{fmt(name, stat['p90'])}", "dim"))


def _metrics_table(title: str, names: tuple[str, ...], metrics: dict[str, Any], spans: list) -> Table:
    """One row per metric the summary has, one column per calendar period: median, 80% interval under it."""
    from totalpeace.report.catalogue import titled

    table = Table(title=title, title_justify="left")
    table.add_column("metric", ratio=2)
    for p in spans:
        table.add_column(p.name, justify="right", ratio=1)
    for name in names:
        if name in metrics:
            table.add_row(titled(name), *[_cell(metrics[name].get(p.year, {}), name) for p in spans])
    return table


def print_summary(summary: dict[str, Any], console: Console | None = None) -> None:
    """The run's summary: main metrics by calendar period (median, 80% interval under it), the violence outcomes as
    the public series count them, members of each group at the start and the horizon, and how its talks end (final
    state and ever signed)."""
    from totalpeace.report.catalogue import LEVELS_SHOWN, REQUIRED_SHOWN
    from totalpeace.report.figures import outcome_shares
    from totalpeace.report.names import actor_names
    from totalpeace.report.periods import periods

    console = console or Console()
    metrics = summary["metrics"]
    spans = periods(summary["start"], summary["months"])
    console.print(_metrics_table(f"{summary['scenario']}: {summary['runs']} runs, seed {summary['seed']} — median "
                                 "over runs, 80% interval below", REQUIRED_SHOWN, metrics, spans))
    levels = _metrics_table("Violence as the public series count it (UCDP, CERAC, Defence Ministry, Indepaz, CNMH, "
                            "Victims' Registry, OCHA; docs/outputs.md) — median, 80% interval below", LEVELS_SHOWN,
                            metrics, spans)
    if levels.row_count:
        console.print(levels)
    names = actor_names(summary)
    first, last = spans[0], spans[-1]
    groups = Table(title="Groups: members (median, 80% interval) and how their talks end", title_justify="left")
    groups.add_column("group", ratio=2)
    groups.add_column(f"members, end of {first.name}", justify="right", ratio=1)
    groups.add_column(f"members, end of {last.name}", justify="right", ratio=1)
    groups.add_column("ever signed", justify="right")
    groups.add_column("final state (most runs)", ratio=1)
    rare = []
    for gid, entry in summary["groups"].items():
        if all((stat["p90"] or 0.0) < 0.5 for stat in entry["members"].values()):
            rare.append(names.get(gid, gid))  # e.g. a splinter that formed in fewer than one run in ten
            continue
        talks = entry["talks"]
        states = outcome_shares(talks["final_phase_share"])
        state, share = max(states.items(), key=lambda kv: kv[1])
        groups.add_row(names.get(gid, gid), _cell(entry["members"].get(first.year, {}), "armed_group_members"),
                       _cell(entry["members"].get(last.year, {}), "armed_group_members"),
                       f"{talks['signed_share']:.0%}", f"{state} ({share:.0%})")
    console.print(groups)
    console.print("[dim]Final states add to 100% per group; 'ever signed' counts runs that signed at any month, "
                  "even if talks broke down later.[/dim]")
    if rare:
        console.print(f"[dim]Groups that exist in fewer than 10% of runs (see summary.json): {', '.join(rare)}[/dim]")
    print_negotiation(summary, console)


def print_negotiation(summary: dict[str, Any], console: Console) -> None:
    """Each table: its agenda (the state's opening offer and the most it may concede), what was signed, and why
    tables broke down or stalled (the negotiation audit's main reasons with their shares of runs or months)."""
    from totalpeace.talks import explain

    tables = {gid: e["negotiation"] for gid, e in summary["groups"].items() if "negotiation" in e}
    if not tables:
        return
    from totalpeace.report.names import actor_names

    names = actor_names(summary)
    agenda = Table(title="Negotiation agendas: the state's opening offer → the most it may concede (0 nothing, 1 all "
                         "the group asks; - not on the agenda)", title_justify="left")
    issues = sorted({k for e in tables.values() for k in e["agenda"]}, key=lambda k: list(ISSUE_ORDER).index(k))
    agenda.add_column("issue", overflow="fold")
    for gid, entry in tables.items():
        agenda.add_column(f"{names.get(gid, gid)} ({entry['track'].replace('_', '-')})", justify="center",
                          min_width=9, overflow="fold")
    for issue in issues:
        cells = [f"{e['agenda'][issue]['opening']:.2f}→{e['agenda'][issue]['ceiling']:.2f}" if issue in e["agenda"]
                 else "-" for e in tables.values()]
        agenda.add_row(issue.replace("_", " "), *cells)
    console.print(agenda)
    for gid, entry in tables.items():
        for line in explain(gid, entry):
            console.print(line)
