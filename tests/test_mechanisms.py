"""Unit tests of the model's mechanism functions (src/totalpeace/model) and of the counter-based random numbers.

Each test states what the mechanism should do according to the research note (MECHANISMS.md, sections M1-M7):
known values worked out by hand where the formula is simple, directional and comparative properties otherwise. The
functions are the compiled ones the engine runs, called on one run's arrays. Parameters are the registry defaults
unless a test sets them, so hand-computed values name the numbers they use.
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
from totalpeace.engine.rng import COUNTER, Purpose, central
from totalpeace.model import choices, contest, economy, international, security, spillover, strength, values, violence
from totalpeace.model.params import Params, default_params, params_record
from totalpeace.scenario.params import PARAMETERS

DEFAULTS: dict[str, float] = {p.name: p.default for p in PARAMETERS}
P0 = default_params()
COCA, GOLD, EXTORTION, ROUTES = economy.COCA, economy.GOLD, economy.EXTORTION, economy.ROUTES
KEY = rng.stream_key(1, 0, 0, 1)


def params(**changes: float) -> Params:
    """The default parameters with some values replaced."""
    return default_params(**changes)


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def adjacency(n: int, pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric adjacency as the engine reads it: CSR row pointers and sorted column indices."""
    rows = [a for a, b in pairs] + [b for a, b in pairs]
    cols = [b for a, b in pairs] + [a for a, b in pairs]
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    matrix.sort_indices()
    return matrix.indptr.astype(np.int64), matrix.indices.astype(np.int64)


def f64(values) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def test_params_follow_the_registry() -> None:
    assert P0.dtype.names == tuple(spec.name for spec in PARAMETERS)
    assert all(P0[spec.name] == spec.default for spec in PARAMETERS)
    assert params(recruitment_rate=0.5).recruitment_rate == 0.5
    assert params_record(DEFAULTS) == P0
    with pytest.raises(KeyError, match="no_such_parameter"):
        params(no_such_parameter=1.0)


# =====================================================================================================================
# M1.2 economy: rents and drug policy
# =====================================================================================================================
def test_rents_by_kind_by_hand() -> None:
    p = params(coca_rent_per_ha=0.001, gold_rent_per_ha=0.01, extortion_rent_per_100k=0.1, route_rent_per_ha=0.002)
    gold = f64([10.0, 0.0])
    population = f64([200_000.0, 50_000.0])
    rents = economy.rents_by_kind(f64([100.0, 0.0]), gold, population, f64([0.0, 100.0]), p)
    assert rents.shape == (2, 4)
    np.testing.assert_allclose(rents[0], [0.1, 0.1, 0.2, 0.0])  # 100 ha x 0.001, 10 ha x 0.01, 2 x 0.1, no transit
    np.testing.assert_allclose(rents[1], [0.0, 0.0, 0.05, 0.2])
    other = economy.rents_by_kind(f64([200.0, 50.0]), gold, population, f64([0.0, 250.0]), p)
    np.testing.assert_allclose(other, [[0.2, 0.1, 0.2, 0.0], [0.05, 0.0, 0.05, 0.5]])
    # Gold and extortion are fixed territory attributes: the same whatever the coca and transit.
    np.testing.assert_array_equal(rents[:, [GOLD, EXTORTION]], other[:, [GOLD, EXTORTION]])


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
    a, b = economy.appropriable_shares(lo, P0), economy.appropriable_shares(hi, P0)
    assert np.all(b <= a + 1e-15)
    assert np.all((b >= 0) & (b <= DEFAULTS["appropriable_share"]))


def test_transit_hectares_follow_the_routes() -> None:
    # Territories 0 and 1 ship through exit 2; exit 2 ships its own coca; territory 3 through exit 3; territory 4
    # reaches no exit.
    exit_of = np.array([2, 2, 2, 3, -1], dtype=np.int64)
    transit = economy.transit_hectares(f64([10.0, 20.0, 5.0, 7.0, 3.0]), exit_of)
    np.testing.assert_allclose(transit, [0.0, 0.0, 35.0, 7.0, 0.0])


