"""The calibration file (SPEC.toml): scenarios, parameters with priors, targets, screening and the budget.

Priors are uniform. A parameter named without bounds takes its plausible range from the parameter registry
(scenario/params.py); explicit bounds must lie inside the parameter's valid bounds. The calibrated parameters are
those listed under `parameters` plus, when a `[screening]` table names candidates, the `keep` candidates a Morris
screening of the targets ranks highest and each target's `per_target` strongest (calibration/screening.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from totalpeace.errors import InputError, format_path
from totalpeace.scenario.params import BY_NAME
from totalpeace.tomlfile import read_toml


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Prior(Strict):
    """A uniform prior on [low, high]."""

    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Prior:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class Budget(Strict):
    """How much simulation the calibration may spend."""

    population: int = Field(100, ge=4, le=100_000, description="Particles per ABC-SMC generation.")
    generations: int = Field(6, ge=1, le=100, description="Maximum number of generations.")
    runs: int = Field(4, ge=1, le=1000, description="Stochastic runs per particle and scenario (ensemble mean).")
    seed: int = Field(1, ge=0, lt=2**32, description="Seed of the whole calibration.")
    max_minutes: float = Field(35.0, gt=0, description="Start no new generation after this many minutes (the "
                                                       "generation under way finishes and is the posterior).")
    min_acceptance: float = Field(0.02, ge=0.0, lt=1.0, description="Stop when a generation accepts fewer.")
    screening_trajectories: int = Field(10, ge=2, le=10_000, description="Morris trajectories of the screening.")


class Screening(Strict):
    """Which candidate parameters a Morris screening chooses for calibration."""

    candidates: list[str] | Literal["all"] = Field(..., description='Parameters to screen (registry names), or '
                                                                    '"all" for every parameter in the registry.')
    keep: int = Field(..., ge=1, description="Calibrate this many of the most influential candidates (mean mu* "
                                             "over targets).")
    per_target: int = Field(1, ge=0, le=100, description="Also calibrate each target's most influential candidates.")
    levels: int = Field(4, ge=2, le=20, description="Grid levels of the Morris design (even).")


class CalibrationSpec(Strict):
    """A whole calibration file."""

    name: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Name of the calibrated parameter set.")
    description: str = ""
    scenarios: list[str] = Field(..., min_length=1, description="Built-in names or paths of historical scenarios.")
    parameters: list[str] = Field(default_factory=list, description="Parameters always calibrated (registry names).")
    priors: dict[str, Prior] = Field(default_factory=dict, description="Bounds replacing a plausible range.")
    targets: list[str] = Field(default_factory=list, description="Target names (default: every target).")
    budget: Budget = Field(default_factory=Budget)
    quick: Budget | None = Field(None, description="Budget of `--quick` (default: a few minutes' worth).")
    screening: Screening | None = Field(None, description="Morris screening that picks parameters to calibrate.")

    def prior_bounds(self, names: list[str] | None = None) -> dict[str, tuple[float, float]]:
        """(low, high) of the named parameters (default: the always-calibrated ones)."""
        out = {}
        for name in self.parameters if names is None else names:
            spec = BY_NAME[name]
            prior = self.priors.get(name)
            out[name] = (prior.low, prior.high) if prior else (spec.low, spec.high)
        return out

    def budget_for(self, quick: bool) -> Budget:
        if not quick:
            return self.budget
        return self.quick or Budget(population=20, generations=2, runs=1, seed=self.budget.seed, max_minutes=5,
                                    screening_trajectories=2)

    def candidates(self) -> list[str]:
        """Screened candidates that are not calibrated anyway."""
        if self.screening is None:
            return []
        names = list(BY_NAME) if self.screening.candidates == "all" else self.screening.candidates
        return [n for n in names if n not in self.parameters]


def _names(field: str, names: list[str]) -> list[str]:
    from totalpeace.scenario.paths import suggest

    problems = [f"{field}[{i}]: unknown parameter {n!r}{suggest(n, list(BY_NAME))}"
                for i, n in enumerate(names) if n not in BY_NAME]
    if len(set(names)) != len(names):
        problems.append(f"{field}: a parameter is listed twice")
    return problems


def _check(spec: CalibrationSpec) -> list[str]:
    problems = _names("parameters", spec.parameters)
    screening = spec.screening
    if screening is not None:
        if screening.candidates != "all":
            problems += _names("screening.candidates", screening.candidates)
        if len(spec.candidates()) < 2:
            problems.append("screening.candidates: screen at least two parameters not already under parameters")
        if screening.levels % 2:
            problems.append(f"screening.levels: a Morris design needs an even number of levels (got "
                            f"{screening.levels})")
        if screening.keep > len(spec.candidates()):
            problems.append(f"screening.keep: {screening.keep} is more than the {len(spec.candidates())} "
                            "candidates not already under parameters")
    elif not spec.parameters:
        problems.append("parameters: name at least one parameter to calibrate, or add a [screening] table")
    known = set(spec.parameters) | set(spec.candidates())
    for name, prior in spec.priors.items():
        if name not in known:
            problems.append(f"priors.{name}: not among the calibrated or screened parameters")
            continue
        if name not in BY_NAME:
            continue
        lo, hi = BY_NAME[name].bounds
        if prior.low < lo or prior.high > hi:
            problems.append(f"priors.{name}: [{prior.low}, {prior.high}] leaves the valid range [{lo}, {hi}]")
    return problems


def load_spec(path: str | Path) -> CalibrationSpec:
    """Read and check a calibration file; every problem names the file and the field."""
    path = Path(path)
    data = read_toml(path)
    try:
        spec = CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        raise InputError([f"{path}: {format_path(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]) from None
    problems = _check(spec)
    if problems:
        raise InputError([f"{path}: {p}" for p in problems])
    base = path.resolve().parent
    resolved = []
    for ref in spec.scenarios:
        candidate = base / ref
        resolved.append(str(candidate) if ref.endswith(".toml") and candidate.is_file() else ref)
    return spec.model_copy(update={"scenarios": resolved})
