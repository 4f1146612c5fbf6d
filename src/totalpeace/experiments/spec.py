"""The experiment file: base scenario, levers, uncertainties, design, replications and outcomes.

In the vocabulary of exploratory modelling: *levers* are the policy choices an analyst controls, *uncertainties* the
exogenous factors sampled from a distribution, *outcomes* the metrics read back. Every factor is a dotted scenario
path that `--set` accepts (`policy.decriminalization`, `parameters.ddr_rate`, `policy.talks.mode`), so a design point
is just a set of overrides on the base scenario.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field, ValidationError, model_validator

from totalpeace.engine.results import FLOWS, REQUIRED, STOCKS
from totalpeace.errors import InputError, format_path
from totalpeace.numbers import NumbersNotBooleans
from totalpeace.scenario import paths
from totalpeace.scenario.schema import Scenario
from totalpeace.tomlfile import read_toml

Design = Literal["full_factorial", "latin_hypercube", "sobol", "morris"]
Distribution = Literal["uniform", "normal", "triangular", "lognormal", "loguniform"]
METRICS = (*FLOWS, *STOCKS)
# Bounds checked before anything is built, so an oversized design is one clear message, not memory growing until the
# process is killed: points of the design, runs (points x replications), and the sizes of the file's lists.
MAX_POINTS = 1_000_000
MAX_RUNS = 10_000_000
MAX_VALUES = 1_000  # values of one factor
MAX_FACTORS = 100
MAX_SETS = 1_000
MAX_SPEC_BYTES = 1_000_000
FACTOR_KEYS = {"values", "low", "high", "distribution", "mean", "sd", "mode", "median", "sigma", "levels"}


class _Strict(NumbersNotBooleans):
    """Unknown keys are errors; a number written as true or false too."""

    model_config = ConfigDict(extra="forbid")


class Factor(_Strict):
    """One lever or uncertainty: a list of `values`, or a range `low`..`high` (with a distribution for sampling)."""

    values: list[float | int | str | bool] | None = Field(None, min_length=1, max_length=MAX_VALUES)
    low: float | None = None
    high: float | None = None
    distribution: Distribution = "uniform"
    mean: float | None = Field(None, description="normal: mean")
    sd: float | None = Field(None, gt=0, description="normal: standard deviation")
    mode: float | None = Field(None, description="triangular: most likely value")
    median: float | None = Field(None, gt=0, description="lognormal: median")
    sigma: float | None = Field(None, gt=0, description="lognormal: standard deviation of the log")
    levels: int | None = Field(None, ge=2, le=1000, description="full factorial: levels of a range")

    @model_validator(mode="after")
    def _consistent(self) -> Factor:
        if self.values is not None:
            extra = [k for k in ("low", "high", "mean", "sd", "mode", "median", "sigma", "levels")
                     if getattr(self, k) is not None]
            if extra:
                raise ValueError(f"give either values or a range, not both (also got {', '.join(extra)})")
            return self
        d = self.distribution
        if d in ("uniform", "triangular", "loguniform") and (self.low is None or self.high is None):
            raise ValueError(f"a {d} range needs low and high (or give values = [...])")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if d == "triangular" and (self.mode is None or not self.low <= self.mode <= self.high):
            raise ValueError("a triangular distribution needs mode between low and high")
        if d == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal distribution needs mean and sd (low/high optionally truncate it)")
        if d == "lognormal" and (self.median is None or self.sigma is None):
            raise ValueError("a lognormal distribution needs median and sigma (low/high optionally truncate it)")
        if d == "loguniform" and self.low <= 0:
            raise ValueError("a loguniform range needs low > 0")
        if d in ("normal", "lognormal") and self.levels is None and (self.low is None) != (self.high is None):
            raise ValueError(f"truncating a {d} distribution needs both low and high")
        return self

    @property
    def categorical(self) -> bool:
        return self.values is not None


class ExperimentSpec(_Strict):
    """A whole experiment file, validated. Factor keys are the dotted scenario paths they set."""

    name: str = Field(..., min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    description: str = Field("", max_length=10_000)
    scenario: str = Field(..., max_length=4096,
                          description="Built-in scenario name or TOML path (relative to the experiment file).")
    set: list[str] = Field(default_factory=list, max_length=MAX_SETS,
                           description="Constant overrides for every point: path=value.")
    levers: dict[str, Factor] = Field(default_factory=dict)
    uncertainties: dict[str, Factor] = Field(default_factory=dict)
    design: Design = "latin_hypercube"
    samples: int = Field(16, ge=1, le=1_000_000, description="LHS points; Sobol base N; Morris trajectories.")
    levels: int | None = Field(None, ge=2, le=1000,
                               description="Levels of a range: full factorial (default 3); Morris grid (default 4).")
    replications: int = Field(10, ge=1, le=100_000)
    seed: int = Field(1, ge=0, lt=2**63)
    months: int | None = Field(None, ge=1, le=1200)
    outcomes: list[str] = Field(default_factory=lambda: list(REQUIRED), min_length=1, max_length=len(METRICS))
    monthly: bool = Field(True, description="Store monthly series of the outcomes (yearly values always).")
    source: str | None = Field(None, exclude=True, description="The file the spec was read from.")

    @model_validator(mode="after")
    def _check(self) -> ExperimentSpec:
        if not self.levers and not self.uncertainties:
            raise ValueError("levers: name at least one lever or uncertainty")
        if len(self.levers) + len(self.uncertainties) > MAX_FACTORS:
            raise ValueError(f"levers, uncertainties: {len(self.levers) + len(self.uncertainties)} factors, at most "
                             f"{MAX_FACTORS}")
        both = set(self.levers) & set(self.uncertainties)
        if both:
            raise ValueError(f"{sorted(both)[0]!r} is both a lever and an uncertainty")
        unknown = [o for o in self.outcomes if o not in METRICS]
        if unknown:
            raise ValueError(f"outcomes: unknown metric {unknown[0]!r}{paths.suggest(unknown[0], list(METRICS))} "
                             f"(metrics: {', '.join(METRICS)})")
        repeated = sorted({o for o in self.outcomes if self.outcomes.count(o) > 1})
        if repeated:
            raise ValueError(f"outcomes: {repeated[0]!r} is named twice")
        self._check_sets()
        if self.design in ("sobol", "morris"):
            cats = [k for k, f in self.factors().items() if f.categorical and len(f.values or []) < 2]
            if cats:
                raise ValueError(f"{cats[0]!r}: a factor of a {self.design} design needs at least two values")
        self._check_size()
        return self

    def _check_sets(self) -> None:
        """A `set` is a constant of every point: one that names a factor would be overridden by the design's values,
        and one path set twice to different values would hold its last value; both without a word."""
        for text in self.set:
            try:
                path = ".".join(str(p) for p in paths.split_path(text.partition("=")[0]))
            except ValueError:
                continue  # named when the scenario is loaded
            if path in self.factors():
                raise ValueError(f"set: {text!r} sets the {self.kind(path)} {path!r}, whose values come from the "
                                 "design; leave it out of set")
        clash = paths.first_clash(self.set)
        if clash is not None:
            raise ValueError(f"set: {clash[0]!r} is given twice, to different values; give it once")

    def design_points(self) -> tuple[int, str]:
        """How many points the design has, and how that number comes about (for messages), without building it."""
        d = len(self.factors())
        if self.design == "latin_hypercube":
            return self.samples, f"samples = {self.samples:,}"
        if self.design == "sobol":
            return self.samples * (2 * d + 2), f"samples x (2 x {d} factors + 2) = {self.samples:,} x {2 * d + 2}"
        if self.design == "morris":
            return self.samples * (d + 1), f"samples x ({d} factors + 1) = {self.samples:,} x {d + 1}"
        sizes = []
        for path, factor in self.factors().items():
            where = f"{self.kind(path)}s.{path}"
            if factor.values is not None:
                sizes.append((len(factor.values), f"{where}.values ({len(factor.values)})"))
            elif factor.levels is not None:
                sizes.append((factor.levels, f"{where}.levels ({factor.levels})"))
            else:
                sizes.append((self.levels or 3, f"levels ({self.levels or 3})"))
        return math.prod(n for n, _ in sizes), " x ".join(text for _, text in sizes)

    def _check_size(self) -> None:
        points, how = self.design_points()
        if points > MAX_POINTS:
            raise ValueError(f"design: the {self.design} design has {how} = {points:,} points, at most {MAX_POINTS:,}:"
                             " lower the levels or samples, or sample the space (latin_hypercube)")
        if points * self.replications > MAX_RUNS:
            raise ValueError(f"replications: {points:,} points x {self.replications:,} replications = "
                             f"{points * self.replications:,} runs, at most {MAX_RUNS:,}: lower the replications or "
                             "the design's points")

    def factors(self) -> dict[str, Factor]:
        """Levers then uncertainties, in file order: the columns of the design."""
        return {**self.levers, **self.uncertainties}

    def kind(self, path: str) -> str:
        return "lever" if path in self.levers else "uncertainty"

    def fingerprint(self) -> str:
        """Hash of everything that decides the runs: a resumed experiment must have the same one."""
        data = self.model_dump(mode="json", exclude={"description", "source"})
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def scenario_ref(self) -> str:
        """The base scenario, with a relative path read against the experiment file's folder."""
        from totalpeace.scenario.loader import builtin_scenarios

        if self.scenario in builtin_scenarios() or self.source is None or Path(self.scenario).is_absolute():
            return self.scenario
        candidate = Path(self.source).parent / self.scenario
        return str(candidate.resolve()) if candidate.exists() else self.scenario


