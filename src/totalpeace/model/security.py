"""M3.2 security-force cohesion, effort and dissent (purge as a shock); M3.3 conditional repression (Lessing)."""

from __future__ import annotations

import numpy as np


def cohesion_update(cohesion: np.ndarray, buy_in: float, concessions: np.ndarray, purge_share: float,
                    dissent: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """K_{t+1} = K + kappa_rec (K* - K) - kappa_dis Concessions - kappa_purge Purge - shock * Dissent, in [0, 1].

    K* is the buy-in lever: cohesion recovers toward the level the government's relation with its forces allows.
    """
    k = (cohesion + p["cohesion_recovery"] * (buy_in - cohesion) - p["cohesion_concession_effect"] * concessions
         - p["cohesion_purge_effect"] * purge_share - p["dissent_shock"] * dissent)
    return np.clip(k, 0.0, 1.0)


def dissent_probability(cohesion: np.ndarray, concessions: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """P(open dissent event) = logistic(gamma_0 + gamma_1 (1 - K) + gamma_2 Concessions)."""
    z = (p["dissent_base"] + p["dissent_cohesion_effect"] * (1.0 - cohesion)
         + p["dissent_concession_effect"] * concessions)
    return 1.0 / (1.0 + np.exp(-z))


def force_allocation(total_forces: float, population: np.ndarray, nonstate_control: np.ndarray) -> np.ndarray:
    """F_S,i: forces go where people are and where the state does not control (weight pop^0.75 (0.2 + 1 - c_S)).

    A rule, not an optimisation: the deployment follows population and contested ground, as a ministry would.
    """
    weight = np.power(population, 0.75)[None, :] * (0.2 + nonstate_control)
    return total_forces * weight / weight.sum(axis=1, keepdims=True)


def state_effort(cohesion: np.ndarray, forces: np.ndarray, presence: np.ndarray, conditional: bool,
                 demilitarised: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """e_S,i = K F_i S_i ratio (1 + eps_cond [conditional]) (1 - zone_i), in armed-group member-equivalents
    (MECHANISMS M2.2: cohesion times forces times institutional presence)."""
    bonus = 1.0 + (p["conditional_effort_bonus"] if conditional else 0.0)
    return cohesion[:, None] * forces * presence[None, :] * p["state_effort_ratio"] * bonus * (1.0 - demilitarised)


def violence_posture(conditional: bool, p: dict[str, float]) -> float:
    """Lessing's reduced form: v* = argmax (1 - rho_0 - rho_1 v)(1 + beta_cor v) - c_v v on [0, 1], rent normalised.

    With rho_1 = 0 (unconditional repression) the group fights back whenever (1 - rho_0) beta_cor > c_v; a large
    rho_1 (conditional repression) makes violence a losing strategy and drives v* toward zero.
    """
    rho0, beta, cost = p["repression_base"], p["corruption_gain"], p["violence_cost"]
    rho1 = p["repression_conditionality"] if conditional else 0.0
    gain = (1.0 - rho0) * beta - cost - rho1
    if rho1 <= 0.0:
        return 1.0 if gain > 0 else 0.0
    if beta <= 0.0:  # violence buys nothing and only raises repression: the payoff falls with v
        return 0.0
    return float(np.clip(gain / (2.0 * rho1 * beta), 0.0, 1.0))


def repression_pressure(posture: np.ndarray, conditional: bool, p: dict[str, float]) -> np.ndarray:
    """rho_g = rho_0 + rho_1 v_g under a conditional rule; rho_0 for everyone under an unconditional one (rho_1 = 0),
    exactly the reduced form the group's choice of v* assumes (`violence_posture`)."""
    if not conditional:
        return np.full_like(posture, p["repression_base"], dtype=float)
    return p["repression_base"] + p["repression_conditionality"] * posture
