"""The policy an ensemble assumed: every lever's value by scenario path, what differs from a baseline, and the
variant written as a scenario TOML that reruns from the command line.

A result that does not say which policy produced it cannot be used for a decision, so every artefact (summary.json,
the reports, the dashboard) carries these values. Paths are those `--set` accepts, so a value read here can be
typed back on the command line; lists (ceasefires, concessions, the talks order, scheduled changes) are whole values.
"""

from __future__ import annotations

import json
from typing import Any

from totalpeace.scenario.schema import Scenario, Table

LIST_LEVERS = ("policy.talks.order", "policy.ceasefires", "policy.concessions", "policy.events")


def _item(model: Any) -> dict[str, Any]:
    """A list item's values without its source note (the note documents a value, it is not a lever)."""
    return model.model_dump(mode="json", exclude={"source"})


def policy_levers(scenario: Scenario) -> dict[str, Any]:
    """Every lever's value in the resolved `scenario`, by scenario path (JSON types only)."""
    p, s = scenario.policy, scenario.security
    out: dict[str, Any] = {"policy.talks.mode": p.talks.mode, "policy.talks.order": list(p.talks.order)}
    for gid, table in p.tables.items():
        out.update(table_levers(gid, table))
    out["policy.ceasefires"] = [_item(c) for c in p.ceasefires]
    out["policy.concessions"] = [_item(c) for c in p.concessions]
    out["policy.decriminalization"] = p.decriminalization
    out["policy.substitution"] = p.substitution
    out["policy.substitution_announced"] = p.substitution_announced
    out["policy.events"] = [_item(e) for e in p.events]
    out["security.buy_in"] = s.buy_in
    out["security.deployable_share"] = s.deployable_share
    out["security.repression"] = s.repression
    out["security.military"] = s.military
    out["security.police"] = s.police
    for aid, actor in scenario.international.items():
        out[f"international.{aid}.host_tolerance"] = actor.host_tolerance
        out[f"international.{aid}.guarantor_for"] = list(actor.guarantor_for)
    return out


def table_levers(gid: str, table: Table) -> dict[str, Any]:
    """A table's levers: its opening and what the scenario chose beyond the defaults — the state's mandate per issue,
    a deadline (when announced, and whether missing it ends the talks, listed with the date it qualifies),
    conditional offers, the veto players that ratify. A lever left at its default is not listed, so a policy table
    stays short and a variant's change shows as a value against "—"."""
    root = f"policy.tables.{gid}"
    out: dict[str, Any] = {f"{root}.start": table.start}
    out.update({f"{root}.offer.{issue}": share for issue, share in table.offer.items()})
    if table.deadline is not None:
        out[f"{root}.deadline"] = table.deadline
    if table.deadline_months is not None:
        out[f"{root}.deadline_months"] = table.deadline_months
    if table.deadline_announced is not None:
        out[f"{root}.deadline_announced"] = table.deadline_announced
    if table.deadline is not None or table.deadline_months is not None:
        out[f"{root}.deadline_binding"] = table.deadline_binding  # listed with its date: what missing it does
    if table.conditional:
        out[f"{root}.conditional"] = True
    if table.ratification is not None:
        out[f"{root}.ratification"] = list(table.ratification)
    return out


def actor_names(scenario: Scenario) -> dict[str, str]:
    """Human names of the groups and international actors a policy names (for reports and the dashboard)."""
    return {**{gid: g.name for gid, g in scenario.groups.items()},
            **{aid: a.name for aid, a in scenario.international.items()}}


def policy_record(scenario: Scenario) -> dict[str, Any]:
    """What summary.json keeps under "policy": the levers and the names they refer to."""
    return {"levers": policy_levers(scenario), "names": actor_names(scenario)}


def differences(baseline: dict[str, Any], variant: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(path, baseline value, variant value) for every lever that differs (None where one side lacks it)."""
    paths = list(baseline) + [p for p in variant if p not in baseline]
    return [(p, baseline.get(p), variant.get(p)) for p in paths if baseline.get(p) != variant.get(p)]


# ---- the variant as a scenario file ----------------------------------------------------------------------------
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if value is None:
        raise ValueError("TOML has no null")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()
                                if v is not None) + " }"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    """Dotted paths -> nested tables."""
    out: dict[str, Any] = {}
    for path, value in flat.items():
        *parents, last = path.split(".")
        node = out
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return out


def _table_lines(table: dict[str, Any], prefix: str) -> list[str]:
    """One TOML table: plain values first, then sub-tables, then arrays of tables (lists of items)."""
    plain = {k: v for k, v in table.items() if not isinstance(v, dict)
             and not (isinstance(v, list) and v and all(isinstance(i, dict) for i in v))}
    lines = [f"[{prefix}]"] if prefix and plain else []
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in plain.items() if v is not None]
    for key, value in table.items():
        name = f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key)
        if isinstance(value, dict):  # one blank line before each header, none for a table without values
            sub = _table_lines(value, name)
            lines += sub if not sub or sub[0] == "" else ["", *sub]
        elif key not in plain:
            for item in value:
                lines += ["", f"[[{name}]]"]
                lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in item.items() if v is not None]
    return lines


def variant_toml(base: str, base_levers: dict[str, Any], levers: dict[str, Any], name: str,
                 description: str = "", months: int | None = None, command: str | None = None) -> str:
    """A scenario file that `extends` the built-in `base` and sets every lever that differs from it.

    A list lever (ceasefires, concessions, the talks order, scheduled changes) is written whole: a list in a variant
    replaces the base's list, so the file repeats the items it keeps and says so."""
    changed = {p: v for p, b, v in differences(base_levers, levers) if v is not None}
    lines = [f"# The policy of {name!r} as a scenario: {base} with the levers below changed.",
             "# Lists are written whole: in a variant a list replaces the base scenario's list."]
    if command:
        lines.append(f"# Rerun: {command}")
    lines += [f"extends = {_toml_value(base)}", f"name = {_toml_value(name)}"]
    if description:
        lines.append(f"description = {_toml_value(description)}")
    if months is not None:
        lines.append(f"months = {months}")
    if not changed:
        lines.append("# (no lever differs from the base scenario)")
    body = _table_lines(_nest(changed), "")
    while body and body[0] == "":
        body.pop(0)
    return "\n".join([*lines, "", *body]).rstrip() + "\n"
