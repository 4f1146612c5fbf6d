"""The monthly step: one run's month composed of the model's functions, in the fixed order of DESIGN.md section 2.

`step_batch` loops over the runs of a batch and, for each, over a block of months, so one run's arrays stay in cache
for its whole month and no temporary spans the batch. Each run is computed on its own, in a fixed order, with
counter-based draws keyed by (seed, run, month, purpose, index): results cannot depend on the batch size.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.inputs import LeverEffects, Levers, Options, WorldArrays
from totalpeace.engine.records import Records, record_month
from totalpeace.engine.rng import Draws, Purpose, draw_negative_binomial, draw_uniform, stream_key
from totalpeace.engine.state import State
from totalpeace.model import (
    commitment,
    contest,
    economy,
    negotiation,
    security,
    spillover,
    strength,
    values,
    violence,
)

EFFORT_NOISE = int(Purpose.EFFORT_NOISE)
STATE_CLASHES = int(Purpose.STATE_CLASHES)
GROUP_CLASHES = int(Purpose.GROUP_CLASHES)
HOMICIDES = int(Purpose.HOMICIDES)
TALKS_ADVANCE = int(Purpose.TALKS_ADVANCE)
BREAKDOWN = int(Purpose.BREAKDOWN)
SPLIT = int(Purpose.SPLIT)
DISSENT = int(Purpose.DISSENT)
ALIVE = 0.5  # a group with fewer members than this (in the country and abroad) no longer acts


@numba.njit(cache=True)
def step_batch(first: int, last: int, seed: int, runs: np.ndarray, p, world: WorldArrays, levers: Levers,
               effects: LeverEffects, state: State, records: Records, options: Options, draws: Draws) -> None:
    """Advance every run of the batch through months first .. last - 1 (state updated in place, records written)."""
    for r in range(runs.shape[0]):
        for month in range(first, last):
            step_run(r, month, seed, runs[r], p, world, levers, effects, state, records, options, draws)


@numba.njit(cache=True)
def step_run(r: int, m: int, seed: int, run: int, p, world: WorldArrays, levers: Levers, effects: LeverEffects,
             state: State, records: Records, options: Options, draws: Draws) -> None:
    """Run r's month m (run id `run`)."""
    members, sanctuary, control, phase = state.members[r], state.sanctuary[r], state.control[r], state.phase[r]
    signed_members, positions, group_cohesion = state.signed_members[r], state.positions[r], state.group_cohesion[r]
    coca, fragmentation, vacated, p_slow = state.coca[r], state.fragmentation[r], state.vacated[r], state.p_slow[r]
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

    # 1. levers: ceasefires (scheduled or negotiated), zones; concessions with their pressure and shields
    zone = levers.zone[m]
    zoned = False
    for g in range(G):
        for t in range(T):
            zoned = zoned or zone[g, t] > 0
    conditional = levers.conditional[m] > 0
    posture, pressure, shield = effects.posture[m], effects.pressure[m], effects.shield[m]
    conc_count, total_conc = effects.concession_count[m], effects.concessions_total[m]
    scheduled_ceasefire, scheduled_bilateral = levers.ceasefire[m], levers.bilateral[m]
    ceasefire = np.zeros(G, dtype=np.bool_)
    bilateral = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        negotiated = negotiation.negotiated_ceasefire(phase[g])
        ceasefire[g] = scheduled_ceasefire[g] > 0 or negotiated
        bilateral[g] = scheduled_bilateral[g] > 0 or negotiated
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

    # 3. negotiation: power, the tables' forecasts, war and peace values
    cohesion = state.cohesion[r]
    effort0 = contest.group_efforts(members, transfers, rent0, world.is_cartel, world.adj_indptr, world.adj_indices,
                                    p)
    groups_effort = effort0.copy()  # the groups' efforts: unchanged until splits or DDR move members
    security.state_efforts(cohesion, forces, world.pop075, control, world.presence, conditional, zone, zoned, p,
                           effort0)
    p_group = values.bargaining_power(effort0, members, sanctuary, p)
    eligible = world.willing * alive > 0
    negotiation.open_tables(phase, m, world.table_start, world.talks_order, options.phased, eligible)
    n_talking = 0
    for g in range(G):
        if negotiation.talking(phase[g]):
            n_talking += 1
    host_weight = host_tol * world.sanctuary_max
    forecast = negotiation.forecasts(positions, p_group, levers.guarantee[m], host_weight, levers.legitimacy[m],
                                     phase, options.bdm, p)
    surplus = np.empty(G)
    political, spoiler = world.political, world.spoiler
    for g in range(G):
        v_war = values.war_value(rent[g], pressure[g], shield[g], p)
        v_peace = values.peace_value(forecast[g], members_total[g], rent0[g], political[g], conc_count[g], p)
        open_count = n_talking - (1 if negotiation.talking(phase[g]) else 0)
        rho = values.reservation(v_war, spoiler[g], conc_count[g], open_count, p)
        surplus[g] = values.relative_surplus(v_peace, v_war, rho)

    # the bargaining-power audit (M6.1): a zone changes p itself, so p is recomputed without it
    p_without_zone = p_group
    if zoned:
        effort_nz = groups_effort.copy()
        security.state_efforts(cohesion, forces, world.pop075, control, world.presence, conditional, zone, False, p,
                               effort_nz)
        p_without_zone = values.bargaining_power(effort_nz, members, sanctuary, p)
    values.audit_splits(p_group, p_without_zone, effects.audit_cost_state[m], effects.audit_cost_group[m],
                        records.audits[r, m])

    new_phase, just_signed = negotiation.advance_tables(phase, surplus, stream_key(seed, run, m, TALKS_ADVANCE),
                                                        draws, p)

    # 4. commitment: breakdown of tables and agreements in implementation
    key = stream_key(seed, run, m, BREAKDOWN)
    guarantee = levers.guarantee[m]
    for g in range(G):
        hazard = commitment.breakdown_hazard(
            commitment.disarmed_share(members_total[g], signed_members[g]), guarantee[g],
            commitment.violence_against(loss_share[g]), commitment.powell_shift(p_group[g], p_slow[g], p),
            surplus[g], p)
        if negotiation.at_risk(phase[g]) and draw_uniform(draws, key, g) < hazard:
            new_phase[g] = negotiation.BROKEN
            just_signed[g] = False
        p_slow[g] = commitment.slow_power(p_slow[g], p_group[g])

    # 5. signing, splits and DDR
    key = stream_key(seed, run, m, SPLIT)
    moved = False  # did splits or DDR move members (and control) since the efforts of step 3?
    for g in range(G):
        if just_signed[g]:
            signed[g] = 1.0
            signed_members[g] = members_total[g]
    splinter_slot = world.splinter_slot
    for g in range(G):
        if just_signed[g] and splinter_slot[g] >= 0 \
                and draw_uniform(draws, key, g) < strength.split_probability(group_cohesion[g], p):
            moved = True
            strength.split(g, splinter_slot[g], strength.split_share(group_cohesion[g], p), members, sanctuary,
                           control, signed_members, fragmentation)
    demobilised = np.zeros(G)
    for g in range(G):
        if new_phase[g] == negotiation.IMPLEMENTATION:
            moved = True
            demobilised[g], remaining = strength.demobilise(g, members, sanctuary, p)
            if strength.ddr_complete(remaining, signed_members[g]):
                new_phase[g] = negotiation.DEMOBILIZED
    leaving = np.zeros(G)
    recruiting = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        phase[g] = new_phase[g]
        if negotiation.stood_down(phase[g]) or ceasefire[g]:
            leaving[g] = 1.0
        recruiting[g] = not negotiation.stood_down(phase[g])

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
    recruits = strength.recruitment(members, control, strength.local_rent_per_member(rent, members_total, members),
                                    world.presence, world.population, strength.rearmament(ceasefire, zone, p), p)
    strength.update_members(members, sanctuary, losses_state, losses_groups, recruits, members_total, recruiting,
                            ceasefire, p, loss_share)
    strength.movement(members, strength.contested_value(value, control), world.adj_indptr, world.adj_indices,
                      p.movement_rate)
    strength.sanctuary_flow(members, sanctuary, world.sanctuary_max * host_tol, world.host_border,
                            p.sanctuary_adjustment)
    economy.grow_coca(coca, effects.coca_change[m])

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
