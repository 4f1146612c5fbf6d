"""M2.1 / M2.1b negotiation tables: who sits, the bargaining forecast, and how tables move through their phases.

Each table is one issue x in [0, 1]: the share of the group's demands the deal meets. Its actors are the state, the
group, the guarantors (one bloc) and the group's sanctuary host. The forecast comes from the BDM expected-utility
engine (its median after a round of offers) or from the compromise baseline (capability x salience weighted mean).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from totalpeace.model import bargaining


class Phase(IntEnum):
    """Table phases; a group without a table stays NONE."""

    NONE = 0
    EXPLORATION = 1
    FORMAL_TALKS = 2
    CEASEFIRE = 3
    PARTIAL_AGREEMENTS = 4
    FINAL_AGREEMENT = 5
    IMPLEMENTATION = 6
    DEMOBILIZED = 7
    BROKEN_DOWN = 8


TALKING = (Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.CEASEFIRE, Phase.PARTIAL_AGREEMENTS)
STATE, GROUP, GUARANTORS, HOST = range(4)


def in_phases(phase: np.ndarray, phases: tuple[Phase, ...]) -> np.ndarray:
    """Boolean mask of tables in any of `phases` (a table lookup: cheaper than np.isin in the monthly loop)."""
    lookup = np.zeros(len(Phase), dtype=bool)
    lookup[[int(x) for x in phases]] = True
    return lookup[phase]


def open_tables(phase: np.ndarray, month: int, table_start: np.ndarray, order: np.ndarray, phased: bool,
                eligible: np.ndarray) -> np.ndarray:
    """Tables that open this month: simultaneous mode opens each at its start date; phased mode waits until every
    table before it in the order has signed or broken down (Sebenius' sequencing). `eligible` (R, G): the group
    exists and is willing; a group that is not eligible never blocks the tables after it."""
    due = (phase == Phase.NONE) & (table_start >= 0) & (month >= table_start) & eligible
    if not phased or len(order) == 0:
        return due
    unresolved = in_phases(phase, TALKING)
    ready = np.zeros_like(due)
    blocked = np.zeros(phase.shape[0], dtype=bool)
    for g in order:
        ready[:, g] = due[:, g] & ~blocked
        waiting = (phase[:, g] == Phase.NONE) & (table_start[g] >= 0) & eligible[:, g]
        blocked = blocked | unresolved[:, g] | due[:, g] | waiting
    return ready


def actor_table(p_group: np.ndarray, guarantee: np.ndarray, host_weight: np.ndarray, legitimacy: float,
                p: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Capabilities (R, G, 4) and saliences (4,) of the table's actors.

    The state's capability is its share of power (1 - p) raised by legitimacy; the group's is p; guarantors bring
    their index G; the host its tolerance-weighted sanctuary (Venezuela's leverage on the ELN table, M4.2).
    """
    parts = np.broadcast_arrays((1.0 - p_group) * (1.0 + legitimacy), p_group, guarantee, host_weight)
    cap = np.stack(parts, axis=-1)
    sal = np.array([p["salience_state"], p["salience_group"], p["salience_guarantors"], p["salience_host"]])
    return np.clip(cap, 0.0, None), sal


def initial_positions(runs: int, spoiler: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Opening positions (R, G, 4): the state's offer, the group's demand (greedy and total spoilers ask for all),
    the guarantors in the middle, the host leaning to the group."""
    group = np.where(spoiler == 0, p["position_group"], 1.0)
    pos = np.empty((runs, len(spoiler), 4))
    pos[..., STATE] = p["position_state"]
    pos[..., GROUP] = group[None, :]
    pos[..., GUARANTORS] = 0.5
    pos[..., HOST] = p["position_host"]
    return pos


def bargain(positions: np.ndarray, cap: np.ndarray, sal: np.ndarray, engine: str, rounds: int, q: float,
            active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """New positions and the forecast x* (R, G) at the `active` tables (BDM rounds there only); elsewhere positions
    stay and the forecast is the compromise of the frozen positions, which is what signed agreements are worth."""
    forecast = bargaining.weighted_mean(positions, cap, sal)
    if engine == "compromise" or not active.any():
        return positions, forecast
    idx = np.nonzero(active)
    pos, at_tables = bargaining.bdm_rounds(positions[idx], cap[idx], sal, rounds, q=q)
    positions = positions.copy()
    positions[idx] = pos
    forecast[idx] = at_tables
    return positions, forecast


def advance_probability(surplus: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Monthly chance that a table moves to its next phase: logistic(slope * surplus) / mean phase length; exactly
    zero for a total spoiler (surplus -inf) whatever the slope."""
    finite = np.clip(np.nan_to_num(surplus, nan=-50.0, posinf=50.0, neginf=-50.0), -50.0, 50.0)
    z = np.clip(p["acceptance_slope"] * finite, -50.0, 50.0)
    return np.where(np.isneginf(surplus), 0.0, 1.0 / (1.0 + np.exp(-z)) / p["talks_phase_months"])
