"""Trafficking routes: least-cost paths on the territory graph from every territory to its cheapest exit.

Dell (2015) models traffickers who ship along the cheapest path to an exit and re-route when a crackdown raises the
cost of a place. `least_cost_routes` is that computation for any territory graph and any edge costs; the world build
calls it once with static costs (world.py), and a model that changes costs month by month (control, interdiction)
can call it again with new costs.

Edge costs (`edge_costs`): the distance between the two territories' representative points times a friction
1 + a (S_i + S_j) / 2, where S is institutional (state) presence and a = ROUTE_STATE_AVERSION: routes avoid places
where the state is present. No road network, river network or elevation data ship with the package, so terrain is
not represented (an assumption stated in docs/model.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

# Friction of state presence on a route (assumption): a place with full state presence costs three times as much to
# cross as one without (a = 2), the order of the detours Dell (2015) finds around municipalities with crackdowns.
ROUTE_STATE_AVERSION = 2.0
KM_PER_DEG = 111.2


@dataclass(frozen=True)
class Routes:
    """Where each territory's product leaves the country and the territories it crosses on the way."""

    exit_of: np.ndarray  # (T,) index of the exit each territory ships through, -1 when none is reachable
    cost: np.ndarray  # (T,) cost of the route (inf when unreachable)
    transit_share: sp.csr_matrix  # (T, T) 1 at (i, exit of i)
    corridor: sp.csr_matrix  # (T, T) 1 at (i, k) for every territory k on i's route after i, its exit included

    def throughput(self, amount: np.ndarray) -> np.ndarray:
        """What crosses each territory (its own amount excluded) when every territory ships `amount` along its
        route: the corridor volume, exits included."""
        return np.asarray(self.corridor.T @ np.asarray(amount, dtype=float)).ravel()


def edge_costs(adjacency: sp.csr_matrix, lon: np.ndarray, lat: np.ndarray, state_presence: np.ndarray,
               aversion: float = ROUTE_STATE_AVERSION) -> sp.csr_matrix:
    """Symmetric (T, T) costs on the adjacency's edges: km between points times 1 + aversion * mean presence."""
    coo = sp.triu(adjacency, k=1).tocoo()
    i, j = coo.row, coo.col
    mean_lat = np.radians((lat[i] + lat[j]) / 2.0)
    dx = (lon[i] - lon[j]) * np.cos(mean_lat)
    dy = lat[i] - lat[j]
    km = np.maximum(np.hypot(dx, dy) * KM_PER_DEG, 1e-3)
    friction = 1.0 + aversion * (state_presence[i] + state_presence[j]) / 2.0
    upper = sp.coo_matrix((km * friction, (i, j)), shape=adjacency.shape)
    return (upper + upper.T).tocsr()


def least_cost_routes(adjacency: sp.csr_matrix, exits: np.ndarray, costs: sp.csr_matrix | None = None) -> Routes:
    """Each territory ships through its cheapest exit (multi-source Dijkstra from the exits).

    Without `costs` every edge costs 1 (the fewest territories crossed), as when no geography is known."""
    n = adjacency.shape[0]
    exit_idx = np.flatnonzero(exits)
    empty = sp.csr_matrix((n, n))
    if len(exit_idx) == 0:
        return Routes(np.full(n, -1), np.full(n, math.inf), empty, empty)
    if costs is None:
        dist, pred, source = dijkstra(adjacency, directed=False, indices=exit_idx, unweighted=True, min_only=True,
                                      return_predecessors=True)
    else:
        dist, pred, source = dijkstra(costs, directed=False, indices=exit_idx, min_only=True,
                                      return_predecessors=True)
    reachable = np.flatnonzero(np.isfinite(dist))
    exit_of = np.full(n, -1)
    exit_of[reachable] = source[reachable]
    transit = sp.csr_matrix((np.ones(len(reachable)), (reachable, source[reachable])), shape=(n, n))
    rows, cols = [], []
    for i in reachable:  # walk the shortest-path tree from i to its exit
        k = i
        while pred[k] >= 0:
            k = pred[k]
            rows.append(i)
            cols.append(k)
    corridor = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return Routes(exit_of, dist, transit, corridor)
