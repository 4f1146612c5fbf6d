"""M7.3 spill-over to neighbouring countries: V_k = V_k0 exp(theta_1 ln(Flow_k / Flow_k0) + theta_2 Vacuum_k
+ theta_3 Frag_k), reported as an index (1 at the start) per neighbour."""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.economy import transit_hectares


@numba.njit(cache=True)
def border_sums(values: np.ndarray, border: np.ndarray) -> np.ndarray:
    """Sum of a territory series (T,) over each neighbour's border territories (`border` (K, T) 0/1)."""
    K, T = border.shape
    out = np.zeros(K)
    for k in range(K):
        for t in range(T):
            out[k] += values[t] * border[k, t]
    return out


@numba.njit(cache=True)
def border_means(values: np.ndarray, border: np.ndarray) -> np.ndarray:
    """Mean of a territory series over each neighbour's border territories."""
    out = border_sums(values, border)
    for k in range(border.shape[0]):
        out[k] /= max(border[k].sum(), 1.0)
    return out


@numba.njit(cache=True)
def neighbour_flows(coca: np.ndarray, exit_of: np.ndarray, control: np.ndarray, border: np.ndarray) -> np.ndarray:
    """Cocaine moving through exits on each neighbour's border (K,), weighted by non-state control there."""
    transit = transit_hectares(coca, exit_of)
    T, A = control.shape
    carried = np.empty(T)
    for t in range(T):
        carried[t] = transit[t] * (1.0 - control[t, A - 1])
    return border_sums(carried, border)


@numba.njit(cache=True)
def neighbour_index(flow: np.ndarray, flow0: np.ndarray, vacuum: np.ndarray, fragmentation: np.ndarray,
                    p) -> np.ndarray:
    """Violence index of each neighbour (K,), 1 at the start; a neighbour without cocaine flow at the start keeps
    the flow term at zero. `vacuum` and `fragmentation` are border means."""
    K = flow.shape[0]
    out = np.empty(K)
    for k in range(K):
        ratio = max(flow[k], 1e-9) / max(flow0[k], 1e-9) if flow0[k] > 0 else 1.0
        z = (p.spillover_flow_effect * np.log(ratio) + p.spillover_vacuum_effect * vacuum[k]
             + p.spillover_fragmentation_effect * fragmentation[k])
        out[k] = np.exp(min(max(z, -20.0), 20.0))
    return out
