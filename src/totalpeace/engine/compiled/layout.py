"""Arrays the compiled kernels read and write: parameters, world, monthly levers, state and records.

Kernels take tuples of arrays (numba types them once per shape); the order of the fields is fixed here, in one place,
and mirrored by the unpacking at the top of each kernel.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from totalpeace.engine.results import TERRITORY_SERIES
from totalpeace.engine.schedule import Schedule
from totalpeace.engine.step import POWER_MEMORY, VACUUM_MEMORY, State, host_tolerances
from totalpeace.model import security, values
from totalpeace.model.values import CONCESSION_KINDS
from totalpeace.scenario.params import PARAMETERS
from totalpeace.world import World

Params = namedtuple("Params", [spec.name for spec in PARAMETERS])

# National metrics, in the order of the record's last axis (names as in engine/step.py's records).
NATIONAL = ("homicides", "homicide_rate", "armed_group_members", "state_group_clashes", "inter_group_clashes",
            "combat_deaths", "security_forces_killed", "groups_in_talks", "agreements_signed", "state_control_share",
            "contested_territories", "neighbour_violence", "social_leader_killings", "selective_killings",
            "vacated_control", "vacuum_filled_by_state", "security_cohesion", "dissent_events", "demobilized",
            "coca_ha")
GROUP = ("group_members", "group_armed", "group_sanctuary", "group_territories", "group_phase", "group_rent",
         "group_surplus")
TERRITORY = TERRITORY_SERIES
N_ZONES = 5


def params_tuple(params: dict[str, float]) -> Params:
    """The scenario's parameter values as a named tuple of floats (attribute access compiles to a constant offset)."""
    return Params(*(float(params[name]) for name in Params._fields))


def world_arrays(world: World, youth: np.ndarray, total_forces: float) -> tuple:
    """Static arrays of the world, in the order the kernels unpack them."""
    T = world.n_territories
    transit = world.transit_share.tocoo()
    exit_of = np.full(T, -1, dtype=np.int64)
    exit_of[transit.row] = transit.col  # each territory ships through at most one exit
    adjacency = world.adjacency.tocsr()
    adjacency.sort_indices()
    rivals = np.argwhere(world.rivals > 0).astype(np.int64).reshape(-1, 2)
    f64 = np.ascontiguousarray
    return (
        f64(world.population, dtype=np.float64), f64(np.power(world.population, 0.75)),
        f64(world.area_1000km2, dtype=np.float64), f64(world.gold_ha, dtype=np.float64),
        f64(world.state_presence, dtype=np.float64), f64(world.exits, dtype=np.float64), exit_of,
        adjacency.indptr.astype(np.int64), adjacency.indices.astype(np.int64),
        f64(world.neighbour_border, dtype=np.float64).reshape(len(world.neighbour_ids), T),
        f64(world.sanctuary_max, dtype=np.float64), f64(world.is_cartel), f64(world.revenue, dtype=np.float64),
        f64(world.finance, dtype=np.float64), f64(world.allies, dtype=np.float64), rivals,
        world.spoiler.astype(np.int64), world.table_start.astype(np.int64), world.talks_order.astype(np.int64),
        f64(world.willing), f64(world.political, dtype=np.float64), world.splinter_slot.astype(np.int64),
        f64(world.armed_share, dtype=np.float64), f64(youth, dtype=np.float64),
        f64(world.homicides_monthly, dtype=np.float64), f64(world.host_border),
        float(total_forces), float(world.population.sum()),
    )


def lever_arrays(schedule: Schedule, world: World, params: dict[str, float], months: int) -> tuple:
    """Monthly levers, with everything that depends only on the levers evaluated once by the reference functions."""
    G, T = world.n_groups, world.n_territories
    chi = np.array([_chi(schedule.decriminalization[m], params) for m in range(months)])
    zone = np.stack([schedule.zone_mask(m, G, T) for m in range(months)]).astype(np.float64)
    conc = schedule.concessions[:months]
    posture = np.array([security.violence_posture(bool(c), params) for c in schedule.conditional[:months]])
    base_pressure = np.stack([security.repression_pressure(np.full(G, posture[m]), bool(schedule.conditional[m]),
                                                           params) for m in range(months)])
    pressure, shield = values.concession_effects(base_pressure, conc, params)
    variants = [conc, np.zeros_like(conc)]
    for k in range(len(CONCESSION_KINDS)):  # the audit's counterfactuals: without each kind in turn
        reduced = conc.copy()
        reduced[..., k] = False
        variants.append(reduced)
    costs = [values.threat_costs(base_pressure, variant, params) for variant in variants]
    audit_cs = np.stack([c[0] for c in costs], axis=1)  # (M, audits, G)
    audit_cg = np.stack([c[1] for c in costs], axis=1)
    coca_change = (-params["substitution_rate"] * schedule.substitution[:months]
                   + params["substitution_announcement"] * schedule.announced[:months].astype(float))
    f64 = np.ascontiguousarray
    return (
        f64(schedule.deployable[:months], dtype=np.float64), f64(schedule.conditional[:months], dtype=np.float64),
        f64(chi), f64(_chi(0.0, params)),
        f64(conc.sum(axis=2), dtype=np.float64), f64(conc.sum(axis=(1, 2)), dtype=np.float64), f64(zone),
        f64(schedule.ceasefire[:months], dtype=np.float64),
        f64(schedule.ceasefire[:months] & schedule.bilateral[:months], dtype=np.float64),
        f64(np.stack([host_tolerances(world.host, schedule.host_tolerance[m]) for m in range(months)])),
        f64(schedule.guarantee[:months], dtype=np.float64), f64(schedule.legitimacy[:months], dtype=np.float64),
        f64(posture), f64(pressure), f64(shield),
        f64(audit_cs), f64(audit_cg), f64(schedule.buy_in[:months], dtype=np.float64),
        f64(schedule.purge[:months], dtype=np.float64), f64(coca_change, dtype=np.float64),
        np.array([POWER_MEMORY, VACUUM_MEMORY]),
    )


