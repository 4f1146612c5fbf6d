"""What a run records every month: the outputs, named once with their shapes, and the compiled writer.

National metrics are (R, M) per run and month, group series (R, M, G), the negotiation audit (R, M, G, fields) and
the package on every table (R, M, G, issues), and territory series are summed over the runs of a batch (M, T) so
that an ensemble's maps cost no per-run memory. A national metric or group series added here
is allocated, collected across batches and handed to `Results` by name; `record_month` (or the mechanism that
produces it) writes it.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping

import numba
import numpy as np
from numba import literal_unroll

from totalpeace.engine.internal import internal
from totalpeace.engine.results import TERRITORY_SERIES
from totalpeace.engine.state import shape
from totalpeace.model import violence
from totalpeace.model.choices import N_CHOICE, VIOLATIONS
from totalpeace.model.tables import month as tables
from totalpeace.model.tables.issues import N_ISSUES
from totalpeace.model.tables.layout import N_AU

NATIONAL = ("homicides", "homicide_rate", "armed_group_members", "state_group_clashes", "inter_group_clashes",
            "combat_deaths", "security_forces_killed", "groups_in_talks", "agreements_signed", "state_control_share",
            "contested_territories", "neighbour_violence", "social_leader_killings", "armed_group_homicides",
            "vacated_control", "vacuum_filled_by_state", "security_cohesion", "dissent_events", "demobilized",
            "coca_ha", "battle_deaths", "non_state_deaths", "killed_in_operations", "captures", "surrenders",
            "massacres", "displaced", "confined", "forces_in_vacated", "legitimacy", "certification", "recruits",
            "forced_recruits", "deserters", "recidivists", "ex_combatants", "ex_combatants_killed", "splits",
            "ceasefire_violations")
GROUP = ("group_members", "group_armed", "group_sanctuary", "group_territories", "group_phase", "group_rent",
         "group_surplus", "group_verification", "group_relocated", "group_support", "group_pay", "group_resources",
         "group_recruits", "group_forced", "group_deserters", "group_removed")
TERRITORY = TERRITORY_SERIES
N_ZONES = 5
CONTESTED = 0.6  # a territory where no actor holds this share of control counts as contested
VACATED = 0.01  # a territory counts as vacated while its record of vacated control exceeds this

DIMS: dict[str, tuple[str | int, ...]] = {
    **{name: ("R", "M") for name in NATIONAL},
    **{name: ("R", "M", "G") for name in GROUP},
    "choices": ("R", "M", "G", N_CHOICE),  # each group's choices and their payoff edges (model.choices.decide)
    # the negotiation audit (model/tables/layout.py AU_*) and the package on the table (NaN where none is open), for
    # the B group slots that have a table (tables.slots), in single precision: an ensemble's audit stays small
    "table_audit": ("R", "M", "B", N_AU),
    "table_package": ("R", "M", "B", N_ISSUES),
    "neighbour_index": ("R", "M", "K"),
    "host_tolerance": ("R", "M", "I"),  # each international actor's tolerance of armed groups
    **{name: ("M", "T") for name in TERRITORY},  # sums over the batch's runs
    "dominant_count": ("M", "T", "A"),  # runs in which each actor leads each territory
    "zone_count": ("M", "T", N_ZONES),  # runs in each Kalyvas zone
}
SINGLE = ("table_audit", "table_package")  # kept as float32; the rest float64
PER_RUN = tuple(name for name, dims in DIMS.items() if dims[0] == "R")
SUMS = tuple(name for name, dims in DIMS.items() if dims[0] == "M")  # sums over the batch's runs
Records = namedtuple("Records", list(DIMS))


def allocate(runs: int, months: int, sizes: Mapping[str, int], zeros: Callable = np.zeros) -> Records:
    """Zeroed records for `runs` runs over `months` months (`zeros(shape, dtype)` makes each array: memory that
    worker processes share, for engine/parallel.py)."""
    return Records(*(zeros(shape(dims, {**sizes, "R": runs, "M": months}),
                           dtype=np.float32 if name in SINGLE else np.float64) for name, dims in DIMS.items()))


def scratch(records: Records, runs: int, months: int) -> tuple[Records, tuple]:
    """Rows for `runs` runs' shares of the sums over runs over up to `months` months, for the threads after the
    first: `records` with each sum replaced by an array with one row per run and month (row run x months + month -
    first; what `record_month` and `record_outcomes` write as `sums`), and the (sum, rows) pairs that `add_sums`
    adds in run order."""
    rows = {name: np.zeros((runs * months, *getattr(records, name).shape[1:])) for name in SUMS}
    return records._replace(**rows), tuple((getattr(records, name), rows[name]) for name in SUMS)


def scratch_bytes(records: Records) -> int:
    """Bytes of `scratch` per run and month."""
    return sum(getattr(records, name)[0].nbytes for name in SUMS)


@numba.njit(cache=True)
def _add_rows(total: np.ndarray, rows: np.ndarray, first: int, last: int, runs: int) -> None:
    months = last - first
    for m in range(first, last):
        flat = total[m].reshape(-1)
        for r in range(runs):
            row = rows[r * months + m - first].reshape(-1)
            for i in range(flat.shape[0]):
                flat[i] += row[i]
                row[i] = 0.0  # cleared for the next block of months


@numba.njit(cache=True)
def add_sums(pairs: tuple, first: int, last: int, runs: int) -> None:
    """Add the rows of `runs` runs to the sums of months first .. last - 1, run after run (the additions of the
    one-thread step, in its order, so the sums have the same bits), and clear the rows."""
    for pair in literal_unroll(pairs):
        _add_rows(pair[0], pair[1], first, last, runs)


def rows(ensemble: Records, lo: int, hi: int, zeros: Callable = np.zeros) -> Records:
    """The records of runs lo .. hi - 1 of an ensemble's records (views: a batch writes its runs in place, so they
    need not be copied together afterwards), with sums over runs of their own (made by `zeros(shape, dtype)`)."""
    return Records(*(getattr(ensemble, name)[lo:hi] if name in PER_RUN
                     else zeros(getattr(ensemble, name).shape, dtype=getattr(ensemble, name).dtype) for name in DIMS))


def collect(ensemble: Records, batches: list[Records]) -> dict[str, np.ndarray]:
    """The records of consecutive batches written into `ensemble` with `rows`, as one: the per-run records as they
    are, the batches' sums over runs added (the second batch's first, the first batch's last)."""
    out = {}
    for name in DIMS:
        parts = [getattr(b, name) for b in batches]
        out[name] = getattr(ensemble, name) if name in PER_RUN else sum(parts[1:]) + parts[0]
    return out


