"""The static world: territories and their graph, groups (with reserved slots for splinters) and actors, as arrays.

Everything here is fixed for a run; what changes month by month lives in engine/state.py and engine/schedule.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from totalpeace.routes import Routes, edge_costs, least_cost_routes
from totalpeace.scenario.dates import month_index
from totalpeace.scenario.schema import Scenario
from totalpeace.territories import TerritoryTable, load_territories

GROUP_TYPES = ("insurgent", "criminal", "dissident", "foreign_cartel")
SPOILERS = ("limited", "greedy", "total")
REVENUES = ("coca", "gold", "extortion", "routes")


@dataclass(frozen=True)
class World:
    """Static arrays for one scenario. T territories, G group slots (scenario groups, then splinter slots)."""

    territory_ids: list[str]
    territory_names: list[str]
    population: np.ndarray  # (T,)
    area_1000km2: np.ndarray  # (T,)
    coca_ha: np.ndarray  # (T,) initial coca area
    gold_ha: np.ndarray  # (T,)
    homicides_monthly: np.ndarray  # (T,) observed monthly homicides at the start (national rate where missing)
    state_presence: np.ndarray  # (T,) S_i
    adjacency: sp.csr_matrix  # (T, T) symmetric 0/1
    exits: np.ndarray  # (T,) bool: ports and land borders
    transit_share: sp.csr_matrix  # (T, T) 1 where territory i ships its coca through exit j
    neighbour_ids: list[str]  # international actors that are neighbours with territory borders
    neighbour_border: np.ndarray  # (K, T) bool
    international_ids: list[str]
    group_ids: list[str]
    group_names: list[str]
    n_scenario_groups: int
    parent: np.ndarray  # (G,) index of the parent group, -1 for none
    splinter_slot: np.ndarray  # (G,) index of the slot a split of g goes to, -1 for none
    group_type: np.ndarray  # (G,) index into GROUP_TYPES
    spoiler: np.ndarray  # (G,) index into SPOILERS
    political: np.ndarray  # (G,) bool
    revenue: np.ndarray  # (G, 4) 0/1 over REVENUES
    armed_share: np.ndarray  # (G,)
    cohesion: np.ndarray  # (G,)
    sanctuary_max: np.ndarray  # (G,) sigma_max
    host: np.ndarray  # (G,) index into international_ids, -1 for none
    host_border: np.ndarray  # (G, T) bool: territories bordering the group's host country
    allies: np.ndarray  # (G, G) 0/1
    rivals: np.ndarray  # (G, G) 0/1
    counterinsurgent: np.ndarray  # (G,) bool: its wars aim at destroying its rivals (splinters: never)
    finance: np.ndarray  # (G,) USD m / month (foreign cartels)
    members: np.ndarray  # (G,) initial members
    presence: np.ndarray  # (G, T) initial share of in-country members per territory
    willing: np.ndarray  # (G,) bool: declared willingness to talk
    table_start: np.ndarray  # (G,) month index a table opens (-1: none)
    talks_order: np.ndarray  # (n,) group indices in the phased order
    neighbour_rate: np.ndarray  # (K,) baseline homicide rate of neighbours (nan where unknown)
    neighbour_actor: np.ndarray  # (K,) index of each neighbour among the international actors
    extradition_requested: np.ndarray  # (G,) 1 where an international actor wants the group's members extradited
    corridor_share: sp.csr_matrix | None = None  # (T, T) 1 where territory k lies on i's route to its exit
    edge_length: sp.csr_matrix | None = None  # (T, T) km between adjacent territories' points (None: unknown, 1 each)
    ex_combatants: np.ndarray | None = None  # (T,) former combatants of a demobilised group at the start
    vacated: np.ndarray | None = None  # (T,) control left vacated at the start (the record of vacated control)
    members_trend: np.ndarray | None = None  # (G,) observed monthly growth of members before the start (0: none)
    sanctuary_income: np.ndarray | None = None  # (G,) income of a member in sanctuary relative to one at home (0: none)
    sanctuary_recruitment: np.ndarray | None = None  # (G,) recruits abroad per member in sanctuary, relative to home
    rural_population: np.ndarray | None = None  # (T,) people outside the towns (None: the whole population)

    @property
    def n_territories(self) -> int:
        return len(self.territory_ids)

    @property
    def n_groups(self) -> int:
        return len(self.group_ids)

    @property
    def is_cartel(self) -> np.ndarray:
        return self.group_type == GROUP_TYPES.index("foreign_cartel")

    @property
    def is_insurgent(self) -> np.ndarray:
        """Insurgencies and dissident factions: the groups with which UCDP codes a state-based conflict."""
        return np.isin(self.group_type, [GROUP_TYPES.index("insurgent"), GROUP_TYPES.index("dissident")])


def territory_graph(table: TerritoryTable) -> tuple[sp.csr_matrix, np.ndarray]:
    """The symmetric 0/1 adjacency matrix and the exits (ports and land borders) of a territory table."""
    n = len(table.frame)
    adjacency = sp.coo_matrix((np.ones(len(table.adjacency)), (table.adjacency[:, 0], table.adjacency[:, 1])),
                              shape=(n, n)).tocsr()
    adjacency = ((adjacency + adjacency.T) > 0).astype(float).tocsr()
    frame = table.frame
    borders = np.array([any(c for c in str(b).split(";")) for b in frame["border_countries"]], dtype=bool)
    return adjacency, (frame["port"].to_numpy(float) > 0) | borders


def edge_lengths(table: TerritoryTable) -> sp.csr_matrix | None:
    """km between the representative points of adjacent territories, where the table has `lon` and `lat` (None
    otherwise: the department datasets carry no coordinates, so each territory crossed counts one)."""
    frame = table.frame
    if not {"lon", "lat"} <= set(frame.columns):
        return None
    adjacency, _exits = territory_graph(table)
    return edge_costs(adjacency, frame["lon"].to_numpy(float), frame["lat"].to_numpy(float),
                      np.zeros(len(frame)), aversion=0.0)


def former_combatants(scenario: Scenario, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The ex-combatant pool (T,) and the control vacated at the start (T,): the scenario's `ex_combatants` spread
    by their presence shares; vacated control is `vacated` where most of them are, in proportion elsewhere."""
    n = len(ids)
    pool, vacated = np.zeros(n), np.zeros(n)
    spec = scenario.ex_combatants
    if spec is None or not spec.presence:
        return pool, vacated
    pos = {tid: i for i, tid in enumerate(ids)}
    top = max(spec.presence.values())
    for tid, share in spec.presence.items():
        pool[pos[tid]] = spec.members * share
        vacated[pos[tid]] = spec.vacated * share / top if top > 0 else 0.0
    return pool, vacated


