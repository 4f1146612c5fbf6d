"""M4.1 credible commitment and guarantors (Walter), M5.1 shifting power (Powell).

Monthly breakdown hazard of a table or an agreement in implementation:
h = h_0 exp(beta_D Disarmed (1 - G) - beta_G G + beta_V Violence + beta_P Shift + beta_U max(-surplus, 0)).
"""

from __future__ import annotations

import numpy as np


def powell_shift(p_now: np.ndarray, p_before: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Graded indicator of Powell's condition delta dp / (1 - delta) > c_S + c_G (a large, rapid power shift).

    Powell (2006) states it for per-period stakes of 1 and one-off war costs in the same unit. War costs here are a
    share `war_cost_share` of the whole discounted stream 1 / (1 - delta), so the condition reads delta |dp| > share:
    with the defaults, a shift of about ten points of p against its one-year moving average. The result is
    delta |dp| / share - 1 clipped to [0, 1], so the hazard does not jump at a knife edge.
    """
    lhs = p["discount_factor"] * np.abs(p_now - p_before)
    return np.clip(lhs / max(p["war_cost_share"], 1e-9) - 1.0, 0.0, 1.0)


def breakdown_hazard(disarmed: np.ndarray, guarantee: np.ndarray, violence_against: np.ndarray,
                     shift: np.ndarray, surplus: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Monthly probability that the table or agreement breaks down (capped at 1)."""
    shortfall = np.clip(-surplus, 0.0, 5.0)
    log_h = (p["disarmament_risk"] * disarmed * (1.0 - guarantee) - p["guarantor_effect"] * guarantee
             + p["violence_against_effect"] * violence_against + p["power_shift_effect"] * shift
             + p["surplus_breakdown_effect"] * shortfall)
    return np.minimum(1.0, p["breakdown_hazard_base"] * np.exp(log_h))


def guarantor_index(weights: np.ndarray | float) -> np.ndarray:
    """G in [0, 1]: guarantors' weights add up, saturating at one."""
    return np.minimum(1.0, weights)
