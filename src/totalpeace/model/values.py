"""The bargaining power of each group (M1.1, M5.1) and the kinds of concession the state may make (M6.1).

The values at the negotiation tables (war and peace values, outside options, the bargaining-power audit) are in
model/tables/values.py; p here is what the battlefield gives them.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.buffers import zeroed

CONCESSION_KINDS = ("arrest_orders_suspended", "extradition_suspended", "bombing_suspended", "zone")


@numba.njit(cache=True)
def bargaining_power(effort: np.ndarray, members: np.ndarray, sanctuary: np.ndarray, p,
                     out: np.ndarray | None = None) -> np.ndarray:
    """p_g = N_eff / (N_eff + e_S) (G,): the group's power in the Fearon / Powell sense, from its contest effort plus
    its sanctuary (weighted) against the state's effort over the territories where it has members (all territories
    if it has none); 0 where neither side exerts any effort."""
    G, T = members.shape
    out = zeroed(out, G)
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
