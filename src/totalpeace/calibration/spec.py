"""The calibration file (SPEC.toml): scenarios, patterns, model forms, parameters with priors, screening, budget.

The summary statistics are the pattern catalogue's (validation/patterns.py): `patterns = "all"` uses every pattern
the model produces on the spec's scenarios. `forms` names the model-form fields (scenario/forms.py) whose variants
are calibrated and weighed; without it every scenario keeps its own forms. Priors are uniform. A parameter named
without bounds takes its plausible range from the parameter registry (scenario/params.py); explicit bounds must lie
inside the parameter's valid bounds. The calibrated parameters are those listed under `parameters` plus, when a
`[screening]` table names candidates, the `keep` candidates a Morris screening of the patterns ranks highest and each
pattern's `per_target` strongest (calibration/screening.py). `targets` (targets.csv) are not fitted: `validate`
scores them on the years a scenario holds back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from totalpeace.errors import InputError, format_path, validation_message
from totalpeace.numbers import NumbersNotBooleans
from totalpeace.scenario.params import BY_NAME
from totalpeace.tomlfile import read_toml


class Strict(NumbersNotBooleans):
    """Unknown keys are errors; a number written as true or false too."""

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
    """How much simulation the calibration may spend (calibration/smc.py explains each knob)."""

    population: int = Field(100, ge=4, le=100_000, description="Particles of the ABC-SMC population.")
    generations: int = Field(20, ge=1, le=1000, description="Maximum number of generations (the prior sample is 0).")
    runs: int = Field(4, ge=1, le=1000, description="Stochastic runs per particle and scenario (summarised by "
                                                    "their median).")
    seed: int = Field(1, ge=0, lt=2**32, description="Seed of the whole calibration.")
    max_simulations: int = Field(1_000_000, ge=4, description="Particle simulations the ABC-SMC may spend: a "
                                 "generation starts only if the previous one's cost still fits (deterministic).")
    max_minutes: float = Field(35.0, gt=0, description="Safety net: no MCMC step starts after this many minutes "
                                                       "(the only limit that depends on the machine).")
    min_acceptance: float = Field(0.03, ge=0.0, lt=1.0, description="Stop when the MCMC moves accept fewer.")
    keep: float = Field(0.5, gt=0.0, lt=1.0, description="Share of particles that survive each generation.")
    stay: float = Field(0.01, gt=0.0, lt=1.0, description="Most probability that a resampled particle is never "
                                                          "moved (sets the MCMC steps per generation).")
    max_moves: int = Field(30, ge=1, le=1000, description="MCMC steps per generation at most.")
    predictive_draws: int = Field(40, ge=1, le=10_000, description="Parameter draws (x runs) of each predictive "
                                                                   "check: prior, and posterior of each form.")
    min_ess: float = Field(200, ge=0, description="Effective sample size the posterior should reach (reported; a "
                                                  "smaller one is flagged).")
    screening_trajectories: int = Field(10, ge=2, le=10_000, description="Morris trajectories of the screening.")


class Screening(Strict):
    """Which candidate parameters a Morris screening chooses for calibration."""

    candidates: list[str] | Literal["all"] = Field(..., description='Parameters to screen (registry names), or '
                                                                    '"all" for every parameter in the registry.')
    keep: int = Field(..., ge=1, description="Calibrate this many of the most influential candidates (mean mu* "
                                             "over targets).")
    per_target: int = Field(1, ge=0, le=100, description="Also calibrate each target's most influential candidates.")
    levels: int = Field(4, ge=2, le=20, description="Grid levels of the Morris design (even).")
    exclude: list[str] = Field(default_factory=list, description="Parameters never screened nor calibrated: those "
                               "whose registry value is measured from a sourced figure (tools/outcome_scales.py), "
                               "which a flat posterior would replace by its prior's middle.")


class CalibrationSpec(Strict):
    """A whole calibration file."""

    name: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Name of the calibrated parameter set.")
    description: str = ""
    scenarios: list[str] = Field(..., min_length=1, description="Built-in names or paths of historical scenarios.")
    parameters: list[str] = Field(default_factory=list, description="Parameters always calibrated (registry names).")
    priors: dict[str, Prior] = Field(default_factory=dict, description="Bounds replacing a plausible range.")
    patterns: list[str] | Literal["all"] = Field("all", description='Pattern ids of the catalogue to fit, or "all".')
    forms: list[str] | Literal["all"] = Field(default_factory=list, description='Model-form fields whose variants '
                                              'are calibrated and weighed (scenario/forms.py), or "all".')
    targets: list[str] = Field(default_factory=list, description="Targets `validate` scores on held-back years "
                                                                 "(default: every target of the scenarios).")
    budget: Budget = Field(default_factory=Budget)
    quick: Budget | None = Field(None, description="Budget of `--quick` (default: a few minutes' worth).")
    screening: Screening | None = Field(None, description="Morris screening that picks parameters to calibrate.")
    distance: Literal["median", "crps"] = Field(
        "median", description='How a particle\'s runs meet each pattern (calibration/yardsticks.py): "median", '
        'the miss of their median; "crps", the continuous ranked probability score of every run.')

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
                                    screening_trajectories=2, predictive_draws=4, min_ess=0)

    def form_fields(self) -> list[str]:
        """The form fields calibrated (in the registry's order)."""
        from totalpeace.scenario.forms import form_fields

        return list(form_fields()) if self.forms == "all" else [f for f in form_fields() if f in self.forms]

    def candidates(self, held: Collection[str] = ()) -> list[str]:
        """Screened candidates that are not calibrated anyway, nor `held` (set by a scenario itself: held_by)."""
        if self.screening is None:
            return []
        names = list(BY_NAME) if self.screening.candidates == "all" else self.screening.candidates
        return [n for n in names if n not in self.parameters and n not in self.screening.exclude and n not in held]


def held_by(scenarios: Iterable[Any]) -> set[str]:
    """The parameters a spec's scenarios set themselves, each from its own source (colombia-1998's killed_share from
    the Army's count of 2002-03): a screened candidate would replace that value in every scenario by one fitted to all
    of them, so they are not screened (an always-calibrated parameter still is)."""
    return {n for s in scenarios for n in set(s.parameters.model_fields_set) - {"calibration"}}


def _names(field: str, names: list[str]) -> list[str]:
    from totalpeace.scenario.paths import suggest

    problems = [f"{field}[{i}]: unknown parameter {n!r}{suggest(n, list(BY_NAME))}"
                for i, n in enumerate(names) if n not in BY_NAME]
    if len(set(names)) != len(names):
        problems.append(f"{field}: a parameter is listed twice")
    return problems


def _check(spec: CalibrationSpec) -> list[str]:
    from totalpeace.scenario.forms import form_fields
    from totalpeace.validation.patterns import CATALOGUE

    problems = _names("parameters", spec.parameters)
    if spec.patterns != "all":
        known = [p.id for p in CATALOGUE]
        problems += [f"patterns[{i}]: unknown pattern {p!r} (known: {', '.join(known)})"
                     for i, p in enumerate(spec.patterns) if p not in known]
        if not spec.patterns:
            problems.append('patterns: name at least one pattern, or "all"')
    if spec.forms != "all":
        problems += [f"forms[{i}]: {f!r} is not a model form (forms: {', '.join(form_fields())})"
                     for i, f in enumerate(spec.forms) if f not in form_fields()]
    screening = spec.screening
    if screening is not None:
        if screening.candidates != "all":
            problems += _names("screening.candidates", screening.candidates)
        problems += _names("screening.exclude", screening.exclude)
        problems += [f"screening.exclude: {n!r} is also under parameters, which are always calibrated"
                     for n in screening.exclude if n in spec.parameters]
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
        raise InputError([f"{path}: {format_path(tuple(e['loc']))}: {validation_message(e)}"
                          for e in exc.errors()]) from None
    problems = _check(spec)
    if problems:
        raise InputError([f"{path}: {p}" for p in problems])
    base = path.resolve().parent
    resolved = []
    for ref in spec.scenarios:
        candidate = base / ref
        resolved.append(str(candidate) if ref.endswith(".toml") and candidate.is_file() else ref)
    return spec.model_copy(update={"scenarios": resolved})
