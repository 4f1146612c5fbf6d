"""M3.1 attrition, M5.2 recruitment, movement and M4.2 sanctuary for one run (reference: model/strength.py)."""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.rng import _poisson_one
from totalpeace.model.strength import MAX_MONTHLY_LOSS, MIN_SEARCH_AREA


@numba.njit(cache=True)
def losses_to_state(members: np.ndarray, state_effort: np.ndarray, area: np.ndarray, pressure: np.ndarray,
                    protected: np.ndarray, key: np.uint64, p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected losses to the state (G, T), Poisson clashes per territory and the realised losses (G, T)."""
    G, T = members.shape
    expected = np.zeros((G, T))
    clashes = np.zeros(T)
    losses = np.zeros((G, T))
    for t in range(T):
        density = state_effort[t] / max(area[t], MIN_SEARCH_AREA)
        total = 0.0
        for g in range(G):
            rate = min(p.state_attrition * pressure[g] * density * (1.0 - protected[g, t]), MAX_MONTHLY_LOSS)
            expected[g, t] = rate * members[g, t]
            total += expected[g, t]
        clashes[t] = _poisson_one(total / p.members_per_clash, key, np.uint64(t))
        if total > 0:
            for g in range(G):
                losses[g, t] = min(expected[g, t] / total * (clashes[t] * p.members_per_clash), members[g, t])
    return expected, clashes, losses


@numba.njit(cache=True)
def losses_to_rivals(members: np.ndarray, losses_state: np.ndarray, pairs: np.ndarray, key: np.uint64,
                     p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected losses between rival groups sharing a territory (G, T), clashes (T) and realised losses (G, T)."""
    G, T = members.shape
    exposure = np.zeros((G, T))
    for k in range(pairs.shape[0]):
        g, h = pairs[k, 0], pairs[k, 1]
        for t in range(T):
            total = members[g, t] + members[h, t]
            if total > 0.0:
                exposure[g, t] += members[h, t] / total
    expected = np.zeros((G, T))
    clashes = np.zeros(T)
    losses = np.zeros((G, T))
    for t in range(T):
        total = 0.0
        for g in range(G):
            expected[g, t] = min(p.intergroup_attrition * exposure[g, t], 0.5) * members[g, t]
            total += expected[g, t]
        clashes[t] = _poisson_one(total / p.members_per_clash / 2.0, key, np.uint64(t))
        if total > 0:
            for g in range(G):
                losses[g, t] = min(expected[g, t] / total * (2.0 * clashes[t] * p.members_per_clash),
                                   members[g, t] - losses_state[g, t])
    return expected, clashes, losses


@numba.njit(cache=True)
def recruitment(members: np.ndarray, control: np.ndarray, rent_per_member: np.ndarray, presence: np.ndarray,
                youth: np.ndarray, rearm: np.ndarray, p) -> np.ndarray:
    """Recruits (G, T): own networks where the group holds ground, opportunity cost, state absence, crowding."""
    G, T = members.shape
    out = np.zeros((G, T))
    legal = max(p.legal_income_per_member, 1e-12)
    for t in range(T):
        z = p.recruitment_rent_effect * np.log(max(rent_per_member[t], 1e-12) / legal) \
            + p.recruitment_state_effect * (0.5 - presence[t])
        z = min(max(z, -30.0), 30.0)
        propensity = 2.0 / (1.0 + np.exp(-z))
        capacity = p.carrying_share * youth[t]
        local = 0.0
        for g in range(G):
            local += members[g, t]
        filled = local / capacity if capacity > 0 else 1.0
        crowding = min(max(1.0 - filled, 0.0), 1.0)
        for g in range(G):
            held = min(max(control[t, g], 0.0), 1.0)
            out[g, t] = p.recruitment_rate * members[g, t] * (0.5 + held) * propensity * crowding * (1.0 + rearm[g, t])
    return out


@numba.njit(cache=True)
def movement(members: np.ndarray, attractiveness: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
             rate: float) -> None:
    """Move a share `rate` of each group's members to neighbouring territories in proportion to their
    attractiveness (in place; totals conserved)."""
    G, T = members.shape
    denom = np.empty(T)
    per_unit = np.empty(T)
    for g in range(G):
        for t in range(T):
            s = 0.0
            for e in range(indptr[t], indptr[t + 1]):
                s += max(attractiveness[g, indices[e]], 0.0)
            denom[t] = s
            per_unit[t] = rate * members[g, t] / s if s > 0 else 0.0
        for t in range(T):
            inflow = 0.0
            for e in range(indptr[t], indptr[t + 1]):
                inflow += per_unit[indices[e]]
            movable = rate * members[g, t] if denom[t] > 0 else 0.0
            members[g, t] = members[g, t] - movable + max(attractiveness[g, t], 0.0) * inflow


@numba.njit(cache=True)
def sanctuary_flow(members: np.ndarray, sanctuary: np.ndarray, target_share: np.ndarray, host_border: np.ndarray,
                   speed: float) -> None:
    """Move members between the border territories and the foreign sanctuary toward sigma_max H of the total."""
    G, T = members.shape
    for g in range(G):
        total, pool = 0.0, 0.0
        for t in range(T):
            total += members[g, t]
            if host_border[g, t] > 0:
                pool += members[g, t]
        total += sanctuary[g]
        use_border = pool > 0
        source_total = 0.0
        for t in range(T):
            if not use_border or host_border[g, t] > 0:
                source_total += members[g, t]
        flow = speed * (target_share[g] * total - sanctuary[g])
        flow = min(flow, source_total)
        if not source_total > 0:
            flow = max(flow, 0.0)
        for t in range(T):
            if source_total > 0 and (not use_border or host_border[g, t] > 0):
                members[g, t] = max(members[g, t] - flow * (members[g, t] / source_total), 0.0)
            else:
                members[g, t] = max(members[g, t], 0.0)
        sanctuary[g] = max(sanctuary[g] + flow, 0.0)
