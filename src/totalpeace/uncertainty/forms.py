"""Which model forms a run plan spreads its runs over, and with what weights.

The forms themselves come from the model's one registry, `scenario/forms.py` (the `[model]` fields that choose
among published variants, read off the schema). A scenario narrows a switch's candidates with
`model.candidates.<switch>`; the full uncertainty design runs every combination of the candidates (a joint form),
each weighed by the calibration's `forms.parquet` when it has one (how well each form reproduces history), otherwise
equally.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import pandas as pd

from totalpeace.scenario.forms import Form, choices, form_fields, label
from totalpeace.scenario.schema import Scenario

MIN_WEIGHT = 0.001  # forms the calibration weighs less than this get no runs (stacking can give 1e-48)


@dataclass(frozen=True)
class Switch:
    """One structural choice: a `[model]` field and its forms."""

    name: str

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    @property
    def forms(self) -> tuple[str, ...]:
        return choices(self.name)


SWITCHES: tuple[Switch, ...] = tuple(Switch(name) for name in form_fields())
BY_NAME = {s.name: s for s in SWITCHES}


def own_form(scenario: Scenario) -> Form:
    """The form the scenario itself names (the single point of the `stochastic` and `parameters` designs)."""
    return {s.name: str(getattr(scenario.model, s.name)) for s in SWITCHES}


def candidates(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Per switch, the forms the full design averages over: the scenario's list, or every form of the switch."""
    chosen = scenario.model.candidates
    return {s.name: tuple(chosen.get(s.name) or s.forms) for s in SWITCHES}


def joint_forms(scenario: Scenario) -> list[Form]:
    """Every combination of the candidates, in the registry's and the schema's order (a stable index per form)."""
    options = candidates(scenario)
    return [dict(zip(options, combo, strict=True)) for combo in itertools.product(*options.values())]


def form_weights(forms: list[Form], table: pd.DataFrame | None) -> tuple[list[float], str]:
    """Weight of each joint form, and where it comes from ("calibration" or "equal").

    `table` is a calibration's forms.parquet (a column per switch it weighed, and `weight`). A switch the table does
    not vary was not weighed: its candidates share equally, and so do the candidates of a switch the table weighed
    without some of them (`unweighed`: a calibration of an earlier model). When it weighs none of the candidates, or
    there is no table, every form counts the same.
    """
    equal = [1.0 / len(forms)] * len(forms)
    if table is None or table.empty or "weight" not in table.columns:
        return equal, "equal"
    partial = unweighed(forms, table)
    named = [s for s in forms[0] if s in table.columns and table[s].nunique() > 1 and s not in partial]
    if not named:
        return equal, "equal"
    weighed = table.groupby(named, sort=False)["weight"].sum().to_dict()
    free = {s: len({f[s] for f in forms}) for s in forms[0] if s not in named}
    share = 1.0 / math.prod(free.values())
    key = (lambda f: f[named[0]]) if len(named) == 1 else (lambda f: tuple(f[s] for s in named))
    raw = [float(weighed.get(key(f), 0.0)) * share for f in forms]
    total = sum(raw)
    if not total > 0.0:
        return equal, "equal"
    return [w / total for w in raw], "calibration"


def unweighed(forms: list[Form], table: pd.DataFrame | None) -> dict[str, list[str]]:
    """Switches a calibration weighed over only some of the candidates, with the candidates it never saw.

    A calibration fitted to an earlier model weighs the forms that model had (colombia-patterns: the bargaining
    engines bdm and compromise, before the tables' nash and alternating protocols). Its weights say nothing about the
    forms it never ran, so such a switch counts as not weighed: its candidates share equally and draw from the whole
    posterior.
    """
    if table is None or table.empty or not forms:
        return {}
    out = {}
    for switch in forms[0]:
        if switch in table.columns and table[switch].nunique() > 1:
            seen = set(table[switch].astype(str))
            missing = [f for f in dict.fromkeys(form[switch] for form in forms) if f not in seen]
            if missing:
                out[switch] = missing
    return out


def with_form(scenario: Scenario, form: Form) -> Scenario:
    """The scenario with its `[model]` switches set to `form` (already-validated values: no re-validation)."""
    return scenario.model_copy(update={"model": scenario.model.model_copy(update=form)})


def form_label(form: Form) -> str:
    """'bdm/ratio': the registry's name of a joint form (as a calibration's forms.parquet names it)."""
    return label(form)
