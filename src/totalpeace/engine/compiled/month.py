"""One month for every run of a batch, in the fixed order of DESIGN.md section 2 (reference: Engine.step)."""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.compiled import economy, forces, strength, talks, violence
from totalpeace.engine.compiled.talks import CEASEFIRE, DEMOBILIZED, FINAL, IMPLEMENTATION
from totalpeace.engine.rng import Purpose, _unit, stream_key
from totalpeace.engine.rng import _negbin_one as negbin
from totalpeace.model.tables import bridge
from totalpeace.model.tables import layout as TL
from totalpeace.model.tables.month import tables_month

EFFORT_NOISE = int(Purpose.EFFORT_NOISE)
STATE_CLASHES = int(Purpose.STATE_CLASHES)
GROUP_CLASHES = int(Purpose.GROUP_CLASHES)
HOMICIDES = int(Purpose.HOMICIDES)
TALKS_ADVANCE = int(Purpose.TALKS_ADVANCE)
BREAKDOWN = int(Purpose.BREAKDOWN)
SPLIT = int(Purpose.SPLIT)
DISSENT = int(Purpose.DISSENT)


@numba.njit(cache=True)
def step_batch(first: int, last: int, seed: int, runs: np.ndarray, p, world: tuple, levers: tuple, state: tuple,
               out: tuple, tables_static: tuple, tables_levers: tuple, tables_state: tuple, tables_out: tuple,
               phased: bool, bdm: bool, difference: bool) -> None:
    """Advance every run of the batch through months first .. last - 1 (state updated in place, records written to
    `out`)."""
    for r in range(runs.shape[0]):
        for month in range(first, last):
            _step_run(r, month, seed, runs[r], p, world, levers, state, out, tables_static, tables_levers,
                      tables_state, tables_out, phased, bdm, difference)


