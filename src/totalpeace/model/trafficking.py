"""M2.3 trafficking routes re-optimised as control changes (Dell 2015): each territory ships its coca along the
least-cost path of the territory graph to an exit (a port or a land border), and traffickers re-route when the
state takes ground.

Edge cost (i, j) = length_ij (1 + a_S (c_S,i + c_S,j) / 2): the edge's length (km between the territories' points
where they are known, else 1 per territory crossed) times a friction that grows with the state's control of its two
ends (interdiction, checkpoints). A multi-source Dijkstra from the exits gives every territory its exit and the next
territory on its way (the route tree); src/totalpeace/routes.py is the same computation with static costs, used when
the world is built.
"""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def edge_costs(length: np.ndarray, indptr: np.ndarray, indices: np.ndarray, control: np.ndarray, p) -> np.ndarray:
    """Cost of every directed edge of the CSR adjacency (E,): length (1 + a_S (c_S,i + c_S,j) / 2)."""
    T, A = control.shape
    out = np.empty(indices.shape[0])
    for i in range(T):
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            out[e] = length[e] * (1.0 + p.route_state_aversion * 0.5 * (control[i, A - 1] + control[j, A - 1]))
    return out


@numba.njit(cache=True)
def _push(heap_cost: np.ndarray, heap_node: np.ndarray, size: int, cost: float, node: int) -> int:
    i = size
    heap_cost[i], heap_node[i] = cost, node
    while i > 0:
        parent = (i - 1) // 2
        if heap_cost[parent] <= heap_cost[i]:
            break
        heap_cost[parent], heap_cost[i] = heap_cost[i], heap_cost[parent]
        heap_node[parent], heap_node[i] = heap_node[i], heap_node[parent]
        i = parent
    return size + 1


@numba.njit(cache=True)
def _pop(heap_cost: np.ndarray, heap_node: np.ndarray, size: int) -> tuple[float, int, int]:
    cost, node = heap_cost[0], heap_node[0]
    size -= 1
    heap_cost[0], heap_node[0] = heap_cost[size], heap_node[size]
    i = 0
    while True:
        left, right, smallest = 2 * i + 1, 2 * i + 2, i
        if left < size and heap_cost[left] < heap_cost[smallest]:
            smallest = left
        if right < size and heap_cost[right] < heap_cost[smallest]:
            smallest = right
        if smallest == i:
            break
        heap_cost[smallest], heap_cost[i] = heap_cost[i], heap_cost[smallest]
        heap_node[smallest], heap_node[i] = heap_node[i], heap_node[smallest]
        i = smallest
    return cost, node, size


@numba.njit(cache=True)
def least_cost_routes(cost: np.ndarray, indptr: np.ndarray, indices: np.ndarray, exits: np.ndarray,
                      exit_of: np.ndarray, next_hop: np.ndarray) -> None:
    """Multi-source Dijkstra from the exits (in place): `exit_of` (T,) the exit each territory ships through (-1
    when none is reachable), `next_hop` (T,) the next territory on its route (-1 at an exit or when unreachable).
    Ties go to the territory reached first in index order, so the result is deterministic."""
    T = exits.shape[0]
    dist = np.full(T, np.inf)
    done = np.zeros(T, dtype=np.bool_)
    heap_cost = np.empty(indices.shape[0] + T + 1)
    heap_node = np.empty(indices.shape[0] + T + 1, dtype=np.int64)
    size = 0
    for i in range(T):
        exit_of[i] = -1
        next_hop[i] = -1
        if exits[i] > 0:
            dist[i] = 0.0
            exit_of[i] = i
            size = _push(heap_cost, heap_node, size, 0.0, i)
    while size > 0:
        d, i, size = _pop(heap_cost, heap_node, size)
        if done[i] or d > dist[i]:
            continue
        done[i] = True
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            if done[j]:
                continue
            candidate = d + cost[e]
            if candidate < dist[j]:
                dist[j] = candidate
                exit_of[j] = exit_of[i]
                next_hop[j] = i
                size = _push(heap_cost, heap_node, size, candidate, j)


@numba.njit(cache=True)
def reroute(month: int, length: np.ndarray, indptr: np.ndarray, indices: np.ndarray, exits: np.ndarray,
            control: np.ndarray, exit_of: np.ndarray, next_hop: np.ndarray, p) -> bool:
    """Re-optimise the routes (in place) every `route_update_months` months from month 0; True when it did."""
    every = max(int(p.route_update_months + 0.5), 1)
    if month % every != 0:
        return False
    least_cost_routes(edge_costs(length, indptr, indices, control, p), indptr, indices, exits, exit_of, next_hop)
    return True
