"""The registry of structural switches: the model forms a scenario may take, and how they are weighed.

A switch is a field of the scenario's `[model]` table whose value picks one of several published model forms (the
negotiation engine, the contest success function). Its forms are the values the schema admits, so a form the model
adds is a candidate as soon as the schema names it; a scenario narrows them with `model.candidates.<switch>`. The
full uncertainty design runs every combination of the candidates (a joint form), each weighed by how well it
reproduces history when the calibration says so (`forms` in its parameters.toml), otherwise equally.
"""

from __future__ import annotations

import itertools
import math
import typing
from dataclasses import dataclass

from totalpeace.scenario.schema import ModelOptions, Scenario

Form = dict[str, str]  # switch -> the form it takes, e.g. {"negotiation_engine": "bdm", "contest_form": "ratio"}


@dataclass(frozen=True)
class Switch:
    """One structural choice: a `[model]` field and what its forms are."""

    name: str  # the field: `model.<name>`
    label: str  # how a reader names it
    about: str  # what the forms are, with the section of docs/model.md that defines them

    @property
    def forms(self) -> tuple[str, ...]:
        """Every form the schema admits, in its order."""
        return tuple(typing.get_args(ModelOptions.model_fields[self.name].annotation))


_KNOWN = {
    "negotiation_engine": ("negotiation engine", "how a table bargains and when it signs (docs/model.md M2.1)"),
    "contest_form": ("contest form", "the contest success function: Tullock ratio or Hirshleifer difference "
                                     "(docs/model.md M5)"),
}


def _registry() -> tuple[Switch, ...]:
    """One entry per switch of the schema: the ones above with their words, any later one under its field name."""
    names = [name for name in ModelOptions.model_fields if name != "candidates"]
    return tuple(Switch(n, *_KNOWN.get(n, (n.replace("_", " "), f"model.{n}"))) for n in names)


SWITCHES: tuple[Switch, ...] = _registry()
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


def form_weights(forms: list[Form], calibrated: list[tuple[Form, float]] | None) -> tuple[list[float], str]:
    """Weight of each joint form, and how it was set.

    The calibration's table may name only some switches (weights over contest forms alone, say): a joint form's
    weight is then the weight of its named values times an equal share over the switches the table leaves out.
    Forms the table does not weigh get no weight; without a table, or when it weighs none of the candidates, every
    form counts the same.
    """
    equal = [1.0 / len(forms)] * len(forms)
    if not calibrated:
        return equal, "equal"
    named = sorted({k for form, _ in calibrated for k in form})
    table = {tuple(form.get(k) for k in named): float(w) for form, w in calibrated}
    free = {k for k in forms[0] if k not in named}
    spread = {k: len({f[k] for f in forms}) for k in free}
    share = 1.0 / max(1, math.prod(spread.values()))
    raw = [table.get(tuple(f.get(k) for k in named), 0.0) * share for f in forms]
    total = sum(raw)
    if total <= 0.0:
        return equal, "equal"
    return [w / total for w in raw], "calibration"


def with_form(scenario: Scenario, form: Form) -> Scenario:
    """The scenario with its `[model]` switches set to `form` (already-validated values: no re-validation)."""
    return scenario.model_copy(update={"model": scenario.model.model_copy(update=form)})


def form_label(form: Form) -> str:
    """'bdm / ratio': a joint form in a table cell, switch values in the registry's order."""
    return " / ".join(form[s.name] for s in SWITCHES if s.name in form)
