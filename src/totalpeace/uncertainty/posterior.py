"""The calibration behind a scenario's parameters: its weighted posterior sample and, when it has them, form weights.

A scenario that names `parameters.calibration` takes the set's posterior medians; the run plan draws instead from the
posterior the set was summarised from (`posterior.parquet` beside `parameters.toml`: one row per particle, the
calibrated parameters and a normalised `weight`). Only the parameters the set supplies are drawn: a value the
scenario sets itself wins, as it does over the medians (recognised as `totalpeace show` does, by differing from the
set's value).

Model forms are weighed by the calibration when it stored a `forms.parquet` (scenario/forms.py: a column per form
switch, and the `weight` of each form, stacking over the pattern catalogue). A posterior with a column per switch
holds each form's own particles, and a run then draws among the particles of its form; without such columns every
form draws from the one posterior.

The unidentified assumptions matched to history (`totalpeace match-assumptions`, calibration/matching.py) are the
accepted candidates of `assumptions.parquet` beside the posterior: each a posterior row (`row`), its forms and a
value of every assumption it drew, weighed equally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from totalpeace.calibration.paramset import read_set, resolve, set_by_scenario, shipped_sets
from totalpeace.calibration.smc import merged_kish
from totalpeace.errors import InputError
from totalpeace.scenario.forms import ASSUMPTIONS_FILE, FORMS_FILE, POSTERIOR_FILE, Form
from totalpeace.scenario.forms import form_weights as read_forms
from totalpeace.scenario.params import BY_NAME
from totalpeace.scenario.schema import Scenario
from totalpeace.uncertainty.forms import BY_NAME as SWITCHES


@dataclass(frozen=True)
class Posterior:
    """Particles of one calibration (rows), the parameters the plan draws, their weights and the form columns."""

    name: str
    file: Path
    values: np.ndarray  # (particles, len(names)) parameter values
    names: tuple[str, ...]  # the parameters drawn (the set supplies them and the scenario does not override them)
    weights: np.ndarray  # (particles,) normalised
    forms: dict[str, np.ndarray] = field(default_factory=dict)  # switch -> (particles,) form of each particle
    form_weights: pd.DataFrame | None = None  # the calibration's forms.parquet
    form_method: str = ""  # how the calibration weighed the forms
    matched: pd.DataFrame | None = None  # accepted rows of assumptions.parquet (row, forms, assumptions, weight)
    matched_of: int = 0  # candidates the matching simulated

    def matched_rows_for(self, form: Form) -> np.ndarray:
        """Indices of the matched candidates (rows of `matched`) fitted under `form`."""
        if self.matched is None:
            return np.zeros(0, dtype=np.int64)
        keep = np.ones(len(self.matched), dtype=bool)
        for switch in self.forms:
            keep &= self.matched[switch].astype(str).to_numpy() == form.get(switch)
        return np.flatnonzero(keep)

    @property
    def effective_size(self) -> float:
        """Kish's effective sample size 1 / sum(w^2) after merging identical particles (a copy adds weight to its
        original, not information), as the calibration reports it: how many distinct, equally weighted particles the
        sample is worth."""
        keys = [(row.tobytes(), *(str(c[i]) for c in self.forms.values())) for i, row in enumerate(self.values)]
        return merged_kish(keys, self.weights)

    def rows_for(self, form: Form) -> np.ndarray:
        """Indices of the particles fitted under `form` (every particle when the posterior has no form columns)."""
        keep = np.ones(len(self.weights), dtype=bool)
        for switch, column in self.forms.items():
            keep &= column == form.get(switch)
        return np.flatnonzero(keep)

    def values_of(self, row: int) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.values[row], strict=True)}


def load_posterior(scenario: Scenario) -> Posterior | None:
    """The posterior of the calibration the scenario names, or None when it names none or the set has no posterior
    beside it (a hand-written parameters.toml)."""
    ref = scenario.parameters.calibration
    if not ref:
        return None
    set_file = resolve(ref)  # the loader made a file reference absolute
    data = read_set(set_file)
    file = set_file.parent / POSTERIOR_FILE
    if not file.is_file():
        return None
    try:
        frame = pd.read_parquet(file)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(f"parameters.calibration: {file} cannot be read ({type(exc).__name__})") from None
    supplied = {k: float(v) for k, v in data["parameters"].items()}
    own = set_by_scenario(scenario.parameters, supplied)
    names = tuple(n for n in frame.columns if n in BY_NAME and n in supplied and n not in own)
    weights = _weights(frame, file)
    values = frame[list(names)].to_numpy(dtype=float) if names else np.zeros((len(frame), 0))
    _check_bounds(values, names, file)
    forms = {c: frame[c].astype(str).to_numpy() for c in frame.columns if c in SWITCHES and frame[c].nunique() > 1}
    table = _form_table(set_file.parent)
    matched, candidates = matched_sample(set_file.parent, frame)
    return Posterior(name=str(ref), file=file, values=values, names=names, weights=weights, forms=forms,
                     form_weights=table, form_method=_form_method(table, str(ref)), matched=matched,
                     matched_of=candidates)


def matched_sample(folder: Path, posterior: pd.DataFrame,
                   field: str = "parameters.calibration") -> tuple[pd.DataFrame | None, int]:
    """The accepted candidates of the assumptions.parquet beside a posterior (None without the file) and how many
    candidates it holds, checked: posterior rows that exist, the posterior's form columns, assumption values within
    their bounds, weights >= 0 and at least one accepted candidate with a weight. `field` names the input in errors."""
    file = folder / ASSUMPTIONS_FILE
    if not file.is_file():
        return None, 0
    try:
        frame = pd.read_parquet(file)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(f"{field}: {file} cannot be read ({type(exc).__name__})") from None
    switches = [c for c in posterior.columns if c in SWITCHES]
    missing = [c for c in ("row", "weight", "accepted", *switches) if c not in frame.columns]
    if missing:
        raise InputError(f"{field}: {file} has no {missing[0]!r} column (rewrite it with "
                         "`totalpeace match-assumptions`)")
    rows = frame["row"].to_numpy()
    if len(frame) and (rows.min() < 0 or rows.max() >= len(posterior)):
        raise InputError(f"{field}: {file}: `row` must index the {len(posterior)} posterior particles")
    weights = pd.to_numeric(frame["weight"], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise InputError(f"{field}: {file}: weights must be finite and non-negative")
    names = [c for c in frame.columns if c in BY_NAME]
    _check_bounds(frame[names].to_numpy(dtype=float), tuple(names), file)
    kept = frame[frame["accepted"].astype(bool) & (weights > 0)].reset_index(drop=True)
    if kept.empty:
        raise InputError(f"{field}: {file} has no accepted candidate with a weight")
    return kept, len(frame)


def _weights(frame: pd.DataFrame, file: Path) -> np.ndarray:
    if "weight" not in frame.columns or frame.empty:
        raise InputError(f"parameters.calibration: {file} has no particles with a `weight` column")
    weights = frame["weight"].to_numpy(dtype=float)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise InputError(f"parameters.calibration: {file}: weights must be finite, non-negative and not all zero")
    return weights / weights.sum()


def _check_bounds(values: np.ndarray, names: tuple[str, ...], file: Path) -> None:
    for j, name in enumerate(names):
        lo, hi = BY_NAME[name].bounds
        column = values[:, j]
        if not np.all(np.isfinite(column)) or column.min() < lo or column.max() > hi:
            raise InputError(f"parameters.calibration: {file}: {name} has values outside [{lo}, {hi}]")


def _form_table(folder: Path) -> pd.DataFrame | None:
    """The calibration's forms.parquet, checked: known switches and forms, finite weights >= 0."""
    file = folder / FORMS_FILE
    if not file.is_file():
        return None
    try:
        table = read_forms(folder)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise InputError(f"parameters.calibration: {file} cannot be read ({type(exc).__name__})") from None
    weights = pd.to_numeric(table.get("weight"), errors="coerce") if "weight" in table.columns else None
    if weights is None or weights.isna().any() or (weights < 0).any() or not np.isfinite(weights).all():
        raise InputError(f"parameters.calibration: {file}: every form needs a finite weight >= 0")
    for switch in (c for c in table.columns if c in SWITCHES):
        unknown = sorted(set(table[switch].astype(str)) - set(SWITCHES[switch].forms))
        if unknown:
            raise InputError(f"parameters.calibration: {file}: {switch} = {unknown[0]!r} is not one of "
                             f"{', '.join(SWITCHES[switch].forms)}")
    return table


BASES = {  # forms.parquet's weight_basis, as the run plan's notes describe it
    "bootstrapped stacking": " (stacking over the pattern catalogue's posterior predictive scores, averaged over "
                             "Bayesian-bootstrap replicates, in sample)",
    "stacking": " (stacking over the pattern catalogue's posterior predictive scores, in sample)",
}


def _form_method(table: pd.DataFrame | None, name: str) -> str:
    if table is None:
        return ""
    basis = str(table["weight_basis"].iloc[0]) if "weight_basis" in table.columns and len(table) else ""
    return f"the {name} calibration's forms.parquet{BASES.get(basis, '')}"


def shipped_with_form_weights() -> list[str]:
    """Shipped calibrations that weighed the model forms (a forms.parquet beside their set)."""
    return [name for name, path in shipped_sets().items() if (path.parent / FORMS_FILE).is_file()]
