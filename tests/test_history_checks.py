"""The negotiation histories of the pattern catalogue (#16: Havana, the plebiscite, the ELN talks 2017-19, the
Caguán) on a few runs each, with loose bounds that can still fail. The full figures (docs/validation.md section 9)
come from `totalpeace validate` (or validation/pattern_runs.py) with 100 runs per scenario."""

from __future__ import annotations

import numpy as np
import pytest

from totalpeace.model.tables.issues import Phase
from totalpeace.scenario.dates import month_index
from totalpeace.scenario.loader import load_scenario
from totalpeace.validation.pattern_runs import ensembles_needed, evaluate, simulate_ensemble
from totalpeace.validation.patterns import catalogue
from totalpeace.validation.statistics import BROKEN, SIGNED

RUNS = 30


def shares(overrides: list[str], only: list[str] | None = None) -> dict[str, float]:
    """Each #16 pattern's share of runs (or only those named: their scenarios alone are simulated)."""
    patterns = [p for p in catalogue(None) if p.issue == "#16" and (only is None or p.id in only)]
    ensembles = {key: simulate_ensemble(load_scenario(scenario, [*extra, *overrides]), RUNS, 1).outputs
                 for key, (scenario, extra) in ensembles_needed(patterns).items()}
    return {r.pattern.id: r.share for r in evaluate(patterns, ensembles)}


def share(overrides: list[str], pattern: str) -> float:
    """One #16 pattern's share of runs, simulating its scenario alone."""
    return shares(overrides, [pattern])[pattern]


@pytest.fixture(scope="module")
def defaults() -> dict[str, float]:
    return shares([])


def test_the_eln_talks_end_after_the_cadet_school_bomb(defaults: dict[str, float]) -> None:
    # 100 runs: 76% end 17-29 months after Feb 2017 without signing, 71% end because of the group's attack (the
    # bomb is a scenario event; the end follows from the state's suspension rule and the new government's low cost
    # of war, docs/model.md 7.4).
    assert defaults["eln-talks-end-2019"] >= 0.3
    assert defaults["eln-talks-end-reason"] >= 0.3


def test_the_eln_talks_resume_after_the_calm_months_as_in_march_2018(defaults: dict[str, float]) -> None:
    # At the scenario's own parameters (one calm month, resume_months, from the Havana suspension of 2014) the table
    # suspended after the January 2018 attacks bargains again by July in most runs, and the talks still end after the
    # 2019 bomb; a state that waits a year of calm never resumes before the change of government (docs/validation.md
    # 10.22 and 10.47).
    assert defaults["eln-talks-resumed-2018"] >= 0.5
    assert share(["parameters.resume_months=12"], "eln-talks-resumed-2018") <= 0.1


def test_the_havana_talks_resume_after_the_alzate_suspension_as_in_december_2014(defaults: dict[str, float]) -> None:
    # The seizure of General Alzate (Nov 2014) is a dated major attack: the table is suspended and, at the registry's
    # threshold (0.3, below the 0.8 the scenario assumes for Santos once re-elected on the talks in June 2014),
    # resumed after a calm month in most runs; a government whose threshold is above its own political cost of war
    # ends the table instead (docs/validation.md 10.59 and 10.69).
    assert defaults["havana-talks-resumed-2014"] >= 0.5
    assert share(["parameters.resume_political_cost=0.85"], "havana-talks-resumed-2014") <= 0.1
    # A threshold between the cost of 2012 (0.5) and the re-elected government's no longer ends it: 24 of 30 runs
    # resume (none did while the scenario held Santos at his cost of 2012, docs/validation.md 10.69).
    assert share(["parameters.resume_political_cost=0.55"], "havana-talks-resumed-2014") >= 0.5


def test_every_negotiation_pattern_is_produced(defaults: dict[str, float]) -> None:
    # Ratification votes and the audit's reasons are produced: no #16 pattern is left "not yet produced".
    assert set(defaults) == {"havana-signed-4-years", "plebiscite-then-congress", "havana-talks-resumed-2014",
                             "eln-talks-end-2019", "eln-talks-end-reason", "eln-talks-resumed-2018",
                             "caguan-breakdown-3-years"}
    assert all(np.isfinite(v) for v in defaults.values())


def test_havana_signs_in_some_runs_with_the_calibrated_parameters() -> None:
    # With the registry defaults no FARC package beats its war value; with the calibrated set (discount factor
    # 0.959) 15% of 100 runs sign 35-61 months after Oct 2012 (docs/validation.md).
    assert share(["parameters.calibration=colombia-history"], "havana-signed-4-years") > 0.0


def farc_tables_after_april_2002(overrides: list[str] | dict) -> tuple[float, float]:
    """Shares of colombia-1998's runs whose FARC table is still bargaining (or suspended) after April 2002, and whose
    first signed phase comes after it, under the government elected on defeating the guerrillas."""
    out = simulate_ensemble(load_scenario("colombia-1998", overrides), RUNS, 1).outputs
    phase = np.rint(out.group("phase", "farc")).astype(int)
    after = month_index(out.start, "2002-05")
    before, late = phase[:, :after], phase[:, after:]
    still_open = (~np.isin(late, (BROKEN, int(Phase.NONE), *SIGNED))).any(axis=1)
    signed_late = np.isin(late, SIGNED).any(axis=1) & ~np.isin(before, SIGNED).any(axis=1)
    return float(still_open.mean()), float(signed_late.mean())


def test_the_caguan_table_does_not_outlive_the_deadline_of_january_2002() -> None:
    # Pastrana's deadline (7 April 2002, set on 20 January; deadline = "2002-04" in colombia-1998) ends every table
    # still unsigned in April 2002, however late it opened. Without it (a deadline past the scenario's end), at the
    # calibrated point, a table resumed after the Gechem hijacking goes on bargaining under Uribe and is signed there
    # in about a quarter of the runs (docs/validation.md 10.61, 10.64).
    calibrated = ["parameters.calibration=colombia-patterns"]
    assert farc_tables_after_april_2002(calibrated) == (0.0, 0.0)
    still_open, signed_late = farc_tables_after_april_2002([*calibrated, "policy.tables.farc.deadline=2100-01"])
    assert still_open >= 0.1 and signed_late >= 0.05


def test_a_calendar_deadline_ends_a_table_that_opened_late() -> None:
    # The deadline is a month, whatever the table's opening: a Caguán opened in June 2000 still ends in April 2002,
    # where 39 months counted from its opening (the rule before docs/validation.md 10.64) would run to Sep 2003.
    # The state's operations lean on the FARC as they did before docs/validation.md 10.71 (priority by size 0.5, the
    # old default): under that pressure about a quarter of the late tables are still bargaining in 2002 with the
    # counted rule (7 of 30 runs; 1 at the new default 0.1, where most have ended by then), so the two rules differ.
    late = {"parameters.calibration": "colombia-patterns", "policy.tables.farc.start": "2000-06",
            "parameters.operations_priority": 0.5}
    assert farc_tables_after_april_2002(late) == (0.0, 0.0)
    counted = {**late, "policy.tables.farc.deadline": None, "policy.tables.farc.deadline_months": 39}
    still_open, _signed_late = farc_tables_after_april_2002(counted)
    assert still_open >= 0.1
