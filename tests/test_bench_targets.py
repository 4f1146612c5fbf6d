"""The performance targets `make bench` prints are read from its measured cases: each row's figure is the case the
target names, and a target whose case was not measured says so instead of passing. No timing here (figures are made
up; performance itself is measured in benchmarks/, never in the tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import load_tool

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    return load_tool("run", BENCHMARKS)


def case(name: str, seconds: float, runs: int = 1000, months: int = 48, engine: str = "totalpeace") -> dict:
    return {"name": name, "engine": engine, "runs": runs, "months": months, "seconds": seconds,
            "run_months_per_second": runs * months / seconds}


def row(targets: list[dict], start: str) -> dict:
    return next(t for t in targets if t["target"].startswith(start))


def test_the_model_issues_limit_reads_the_faster_of_both_cores_and_notes_the_one_core_figure(bench):
    results = [case("flagship ensemble", 4.95), case("flagship ensemble, 2 workers", 2.59),
               case("flagship ensemble, 2 threads", 3.00)]
    limit = row(bench.targets(results), "the model issues' limit")
    assert limit["figure"] == pytest.approx(2.59) and limit["ratio"] == pytest.approx(2.59 / 5.0)
    assert limit["met"] is True
    assert "one core 4.95 s" in limit["note"]
    slow = [case("flagship ensemble, 2 workers", 5.4), case("flagship ensemble, 2 threads", 6.0)]
    assert row(bench.targets(slow), "the model issues' limit")["met"] is False


def test_a_target_whose_case_was_not_measured_at_its_size_is_not_called_met(bench):
    quick = [case("flagship ensemble, 2 workers", 0.1, runs=10), case("flagship ensemble, 2 threads", 0.1, runs=10)]
    limit = row(bench.targets(quick), "the model issues' limit")
    assert limit["figure"] is None and limit["met"] is None
