"""The scenario as the compiled month reads it: the world's static arrays, the monthly levers, what the levers imply
through the model's equations, and the model options, each a named tuple (fields read as `world.population`,
`levers.ceasefire[m]`) built once per scenario.

A static attribute or a lever added to its tuple here is readable in every compiled function that gets the tuple.
What depends on the levers alone (the violence posture, the repression pressure, appropriable shares, ...) is
evaluated for every month at once by the model's own functions (`lever_effects`), not once per run. The negotiation
tables' fixed terms (agendas, offers, veto players) are model/tables/agenda.Agenda, built from the scenario.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from totalpeace.engine.schedule import Schedule, Start
from totalpeace.model import economy, security
from totalpeace.model.security import deployment_weights
from totalpeace.world import GROUP_TYPES, World


class WorldArrays(NamedTuple):
    """Static arrays of one scenario's world (T territories, G group slots, K neighbouring countries)."""

    population: np.ndarray  # (T,)
    pop075: np.ndarray  # (T,) population^0.75, the deployment weight
    rural_population: np.ndarray  # (T,) people outside the towns, those exposed to killings of social leaders
    area: np.ndarray  # (T,) thousand km2
    gold: np.ndarray  # (T,) hectares of alluvial gold
    coca: np.ndarray  # (T,) coca hectares at the start
    presence: np.ndarray  # (T,) state presence S_i
    exits: np.ndarray  # (T,) 1 for ports and land borders
    exit_of: np.ndarray  # (T,) the exit each territory ships through, -1 for none
    adj_indptr: np.ndarray  # (T + 1,) adjacency graph, CSR row pointers
    adj_indices: np.ndarray  # CSR column indices (sorted within each row)
    edge_length: np.ndarray  # (E,) length of each CSR edge: km between the territories' points, or 1 where unknown
    neighbour_border: np.ndarray  # (K, T) 1 where the territory borders the neighbour
    homicides_observed: np.ndarray  # (T,) observed monthly homicides at the start
    members: np.ndarray  # (G,) members at the start
    members_trend: np.ndarray  # (G,) observed monthly growth of members before the start (the first trend)
    member_presence: np.ndarray  # (G, T) initial share of in-country members per territory
    group_cohesion: np.ndarray  # (G,)
    sanctuary_max: np.ndarray  # (G,) sigma_max
    sanctuary_income: np.ndarray  # (G,) income of a member in sanctuary relative to one at home at the start
    sanctuary_recruitment: np.ndarray  # (G,) recruits of a member in sanctuary relative to one at home (H = 1)
    host_border: np.ndarray  # (G, T) 1 where the territory borders the group's host country
    is_cartel: np.ndarray  # (G,) 1 for foreign cartels
    revenue: np.ndarray  # (G, 4) 0/1 rent kinds the group lives on
    finance: np.ndarray  # (G,) foreign cartels' monthly budget
    allies: np.ndarray  # (G, G) 0/1
    rival_pairs: np.ndarray  # (n, 2) ordered pairs of rival groups
    rivals: np.ndarray  # (G, G) 0/1, symmetric
    counterinsurgent: np.ndarray  # (G,) 1 for counterinsurgent groups (their wars' losses killed at lambda_W)
    spoiler: np.ndarray  # (G,) the scenario's spoiler label (0 limited, 1 greedy, 2 total): the mode of the prior
    political: np.ndarray  # (G,) 1 for political groups
    willing: np.ndarray  # (G,) 1 for groups willing to talk
    table_start: np.ndarray  # (G,) month a table opens, -1 for none
    talks_order: np.ndarray  # (n,) group indices in the phased order
    splinter_slot: np.ndarray  # (G,) slot a split of g goes to, -1 for none
    armed_share: np.ndarray  # (G,) share of members who are armed at the start
    recruits_former: np.ndarray  # (G,) 1 for groups that recruit former combatants (dissidents)
    ex_combatants: np.ndarray  # (T,) former combatants at the start
    vacated: np.ndarray  # (T,) control left vacated at the start
    insurgent: np.ndarray  # (G,) 1 for insurgencies and dissident factions (UCDP's state-based conflict actors)
    host: np.ndarray  # (G,) index of the group's sanctuary host among the international actors, -1 for none
    host_neighbour: np.ndarray  # (G,) index of that host among the neighbours, -1 if it is not one
    neighbour_actor: np.ndarray  # (K,) index of each neighbour among the international actors
    extradition: np.ndarray  # (G,) 1 where an international actor wants the group's members extradited
    total_forces: float  # military + police at the start (the size of each month is Levers.forces)
    security_budget: float  # USD m a year (0: unknown, foreign aid then has no effect)
    start_cohesion: float  # the levers at the start (engine/schedule.py Start): the initial state is computed with
    start_deployable: float  # them, the policy acts from month 0 on
    start_conditional: bool
    start_decriminalization: float
    start_tolerance: np.ndarray  # (I,) each international actor's tolerance
    start_host_tolerance: np.ndarray  # (G,) the tolerance of each group's sanctuary host (0 without one)
    population_total: float