def test_appropriable_value_counts_only_the_groups_revenue_kinds() -> None:
    kinds = f64([[1.0, 2.0, 3.0, 4.0]])  # (T=1, 4)
    chi = f64([0.5, 0.5, 0.5, 0.25])
    # Revenue kinds: the first group takes all four, the second gold only, the third extortion and routes.
    revenue = f64([[1.0, 1.0, 1.0, 1.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
    value, rent_t = economy.appropriable(kinds, chi, revenue)
    assert value.shape == (3, 1)
    np.testing.assert_allclose(value[:, 0], [0.5 + 1.0 + 1.5 + 1.0, 1.0, 1.5 + 1.0])
    np.testing.assert_allclose(rent_t, [0.5 + 1.0 + 1.5 + 1.0])  # everything appropriable in the territory


def test_group_rents_are_control_weighted_values() -> None:
    value = f64([[10.0, 4.0], [2.0, 8.0]])  # (G=2, T=2)
    control = f64([[0.5, 0.25, 0.25], [0.0, 1.0, 0.0]])  # (T, G + state)
    np.testing.assert_allclose(economy.group_rents(value, control), [10 * 0.5 + 4 * 0.0, 2 * 0.25 + 8 * 1.0])


def test_stakes_are_status_quo_incomes_with_a_floor() -> None:
    p = params(appropriable_share=0.5, decriminalization_effect=1.0)
    kinds = f64([[2.0, 0.0, 0.0, 0.0], [0.0, 4.0, 0.0, 0.0]])  # coca in territory 0, gold in territory 1
    revenue = f64([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0]])  # the second group lives on extortion only
    control = f64([[1.0, 0.0, 0.0], [0.5, 0.0, 0.5]])
    # Drug policy does not enter the stake: chi_0 for every kind. 0.5 x 2 + 0.5 x 0.5 x 4 = 2; nothing: the floor.
    np.testing.assert_allclose(economy.stakes(kinds, revenue, control, p), [2.0, economy.STAKE_FLOOR])


def test_exit_holdings() -> None:
    control = f64([[0.5, 0.25, 0.25], [0.2, 0.0, 0.8], [1.0, 0.0, 0.0]])
    exit_control, vacuum = economy.exit_holdings(control, f64([0.1, 0.3, 0.7]), f64([1.0, 1.0, 0.0]))
    np.testing.assert_allclose(exit_control, [0.7, 0.25])  # the third territory is not an exit
    assert vacuum == pytest.approx(0.4)


def test_cartel_transfers_go_to_allies_by_exit_control_and_grow_with_vacuum() -> None:
    # Groups: 0 a cartel (finance 2) allied with 1 and 2; 3 not allied.
    finance = f64([2.0, 0.0, 0.0, 0.0])
    allies = np.zeros((4, 4))
    allies[0, 1] = allies[1, 0] = allies[0, 2] = allies[2, 0] = 1.0
    exit_control = f64([0.0, 3.0, 1.0, 5.0])
    alive = np.ones(4)
    got = economy.cartel_transfers(finance, allies, exit_control, alive, 0.0)
    np.testing.assert_allclose(got, [0.0, 1.5, 0.5, 0.0])  # 2 split 3:1; the non-ally gets nothing
    np.testing.assert_allclose(economy.cartel_transfers(finance, allies, exit_control, alive, 0.5), got * 1.5)
    # An inactive (destroyed) proxy gets nothing; its share goes to the other ally.
    np.testing.assert_allclose(economy.cartel_transfers(finance, allies, exit_control, f64([1, 1, 0, 1]), 0.0),
                               [0.0, 2.0, 0.0, 0.0])
    # No exits held by allies: no transfers (and no division by zero).
    np.testing.assert_array_equal(economy.cartel_transfers(finance, allies, np.zeros(4), alive, 0.0), np.zeros(4))


def test_coca_change_by_hand_and_never_below_zero() -> None:
    p = params(substitution_rate=0.02, substitution_announcement=0.01)
    assert economy.coca_change(0.5, 0.0, p) == pytest.approx(-0.01)
    assert economy.coca_change(0.0, 1.0, p) == pytest.approx(0.01)  # announced, unpaid: planting for the payment
    coca = f64([100.0, 0.0])
    economy.grow_coca(coca, -0.01)
    np.testing.assert_allclose(coca, [99.0, 0.0])
    economy.grow_coca(coca, -2.0)
    np.testing.assert_array_equal(coca, [0.0, 0.0])


# =====================================================================================================================
# M1.1 / M5.1 bargaining power (the tables' values and protocol: test_tables_*.py)
# =====================================================================================================================
def test_bargaining_power_over_the_territories_where_the_group_is() -> None:
    # Two territories; the state's effort is 3 in the first and 5 in the second.
    effort = f64([[1.0, 0.0, 3.0], [2.0, 0.0, 5.0]])
    members = f64([[10.0, 0.0], [0.0, 0.0]])  # group 0 only in territory 0; group 1 nowhere in the country
    p = params(sanctuary_power_effect=0.5)
    power = values.bargaining_power(effort, members, f64([0.0, 4.0]), p)
    # Group 0: its efforts 1 + 2 against the state's effort where it is (3); group 1: its sanctuary 0.5 x 4 against
    # the state's whole effort.
    np.testing.assert_allclose(power, [3.0 / 6.0, 2.0 / 10.0])
    # No effort on either side: 0, not NaN.
    assert values.bargaining_power(np.zeros((2, 3)), members, np.zeros(2), p)[1] == 0.0


# =====================================================================================================================
# M3.2 / M3.3 security forces
# =====================================================================================================================
def test_concession_loads_weigh_kinds_and_count_new_ones() -> None:
    conc = f64([[1, 1, 0, 0], [0, 0, 1, 1]])  # arrest orders + extradition (0.5 each); bombing + zone (1 each)
    assert security.concession_load(conc) == pytest.approx(3.0)
    before = f64([[1, 0, 0, 0], [0, 0, 1, 0]])
    assert security.new_concession_load(conc, before) == pytest.approx(0.5 + 1.0)  # extradition and zone are new
    assert security.new_concession_load(before, conc) == 0.0  # lifting concessions is no shock


def test_casualty_strain_only_above_the_usual_level_and_under_restraint() -> None:
    p = params(casualty_reference=10.0)
    assert security.casualty_strain(30.0, 2.0, p) == pytest.approx(2.0)  # (30/10 - 1) x min(1, 2)
    assert security.casualty_strain(30.0, 0.5, p) == pytest.approx(1.0)
    assert security.casualty_strain(8.0, 2.0, p) == 0.0  # below the usual level
    assert security.casualty_strain(30.0, 0.0, p) == 0.0  # no concessions restraining the forces


def test_cohesion_update_by_hand() -> None:
    p = params(cohesion_recovery=0.03, cohesion_concession_level=0.05, cohesion_new_concession=0.02,
               cohesion_casualty_effect=0.2, cohesion_purge_effect=0.4, dissent_shock=0.05)
    # target 0.7 / (1 + 0.05 x 2 + 0.2 x 0.5) = 0.7 / 1.2; 0.5 + 0.03 (target - 0.5) - 0.02 x 1 - 0.4 x 0.5
    target = 0.7 / 1.2
    k = 0.5 + 0.03 * (target - 0.5) - 0.02 - 0.2
    assert security.cohesion_update(0.5, 0.7, 2.0, 1.0, 0.5, 0.5, 0.0, p) == pytest.approx(k)
    assert security.cohesion_update(0.5, 0.7, 2.0, 1.0, 0.5, 0.5, 1.0, p) == pytest.approx(k - 0.05)


def test_cohesion_concessions_lower_its_level_instead_of_draining_it() -> None:
    k = 0.48
    for _ in range(600):  # five weighted concessions in force for fifty years: a level, not a drain to zero
        k = security.cohesion_update(k, 0.7, 5.0, 0.0, 0.0, 0.0, 0.0, P0)
    assert k == pytest.approx(0.7 / (1.0 + DEFAULTS["cohesion_concession_level"] * 5.0), abs=1e-6)
    assert k > 0.5
    assert security.cohesion_update(0.6, 0.6, 0.0, 0.0, 0.5, 0.0, 0.0, P0) < 0.6  # the purge shock
    assert security.cohesion_update(0.6, 0.6, 0.0, 1.0, 0.0, 0.0, 0.0, P0) < 0.6  # a concession granted
    assert security.cohesion_update(0.6, 0.6, 0.0, 0.0, 0.0, 0.0, 0.0, P0) == pytest.approx(0.6)  # fixed point
    assert security.cohesion_update(0.6, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0, P0) > 0.6  # recovers up to buy-in
    assert security.cohesion_update(0.1, 0.0, 50.0, 9.0, 1.0, 9.0, 1.0, P0) == 0.0  # bounded below


def test_dissent_probability_by_hand_and_rises_with_its_causes() -> None:
    p = params(dissent_base=-5.0, dissent_cohesion_effect=3.0, dissent_concession_effect=0.5,
               dissent_casualty_effect=0.5)
    assert security.dissent_probability(1.0, 0.0, 0.0, p) == pytest.approx(logistic(-5.0))
    assert security.dissent_probability(0.5, 2.0, 1.0, p) == pytest.approx(logistic(-5 + 1.5 + 1.0 + 0.5))
    assert np.all(np.diff([security.dissent_probability(k, 0.0, 0.0, p) for k in np.linspace(1.0, 0.0, 11)]) > 0)
    assert security.dissent_probability(0.7, 3.0, 0.0, p) > security.dissent_probability(0.7, 0.0, 0.0, p)
    assert security.dissent_probability(0.7, 0.0, 2.0, p) > security.dissent_probability(0.7, 0.0, 0.0, p)
    # Rare at the usual cohesion (about one episode a decade at the defaults).
    assert 12 * security.dissent_probability(0.7, 0.0, 0.0, P0) < 0.3


def test_threat_is_the_fighting_groups_armed_density_relative_to_the_national() -> None:
    members = f64([[50.0, 0.0], [0.0, 100.0]])  # armed members (G=2, T=2)
    population = f64([1000.0, 3000.0])
    got = security.threat(members, f64([1.0, 1.0]), population)
    national = 150.0 / 4000.0
    np.testing.assert_allclose(got, [50.0 / 1000 / national, 100.0 / 3000 / national])
    np.testing.assert_allclose(security.threat(members, f64([1.0, 0.0]), population),
                               [4.0, 0.0])  # a group that does not fight is no threat
    half = security.threat(members, f64([0.5, 1.0]), population)  # a group's posture weights its members
    np.testing.assert_allclose(half, [25.0 / 1000 / (125.0 / 4000), 100.0 / 3000 / (125.0 / 4000)])
    np.testing.assert_array_equal(security.threat(members, np.zeros(2), population), 0.0)


def test_targeting_by_hand_and_the_vacuum_term_follows_cohesion() -> None:
    p = params(deployment_threat_weight=0.5, deployment_vacuum_weight=1.5, deployment_attack_weight=1.0)
    got = security.targeting(f64([1.0, 1.0, 1.0]), f64([0.0, 2.0, 0.0]), f64([0.0, 0.0, 0.4]), f64([0.0, 0.0, 1.0]),
                             0.5, p)
    np.testing.assert_allclose(got, [1.0, 1.0 + 0.5 * 2.0 / 3.0, (1 + 1.5 * 0.5 * 0.4) * 1.5])
    far = security.targeting(np.ones(1), f64([1e6]), np.zeros(1), np.zeros(1), 0.5, p)[0]
    assert far == pytest.approx(1.5, rel=1e-5)  # the threat term saturates: a tiny, dense unit cannot draw every force
    low = security.targeting(np.ones(1), np.zeros(1), f64([0.4]), np.zeros(1), 0.2, p)[0]
    high = security.targeting(np.ones(1), np.zeros(1), f64([0.4]), np.zeros(1), 0.9, p)[0]
    assert high > low > 1.0  # cohesive forces carry out the order to hold vacated ground


def test_deployment_sends_forces_to_vacated_ground() -> None:
    control = f64([[0.5, 0.5], [0.5, 0.5]])
    even = security.deployment(100.0, f64([1.0, 1.0]), control)
    np.testing.assert_allclose(even, [50.0, 50.0])
    base = security.targeting(np.ones(2), np.zeros(2), f64([0.0, 0.5]), np.zeros(2), 1.0, P0)
    shifted = security.deployment(100.0, base, control)
    assert shifted.sum() == pytest.approx(100.0) and shifted[1] > 50.0


def test_operations_react_to_attacks_and_ease_under_verified_unilateral_ceasefires() -> None:
    p = params(reaction_to_attacks=0.5, verified_restraint=0.5, violation_detection=0.0)
    pressure = f64([0.3, 0.3, 0.3])
    kept = np.ones(3)
    got = security.operations(pressure, f64([0.0, 1.0, 0.0]), f64([0.0, 0.0, 0.8]), np.array([False, False, True]),
                              kept, p)
    np.testing.assert_allclose(got, [0.3, 0.3 * 1.25, 0.3 * 0.6])
    # Verification without a unilateral ceasefire changes nothing.
    assert security.operations(pressure, np.zeros(3), np.ones(3), np.zeros(3, dtype=np.bool_), kept, p)[0] == 0.3


def test_the_state_reciprocates_the_compliance_it_sees_without_verifiers() -> None:
    # restraint 1 - psi_V D k: D = 1 - (1 - delta)(1 - V) what is seen, k the share of the fronts keeping the ceasefire
    p = params(reaction_to_attacks=0.5, verified_restraint=0.5, violation_detection=0.4)
    assert security.detection(0.0, p) == pytest.approx(0.4) and security.detection(1.0, p) == pytest.approx(1.0)
    assert security.detection(0.5, p) == pytest.approx(1.0 - 0.6 * 0.5)
    pressure, unilateral = f64([0.3, 0.3, 0.3]), np.ones(3, dtype=np.bool_)
    got = security.operations(pressure, np.zeros(3), np.zeros(3), unilateral, f64([1.0, 0.5, 0.0]), p)
    np.testing.assert_allclose(got, [0.3 * (1 - 0.5 * 0.4), 0.3 * (1 - 0.5 * 0.4 * 0.5), 0.3])


def test_forces_killed_only_by_fighting_groups_where_the_state_operates_and_remembered() -> None:
    p = params(state_losses_per_member=0.01)
    members = f64([[100.0, 50.0], [40.0, 10.0]])
    killed = security.forces_killed(members, f64([1.0, 0.0]), f64([0.5, 0.0]), p)
    np.testing.assert_allclose(killed, [[0.5, 0.0], [0.0, 0.0]])  # not where the state is absent; not in ceasefire
    by_territory, by_group = f64([1.0, 0.0]), f64([0.0, 2.0])
    security.remember_attacks(by_territory, by_group, killed)
    np.testing.assert_allclose(by_territory, [0.8 + 0.5, 0.0])
    np.testing.assert_allclose(by_group, [0.5, 1.6])


def test_vacuum_fill_splits_the_vacated_ground_between_the_state_and_groups() -> None:
    before = f64([[0.6, 0.0, 0.4], [0.5, 0.0, 0.5]])
    after = f64([[0.3, 0.2, 0.5], [0.4, 0.1, 0.5]])
    state, groups = security.vacuum_fill(before, after, f64([0.3, 0.0]))
    np.testing.assert_allclose(state, [0.1, 0.0])  # territory 1 vacated nothing this month: not counted
    np.testing.assert_allclose(groups, [0.2, 0.0])


def test_force_allocation_follows_population_and_nonstate_control() -> None:
    pop075 = security.deployment_weights(f64([10_000.0, 10_000.0, 160_000.0]))
    np.testing.assert_allclose(pop075, [10_000**0.75, 10_000**0.75, 160_000**0.75])
    control = f64([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])  # the state holds territories 0 and 2, a group territory 1
    weight, total = security.force_weights(pop075, control)
    w = np.array([10_000**0.75 * 0.2, 10_000**0.75 * 1.2, 160_000**0.75 * 0.2])
    np.testing.assert_allclose(weight, w)
    assert total == pytest.approx(w.sum())
    # With cohesion, presence and the effort ratio at one, the state's effort is the forces it deploys.
    effort = np.zeros((3, 2))
    security.state_efforts(1.0, 1000.0, pop075, control, np.ones(3), False, np.zeros((1, 3)), False,
                           params(state_effort_ratio=1.0), effort)
    allocation = effort[:, 1]
    assert allocation.sum() == pytest.approx(1000.0)
    np.testing.assert_allclose(allocation, 1000.0 * w / w.sum())
    assert allocation[1] == pytest.approx(6 * allocation[0])  # same population, contested ground gets 6x (1.2 / 0.2)


def test_state_efforts_by_hand() -> None:
    p = params(state_effort_ratio=0.5, conditional_effort_bonus=0.2)
    pop075, presence = f64([1.0, 1.0]), f64([0.5, 1.0])
    control = f64([[0.0, 1.0], [0.0, 1.0]])  # equal weights: 100 of the 200 forces to each territory
    no_zone = np.zeros((1, 2))

    def state_effort(conditional: bool, zone: np.ndarray) -> np.ndarray:
        effort = np.full((2, 2), 7.0)  # (T, one group + the state)
        security.state_efforts(0.8, 200.0, pop075, control, presence, conditional, zone, bool(zone.any()), p, effort)
        np.testing.assert_array_equal(effort[:, 0], 7.0)  # the groups' column is left alone
        return effort[:, 1]

    plain = state_effort(False, no_zone)
    np.testing.assert_allclose(plain, [0.8 * 100 * 0.5 * 0.5, 0.8 * 100 * 1.0 * 0.5])
    np.testing.assert_allclose(state_effort(True, no_zone), plain * 1.2)
    np.testing.assert_allclose(state_effort(False, f64([[1.0, 0.0]])), [0.0, plain[1]])  # none in a zone


def test_violence_posture_unconditional_fights_back_with_defaults_conditional_deters() -> None:
    # Lessing (2015): unconditional crackdowns give cartels reason to fight back; conditional repression deters.
    assert security.violence_posture(False, P0) == 1.0  # (1 - 0.3) 0.5 - 0.2 = 0.15 > 0
    assert security.violence_posture(True, P0) < security.violence_posture(False, P0)
    assert security.violence_posture(True, P0) == 0.0  # 0.15 - 0.6 < 0
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
    np.testing.assert_allclose([security.repression_pressure(v, True, p) for v in (0.0, 0.5, 1.0)], [0.3, 0.6, 0.9])
    np.testing.assert_allclose([security.repression_pressure(v, False, p) for v in (0.0, 0.5, 1.0)], [0.3] * 3)
    assert security.repression_pressure(0.0, True, p) == security.repression_pressure(0.0, False, p)


# =====================================================================================================================
# M2.2 territorial contest
# =====================================================================================================================
def test_reach_splits_a_members_effort_between_home_and_neighbours() -> None:
    indptr, indices = adjacency(3, [(0, 1), (1, 2)])
    p = params(neighbour_reach=0.3, support_effort_weight=0.25)
    # Width sqrt(area x 1000 km2): 150 km -> r_0; 75 km -> 2 r_0; 1 km -> capped at MAX_REACH.
    reach = contest.reach_shares(f64([22.5, 5.625, 0.001]), indptr, p)
    np.testing.assert_allclose(reach, [0.3, 0.6, contest.MAX_REACH])
    assert contest.reach_shares(f64([22.5]), np.zeros(2, dtype=np.int64), p)[0] == 0.0  # no neighbours, no reach
    members = f64([[100.0, 0.0, 0.0], [0.0, 40.0, 0.0]])
    support = f64([[40.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    presence = contest.effective_presence(members, support, reach, indptr, indices, p)
    # Group 0: 100 + 0.25 x 40 = 110 member-equivalents in territory 0 (one neighbour): 70% at home, 30% next door.
    np.testing.assert_allclose(presence[0], [0.7 * 110, 0.3 * 110, 0.0])
    # Group 1: 40 in territory 1 (two neighbours): 40% at home, 60% split equally.
    np.testing.assert_allclose(presence[1], [12.0, 16.0, 12.0])
    np.testing.assert_allclose(presence.sum(axis=1), [110.0, 40.0])  # reach moves effort, it never adds to it
    effort = contest.group_efforts(presence, f64([2.0, 1.0]))
    np.testing.assert_allclose(effort[:, 0], 2.0 * presence[0])  # the arms multiplier
    np.testing.assert_allclose(effort[:, 1], presence[1])
    np.testing.assert_array_equal(effort[:, 2], 0.0)  # the state's column is left 0


def test_reach_follows_the_groups_own_fronts_next_door() -> None:
    # A chain 0 - 1 - 2: the group's fronts in 1 and 2 patrol toward each other, not into territory 0, where it has
    # nobody; a group with nobody in any neighbour shares its reach equally (the test above).
    indptr, indices = adjacency(3, [(0, 1), (1, 2)])
    p = params(neighbour_reach=0.3, support_effort_weight=0.25)
    reach = f64([0.3, 0.6, 0.3])
    members = f64([[0.0, 40.0, 10.0], [0.0, 40.0, 0.0]])
    support = f64([[0.0, 0.0, 40.0], [0.0, 0.0, 0.0]])
    presence = contest.effective_presence(members, support, reach, indptr, indices, p)
    # Group 0: 40 in 1 sends its 60% to 2 alone; the 20 member-equivalents in 2 (10 + 0.25 x 40) send 30% to 1.
    np.testing.assert_allclose(presence[0], [0.0, 0.4 * 40 + 0.3 * 20, 0.6 * 40 + 0.7 * 20])
    np.testing.assert_allclose(presence[1], [12.0, 16.0, 12.0])  # no front next door: shared equally
    np.testing.assert_allclose(presence.sum(axis=1), [60.0, 40.0])  # reach still moves effort, never adds to it
    # Weighted by the neighbours' members: a front twice the size draws twice the effort.
    star_indptr, star_indices = adjacency(3, [(0, 1), (0, 2)])
    spread = contest.effective_presence(f64([[30.0, 20.0, 10.0]]), np.zeros((1, 3)), f64([0.5, 0.0, 0.0]),
                                        star_indptr, star_indices, p)
    np.testing.assert_allclose(spread[0], [15.0, 20.0 + 10.0, 10.0 + 5.0])


def test_perturb_efforts_mean_one_and_absent_actors_stay_absent() -> None:
    p = params(effort_noise=0.3)
    effort = f64([[2.0, 0.0], [1.0, 4.0]])
    central_effort = effort.copy()
    contest.perturb_efforts(central_effort, KEY, central(0.5), p)
    np.testing.assert_allclose(central_effort, effort * math.exp(-0.045))  # eps = 0: the log-normal's median
    noisy = np.ones((400, 50))
    contest.perturb_efforts(noisy, KEY, COUNTER, p)
    assert noisy.mean() == pytest.approx(1.0, abs=0.01)  # mean one; sd of the mean about 0.0014
    assert np.log(noisy).std() == pytest.approx(0.3, rel=0.02)
    zero = f64([[0.0, 1.0]])
    contest.perturb_efforts(zero, KEY, COUNTER, p)
    assert zero[0, 0] == 0.0


def _shares(effort, m: float = 1.0) -> np.ndarray:
    return contest.contest_shares(np.atleast_2d(f64(effort)), False, params(contest_decisiveness=m))


@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 5)), elements=st.floats(0.0, 1e4)),
       st.floats(0.5, 2.0))
@settings(max_examples=40, deadline=None)
def test_csf_ratio_shares_sum_to_one(effort: np.ndarray, m: float) -> None:
    shares = _shares(effort, m)
    assert np.all((shares >= 0.0) & (shares <= 1.0))
    np.testing.assert_allclose(shares.sum(axis=-1), 1.0)
    assert np.all(shares[:, :-1][effort[:, :-1] == 0] == 0.0)
    nobody = ~(effort > 0).any(axis=-1)
    np.testing.assert_array_equal(shares[nobody, -1], 1.0)  # nobody contests: the state keeps nominal control


def test_csf_ratio_by_hand_and_decisiveness_sharpens() -> None:
    np.testing.assert_allclose(_shares([3.0, 3.0, 3.0]), [[1 / 3] * 3])  # equal efforts
    np.testing.assert_allclose(_shares([2.0, 1.0]), [[2 / 3, 1 / 3]])
    np.testing.assert_allclose(_shares([2.0, 1.0], 2.0), [[0.8, 0.2]])
    np.testing.assert_allclose(_shares([2.0, 1.0], 0.5), [[2**0.5 / (2**0.5 + 1), 1 / (2**0.5 + 1)]])
    strong = [_shares([2.0, 1.0], m)[0, 0] for m in (0.5, 1.0, 1.5, 2.0)]
    assert all(a < b for a, b in itertools.pairwise(strong))
    # Scale-free: the unit of effort does not matter.
    np.testing.assert_allclose(_shares([20.0, 10.0, 5.0], 1.3), _shares([2.0, 1.0, 0.5], 1.3))


def _difference(effort, k: float) -> np.ndarray:
    return contest.contest_shares(np.atleast_2d(f64(effort)), True, params(contest_difference_k=k))[0]


@pytest.mark.parametrize(("e1", "e2", "k"), [(1.0, 1.0, 2.0), (3.0, 1.0, 2.0), (1.0, 4.0, 0.5), (10.0, 30.0, 5.0)])
def test_csf_difference_two_actors_matches_hirshleifer(e1: float, e2: float, k: float) -> None:
    e_bar = (e1 + e2) / 2
    got = _difference([e1, e2], k)
    assert got[0] == pytest.approx(1.0 / (1.0 + math.exp(k * (e2 - e1) / e_bar)))
    assert got.sum() == pytest.approx(1.0)


def test_csf_difference_properties() -> None:
    np.testing.assert_allclose(_difference([2.0, 2.0, 2.0], 2.0), [1 / 3] * 3)
    assert _difference([5.0, 0.0, 1.0], 2.0)[1] == 0.0  # no effort, nothing
    np.testing.assert_array_equal(_difference([0.0, 0.0, 0.0], 2.0), [0.0, 0.0, 1.0])  # the state by default
    np.testing.assert_allclose(_difference([30.0, 10.0], 3.0), _difference([3.0, 1.0], 3.0))
    big = _difference([1e6, 1.0, 1e-9], 5.0)  # overflow-safe for very unequal efforts
    assert np.all(np.isfinite(big)) and big.sum() == pytest.approx(1.0)


def test_update_control_by_hand() -> None:
    control = f64([[0.5, 0.5], [0.2, 0.8]])
    contest.update_control(control, f64([[1.0, 0.0], [0.2, 0.8]]), 0.1)
    np.testing.assert_allclose(control, [[0.55, 0.45], [0.2, 0.8]])


@given(st.integers(1, 4), st.integers(2, 5), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_update_control_keeps_rows_summing_to_one(terr: int, actors: int, nu: float, seed: int) -> None:
    gen = np.random.default_rng(seed)
    control = gen.dirichlet(np.ones(actors), size=terr)
    effort = gen.exponential(size=(terr, actors)) * (gen.random((terr, actors)) < 0.7)
    for _ in range(5):
        contest.update_control(control, contest.contest_shares(effort, False, P0), nu)
        np.testing.assert_allclose(control.sum(axis=-1), 1.0, rtol=1e-12)
        assert np.all((control >= 0.0) & (control <= 1.0 + 1e-12))


def test_vacated_control_counts_only_leaving_groups_losses() -> None:
    before = f64([[0.4, 0.2, 0.4], [0.5, 0.0, 0.5]])  # (T=2, 2 groups + state)
    after = f64([[0.1, 0.3, 0.6], [0.6, 0.0, 0.4]])
    np.testing.assert_allclose(contest.vacated_control(before, after, f64([1.0, 0.0])), [0.3, 0.0])
    np.testing.assert_allclose(contest.vacated_control(before, after, f64([0.0, 1.0])), [0.0, 0.0])
    np.testing.assert_allclose(contest.vacated_control(before, after, f64([1.0, 1.0])), [0.3, 0.0])
    # The state's losses are never "vacated" by a group.
    np.testing.assert_allclose(contest.vacated_control(after, before, f64([1.0, 1.0])), [0.1, 0.1])


def test_vacated_record_decays_and_the_state_fill_share() -> None:
    vacated = f64([1.0, 0.0])
    contest.remember_vacated(vacated, f64([0.5, 0.25]))
    np.testing.assert_allclose(vacated, [contest.VACUUM_MEMORY + 0.5, 0.25])
    before = f64([[0.5, 0.1, 0.4], [0.3, 0.3, 0.4]])
    after = f64([[0.2, 0.2, 0.6], [0.3, 0.3, 0.4]])  # group 0 left territory 0: the other took 0.1, the state 0.2
    assert contest.state_fill_share(before, after, f64([0.3, 0.0])) == pytest.approx(2 / 3)
    assert contest.state_fill_share(before, after, f64([0.0, 0.0])) == 0.0  # nothing vacated: nothing filled



def test_leaders_vacuum_record_spreads_the_same_total_over_its_memory() -> None:
    """M2.2: the record the social-leader killings follow keeps what a vacated share adds in all (lambda_0 keeps its
    meaning) and spreads it over tau_V months; tau_V = 5 is the contest's vacated record itself."""
    pulse = f64([0.3, 0.0])
    totals, remaining = {}, {}
    for tau in (5.0, 36.0):
        params = default_params(leader_vacuum_memory=tau)
        record, total = f64([0.0, 0.0]), 0.0
        contest.remember_leader_vacuum(record, pulse, params)
        for month in range(600):
            total += record[0]
            if month == 24:
                remaining[tau] = record[0]
            contest.remember_leader_vacuum(record, f64([0.0, 0.0]), params)
        totals[tau] = total
        assert record[1] == 0.0  # nothing vacated there, nothing remembered
    fast = f64([0.0, 0.0])
    contest.remember_vacated(fast, pulse)
    slow_as_fast = f64([0.0, 0.0])
    contest.remember_leader_vacuum(slow_as_fast, pulse, default_params(leader_vacuum_memory=5.0))
    np.testing.assert_allclose(slow_as_fast, fast)
    assert totals[5.0] == pytest.approx(0.3 / (1.0 - contest.VACUUM_MEMORY), rel=1e-9)
    assert totals[36.0] == pytest.approx(totals[5.0], rel=1e-6)
    assert remaining[36.0] > 10 * remaining[5.0]  # two years on, the slow record still remembers the pulse

# =====================================================================================================================
# M3.1 / M5.2 / M4.2 / M7.2 strength
# =====================================================================================================================
def test_initial_members_abroad_and_spread_by_presence() -> None:
    armed, support, sanctuary = strength.initial_members(f64([1000.0, 200.0]), f64([0.5, 1.0]),
                                                         f64([[0.25, 0.75], [1.0, 0.0]]), f64([0.4, 0.0]),
                                                         f64([0.5, 1.0]))
    np.testing.assert_allclose(sanctuary, [500 * 0.2, 0.0])  # sigma_max H of the armed members abroad
    np.testing.assert_allclose(armed, [[400 * 0.25, 400 * 0.75], [200.0, 0.0]])
    np.testing.assert_allclose(support, [[500 * 0.25, 500 * 0.75], [0.0, 0.0]])  # networks stay in the country


def _expected_losses(effort, area, pressure, protected, p=P0) -> np.ndarray:
    members = np.full_like(protected, 100.0)
    expected, _, _ = strength.losses_to_state(members, f64(effort), f64(area), f64(pressure), protected, KEY,
                                              COUNTER, p)
    return expected / members  # the expected share lost


def test_losses_to_state_rate_by_hand_zero_when_protected_and_scales() -> None:
    p = params(state_attrition=1e-4)
    effort, area, pressure = [1000.0, 1000.0], [2.0, 4.0], [0.9, 0.3]
    unprotected = np.zeros((2, 2))
    rate = _expected_losses(effort, area, pressure, unprotected, p)
    np.testing.assert_allclose(rate[0], [1e-4 * 0.9 * 500, 1e-4 * 0.9 * 250])  # a_S rho e_S / A
    np.testing.assert_allclose(rate[1], rate[0] / 3)
    protected = np.zeros((2, 2))
    protected[0, :] = 1.0  # group 0 under a bilateral ceasefire
    rate_p = _expected_losses(effort, area, pressure, protected, p)
    np.testing.assert_array_equal(rate_p[0], [0.0, 0.0])
    np.testing.assert_allclose(rate_p[1], rate[1])
    np.testing.assert_allclose(_expected_losses([2000.0, 2000.0], area, pressure, unprotected, p), 2 * rate)
    np.testing.assert_allclose(_expected_losses(effort, [4.0, 8.0], pressure, unprotected, p), rate / 2)
    huge = _expected_losses([1e9, 1e9], area, pressure, unprotected, p)
    assert huge.max() == strength.MAX_MONTHLY_LOSS  # a month cannot remove more than this share
    assert 0.0 < strength.MAX_MONTHLY_LOSS <= 0.5
    # Below the minimum search area (a square of SEARCH_WIDTH_KM: islands, city blocks) density stops rising.
    smallest = strength.SEARCH_WIDTH_KM ** 2 / 1000.0
    assert strength.search_area(f64([smallest / 100]), 0) == smallest
    np.testing.assert_allclose(_expected_losses(effort, [smallest / 100] * 2, pressure, unprotected, p),
                               _expected_losses(effort, [smallest] * 2, pressure, unprotected, p))


def test_support_captures_follow_the_armed_members_rate_by_hand() -> None:
    # C = rho_s r S, r the share of the armed members the operations remove there (zero where protected)
    p = params(state_attrition=1e-4, support_capture_ratio=0.5)
    support = f64([[200.0, 40.0], [100.0, 0.0]])
    effort, area, pressure = f64([1000.0, 1000.0]), f64([2.0, 4.0]), f64([0.9, 0.3])
    protected = np.zeros((2, 2))
    captured = strength.support_captures(support, effort, area, pressure, protected, p)
    rate = _expected_losses([1000.0, 1000.0], [2.0, 4.0], [0.9, 0.3], protected, p)
    np.testing.assert_allclose(captured, 0.5 * rate * support)
    protected[0, :] = 1.0  # a bilateral ceasefire protects the group's networks too
    captured = strength.support_captures(support, effort, area, pressure, protected, p)
    np.testing.assert_array_equal(captured[0], [0.0, 0.0])
    np.testing.assert_allclose(captured[1], 0.5 * rate[1] * support[1])
    assert np.all(strength.support_captures(support, f64([0.0, 0.0]), area, pressure, np.zeros((2, 2)), p) == 0.0)


@given(st.floats(0.0, 5.0), st.floats(0.0, 1e9), st.floats(0.0, 1e4))
def test_support_captures_never_exceed_the_networks(ratio: float, effort: float, networks: float) -> None:
    p = params(state_attrition=1e-3, support_capture_ratio=ratio)
    support = f64([[networks]])
    captured = strength.support_captures(support, f64([effort]), f64([1.0]), f64([1.0]), np.zeros((1, 1)), p)
    assert 0.0 <= captured[0, 0] <= networks


def test_losses_to_state_come_in_clashes() -> None:
    p = params(state_attrition=1e-4, members_per_clash=2.0)
    members = f64([[100.0, 1.0], [300.0, 0.0]])
    args = (members, f64([1000.0, 1000.0]), f64([2.0, 2.0]), f64([0.9, 0.9]), np.zeros((2, 2)), KEY)
    expected, clashes, losses = strength.losses_to_state(*args, central(0.5), p)
    np.testing.assert_allclose(clashes, expected.sum(axis=0) / 2.0)  # clashes at their mean
    np.testing.assert_allclose(losses, expected)  # members_per_clash per clash, in proportion to expected losses
    _, clashes, losses = strength.losses_to_state(*args, COUNTER, p)
    assert np.all(clashes == np.floor(clashes))
    np.testing.assert_allclose(losses.sum(axis=0), np.minimum(clashes * 2.0, members.sum(axis=0)))
    assert np.all(losses <= members)


def test_collateral_deaths_by_hand_and_fall_with_state_presence() -> None:
    # K_i = xi (1 - iota_i) L_i (Kress & Szechtman), intelligence quality iota_i read as state presence S_i.
    p = params(collateral_share=0.3)
    np.testing.assert_allclose([violence.collateral_deaths(10.0, s, p) for s in (0.0, 0.5, 1.0)], [3.0, 1.5, 0.0])
    assert violence.collateral_deaths(0.0, 0.0, p) == 0.0


def _rival_losses(members: np.ndarray, rivals: np.ndarray, p, spoiling=None, target=None,
                  fighting=None) -> np.ndarray:
    pairs = np.argwhere(rivals > 0).astype(np.int64).reshape(-1, 2)
    G = members.shape[0]
    spoiling = np.zeros(G) if spoiling is None else f64(spoiling)
    target = np.zeros(G, dtype=np.bool_) if target is None else np.array(target)
    fighting = np.ones(G) if fighting is None else f64(fighting)
    expected, _, _, _ = strength.losses_to_rivals(members, np.zeros_like(members), pairs, np.zeros(G), spoiling,
                                                  target, fighting, KEY, COUNTER, p)
    return expected


def test_a_group_keeping_a_ceasefire_stops_attacking_its_rivals() -> None:
    # f_h scales h's attacks: the fronts that keep a ceasefire (f_h = q_h) stop shooting at rivals, who keep theirs.
    p = params(intergroup_attrition=0.01)
    members = f64([[100.0], [300.0]])
    rivals = f64([[0.0, 1.0], [1.0, 0.0]])
    both = _rival_losses(members, rivals, p)
    kept = _rival_losses(members, rivals, p, fighting=[1.0, 0.0])
    half = _rival_losses(members, rivals, p, fighting=[1.0, 0.5])
    assert kept[0, 0] == 0.0 and kept[1, 0] == pytest.approx(both[1, 0])
    assert half[0, 0] == pytest.approx(0.5 * both[0, 0])
    # the engine's f_h: 1 outside a ceasefire, the share of fronts exploiting it (q_g) in one
    choice = np.zeros((2, choices.N_CHOICE))
    choice[:, choices.EXPLOIT] = [0.3, 0.3]
    np.testing.assert_allclose(choices.fronts_fighting(choice, np.array([True, False])), [0.3, 1.0])


def test_intergroup_losses_by_hand_zero_without_rivals_and_symmetric() -> None:
    p = params(intergroup_attrition=0.01)
    members = f64([[100.0, 100.0], [100.0, 0.0], [300.0, 50.0]])  # (G=3, T=2)
    rivals = np.zeros((3, 3))
    np.testing.assert_array_equal(_rival_losses(members, rivals, p), np.zeros((3, 2)))
    rivals[0, 1] = rivals[1, 0] = 1.0
    losses = _rival_losses(members, rivals, p)
    # Territory 0: equal groups, a_h x 100 / 200 x 100 = 0.5 each; territory 1: group 1 absent, nobody fights.
    np.testing.assert_allclose(losses[:, 0], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(losses[:, 1], [0.0, 0.0, 0.0])
    # Area fire is symmetric: a_h N_g N_h / (N_g + N_h) each, so the smaller group loses a larger share.
    rivals = np.zeros((3, 3))
    rivals[0, 2] = rivals[2, 0] = 1.0
    losses = _rival_losses(members, rivals, p)
    assert losses[0, 0] == pytest.approx(losses[2, 0]) == pytest.approx(0.01 * 100 * 300 / 400)
    assert losses[0, 0] / 100 > losses[2, 0] / 300
    # A spoiling rival (s_h = 1) doubles its attacks on a group at a table or in a ceasefire, on nobody else.
    spoiled = _rival_losses(members, rivals, p, spoiling=[0.0, 0.0, 1.0], target=[True, False, False])
    assert spoiled[0, 0] == pytest.approx(2.0 * losses[0, 0]) and spoiled[2, 0] == pytest.approx(losses[2, 0])
    np.testing.assert_allclose(_rival_losses(members, rivals, p, spoiling=[0.0, 0.0, 1.0],
                                             target=[False, False, False]), losses)


def test_a_counterinsurgent_war_kills_more_of_the_members_it_costs() -> None:
    # Who dies: lambda_W of a pair's losses where either side is counterinsurgent, lambda_R otherwise; a group fighting
    # both kinds of rival dies at the mean of the two, weighted by each rival's share of its exposure.
    p = params(intergroup_attrition=0.01, rival_lethality=0.05, counterinsurgent_lethality=0.3)
    members = f64([[100.0], [300.0], [100.0]])
    rivals = f64([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    pairs = np.argwhere(rivals > 0).astype(np.int64).reshape(-1, 2)
    G = members.shape[0]

    def lethality(counterinsurgent: list[float]) -> np.ndarray:
        return strength.losses_to_rivals(members, np.zeros_like(members), pairs, f64(counterinsurgent), np.zeros(G),
                                         np.zeros(G, dtype=np.bool_), np.ones(G), KEY, COUNTER, p)[3][:, 0]
    np.testing.assert_allclose(lethality([0.0, 0.0, 0.0]), [0.05, 0.05, 0.05])
    # group 0's exposure: 300 / 400 from the counterinsurgent group 1, 100 / 200 from group 2
    mixed = (0.3 * 0.75 + 0.05 * 0.5) / (0.75 + 0.5)
    np.testing.assert_allclose(lethality([0.0, 1.0, 0.0]), [mixed, 0.3, 0.05])
    # the flag changes who dies, never how many are lost
    np.testing.assert_array_equal(
        strength.losses_to_rivals(members, np.zeros_like(members), pairs, f64([0.0, 1.0, 0.0]), np.zeros(G),
                                  np.zeros(G, dtype=np.bool_), np.ones(G), KEY, COUNTER, p)[0],
        _rival_losses(members, rivals, p))


def test_pay_from_income_and_desertion_against_pay() -> None:
    # pay = pi_w (rent + transfers) / members / L: 0.1 x 1.5 / 600 / 0.00025 = 1 legal wage.
    p = params(wage_share=0.1, legal_income_per_member=0.00025, desertion_rate=0.01, recruitment_rent_effect=0.5)
    np.testing.assert_allclose(economy.pay_ratios(f64([1.0, 0.0]), f64([0.5, 0.0]), f64([600.0, 0.0]), p),
                               [1.0, 0.0])
    # d = d_0 (pay / L)^-beta_w: half at four times the wage, twice at a quarter, capped where nothing is paid.
    np.testing.assert_allclose(strength.desertion_rates(f64([1.0, 4.0, 0.25, 0.0]), p),
                               [0.01, 0.005, 0.02, strength.MAX_DESERTION])


def _recruits(pay: float = 1.0, presence: float = 0.5, members: float = 100.0, youth: float = 1e6,
              vacated: float = 0.0, held: float = 0.5, zone: float = 0.0, forced: bool = False,
              **changes: float) -> float:
    p = params(youth_share=1.0, **changes)  # the population is the young population
    control = f64([[held, 1.0 - held]])  # (T=1, group + state)
    voluntary, minors = strength.recruitment(f64([[members]]), control, f64([pay]), f64([presence]), f64([[zone]]),
                                             f64([youth]), f64([vacated]), p)
    return float((minors if forced else voluntary)[0, 0])


def test_recruitment_by_hand_at_the_reference_point() -> None:
    # Pay = legal wage, S = 1/2, nothing vacated: propensity 1; zeta sqrt(E Y c) = 0.0008 sqrt(100 x 1e6 x 0.5).
    got = _recruits(recruitment_rate=0.0008)
    assert got == pytest.approx(0.0008 * math.sqrt(100 * 1e6 * 0.5))
    # Minors: phi_m zeta sqrt(E Y c) 2 (1 - S), whatever the pay.
    assert _recruits(forced=True, forced_recruitment_rate=0.1, recruitment_rate=0.0008) == pytest.approx(0.1 * got)
    assert _recruits(forced=True, pay=9.0) == pytest.approx(_recruits(forced=True, pay=1.0))
    # Constant returns: a territory cut in two halves (recruiters and young people) recruits the same in all.
    assert 2 * _recruits(members=50.0, youth=5e5) == pytest.approx(_recruits())
    # The labour pool is the young population: youth_share x population.
    p = params(youth_share=0.25, recruitment_rate=0.0008)
    by_share = strength.recruitment(f64([[100.0]]), f64([[0.5, 0.5]]), f64([1.0]), f64([0.5]), f64([[0.0]]),
                                    f64([4_000_000.0]), f64([0.0]), p)[0]
    assert by_share[0, 0] == pytest.approx(got)


def test_recruitment_directions() -> None:
    # Constant elasticity to pay (no saturation): four times the pay, twice the recruits at beta_w = 1/2.
    assert _recruits(pay=16.0) == pytest.approx(2 * _recruits(pay=4.0)) == pytest.approx(4 * _recruits(pay=1.0))
    assert _recruits(presence=0.1) > _recruits(presence=0.5) > _recruits(presence=0.9)  # Prem et al.
    assert _recruits(vacated=0.5, recruitment_vacuum_effect=1.0) == pytest.approx(1.5 * _recruits())
    assert _recruits(zone=1.0, presence=0.9) == pytest.approx(_recruits(presence=0.0))  # a zone removes the state
    assert _recruits(held=1.0) > _recruits(held=0.5)  # a larger pool under the group's sway
    assert _recruits(held=0.0) == 0.0  # no ground, no pool
    assert _recruits(members=0.0) == 0.0  # no recruiters
    assert _recruits(pay=0.0) >= 0.0 and np.isfinite(_recruits(pay=0.0))


def test_the_appeal_of_pay_saturates_by_hand() -> None:
    """P = pay (1 + s) / (1 + s pay): the legal wage keeps its appeal, more pay appeals less and less, at most 1 + 1/s
    times the legal wage's; s = 0 is the constant elasticity exactly, for recruits and for former combatants alike."""
    half = params(recruitment_rent_effect=1.0, recruitment_pay_saturation=0.5)
    assert strength.pay_appeal(1.0, half) == pytest.approx(1.0)
    assert strength.pay_appeal(4.0, half) == pytest.approx(4.0 * 1.5 / 3.0)  # 2, against 4 without saturation
    assert strength.pay_appeal(1e9, half) == pytest.approx(3.0, rel=1e-6)  # the ceiling 1 + 1/s
    # below the wage it appeals less than the wage, if more than at a constant elasticity (0.33 against 0.25)
    assert strength.pay_appeal(0.25, half) == pytest.approx(0.25 * 1.5 / 1.125)
    flat = params(recruitment_rent_effect=0.5)
    assert strength.pay_appeal(16.0, flat) == 4.0  # s = 0: 16^0.5, exactly
    assert _recruits(pay=4.0, recruitment_pay_saturation=0.5) == pytest.approx(
        math.sqrt(2.0) * _recruits(pay=1.0, recruitment_pay_saturation=0.5))  # beta_w = 1/2: sqrt(2), not 2
    assert _recruits(pay=1.0, recruitment_pay_saturation=0.5) == pytest.approx(_recruits(pay=1.0))
    pool = f64([100.0])
    rich = strength.recidivism(pool.copy(), f64([[1.0, 0.0]]), f64([4.0]), f64([1.0]),
                               params(recidivism_rate=0.01, recruitment_pay_saturation=0.5))
    assert rich[0, 0] == pytest.approx(0.01 * 100.0 * math.sqrt(2.0))


def test_members_abroad_recruit_across_the_border() -> None:
    presence = f64([[10.0, 0.0, 0.0], [5.0, 5.0, 0.0]])
    border = f64([[0.0, 1.0, 1.0], [0.0, 0.0, 0.0]])
    got = strength.recruiters(presence, f64([60.0, 30.0]), border)
    np.testing.assert_allclose(got, [[10.0, 30.0, 30.0], [5.0, 5.0, 0.0]])  # no border, no recruiting abroad


def _abroad(ratio: float = 0.27, tolerance: float = 1.0, sanctuary: float = 45.0, recruiting: bool = True,
            recruits: tuple[float, float] = (6.0, 5.0), members: tuple[float, float] = (30.0, 25.0)) -> float:
    got = strength.recruitment_abroad(f64([recruits]), f64([members]), f64([sanctuary]), f64([ratio]),
                                      f64([tolerance]), np.array([recruiting]))
    return float(got[0])


def test_members_in_sanctuary_recruit_abroad_by_hand() -> None:
    # q H N^sigma Rec / (A + N^sigma): 11 recruits at home for 55 + 45 armed members, 45 of them abroad.
    assert _abroad() == pytest.approx(0.27 * 1.0 * 45.0 * 11.0 / 100.0)
    assert _abroad(tolerance=0.5) == pytest.approx(0.5 * _abroad())  # the host's tolerance scales it
    assert _abroad(ratio=0.54) == pytest.approx(2.0 * _abroad())  # and the ratio
    # Twice the recruits per armed member at home, twice the recruits abroad: the pace is the group's own.
    assert _abroad(recruits=(12.0, 10.0)) == pytest.approx(2.0 * _abroad())


def test_nobody_is_recruited_abroad_without_tolerance_ratio_sanctuary_or_pace() -> None:
    assert _abroad(tolerance=0.0) == 0.0  # a hostile host: no recruiting on its soil
    assert _abroad(ratio=0.0) == 0.0  # a group without a recruitment ratio
    assert _abroad(sanctuary=0.0) == 0.0  # nobody abroad
    assert _abroad(recruiting=False) == 0.0  # a demobilising group takes nobody
    assert _abroad(recruits=(0.0, 0.0)) == 0.0  # nobody recruited at home: no pace to follow
    assert _abroad(members=(0.0, 0.0), recruits=(0.0, 0.0)) == 0.0  # everyone abroad: no division by zero


def test_recruits_abroad_join_the_sanctuary_stock() -> None:
    sanctuary = f64([40.0, 0.0])
    strength.enlist_abroad(sanctuary, f64([2.5, 0.0]))
    np.testing.assert_allclose(sanctuary, [42.5, 0.0])


def test_recruitment_without_young_people_is_zero() -> None:
    assert _recruits(members=0.0, youth=0.0) == 0.0
    assert _recruits(members=10.0, youth=0.0) == 0.0
    assert _recruits(members=10.0, youth=0.0, forced=True) == 0.0


def test_update_members_by_hand() -> None:
    # Armed: A - losses + voluntary recruits + former combatants - d A; networks: S - captured + networks + forced
    # minors - d S; sanctuary: (1 - d) N; a demobilising group (not recruiting) takes nobody.
    members, support = f64([[100.0, 50.0], [10.0, 0.0]]), f64([[20.0, 0.0], [0.0, 0.0]])
    sanctuary = f64([100.0, 0.0])
    losses_state, losses_groups = f64([[5.0, 0.0], [20.0, 0.0]]), f64([[1.0, 2.0], [0.0, 0.0]])
    recruits, forced = f64([[3.0, 1.0], [1.0, 0.0]]), f64([[0.5, 0.0], [0.0, 0.0]])
    former, networks = f64([[2.0, 0.0], [0.0, 0.0]]), f64([[1.0, 1.0], [1.0, 0.0]])
    loss_share = np.zeros(2)
    deserters = strength.update_members(members, support, sanctuary, losses_state, losses_groups, recruits, forced,
                                        former, networks, f64([0.01, 0.01]), np.array([True, False]),
                                        f64([270.0, 10.0]), loss_share, f64([[3.0, 0.0], [0.0, 0.0]]))
    np.testing.assert_allclose(members[0], [100 - 5 - 1 + 3 + 2 - 1, 50 - 2 + 1 - 0.5])
    np.testing.assert_allclose(support[0], [20 - 3 + 1 + 0.5 - 0.2, 1.0])
    np.testing.assert_allclose(members[1], [0.0, 0.0])  # never below zero; not recruiting
    np.testing.assert_allclose(support[1], [0.0, 0.0])
    np.testing.assert_allclose(sanctuary, [99.0, 0.0])
    np.testing.assert_allclose(deserters, [0.01 * (120 + 50 + 100), 0.01 * 10])
    np.testing.assert_allclose(loss_share, [8 / 270, 2.0])


def test_movement_by_hand() -> None:
    indptr, indices = adjacency(4, [(0, 1), (1, 2)])  # territory 3 is isolated
    members = f64([[0.0, 100.0, 0.0, 50.0]])
    strength.movement(members, f64([[1.0, 5.0, 3.0, 9.0]]), indptr, indices, 0.02)
    # 2 members leave territory 1, split 1:3 between its neighbours; the isolated territory keeps its 50.
    np.testing.assert_allclose(members, [[0.5, 98.0, 1.5, 50.0]])


def test_contested_value_draws_members_to_ground_the_group_does_not_hold() -> None:
    got = strength.contested_value(f64([[4.0, 2.0]]), f64([[0.75, 0.25], [0.0, 1.0]]))
    np.testing.assert_allclose(got, [[1.0 + 1e-9, 2.0 + 1e-9]])


@given(st.integers(1, 3), st.integers(2, 6), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_movement_conserves_members(groups: int, n: int, rate: float, seed: int) -> None:
    gen = np.random.default_rng(seed)
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n) if gen.random() < 0.4]
    indptr, indices = adjacency(n, pairs)
    isolated = np.diff(indptr) == 0
    members = gen.exponential(100.0, size=(groups, n))
    before = members.copy()
    attract = gen.exponential(size=(groups, n)) * (gen.random((groups, n)) < 0.8)
    strength.movement(members, attract, indptr, indices, rate)
    np.testing.assert_allclose(members.sum(axis=1), before.sum(axis=1), rtol=1e-12)
    assert np.all(members >= -1e-9)
    np.testing.assert_array_equal(members[:, isolated], before[:, isolated])


def test_sanctuary_flow_by_hand() -> None:
    members, sanctuary = f64([[60.0, 40.0]]), f64([0.0])
    border = f64([[1.0, 0.0]])
    strength.sanctuary_flow(members, sanctuary, f64([0.5]), border, 0.1)
    # 0.1 x (0.5 x 100 - 0) = 5 cross the border, from the border territory.
    np.testing.assert_allclose(members, [[55.0, 40.0]])
    np.testing.assert_allclose(sanctuary, [5.0])
    # Returning members go to where the group is when it has no one on the border.
    members, sanctuary = f64([[0.0, 100.0]]), f64([100.0])
    strength.sanctuary_flow(members, sanctuary, f64([0.25]), border, 0.1)
    np.testing.assert_allclose(members, [[0.0, 105.0]])
    np.testing.assert_allclose(sanctuary, [95.0])


@given(st.integers(1, 3), st.integers(1, 5), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_sanctuary_flow_conserves_members_and_moves_toward_target(groups: int, n: int, target: float, speed: float,
                                                                   seed: int) -> None:
    gen = np.random.default_rng(seed)
    members = gen.exponential(100.0, size=(groups, n)) + 1.0  # present in the country
    sanctuary = gen.exponential(50.0, size=groups)
    border = (gen.random((groups, n)) < 0.5).astype(float)
    total = members.sum(axis=1) + sanctuary
    gap = np.abs(sanctuary / total - target)
    strength.sanctuary_flow(members, sanctuary, np.full(groups, target), border, speed)
    np.testing.assert_allclose(members.sum(axis=1) + sanctuary, total, rtol=1e-12)
    assert np.all(members >= 0.0) and np.all(sanctuary >= 0.0)
    assert np.all(np.abs(sanctuary / total - target) <= gap + 1e-12)


def test_sanctuary_flow_keeps_members_abroad_when_there_is_nowhere_to_return() -> None:
    # Everyone abroad and the host's tolerance falls: with no members left in the country there is nowhere to
    # return to, and nobody may vanish (the total is conserved).
    members, sanctuary = np.zeros((1, 2)), f64([100.0])
    strength.sanctuary_flow(members, sanctuary, f64([0.5]), f64([[1.0, 0.0]]), 0.1)
    assert members.sum() + sanctuary.sum() == pytest.approx(100.0)
    assert np.all(members >= 0.0)


def test_split_probability_and_share_by_hand_and_higher_with_lower_cohesion() -> None:
    p = params(split_base=0.1, split_cohesion_effect=0.6, split_member_share=0.15)
    np.testing.assert_allclose([strength.split_probability(k, 0.0, p) for k in (1.0, 0.4, 0.0)], [0.1, 0.46, 0.7])
    np.testing.assert_allclose([strength.split_share(k, 0.0, p) for k in (1.0, 0.5, 0.0)], [0.0, 0.15, 0.3])
    k = np.linspace(1.0, 0.0, 11)
    assert np.all(np.diff([strength.split_probability(x, 0.0, P0) for x in k]) > 0)
    assert np.all(np.diff([strength.split_share(x, 0.0, P0) for x in k]) > 0)
    assert strength.split_share(0.0, 0.0, params(split_member_share=1.0)) == 0.9  # capped
    assert strength.split_probability(0.0, 0.0, params(split_base=0.8, split_cohesion_effect=1.0)) == 1.0


def test_split_moves_a_faction_to_the_splinter_slot() -> None:
    members, support = f64([[100.0, 0.0], [0.0, 0.0]]), f64([[20.0, 0.0], [0.0, 0.0]])
    sanctuary, signed, fragmentation = f64([40.0, 0.0]), f64([140.0, 0.0]), np.zeros(2)
    resources = f64([8.0, 0.0])
    control = f64([[0.5, 0.0, 0.5], [0.2, 0.0, 0.8]])
    strength.split(0, 1, 0.25, members, support, sanctuary, control, resources, signed, fragmentation)
    np.testing.assert_allclose(members, [[75.0, 0.0], [25.0, 0.0]])
    np.testing.assert_allclose(support, [[15.0, 0.0], [5.0, 0.0]])
    np.testing.assert_allclose(sanctuary, [30.0, 10.0])
    np.testing.assert_allclose(resources, [6.0, 2.0])  # the faction takes its share of the arms
    np.testing.assert_allclose(control, [[0.375, 0.125, 0.5], [0.15, 0.05, 0.8]])
    np.testing.assert_allclose(signed, [105.0, 0.0])  # those who stay are the ones bound by the agreement
    np.testing.assert_allclose(fragmentation, [1.0, 0.0])  # a split where members actually left


def test_demobilise_and_its_completion() -> None:
    members, support = f64([[100.0, 50.0], [10.0, 0.0]]), f64([[20.0, 0.0], [0.0, 0.0]])
    sanctuary, pool = f64([50.0, 0.0]), np.zeros(2)
    demobilised, remaining = strength.demobilise(0, members, support, sanctuary, pool, 0.1)
    assert demobilised == pytest.approx(22.0)
    assert remaining == pytest.approx(198.0)
    np.testing.assert_allclose(members, [[90.0, 45.0], [10.0, 0.0]])  # only group 0
    np.testing.assert_allclose(support, [[18.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(sanctuary, [45.0, 0.0])
    # The demobilised join the ex-combatant pool where the group is (those abroad where its members are).
    np.testing.assert_allclose(pool, [12.0 + 5.0 * 120 / 170, 5.0 + 5.0 * 50 / 170])
    assert not strength.ddr_complete(180.0, 200.0)
    assert strength.ddr_complete(9.0, 200.0)  # below 5% of the members at signing
    assert strength.ddr_complete(0.04, 0.0) and not strength.ddr_complete(0.06, 0.0)  # counted on one member at least


# =====================================================================================================================
# M7.1 / M7.2 / M2.2 violence
# =====================================================================================================================
def test_control_margin() -> None:
    control = f64([[0.7, 0.2, 0.1], [0.4, 0.4, 0.2], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose([violence.margin(control, t) for t in range(3)], [0.5, 0.0, 1.0])
    assert violence.margin(np.ones((2, 1)), 1) == 1.0  # the state alone


def test_armed_presence_weights_members_by_arms_type_and_posture() -> None:
    p = params(insurgent_homicide_weight=0.5)
    weights = violence.homicide_weights(f64([1.0, 0.0]), p)
    np.testing.assert_allclose(weights, [0.5, 1.0])
    members = f64([[60.0], [40.0]])  # armed members
    assert violence.armed_presence(members, weights, f64([1.0, 1.0]), 0) == pytest.approx(30.0 + 40.0)
    assert violence.armed_presence(members, weights, f64([0.0, 1.0]), 0) == pytest.approx(40.0)  # in ceasefire


def test_armed_homicides_scale_and_baseline_by_hand() -> None:
    p = params(armed_violence_share=0.3)
    # k makes the armed groups commit 30% of 1,000 observed homicides: (300 - 20 selective) / (100 e^0 + 40 e^0.5)
    k = violence.armed_homicide_scale(1000.0, f64([100.0, 40.0]), f64([0.0, 0.5]), f64([20.0, 0.0]), p)
    assert k == pytest.approx(280.0 / (100.0 + 40.0 * math.exp(0.5)))
    assert violence.armed_homicides(k, 100.0, 0.0, 20.0, p) + violence.armed_homicides(k, 40.0, 0.5, 0.0, p) \
        == pytest.approx(300.0)
    assert violence.armed_homicides(k, 200.0, 0.0, 0.0, p) == pytest.approx(2 * k * 100.0)  # elasticity 1 in members
    assert violence.armed_homicide_scale(1000.0, np.zeros(2), np.zeros(2), np.zeros(2), p) == 0.0  # no group
    assert np.isfinite(violence.armed_homicides(k, 1.0, 1e6, 0.0, p))  # clipped exponent


def test_armed_homicide_elasticity_bends_the_members_response_not_the_start() -> None:
    presence, drivers, selective = f64([100.0, 400.0]), f64([0.0, 0.3]), f64([10.0, 0.0])
    for eta in (0.5, 0.8, 1.0):
        p = params(armed_violence_share=0.3, armed_homicide_elasticity=eta)
        k = violence.armed_homicide_scale(1000.0, presence, drivers, selective, p)
        start = sum(violence.armed_homicides(k, presence[t], drivers[t], selective[t], p) for t in range(2))
        assert start == pytest.approx(300.0)  # whatever eta, the armed groups' share of the start is w_v
        doubled = violence.armed_homicides(k, 800.0, 0.3, 0.0, p) / violence.armed_homicides(k, 400.0, 0.3, 0.0, p)
        assert doubled == pytest.approx(2.0 ** eta)
    assert violence.armed_homicides(2.0, 37.0, 0.1, 0.0, params(armed_homicide_elasticity=1.0)) \
        == 2.0 * 37.0 * math.exp(0.1)  # the default is today's proportional rule, bit for bit


def test_homicide_baselines_keep_the_observed_total_and_the_floor() -> None:
    observed = f64([100.0, 200.0, 50.0])
    # the model's own killings are part of the count: without a floor, ordinary crime is what is left
    np.testing.assert_allclose(violence.homicide_baselines(observed, f64([30.0, 20.0, 10.0])), [70.0, 180.0, 40.0])
    # territory 0 would keep 5 < its floor of 20: ordinary crime there is the floor, and the 15 it adds are taken from
    # the others' room above their floors (180 - 40 = 140 and 40 - 10 = 30), in proportion
    own = f64([95.0, 20.0, 10.0])
    base = violence.homicide_baselines(observed, own)
    floor = violence.BASELINE_FLOOR * observed
    assert base[0] == pytest.approx(floor[0])
    cut = 15.0 / 170.0
    np.testing.assert_allclose(base[1:], floor[1:] + (f64([180.0, 40.0]) - floor[1:]) * (1.0 - cut))
    assert (base + own).sum() == pytest.approx(observed.sum())  # the start reproduces the observed total
    assert np.all(base >= floor - 1e-12)
    # no room left: every territory at its floor, and only then the total exceeds the observed
    np.testing.assert_allclose(violence.homicide_baselines(observed, observed), floor)


def test_ordinary_crime_answers_to_the_state_control_change() -> None:
    p = params(ordinary_state_effect=0.67)
    assert violence.ordinary_crime(80.0, 0.6, 0.6, 0.0, p) == 80.0  # unchanged control keeps the start's level
    assert violence.ordinary_crime(80.0, 0.7, 0.6, 0.0, p) == pytest.approx(80.0 * math.exp(-0.067))  # state gains
    assert violence.ordinary_crime(80.0, 0.5, 0.6, 0.0, p) > 80.0  # it loses ground
    assert violence.ordinary_crime(80.0, 0.1, 0.9, 0.0, params(ordinary_state_effect=0.0)) == 80.0  # held
    # the national drift multiplies it, whatever the control
    assert violence.ordinary_crime(80.0, 0.7, 0.6, 0.1, p) == pytest.approx(80.0 * math.exp(0.1 - 0.067))


def test_removals_split_into_killed_captured_and_surrendered() -> None:
    p = params(killed_share=0.066, killed_share_criminal=0.034, killed_share_no_resistance=0.01, surrender_share=0.32)
    assert violence.killed_share(1.0, 1.0, p) == pytest.approx(0.066)
    assert violence.killed_share(0.0, 1.0, p) == pytest.approx(0.034)
    assert violence.killed_share(1.0, 0.0, p) == pytest.approx(0.01)  # a group that does not fight back
    none = np.zeros((2, 1))
    killed, captured, surrendered = violence.removals(f64([[100.0], [100.0]]), none, f64([1.0, 0.0]),
                                                      f64([1.0, 1.0]), p)
    np.testing.assert_allclose(killed[:, 0], [6.6, 3.4])
    np.testing.assert_allclose(surrendered[:, 0], [0.32 * 93.4, 0.32 * 96.6])
    np.testing.assert_allclose(killed + captured + surrendered, [[100.0], [100.0]])
    # the support networks the operations arrested are captures, never deaths or surrenders
    with_networks = violence.removals(f64([[100.0], [100.0]]), f64([[7.0], [0.0]]), f64([1.0, 0.0]),
                                      f64([1.0, 1.0]), p)
    np.testing.assert_allclose(with_networks[0], killed)
    np.testing.assert_allclose(with_networks[2], surrendered)
    np.testing.assert_allclose(with_networks[1], captured + f64([[7.0], [0.0]]))


def test_competition_leaders_massacres_displacement_and_confinement_by_hand() -> None:
    control = f64([[0.3, 0.3, 0.4], [0.6, 0.0, 0.4], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose([violence.competition(control, t) for t in range(3)], [0.3, 0.0, 0.0])
    p = params(leader_competition_rate=2.0, vacuum_violence_rate=4.0, massacre_rate=0.1,
               displacement_per_killing=20.0, confinement_rate=0.5, members_per_clash=2.0)
    # (1 - S) Pop/1e5 (lambda_Q Q + lambda_0 V) = 0.5 x 2 x (2 x 0.3 + 4 x 0.5)
    assert violence.social_leader_killings(0.5, 0.3, 0.5, 2e5, p) == pytest.approx(2.6)
    assert violence.social_leader_killings(0.5, 0.3, 1.0, 2e5, p) == 0.0  # where the state is fully present
    assert violence.massacre_mean(50.0, 0.3, p) == pytest.approx(1.5)
    assert violence.massacre_mean(50.0, 0.0, p) == 0.0  # one group holds the armed part
    assert violence.displaced_persons(3.0, p) == pytest.approx(60.0)
    assert violence.armed_members(f64([[50.0], [10.0]]), 0) == pytest.approx(60.0)
    # rate x armed members x Q x the rural share of the people: 0.5 x 60 x 0.3 x (2e5 / 8e5)
    assert violence.confined_persons(60.0, 0.3, 2e5, 8e5, p) == pytest.approx(2.25)
    assert violence.confined_persons(60.0, 0.3, 0.0, 8e5, p) == 0.0  # a city's armed members confine no one
    assert violence.confined_persons(60.0, 0.3, 8e5, 8e5, p) == pytest.approx(9.0)  # all rural: every member
    assert violence.confined_persons(60.0, 0.3, 0.0, 0.0, p) == 0.0  # an unpeopled territory
    assert violence.lethal_clash_mean(10.0, p) == pytest.approx(5.0)


def test_kalyvas_zone_mapping() -> None:
    # Last column is the state. Zones: 1 full state, 2 dominant state, 3 parity, 4 dominant group, 5 full group.
    control = f64([[0.02, 0.03, 0.95], [0.1, 0.2, 0.7], [0.4, 0.1, 0.5], [0.3, 0.3, 0.4], [0.7, 0.1, 0.2],
                   [0.95, 0.0, 0.05], [0.0, 0.9, 0.1], [0.1, 0.6, 0.3]])
    assert [violence.kalyvas_zone(control, t) for t in range(8)] == [1, 2, 3, 3, 4, 5, 5, 4]


def test_selective_violence_by_hand_zero_at_parity_and_full_control_peak_at_half() -> None:
    p = params(selective_violence_rate=1.0)
    got = [violence.selective_violence(200_000.0, m, 1.0, p) for m in (0.0, 1.0, 0.5)]
    np.testing.assert_allclose(got, [0.0, 0.0, 2.0])  # 1 x 2 x 4 m (1 - m) x c_arm
    assert violence.selective_violence(200_000.0, 0.5, 0.25, p) == pytest.approx(0.5)  # where groups hold control
    sel = [violence.selective_violence(1e5, m, 1.0, p) for m in np.linspace(0.0, 1.0, 21)]
    assert np.argmax(sel) == 10 and sel[10] == pytest.approx(1.0)  # m = 1/2 (Kalyvas)
    assert np.all(np.diff(sel[:11]) > 0) and np.all(np.diff(sel[10:]) < 0)


def test_a_ceasefire_kept_stops_the_selective_killings_where_the_group_holds_ground() -> None:
    """The selective killings read the control of the fronts that act (docs/model.md 7.10): a group whose every front
    keeps a ceasefire adds none, one whose fronts exploit it adds their share, and outside a ceasefire (every front
    acting) the acting control is the armed groups' whole share, as before."""
    p = params(selective_violence_rate=1.0)
    control = f64([[0.5, 0.2, 0.3]])  # two groups, then the state
    assert violence.acting_control(control, f64([1.0, 1.0]), 0) == pytest.approx(violence.armed_control(control, 0))
    assert violence.acting_control(control, f64([0.0, 1.0]), 0) == pytest.approx(0.2)  # the first keeps it whole
    assert violence.acting_control(control, f64([0.3, 1.0]), 0) == pytest.approx(0.35)  # 0.3 x 0.5 + 0.2
    assert violence.acting_control(control, f64([0.0, 0.0]), 0) == 0.0
    m = violence.margin(control, 0)  # the contest's margin does not change with who keeps a ceasefire
    full = violence.selective_violence(1e5, m, violence.acting_control(control, f64([1.0, 1.0]), 0), p)
    kept = violence.selective_violence(1e5, m, violence.acting_control(control, f64([0.0, 1.0]), 0), p)
    assert full > 0.0 and kept == pytest.approx(full * 0.2 / 0.7)


def test_homicide_drivers_directions() -> None:
    def drivers(control: list[float], groups: int = 1, frag: float = 0.0, rents: float = 1.0) -> float:
        members = np.zeros((len(control) - 1, 1))
        members[:groups, 0] = 2.0  # groups with more than one member count as present
        return float(violence.homicide_drivers(f64([control]), members, f64([frag]), f64([rents]), P0)[0])

    base = [0.45, 0.05, 0.0, 0.5]
    assert drivers(base, groups=3) > drivers(base, groups=1)
    assert drivers(base, frag=1.0) == pytest.approx(drivers(base) + DEFAULTS["homicide_fragmentation_effect"])
    assert drivers(base, rents=10.0) > drivers(base, rents=1.0)
    assert drivers([0.5, 0.5, 0.0]) > drivers([0.9, 0.1, 0.0])  # contested territory is more violent
    assert drivers([0.1, 0.0, 0.9]) < drivers([0.9, 0.0, 0.1])  # state control lowers it
    # By hand: contested (1 - 0.05) x 0.5 + ln max(1, 1) x 0.3 + 0 + ln 2 x 0.1 - 0.5 x 0.5 (one group: no groups term)
    assert drivers(base) == pytest.approx(0.95 * 0.5 + math.log(2) * 0.1 - 0.25)
    assert drivers(base, groups=2) == pytest.approx(drivers(base) + math.log(2) * 0.3)


def test_fragmentation_fades() -> None:
    fragmentation = f64([2.0, 0.0])
    violence.decay_fragmentation(fragmentation, params(fragmentation_memory=0.9))
    np.testing.assert_allclose(fragmentation, [1.8, 0.0])


# =====================================================================================================================
# M7.3 spill-over
# =====================================================================================================================
def test_neighbour_index_is_one_at_baseline_and_rises_with_vacuum_flow_fragmentation_and_relocation() -> None:
    p = params(spillover_flow_effect=0.5, spillover_vacuum_effect=1.0, spillover_fragmentation_effect=0.3,
               spillover_relocation_effect=0.5)
    flow0 = f64([100.0, 0.0])
    zero = np.zeros(2)
    np.testing.assert_allclose(spillover.neighbour_index(flow0, flow0, zero, zero, zero, p), [1.0, 1.0])
    np.testing.assert_allclose(spillover.neighbour_index(flow0, flow0, f64([0.5, 0.5]), zero, zero, p),
                               [math.exp(0.5)] * 2)
    np.testing.assert_allclose(spillover.neighbour_index(2 * flow0 + f64([0, 5.0]), flow0, zero, zero, zero, p),
                               [2**0.5, 1.0])  # no baseline flow: the flow term stays at zero
    np.testing.assert_allclose(spillover.neighbour_index(flow0, flow0, zero, f64([1.0, 0.0]), zero, p),
                               [math.exp(0.3), 1.0])
    np.testing.assert_allclose(spillover.neighbour_index(flow0, flow0, zero, zero, f64([0.0, 2000.0]), p),
                               [1.0, math.e])  # 2,000 members relocated there
    assert np.isfinite(spillover.neighbour_index(zero, flow0, zero, zero, zero, p)).all()  # flow dries up


def test_relocation_follows_pressure_and_tolerance_and_members_return() -> None:
    p = params(relocation_rate=0.1, return_rate=0.2, desertion_rate=0.0)
    border = f64([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])  # neighbour 0 borders territories 0-1, neighbour 1 territory 2
    members = f64([[30.0, 10.0, 50.0]])
    relocated = np.zeros((1, 2))
    push = spillover.push(f64([0.05]))
    assert push[0] == pytest.approx(0.6)
    spillover.relocation(members, relocated, border, f64([0.5, 0.0]), np.array([-1]), push, p)
    out = 0.1 * 0.6 * 0.5 * 40.0  # r_out push H pool
    np.testing.assert_allclose(relocated, [[out, 0.0]])  # an intolerant neighbour takes nobody
    np.testing.assert_allclose(members, [[30.0 - out * 0.75, 10.0 - out * 0.25, 50.0]])
    total = members.sum() + relocated.sum()
    spillover.relocation(members, relocated, border, f64([0.5, 0.0]), np.array([-1]), spillover.push(np.zeros(1)), p)
    assert relocated[0, 0] == pytest.approx(out * 0.8)  # no pressure: a fifth returns
    assert members.sum() + relocated.sum() == pytest.approx(total)  # without desertion, nobody is lost
    before = relocated.copy()
    spillover.relocation(members, relocated, border, f64([0.5, 0.0]), np.array([0]), push, p)
    np.testing.assert_array_equal(relocated, before)  # the declared sanctuary is the sanctuary mechanism's


def test_route_rents_rise_at_exits_bordering_violent_neighbours() -> None:
    border = f64([[1.0, 0.0], [1.0, 1.0]])
    index = f64([2.0, 1.5])
    np.testing.assert_allclose(spillover.route_rent_factor(index, border), [3.0, 1.5])
    kinds = np.ones((2, 4))
    spillover.scale_route_rents(kinds, index, border, params(spillover_route_feedback=0.5))
    np.testing.assert_allclose(kinds[:, 3], [3.0**0.5, 1.5**0.5])
    np.testing.assert_array_equal(kinds[:, :3], 1.0)  # only the route rents


def test_neighbour_flows_and_border_means() -> None:
    border = f64([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    exit_of = np.array([1, 1, 2], dtype=np.int64)  # territories 0 and 1 ship through 1, territory 2 through itself
    control = f64([[0.0, 1.0], [0.5, 0.5], [0.0, 1.0]])
    np.testing.assert_allclose(spillover.neighbour_flows(f64([10.0, 20.0, 5.0]), exit_of, control, border),
                               [30.0 * 0.5, 0.0])  # carried where the state does not control the exit
    np.testing.assert_allclose(spillover.border_sums(f64([1.0, 2.0, 4.0]), border), [3.0, 4.0])
    np.testing.assert_allclose(spillover.border_means(f64([1.0, 2.0, 4.0]), border), [1.5, 4.0])


# =====================================================================================================================
# International actors (hosts, verification, legitimacy, certification, cartels)
# =====================================================================================================================
def test_host_tolerance_follows_relations_and_the_talks_it_guarantees() -> None:
    p = params(tolerance_relations_effect=0.4, tolerance_talks_effect=0.2, tolerance_adjustment=0.25)
    talks = international.host_talks(np.array([0, -1, 1]), f64([1.0, 1.0, 0.0]), np.array([True, True, True]), 2)
    np.testing.assert_array_equal(talks, [1.0, 0.0])  # actor 1 does not guarantee its guest's table
    target = international.tolerance_target(f64([0.5, 0.5]), f64([0.0, 1.0]), f64([1.0, 1.0]), talks, p)
    np.testing.assert_allclose(target, [1.0, 0.5])  # 0.5 + 0.4 (1 - 0) + 0.2, clipped; unchanged
    better = international.tolerance_target(f64([0.5]), f64([1.0]), f64([0.5]), np.zeros(1), p)
    assert better[0] == pytest.approx(0.3)  # relations restored: a host deports its guests (2010)
    tolerance = f64([0.5, 0.5])
    international.update_tolerance(tolerance, target, p)
    np.testing.assert_allclose(tolerance, [0.625, 0.5])
    np.testing.assert_allclose(international.group_tolerance(tolerance, np.array([1, -1])), [0.5, 0.0])


def test_verification_deploys_over_months_and_winds_down() -> None:
    p = params(verification_deployment_months=3.0)
    deployed = np.zeros(2)
    for _ in range(3):
        international.update_verification(deployed, np.array([True, False]), p)
    assert deployed[0] == pytest.approx(1.0 - math.exp(-1.0)) and deployed[1] == 0.0
    np.testing.assert_allclose(international.verification(f64([0.9, 0.9]), deployed), [0.9 * deployed[0], 0.0])
    international.update_verification(deployed, np.array([False, False]), p)
    assert deployed[0] < 1.0 - math.exp(-1.0)


def test_legitimacy_falls_with_spoiler_violence() -> None:
    p = params(legitimacy_spoiler_effect=0.5, casualty_reference=10.0)
    assert international.legitimacy(0.8, 0.0, p) == pytest.approx(0.8)
    assert international.legitimacy(0.8, 20.0, p) == pytest.approx(0.4)


def test_certification_and_aid_by_hand() -> None:
    p = params(certification_coca_effect=1.0, certification_drug_policy_effect=0.5,
               certification_extradition_effect=0.5, certification_adjustment=0.5)
    assert international.certification_target(1.0, 0.0, 0.0, p) == 1.0
    assert international.certification_target(1.2, 0.5, 0.5, p) == pytest.approx(1.0 - (0.2 + 0.25 + 0.25))
    assert international.certification_target(3.0, 1.0, 1.0, p) == 0.0  # at worst decertified
    assert international.update_certification(1.0, 0.0, p) == pytest.approx(0.5)
    assert international.aid_factor(1.0, 0.02) == 1.0
    assert international.aid_factor(0.0, 0.02) == pytest.approx(0.98)  # decertification withdraws the aid
    assert international.extradition_share(f64([1, 1, 0]), f64([1, 0, 1]), f64([1, 1, 1])) == pytest.approx(0.5)
    assert international.extradition_share(f64([1, 1, 0]), f64([1, 0, 1]), f64([1, 0, 1])) == pytest.approx(1.0)
    assert international.extradition_share(np.zeros(2), np.ones(2), np.ones(2)) == 0.0


def test_cartel_engagement_follows_the_exits_its_proxies_hold() -> None:
    p = params(cartel_entry_elasticity=1.0, cartel_entry_speed=0.5)
    allies = f64([[0, 1, 1], [0, 0, 0], [0, 0, 0]])  # cartel 0 pays groups 1 and 2
    holdings = international.allies_holdings(allies, f64([0.0, 1.0, 0.5]), f64([1.0, 1.0, 0.0]))
    np.testing.assert_allclose(holdings, [1.0, 0.0, 0.0])  # a dead proxy holds nothing
    engagement = np.ones(3)
    international.update_engagement(engagement, f64([2.0, 0, 0]), f64([1.0, 0, 0]), f64([2.0, 0, 0]), p)
    np.testing.assert_allclose(engagement, [1.5, 1.0, 1.0])  # toward twice the budget; non-cartels untouched
    international.update_engagement(engagement, f64([0.0, 0, 0]), f64([1.0, 0, 0]), f64([2.0, 0, 0]), p)
    assert engagement[0] == pytest.approx(0.75)  # proxies lost the exits: the cartel withdraws
    np.testing.assert_allclose(international.cartel_budgets(f64([2.0, 0.0, 0.0]), engagement), [1.5, 0.0, 0.0])


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


def test_draws_inside_the_model_are_the_streams() -> None:
    # The draws the mechanisms make are numbers of the same streams as the arrays above, whatever the mode's u.
    key = rng.stream_key(5, 7, 4, Purpose.SPLIT)
    np.testing.assert_array_equal([rng.draw_uniform(COUNTER, key, i) for i in range(6)],
                                  rng.uniforms(5, np.array([7]), 4, Purpose.SPLIT, (6,))[0])
    np.testing.assert_array_equal([rng.draw_normal(COUNTER, key, i) for i in range(6)],
                                  rng.normals(5, np.array([7]), 4, Purpose.SPLIT, (6,))[0])
    assert rng.draw_poisson(COUNTER, 3.5, key, 2) == rng.poisson(5, np.array([7]), 4, Purpose.SPLIT,
                                                                 np.array([[0.0, 0.0, 3.5]]))[0, 2]
    # Central mode: every draw at its central value.
    mode = central(0.25)
    assert rng.draw_uniform(mode, key, 3) == 0.25 and rng.draw_normal(mode, key, 3) == 0.0
    assert rng.draw_poisson(mode, 3.5, key, 0) == 3.5 and rng.draw_negative_binomial(mode, 7.5, 2.0, key, 0) == 7.5


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


def test_operations_concentrate_on_the_largest_groups() -> None:
    # P_g = (1 - w) + w n_a N_g / sum N over the groups alive with armed members: mean one over them
    members = f64([[300.0, 300.0], [100.0, 100.0], [0.0, 0.0], [50.0, 50.0]])
    alive = f64([1.0, 1.0, 0.0, 0.0])  # the fourth no longer acts: it neither counts nor draws a share
    got = security.priority(members, alive, params(operations_priority=0.5))
    np.testing.assert_allclose(got, [0.5 + 0.5 * 2 * 600 / 800, 0.5 + 0.5 * 2 * 200 / 800, 0.5, 0.5])
    assert got[0] + got[1] == pytest.approx(2.0)
    # Without the rule every group draws the same operations; nobody in the country, the same.
    np.testing.assert_array_equal(security.priority(members, alive, params(operations_priority=0.0)), np.ones(4))
    np.testing.assert_array_equal(security.priority(np.zeros((2, 2)), f64([1.0, 1.0]), params()), np.ones(2))
