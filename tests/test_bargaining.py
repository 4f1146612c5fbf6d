"""Tests of the multi-party negotiation engine (M2.1): BDM expected-utility model and the weighted-mean baseline.

The functions are the compiled ones the engine runs (model/bargaining.py), called on one table at a time.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from totalpeace.model import bargaining
from totalpeace.model.bargaining import (
    OFFER_CAPITULATION,
    OFFER_COMPROMISE,
    OFFER_CONFLICT,
    OFFER_NONE,
    offers,
    risk_exponents,
    table_weights,
)

# ---------------------------------------------------------------------------------------------------------------------
# Known-answer case: Bueno de Mesquita's (1994) "emission standards" example, as used by Scholz, Calbert & Smith (2011),
# "Unravelling Bueno de Mesquita's group decision model". Position = number of years before the emission rules take
# effect (4 to 10). The table is the published input data, taken from ExampleActors.csv in
# jmckib/bdm-scholz-expected-utility-model (commit c103e59) and in an earlier version of
# dmasad/BDM_DecisionModel_Replication (salience there in percent). A later version of dmasad's file swaps the
# Netherlands' and Belgium's (position, salience); both have capability 0.08, so the table is the same set of actors
# under other names and every number below is unchanged.
# ---------------------------------------------------------------------------------------------------------------------
EMISSION = {
    # actor: (capability, position in years, salience)
    "Netherlands": (0.08, 4, 0.8),
    "Belgium": (0.08, 7, 0.4),
    "Luxembourg": (0.03, 4, 0.2),
    "Germany": (0.16, 4, 0.8),
    "France": (0.16, 10, 0.6),
    "Italy": (0.16, 10, 0.6),
    "UK": (0.16, 10, 0.9),
    "Ireland": (0.05, 7, 0.1),
    "Denmark": (0.05, 4, 1.0),
    "Greece": (0.08, 7, 0.7),
}
E_CAP = np.array([v[0] for v in EMISSION.values()])
E_YEARS = np.array([v[1] for v in EMISSION.values()], dtype=float)
E_SAL = np.array([v[2] for v in EMISSION.values()])
# Every quantity of the model depends on positions only through differences divided by the range Δ, so rescaling
# 4..10 years to 0..1 is exact: years = 4 + 6 x.
E_POS = (E_YEARS - 4.0) / 6.0


def to_years(x: np.ndarray | float) -> np.ndarray:
    return 4.0 + 6.0 * np.asarray(x)


# ---------------------------------------------------------------------------------------------------------------------
# One table given as positions, capabilities and saliences (scalars broadcast over the actors), evaluated with the
# compiled functions.
# ---------------------------------------------------------------------------------------------------------------------
def _table(pos, cap, sal) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x = np.array(pos, dtype=np.float64)
    c = np.broadcast_to(np.asarray(cap, dtype=np.float64), x.shape).copy()
    s = np.broadcast_to(np.asarray(sal, dtype=np.float64), x.shape).copy()
    w, present = table_weights(c, s)
    return x, c, s, w, present


def weighted_mean(pos, cap, sal) -> float:
    x, _, _, w, present = _table(pos, cap, sal)
    return bargaining.weighted_mean(x, w, present)


def median_position(pos, cap, sal) -> float:
    x, _, _, w, present = _table(pos, cap, sal)
    return bargaining.median_position(x, w, present)


def win_probabilities(pos, cap, sal) -> np.ndarray:
    x, _, _, w, present = _table(pos, cap, sal)
    return bargaining.win_probabilities(x, w, present, bargaining.position_range(x, present)[2])


def expected_utilities(pos, cap, sal, risk, q: float = 1.0, t: float = 1.0, prob: np.ndarray | None = None):
    """EU table with imposed risk exponents (and, optionally, imposed win probabilities)."""
    x, _, s, w, present = _table(pos, cap, sal)
    delta = bargaining.position_range(x, present)[2]
    mu = bargaining.median_position(x, w, present)
    prob = bargaining.win_probabilities(x, w, present, delta) if prob is None else prob
    r = np.broadcast_to(np.asarray(risk, dtype=np.float64), x.shape).copy()
    return bargaining.expected_utilities(x, s, present, delta, mu, prob, r, q, t)


def derived_risk(pos, cap, sal, q: float = 1.0, t: float = 1.0) -> np.ndarray:
    """The exponents a round derives (Scholz et al.): from the EU table with r = 1 for everybody."""
    present = _table(pos, cap, sal)[4]
    return risk_exponents(expected_utilities(pos, cap, sal, 1.0, q, t), present)


def everyone(eu: np.ndarray) -> np.ndarray:
    return np.ones(eu.shape[0], dtype=np.bool_)


def bdm_round(pos, cap, sal, q: float = 1.0, t: float = 1.0, risk=None) -> tuple[np.ndarray, dict]:
    """One round: the compiled `bdm_round` (exponents derived), or its `offers` with imposed exponents."""
    x, c, s, w, present = _table(pos, cap, sal)
    if risk is None:
        new, accepted = bargaining.bdm_round(x, w, s, present, q, t)
        used = derived_risk(x, c, s, q, t)
    else:
        used = np.where(present, np.asarray(risk, dtype=np.float64), 1.0)
        new, accepted = offers(x, expected_utilities(x, c, s, used, q, t), present)
    return new, {"forecast": bargaining.median_position(new, w, present),
                 "mean": bargaining.weighted_mean(new, w, present), "accepted": accepted, "risk": used}


def bdm_rounds(pos, cap, sal, rounds: int, q: float = 1.0) -> tuple[np.ndarray, float]:
    x, c, s, _, _ = _table(pos, cap, sal)
    return bargaining.bdm_rounds(x, c, s, rounds, q)


def test_emission_weighted_mean_by_hand() -> None:
    # By hand: Σ c s = 0.064 + 0.032 + 0.006 + 0.128 + 0.096 + 0.096 + 0.144 + 0.005 + 0.05 + 0.056 = 0.677 and
    # Σ c s x = 0.256 + 0.224 + 0.024 + 0.512 + 0.96 + 0.96 + 1.44 + 0.035 + 0.2 + 0.392 = 5.003 (years), so
    # O = 5.003 / 0.677 = 7.390 years. (dmasad's Testing.ipynb prints the same value, 7.389955686853767.)
    mean_years = float(to_years(weighted_mean(E_POS, E_CAP, E_SAL)))
    assert mean_years == pytest.approx(7.390, abs=5e-4)
    assert mean_years == pytest.approx(5.003 / 0.677, rel=1e-12)


def test_emission_median_is_seven_years() -> None:
    # Computed, not quoted from BDM: weights at 4 years 0.248, at 7 years 0.093, at 10 years 0.336. Position 7 beats
    # 4 by (0.093 + 0.336 - 0.248) * 3 = 0.543 and beats 10 by (0.248 + 0.093 - 0.336) * 3 = 0.015 (weighted
    # year-votes), so 7 is the Condorcet winner. dmasad's replication (Comparison with Original.ipynb, vote()) also
    # returns 7.0. It is one of the actors' positions and lies strictly between the extremes.
    median_years = float(to_years(median_position(E_POS, E_CAP, E_SAL)))
    assert median_years == pytest.approx(7.0, abs=1e-12)
    assert median_years in set(E_YEARS)
    assert E_YEARS.min() < median_years < E_YEARS.max()


def _net_vote_probabilities(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The variant in the dmasad notebook version that printed the risk exponents: P_ij = max(Σ_k v^k_ij, 0)/Σ|v|."""
    a = x.shape[-1]
    p = np.zeros((a, a))
    for i, j in itertools.product(range(a), range(a)):
        if i == j or x[i] == x[j]:
            continue
        v = w * (np.abs(x - x[j]) - np.abs(x - x[i]))
        p[i, j] = max(v.sum(), 0.0) / np.abs(v).sum()
    return p