@internal
def record_tables(r: int, m: int, records: Records, slots: np.ndarray, audit: np.ndarray, package: np.ndarray) -> None:
    """Write run r's month m of the negotiation audit and the packages: the rows of the group slots with a table."""
    for b in range(slots.shape[0]):
        g = slots[b]
        for j in range(audit.shape[1]):
            records.table_audit[r, m, b, j] = audit[g, j]
        for k in range(package.shape[1]):
            records.table_package[r, m, b, k] = package[g, k]


@internal
def record_month(r: int, m: int, records: Records, sums: Records, row: int, members: np.ndarray, support: np.ndarray,
                 sanctuary: np.ndarray,
                 abroad: np.ndarray, control: np.ndarray, phase: np.ndarray, signed: np.ndarray,
                 is_cartel: np.ndarray, population: np.ndarray, population_total: float, homicides: np.ndarray,
                 neighbours: np.ndarray, vacated_now: np.ndarray, state_fill: float, cohesion: float, dissent: float,
                 demobilised: np.ndarray, coca: np.ndarray, rent: np.ndarray, surplus: np.ndarray) -> None:
    """Write run r's month m into the records (after the month's last update): homicides, the groups, control, the
    talks and the neighbours; `record_outcomes` writes the violence, the state and the international actors. The
    run's share of the sums over runs goes to row `row` of `sums` (`records` and m, or a per-run scratch row that the
    threaded step adds in run order: `add_sums`).
    `members` are armed members in the country, `support` the support networks, `abroad` the armed members relocated
    across a border, `rent` the group's income (rents and cartel transfers)."""
    G, T = members.shape
    K = neighbours.shape[0]
    # The run's month of each per-run series, and this month's per-territory sums (views: no copy).
    group_members, group_armed = records.group_members[r, m], records.group_armed[r, m]
    group_sanctuary, group_territories = records.group_sanctuary[r, m], records.group_territories[r, m]
    group_phase, group_rent, group_surplus = records.group_phase[r, m], records.group_rent[r, m], \
        records.group_surplus[r, m]
    dominant_count, zone_count = sums.dominant_count[row], sums.zone_count[row]
    state_control, territory_homicides = sums.territory_state_control[row], sums.territory_homicides[row]
    territory_vacated, neighbour_index = sums.territory_vacated[row], records.neighbour_index[r, m]
    armed, in_talks, agreements, demob = 0.0, 0.0, 0.0, 0.0
    group_support = records.group_support[r, m]
    for g in range(G):
        s, networks = 0.0, 0.0
        for t in range(T):
            s += members[g, t]
            networks += support[g, t]
        fighters = s + sanctuary[g] + abroad[g]
        total = fighters + networks
        group_support[g] = networks
        if is_cartel[g] == 0:
            armed += total
            demob += demobilised[g]
        if tables.bargaining(phase[g]) or phase[g] == tables.FINAL:
            in_talks += 1.0
        agreements += signed[g]
        group_members[g] = total
        group_armed[g] = fighters
        group_sanctuary[g] = sanctuary[g]
        group_phase[g] = phase[g]
        group_rent[g] = rent[g]
        group_surplus[g] = surplus[g] if np.isfinite(surplus[g]) else np.nan
    state_share, contested, coca_total, homicides_total = 0.0, 0.0, 0.0, 0.0
    for t in range(T):
        homicides_total += homicides[t]
        state_share += control[t, G] * population[t]
        coca_total += coca[t]
        leader, cmax = 0, control[t, 0]
        for a in range(1, G + 1):
            if control[t, a] > cmax:
                leader, cmax = a, control[t, a]
        if cmax < CONTESTED:
            contested += 1.0
        if leader < G:
            group_territories[leader] += 1.0
        dominant_count[t, leader] += 1.0
        zone_count[t, violence.kalyvas_zone(control, t) - 1] += 1.0
        state_control[t] += control[t, G]
        territory_homicides[t] += homicides[t]
        territory_vacated[t] += vacated_now[t]
    neighbour_mean = 1.0
    if K > 0:
        s = 0.0
        for k in range(K):
            s += neighbours[k]
            neighbour_index[k] = neighbours[k]
        neighbour_mean = s / K
    vacated_total = 0.0
    for t in range(T):
        vacated_total += vacated_now[t]
    records.homicides[r, m] = homicides_total
    records.homicide_rate[r, m] = homicides_total / population_total * 1e5
    records.armed_group_members[r, m] = armed
    records.groups_in_talks[r, m] = in_talks
    records.agreements_signed[r, m] = agreements
    records.state_control_share[r, m] = state_share / population_total
    records.contested_territories[r, m] = contested
    records.neighbour_violence[r, m] = neighbour_mean
    records.vacated_control[r, m] = vacated_total
    records.vacuum_filled_by_state[r, m] = state_fill
    records.security_cohesion[r, m] = cohesion
    records.dissent_events[r, m] = dissent
    records.demobilized[r, m] = demob
    records.coca_ha[r, m] = coca_total


