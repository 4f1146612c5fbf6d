"""The resolved scenario as plain data: what `totalpeace show` prints and `--json` returns."""

from __future__ import annotations

from typing import Any

from totalpeace.errors import InputError
from totalpeace.scenario.fingerprint import scenario_sha256
from totalpeace.scenario.params import PARAMETERS
from totalpeace.scenario.schema import Scenario, deadline_words
from totalpeace.territories import load_territories


def _territories(scenario: Scenario) -> list[dict[str, Any]]:
    table = load_territories(scenario.territories)
    neighbours = table.neighbours()
    ids = table.ids
    present: dict[str, list[str]] = {tid: [] for tid in ids}
    for gid, group in scenario.groups.items():
        for tid in group.presence:
            present.setdefault(tid, []).append(gid)
    rows = []
    for pos, (tid, row) in enumerate(table.frame.iterrows()):
        homicides = None if row["homicides"] != row["homicides"] else float(row["homicides"])
        rows.append({
            "id": tid,
            "name": row["name"],
            "population": float(row["population"]),
            "rural_population": float(row["rural_population"]),
            "area_km2": float(row["area_km2"]),
            "coca_ha": float(row["coca_ha"]),
            "gold_ha": float(row["gold_ha"]),
            "homicides": homicides,
            "homicide_rate": None if homicides is None else 1e5 * homicides / float(row["population"]),
            "state_presence": round(float(row["state_presence"]), 4),
            "border_countries": [c for c in str(row["border_countries"]).split(";") if c],
            "coast": str(row["coast"]),
            "port": bool(row["port"]),
            "neighbours": sorted(ids[j] for j in neighbours[pos]),
            "groups": sorted(present.get(tid, [])),
        })
    return rows


def _timeline(scenario: Scenario) -> list[dict[str, Any]]:
    policy, items = scenario.policy, []
    for gid, table in policy.tables.items():
        counted = f"; {deadline_words(table.deadline_label())}" if table.deadline_months else ""
        items.append({"date": table.start, "what": f"table opens with {gid} ({policy.talks.mode} talks){counted}",
                      "source": table.source})
        if table.deadline is not None:
            what = (f"the state's deadline for a final agreement with {gid}: it ends the table if none is signed"
                    if table.deadline_binding else
                    f"the target date for a final agreement with {gid}: missing it ends nothing")
            items.append({"date": table.deadline, "what": what, "source": table.source})
        if table.deadline_announced is not None:
            kind = "deadline" if table.deadline_binding else "target date"
            items.append({"date": table.deadline_announced, "what": f"the {kind} for a final agreement with {gid} "
                          f"({table.deadline_when()}) announced: the drafting may hurry toward it from now",
                          "source": table.source})
    for c in policy.concessions:
        span = f" for {c.months} months" if c.months else ""
        items.append({"date": c.start, "what": f"concession to {c.group}: {c.kind}{span}", "source": c.source})
    for c in policy.ceasefires:
        kind = ("bilateral" if c.bilateral else "unilateral") + (" with zone" if c.zone else "")
        items.append({"date": c.start, "what": f"{kind} ceasefire with {c.group} for {c.months} months",
                      "source": c.source})
    if scenario.security.purge:
        p = scenario.security.purge
        items.append({"date": p.date, "what": f"purge: {p.generals_retired} of {p.generals_total} generals retired",
                      "source": p.source})
    for e in policy.events:
        sets = ", ".join(f"{k} = {v}" for k, v in e.set.items())
        items.append({"date": e.date, "what": e.description + (f" [{sets}]" if sets else ""), "source": e.source})
    return sorted(items, key=lambda item: item["date"])


def _set_by(scenario: Scenario, name: str) -> str:
    """Who changed a parameter from its default: the named calibrated set (same value) or the scenario."""
    from totalpeace.calibration.paramset import describe_set, set_by_scenario

    calibration = scenario.parameters.calibration
    try:
        values = (describe_set(calibration) or {}).get("parameters", {})
    except InputError:
        values = {}
    if name in values and name not in set_by_scenario(scenario.parameters, values):
        return f"calibration {calibration}"
    return "set by scenario"


def _parameters(scenario: Scenario) -> list[dict[str, Any]]:
    values = scenario.parameters.model_dump()
    drawn = _drawn_in_runs(scenario)
    return [{
        "name": p.name, "value": values[p.name], "default": p.default, "range": [p.low, p.high], "unit": p.unit,
        "mechanism": p.mechanism, "source": p.source if values[p.name] == p.default else _set_by(scenario, p.name),
        "default_source": p.source, "description": p.description, "note": p.note,
        "in_runs": drawn.get(p.name, "held"),
    } for p in PARAMETERS]


