"""M1.2 rents and M2.3 cartel transfers for one run (reference: model/economy.py)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def transit_hectares(coca: np.ndarray, exit_of: np.ndarray) -> np.ndarray:
    """Coca area shipped through each exit territory (each territory ships through its nearest exit)."""
    out = np.zeros(coca.shape[0])
    for i in range(coca.shape[0]):
        if exit_of[i] >= 0:
            out[exit_of[i]] += coca[i]
    return out


@numba.njit(cache=True)
def rents_by_kind(coca: np.ndarray, gold: np.ndarray, population: np.ndarray, transit: np.ndarray, p) -> np.ndarray:
    """Gross monthly rents (T, 4): coca, gold, extortion, routes."""
    T = coca.shape[0]
    out = np.empty((T, 4))
    for t in range(T):
        out[t, 0] = coca[t] * p.coca_rent_per_ha
        out[t, 1] = gold[t] * p.gold_rent_per_ha
        out[t, 2] = population[t] / 1e5 * p.extortion_rent_per_100k
        out[t, 3] = transit[t] * p.route_rent_per_ha
    return out


@numba.njit(cache=True)
def appropriable(kinds: np.ndarray, chi: np.ndarray, revenue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Appropriable value of each territory for each group (G, T) and appropriable rent per territory (T,)."""
    T, G = kinds.shape[0], revenue.shape[0]
    value = np.zeros((G, T))
    rent_t = np.zeros(T)
    for t in range(T):
        for k in range(4):
            weighted = kinds[t, k] * chi[k]
            rent_t[t] += weighted
            for g in range(G):
                value[g, t] += weighted * revenue[g, k]
    return value, rent_t


@numba.njit(cache=True)
def group_rents(value: np.ndarray, control: np.ndarray) -> np.ndarray:
    """Control share times appropriable value, summed over territories (G,)."""
    G, T = value.shape
    out = np.zeros(G)
    for g in range(G):
        for t in range(T):
            out[g] += value[g, t] * control[t, g]
    return out


@numba.njit(cache=True)
def cartel_transfers(finance: np.ndarray, allies: np.ndarray, exit_control: np.ndarray, alive: np.ndarray,
                     vacuum_exits: float) -> np.ndarray:
    """Cartels pay allied proxies in proportion to the exits they control; budgets grow with the vacuum at exits."""
    G = finance.shape[0]
    out = np.zeros(G)
    for c in range(G):
        if finance[c] == 0.0:
            continue
        total = 0.0
        for g in range(G):
            total += allies[c, g] * (exit_control[g] * alive[g])
        if total <= 0:
            continue
        budget = finance[c] * (1.0 + vacuum_exits)
        for g in range(G):
            out[g] += budget * (allies[c, g] * (exit_control[g] * alive[g]) / total)
    return out
