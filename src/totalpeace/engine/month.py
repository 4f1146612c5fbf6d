"""The monthly step: one run's month composed of the model's functions, in the fixed order of DESIGN.md section 2.

`step_batch` loops over the runs of a batch and, for each, over a block of months, so one run's arrays stay in cache
for its whole month and no temporary spans the batch. Each run is computed on its own, in a fixed order, with
counter-based draws keyed by (seed, run, month, purpose, index): results cannot depend on the batch size.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.inputs import LeverEffects, Levers, Options, WorldArrays
from totalpeace.engine.records import Records, record_month, record_tables
from totalpeace.engine.rng import Draws, Purpose, draw_negative_binomial, draw_uniform, stream_key
from totalpeace.engine.state import State
from totalpeace.model import (
    contest,
    economy,
    security,
    spillover,
    strength,
    values,
    violence,
)
from totalpeace.model.tables import bridge
from totalpeace.model.tables import layout as TL
from totalpeace.model.tables import month as tables_
from totalpeace.model.tables.agenda import Agenda

EFFORT_NOISE = int(Purpose.EFFORT_NOISE)
STATE_CLASHES = int(Purpose.STATE_CLASHES)
GROUP_CLASHES = int(Purpose.GROUP_CLASHES)
HOMICIDES = int(Purpose.HOMICIDES)
TALKS_ADVANCE = int(Purpose.TALKS_ADVANCE)  # every draw of the tables' month (N_U per group)
SPLIT = int(Purpose.SPLIT)
DISSENT = int(Purpose.DISSENT)
ALIVE = 0.5  # a group with fewer members than this (in the country and abroad) no longer acts


@numba.njit(cache=True)
def step_batch(first: int, last: int, seed: int, runs: np.ndarray, p, world: WorldArrays, levers: Levers,
               effects: LeverEffects, tables: Agenda, state: State, records: Records, options: Options,
               draws: Draws) -> None:
    """Advance every run of the batch through months first .. last - 1 (state updated in place, records written)."""
    for r in range(runs.shape[0]):
        for month in range(first, last):
            step_run(r, month, seed, runs[r], p, world, levers, effects, tables, state, records, options, draws)


@numba.njit(cache=True)
def step_run(r: int, m: int, seed: int, run: int, p, world: WorldArrays, levers: Levers, effects: LeverEffects,
             tables: Agenda, state: State, records: Records, options: Options, draws: Draws) -> None:
    """Run r's month m (run id `run`)."""
    members, sanctuary, control, phase = state.members[r], state.sanctuary[r], state.control[r], state.phase[r]
    signed_members, group_cohesion = state.signed_members[r], state.group_cohesion[r]
    coca, fragmentation, vacated = state.coca[r], state.fragmentation[r], state.vacated[r]
    signed, hom_base, drivers0, flow0 = state.signed[r], state.hom_base[r], state.drivers0[r], state.flow0[r]
    loss_share, rent0 = state.loss_share[r], state.rent0[r]
    G, T = members.shape

    members_total = np.empty(G)
    alive = np.zeros(G)
    for g in range(G):
        s = 0.0
        for t in range(T):
            s += members[g, t]
        members_total[g] = s + sanctuary[g]
        alive[g] = 1.0 if members_total[g] > ALIVE else 0.0

    # 1. levers: the scheduled zones (the tables add negotiated ones in step 3) and the forces
    zone = levers.zone[m]
    zoned = False
    for g in range(G):
        for t in range(T):
            zoned = zoned or zone[g, t] > 0
    conditional = levers.conditional[m] > 0
    posture = effects.posture[m]
    host_tol = levers.host_tolerance[m]
    forces = levers.deployable[m] * world.total_forces

    # 2. economy, with cartel transfers to proxies
    transit = economy.transit_hectares(coca, world.exit_of)
    kinds = economy.rents_by_kind(coca, world.gold, world.population, transit, p)
    value, rent_t = economy.appropriable(kinds, effects.chi[m], world.revenue)
    rent = economy.group_rents(value, control)
    exit_control, vacuum_exits = economy.exit_holdings(control, vacated, world.exits)
    transfers = economy.cartel_transfers(world.finance, world.allies, exit_control, alive, vacuum_exits)
    if m == 0:
        rent0[:] = economy.stakes(kinds, world.revenue, control, p)
    for g in range(G):
        rent[g] += transfers[g]

    # 3. negotiation: the tables' month (model/tables), fed by the battlefield (the interface: tables/layout.py)
    cohesion = state.cohesion[r]
    effort0 = contest.group_efforts(members, transfers, rent0, world.is_cartel, world.adj_indptr, world.adj_indices,
                                    p)
    groups_effort = effort0.copy()  # the groups' efforts: unchanged until splits or DDR move members
    security.state_efforts(cohesion, forces, world.pop075, control, world.presence, conditional, zone, zoned, p,
                           effort0)
    p_group = values.bargaining_power(effort0, members, sanctuary, p)
    p_without_zone = p_group  # the audit's counterfactual for zones: p computed without them
    if zoned:
        effort_nz = groups_effort.copy()
        security.state_efforts(cohesion, forces, world.pop075, control, world.presence, conditional, zone, False, p,
                               effort_nz)
        p_without_zone = values.bargaining_power(effort_nz, members, sanctuary, p)
    base = np.full(G, effects.base_pressure[m])
    inputs = bridge.tables_inputs(
        p_group, p_without_zone, members_total, world.armed_share, rent, rent0,
        bridge.drug_shares(control, kinds, effects.chi[m], world.revenue, value), sanctuary, loss_share, np.zeros(G),
        base, alive, world.willing, levers.attacks[m], phase, levers.guarantee[m], host_tol * world.sanctuary_max,
        levers.ceasefire[m], levers.bilateral[m], levers.concessions[m], levers.zone[m], group_cohesion)
    national = np.array([cohesion, levers.political_cost[m], levers.legitimacy[m]])
    key = stream_key(seed, run, m, TALKS_ADVANCE)
    u = np.empty((G, TL.N_U))
    for g in range(G):
        for j in range(TL.N_U):
            u[g, j] = draw_uniform(draws, key, g * TL.N_U + j)
    decided = np.zeros((G, TL.N_OUT))
    zone = np.zeros((G, T))  # scheduled and negotiated zones, and concentration zones under an agreement
    audit, package = np.zeros((G, TL.N_AU)), np.zeros(state.package[r].shape)
    tables_.tables_month(m, options.negotiation_engine, options.phased, world.talks_order, p, tables.static,
                         tables.lo, tables.hi, tables.agenda, tables.cost, tables.weights, tables.stake_pos,
                         tables.stake_sal, tables.ratify, tables.veto_params, tables.veto_salience, phase,
                         state.table_state[r], state.package[r], state.closed[r], state.mandate[r],
                         state.bdm_positions[r], inputs, national, members, levers.zone[m], u, decided, zone,
                         audit, package)
    record_tables(r, m, records, tables.slots, audit, package)
    zoned = False
    for g in range(G):
        for t in range(T):
            zoned = zoned or zone[g, t] > 0
    ceasefire = np.zeros(G, dtype=np.bool_)
    bilateral = np.zeros(G, dtype=np.bool_)
    bridge.ceasefire_flags(decided, ceasefire, bilateral)
    pressure = bridge.pressure_after_concessions(decided, base, p)
    total_conc = bridge.concessions_in_force(decided)
    surplus = bridge.margins(audit, phase)

    # 5. signing, splits and DDR: the tables decide, the battlefield applies
    key = stream_key(seed, run, m, SPLIT)
    moved = False  # did splits or DDR move members (and control) since the efforts of step 3?
    for g in range(G):
        if (phase[g] == tables_.FINAL or phase[g] == tables_.IMPLEMENTATION) and signed[g] == 0:
            signed[g] = 1.0
            signed_members[g] = members_total[g]
    splinter_slot = world.splinter_slot
    for g in range(G):
        if decided[g, TL.OUT_RATIFIED] > 0 and splinter_slot[g] >= 0 \
                and draw_uniform(draws, key, g) < decided[g, TL.OUT_SPLIT_PROBABILITY]:
            moved = True
            strength.split(g, splinter_slot[g], decided[g, TL.OUT_SPLIT_SHARE], members, sanctuary, control,
                           signed_members, fragmentation)
    demobilised = np.zeros(G)
    for g in range(G):
        if decided[g, TL.OUT_DDR_RATE] > 0:
            moved = True
            demobilised[g], _ = strength.demobilise(g, members, sanctuary, decided[g, TL.OUT_DDR_RATE])
    leaving = np.zeros(G)
    recruiting = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        leaving[g] = decided[g, TL.OUT_STANDING_DOWN]
        recruiting[g] = not (phase[g] == tables_.IMPLEMENTATION or phase[g] == tables_.DEMOBILIZED)

    # 6. security forces: dissent and cohesion
    dissent = 1.0 if draw_uniform(draws, stream_key(seed, run, m, DISSENT), 0) \
        < security.dissent_probability(cohesion, total_conc, p) else 0.0
    cohesion = security.cohesion_update(cohesion, levers.buy_in[m], total_conc, levers.purge[m], dissent, p)
    state.cohesion[r] = cohesion

    # 7. territorial contest and vacuum filling
    before = control.copy()
    effort = groups_effort
    if moved:
        effort = contest.group_efforts(members, transfers, rent0, world.is_cartel, world.adj_indptr,
                                       world.adj_indices, p)
    security.state_efforts(cohesion, forces, world.pop075, control, world.presence, conditional, zone, zoned, p,
                           effort)
    contest.perturb_efforts(effort, stream_key(seed, run, m, EFFORT_NOISE), draws, p)
    contest.update_control(control, contest.contest_shares(effort, options.difference, p), p.control_turnover)
    vacated_now = contest.vacated_control(before, control, leaving)
    contest.remember_vacated(vacated, vacated_now)
    state_fill = contest.state_fill_share(before, control, vacated_now)

    # 8. attrition, recruitment, rearmament, movement, sanctuary
    state_effort = effort[:, G].copy()
    protected = np.zeros((G, T))
    for g in range(G):
        for t in range(T):
            protected[g, t] = 1.0 if (bilateral[g] or zone[g, t] > 0) else 0.0
    expected_state, clashes_state, losses_state = strength.losses_to_state(
        members, state_effort, world.area, pressure, protected, stream_key(seed, run, m, STATE_CLASHES), draws, p)
    state_killed = strength.security_forces_killed(members, state_effort, posture, ceasefire, p)
    expected_groups, clashes_groups, losses_groups = strength.losses_to_rivals(
        members, losses_state, world.rival_pairs, stream_key(seed, run, m, GROUP_CLASHES), draws, p)
    bridge.protect_ex_combatants(losses_groups, decided)
    recruits = strength.recruitment(members, control, strength.local_rent_per_member(rent, members_total, members),
                                    world.presence, world.population, strength.rearmament(ceasefire, zone, p), p)
    strength.update_members(members, sanctuary, losses_state, losses_groups, recruits, members_total, recruiting,
                            ceasefire, p, loss_share)
    strength.movement(members, strength.contested_value(value, control), world.adj_indptr, world.adj_indices,
                      p.movement_rate)
    strength.sanctuary_flow(members, sanctuary, world.sanctuary_max * host_tol, world.host_border,
                            p.sanctuary_adjustment)
    economy.grow_coca(coca, effects.coca_change[m])
    bridge.agreed_substitution(coca, control, decided, p)

    # 9. violence
    violence.decay_fragmentation(fragmentation, p)
    drivers = violence.homicide_drivers(control, members, fragmentation, rent_t, p)
    posture_g = np.empty(G)
    for g in range(G):
        posture_g[g] = 0.0 if ceasefire[g] else posture
    key = stream_key(seed, run, m, HOMICIDES)
    population, presence, observed = world.population, world.presence, world.homicides_observed
    homicides = np.empty(T)
    vacuum_total, selective_total = 0.0, 0.0
    for t in range(T):
        selective = violence.selective_violence(population[t], violence.margin(control, t), p)
        vacuum = violence.vacuum_violence(vacated[t], presence[t], population[t], p)
        lost_state, lost_groups, expected_g, expected_s = 0.0, 0.0, 0.0, 0.0
        for g in range(G):
            lost_state += losses_state[g, t]
            lost_groups += losses_groups[g, t]
            expected_g += expected_groups[g, t]
            expected_s += expected_state[g, t]
        extra = selective + vacuum + violence.collateral_deaths(lost_state, presence[t], p) + lost_groups
        if m == 0:  # the territory effect: the status quo reproduces the observed homicides
            drivers0[t] = drivers[t]
            hom_base[t] = violence.homicide_baseline(
                observed[t], selective + vacuum + expected_g + violence.collateral_deaths(expected_s, presence[t], p))
        mu = violence.homicide_mean(hom_base[t], drivers[t], drivers0[t], violence.posture_share(control, posture_g, t),
                                    extra, p)
        homicides[t] = draw_negative_binomial(draws, mu, p.homicide_dispersion, key, t)
        vacuum_total += vacuum
        selective_total += selective

    # 10. spill-over
    neighbours = spillover.neighbour_index(
        spillover.neighbour_flows(coca, world.exit_of, control, world.neighbour_border), flow0,
        spillover.border_means(vacated, world.neighbour_border),
        spillover.border_means(fragmentation, world.neighbour_border), p)

    # 11. record
    record_month(r, m, records, members, sanctuary, control, phase, signed, world.is_cartel, world.armed_share,
                 world.population, world.population_total, homicides, clashes_state, clashes_groups, losses_state,
                 losses_groups, state_killed, neighbours, vacuum_total, selective_total, vacated_now, state_fill,
                 cohesion, dissent, demobilised, coca, rent, surplus)