@numba.njit(cache=True)
def _step_run(r: int, m: int, seed: int, run: int, p, world: tuple, levers: tuple, state: tuple, out: tuple,
              tables_static: tuple, tables_levers: tuple, tables_state: tuple, tables_out: tuple,
              phased: bool, bdm: bool, difference: bool) -> None:
    (population, pop075, area, gold, presence, exits, exit_of, indptr, indices, neighbour_border, sanctuary_max,
     is_cartel, revenue, finance, allies, rival_pairs, _spoiler, _table_start, _talks_order, willing, _political,
     splinter_slot, armed_share, youth, homicides_observed, host_border, total_forces, population_total) = world
    (deployable, conditional_m, chi_m, chi_zero, n_conc_m, _total_conc_m, zone_m, ceasefire_m,
     bilateral_m, host_tol_m, guarantee_m, legitimacy_m, posture_m, _pressure_m, _shield_m, _audit_cs, _audit_cg,
     buy_in_m, purge_m, coca_change_m, memory) = levers
    (members_r, sanctuary_r, control_r, phase_r, signed_members_r, positions_r, group_cohesion_r, cohesion_r,
     coca_r, fragmentation_r, vacated_r, _p_slow_r, signed_r, hom_base_r, drivers0_r, flow0_r, loss_share_r,
     rent0_r) = state
    national, groups_out, neighbours_out, territory_sum, dominant_count, zone_count = out

    members, sanctuary, control, phase = members_r[r], sanctuary_r[r], control_r[r], phase_r[r]
    signed_members, _positions, group_cohesion = signed_members_r[r], positions_r[r], group_cohesion_r[r]
    coca, fragmentation, vacated, signed = coca_r[r], fragmentation_r[r], vacated_r[r], signed_r[r]
    hom_base, drivers0, flow0, loss_share, rent0 = hom_base_r[r], drivers0_r[r], flow0_r[r], loss_share_r[r], rent0_r[r]
    G, T = members.shape
    A = G + 1
    _power_memory, vacuum_memory = memory[0], memory[1]

    members_total = np.empty(G)
    alive = np.zeros(G)
    for g in range(G):
        s = 0.0
        for t in range(T):
            s += members[g, t]
        members_total[g] = s + sanctuary[g]
        alive[g] = 1.0 if members_total[g] > 0.5 else 0.0

    # 1. levers
    n_conc_m[m]
    zone = zone_m[m]
    zoned = False
    for g in range(G):
        for t in range(T):
            if zone[g, t] > 0:
                zoned = True
    ceasefire = np.zeros(G, dtype=np.bool_)
    bilateral = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        negotiated = CEASEFIRE <= phase[g] <= IMPLEMENTATION
        ceasefire[g] = ceasefire_m[m, g] > 0 or negotiated
        bilateral[g] = bilateral_m[m, g] > 0 or negotiated
    host_tol = host_tol_m[m]
    conditional = conditional_m[m] > 0
    forces_m = deployable[m] * total_forces

    # 2. economy, with cartel transfers to proxies
    transit = economy.transit_hectares(coca, exit_of)
    kinds = economy.rents_by_kind(coca, gold, population, transit, p)
    value, rent_t = economy.appropriable(kinds, chi_m[m], revenue)
    rent = economy.group_rents(value, control)
    exit_control = np.zeros(G)
    vacuum_exits = 0.0
    for t in range(T):
        for g in range(G):
            exit_control[g] += control[t, g] * exits[t]
        vacuum_exits += vacated[t] * exits[t]
    transfers = economy.cartel_transfers(finance, allies, exit_control, alive, vacuum_exits)
    if m == 0:  # the group's stake: its income under the status quo (no drug-policy change yet)
        rent_zero = economy.group_rents(economy.appropriable(kinds, chi_zero, revenue)[0], control)
        for g in range(G):
            rent0[g] = max(rent_zero[g], 1e-6)
    for g in range(G):
        rent[g] += transfers[g]

    # 3. negotiation: the tables' month (model/tables), fed by the battlefield
    (t_static, t_lo, t_hi, t_agenda, t_cost, t_weights, t_stake_pos, t_stake_sal, t_ratify, t_veto_par, t_veto_sal,
     t_order, t_engine) = tables_static
    conc_m, attacks_m, political_cost_m, base_pressure_m = tables_levers
    t_phase_r, t_st_r, t_x_r, t_closed_r, t_cap_r, t_bdm_r = tables_state
    t_audit_out, t_package_out = tables_out
    no_key = np.uint64(0)
    effort0 = forces.efforts(members, cohesion_r[r], control, zone, zoned, transfers, rent0, forces_m, conditional,
                             pop075, presence, is_cartel, indptr, indices, p, no_key, False)
    p_group = forces.bargaining_power(effort0, members, sanctuary, p)
    p_without_zone = p_group
    if zoned:
        effort_nz = forces.efforts(members, cohesion_r[r], control, zone, False, transfers, rent0, forces_m,
                                   conditional, pop075, presence, is_cartel, indptr, indices, p, no_key, False)
        p_without_zone = forces.bargaining_power(effort_nz, members, sanctuary, p)
    posture = posture_m[m]
    host_weight = host_tol * sanctuary_max
    drug = bridge.drug_shares(control, kinds, chi_m[m], revenue, value)
    sched_cf = np.zeros(G)
    sched_bi = np.zeros(G)
    base = np.full(G, base_pressure_m[m])
    for g in range(G):
        sched_cf[g] = ceasefire_m[m, g]
        sched_bi[g] = bilateral_m[m, g]
    inp = bridge.tables_inputs(p_group, p_without_zone, members_total, armed_share, rent, rent0, drug, sanctuary,
                               loss_share, np.zeros(G), base, alive, willing, attacks_m[m], t_phase_r[r],
                               guarantee_m[m], host_weight, sched_cf, sched_bi, conc_m[m], group_cohesion)
    nat = np.array([cohesion_r[r], political_cost_m[m], legitimacy_m[m]])
    u = np.empty((G, TL.N_U))
    key = stream_key(seed, run, m, TALKS_ADVANCE)
    for g in range(G):
        for j in range(TL.N_U):
            u[g, j] = _unit(key, np.uint64(g * TL.N_U + j))
    t_out = np.zeros((G, TL.N_OUT))
    zone = np.zeros((G, T))
    tables_month(m, t_engine, phased, t_order, p, t_static, t_lo, t_hi, t_agenda, t_cost, t_weights, t_stake_pos,
                 t_stake_sal, t_ratify, t_veto_par, t_veto_sal, t_phase_r[r], t_st_r[r], t_x_r[r], t_closed_r[r],
                 t_cap_r[r], t_bdm_r[r], inp, nat, members, zone_m[m], u, t_out, zone, t_audit_out[r, m],
                 t_package_out[r, m])
    zoned = False
    for g in range(G):
        for t in range(T):
            if zone[g, t] > 0:
                zoned = True
    bridge.ceasefire_flags(t_out, ceasefire, bilateral)
    pressure = bridge.pressure_after_concessions(t_out, base, p)
    conc_total = bridge.concessions_in_force(t_out)
    surplus = bridge.margins(t_audit_out[r, m], t_phase_r[r])

    # 5. signing, splits and DDR (the tables decide; the battlefield applies)
    new_phase = t_phase_r[r]
    key = stream_key(seed, run, m, SPLIT)
    for g in range(G):
        if (new_phase[g] == FINAL or new_phase[g] == IMPLEMENTATION) and signed[g] == 0:
            signed[g] = 1.0
            signed_members[g] = members_total[g]
        if (t_out[g, TL.OUT_RATIFIED] > 0 and splinter_slot[g] >= 0
                and _unit(key, np.uint64(g)) < t_out[g, TL.OUT_SPLIT_PROBABILITY]):
            talks.split(g, splinter_slot[g], t_out[g, TL.OUT_SPLIT_SHARE], members, sanctuary, control,
                        signed_members, fragmentation)
    demobilised = np.zeros(G)
    for g in range(G):
        rate = t_out[g, TL.OUT_DDR_RATE]
        if rate <= 0:
            continue
        s = 0.0
        for t in range(T):
            s += members[g, t]
        demobilised[g] = (s + sanctuary[g]) * rate
        for t in range(T):
            members[g, t] *= 1.0 - rate
        sanctuary[g] *= 1.0 - rate
    leaving = np.zeros(G)
    for g in range(G):
        phase[g] = new_phase[g]
        if t_out[g, TL.OUT_STANDING_DOWN] > 0:
            leaving[g] = 1.0

    # 6. security forces
    key = stream_key(seed, run, m, DISSENT)
    total_conc = conc_total
    z = p.dissent_base + p.dissent_cohesion_effect * (1.0 - cohesion_r[r]) + p.dissent_concession_effect * total_conc
    dissent = 1.0 if _unit(key, np.uint64(0)) < 1.0 / (1.0 + np.exp(-z)) else 0.0
    k = (cohesion_r[r] + p.cohesion_recovery * (buy_in_m[m] - cohesion_r[r])
         - p.cohesion_concession_effect * total_conc - p.cohesion_purge_effect * purge_m[m] - p.dissent_shock * dissent)
    cohesion_r[r] = min(max(k, 0.0), 1.0)

    # 7. territorial contest and vacuum filling
    before = control.copy()
    effort = forces.efforts(members, cohesion_r[r], control, zone, zoned, transfers, rent0, forces_m, conditional,
                            pop075, presence, is_cartel, indptr, indices, p, stream_key(seed, run, m, EFFORT_NOISE),
                            True)
    outcome = forces.contest(effort, difference, p)
    nu = p.control_turnover
    vacated_now = np.zeros(T)
    gain_state, gain_all = 0.0, 0.0
    for t in range(T):
        total = 0.0
        for a in range(A):
            control[t, a] = (1.0 - nu) * control[t, a] + nu * outcome[t, a]
            total += control[t, a]
        for a in range(A):
            control[t, a] /= total
        for g in range(G):
            vacated_now[t] += max(before[t, g] - control[t, g], 0.0) * leaving[g]
        vacated[t] = vacuum_memory * vacated[t] + vacated_now[t]
        if vacated_now[t] > 1e-6:
            for a in range(A):
                gained = max(control[t, a] - before[t, a], 0.0)
                gain_all += gained
                if a == G:
                    gain_state += gained
    state_fill = gain_state / max(gain_all, 1e-12)

    # 8. attrition, recruitment, rearmament, movement, sanctuary
    protected = np.zeros((G, T))
    state_effort = np.empty(T)
    for t in range(T):
        state_effort[t] = effort[t, G]
    for g in range(G):
        for t in range(T):
            protected[g, t] = 1.0 if (bilateral[g] or zone[g, t] > 0) else 0.0
    expected_state, clashes_state, losses_state = strength.losses_to_state(
        members, state_effort, area, pressure, protected, stream_key(seed, run, m, STATE_CLASHES), p)
    state_killed = 0.0
    for g in range(G):
        attacking = 0.0 if ceasefire[g] else 1.0
        for t in range(T):
            if state_effort[t] > 0:
                state_killed += p.state_losses_per_member * posture * attacking * members[g, t]
    expected_groups, clashes_groups, losses_groups = strength.losses_to_rivals(
        members, losses_state, rival_pairs, stream_key(seed, run, m, GROUP_CLASHES), p)
    rent_per_member_t = np.zeros(T)
    for t in range(T):
        s, local = 0.0, 0.0
        for g in range(G):
            s += rent[g] / max(members_total[g], 1.0) * members[g, t]
            local += members[g, t]
        rent_per_member_t[t] = s / max(local, 1.0)
    rearm = np.empty((G, T))
    for g in range(G):
        for t in range(T):
            rearm[g, t] = p.ceasefire_rearmament * (1.0 if ceasefire[g] else 0.0) + p.zone_rearmament * zone[g, t]
    recruits = strength.recruitment(members, control, rent_per_member_t, presence, youth, rearm, p)
    for g in range(G):
        stood_down = phase[g] == IMPLEMENTATION or phase[g] == DEMOBILIZED
        lost = 0.0
        for t in range(T):
            lost += losses_state[g, t] + losses_groups[g, t]
        loss_share[g] = lost / members_total[g] if members_total[g] > 0 else 0.0
        for t in range(T):
            gained = 0.0 if stood_down else recruits[g, t]
            members[g, t] = max(members[g, t] - losses_state[g, t] - losses_groups[g, t] + gained
                                - p.desertion_rate * members[g, t], 0.0)
        bonus = p.ceasefire_rearmament * (1.0 if ceasefire[g] else 0.0)
        recruited = 0.0 if stood_down else p.recruitment_rate * sanctuary[g] * (1.0 + bonus)
        sanctuary[g] = sanctuary[g] * (1.0 - p.desertion_rate) + recruited
    contested_value = np.empty((G, T))
    for g in range(G):
        for t in range(T):
            contested_value[g, t] = value[g, t] * (1.0 - control[t, g]) + 1e-9
    strength.movement(members, contested_value, indptr, indices, p.movement_rate)
    strength.sanctuary_flow(members, sanctuary, sanctuary_max * host_tol, host_border, p.sanctuary_adjustment)
    for t in range(T):
        coca[t] = max(coca[t] * (1.0 + coca_change_m[m]), 0.0)

    # 9. violence
    for t in range(T):
        fragmentation[t] *= p.fragmentation_memory
    drivers = violence.homicide_drivers(control, members, fragmentation, rent_t, p)
    posture_g = np.empty(G)
    for g in range(G):
        posture_g[g] = 0.0 if ceasefire[g] else posture
    key = stream_key(seed, run, m, HOMICIDES)
    homicides = np.empty(T)
    vacuum_total, selective_total, homicides_total = 0.0, 0.0, 0.0
    for t in range(T):
        margin = violence.margin(control, t)
        selective = p.selective_violence_rate * population[t] / 1e5 * 4.0 * margin * (1.0 - margin)
        vacuum = p.vacuum_violence_rate * vacated[t] * (1.0 - presence[t]) * population[t] / 1e5
        lost_state, lost_groups, expected_g, expected_s = 0.0, 0.0, 0.0, 0.0
        for g in range(G):
            lost_state += losses_state[g, t]
            lost_groups += losses_groups[g, t]
            expected_g += expected_groups[g, t]
            expected_s += expected_state[g, t]
        collateral = p.collateral_share * (1.0 - presence[t]) * lost_state
        extra = selective + vacuum + collateral + lost_groups
        if m == 0:
            expected_extra = (selective + vacuum + expected_g
                              + p.collateral_share * (1.0 - presence[t]) * expected_s)
            drivers0[t] = drivers[t]
            observed = homicides_observed[t]
            hom_base[t] = max(observed - expected_extra, 0.2 * observed)
        w = p.armed_violence_share
        v = violence.posture_share(control, posture_g, t)
        mu = hom_base[t] * np.exp(min(max(drivers[t] - drivers0[t], -20.0), 20.0)) * (1.0 - w + w * v) + extra
        homicides[t] = negbin(mu, p.homicide_dispersion, key, np.uint64(t))
        vacuum_total += vacuum
        selective_total += selective
        homicides_total += homicides[t]

    # 10. spill-over
    transit = economy.transit_hectares(coca, exit_of)
    carried = np.empty(T)
    for t in range(T):
        carried[t] = transit[t] * (1.0 - control[t, G])
    neighbours = violence.neighbour_index(violence.border_sums(carried, neighbour_border), flow0,
                                          violence.border_means(vacated, neighbour_border),
                                          violence.border_means(fragmentation, neighbour_border), p)

    # 11. record
    _record(r, m, national, groups_out, neighbours_out, territory_sum, dominant_count, zone_count, members,
            sanctuary, control, phase, signed, is_cartel, armed_share, population, population_total, homicides,
            homicides_total, clashes_state, clashes_groups, losses_state, losses_groups, state_killed, neighbours,
            vacuum_total, selective_total, vacated_now, state_fill, cohesion_r[r], dissent, demobilised, coca, rent,
            surplus)


