"""Experiments for scenario discovery: one row per run, inputs and outcomes, from a results store or a table file.

A results store (a folder written by `sweep` or `sensitivity`) gives its experiment's factors as inputs. A CSV or
Parquet table works standalone: every column is an input except the outcome, run identifiers and other metrics.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from totalpeace.csvheader import decoding_problem, repeated_column
from totalpeace.engine.results import FLOWS, STOCKS
from totalpeace.errors import InputError

IDENTIFIERS = ("point", "run", "seed", "experiment", "sample", "trial")


@dataclass
class Experiments:
    frame: pd.DataFrame
    inputs: list[str]
    source: str


def load_experiments(path: str, outcome: str, experiment: str | None = None, year: int | None = None,
                     inputs: list[str] | None = None) -> Experiments:
    """Read the experiments and check the outcome and inputs exist and hold usable values. From a store, `outcome`
    must be a metric the experiment stores and `year` (default: the last) a year its runs cover, checked before any
    run is read (`--outcome` and `--year` errors, as `sensitivity` and `search` word them); a table has no years, and
    its outcome must be one of its columns."""
    location = Path(path)
    if location.is_dir():
        from totalpeace.experiments.store import ResultsStore
        from totalpeace.experiments.sweep import check_outcomes, check_year

        store = ResultsStore(location)
        if not store.experiment_names():
            raise InputError(f"{location}: not a results store (no experiments/*/experiment.json); give a store "
                             "folder, or a CSV or Parquet table")
        name = store.resolve_experiment(experiment)
        meta = store.experiment(name)
        # before any run is read, with the messages of sensitivity and search (naming the flag)
        check_outcomes([outcome], meta["metrics"])
        year = check_year(year, meta["years"])
        frame = store.experiments_frame(name, [outcome], year=year)
        factors = [*meta["spec"]["levers"], *meta["spec"]["uncertainties"]]
        source = f"{location} (experiment {name})"
    else:
        if experiment is not None or year is not None:
            raise InputError(f"{location}: --experiment and --year apply to a results store, not to a table")
        frame = _read_table(location)
        factors = [c for c in frame.columns if c not in IDENTIFIERS and c not in (*FLOWS, *STOCKS) and c != outcome]
        source = str(location)
    if outcome not in frame.columns:
        raise InputError(f"--outcome {outcome!r}: no such column in {source} (columns: {', '.join(map(str, frame))})")
    chosen = list(dict.fromkeys(inputs)) if inputs else factors  # an input given twice is one input
    missing = [c for c in chosen if c not in frame.columns]
    if missing:
        raise InputError(f"--input {missing[0]!r}: no such column in {source}")
    if outcome in chosen:  # boxes on the outcome itself only restate the threshold
        raise InputError(f"--input {outcome!r}: the outcome itself; give the levers and uncertainties that may "
                         "explain it")
    if not chosen:
        raise InputError(f"{source}: no input columns besides the outcome")
    values = pd.to_numeric(frame[outcome], errors="coerce")
    if values.isna().any():
        raise InputError(f"--outcome {outcome!r}: {int(values.isna().sum())} rows of {source} are missing or "
                         "not numbers")
    if frame.empty:
        raise InputError(f"{source}: no runs")
    return Experiments(frame.assign(**{outcome: values}), chosen, source)


def _read_table(location: Path) -> pd.DataFrame:
    suffix = location.suffix.lower()
    if not location.exists():
        raise InputError(f"{location}: no such file or folder")
    try:
        if suffix == ".csv":
            frame = pd.read_csv(location)
            repeated = repeated_column(location)
            if repeated is not None:
                raise InputError(f"{location}: column {repeated!r} appears more than once")
            return frame
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(location)
    except UnicodeDecodeError:
        raise InputError(f"{location}: {decoding_problem(location)}") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{location}: cannot read the table ({exc})") from None
    raise InputError(f"{location}: give a results store folder, a .csv or a .parquet table")