def test_emission_risk_exponents_match_replication() -> None:
    # Replication output (not the paper): dmasad/BDM_DecisionModel_Replication, "Comparison with Original.ipynb"
    # (commit aa3899a), prints the risk exponents of the first pass (EU with r = 1, Q = 1, T = 1, target salience on
    # [0, 1]). That notebook's code used a net-vote win probability, so it is swapped in here; everything else
    # (utilities, EU, danger, R, r) is this module's. Agreement to 1e-9 checks the whole EU -> risk chain.
    published = {
        "Netherlands": 1.1271980463,
        "Belgium": 0.780917839132,
        "Luxembourg": 0.5,
        "Germany": 1.1271980463,
        "France": 1.07789229892,
        "Italy": 1.07789229892,
        "UK": 2.0,
        "Ireland": 0.524782172174,
        "Denmark": 1.47169654498,
        "Greece": 1.14047944802,
    }
    prob = _net_vote_probabilities(E_POS, E_CAP * E_SAL)
    r = risk_exponents(expected_utilities(E_POS, E_CAP, E_SAL, 1.0, prob=prob), np.ones(len(E_POS), dtype=np.bool_))
    np.testing.assert_allclose(r, list(published.values()), atol=1e-9)


def test_emission_risk_exponents_with_module_probabilities() -> None:
    # Properties (this module's P_ij form): exponents lie in [0.5, 2]; the extremes do not depend on the probability
    # variant here: Luxembourg is the most threatened actor (r = 0.5) and the UK the most secure (r = 2), as in the
    # replication above. Actors with identical (position, salience) get identical exponents (Netherlands, Germany).
    r = dict(zip(EMISSION, derived_risk(E_POS, E_CAP, E_SAL), strict=True))
    assert all(0.5 <= v <= 2.0 for v in r.values())
    assert r["Luxembourg"] == pytest.approx(0.5)
    assert r["UK"] == pytest.approx(2.0)
    assert r["Netherlands"] == pytest.approx(r["Germany"])
    assert r["France"] == pytest.approx(r["Italy"])


