"""Unit tests of the model's mechanism functions (src/totalpeace/model) and of the counter-based random numbers.

Each test states what the mechanism should do according to the research note (MECHANISMS.md, sections M1-M7):
known values worked out by hand where the formula is simple, directional and comparative properties otherwise.
Parameters are the registry defaults unless a test sets them, so hand-computed values name the numbers they use.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from totalpeace.engine import rng
from totalpeace.engine.rng import Purpose
from totalpeace.model import commitment, contest, economy, security, spillover, strength, values, violence
from totalpeace.model.negotiation import (
    GROUP,
    GUARANTORS,
    HOST,
    STATE,
    TALKING,
    Phase,
    actor_table,
    advance_probability,
    bargain,
    in_phases,
    initial_positions,
    open_tables,
)
from totalpeace.scenario.params import PARAMETERS

DEFAULTS: dict[str, float] = {p.name: p.default for p in PARAMETERS}
LIMITED, GREEDY, TOTAL = values.LIMITED, values.GREEDY, values.TOTAL
COCA, GOLD, EXTORTION, ROUTES = economy.COCA, economy.GOLD, economy.EXTORTION, economy.ROUTES


def params(**changes: float) -> dict[str, float]:
    """The default parameters with some values replaced."""
    unknown = set(changes) - set(DEFAULTS)
    assert not unknown, f"unknown parameters {unknown}"
    return {**DEFAULTS, **changes}


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def adjacency(n: int, pairs: list[tuple[int, int]]) -> sp.csr_matrix:
    """Symmetric 0/1 sparse adjacency, as world.py builds it."""
    rows = [a for a, b in pairs] + [b for a, b in pairs]
    cols = [b for a, b in pairs] + [a for a, b in pairs]
    return sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


# =====================================================================================================================
# M1.2 economy: rents and drug policy
# =====================================================================================================================
def test_territory_rents_sums_each_kind_by_hand() -> None:
    p = params(coca_rent_per_ha=0.001, gold_rent_per_ha=0.01, extortion_rent_per_100k=0.1, route_rent_per_ha=0.002)
    coca = np.array([[100.0, 0.0], [200.0, 50.0]])  # two runs, two territories
    gold = np.array([10.0, 0.0])
    population = np.array([200_000.0, 50_000.0])
    transit = np.array([[0.0, 100.0], [0.0, 250.0]])
    rents = economy.territory_rents(coca, gold, population, transit, p)
    assert rents.shape == (2, 2, 4)
    np.testing.assert_allclose(rents[0, 0], [0.1, 0.1, 0.2, 0.0])  # 100 ha x 0.001, 10 ha x 0.01, 2 x 0.1, no transit
    np.testing.assert_allclose(rents[0, 1], [0.0, 0.0, 0.05, 0.2])
    np.testing.assert_allclose(rents[1, 0], [0.2, 0.1, 0.2, 0.0])
    np.testing.assert_allclose(rents[1, 1], [0.05, 0.0, 0.05, 0.5])
    # Gold and extortion are the same in every run (fixed territory attributes).
    np.testing.assert_array_equal(rents[0, :, [GOLD, EXTORTION]], rents[1, :, [GOLD, EXTORTION]])


def test_appropriable_shares_fall_linearly_with_decriminalization_only_for_drugs() -> None:
    p = params(appropriable_share=0.6, decriminalization_effect=0.7)
    at = {d: economy.appropriable_shares(d, p) for d in (0.0, 0.5, 1.0)}
    np.testing.assert_allclose(at[0.0], [0.6, 0.6, 0.6, 0.6])
    np.testing.assert_allclose(at[1.0], [0.6 * 0.3, 0.6, 0.6, 0.6 * 0.3])  # chi_0 (1 - theta_D)
    np.testing.assert_allclose(at[0.5], (at[0.0] + at[1.0]) / 2)  # linear in D
    for d in (0.25, 0.5, 1.0):  # gold and extortion untouched by drug policy (M1.2)
        chi = economy.appropriable_shares(d, p)
        assert chi[GOLD] == chi[EXTORTION] == 0.6
    assert economy.appropriable_shares(1.0, p)[COCA] == economy.appropriable_shares(1.0, p)[ROUTES]


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
@settings(max_examples=30, deadline=None)
def test_appropriable_shares_monotone_and_within_chi0(d1: float, d2: float) -> None:
    lo, hi = sorted((d1, d2))
    a, b = economy.appropriable_shares(lo, DEFAULTS), economy.appropriable_shares(hi, DEFAULTS)
    assert np.all(b <= a + 1e-15)
    assert np.all((b >= 0) & (b <= DEFAULTS["appropriable_share"]))


def test_transit_hectares_follow_the_routing_matrix() -> None:
    # Territories 0 and 1 ship through exit 2; exit 2 ships its own coca; territory 3 ships through exit 3.
    routing = sp.csr_matrix((np.ones(4), ([0, 1, 2, 3], [2, 2, 2, 3])), shape=(4, 4))
    coca = np.array([[10.0, 20.0, 5.0, 7.0], [1.0, 0.0, 0.0, 0.0]])
    transit = economy.transit_hectares(coca, routing)
    np.testing.assert_allclose(transit, [[0.0, 0.0, 35.0, 7.0], [0.0, 0.0, 1.0, 0.0]])
    np.testing.assert_allclose(transit.sum(axis=1), coca.sum(axis=1))  # every hectare leaves by one exit


def test_appropriable_value_counts_only_the_groups_revenue_kinds() -> None:
    rents = np.array([[[1.0, 2.0, 3.0, 4.0]]])  # (R=1, T=1, 4)
    chi = np.array([0.5, 0.5, 0.5, 0.25])
    # Revenue kinds: the first group takes all four, the second gold only, the third extortion and routes.
    revenue = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
    value = economy.appropriable_value(rents, chi, revenue)
    assert value.shape == (1, 3, 1)
    np.testing.assert_allclose(value[0, :, 0], [0.5 + 1.0 + 1.5 + 1.0, 1.0, 1.5 + 1.0])


def test_group_rents_are_control_weighted_values() -> None:
    value = np.array([[[10.0, 4.0], [2.0, 8.0]]])  # (R=1, G=2, T=2)
    control = np.array([[[0.5, 0.25, 0.25], [0.0, 1.0, 0.0]]])  # (R, T, G + state)
    np.testing.assert_allclose(economy.group_rents(value, control), [[10 * 0.5 + 4 * 0.0, 2 * 0.25 + 8 * 1.0]])


def test_cartel_transfers_go_to_allies_by_exit_control_and_grow_with_vacuum() -> None:
    # Groups: 0 a cartel (finance 2) allied with 1 and 2; 3 not allied.
    finance = np.array([2.0, 0.0, 0.0, 0.0])
    allies = np.zeros((4, 4))
    allies[0, 1] = allies[1, 0] = allies[0, 2] = allies[2, 0] = 1.0
    exit_control = np.array([[0.0, 3.0, 1.0, 5.0]])
    active = np.ones((1, 4), dtype=bool)
    got = economy.cartel_transfers(finance, allies, exit_control, active, np.array([0.0]))
    np.testing.assert_allclose(got, [[0.0, 1.5, 0.5, 0.0]])  # 2 split 3:1; the non-ally gets nothing
    grown = economy.cartel_transfers(finance, allies, exit_control, active, np.array([0.5]))
    np.testing.assert_allclose(grown, got * 1.5)  # budget x (1 + vacuum near exits)
    # An inactive (destroyed) proxy gets nothing; its share goes to the other ally.
    active2 = np.array([[True, True, False, True]])
    np.testing.assert_allclose(economy.cartel_transfers(finance, allies, exit_control, active2, np.array([0.0])),
                               [[0.0, 2.0, 0.0, 0.0]])
    # No exits held by allies: no transfers (and no division by zero).
    none = economy.cartel_transfers(finance, allies, np.zeros((1, 4)), active, np.array([0.0]))
    np.testing.assert_array_equal(none, np.zeros((1, 4)))


# =====================================================================================================================
# M1.1 / M1.3 / M2.1b / M6.1 war versus peace values
# =====================================================================================================================
def test_war_value_by_hand_and_rises_with_concession_shield() -> None:
    p = params(discount_factor=0.98, war_cost_months=12.0)
    rent, pressure = np.array([1.0]), np.array([0.9])
    # V_war = 1 / 0.02 - 12 x 1 x 0.9 x (1 - shield)
    assert values.war_value(rent, pressure, np.array([0.0]), p)[0] == pytest.approx(50.0 - 10.8)
    assert values.war_value(rent, pressure, np.array([0.5]), p)[0] == pytest.approx(50.0 - 5.4)
    shields = np.linspace(0.0, 0.75, 4)  # 0 to 3 concessions of CONCESSION_SHIELD each
    v = values.war_value(np.full(4, 1.0), np.full(4, 0.9), shields, p)
    assert np.all(np.diff(v) > 0)  # concessions make war cheaper: the threat point moves against the state (M6.1)
    # More repression pressure lowers the value of war; more rent raises it.
    assert values.war_value(rent, np.array([0.3]), np.array([0.0]), p)[0] > values.war_value(
        rent, pressure, np.array([0.0]), p)[0]
    assert values.war_value(np.array([2.0]), pressure, np.array([0.0]), p)[0] == pytest.approx(2 * 39.2)


def test_peace_value_by_hand() -> None:
    p = params(discount_factor=0.98, legal_income_per_member=0.0002, amnesty_value_months=24.0,
               concession_trust=0.25, political_value_months=12.0, confiscation_share=0.5, wealth_kept_months=24.0)
    # legal = 0.0002 x 1000 / 0.02 = 10; months = 24 (1 + 0.25 x 2) + 12 + 0.5 x 24 = 60; x = 0.5, rent = 2 -> 60.
    v = values.peace_value(np.array([0.5]), np.array([1000.0]), np.array([2.0]), np.array([True]), np.array([2.0]), p)
    assert v[0] == pytest.approx(10.0 + 0.5 * 60.0 * 2.0)
    # Without political status the participation term drops out (M1.1: 0 for criminal groups).
    v_crim = values.peace_value(np.array([0.5]), np.array([1000.0]), np.array([2.0]), np.array([False]),
                                np.array([2.0]), p)
    assert v_crim[0] == pytest.approx(10.0 + 0.5 * 48.0 * 2.0)


def test_peace_value_rises_with_terms_and_concessions_and_falls_with_confiscation() -> None:
    x = np.linspace(0.0, 1.0, 6)
    one = np.ones(6)
    by_x = values.peace_value(x, 500 * one, 3 * one, np.ones(6, bool), 0 * one, DEFAULTS)
    assert np.all(np.diff(by_x) > 0)
    conc = np.arange(4.0)
    by_conc = values.peace_value(np.full(4, 0.6), np.full(4, 500.0), np.full(4, 3.0), np.ones(4, bool), conc, DEFAULTS)
    assert np.all(np.diff(by_conc) > 0)  # trust: concessions make the promised amnesty more credible
    taus = [values.peace_value(np.array([0.6]), np.array([500.0]), np.array([3.0]), np.array([True]), np.array([0.0]),
                               params(confiscation_share=t))[0] for t in (0.0, 0.5, 1.0)]
    assert taus[0] > taus[1] > taus[2]
    # At x = 0 only legal income remains.
    v0 = values.peace_value(np.array([0.0]), np.array([500.0]), np.array([3.0]), np.array([True]), np.array([2.0]),
                            DEFAULTS)
    assert v0[0] == pytest.approx(DEFAULTS["legal_income_per_member"] * 500 / (1 - DEFAULTS["discount_factor"]))


def test_reservation_by_spoiler_type() -> None:
    p = params(reservation_limited=0.1, reservation_greedy=0.3, greed_concession_effect=0.2, holdout_premium=0.05)
    v_war = np.array([-40.0, 40.0, 40.0])
    spoiler = np.array([LIMITED, GREEDY, TOTAL])
    rho = values.reservation(v_war, spoiler, np.array([2.0, 2.0, 2.0]), np.array([1.0, 1.0, 1.0]), p)
    assert rho[0] == pytest.approx((0.1 + 0.05) * 40.0)  # scaled by |V_war|
    assert rho[1] == pytest.approx((0.3 + 0.2 * 2 + 0.05) * 40.0)
    assert np.isposinf(rho[2])  # total spoilers never accept (M1.3)


def test_reservation_greedy_rises_with_concessions_limited_does_not() -> None:
    conc = np.arange(5.0)
    greedy = values.reservation(np.full(5, 10.0), np.full(5, GREEDY), conc, np.zeros(5), DEFAULTS)
    limited = values.reservation(np.full(5, 10.0), np.full(5, LIMITED), conc, np.zeros(5), DEFAULTS)
    assert np.all(np.diff(greedy) > 0)  # concessions read as weakness
    assert np.all(np.diff(limited) == 0)


@pytest.mark.parametrize("spoiler", [LIMITED, GREEDY])
def test_holdout_premium_rises_with_open_tables(spoiler: int) -> None:
    open_count = np.arange(5.0)
    rho = values.reservation(np.full(5, 10.0), np.full(5, spoiler), np.zeros(5), open_count, DEFAULTS)
    assert np.all(np.diff(rho) > 0)  # Cunningham's last-signer incentive
    np.testing.assert_allclose(np.diff(rho), DEFAULTS["holdout_premium"] * 10.0)


def test_relative_surplus_by_hand_and_minus_infinity_for_total_spoilers() -> None:
    s = values.relative_surplus(np.array([60.0, 60.0, 1.0]), np.array([-40.0, 40.0, 40.0]),
                                np.array([4.0, 4.0, np.inf]))
    assert s[0] == pytest.approx((60 + 40 - 4) / 40)
    assert s[1] == pytest.approx((60 - 40 - 4) / 40)
    assert np.isneginf(s[2])
    # A zero war value does not divide by zero.
    assert np.isfinite(values.relative_surplus(np.array([1.0]), np.array([0.0]), np.array([0.0]))[0])


def test_win_probability() -> None:
    p = values.win_probability(np.array([1.0, 3.0, 0.0, 0.0]), np.array([1.0, 1.0, 5.0, 0.0]))
    np.testing.assert_allclose(p, [0.5, 0.75, 0.0, 0.0])  # no effort on either side: 0, not NaN


def test_nash_split_by_hand_and_clipped() -> None:
    # x* = p + (c_S - c_G) / 2 (M1.1 corollary, M6.1)
    got = values.nash_split(np.array([0.4, 0.4, 0.4, 0.9, 0.1]), np.array([0.2, 0.0, 0.1, 0.5, 0.0]),
                            np.array([0.0, 0.2, 0.1, 0.0, 0.5]))
    np.testing.assert_allclose(got, [0.5, 0.3, 0.4, 1.0, 0.0])


def test_threat_costs_by_hand_and_concessions_move_the_split_toward_the_group() -> None:
    p = params(war_cost_months=12.0, bombing_share_of_attrition=0.3, discount_factor=0.98, war_cost_share=0.1)
    base = np.array([[0.9, 0.9, 0.9]])
    conc = np.array([[False, False, False, False],  # no concessions
                     [False, False, True, False],  # bombing suspended
                     [True, True, False, False]])  # arrest and extradition orders suspended
    c_state, c_group = values.threat_costs(base, conc, p)
    # c_G = 12 x pressure x (1 - 0.25 k) x 0.02; suspended bombing cuts pressure by 30% and doubles c_S.
    np.testing.assert_allclose(c_group, [[12 * 0.9 * 0.02, 12 * 0.63 * 0.75 * 0.02, 12 * 0.9 * 0.5 * 0.02]])
    np.testing.assert_allclose(c_state, [[0.1, 0.2, 0.1]])
    with_conc = values.nash_split(np.full((1, 3), 0.4), c_state, c_group)
    without = values.nash_split(np.full((1, 3), 0.4), *values.threat_costs(base, np.zeros_like(conc), p))
    assert with_conc[0, 0] == without[0, 0]
    assert np.all(with_conc[0, 1:] > without[0, 1:])  # unilateral concessions undercut the state (M6.1)


@given(st.floats(0, 1), st.floats(0, 2), st.floats(0, 2), st.floats(0, 1))
@settings(max_examples=40, deadline=None)
def test_nash_split_moves_toward_the_stronger_cheaper_side(p: float, cs: float, cg: float, dp: float) -> None:
    base = values.nash_split(np.array([p]), np.array([cs]), np.array([cg]))[0]
    assert 0.0 <= base <= 1.0
    assert values.nash_split(np.array([min(1.0, p + dp)]), np.array([cs]), np.array([cg]))[0] >= base
    assert values.nash_split(np.array([p]), np.array([cs + dp]), np.array([cg]))[0] >= base  # state's war costlier
    assert values.nash_split(np.array([p]), np.array([cs]), np.array([cg + dp]))[0] <= base


# =====================================================================================================================
# M2.1 / M2.1b negotiation tables
# =====================================================================================================================
def test_in_phases() -> None:
    phase = np.array([[Phase.NONE, Phase.EXPLORATION, Phase.PARTIAL_AGREEMENTS, Phase.FINAL_AGREEMENT,
                       Phase.BROKEN_DOWN]], dtype=np.int8)
    np.testing.assert_array_equal(in_phases(phase, TALKING), [[False, True, True, False, False]])


def test_open_tables_simultaneous_and_phased() -> None:
    none = np.zeros((1, 3), dtype=np.int8)
    start = np.array([0, 0, 5])
    order = np.array([0, 1, 2])
    eligible = np.ones((1, 3), dtype=bool)
    np.testing.assert_array_equal(open_tables(none, 0, start, order, False, eligible), [[True, True, False]])
    np.testing.assert_array_equal(open_tables(none, 5, start, order, False, eligible), [[True, True, True]])
    # Phased (Sebenius): only the first in the order opens; the next waits while it is unresolved.
    np.testing.assert_array_equal(open_tables(none, 0, start, order, True, eligible), [[True, False, False]])
    talking = np.array([[Phase.FORMAL_TALKS, Phase.NONE, Phase.NONE]], dtype=np.int8)
    np.testing.assert_array_equal(open_tables(talking, 6, start, order, True, eligible), [[False, False, False]])
    for resolved in (Phase.IMPLEMENTATION, Phase.BROKEN_DOWN, Phase.DEMOBILIZED):
        ph = np.array([[resolved, Phase.NONE, Phase.NONE]], dtype=np.int8)
        np.testing.assert_array_equal(open_tables(ph, 6, start, order, True, eligible), [[False, True, False]])
    # A group that is not eligible (unwilling, or gone) never opens and does not block those after it.
    not_first = np.array([[False, True, True]])
    np.testing.assert_array_equal(open_tables(none, 0, start, order, True, not_first), [[False, True, False]])
    np.testing.assert_array_equal(open_tables(none, 0, start, order, False, not_first), [[False, True, False]])
    # Eligibility is per run: each run of a batch follows its own sequence.
    two_runs = np.zeros((2, 3), dtype=np.int8)
    per_run = np.array([[True, True, True], [False, True, True]])
    np.testing.assert_array_equal(open_tables(two_runs, 0, start, order, True, per_run),
                                  [[True, False, False], [False, True, False]])
    # Tables already open are not reopened; a group without a table (start -1) never opens.
    np.testing.assert_array_equal(open_tables(talking, 0, np.array([0, -1, 0]), order, False, eligible),
                                  [[False, False, True]])


def test_actor_table_capabilities() -> None:
    p_group = np.array([[0.25, 0.6]])
    cap, sal = actor_table(p_group, np.array([[0.8, 0.0]]), np.array([[0.45, 0.0]]), 0.5, DEFAULTS)
    assert cap.shape == (1, 2, 4)
    np.testing.assert_allclose(cap[0, 0], [0.75 * 1.5, 0.25, 0.8, 0.45])  # legitimacy raises the state's capability
    np.testing.assert_allclose(cap[0, 1], [0.4 * 1.5, 0.6, 0.0, 0.0])
    np.testing.assert_allclose(sal, [DEFAULTS[k] for k in ("salience_state", "salience_group", "salience_guarantors",
                                                            "salience_host")])


def test_initial_positions_greedy_and_total_spoilers_ask_for_all() -> None:
    pos = initial_positions(2, np.array([LIMITED, GREEDY, TOTAL]), DEFAULTS)
    assert pos.shape == (2, 3, 4)
    np.testing.assert_allclose(pos[:, :, STATE], DEFAULTS["position_state"])
    np.testing.assert_allclose(pos[:, :, GROUP], [[DEFAULTS["position_group"], 1.0, 1.0]] * 2)
    np.testing.assert_allclose(pos[:, :, GUARANTORS], 0.5)
    np.testing.assert_allclose(pos[:, :, HOST], DEFAULTS["position_host"])


def test_compromise_engine_returns_the_weighted_mean() -> None:
    positions = np.array([[[0.2, 0.8, 0.5, 0.7]]])
    cap = np.array([[[0.6, 0.4, 0.5, 0.0]]])
    sal = np.array([0.5, 1.0, 0.4, 0.4])
    new, forecast = bargain(positions, cap, sal, "compromise", 1, 1.0, np.array([[True]]))
    w = cap[0, 0] * sal
    assert forecast[0, 0] == pytest.approx((w * positions[0, 0]).sum() / w.sum())
    assert forecast[0, 0] == pytest.approx(0.48 / 0.9)  # (0.06 + 0.32 + 0.1) / (0.3 + 0.4 + 0.2)
    np.testing.assert_array_equal(new, positions)


def test_bdm_moves_only_active_tables_and_forecasts_within_the_positions() -> None:
    pos = initial_positions(3, np.array([LIMITED, GREEDY]), DEFAULTS)
    cap, sal = actor_table(np.array([[0.3, 0.5]] * 3), np.array([[0.6, 0.2]] * 3), np.array([[0.45, 0.0]] * 3), 0.3,
                           DEFAULTS)
    active = np.array([[True, True], [True, False], [False, False]])
    new, forecast = bargain(pos, cap, sal, "bdm", 2, 1.0, active)
    assert forecast.shape == (3, 2)
    assert np.all((forecast >= pos.min(axis=-1) - 1e-12) & (forecast <= pos.max(axis=-1) + 1e-12))
    assert np.all((new >= 0.0) & (new <= 1.0))
    np.testing.assert_array_equal(new[~active], pos[~active])  # closed tables keep their positions
    same, _ = bargain(pos, cap, sal, "bdm", 2, 1.0, np.zeros((3, 2), dtype=bool))
    np.testing.assert_array_equal(same, pos)
    # The same table gives the same forecast whichever other tables are open.
    alone, f_alone = bargain(pos[:1], cap[:1], sal, "bdm", 2, 1.0, np.array([[True, False]]))
    assert f_alone[0, 0] == forecast[0, 0]
    np.testing.assert_array_equal(alone[0, 0], new[0, 0])


def test_advance_probability() -> None:
    p = params(acceptance_slope=4.0, talks_phase_months=4.0)
    got = advance_probability(np.array([0.0, -np.inf, np.inf, 0.25]), p)
    np.testing.assert_allclose(got, [0.5 / 4, 0.0, 1.0 / 4, logistic(1.0) / 4], atol=1e-15)
    s = np.linspace(-3, 3, 13)
    assert np.all(np.diff(advance_probability(s, p)) > 0)
    # Steeper acceptance sharpens the response around zero.
    assert advance_probability(np.array([0.2]), params(acceptance_slope=10.0))[0] > advance_probability(
        np.array([0.2]), p)[0]


def test_advance_probability_is_zero_for_total_spoilers_at_any_slope() -> None:
    got = advance_probability(np.array([-np.inf, 0.0]), params(acceptance_slope=0.0))
    np.testing.assert_allclose(got, [0.0, 0.5 / DEFAULTS["talks_phase_months"]])


# =====================================================================================================================
# M4.1 credible commitment / M5.1 shifting power
# =====================================================================================================================
def test_powell_shift_zero_without_change_graded_and_one_for_a_large_jump() -> None:
    p = params(discount_factor=0.98, war_cost_share=0.1)
    same = commitment.powell_shift(np.array([0.3, 0.7]), np.array([0.3, 0.7]), p)
    np.testing.assert_array_equal(same, [0.0, 0.0])
    small = commitment.powell_shift(np.array([0.31]), np.array([0.3]), p)[0]
    assert small == 0.0  # a slow drift is no commitment problem
    # Graded: delta |dp| / (c_S + c_G) - 1 = 0.98 x 0.15 / 0.1 - 1 = 0.47 (war costs as a share of the discounted
    # stakes, so the condition delta dp / (1 - delta) > c reads delta dp > share).
    assert commitment.powell_shift(np.array([0.45]), np.array([0.3]), p)[0] == pytest.approx(0.98 * 0.15 / 0.1 - 1)
    assert commitment.powell_shift(np.array([0.9]), np.array([0.3]), p)[0] == 1.0  # a large, rapid jump
    assert commitment.powell_shift(np.array([0.0]), np.array([0.5]), p)[0] == 1.0  # the state rising (DDR) too
    jumps = np.linspace(0.0, 0.5, 26)
    graded = commitment.powell_shift(0.3 + jumps, np.full(26, 0.3), p)
    assert np.all(np.diff(graded) >= 0.0) and graded[0] == 0.0 and graded[-1] == 1.0
    assert np.all((graded >= 0.0) & (graded <= 1.0))
    # Higher war costs make a given shift less dangerous.
    assert commitment.powell_shift(np.array([0.45]), np.array([0.3]), params(war_cost_share=0.3))[0] == 0.0


def _hazard(disarmed=0.0, guarantee=0.0, against=0.0, shift=0.0, surplus=0.0, **changes: float) -> float:
    p = params(**changes)
    return float(commitment.breakdown_hazard(np.array([disarmed]), np.array([guarantee]), np.array([against]),
                                             np.array([shift]), np.array([surplus]), p)[0])


def test_breakdown_hazard_by_hand() -> None:
    kw = dict(breakdown_hazard_base=0.01, disarmament_risk=1.5, guarantor_effect=1.0, violence_against_effect=0.5,
              power_shift_effect=1.0, surplus_breakdown_effect=0.5)
    assert _hazard(**kw) == pytest.approx(0.01)
    assert _hazard(guarantee=1.0, **kw) == pytest.approx(0.01 * math.exp(-1.0))
    assert _hazard(disarmed=1.0, guarantee=0.5, **kw) == pytest.approx(0.01 * math.exp(1.5 * 0.5 - 0.5))
    assert _hazard(against=1.0, shift=1.0, surplus=-2.0, **kw) == pytest.approx(0.01 * math.exp(0.5 + 1.0 + 1.0))
    assert _hazard(surplus=3.0, **kw) == pytest.approx(0.01)  # a positive surplus adds nothing
    assert _hazard(surplus=-100.0, **kw) == pytest.approx(_hazard(surplus=-5.0, **kw))  # shortfall capped at 5
    assert _hazard(disarmed=1.0, against=5.0, shift=1.0, surplus=-5.0, breakdown_hazard_base=0.5) == 1.0  # capped


def test_breakdown_hazard_directions() -> None:
    g = np.linspace(0.0, 1.0, 5)
    assert all(_hazard(guarantee=a) > _hazard(guarantee=b) for a, b in itertools.pairwise(g))  # Walter
    assert _hazard(disarmed=1.0) > _hazard(disarmed=0.5) > _hazard(disarmed=0.0)  # disarming without guarantees
    assert _hazard(disarmed=1.0, guarantee=1.0) == pytest.approx(_hazard(disarmed=0.0, guarantee=1.0))  # vanishes
    assert _hazard(shift=1.0) > _hazard(shift=0.5) > _hazard(shift=0.0)  # Powell
    assert _hazard(surplus=-1.0) > _hazard(surplus=-0.5) > _hazard(surplus=0.0)  # deal worth less than war
    assert _hazard(against=1.0) > _hazard(against=0.0)  # killings of members in talks


def test_guarantor_index_saturates_at_one() -> None:
    np.testing.assert_allclose(commitment.guarantor_index(np.array([0.0, 0.3, 1.1])), [0.0, 0.3, 1.0])


# =====================================================================================================================
# M3.2 / M3.3 security forces
# =====================================================================================================================
def test_cohesion_update_by_hand() -> None:
    p = params(cohesion_recovery=0.03, cohesion_concession_effect=0.002, cohesion_purge_effect=0.4, dissent_shock=0.05)
    k = security.cohesion_update(np.array([0.5, 0.5]), 0.7, 2.0, 0.5, np.array([0.0, 1.0]), p)
    # 0.5 + 0.03 (0.7 - 0.5) - 0.002 x 2 - 0.4 x 0.5 (- 0.05 for a dissent event)
    np.testing.assert_allclose(k, [0.302, 0.252])


def test_cohesion_purge_lowers_and_recovery_moves_toward_buy_in() -> None:
    k0 = np.array([0.6])
    no_dissent = np.array([0.0])
    assert security.cohesion_update(k0, 0.6, 0.0, 0.5, no_dissent, DEFAULTS)[0] < 0.6  # the purge shock
    assert security.cohesion_update(k0, 0.9, 0.0, 0.0, no_dissent, DEFAULTS)[0] > 0.6  # recovers up to buy-in
    assert security.cohesion_update(k0, 0.3, 0.0, 0.0, no_dissent, DEFAULTS)[0] < 0.6  # or down to it
    assert security.cohesion_update(k0, 0.6, 0.0, 0.0, no_dissent, DEFAULTS)[0] == pytest.approx(0.6)  # fixed point
    k = np.array([0.1])
    for _ in range(600):  # without shocks, cohesion converges to buy-in
        k = security.cohesion_update(k, 0.8, 0.0, 0.0, no_dissent, DEFAULTS)
    assert k[0] == pytest.approx(0.8, abs=1e-6)
    # Bounded: a huge purge cannot push cohesion below zero.
    assert security.cohesion_update(np.array([0.1]), 0.0, 50.0, 1.0, np.array([1.0]), DEFAULTS)[0] == 0.0


def test_dissent_probability_by_hand_and_rises_as_cohesion_falls() -> None:
    p = params(dissent_base=-5.0, dissent_cohesion_effect=3.0, dissent_concession_effect=0.2)
    assert security.dissent_probability(np.array([1.0]), 0.0, p)[0] == pytest.approx(logistic(-5.0))
    assert security.dissent_probability(np.array([0.5]), 2.0, p)[0] == pytest.approx(logistic(-5 + 1.5 + 0.4))
    k = np.linspace(1.0, 0.0, 11)
    assert np.all(np.diff(security.dissent_probability(k, 0.0, p)) > 0)
    assert security.dissent_probability(np.array([0.7]), 3.0, p)[0] > security.dissent_probability(
        np.array([0.7]), 0.0, p)[0]


def test_force_allocation_follows_population_and_nonstate_control() -> None:
    population = np.array([10_000.0, 10_000.0, 160_000.0])
    nonstate = np.array([[0.0, 1.0, 0.0]])
    alloc = security.force_allocation(1000.0, population, nonstate)
    assert alloc.sum() == pytest.approx(1000.0)
    w = np.array([10_000**0.75 * 0.2, 10_000**0.75 * 1.2, 160_000**0.75 * 0.2])
    np.testing.assert_allclose(alloc[0], 1000.0 * w / w.sum())
    assert alloc[0, 1] == pytest.approx(6 * alloc[0, 0])  # same population, contested ground gets 6x (1.2 / 0.2)


def test_state_effort_by_hand() -> None:
    p = params(state_effort_ratio=0.5, conditional_effort_bonus=0.2)
    forces = np.array([[100.0, 100.0]])
    presence = np.array([0.5, 1.0])
    cohesion = np.array([0.8])
    plain = security.state_effort(cohesion, forces, presence, False, np.zeros((1, 2)), p)
    np.testing.assert_allclose(plain, [[0.8 * 100 * 0.5 * 0.5, 0.8 * 100 * 1.0 * 0.5]])
    cond = security.state_effort(cohesion, forces, presence, True, np.zeros((1, 2)), p)
    np.testing.assert_allclose(cond, plain * 1.2)
    zone = security.state_effort(cohesion, forces, presence, False, np.array([[1.0, 0.0]]), p)
    np.testing.assert_allclose(zone, [[0.0, plain[0, 1]]])  # no state effort in a demilitarised zone


def test_violence_posture_unconditional_fights_back_with_defaults_conditional_deters() -> None:
    # Lessing (2015): unconditional crackdowns give cartels reason to fight back; conditional repression deters.
    assert security.violence_posture(False, DEFAULTS) == 1.0  # (1 - 0.3) 0.5 - 0.2 = 0.15 > 0
    assert security.violence_posture(True, DEFAULTS) < security.violence_posture(False, DEFAULTS)
    assert security.violence_posture(True, DEFAULTS) == 0.0  # 0.15 - 0.6 < 0
    # Unconditional and violence too costly: no violence either way.
    assert security.violence_posture(False, params(violence_cost=0.5)) == 0.0


@pytest.mark.parametrize(("rho0", "beta", "cost", "rho1"), [(0.3, 1.0, 0.0, 0.5), (0.2, 0.8, 0.1, 0.3),
                                                           (0.1, 1.0, 0.0, 0.2), (0.5, 0.4, 0.3, 0.6)])
def test_violence_posture_is_the_argmax_of_the_reduced_form(rho0: float, beta: float, cost: float, rho1: float) -> None:
    p = params(repression_base=rho0, corruption_gain=beta, violence_cost=cost, repression_conditionality=rho1)
    v = np.linspace(0.0, 1.0, 100_001)
    payoff = (1 - rho0 - rho1 * v) * (1 + beta * v) - cost * v  # rent normalised to 1
    assert security.violence_posture(True, p) == pytest.approx(v[np.argmax(payoff)], abs=1e-4)
    if rho0 == 0.3:  # hand value: ((1 - 0.3) 1 - 0 - 0.5) / (2 x 0.5 x 1) = 0.2
        assert security.violence_posture(True, p) == pytest.approx(0.2)


def test_violence_posture_without_corruption_gain() -> None:
    # beta_cor = 0: violence extracts nothing, costs c_v and draws repression, so v* = 0.
    assert security.violence_posture(True, params(corruption_gain=0.0)) == 0.0


def test_repression_pressure_conditional_targets_violent_groups() -> None:
    # Lessing: rho_g = rho_0 + rho_1 v_g under a conditional rule; an unconditional rule (rho_1 = 0) treats every
    # group alike, whatever its violence.
    p = params(repression_base=0.3, repression_conditionality=0.6)
    posture = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(security.repression_pressure(posture, True, p), [0.3, 0.6, 0.9])
    np.testing.assert_allclose(security.repression_pressure(posture, False, p), [0.3, 0.3, 0.3])
    assert np.all(np.diff(security.repression_pressure(posture, True, p)) > 0)  # more violent, more repression
    # A non-violent group is treated the same under both rules.
    assert security.repression_pressure(np.array([0.0]), True, p)[0] == security.repression_pressure(
        np.array([0.0]), False, p)[0]


# =====================================================================================================================
# M2.2 territorial contest
# =====================================================================================================================
@given(arrays(np.float64, st.tuples(st.integers(1, 3), st.integers(1, 4), st.integers(2, 5)),
              elements=st.floats(0.0, 1e4)), st.floats(0.5, 2.0))
@settings(max_examples=40, deadline=None)
def test_csf_ratio_shares_sum_to_one(effort: np.ndarray, m: float) -> None:
    shares = contest.csf_ratio(effort, m)
    assert np.all((shares >= 0.0) & (shares <= 1.0))
    total = shares.sum(axis=-1)
    has_effort = (effort > 0).any(axis=-1) & (np.power(effort, m).sum(axis=-1) > 0)
    np.testing.assert_allclose(total[has_effort], 1.0)
    np.testing.assert_array_equal(total[~(effort > 0).any(axis=-1)], 0.0)
    assert np.all(shares[effort == 0] == 0.0)


def test_csf_ratio_by_hand_and_decisiveness_sharpens() -> None:
    np.testing.assert_allclose(contest.csf_ratio(np.array([3.0, 3.0, 3.0]), 1.0), [1 / 3] * 3)  # equal efforts
    np.testing.assert_allclose(contest.csf_ratio(np.array([2.0, 1.0]), 1.0), [2 / 3, 1 / 3])
    np.testing.assert_allclose(contest.csf_ratio(np.array([2.0, 1.0]), 2.0), [0.8, 0.2])
    np.testing.assert_allclose(contest.csf_ratio(np.array([2.0, 1.0]), 0.5), [2**0.5 / (2**0.5 + 1), 1 / (2**0.5 + 1)])
    strong = [contest.csf_ratio(np.array([2.0, 1.0]), m)[0] for m in (0.5, 1.0, 1.5, 2.0)]
    assert all(a < b for a, b in itertools.pairwise(strong))
    # Scale-free: the unit of effort does not matter.
    np.testing.assert_allclose(contest.csf_ratio(np.array([20.0, 10.0, 5.0]), 1.3),
                               contest.csf_ratio(np.array([2.0, 1.0, 0.5]), 1.3))


@pytest.mark.parametrize(("e1", "e2", "k"), [(1.0, 1.0, 2.0), (3.0, 1.0, 2.0), (1.0, 4.0, 0.5), (10.0, 30.0, 5.0)])
def test_csf_difference_two_actors_matches_hirshleifer(e1: float, e2: float, k: float) -> None:
    e_bar = (e1 + e2) / 2
    expected = 1.0 / (1.0 + math.exp(k * (e2 - e1) / e_bar))
    got = contest.csf_difference(np.array([e1, e2]), k)
    assert got[0] == pytest.approx(expected)
    assert got.sum() == pytest.approx(1.0)


def test_csf_difference_properties() -> None:
    np.testing.assert_allclose(contest.csf_difference(np.array([2.0, 2.0, 2.0]), 2.0), [1 / 3] * 3)
    np.testing.assert_allclose(contest.csf_difference(np.array([5.0, 0.0, 1.0]), 2.0)[1], 0.0)  # no effort, nothing
    np.testing.assert_array_equal(contest.csf_difference(np.zeros(3), 2.0), np.zeros(3))
    np.testing.assert_allclose(contest.csf_difference(np.array([30.0, 10.0]), 3.0),
                               contest.csf_difference(np.array([3.0, 1.0]), 3.0))
    # Overflow-safe for very unequal efforts.
    big = contest.csf_difference(np.array([1e6, 1.0, 1e-9]), 5.0)
    assert np.all(np.isfinite(big)) and big.sum() == pytest.approx(1.0)


def test_update_control_by_hand() -> None:
    control = np.array([[[0.5, 0.5], [0.2, 0.8]]])
    outcome = np.array([[[1.0, 0.0], [0.0, 0.0]]])  # second territory: no contest
    np.testing.assert_allclose(contest.update_control(control, outcome, 0.1), [[[0.55, 0.45], [0.2, 0.8]]])


@given(st.integers(1, 3), st.integers(1, 4), st.integers(2, 5), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_update_control_keeps_rows_summing_to_one(runs: int, terr: int, actors: int, nu: float, seed: int) -> None:
    gen = np.random.default_rng(seed)
    control = gen.dirichlet(np.ones(actors), size=(runs, terr))
    effort = gen.exponential(size=(runs, terr, actors)) * (gen.random((runs, terr, actors)) < 0.7)
    for _ in range(5):
        control = contest.update_control(control, contest.csf_ratio(effort, 1.0), nu)
        np.testing.assert_allclose(control.sum(axis=-1), 1.0, rtol=1e-12)
        assert np.all((control >= 0.0) & (control <= 1.0 + 1e-12))


def test_vacated_control_counts_only_leaving_groups_losses() -> None:
    before = np.array([[[0.4, 0.2, 0.4], [0.5, 0.0, 0.5]]])  # (R=1, T=2, 2 groups + state)
    after = np.array([[[0.1, 0.3, 0.6], [0.6, 0.0, 0.4]]])
    np.testing.assert_allclose(contest.vacated_control(before, after, np.array([[1.0, 0.0]])), [[0.3, 0.0]])
    np.testing.assert_allclose(contest.vacated_control(before, after, np.array([[0.0, 1.0]])), [[0.0, 0.0]])
    np.testing.assert_allclose(contest.vacated_control(before, after, np.array([[1.0, 1.0]])), [[0.3, 0.0]])
    # The state's losses are never "vacated" by a group.
    np.testing.assert_allclose(contest.vacated_control(after, before, np.array([[1.0, 1.0]])), [[0.1, 0.1]])


# =====================================================================================================================
# M3.1 / M5.2 / M4.2 / M7.2 strength
# =====================================================================================================================
def test_state_attrition_rate_by_hand_zero_when_protected_and_scales() -> None:
    p = params(state_attrition=1e-4)
    effort = np.array([[1000.0, 1000.0]])
    area = np.array([2.0, 4.0])
    pressure = np.array([[0.9, 0.3]])
    unprotected = np.zeros((1, 2, 2))
    rate = strength.state_attrition_rate(effort, area, pressure, unprotected, p)
    np.testing.assert_allclose(rate[0, 0], [1e-4 * 0.9 * 500, 1e-4 * 0.9 * 250])  # a_S rho e_S / A
    np.testing.assert_allclose(rate[0, 1], rate[0, 0] / 3)
    protected = np.zeros((1, 2, 2))
    protected[0, 0, :] = 1.0  # group 0 under a bilateral ceasefire
    rate_p = strength.state_attrition_rate(effort, area, pressure, protected, p)
    np.testing.assert_array_equal(rate_p[0, 0], [0.0, 0.0])
    np.testing.assert_allclose(rate_p[0, 1], rate[0, 1])
    np.testing.assert_allclose(strength.state_attrition_rate(2 * effort, area, pressure, unprotected, p), 2 * rate)
    np.testing.assert_allclose(strength.state_attrition_rate(effort, 2 * area, pressure, unprotected, p), rate / 2)
    huge = strength.state_attrition_rate(effort * 1e6, area, pressure, unprotected, p)
    assert huge.max() == strength.MAX_MONTHLY_LOSS  # a month cannot remove more than this share
    assert 0.0 < strength.MAX_MONTHLY_LOSS <= 0.5
    # Below the minimum search area (islands, capital districts) density stops rising.
    tiny = np.full(2, strength.MIN_SEARCH_AREA / 100)
    np.testing.assert_allclose(strength.state_attrition_rate(effort, tiny, pressure, unprotected, p),
                               strength.state_attrition_rate(effort, np.full(2, strength.MIN_SEARCH_AREA), pressure,
                                                             unprotected, p))


def test_collateral_deaths_by_hand_and_fall_with_state_presence() -> None:
    # K_i = xi (1 - iota_i) L_i (Kress & Szechtman), intelligence quality iota_i read as state presence S_i.
    p = params(collateral_share=0.3)
    losses = np.array([[10.0, 10.0, 10.0]])
    got = strength.collateral_deaths(losses, np.array([0.0, 0.5, 1.0]), p)
    np.testing.assert_allclose(got, [[3.0, 1.5, 0.0]])
    np.testing.assert_array_equal(strength.collateral_deaths(np.zeros((1, 3)), np.zeros(3), p), np.zeros((1, 3)))


def test_intergroup_losses_by_hand_zero_without_rivals_and_symmetric() -> None:
    p = params(intergroup_attrition=0.01)
    members = np.array([[[100.0, 100.0], [100.0, 0.0], [300.0, 50.0]]])  # (R=1, G=3, T=2)
    rivals = np.zeros((3, 3))
    np.testing.assert_array_equal(strength.intergroup_losses(members, rivals, p), np.zeros((1, 3, 2)))
    rivals[0, 1] = rivals[1, 0] = 1.0
    losses = strength.intergroup_losses(members, rivals, p)
    # Territory 0: equal groups, a_h x 100 / 200 x 100 = 0.5 each; territory 1: group 1 absent, nobody fights.
    np.testing.assert_allclose(losses[0, :, 0], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(losses[0, :, 1], [0.0, 0.0, 0.0])
    # Area fire is symmetric: a_h N_g N_h / (N_g + N_h) each, so the smaller group loses a larger share.
    rivals = np.zeros((3, 3))
    rivals[0, 2] = rivals[2, 0] = 1.0
    losses = strength.intergroup_losses(members, rivals, p)
    assert losses[0, 0, 0] == pytest.approx(losses[0, 2, 0]) == pytest.approx(0.01 * 100 * 300 / 400)
    assert losses[0, 0, 0] / 100 > losses[0, 2, 0] / 300


def _recruits(rent_per_member: float = DEFAULTS["legal_income_per_member"], presence: float = 0.5,
              members: float = 100.0, youth: float = 1e6, rearm: float = 0.0, held: float = 0.5,
              **changes: float) -> float:
    p = params(**changes)
    control = np.array([[[held, 1.0 - held]]])  # (R=1, T=1, group + state)
    got = strength.recruitment(np.array([[[members]]]), control, np.array([[rent_per_member]]), np.array([presence]),
                               np.array([youth]), np.array([[[rearm]]]), p)
    return float(got[0, 0, 0])


def test_recruitment_by_hand_at_the_reference_point() -> None:
    # Rents per member = legal wage and S = 1/2: propensity 1. 0.012 x 100 x (0.5 + 0.5) x (1 - 100 / 2500)
    got = _recruits(recruitment_rate=0.012, carrying_share=0.01, youth=250_000.0)
    assert got == pytest.approx(0.012 * 100 * 1.0 * (1 - 100 / 2500))
    assert _recruits(rearm=0.5, recruitment_rate=0.012, carrying_share=0.01, youth=250_000.0) == pytest.approx(
        1.5 * got)


def test_recruitment_directions() -> None:
    w = DEFAULTS["legal_income_per_member"]
    assert _recruits(rent_per_member=4 * w) > _recruits(rent_per_member=w) > _recruits(rent_per_member=w / 4)
    assert _recruits(presence=0.1) > _recruits(presence=0.5) > _recruits(presence=0.9)  # Prem et al.
    assert _recruits(rearm=1.0) > _recruits(rearm=0.0)  # ceasefire / zone rearmament (Caguán)
    assert _recruits(held=1.0) > _recruits(held=0.0)  # networks where the group holds ground
    cap = DEFAULTS["carrying_share"] * 10_000.0
    assert _recruits(members=cap, youth=10_000.0) == 0.0  # at carrying capacity
    assert _recruits(members=2 * cap, youth=10_000.0) == 0.0  # and beyond it
    assert _recruits(members=0.0) == 0.0  # no members, no networks
    assert _recruits(rent_per_member=0.0) > 0.0 and np.isfinite(_recruits(rent_per_member=0.0))


def test_recruitment_without_young_people_is_zero() -> None:
    assert _recruits(members=0.0, youth=0.0) == 0.0
    assert _recruits(members=10.0, youth=0.0) == 0.0


def test_movement_by_hand() -> None:
    adj = adjacency(4, [(0, 1), (1, 2)])  # territory 3 is isolated
    members = np.array([[[0.0, 100.0, 0.0, 50.0]]])
    attract = np.array([[[1.0, 5.0, 3.0, 9.0]]])
    moved = strength.movement(members, attract, adj, 0.02)
    # 2 members leave territory 1, split 1:3 between its neighbours; the isolated territory keeps its 50.
    np.testing.assert_allclose(moved, [[[0.5, 98.0, 1.5, 50.0]]])


@given(st.integers(1, 3), st.integers(1, 3), st.integers(2, 6), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_movement_conserves_members(runs: int, groups: int, n: int, rate: float, seed: int) -> None:
    gen = np.random.default_rng(seed)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if gen.random() < 0.4]
    adj = adjacency(n, pairs)
    isolated = np.asarray(adj.sum(axis=1)).ravel() == 0
    members = gen.exponential(100.0, size=(runs, groups, n))
    attract = gen.exponential(size=(runs, groups, n)) * (gen.random((runs, groups, n)) < 0.8)
    moved = strength.movement(members, attract, adj, rate)
    np.testing.assert_allclose(moved.sum(axis=2), members.sum(axis=2), rtol=1e-12)
    assert np.all(moved >= -1e-9)
    np.testing.assert_array_equal(moved[..., isolated], members[..., isolated])


def test_sanctuary_flow_by_hand() -> None:
    members = np.array([[[60.0, 40.0]]])
    border = np.array([[True, False]])
    m, s = strength.sanctuary_flow(members, np.array([[0.0]]), np.array([[0.5]]), border, 0.1)
    # 0.1 x (0.5 x 100 - 0) = 5 cross the border, from the border territory.
    np.testing.assert_allclose(m, [[[55.0, 40.0]]])
    np.testing.assert_allclose(s, [[5.0]])
    # Returning members go to where the group is when it has no one on the border.
    m, s = strength.sanctuary_flow(np.array([[[0.0, 100.0]]]), np.array([[100.0]]), np.array([[0.25]]), border, 0.1)
    np.testing.assert_allclose(m, [[[0.0, 105.0]]])
    np.testing.assert_allclose(s, [[95.0]])


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.floats(0.0, 1.0), st.floats(0.0, 1.0),
       st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_sanctuary_flow_conserves_members_and_moves_toward_target(runs: int, groups: int, n: int, target: float,
                                                                   speed: float, seed: int) -> None:
    gen = np.random.default_rng(seed)
    members = gen.exponential(100.0, size=(runs, groups, n)) + 1.0  # present in the country
    sanctuary = gen.exponential(50.0, size=(runs, groups))
    border = gen.random((groups, n)) < 0.5
    target_share = np.full((runs, groups), target)
    total = members.sum(axis=2) + sanctuary
    gap = np.abs(sanctuary / total - target)
    m, s = strength.sanctuary_flow(members, sanctuary, target_share, border, speed)
    np.testing.assert_allclose(m.sum(axis=2) + s, total, rtol=1e-12)
    assert np.all(m >= 0.0) and np.all(s >= 0.0)
    assert np.all(np.abs(s / total - target) <= gap + 1e-12)


def test_sanctuary_flow_keeps_members_abroad_when_there_is_nowhere_to_return() -> None:
    # Everyone abroad and the host's tolerance falls: with no members left in the country there is nowhere to
    # return to, and nobody may vanish (the total is conserved).
    members = np.zeros((1, 1, 2))
    m, s = strength.sanctuary_flow(members, np.array([[100.0]]), np.array([[0.5]]), np.array([[True, False]]), 0.1)
    assert m.sum() + s.sum() == pytest.approx(100.0)
    assert np.all(m >= 0.0)


def test_sanctuary_recruitment_by_hand() -> None:
    # Sanctuary members recruit at the reference rate, with the ceasefire bonus: zeta S (1 + rearm) (Salehyan).
    p = params(recruitment_rate=0.02)
    got = strength.sanctuary_recruitment(np.array([[100.0, 0.0, 50.0]]), np.array([[0.0, 1.0, 0.5]]), p)
    np.testing.assert_allclose(got, [[2.0, 0.0, 1.5]])


def test_split_probability_and_share_by_hand_and_higher_with_lower_cohesion() -> None:
    p = params(split_base=0.1, split_cohesion_effect=0.6, split_member_share=0.15)
    np.testing.assert_allclose(strength.split_probability(np.array([1.0, 0.4, 0.0]), p), [0.1, 0.46, 0.7])
    np.testing.assert_allclose(strength.split_share(np.array([1.0, 0.5, 0.0]), p), [0.0, 0.15, 0.3])
    k = np.linspace(1.0, 0.0, 11)
    assert np.all(np.diff(strength.split_probability(k, DEFAULTS)) > 0)
    assert np.all(np.diff(strength.split_share(k, DEFAULTS)) > 0)
    assert strength.split_share(np.array([0.0]), params(split_member_share=1.0))[0] == 0.9  # capped
    assert strength.split_probability(np.array([0.0]), params(split_base=0.8, split_cohesion_effect=1.0))[0] == 1.0


# =====================================================================================================================
# M7.1 / M7.2 / M2.2 violence
# =====================================================================================================================
def test_control_margin() -> None:
    control = np.array([[[0.7, 0.2, 0.1], [0.4, 0.4, 0.2], [0.0, 0.0, 1.0]]])
    np.testing.assert_allclose(violence.control_margin(control), [[0.5, 0.0, 1.0]])
    np.testing.assert_allclose(violence.control_margin(np.ones((2, 3, 1))), np.ones((2, 3)))  # the state alone


def test_posture_share_is_the_control_weighted_posture_of_the_groups() -> None:
    control = np.array([[[0.3, 0.1, 0.6], [0.0, 0.0, 1.0], [0.5, 0.5, 0.0]]])  # two groups + the state
    posture = np.array([[1.0, 0.0]])
    np.testing.assert_allclose(violence.posture_share(control, posture), [[0.75, 1.0, 0.5]])
    # The state's own share does not dilute the groups' posture; no group present -> the status quo (1).
    assert violence.posture_share(np.array([[[0.1, 0.0, 0.9]]]), posture)[0, 0] == pytest.approx(1.0)
    both_calm = violence.posture_share(control, np.zeros((1, 2)))
    np.testing.assert_allclose(both_calm, [[0.0, 1.0, 0.0]])


def test_kalyvas_zone_mapping() -> None:
    # Last column is the state. Zones: 1 full state, 2 dominant state, 3 parity, 4 dominant group, 5 full group.
    control = np.array([[[0.02, 0.03, 0.95], [0.1, 0.2, 0.7], [0.4, 0.1, 0.5], [0.3, 0.3, 0.4], [0.7, 0.1, 0.2],
                         [0.95, 0.0, 0.05], [0.0, 0.9, 0.1], [0.1, 0.6, 0.3]]])
    np.testing.assert_array_equal(violence.kalyvas_zone(control), [[1, 2, 3, 3, 4, 5, 5, 4]])


def test_selective_violence_by_hand_zero_at_parity_and_full_control_peak_at_half() -> None:
    p = params(selective_violence_rate=1.0)
    control = np.array([[[0.5, 0.5], [1.0, 0.0], [0.75, 0.25], [0.25, 0.75]]])
    pop = np.full(4, 200_000.0)
    np.testing.assert_allclose(violence.selective_violence(control, pop, p), [[0.0, 0.0, 2.0, 2.0]])  # 1 x 2 x 4 m(1-m)
    margins = np.linspace(0.0, 1.0, 21)
    ctrl = np.stack([(1 + margins) / 2, (1 - margins) / 2], axis=-1)[None]
    sel = violence.selective_violence(ctrl, np.full(21, 1e5), p)[0]
    assert np.argmax(sel) == 10 and sel[10] == pytest.approx(1.0)  # m = 1/2 (Kalyvas)
    assert np.all(np.diff(sel[:11]) > 0) and np.all(np.diff(sel[10:]) < 0)


def test_vacuum_violence_by_hand_and_attenuated_by_state_presence() -> None:
    p = params(vacuum_violence_rate=2.0)
    vacated = np.array([[0.5, 0.5, 0.5, 0.0]])
    presence = np.array([0.0, 0.5, 1.0, 0.0])
    got = violence.vacuum_violence(vacated, np.full(4, 300_000.0), presence, p)
    np.testing.assert_allclose(got, [[3.0, 1.5, 0.0, 0.0]])  # 2 x 0.5 x (1 - S) x 3 (Prem et al.)


def test_homicide_drivers_directions() -> None:
    def drivers(control, groups=1.0, frag=0.0, rents=1.0) -> float:
        return float(violence.homicide_drivers(np.array([[control]]), np.array([[groups]]), np.array([[frag]]),
                                               np.array([[rents]]), DEFAULTS)[0, 0])

    base = [0.45, 0.05, 0.5]
    assert drivers(base, groups=3.0) > drivers(base, groups=1.0)
    assert drivers(base, frag=1.0) == pytest.approx(drivers(base) + DEFAULTS["homicide_fragmentation_effect"])
    assert drivers(base, rents=10.0) > drivers(base, rents=1.0)
    assert drivers([0.5, 0.5, 0.0]) > drivers([0.9, 0.1, 0.0])  # contested territory is more violent
    assert drivers([0.1, 0.0, 0.9]) < drivers([0.9, 0.0, 0.1])  # state control lowers it
    # By hand: contested (1 - 0.05) x 0.5 + ln 2 x 0.3 + 0 + ln 2 x 0.1 - 0.5 x 0.5
    assert drivers(base) == pytest.approx(0.95 * 0.5 + math.log(2) * 0.3 + math.log(2) * 0.1 - 0.25)


def test_homicide_mean_by_hand() -> None:
    p = params(armed_violence_share=0.3)
    base = np.array([[10.0, 4.0]])
    d0 = np.array([[0.2, -1.0]])
    one = np.ones((1, 2))
    zero = np.zeros((1, 2))
    np.testing.assert_allclose(violence.homicide_mean(base, d0, d0, one, zero, p), base)  # first-month calibration
    np.testing.assert_allclose(violence.homicide_mean(base, d0 + 1.0, d0, one, zero, p), base * math.e)
    np.testing.assert_allclose(violence.homicide_mean(base, d0, d0, zero, zero, p), base * 0.7)  # no armed violence
    np.testing.assert_allclose(violence.homicide_mean(base, d0, d0, one, np.array([[2.0, 3.0]]), p), [[12.0, 7.0]])
    assert np.all(np.isfinite(violence.homicide_mean(base, d0 + 1e6, d0, one, zero, p)))  # clipped exponent


# =====================================================================================================================
# M7.3 spill-over
# =====================================================================================================================
def test_neighbour_index_is_one_at_baseline_and_rises_with_vacuum_flow_and_fragmentation() -> None:
    p = params(spillover_flow_effect=0.5, spillover_vacuum_effect=1.0, spillover_fragmentation_effect=0.3)
    flow0 = np.array([[100.0, 0.0]])
    zero = np.zeros((1, 2))
    np.testing.assert_allclose(spillover.neighbour_index(flow0, flow0, zero, zero, p), [[1.0, 1.0]])
    np.testing.assert_allclose(spillover.neighbour_index(flow0, flow0, np.array([[0.5, 0.5]]), zero, p),
                               [[math.exp(0.5)] * 2])
    np.testing.assert_allclose(spillover.neighbour_index(2 * flow0 + np.array([[0, 5.0]]), flow0, zero, zero, p),
                               [[2**0.5, 1.0]])  # no baseline flow: the flow term stays at zero
    np.testing.assert_allclose(spillover.neighbour_index(flow0, flow0, zero, np.array([[1.0, 0.0]]), p),
                               [[math.exp(0.3), 1.0]])
    assert np.isfinite(spillover.neighbour_index(np.zeros((1, 2)), flow0, zero, zero, p)).all()  # flow dries up


# =====================================================================================================================
# Counter-based random numbers (engine/rng.py)
# =====================================================================================================================
RUNS = np.arange(200, dtype=np.int64)


def test_uniforms_range_mean_and_shape() -> None:
    u = rng.uniforms(11, RUNS, 3, Purpose.TALKS_ADVANCE, (1000,))
    assert u.shape == (200, 1000)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert u.mean() == pytest.approx(0.5, abs=0.005)  # sd of the mean: 0.289 / sqrt(2e5) = 0.00065
    assert u.var() == pytest.approx(1 / 12, rel=0.02)
    counts, _ = np.histogram(u, bins=10, range=(0, 1))
    assert np.all(np.abs(counts - 20_000) < 700)  # sd about 134 per bin
    assert abs(np.corrcoef(u[:, :-1].ravel(), u[:, 1:].ravel())[0, 1]) < 0.01


def test_uniforms_do_not_depend_on_batch_composition() -> None:
    full = rng.uniforms(5, np.array([0, 1, 2, 7, 9]), 4, Purpose.SPLIT, (3, 2))
    alone = rng.uniforms(5, np.array([7]), 4, Purpose.SPLIT, (3, 2))
    other = rng.uniforms(5, np.array([9, 7, 100]), 4, Purpose.SPLIT, (3, 2))
    np.testing.assert_array_equal(full[3], alone[0])
    np.testing.assert_array_equal(full[3], other[1])
    np.testing.assert_array_equal(full[4], other[0])


def test_uniform_streams_differ_by_seed_run_month_and_purpose() -> None:
    ref = rng.uniforms(1, np.array([0]), 0, Purpose.EFFORT_NOISE, (50,))
    for other in (rng.uniforms(2, np.array([0]), 0, Purpose.EFFORT_NOISE, (50,)),
                  rng.uniforms(1, np.array([1]), 0, Purpose.EFFORT_NOISE, (50,)),
                  rng.uniforms(1, np.array([0]), 1, Purpose.EFFORT_NOISE, (50,)),
                  rng.uniforms(1, np.array([0]), 0, Purpose.HOMICIDES, (50,))):
        assert not np.any(ref == other)
    np.testing.assert_array_equal(ref, rng.uniforms(1, np.array([0]), 0, Purpose.EFFORT_NOISE, (50,)))


def test_normals_mean_and_variance() -> None:
    z = rng.normals(3, RUNS, 0, Purpose.EFFORT_NOISE, (1000,))
    assert np.all(np.isfinite(z))
    assert z.mean() == pytest.approx(0.0, abs=0.01)
    assert z.std() == pytest.approx(1.0, abs=0.01)
    assert np.mean(np.abs(z) < 1.96) == pytest.approx(0.95, abs=0.003)


@pytest.mark.parametrize("lam", [0.3, 3.5, 12.0, 50.0, 400.0])  # inversion below 30, normal approximation above
def test_poisson_mean_and_variance(lam: float) -> None:
    draws = rng.poisson(17, RUNS, 2, Purpose.STATE_CLASHES, np.full((200, 1000), lam))
    assert np.all(draws >= 0) and np.all(draws == np.floor(draws))
    se_mean = math.sqrt(lam / draws.size)
    assert draws.mean() == pytest.approx(lam, abs=5 * se_mean)
    assert draws.var() == pytest.approx(lam, rel=0.03)


def test_poisson_zero_mean_and_batch_independence() -> None:
    lam = np.tile(np.array([0.0, 0.5, 5.0, 40.0]), (6, 1))
    runs = np.array([3, 8, 1, 0, 12, 5])
    full = rng.poisson(9, runs, 7, Purpose.GROUP_CLASHES, lam)
    np.testing.assert_array_equal(full[:, 0], 0.0)
    for i, r in enumerate(runs):
        np.testing.assert_array_equal(full[i], rng.poisson(9, np.array([r]), 7, Purpose.GROUP_CLASHES, lam[:1])[0])


@pytest.mark.parametrize(("mu", "size"), [(2.0, 20.0), (10.0, 5.0), (40.0, 20.0), (5.0, 0.5)])
def test_negative_binomial_mean_and_variance(mu: float, size: float) -> None:
    draws = rng.negative_binomial(23, RUNS, 1, Purpose.HOMICIDES, np.full((200, 1000), mu), size)
    assert np.all(draws >= 0) and np.all(draws == np.floor(draws))
    var = mu + mu**2 / size
    assert draws.mean() == pytest.approx(mu, abs=5 * math.sqrt(var / draws.size))
    assert draws.var() == pytest.approx(var, rel=0.05 if size >= 5 else 0.1)


def test_negative_binomial_batch_independence_and_zero_mean() -> None:
    mu = np.tile(np.array([0.0, 1.0, 8.0, 60.0]), (5, 1))
    runs = np.array([4, 0, 9, 2, 6])
    full = rng.negative_binomial(2, runs, 3, Purpose.HOMICIDES, mu, 20.0)
    np.testing.assert_array_equal(full[:, 0], 0.0)
    for i, r in enumerate(runs):
        np.testing.assert_array_equal(full[i], rng.negative_binomial(2, np.array([r]), 3, Purpose.HOMICIDES,
                                                                     mu[:1], 20.0)[0])
