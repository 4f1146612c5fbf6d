"""Calibrated parameter sets: TOML files of posterior medians with their provenance.

A calibration folder (written by `totalpeace calibrate` into the results store) holds the set as parameters.toml,
next to the posterior and the spec it came from. A scenario names one with `parameters.calibration = "NAME"` (a
folder shipped in src/totalpeace/data/calibration/) or the path of a calibration folder or its parameters.toml. Its
values replace the registry defaults; values the scenario sets explicitly still win.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from totalpeace.errors import InputError
from totalpeace.scenario.params import BY_NAME
from totalpeace.tomlfile import read_toml

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "calibration"
SET_FILE = "parameters.toml"


def shipped_sets() -> dict[str, Path]:
    """Names and parameters.toml files of the calibrations that ship with the package."""
    return {p.parent.name: p for p in sorted(SHIPPED.glob(f"*/{SET_FILE}"))}


def resolve(ref: str, relative_to: Path | None = None) -> Path:
    """A shipped set name or a path (relative to the scenario file that names it) -> an existing file."""
    shipped = shipped_sets()
    if ref in shipped:
        return shipped[ref]
    candidate = Path(ref).expanduser()
    if not candidate.is_absolute() and relative_to is not None:
        candidate = relative_to / candidate
    if candidate.is_dir() and (candidate / SET_FILE).is_file():
        candidate = candidate / SET_FILE
    if candidate.is_file():
        return candidate.resolve()
    names = ", ".join(shipped) or "none"
    raise InputError(f"parameters.calibration: no calibrated parameter set named {ref!r} (shipped: {names}; or give "
                     "the path of a calibration folder written by `totalpeace calibrate`)")


def read_set(path: Path) -> dict[str, Any]:
    """Read and check a parameter set: known parameters, numbers within their valid bounds."""
    try:
        data = read_toml(path)
    except InputError as exc:
        raise InputError(f"parameters.calibration: {exc.message}") from None
    values = data.get("parameters")
    if not isinstance(values, dict) or not values:
        raise InputError(f"parameters.calibration: {path} has no [parameters] table")
    for name, value in values.items():
        if name not in BY_NAME:
            raise InputError(f"parameters.calibration: {path}: unknown parameter {name!r}")
        lo, hi = BY_NAME[name].bounds
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                or not lo <= float(value) <= hi:
            raise InputError(f"parameters.calibration: {path}: {name} = {value!r} is not a number in [{lo}, {hi}]")
    return data


def format_set(name: str, values: dict[str, float], provenance: dict[str, Any],
               intervals: dict[str, tuple[float, float]]) -> str:
    """A parameter set's TOML text: posterior medians with their provenance and 90% posterior intervals."""
    lines = [f"# Calibrated parameter set {name!r}, written by `totalpeace calibrate`.", f'name = "{name}"', "",
             "[provenance]"]
    for key, value in provenance.items():
        lines.append(f"{key} = {_toml(value)}")
    lines += ["", "[parameters]  # posterior medians"]
    lines += [f"{k} = {v!r}" for k, v in values.items()]
    lines += ["", "[interval90]  # 5% and 95% posterior quantiles"]
    lines += [f"{k} = [{lo!r}, {hi!r}]" for k, (lo, hi) in intervals.items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def describe_set(ref: str | None, relative_to: Path | None = None) -> dict[str, Any] | None:
    """Name, file, provenance and values of the set a scenario names (for `totalpeace show`)."""
    if not ref:
        return None
    path = resolve(ref, relative_to)
    data = read_set(path)
    return {"name": ref, "file": str(path), "provenance": data.get("provenance", {}), "parameters": data["parameters"]}


def set_by_scenario(parameters: Any, supplied: dict[str, Any]) -> set[str]:
    """The parameters a scenario sets itself rather than takes from its calibrated set (`supplied`, the set's values):
    apply_set fills what the scenario leaves out, so a value equal to the set's is the set's. `run` draws only the
    others from the posterior (uncertainty/posterior.py), `show` names who set each, `validate` keeps these."""
    return {n for n in set(parameters.model_fields_set) - {"calibration"}
            if n not in supplied or float(supplied[n]) != float(getattr(parameters, n))}


def apply_set(data: dict[str, Any], origins: dict[tuple[Any, ...], str], relative_to: Path | None) -> None:
    """Fill the parameters a scenario does not set from the calibrated set it names (in the merged document)."""
    params = data.get("parameters")
    if not isinstance(params, dict) or not isinstance(params.get("calibration"), str):
        return
    path = resolve(params["calibration"], relative_to)
    if params["calibration"] not in shipped_sets():
        params["calibration"] = str(path)  # a file, not a shipped name: keep it findable from anywhere
    for key, value in read_set(path)["parameters"].items():
        if key not in params:
            params[key] = float(value)
            origins[("parameters", key)] = f"calibration {path}"