def test_emission_rounds_converge_on_the_median() -> None:
    # Properties, not published numbers (the replications report no round-by-round positions we could check):
    # the forecast stays at 7 years in every round, the capability x salience weighted mean absolute distance from
    # it never grows and falls below a quarter of its start within 10 rounds, and the range of positions narrows.
    w = E_CAP * E_SAL
    x = E_POS.copy()

    def spread(pos: np.ndarray) -> float:
        return float((w * np.abs(to_years(pos) - 7.0)).sum() / w.sum())

    history = [spread(x)]
    for _ in range(10):
        x, info = bdm_round(x, E_CAP, E_SAL)
        assert float(to_years(info["forecast"])) == pytest.approx(7.0)
        history.append(spread(x))
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(history))
    assert history[-1] < 0.25 * history[0]
    assert np.ptp(to_years(x)) < 0.6 * np.ptp(E_YEARS)
    final, forecast = bdm_rounds(E_POS, E_CAP, E_SAL, 10)
    np.testing.assert_array_equal(final, x)
    assert float(to_years(forecast)) == pytest.approx(7.0)


# ---------------------------------------------------------------------------------------------------------------------
# Hand-computed small cases.
# ---------------------------------------------------------------------------------------------------------------------


def eu_r1_q1(d: float, s_target: float, p: float) -> float:
    """EU_i(ij) for r = 1 and Q = 1: U^s = 2d, U^f = -2d, U^sq = 0, so EU = 2d [1 - 2 s_j (1 - P_ij)]."""
    return 2.0 * d * (1.0 - 2.0 * s_target * (1.0 - p))


