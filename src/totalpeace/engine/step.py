"""The monthly step: all runs of an ensemble advance together, in the fixed order of DESIGN.md section 2.

State arrays are batched over runs (R), groups (G, plus the state as the last control column) and territories (T).
Every random draw is counter-based (engine/rng.py), keyed by (seed, run, month, purpose, index).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from totalpeace.engine import rng
from totalpeace.engine.rng import Purpose
from totalpeace.engine.schedule import Schedule
from totalpeace.model import commitment, contest, economy, security, spillover, strength, values, violence
from totalpeace.model.negotiation import (
    TALKING,
    Phase,
    actor_table,
    advance_probability,
    bargain,
    in_phases,
    initial_positions,
    open_tables,
)
from totalpeace.model.values import CONCESSION_KINDS, ZONE
from totalpeace.world import World


def host_tolerances(host: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Each group's host tolerance H (0 for groups without a sanctuary host)."""
    if tolerance.size == 0:
        return np.zeros(host.shape)
    return np.where(host >= 0, tolerance[np.maximum(host, 0)], 0.0)


def border_sums(values: np.ndarray, border: np.ndarray) -> np.ndarray:
    """Sum of (R, T) values over each neighbour's border territories -> (R, K), without BLAS (see economy.py)."""
    return (values[:, None, :] * border[None, :, :]).sum(axis=-1)
POWER_MEMORY = 1.0 / 12.0  # weight of the current month in p's slow average (a one-year planning horizon)
VACUUM_MEMORY = 0.8  # monthly persistence of the vacated-control record
INIT_ITERATIONS = 50  # fixed-point iterations for the initial control shares


@dataclass
class State:
    """Everything that changes during a run, batched over runs."""

    members: np.ndarray  # (R, G, T)
    sanctuary: np.ndarray  # (R, G)
    control: np.ndarray  # (R, T, G + 1), last column: the state
    phase: np.ndarray  # (R, G) int8 Phase
    signed_members: np.ndarray  # (R, G) members when the agreement was signed
    positions: np.ndarray  # (R, G, 4) bargaining positions
    group_cohesion: np.ndarray  # (R, G)
    cohesion: np.ndarray  # (R,) security-force cohesion K
    coca_ha: np.ndarray  # (R, T)
    fragmentation: np.ndarray  # (R, T) decaying record of splits
    vacated: np.ndarray  # (R, T) decaying record of vacated control
    p_slow: np.ndarray  # (R, G) slow average of bargaining power
    signed: np.ndarray  # (R, G) bool: ever signed a final agreement
    hom_base: np.ndarray  # (R, T) homicide baseline (territory effect)
    drivers0: np.ndarray  # (R, T) homicide drivers at the start
    flow0: np.ndarray  # (R, K) cocaine flow toward each neighbour at the start
    loss_share: np.ndarray  # (R, G) share of members lost to the state and rivals last month
    rent0: np.ndarray  # (R, G) each group's status-quo income in the first month (its stake; cartel-finance scale)


