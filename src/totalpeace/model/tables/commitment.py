"""Credible commitment (Walter, M4.1) and shifting power (Powell, M5.1): the monthly hazard that an open table or an
agreement in implementation breaks down.

h = min(1, h_0 exp(beta_D Disarmed (1 - trust) - beta_G G + beta_V Violence + beta_P Shift + beta_U Shortfall
                  - beta_A Progress))

Disarmament is dangerous in proportion to the group's distrust of the state (its trust already counts the
guarantors, beliefs.py); Shortfall is how far the package falls below the group's outside option, relative to its war
value (at most 5; a total spoiler's is 5). The guarantor index G of each table is the guarantors' weights added up,
saturating at one. Progress is the share of the table's agenda agreed so far (partial agreements): each agreed
issue is made public and is an investment either side loses by walking away, so a table that has agreed most of its
agenda is harder to break than one that has agreed nothing (it is 0 for an agreement in implementation, whose hazard
the disarmament term carries).
"""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True)
def powell_shift(p_now: float, p_before: float, p) -> float:
    """Graded indicator of Powell's condition delta dp / (1 - delta) > c_S + c_G with war costs a share
    `war_cost_share` of the discounted stream: delta |dp| / share - 1, clipped to [0, 1] (about ten points of p
    against its one-year average at the defaults)."""
    lhs = p.discount_factor * abs(p_now - p_before)
    return min(max(lhs / max(p.war_cost_share, 1e-9) - 1.0, 0.0), 1.0)


@numba.njit(cache=True)
def hazard_terms(disarmed: float, trust: float, guarantee: float, violence_against: float, shift: float,
                 shortfall: float, progress: float, p) -> tuple[float, float, float, float, float, float]:
    """The hazard's terms in log units, in the order of layout.HAZARD_TERMS: disarmament without trust, guarantors,
    violence against the group, a shift of power, the package's shortfall, the agenda's progress. Kept apart so that
    the negotiation audit can say which of them raised the hazard in the month a table broke down."""
    return (p.disarmament_risk * disarmed * (1.0 - trust), -p.guarantor_effect * guarantee,
            p.violence_against_effect * violence_against, p.power_shift_effect * shift,
            p.surplus_breakdown_effect * shortfall, -p.progress_commitment_effect * progress)


@numba.njit(cache=True)
def hazard_from_terms(terms: tuple[float, float, float, float, float, float], p) -> float:
    """Monthly probability that the table or agreement breaks down: h_0 exp(sum of the terms), capped at 1."""
    log_h = terms[0] + terms[1] + terms[2] + terms[3] + terms[4] + terms[5]
    return min(1.0, p.breakdown_hazard_base * math.exp(log_h))


@numba.njit(cache=True)
def breakdown_hazard(disarmed: float, trust: float, guarantee: float, violence_against: float, shift: float,
                     shortfall: float, progress: float, p) -> float:
    """Monthly probability that the table or agreement breaks down (capped at 1)."""
    return hazard_from_terms(hazard_terms(disarmed, trust, guarantee, violence_against, shift, shortfall, progress,
                                          p), p)


@numba.njit(cache=True)
def agenda_progress(agreed: float, to_agree: float) -> float:
    """Share of the agenda the table opened with that it has agreed (0 for a table that opened with nothing to
    agree)."""
    return min(max(agreed / to_agree, 0.0), 1.0) if to_agree > 0 else 0.0


@numba.njit(cache=True)
def guarantor_index(weights: np.ndarray) -> np.ndarray:
    """G in [0, 1] per group: guarantors' weights add up, saturating at one."""
    out = np.empty(weights.shape[0])
    for g in range(weights.shape[0]):
        out[g] = min(1.0, weights[g])
    return out
