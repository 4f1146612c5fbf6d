"""M7.3 spill-over to neighbouring countries: V_k = V_k0 exp(theta_1 ln(Flow_k / Flow_k0) + theta_2 Vacuum_k
+ theta_3 Frag_k), reported as an index (1 at the start) per neighbour."""

from __future__ import annotations

import numpy as np


def neighbour_index(flow: np.ndarray, flow0: np.ndarray, border_vacuum: np.ndarray, border_frag: np.ndarray,
                    p: dict[str, float]) -> np.ndarray:
    """Violence index of each neighbour (R, K); a neighbour without cocaine flow keeps the flow term at zero."""
    ratio = np.where(flow0 > 0, np.maximum(flow, 1e-9) / np.maximum(flow0, 1e-9), 1.0)
    z = (p["spillover_flow_effect"] * np.log(ratio) + p["spillover_vacuum_effect"] * border_vacuum
         + p["spillover_fragmentation_effect"] * border_frag)
    return np.exp(np.clip(z, -20.0, 20.0))
