"""What a calibration leaves in the results store: the set scenarios use, the posterior, its checks and how it was
obtained.

Files of STORE/calibrations/NAME/ (each table has a `calibration` column, so the store's views read them together):

- parameters.toml: the calibrated set (posterior medians and 90% intervals under the scenarios' own forms) with its
  provenance: spec and its SHA-256, seed, budget, simulations, tolerance, effective sample size, minutes, code;
- posterior.parquet: the final population (form fields, parameters, weight, distance, each pattern's discrepancy);
- generations.parquet: tolerance, simulations, MCMC acceptance and steps, distinct particles and ESS per generation;
- checks.parquet: prior and posterior predictive shares of runs reproducing every pattern (per form too);
- identifiability.parquet: prior and posterior spread of each parameter, contraction, verdict;
- forms.parquet: the model forms weighed by history (scenario/forms.py reads it);
- screening.parquet (when screened), calibration.json (all of the above in one document) and spec.toml.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.calibration.method import Calibration
from totalpeace.calibration.paramset import format_set
from totalpeace.scenario.forms import FORMS_FILE

DATA_UP_TO = "2021 (patterns.csv; nothing after August 2022)"


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as the bytes of a Parquet file (written whole by the store, never half)."""
    sink = io.BytesIO()
    frame.to_parquet(sink, index=False)
    return sink.getvalue()


def json_safe(value: Any) -> Any:
    """JSON-safe: NaN as null, numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def posterior_tolerance(generations: pd.DataFrame) -> float:
    """The tolerance the posterior was moved at: an abandoned generation's threshold never held a population."""
    kept = generations[~generations.get("abandoned", pd.Series(False, index=generations.index)).astype(bool)]
    return float(kept["epsilon"].iloc[-1])


def provenance(result: Calibration, spec_file: Path, quick: bool, minutes: float) -> dict[str, Any]:
    """How the calibration was obtained, in the parameter set's [provenance] table."""
    from totalpeace.codeversion import code_version

    budget, gens = result.budget, result.smc.generations
    form, _, _ = result.medians_and_intervals()
    return {
        "spec": spec_file.name, "spec_sha256": hashlib.sha256(spec_file.read_bytes()).hexdigest(),
        "method": "ABC-SMC with MCMC moves (replenishment), distance over the pattern catalogue",
        "scenarios": list(result.spec.scenarios), "patterns": result.calibrated, "quick": quick, "seed": budget.seed,
        "screened": result.screening.ranking["parameter"].tolist() if result.screening else [],
        "screening_points": result.screening.evaluations if result.screening else 0,
        "population": budget.population, "generations": len(gens), "runs_per_particle": budget.runs,
        "simulations": result.simulations, "final_epsilon": posterior_tolerance(gens),
        "effective_sample_size": round(result.ess, 1), "stopped": result.smc.stopped,
        "forms_calibrated": result.spec.form_fields(), "medians_under_form": form, "minutes": round(minutes, 2),
        "totalpeace_version": code_version(), "data_up_to": DATA_UP_TO,
        "model_note": "fitted to the model of this code version; re-run `totalpeace calibrate` after a model change",
    }


def calibration_files(result: Calibration, spec_file: Path, quick: bool, minutes: float) -> dict[str, bytes]:
    """The files of a calibration folder (name -> bytes)."""
    name = result.spec.name
    spec_text = spec_file.read_text(encoding="utf-8")
    _, medians, intervals = result.medians_and_intervals()
    prov = provenance(result, spec_file, quick, minutes)
    posterior = result.posterior.copy()
    posterior.insert(0, "particle", range(len(posterior)))
    posterior.insert(0, "calibration", name)
    generations = result.smc.generations.assign(calibration=name)
    tables = {"checks": result.checks, "identifiability": result.identifiability, "forms": result.form_weights}
    files = {
        "parameters.toml": format_set(name, medians, prov, intervals).encode(),
        "posterior.parquet": parquet_bytes(posterior),
        "generations.parquet": parquet_bytes(generations),
        "checks.parquet": parquet_bytes(result.checks.assign(calibration=name)),
        "identifiability.parquet": parquet_bytes(result.identifiability.assign(calibration=name)),
        FORMS_FILE: parquet_bytes(result.form_weights.assign(calibration=name)),
        "spec.toml": spec_text.encode(),
        "calibration.json": json.dumps(json_safe({
            "provenance": prov, "priors": result.bounds, "patterns": result.calibrated,
            "left_out": result.left_out, "posterior_median": medians,
            "interval90": {k: list(v) for k, v in intervals.items()},
            "generations": result.smc.generations.to_dict(orient="records"),
            **{k: v.to_dict(orient="records") for k, v in tables.items()},
            "screening": result.screening.ranking.to_dict(orient="records") if result.screening else None}),
            indent=2).encode(),
    }
    if result.screening is not None:
        effects = result.screening.effects.merge(result.screening.ranking, on="parameter")
        files["screening.parquet"] = parquet_bytes(effects.assign(calibration=name))
    return files


TABLES = ("generations", "checks", "identifiability", "forms")


def read_calibration(folder: Path) -> dict[str, Any]:
    """The stored diagnostics of a calibration folder: its tables (those present) and its provenance. A calibration
    written by an earlier method lacks some tables; the reader returns what there is."""
    from totalpeace.calibration.paramset import read_set

    folder = Path(folder)
    found: dict[str, Any] = {"folder": folder}
    for name in TABLES:
        path = folder / f"{name}.parquet"
        if path.is_file():
            found[name] = pd.read_parquet(path)
    set_file = folder / "parameters.toml"
    found["provenance"] = read_set(set_file).get("provenance", {}) if set_file.is_file() else {}
    if "identifiability" not in found:  # an earlier calibration: computed from its posterior and priors
        found.update(_identifiability_of(folder))
    return found


def _identifiability_of(folder: Path) -> dict[str, Any]:
    from totalpeace.calibration.diagnostics import identifiability

    document, posterior = folder / "calibration.json", folder / "posterior.parquet"
    if not (document.is_file() and posterior.is_file()):
        return {}
    priors = json.loads(document.read_text(encoding="utf-8")).get("priors") or {}
    frame = pd.read_parquet(posterior)
    bounds = {k: (float(v[0]), float(v[1])) for k, v in priors.items() if k in frame.columns}
    return {"identifiability": identifiability(frame, bounds)} if bounds else {}