def test_two_actors_by_hand() -> None:
    x, c, s = np.array([0.2, 0.8]), np.array([1.0, 3.0]), np.array([0.5, 1.0])
    # Weights c s = (0.5, 3); Δ = 0.6. In the 0-versus-1 contest actor 0 votes +0.5*0.6 and actor 1 votes -3*0.6.
    p = win_probabilities(x, c, s)
    np.testing.assert_allclose(p, [[0.0, 1 / 7], [6 / 7, 0.0]])
    eu = expected_utilities(x, c, s, 1.0)
    np.testing.assert_allclose(eu, [[0.0, eu_r1_q1(1.0, 1.0, 1 / 7)], [eu_r1_q1(1.0, 0.5, 6 / 7), 0.0]])
    np.testing.assert_allclose(eu[0, 1], -10 / 7)
    np.testing.assert_allclose(eu[1, 0], 12 / 7)
    # Danger: D_0 = EU_1(10) = 12/7 (most threatened, r = 0.5), D_1 = -10/7 (most secure, r = 2).
    np.testing.assert_allclose(risk_exponents(eu, everyone(eu)), [0.5, 2.0])

    # With r = 1 imposed: actor 1 challenges (12/7 > 0), actor 0 would lose (-10/7 < 0) and 12/7 > 10/7, so actor 0
    # compromises, moving the fraction (10/7)/(12/7) = 5/6 of the way: 0.2 + 0.6 * 5/6 = 0.7.
    new, info = bdm_round(x, c, s, risk=[1.0, 1.0])
    np.testing.assert_allclose(new, [0.7, 0.8])
    assert info["accepted"].tolist() == [OFFER_COMPROMISE, OFFER_NONE]

    # With the derived exponents (r_0 = 0.5, r_1 = 2): d = 1, so U^s = 2 and U^f = -2 for any r, U^sq = 2 - 4 * 0.5^r.
    def usq(r: float) -> float:
        return 2.0 - 4.0 * 0.5**r

    eu_01 = 1.0 * (1 / 7 * 2 + 6 / 7 * -2) - usq(0.5)
    eu_10 = 0.5 * (6 / 7 * 2 + 1 / 7 * -2) + 0.5 * 2 - usq(2.0)
    np.testing.assert_allclose(expected_utilities(x, c, s, [0.5, 2.0]), [[0, eu_01], [eu_10, 0]], atol=1e-15)
    assert eu_01 < 0 < eu_10 and eu_10 > abs(eu_01)
    new, info = bdm_round(x, c, s)
    np.testing.assert_allclose(info["risk"], [0.5, 2.0])
    np.testing.assert_allclose(new, [0.2 + 0.6 * abs(eu_01 / eu_10), 0.8])


def test_three_actors_by_hand() -> None:
    x, c, s = np.array([0.0, 0.5, 1.0]), np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.5, 1.0 / 3.0])
    # Weights c s = (1, 1, 1); Δ = 1.
    #   0 vs 1: votes +0.5, -0.5, -0.5 -> P_01 = 0.5/1.5; 0 vs 2: +1, 0, -1 -> P_02 = 1/2; 1 vs 2: +0.5, +0.5, -0.5.
    p = win_probabilities(x, c, s)
    expected_p = np.array([[0.0, 1 / 3, 1 / 2], [2 / 3, 0.0, 2 / 3], [1 / 2, 1 / 3, 0.0]])
    np.testing.assert_allclose(p, expected_p)
    # Equal weights: the median voter's position wins; the weighted mean is the plain mean.
    assert float(median_position(x, c, s)) == 0.5
    assert float(weighted_mean(x, c, s)) == pytest.approx(0.5)
    d = np.abs(x[:, None] - x[None, :])
    eu = expected_utilities(x, c, s, 1.0)
    by_hand = np.array(
        [[eu_r1_q1(d[i, j], s[j], expected_p[i, j]) if i != j else 0.0 for j in range(3)] for i in range(3)]
    )
    np.testing.assert_allclose(eu, by_hand, atol=1e-15)


def test_three_unequal_weights_median_and_mean() -> None:
    x, c, s = np.array([0.0, 0.5, 1.0]), np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.5, 1.0])
    # Weights (1, 1, 3): total weighted distance from 0, 0.5, 1 is 3.5, 2 and 1.5, so 1.0 is the Condorcet winner.
    assert float(median_position(x, c, s)) == 1.0
    assert float(weighted_mean(x, c, s)) == pytest.approx((0 + 0.5 + 3) / 5)
    np.testing.assert_allclose(
        win_probabilities(x, c, s), [[0.0, 0.2, 0.25], [0.8, 0.0, 0.4], [0.75, 0.6, 0.0]], atol=1e-15
    )


