"""The policy of an ensemble in words: every lever with a human label and its value, and what a variant changed.

Reads summary.json's "policy" record (totalpeace.policy.policy_record), so a saved run can be described without its
scenario. The report, the comparison report and the dashboard all show these rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from totalpeace.policy import differences
from totalpeace.report.names import name_of, short_name
from totalpeace.report.periods import month_name

TALKS_MODES = {"none": "none (no talks)", "simultaneous": "simultaneous (every table at once)",
               "phased": "phased (tables open one after another, in order)"}
CONCESSIONS = {"arrest_orders_suspended": "arrest orders suspended", "extradition_suspended": "extradition suspended",
               "bombing_suspended": "bombing suspended", "zone": "a zone free of operations"}
FIXED_LABELS = {
    "policy.talks.mode": "Talks: how tables open",
    "policy.talks.order": "Talks: order in which tables open (phased mode)",
    "policy.ceasefires": "Ceasefires",
    "policy.concessions": "Concessions",
    "policy.decriminalization": "Drug decriminalisation (0 none – 1 full)",
    "policy.substitution": "Crop-substitution effort (0–1)",
    "policy.substitution_announced": "Substitution announced but not paid",
    "policy.events": "Scheduled lever changes",
    "security.buy_in": "Security-force buy-in K (0–1)",
    "security.deployable_share": "Share of security forces deployable",
    "security.repression": "Repression rule",
    "security.military": "Military personnel",
    "security.police": "Police personnel",
}


TABLE_LEVERS = {"start": "opens", "deadline": "date for a final agreement",
                "deadline_months": "date for a final agreement, months after opening",
                "deadline_announced": "that date announced to the sides",
                "deadline_binding": "missing that date ends the talks",
                "conditional": "conditional offers", "ratification": "ratified by"}
VETO_PLAYERS = {"congress": "Congress", "court": "the Constitutional Court", "public": "a referendum",
                "security_forces": "the security forces"}


def _names(names: Mapping[str, str]) -> dict[str, str]:
    return {k: short_name(v) for k, v in names.items()}


def lever_label(path: str, names: Mapping[str, str]) -> str:
    """'security.buy_in' -> 'Security-force buy-in K (0–1)'; per-actor levers name the actor."""
    if path in FIXED_LABELS:
        return FIXED_LABELS[path]
    parts = path.split(".")
    if parts[:2] == ["policy", "tables"]:
        what = TABLE_LEVERS.get(parts[3], parts[3]) if len(parts) == 4 else \
            f"the state's mandate on {parts[4].replace('_', ' ')} (0–1)"
        return f"Table with {name_of(parts[2], names)}: {what}"
    if parts[0] == "international" and len(parts) == 3:
        what = {"host_tolerance": "tolerance of armed groups on its soil (0–1)",
                "guarantor_for": "guarantor of the tables with"}.get(parts[2], parts[2])
        return f"{name_of(parts[1], names)}: {what}"
    return path


def _months(n: int | None) -> str:
    return "until the end" if n is None else f"for {n} month{'s' if n != 1 else ''}"


def _ceasefire(c: Mapping[str, Any], names: Mapping[str, str]) -> str:
    zone = "with a zone" + (f" ({len(c['territories'])} territories)" if c.get("territories") else "") \
        if c.get("zone") else "no zone"
    return (f"{name_of(c['group'], names)}: from {month_name(c['start'])} {_months(c['months'])}, "
            f"{'bilateral' if c.get('bilateral', True) else 'unilateral'}, {zone}")


def _concession(c: Mapping[str, Any], names: Mapping[str, str]) -> str:
    where = f" ({len(c['territories'])} territories)" if c.get("territories") else ""
    return (f"{name_of(c['group'], names)}: {CONCESSIONS.get(c['kind'], c['kind'])}{where} from "
            f"{month_name(c['start'])} {_months(c.get('months'))}")


def format_value(path: str, value: Any, names: Mapping[str, str]) -> str:
    """A lever's value as a reader says it."""
    if value is None:
        return "—"
    if path == "policy.talks.mode":
        return TALKS_MODES.get(value, str(value))
    if path == "policy.ceasefires":
        return "; ".join(_ceasefire(c, names) for c in value) or "none"
    if path == "policy.concessions":
        return "; ".join(_concession(c, names) for c in value) or "none"
    if path == "policy.events":
        changes = [e for e in value if e.get("set")]
        return "; ".join(f"{month_name(e['date'])}: " + ", ".join(f"{k} = {v}" for k, v in e["set"].items())
                         for e in changes) or "none"
    if path.startswith("policy.tables.") and path.endswith(".ratification"):
        return " → ".join(VETO_PLAYERS.get(v, v) for v in value) or "none"
    if path.startswith("policy.tables.") and path.endswith((".deadline", ".deadline_announced")):
        return month_name(value)
    if path.endswith((".order", ".guarantor_for")):
        joiner = " → " if path.endswith(".order") else ", "
        return joiner.join(name_of(g, names) for g in value) or "none"
    if path.endswith(".start") and isinstance(value, str):
        return month_name(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def policy_rows(record: Mapping[str, Any]) -> list[list[str]]:
    """[lever, value] for every lever of a policy record (summary.json's "policy")."""
    names = _names(record.get("names", {}))
    return [[lever_label(p, names), format_value(p, v, names)] for p, v in record.get("levers", {}).items()]


def policy_difference_rows(baseline: Mapping[str, Any], variant: Mapping[str, Any]) -> list[list[str]]:
    """[lever, baseline value, variant value] for every lever that differs."""
    names = _names({**baseline.get("names", {}), **variant.get("names", {})})
    return [[lever_label(p, names), format_value(p, a, names), format_value(p, b, names)]
            for p, a, b in differences(baseline.get("levers", {}), variant.get("levers", {}))]


def change_rows(baseline: Mapping[str, Any], variant: Mapping[str, Any]) -> list[list[str]]:
    """[what, baseline value, variant value] for every lever and every model parameter that differs between two
    summaries (summary.json: "policy" and "provenance"."parameters"): what a comparison says the variant changes."""
    rows = policy_difference_rows(baseline.get("policy") or {}, variant.get("policy") or {})
    held = (baseline.get("provenance") or {}).get("parameters") or {}
    changed = (variant.get("provenance") or {}).get("parameters") or {}
    return rows + [[f"parameter {name}", str(held.get(name, "—")), str(value)] for name, value in changed.items()
                   if held.get(name) != value]


def changed_levers_sentence(baseline: Mapping[str, Any], variant: Mapping[str, Any]) -> str:
    """One line for a list of runs: 'decriminalisation 0.00 → 0.50; ceasefires: none' or 'the scenario's policy'."""
    rows = policy_difference_rows(baseline, variant)
    if not rows:
        return "the scenario's own policy"
    return "; ".join(f"{label}: {b}" for label, _, b in rows)