@internal
def record_groups(r: int, m: int, records: Records, pay: np.ndarray, resources: np.ndarray, recruits: np.ndarray,
                  forced: np.ndarray, former: np.ndarray, deserters: np.ndarray, pool: np.ndarray, ex_killed: float,
                  splits: float, actions: np.ndarray, is_cartel: np.ndarray, abroad: np.ndarray) -> None:
    """Write run r's month m of the groups' economy and strength flows (the choices are written where they are
    made): pay relative to the legal wage, arms and resources, recruits (voluntary, in the country and in sanctuary
    abroad, forced minors, former combatants), deserters (by group, and their national total without the foreign
    cartels), the ex-combatant pool, splits and the ceasefire violations the tables see."""
    G, T = recruits.shape
    group_recruits, group_forced = records.group_recruits[r, m], records.group_forced[r, m]
    total_recruits, total_forced, total_former, total_deserters, violations = 0.0, 0.0, 0.0, 0.0, 0.0
    for g in range(G):
        voluntary, minors, back = abroad[g], 0.0, 0.0
        for t in range(T):
            voluntary += recruits[g, t]
            minors += forced[g, t]
            back += former[g, t]
        records.group_pay[r, m, g] = pay[g]
        records.group_resources[r, m, g] = resources[g]
        group_recruits[g] = voluntary + minors + back
        group_forced[g] = minors
        records.group_deserters[r, m, g] = deserters[g]
        violations += actions[g, VIOLATIONS]
        if is_cartel[g] == 0:
            total_recruits += voluntary + minors + back
            total_forced += minors
            total_former += back
            total_deserters += deserters[g]
    in_pool = 0.0
    for t in range(T):
        in_pool += pool[t]
    records.recruits[r, m] = total_recruits
    records.forced_recruits[r, m] = total_forced
    records.recidivists[r, m] = total_former
    records.deserters[r, m] = total_deserters
    records.ex_combatants[r, m] = in_pool
    records.ex_combatants_killed[r, m] = ex_killed
    records.splits[r, m] = splits
    records.ceasefire_violations[r, m] = violations


