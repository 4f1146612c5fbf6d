"""Where a month of the compiled engine spends its time: each kernel timed in a compiled loop on the flagship's
state after a year (so the figures exclude the cost of calling from Python), as a share of a whole month.

Run `python benchmarks/profile_kernels.py`. Sampling profilers (py-spy, pyinstrument) see only the one call into
the kernel; this breakdown is how the hot spots inside it were found (docs/performance.md).
"""

from __future__ import annotations

import time

import numba
import numpy as np

import totalpeace
from totalpeace.engine.compiled import economy, forces, layout, strength, talks
from totalpeace.engine.compiled.month import _step_run
from totalpeace.engine.compiled.runner import CompiledEngine
from totalpeace.engine.rng import _negbin_one, stream_key
from totalpeace.engine.schedule import build_schedule
from totalpeace.world import build_world

REPEAT = 2000


@numba.njit
def _months(n, p, world, levers, state, out, flags):
    for _ in range(n):
        _step_run(0, 11, 1, 0, p, world, levers, state, out, flags[0], flags[1], flags[2])


@numba.njit
def _efforts(n, members, cohesion, control, zone, transfers, rent0, forces_m, pop075, presence, is_cartel, indptr,
             indices, p, noise):
    for i in range(n):
        forces.efforts(members, cohesion, control, zone, False, transfers, rent0, forces_m, True, pop075, presence,
                       is_cartel, indptr, indices, p, stream_key(1, 0, i, 1), noise)


@numba.njit
def _contest(n, effort, p):
    for _ in range(n):
        forces.contest(effort, False, p)


@numba.njit
def _forecasts(n, positions, p_group, guarantee, host_weight, phase, p):
    for _ in range(n):
        talks.forecasts(positions.copy(), p_group, guarantee, host_weight, 0.5, phase, True, p)


@numba.njit
def _attrition(n, members, state_effort, area, pressure, protected, pairs, p):
    for i in range(n):
        _, _, losses = strength.losses_to_state(members, state_effort, area, pressure, protected,
                                                stream_key(1, 0, i, 2), p)
        strength.losses_to_rivals(members, losses, pairs, stream_key(1, 0, i, 3), p)


@numba.njit
def _recruitment(n, members, control, rent_t, presence, youth, rearm, value, indptr, indices, p):
    for _ in range(n):
        strength.recruitment(members, control, rent_t, presence, youth, rearm, p)
        strength.movement(members.copy(), value, indptr, indices, 0.0)


@numba.njit
def _homicides(n, mu, p):
    for i in range(n):
        key = stream_key(1, 0, i, 4)
        for t in range(mu.shape[0]):
            _negbin_one(mu[t], p.homicide_dispersion, key, np.uint64(t))


@numba.njit
def _economy(n, coca, gold, population, exit_of, chi, revenue, control, p):
    for _ in range(n):
        transit = economy.transit_hectares(coca, exit_of)
        kinds = economy.rents_by_kind(coca, gold, population, transit, p)
        value, _ = economy.appropriable(kinds, chi, revenue)
        economy.group_rents(value, control)



def timed(label: str, fn, *args) -> tuple[str, float]:
    fn(2, *args)  # compile
    start = time.process_time()
    fn(REPEAT, *args)
    return label, (time.process_time() - start) / REPEAT * 1e6


def main() -> None:
    scenario = totalpeace.load_scenario("colombia-2022")
    world = build_world(scenario)
    months = 24
    schedule = build_schedule(scenario, world, months)
    params = scenario.parameters.model_dump()
    params.pop("calibration")
    engine = CompiledEngine(world, schedule, params, "bdm", "ratio", False,
                            float(scenario.security.military + scenario.security.police), months)
    state = layout.state_arrays(engine.initial, 1)
    out = layout.record_arrays(1, months, world)
    from totalpeace.engine.compiled.month import step_batch

    step_batch(0, 12, 1, np.zeros(1, dtype=np.int64), engine.p, engine.world_arrays, engine.levers, state, out,
               *engine.flags)
    w, lv, p = engine.world_arrays, engine.levers, engine.p
    members, control = state[0][0], state[2][0]
    G, T = members.shape
    phase = state[3][0]
    zone = lv[6][11]
    effort = forces.efforts(members, 0.7, control, zone, False, np.zeros(G), np.ones(G), 1e5, True, w[1], w[4],
                            w[11], w[7], w[8], p, np.uint64(1), True)
    rows = [
        timed("whole month (one run)", _months, p, w, lv, state, out, engine.flags),
        timed("efforts without noise", _efforts, members, 0.7, control, zone, np.zeros(G), np.ones(G), 1e5, w[1],
              w[4], w[11], w[7], w[8], p, False),
        timed("efforts with noise", _efforts, members, 0.7, control, zone, np.zeros(G), np.ones(G), 1e5, w[1], w[4],
              w[11], w[7], w[8], p, True),
        timed("contest (ratio)", _contest, effort, p),
        timed(f"BDM forecasts ({int(sum(talks.talking(x) for x in phase))} tables in talks)", _forecasts,
              state[5][0], np.full(G, 0.4), lv[10][11], np.zeros(G), phase, p),
        timed("attrition (state and rivals)", _attrition, members, effort[:, G].copy(), w[2], lv[13][11],
              np.zeros((G, T)), w[15], p),
        timed("recruitment and movement", _recruitment, members, control, np.full(T, 0.001), w[4], w[23],
              np.zeros((G, T)), np.ones((G, T)), w[7], w[8], p),
        timed("homicide draws", _homicides, np.full(T, 40.0), p),
        timed("economy", _economy, state[8][0], w[3], w[0], w[6], lv[2][11], w[12], control, p),
    ]
    total = rows[0][1]
    print(f"{'kernel':45s} {'us / call':>10s} {'share of month':>15s}")
    for label, us in rows:
        print(f"{label:45s} {us:10.1f} {us / total:15.0%}")


if __name__ == "__main__":
    main()
