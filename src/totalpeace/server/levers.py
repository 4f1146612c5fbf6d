"""The levers an analyst changes from the dashboard, and how they become scenario overrides.

Each lever maps onto a dotted scenario path that `--set` also accepts, so a dashboard run is exactly
`totalpeace run SCENARIO --set ...` and the scenario loader does the validation (with its messages).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from totalpeace.model.tables.agenda import defaults as agenda_defaults
from totalpeace.model.tables.agenda import on_agenda, table_track
from totalpeace.model.tables.issues import ISSUES
from totalpeace.policy import policy_levers
from totalpeace.report.names import short_name
from totalpeace.scenario.schema import ConcessionKind, Issue, Scenario, Table

YEAR_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
YearMonthText = Annotated[str, StringConstraints(pattern=YEAR_MONTH)]
Mandate = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: false is not 0


class CeasefireLever(_Strict):
    """A ceasefire with one group (M5.2)."""

    group: str = Field(..., description="Group id.")
    start: str | None = Field(None, pattern=YEAR_MONTH, description="YYYY-MM; default: the scenario's start.")
    months: int = Field(12, ge=1, le=1200, description="Duration in months.")
    bilateral: bool = Field(True, description="The state also stops operations.")
    zone: bool = Field(False, description="With a demilitarised zone.")
    territories: list[str] = Field(default_factory=list, max_length=2000,
                                   description="Territory ids of the zone (default: the group's main territory).")


class ConcessionLever(_Strict):
    """A unilateral concession to one group (M6.1)."""

    group: str = Field(..., description="Group id.")
    kind: ConcessionKind
    start: str | None = Field(None, pattern=YEAR_MONTH, description="YYYY-MM; default: the scenario's start.")
    months: int | None = Field(None, ge=1, le=1200, description="Duration; none = until the end of the run.")
    territories: list[str] = Field(default_factory=list, max_length=2000,
                                   description="For a zone: its territory ids.")


class Levers(_Strict):
    """Policy levers; a lever left out (null) keeps the scenario's value."""

    talks_mode: Literal["none", "simultaneous", "phased"] | None = Field(None, description="How tables open.")
    talks_order: list[str] | None = Field(None, description="Group ids in the order tables open (phased mode).")
    ceasefires: list[CeasefireLever] | None = Field(None, description="Replaces the scenario's ceasefires.")
    concessions: list[ConcessionLever] | None = Field(None, description="Replaces the scenario's concessions.")
    decriminalization: float | None = Field(None, ge=0.0, le=1.0, description="Drug decriminalisation D (0-1).")
    security_buy_in: float | None = Field(None, ge=0.0, le=1.0, description="Security-force buy-in K (0-1).")
    host_tolerance: dict[str, float] | None = Field(
        None, description="International actor id -> tolerance of armed groups on its soil (0-1), e.g. venezuela.")
    guarantors: dict[str, list[str]] | None = Field(
        None, description="International actor id -> group ids whose tables it guarantees ([] = none).")
    deadlines: dict[str, YearMonthText | None] | None = Field(
        None, description="Group id of a table -> YYYY-MM by which the state wants a final agreement, or ends the "
        "table (null: no deadline), known to the sides from the opening; as it nears, the sides may hurry (the "
        "assumption deadline_pressure).")
    targets: dict[str, bool] | None = Field(
        None, description="Group id of a table -> true: its date (levers.deadlines or the scenario's) is only a "
        "target the sides set, which hurries the drafting as a deadline does but ends nothing when missed "
        "(Havana's 23 March 2016); false: missing it ends the talks.")
    offers: dict[str, dict[Issue, Mandate | None]] | None = Field(
        None, description="Group id of a table -> issue -> the state's mandate, the most it will concede on that "
        "issue (0-1, below the track's legal ceiling; null: no mandate of its own, the ceiling), e.g. "
        '{"eln": {"extradition": 0}}. Issues left out keep the scenario\'s mandate.')


