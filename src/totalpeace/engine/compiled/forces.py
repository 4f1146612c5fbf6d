"""M2.2 efforts, contest and bargaining power for one run (reference: Engine._efforts, _contest, _power)."""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.rng import _unit


@numba.njit(cache=True)
def efforts(members: np.ndarray, cohesion: float, control: np.ndarray, zone: np.ndarray, zoned: bool,
            transfers: np.ndarray, own_rent: np.ndarray, forces: float, conditional: bool, pop075: np.ndarray,
            presence: np.ndarray, is_cartel: np.ndarray, indptr: np.ndarray, indices: np.ndarray, p,
            noise_key: np.uint64, noise: bool) -> np.ndarray:
    """Contest efforts (T, G + 1): members here plus a share of neighbours', boosted by cartel finance; the state's
    effective forces, allocated by population and contested ground, zero in demilitarised zones."""
    G, T = members.shape
    A = G + 1
    effort = np.zeros((T, A))
    for g in range(G):
        if is_cartel[g] > 0:
            continue
        boost = 1.0 + p.cartel_finance_effect * (transfers[g] / max(transfers[g] + own_rent[g], 1e-12))
        for t in range(T):
            reach = 0.0
            for e in range(indptr[t], indptr[t + 1]):
                reach += members[g, indices[e]]
            effort[t, g] = (members[g, t] + p.neighbour_reach * reach) * boost
    weight_sum = 0.0
    weight = np.empty(T)
    for t in range(T):
        weight[t] = pop075[t] * (0.2 + (1.0 - control[t, G]))
        weight_sum += weight[t]
    bonus = 1.0 + (p.conditional_effort_bonus if conditional else 0.0)
    for t in range(T):
        demilitarised = 0.0
        if zoned:
            for g in range(G):
                if zone[g, t] > 0:
                    demilitarised = 1.0
                    break
        allocation = forces * weight[t] / weight_sum
        effort[t, G] = cohesion * allocation * presence[t] * p.state_effort_ratio * bonus * (1.0 - demilitarised)
    if noise:
        sigma = p.effort_noise
        for t in range(T):
            for a in range(A):
                if effort[t, a] == 0.0:  # noise multiplies: an actor absent here stays absent (no draw needed)
                    continue
                i = t * A + a
                u1 = 1.0 - _unit(noise_key, np.uint64(2 * i))
                u2 = _unit(noise_key, np.uint64(2 * i + 1))
                eps = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
                effort[t, a] *= np.exp(sigma * eps - 0.5 * sigma ** 2)
    return effort


@numba.njit(cache=True)
def contest(effort: np.ndarray, difference: bool, p) -> np.ndarray:
    """Contest outcome per territory (ratio or difference form); nobody exerting effort leaves the state in place."""
    T, A = effort.shape
    out = np.zeros((T, A))
    for t in range(T):
        total = 0.0
        if difference:
            n, s = 0, 0.0
            for a in range(A):
                if effort[t, a] > 0:
                    n += 1
                    s += effort[t, a]
            mean = max(s / max(n, 1), 1e-12)
            top = -1e300
            for a in range(A):
                if effort[t, a] > 0:
                    top = max(top, p.contest_difference_k * effort[t, a] / mean)
            for a in range(A):
                if effort[t, a] > 0:
                    out[t, a] = np.exp(p.contest_difference_k * effort[t, a] / mean - top)
                    total += out[t, a]
        else:
            power = p.contest_decisiveness
            for a in range(A):
                out[t, a] = max(effort[t, a], 0.0) if power == 1.0 else max(effort[t, a], 0.0) ** power
                total += out[t, a]
        if total > 0:
            for a in range(A):
                out[t, a] /= total
        else:
            out[t, A - 1] = 1.0
    return out


@numba.njit(cache=True)
def bargaining_power(effort: np.ndarray, members: np.ndarray, sanctuary: np.ndarray, p) -> np.ndarray:
    """p_g = N_eff / (N_eff + e_S) over the territories where g has members (all if none), with sanctuary."""
    G, T = members.shape
    out = np.zeros(G)
    state_total = 0.0
    for t in range(T):
        state_total += effort[t, G]
    for g in range(G):
        group, state, present = 0.0, 0.0, False
        for t in range(T):
            group += effort[t, g]
            if members[g, t] > 0:
                state += effort[t, G]
                present = True
        group += p.sanctuary_power_effect * sanctuary[g]
        if not present:
            state = state_total
        total = group + state
        out[g] = group / total if total > 0 else 0.0
    return out