class Engine:
    """Advance an ensemble month by month; `step` returns that month's records."""

    def __init__(self, world: World, schedule: Schedule, params: dict[str, float], engine: str, contest_form: str,
                 seed: int, runs: np.ndarray, phased: bool, total_forces: float) -> None:
        self.world, self.schedule, self.p = world, schedule, params
        self.total_forces = total_forces
        self.engine, self.contest_form, self.seed, self.runs, self.phased = engine, contest_form, seed, runs, phased
        self.youth = world.population * params["youth_share"]
        self.state = self._initial_state()

    # ------------------------------------------------------------------ initial state
    def _initial_state(self) -> State:
        w, p, R = self.world, self.p, len(self.runs)
        G, T = w.n_groups, w.n_territories
        host_tol = host_tolerances(w.host, self.schedule.host_tolerance[0])
        sigma = w.sanctuary_max * host_tol
        in_country = w.members * (1.0 - sigma)
        members = np.broadcast_to(in_country[:, None] * w.presence, (R, G, T)).copy()
        sanctuary = np.broadcast_to(w.members * sigma, (R, G)).copy()
        cohesion = np.full(R, self.schedule.buy_in[0])
        control, effort = self._equilibrium_control(members, cohesion)
        state = State(
            members=members, sanctuary=sanctuary, control=control, phase=np.zeros((R, G), dtype=np.int8),
            signed_members=np.zeros((R, G)), positions=initial_positions(R, w.spoiler, p),
            group_cohesion=np.broadcast_to(w.cohesion, (R, G)).copy(), cohesion=cohesion,
            coca_ha=np.broadcast_to(w.coca_ha, (R, T)).copy(), fragmentation=np.zeros((R, T)),
            vacated=np.zeros((R, T)), p_slow=np.zeros((R, G)), signed=np.zeros((R, G), dtype=bool),
            hom_base=np.zeros((R, T)), drivers0=np.zeros((R, T)), flow0=np.zeros((R, len(w.neighbour_ids))),
            loss_share=np.zeros((R, G)), rent0=np.ones((R, G)),
        )
        self.state = state
        state.flow0 = self._neighbour_flow(state)
        state.p_slow = self._power(state, effort)
        return state

    def _equilibrium_control(self, members: np.ndarray, cohesion: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Initial control: the fixed point of the contest with the initial members (the state's deployment depends
        on control, so iterate), so that the first months do not drift from an arbitrary start."""
        R, G, T = members.shape
        no_zone, zeros, ones = np.zeros((G, T), dtype=bool), np.zeros((R, G)), np.ones((R, G))
        control = None
        for _ in range(INIT_ITERATIONS):
            effort = self._efforts(members, cohesion, control, 0, False, no_zone, zeros, ones)
            outcome = self._contest(effort)
            if control is not None and np.max(np.abs(outcome - control)) < 1e-9:
                break
            control = outcome
        return outcome, effort

    def _calibrate_homicides(self, drivers: np.ndarray, expected_extra: np.ndarray) -> None:
        """Set the territory effect u_i in the first month: the status-quo homicide mean (violence posture 1) plus
        the killings the model itself generates there must equal the observed 2021 monthly average. Those killings
        are part of the observed count, not on top of it; where they exceed it, a floor of 20% is kept."""
        st, observed = self.state, self.world.homicides_monthly[None, :]
        st.drivers0 = drivers.copy()
        st.hom_base = np.maximum(observed - expected_extra, 0.2 * observed)

    # ------------------------------------------------------------------ helpers
    def _rents_by_kind(self, state: State) -> np.ndarray:
        transit = economy.transit_hectares(state.coca_ha, self.world.transit_share)
        return economy.territory_rents(state.coca_ha, self.world.gold_ha, self.world.population, transit, self.p)

    def _economy(self, state: State, month: int,
                 decriminalization: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Group rents (R, G), appropriable value (R, G, T) and appropriable rent per territory (R, T)."""
        if decriminalization is None:
            decriminalization = self.schedule.decriminalization[month]
        chi = economy.appropriable_shares(decriminalization, self.p)
        kinds = self._rents_by_kind(state)
        value = economy.appropriable_value(kinds, chi, self.world.revenue)
        rent_t = (kinds * chi).sum(axis=-1)
        return economy.group_rents(value, state.control), value, rent_t

    def _efforts(self, members: np.ndarray, cohesion: np.ndarray, control: np.ndarray | None, month: int,
                 noise: bool, zone: np.ndarray, transfers: np.ndarray, own_rent: np.ndarray) -> np.ndarray:
        """Contest efforts (R, T, G + 1): members here plus a share of neighbours', boosted by cartel finance; the
        state's effective forces, zero in demilitarised zones."""
        w, p, s = self.world, self.p, self.schedule
        reach = np.ascontiguousarray(np.asarray(w.adjacency @ members.reshape(-1, w.n_territories).T).T)
        reach = reach.reshape(members.shape)
        group_effort = members + p["neighbour_reach"] * reach  # (R, G, T)
        finance = transfers / np.maximum(transfers + own_rent, 1e-12)  # cartel money against the proxy's own income
        group_effort = group_effort * (1.0 + p["cartel_finance_effect"] * finance)[..., None]
        forces = s.deployable[month] * self.total_forces
        nonstate = np.ones((members.shape[0], w.n_territories)) if control is None else 1.0 - control[..., -1]
        allocation = security.force_allocation(forces, w.population, nonstate)
        demilitarised = zone.any(axis=0).astype(float)
        conditional = bool(s.conditional[min(month, len(s.conditional) - 1)])
        state_effort = security.state_effort(cohesion, allocation, w.state_presence, conditional,
                                              demilitarised[None, :], p)
        # C order matters: numpy may sum a strided axis in an order that depends on the batch size.
        effort = np.ascontiguousarray(np.concatenate([group_effort.transpose(0, 2, 1), state_effort[..., None]],
                                                     axis=-1))
        effort[..., :-1] *= ~w.is_cartel[None, None, :]
        if noise:
            eps = rng.normals(self.seed, self.runs, month, Purpose.EFFORT_NOISE, effort.shape[1:])
            effort = effort * np.exp(p["effort_noise"] * eps - 0.5 * p["effort_noise"] ** 2)
        return effort

    def _contest(self, effort: np.ndarray) -> np.ndarray:
        """Contest outcome per territory; where nobody exerts any effort the state keeps nominal control."""
        if self.contest_form == "difference":
            outcome = contest.csf_difference(effort, self.p["contest_difference_k"])
        else:
            outcome = contest.csf_ratio(effort, self.p["contest_decisiveness"])
        empty = outcome.sum(axis=-1) <= 0
        outcome[..., -1] = np.where(empty, 1.0, outcome[..., -1])
        return outcome

    def _power(self, state: State, effort: np.ndarray) -> np.ndarray:
        """Each group's bargaining power p = N_eff / (N_eff + e_S) over the territories it is in, with sanctuary."""
        group_effort = effort[..., :-1].sum(axis=1) + self.p["sanctuary_power_effect"] * state.sanctuary
        present = state.members.sum(axis=2) > 0
        state_effort = (effort[..., -1][:, None, :] * (state.members > 0)).sum(axis=2)
        state_effort = np.where(present, state_effort, effort[..., -1].sum(axis=1)[:, None])
        return values.win_probability(group_effort, state_effort)

    def _homicide_drivers(self, state: State, rent_t: np.ndarray) -> np.ndarray:
        present = (state.members > 1.0).sum(axis=1)
        return violence.homicide_drivers(state.control, present, state.fragmentation, rent_t, self.p)

    def _neighbour_flow(self, state: State) -> np.ndarray:
        """Cocaine moving through exits on each neighbour's border, weighted by non-state control there."""
        w = self.world
        transit = economy.transit_hectares(state.coca_ha, w.transit_share)
        nonstate = 1.0 - state.control[..., -1]
        return border_sums(transit * nonstate, w.neighbour_border)

    # ------------------------------------------------------------------ the month
    def step(self, month: int) -> dict[str, np.ndarray]:
        w, p, s, st = self.world, self.p, self.schedule, self.state
        R, G, T = len(self.runs), w.n_groups, w.n_territories
        seed, runs = self.seed, self.runs
        alive = (st.members.sum(axis=2) + st.sanctuary) > 0.5  # (R, G)

        # 1. levers
        conc = s.concessions[month]  # (G, 4)
        n_conc = conc.sum(axis=1).astype(float)  # (G,)
        zone = s.zone_mask(month, G, T)
        negotiated_cf = in_phases(st.phase, (Phase.CEASEFIRE, Phase.PARTIAL_AGREEMENTS, Phase.FINAL_AGREEMENT,
                                             Phase.IMPLEMENTATION))
        ceasefire = s.ceasefire[month][None, :] | negotiated_cf  # (R, G)
        bilateral = (s.ceasefire[month] & s.bilateral[month])[None, :] | negotiated_cf
        host_tol = host_tolerances(w.host, s.host_tolerance[month])
        conditional = bool(s.conditional[month])

        # 2. economy, with cartel transfers to proxies
        rent, value, rent_t = self._economy(st, month)
        exit_control = (st.control[..., :-1] * w.exits[None, :, None]).sum(axis=1)
        vacuum_exits = (st.vacated * w.exits[None, :]).sum(axis=1)
        transfers = economy.cartel_transfers(w.finance, w.allies, exit_control, alive, vacuum_exits)
        if month == 0:  # the group's stake: its income under the status quo (no drug-policy change yet)
            st.rent0 = np.maximum(self._economy(st, month, decriminalization=0.0)[0], 1e-6)
        own_rent = st.rent0  # finance intensity is judged against the group's own starting income
        rent = rent + transfers

        # 3. negotiation
        effort0 = self._efforts(st.members, st.cohesion, st.control, month, False, zone, transfers, own_rent)
        p_group = self._power(st, effort0)
        posture = security.violence_posture(conditional, p)
        base_pressure = security.repression_pressure(np.full((R, G), posture), conditional, p)
        pressure, shield = values.concession_effects(base_pressure, conc, p)
        members_total = st.members.sum(axis=2) + st.sanctuary
        v_war = values.war_value(rent, pressure, shield, p)

        opening = open_tables(st.phase, month, w.table_start, w.talks_order, self.phased, w.willing[None, :] & alive)
        st.phase = np.where(opening, Phase.EXPLORATION, st.phase).astype(np.int8)
        talking = in_phases(st.phase, TALKING)
        open_count = talking.sum(axis=1, keepdims=True) - talking
        host_weight = host_tol * w.sanctuary_max
        cap, sal = actor_table(p_group, s.guarantee[month][None, :], np.broadcast_to(host_weight, (R, G)),
                               float(s.legitimacy[month]), p)
        st.positions, forecast = bargain(st.positions, cap, sal, self.engine, int(p["bdm_rounds_per_month"]),
                                         p["bdm_status_quo_q"], talking)
        v_peace = values.peace_value(forecast, members_total, st.rent0, w.political[None, :], n_conc[None, :], p)
        rho = values.reservation(v_war, w.spoiler[None, :], n_conc[None, :], open_count, p)
        surplus = values.relative_surplus(v_peace, v_war, rho)
        audit = self._audit(st, p_group, base_pressure, conc, month, transfers, own_rent)

        u_adv = rng.uniforms(seed, runs, month, Purpose.TALKS_ADVANCE, (G,))
        advance = talking & (u_adv < advance_probability(surplus, p))
        signing = st.phase == Phase.FINAL_AGREEMENT  # signed last month: implementation starts now
        new_phase = np.where(advance, st.phase + 1, st.phase)
        new_phase = np.where(signing, Phase.IMPLEMENTATION, new_phase)
        just_signed = (new_phase == Phase.FINAL_AGREEMENT) & (st.phase != Phase.FINAL_AGREEMENT)

        # 4. commitment: breakdown of tables and agreements in implementation
        at_risk = in_phases(st.phase, (*TALKING, Phase.FINAL_AGREEMENT, Phase.IMPLEMENTATION))
        disarmed = np.where(st.signed_members > 0, 1.0 - members_total / np.maximum(st.signed_members, 1e-9), 0.0)
        shift = commitment.powell_shift(p_group, st.p_slow, p)
        against = np.clip(12.0 * st.loss_share, 0.0, 5.0)  # annualised share of members lost last month
        hazard = commitment.breakdown_hazard(np.clip(disarmed, 0.0, 1.0), s.guarantee[month][None, :], against,
                                             shift, np.where(np.isfinite(surplus), surplus, -5.0), p)
        u_break = rng.uniforms(seed, runs, month, Purpose.BREAKDOWN, (G,))
        broken = at_risk & (u_break < hazard)
        new_phase = np.where(broken, Phase.BROKEN_DOWN, new_phase)
        just_signed &= ~broken
        st.p_slow = (1.0 - POWER_MEMORY) * st.p_slow + POWER_MEMORY * p_group

        # 5. signing, splits and DDR
        st.signed |= just_signed
        st.signed_members = np.where(just_signed, members_total, st.signed_members)
        self._splits(just_signed, month)
        implementing = new_phase == Phase.IMPLEMENTATION
        ddr = np.where(implementing, p["ddr_rate"], 0.0)
        demobilised = (st.members.sum(axis=2) + st.sanctuary) * ddr
        st.members *= (1.0 - ddr)[..., None]
        st.sanctuary *= 1.0 - ddr
        done = implementing & ((st.members.sum(axis=2) + st.sanctuary) < 0.05 * np.maximum(st.signed_members, 1.0))
        new_phase = np.where(done, Phase.DEMOBILIZED, new_phase)
        st.phase = new_phase.astype(np.int8)
        leaving = in_phases(st.phase, (Phase.IMPLEMENTATION, Phase.DEMOBILIZED)) | ceasefire

        # 6. security forces
        total_conc = float(n_conc.sum())
        u_dis = rng.uniforms(seed, runs, month, Purpose.DISSENT, ())
        dissent = u_dis < security.dissent_probability(st.cohesion, total_conc, p)
        st.cohesion = security.cohesion_update(st.cohesion, float(s.buy_in[month]), total_conc,
                                               float(s.purge[month]), dissent.astype(float), p)

        # 7. territorial contest and vacuum filling
        before = st.control
        effort = self._efforts(st.members, st.cohesion, st.control, month, True, zone, transfers, own_rent)
        st.control = contest.update_control(st.control, self._contest(effort), p["control_turnover"])
        vacated_now = contest.vacated_control(before, st.control, leaving.astype(float))
        st.vacated = VACUUM_MEMORY * st.vacated + vacated_now
        gain = np.clip(st.control - before, 0.0, None) * (vacated_now[..., None] > 1e-6)
        state_fill = gain[..., -1].sum(axis=1) / np.maximum(gain.sum(axis=(1, 2)), 1e-12)

        # 8. attrition, recruitment, rearmament, movement, sanctuary
        protected = np.broadcast_to((bilateral[:, :, None] | zone[None, :, :]), (R, G, T)).astype(float)
        rate = strength.state_attrition_rate(effort[..., -1], w.area_1000km2, pressure, protected, p)
        expected_state = rate * st.members
        clashes_state = rng.poisson(seed, runs, month, Purpose.STATE_CLASHES,
                                    expected_state.sum(axis=1) / p["members_per_clash"])  # (R, T)
        share_g = np.divide(expected_state, expected_state.sum(axis=1, keepdims=True),
                            out=np.zeros_like(expected_state), where=expected_state.sum(axis=1, keepdims=True) > 0)
        losses_state = np.minimum(share_g * (clashes_state * p["members_per_clash"])[:, None, :], st.members)
        attacking = 1.0 - ceasefire.astype(float)  # any ceasefire stops the group's attacks on the state
        state_killed = (p["state_losses_per_member"] * posture * attacking[..., None] * st.members
                        * (effort[..., -1] > 0)[:, None, :]).sum(axis=(1, 2))
        expected_groups = strength.intergroup_losses(st.members, w.rivals, p)
        clashes_groups = rng.poisson(seed, runs, month, Purpose.GROUP_CLASHES,
                                     expected_groups.sum(axis=1) / p["members_per_clash"] / 2.0)
        share_h = np.divide(expected_groups, expected_groups.sum(axis=1, keepdims=True),
                            out=np.zeros_like(expected_groups),
                            where=expected_groups.sum(axis=1, keepdims=True) > 0)
        losses_groups = np.minimum(share_h * (2.0 * clashes_groups * p["members_per_clash"])[:, None, :],
                                   st.members - losses_state)
        per_member = np.divide(rent, np.maximum(members_total, 1.0))
        rent_per_member_t = (per_member[:, :, None] * st.members).sum(axis=1) / np.maximum(st.members.sum(axis=1), 1.0)
        rearm = (p["ceasefire_rearmament"] * ceasefire.astype(float))[..., None] \
            + p["zone_rearmament"] * zone[None, :, :]
        recruits = strength.recruitment(st.members, st.control, rent_per_member_t, w.state_presence, self.youth,
                                        rearm, p)
        recruits *= ~in_phases(st.phase, (Phase.IMPLEMENTATION, Phase.DEMOBILIZED))[..., None]
        lost = (losses_state + losses_groups).sum(axis=2)
        st.loss_share = np.divide(lost, members_total, out=np.zeros_like(lost), where=members_total > 0)
        st.members = np.maximum(st.members - losses_state - losses_groups + recruits
                                - p["desertion_rate"] * st.members, 0.0)
        sanctuary_rearm = p["ceasefire_rearmament"] * ceasefire.astype(float)
        st.sanctuary = st.sanctuary * (1.0 - p["desertion_rate"]) + strength.sanctuary_recruitment(
            st.sanctuary, sanctuary_rearm, p) * ~in_phases(st.phase, (Phase.IMPLEMENTATION, Phase.DEMOBILIZED))
        contested_value = value * (1.0 - st.control[..., :-1].transpose(0, 2, 1)) + 1e-9
        st.members = strength.movement(st.members, contested_value, w.adjacency, p["movement_rate"])
        st.members, st.sanctuary = strength.sanctuary_flow(st.members, st.sanctuary,
                                                           np.broadcast_to(w.sanctuary_max * host_tol, (R, G)),
                                                           w.host_border, p["sanctuary_adjustment"])
        self._coca(st, month)

        # 9. violence
        st.fragmentation *= p["fragmentation_memory"]
        drivers = self._homicide_drivers(st, rent_t)
        posture_share = violence.posture_share(st.control, posture * attacking)
        selective = violence.selective_violence(st.control, w.population, p)
        vacuum = violence.vacuum_violence(st.vacated, w.population, w.state_presence, p)
        collateral = strength.collateral_deaths(losses_state.sum(axis=1), w.state_presence, p)
        intergroup_deaths = losses_groups.sum(axis=1)
        extra = selective + vacuum + collateral + intergroup_deaths
        if month == 0:
            expected_extra = (selective + vacuum + expected_groups.sum(axis=1)
                              + strength.collateral_deaths(expected_state.sum(axis=1), w.state_presence, p))
            self._calibrate_homicides(drivers, expected_extra)
        mu = violence.homicide_mean(st.hom_base, drivers, st.drivers0, posture_share, extra, p)
        homicides = rng.negative_binomial(seed, runs, month, Purpose.HOMICIDES, mu, p["homicide_dispersion"])

        # 10. spill-over
        flow = self._neighbour_flow(st)
        n_border = np.maximum(w.neighbour_border.sum(axis=1), 1)
        border_vacuum = border_sums(st.vacated, w.neighbour_border) / n_border
        border_frag = border_sums(st.fragmentation, w.neighbour_border) / n_border
        neighbours = spillover.neighbour_index(flow, st.flow0, border_vacuum, border_frag, p)

        # 11. record
        return self._record(st, homicides, clashes_state, clashes_groups, losses_state, losses_groups, state_killed,
                            vacuum, selective, dissent, neighbours, demobilised, rent, state_fill, vacated_now,
                            audit, surplus)

    # ------------------------------------------------------------------ sub-steps
    def _audit(self, st: State, p_group: np.ndarray, base_pressure: np.ndarray, conc: np.ndarray, month: int,
               transfers: np.ndarray, own_rent: np.ndarray) -> dict[str, np.ndarray]:
        """Bargaining-power audit (M6.1): the Nash split x* with this month's concessions, without any, and without
        each kind in turn. A zone changes p itself (the state cannot operate there), so p is recomputed without it."""
        p = self.p
        G, T = self.world.n_groups, self.world.n_territories
        no_zone = np.zeros((G, T), dtype=bool)
        if self.schedule.zone_mask(month, G, T).any():
            effort = self._efforts(st.members, st.cohesion, st.control, month, False, no_zone, transfers, own_rent)
            p_without_zone = self._power(st, effort)
        else:
            p_without_zone = p_group
        out = {"audit_with_concessions": values.nash_split(p_group, *values.threat_costs(base_pressure, conc, p)),
               "audit_without_concessions": values.nash_split(
                   p_without_zone, *values.threat_costs(base_pressure, np.zeros_like(conc), p))}
        for k, kind in enumerate(CONCESSION_KINDS):
            reduced = conc.copy()
            reduced[:, k] = False
            power = p_without_zone if k == ZONE else p_group
            out[f"audit_without_{kind}"] = values.nash_split(power, *values.threat_costs(base_pressure, reduced, p))
        return out

    def _splits(self, just_signed: np.ndarray, month: int) -> None:
        """M7.2: on signing, a faction may reject the deal and form a dissident group in the splinter slot."""
        w, st, p = self.world, self.state, self.p
        if not just_signed.any():
            return
        u = rng.uniforms(self.seed, self.runs, month, Purpose.SPLIT, (w.n_groups,))
        splits = just_signed & (u < strength.split_probability(st.group_cohesion, p)) & (w.splinter_slot >= 0)
        for g in np.flatnonzero(splits.any(axis=0)):
            slot = w.splinter_slot[g]
            rows = splits[:, g]
            share = strength.split_share(st.group_cohesion[rows, g], p)
            moved = st.members[rows, g] * share[:, None]
            st.members[rows, g] -= moved
            st.members[rows, slot] += moved
            st.sanctuary[rows, slot] += st.sanctuary[rows, g] * share
            st.sanctuary[rows, g] *= 1.0 - share
            st.control[rows, :, slot] += st.control[rows, :, g] * share[:, None]
            st.control[rows, :, g] *= 1.0 - share[:, None]
            st.signed_members[rows, g] *= 1.0 - share
            st.fragmentation[rows] += (moved > 0).astype(float)

    def _coca(self, st: State, month: int) -> None:
        """Coca area: substitution removes it, announced-but-unpaid substitution adds to it (Mejía, Prem & Vargas)."""
        s, p = self.schedule, self.p
        change = (-p["substitution_rate"] * s.substitution[month]
                  + p["substitution_announcement"] * float(s.announced[month]))
        st.coca_ha = np.maximum(st.coca_ha * (1.0 + change), 0.0)

    def _record(self, st: State, homicides, clashes_state, clashes_groups, losses_state, losses_groups, state_killed,
                vacuum, selective, dissent, neighbours, demobilised, rent, state_fill, vacated_now, audit,
                surplus) -> dict[str, np.ndarray]:
        w = self.world
        pop = w.population
        members_g = st.members.sum(axis=2) + st.sanctuary
        dominant = st.control.argmax(axis=2)  # (R, T)
        controlled = (dominant[:, :, None] == np.arange(w.n_groups)[None, None, :]).sum(axis=1)
        talking = in_phases(st.phase, TALKING)
        cmax = st.control.max(axis=2)
        return {
            "homicides": homicides.sum(axis=1),
            "homicide_rate": homicides.sum(axis=1) / pop.sum() * 1e5,
            "armed_group_members": (members_g * ~w.is_cartel).sum(axis=1),
            "state_group_clashes": clashes_state.sum(axis=1),
            "inter_group_clashes": clashes_groups.sum(axis=1),
            "combat_deaths": losses_state.sum(axis=(1, 2)) + losses_groups.sum(axis=(1, 2)) + state_killed,
            "security_forces_killed": state_killed,
            "groups_in_talks": (talking | (st.phase == Phase.FINAL_AGREEMENT)).sum(axis=1).astype(float),
            "agreements_signed": st.signed.sum(axis=1).astype(float),
            "state_control_share": (st.control[..., -1] * pop).sum(axis=1) / pop.sum(),
            "contested_territories": (cmax < 0.6).sum(axis=1).astype(float),
            "neighbour_violence": neighbours.mean(axis=1) if neighbours.shape[1] else np.ones(len(self.runs)),
            "social_leader_killings": vacuum.sum(axis=1),
            "selective_killings": selective.sum(axis=1),
            "vacated_control": vacated_now.sum(axis=1),
            "vacuum_filled_by_state": state_fill,
            "security_cohesion": st.cohesion.copy(),
            "dissent_events": dissent.astype(float),
            "demobilized": (demobilised * ~w.is_cartel).sum(axis=1),
            "coca_ha": st.coca_ha.sum(axis=1),
            "group_members": members_g,
            "group_armed": members_g * w.armed_share,
            "group_sanctuary": st.sanctuary.copy(),
            "group_territories": controlled.astype(float),
            "group_phase": st.phase.astype(float),
            "group_rent": rent,
            "group_surplus": np.where(np.isfinite(surplus), surplus, np.nan),
            **audit,
            "neighbour_index": neighbours,
            "territory_state_control": st.control[..., -1],
            "territory_homicides": homicides,
            "territory_vacated": vacated_now,
            "territory_dominant": dominant,
            "territory_zone": violence.kalyvas_zone(st.control),
        }
