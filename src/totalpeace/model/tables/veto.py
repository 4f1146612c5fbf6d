"""Veto players (Cunningham 2006, M2.1b; Tsebelis): Congress, the Constitutional Court, public opinion (a plebiscite)
and the security forces can block ratification or implementation, the more likely the more is conceded on the issues
each cares about.

A veto player v approves package x with probability logistic(logit(approval_v) - sensitivity_v C_v(x)), where
C_v(x) = sum_k s_vk x_k / sum_k s_vk is the share of what it cares about that the package concedes. The security
forces' approval at no concession is the current cohesion K of the security forces instead of a fixed value.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from totalpeace.model.tables.issues import SECURITY_FORCES

STAGE_RATIFICATION, STAGE_IMPLEMENTATION, STAGE_BOTH = range(3)
VP_STAGE, VP_APPROVAL, VP_SENSITIVITY, VP_CAPABILITY = range(4)
N_VP = 4


@numba.njit(cache=True)
def conceded(x: np.ndarray, salience: np.ndarray) -> float:
    """C_v(x): the salience-weighted share conceded, in [0, 1]."""
    total, part = 0.0, 0.0
    for k in range(x.shape[0]):
        total += salience[k]
        part += salience[k] * x[k]
    return part / total if total > 0 else 0.0


@numba.njit(cache=True)
def approval(x: np.ndarray, salience: np.ndarray, baseline: float, sensitivity: float) -> float:
    """P(approve) = logistic(logit(baseline) - sensitivity C_v(x))."""
    b = min(max(baseline, 1e-6), 1.0 - 1e-6)
    z = math.log(b / (1.0 - b)) - sensitivity * conceded(x, salience)
    return 1.0 / (1.0 + math.exp(-z))


@numba.njit(cache=True)
def baseline_approval(v: int, params: np.ndarray, cohesion: float) -> float:
    """Approval at no concession: the row's value, or the security forces' cohesion."""
    return cohesion if v == SECURITY_FORCES else params[v, VP_APPROVAL]


@numba.njit(cache=True)
def acts_at(v: int, params: np.ndarray, stage: int) -> bool:
    """Whether veto player v acts at ratification (stage 0) or during implementation (stage 1)."""
    s = int(params[v, VP_STAGE])
    return s in (STAGE_BOTH, stage)


@numba.njit(cache=True)
def block_probability(x: np.ndarray, salience: np.ndarray, baseline: float, sensitivity: float, p) -> float:
    """Monthly chance that an implementation-stage veto player blocks part of the agreement:
    veto_block_rate x (1 - P(approve))."""
    return p.veto_block_rate * (1.0 - approval(x, salience, baseline, sensitivity))


@numba.njit(cache=True)
def most_contested(x: np.ndarray, salience: np.ndarray, closed: np.ndarray) -> int:
    """The issue a veto player objects to most (largest s_vk x_k); -1 if none."""
    best, at = 0.0, -1
    for k in range(x.shape[0]):
        v = salience[k] * x[k]
        if v > best and closed[k] >= 0:
            best, at = v, k
    return at