@numba.njit(cache=True)
def _record(r, m, national, groups_out, neighbours_out, territory_sum, dominant_count, zone_count, members,
            sanctuary, control, phase, signed, is_cartel, armed_share, population, population_total, homicides,
            homicides_total, clashes_state, clashes_groups, losses_state, losses_groups, state_killed, neighbours,
            vacuum_total, selective_total, vacated_now, state_fill, cohesion, dissent, demobilised, coca, rent,
            surplus) -> None:
    """Write this run's month into the records (order of engine/compiled/layout.py NATIONAL and GROUP)."""
    G, T = members.shape
    K = neighbours.shape[0]
    rec = national[r, m]
    armed, in_talks, agreements, demob = 0.0, 0.0, 0.0, 0.0
    for g in range(G):
        s = 0.0
        for t in range(T):
            s += members[g, t]
        total = s + sanctuary[g]
        if is_cartel[g] == 0:
            armed += total
            demob += demobilised[g]
        if talks.talking(phase[g]) or phase[g] == FINAL:
            in_talks += 1.0
        agreements += signed[g]
        groups_out[r, m, 0, g] = total
        groups_out[r, m, 1, g] = total * armed_share[g]
        groups_out[r, m, 2, g] = sanctuary[g]
        groups_out[r, m, 4, g] = phase[g]
        groups_out[r, m, 5, g] = rent[g]
        groups_out[r, m, 6, g] = surplus[g] if np.isfinite(surplus[g]) else np.nan
    clashes_s, clashes_g, deaths, state_share, contested, coca_total = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    for t in range(T):
        clashes_s += clashes_state[t]
        clashes_g += clashes_groups[t]
        for g in range(G):
            deaths += losses_state[g, t] + losses_groups[g, t]
        state_share += control[t, G] * population[t]
        coca_total += coca[t]
        leader, cmax = 0, control[t, 0]
        for a in range(1, G + 1):
            if control[t, a] > cmax:
                leader, cmax = a, control[t, a]
        if cmax < 0.6:
            contested += 1.0
        if leader < G:
            groups_out[r, m, 3, leader] += 1.0
        dominant_count[m, t, leader] += 1.0
        zone_count[m, t, violence.kalyvas_zone(control, t) - 1] += 1.0
        territory_sum[m, 0, t] += control[t, G]
        territory_sum[m, 1, t] += homicides[t]
        territory_sum[m, 2, t] += vacated_now[t]
    neighbour_mean = 1.0
    if K > 0:
        s = 0.0
        for k in range(K):
            s += neighbours[k]
            neighbours_out[r, m, k] = neighbours[k]
        neighbour_mean = s / K
    rec[0] = homicides_total
    rec[1] = homicides_total / population_total * 1e5
    rec[2] = armed
    rec[3] = clashes_s
    rec[4] = clashes_g
    rec[5] = deaths + state_killed
    rec[6] = state_killed
    rec[7] = in_talks
    rec[8] = agreements
    rec[9] = state_share / population_total
    rec[10] = contested
    rec[11] = neighbour_mean
    rec[12] = vacuum_total
    rec[13] = selective_total
    s = 0.0
    for t in range(T):
        s += vacated_now[t]
    rec[14] = s
    rec[15] = state_fill
    rec[16] = cohesion
    rec[17] = dissent
    rec[18] = demob
    rec[19] = coca_total