def table_arrays(scenario, schedule: Schedule, world: World, params: dict[str, float], months: int,
                 engine: str) -> tuple[tuple, tuple]:
    """The tables' fixed terms (model/tables/agenda.py) and their monthly levers: scheduled concessions by kind,
    attacks and violations, the political cost of war, the state's repression pressure before concessions."""
    from totalpeace.model.tables import agenda, levers
    from totalpeace.model.tables.issues import ENGINES

    terms = agenda.build_agenda(scenario, world.group_ids, world.table_start, params_tuple(params))
    posture = np.array([security.violence_posture(bool(c), params) for c in schedule.conditional[:months]])
    base = np.array([float(security.repression_pressure(np.full(1, posture[m]), bool(schedule.conditional[m]),
                                                         params)[0]) for m in range(months)])
    f64 = np.ascontiguousarray
    static = (f64(terms.static), f64(terms.lo), f64(terms.hi), f64(terms.agenda), f64(terms.cost), f64(terms.weights),
              f64(terms.stake_pos), f64(terms.stake_sal), f64(terms.ratify), f64(terms.veto_params),
              f64(terms.veto_salience), np.ascontiguousarray(world.talks_order, dtype=np.int64), ENGINES.index(engine))
    monthly = (f64(schedule.concessions[:months], dtype=np.float64),
               f64(levers.attack_counts(scenario, world.group_ids, months)),
               f64(levers.political_cost(scenario, months)), f64(base))
    return static, monthly


def _chi(decriminalization: float, params: dict[str, float]) -> np.ndarray:
    from totalpeace.model.economy import appropriable_shares

    return appropriable_shares(float(decriminalization), params)


def state_arrays(initial: State, runs: int) -> tuple:
    """The reference engine's initial state (identical for every run) copied once per run."""
    def per_run(a: np.ndarray) -> np.ndarray:
        return np.broadcast_to(a[:1], (runs, *a.shape[1:])).copy()  # writable, C-contiguous, one per run

    return (
        per_run(initial.members), per_run(initial.sanctuary), per_run(initial.control), per_run(initial.phase),
        per_run(initial.signed_members), per_run(initial.positions), per_run(initial.group_cohesion),
        per_run(initial.cohesion), per_run(initial.coca_ha), per_run(initial.fragmentation),
        per_run(initial.vacated), per_run(initial.p_slow), per_run(initial.signed.astype(np.float64)),
        per_run(initial.hom_base), per_run(initial.drivers0), per_run(initial.flow0), per_run(initial.loss_share),
        per_run(initial.rent0),
    )


def table_state(runs: int, world: World) -> tuple:
    """The tables' state per run: phase, state columns, package, closed issues, mandate, BDM positions."""
    from totalpeace.model.tables import layout as TL
    from totalpeace.model.tables.issues import N_ISSUES, N_STAKEHOLDERS
    from totalpeace.model.tables.month import initial_state

    G = world.n_groups
    phase = np.zeros((runs, G), dtype=np.int64)
    st = np.zeros((runs, G, TL.N_ST))
    for r in range(runs):
        initial_state(st[r], phase[r])
    return (phase, st, np.zeros((runs, G, N_ISSUES)), np.zeros((runs, G, N_ISSUES)), np.zeros((runs, G, N_ISSUES)),
            np.zeros((runs, G, N_STAKEHOLDERS, N_ISSUES)))


def table_records(runs: int, months: int, world: World) -> tuple:
    """The negotiation audit (R, M, G, N_AU) and the package on every table (R, M, G, K)."""
    from totalpeace.model.tables import layout as TL
    from totalpeace.model.tables.issues import N_ISSUES

    G = world.n_groups
    return np.zeros((runs, months, G, TL.N_AU)), np.zeros((runs, months, G, N_ISSUES))


def record_arrays(runs: int, months: int, world: World) -> tuple:
    """Outputs: national (R, M, metrics), groups (R, M, series, G), neighbours (R, M, K), and per-territory sums over
    runs (M, series, T), leader counts (M, T, G + 1) and zone counts (M, T, 5)."""
    G, T, K = world.n_groups, world.n_territories, len(world.neighbour_ids)
    return (
        np.zeros((runs, months, len(NATIONAL))), np.zeros((runs, months, len(GROUP), G)),
        np.zeros((runs, months, K)), np.zeros((months, len(TERRITORY), T)), np.zeros((months, T, G + 1)),
        np.zeros((months, T, N_ZONES)),
    )
