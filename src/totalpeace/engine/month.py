"""The monthly step: one run's month composed of the model's functions, in the fixed order of DESIGN.md section 2.

`step_batch` loops over the runs of a batch and, for each, over a block of months, so one run's arrays stay in cache
for its whole month and no temporary spans the batch. Each run is computed on its own, in a fixed order, with
counter-based draws keyed by (seed, run, month, purpose, index): results cannot depend on the batch size.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.inputs import LeverEffects, Levers, Options, WorldArrays
from totalpeace.engine.records import Records, record_month, record_outcomes
from totalpeace.engine.rng import Draws, Purpose, draw_negative_binomial, draw_poisson, draw_uniform, stream_key
from totalpeace.engine.state import State
from totalpeace.model import (
    commitment,
    contest,
    economy,
    international,
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
LETHAL_CLASHES = int(Purpose.LETHAL_CLASHES)
MASSACRES = int(Purpose.MASSACRES)
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
    signed, hom_base, flow0 = state.signed[r], state.hom_base[r], state.flow0[r]
    loss_share, rent0 = state.loss_share[r], state.rent0[r]
    relocated, tolerance, deployed_verification = state.relocated[r], state.tolerance[r], state.verification[r]
    attacks_territory, attacks_group = state.attacks_territory[r], state.attacks_group[r]
    G, T = members.shape
    K = relocated.shape[1]

    members_total = np.empty(G)
    abroad = np.zeros(G)
    alive = np.zeros(G)
    for g in range(G):
        s = 0.0
        for t in range(T):
            s += members[g, t]
        for k in range(K):
            abroad[g] += relocated[g, k]
        members_total[g] = s + sanctuary[g] + abroad[g]
        alive[g] = 1.0 if members_total[g] > ALIVE else 0.0

    # 1. levers: ceasefires (scheduled or negotiated), zones; concessions with their pressure and shields
    zone = levers.zone[m]
    zoned = False
    for g in range(G):
        for t in range(T):
            zoned = zoned or zone[g, t] > 0
    conditional = levers.conditional[m] > 0
    posture, pressure, shield = effects.posture[m], effects.pressure[m], effects.shield[m]
    conc_count, concessions = effects.concession_count[m], levers.concessions[m]
    scheduled_ceasefire, scheduled_bilateral = levers.ceasefire[m], levers.bilateral[m]
    ceasefire = np.zeros(G, dtype=np.bool_)
    bilateral = np.zeros(G, dtype=np.bool_)
    unilateral = np.zeros(G, dtype=np.bool_)
    talking = np.zeros(G, dtype=np.bool_)
    monitored = np.zeros(G, dtype=np.bool_)
    posture_g = np.empty(G)  # each group's violence posture: v*, 0 while it keeps a ceasefire
    for g in range(G):
        negotiated = negotiation.negotiated_ceasefire(phase[g])
        ceasefire[g] = scheduled_ceasefire[g] > 0 or negotiated
        bilateral[g] = scheduled_bilateral[g] > 0 or negotiated
        unilateral[g] = ceasefire[g] and not bilateral[g]
        talking[g] = negotiation.talking(phase[g])
        monitored[g] = ceasefire[g] or talking[g] or phase[g] == negotiation.FINAL \
            or phase[g] == negotiation.IMPLEMENTATION
        posture_g[g] = 0.0 if ceasefire[g] else posture

    # international actors: hosts, guarantors' verification, legitimacy, the donor's certification and aid
    international.update_tolerance(tolerance, international.tolerance_target(
        levers.tolerance[m], levers.relations[m], levers.relations[0],
        international.host_talks(world.host, levers.host_guarantees[m], talking, tolerance.shape[0]), p), p)
    host_tol = international.group_tolerance(tolerance, world.host)
    international.update_verification(deployed_verification, monitored, p)
    verify = international.verification(levers.verification[m], deployed_verification)
    legitimacy = international.legitimacy(levers.legitimacy[m], state.killed_at_tables[r], p)
    coca_now, coca_start = 0.0, 0.0
    for t in range(T):
        coca_now += coca[t]
        coca_start += world.coca[t]
    suspended = np.empty(G)
    for g in range(G):
        suspended[g] = concessions[g, 1]
    certification = international.update_certification(state.certification[r], international.certification_target(
        coca_now / coca_start if coca_start > 0 else 1.0, levers.decriminalization[m],
        international.extradition_share(world.extradition, suspended, alive), p), p)
    state.certification[r] = certification
    aid_share = levers.aid[m] / world.security_budget if world.security_budget > 0 else 0.0
    forces = levers.deployable[m] * world.total_forces * international.aid_factor(certification, aid_share)

    # 2. economy, with cartel transfers to proxies
    transit = economy.transit_hectares(coca, world.exit_of)
    kinds = economy.rents_by_kind(coca, world.gold, world.population, transit, p)
    spillover.scale_route_rents(kinds, state.neighbour_index[r], world.neighbour_border, p)
    value, rent_t = economy.appropriable(kinds, effects.chi[m], world.revenue)
    rent = economy.group_rents(value, control)
    exit_control, vacuum_exits = economy.exit_holdings(control, vacated, world.exits)
    holdings = international.allies_holdings(world.allies, exit_control, alive)
    if m == 0:
        state.holdings0[r][:] = holdings
    international.update_engagement(state.engagement[r], holdings, state.holdings0[r], world.finance, p)
    transfers = economy.cartel_transfers(international.cartel_budgets(world.finance, state.engagement[r]),
                                         world.allies, exit_control, alive, vacuum_exits)
    if m == 0:
        rent0[:] = economy.stakes(kinds, world.revenue, control, p)
    for g in range(G):
        rent[g] += transfers[g]

    # 3. negotiation: power, the tables' forecasts, war and peace values
    cohesion = state.cohesion[r]
    ops = security.operations(pressure, attacks_group, verify, unilateral, p)  # the state's operations per group
    threat = security.threat(members, world.armed_share, posture_g, world.population)
    base = security.targeting(world.pop075, threat, vacated, attacks_territory, cohesion, p)
    effort0 = contest.group_efforts(members, transfers, rent0, world.is_cartel, world.adj_indptr, world.adj_indices,
                                    p)
    groups_effort = effort0.copy()  # the groups' efforts: unchanged until splits or DDR move members
    security.state_efforts(cohesion, forces, base, control, world.presence, conditional, zone, zoned, p, effort0)
    p_group = values.bargaining_power(effort0, members, sanctuary, p)
    eligible = world.willing * alive > 0
    negotiation.open_tables(phase, m, world.table_start, world.talks_order, options.phased, eligible)
    n_talking = 0
    for g in range(G):
        if negotiation.talking(phase[g]):
            n_talking += 1
    host_weight = host_tol * world.sanctuary_max
    forecast = negotiation.forecasts(positions, p_group, levers.guarantee[m], host_weight, legitimacy, phase,
                                     options.bdm, p)
    surplus = np.empty(G)
    political, spoiler = world.political, world.spoiler
    for g in range(G):
        v_war = values.war_value(rent[g], ops[g], shield[g], p)
        v_peace = values.peace_value(forecast[g], members_total[g], rent0[g], political[g], conc_count[g], p)
        open_count = n_talking - (1 if negotiation.talking(phase[g]) else 0)
        rho = values.reservation(v_war, spoiler[g], conc_count[g], open_count, p)
        surplus[g] = values.relative_surplus(v_peace, v_war, rho)

    # the bargaining-power audit (M6.1): a zone changes p itself, so p is recomputed without it
    p_without_zone = p_group
    if zoned:
        effort_nz = groups_effort.copy()
        security.state_efforts(cohesion, forces, base, control, world.presence, conditional, zone, False, p,
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

    # 6. security forces: dissent and cohesion (concessions in force and new ones, casualties under restraint)
    load = security.concession_load(concessions)
    new_load = security.new_concession_load(concessions, state.concessions[r])
    state.concessions[r][:] = concessions
    strain = security.casualty_strain(state.forces_killed[r], load, p)
    dissent = 1.0 if draw_uniform(draws, stream_key(seed, run, m, DISSENT), 0) \
        < security.dissent_probability(cohesion, new_load, strain, p) else 0.0
    cohesion = security.cohesion_update(cohesion, levers.buy_in[m], load, new_load, levers.purge[m], strain, dissent,
                                        p)
    state.cohesion[r] = cohesion

    # 7. territorial contest and vacuum filling
    before = control.copy()
    effort = groups_effort
    if moved:
        effort = contest.group_efforts(members, transfers, rent0, world.is_cartel, world.adj_indptr,
                                       world.adj_indices, p)
    base = security.targeting(world.pop075, threat, vacated, attacks_territory, cohesion, p)
    security.state_efforts(cohesion, forces, base, control, world.presence, conditional, zone, zoned, p, effort)
    deployed = security.deployment(forces, base, control)
    contest.perturb_efforts(effort, stream_key(seed, run, m, EFFORT_NOISE), draws, p)
    contest.update_control(control, contest.contest_shares(effort, options.difference, p), p.control_turnover)
    vacated_now = contest.vacated_control(before, control, leaving)
    filled_state, filled_groups = security.vacuum_fill(before, control, vacated_now)
    contest.remember_vacated(vacated, vacated_now)
    state_fill = contest.state_fill_share(before, control, vacated_now)

    # 8. attrition, recruitment, rearmament, movement, sanctuary
    state_effort = effort[:, G].copy()
    protected = np.zeros((G, T))
    for g in range(G):
        for t in range(T):
            protected[g, t] = 1.0 if (bilateral[g] or zone[g, t] > 0) else 0.0
    expected_state, _, losses_state = strength.losses_to_state(
        members, state_effort, world.area, ops, protected, stream_key(seed, run, m, STATE_CLASHES), draws, p)
    forces_killed = security.forces_killed(members, state_effort, posture_g, p)
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
    neighbour_tolerance = np.empty(K)
    for k in range(K):
        neighbour_tolerance[k] = tolerance[world.neighbour_actor[k]]
    spillover.relocation(members, relocated, world.neighbour_border, neighbour_tolerance, world.host_neighbour,
                         spillover.push(loss_share), p)
    economy.grow_coca(coca, effects.coca_change[m])
    security.remember_attacks(attacks_territory, attacks_group, forces_killed)
    killed_forces, killed_at_tables = 0.0, 0.0
    for g in range(G):
        for t in range(T):
            killed_forces += forces_killed[g, t]
            if talking[g]:
                killed_at_tables += forces_killed[g, t]
    state.forces_killed[r] = killed_forces
    state.killed_at_tables[r] = killed_at_tables

    # 9. violence: what the state's operations removed, homicides, leaders, massacres, displacement, confinement
    violence.decay_fragmentation(fragmentation, p)
    killed, captured, surrendered = violence.removals(losses_state, world.insurgent, posture_g, p)
    drivers = violence.homicide_drivers(control, members, fragmentation, rent_t, p)
    weights = violence.homicide_weights(world.insurgent, world.armed_share, p)
    population, presence, observed = world.population, world.presence, world.homicides_observed
    presence0 = np.zeros(T)  # the status quo's effective armed members and killed in operations (month 0 only)
    expected_killed = np.zeros((G, T))
    selective = np.empty(T)
    for t in range(T):
        selective[t] = violence.selective_violence(population[t], violence.margin(control, t),
                                                   violence.armed_control(control, t), p)
    if m == 0:  # the armed groups' rate per member and ordinary crime, from the start's observed homicides
        status_quo = np.ones(G)
        observed_total = 0.0
        for t in range(T):
            presence0[t] = violence.armed_presence(members, weights, status_quo, t)
            observed_total += observed[t]
        state.armed_scale[r] = violence.armed_homicide_scale(observed_total, presence0, drivers, selective, p)
        expected_killed = violence.removals(expected_state, world.insurgent, status_quo, p)[0]
    scale = state.armed_scale[r]
    key = stream_key(seed, run, m, HOMICIDES)
    key_lethal = stream_key(seed, run, m, LETHAL_CLASHES)
    key_massacres = stream_key(seed, run, m, MASSACRES)
    homicides, armed_killings, leaders = np.empty(T), np.empty(T), np.empty(T)
    massacres, displaced, confined = np.empty(T), np.empty(T), np.empty(T)
    clashes_state, rival_deaths = np.empty(T), np.empty(T)
    collateral = np.empty((G, T))
    for t in range(T):
        q = violence.competition(control, t)
        armed = violence.armed_homicides(scale, violence.armed_presence(members, weights, posture_g, t), drivers[t],
                                         selective[t])
        leaders[t] = violence.social_leader_killings(vacated[t], q, presence[t], population[t], p)
        lethal, lost_groups = 0.0, 0.0
        for g in range(G):
            collateral[g, t] = violence.collateral_deaths(killed[g, t], presence[t], p)
            lethal += killed[g, t] + forces_killed[g, t]
            lost_groups += losses_groups[g, t]
        rival_deaths[t] = lost_groups
        clashes_state[t] = draw_poisson(draws, violence.lethal_clash_mean(lethal, p), key_lethal, t)
        extra = leaders[t] + lost_groups
        for g in range(G):
            extra += collateral[g, t]
        if m == 0:  # ordinary crime: the observed homicides less the model's own killings in the status quo
            expected = violence.armed_homicides(scale, presence0[t], drivers[t], selective[t]) + leaders[t]
            for g in range(G):
                expected += expected_groups[g, t] + violence.collateral_deaths(expected_killed[g, t], presence[t], p)
            hom_base[t] = violence.homicide_baseline(observed[t], expected)
        mu = hom_base[t] + armed + extra
        homicides[t] = draw_negative_binomial(draws, mu, p.homicide_dispersion, key, t)
        conflict = homicides[t] * (armed + extra) / mu if mu > 0 else 0.0
        armed_killings[t] = homicides[t] * armed / mu if mu > 0 else 0.0
        massacres[t] = draw_poisson(draws, violence.massacre_mean(armed_killings[t], q, p), key_massacres, t)
        displaced[t] = violence.displaced_persons(conflict, p)
        confined[t] = violence.confined_persons(violence.armed_members(members, world.armed_share, t), q, p)

    # 10. spill-over, with the members relocated abroad (kept for next month's route rents)
    neighbours = spillover.neighbour_index(
        spillover.neighbour_flows(coca, world.exit_of, control, world.neighbour_border), flow0,
        spillover.border_means(vacated, world.neighbour_border),
        spillover.border_means(fragmentation, world.neighbour_border), spillover.relocated_by_neighbour(relocated), p)
    state.neighbour_index[r][:] = neighbours

    # 11. record
    for g in range(G):
        abroad[g] = 0.0
        for k in range(K):
            abroad[g] += relocated[g, k]
    record_month(r, m, records, members, sanctuary, abroad, control, phase, signed, world.is_cartel,
                 world.armed_share, world.population, world.population_total, homicides, neighbours, vacated_now,
                 state_fill, cohesion, dissent, demobilised, coca, rent, surplus)
    record_outcomes(r, m, records, clashes_state, clashes_groups, killed, captured, surrendered, forces_killed,
                    rival_deaths, collateral, world.insurgent, armed_killings, leaders, massacres, displaced, confined,
                    filled_state, filled_groups, deployed, vacated, legitimacy, certification, verify, relocated,
                    tolerance)
