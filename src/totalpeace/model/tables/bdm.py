"""Bueno de Mesquita's expected-utility model as a forecaster of positions, issue by issue (M2.1).

The table's stakeholders (the state, the group, the guarantors, the host and the veto players) play BDM rounds on
each issue separately; their positions persist from month to month. The forecast (the median position after the
rounds) is the package the forecaster proposes; both signatories then decide whether to accept it, so a forecast that
gives one side less than its outside option is refused instead of being signed (the capitulation of a weak side in
two-actor BDM tables no longer makes a deal). With fewer than three stakeholders present BDM has nobody to build
coalitions with; the table step then uses the Nash protocol.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.bargaining import bdm_rounds


@numba.njit(cache=True)
def present_count(cap: np.ndarray) -> int:
    """Stakeholders with capability > 0."""
    n = 0
    for s in range(cap.shape[0]):
        if cap[s] > 0:
            n += 1
    return n


@numba.njit(cache=True)
def bdm_package(positions: np.ndarray, cap: np.ndarray, sal: np.ndarray, rounds: int, q: float, lo: np.ndarray,
                hi: np.ndarray, closed: np.ndarray, x: np.ndarray) -> None:
    """BDM rounds on every open issue (positions (S, K) updated in place); x_k = the forecast clipped to the box.
    Closed issues keep their agreed value."""
    S, K = positions.shape
    column = np.empty(S)
    weights = np.empty(S)
    for k in range(K):
        if closed[k] > 0 or hi[k] <= lo[k]:
            x[k] = min(max(x[k], lo[k]), hi[k])
            continue
        for s in range(S):
            column[s] = positions[s, k]
            weights[s] = sal[s, k]
        new, forecast = bdm_rounds(column.copy(), cap, weights, rounds, q)
        for s in range(S):
            positions[s, k] = new[s]
        x[k] = min(max(forecast, lo[k]), hi[k]) if np.isfinite(forecast) else lo[k]
