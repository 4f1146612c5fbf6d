"""M4.1 credible commitment and guarantors (Walter), M5.1 shifting power (Powell).

Monthly breakdown hazard of a table or an agreement in implementation:
h = h_0 exp(beta_D Disarmed (1 - G) - beta_G G + beta_V Violence + beta_P Shift + beta_U max(-surplus, 0)).
"""

from __future__ import annotations

import numpy as np


def powell_shift(p_now: np.ndarray, p_before: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """1 where delta |dp| / (1 - delta) > c_S + c_G (a large, rapid power shift), graded between 0 and 1.

    Powell (2006) states the condition for per-period stakes of 1; the shift over the planning horizon is the change
    of p against its slow moving average. The grading (ratio minus one, clipped) avoids a knife-edge switch.
    """
    delta = p["discount_factor"]
    lhs = delta * np.abs(p_now - p_before) / (1.0 - delta)
    return np.clip(lhs / max(p["war_cost_share"], 1e-9) - 1.0, 0.0, 1.0)


def breakdown_hazard(disarmed: np.ndarray, guarantee: np.ndarray, violence_against: np.ndarray,
                     shift: np.ndarray, surplus: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Monthly probability that the table or agreement breaks down (capped at 1)."""
    shortfall = np.clip(-surplus, 0.0, 5.0)
    log_h = (p["disarmament_risk"] * disarmed * (1.0 - guarantee) - p["guarantor_effect"] * guarantee
             + p["violence_against_effect"] * violence_against + p["power_shift_effect"] * shift
             + p["surplus_breakdown_effect"] * shortfall)
    return np.minimum(1.0, p["breakdown_hazard_base"] * np.exp(log_h))


def guarantor_index(weights: np.ndarray) -> np.ndarray:
    """G in [0, 1]: guarantors' weights add up, saturating at one."""
    return np.minimum(1.0, weights)
