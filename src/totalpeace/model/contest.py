"""M2.2 territorial contest and vacuum filling: contest-success functions and the control update."""

from __future__ import annotations

import numpy as np


def csf_ratio(effort: np.ndarray, decisiveness: float) -> np.ndarray:
    """Tullock: p_a = e_a^m / sum_b e_b^m over the last axis (zero effort -> zero share)."""
    powered = np.power(np.maximum(effort, 0.0), decisiveness)
    total = powered.sum(axis=-1, keepdims=True)
    return np.divide(powered, total, out=np.zeros_like(powered), where=total > 0)


def csf_difference(effort: np.ndarray, k: float) -> np.ndarray:
    """Hirshleifer's logistic difference form, generalised to many actors as a softmax of k e_a / mean(e).

    For two actors with equal scale this is p_1 = 1 / (1 + exp(k (e_2 - e_1) / e_bar)): increasing returns up to
    parity, which allows one-sided submission. Efforts are scaled by the mean effort of those present, so the form
    does not depend on the unit of effort; actors without effort get nothing.
    """
    present = effort > 0
    n = np.maximum(present.sum(axis=-1, keepdims=True), 1)
    mean = effort.sum(axis=-1, keepdims=True) / n
    z = np.where(present, k * effort / np.maximum(mean, 1e-12), -np.inf)
    z = z - np.max(np.where(present, z, -1e300), axis=-1, keepdims=True)
    w = np.where(present, np.exp(z), 0.0)
    total = w.sum(axis=-1, keepdims=True)
    return np.divide(w, total, out=np.zeros_like(w), where=total > 0)


def update_control(control: np.ndarray, outcome: np.ndarray, turnover: float) -> np.ndarray:
    """c_{t+1} = (1 - nu) c_t + nu p: control moves toward the contest outcome; shares keep summing to one."""
    has_contest = outcome.sum(axis=-1, keepdims=True) > 0
    new = np.ascontiguousarray(np.where(has_contest, (1.0 - turnover) * control + turnover * outcome, control))
    return new / new.sum(axis=-1, keepdims=True)


def vacated_control(before: np.ndarray, after: np.ndarray, leaving: np.ndarray) -> np.ndarray:
    """Control lost by groups standing down (ceasefire, DDR), per territory: sum_g max(0, c_before - c_after)."""
    lost = np.clip(before[..., :-1] - after[..., :-1], 0.0, None)
    return (lost * leaving[:, None, :]).sum(axis=-1)
