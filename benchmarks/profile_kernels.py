"""Where a month of the engine spends its time: each model function timed in a compiled loop on the flagship's state
after a year (so the figures exclude the cost of calling from Python), as a share of a whole month.

Run `python benchmarks/profile_kernels.py`. Sampling profilers (py-spy, pyinstrument) see only the one call into
compiled code; this breakdown is how the hot spots inside it were found (docs/performance.md).
"""

from __future__ import annotations

import time

import numba
import numpy as np

import totalpeace
from totalpeace.engine.month import step_run
from totalpeace.engine.rng import COUNTER, _negbin_one, stream_key
from totalpeace.engine.simulate import build_engine
from totalpeace.model import contest, economy, strength, values
from totalpeace.model.tables import bridge
from totalpeace.model.tables import layout as TL
from totalpeace.model.tables import month as tables_

REPEAT = 2000


@numba.njit
def _months(n, p, world, levers, effects, tables, state, records, options, draws):
    for _ in range(n):
        step_run(0, 11, 1, 0, p, world, levers, effects, tables, state, records, options, draws)


@numba.njit
def _efforts(n, members, cohesion, control, zone, transfers, rent0, forces, world, p, noise, draws):
    for i in range(n):
        effort = contest.efforts(members, cohesion, control, zone, False, transfers, rent0, forces, True,
                                 world.pop075, world.presence, world.is_cartel, world.adj_indptr, world.adj_indices, p)
        if noise:
            contest.perturb_efforts(effort, stream_key(1, 0, i, 1), draws, p)


@numba.njit
def _contest(n, effort, p):
    for _ in range(n):
        contest.contest_shares(effort, False, p)


@numba.njit
def _tables(n, engine, t, phase, st, x, closed, cap, bdm, inputs, national, members, zone, p):
    G, T = members.shape
    u = np.full((G, TL.N_U), 0.5)
    out, zones = np.zeros((G, TL.N_OUT)), np.zeros((G, T))
    audit, audit_x = np.zeros((G, TL.N_AU)), np.zeros(x.shape)
    for _ in range(n):
        tables_.tables_month(11, engine, False, np.zeros(0, dtype=np.int64), p, t.static, t.lo, t.hi, t.agenda,
                             t.cost, t.weights, t.stake_pos, t.stake_sal, t.ratify, t.veto_params, t.veto_salience,
                             phase.copy(), st.copy(), x.copy(), closed.copy(), cap.copy(), bdm.copy(), inputs,
                             national, members, zone, u, out, zones, audit, audit_x)


@numba.njit
def _attrition(n, members, state_effort, area, pressure, protected, pairs, p, draws):
    for i in range(n):
        _, _, losses = strength.losses_to_state(members, state_effort, area, pressure, protected,
                                                stream_key(1, 0, i, 2), draws, p)
        strength.losses_to_rivals(members, losses, pairs, stream_key(1, 0, i, 3), draws, p)


@numba.njit
def _recruitment(n, members, control, rent_t, presence, population, rearm, value, indptr, indices, p):
    for _ in range(n):
        strength.recruitment(members, control, rent_t, presence, population, rearm, p)
        strength.movement(members.copy(), value, indptr, indices, 0.0)


@numba.njit
def _homicides(n, mu, p):
    for i in range(n):
        key = stream_key(1, 0, i, 4)
        for t in range(mu.shape[0]):
            _negbin_one(mu[t], p.homicide_dispersion, key, np.uint64(t))


@numba.njit
def _economy(n, coca, world, chi, control, p):
    for _ in range(n):
        transit = economy.transit_hectares(coca, world.exit_of)
        kinds = economy.rents_by_kind(coca, world.gold, world.population, transit, p)
        value, _ = economy.appropriable(kinds, chi, world.revenue)
        economy.group_rents(value, control)


def timed(label: str, fn, *args) -> tuple[str, float]:
    fn(2, *args)  # compile
    start = time.process_time()
    fn(REPEAT, *args)
    return label, (time.process_time() - start) / REPEAT * 1e6


def main() -> None:
    scenario = totalpeace.load_scenario("colombia-2022")
    engine = build_engine(scenario, 24)
    batch = engine.start(np.zeros(1, dtype=np.int64))
    engine.advance(batch, 1, 0, 12)
    w, lv, p, st = engine.arrays, engine.levers, engine.p, batch.state
    members, control, phase = st.members[0], st.control[0], st.phase[0]
    G, T = members.shape
    zone = lv.zone[11]
    forces = lv.deployable[11] * w.total_forces
    effort = contest.efforts(members, 0.7, control, zone, False, np.zeros(G), np.ones(G), forces, True, w.pop075,
                             w.presence, w.is_cartel, w.adj_indptr, w.adj_indices, p)
    contest.perturb_efforts(effort, np.uint64(1), COUNTER, p)
    power = values.bargaining_power(effort, members, st.sanctuary[0], p)
    rent = np.full(G, 10.0)  # a plausible month's rent per group (USD m): the tables' cost barely depends on it
    inputs = bridge.tables_inputs(power, power, members.sum(axis=1) + st.sanctuary[0], w.armed_share, rent, rent,
                                  np.full(G, 0.5), st.sanctuary[0], np.full(G, 0.01), np.zeros(G),
                                  np.full(G, engine.effects.base_pressure[11]), np.ones(G), w.willing,
                                  lv.attacks[11], phase, lv.guarantee[11], np.zeros(G), lv.ceasefire[11],
                                  lv.bilateral[11], lv.concessions[11], lv.zone[11], st.group_cohesion[0])
    national = np.array([st.cohesion[0], lv.political_cost[11], lv.legitimacy[11]])
    rows = [
        timed("whole month (one run)", _months, p, w, lv, engine.effects, engine.tables, st, batch.records,
              engine.options, COUNTER),
        timed("efforts without noise", _efforts, members, 0.7, control, zone, np.zeros(G), np.ones(G), forces, w, p,
              False, COUNTER),
        timed("efforts with noise", _efforts, members, 0.7, control, zone, np.zeros(G), np.ones(G), forces, w, p,
              True, COUNTER),
        timed("contest (ratio)", _contest, effort, p),
        timed(f"negotiation tables ({int(sum(tables_.bargaining(x) for x in phase))} bargaining)", _tables,
              engine.options.negotiation_engine, engine.tables, phase, st.table_state[0], st.package[0],
              st.closed[0], st.mandate[0], st.bdm_positions[0], inputs, national, members, lv.zone[11], p),
        timed("attrition (state and rivals)", _attrition, members, effort[:, G].copy(), w.area,
              np.full(G, engine.effects.base_pressure[11]), np.zeros((G, T)), w.rival_pairs, p, COUNTER),
        timed("recruitment and movement", _recruitment, members, control, np.full(T, 0.001), w.presence,
              w.population, np.zeros((G, T)), np.ones((G, T)), w.adj_indptr, w.adj_indices, p),
        timed("homicide draws", _homicides, np.full(T, 40.0), p),
        timed("economy", _economy, st.coca[0], w, engine.effects.chi[11], control, p),
    ]
    total = rows[0][1]
    print(f"{'model function':45s} {'us / call':>10s} {'share of month':>15s}")
    for label, us in rows:
        print(f"{label:45s} {us:10.1f} {us / total:15.0%}")


if __name__ == "__main__":
    main()