def overrides(levers: Levers, scenario: Scenario) -> dict[str, Any]:
    """Dotted scenario paths and values for the levers that are set (checked by the scenario loader)."""
    out: dict[str, Any] = {}
    if levers.talks_mode is not None:
        out["policy.talks.mode"] = levers.talks_mode
    if levers.talks_order is not None:
        out["policy.talks.order"] = list(levers.talks_order)
    if levers.ceasefires is not None:
        out["policy.ceasefires"] = [{**c.model_dump(), "start": c.start or scenario.start} for c in levers.ceasefires]
    if levers.concessions is not None:
        out["policy.concessions"] = [{**c.model_dump(exclude_none=True), "start": c.start or scenario.start}
                                     for c in levers.concessions]
    if levers.decriminalization is not None:
        out["policy.decriminalization"] = levers.decriminalization
    if levers.security_buy_in is not None:
        out["security.buy_in"] = levers.security_buy_in
    for field, values, key in (("host_tolerance", levers.host_tolerance, "host_tolerance"),
                               ("guarantors", levers.guarantors, "guarantor_for")):
        for actor, value in (values or {}).items():
            if actor not in scenario.international:
                known = ", ".join(scenario.international)
                raise LeverError(f"levers.{field}.{actor}: no international actor {actor!r} (known: {known})")
            current = getattr(scenario.international[actor], key)
            if isinstance(value, list) and sorted(value) == sorted(current):
                value = list(current)  # the same groups in another order is the same lever value
            out[f"international.{actor}.{key}"] = value
    for group, month in (levers.deadlines or {}).items():
        table = _table(scenario, "deadlines", group)
        if month != table.deadline:  # the dashboard's date is known to the sides from the opening
            out[f"policy.tables.{group}.deadline"] = month
            if table.deadline_announced is not None:
                out[f"policy.tables.{group}.deadline_announced"] = None
            if month is None and not table.deadline_binding:  # no date left: nothing for a target to qualify
                out[f"policy.tables.{group}.deadline_binding"] = True
    for group, target in (levers.targets or {}).items():
        path = f"policy.tables.{group}.deadline_binding"
        if target == out.get(path, _table(scenario, "targets", group).deadline_binding):  # after levers.deadlines
            out[path] = not target
    for group, issues in (levers.offers or {}).items():
        current = dict(_table(scenario, "offers", group).offer)
        wanted = {**current, **issues}
        wanted = {issue: share for issue, share in wanted.items() if share is not None}
        if wanted != current:  # the whole mandate: an issue set to null loses its cap
            out[f"policy.tables.{group}.offer"] = wanted
    return out


class LeverError(ValueError):
    """A lever that names something the scenario does not have."""


def _table(scenario: Scenario, field: str, group: str) -> Table:
    """The scenario's table with `group`, or a LeverError naming `levers.<field>.<group>`."""
    if group not in scenario.policy.tables:
        known = ", ".join(scenario.policy.tables) or "none"
        raise LeverError(f"levers.{field}.{group}: no table with {group!r} (tables: {known})")
    return scenario.policy.tables[group]