@internal
def record_outcomes(r: int, m: int, records: Records, sums: Records, row: int, clashes_state: np.ndarray,
                    clashes_groups: np.ndarray,
                    killed: np.ndarray, captured: np.ndarray, surrendered: np.ndarray, forces: np.ndarray,
                    rival_deaths: np.ndarray, collateral: np.ndarray, insurgent: np.ndarray, armed: np.ndarray,
                    leaders: np.ndarray, massacres: np.ndarray, displaced: np.ndarray, confined: np.ndarray,
                    filled_state: np.ndarray, filled_groups: np.ndarray, deployed: np.ndarray, vacated: np.ndarray,
                    legitimacy: float, certification: float, verification: np.ndarray, relocated: np.ndarray,
                    tolerance: np.ndarray) -> None:
    """Write run r's month m of the violence outcomes, the state's deployment and the international actors.

    killed, captured, surrendered, forces (security-force members killed) and collateral are (G, T) by the group
    fought (the members each group lost to the state are also kept by group, `group_removed`); clashes, rival
    deaths, armed groups' homicides, leaders, massacres, displaced, confined, the control the state and the groups
    gained in vacated territory, the deployment and the vacated record are (T,)."""
    G, T = killed.shape
    battle, combat, killed_total, captured_total, surrendered_total, forces_total = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    non_state = 0.0
    clashes_s, clashes_g, armed_total, leaders_total, massacre_total = 0.0, 0.0, 0.0, 0.0, 0.0
    displaced_total, confined_total, deployed_total, deployed_vacated = 0.0, 0.0, 0.0, 0.0
    territory_leaders, territory_massacres = sums.territory_social_leader_killings[row], sums.territory_massacres[row]
    territory_displaced, territory_confined = sums.territory_displaced[row], sums.territory_confined[row]
    territory_filled_state, territory_filled_groups = sums.territory_filled_state[row], \
        sums.territory_filled_groups[row]
    group_removed = records.group_removed[r, m]
    for g in range(G):
        removed = 0.0
        for t in range(T):
            removed += killed[g, t] + captured[g, t] + surrendered[g, t]
            state_side = killed[g, t] + forces[g, t] + collateral[g, t]
            combat += state_side
            if insurgent[g] > 0:
                battle += state_side
            killed_total += killed[g, t]
            captured_total += captured[g, t]
            surrendered_total += surrendered[g, t]
            forces_total += forces[g, t]
        group_removed[g] = removed
    for t in range(T):
        clashes_s += clashes_state[t]
        clashes_g += clashes_groups[t]
        combat += rival_deaths[t]
        non_state += rival_deaths[t]
        armed_total += armed[t]
        leaders_total += leaders[t]
        massacre_total += massacres[t]
        displaced_total += displaced[t]
        confined_total += confined[t]
        deployed_total += deployed[t]
        if vacated[t] > VACATED:
            deployed_vacated += deployed[t]
        territory_leaders[t] += leaders[t]
        territory_massacres[t] += massacres[t]
        territory_displaced[t] += displaced[t]
        territory_confined[t] += confined[t]
        territory_filled_state[t] += filled_state[t]
        territory_filled_groups[t] += filled_groups[t]
    records.state_group_clashes[r, m] = clashes_s
    records.inter_group_clashes[r, m] = clashes_g
    records.combat_deaths[r, m] = combat
    records.battle_deaths[r, m] = battle
    records.non_state_deaths[r, m] = non_state
    records.killed_in_operations[r, m] = killed_total
    records.captures[r, m] = captured_total
    records.surrenders[r, m] = surrendered_total
    records.security_forces_killed[r, m] = forces_total
    records.armed_group_homicides[r, m] = armed_total
    records.social_leader_killings[r, m] = leaders_total
    records.massacres[r, m] = massacre_total
    records.displaced[r, m] = displaced_total
    records.confined[r, m] = confined_total
    records.forces_in_vacated[r, m] = deployed_vacated / deployed_total if deployed_total > 0 else 0.0
    records.legitimacy[r, m] = legitimacy
    records.certification[r, m] = certification
    group_verification, group_relocated = records.group_verification[r, m], records.group_relocated[r, m]
    for g in range(G):
        group_verification[g] = verification[g]
        s = 0.0
        for k in range(relocated.shape[1]):
            s += relocated[g, k]
        group_relocated[g] = s
    host_tolerance = records.host_tolerance[r, m]
    for k in range(tolerance.shape[0]):
        host_tolerance[k] = tolerance[k]
