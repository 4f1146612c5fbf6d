"""The state of month 0, composed of the model's functions (the same every run, so computed once per scenario).

Members (armed and support networks) are spread by their presence shares, with a share of the armed abroad where a
host tolerates them; control starts at the fixed point of the territorial contest with those members and the arms
their rents keep, so that the first months do not drift from an arbitrary start; the routes, the arms and the cocaine
flows toward the neighbours are evaluated there, and no table is open yet; hosts start at their scheduled tolerance,
the donor's certification at 1, cartels at their scenario budget, neighbours' violence at 1 and each group's trend
at the scenario's observed growth of its members. The homicide baseline, the armed groups' homicide rate, each group's
stake and the cartels' starting holdings are set in the first month itself (engine/month.py), from that month's own
state.
"""

from __future__ import annotations

from collections.abc import Mapping

import numba
import numpy as np

from totalpeace.engine import state as state_vars
from totalpeace.engine.inputs import Options, WorldArrays
from totalpeace.engine.state import State
from totalpeace.model import contest, economy, security, spillover, strength, trafficking
from totalpeace.model.tables import month as tables

INIT_ITERATIONS = 200  # at most this many contest rounds to reach the initial control (routes can make it slow)
INIT_TOLERANCE = 1e-9  # the fixed point is reached when no control share moves by this much


@numba.njit(cache=True)
def arms_at(control: np.ndarray, armed: np.ndarray, support: np.ndarray, sanctuary: np.ndarray, coca: np.ndarray,
            chi: np.ndarray, world: WorldArrays, p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The groups' arms at their steady state under this control, as month 0 computes them (economy.py): the routes
    and rents of this control (with the income of the members in sanctuary at the rate month 0 sets), the cartels'
    transfers, the steady stock of arms and resources. Returns the stock
    (G,), the effort multiplier it gives (G,) and the routes (exit, next territory; T, each)."""
    G, T = armed.shape
    exit_of = np.empty(T, dtype=np.int64)
    next_hop = np.empty(T, dtype=np.int64)
    trafficking.least_cost_routes(trafficking.edge_costs(world.edge_length, world.adj_indptr, world.adj_indices,
                                                         control, p),
                                  world.adj_indptr, world.adj_indices, world.exits, exit_of, next_hop)
    kinds = economy.rents_by_kind(coca, world.gold, world.population,
                                  economy.corridor_hectares(coca, next_hop, exit_of), p)
    rent = economy.group_rents(economy.appropriable(kinds, chi, world.revenue)[0], control)
    economy.add_sanctuary_income(rent, economy.sanctuary_rates(world.sanctuary_income, rent, armed,
                                                               world.splinter_slot), sanctuary)
    fighters = np.empty(G)  # armed members in operations: in the country (members in sanctuary cost none)
    alive = np.zeros(G)
    for g in range(G):
        fighters[g] = 0.0
        networks = 0.0
        for t in range(T):
            fighters[g] += armed[g, t]
            networks += support[g, t]
        alive[g] = 1.0 if fighters[g] + sanctuary[g] + networks > 0.5 else 0.0
    exit_control, _vacuum = economy.exit_holdings(control, world.vacated, world.exits)
    transfers = economy.cartel_transfers(world.finance, world.allies, exit_control, alive, 0.0)
    stock = economy.steady_resources(economy.resources_inflow(rent, transfers, fighters, np.ones(G), p), p)
    return stock, economy.arms_multiplier(economy.arms_intensity(stock, fighters, p), p), exit_of, next_hop


@numba.njit(cache=True)
def contest_fixed_point(armed: np.ndarray, support: np.ndarray, sanctuary: np.ndarray, presence: np.ndarray,
                        cohesion: float, forces: float, conditional: bool, difference: bool, chi: np.ndarray,
                        world: WorldArrays, p) -> tuple[np.ndarray, np.ndarray]:
    """Control (T, G + 1) at the fixed point of the contest with the groups' effective presence (G, T) and the arms
    their rents keep at that control (`arms_at`), and the efforts there: the state's deployment and the groups'
    rents depend on control, so efforts (without noise, zones or ceasefires) and the contest are iterated, starting
    from a state holding nothing. The deployment targets the groups' armed density (the armed members in the
    country) as in every month, and the ground vacated at the start (no attack is remembered yet)."""
    G, T = presence.shape
    no_zone = np.zeros((G, T))
    base = security.targeting(world.pop075, security.threat(armed, np.ones(G), world.population),
                              world.vacated, np.zeros(T), cohesion, p)
    control = np.zeros((T, G + 1))
    effort = np.zeros((T, G + 1))
    outcome = control
    for i in range(INIT_ITERATIONS):
        multiplier = arms_at(control, armed, support, sanctuary, world.coca, chi, world, p)[1]
        effort = contest.efforts(presence, multiplier, cohesion, control, no_zone, False, forces, conditional,
                                 base, world.presence, p)
        outcome = contest.contest_shares(effort, difference, p)
        if i > 0 and np.max(np.abs(outcome - control)) < INIT_TOLERANCE:
            break
        control = outcome
    return outcome, effort


@numba.njit(cache=True)
def _fill(state: State, world: WorldArrays, p, options: Options) -> None:
    members, support, sanctuary = strength.initial_members(world.members, world.armed_share, world.member_presence,
                                                           world.sanctuary_max, world.start_host_tolerance)
    state.members[0][:] = members
    state.support[0][:] = support
    state.sanctuary[0][:] = sanctuary
    state.cohesion[0] = world.start_cohesion  # observed at the start; the buy-in is where it moves from there
    reach = contest.reach_shares(world.area, world.adj_indptr, p)
    presence = contest.effective_presence(members, support, reach, world.adj_indptr, world.adj_indices, p)
    chi = economy.appropriable_shares(world.start_decriminalization, p)
    control, _ = contest_fixed_point(members, support, sanctuary, presence, world.start_cohesion,
                                     world.start_deployable * world.total_forces, world.start_conditional,
                                     options.difference, chi, world, p)
    state.control[0][:] = control
    tables.initial_state(state.table_state[0], state.phase[0])
    state.group_cohesion[0][:] = world.group_cohesion
    state.coca[0][:] = world.coca
    state.ex_combatants[0][:] = world.ex_combatants
    state.vacated[0][:] = world.vacated
    state.leader_vacuum[0][:] = 0.0  # the ground vacated at the start, as if vacated in the month before
    contest.remember_leader_vacuum(state.leader_vacuum[0], world.vacated, p)
    stock, _multiplier, exit_of, next_hop = arms_at(control, members, support, sanctuary, world.coca, chi, world, p)
    state.resources[0][:] = stock
    state.route_exit[0][:] = exit_of
    state.route_next[0][:] = next_hop
    state.flow0[0][:] = spillover.neighbour_flows(world.coca, state.route_exit[0], control, world.neighbour_border)
    state.rent0[0][:] = 1.0
    state.trend[0][:] = world.members_trend
    state.tolerance[0][:] = world.start_tolerance
    state.certification[0] = 1.0
    state.engagement[0][:] = 1.0
    state.neighbour_index[0][:] = 1.0


def initial_state(world: WorldArrays, p, options: Options, sizes: Mapping[str, int]) -> State:
    """The state of month 0 for one run (every state variable with a run axis of length 1), from the world and the
    levers as they stood at the start (`WorldArrays.start_*`)."""
    out = state_vars.allocate(1, sizes)
    _fill(out, world, p, options)
    return out