class Levers(NamedTuple):
    """The policy timeline, one value per month (M months): arrays indexed [month, ...]."""

    deployable: np.ndarray  # (M,) share of the forces deployable
    forces: np.ndarray  # (M,) military and police personnel
    conditional: np.ndarray  # (M,) 1 under conditional repression
    decriminalization: np.ndarray  # (M,)
    substitution: np.ndarray  # (M,) crop substitution intensity
    announced: np.ndarray  # (M,) 1 where substitution is announced but unpaid
    buy_in: np.ndarray  # (M,) security-force buy-in K*
    purge: np.ndarray  # (M,) share of generals retired that month
    legitimacy: np.ndarray  # (M,) legitimacy lent by international actors
    host_tolerance: np.ndarray  # (M, G) tolerance of each group's sanctuary host (0 without one), as scheduled
    tolerance: np.ndarray  # (M, I) each international actor's tolerance of armed groups, as scheduled
    relations: np.ndarray  # (M, I) each actor's relations with the government (1 normal, 0 broken)
    guarantee: np.ndarray  # (M, G) guarantor index of each group's table
    verification: np.ndarray  # (M, G) verification capacity of each group's guarantors
    host_guarantees: np.ndarray  # (M, G) 1 where the group's sanctuary host guarantees its table
    aid: np.ndarray  # (M,) certified security aid, USD m a year
    ceasefire: np.ndarray  # (M, G) 1 under a scheduled ceasefire
    bilateral: np.ndarray  # (M, G) 1 under a scheduled bilateral ceasefire
    concessions: np.ndarray  # (M, G, 4) 1 where a concession of each kind is scheduled (values.CONCESSION_KINDS)
    zone: np.ndarray  # (M, G, T) 1 where a territory is demilitarised for the group by the schedule
    attacks: np.ndarray  # (M, G, 4) scheduled attacks and violations the state observes (model/tables/levers.py)
    political_cost: np.ndarray  # (M,) the political cost of war for the government, in [0, 1]


class LeverEffects(NamedTuple):
    """What the levers imply through the model's equations, month by month (M months)."""

    posture: np.ndarray  # (M,) the groups' violence posture v* (security.violence_posture)
    base_pressure: np.ndarray  # (M,) repression pressure before concessions (the tables apply those in force)
    chi: np.ndarray  # (M, 4) appropriable share of each rent kind
    coca_change: np.ndarray  # (M,) relative change of the coca area


@numba.njit(cache=True)
def lever_effects(levers: Levers, p) -> LeverEffects:
    """Everything the levers imply through the model's equations, for every month."""
    M = levers.conditional.shape[0]
    posture, base_pressure = np.empty(M), np.empty(M)
    chi, coca = np.empty((M, 4)), np.empty(M)
    for m in range(M):
        conditional = levers.conditional[m] > 0
        posture[m] = security.violence_posture(conditional, p)
        base_pressure[m] = security.repression_pressure(posture[m], conditional, p)
        chi[m] = economy.appropriable_shares(levers.decriminalization[m], p)
        coca[m] = economy.coca_change(levers.substitution[m], levers.announced[m], p)
    return LeverEffects(posture=posture, base_pressure=base_pressure, chi=chi, coca_change=coca)


class Options(NamedTuple):
    """Model choices of the scenario that select between mechanisms."""

    phased: bool  # tables open one after another (else simultaneously)
    negotiation_engine: int  # the tables' protocol: its index in model/tables/issues.ENGINES (nash, alternating, ...)
    difference: bool  # Hirshleifer's difference contest (else Tullock's ratio form)


def f64(a) -> np.ndarray:
    """A C-contiguous float64 array (bools become 0/1)."""
    return np.ascontiguousarray(a, dtype=np.float64)