def test_status_quo_term_sign() -> None:
    # r = 1: U^b = e and U^w = -e with e = (|x_i - μ| + |x_i - x_j|)/Δ, U^sq = 0. The (1 - Q) term is subtracted, so
    # Q = 0, T = 1 (status quo surely improves) lowers EU by e and Q = 0, T = 0 raises it by e.
    x, c, s = np.array([0.0, 0.5, 1.0]), np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.5, 1.0])
    mu = float(median_position(x, c, s))
    e = (np.abs(x - mu)[:, None] + np.abs(x[:, None] - x[None, :])) / 1.0
    off = ~np.eye(3, dtype=bool)
    base = expected_utilities(x, c, s, 1.0, q=1.0)
    np.testing.assert_allclose(expected_utilities(x, c, s, 1.0, q=0.0, t=1.0), np.where(off, base - e, 0.0))
    np.testing.assert_allclose(expected_utilities(x, c, s, 1.0, q=0.0, t=0.0), np.where(off, base + e, 0.0))
    mixed = expected_utilities(x, c, s, 1.0, q=0.25, t=0.75)
    np.testing.assert_allclose(mixed, np.where(off, base - 0.75 * (0.75 * e - 0.25 * e), 0.0))


def test_conflict_and_capitulation_by_hand() -> None:
    # Two actors, imposed r = 1, Q = 1: EU_0(01) = 2(1 - 2 s_1 P_10), EU_1(10) = 2(1 - 2 s_0 P_01).
    x = np.array([0.0, 1.0])
    # Low saliences: both expect to gain; the one with the larger EU wins the conflict and the other moves.
    c, s = np.array([1.0, 3.0]), np.array([0.1, 0.2])
    eu = expected_utilities(x, c, s, 1.0)
    assert eu[0, 1] > 0 and eu[1, 0] > 0 and eu[1, 0] > eu[0, 1]
    new, info = bdm_round(x, c, s, risk=[1.0, 1.0])
    np.testing.assert_array_equal(new, [1.0, 1.0])
    assert info["accepted"].tolist() == [OFFER_CONFLICT, OFFER_NONE]
    # Capitulation needs risk aversion (with r = 1 and Q = 1, EU_i(ij) + EU_j(ji) >= 0, so a challenger always gains
    # at least what the receiver loses). Both at r = 2 (U^sq = 1), s = 1, P_01 = 0.1: EU_0(01) = 2(0.1 - 0.9) - 1 =
    # -2.6 and EU_1(10) = 2(0.9 - 0.1) - 1 = 0.6 < 2.6, so actor 0 gives in completely.
    c, s = np.array([1.0, 9.0]), np.array([1.0, 1.0])
    eu = expected_utilities(x, c, s, 2.0)
    np.testing.assert_allclose(eu, [[0.0, -2.6], [0.6, 0.0]], atol=1e-15)
    new, info = bdm_round(x, c, s, risk=[2.0, 2.0])
    np.testing.assert_array_equal(new, [1.0, 1.0])
    assert info["accepted"].tolist() == [OFFER_CAPITULATION, OFFER_NONE]


def test_each_actor_takes_the_smallest_move() -> None:
    # Actor 0 at 0.5 loses conflicts to actor 1 (at 0.1, a move of 0.4) and to actor 2 (at 0.6, a move of 0.1); it
    # takes the smaller move although actor 1 comes first.
    x, c, s = np.array([0.5, 0.1, 0.6]), np.array([0.1, 0.2, 0.2]), np.array([0.3, 0.6, 0.8])
    eu = expected_utilities(x, c, s, 1.0)
    assert eu[1, 0] > eu[0, 1] > 0 and eu[2, 0] > eu[0, 2] > 0
    new, info = bdm_round(x, c, s, risk=[1.0, 1.0, 1.0])
    assert new[0] == 0.6
    assert info["accepted"][0] == OFFER_CONFLICT


