"""Cross-check of the fast engine against the Mesa reference model (benchmarks/mesa_reference).

The reference implements the same mechanisms, parameters and update order one agent at a time, with plain Python
numbers and numpy's own generator instead of the engine's arrays and counter-based draws; for the negotiation tables
and the armed groups' economy and choices it calls the model's own functions with arrays assembled from its agents
(benchmarks/mesa_reference/negotiation.py, groups.py), so what it checks there is the engine's composition and
bookkeeping, not the equations a second time. Three levels:

* what has no randomness must agree to rounding: the set-up of a run, the negotiation tables, and the whole monthly
  path when every random draw is replaced by its central value in both implementations (signing, splits and DDR
  included, on the stress variant in benchmarks/mesa_reference/scenarios);
* the ensembles must agree in distribution: on colombia-2022 over 24 months (compromise forecast, with and without
  talks), the 2023 homicide rate, all groups' members, the ELN's members and the state's control share at month 24
  pass a two-sample Kolmogorov-Smirnov test and agree in mean within four standard errors of the difference. The
  four KS tests of a case are one family: each must have p > 0.01 / 4 (Bonferroni), so that a false alarm in a case
  is at most a 1-in-100 event (at p > 0.01 each, one case in 25 failed by chance: a recalibration that moved the
  members' distribution once gave KS p 0.008 at month 24 with the means 1.25 standard errors apart, while 300 Mesa
  runs against 1,000 of the engine on another seed gave p 0.16 and 0.2 standard errors). With these sample sizes
  the means catch a shift of about 1% in the homicide rate, 1.5% in the ELN's members, 0.5% in all members or 2% in
  the control share; a false alarm on the means is a 1-in-16,000 event. Both ensembles are seeded, so the test is
  deterministic; if it fails after a change to the engine, run `python -m benchmarks.mesa_reference.compare` with a
  few hundred Mesa runs before concluding.

The suite runs the small version: `TOTALPEACE_MESA_RUNS` Mesa runs per case (36 by default: 45 s for both cases on
an idle machine; `make soak` runs 300). The shifts quoted above are for 60-90 Mesa runs; with 36 they are about 1.4
times as large, with 300 about two thirds.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from scipy.stats import ks_2samp

import totalpeace
from totalpeace.engine.rng import central
from totalpeace.engine.simulate import build_engine
from totalpeace.model import bargaining

REPO = Path(__file__).resolve().parents[1]
MONTHS = 24
FAST_SEED, MESA_SEED = 1, 2  # independent seeds for the two implementations
FAST_RUNS = 200
MESA_RUNS = int(os.environ.get("TOTALPEACE_MESA_RUNS", "36"))  # per case; 0.8 s per Mesa run on this machine
YEAR_2023 = slice(5, 17)  # the scenario starts in August 2022: January 2023 is month 5
KS_ALPHA = 0.01  # family-wise over the four outcomes of a case (Bonferroni: each KS test at KS_ALPHA / 4)
MEAN_TOLERANCE_SE = 4.0
SCENARIOS = {
    "talks": ["model.negotiation_engine=compromise"],
    "no_talks": ["model.negotiation_engine=compromise", "policy.talks.mode=none"],
}


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    """benchmarks/mesa_reference imported as the package `mesa_reference` (as benchmarks/run.py names it), without
    putting the repository root on sys.path."""
    pytest.importorskip("mesa")
    if "mesa_reference" not in sys.modules:
        folder = REPO / "benchmarks" / "mesa_reference"
        spec = importlib.util.spec_from_file_location("mesa_reference", folder / "__init__.py",
                                                      submodule_search_locations=[str(folder)])
        module = importlib.util.module_from_spec(spec)
        sys.modules["mesa_reference"] = module
        spec.loader.exec_module(module)
    return sys.modules["mesa_reference"]


def outcomes(national: dict[str, np.ndarray], group_members: np.ndarray, eln: int) -> dict[str, np.ndarray]:
    return {
        "homicide rate 2023": national["homicide_rate"][:, YEAR_2023].sum(axis=1),
        "armed-group members, month 24": national["armed_group_members"][:, MONTHS - 1],
        "ELN members, month 24": group_members[:, MONTHS - 1, eln],
        "state control share, month 24": national["state_control_share"][:, MONTHS - 1],
    }


@pytest.mark.parametrize("case", list(SCENARIOS))
def test_mesa_reference_matches_fast_engine(reference: ModuleType, case: str) -> None:
    scenario = totalpeace.load_scenario("colombia-2022", SCENARIOS[case])
    fast = totalpeace.simulate(scenario, runs=FAST_RUNS, seed=FAST_SEED, months=MONTHS)
    mesa = reference.run_ensemble(scenario, MESA_RUNS, seed=MESA_SEED, months=MONTHS)
    eln = fast.group_ids.index("eln")
    assert list(mesa["group_ids"]) == fast.group_ids
    a = outcomes(mesa, mesa["group_members"], eln)
    b = outcomes(fast.national, fast.groups["group_members"], eln)
    failures = []
    for name in a:
        x, y = a[name], b[name]
        se = np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
        p_value = ks_2samp(x, y).pvalue
        line = (f"{case}, {name}: Mesa {x.mean():.5g} (sd {x.std(ddof=1):.3g}, n {len(x)}), fast {y.mean():.5g} "
                f"(sd {y.std(ddof=1):.3g}, n {len(y)}), difference {(x.mean() - y.mean()) / se:+.2f} SE, "
                f"KS p {p_value:.3f}")
        print(line)  # shown with `pytest -s` or on failure
        if p_value <= KS_ALPHA / len(a) or abs(x.mean() - y.mean()) > MEAN_TOLERANCE_SE * se:
            failures.append(line)
    assert not failures, "\n".join(failures)
    if case == "no_talks":
        assert not mesa["groups_in_talks"].any() and not fast.national["groups_in_talks"].any()
    else:
        assert mesa["groups_in_talks"].max() > 0 and fast.national["groups_in_talks"].max() > 0


def test_initial_state_is_identical(reference: ModuleType) -> None:
    """Members, sanctuary, control at the contest's fixed point and cocaine flows to the neighbours are
    deterministic: the two implementations must agree to rounding."""
    scenario = totalpeace.load_scenario("colombia-2022")
    engine = build_engine(scenario, MONTHS)
    model = reference.TotalPeaceModel(scenario, MONTHS, seed=1, world=engine.world)
    groups, territories = model.group_list, model.territory_list
    st = engine.initial
    members = np.array([[g.members[t.tid] for t in territories] for g in groups])
    control = np.array([[t.control[g.gid] for g in groups] + [t.control["state"]] for t in territories])
    np.testing.assert_allclose(members, st.members[0], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose([g.sanctuary for g in groups], st.sanctuary[0], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(control, st.control[0], rtol=1e-9, atol=1e-12)
    support = np.array([[g.support[t.tid] for t in territories] for g in groups])
    np.testing.assert_allclose(support, st.support[0], rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose([g.resources for g in groups], st.resources[0], rtol=1e-9)
    assert [t.route_exit for t in territories] == list(st.route_exit[0])
    np.testing.assert_allclose(list(model.flow0.values()), st.flow0[0], rtol=1e-9)


class CentralDraws:
    """Stands in for a numpy Generator: every draw at a fixed central value (Poisson and negative-binomial counts at
    their means, normal shocks at zero, uniforms at `u`)."""

    def __init__(self, u: float) -> None:
        self.u = u

    def normal(self, size: int | None = None) -> np.ndarray:
        return np.zeros(size)

    def poisson(self, lam: float) -> float:
        return lam

    def negative_binomial(self, n: float, p: float) -> float:
        return n * (1.0 - p) / p

    def random(self, size: int | tuple[int, ...] | None = None) -> float | np.ndarray:
        return self.u if size is None else np.full(size, self.u)


STRESS = str(REPO / "benchmarks" / "mesa_reference" / "scenarios" / "stress.toml")


@pytest.mark.parametrize(("name", "overrides", "months", "u"), [
    pytest.param("colombia-2022", [], 24, 0.1, id="colombia-nash"),
    pytest.param("colombia-2022", ["security.buy_in=0.4", "security.deployable_share=0.45",
                                   "policy.decriminalization=1", 'security.repression="conditional"',
                                   "international.venezuela.host_tolerance=0"],
                 12, 0.1, id="colombia-levers-moved-from-the-start"),
    pytest.param("colombia-2022", ["model.negotiation_engine=compromise", "policy.talks.mode=none"], 24, 0.1,
                 id="colombia-no-talks"),
    pytest.param(STRESS, [], 36, 0.1, id="stress-nash"),
    pytest.param(STRESS, ["model.negotiation_engine=compromise", "model.contest_form=difference"], 36, 0.3,
                 id="stress-compromise-difference"),
])
def test_central_path_is_identical(reference: ModuleType, name: str, overrides: list[str], months: int,
                                   u: float) -> None:
    """With every random draw replaced by its central value in both implementations, the model is deterministic and
    the two must follow the same path to rounding, month by month: members, sanctuary, control, table phases,
    security cohesion, homicides, deaths between groups, vacated control, leaders killed, persons confined. The
    stress variant signs, splits and demobilises on that path, and its Clan del Golfo is counterinsurgent (two
    lethalities in one territory)."""
    scenario = totalpeace.load_scenario(name, overrides)
    engine = build_engine(scenario, months, draws=central(u))
    batch = engine.start(np.arange(1))
    model = reference.TotalPeaceModel(scenario, months, seed=1, world=engine.world)
    model.rng = CentralDraws(u)
    groups, territories, st, records = model.group_list, model.territory_list, batch.state, batch.records
    for month in range(months):
        engine.advance(batch, 1, month, month + 1)
        model.step()
        members = np.array([[g.members[t.tid] for t in territories] for g in groups])
        control = np.array([[t.control[g.gid] for g in groups] + [t.control["state"]] for t in territories])
        np.testing.assert_allclose(members, st.members[0], rtol=1e-9, atol=1e-9, err_msg=f"members, month {month}")
        support = np.array([[g.support[t.tid] for t in territories] for g in groups])
        np.testing.assert_allclose(support, st.support[0], rtol=1e-9, atol=1e-9, err_msg=f"networks, month {month}")
        np.testing.assert_allclose([g.resources for g in groups], st.resources[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose([t.ex_combatants for t in territories], st.ex_combatants[0], rtol=1e-9, atol=1e-9)
        assert [t.route_exit for t in territories] == list(st.route_exit[0]), f"routes, month {month}"
        np.testing.assert_allclose([g.choice for g in groups], records.choices[0, month], rtol=1e-9, atol=1e-12,
                                   err_msg=f"choices, month {month}")
        np.testing.assert_allclose([g.sanctuary for g in groups], st.sanctuary[0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(control, st.control[0], rtol=1e-9, atol=1e-12, err_msg=f"control, month {month}")
        assert [g.phase for g in groups] == list(st.phase[0]), f"phases, month {month}"
        assert model.state.cohesion == pytest.approx(st.cohesion[0], abs=1e-12)
        assert model.records["homicides"][-1] == pytest.approx(records.homicides[0, month], rel=1e-9)
        assert model.records["non_state_deaths"][-1] == pytest.approx(records.non_state_deaths[0, month], rel=1e-9,
                                                                      abs=1e-12)
        np.testing.assert_allclose([t.vacated for t in territories], st.vacated[0], rtol=1e-9, atol=1e-12)
        assert model.records["social_leader_killings"][-1] == pytest.approx(records.social_leader_killings[0, month],
                                                                            rel=1e-9, abs=1e-12)
        assert model.records["confined"][-1] == pytest.approx(records.confined[0, month], rel=1e-9, abs=1e-9)
        np.testing.assert_allclose(model.records["neighbour_index"][-1], records.neighbour_index[0, month], rtol=1e-9)
    if "stress" in name:  # the path went through signing, splits and DDR
        assert records.agreements_signed[0, -1] >= 2 and st.members[0, engine.world.n_scenario_groups:].sum() > 0


def test_negotiation_tables_match_engine(reference: ModuleType) -> None:
    """The reference's plain-Python tables (BDM rounds and the compromise forecast) reproduce the model's compiled
    ones, on random tables with absent actors, shared positions and both status-quo settings."""
    tables = importlib.import_module("mesa_reference.tables")
    rng = np.random.default_rng(0)
    n = 800
    pos = np.where(rng.random((n, 4)) < 0.6, rng.choice([0.2, 0.5, 0.7, 0.8, 1.0], size=(n, 4)), rng.random((n, 4)))
    cap = rng.random((n, 4)) * (rng.random((n, 4)) < 0.8)
    sal = np.array([0.6, 0.8, 0.5, 0.4])
    for i in range(n):
        for q in (1.0, 0.7):
            x, forecast = bargaining.bdm_rounds(pos[i].copy(), cap[i], sal, 2, q)
            new, expected = tables.bdm_rounds(list(pos[i]), list(cap[i]), list(sal), 2, q)
            np.testing.assert_allclose(new, x, rtol=0, atol=1e-12)
            np.testing.assert_allclose(expected, forecast, rtol=0, atol=1e-12)
        w, present = bargaining.table_weights(cap[i], sal)
        np.testing.assert_allclose(tables.compromise(list(pos[i]), list(cap[i]), list(sal)),
                                   bargaining.weighted_mean(pos[i], w, present), atol=1e-12)


def test_attrition_breakdown_reads_a_whole_year_from_the_agents(reference: ModuleType) -> None:
    """benchmarks/mesa_reference/attrition.py (docs/validation.md 10.19): the months of a calendar year, stocks and
    removals that are never negative, at most the model's cap on the monthly loss to the state, and a clear error for
    a year the scenario does not cover whole."""
    attrition = importlib.import_module("mesa_reference.attrition")
    assert attrition.year_months("2012-10", 118, 2013) == list(range(3, 15))
    out = attrition.attrition("colombia-2012", [], 2013, ["farc", "eln"], runs=2)
    for row in out.values():
        assert min(row.values()) >= 0.0
        assert row["removed_share_armed"] <= 12 * 0.2  # MAX_MONTHLY_LOSS a month
    assert out["farc"]["armed"] > out["eln"]["armed"] > 0
    assert out["farc"]["removed"] > 0 and out["farc"]["ops"] > 0
    with pytest.raises(SystemExit, match="not a whole year"):
        attrition.attrition("colombia-2012", [], 2012, ["eln"], runs=1)
