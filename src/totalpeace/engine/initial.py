"""The state of month 0, composed of the model's functions (the same every run, so computed once per scenario).

Members are spread by their presence shares, with a share abroad where a host tolerates them; control starts at the
fixed point of the territorial contest with those members, so that the first months do not drift from an arbitrary
start; the cocaine flows toward the neighbours are evaluated there, and no table is open yet; hosts start at their
scheduled tolerance, the donor's certification at 1, cartels at their scenario budget and neighbours' violence at 1.
The homicide baseline, the armed groups' homicide rate, each group's stake and the cartels' starting holdings are set
in the first month itself (engine/month.py), from that month's own state.
"""

from __future__ import annotations

from collections.abc import Mapping

import numba
import numpy as np

from totalpeace.engine import state as state_vars
from totalpeace.engine.inputs import Levers, Options, WorldArrays
from totalpeace.engine.state import State
from totalpeace.model import contest, security, spillover, strength
from totalpeace.model.tables import month as tables

INIT_ITERATIONS = 50  # at most this many contest rounds to reach the initial control
INIT_TOLERANCE = 1e-9  # the fixed point is reached when no control share moves by this much


@numba.njit(cache=True)
def contest_fixed_point(members: np.ndarray, cohesion: float, forces: float, conditional: bool, difference: bool,
                        world: WorldArrays, p) -> tuple[np.ndarray, np.ndarray]:
    """Control (T, G + 1) at the fixed point of the contest with these members, and the efforts there: the state's
    deployment depends on control, so efforts (without noise, zones or cartel money) and the contest are iterated,
    starting from a state holding nothing. The deployment targets the groups' armed density as in every month (no
    ground is vacated and no attack remembered yet)."""
    G, T = members.shape
    no_zone = np.zeros((G, T))
    no_transfers, own_rent = np.zeros(G), np.ones(G)
    base = security.targeting(world.pop075, security.threat(members, world.armed_share, np.ones(G), world.population),
                              np.zeros(T), np.zeros(T), cohesion, p)
    control = np.zeros((T, G + 1))
    effort = np.zeros((T, G + 1))
    outcome = control
    for i in range(INIT_ITERATIONS):
        effort = contest.efforts(members, cohesion, control, no_zone, False, no_transfers, own_rent, forces,
                                 conditional, base, world.presence, world.is_cartel, world.adj_indptr,
                                 world.adj_indices, p)
        outcome = contest.contest_shares(effort, difference, p)
        if i > 0 and np.max(np.abs(outcome - control)) < INIT_TOLERANCE:
            break
        control = outcome
    return outcome, effort


@numba.njit(cache=True)
def _fill(state: State, world: WorldArrays, levers: Levers, p, options: Options) -> None:
    members, sanctuary = strength.initial_members(world.members, world.member_presence, world.sanctuary_max,
                                                  levers.host_tolerance[0])
    state.members[0][:] = members
    state.sanctuary[0][:] = sanctuary
    state.cohesion[0] = levers.buy_in[0]
    control, _ = contest_fixed_point(members, levers.buy_in[0], levers.deployable[0] * world.total_forces,
                                     levers.conditional[0] > 0, options.difference, world, p)
    state.control[0][:] = control
    tables.initial_state(state.table_state[0], state.phase[0])
    state.group_cohesion[0][:] = world.group_cohesion
    state.coca[0][:] = world.coca
    state.flow0[0][:] = spillover.neighbour_flows(world.coca, world.exit_of, control, world.neighbour_border)
    state.rent0[0][:] = 1.0
    state.tolerance[0][:] = levers.tolerance[0]
    state.certification[0] = 1.0
    state.engagement[0][:] = 1.0
    state.neighbour_index[0][:] = 1.0


def initial_state(world: WorldArrays, levers: Levers, p, options: Options, sizes: Mapping[str, int]) -> State:
    """The state of month 0 for one run (every state variable with a run axis of length 1)."""
    out = state_vars.allocate(1, sizes)
    _fill(out, world, levers, p, options)
    return out
