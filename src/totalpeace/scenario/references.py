"""Checks across fields that a per-field schema cannot make: ids that must exist, dates that must not precede `start`.

Each problem is returned with the exact field path, so the loader can name the file that supplied it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import ValidationError

from totalpeace.errors import format_path, validation_message
from totalpeace.scenario import paths
from totalpeace.scenario.dates import add_months, month_index
from totalpeace.scenario.schema import ID_PATTERN, Scenario, Table
from totalpeace.territories import TerritoryTable, load_territories

PRESENCE_TOLERANCE = 0.01


class Problem(tuple):
    """(field path, message), and the other fields whose values make it a problem: the loader blames whichever of
    them the user set last (a `--set`, a variant), not the file that holds the field."""

    related: tuple[tuple[Any, ...], ...]

    def __new__(cls, loc: tuple[Any, ...], message: str, related: tuple[tuple[Any, ...], ...] = ()) -> Problem:
        problem = super().__new__(cls, (loc, message))
        problem.related = related
        return problem


def _ids(kind: str, known: set[str], refs: list[str], loc: tuple[Any, ...]) -> list[Problem]:
    related = (("territories",),) if kind == "territory" else ()
    out = []
    for i, ref in enumerate(refs):
        if ref not in known:
            out.append(Problem((*loc, i), f"unknown {kind} {ref!r}{paths.suggest(ref, sorted(known))}", related))
    return out


def _date(scenario: Scenario, when: str, loc: tuple[Any, ...]) -> list[Problem]:
    if month_index(scenario.start, when) < 0:
        return [Problem(loc, f"{when} is before the scenario's start {scenario.start}", (("start",),))]
    return []


def _deadline(tab: Table, loc: tuple[Any, ...]) -> list[Problem]:
    """A table's calendar deadline must come after its start, a table has one kind of deadline at most, and its
    announcement and whether it binds need a deadline, announced before it comes."""
    has = tab.deadline is not None or tab.deadline_months is not None
    for name, given in (("deadline_announced", tab.deadline_announced is not None),
                        ("deadline_binding", not tab.deadline_binding)):
        if given and not has:
            return [Problem((*loc, name), f"{name} needs a deadline (give deadline or deadline_months)",
                            ((*loc, "deadline"),))]
    if tab.deadline_announced is not None:
        if month_index(tab.start, tab.deadline_announced) < 0:
            return [Problem((*loc, "deadline_announced"), f"{tab.deadline_announced} is before the table's start "
                            f"{tab.start}", ((*loc, "start"),))]
        if tab.deadline is not None and month_index(tab.deadline_announced, tab.deadline) < 1:
            return [Problem((*loc, "deadline_announced"), f"{tab.deadline_announced} is not before the deadline "
                            f"{tab.deadline}", ((*loc, "deadline"),))]
    if tab.deadline is None:
        return []
    if tab.deadline_months is not None:
        return [Problem((*loc, "deadline"), "give deadline (a month) or deadline_months (months after the table "
                         "opens), not both", ((*loc, "deadline_months"),))]
    if month_index(tab.start, tab.deadline) < 1:
        return [Problem((*loc, "deadline"), f"{tab.deadline} is not after the table's start {tab.start}",
                        ((*loc, "start"),))]
    return []


def _groups(scenario: Scenario, table: TerritoryTable) -> list[Problem]:
    out: list[Problem] = []
    groups, actors, territories = set(scenario.groups), set(scenario.international), set(table.ids)
    for gid, group in scenario.groups.items():
        loc = ("groups", gid)
        if not re.match(ID_PATTERN, gid):
            out.append((loc, "group ids must be lower-case letters, digits and _ (starting with a letter)"))
        out += _ids("group", groups, group.allies, (*loc, "allies"))
        out += _ids("group", groups, group.rivals, (*loc, "rivals"))
        if group.parent is not None and group.parent not in groups:
            out.append(((*loc, "parent"), f"unknown group {group.parent!r}"))
        if group.sanctuary is not None and group.sanctuary.country not in actors:
            out.append(((*loc, "sanctuary", "country"), f"unknown international actor {group.sanctuary.country!r}"
                        f"{paths.suggest(group.sanctuary.country, sorted(actors))}"))
        for tid, share in group.presence.items():
            if tid not in territories:
                out.append(Problem((*loc, "presence", tid), f"unknown territory id"
                                   f"{paths.suggest(tid, sorted(territories))}", (("territories",),)))
            elif not 0.0 <= share <= 1.0:
                out.append(((*loc, "presence", tid), f"share must be between 0 and 1 (got {share})"))
        total = sum(group.presence.values())
        if group.presence and abs(total - 1.0) > PRESENCE_TOLERANCE:
            out.append(((*loc, "presence"), f"shares must add up to 1 (they add up to {total:.3f})"))
        if not group.presence and not group.presence_from and group.type != "foreign_cartel" and group.members > 0:
            out.append(((*loc, "presence"), "no territories of presence: give presence or presence_from"))
    pool = scenario.ex_combatants
    if pool is not None:
        for tid, share in pool.presence.items():
            if tid not in territories:
                out.append(Problem(("ex_combatants", "presence", tid), f"unknown territory id"
                                   f"{paths.suggest(tid, sorted(territories))}", (("territories",),)))
            elif not 0.0 <= share <= 1.0:
                out.append((("ex_combatants", "presence", tid), f"share must be between 0 and 1 (got {share})"))
        total = sum(pool.presence.values())
        if pool.presence and abs(total - 1.0) > PRESENCE_TOLERANCE:
            out.append((("ex_combatants", "presence"), f"shares must add up to 1 (they add up to {total:.3f})"))
        if not pool.presence and (pool.members > 0 or pool.vacated > 0):
            out.append((("ex_combatants", "presence"), "no territories: give the share of the former combatants in "
                        "each territory"))
    for aid, actor in scenario.international.items():
        if not re.match(ID_PATTERN, aid):
            out.append((("international", aid), "actor ids must be lower-case letters, digits and _"))
        out += _ids("group", groups, actor.guarantor_for, ("international", aid, "guarantor_for"))
        out += _ids("group", groups, actor.extradition_requests, ("international", aid, "extradition_requests"))
    return out


def _policy(scenario: Scenario, territories: set[str]) -> list[Problem]:
    out: list[Problem] = []
    groups, policy = set(scenario.groups), scenario.policy
    for gid, tab in policy.tables.items():
        if gid not in groups:
            out.append((("policy", "tables", gid), f"no group with id {gid!r}{paths.suggest(gid, sorted(groups))}"))
        out += _date(scenario, tab.start, ("policy", "tables", gid, "start"))
        out += _deadline(tab, ("policy", "tables", gid))
    out += _ids("group", groups, policy.talks.order, ("policy", "talks", "order"))
    for i, gid in enumerate(policy.talks.order):
        if gid in groups and gid not in policy.tables:
            out.append(Problem(("policy", "talks", "order", i), f"group {gid!r} has no table in policy.tables",
                               (("policy", "tables"),)))
    if policy.talks.mode == "phased" and not policy.talks.order:
        out.append(Problem(("policy", "talks", "order"), "phased talks need an order (a list of group ids)",
                           (("policy", "talks", "mode"),)))
    for kind, items in (("ceasefires", policy.ceasefires), ("concessions", policy.concessions)):
        for i, item in enumerate(items):
            loc = ("policy", kind, i)
            if item.group not in groups:
                out.append(((*loc, "group"), f"no group with id {item.group!r}"
                            f"{paths.suggest(item.group, sorted(groups))}"))
            out += _date(scenario, item.start, (*loc, "start"))
            out += _ids("territory", territories, item.territories, (*loc, "territories"))
            if kind == "ceasefires" and item.territories and not item.zone:
                out.append(((*loc, "territories"), "territories are the zone's: set zone = true, or leave them out"))
    for i, event in enumerate(policy.events):
        out += _date(scenario, event.date, ("policy", "events", i, "date"))
    if policy.draw_attacks_from is not None:
        out += _date(scenario, policy.draw_attacks_from, ("policy", "draw_attacks_from"))
    out += _negotiation(scenario)
    if scenario.security.purge is not None:
        purge = scenario.security.purge
        out += _date(scenario, purge.date, ("security", "purge", "date"))
        if purge.generals_retired > purge.generals_total:
            out.append(Problem(("security", "purge", "generals_retired"), "more generals retired than there are "
                               f"({purge.generals_retired} of {purge.generals_total})",
                               (("security", "purge", "generals_total"),)))
    return out


def _negotiation(scenario: Scenario) -> list[Problem]:
    """Attacks name existing groups (and a target for attacks on another table); type priors add up to 1."""
    out: list[Problem] = []
    groups, policy = set(scenario.groups), scenario.policy
    for i, attack in enumerate(policy.attacks):
        loc = ("policy", "attacks", i)
        if attack.group not in groups:
            out.append(((*loc, "group"),
                        f"no group with id {attack.group!r}{paths.suggest(attack.group, sorted(groups))}"))
        out += _date(scenario, attack.date, (*loc, "date"))
        if attack.kind == "attack_on_table":
            if attack.target is None:
                out.append(((*loc, "target"), "an attack_on_table needs the target group's id"))
            elif attack.target not in policy.tables:
                out.append(((*loc, "target"), f"group {attack.target!r} has no table in policy.tables"
                            f"{paths.suggest(attack.target, sorted(policy.tables))}"))
        elif attack.target is not None:
            out.append(((*loc, "target"), "only an attack_on_table has a target"))
    for gid, table in policy.tables.items():
        out += _points(scenario, gid, table)
    for gid, group in scenario.groups.items():
        if group.type_prior is not None:
            total = sum(group.type_prior.values())
            if abs(total - 1.0) > 1e-6 or any(v < 0 for v in group.type_prior.values()):
                out.append((("groups", gid, "type_prior"), f"shares must be >= 0 and add up to 1 (they add up to "
                            f"{total:.3f})"))
    return out


def _points(scenario: Scenario, gid: str, table) -> list[Problem]:
    """A table's agenda points, the state's mandate (`offer`) and the actors' terms (`issues`) name only issues on its
    track's agenda (data/negotiation/issues.csv): a mandate on an issue the table never negotiates would be listed
    among the policy's changes and change nothing."""
    from totalpeace.model.tables.agenda import on_agenda, table_track

    group = scenario.groups.get(gid)
    if group is None:
        return []
    political = bool(group.political)
    track = table_track(table, political)

    def why(issue: str) -> str:
        return ("political participation is on the agenda only of groups with political status"
                if issue == "political_participation" and track == "political" else
                f"it is not on the agenda of a {track} table (data/negotiation/issues.csv)")

    loc = ("policy", "tables", gid)
    out: list[Problem] = []
    for i, point in enumerate(table.points or []):
        for j, issue in enumerate(point):
            if not on_agenda(track, issue, political):
                out.append(((*loc, "points", i, j), f"issue {issue!r} cannot be agreed here: {why(issue)}"))
    for field, what in (("offer", "no mandate on"), ("issues", "no terms for")):
        for issue in getattr(table, field):
            if not on_agenda(track, issue, political):
                out.append(((*loc, field, issue), f"{what} issue {issue!r} at this table: {why(issue)}"))
    return out


