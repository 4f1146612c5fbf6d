"""Experiments on the model: compare policies over common random numbers, sweep levers and uncertainties.

The vocabulary is exploratory modelling's: *levers* (policy choices), *uncertainties* (exogenous, sampled),
*outcomes* (metrics read back). Runs stream into a results store (DuckDB over Parquet) that other analyses read.
"""

from totalpeace.experiments.executors import DaskExecutor, LocalExecutor, make_executor
from totalpeace.experiments.spec import ExperimentSpec, load_spec, parse_spec
from totalpeace.experiments.store import ResultsStore
from totalpeace.experiments.sweep import SweepReport, run_sweep

__all__ = ["DaskExecutor", "ExperimentSpec", "LocalExecutor", "ResultsStore", "SweepReport", "load_spec",
           "make_executor", "parse_spec", "run_sweep"]
