"""One negotiation table in plain Python: the compromise forecast and Bueno de Mesquita's expected-utility rounds.

A table has a handful of actors (the state, the group, the guarantors, the host), each with a position on [0, 1], a
capability and a salience. An actor with capability 0 is absent: it neither votes nor moves. The equations are those
of src/totalpeace/model/bargaining.py (Scholz, Calbert & Smith 2011), written as loops over the actors.
"""

from __future__ import annotations

import math

TIE_RTOL = 1e-12


def _span(x: list[float], present: list[bool]) -> tuple[float, float, float]:
    here = [xi for xi, ok in zip(x, present, strict=True) if ok]
    if not here:
        return math.nan, math.nan, 1.0
    lo, hi = min(here), max(here)
    return lo, hi, (hi - lo if hi > lo else 1.0)


def _weighted_mean(x: list[float], w: list[float], present: list[bool]) -> float:
    n = sum(present)
    if n == 0:
        return math.nan
    lo, hi, _ = _span(x, present)
    total = sum(w)
    if total > 0:
        mean = sum(wi * xi for wi, xi in zip(w, x, strict=True)) / total
    else:
        mean = sum(xi for xi, ok in zip(x, present, strict=True) if ok) / n
    return min(max(mean, lo), hi)


def _weights(cap: list[float], sal: list[float]) -> tuple[list[float], list[bool]]:
    present = [c > 0 for c in cap]
    return [c * s if ok else 0.0 for c, s, ok in zip(cap, sal, present, strict=True)], present


def compromise(pos: list[float], cap: list[float], sal: list[float]) -> float:
    """The capability x salience weighted mean of the present actors' positions."""
    w, present = _weights(cap, sal)
    return _weighted_mean(pos, w, present)


def _median(x: list[float], w: list[float], present: list[bool]) -> float:
    """The Condorcet position: the candidate with the least weighted distance to all voters; ties go to the one
    nearest the weighted mean, then to the lowest index."""
    if not any(present):
        return math.nan
    a = len(x)
    dist = [sum(w[k] * abs(x[k] - x[i]) for k in range(a)) if present[i] else math.inf for i in range(a)]
    best = min(dist)
    _, _, delta = _span(x, present)
    scale = sum(w) * delta
    tied = [present[i] and dist[i] <= best + TIE_RTOL * scale for i in range(a)]
    mean = _weighted_mean(x, w, present)
    gap = [abs(x[i] - mean) if tied[i] else math.inf for i in range(a)]
    closest = min(gap)
    for i in range(a):
        if tied[i] and gap[i] <= closest + TIE_RTOL * delta:
            return x[i]
    return math.nan  # unreachable: some candidate is tied with the best


def _win_probabilities(x: list[float], w: list[float], present: list[bool], delta: float) -> list[list[float]]:
    a = len(x)
    prob = [[0.0] * a for _ in range(a)]
    for i in range(a):
        for j in range(a):
            if i == j or not (present[i] and present[j]):
                continue
            favour = cast = 0.0
            for k in range(a):
                vote = w[k] * (abs(x[j] - x[k]) - abs(x[i] - x[k])) / delta
                favour += max(vote, 0.0)
                cast += abs(vote)
            prob[i][j] = favour / cast if cast > 0 else 0.5
    return prob


def _expected_utilities(x, sal, present, delta, mu, prob, risk, q: float, t: float = 1.0) -> list[list[float]]:
    """EU[i][j] = EU_i(ij), evaluated with the challenger's risk exponent risk[i]."""
    a = len(x)
    eu = [[0.0] * a for _ in range(a)]
    for i in range(a):
        r = risk[i]

        def util(base: float, r: float = r) -> float:
            return 2.0 - 4.0 * max(base, 0.0) ** r

        u_sq = 2.0 - 4.0 * 0.5 ** r
        for j in range(a):
            if i == j or not (present[i] and present[j]):
                continue
            d = abs(x[i] - x[j]) / delta
            u_s, u_f = util(0.5 - 0.5 * d), util(0.5 + 0.5 * d)
            value = sal[j] * (prob[i][j] * u_s + (1.0 - prob[i][j]) * u_f) + (1.0 - sal[j]) * u_s - q * u_sq
            if q != 1.0:
                e = (abs(x[i] - mu) + abs(x[i] - x[j])) / delta
                value -= (1.0 - q) * (t * util(0.5 - 0.25 * e) + (1.0 - t) * util(0.5 + 0.25 * e))
            eu[i][j] = value
    return eu


def _risk_exponents(eu: list[list[float]], present: list[bool]) -> list[float]:
    a = len(eu)
    danger = [sum(eu[i][k] for i in range(a) if i != k and present[i] and present[k]) for k in range(a)]
    here = [danger[k] for k in range(a) if present[k]]
    d_max, d_min = (max(here), min(here)) if here else (math.nan, math.nan)
    spread = d_max - d_min
    out = []
    for k in range(a):
        big_r = 0.0
        if present[k] and math.isfinite(spread) and spread > 0:
            big_r = min(max((2.0 * danger[k] - d_max - d_min) / spread, -1.0), 1.0)
        out.append((1.0 - big_r / 3.0) / (1.0 + big_r / 3.0))
    return out


def bdm_round(pos: list[float], cap: list[float], sal: list[float], q: float = 1.0) -> list[float]:
    """One round of challenges and offers (risk exponents derived from a first EU table with r = 1); each actor takes
    the offer that moves it least (ties: lowest proposer index)."""
    x = list(pos)
    a = len(x)
    w, present = _weights(cap, sal)
    _, _, delta = _span(x, present)
    mu = _median(x, w, present)
    prob = _win_probabilities(x, w, present, delta)
    risk = _risk_exponents(_expected_utilities(x, sal, present, delta, mu, prob, [1.0] * a, q), present)
    eu = _expected_utilities(x, sal, present, delta, mu, prob, risk, q)
    new = list(x)
    for i in range(a):
        if not present[i]:
            continue
        best_move, best_target = math.inf, None
        for j in range(a):
            if i == j or not present[j] or x[i] == x[j]:
                continue
            mine, theirs = eu[i][j], eu[j][i]  # EU_i(ij) and EU_j(ji)
            if theirs <= 0:
                continue
            if mine > 0 and theirs > mine:  # conflict: i loses
                target = x[j]
            elif mine < 0 and theirs > abs(mine):  # compromise
                step = x[i] + (x[j] - x[i]) * abs(mine / theirs)
                target = min(max(step, min(x[i], x[j])), max(x[i], x[j]))
            elif mine < 0 and theirs < abs(mine):  # capitulation
                target = x[j]
            else:
                continue
            move = abs(target - x[i])
            if move < best_move:
                best_move, best_target = move, target
        if best_target is not None:
            new[i] = min(max(best_target, 0.0), 1.0)
    return new


def bdm_rounds(pos: list[float], cap: list[float], sal: list[float], rounds: int,
               q: float = 1.0) -> tuple[list[float], float]:
    """`rounds` BDM rounds; return the new positions and the forecast (the Condorcet position after the last)."""
    x = list(pos)
    for _ in range(rounds):
        x = bdm_round(x, cap, sal, q)
    w, present = _weights(cap, sal)
    return x, _median(x, w, present)
