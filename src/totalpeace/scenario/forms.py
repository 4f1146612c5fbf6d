"""The model's structural forms: one registry that calibration, run plans and reports read.

A *form* is a choice among published model variants that a scenario makes under `[model]` (`ModelOptions` in
scenario/schema.py): today the bargaining protocol (`negotiation_engine`) and the contest success function
(`contest_form`). The registry is read off the schema's literal choices, so a form the model adds there is weighed by
the next calibration without a second list to keep in step.

A calibration stores how well each combination of forms reproduces history in `forms.parquet` beside its posterior
(columns: `form`, one column per form field, `weight`, `score`, ...); `form_weights` reads it and `posterior_draws`
draws (form, parameter) settings from the joint posterior, for run plans that carry structural and parameter
uncertainty.
"""

from __future__ import annotations

import itertools
import typing
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.scenario.schema import ModelOptions

FORMS_FILE = "forms.parquet"
POSTERIOR_FILE = "posterior.parquet"
ASSUMPTIONS_FILE = "assumptions.parquet"  # the assumptions matched to history (calibration/matching.py)
Form = dict[str, str]  # form field -> choice, e.g. {"negotiation_engine": "bdm", "contest_form": "ratio"}


def form_fields() -> tuple[str, ...]:
    """Every `[model]` field that chooses among variants (a literal with at least two choices)."""
    return tuple(name for name, info in ModelOptions.model_fields.items()
                 if typing.get_origin(info.annotation) is typing.Literal and len(typing.get_args(info.annotation)) > 1)


def choices(field: str) -> tuple[str, ...]:
    """The variants of one form field, in the schema's order."""
    if field not in form_fields():
        raise KeyError(f"{field!r} is not a model form (forms: {', '.join(form_fields())})")
    return tuple(str(c) for c in typing.get_args(ModelOptions.model_fields[field].annotation))


def default_form() -> Form:
    """The forms a scenario gets when it sets none."""
    return {field: str(ModelOptions.model_fields[field].default) for field in form_fields()}


def all_forms(fields: typing.Sequence[str] | None = None, base: Form | None = None) -> list[Form]:
    """Every combination of the choices of `fields` (default: all form fields); other fields keep `base`'s value
    (default: the schema's defaults)."""
    fields = tuple(form_fields() if fields is None else fields)
    base = dict(base or default_form())
    return [{**base, **dict(zip(fields, combo, strict=True))} for combo in itertools.product(*map(choices, fields))]


def label(form: Form) -> str:
    """A short, stable name of a form: its choices joined in the registry's order ("bdm/ratio")."""
    return "/".join(str(form[f]) for f in form_fields() if f in form)


def apply_form(data: dict[str, Any], form: Form) -> dict[str, Any]:
    """A scenario document (a validated scenario's plain dict) with the given forms under `model`."""
    return {**data, "model": {**(data.get("model") or {}), **form}}


def form_weights(folder: Path) -> pd.DataFrame:
    """The form table a calibration stored (form label, one column per field, weight, score, ...)."""
    return pd.read_parquet(Path(folder) / FORMS_FILE)


def posterior_draws(folder: Path, draws: int, seed: int) -> list[dict[str, Any]]:
    """`draws` settings drawn by weight from a calibration's joint posterior: each a dict of parameter values plus,
    when the calibration weighed forms, the form fields' choices (apply with `apply_form` and the parameters)."""
    from totalpeace.scenario.params import BY_NAME

    frame = pd.read_parquet(Path(folder) / POSTERIOR_FILE)
    weights = frame["weight"].to_numpy(dtype=float)
    rows = np.random.default_rng(seed).choice(len(frame), size=draws, replace=True, p=weights / weights.sum())
    keep = [c for c in frame.columns if c in BY_NAME or c in form_fields()]
    return [{c: (frame.iloc[i][c] if c in form_fields() else float(frame.iloc[i][c])) for c in keep} for i in rows]