def _flatten(table: dict[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
    """`[levers."a.b"]` and `[levers.a.b]` both give {"a.b": {...}}: nesting stops at a table with factor keys."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        leaf = any(k in FACTOR_KEYS and not isinstance(v, dict) for k, v in value.items()) \
            if isinstance(value, dict) else True
        if isinstance(value, dict) and value and not leaf:
            out.update(_flatten(value, where, path))
        else:
            out[path] = value
    return out


def _field_type(annotation: Any) -> Any:
    """The scenario field's type without Annotated/Optional wrappers."""
    return paths._unwrap(annotation)


def _coerce(path: str, factor: Factor, where: str) -> list[str]:
    """Check a factor's path against the scenario schema and its values against the field type."""
    try:
        parsed = paths.split_path(path)
    except ValueError as exc:
        return [f"{where}.{path}: {exc}"]
    annotation, walked = paths.annotation_at(Scenario, parsed)
    if len(walked) != len(parsed):
        bad = parsed[len(walked)]
        hint = paths.suggest(str(bad), paths.valid_keys(Scenario, walked))
        field = ".".join(str(p) for p in [*walked, bad])
        return [f"{where}.{path}: {field!r} is not a scenario field{hint}"]
    base = _field_type(annotation)
    problems = []
    if typing.get_origin(base) is typing.Literal:
        allowed = list(typing.get_args(base))
        if factor.values is None:
            problems.append(f"{where}.{path}: a choice among {allowed} needs values = [...], not a range")
        else:
            problems += [f"{where}.{path}.values: {v!r} is not one of {allowed}" for v in factor.values
                         if v not in allowed]
    elif base in (int, float) and factor.values is not None:
        problems += [f"{where}.{path}.values: {v!r} is not a number" for v in factor.values
                     if isinstance(v, str | bool) or (isinstance(v, float) and not math.isfinite(v))]
    elif base not in (int, float, bool, str):
        problems.append(f"{where}.{path}: not a single value (a table or list); name a field inside it")
    return problems


def integer_paths(spec: ExperimentSpec) -> set[str]:
    """Factors whose scenario field is an integer: sampled values are rounded to whole numbers."""
    out = set()
    for path in spec.factors():
        parsed, _ = paths.parse_assignment(Scenario, f"{path}=0")
        if _field_type(paths.annotation_at(Scenario, parsed)[0]) is int:
            out.add(path)
    return out


@functools.lru_cache(maxsize=256)
def structured_paths(factor_paths: tuple[str, ...]) -> frozenset[str]:
    """Factors whose scenario field is a list or a table (ceasefires, the talks order): the values of such a factor
    are recorded as JSON text (a recorded ensemble's levers), which `json_value` turns back into the value."""
    out = set()
    for path in factor_paths:
        try:
            parsed, _ = paths.parse_assignment(Scenario, f"{path}=0")
            annotation, walked = paths.annotation_at(Scenario, parsed)
        except (InputError, ValueError):
            continue
        base = _field_type(annotation)
        if len(walked) == len(parsed) and base not in (int, float, bool, str) and \
                typing.get_origin(base) is not typing.Literal:
            out.add(path)
    return frozenset(out)


def json_value(path: str, value: Any, structured: frozenset[str]) -> Any:
    """A factor value as the scenario takes it: JSON text of a list or table field decoded, anything else as is."""
    if path in structured and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value  # not JSON: the scenario loader names the field and the problem
    return value


def parse_spec(data: dict[str, Any], source: str | None = None) -> ExperimentSpec:
    """Validate experiment data (a TOML table); every problem names its field."""
    data = dict(data)
    if source is not None:
        data.setdefault("name", Path(source).stem)
    for where in ("levers", "uncertainties"):
        if isinstance(data.get(where), dict):
            data[where] = _flatten(data[where], where)
    try:
        spec = ExperimentSpec.model_validate({**data, "source": source})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            if loc and loc[-1] in ("float", "int", "str", "bool"):  # one line for a value of the wrong kind
                line = f"{format_path(loc[:-1])}: expected a number, text or true/false"
                if line not in problems:
                    problems.append(line)
            elif err["type"] == "extra_forbidden":
                fields = list(ExperimentSpec.model_fields) if len(loc) == 1 else list(Factor.model_fields)
                problems.append(f"{format_path(loc)}: unknown field{paths.suggest(str(loc[-1]), fields)}")
            elif err["type"] == "missing":
                problems.append(f"{format_path(loc)}: required field is missing")
            else:
                message = err["msg"].removeprefix("Value error, ").rstrip(".")
                problems.append(f"{format_path(loc)}: {message}" if loc else message)  # a whole-spec check names
                # its fields itself
        raise InputError(problems, source=source) from None
    problems = []
    for where, table in (("levers", spec.levers), ("uncertainties", spec.uncertainties)):
        for path, factor in table.items():
            problems += _coerce(path, factor, where)
    if problems:
        raise InputError(problems, source=source)
    return spec


def load_spec(path: str | Path) -> ExperimentSpec:
    """Read and validate an experiment TOML file."""
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError:
        size = 0  # read_toml names a missing or unreadable file
    if size > MAX_SPEC_BYTES:
        raise InputError(f"the file is larger than {MAX_SPEC_BYTES:,} bytes: an experiment file is a few kilobytes "
                         "(list at most 1,000 values per factor)", source=str(file))
    return parse_spec(read_toml(file, missing="experiment file not found"), source=str(file))