def test_antisymmetry_and_complementary_probabilities() -> None:
    rng = np.random.default_rng(7)
    x, c = rng.random(6), rng.random(6) + 0.1
    p = win_probabilities(x, c, rng.random(6))
    off = ~np.eye(6, dtype=bool)
    np.testing.assert_allclose((p + p.T)[off], 1.0)
    # Full salience, r = 1, Q = 1: EU_i(ij) = 2 d (2 P_ij - 1), so EU_i(ij) = -EU_j(ji).
    eu = expected_utilities(x, c, np.ones(6), 1.0)
    np.testing.assert_allclose(eu, -eu.T, atol=1e-14)
    # With common salience s the pair sums to 4 d (1 - s).
    s = 0.3
    eu = expected_utilities(x, c, np.full(6, s), 1.0)
    d = np.abs(x[:, None] - x[None, :]) / np.ptp(x)
    np.testing.assert_allclose(eu + eu.T, 4 * d * (1 - s), atol=1e-14)


@pytest.mark.parametrize("q,t", [(1.0, 1.0), (0.5, 0.3)])
def test_mirror_and_permutation_symmetry(q: float, t: float) -> None:
    rng = np.random.default_rng(11)
    x, c, s = rng.random(5), rng.random(5) + 0.1, rng.random(5)
    r = rng.uniform(0.5, 2.0, 5)
    eu = expected_utilities(x, c, s, r, q, t)
    np.testing.assert_allclose(expected_utilities(1 - x, c, s, r, q, t), eu, atol=1e-12)
    new, info = bdm_round(x, c, s, q=q, t=t)
    new_m, info_m = bdm_round(1 - x, c, s, q=q, t=t)
    np.testing.assert_allclose(new_m, 1 - new, atol=1e-12)
    np.testing.assert_allclose(info_m["risk"], info["risk"], atol=1e-12)
    perm = rng.permutation(5)
    np.testing.assert_allclose(expected_utilities(x[perm], c[perm], s[perm], r[perm], q, t), eu[np.ix_(perm, perm)])
    new_p, _ = bdm_round(x[perm], c[perm], s[perm], q=q, t=t)
    np.testing.assert_allclose(new_p, new[perm])


def test_absent_actor_changes_nothing() -> None:
    x, c, s = np.array([0.1, 0.4, 0.6]), np.array([0.5, 0.3, 0.2]), np.array([0.9, 0.5, 0.7])
    # An absent actor (capability 0) far outside the others' range and with full salience, inserted in the middle.
    xa, ca, sa = np.insert(x, 1, 0.99), np.insert(c, 1, 0.0), np.insert(s, 1, 1.0)
    keep = [0, 2, 3]
    assert float(weighted_mean(xa, ca, sa)) == pytest.approx(float(weighted_mean(x, c, s)))
    assert float(median_position(xa, ca, sa)) == float(median_position(x, c, s))
    pa = win_probabilities(xa, ca, sa)
    np.testing.assert_allclose(pa[np.ix_(keep, keep)], win_probabilities(x, c, s))
    assert not pa[1].any() and not pa[:, 1].any()
    eua = expected_utilities(xa, ca, sa, 1.0, q=0.5, t=0.5)
    np.testing.assert_allclose(eua[np.ix_(keep, keep)], expected_utilities(x, c, s, 1.0, q=0.5, t=0.5))
    assert not eua[1].any() and not eua[:, 1].any()
    for q in (1.0, 0.5):
        new_a, info_a = bdm_round(xa, ca, sa, q=q, t=0.5)
        new, info = bdm_round(x, c, s, q=q, t=0.5)
        np.testing.assert_allclose(new_a[keep], new)
        assert new_a[1] == 0.99
        np.testing.assert_allclose(info_a["risk"][keep], info["risk"])
        assert info_a["risk"][1] == 1.0 and info_a["accepted"][1] == OFFER_NONE
        np.testing.assert_array_equal(info_a["accepted"][keep], info["accepted"])
        for key in ("forecast", "mean"):
            np.testing.assert_allclose(info_a[key], info[key])


