"""Invariants of the tables' month on random runs (hypothesis): whatever the battlefield sends, phases move only along
allowed transitions, nobody signs below their outside option, beliefs and trust stay probabilities, packages stay in
their box and the outputs the battlefield reads stay in range."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_tables_month import Run

from totalpeace.model.tables import layout as L
from totalpeace.model.tables.issues import ENGINES, Phase
from totalpeace.model.tables.reasons import Reason

ALLOWED = {  # phase -> phases it may move to in one month
    Phase.NONE: {Phase.NONE, Phase.EXPLORATION, Phase.SUSPENDED, Phase.BROKEN_DOWN},  # an attack in the opening month
    Phase.EXPLORATION: {Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.SUSPENDED, Phase.BROKEN_DOWN},
    Phase.FORMAL_TALKS: {Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS, Phase.FINAL_AGREEMENT, Phase.SUSPENDED,
                         Phase.BROKEN_DOWN},
    Phase.PARTIAL_AGREEMENTS: {Phase.PARTIAL_AGREEMENTS, Phase.FINAL_AGREEMENT, Phase.SUSPENDED, Phase.BROKEN_DOWN},
    Phase.SUSPENDED: {Phase.SUSPENDED, Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS,
                      Phase.BROKEN_DOWN},
    Phase.FINAL_AGREEMENT: {Phase.FINAL_AGREEMENT, Phase.IMPLEMENTATION, Phase.PARTIAL_AGREEMENTS,
                            Phase.BROKEN_DOWN},
    Phase.IMPLEMENTATION: {Phase.IMPLEMENTATION, Phase.DEMOBILIZED, Phase.BROKEN_DOWN},
    Phase.DEMOBILIZED: {Phase.DEMOBILIZED},
    Phase.BROKEN_DOWN: {Phase.BROKEN_DOWN},
}


@st.composite
def runs(draw: st.DrawFn) -> tuple[Run, np.ndarray]:
    engine = draw(st.sampled_from(ENGINES))
    run = Run(groups=3, engine=engine, params={"breakdown_hazard_base": draw(st.sampled_from([1e-9, 0.015])),
                                               "talks_phase_months": draw(st.floats(1.0, 8.0))},
              prior=(0.6, 0.2, 0.2), true_type=draw(st.integers(0, 2)))
    run.inp[:, L.IN_RENT] = draw(st.lists(st.floats(0.01, 40.0), min_size=3, max_size=3))
    run.inp[:, L.IN_STAKE] = run.inp[:, L.IN_RENT]
    run.inp[:, L.IN_POWER] = run.inp[:, L.IN_POWER_NO_ZONE] = draw(st.lists(st.floats(0.0, 1.0), min_size=3,
                                                                            max_size=3))
    run.inp[:, L.IN_MEMBERS] = run.inp[:, L.IN_ARMED] = draw(st.lists(st.floats(10.0, 20_000.0), min_size=3,
                                                                      max_size=3))
    run.inp[:, L.IN_GUARANTEE] = draw(st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3))
    run.inp[:, L.IN_HOST] = draw(st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3))
    run.inp[0, L.IN_ARREST:L.IN_ZONE + 1] = draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=4, max_size=4))
    run.static[:, L.TB_CONDITIONAL] = draw(st.sampled_from([0.0, 1.0]))
    run.static[1, L.TB_POLITICAL] = 0.0
    attacks = np.array(draw(st.lists(st.sampled_from([0.0, 0.0, 0.0, 1.0]), min_size=36, max_size=36)))
    return run, attacks


@settings(max_examples=40, deadline=None)
@given(runs())
def test_the_tables_keep_their_invariants(case: tuple[Run, np.ndarray]) -> None:
    run, attacks = case
    for month in range(36):
        before = run.phase.copy()
        run.inp[0, L.IN_ATTACKS] = attacks[month]
        run.inp[1, L.IN_VIOLATIONS] = attacks[(month * 7) % 36]
        run.step()
        for g in range(3):
            assert Phase(run.phase[g]) in ALLOWED[Phase(before[g])], (before[g], run.phase[g])
            reason = run.audit[g, L.AU_REASON]
            if reason == Reason.SIGNED:
                assert run.audit[g, L.AU_GROUP_VALUE] >= run.audit[g, L.AU_GROUP_OUTSIDE] - 1e-9
                assert run.audit[g, L.AU_STATE_VALUE] >= run.audit[g, L.AU_STATE_OUTSIDE] - 1e-9
            if run.phase[g] != Phase.NONE:
                belief = run.st[g, L.ST_BELIEF:L.ST_BELIEF + 3]
                assert np.all((belief >= 0) & (belief <= 1)) and abs(belief.sum() - 1) < 1e-9
                assert 0 <= run.audit[g, L.AU_TRUST] <= 1
                assert np.all(run.x[g] >= run.lo[g] - 1e-12) and np.all(run.x[g] <= run.hi[g] + 1e-12)
            out = run.out[g]
            assert out[L.OUT_CEASEFIRE] in (0, 1, 2)
            assert 0 <= out[L.OUT_VERIFICATION] <= 1 and 0 <= out[L.OUT_PROTECTION] <= 1
            assert 0 <= out[L.OUT_SPLIT_PROBABILITY] <= 1 and 0 <= out[L.OUT_SPLIT_SHARE] <= 0.9
            assert out[L.OUT_DDR_RATE] >= 0 and (out[L.OUT_DDR_RATE] > 0) == (run.phase[g] == Phase.IMPLEMENTATION)
            if run.phase[g] == Phase.BROKEN_DOWN:
                assert not out[L.OUT_ARREST:L.OUT_ZONE + 1].any()  # concessions lapse once a table has ended
        # a total spoiler never signs
        if int(run.st[0, L.ST_TYPE]) == 2:
            assert run.phase[0] not in (Phase.FINAL_AGREEMENT, Phase.IMPLEMENTATION, Phase.DEMOBILIZED)
