"""M1.2 rents and drug policy; M2.3 transit rents and foreign-cartel finance (one run's territories and groups).

Rents are in USD millions per month. Decriminalisation lowers the share of drug rents (coca and transit) that force
can appropriate, chi(D) = chi_0 (1 - theta_D D); gold and extortion rents are untouched by drug policy.
"""

from __future__ import annotations

import numba
import numpy as np

COCA, GOLD, EXTORTION, ROUTES = range(4)
STAKE_FLOOR = 1e-6  # a group's stake (status-quo income) is at least this, so values measured in it stay defined


@numba.njit(cache=True)
def appropriable_shares(decriminalization: float, p) -> np.ndarray:
    """chi per rent kind (4,): chi_0 (1 - theta_D D) for drug rents (coca, routes), chi_0 for gold and extortion."""
    chi0 = p.appropriable_share
    drug = chi0 * (1.0 - p.decriminalization_effect * decriminalization)
    return np.array([drug, chi0, chi0, drug])


@numba.njit(cache=True)
def transit_hectares(coca: np.ndarray, exit_of: np.ndarray) -> np.ndarray:
    """Coca area shipped through each exit territory (T,): each territory ships through its nearest exit by graph
    distance (Dell's least-cost routing with unit edge costs; `exit_of` -1 where no exit is reachable)."""
    out = np.zeros(coca.shape[0])
    for i in range(coca.shape[0]):
        if exit_of[i] >= 0:
            out[exit_of[i]] += coca[i]
    return out


@numba.njit(cache=True)
def rents_by_kind(coca: np.ndarray, gold: np.ndarray, population: np.ndarray, transit: np.ndarray, p) -> np.ndarray:
    """Gross monthly rents R_i,k (T, 4): coca, gold, extortion (per 100,000 inhabitants), routes (transit)."""
    T = coca.shape[0]
    out = np.empty((T, 4))
    for t in range(T):
        out[t, COCA] = coca[t] * p.coca_rent_per_ha
        out[t, GOLD] = gold[t] * p.gold_rent_per_ha
        out[t, EXTORTION] = population[t] / 1e5 * p.extortion_rent_per_100k
        out[t, ROUTES] = transit[t] * p.route_rent_per_ha
    return out


@numba.njit(cache=True)
def appropriable(kinds: np.ndarray, chi: np.ndarray, revenue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What each group could take in each territory if it controlled it fully, sum_k chi_k R_i,k [g lives on k]
    (G, T), and the appropriable rent of each territory over all kinds (T,)."""
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
    """Monthly rent each group takes (G,): its control share times the appropriable value, summed over territories."""
    G, T = value.shape
    out = np.zeros(G)
    for g in range(G):
        for t in range(T):
            out[g] += value[g, t] * control[t, g]
    return out


@numba.njit(cache=True)
def stakes(kinds: np.ndarray, revenue: np.ndarray, control: np.ndarray, p) -> np.ndarray:
    """Each group's stake (G,): its income under the status quo (no drug-policy change), at least STAKE_FLOOR. Deal
    benefits and cartel finance are measured against it."""
    rent = group_rents(appropriable(kinds, appropriable_shares(0.0, p), revenue)[0], control)
    for g in range(rent.shape[0]):
        rent[g] = max(rent[g], STAKE_FLOOR)
    return rent


@numba.njit(cache=True)
def exit_holdings(control: np.ndarray, vacated: np.ndarray, exits: np.ndarray) -> tuple[np.ndarray, float]:
    """Each group's control summed over the exit territories (G,) and the vacated control there (M2.3's entry)."""
    T, A = control.shape
    G = A - 1
    exit_control = np.zeros(G)
    vacuum_exits = 0.0
    for t in range(T):
        for g in range(G):
            exit_control[g] += control[t, g] * exits[t]
        vacuum_exits += vacated[t] * exits[t]
    return exit_control, vacuum_exits


@numba.njit(cache=True)
def cartel_transfers(finance: np.ndarray, allies: np.ndarray, exit_control: np.ndarray, alive: np.ndarray,
                     vacuum_exits: float) -> np.ndarray:
    """M2.3: foreign cartels pay allied proxies in proportion to the exits they control; a cartel's budget grows with
    the vacuum near exits, finance (1 + vacuum). Transfers received by each group (G,) in USD m / month."""
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


@numba.njit(cache=True)
def coca_change(substitution: float, announced: float, p) -> float:
    """Monthly relative change of the coca area: substitution removes it, announced but unpaid substitution adds to
    it (Mejía, Prem & Vargas): -s_rate Substitution + s_announce [announced]."""
    return -p.substitution_rate * substitution + p.substitution_announcement * announced


@numba.njit(cache=True)
def grow_coca(coca: np.ndarray, change: float) -> None:
    """Coca area after a month's relative change (in place, never below zero)."""
    for t in range(coca.shape[0]):
        coca[t] = max(coca[t] * (1.0 + change), 0.0)
