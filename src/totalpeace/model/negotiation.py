"""M2.1 / M2.1b negotiation tables: who sits, the bargaining forecast, and how tables move through their phases.

Each table is one issue x in [0, 1]: the share of the group's demands the deal meets. Its actors are the state, the
group, the guarantors (one bloc) and the group's sanctuary host. The forecast comes from the BDM expected-utility
engine (its median after rounds of offers, model/bargaining.py) or from the compromise baseline (capability x
salience weighted mean).
"""

from __future__ import annotations

from enum import IntEnum

import numba
import numpy as np

from totalpeace.engine.rng import draw_uniform
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
STATE, GROUP, GUARANTORS, HOST = range(4)  # the table's actors, in this order
# Plain integers for compiled code.
NONE = int(Phase.NONE)
EXPLORATION = int(Phase.EXPLORATION)
CEASEFIRE = int(Phase.CEASEFIRE)
PARTIAL = int(Phase.PARTIAL_AGREEMENTS)
FINAL = int(Phase.FINAL_AGREEMENT)
IMPLEMENTATION = int(Phase.IMPLEMENTATION)
DEMOBILIZED = int(Phase.DEMOBILIZED)
BROKEN = int(Phase.BROKEN_DOWN)


@numba.njit(cache=True)
def talking(phase: int) -> bool:
    """The table is open and unresolved (exploration, formal talks, ceasefire or partial agreements)."""
    return EXPLORATION <= phase <= PARTIAL


@numba.njit(cache=True)
def negotiated_ceasefire(phase: int) -> bool:
    """A ceasefire agreed at the table holds from its ceasefire phase through implementation."""
    return CEASEFIRE <= phase <= IMPLEMENTATION


@numba.njit(cache=True)
def stood_down(phase: int) -> bool:
    """The group is demobilising or demobilised: it no longer recruits."""
    return phase in (IMPLEMENTATION, DEMOBILIZED)


@numba.njit(cache=True)
def open_tables(phase: np.ndarray, month: int, table_start: np.ndarray, order: np.ndarray, phased: bool,
                eligible: np.ndarray, queued: np.ndarray) -> None:
    """Open the tables due this month (phase EXPLORATION, in place): simultaneous mode opens each at its start date;
    phased mode waits until every table before it in the order has signed or broken down (Sebenius' sequencing).
    `eligible`: the group exists and comes to the table this month (its willingness, model/choices.py); `queued`:
    the group exists and declared itself willing, so it keeps its place in the phased order while it hesitates; a
    group that is not queued never blocks the tables after it."""
    G = phase.shape[0]
    due = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        due[g] = phase[g] == NONE and table_start[g] >= 0 and month >= table_start[g] and eligible[g]
    if phased and order.shape[0] > 0:
        blocked = False
        ready = np.zeros(G, dtype=np.bool_)
        for g in order:
            ready[g] = due[g] and not blocked
            waiting = phase[g] == NONE and table_start[g] >= 0 and (eligible[g] or queued[g])
            blocked = blocked or talking(phase[g]) or due[g] or waiting
        due = ready
    for g in range(G):
        if due[g]:
            phase[g] = EXPLORATION


@numba.njit(cache=True)
def initial_positions(spoiler: np.ndarray, p) -> np.ndarray:
    """Opening positions (G, 4): the state's offer, the group's demand (greedy and total spoilers ask for all), the
    guarantors in the middle, the host leaning to the group."""
    G = spoiler.shape[0]
    pos = np.empty((G, 4))
    for g in range(G):
        pos[g, STATE] = p.position_state
        pos[g, GROUP] = p.position_group if spoiler[g] == 0 else 1.0
        pos[g, GUARANTORS] = 0.5
        pos[g, HOST] = p.position_host
    return pos


@numba.njit(cache=True)
def saliences(p) -> np.ndarray:
    """Saliences (4,) of the table's actors: state, group, guarantors, host."""
    return np.array([p.salience_state, p.salience_group, p.salience_guarantors, p.salience_host])


@numba.njit(cache=True)
def capabilities(p_group: float, guarantee: float, host_weight: float, legitimacy: float, cap: np.ndarray) -> None:
    """Capabilities of the table's actors (written into `cap`, 4,): the state's is its share of power (1 - p) raised
    by legitimacy; the group's is p; guarantors bring their index G; the host its tolerance-weighted sanctuary
    (Venezuela's leverage on the ELN table, M4.2). Negative values count as absent (0)."""
    cap[STATE] = max((1.0 - p_group) * (1.0 + legitimacy), 0.0)
    cap[GROUP] = max(p_group, 0.0)
    cap[GUARANTORS] = max(guarantee, 0.0)
    cap[HOST] = max(host_weight, 0.0)


@numba.njit(cache=True)
def forecasts(positions: np.ndarray, p_group: np.ndarray, guarantee: np.ndarray, host_weight: np.ndarray,
              legitimacy: float, phase: np.ndarray, bdm: bool, p) -> np.ndarray:
    """Each table's forecast x* (G,): with the BDM engine, `bdm_rounds_per_month` rounds at the tables in talks
    (their positions updated in place) and their median; elsewhere, and with the compromise engine, the weighted mean
    of the frozen positions, which is what signed agreements are worth."""
    G = positions.shape[0]
    sal = saliences(p)
    cap = np.empty(4)
    out = np.empty(G)
    rounds = int(p.bdm_rounds_per_month)
    for g in range(G):
        capabilities(p_group[g], guarantee[g], host_weight[g], legitimacy, cap)
        if bdm and talking(phase[g]):
            x, out[g] = bargaining.bdm_rounds(positions[g].copy(), cap, sal, rounds, p.bdm_status_quo_q)
            positions[g] = x
        else:
            w, present = bargaining.table_weights(cap, sal)
            out[g] = bargaining.weighted_mean(positions[g], w, present)
    return out


@numba.njit(cache=True)
def advance_probability(surplus: float, p) -> float:
    """Monthly chance that a table moves to its next phase: logistic(slope * surplus) / mean phase length; exactly
    zero for a total spoiler (surplus -inf) whatever the slope."""
    if surplus == -np.inf:
        return 0.0
    finite = surplus
    if np.isnan(finite):
        finite = -50.0
    finite = min(max(finite, -50.0), 50.0)
    z = min(max(p.acceptance_slope * finite, -50.0), 50.0)
    return 1.0 / (1.0 + np.exp(-z)) / p.talks_phase_months


@numba.njit(cache=True)
def advance_tables(phase: np.ndarray, surplus: np.ndarray, key: np.uint64, draws, p) -> tuple[np.ndarray, np.ndarray]:
    """Next month's phases (G,) and the groups that sign a final agreement this month: a table in talks moves one
    phase with `advance_probability` (uniform number g of the stream); a final agreement signed last month goes to
    implementation."""
    G = phase.shape[0]
    new_phase = phase.copy()
    just_signed = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        if talking(phase[g]) and draw_uniform(draws, key, g) < advance_probability(surplus[g], p):
            new_phase[g] = phase[g] + 1
        if phase[g] == FINAL:
            new_phase[g] = IMPLEMENTATION
        just_signed[g] = new_phase[g] == FINAL and phase[g] != FINAL
    return new_phase, just_signed


@numba.njit(cache=True)
def at_risk(phase: int) -> bool:
    """Tables in talks and agreements signed or in implementation can break down."""
    return talking(phase) or phase in (FINAL, IMPLEMENTATION)
