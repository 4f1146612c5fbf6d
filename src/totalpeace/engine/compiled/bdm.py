"""The BDM expected-utility round and the compromise forecast for one table, compiled (model/bargaining.py is the
vectorised reference: same equations, same tie rules, same order of operations)."""

from __future__ import annotations

import numba
import numpy as np

TIE_RTOL = 1e-12


@numba.njit(cache=True)
def _span(x: np.ndarray, present: np.ndarray) -> tuple[float, float, float]:
    lo, hi, any_present = np.inf, -np.inf, False
    for a in range(x.shape[0]):
        if present[a]:
            any_present = True
            lo = min(lo, x[a])
            hi = max(hi, x[a])
    if not any_present:
        return np.nan, np.nan, 1.0
    return lo, hi, (hi - lo) if hi > lo else 1.0


@numba.njit(cache=True)
def weighted_mean(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> float:
    """Compromise forecast sum c s x / sum c s over present actors (plain mean when no weight)."""
    lo, hi, _ = _span(x, present)
    total, weighted, plain, n = 0.0, 0.0, 0.0, 0
    for a in range(x.shape[0]):
        total += w[a]
        weighted += w[a] * x[a]
        if present[a]:
            plain += x[a]
            n += 1
    if n == 0:
        return np.nan
    mean = weighted / total if total > 0 else plain / n
    return min(max(mean, lo), hi)


@numba.njit(cache=True)
def median(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> float:
    """The weighted-median (Condorcet) position: least total weighted distance; ties to the weighted mean."""
    A = x.shape[0]
    _, _, delta = _span(x, present)
    distance = np.full(A, np.inf)
    best, total_w = np.inf, 0.0
    for i in range(A):
        total_w += w[i]
        if present[i]:
            s = 0.0
            for k in range(A):
                s += w[k] * abs(x[i] - x[k])
            distance[i] = s
            best = min(best, s)
    if not np.isfinite(best):
        return np.nan
    scale = total_w * delta
    mean = weighted_mean(x, w, present)
    gap = np.full(A, np.inf)
    closest = np.inf
    for i in range(A):
        if present[i] and distance[i] <= best + TIE_RTOL * scale:
            gap[i] = abs(x[i] - mean)
            closest = min(closest, gap[i])
    for i in range(A):
        if gap[i] <= closest + TIE_RTOL * delta:
            return x[i]
    return np.nan


@numba.njit(cache=True)
def _win_probabilities(x: np.ndarray, w: np.ndarray, present: np.ndarray, delta: float) -> np.ndarray:
    A = x.shape[0]
    p = np.zeros((A, A))
    for i in range(A):
        for j in range(A):
            if i == j or not present[i] or not present[j]:
                continue
            favour, cast = 0.0, 0.0
            for k in range(A):
                vote = w[k] * (abs(x[j] - x[k]) - abs(x[i] - x[k])) / delta
                favour += max(vote, 0.0)
                cast += abs(vote)
            p[i, j] = favour / cast if cast > 0 else 0.5
    return p


@numba.njit(cache=True)
def _util(base: float, r: float) -> float:
    return 2.0 - 4.0 * max(base, 0.0) ** r


@numba.njit(cache=True)
def _expected_utilities(x: np.ndarray, s: np.ndarray, present: np.ndarray, delta: float, mu: float,
                        p: np.ndarray, risk: np.ndarray, q: float, t: float) -> np.ndarray:
    """EU[i, j] = EU_i(ij) with the challenger's exponent risk[i] (model/bargaining.py `expected_utilities`)."""
    A = x.shape[0]
    eu = np.zeros((A, A))
    for i in range(A):
        r = risk[i]
        u_status_quo = 2.0 - 4.0 * 0.5 ** r
        for j in range(A):
            if i == j or not present[i] or not present[j]:
                continue
            d = abs(x[i] - x[j]) / delta
            u_success = _util(0.5 - 0.5 * d, r)
            u_failure = _util(0.5 + 0.5 * d, r)
            value = s[j] * (p[i, j] * u_success + (1.0 - p[i, j]) * u_failure) + (1.0 - s[j]) * u_success \
                - q * u_status_quo
            if q != 1.0:
                e = (abs(x[i] - mu) + abs(x[i] - x[j])) / delta
                value = value - (1.0 - q) * (t * _util(0.5 - 0.25 * e, r) + (1.0 - t) * _util(0.5 + 0.25 * e, r))
            eu[i, j] = value
    return eu


@numba.njit(cache=True)
def _risk_exponents(eu: np.ndarray, present: np.ndarray) -> np.ndarray:
    A = eu.shape[0]
    danger = np.zeros(A)
    for k in range(A):
        for i in range(A):
            if i != k and present[i] and present[k]:
                danger[k] += eu[i, k]
    d_max, d_min = -np.inf, np.inf
    for k in range(A):
        if present[k]:
            d_max = max(d_max, danger[k])
            d_min = min(d_min, danger[k])
    spread = d_max - d_min
    r = np.ones(A)
    for k in range(A):
        big_r = 0.0
        if present[k] and np.isfinite(spread) and spread > 0:
            big_r = min(max((2.0 * danger[k] - d_max - d_min) / spread, -1.0), 1.0)
        r[k] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    return r


@numba.njit(cache=True)
def bdm_round(x: np.ndarray, w: np.ndarray, s: np.ndarray, present: np.ndarray, q: float, t: float) -> np.ndarray:
    """One round of challenges and offers (risk exponents derived, each actor's own view); new positions."""
    A = x.shape[0]
    _, _, delta = _span(x, present)
    mu = median(x, w, present)
    p = _win_probabilities(x, w, present, delta)
    risk = _risk_exponents(_expected_utilities(x, s, present, delta, mu, p, np.ones(A), q, t), present)
    eu = _expected_utilities(x, s, present, delta, mu, p, risk, q, t)
    new_x = x.copy()
    for i in range(A):
        if not present[i]:
            continue
        best_move, best_target, has_offer = np.inf, x[i], False
        for j in range(A):
            if i == j or not present[j] or x[i] == x[j]:
                continue
            eu_out, eu_in = eu[i, j], eu[j, i]
            if eu_in <= 0:
                continue
            conflict = eu_out > 0 and eu_in > eu_out
            compromise = eu_out < 0 and eu_in > abs(eu_out)
            capitulation = eu_out < 0 and eu_in < abs(eu_out)
            if not (conflict or compromise or capitulation):
                continue
            target = x[j]
            if compromise:
                step = x[i] + (x[j] - x[i]) * abs(eu_out / eu_in)
                target = min(max(step, min(x[i], x[j])), max(x[i], x[j]))
            move = abs(target - x[i])
            if move < best_move:
                best_move, best_target, has_offer = move, target, True
        if has_offer:
            new_x[i] = min(max(best_target, 0.0), 1.0)
    return new_x


@numba.njit(cache=True)
def table_weights(cap: np.ndarray, sal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vote weights c s of present actors (capability > 0) and the presence mask."""
    A = cap.shape[0]
    w = np.zeros(A)
    present = np.zeros(A, dtype=np.bool_)
    for a in range(A):
        if cap[a] > 0:
            present[a] = True
            w[a] = cap[a] * sal[a]
    return w, present


@numba.njit(cache=True)
def bdm_rounds(x: np.ndarray, cap: np.ndarray, sal: np.ndarray, rounds: int, q: float) -> tuple[np.ndarray, float]:
    """`rounds` BDM rounds at one table; returns the positions and the median forecast after them."""
    w, present = table_weights(cap, sal)
    for _ in range(rounds):
        x = bdm_round(x, w, sal, present, q, 1.0)
    return x, median(x, w, present)
