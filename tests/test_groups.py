"""Unit tests of the armed groups' economy and choices (src/totalpeace/model/choices.py, economy.py, strength.py,
trafficking.py; docs/model.md sections 7.6, 7.8, 7.9 and 7.13): hand-computed values where the formula is simple,
directions otherwise. The functions are the compiled ones the engine runs, on one run's arrays.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_mechanisms import adjacency, f64

from totalpeace.model import choices, economy, strength, trafficking
from totalpeace.model.params import default_params
from totalpeace.model.tables import month as tables_month
from totalpeace.model.tables.issues import Phase


# ---------------------------------------------------------------------------------------------------------------------
# Choices (M3.3 Lessing, M1.3 Stedman, M4.1, M1.1)
# ---------------------------------------------------------------------------------------------------------------------
def test_logit_choice_is_a_quantal_response_in_units_of_tau() -> None:
    p = default_params(choice_noise=0.1)
    assert choices.logit_choice(0.0, p) == pytest.approx(0.5)
    assert choices.logit_choice(0.1, p) == pytest.approx(math.e / (1 + math.e))  # an edge of tau: 73%
    assert choices.logit_choice(-0.1, p) == pytest.approx(1 / (1 + math.e))
    assert choices.logit_choice(1e6, p) == pytest.approx(1.0) and choices.logit_choice(-1e6, p) == pytest.approx(0.0)


def test_posture_edge_is_the_reduced_form_difference() -> None:
    p = default_params(corruption_gain=1.0, violence_cost=0.1, repression_conditionality=0.5,
                       rivalry_violence_gain=0.2, talks_restraint=0.1)
    # (1 - rho_0) beta - c_v + beta_riv R, and under a conditional rule - rho_1 (1 + beta); - beta_tab at a table.
    assert choices.posture_edge(0.3, False, 0.5, False, p) == pytest.approx(0.7 - 0.1 + 0.1)
    assert choices.posture_edge(0.3, True, 0.5, False, p) == pytest.approx(0.7 - 0.1 + 0.1 - 1.0)
    assert choices.posture_edge(0.3, False, 0.5, True, p) == pytest.approx(0.7 - 0.1 + 0.1 - 0.1)
    # The edge moves smoothly with the base repression: no knife edge in the chosen posture.
    low, high = (choices.logit_choice(choices.posture_edge(r, False, 0.0, False, p), p) for r in (0.59, 0.60))
    assert 0.0 < high < low < 1.0 and low - high < 0.05


def test_exploiting_a_ceasefire_pays_less_with_verification_and_a_table_at_stake() -> None:
    p = default_params(exploit_gain=0.2, talks_restraint=0.1, violation_detection=0.0, discount_factor=0.98)
    months = 1.0 / (1.0 - 0.98)  # the deal's surplus counted over the group's horizon, as at its table
    # chi_x (1 + R) - D (rho_0 + rho_1 + [table] (beta_tab + T+ / (1 - delta))), D = V when the forces see nothing
    assert choices.exploit_edge(0.5, 0.0, 0.3, False, False, 0.0, p) == pytest.approx(0.3)
    assert choices.exploit_edge(0.5, 1.0, 0.3, False, False, 0.0, p) == pytest.approx(0.3 - 0.3)
    assert choices.exploit_edge(0.5, 1.0, 0.3, False, True, 0.4, p) == pytest.approx(
        0.3 - (0.3 + 0.1 + 0.4 * months))
    assert choices.exploit_edge(0.5, 1.0, 0.3, False, True, 5.0, p) == pytest.approx(
        0.3 - (0.3 + 0.1 + 1.0 * months))  # capped
    edges = [choices.exploit_edge(0.2, v, 0.3, True, True, 0.2, p) for v in (0.0, 0.5, 1.0)]
    assert edges[0] > edges[1] > edges[2]
    # What the forces see on their own (delta) counts without verifiers: D = 1 - (1 - 0.5)(1 - 0) = 0.5.
    seen = default_params(exploit_gain=0.2, talks_restraint=0.1, violation_detection=0.5, discount_factor=0.98)
    assert choices.exploit_edge(0.5, 0.0, 0.3, False, True, 0.4, seen) == pytest.approx(
        0.3 - 0.5 * (0.3 + 0.1 + 0.4 * months))
    assert choices.exploit_edge(0.5, 1.0, 0.3, False, True, 0.4, seen) == pytest.approx(
        0.3 - (0.3 + 0.1 + 0.4 * months))


def test_a_table_at_stake_weighs_as_the_deal_it_would_lose() -> None:
    """The surplus at a table is a surplus of present values: a group with a deal worth 10% more than war, seen
    exploiting half the time without verifiers, does not exploit the ceasefire (the FARC's unilateral ceasefire of
    July 2015 was kept with almost no offensive actions), while without a table the same group mostly does."""
    p = default_params(exploit_gain=0.2, talks_restraint=0.1, violation_detection=0.5, discount_factor=0.98,
                       choice_noise=0.1)
    at_table = choices.logit_choice(choices.exploit_edge(0.3, 0.0, 0.21, False, True, 0.1, p), p)
    no_table = choices.logit_choice(choices.exploit_edge(0.3, 0.0, 0.21, False, False, 0.0, p), p)
    assert at_table < 0.01 < 0.5 < no_table
    # a more patient group weighs the same surplus more
    patient = default_params(exploit_gain=0.2, talks_restraint=0.1, violation_detection=0.5, discount_factor=0.99)
    assert choices.exploit_edge(0.3, 0.0, 0.21, False, True, 0.1, patient) \
        < choices.exploit_edge(0.3, 0.0, 0.21, False, True, 0.1, p)


def test_an_open_table_is_at_stake_even_without_a_surplus() -> None:
    """beta_tab, what a group risks at an open table, counts whatever the package on the table is worth this month
    (as in the posture's edge); a package worth less than war adds nothing beyond it."""
    p = default_params(exploit_gain=0.2, talks_restraint=0.1, violation_detection=0.5)
    closed = choices.exploit_edge(0.3, 0.0, 0.21, False, False, 0.0, p)
    assert choices.exploit_edge(0.3, 0.0, 0.21, False, True, -0.2, p) == pytest.approx(closed - 0.5 * 0.1)
    assert choices.exploit_edge(0.3, 0.0, 0.21, False, True, 0.0, p) == pytest.approx(closed - 0.5 * 0.1)


def test_spoiling_and_willingness_edges() -> None:
    p = default_params(spoiling_gain=0.3, violence_cost=0.1, talks_restraint=0.1, willingness_prior=2.0,
                       willingness_value_effect=1.0)
    assert choices.spoil_edge(0.5, 0, False, p) == pytest.approx(0.15 - 0.1)
    assert choices.spoil_edge(0.5, choices.GREEDY, False, p) == pytest.approx(0.3 - 0.1)  # greedy spoilers: twice
    assert choices.spoil_edge(0.5, choices.GREEDY, True, p) == pytest.approx(0.3 - 0.1 - 0.1)  # own table at risk
    assert choices.willingness_edge(1.0, 0.5, 0, p) == pytest.approx(2.5)
    assert choices.willingness_edge(0.0, 0.5, 0, p) == pytest.approx(-1.5)
    assert choices.willingness_edge(1.0, 100.0, 0, p) == pytest.approx(7.0)  # the surplus is clipped to 5
    assert choices.willingness_edge(1.0, np.nan, 0, p) == pytest.approx(2.0)  # no table open: the stance alone
    assert choices.willingness(1.0, np.nan, 0, p) == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert choices.willingness(1.0, 0.5, choices.TOTAL, p) == 0.0
    assert choices.willingness_edge(1.0, 0.5, choices.TOTAL, p) == -np.inf  # total spoilers never come


def test_exposures_by_hand() -> None:
    presence = f64([[10.0, 10.0], [10.0, 0.0], [0.0, 30.0]])
    pairs = np.array([[0, 1], [1, 0], [0, 2], [2, 0]], dtype=np.int64)
    rivalry, spoil = choices.exposures(presence, pairs, np.array([False, False, True]))
    # Group 0: half its presence faces 10 of group 1 (share 1/2), half faces 30 of group 2 (share 3/4).
    np.testing.assert_allclose(rivalry, [(10 * 0.5 + 10 * 0.75) / 20, 0.5, 0.25])
    np.testing.assert_allclose(spoil, [10 * 0.75 / 20, 0.0, 0.0])  # only group 2 is a spoiling target


def test_decide_operations_postures_and_actions() -> None:
    p = default_params(ceasefire_effort_reduction=0.25)
    presence = f64([[10.0], [10.0]])
    pairs = np.array([[0, 1], [1, 0]], dtype=np.int64)
    out = np.zeros((2, choices.N_CHOICE))
    ceasefire = np.array([True, False])
    target = np.array([True, False])
    choices.decide(presence, pairs, f64([0.3, 0.3]), False, np.array([True, False]), ceasefire, f64([1.0, 0.0]),
                   f64([0.2, np.nan]), target, np.array([0, 1]), f64([1.0, 0.0]), f64([1.0, 1.0]), p, out)
    assert np.isnan(out[1, choices.EXPLOIT]) and 0.0 < out[0, choices.EXPLOIT] < 1.0  # only in a ceasefire
    assert out[0, choices.SPOIL] == 0.0 < out[1, choices.SPOIL]  # only against a rival at a table
    assert out[0, choices.WILLING] > 0.5 > out[1, choices.WILLING]  # declared stances
    q = out[0, choices.EXPLOIT]
    np.testing.assert_allclose(choices.operations_kept(out, ceasefire, p), [1.0 - 0.25 * (1.0 - q), 1.0])
    np.testing.assert_allclose(choices.postures(out, ceasefire), [out[0, choices.POSTURE] * q,
                                                                 out[1, choices.POSTURE]])
    actions = np.zeros((2, choices.N_ACTION))
    choices.actions(out, ceasefire, f64([1.0, 0.0]), f64([[0, 1], [1, 0]]), target, p, actions)
    assert actions[0, choices.VIOLATIONS] == pytest.approx(q)  # detected with verification 1
    assert actions[0, choices.ATTACKED] == pytest.approx(out[1, choices.SPOIL])
    gone = np.zeros((2, choices.N_CHOICE))
    choices.decide(presence, pairs, f64([0.3, 0.3]), False, np.array([False, False]), ceasefire, f64([1.0, 0.0]),
                   f64([0.2, np.nan]), target, np.array([0, 1]), f64([1.0, 0.0]), f64([0.0, 1.0]), p, gone)
    assert gone[0, choices.POSTURE] == gone[0, choices.WILLING] == 0.0  # a group that does not exist chooses nothing


def test_the_state_sees_a_violation_with_the_chance_the_group_is_seen_exploiting() -> None:
    """A violation is seen in a month with chance q_g D_g (the expected violations seen of `actions`): the draw is a
    uniform below it (docs/model.md 7.13, "What the state sees")."""
    actions = np.zeros((4, choices.N_ACTION))
    actions[:, choices.VIOLATIONS] = [0.3, 0.3, 0.0, 1.0]
    actions[:, choices.ATTACKS_ON_TABLES] = 1.0  # attacks on other tables are not read as violations
    seen = np.full(4, -1.0)
    choices.violations_seen(actions, f64([0.29, 0.31, 0.0, 0.999]), seen)
    assert seen.tolist() == [1.0, 0.0, 0.0, 1.0]
    rng = np.random.default_rng(3)
    many = np.zeros((20_000, choices.N_ACTION))
    many[:, choices.VIOLATIONS] = 0.3
    drawn = np.zeros(20_000)
    choices.violations_seen(many, rng.random(20_000), drawn)
    assert drawn.mean() == pytest.approx(0.3, abs=0.01)


def test_each_types_chance_of_a_violation_is_what_that_type_would_choose() -> None:
    """The chance of a violation seen were the group limited, greedy or total: the exploitation `decide` would choose
    with that type's margin, times the detection; a total spoiler has no deal to lose; 0 outside a ceasefire."""
    p = default_params()
    margins = f64([[0.3, -0.2, np.nan], [0.3, -0.2, np.nan], [-0.1, -0.4, np.nan]])
    ceasefire, at_stake = np.array([True, False, True]), np.array([True, True, True])
    pressure0, rivalry = f64([0.3, 0.3, 0.3]), f64([0.5, 0.5, 0.5])
    out = np.full((3, 3), -1.0)
    choices.violation_chances(rivalry, ceasefire, f64([0.0, 0.0, 1.0]), pressure0, False, at_stake, margins,
                              f64([1.0, 1.0, 1.0]), p, out)
    d0 = p.violation_detection  # no verification: what the forces see on their own
    for t, value in enumerate((0.3, 0.0, 0.0)):  # negative and undefined margins: nothing to lose
        edge = choices.exploit_edge(0.5, 0.0, 0.3, False, True, value, p)
        assert out[0, t] == pytest.approx(choices.logit_choice(edge, p) * d0)
    assert out[0, 0] < 0.01 < out[0, 1] == pytest.approx(out[0, 2])  # only a limited group had something to lose
    assert out[1].tolist() == [0.0, 0.0, 0.0]  # no ceasefire
    assert out[2, 0] == pytest.approx(out[2, 1]) == pytest.approx(out[2, 2])  # no type has anything to lose


def test_an_agreement_in_implementation_is_a_deal_at_stake() -> None:
    """A signed group in the ceasefire that follows signing weighs the agreement it would lose by exploiting it, as a
    group at an open table weighs its deal (docs/model.md 7.13, "A deal at stake"); a suspended or ended table has
    nothing at stake."""
    stake = {ph: tables_month.deal_at_stake(int(ph)) for ph in Phase}
    assert [ph for ph, at in stake.items() if at] == [Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS,
                                                      Phase.FINAL_AGREEMENT, Phase.IMPLEMENTATION]
    p = default_params()
    presence = f64([[10.0], [10.0], [10.0]])
    pairs = np.array([[0, 1], [1, 0], [0, 2], [2, 0], [1, 2], [2, 1]], dtype=np.int64)
    phases = (Phase.IMPLEMENTATION, Phase.BROKEN_DOWN, Phase.SUSPENDED)
    at_stake = np.array([stake[ph] for ph in phases])
    ceasefire = np.array([True, True, True])
    out = np.zeros((3, choices.N_CHOICE))
    # the same margin of 0.5 for all three; without verification the forces see half of the violations
    choices.decide(presence, pairs, f64([0.1, 0.1, 0.1]), False, at_stake, ceasefire, f64([0.0, 0.0, 0.0]),
                   f64([0.5, 0.5, 0.5]), at_stake | ceasefire, np.array([0, 0, 0]), f64([1.0, 1.0, 1.0]),
                   f64([1.0, 1.0, 1.0]), p, out)
    exploit = out[:, choices.EXPLOIT]
    assert exploit[0] < 0.01 and exploit[1] > 0.5 and exploit[2] == pytest.approx(exploit[1])


# ---------------------------------------------------------------------------------------------------------------------
# Arms and resources, cartels (M5.2, M2.3)
# ---------------------------------------------------------------------------------------------------------------------
def test_arms_stock_by_hand() -> None:
    p = default_params(arms_share=0.2, operations_cost=0.0005, arms_depreciation=0.05, arms_effort_effect=1.0)
    inflow = economy.resources_inflow(f64([1.0, 0.0]), f64([0.5, 0.0]), f64([1000.0, 100.0]), f64([1.0, 0.5]), p)
    np.testing.assert_allclose(inflow, [0.2 + 0.5 - 0.5, -0.025])  # s_A rent + transfers - c_op armed x operations
    stock = f64([1.0, 0.01])
    economy.update_resources(stock, inflow, p)
    np.testing.assert_allclose(stock, [0.95 + 0.2, 0.0])  # never below zero
    np.testing.assert_allclose(economy.steady_resources(inflow, p), [0.2 / 0.05, 0.0])
    a = economy.arms_intensity(f64([6.0, 1.0]), f64([1000.0, 0.0]), p)
    np.testing.assert_allclose(a, [1.0, 0.0])  # a year of operations: 12 x 0.0005 x 1000 = 6
    np.testing.assert_allclose(economy.arms_multiplier(a, p), [1.5, 1.0])


def test_members_in_sanctuary_earn_the_scenario_ratio_of_a_member_at_home() -> None:
    ratio = f64([1.2, 0.0, 0.0, 0.0])
    rent = f64([10.0, 4.0, 0.0, 0.0])
    members = f64([[300.0, 200.0], [100.0, 0.0], [0.0, 0.0], [0.0, 0.0]])  # armed members at home by territory
    slot = np.array([3, -1, -1, -1], dtype=np.int64)  # group 0 splits into slot 3
    rate = economy.sanctuary_rates(ratio, rent, members, slot)
    np.testing.assert_allclose(rate, [1.2 * 10.0 / 500.0, 0.0, 0.0, 1.2 * 10.0 / 500.0])  # the splinter inherits it
    income = rent.copy()
    economy.add_sanctuary_income(income, rate, f64([400.0, 50.0, 0.0, 100.0]))
    np.testing.assert_allclose(income, [10.0 + 9.6, 4.0, 0.0, 2.4])  # nothing abroad without a ratio
    empty = economy.sanctuary_rates(ratio, rent, np.zeros((4, 2)), slot)
    np.testing.assert_allclose(empty, 0.0)  # nobody at home: no rate to scale (no division by zero)


def test_cartels_arm_proxies_and_keep_their_own_share() -> None:
    allies = f64([[0, 1, 0], [0, 0, 0], [0, 0, 0]])  # cartel 0 finances group 1
    got = economy.cartel_transfers(f64([3.0, 0.0, 0.0]), allies, f64([1.0, 2.0, 5.0]), f64([1.0, 1.0, 1.0]), 0.0)
    np.testing.assert_allclose(got, [1.0, 2.0, 0.0])  # shared by exit control, the cartel's own ground included
    got = economy.cartel_transfers(f64([3.0, 0.0, 0.0]), allies, f64([1.0, 2.0, 5.0]), f64([0.0, 1.0, 1.0]), 1.0)
    np.testing.assert_allclose(got, [0.0, 6.0, 0.0])  # a cartel without members here pays it all; vacuum doubles


def test_corridor_hectares_share_a_routes_rent_along_it() -> None:
    # Chain 0 -> 1 -> 2 (exit); territory 3 has no route.
    next_hop = np.array([1, 2, -1, -1], dtype=np.int64)
    exit_of = np.array([2, 2, 2, -1], dtype=np.int64)
    got = economy.corridor_hectares(f64([10.0, 4.0, 1.0, 7.0]), next_hop, exit_of)
    np.testing.assert_allclose(got, [0.0, 5.0, 5.0 + 4.0 + 1.0, 0.0])
    assert got.sum() == pytest.approx(15.0)  # the coca that reaches an exit, counted once


# ---------------------------------------------------------------------------------------------------------------------
# Ex-combatants, networks, splits (M5.2, M4.1, M7.2)
# ---------------------------------------------------------------------------------------------------------------------
def test_ex_combatant_pool_killings_reintegration_and_recidivism() -> None:
    p = default_params(ex_combatant_killing_rate=0.001, reintegration_rate=0.01, recidivism_rate=0.005,
                       recruitment_rent_effect=0.5)
    pool = f64([1000.0, 1000.0])
    control = f64([[0.0, 0.0, 1.0], [0.5, 0.0, 0.5]])  # (T, two groups + state)
    killed, left = strength.ex_combatant_flows(pool, control, p)
    assert killed == pytest.approx(0.001 * 0.5 * 1000)  # only where the state does not hold control
    assert left == pytest.approx(0.01 * 1000 + 0.01 * (1000 - 0.5))
    np.testing.assert_allclose(pool, [990.0, (1000 - 0.5) * 0.99])
    pool = f64([1000.0, 1000.0])
    got = strength.recidivism(pool, control, f64([4.0, 4.0]), f64([1.0, 0.0]), p)
    np.testing.assert_allclose(got, [[0.0, 0.005 * 1000 * 0.5 * 2.0], [0.0, 0.0]])  # dissidents only
    np.testing.assert_allclose(pool, [1000.0, 1000.0 - 5.0])
    small = f64([1.0])
    got = strength.recidivism(small, f64([[1.0, 0.0]]), f64([1e8]), f64([1.0]), p)
    assert got[0, 0] == pytest.approx(1.0) and small[0] == 0.0  # never more than the pool


def test_network_recruitment_by_hand() -> None:
    p = default_params(network_rate=0.0035)
    control = f64([[0.5, 0.5], [0.0, 1.0]])  # (T = 2, one group + the state)
    got = strength.network_recruitment(control, f64([200_000.0, 50_000.0]), p)
    np.testing.assert_allclose(got, [[0.0035 * 0.5 * 200, 0.0]])  # nu_s c Pop / 1000


def test_split_hazard_beyond_signing() -> None:
    p = default_params(split_decapitation_effect=0.02, split_rivalry_rate=0.002, split_implementation_effect=0.05)
    assert strength.split_hazard(0.0, 1.0, False, 1.0, p) == 0.0
    assert strength.split_hazard(0.05, 1.0, False, 1.0, p) == pytest.approx(0.02 * 0.6)  # 12 x 5% a month lost
    assert strength.split_hazard(0.5, 1.0, False, 1.0, p) == pytest.approx(0.02)  # capped at one
    assert strength.split_hazard(0.0, 0.5, False, 1.0, p) == pytest.approx(0.001)  # internal rivalry
    assert strength.split_hazard(0.0, 1.0, True, -0.1, p) == pytest.approx(0.05)  # failing implementation
    assert strength.split_hazard(0.0, 1.0, True, 0.1, p) == 0.0


# ---------------------------------------------------------------------------------------------------------------------
# Routes (M2.3, Dell 2015)
# ---------------------------------------------------------------------------------------------------------------------
def test_routes_detour_around_state_control() -> None:
    # A square 0-1-3, 0-2-3 with the exit at 3: both paths have length 2; the state holding 1 sends the coca via 2.
    indptr, indices = adjacency(4, [(0, 1), (0, 2), (1, 3), (2, 3)])
    length = np.ones(indices.shape[0])
    exits = f64([0, 0, 0, 1])
    p = default_params(route_state_aversion=2.0, route_update_months=6.0)
    control = np.zeros((4, 2))
    control[:, 0] = 1.0
    control[1] = [0.0, 1.0]  # the state holds territory 1
    costs = trafficking.edge_costs(length, indptr, indices, control, p)
    for i in range(4):
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            assert costs[e] == pytest.approx(1.0 + 2.0 * 0.5 * (control[i, 1] + control[j, 1]))
    exit_of, next_hop = np.empty(4, dtype=np.int64), np.empty(4, dtype=np.int64)
    assert trafficking.reroute(0, length, indptr, indices, exits, control, exit_of, next_hop, p)
    assert list(exit_of) == [3, 3, 3, 3] and next_hop[0] == 2 and next_hop[3] == -1
    control[1], control[2] = [1.0, 0.0], [0.0, 1.0]  # the state moves to 2: traffickers re-route through 1
    assert not trafficking.reroute(3, length, indptr, indices, exits, control, exit_of, next_hop, p)  # not yet
    assert next_hop[0] == 2
    assert trafficking.reroute(6, length, indptr, indices, exits, control, exit_of, next_hop, p)
    assert next_hop[0] == 1


# ---------------------------------------------------------------------------------------------------------------------
# Willingness and the phased order (model/tables/month._ready)
# ---------------------------------------------------------------------------------------------------------------------
def test_a_hesitating_group_keeps_its_place_in_the_phased_order() -> None:
    from totalpeace.model.tables import layout
    from totalpeace.model.tables import month as tables_month

    static = np.zeros((3, layout.N_TB))
    static[:, layout.TB_START] = 0.0
    order = np.array([0, 1, 2], dtype=np.int64)
    phase = np.zeros(3, dtype=np.int64)
    comes, hesitates = np.array([False, True, True]), np.array([True, True, True])
    # Phased: the first group hesitates this month, so nobody after it opens; simultaneous: the others open.
    assert list(tables_month._ready(0, True, order, static, phase, comes, hesitates)) == [False, False, False]
    assert list(tables_month._ready(0, False, order, static, phase, comes, hesitates)) == [False, True, True]
    # A group that never declared itself willing does not hold the others back.
    assert list(tables_month._ready(0, True, order, static, phase, comes, comes)) == [False, True, False]
    assert list(tables_month._ready(0, True, order, static, phase, hesitates, hesitates)) == [True, False, False]