def describe_levers(scenario: Scenario) -> dict[str, Any]:
    """The levers' current values in the scenario and the choices the page offers."""
    hosts = {aid for g in scenario.groups.values() if g.sanctuary for aid in [g.sanctuary.country]}
    return {
        "values": {
            "talks_mode": scenario.policy.talks.mode,
            "talks_order": list(scenario.policy.talks.order),
            "ceasefires": [{"group": c.group, "start": c.start, "months": c.months, "bilateral": c.bilateral,
                            "zone": c.zone, "territories": list(c.territories)} for c in scenario.policy.ceasefires],
            "concessions": [{"group": c.group, "kind": c.kind, "start": c.start, "months": c.months,
                             "territories": list(c.territories)} for c in scenario.policy.concessions],
            "decriminalization": scenario.policy.decriminalization,
            "security_buy_in": scenario.security.buy_in,
            "host_tolerance": {aid: a.host_tolerance for aid, a in scenario.international.items()
                               if aid in hosts or a.host_tolerance > 0},
            "guarantors": {aid: list(a.guarantor_for) for aid, a in scenario.international.items()
                           if a.guarantor_for or not a.neighbour},
            "deadlines": {gid: table.deadline for gid, table in scenario.policy.tables.items()},
            "targets": {gid: not table.deadline_binding for gid, table in scenario.policy.tables.items()},
            "offers": {gid: dict(table.offer) for gid, table in scenario.policy.tables.items()},
        },
        "choices": {
            "talks_mode": ["none", "simultaneous", "phased"],
            "groups": {gid: g.name for gid, g in scenario.groups.items()},
            "table_groups": list(scenario.policy.tables),
            "agenda": agendas(scenario),
            "concession_kinds": list(ConcessionKind.__args__),  # type: ignore[attr-defined]
            "international": {aid: a.name for aid, a in scenario.international.items()},
            "short_names": {gid: short_name(g.name) for gid, g in scenario.groups.items()},
            "territories": territory_choices(scenario),
        },
        "start": scenario.start,
        "months": scenario.months,
    }


def agendas(scenario: Scenario) -> dict[str, dict[str, float]]:
    """The issues on each table's agenda (its track's, political participation for political groups only), what the
    state can give a mandate on, each with its track's legal ceiling (data/negotiation/issues.csv): a mandate above
    the ceiling concedes no more than it."""
    ceilings = agenda_defaults()["ceiling"]
    out = {}
    for gid, table in scenario.policy.tables.items():
        political = scenario.groups[gid].political  # every table's group exists (the loader checks it)
        track = table_track(table, political)
        out[gid] = {issue: ceilings[(track, issue)][0] for issue in ISSUES if on_agenda(track, issue, political)}
    return out


def lever_settings(scenario: Scenario, sets: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every lever's value in the resolved `scenario`, by the scenario path it sets (what a run records in the
    results store): the same record as summary.json's "policy" (totalpeace.policy)."""
    return policy_levers(scenario)


def territory_choices(scenario: Scenario) -> dict[str, str]:
    """Territory id -> name, for the zone pickers (a municipal scenario has 1,122)."""
    from totalpeace.territories import load_territories

    table = load_territories(scenario.territories)
    return dict(zip(table.ids, table.frame["name"].astype(str), strict=True))


LEVER_OF_PATH = (("policy.talks.mode", "levers.talks_mode"), ("policy.talks.order", "levers.talks_order"),
                 ("policy.ceasefires", "levers.ceasefires"), ("policy.concessions", "levers.concessions"),
                 ("policy.decriminalization", "levers.decriminalization"),
                 ("security.buy_in", "levers.security_buy_in"))


def lever_problems(problems: list[str], sets: dict[str, Any]) -> list[str]:
    """Loader messages rewritten in the API's terms: `levers.ceasefires[0].group: ...` instead of a file path."""
    out = []
    for problem in problems:
        text = problem
        mapped = (*LEVER_OF_PATH, *((p, _actor_lever(p)) for p in sets if p.startswith("international.")),
                  *((p, f"levers.{_table_lever(p)}.{p.split('.')[2]}")
                    for p in sets if p.startswith("policy.tables.")))
        for path, lever in sorted(mapped, key=lambda pair: -len(pair[0])):  # the longest path a message names
            at = text.find(path)
            if at >= 0 and path in sets:
                text = lever + text[at + len(path):]
                break
        out.append(text)
    return out


def _table_lever(path: str) -> str:
    """The lever behind a table's scenario path: policy.tables.<id>.deadline_binding -> targets, ...deadline ->
    deadlines, ...offer -> offers."""
    field = path.split(".")[3]
    return "targets" if field == "deadline_binding" else "deadlines" if field.startswith("deadline") else "offers"


def _actor_lever(path: str) -> str:
    _, actor, key = path.split(".", 2)
    return f"levers.{'host_tolerance' if key == 'host_tolerance' else 'guarantors'}.{actor}"
