"""Request and response bodies of the JSON API (they make the OpenAPI schema at /docs)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from totalpeace.server.levers import Levers

MAX_RUNS = 100_000  # the most any server accepts; its own limit (--max-runs-per-request, default 5,000) is lower
MAX_MONTHS = 600
MAX_SEED = 2**53 - 1  # the largest integer that JSON readers (JavaScript's included) all keep exact


class RunRequest(BaseModel):
    """An ensemble to run: a built-in scenario, lever changes, size and seed."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as written: false is not 0

    scenario: str = Field(..., description="Built-in scenario name (GET /api/scenarios).")
    levers: Levers = Field(default_factory=Levers)
    runs: int = Field(50, ge=1, le=MAX_RUNS, description="Number of stochastic runs (the server's limit is in "
                                                          "--max-runs-per-request, 5,000 by default).")
    seed: int = Field(1, ge=0, le=MAX_SEED, description="Random seed.")
    months: int | None = Field(None, ge=1, le=MAX_MONTHS, description="Months (default: the scenario's).")
    label: str = Field("", max_length=80, description="A name for the run shown in comparisons.")
    uncertainty: Literal["full", "parameters", "stochastic"] = Field(
        "full", description="What the runs' intervals hold, as `totalpeace run --uncertainty`: full (model forms "
        "weighed by history, calibrated parameters and the unidentified assumptions drawn run by run, and the runs' "
        "randomness), parameters (one form) or stochastic (the scenario's own point: randomness only, the fastest). "
        "Previews are always single points.")


class RunStatus(BaseModel):
    """Where a run stands."""

    id: str
    status: str = Field(..., description="queued, running, done, failed or cancelled.")
    scenario: str
    progress: float = Field(..., description="Share of run-months simulated (0-1).")
    run_months_done: int
    run_months_total: int
    runs: int
    seed: int
    months: int
    uncertainty: str = Field("stochastic", description="What the runs' intervals hold (the request's).")
    error: str | None
    experiment: str | None = Field(None, description="The run's experiment in the results store (while running and "
                                                     "once done).")
    request: dict[str, Any]
    label: str = Field("", description="The request's label, or 'run <id>'.")
    restored: bool = Field(False, description="Read back from the results store (a run of an earlier session).")
    created: str = Field("", description="When the run was accepted (UTC, ISO 8601).")
    changes: str = Field("", description="The levers that differ from the scenario's own policy, in words.")


class ScenarioInfo(BaseModel):
    name: str
    description: str
    start: str
    months: int
    groups: int


class ErrorBody(BaseModel):
    """Every error: one message naming the field or the thing not found."""

    error: str
    problems: list[str] = Field(default_factory=list)
