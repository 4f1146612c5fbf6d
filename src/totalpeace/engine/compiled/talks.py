"""M2.1 tables, M1.1 values, M4.1/M5.1 breakdown and M7.2 splits for one run (reference: engine/step.py steps 3-5,
model/negotiation.py, model/values.py, model/commitment.py)."""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.compiled.bdm import bdm_rounds, table_weights, weighted_mean
from totalpeace.model.negotiation import Phase

NONE = int(Phase.NONE)
EXPLORATION = int(Phase.EXPLORATION)
CEASEFIRE = int(Phase.CEASEFIRE)
PARTIAL = int(Phase.PARTIAL_AGREEMENTS)
FINAL = int(Phase.FINAL_AGREEMENT)
IMPLEMENTATION = int(Phase.IMPLEMENTATION)
DEMOBILIZED = int(Phase.DEMOBILIZED)
BROKEN = int(Phase.BROKEN_DOWN)
TOTAL_SPOILER = 2
LIMITED_SPOILER = 0


@numba.njit(cache=True)
def talking(phase: int) -> bool:
    return EXPLORATION <= phase <= PARTIAL


@numba.njit(cache=True)
def open_tables(phase: np.ndarray, month: int, table_start: np.ndarray, order: np.ndarray, phased: bool,
                eligible: np.ndarray) -> None:
    """Open the tables due this month, in phased mode only once every earlier table in the order is resolved."""
    G = phase.shape[0]
    due = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        due[g] = phase[g] == NONE and table_start[g] >= 0 and month >= table_start[g] and eligible[g]
    if phased and order.shape[0] > 0:
        blocked = False
        ready = np.zeros(G, dtype=np.bool_)
        for g in order:
            ready[g] = due[g] and not blocked
            waiting = phase[g] == NONE and table_start[g] >= 0 and eligible[g]
            blocked = blocked or talking(phase[g]) or due[g] or waiting
        due = ready
    for g in range(G):
        if due[g]:
            phase[g] = EXPLORATION


@numba.njit(cache=True)
def forecasts(positions: np.ndarray, p_group: np.ndarray, guarantee: np.ndarray, host_weight: np.ndarray,
              legitimacy: float, phase: np.ndarray, bdm: bool, p) -> np.ndarray:
    """Each table's forecast x*: BDM rounds at tables in talks (positions updated in place), elsewhere the
    compromise of the frozen positions."""
    G = positions.shape[0]
    sal = np.array([p.salience_state, p.salience_group, p.salience_guarantors, p.salience_host])
    cap = np.empty(4)
    out = np.empty(G)
    rounds = int(p.bdm_rounds_per_month)
    for g in range(G):
        cap[0] = max((1.0 - p_group[g]) * (1.0 + legitimacy), 0.0)
        cap[1] = max(p_group[g], 0.0)
        cap[2] = max(guarantee[g], 0.0)
        cap[3] = max(host_weight[g], 0.0)
        if bdm and talking(phase[g]):
            x, out[g] = bdm_rounds(positions[g].copy(), cap, sal, rounds, p.bdm_status_quo_q)
            positions[g] = x
        else:
            w, present = table_weights(cap, sal)
            out[g] = weighted_mean(positions[g], w, present)
    return out


@numba.njit(cache=True)
def war_value(rent: float, pressure: float, shield: float, p) -> float:
    return rent / (1.0 - p.discount_factor) - p.war_cost_months * rent * pressure * (1.0 - shield)


@numba.njit(cache=True)
def surplus(forecast: float, members_total: float, stake: float, political: float, concessions: float,
            v_war: float, spoiler: int, open_count: float, p) -> float:
    """(V_peace - V_war - rho) / |V_war|; -inf for a total spoiler."""
    if spoiler == TOTAL_SPOILER:
        return -np.inf
    legal = p.legal_income_per_member * members_total / (1.0 - p.discount_factor)
    months = (p.amnesty_value_months * (1.0 + p.concession_trust * concessions)
              + p.political_value_months * political
              + (1.0 - p.confiscation_share) * p.wealth_kept_months)
    v_peace = legal + forecast * months * stake
    if spoiler == LIMITED_SPOILER:
        base = p.reservation_limited
    else:
        base = p.reservation_greedy + p.greed_concession_effect * concessions
    rho = (base + p.holdout_premium * open_count) * abs(v_war)
    return (v_peace - v_war - rho) / max(abs(v_war), 1e-9)


@numba.njit(cache=True)
def advance_probability(surplus: float, p) -> float:
    if surplus == -np.inf:
        return 0.0
    finite = surplus
    if np.isnan(finite):
        finite = -50.0
    finite = min(max(finite, -50.0), 50.0)
    z = min(max(p.acceptance_slope * finite, -50.0), 50.0)
    return 1.0 / (1.0 + np.exp(-z)) / p.talks_phase_months


@numba.njit(cache=True)
def breakdown_hazard(disarmed: float, guarantee: float, against: float, shift: float, surplus: float, p) -> float:
    shortfall = min(max(-surplus, 0.0), 5.0)
    log_h = (p.disarmament_risk * disarmed * (1.0 - guarantee) - p.guarantor_effect * guarantee
             + p.violence_against_effect * against + p.power_shift_effect * shift
             + p.surplus_breakdown_effect * shortfall)
    return min(1.0, p.breakdown_hazard_base * np.exp(log_h))


@numba.njit(cache=True)
def powell_shift(p_now: float, p_before: float, p) -> float:
    lhs = p.discount_factor * abs(p_now - p_before)
    return min(max(lhs / max(p.war_cost_share, 1e-9) - 1.0, 0.0), 1.0)


@numba.njit(cache=True)
def split(g: int, slot: int, share: float, members: np.ndarray, sanctuary: np.ndarray, control: np.ndarray,
          signed_members: np.ndarray, fragmentation: np.ndarray) -> None:
    """A faction (share of members, sanctuary and control) leaves group g for its splinter slot."""
    T = members.shape[1]
    for t in range(T):
        moved = members[g, t] * share
        members[g, t] -= moved
        members[slot, t] += moved
        if moved > 0:
            fragmentation[t] += 1.0
    sanctuary[slot] += sanctuary[g] * share
    sanctuary[g] *= 1.0 - share
    for t in range(T):
        control[t, slot] += control[t, g] * share
        control[t, g] *= 1.0 - share
    signed_members[g] *= 1.0 - share


@numba.njit(cache=True)
def audit_split(p_group: float, cost_state: float, cost_group: float) -> float:
    """Nash split x* = p + (c_S - c_G) / 2 in [0, 1] (M6.1)."""
    return min(max(p_group + 0.5 * (cost_state - cost_group), 0.0), 1.0)

