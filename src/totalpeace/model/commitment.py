"""M4.1 credible commitment and guarantors (Walter), M5.1 shifting power (Powell).

Monthly breakdown hazard of a table or an agreement in implementation:
h = h_0 exp(beta_D Disarmed (1 - G) - beta_G G + beta_V Violence + beta_P Shift + beta_U max(-surplus, 0)).
"""

from __future__ import annotations

import numba
import numpy as np

POWER_MEMORY = 1.0 / 12.0  # weight of the current month in p's slow average (a one-year planning horizon)
SHORTFALL_CAP = 5.0  # a deal worth less than war raises the hazard up to this relative shortfall


@numba.njit(cache=True)
def powell_shift(p_now: float, p_before: float, p) -> float:
    """Graded indicator of Powell's condition delta dp / (1 - delta) > c_S + c_G (a large, rapid power shift).

    Powell (2006) states it for per-period stakes of 1 and one-off war costs in the same unit. War costs here are a
    share `war_cost_share` of the whole discounted stream 1 / (1 - delta), so the condition reads delta |dp| > share:
    with the defaults, a shift of about ten points of p against its one-year moving average. The result is
    delta |dp| / share - 1 clipped to [0, 1], so the hazard does not jump at a knife edge.
    """
    lhs = p.discount_factor * abs(p_now - p_before)
    return min(max(lhs / max(p.war_cost_share, 1e-9) - 1.0, 0.0), 1.0)


@numba.njit(cache=True)
def slow_power(p_slow: float, p_now: float) -> float:
    """The slow (one-year) average of bargaining power against which Powell's shift is judged."""
    return (1.0 - POWER_MEMORY) * p_slow + POWER_MEMORY * p_now


@numba.njit(cache=True)
def disarmed_share(members: float, signed_members: float) -> float:
    """Share of the members at signing that have disarmed, in [0, 1] (0 before any signature)."""
    disarmed = 1.0 - members / max(signed_members, 1e-9) if signed_members > 0 else 0.0
    return min(max(disarmed, 0.0), 1.0)


@numba.njit(cache=True)
def violence_against(loss_share: float) -> float:
    """Killings of a group's members, as the annualised share lost last month, capped at 5."""
    return min(max(12.0 * loss_share, 0.0), 5.0)


@numba.njit(cache=True)
def breakdown_hazard(disarmed: float, guarantee: float, violence_against: float, shift: float, surplus: float,
                     p) -> float:
    """Monthly probability that the table or agreement breaks down (capped at 1); a surplus that is not finite (a
    total spoiler's) counts as the largest shortfall."""
    finite = surplus if np.isfinite(surplus) else -SHORTFALL_CAP
    shortfall = min(max(-finite, 0.0), SHORTFALL_CAP)
    log_h = (p.disarmament_risk * disarmed * (1.0 - guarantee) - p.guarantor_effect * guarantee
             + p.violence_against_effect * violence_against + p.power_shift_effect * shift
             + p.surplus_breakdown_effect * shortfall)
    return min(1.0, p.breakdown_hazard_base * np.exp(log_h))


@numba.njit(cache=True)
def guarantor_index(weights: np.ndarray) -> np.ndarray:
    """G in [0, 1] per group: guarantors' weights add up, saturating at one."""
    out = np.empty(weights.shape[0])
    for g in range(weights.shape[0]):
        out[g] = min(1.0, weights[g])
    return out
