"""M3.2 security-force cohesion, effort and dissent (purge as a shock); M3.3 conditional repression (Lessing)."""

from __future__ import annotations

import numba
import numpy as np

DEPLOYMENT_FLOOR = 0.2  # weight of ground the state already controls, relative to ground it does not (1.2 : 0.2)


@numba.njit(cache=True)
def cohesion_update(cohesion: float, buy_in: float, concessions: float, purge_share: float, dissent: float,
                    p) -> float:
    """K_{t+1} = K + kappa_rec (K* - K) - kappa_dis Concessions - kappa_purge Purge - shock Dissent, in [0, 1].

    K* is the buy-in lever: cohesion recovers toward the level the government's relation with its forces allows.
    """
    k = (cohesion + p.cohesion_recovery * (buy_in - cohesion) - p.cohesion_concession_effect * concessions
         - p.cohesion_purge_effect * purge_share - p.dissent_shock * dissent)
    return min(max(k, 0.0), 1.0)


@numba.njit(cache=True)
def dissent_probability(cohesion: float, concessions: float, p) -> float:
    """P(open dissent event this month) = logistic(gamma_0 + gamma_1 (1 - K) + gamma_2 Concessions)."""
    z = p.dissent_base + p.dissent_cohesion_effect * (1.0 - cohesion) + p.dissent_concession_effect * concessions
    return 1.0 / (1.0 + np.exp(-z))


def deployment_weights(population: np.ndarray) -> np.ndarray:
    """pop_i^0.75: the population term of the force allocation rule, fixed per territory (evaluated once per
    scenario, by numpy, and read by `force_weights`)."""
    return np.power(np.asarray(population, dtype=np.float64), 0.75)


@numba.njit(cache=True)
def force_weights(pop075: np.ndarray, control: np.ndarray) -> tuple[np.ndarray, float]:
    """The force allocation rule's weights pop^0.75 (0.2 + 1 - c_S) per territory (T,) and their sum: forces go where
    people are and where the state does not control, F_S,i = forces w_i / sum_j w_j.

    A rule, not an optimisation: the deployment follows population and contested ground, as a ministry would.
    """
    T, A = control.shape
    weight = np.empty(T)
    total = 0.0
    for t in range(T):
        weight[t] = pop075[t] * (DEPLOYMENT_FLOOR + (1.0 - control[t, A - 1]))
        total += weight[t]
    return weight, total


@numba.njit(cache=True)
def state_efforts(cohesion: float, forces: float, pop075: np.ndarray, control: np.ndarray, presence: np.ndarray,
                  conditional: bool, zone: np.ndarray, zoned: bool, p, effort: np.ndarray) -> None:
    """The state's contest effort e_S,i = K F_i S_i ratio (1 + eps_cond [conditional]) (1 - zone_i), in armed-group
    member-equivalents (MECHANISMS M2.2: cohesion times forces times institutional presence), with the forces F_i
    deployed by `force_weights`; written into the last column of `effort` (T, G + 1). A territory demilitarised for
    any group (`zone` (G, T); `zoned` whether there is any) gets none."""
    T = presence.shape[0]
    G = zone.shape[0]
    weight, total = force_weights(pop075, control)
    bonus = 1.0 + (p.conditional_effort_bonus if conditional else 0.0)
    for t in range(T):
        demilitarised = 0.0
        if zoned:
            for g in range(G):
                if zone[g, t] > 0:
                    demilitarised = 1.0
                    break
        allocation = forces * weight[t] / total
        effort[t, G] = cohesion * allocation * presence[t] * p.state_effort_ratio * bonus * (1.0 - demilitarised)


@numba.njit(cache=True)
def violence_posture(conditional: bool, p) -> float:
    """Lessing's reduced form: v* = argmax (1 - rho_0 - rho_1 v)(1 + beta_cor v) - c_v v on [0, 1], rent normalised.

    With rho_1 = 0 (unconditional repression) the group fights back whenever (1 - rho_0) beta_cor > c_v; a large
    rho_1 (conditional repression) makes violence a losing strategy and drives v* toward zero.
    """
    rho0, beta, cost = p.repression_base, p.corruption_gain, p.violence_cost
    rho1 = p.repression_conditionality if conditional else 0.0
    gain = (1.0 - rho0) * beta - cost - rho1
    if rho1 <= 0.0:
        return 1.0 if gain > 0 else 0.0
    if beta <= 0.0:  # violence buys nothing and only raises repression: the payoff falls with v
        return 0.0
    return min(max(gain / (2.0 * rho1 * beta), 0.0), 1.0)


@numba.njit(cache=True)
def repression_pressure(posture: float, conditional: bool, p) -> float:
    """rho_g = rho_0 + rho_1 v_g under a conditional rule; rho_0 for everyone under an unconditional one (rho_1 = 0),
    exactly the reduced form the group's choice of v* assumes (`violence_posture`)."""
    if not conditional:
        return p.repression_base
    return p.repression_base + p.repression_conditionality * posture
