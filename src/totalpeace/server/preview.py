"""Live exploration: a small ensemble computed at once when a lever changes, and the starting situation.

The engine runs a 48-month run in a few milliseconds once compiled, so a preview of a few dozen runs answers within
the time a person takes to look at a slider: it runs in the web process (one at a time, never queued behind full
ensembles) and is never stored. The compiled kernels are warmed when the server starts, so the first preview does
not pay for compilation. Figures are those of a full run (report.html's), marked as a preview by the page.
"""

from __future__ import annotations

import threading
from typing import Any

from totalpeace.engine.results import Results
from totalpeace.engine.simulate import simulate
from totalpeace.report.maps import control_map, geography, leader_map, territory_series, territory_shapes
from totalpeace.scenario.schema import Scenario

PREVIEW_RUNS = 24  # the page's default; a request may ask for up to MAX_PREVIEW_RUNS
MAX_PREVIEW_RUNS = 100
MAX_PREVIEW_RUN_MONTHS = 12_000
PREVIEW_BUDGET = 24 * 48 * 33  # territory-run-months a preview computes at most: 24 runs of the departments


def preview_runs(asked: int, months: int, territories: int) -> int:
    """Fewer runs for a scenario with many territories (at least 4), so a municipal preview stays quick too."""
    return min(asked, max(4, PREVIEW_BUDGET // max(months * territories, 1)))


class Previews:
    """Runs previews one at a time and caches what does not change between them (GeoJSON, starting maps)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._geo: dict[str, dict[str, Any]] = {}
        self._start: dict[str, dict[str, Any]] = {}
        self.warm_thread: threading.Thread | None = None

    def warm(self, scenario: Scenario) -> None:
        """Compile the engine's kernels in the background (numba caches them on disk after the first time)."""
        def run() -> None:
            with self._lock:
                simulate(scenario, runs=1, seed=0, months=2)

        self.warm_thread = threading.Thread(target=run, name="preview-warm", daemon=True)
        self.warm_thread.start()

    def run(self, scenario: Scenario, runs: int, seed: int, months: int) -> Results:
        with self._lock:
            return simulate(scenario, runs=runs, seed=seed, months=months)

    def geo(self, scenario: Scenario, results: Results | None = None) -> dict[str, Any]:
        """The scenario's territories as GeoJSON (one per scenario name: levers never change territories)."""
        if scenario.name not in self._geo:
            probe = results or self.run(scenario, 1, 0, 1)
            self._geo[scenario.name] = geography(probe, territory_shapes(scenario))
        return self._geo[scenario.name]

    def start(self, scenario: Scenario) -> dict[str, Any]:
        """The starting situation: state control and the leading actor in the first simulated month."""
        if scenario.name not in self._start:
            results = self.run(scenario, 8, 1, 1)
            geo = self.geo(scenario, results)
            month = results.month_labels()[0]
            control, leader = control_map(results, geo), leader_map(results, geo)
            control["layout"]["title"]["text"] = f"Starting situation: state control, {month} (before any policy " \
                                                 "has had time to act)"
            leader["layout"]["title"]["text"] = f"Starting situation: leading actor, {month}"
            self._start[scenario.name] = {"map_control": control, "map_leader": leader,
                                          "territories": territory_series(results), "month": month}
        return self._start[scenario.name]