def test_degenerate_tables() -> None:
    # Everybody at one position: no range, no contest, nobody moves; exponents default to 1.
    x, c, s = np.full(4, 0.3), np.ones(4), np.full(4, 0.5)
    new, info = bdm_round(x, c, s, q=0.5)
    np.testing.assert_array_equal(new, x)
    np.testing.assert_array_equal(info["risk"], 1.0)
    assert float(info["forecast"]) == 0.3 and float(weighted_mean(x, c, s)) == pytest.approx(0.3)
    # A single present actor, and an empty table.
    new, info = bdm_round([0.2, 0.9], [1.0, 0.0], [0.5, 0.5])
    np.testing.assert_array_equal(new, [0.2, 0.9])
    assert float(info["forecast"]) == 0.2
    new, info = bdm_round([0.2, 0.9], [0.0, 0.0], [0.5, 0.5])
    np.testing.assert_array_equal(new, [0.2, 0.9])
    assert np.isnan(info["forecast"]) and np.isnan(weighted_mean([0.2, 0.9], [0.0, 0.0], [0.5, 0.5]))
    # Present actors without salience: plain mean, median tie broken towards it.
    assert float(weighted_mean([0.0, 0.4, 1.0], 1.0, 0.0)) == pytest.approx(1.4 / 3)
    assert float(median_position([0.0, 0.4, 1.0], 1.0, 0.0)) == 0.4


def test_median_tie_goes_to_the_weighted_mean_then_lowest_index() -> None:
    # Weight split evenly between 0.2 and 0.6 plus a weightless actor at 0.9: 0.2 and 0.6 tie as Condorcet winners
    # and are equally far from the weighted mean 0.4, so the lower actor index decides.
    c, s = np.ones(3), np.array([0.5, 0.5, 0.0])
    assert float(median_position([0.6, 0.2, 0.9], c, s)) == 0.6
    assert float(median_position([0.2, 0.6, 0.9], c, s)) == 0.2
    # Weights 2 at 1.0 and 1 each at 0.0 and 0.2: half the weight on each side, so 0.2 and 1.0 tie. The weighted
    # mean (0 + 0.2 + 2)/4 = 0.55 is nearer 0.2, which wins although it has the higher index; mirrored, 0.8 wins.
    assert float(median_position([1.0, 0.0, 0.2], [2.0, 1.0, 1.0], 1.0)) == 0.2
    assert float(median_position([0.0, 1.0, 0.8], [2.0, 1.0, 1.0], 1.0)) == 0.8


def _reference_round(x: np.ndarray, c: np.ndarray, s: np.ndarray, q: float, t: float) -> np.ndarray:
    """Plain-Python implementation of one round, written from MECHANISMS.md M2.1, to check the compiled one."""
    idx = [k for k in range(len(x)) if c[k] > 0]
    w = c * s
    lo, hi = min(x[idx]), max(x[idx])
    delta = hi - lo if hi > lo else 1.0
    mu = float(median_position(x, c, s))

    def prob(i: int, j: int) -> float:
        votes = [w[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i])) / delta for k in idx]
        total = sum(abs(v) for v in votes)
        return sum(v for v in votes if v > 0) / total if total > 0 else 0.5

    def eu(i: int, j: int, r: float) -> float:
        d = abs(x[i] - x[j]) / delta
        e = (abs(x[i] - mu) + abs(x[i] - x[j])) / delta
        us, uf = 2 - 4 * (0.5 - 0.5 * d) ** r, 2 - 4 * (0.5 + 0.5 * d) ** r
        ub, uw = 2 - 4 * max(0.5 - 0.25 * e, 0.0) ** r, 2 - 4 * (0.5 + 0.25 * e) ** r
        usq = 2 - 4 * 0.5**r
        p = prob(i, j)
        return s[j] * (p * us + (1 - p) * uf) + (1 - s[j]) * us - q * usq - (1 - q) * (t * ub + (1 - t) * uw)

    danger = {k: sum(eu(j, k, 1.0) for j in idx if j != k) for k in idx}
    dmax, dmin = max(danger.values()), min(danger.values())
    risk = {}
    for k in idx:
        big_r = (2 * danger[k] - dmax - dmin) / (dmax - dmin) if dmax > dmin else 0.0
        risk[k] = (1 - big_r / 3) / (1 + big_r / 3)

    new = x.copy()
    for i in idx:
        best, best_move = None, np.inf
        for j in idx:
            if j == i or x[j] == x[i]:
                continue
            a = eu(i, j, risk[i])
            b = eu(j, i, risk[j])
            if b > a > 0 or (b > 0 > a and b < abs(a)):
                target = x[j]
            elif b > 0 > a and b > abs(a):
                target = x[i] + (x[j] - x[i]) * abs(a / b)
            else:
                continue
            if abs(target - x[i]) < best_move:
                best, best_move = target, abs(target - x[i])
        if best is not None:
            new[i] = best
    return new


