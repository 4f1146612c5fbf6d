"""Month-by-month levers from the scenario's policy timeline: ceasefires, concessions, zones, purges, attacks the
state observes, the political cost of war, and events."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from totalpeace.model.tables.commitment import guarantor_index
from totalpeace.model.tables.levers import attack_counts
from totalpeace.model.values import CONCESSION_KINDS
from totalpeace.scenario.dates import month_index
from totalpeace.scenario.paths import annotation_at, set_path, split_path
from totalpeace.scenario.schema import Scenario
from totalpeace.world import World


@dataclass(frozen=True)
class Zone:
    """A demilitarised zone for one group over a span of months."""

    group: int
    territories: np.ndarray
    start: int
    end: int


@dataclass(frozen=True)
class Start:
    """The levers as they stood when the scenario starts (the scenario's `initial`, or the first month's values): the
    initial control, sanctuary, arms and cohesion are computed with them, the policy acts from the first month on."""

    cohesion: float
    deployable: float
    forces: float  # military and police personnel
    conditional: bool
    decriminalization: float
    host_tolerance: np.ndarray  # (I,) each international actor's tolerance of armed groups


@dataclass(frozen=True)
class Schedule:
    """Levers per month (M months); arrays indexed [month, ...]."""

    decriminalization: np.ndarray
    substitution: np.ndarray
    announced: np.ndarray
    buy_in: np.ndarray
    conditional: np.ndarray
    deployable: np.ndarray
    forces: np.ndarray  # (M,) military and police personnel (dated events may change them: a force that grows)
    host_tolerance: np.ndarray  # (M, I)
    relations: np.ndarray  # (M, I) relations with the government (1 normal, 0 broken)
    guarantee: np.ndarray  # (M, G) guarantor index
    verification: np.ndarray  # (M, G) verification capacity of each group's guarantors, min(1, sum)
    host_guarantees: np.ndarray  # (M, G) 1 where the group's sanctuary host guarantees its table
    aid: np.ndarray  # (M,) certified security aid, USD m a year
    legitimacy: np.ndarray  # (M,)
    ceasefire: np.ndarray  # (M, G) scheduled ceasefire
    bilateral: np.ndarray  # (M, G)
    concessions: np.ndarray  # (M, G, 4) active concessions by kind
    purge: np.ndarray  # (M,) share of generals retired that month
    attacks: np.ndarray  # (M, G, 4) scheduled attacks and violations by kind (model/tables/levers.py)
    political_cost: np.ndarray  # (M,) political cost of war for the government
    start: Start
    zones: list[Zone] = field(default_factory=list)

    def zone_mask(self, month: int, n_groups: int, n_territories: int) -> np.ndarray:
        """(G, T) territories demilitarised for each group this month."""
        mask = np.zeros((n_groups, n_territories), dtype=bool)
        for zone in self.zones:
            if zone.start <= month < zone.end:
                mask[zone.group, zone.territories] = True
        return mask


def _lever_values(scenario: Scenario, world: World) -> dict[str, np.ndarray | float]:
    actors = [scenario.international[a] for a in world.international_ids]
    guarantee = np.zeros(world.n_groups)
    verification = np.zeros(world.n_groups)
    host_guarantees = np.zeros(world.n_groups)
    for k, actor in enumerate(actors):
        for gid in actor.guarantor_for:
            g = world.group_ids.index(gid)
            guarantee[g] += actor.guarantor_weight
            verification[g] += actor.verification
            if world.host[g] == k:
                host_guarantees[g] = 1.0
    return {
        "decriminalization": scenario.policy.decriminalization,
        "substitution": scenario.policy.substitution,
        "announced": float(scenario.policy.substitution_announced),
        "buy_in": scenario.security.buy_in,
        "conditional": float(scenario.security.repression == "conditional"),
        "deployable": scenario.security.deployable_share,
        "forces": float(scenario.security.military + scenario.security.police),
        "host_tolerance": np.array([a.host_tolerance for a in actors]),
        "relations": np.array([a.relations for a in actors]),
        "guarantee": guarantor_index(guarantee),
        "verification": np.minimum(verification, 1.0),
        "host_guarantees": host_guarantees,
        "aid": sum(a.aid for a in actors),
        "legitimacy": min(1.0, sum(a.legitimacy for a in actors)),
        "political_cost": scenario.policy.political_cost_of_war,
    }


def _span(scenario: Scenario, start: str, months: int | None, horizon: int) -> tuple[int, int]:
    first = max(0, month_index(scenario.start, start))
    return first, horizon if months is None else min(horizon, first + months)


def _zone_territories(scenario: Scenario, world: World, group: str, named: list[str]) -> np.ndarray:
    """Named zone territories, or by default the territory where the group has most members."""
    if named:
        return np.array([world.territory_ids.index(t) for t in named], dtype=int)
    return np.array([int(np.argmax(world.presence[world.group_ids.index(group)]))], dtype=int)


def build_schedule(scenario: Scenario, world: World, months: int) -> Schedule:
    """Evaluate the levers for every month, applying dated events' `set` from their month on."""
    events = sorted(((max(0, month_index(scenario.start, e.date)), e) for e in scenario.policy.events),
                    key=lambda item: item[0])
    data = scenario.model_dump(mode="python")
    values = _lever_values(scenario, world)
    per_month: dict[str, list] = {k: [] for k in values}
    pending = list(events)
    for m in range(months):
        changed = False
        while pending and pending[0][0] <= m:
            _, event = pending.pop(0)
            for key, value in event.set.items():
                set_path(data, annotation_at(Scenario, split_path(key))[1], value)
                changed = True
        if changed:
            values = _lever_values(Scenario.model_validate(data), world)
        for key, value in values.items():
            per_month[key].append(value)
    arrays = {k: np.array(v, dtype=float) for k, v in per_month.items()}

    G = world.n_groups
    ceasefire = np.zeros((months, G), dtype=bool)
    bilateral = np.zeros((months, G), dtype=bool)
    zones: list[Zone] = []
    for cf in scenario.policy.ceasefires:
        g = world.group_ids.index(cf.group)
        a, b = _span(scenario, cf.start, cf.months, months)
        ceasefire[a:b, g] = True
        bilateral[a:b, g] |= cf.bilateral
        if cf.zone:
            zones.append(Zone(g, _zone_territories(scenario, world, cf.group, cf.territories), a, b))
    concessions = np.zeros((months, G, len(CONCESSION_KINDS)), dtype=bool)
    for c in scenario.policy.concessions:
        g = world.group_ids.index(c.group)
        a, b = _span(scenario, c.start, c.months, months)
        concessions[a:b, g, CONCESSION_KINDS.index(c.kind)] = True
        if c.kind == "zone":
            zones.append(Zone(g, _zone_territories(scenario, world, c.group, c.territories), a, b))
    purge = np.zeros(months)
    if scenario.security.purge is not None:
        pg = scenario.security.purge
        m = max(0, month_index(scenario.start, pg.date))
        if m < months:
            purge[m] = pg.generals_retired / pg.generals_total
    initial = scenario.initial
    start = Start(
        cohesion=float(arrays["buy_in"][0] if initial.cohesion is None else initial.cohesion),
        deployable=float(arrays["deployable"][0] if initial.deployable_share is None else initial.deployable_share),
        forces=float(arrays["forces"][0] if initial.forces is None else initial.forces),
        conditional=bool(arrays["conditional"][0] > 0 if initial.repression is None
                         else initial.repression == "conditional"),
        decriminalization=float(arrays["decriminalization"][0] if initial.decriminalization is None
                                else initial.decriminalization),
        host_tolerance=np.array([initial.host_tolerance.get(actor, level) for actor, level
                                 in zip(world.international_ids, arrays["host_tolerance"].reshape(months, -1)[0],
                                        strict=True)], dtype=float))
    return Schedule(
        decriminalization=arrays["decriminalization"], substitution=arrays["substitution"],
        announced=arrays["announced"] > 0, buy_in=arrays["buy_in"], conditional=arrays["conditional"] > 0,
        deployable=arrays["deployable"], forces=arrays["forces"],
        host_tolerance=arrays["host_tolerance"].reshape(months, -1),
        relations=arrays["relations"].reshape(months, -1), guarantee=arrays["guarantee"].reshape(months, G),
        verification=arrays["verification"].reshape(months, G),
        host_guarantees=arrays["host_guarantees"].reshape(months, G), aid=arrays["aid"],
        legitimacy=arrays["legitimacy"], ceasefire=ceasefire,
        bilateral=bilateral, concessions=concessions, purge=purge,
        attacks=attack_counts(scenario, world.group_ids, months), political_cost=arrays["political_cost"], start=start,
        zones=zones,
    )
