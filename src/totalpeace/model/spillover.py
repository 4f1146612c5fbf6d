"""M7.3 spill-over to neighbouring countries, with feedback: groups relocate members across the borders, each
neighbour's violence index responds to the cocaine flowing through its border, to vacated ground and splits on the
Colombian side and to the members relocated there, and the index feeds back into the rent of the routes through it.

V_k = exp(theta_1 ln(Flow_k / Flow_k0) + theta_2 Vacuum_k + theta_3 Frag_k + theta_4 Relocated_k / 1000), 1 at the
start, per neighbour k (K neighbours; one run).
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.buffers import zeroed
from totalpeace.model.economy import transit_hectares


@numba.njit(cache=True)
def border_sums(values: np.ndarray, border: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Sum of a territory series (T,) over each neighbour's border territories (`border` (K, T) 0/1)."""
    K, T = border.shape
    out = zeroed(out, K)
    for k in range(K):
        for t in range(T):
            out[k] += values[t] * border[k, t]
    return out


@numba.njit(cache=True)
def border_means(values: np.ndarray, border: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Mean of a territory series over each neighbour's border territories."""
    out = border_sums(values, border, out)
    for k in range(border.shape[0]):
        out[k] /= max(border[k].sum(), 1.0)
    return out


@numba.njit(cache=True)
def neighbour_flows(coca: np.ndarray, exit_of: np.ndarray, control: np.ndarray, border: np.ndarray,
                    transit: np.ndarray | None = None, carried: np.ndarray | None = None,
                    out: np.ndarray | None = None) -> np.ndarray:
    """Cocaine moving through exits on each neighbour's border (K,), weighted by non-state control there (`transit`
    and `carried` (T,) work buffers, `out` the result's, each allocated when not given)."""
    transit = transit_hectares(coca, exit_of, transit)
    T, A = control.shape
    if carried is None:
        carried = np.empty(T)
    for t in range(T):
        carried[t] = transit[t] * (1.0 - control[t, A - 1])
    return border_sums(carried, border, out)


@numba.njit(cache=True)
def relocation(members: np.ndarray, relocated: np.ndarray, border: np.ndarray, tolerance: np.ndarray,
               host_neighbour: np.ndarray, push: np.ndarray, p) -> None:
    """Members moving across the border into each neighbour and back (in place; members (G, T), relocated (G, K)).

    A group under pressure at home (push_g in [0, 1]: its annualised losses to the state and rivals) sends
    r_out push_g H_k of its members in the territories bordering k across that border, where the neighbour tolerates
    armed groups (H_k, its host tolerance); members abroad return at r_back (1 - push_g) a month, into those border
    territories in proportion to the group's members there (spread evenly over them if it has none left), and desert
    at the domestic rate. The country a group uses as its declared sanctuary is left to the sanctuary mechanism
    (`host_neighbour` (G,) its index among the neighbours, -1 for none).
    """
    G, T = members.shape
    K = border.shape[0]
    for g in range(G):
        for k in range(K):
            if k == host_neighbour[g]:
                continue
            pool, cells = 0.0, 0.0
            for t in range(T):
                if border[k, t] > 0:
                    pool += members[g, t]
                    cells += 1.0
            if cells == 0.0:
                continue
            out = p.relocation_rate * push[g] * tolerance[k] * pool
            back = p.return_rate * (1.0 - push[g]) * relocated[g, k]
            relocated[g, k] = max(relocated[g, k] * (1.0 - p.desertion_rate) + out - back, 0.0)
            net = back - out
            for t in range(T):
                if border[k, t] > 0:
                    share = members[g, t] / pool if pool > 0 else 1.0 / cells
                    members[g, t] = max(members[g, t] + net * share, 0.0)


@numba.njit(cache=True)
def push(loss_share: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """How hard each group is pressed at home (G,): its share of members lost last month, annualised, at most 1."""
    if out is None:
        out = np.empty(loss_share.shape[0])
    for g in range(loss_share.shape[0]):
        out[g] = min(max(12.0 * loss_share[g], 0.0), 1.0)
    return out


@numba.njit(cache=True)
def neighbour_index(flow: np.ndarray, flow0: np.ndarray, vacuum: np.ndarray, fragmentation: np.ndarray,
                    relocated: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """Violence index of each neighbour (K,), 1 at the start; a neighbour without cocaine flow at the start keeps
    the flow term at zero. `vacuum` and `fragmentation` are border means, `relocated` the members relocated there."""
    K = flow.shape[0]
    if out is None:
        out = np.empty(K)
    for k in range(K):
        ratio = max(flow[k], 1e-9) / max(flow0[k], 1e-9) if flow0[k] > 0 else 1.0
        z = (p.spillover_flow_effect * np.log(ratio) + p.spillover_vacuum_effect * vacuum[k]
             + p.spillover_fragmentation_effect * fragmentation[k]
             + p.spillover_relocation_effect * relocated[k] / 1000.0)
        out[k] = np.exp(min(max(z, -20.0), 20.0))
    return out


@numba.njit(cache=True)
def relocated_by_neighbour(relocated: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Members relocated into each neighbour, all groups (K,)."""
    G, K = relocated.shape
    out = zeroed(out, K)
    for g in range(G):
        for k in range(K):
            out[k] += relocated[g, k]
    return out


@numba.njit(cache=True)
def route_rent_factor(index: np.ndarray, border: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The feedback on rents (T,): route rents at a Colombian exit on neighbour k's border are multiplied by
    V_k^theta_R (the product over the neighbours it borders), computed by `scale_route_rents`."""
    K, T = border.shape
    if out is None:
        out = np.ones(T)
    else:
        out[:] = 1.0
    for k in range(K):
        for t in range(T):
            if border[k, t] > 0:
                out[t] *= index[k]
    return out


@numba.njit(cache=True)
def scale_route_rents(kinds: np.ndarray, index: np.ndarray, border: np.ndarray, p,
                      factor: np.ndarray | None = None) -> None:
    """Route rents (the last column of `kinds` (T, 4)) at exits bordering violent neighbours, in place: R_route,i x
    (prod_k V_k)^theta_R. Disorder across the border (weaker interdiction, more buyers and fighters) makes the routes
    through it pay more (Castillo, Mejía & Restrepo: enforcement shocks move the trade and its violence)."""
    factor = route_rent_factor(index, border, factor)
    for t in range(kinds.shape[0]):
        if factor[t] != 1.0:
            kinds[t, 3] *= factor[t] ** p.spillover_route_feedback