TIME_VARYING = ("policy.decriminalization", "policy.substitution", "policy.substitution_announced",
                "policy.political_cost_of_war", "security.buy_in", "security.military", "security.police",
                "security.repression", "security.deployable_share", "international.*.host_tolerance",
                "international.*.guarantor_weight", "international.*.legitimacy",
                "international.*.relations", "international.*.verification", "international.*.aid")


def _time_varying(path: list[str | int]) -> bool:
    """Events may only change levers the engine reads every month."""
    text = ".".join(str(p) for p in path)
    for pattern in TIME_VARYING:
        parts = pattern.split(".")
        if len(parts) == len(path) and all(a in ("*", str(b)) for a, b in zip(parts, path, strict=True)):
            return True
    return text in TIME_VARYING


def _value_at(data: Any, path: list[str | int]) -> Any:
    """The value at `path` in plain data (dicts and lists)."""
    for part in path:
        data = data[part]
    return data


def _event_assignments(scenario: Scenario, data: dict[str, Any]) -> list[Problem]:
    """Every `set` of an event must name a real field and give it a valid value; a valid value is kept as the field
    reads it (the text "3" as the number 3, as anywhere else in a scenario), so the policy record, the fingerprint
    and a comparison see the value the run uses."""
    out: list[Problem] = []
    for i, event in enumerate(scenario.policy.events):
        for key, value in event.set.items():
            loc = ("policy", "events", i, "set", key)
            try:
                path = paths.split_path(key)
            except ValueError as exc:
                out.append((loc, str(exc)))
                continue
            _annotation, walked = paths.annotation_at(Scenario, path)
            if len(walked) != len(path):
                bad = str(path[len(walked)])
                out.append((loc, f"unknown field {key!r}{paths.suggest(bad, paths.valid_keys(Scenario, walked))}"))
                continue
            path = walked
            if not _time_varying(path):
                out.append((loc, f"{key!r} cannot change during a run (levers that can: {', '.join(TIME_VARYING)})"))
                continue
            trial = copy.deepcopy(data)
            try:
                paths.set_path(trial, path, value)
                read = Scenario.model_validate(trial)
            except ValidationError as exc:
                err = exc.errors()[0]
                out.append((loc, f"{format_path(err['loc'])}: {validation_message(err)}"))
            except Exception as exc:
                out.append((loc, str(exc)))
            else:
                event.set[key] = _value_at(read.model_dump(mode="python"), path)
    return out


