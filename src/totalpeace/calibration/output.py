"""What a calibration leaves in the results store: the set scenarios use, the posterior, and how it was obtained."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from totalpeace.calibration.abc import Posterior
from totalpeace.calibration.paramset import format_set
from totalpeace.calibration.screening import ScreeningResult
from totalpeace.calibration.spec import Budget, CalibrationSpec
from totalpeace.scenario.schema import Scenario
from totalpeace.validation.targets import Target

DATA_UP_TO = "2021 (targets.csv; nothing after August 2022)"


def _parquet(frame: pd.DataFrame) -> bytes:
    sink = io.BytesIO()
    frame.to_parquet(sink, index=False)
    return sink.getvalue()


def calibration_files(spec: CalibrationSpec, spec_file: Path, quick: bool, scenarios: dict[str, Scenario],
                      targets: list[Target], budget: Budget, posterior: Posterior,
                      screening: ScreeningResult | None, minutes: float,
                      abc_db: bytes) -> dict[str, bytes]:
    """The files of a calibration folder (name -> bytes); the parameter set records the provenance."""
    from totalpeace.codeversion import code_version

    spec_text = spec_file.read_text(encoding="utf-8")
    medians, lo, hi = posterior.quantiles(0.5), posterior.quantiles(0.05), posterior.quantiles(0.95)
    provenance: dict[str, Any] = {
        "spec": spec_file.name, "spec_sha256": hashlib.sha256(spec_text.encode()).hexdigest(),
        "scenarios": list(scenarios), "targets": len(targets), "quick": quick, "seed": budget.seed,
        "screened": spec.candidates(), "screening_points": screening.evaluations if screening else 0,
        "population": budget.population, "generations": len(posterior.generations),
        "runs_per_particle": budget.runs, "simulations": posterior.evaluations,
        "final_epsilon": float(posterior.generations["epsilon"].iloc[-1]),
        "effective_sample_size": round(posterior.ess, 1), "minutes": round(minutes, 2),
        "totalpeace_version": code_version(), "data_up_to": DATA_UP_TO,
    }
    name = spec.name
    frame = posterior.frame()
    frame.insert(0, "particle", range(len(frame)))
    frame.insert(0, "calibration", name)
    files = {
        "parameters.toml": format_set(name, medians, provenance, {k: (lo[k], hi[k]) for k in medians}).encode(),
        "posterior.parquet": _parquet(frame),
        "generations.parquet": _parquet(posterior.generations.assign(calibration=name)),
        "spec.toml": spec_text.encode(),
        "abc.db": abc_db,
        "calibration.json": json.dumps(
            {"provenance": provenance, "priors": spec.prior_bounds(list(medians)),
             "targets": [t.key for t in targets], "posterior_median": medians,
             "interval90": {k: [lo[k], hi[k]] for k in medians},
             "generations": posterior.generations.to_dict(orient="records"),
             "screening": screening.ranking.to_dict(orient="records") if screening else None},
            indent=2).encode(),
    }
    if screening is not None:
        effects = screening.effects.merge(screening.ranking, on="parameter")
        files["screening.parquet"] = _parquet(effects.assign(calibration=name))
    return files
