"""Bargaining protocols of the negotiation tables (model/tables/protocol.py, bdm.py): known answers and properties.

Known answers: the symmetric Nash split, Nash splits with outside options and weights, logrolling by salience, the
subgame-perfect split of alternating offers (Rubinstein 1982; with a risk of breakdown, Binmore, Rubinstein & Wolinsky
1986), and Bueno de Mesquita's emission-standards case through the issue-by-issue forecaster. Properties (hypothesis):
no signatory is given less than its outside option, a stronger outside option never worsens a side's deal and a
concession never raises the conceding side's value, and the result does not depend on the order of the actors.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from totalpeace.model.tables import protocol
from totalpeace.model.tables.bdm import bdm_package
from totalpeace.model.tables.protocol import ABSENT, FEASIBLE, INFEASIBLE, LINEAR, QUADRATIC

EMISSION_CAP = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
EMISSION_YEARS = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)
EMISSION_SAL = np.array([0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7])


def two_party(la: list[float], lb: list[float], const_a: float = 1.0, const_b: float = 0.0):
    """Actor arrays for two signatories with linear utilities over len(la) issues."""
    k = len(la)
    kind = np.array([LINEAR, LINEAR])
    const = np.array([const_a, const_b])
    lin = np.array([la, lb], dtype=float)
    return kind, const, lin, np.zeros((2, k)), np.zeros((2, k))


def nash(lo, hi, kind, const, lin, pos, sal, d, w) -> tuple[int, np.ndarray]:
    x = np.empty(len(lo))
    status = protocol.nash_package(np.asarray(lo, float), np.asarray(hi, float), kind, const, lin, pos, sal,
                                   np.asarray(d, float), np.asarray(w, float), x)
    return status, x


def alternating(lo, hi, kind, const, lin, d, patience, proposer) -> tuple[int, np.ndarray]:
    x = np.empty(len(lo))
    work, iwork = protocol.workspace(len(lo), len(kind))
    status = protocol.alternating_offers(np.asarray(lo, float), np.asarray(hi, float), kind, const, lin,
                                         np.asarray(d, float), np.asarray(patience, float), proposer, x, work, iwork)
    return status, x


def utilities(x, kind, const, lin, pos, sal) -> np.ndarray:
    return np.array([protocol.utility(a, x, kind, const, lin, pos, sal) for a in range(len(kind))])


# ---------------------------------------------------------------------------------------------------------------------
# Known answers
# ---------------------------------------------------------------------------------------------------------------------


def test_symmetric_nash_split_is_one_half() -> None:
    # One unit to split, x = what b gets: U_a = 1 - x, U_b = x, d = 0, equal weights: argmax x (1 - x) = 1/2.
    status, x = nash([0], [1], *two_party([-1.0], [1.0]), d=[0, 0], w=[1, 1])
    assert status == FEASIBLE
    assert x[0] == pytest.approx(0.5, abs=1e-12)


@pytest.mark.parametrize(("d_a", "d_b", "w_a", "w_b"), [(0.2, 0.1, 1, 1), (0.0, 0.3, 1, 1), (0.1, 0.1, 1, 3)])
def test_nash_split_with_outside_options_and_weights(d_a: float, d_b: float, w_a: float, w_b: float) -> None:
    # argmax (1 - x - d_a)^w_a (x - d_b)^w_b = d_b + w_b / (w_a + w_b) (1 - d_a - d_b) (first-order condition).
    status, x = nash([0], [1], *two_party([-1.0], [1.0]), d=[d_a, d_b], w=[w_a, w_b])
    assert status == FEASIBLE
    assert x[0] == pytest.approx(d_b + w_b / (w_a + w_b) * (1 - d_a - d_b), abs=1e-12)


def test_no_agreement_without_a_bargaining_range() -> None:
    # d_a + d_b > 1: no split gives both their outside option; x is a's best offer (b gets 1 - d_a = 0.4).
    status, x = nash([0], [1], *two_party([-1.0], [1.0]), d=[0.6, 0.5], w=[1, 1])
    assert status == INFEASIBLE
    assert x[0] == pytest.approx(0.4, abs=1e-12)


def test_logrolling_concedes_first_where_the_other_side_cares_more() -> None:
    # Two issues. Conceding issue 0 costs a 0.8 and gives b 0.2; issue 1 costs 0.2 and gives 0.8. The Pareto path
    # concedes issue 1 first (rate 4) then issue 0 (rate 1/4). With d = 0 and U_a = 1 - 0.8 x0 - 0.2 x1,
    # U_b = 0.2 x0 + 0.8 x1: at x1 = 1, x0 = t the product (0.8 - 0.8 t)(0.8 + 0.2 t) falls in t (its derivative at
    # 0 is -0.64 + 0.16 < 0), so the Nash solution concedes issue 1 fully and nothing of issue 0 ... unless the
    # interior point on the first segment is better: (1 - 0.2 s)(0.8 s) peaks at s = 2.5 > 1, so s = 1.
    status, x = nash([0, 0], [1, 1], *two_party([-0.8, -0.2], [0.2, 0.8]), d=[0, 0], w=[1, 1])
    assert status == FEASIBLE
    np.testing.assert_allclose(x, [0.0, 1.0], atol=1e-12)


def test_nash_interior_point_on_a_later_segment() -> None:
    # Issue 1 (rate 4) conceded fully, then issue 0 at rate 1/4 with d_b = 0.9: the group needs more than issue 1
    # gives (0.8), so the first-order condition on the second segment: U_a = 0.8 - 0.8 t, U_b = 0.8 + 0.2 t,
    # d_b = 0.9, w = 1: maximise (0.8 - 0.8 t)(0.2 t - 0.1): t* = (0.8*0.2 + 0.1*0.8) / (2*0.8*0.2) = 0.75.
    status, x = nash([0, 0], [1, 1], *two_party([-0.8, -0.2], [0.2, 0.8]), d=[0, 0.9], w=[1, 1])
    assert status == FEASIBLE
    np.testing.assert_allclose(x, [0.75, 1.0], atol=1e-12)


@pytest.mark.parametrize(("delta_a", "delta_b"), [(0.9, 0.9), (0.9, 0.8), (0.99, 0.95), (0.5, 0.7)])
def test_rubinstein_subgame_perfect_split(delta_a: float, delta_b: float) -> None:
    # Rubinstein (1982): the first proposer a keeps (1 - delta_b) / (1 - delta_a delta_b); the responder b gets the
    # rest. When b proposes, a gets delta_a times what a gets as proposer.
    kind, const, lin, _, _ = two_party([-1.0], [1.0])
    status, x = alternating([0], [1], kind, const, lin, [0, 0], [delta_a, delta_b], proposer=0)
    share_a = (1 - delta_b) / (1 - delta_a * delta_b)
    assert status == FEASIBLE
    assert 1 - x[0] == pytest.approx(share_a, abs=1e-10)
    _, y = alternating([0], [1], kind, const, lin, [0, 0], [delta_a, delta_b], proposer=1)
    assert 1 - y[0] == pytest.approx(delta_a * share_a, abs=1e-10)


def test_alternating_offers_with_breakdown_risk_and_outside_options() -> None:
    # Binmore, Rubinstein & Wolinsky (1986): with a risk q that talks break down after a rejection, the surplus over
    # the outside options is split as with discount factors delta (1 - q). d = (0.1, 0.2), delta = 0.95, q = 0.05.
    kind, const, lin, _, _ = two_party([-1.0], [1.0])
    pa = pb = 0.95 * 0.95
    status, x = alternating([0], [1], kind, const, lin, [0.1, 0.2], [pa, pb], proposer=0)
    surplus = 1 - 0.1 - 0.2
    assert status == FEASIBLE
    assert (1 - x[0]) - 0.1 == pytest.approx(surplus * (1 - pb) / (1 - pa * pb), abs=1e-10)


def test_alternating_offers_converge_to_nash_as_patience_rises() -> None:
    # Binmore, Rubinstein & Wolinsky: as the time between offers shrinks the SPE tends to the Nash solution.
    kind, const, lin, pos, sal = two_party([-0.8, -0.2], [0.2, 0.8])
    _, nash_x = nash([0, 0], [1, 1], kind, const, lin, pos, sal, d=[0, 0.9], w=[1, 1])
    _, x = alternating([0, 0], [1, 1], kind, const, lin, [0, 0.9], [0.99999, 0.99999], proposer=0)
    np.testing.assert_allclose(x, nash_x, atol=1e-4)


def test_bdm_forecaster_reproduces_the_emission_standards_case() -> None:
    # Bueno de Mesquita's (1994) emission-standards example (Scholz, Calbert & Smith 2011; input table as in
    # tests/test_bargaining.py): the forecast is 7 years, in every round; positions are rescaled 4..10 -> 0..1.
    positions = ((EMISSION_YEARS - 4) / 6)[:, None].copy()
    x = np.zeros(1)
    for _ in range(5):
        bdm_package(positions, EMISSION_CAP, EMISSION_SAL[:, None].copy(), 1, 1.0, np.zeros(1), np.ones(1),
                    np.zeros(1), x)
        assert 4 + 6 * x[0] == pytest.approx(7.0, abs=1e-12)


def test_compromise_is_the_weighted_mean() -> None:
    # Emission standards: sum c s x / sum c s = 5.003 / 0.677 = 7.390 years (tests/test_bargaining.py).
    positions = ((EMISSION_YEARS - 4) / 6)[:, None]
    x = np.zeros(1)
    protocol.compromise_package(np.zeros(1), np.ones(1), positions, (EMISSION_CAP * EMISSION_SAL)[:, None], x)
    assert 4 + 6 * x[0] == pytest.approx(5.003 / 0.677, rel=1e-12)


def test_a_mediator_pulls_the_package_toward_its_position() -> None:
    # A third actor without a veto (quadratic utility around 0.9) joins the symmetric split; the generalised Nash
    # solution maximises log(1 - x) + log(x) + log(1 + 1 - (x - 0.9)^2) (its disagreement value is -1): found on a
    # fine grid, and it lies between the two-party split and the mediator's position.
    kind = np.array([LINEAR, LINEAR, QUADRATIC])
    const = np.array([1.0, 0.0, 0.0])
    lin = np.array([[-1.0], [1.0], [0.0]])
    pos = np.array([[0.0], [0.0], [0.9]])
    sal = np.array([[0.0], [0.0], [1.0]])
    status, x = nash([0], [1], kind, const, lin, pos, sal, d=[0, 0, -1], w=[1, 1, 1])
    grid = np.linspace(1e-9, 1 - 1e-9, 2_000_001)
    best = grid[np.argmax(np.log(1 - grid) + np.log(grid) + np.log(2 - (grid - 0.9) ** 2))]
    assert status == FEASIBLE
    assert x[0] == pytest.approx(best, abs=1e-6)
    assert 0.5 < x[0] < 0.9


# ---------------------------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------------------------

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_subnormal=False)


@st.composite
def problems(draw: st.DrawFn, quadratic: bool = True) -> dict:
    """A random table: 1-5 issues, two signatories with opposed linear utilities, up to two mediators."""
    k = draw(st.integers(min_value=1, max_value=5))
    lo = np.array(draw(st.lists(st.floats(0.0, 0.4), min_size=k, max_size=k)))
    hi = lo + np.array(draw(st.lists(st.floats(0.05, 0.6), min_size=k, max_size=k)))
    cost = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=k, max_size=k)))
    gain = np.array(draw(st.lists(st.floats(0.01, 50.0), min_size=k, max_size=k)))
    m = draw(st.integers(min_value=0, max_value=2)) if quadratic else 0
    kind = np.array([LINEAR, LINEAR] + [QUADRATIC] * m)
    const = np.array([1.0 + float(cost @ lo), 5.0] + [0.0] * m)
    lin = np.zeros((2 + m, k))
    lin[0], lin[1] = -cost, gain
    pos = np.array([[0.0] * k, [0.0] * k] + [draw(st.lists(unit, min_size=k, max_size=k)) for _ in range(m)])
    sal = np.array([[0.0] * k, [0.0] * k] + [draw(st.lists(st.floats(0.05, 1.0), min_size=k, max_size=k))
                                             for _ in range(m)])
    d = np.array([draw(st.floats(0.0, 0.9)), draw(st.floats(0.0, 5.0 + float(gain @ hi)))] + [-1.0] * m)
    w = np.array([1.0, draw(st.floats(0.5, 2.0))] + [draw(st.floats(0.05, 1.0)) for _ in range(m)])
    return {"lo": lo, "hi": hi, "kind": kind, "const": const, "lin": lin, "pos": pos, "sal": sal, "d": d, "w": w}


def solve(pr: dict, engine: str, proposer: int = 0) -> tuple[int, np.ndarray]:
    if engine == "nash":
        return nash(pr["lo"], pr["hi"], pr["kind"], pr["const"], pr["lin"], pr["pos"], pr["sal"], pr["d"], pr["w"])
    patience = np.full(len(pr["kind"]), 0.95)
    return alternating(pr["lo"], pr["hi"], pr["kind"], pr["const"], pr["lin"], pr["d"], patience, proposer)


@settings(max_examples=150, deadline=None)
@given(problems(), st.sampled_from(["nash", "alternating"]))
def test_no_signatory_gets_less_than_its_outside_option(pr: dict, engine: str) -> None:
    status, x = solve(pr, engine)
    assert np.all(x >= pr["lo"] - 1e-12) and np.all(x <= pr["hi"] + 1e-12)
    u = utilities(x, pr["kind"], pr["const"], pr["lin"], pr["pos"], pr["sal"])
    if status == FEASIBLE:
        assert u[0] >= pr["d"][0] - 1e-9 and u[1] >= pr["d"][1] - 1e-9
    else:
        # no agreement: then no package in the box gives both their outside options (a's best offer falls short)
        best = np.empty(len(x))
        protocol.best_offer(pr["lo"], pr["hi"], pr["const"], pr["lin"], pr["d"], 0, 1, best)
        u_best = utilities(best, pr["kind"], pr["const"], pr["lin"], pr["pos"], pr["sal"])
        assert u_best[1] <= pr["d"][1] + 1e-9 or u_best[0] < pr["d"][0] + 1e-9


@settings(max_examples=150, deadline=None)
@given(problems(), st.sampled_from(["nash", "alternating"]), st.floats(0.01, 3.0), st.integers(0, 1))
def test_a_stronger_outside_option_never_worsens_a_deal_and_a_concession_never_pays_the_conceder(
        pr: dict, engine: str, rise: float, side: int) -> None:
    # Raising side's outside option (a better battlefield position, or a unilateral concession by the other side
    # that moves the threat point) never lowers side's value of the deal and never raises the other side's.
    status, x = solve(pr, engine)
    assume(status == FEASIBLE)
    stronger = dict(pr, d=pr["d"].copy())
    stronger["d"][side] += rise * (1.0 if side == 1 else 0.1)
    status2, y = solve(stronger, engine)
    assume(status2 == FEASIBLE)
    u = utilities(x, pr["kind"], pr["const"], pr["lin"], pr["pos"], pr["sal"])
    v = utilities(y, pr["kind"], pr["const"], pr["lin"], pr["pos"], pr["sal"])
    scale = 1e-7 * (1.0 + np.abs(u))
    assert v[side] >= u[side] - scale[side]
    assert v[1 - side] <= u[1 - side] + scale[1 - side]


@settings(max_examples=150, deadline=None)
@given(problems(), st.data())
def test_the_order_of_the_actors_does_not_matter(pr: dict, data: st.DataObject) -> None:
    order = np.array(data.draw(st.permutations(list(range(len(pr["kind"]))))))
    status, x = solve(pr, "nash")
    shuffled = {key: (pr[key][order] if key not in ("lo", "hi") else pr[key]) for key in pr}
    status2, y = solve(shuffled, "nash")
    assert status == status2
    if status == FEASIBLE:
        np.testing.assert_allclose(y, x, atol=1e-7)
        u = utilities(x, pr["kind"], pr["const"], pr["lin"], pr["pos"], pr["sal"])
        v = utilities(y, shuffled["kind"], shuffled["const"], shuffled["lin"], shuffled["pos"], shuffled["sal"])
        np.testing.assert_allclose(v, u[order], rtol=1e-7, atol=1e-7)  # equal up to the solver's precision


@pytest.mark.parametrize("engine", ["nash", "alternating"])
def test_issues_the_sides_value_alike_are_conceded_together_whichever_signatory_comes_first(engine: str) -> None:
    # Three issues with the same cost to a and gain to b: every split of the concession among them is worth the same
    # to both, so conceding them one after the other in issue order gave a package that depended on which signatory
    # was listed first ([0.5, 0.5, 0] against [0, 0.5, 0.5]). Conceded together, each moves by the same share.
    k = 3
    lo, hi = np.zeros(k), np.full(k, 0.5)
    cost, gain = np.full(k, 0.5), np.full(k, 0.01)
    pr = {"lo": lo, "hi": hi, "kind": np.array([LINEAR, LINEAR]), "const": np.array([1.0, 5.0]),
          "lin": np.array([-cost, gain]), "pos": np.zeros((2, k)), "sal": np.zeros((2, k)),
          "d": np.array([0.0, 5.0]), "w": np.array([1.0, 1.0])}
    swapped = {key: (pr[key][::-1] if key not in ("lo", "hi") else pr[key]) for key in pr}
    status, x = solve(pr, engine)
    status2, y = solve(swapped, engine, proposer=1)
    assert status == status2 == FEASIBLE
    np.testing.assert_allclose(y, x, atol=1e-12)
    assert np.ptp(x) < 1e-12 and 0.0 < x[0] < 0.5


@pytest.mark.parametrize("engine", ["nash", "alternating"])
def test_a_zone_of_rounding_width_is_no_zone_whichever_signatory_comes_first(engine: str) -> None:
    # The second signatory's best package is worth exactly its outside option (49.3795... at every issue's top):
    # no package gives both a positive surplus. Starting the Pareto path from the first signatory left a zone of
    # 5e-16, from the second none; rounding may not decide whether the sides can agree.
    pr = {"lo": np.array([0.0, 0.25327662600396655, 0.19208419049008715, 0.18334708505837277]),
          "hi": np.array([0.18369485255355228, 0.3583503704734209, 0.7497968075642056, 0.27380388878997997]),
          "kind": np.array([LINEAR, LINEAR, QUADRATIC, QUADRATIC]),
          "const": np.array([1.6287079015524264, 5.0, 0.0, 0.0]),
          "lin": np.array([[-1.0] * 4, [7.346429097604128, 37.05487456190788, 25.24184401722655, 39.536099409221805],
                           [0.0] * 4, [0.0] * 4]),
          "pos": np.zeros((4, 4)), "sal": np.array([[0.0] * 4, [0.0] * 4, [1.0] * 4, [1.0] * 4]),
          "d": np.array([0.0, 49.379521063967616, -1.0, -1.0]), "w": np.ones(4)}
    swapped = {key: (pr[key][[1, 0, 2, 3]] if key not in ("lo", "hi") else pr[key]) for key in pr}
    assert solve(pr, engine)[0] == solve(swapped, engine)[0] == INFEASIBLE


@settings(max_examples=100, deadline=None)
@given(problems())
def test_the_nash_package_maximises_the_nash_product(pr: dict) -> None:
    # No feasible package nearby (random perturbations inside the box) has a larger weighted log Nash product.
    status, x = solve(pr, "nash")
    assume(status == FEASIBLE)
    rng = np.random.default_rng(0)

    def product(z: np.ndarray) -> float:
        u = utilities(z, pr["kind"], pr["const"], pr["lin"], pr["pos"], pr["sal"]) - pr["d"]
        keep = pr["kind"] != ABSENT
        return -np.inf if np.any(u[keep] <= 0) else float(np.sum(pr["w"][keep] * np.log(u[keep])))

    best = product(x)
    # a package on a signatory's outside option has a product of -inf: then no nearby package may do better at all
    tolerance = 0.0 if np.isinf(best) else 1e-9 * (1 + abs(best))
    for scale in (1e-2, 1e-4):
        for _ in range(40):
            z = np.clip(x + scale * rng.normal(size=x.shape), pr["lo"], pr["hi"])
            assert product(z) <= best + tolerance