def _drawn_in_runs(scenario: Scenario) -> dict[str, str]:
    """What `run` does with each parameter by default (docs/validation.md 11): drawn from the calibration's
    posterior, drawn from its sample of the assumptions matched to history, drawn uniformly over its plausible range
    (an assumption that sample does not hold, as `run`'s note says), or held at the value shown."""
    from totalpeace.uncertainty.assumptions import unidentified
    from totalpeace.uncertainty.posterior import load_posterior

    posterior = load_posterior(scenario)
    if posterior is None:
        return {}
    out = dict.fromkeys(posterior.names, "posterior")
    if posterior.matched is not None:
        out.update({name: "matched" if name in posterior.matched.columns else "uniform"
                    for name in unidentified(scenario).names})
    return out


def _initial(scenario: Scenario) -> dict[str, Any]:
    """Where the levers stood at the start, as the engine reads them (`engine/schedule.py` `Start`: the scenario's
    `initial`, a value not given the lever's first-month value), with the names the scenario gives itself."""
    from totalpeace.engine.simulate import world_and_schedule

    world, schedule = world_and_schedule(scenario, 1)
    start, init = schedule.start, scenario.initial
    given = [name for name in ("cohesion", "deployable_share", "forces", "repression", "decriminalization")
             if getattr(init, name) is not None] + [f"host_tolerance.{actor}" for actor in init.host_tolerance]
    return {"cohesion": start.cohesion, "deployable_share": start.deployable, "forces": int(start.forces),
            "repression": "conditional" if start.conditional else "unconditional",
            "decriminalization": start.decriminalization,
            "host_tolerance": dict(zip(world.international_ids, start.host_tolerance.tolist(), strict=True)),
            "given": given, "source": init.source}


def describe(scenario: Scenario) -> dict[str, Any]:
    """Everything a reader needs to check a scenario, with sources."""
    table = load_territories(scenario.territories)
    dumped = scenario.model_dump(mode="json")
    groups = {}
    for gid, group in scenario.groups.items():
        g = dumped["groups"][gid]
        g["armed"] = group.members * group.armed_share
        g["support"] = group.members * (1.0 - group.armed_share)
        groups[gid] = g
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "scenario_sha256": scenario_sha256(scenario),
        "start": scenario.start,
        "months": scenario.months,
        "territories": {"config": dumped["territories"], "sources": table.sources, "notes": table.notes,
                        "items": _territories(scenario), "adjacent_pairs": len(table.adjacency),
                        **_presence_basis(table)},
        "groups": groups,
        "security": dumped["security"],
        "initial": _initial(scenario),
        "international": dumped["international"],
        "policy": dumped["policy"],
        "timeline": _timeline(scenario),
        "model": dumped["model"],
        "parameters": _parameters(scenario),
        "calibration": scenario.parameters.calibration,
        "calibration_set": _calibration(scenario),
    }


def _presence_basis(table: Any) -> dict[str, Any]:
    """Which rule placed each group in each territory, for datasets whose presence rule says (the municipal one)."""
    presence = table.presence
    if presence is None or "basis" not in presence.columns:
        return {}
    basis: dict[str, dict[str, str]] = {}
    for row in presence.itertuples():
        basis.setdefault(str(row.group), {})[str(row.id)] = str(row.basis)
    return {"presence_basis": basis}


def _calibration(scenario: Scenario) -> dict[str, Any] | None:
    """The calibrated parameter set the scenario names, with its provenance (None when uncalibrated)."""
    from totalpeace.calibration.paramset import describe_set

    try:
        return describe_set(scenario.parameters.calibration)
    except InputError:
        return {"name": scenario.parameters.calibration, "file": None, "provenance": {}, "parameters": {}}


def data_sources(scenario: Scenario) -> list[str]:
    """Every distinct source the scenario's data and figures name (for a report's provenance)."""
    table = load_territories(scenario.territories)
    found = [f"territories.{col}: {src}" for col, src in table.sources.items() if src]
    for gid, group in scenario.groups.items():
        if group.members_source:
            found.append(f"groups.{gid}.members: {group.members_source}")
    found += [f"security: {scenario.security.source}"] if scenario.security.source else []
    found += [f"international.{aid}: {a.source}" for aid, a in scenario.international.items() if a.source]
    return list(dict.fromkeys(found))
