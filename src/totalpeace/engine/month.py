"""The monthly step: one run's month composed of the model's functions, in the fixed order of DESIGN.md section 2.

`step_batch` loops over the runs of a batch and, for each, over a block of months, so one run's arrays stay in cache
for its whole month and no temporary spans the batch. Each run is computed on its own, in a fixed order, with
counter-based draws keyed by (seed, run, month, purpose, index): results cannot depend on the batch size.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.inputs import LeverEffects, Levers, Options, WorldArrays
from totalpeace.engine.records import Records, record_month, record_outcomes, record_tables
from totalpeace.engine.rng import Draws, Purpose, draw_negative_binomial, draw_poisson, draw_uniform, stream_key
from totalpeace.engine.state import State
from totalpeace.model import (
    contest,
    economy,
    international,
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
LETHAL_CLASHES = int(Purpose.LETHAL_CLASHES)
MASSACRES = int(Purpose.MASSACRES)
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

    # 1. levers: the scheduled zones and ceasefires (the tables add negotiated ones in step 3), the groups' posture
    zone = levers.zone[m]
    zoned = False
    for g in range(G):
        for t in range(T):
            zoned = zoned or zone[g, t] > 0
    conditional = levers.conditional[m] > 0
    posture = effects.posture[m]
    scheduled_posture = np.empty(G)  # v_g before the tables decide: 0 for a scheduled ceasefire
    scheduled_unilateral = np.zeros(G, dtype=np.bool_)
    talking = np.zeros(G, dtype=np.bool_)  # a table in a bargaining phase
    at_table = np.zeros(G, dtype=np.bool_)  # an open table (bargaining, suspended or signed, not yet implemented)
    monitored = np.zeros(G, dtype=np.bool_)  # something for the guarantors to verify
    for g in range(G):
        scheduled = levers.ceasefire[m, g] > 0
        scheduled_posture[g] = 0.0 if scheduled else posture
        scheduled_unilateral[g] = scheduled and levers.bilateral[m, g] == 0
        talking[g] = tables_.bargaining(phase[g])
        at_table[g] = tables_.unresolved(phase[g])
        monitored[g] = scheduled or at_table[g] or phase[g] == tables_.IMPLEMENTATION

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
    suspended = np.empty(G)  # extradition suspended last month (the concessions in force)
    for g in range(G):
        suspended[g] = state.concessions[r][g, 1]
    certification = international.update_certification(state.certification[r], international.certification_target(
        coca_now / coca_start if coca_start > 0 else 1.0, levers.decriminalization[m],
        international.extradition_share(world.extradition, suspended, alive), p), p)
    state.certification[r] = certification
    aid_share = levers.aid[m] / world.security_budget if world.security_budget > 0 else 0.0
    forces = levers.deployable[m] * world.total_forces * international.aid_factor(certification, aid_share)

    # 2. economy, with route rents fed back from the neighbours and cartel transfers to proxies
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

    # 3. negotiation: the tables' month (model/tables), fed by the battlefield (the interface: tables/layout.py)
    cohesion = state.cohesion[r]
    threat = security.threat(members, world.armed_share, scheduled_posture, world.population)
    base_weights = security.targeting(world.pop075, threat, vacated, attacks_territory, cohesion, p)
    effort0 = contest.group_efforts(members, transfers, rent0, world.is_cartel, world.adj_indptr, world.adj_indices,
                                    p)
    groups_effort = effort0.copy()  # the groups' efforts: unchanged until splits or DDR move members
    security.state_efforts(cohesion, forces, base_weights, control, world.presence, conditional, zone, zoned, p,
                           effort0)
    p_group = values.bargaining_power(effort0, members, sanctuary, p)
    p_without_zone = p_group  # the audit's counterfactual for zones: p computed without them
    if zoned:
        effort_nz = groups_effort.copy()
        security.state_efforts(cohesion, forces, base_weights, control, world.presence, conditional, zone, False, p,
                               effort_nz)
        p_without_zone = values.bargaining_power(effort_nz, members, sanctuary, p)
    base = np.full(G, effects.base_pressure[m])
    # the pressure the groups weigh at the tables: the state's operations before concessions (stepped up after their
    # attacks, eased for a verified unilateral ceasefire)
    threat_ops = security.operations(base, attacks_group, verify, scheduled_unilateral, p)
    inputs = bridge.tables_inputs(
        p_group, p_without_zone, members_total, world.armed_share, rent, rent0,
        bridge.drug_shares(control, kinds, effects.chi[m], world.revenue, value), sanctuary, loss_share, np.zeros(G),
        threat_ops, alive, world.willing, levers.attacks[m], phase, levers.guarantee[m], host_tol * world.sanctuary_max,
        levers.ceasefire[m], levers.bilateral[m], levers.concessions[m], levers.zone[m], group_cohesion)
    for g in range(G):  # what the guarantors have deployed to verify (international.verification)
        inputs[g, TL.IN_VERIFICATION] = verify[g]
    national = np.array([cohesion, levers.political_cost[m], legitimacy])
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
    unilateral = np.zeros(G, dtype=np.bool_)
    posture_g = np.empty(G)  # each group's violence posture: v*, 0 while it keeps a ceasefire
    concessions = np.zeros((G, 4))  # concessions in force, by kind (values.CONCESSION_KINDS)
    for g in range(G):
        unilateral[g] = ceasefire[g] and not bilateral[g]
        posture_g[g] = 0.0 if ceasefire[g] else posture
        concessions[g, 0] = decided[g, TL.OUT_ARREST]
        concessions[g, 1] = decided[g, TL.OUT_EXTRADITION]
        concessions[g, 2] = decided[g, TL.OUT_BOMBING]
        concessions[g, 3] = decided[g, TL.OUT_ZONE]
    # the state's operations against each group: pressure after concessions, reaction to attacks, verified restraint
    ops = security.operations(bridge.pressure_after_concessions(decided, base, p), attacks_group, verify, unilateral,
                              p)
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
    base_weights = security.targeting(world.pop075, threat, vacated, attacks_territory, cohesion, p)
    security.state_efforts(cohesion, forces, base_weights, control, world.presence, conditional, zone, zoned, p,
                           effort)
    deployed = security.deployment(forces, base_weights, control)
    contest.perturb_efforts(effort, stream_key(seed, run, m, EFFORT_NOISE), draws, p)
    contest.update_control(control, contest.contest_shares(effort, options.difference, p), p.control_turnover)
    vacated_now = contest.vacated_control(before, control, leaving)
    filled_state, filled_groups = security.vacuum_fill(before, control, vacated_now)
    contest.remember_vacated(vacated, vacated_now)
    state_fill = contest.state_fill_share(before, control, vacated_now)

    # 8. attrition, recruitment, rearmament, movement, sanctuary, relocation abroad
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
    bridge.protect_ex_combatants(losses_groups, decided)
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
    bridge.agreed_substitution(coca, control, decided, p)
    security.remember_attacks(attacks_territory, attacks_group, forces_killed)
    killed_forces, killed_at_tables = 0.0, 0.0
    for g in range(G):
        for t in range(T):
            killed_forces += forces_killed[g, t]
            if at_table[g]:
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
