"""M1.1 war versus peace value, M1.3 spoiler types, M2.1b hold-out premium, M6.1 threat points and the
bargaining-power audit.

Values are in USD millions. A group accepts terms x in [0, 1] when V_peace(x) - V_war >= rho; the relative surplus
(V_peace - V_war - rho) / |V_war| drives the monthly chance of progress at its table.
"""

from __future__ import annotations

import numba
import numpy as np

LIMITED, GREEDY, TOTAL = range(3)
CONCESSION_KINDS = ("arrest_orders_suspended", "extradition_suspended", "bombing_suspended", "zone")
ARREST, EXTRADITION, BOMBING, ZONE = range(len(CONCESSION_KINDS))
CONCESSION_SHIELD = 0.25  # share of the war cost each active concession removes (arrests, extradition, bombing)
# The audit's counterfactuals, in this order: this month's concessions, none, and without each kind in turn.
AUDITS = ("audit_with_concessions", "audit_without_concessions", *(f"audit_without_{k}" for k in CONCESSION_KINDS))
WITH_CONCESSIONS, WITHOUT_CONCESSIONS = 0, 1


@numba.njit(cache=True)
def concession_effects(base_pressure: float, concessions: np.ndarray, p) -> tuple[float, float]:
    """The state's pressure on a group and the group's shield from war costs, given its active concessions (4,:
    arrest orders, extradition, bombing, zone; 1 where active): suspended bombing removes part of the pressure;
    each arrest, extradition or bombing concession shields."""
    pressure = base_pressure * (1.0 - p.bombing_share_of_attrition * concessions[BOMBING])
    active = 0.0
    for k in range(ZONE):
        active += concessions[k]
    return pressure, CONCESSION_SHIELD * active


@numba.njit(cache=True)
def war_value(rent: float, pressure: float, shield: float, p) -> float:
    """V_war = rent / (1 - delta) - C_g, with C_g = war_cost_months * rent * pressure * (1 - shield)."""
    return rent / (1.0 - p.discount_factor) - p.war_cost_months * rent * pressure * (1.0 - shield)


@numba.njit(cache=True)
def peace_value(x: float, members: float, stake: float, political: float, concessions: float, p) -> float:
    """V_peace(x) = L N / (1 - delta) + x (A (1 + trust k) + P [political] + (1 - tau) W) * stake.

    Deal benefits are counted in months of the group's `stake`, its income when talks began: what amnesty, seats and
    a legalised fortune are worth to a group does not fall when its drug rents do, so policies that cut rents (M1.2)
    lower the war value only and widen the bargaining range, as in Fearon's model. Concessions (k active) make the
    promised amnesty more credible (participation rises), the M6.1 effect on the group's side.
    """
    legal = p.legal_income_per_member * members / (1.0 - p.discount_factor)
    months = (p.amnesty_value_months * (1.0 + p.concession_trust * concessions)
              + p.political_value_months * political
              + (1.0 - p.confiscation_share) * p.wealth_kept_months)
    return legal + x * months * stake


@numba.njit(cache=True)
def reservation(v_war: float, spoiler: int, concessions: float, open_tables: float, p) -> float:
    """rho_g: limited spoilers ask a small fixed premium, greedy ones more with every concession (read as weakness),
    total spoilers never accept (inf); every other open table adds the last-signer premium (Cunningham)."""
    if spoiler == TOTAL:
        return np.inf
    if spoiler == LIMITED:
        base = p.reservation_limited
    else:
        base = p.reservation_greedy + p.greed_concession_effect * concessions
    return (base + p.holdout_premium * open_tables) * abs(v_war)


@numba.njit(cache=True)
def relative_surplus(v_peace: float, v_war: float, rho: float) -> float:
    """(V_peace - V_war - rho) / |V_war|, -inf for total spoilers (rho infinite)."""
    if rho == np.inf:
        return -np.inf
    return (v_peace - v_war - rho) / max(abs(v_war), 1e-9)


@numba.njit(cache=True)
def bargaining_power(effort: np.ndarray, members: np.ndarray, sanctuary: np.ndarray, p) -> np.ndarray:
    """p_g = N_eff / (N_eff + e_S) (G,): the group's power in the Fearon / Powell sense, from its contest effort plus
    its sanctuary (weighted) against the state's effort over the territories where it has members (all territories
    if it has none); 0 where neither side exerts any effort."""
    G, T = members.shape
    out = np.zeros(G)
    state_total = 0.0
    for t in range(T):
        state_total += effort[t, G]
    for g in range(G):
        group, state, present = 0.0, 0.0, False
        for t in range(T):
            group += effort[t, g]
            if members[g, t] > 0:
                state += effort[t, G]
                present = True
        group += p.sanctuary_power_effect * sanctuary[g]
        if not present:
            state = state_total
        total = group + state
        out[g] = group / total if total > 0 else 0.0
    return out


@numba.njit(cache=True)
def threat_costs(base_pressure: float, concessions: np.ndarray, p) -> tuple[float, float]:
    """Per-period war costs (c_S, c_G) as shares of the stakes, given the active concessions (4,). Suspended bombing
    lowers the pressure on the group and raises the state's political cost of fighting; every arrest, extradition
    or bombing concession shields the group (M6.1)."""
    pressure, shield = concession_effects(base_pressure, concessions, p)
    cost_group = p.war_cost_months * pressure * (1.0 - shield) * (1.0 - p.discount_factor)
    cost_state = p.war_cost_share * (1.0 + concessions[BOMBING])
    return cost_state, cost_group


@numba.njit(cache=True)
def nash_split(p_group: float, cost_state: float, cost_group: float) -> float:
    """x* = p + (c_S - c_G) / 2, clipped to [0, 1]: the risk-neutral Nash bargaining split (M1.1 corollary)."""
    return min(max(p_group + 0.5 * (cost_state - cost_group), 0.0), 1.0)


@numba.njit(cache=True)
def audit_threat_costs(base_pressure: float, concessions: np.ndarray, p, cost_state: np.ndarray,
                       cost_group: np.ndarray) -> None:
    """The threat costs (c_S, c_G) of the bargaining-power audit's counterfactuals, written into `cost_state` and
    `cost_group` (len(AUDITS), G): with the active concessions (G, 4), without any, and without each kind in turn."""
    G, kinds = concessions.shape
    row = np.empty(kinds)
    for v in range(2 + kinds):
        for g in range(G):
            for k in range(kinds):
                removed = v == WITHOUT_CONCESSIONS or v == 2 + k
                row[k] = 0.0 if removed else concessions[g, k]
            cost_state[v, g], cost_group[v, g] = threat_costs(base_pressure, row, p)


@numba.njit(cache=True)
def audit_splits(p_group: np.ndarray, p_without_zone: np.ndarray, cost_state: np.ndarray, cost_group: np.ndarray,
                 out: np.ndarray) -> None:
    """The bargaining-power audit (M6.1), written into `out` (len(AUDITS), G): the Nash split with this month's
    concessions, without any, and without each kind in turn (threat costs from `audit_threat_costs`). A zone changes
    the power p itself (the state cannot operate there), so the counterfactuals without it use `p_without_zone`."""
    V, G = cost_state.shape
    for v in range(V):
        zone_free = v == WITHOUT_CONCESSIONS or v == 2 + ZONE
        for g in range(G):
            out[v, g] = nash_split(p_without_zone[g] if zone_free else p_group[g], cost_state[v, g], cost_group[v, g])