@pytest.mark.parametrize("q,t", [(1.0, 1.0), (0.5, 1.0), (0.2, 0.4)])
def test_round_matches_loop_reference(q: float, t: float) -> None:
    rng = np.random.default_rng(3)
    for _ in range(25):
        a = int(rng.integers(2, 8))
        x, c, s = rng.random(a), rng.random(a), rng.random(a)
        c[rng.random(a) < 0.2] = 0.0
        new, _ = bdm_round(x, c, s, q=q, t=t)
        np.testing.assert_allclose(new, _reference_round(x, c, s, q, t), atol=1e-12)


def test_bdm_rounds_zero_and_the_rounds_compose() -> None:
    final, forecast = bdm_rounds(E_POS, E_CAP, E_SAL, 0)
    np.testing.assert_array_equal(final, E_POS)
    assert float(forecast) == 0.5
    x = E_POS.copy()
    for _ in range(3):
        x, info = bdm_round(x, E_CAP, E_SAL, q=0.7)
    final, forecast = bdm_rounds(E_POS, E_CAP, E_SAL, 3, q=0.7)
    np.testing.assert_array_equal(final, x)
    assert forecast == info["forecast"]


def test_deterministic() -> None:
    a = bdm_rounds(E_POS, E_CAP, E_SAL, 5)
    b = bdm_rounds(E_POS, E_CAP, E_SAL, 5)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


# ---------------------------------------------------------------------------------------------------------------------
# Property test.
# ---------------------------------------------------------------------------------------------------------------------

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_subnormal=False)
positive = st.floats(min_value=1e-3, max_value=1.0, allow_nan=False, allow_subnormal=False)
salience = st.floats(min_value=0.0, max_value=1.0, exclude_min=True, allow_nan=False, allow_subnormal=False)


@st.composite
def tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    a = draw(st.integers(min_value=1, max_value=8))
    x = np.array(draw(st.lists(unit, min_size=a, max_size=a)))
    c = np.array(draw(st.lists(positive, min_size=a, max_size=a)))
    s = np.array(draw(st.lists(salience, min_size=a, max_size=a)))
    q = draw(st.sampled_from([1.0, 0.5, 0.0]))
    t = draw(st.sampled_from([1.0, 0.5, 0.0]))
    return x, c, s, q, t


@settings(max_examples=300, deadline=None)
@given(tables())
def test_properties(table: tuple[np.ndarray, np.ndarray, np.ndarray, float, float]) -> None:
    x, c, s, q, t = table
    mean = float(weighted_mean(x, c, s))
    median = float(median_position(x, c, s))
    assert x.min() <= mean <= x.max()
    assert median in set(x.tolist())
    p = win_probabilities(x, c, s)
    assert np.isfinite(p).all() and (p >= 0).all() and (p <= 1).all()
    eu = expected_utilities(x, c, s, 1.0, q, t)
    assert np.isfinite(eu).all()
    r = risk_exponents(eu, everyone(eu))
    assert np.isfinite(r).all() and (r >= 0.5 - 1e-12).all() and (r <= 2.0 + 1e-12).all()
    new, info = bdm_round(x, c, s, q=q, t=t)
    assert np.isfinite(new).all()
    assert (new >= 0).all() and (new <= 1).all()
    # Every move is towards another actor's position, so nobody leaves the range of the positions.
    assert (new >= x.min()).all() and (new <= x.max()).all()
    assert float(info["forecast"]) in set(new.tolist())
    assert np.isfinite(info["mean"]) and np.isfinite(info["risk"]).all()
    moved = new != x
    assert np.all(info["accepted"][moved] != OFFER_NONE)  # nobody moves without accepting an offer