def static_routes(table: TerritoryTable) -> Routes:
    """Dell's least-cost routing from every territory to an exit, with the costs the data allow: km between the
    territories' points times the state-presence friction (routes.py) where the table has `lon` and `lat` columns,
    otherwise one per territory crossed (no geography known)."""
    adjacency, exits = territory_graph(table)
    frame = table.frame
    costs = None
    if {"lon", "lat"} <= set(frame.columns):
        costs = edge_costs(adjacency, frame["lon"].to_numpy(float), frame["lat"].to_numpy(float),
                           frame["state_presence"].to_numpy(float))
    return least_cost_routes(adjacency, exits, costs)


def build_world(scenario: Scenario) -> World:
    """Arrays for the engine from a validated scenario and its territory table."""
    table = load_territories(scenario.territories)
    frame = table.frame
    ids = table.ids
    pos = {tid: i for i, tid in enumerate(ids)}
    n = len(ids)
    population = frame["population"].to_numpy(float)
    adjacency, exits = territory_graph(table)
    borders = [set(c for c in str(b).split(";") if c) for b in frame["border_countries"]]
    routes = static_routes(table)

    homicides = frame["homicides"].to_numpy(float)
    known = np.isfinite(homicides)
    national_rate = homicides[known].sum() / population[known].sum() if known.any() else 25e-5
    homicides = np.where(known, homicides, national_rate * population) / 12.0

    actors = list(scenario.international)
    neighbours = [a for a in actors if scenario.international[a].neighbour and scenario.international[a].iso3]
    neighbour_border = np.array([[scenario.international[a].iso3 in b for b in borders] for a in neighbours],
                                dtype=bool).reshape(len(neighbours), n)

    base_ids = list(scenario.groups)
    # Only a group that can sign can split on signing: reserve a splinter slot for each group with a table.
    splittable = [g for g in base_ids if g in scenario.policy.tables and scenario.groups[g].type != "foreign_cartel"]
    group_ids = base_ids + [f"{g}_dissidents" for g in splittable]
    G = len(group_ids)
    gpos = {g: i for i, g in enumerate(group_ids)}
    parent = np.full(G, -1)
    splinter = np.full(G, -1)
    for k, g in enumerate(splittable):
        slot = len(base_ids) + k
        parent[slot] = gpos[g]
        splinter[gpos[g]] = slot

    def per_group(get, dtype=float):
        values = [get(scenario.groups[g]) for g in base_ids]
        values += [get(scenario.groups[g]) for g in splittable]
        return np.array(values, dtype=dtype)

    group_type = per_group(lambda g: GROUP_TYPES.index(g.type), int)
    group_type[len(base_ids):] = GROUP_TYPES.index("dissident")
    spoiler = per_group(lambda g: SPOILERS.index(g.spoiler), int)
    spoiler[len(base_ids):] = SPOILERS.index("greedy")
    political = per_group(lambda g: g.political, bool)
    revenue = per_group(lambda g: [r in g.revenue for r in REVENUES]).reshape(-1, len(REVENUES))
    sanctuary = per_group(lambda g: g.sanctuary.share if g.sanctuary else 0.0)
    host = per_group(lambda g: actors.index(g.sanctuary.country) if g.sanctuary else -1, int)
    host_border = np.zeros((G, n), dtype=bool)
    for gi in range(G):
        if host[gi] >= 0 and scenario.international[actors[host[gi]]].iso3:
            host_border[gi] = [scenario.international[actors[host[gi]]].iso3 in b for b in borders]
    allies = np.zeros((G, G))
    rivals = np.zeros((G, G))
    for g in base_ids:
        for a in scenario.groups[g].allies:
            allies[gpos[g], gpos[a]] = allies[gpos[a], gpos[g]] = 1.0
        for r in scenario.groups[g].rivals:
            rivals[gpos[g], gpos[r]] = rivals[gpos[r], gpos[g]] = 1.0
    for g in splittable:  # a splinter fights the group it left and inherits its enemies
        slot = gpos[f"{g}_dissidents"]
        rivals[slot] = rivals[gpos[g]]
        rivals[:, slot] = rivals[:, gpos[g]]
        rivals[slot, gpos[g]] = rivals[gpos[g], slot] = 1.0
    presence = np.zeros((G, n))
    for g in base_ids:
        for tid, share in scenario.groups[g].presence.items():
            presence[gpos[g], pos[tid]] = share
    members = np.array([scenario.groups[g].members for g in base_ids] + [0.0] * len(splittable))
    # A splinter of a counterinsurgent group is not one: the AUC's rearmed fronts fought over rents (the post-2006
    # criminal bands), not the guerrillas' destruction.
    counterinsurgent = np.array([scenario.groups[g].counterinsurgent for g in base_ids] + [False] * len(splittable))

    pool, vacated = former_combatants(scenario, ids)
    requested = np.zeros(G)
    for actor in scenario.international.values():
        for g in actor.extradition_requests:
            requested[gpos[g]] = 1.0
            if g in splittable:  # a faction of a wanted group is wanted too
                requested[gpos[f"{g}_dissidents"]] = 1.0

    table_start = np.full(G, -1)
    if scenario.policy.talks.mode != "none":
        for g, tab in scenario.policy.tables.items():
            table_start[gpos[g]] = max(0, month_index(scenario.start, tab.start))
    order = [gpos[g] for g in scenario.policy.talks.order]
    order += [gpos[g] for g in scenario.policy.tables if gpos[g] not in order]

    return World(
        territory_ids=ids, territory_names=list(frame["name"]), population=population,
        area_1000km2=frame["area_km2"].to_numpy(float) / 1000.0, coca_ha=frame["coca_ha"].to_numpy(float),
        gold_ha=frame["gold_ha"].to_numpy(float), homicides_monthly=homicides,
        state_presence=frame["state_presence"].to_numpy(float), adjacency=adjacency, exits=exits,
        transit_share=routes.transit_share, neighbour_ids=neighbours, neighbour_border=neighbour_border,
        international_ids=actors, group_ids=group_ids,
        group_names=[scenario.groups[g].name for g in base_ids] + [f"{scenario.groups[g].name} (dissidents)"
                                                                   for g in splittable],
        n_scenario_groups=len(base_ids), parent=parent, splinter_slot=splinter, group_type=group_type,
        spoiler=spoiler, political=political, revenue=revenue, armed_share=per_group(lambda g: g.armed_share),
        cohesion=per_group(lambda g: g.cohesion), sanctuary_max=sanctuary, host=host, host_border=host_border,
        allies=allies, rivals=rivals, counterinsurgent=counterinsurgent, finance=per_group(lambda g: g.finance),
        members=members, presence=presence,
        willing=per_group(lambda g: g.willing_to_talk, bool), table_start=table_start,
        talks_order=np.array(order, dtype=int),
        neighbour_rate=np.array([scenario.international[a].homicide_rate or np.nan for a in neighbours]),
        neighbour_actor=np.array([actors.index(a) for a in neighbours], dtype=int), extradition_requested=requested,
        corridor_share=routes.corridor, edge_length=edge_lengths(table), ex_combatants=pool, vacated=vacated,
        members_trend=np.array([scenario.groups[g].members_trend for g in base_ids] + [0.0] * len(splittable)),
        sanctuary_income=per_group(lambda g: g.sanctuary.income_ratio if g.sanctuary else 0.0),
        sanctuary_recruitment=per_group(lambda g: g.sanctuary.recruitment_ratio if g.sanctuary else 0.0),
        rural_population=frame["rural_population"].to_numpy(float),
    )
