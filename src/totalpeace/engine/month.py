"""The monthly step: one run's month composed of the model's functions, in the fixed order of DESIGN.md section 2.

`step_batch` loops over the runs of a batch and, for each, over a block of months, so one run's arrays stay in cache
for its whole month and no temporary spans the batch. Each run is computed on its own, in a fixed order, with
counter-based draws keyed by (seed, run, month, purpose, index): results cannot depend on the batch size.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.inputs import LeverEffects, Levers, Options, WorldArrays
from totalpeace.engine.records import Records, record_groups, record_month
from totalpeace.engine.rng import Draws, Purpose, draw_negative_binomial, draw_uniform, stream_key
from totalpeace.engine.state import State
from totalpeace.model import (
    choices,
    commitment,
    contest,
    economy,
    negotiation,
    security,
    spillover,
    strength,
    trafficking,
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
WILLINGNESS = int(Purpose.WILLINGNESS)
SPLIT_HAZARD = int(Purpose.SPLIT_HAZARD)
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
    support, resources, pool = state.support[r], state.resources[r], state.ex_combatants[r]
    route_exit, route_next, group_actions = state.route_exit[r], state.route_next[r], state.actions[r]
    signed_members, positions, group_cohesion = state.signed_members[r], state.positions[r], state.group_cohesion[r]
    coca, fragmentation, vacated, p_slow = state.coca[r], state.fragmentation[r], state.vacated[r], state.p_slow[r]
    signed, hom_base, drivers0, flow0 = state.signed[r], state.hom_base[r], state.drivers0[r], state.flow0[r]
    loss_share, rent0 = state.loss_share[r], state.rent0[r]
    G, T = members.shape

    members_total = np.empty(G)  # armed, networks and sanctuary
    armed_total = np.empty(G)
    alive = np.zeros(G)
    for g in range(G):
        armed, networks = 0.0, 0.0
        for t in range(T):
            armed += members[g, t]
            networks += support[g, t]
        armed_total[g] = armed + sanctuary[g]
        members_total[g] = armed_total[g] + networks
        alive[g] = 1.0 if members_total[g] > ALIVE else 0.0

    # 1. levers: ceasefires (scheduled or negotiated), zones; concessions with their shields
    zone = levers.zone[m]
    zoned = False
    for g in range(G):
        for t in range(T):
            zoned = zoned or zone[g, t] > 0
    conditional = levers.conditional[m] > 0
    shield = effects.shield[m]
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

    # 2. economy: routes re-optimised to the cheapest exit (M2.3), rents, cartel transfers, pay, arms
    trafficking.reroute(m, world.edge_length, world.adj_indptr, world.adj_indices, world.exits, control, route_exit,
                        route_next, p)
    kinds = economy.rents_by_kind(coca, world.gold, world.population,
                                  economy.corridor_hectares(coca, route_next, route_exit), p)
    value, rent_t = economy.appropriable(kinds, effects.chi[m], world.revenue)
    rent = economy.group_rents(value, control)
    exit_control, vacuum_exits = economy.exit_holdings(control, vacated, world.exits)
    transfers = economy.cartel_transfers(world.finance, world.allies, exit_control, alive, vacuum_exits)
    if m == 0:
        rent0[:] = economy.stakes(kinds, world.revenue, control, p)
    pay = economy.pay_ratios(rent, transfers, members_total, p)
    income = rent + transfers

    # 3. the groups' choices (model/choices.py), then power, the tables' forecasts, war and peace values
    reach = contest.reach_shares(world.area, world.adj_indptr, p)
    presence = contest.effective_presence(members, support, reach, world.adj_indptr, world.adj_indices, p)
    at_table = np.zeros(G, dtype=np.bool_)
    target = np.zeros(G, dtype=np.bool_)
    pressure0 = np.empty(G)
    for g in range(G):
        at_table[g] = negotiation.talking(phase[g]) or phase[g] == negotiation.FINAL
        target[g] = at_table[g] or ceasefire[g]
        pressure0[g] = values.concession_effects(p.repression_base, levers.concessions[m, g], p)[0]
    choice = records.choices[r, m]
    choices.decide(presence, world.rival_pairs, pressure0, conditional, at_table, ceasefire, levers.guarantee[m],
                   state.surplus[r], target, world.spoiler, world.willing, alive, p, choice)
    posture_g = choices.postures(choice, ceasefire)
    operations = choices.operations_kept(choice, ceasefire, p)
    pressure = np.empty(G)
    for g in range(G):
        pressure[g] = values.concession_effects(security.repression_pressure(choice[g, choices.POSTURE], conditional,
                                                                             p),
                                                levers.concessions[m, g], p)[0]
    multiplier = economy.arms_multiplier(economy.arms_intensity(resources, armed_total, p), p)
    for g in range(G):
        multiplier[g] *= operations[g]
    cohesion = state.cohesion[r]
    effort0 = contest.group_efforts(presence, multiplier)
    groups_effort = effort0.copy()  # the groups' efforts: unchanged until splits or DDR move members
    security.state_efforts(cohesion, forces, world.pop075, control, world.presence, conditional, zone, zoned, p,
                           effort0)
    p_group = values.bargaining_power(effort0, presence, sanctuary, p)
    key = stream_key(seed, run, m, WILLINGNESS)
    eligible = np.zeros(G, dtype=np.bool_)
    queued = np.zeros(G, dtype=np.bool_)
    for g in range(G):  # a group waiting for its table comes to it when its willingness says so (one draw a month)
        eligible[g] = alive[g] > 0 and draw_uniform(draws, key, g) < choice[g, choices.WILLING]
        queued[g] = alive[g] > 0 and world.willing[g] > 0
    negotiation.open_tables(phase, m, world.table_start, world.talks_order, options.phased, eligible, queued)
    n_talking = 0
    for g in range(G):
        if negotiation.talking(phase[g]):
            n_talking += 1
    host_weight = host_tol * world.sanctuary_max
    forecast = negotiation.forecasts(positions, p_group, levers.guarantee[m], host_weight, levers.legitimacy[m],
                                     phase, options.bdm, p)
    surplus = state.surplus[r]
    political, spoiler = world.political, world.spoiler
    for g in range(G):
        v_war = values.war_value(income[g], pressure[g], shield[g], p)
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
        p_without_zone = values.bargaining_power(effort_nz, presence, sanctuary, p)
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

    # 5. signing, splits (on signing, and from decapitation, rivalry or failed implementation) and DDR
    key = stream_key(seed, run, m, SPLIT)
    moved = False  # did splits or DDR move members (and control) since the efforts of step 3?
    for g in range(G):
        if just_signed[g]:
            signed[g] = 1.0
            signed_members[g] = members_total[g]
    splinter_slot = world.splinter_slot
    splits = 0.0
    for g in range(G):
        if just_signed[g] and splinter_slot[g] >= 0 \
                and draw_uniform(draws, key, g) < strength.split_probability(group_cohesion[g], p):
            moved = True
            splits += 1.0
            strength.split(g, splinter_slot[g], strength.split_share(group_cohesion[g], p), members, support,
                           sanctuary, control, resources, signed_members, fragmentation)
    key = stream_key(seed, run, m, SPLIT_HAZARD)
    for g in range(G):
        if splinter_slot[g] >= 0 and alive[g] > 0 and not just_signed[g] \
                and draw_uniform(draws, key, g) < strength.split_hazard(
                    state.state_loss[r, g], group_cohesion[g], phase[g] == negotiation.IMPLEMENTATION, surplus[g], p):
            moved = True
            splits += 1.0
            strength.split(g, splinter_slot[g], strength.split_share(group_cohesion[g], p), members, support,
                           sanctuary, control, resources, signed_members, fragmentation)
    demobilised = np.zeros(G)
    for g in range(G):
        if new_phase[g] == negotiation.IMPLEMENTATION:
            moved = True
            demobilised[g], remaining = strength.demobilise(g, members, support, sanctuary, pool, p.ddr_rate)
            if strength.ddr_complete(remaining, signed_members[g]):
                new_phase[g] = negotiation.DEMOBILIZED
    leaving = np.zeros(G)
    recruiting = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        phase[g] = new_phase[g]
        if negotiation.stood_down(phase[g]) or ceasefire[g]:
            leaving[g] = 1.0 - (choice[g, choices.EXPLOIT] if ceasefire[g] and not negotiation.stood_down(phase[g])
                                else 0.0)
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
        presence = contest.effective_presence(members, support, reach, world.adj_indptr, world.adj_indices, p)
        effort = contest.group_efforts(presence, multiplier)
    security.state_efforts(cohesion, forces, world.pop075, control, world.presence, conditional, zone, zoned, p,
                           effort)
    contest.perturb_efforts(effort, stream_key(seed, run, m, EFFORT_NOISE), draws, p)
    contest.update_control(control, contest.contest_shares(effort, options.difference, p), p.control_turnover)
    vacated_now = contest.vacated_control(before, control, leaving)
    contest.remember_vacated(vacated, vacated_now)
    state_fill = contest.state_fill_share(before, control, vacated_now)

    # 8. attrition, the ex-combatant pool, recruitment, arming, desertion, movement, sanctuary, arms, coca
    state_effort = effort[:, G].copy()
    protected = np.zeros((G, T))
    in_zone = np.zeros(G)
    for g in range(G):
        armed_here = 0.0
        for t in range(T):
            protected[g, t] = 1.0 if (bilateral[g] or zone[g, t] > 0) else 0.0
            armed_here += members[g, t]
            in_zone[g] += members[g, t] * (1.0 if zone[g, t] > 0 else 0.0)
        in_zone[g] = in_zone[g] / armed_here if armed_here > 0 else 0.0
    expected_state, clashes_state, losses_state = strength.losses_to_state(
        members, state_effort, world.area, pressure, protected, stream_key(seed, run, m, STATE_CLASHES), draws, p)
    state_killed = strength.security_forces_killed(members, state_effort, posture_g, p)
    spoiling = np.empty(G)
    for g in range(G):
        spoiling[g] = choice[g, choices.SPOIL]
    expected_groups, clashes_groups, losses_groups = strength.losses_to_rivals(
        members, losses_state, world.rival_pairs, spoiling, target, stream_key(seed, run, m, GROUP_CLASHES), draws, p)
    for g in range(G):
        lost = 0.0
        for t in range(T):
            lost += losses_state[g, t]
        state.state_loss[r, g] = lost / members_total[g] if members_total[g] > 0 else 0.0
    ex_killed, _reintegrated = strength.ex_combatant_flows(pool, control, p)
    former = strength.recidivism(pool, control, pay, world.recruits_former, p)
    recruits, forced = strength.recruitment(strength.recruiters(presence, sanctuary, world.host_border), control, pay,
                                            world.presence, zone, world.population, vacated, p)
    networks = strength.network_recruitment(control, world.population, p)
    deserters = strength.update_members(members, support, sanctuary, losses_state, losses_groups, recruits, forced,
                                        former, networks, strength.desertion_rates(pay, p), recruiting,
                                        members_total, loss_share)
    strength.movement(members, strength.contested_value(value, control), world.adj_indptr, world.adj_indices,
                      p.movement_rate)
    strength.sanctuary_flow(members, sanctuary, world.sanctuary_max * host_tol, world.host_border,
                            p.sanctuary_adjustment)
    fighting = np.empty(G)  # the share of the armed members in operations: not complying, not in a zone
    for g in range(G):
        fighting[g] = operations[g] * (1.0 - in_zone[g])
    economy.update_resources(resources, economy.resources_inflow(rent, transfers, armed_total, fighting, p), p)
    economy.grow_coca(coca, effects.coca_change[m])
    choices.actions(choice, ceasefire, levers.guarantee[m], world.rivals, target, group_actions)

    # 9. violence
    violence.decay_fragmentation(fragmentation, p)
    drivers = violence.homicide_drivers(control, members, fragmentation, rent_t, p)
    key = stream_key(seed, run, m, HOMICIDES)
    # The reference of month 0: the postures of the base year's rule (no tables, no conditional repression), so that
    # month 0's own policy moves homicides away from the observed level.
    status_quo = np.empty(G)
    for g in range(G):
        edge = choices.posture_edge(pressure0[g], False, choice[g, choices.RIVALRY], False, p)
        status_quo[g] = choices.logit_choice(edge, p) * alive[g]
    population, state_presence, observed = world.population, world.presence, world.homicides_observed
    homicides = np.empty(T)
    vacuum_total, selective_total = 0.0, 0.0
    for t in range(T):
        selective = violence.selective_violence(population[t], violence.margin(control, t), p)
        vacuum = violence.vacuum_violence(vacated[t], state_presence[t], population[t], p)
        lost_state, lost_groups, expected_g, expected_s = 0.0, 0.0, 0.0, 0.0
        for g in range(G):
            lost_state += losses_state[g, t]
            lost_groups += losses_groups[g, t]
            expected_g += expected_groups[g, t]
            expected_s += expected_state[g, t]
        extra = selective + vacuum + violence.collateral_deaths(lost_state, state_presence[t], p) + lost_groups
        if m == 0:  # the territory effect: the status quo (the base year's postures) reproduces the observed homicides
            drivers0[t] = drivers[t]
            chosen = violence.posture_share(control, status_quo, t)
            hom_base[t] = violence.homicide_baseline(
                observed[t], selective + vacuum + expected_g + violence.collateral_deaths(expected_s, state_presence[t],
                                                                                          p)) \
                / (1.0 - p.armed_violence_share + p.armed_violence_share * chosen)
        mu = violence.homicide_mean(hom_base[t], drivers[t], drivers0[t], violence.posture_share(control, posture_g, t),
                                    extra, p)
        homicides[t] = draw_negative_binomial(draws, mu, p.homicide_dispersion, key, t)
        vacuum_total += vacuum
        selective_total += selective

    # 10. spill-over
    neighbours = spillover.neighbour_index(
        spillover.neighbour_flows(coca, route_exit, control, world.neighbour_border), flow0,
        spillover.border_means(vacated, world.neighbour_border),
        spillover.border_means(fragmentation, world.neighbour_border), p)

    # 11. record
    record_month(r, m, records, members, support, sanctuary, control, phase, signed, world.is_cartel,
                 world.population, world.population_total, homicides, clashes_state, clashes_groups, losses_state,
                 losses_groups, state_killed, neighbours, vacuum_total, selective_total, vacated_now, state_fill,
                 cohesion, dissent, demobilised, coca, income, surplus)
    record_groups(r, m, records, pay, resources, recruits, forced, former, deserters, pool, ex_killed, splits,
                  group_actions, world.is_cartel)