def _same_month_events(scenario: Scenario) -> list[Problem]:
    """Two events of one month that set a lever to different values: which one holds would depend on their order in
    the list, which nobody reads as a priority."""
    out: list[Problem] = []
    seen: dict[tuple[str, str], tuple[int, str, Any]] = {}
    for i, event in enumerate(scenario.policy.events):
        for key, value in event.set.items():
            try:
                lever = ".".join(str(p) for p in paths.split_path(key))
            except ValueError:
                continue  # named by _event_assignments
            first = seen.setdefault((event.date, lever), (i, key, value))
            if first[0] != i and first[2] != value:
                out.append(Problem(("policy", "events", i, "set", key),
                                   f"{lever} is set to {value!r} and, in the same month {event.date}, to {first[2]!r} "
                                   f"by policy.events[{first[0]}]: give one value",
                                   (("policy", "events", first[0], "set", first[1]),)))
    return out


def _contradictions(scenario: Scenario) -> list[Problem]:
    """Settings that cannot all hold: a group its own rival, ally or parent, a parent cycle, a group twice in the
    talks order or in a guarantor's tables, two ceasefires for one group at once, a zone for a group with nowhere to
    put it."""
    out: list[Problem] = []
    groups = scenario.groups
    for gid, group in groups.items():
        loc = ("groups", gid)
        for kind in ("rivals", "allies"):
            if gid in getattr(group, kind):
                i = getattr(group, kind).index(gid)
                out.append(Problem((*loc, kind, i), f"a group cannot be among its own {kind}"))
        for i, other in enumerate(group.rivals):
            if other in group.allies:
                out.append(Problem((*loc, "rivals", i), f"{other!r} is both a rival and an ally",
                                   ((*loc, "allies"),)))
        if group.parent == gid:
            out.append(Problem((*loc, "parent"), "a group cannot be its own parent"))
        else:
            seen, node = [gid], group.parent
            while node in groups and node not in seen:
                seen.append(node)
                node = groups[node].parent
            if node == gid:
                cycle = " -> ".join([*seen, gid])
                out.append(Problem((*loc, "parent"), f"parents form a cycle ({cycle})",
                                   tuple(("groups", g, "parent") for g in seen[1:])))
    order = scenario.policy.talks.order
    for i, gid in enumerate(order):
        if gid in order[:i]:
            out.append(Problem(("policy", "talks", "order", i), f"group {gid!r} appears twice (also at "
                               f"[{order.index(gid)}]): each table opens once"))
    for aid, actor in scenario.international.items():  # listed twice, a guarantor's weight would count twice
        listed = actor.guarantor_for
        for i, gid in enumerate(listed):
            if gid in listed[:i]:
                out.append(Problem(("international", aid, "guarantor_for", i), f"group {gid!r} appears twice (also "
                                   f"at [{listed.index(gid)}]): a guarantor guarantees a table once"))
    ceasefires = scenario.policy.ceasefires
    for i, cf in enumerate(ceasefires):
        begin = month_index(scenario.start, cf.start)
        for j, other in enumerate(ceasefires[:i]):
            other_begin = month_index(scenario.start, other.start)
            if other.group == cf.group and begin < other_begin + other.months and other_begin < begin + cf.months:
                out.append(Problem(("policy", "ceasefires", i, "start"),
                                   f"overlaps policy.ceasefires[{j}] ({other.start} for {other.months} months) for "
                                   f"group {cf.group!r}: one ceasefire at a time per group (end one before the "
                                   "next starts)", (("policy", "ceasefires", j),)))
    zones = [("ceasefires", i, z) for i, z in enumerate(ceasefires) if z.zone]
    zones += [("concessions", i, c) for i, c in enumerate(scenario.policy.concessions) if c.kind == "zone"]
    for kind, i, item in zones:
        group = groups.get(item.group)
        if group is not None and not item.territories and not group.presence:
            out.append(Problem(("policy", kind, i, "territories"), f"a zone for group {item.group!r} needs "
                               "territories: the group has no territories of presence to place it in",
                               (("groups", item.group, "presence"),)))
    return out


