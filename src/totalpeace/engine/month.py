"""The monthly step: one run's month composed of the model's functions, in the fixed order of DESIGN.md section 2.

`step_runs` loops over the runs of a batch (or of a thread's block of it) and `step_run` over a block of months, so
one run's arrays stay in cache for its whole month and no temporary spans the batch. Each run is computed on its own,
in a fixed order, with counter-based draws keyed by (seed, run, month, purpose, index): results cannot depend on the
batch size.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.inputs import LeverEffects, Levers, Options, WorldArrays
from totalpeace.engine.records import Records, record_groups, record_month, record_outcomes, record_tables
from totalpeace.engine.rng import (
    Draws,
    Purpose,
    draw_negative_binomial,
    draw_normal,
    draw_poisson,
    draw_uniform,
    stream_key,
)
from totalpeace.engine.state import State
from totalpeace.model import (
    choices,
    contest,
    economy,
    international,
    security,
    spillover,
    strength,
    trafficking,
    values,
    violence,
)
from totalpeace.model.tables import bridge
from totalpeace.model.tables import layout as TL
from totalpeace.model.tables import month as tables_
from totalpeace.model.tables import values as table_values
from totalpeace.model.tables.agenda import Agenda

EFFORT_NOISE = int(Purpose.EFFORT_NOISE)
STATE_CLASHES = int(Purpose.STATE_CLASHES)
GROUP_CLASHES = int(Purpose.GROUP_CLASHES)
HOMICIDES = int(Purpose.HOMICIDES)
CRIME_DRIFT = int(Purpose.CRIME_DRIFT)
REGIONAL_DRIFT = int(Purpose.REGIONAL_DRIFT)
TALKS_ADVANCE = int(Purpose.TALKS_ADVANCE)  # every draw of the tables' month (N_U per group)
SPLIT = int(Purpose.SPLIT)
DISSENT = int(Purpose.DISSENT)
LETHAL_CLASHES = int(Purpose.LETHAL_CLASHES)
MASSACRES = int(Purpose.MASSACRES)
WILLINGNESS = int(Purpose.WILLINGNESS)
SPLIT_HAZARD = int(Purpose.SPLIT_HAZARD)
VIOLATIONS_SEEN = int(Purpose.VIOLATIONS_SEEN)
MAJOR_ATTACKS = int(Purpose.MAJOR_ATTACKS)  # one per group: its drawn major attacks at its table
ALIVE = 0.5  # a group with fewer members than this (in the country and abroad) no longer acts
HESITATING = 0.5  # the tables' willingness input of a declared-willing group that does not come this month


def step_runs(lo: int, hi: int, first: int, last: int, seed: int, runs: np.ndarray, p, world: WorldArrays,
              levers: Levers, effects: LeverEffects, tables: Agenda, state: State, records: Records, sums: Records,
              rows_from: int, options: Options, draws: Draws) -> None:
    """Runs lo .. hi - 1 of the batch through months first .. last - 1 (state updated in place, records written),
    each in one call of the compiled `step_run`, which does not hold Python's lock, so that threads can share a
    batch's runs (runner.Engine.advance). A run reads and writes only its own state and records. Its share of the
    sums over runs goes to the month's row of `sums` when `rows_from` is negative (one thread, or the first block:
    nobody adds before it), else to its own rows of `sums` (records.scratch: row (r - rows_from) (last - first) +
    month - first), which records.add_sums adds to each month in run order once every block is done: the same
    additions in the same order as one thread, so the same bits. One entry point for one thread and for several,
    and `row` always a variable, so the month is compiled once. Why a loop in Python: a compiled loop carried, and
    compiled again, all of `step_run`'s code (about a tenth of the first compilation), and one call per run of a
    block of months did not slow the ensembles measurably (docs/performance.md)."""
    for r in range(lo, hi):
        row = -1 if rows_from < 0 else (r - rows_from) * (last - first)
        step_run(r, first, last, seed, int(runs[r]), p, world, levers, effects, tables, state, records, sums, row,
                 options, draws)


@numba.njit(cache=True)
def group_totals(members: np.ndarray, support: np.ndarray, sanctuary: np.ndarray, relocated: np.ndarray,
                 abroad: np.ndarray, armed_total: np.ndarray, members_total: np.ndarray,
                 operating: np.ndarray | None = None) -> None:
    """Each group's armed members relocated abroad, its armed members (in the country, in sanctuary and abroad) and
    all its members with its networks (G,), in place: counted the same way at the start of a month and at its end,
    so that the trend's growth compares like with like. `operating`, if given, gets the armed members in operations
    (in the country and relocated abroad): those in sanctuary rest in a rear base and cost no operations (7.9)."""
    G, T = members.shape
    K = relocated.shape[1]
    for g in range(G):
        armed, networks = 0.0, 0.0
        for t in range(T):
            armed += members[g, t]
            networks += support[g, t]
        abroad[g] = 0.0
        for k in range(K):
            abroad[g] += relocated[g, k]
        armed_total[g] = armed + sanctuary[g] + abroad[g]
        members_total[g] = armed_total[g] + networks
        if operating is not None:
            operating[g] = armed + abroad[g]


@numba.njit(cache=True, nogil=True)
def step_run(r: int, first: int, last: int, seed: int, run: int, p, world: WorldArrays, levers: Levers,
             effects: LeverEffects, tables: Agenda, state: State, records: Records, sums: Records, row: int,
             options: Options, draws: Draws) -> None:
    """Run r's months first .. last - 1 (run id `run`); its share of the sums over runs goes to row `row` + m - first
    of `sums` in month m, or to the month's row when `row` is negative.

    The months are a loop inside this one call: a call hands over the named tuples' few hundred arrays, each
    reference-counted on the way in and out, which cost about a sixth of a month when it was made every month."""
    members, sanctuary, control, phase = state.members[r], state.sanctuary[r], state.control[r], state.phase[r]
    support, resources, pool = state.support[r], state.resources[r], state.ex_combatants[r]
    route_exit, route_next, group_actions = state.route_exit[r], state.route_next[r], state.actions[r]
    violations_seen, violation_chances = state.violations_seen[r], state.violation_chances[r]
    signed_members, group_cohesion = state.signed_members[r], state.group_cohesion[r]
    coca, fragmentation, vacated = state.coca[r], state.fragmentation[r], state.vacated[r]
    leader_vacuum, in_force = state.leader_vacuum[r], state.concessions[r]
    signed, hom_base, flow0 = state.signed[r], state.hom_base[r], state.flow0[r]
    hom_control0, crime_gap = state.hom_control0[r], state.crime_gap[r]
    loss_share, rent0, surplus = state.loss_share[r], state.rent0[r], state.surplus[r]
    relocated, tolerance, deployed_verification = state.relocated[r], state.tolerance[r], state.verification[r]
    attacks_territory, attacks_group = state.attacks_territory[r], state.attacks_group[r]
    G, T = members.shape
    K = relocated.shape[1]

    # The month's work arrays, allocated once per call rather than every month (allocating, freeing and faulting
    # them in again cost a few percent of a month). Each is written in full, or cleared, before the month reads it.
    members_total = np.empty(G)  # armed (in the country, in sanctuary and relocated abroad) and networks
    armed_total, abroad, alive = np.empty(G), np.empty(G), np.empty(G)
    operating = np.empty(G)  # armed members in operations: in the country and relocated abroad, not in sanctuary
    scheduled_posture = np.empty(G)  # v_g the deployment targets before this month's choices: last month's attacks
    scheduled_unilateral = np.empty(G, dtype=np.bool_)
    talking = np.empty(G, dtype=np.bool_)  # a table in a bargaining phase
    open_table = np.empty(G, dtype=np.bool_)  # an open table (bargaining, suspended or signed, not yet implemented)
    monitored = np.empty(G, dtype=np.bool_)  # something for the guarantors to verify
    suspended = np.empty(G)  # extradition suspended last month (the concessions in force)
    groups_effort, effort_nz = np.empty(control.shape), np.empty(control.shape)  # (T, G + 1), as the contest's
    willing, base, national = np.empty(G), np.empty(G), np.empty(3)
    all_kept, no_losses = np.ones(G), np.zeros(G)  # only read
    repression_base = np.full(G, p.repression_base)  # only read
    u = np.empty((G, TL.N_U))
    decided, agreed_zone = np.empty((G, TL.N_OUT)), np.empty((G, T))
    audit, package = np.empty((G, TL.N_AU)), np.empty(state.package[r].shape)
    ceasefire, bilateral = np.empty(G, dtype=np.bool_), np.empty(G, dtype=np.bool_)
    unilateral = np.empty(G, dtype=np.bool_)
    concessions = np.empty((G, 4))  # concessions in force, by kind (values.CONCESSION_KINDS)
    at_stake, target = np.empty(G, dtype=np.bool_), np.empty(G, dtype=np.bool_)
    verification, chosen_base, multiplier = np.empty(G), np.empty(G), np.empty(G)
    income, sanctuary_capacity = np.empty(G), np.empty(G)  # rents and transfers; host tolerance x sigma_max
    keeping = np.empty(G)  # the share of each group's fronts keeping its ceasefire (1 - q_g)
    demobilised, leaving, recruiting = np.empty(G), np.empty(G), np.empty(G, dtype=np.bool_)
    before, state_effort = np.empty(control.shape), np.empty(T)
    protected, in_zone, spoiling = np.empty((G, T)), np.empty(G), np.empty(G)
    neighbour_tolerance, fighting, selective = np.empty(K), np.empty(G), np.empty(T)
    homicides, armed_killings, leaders = np.empty(T), np.empty(T), np.empty(T)
    massacres, displaced, confined = np.empty(T), np.empty(T), np.empty(T)
    clashes_state, rival_deaths = np.empty(T), np.empty(T)
    collateral = np.empty((G, T))
    ended_armed, ended_total = np.empty(G), np.empty(G)
    # The kernels' results, written into these buffers every month instead of fresh arrays (each kernel writes its
    # buffer in full; a buffer is reused only once its last month's value is no longer read).
    talks_now, tolerance_goal = np.empty(tolerance.shape[0]), np.empty(tolerance.shape[0])
    host_tol, verify = np.empty(G), np.empty(G)
    corridor, transit, carried = np.empty(T), np.empty(T), np.empty(T)
    kinds, value, rent_t = np.empty((T, 4)), np.empty((G, T)), np.empty(T)
    rent, exit_control, holdings = np.empty(G), np.empty(G), np.empty(G)
    budgets, transfers, pay = np.empty(world.finance.shape[0]), np.empty(G), np.empty(G)
    presence, intensity, arms = np.empty((G, T)), np.empty(G), np.empty(G)
    armed_by_territory, threat, base_weights = np.empty(T), np.empty(T), np.empty(T)
    effort0, effort, shares = np.empty(control.shape), np.empty(control.shape), np.empty(control.shape)
    p_group, p_no_zone, threat_ops, drug = np.empty(G), np.empty(G), np.empty(G), np.empty(G)
    inputs = np.empty((G, TL.N_IN))
    pressure0, pressure, ops = np.empty(G), np.empty(G), np.empty(G)
    armed_by_group, focus = np.empty(G), np.empty(G)
    deployed, vacated_now, filled_state, filled_groups = np.empty(T), np.empty(T), np.empty(T), np.empty(T)
    expected_state, clashes_by_state, losses_state = np.empty((G, T)), np.empty(T), np.empty((G, T))
    captured_support = np.empty((G, T))
    forces_killed = np.empty((G, T))
    exposure, expected_groups, clashes_groups = np.empty((G, T)), np.empty((G, T)), np.empty(T)
    rival_lethal = np.empty((G, T))  # the share of each group's losses to rivals who are killed
    losses_groups, former, recruiting_members = np.empty((G, T)), np.empty((G, T)), np.empty((G, T))
    recruits, forced, networks = np.empty((G, T)), np.empty((G, T)), np.empty((G, T))
    desertion, deserters, contested = np.empty(G), np.empty(G), np.empty((G, T))
    recruited_abroad = np.zeros(G)  # recruits enlisted by the members in sanctuary (step 8)
    denom, per_unit, pushed, inflow = np.empty(T), np.empty(T), np.empty(G), np.empty(G)
    killed, captured, surrendered = np.empty((G, T)), np.empty((G, T)), np.empty((G, T))
    drivers, force_weight, route_factor = np.empty(T), np.empty(T), np.empty(T)
    lure = np.empty(T)
    exposures = (np.empty(G), np.empty(G), np.empty((G, T)), np.empty((G, T)))  # the choices' work arrays
    posture_g, operations, fronts, posture_seen = np.empty(G), np.empty(G), np.empty(G), np.empty(G)
    seen_u = np.empty(G)  # the uniforms that draw the ceasefire violations the state sees
    type_margins = np.empty((G, 3))  # each group's margin at its table were it limited, greedy, total
    tables_work = tables_.month_work(state.package[r].shape[1], state.bdm_positions[r].shape[1], T)
    flows, vacuum_means, fragmentation_means = np.empty(K), np.empty(K), np.empty(K)
    relocated_now, neighbours = np.empty(K), np.empty(K)
    # what depends only on the world and the parameters
    reach = contest.reach_shares(world.area, world.adj_indptr, p)  # share of a member's effort next door
    weights = violence.homicide_weights(world.insurgent, p)  # homicides per armed member of each group

    for m in range(first, last):
        sums_row = m if row < 0 else row + m - first
        group_totals(members, support, sanctuary, relocated, abroad, armed_total, members_total, operating)
        for g in range(G):
            alive[g] = 1.0 if members_total[g] > ALIVE else 0.0

        # 1. levers: the scheduled zones and ceasefires (the tables add negotiated ones in step 3), the international
        # actors
        zone = levers.zone[m]
        zoned = False
        for g in range(G):
            for t in range(T):
                zoned = zoned or zone[g, t] > 0
        conditional = levers.conditional[m] > 0
        for g in range(G):
            scheduled = levers.ceasefire[m, g] > 0
            if scheduled:
                scheduled_posture[g] = 0.0
            else:  # the first month: every group counts (the threat is relative, so only its spread matters)
                scheduled_posture[g] = 1.0 if m == 0 else group_actions[g, choices.ATTACKS]
            scheduled_unilateral[g] = scheduled and levers.bilateral[m, g] == 0
            talking[g] = tables_.bargaining(phase[g])
            open_table[g] = tables_.unresolved(phase[g])
            monitored[g] = scheduled or open_table[g] or phase[g] == tables_.IMPLEMENTATION

        # international actors: hosts, guarantors' verification, legitimacy, the donor's certification and aid
        international.update_tolerance(tolerance, international.tolerance_target(
            levers.tolerance[m], levers.relations[m], levers.relations[0],
            international.host_talks(world.host, levers.host_guarantees[m], talking, tolerance.shape[0], talks_now), p,
            tolerance_goal), p)
        international.group_tolerance(tolerance, world.host, host_tol)
        international.update_verification(deployed_verification, monitored, p)
        international.verification(levers.verification[m], deployed_verification, verify)
        legitimacy = international.legitimacy(levers.legitimacy[m], state.killed_at_tables[r], p)
        coca_now, coca_start = 0.0, 0.0
        for t in range(T):
            coca_now += coca[t]
            coca_start += world.coca[t]
        for g in range(G):
            suspended[g] = in_force[g, 1]
        certification = international.update_certification(state.certification[r], international.certification_target(
            coca_now / coca_start if coca_start > 0 else 1.0, levers.decriminalization[m],
            international.extradition_share(world.extradition, suspended, alive), p), p)
        state.certification[r] = certification
        aid_share = levers.aid[m] / world.security_budget if world.security_budget > 0 else 0.0
        forces = levers.deployable[m] * levers.forces[m] * international.aid_factor(certification, aid_share)

        # 2. economy: routes re-optimised to the cheapest exit (M2.3), rents with route rents fed back from the
        # neighbours, cartel transfers to proxies, pay
        trafficking.reroute(m, world.edge_length, world.adj_indptr, world.adj_indices, world.exits, control, route_exit,
                            route_next, p)
        economy.rents_by_kind(coca, world.gold, world.population,
                              economy.corridor_hectares(coca, route_next, route_exit, corridor), p, kinds)
        spillover.scale_route_rents(kinds, state.neighbour_index[r], world.neighbour_border, p, route_factor)
        economy.appropriable(kinds, effects.chi[m], world.revenue, value, rent_t)
        economy.group_rents(value, control, rent)
        if m == 0:
            state.sanctuary_rate[r][:] = economy.sanctuary_rates(world.sanctuary_income, rent, members,
                                                                 world.splinter_slot)
        economy.add_sanctuary_income(rent, state.sanctuary_rate[r], sanctuary)
        _, vacuum_exits = economy.exit_holdings(control, vacated, world.exits, exit_control)
        international.allies_holdings(world.allies, exit_control, alive, holdings)
        if m == 0:
            state.holdings0[r][:] = holdings
        international.update_engagement(state.engagement[r], holdings, state.holdings0[r], world.finance, p)
        economy.cartel_transfers(international.cartel_budgets(world.finance, state.engagement[r], budgets),
                                 world.allies, exit_control, alive, vacuum_exits, transfers)
        if m == 0:
            rent0[:] = economy.stakes(kinds, world.revenue, control, p)
            economy.add_sanctuary_income(rent0, state.sanctuary_rate[r], sanctuary)
        economy.pay_ratios(rent, transfers, members_total, p, pay)
        for g in range(G):
            income[g] = rent[g] + transfers[g]
            sanctuary_capacity[g] = host_tol[g] * world.sanctuary_max[g]

        # 3. negotiation: the groups' power (their arms, before this month's choices), whether each comes to its table
        # (its willingness, model/choices.py), then the tables' month (model/tables), fed by the battlefield
        cohesion = state.cohesion[r]
        contest.effective_presence(members, support, reach, world.adj_indptr, world.adj_indices, p, presence)
        economy.arms_multiplier(economy.arms_intensity(resources, operating, p, intensity), p, arms)
        security.threat(members, scheduled_posture, world.population, armed_by_territory, threat)
        security.targeting(world.pop075, threat, vacated, attacks_territory, cohesion, p, base_weights)
        contest.group_efforts(presence, arms, effort0)
        groups_effort[:] = effort0
        security.state_efforts(cohesion, forces, base_weights, control, world.presence, conditional, zone, zoned, p,
                               effort0, force_weight)
        values.bargaining_power(effort0, presence, sanctuary, p, p_group)
        p_without_zone = p_group  # the audit's counterfactual for zones: p computed without them
        if zoned:
            effort_nz[:] = groups_effort
            security.state_efforts(cohesion, forces, base_weights, control, world.presence, conditional, zone, False, p,
                                   effort_nz, force_weight)
            p_without_zone = values.bargaining_power(effort_nz, presence, sanctuary, p, p_no_zone)
        key = stream_key(seed, run, m, WILLINGNESS)
        willing[:] = 0.0
        for g in range(G):  # one draw a month: the group comes (1), hesitates in the queue (1/2) or stays away (0)
            if alive[g] > 0 and draw_uniform(draws, key, g) < choices.willingness(world.willing[g], surplus[g],
                                                                                   world.spoiler[g], p):
                willing[g] = 1.0
            elif alive[g] > 0 and world.willing[g] > 0:
                willing[g] = HESITATING
        base[:] = effects.base_pressure[m]
        # the pressure the groups weigh at the tables: the state's operations before concessions (stepped up after their
        # attacks, eased for a verified unilateral ceasefire)
        security.operations(base, attacks_group, verify, scheduled_unilateral, all_kept, p, threat_ops)
        bridge.tables_inputs(
            p_group, p_without_zone, members_total, world.armed_share, income, rent0,
            bridge.drug_shares(control, kinds, effects.chi[m], world.revenue, value, drug), sanctuary, loss_share,
            no_losses, threat_ops, alive, willing, levers.attacks[m], violations_seen, violation_chances, phase,
            levers.guarantee[m], sanctuary_capacity, levers.ceasefire[m], levers.bilateral[m], levers.concessions[m],
            levers.zone[m], group_cohesion, state.trend[r], inputs)
        attack_key = stream_key(seed, run, m, MAJOR_ATTACKS)
        for g in range(G):  # what the guarantors have deployed to verify (international.verification)
            inputs[g, TL.IN_VERIFICATION] = verify[g]
            inputs[g, TL.IN_ATTACK_DRAW] = draw_uniform(draws, attack_key, g)
        national[0], national[1], national[2] = cohesion, levers.political_cost[m], legitimacy
        key = stream_key(seed, run, m, TALKS_ADVANCE)
        for g in range(G):
            for j in range(TL.N_U):
                u[g, j] = draw_uniform(draws, key, g * TL.N_U + j)
        decided[:] = 0.0
        zone = agreed_zone  # scheduled and negotiated zones, and concentration zones under an agreement
        zone[:] = 0.0
        audit[:] = 0.0
        package[:] = 0.0
        tables_.tables_month(m, options.negotiation_engine, options.phased, world.talks_order, p, tables.static,
                             tables.lo, tables.hi, tables.agenda, tables.cost, tables.weights, tables.stake_pos,
                             tables.stake_sal, tables.ratify, tables.veto_params, tables.veto_salience, phase,
                             state.table_state[r], state.package[r], state.closed[r], state.mandate[r],
                             state.bdm_positions[r], inputs, national, members, levers.zone[m], u, decided, zone,
                             audit, package, tables_work)
        record_tables(r, m, records, tables.slots, audit, package)
        zoned = False
        for g in range(G):
            for t in range(T):
                zoned = zoned or zone[g, t] > 0
        bridge.ceasefire_flags(decided, ceasefire, bilateral)
        for g in range(G):
            unilateral[g] = ceasefire[g] and not bilateral[g]
            concessions[g, 0] = decided[g, TL.OUT_ARREST]
            concessions[g, 1] = decided[g, TL.OUT_EXTRADITION]
            concessions[g, 2] = decided[g, TL.OUT_BOMBING]
            concessions[g, 3] = decided[g, TL.OUT_ZONE]
        bridge.margins(audit, phase, surplus)

        # 3b. the groups' choices (model/choices.py) given this month's tables, ceasefires and concessions: posture,
        # exploitation of a ceasefire, spoiling; the state's pressure on each and the operations each keeps
        for g in range(G):
            at_stake[g] = tables_.deal_at_stake(phase[g])
            target[g] = at_stake[g] or ceasefire[g]
            verification[g] = decided[g, TL.OUT_VERIFICATION]
        bridge.pressure_after_concessions(decided, repression_base, p, pressure0)
        choice = records.choices[r, m]
        choices.decide(presence, world.rival_pairs, pressure0, conditional, at_stake, ceasefire, verification, surplus,
                       target, world.spoiler, world.willing, alive, p, choice, exposures)
        bridge.type_margins(audit, phase, type_margins)  # what the state reads its violations against (next month)
        choices.violation_chances(choice[:, choices.RIVALRY], ceasefire, verification, pressure0, conditional,
                                  at_stake, type_margins, alive, p, violation_chances)
        choices.postures(choice, ceasefire, posture_g)
        choices.operations_kept(choice, ceasefire, p, operations)
        for g in range(G):
            chosen_base[g] = security.repression_pressure(choice[g, choices.POSTURE], conditional, p)
        # the state's operations against each group: the pressure its posture draws after concessions, stepped up after
        # its attacks, eased for a verified unilateral ceasefire
        choices.fronts_fighting(choice, ceasefire, fronts)  # 1, or in a ceasefire the share exploiting it (q_g)
        for g in range(G):
            keeping[g] = 1.0 - fronts[g]
        security.operations(bridge.pressure_after_concessions(decided, chosen_base, p, pressure), attacks_group, verify,
                            unilateral, keeping, p, ops)
        security.priority(members, alive, p, armed_by_group, focus)  # the forces concentrate on the largest groups
        for g in range(G):
            ops[g] *= focus[g]
        multiplier[:] = arms
        for g in range(G):
            multiplier[g] *= operations[g]

        # 5. signing, splits (at ratification: the tables decide; from decapitation, rivalry or failing implementation:
        # model/strength.split_hazard) and DDR into the ex-combatant pool
        key = stream_key(seed, run, m, SPLIT)
        moved = False  # did splits or DDR move members (and control) since the efforts of step 3?
        for g in range(G):
            if (phase[g] == tables_.FINAL or phase[g] == tables_.IMPLEMENTATION) and signed[g] == 0:
                signed[g] = 1.0
                signed_members[g] = members_total[g]
        splinter_slot = world.splinter_slot
        splits = 0.0
        for g in range(G):
            if decided[g, TL.OUT_RATIFIED] > 0 and splinter_slot[g] >= 0 \
                    and draw_uniform(draws, key, g) < decided[g, TL.OUT_SPLIT_PROBABILITY]:
                moved = True
                splits += 1.0
                strength.split(g, splinter_slot[g], decided[g, TL.OUT_SPLIT_SHARE], members, support, sanctuary,
                               control, resources, signed_members, fragmentation)
        key = stream_key(seed, run, m, SPLIT_HAZARD)
        for g in range(G):
            if splinter_slot[g] >= 0 and alive[g] > 0 and decided[g, TL.OUT_RATIFIED] == 0 \
                    and draw_uniform(draws, key, g) < strength.split_hazard(
                        state.state_loss[r, g], group_cohesion[g], phase[g] == tables_.IMPLEMENTATION, surplus[g], p):
                moved = True
                splits += 1.0
                strength.split(g, splinter_slot[g], strength.split_share(group_cohesion[g], 0.0, p), members, support,
                               sanctuary, control, resources, signed_members, fragmentation)
        demobilised[:] = 0.0
        for g in range(G):
            if decided[g, TL.OUT_DDR_RATE] > 0:
                moved = True
                demobilised[g], _ = strength.demobilise(g, members, support, sanctuary, pool,
                                                        decided[g, TL.OUT_DDR_RATE])
        for g in range(G):
            stood_down = phase[g] == tables_.IMPLEMENTATION or phase[g] == tables_.DEMOBILIZED
            leaving[g] = decided[g, TL.OUT_STANDING_DOWN]
            if ceasefire[g] and not stood_down:  # the fronts that exploit a ceasefire do not stand down
                leaving[g] *= 1.0 - choice[g, choices.EXPLOIT]
            recruiting[g] = not stood_down

        # 6. security forces: dissent and cohesion (concessions in force and new ones, casualties under restraint)
        load = security.concession_load(concessions)
        new_load = security.new_concession_load(concessions, in_force)
        in_force[:] = concessions
        strain = security.casualty_strain(state.forces_killed[r], load, p)
        dissent = 1.0 if draw_uniform(draws, stream_key(seed, run, m, DISSENT), 0) \
            < security.dissent_probability(cohesion, new_load, strain, p) else 0.0
        cohesion = security.cohesion_update(cohesion, levers.buy_in[m], load, new_load, levers.purge[m], strain,
                                            dissent, p)
        state.cohesion[r] = cohesion

        # 7. territorial contest and vacuum filling: the operations each group keeps this month
        before[:] = control
        if moved:
            contest.effective_presence(members, support, reach, world.adj_indptr, world.adj_indices, p, presence)
        contest.group_efforts(presence, multiplier, effort)
        # the deployment targets this month's threat: each group's armed members weighted by the posture it chose
        security.threat(members, posture_g, world.population, armed_by_territory, threat)
        security.targeting(world.pop075, threat, vacated, attacks_territory, cohesion, p, base_weights)
        security.state_efforts(cohesion, forces, base_weights, control, world.presence, conditional, zone, zoned, p,
                               effort, force_weight)
        security.deployment(forces, base_weights, control, deployed, force_weight)
        contest.perturb_efforts(effort, stream_key(seed, run, m, EFFORT_NOISE), draws, p)
        contest.update_control(control, contest.contest_shares(effort, options.difference, p, shares),
                               p.control_turnover)
        contest.vacated_control(before, control, leaving, vacated_now)
        security.vacuum_fill(before, control, vacated_now, filled_state, filled_groups)
        contest.remember_vacated(vacated, vacated_now)
        contest.remember_leader_vacuum(leader_vacuum, vacated_now, p)
        state_fill = contest.state_fill_share(before, control, vacated_now)

        # 8. attrition, the ex-combatant pool, recruitment, desertion, movement, sanctuary, relocation abroad, arms,
        # coca
        state_effort[:] = effort[:, G]
        in_zone[:] = 0.0
        for g in range(G):
            armed_here = 0.0
            for t in range(T):
                protected[g, t] = 1.0 if (bilateral[g] or zone[g, t] > 0) else 0.0
                armed_here += members[g, t]
                in_zone[g] += members[g, t] * (1.0 if zone[g, t] > 0 else 0.0)
            in_zone[g] = in_zone[g] / armed_here if armed_here > 0 else 0.0
        strength.losses_to_state(members, state_effort, world.area, ops, protected,
                                 stream_key(seed, run, m, STATE_CLASHES), draws, p, expected_state, clashes_by_state,
                                 losses_state)
        strength.support_captures(support, state_effort, world.area, ops, protected, p, captured_support)
        security.forces_killed(members, state_effort, posture_g, p, forces_killed)
        for g in range(G):
            spoiling[g] = choice[g, choices.SPOIL]
        strength.losses_to_rivals(
            members, losses_state, world.rival_pairs, world.counterinsurgent, spoiling, target, fronts,
            stream_key(seed, run, m, GROUP_CLASHES), draws, p, exposure, expected_groups, clashes_groups, losses_groups,
            rival_lethal)
        bridge.protect_ex_combatants(losses_groups, decided)
        for g in range(G):
            lost = 0.0
            for t in range(T):
                lost += losses_state[g, t]
            state.state_loss[r, g] = lost / members_total[g] if members_total[g] > 0 else 0.0
        ex_killed, _reintegrated = strength.ex_combatant_flows(pool, control, p)
        strength.recidivism(pool, control, pay, world.recruits_former, p, former)
        strength.recruitment(strength.recruiters(presence, sanctuary, world.host_border, recruiting_members), control,
                             pay, world.presence, zone, world.population, vacated, p, recruits, forced,
                             lure)
        strength.recruitment_abroad(recruits, members, sanctuary, world.sanctuary_recruitment, host_tol, recruiting,
                                    recruited_abroad)
        strength.network_recruitment(control, world.population, p, networks)
        strength.update_members(members, support, sanctuary, losses_state, losses_groups, recruits, forced, former,
                                networks, strength.desertion_rates(pay, p, desertion), recruiting, members_total,
                                loss_share, captured_support, deserters)
        strength.enlist_abroad(sanctuary, recruited_abroad)
        strength.movement(members, strength.contested_value(value, control, contested), world.adj_indptr,
                          world.adj_indices, p.movement_rate, denom, per_unit)
        strength.sanctuary_flow(members, sanctuary, sanctuary_capacity, world.host_border,
                                p.sanctuary_adjustment)
        for k in range(K):
            neighbour_tolerance[k] = tolerance[world.neighbour_actor[k]]
        spillover.relocation(members, relocated, world.neighbour_border, neighbour_tolerance, world.host_neighbour,
                             spillover.push(loss_share, pushed), p)
        # the share of the armed members in operations: not complying, not in a zone
        for g in range(G):
            fighting[g] = operations[g] * (1.0 - in_zone[g])
        economy.update_resources(resources, economy.resources_inflow(rent, transfers, operating, fighting, p, inflow),
                                 p)
        economy.grow_coca(coca, effects.coca_change[m])
        bridge.agreed_substitution(coca, control, decided, p)
        choices.actions(choice, ceasefire, verification, world.rivals, target, p, group_actions, posture_seen)
        key = stream_key(seed, run, m, VIOLATIONS_SEEN)
        for g in range(G):
            seen_u[g] = draw_uniform(draws, key, g)
        choices.violations_seen(group_actions, seen_u, violations_seen)
        security.remember_attacks(attacks_territory, attacks_group, forces_killed)
        killed_forces, killed_at_tables = 0.0, 0.0
        for g in range(G):
            for t in range(T):
                killed_forces += forces_killed[g, t]
                if open_table[g]:
                    killed_at_tables += forces_killed[g, t]
        state.forces_killed[r] = killed_forces
        state.killed_at_tables[r] = killed_at_tables

        # 9. violence: what the state's operations removed, homicides, leaders, massacres, displacement, confinement,
        # each group's armed members weighted by the posture it chose
        violence.decay_fragmentation(fragmentation, p)
        violence.removals(losses_state, captured_support, world.insurgent, posture_g, p, killed, captured,
                          surrendered)
        violence.homicide_drivers(control, members, fragmentation, rent_t, p, drivers)
        population, state_presence, observed = world.population, world.presence, world.homicides_observed
        rural = world.rural_population
        for t in range(T):  # by the fronts that act: a group keeping a ceasefire kills no one selectively
            selective[t] = violence.selective_violence(population[t], violence.margin(control, t),
                                                       violence.acting_control(control, fronts, t), p)
        if m == 0:  # the armed groups' rate per member and ordinary crime, from the start's observed homicides
            # The reference: the postures of the base year's rule (no tables, no conditional repression, no
            # ceasefire), so that month 0's own policy moves homicides away from the observed level.
            presence0 = np.zeros(T)  # the status quo's effective armed members
            selective0 = np.empty(T)  # and their selective killings, every front acting
            for t in range(T):
                selective0[t] = violence.selective_violence(population[t], violence.margin(control, t),
                                                            violence.armed_control(control, t), p)
            status_quo = np.empty(G)
            for g in range(G):
                edge = choices.posture_edge(p.repression_base, False, choice[g, choices.RIVALRY], False, p)
                status_quo[g] = choices.logit_choice(edge, p) * alive[g]
            observed_total = 0.0
            for t in range(T):
                presence0[t] = violence.armed_presence(members, weights, status_quo, t)
                observed_total += observed[t]
            state.armed_scale[r] = violence.armed_homicide_scale(observed_total, presence0, drivers, selective0, p)
            expected_killed = violence.removals(expected_state, captured_support, world.insurgent, status_quo, p)[0]
            # ordinary crime: the observed homicides less the model's own killings in the status quo, and the state's
            # control it answers to from then on
            expected0 = np.empty(T)
            for t in range(T):
                expected = (violence.armed_homicides(state.armed_scale[r], presence0[t], drivers[t], selective0[t], p)
                            + violence.social_leader_killings(leader_vacuum[t], violence.competition(control, t),
                                                              state_presence[t], rural[t], p))
                for g in range(G):
                    expected += rival_lethal[g, t] * expected_groups[g, t] \
                        + violence.collateral_deaths(expected_killed[g, t], state_presence[t], p)
                expected0[t] = expected
                hom_control0[t] = control[t, G]
            hom_base[:] = violence.homicide_baselines(observed, expected0)
            base_total, people = 0.0, 0.0
            for t in range(T):
                base_total += hom_base[t]
                people += population[t]
            national_rate = base_total / people if people > 0 else 0.0
            for t in range(T):  # what each territory's drift is pulled by, fixed at the start
                crime_gap[t] = violence.crime_gap(hom_base[t], population[t], national_rate)
        scale = state.armed_scale[r]
        regional = state.regional_drift[r]
        # the drifts: one step a month, and in the first month sqrt(v_0) steps from 0 (the start's level around the
        # yearly counts the baselines are set from)
        at_start = m == 0
        steps = np.sqrt(p.crime_drift_start_months) if at_start else 1.0
        state.crime_drift[r] = violence.crime_drift(
            0.0 if at_start else state.crime_drift[r], draw_normal(draws, stream_key(seed, run, m, CRIME_DRIFT), 0),
            p.crime_drift_sd * steps, 0.0, 0.0)
        # each territory's drift is pulled toward the nation's rate of ordinary crime from the second month on
        pull = 0.0 if at_start else violence.crime_pull(p)
        key_regional = stream_key(seed, run, m, REGIONAL_DRIFT)
        for t in range(T):
            regional[t] = violence.crime_drift(0.0 if at_start else regional[t], draw_normal(draws, key_regional, t),
                                               p.regional_crime_drift_sd * steps, crime_gap[t], pull)
        drift = state.crime_drift[r]
        key = stream_key(seed, run, m, HOMICIDES)
        key_lethal = stream_key(seed, run, m, LETHAL_CLASHES)
        key_massacres = stream_key(seed, run, m, MASSACRES)
        for t in range(T):
            q = violence.competition(control, t)
            armed = violence.armed_homicides(scale, violence.armed_presence(members, weights, posture_g, t), drivers[t],
                                             selective[t], p)
            leaders[t] = violence.social_leader_killings(leader_vacuum[t], q, state_presence[t], rural[t], p)
            lethal, rival_deaths[t] = 0.0, 0.0
            for g in range(G):
                collateral[g, t] = violence.collateral_deaths(killed[g, t], state_presence[t], p)
                lethal += killed[g, t] + forces_killed[g, t]
                rival_deaths[t] += rival_lethal[g, t] * losses_groups[g, t]  # the members lost to rivals who die
            clashes_state[t] = draw_poisson(draws, violence.lethal_clash_mean(lethal, p), key_lethal, t)
            extra = leaders[t] + rival_deaths[t]
            for g in range(G):
                extra += collateral[g, t]
            mu = violence.ordinary_crime(hom_base[t], control[t, G], hom_control0[t], drift + regional[t], p) \
                + armed + extra
            homicides[t] = draw_negative_binomial(draws, mu, p.homicide_dispersion, key, t)
            conflict = homicides[t] * (armed + extra) / mu if mu > 0 else 0.0
            armed_killings[t] = homicides[t] * armed / mu if mu > 0 else 0.0
            massacres[t] = draw_poisson(draws, violence.massacre_mean(armed_killings[t], q, p), key_massacres, t)
            displaced[t] = violence.displaced_persons(conflict, p)
            confined[t] = violence.confined_persons(violence.armed_members(members, t), q, rural[t], population[t],
                                                    p)

        # 10. spill-over, with the members relocated abroad (kept for next month's route rents)
        spillover.neighbour_index(
            spillover.neighbour_flows(coca, route_exit, control, world.neighbour_border, transit, carried, flows),
            flow0, spillover.border_means(vacated, world.neighbour_border, vacuum_means),
            spillover.border_means(fragmentation, world.neighbour_border, fragmentation_means),
            spillover.relocated_by_neighbour(relocated, relocated_now), p, neighbours)
        state.neighbour_index[r][:] = neighbours

        # 11. record, and each group's trend: the growth of its members over the month (the same sums as at its start)
        group_totals(members, support, sanctuary, relocated, abroad, ended_armed, ended_total)
        table_values.trend_step(state.trend[r], members_total, ended_total, ALIVE, p)
        record_month(r, m, records, sums, sums_row, members, support, sanctuary, abroad, control, phase, signed,
                     world.is_cartel, world.population, world.population_total, homicides, neighbours, vacated_now,
                     state_fill, cohesion, dissent, demobilised, coca, income, surplus)
        record_outcomes(r, m, records, sums, sums_row, clashes_state, clashes_groups, killed, captured, surrendered,
                        forces_killed, rival_deaths, collateral, world.insurgent, armed_killings, leaders, massacres,
                        displaced, confined, filled_state, filled_groups, deployed, vacated, legitimacy, certification,
                        verify, relocated, tolerance)
        record_groups(r, m, records, pay, resources, recruits, forced, former, deserters, pool, ex_killed, splits,
                      group_actions, world.is_cartel, recruited_abroad)
