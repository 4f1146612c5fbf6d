"""M1.1 war versus peace value, M1.3 spoiler types, M2.1b hold-out premium, M6.1 threat points.

Values are in USD millions. A group accepts terms x in [0, 1] when V_peace(x) - V_war >= rho; the relative surplus
(V_peace - V_war - rho) / |V_war| drives the monthly chance of progress at its table.
"""

from __future__ import annotations

import numpy as np

LIMITED, GREEDY, TOTAL = range(3)
CONCESSION_KINDS = ("arrest_orders_suspended", "extradition_suspended", "bombing_suspended", "zone")
ARREST, EXTRADITION, BOMBING, ZONE = range(len(CONCESSION_KINDS))
CONCESSION_SHIELD = 0.25  # share of the war cost each active concession removes (arrests, extradition, bombing)


def war_value(rent: np.ndarray, pressure: np.ndarray, shield: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """V_war = rent / (1 - delta) - C_g, with C_g = war_cost_months * rent * pressure * (1 - shield)."""
    delta = p["discount_factor"]
    cost = p["war_cost_months"] * rent * pressure * (1.0 - shield)
    return rent / (1.0 - delta) - cost


def peace_value(x: np.ndarray, members: np.ndarray, stake: np.ndarray, political: np.ndarray,
                concessions: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """V_peace(x) = L N / (1 - delta) + x (A (1 + trust k) + P [political] + (1 - tau) W) * stake.

    Deal benefits are counted in months of the group's `stake`, its income when talks began: what amnesty, seats and
    a legalised fortune are worth to a group does not fall when its drug rents do, so policies that cut rents (M1.2)
    lower the war value only and widen the bargaining range, as in Fearon's model. Concessions (k active) make the
    promised amnesty more credible (participation rises), the M6.1 effect on the group's side.
    """
    delta = p["discount_factor"]
    legal = p["legal_income_per_member"] * members / (1.0 - delta)
    months = (p["amnesty_value_months"] * (1.0 + p["concession_trust"] * concessions)
              + p["political_value_months"] * political
              + (1.0 - p["confiscation_share"]) * p["wealth_kept_months"])
    return legal + x * months * stake


def reservation(v_war: np.ndarray, spoiler: np.ndarray, concessions: np.ndarray, open_tables: np.ndarray,
                p: dict[str, float]) -> np.ndarray:
    """rho_g: limited spoilers ask a small fixed premium, greedy ones more with every concession (read as weakness),
    total spoilers never accept; every other open table adds the last-signer premium (Cunningham)."""
    scale = np.abs(v_war)
    base = np.where(spoiler == LIMITED, p["reservation_limited"],
                    p["reservation_greedy"] + p["greed_concession_effect"] * concessions)
    rho = (base + p["holdout_premium"] * open_tables) * scale
    return np.where(spoiler == TOTAL, np.inf, rho)


def relative_surplus(v_peace: np.ndarray, v_war: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """(V_peace - V_war - rho) / |V_war|, -inf for total spoilers."""
    scale = np.maximum(np.abs(v_war), 1e-9)
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(rho), -np.inf, (v_peace - v_war - rho) / scale)


def win_probability(group_effort: np.ndarray, state_effort: np.ndarray) -> np.ndarray:
    """p = N_eff / (N_eff + e_S): the group's power in the Fearon / Powell sense."""
    total = group_effort + state_effort
    return np.divide(group_effort, total, out=np.zeros_like(total), where=total > 0)


def concession_effects(base_pressure: np.ndarray, concessions: np.ndarray,
                       p: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """The state's pressure on each group and the group's shield from war costs, given the active concessions
    (..., G, 4): suspended bombing removes part of the pressure; each arrest, extradition or bombing concession
    shields."""
    pressure = base_pressure * (1.0 - p["bombing_share_of_attrition"] * concessions[..., BOMBING])
    shield = CONCESSION_SHIELD * concessions[..., :ZONE].sum(axis=-1)
    return pressure, shield


def threat_costs(base_pressure: np.ndarray, concessions: np.ndarray, p: dict[str, float]) -> tuple[np.ndarray,
                                                                                              np.ndarray]:
    """Per-period war costs (c_S, c_G) as shares of the stakes, given the active concessions (G, 4: arrest orders,
    extradition, bombing, zone). Suspended bombing lowers the pressure on the group and raises the state's political
    cost of fighting; every arrest/extradition/bombing concession shields the group (M6.1)."""
    pressure, shield = concession_effects(base_pressure, concessions, p)
    bombing = concessions[..., BOMBING].astype(float)
    cost_group = p["war_cost_months"] * pressure * (1.0 - shield) * (1.0 - p["discount_factor"])
    cost_state = p["war_cost_share"] * (1.0 + bombing)
    return np.broadcast_to(cost_state, cost_group.shape), cost_group


def nash_split(p_group: np.ndarray, cost_state: np.ndarray, cost_group: np.ndarray) -> np.ndarray:
    """x* = p + (c_S - c_G) / 2, clipped to [0, 1]: the risk-neutral Nash bargaining split (M1.1 corollary)."""
    return np.clip(p_group + 0.5 * (cost_state - cost_group), 0.0, 1.0)