def i64(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


def world_arrays(world: World, total_forces: float, security_budget: float = 0.0,
                 start: Start | None = None) -> WorldArrays:
    """The world's static arrays in the layout the compiled month reads, with the levers at the start (`start`;
    none: cohesion 1, no deployment, decriminalisation or tolerance, for callers that never build an initial
    state)."""
    if start is None:
        start = Start(cohesion=1.0, deployable=0.0, forces=total_forces, conditional=False, decriminalization=0.0,
                      host_tolerance=np.zeros(len(world.international_ids)))
    T = world.n_territories
    transit = world.transit_share.tocoo()
    exit_of = np.full(T, -1, dtype=np.int64)
    exit_of[transit.row] = transit.col  # each territory ships through at most one exit
    adjacency = world.adjacency.tocsr()
    adjacency.sort_indices()
    rows = np.repeat(np.arange(T), np.diff(adjacency.indptr))
    length = np.ones(len(adjacency.indices))
    if world.edge_length is not None:
        length = np.asarray(world.edge_length.tocsr()[rows, adjacency.indices], dtype=float).ravel()
    population = f64(world.population)
    return WorldArrays(
        population=population, pop075=deployment_weights(population),
        rural_population=f64(world.rural_population if world.rural_population is not None else population),
        area=f64(world.area_1000km2),
        gold=f64(world.gold_ha), coca=f64(world.coca_ha), presence=f64(world.state_presence), exits=f64(world.exits),
        exit_of=exit_of, adj_indptr=i64(adjacency.indptr), adj_indices=i64(adjacency.indices), edge_length=f64(length),
        neighbour_border=f64(world.neighbour_border).reshape(len(world.neighbour_ids), T),
        homicides_observed=f64(world.homicides_monthly), members=f64(world.members),
        members_trend=f64(world.members_trend if world.members_trend is not None else np.zeros(world.n_groups)),
        member_presence=f64(world.presence).reshape(world.n_groups, T), group_cohesion=f64(world.cohesion),
        sanctuary_max=f64(world.sanctuary_max),
        sanctuary_income=f64(world.sanctuary_income if world.sanctuary_income is not None
                             else np.zeros(world.n_groups)),
        sanctuary_recruitment=f64(world.sanctuary_recruitment if world.sanctuary_recruitment is not None
                                  else np.zeros(world.n_groups)),
        host_border=f64(world.host_border).reshape(world.n_groups, T),
        is_cartel=f64(world.is_cartel), revenue=f64(world.revenue).reshape(world.n_groups, 4),
        finance=f64(world.finance), allies=f64(world.allies).reshape(world.n_groups, world.n_groups),
        rival_pairs=i64(np.argwhere(world.rivals > 0)).reshape(-1, 2),
        rivals=f64(world.rivals).reshape(world.n_groups, world.n_groups), spoiler=i64(world.spoiler),
        counterinsurgent=f64(world.counterinsurgent),
        political=f64(world.political), willing=f64(world.willing), table_start=i64(world.table_start),
        talks_order=i64(world.talks_order), splinter_slot=i64(world.splinter_slot),
        armed_share=f64(world.armed_share),
        recruits_former=f64(world.group_type == GROUP_TYPES.index("dissident")),
        ex_combatants=f64(world.ex_combatants if world.ex_combatants is not None else np.zeros(T)),
        vacated=f64(world.vacated if world.vacated is not None else np.zeros(T)),
        insurgent=f64(world.is_insurgent), host=i64(world.host),
        host_neighbour=i64([list(world.neighbour_actor).index(h) if h in world.neighbour_actor else -1
                            for h in world.host]),
        neighbour_actor=i64(world.neighbour_actor), extradition=f64(world.extradition_requested),
        total_forces=float(total_forces), security_budget=float(security_budget),
        start_cohesion=float(start.cohesion), start_deployable=float(start.deployable),
        start_conditional=bool(start.conditional), start_decriminalization=float(start.decriminalization),
        start_tolerance=f64(start.host_tolerance),
        start_host_tolerance=f64(host_tolerances(world, start.host_tolerance)),
        population_total=float(world.population.sum()),
    )


def host_tolerances(world: World, tolerance: np.ndarray) -> np.ndarray:
    """Each group's host tolerance H (0 for groups without a sanctuary host), from the actors' tolerances."""
    if tolerance.size == 0:
        return np.zeros(world.n_groups)
    return np.where(world.host >= 0, tolerance[np.maximum(world.host, 0)], 0.0)


def lever_arrays(schedule: Schedule, world: World, months: int) -> Levers:
    """The schedule's levers for the first `months` months."""
    G, T = world.n_groups, world.n_territories
    return Levers(
        deployable=f64(schedule.deployable[:months]), forces=f64(schedule.forces[:months]),
        conditional=f64(schedule.conditional[:months]),
        decriminalization=f64(schedule.decriminalization[:months]), substitution=f64(schedule.substitution[:months]),
        announced=f64(schedule.announced[:months]), buy_in=f64(schedule.buy_in[:months]),
        purge=f64(schedule.purge[:months]), legitimacy=f64(schedule.legitimacy[:months]),
        host_tolerance=f64(np.stack([host_tolerances(world, schedule.host_tolerance[m]) for m in range(months)])
                           ).reshape(months, G),
        tolerance=f64(schedule.host_tolerance[:months]).reshape(months, -1),
        relations=f64(schedule.relations[:months]).reshape(months, -1),
        guarantee=f64(schedule.guarantee[:months]).reshape(months, G),
        verification=f64(schedule.verification[:months]).reshape(months, G),
        host_guarantees=f64(schedule.host_guarantees[:months]).reshape(months, G),
        aid=f64(schedule.aid[:months]),
        ceasefire=f64(schedule.ceasefire[:months]).reshape(months, G),
        bilateral=f64(schedule.ceasefire[:months] & schedule.bilateral[:months]).reshape(months, G),
        concessions=f64(schedule.concessions[:months]).reshape(months, G, 4),
        zone=f64(np.stack([schedule.zone_mask(m, G, T) for m in range(months)])).reshape(months, G, T),
        attacks=f64(schedule.attacks[:months]).reshape(months, G, schedule.attacks.shape[2]),
        political_cost=f64(schedule.political_cost[:months]),
    )