def notices(scenario: Scenario) -> list[Problem]:
    """Harmless but probably unintended settings, to warn about: they load and run, but do nothing."""
    out: list[Problem] = []
    policy, horizon = scenario.policy, scenario.months
    end = add_months(scenario.start, horizon - 1)
    dated: list[tuple[tuple[Any, ...], str]] = [(("policy", "tables", g, "start"), t.start)
                                                for g, t in policy.tables.items()]
    dated += [(("policy", "ceasefires", i, "start"), c.start) for i, c in enumerate(policy.ceasefires)]
    dated += [(("policy", "concessions", i, "start"), c.start) for i, c in enumerate(policy.concessions)]
    dated += [(("policy", "events", i, "date"), e.date) for i, e in enumerate(policy.events)]
    if policy.draw_attacks_from is not None:
        dated.append((("policy", "draw_attacks_from"), policy.draw_attacks_from))
    if scenario.security.purge is not None:
        dated.append((("security", "purge", "date"), scenario.security.purge.date))
    for loc, when in dated:
        if month_index(scenario.start, when) >= horizon:
            out.append(Problem(loc, f"{when} is after the scenario's last month {end} ({horizon} months from "
                               f"{scenario.start}): no effect unless a run is longer (--months)",
                               (("months",), ("start",))))
    for i, item in enumerate(policy.concessions):  # (a ceasefire's territories without zone = true are an error)
        if item.territories and item.kind != "zone":
            out.append(Problem(("policy", "concessions", i, "territories"), "ignored: only a zone has territories "
                               '(kind = "zone")'))
    ceasefires = {c.group for c in policy.ceasefires}
    for aid, actor in scenario.international.items():
        for i, gid in enumerate(actor.guarantor_for):
            if gid in scenario.groups and gid not in policy.tables and gid not in ceasefires:
                out.append(Problem(("international", aid, "guarantor_for", i), f"no effect: group {gid!r} has no "
                                   "table to guarantee and no ceasefire to verify", (("policy", "tables"),)))
    return out


def _initial(scenario: Scenario) -> list[Problem]:
    """The start's tolerances name international actors."""
    actors = set(scenario.international)
    return [Problem(("initial", "host_tolerance", actor),
                    f"no international actor with id {actor!r}{paths.suggest(actor, sorted(actors))}",
                    (("international",),))
            for actor in scenario.initial.host_tolerance if actor not in actors]


def check_references(scenario: Scenario, data: dict[str, Any]) -> list[Problem]:
    """All cross-field problems of a validated scenario (empty when it is consistent)."""
    table = load_territories(scenario.territories)
    return (_groups(scenario, table) + _policy(scenario, set(table.ids)) + _initial(scenario)
            + _event_assignments(scenario, data) + _same_month_events(scenario) + _contradictions(scenario))
