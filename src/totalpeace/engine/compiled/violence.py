"""M7.1/M7.2 homicides and M7.3 spill-over for one run (reference: model/violence.py, model/spillover.py)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True)
def margin(control: np.ndarray, t: int) -> float:
    """c_max - c_second in territory t (the state's share when it is the only actor)."""
    A = control.shape[1]
    if A < 2:
        return control[t, A - 1]
    first, second = -np.inf, -np.inf
    for a in range(A):
        c = control[t, a]
        if c > first:
            first, second = c, first
        elif c > second:
            second = c
    return first - second


@numba.njit(cache=True)
def kalyvas_zone(control: np.ndarray, t: int) -> int:
    """1/5 full control (c_max >= 0.9), 2/4 dominant (>= 0.6), 3 parity; the state's side is 1-2."""
    A = control.shape[1]
    cmax = control[t, 0]
    for a in range(1, A):
        cmax = max(cmax, control[t, a])
    zone = 1 if cmax >= 0.9 else (2 if cmax >= 0.6 else 3)
    if control[t, A - 1] >= cmax or zone == 3:
        return zone
    return 6 - zone


@numba.njit(cache=True)
def homicide_drivers(control: np.ndarray, members: np.ndarray, fragmentation: np.ndarray, rent_t: np.ndarray,
                     p) -> np.ndarray:
    """beta_c (1 - m) + beta_n ln(1 + n) + beta_f Frag + beta_R ln(1 + chi R) - beta_S c_state per territory."""
    G, T = members.shape
    out = np.empty(T)
    for t in range(T):
        present = 0
        for g in range(G):
            if members[g, t] > 1.0:
                present += 1
        out[t] = (p.homicide_contested_effect * (1.0 - margin(control, t))
                  + p.homicide_groups_effect * np.log1p(present)
                  + p.homicide_fragmentation_effect * fragmentation[t] + p.homicide_rent_effect * np.log1p(rent_t[t])
                  - p.homicide_state_effect * control[t, G])
    return out


@numba.njit(cache=True)
def posture_share(control: np.ndarray, posture: np.ndarray, t: int) -> float:
    """Control-weighted violence posture of the groups present (1 where no group holds control)."""
    G = control.shape[1] - 1
    held, weighted = 0.0, 0.0
    for g in range(G):
        held += control[t, g]
        weighted += control[t, g] * posture[g]
    return weighted / max(held, 1e-12) if held > 1e-12 else 1.0


@numba.njit(cache=True)
def neighbour_index(flow: np.ndarray, flow0: np.ndarray, vacuum: np.ndarray, fragmentation: np.ndarray,
                    p) -> np.ndarray:
    """Violence index of each neighbour (1 at the start)."""
    K = flow.shape[0]
    out = np.empty(K)
    for k in range(K):
        ratio = max(flow[k], 1e-9) / max(flow0[k], 1e-9) if flow0[k] > 0 else 1.0
        z = (p.spillover_flow_effect * np.log(ratio) + p.spillover_vacuum_effect * vacuum[k]
             + p.spillover_fragmentation_effect * fragmentation[k])
        out[k] = np.exp(min(max(z, -20.0), 20.0))
    return out


@numba.njit(cache=True)
def border_means(values: np.ndarray, border: np.ndarray) -> np.ndarray:
    """Mean of a territory series over each neighbour's border territories."""
    out = border_sums(values, border)
    for k in range(border.shape[0]):
        out[k] /= max(border[k].sum(), 1.0)
    return out


@numba.njit(cache=True)
def border_sums(values: np.ndarray, border: np.ndarray) -> np.ndarray:
    K, T = border.shape
    out = np.zeros(K)
    for k in range(K):
        for t in range(T):
            out[k] += values[t] * border[k, t]
    return out
