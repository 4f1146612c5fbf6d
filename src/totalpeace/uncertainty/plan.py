"""The run plan: which model form and which parameter draw every run of an ensemble gets.

Runs are grouped in *cells* of `runs_per_draw` consecutive run ids (cell k holds runs k*m .. k*m + m - 1). Every run
of a cell shares one joint model form and one posterior draw, so a cell is one call of `simulate` with ordinary
scenario values (the engine never needs per-run parameters), and the runs of a cell differ only by their random
streams. A cell's form and draw are a pure function of (seed, cell): two coordinates u, v in [0, 1) are the cell's
point of a Kronecker (rank-1 lattice) sequence, u = frac(u0 + k g1) and v = frac(v0 + k g2) with g1, g2 the R2
sequence's constants and the shift (u0, v0) hashed from the seed by the engine's counter-based generator. u picks
the form by its weight, v the particle by its posterior weight (inverting the cumulative weights). The lattice
spreads the cells evenly: every form gets its share of cells within one or two, even in a small ensemble, and
particles are drawn in proportion to their weights with less clumping than independent draws. Nothing depends on
the number of runs, the batch, the worker or the executor: run r has the same form, draw and random stream in any
ensemble that contains it, and in every scenario of a comparison. A cell also draws the registry's unidentified
assumptions (`assumptions`), with the same guarantees: by default when the calibration holds a sample of them matched
to history (its candidates replace the particles), or uniformly over their plausible ranges when asked to.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from totalpeace.engine.rng import stream_keys
from totalpeace.errors import InputError, InputWarning
from totalpeace.scenario.schema import Scenario
from totalpeace.uncertainty.assumptions import Assumptions, unidentified
from totalpeace.uncertainty.forms import BY_NAME as BY_SWITCH
from totalpeace.uncertainty.forms import (
    MIN_WEIGHT,
    SWITCHES,
    Form,
    candidates,
    form_label,
    form_weights,
    joint_forms,
    own_form,
    unweighed,
    with_form,
)
from totalpeace.uncertainty.posterior import Posterior, load_posterior, shipped_with_form_weights

Design = Literal["full", "parameters", "stochastic"]
DESIGNS: tuple[str, ...] = ("full", "parameters", "stochastic")
SOURCES = ("structural", "parameters", "stochastic")
RUNS_PER_DRAW = 2  # runs sharing one (form, draw): the most draws that still separate runs from draws (validation.md)
_FORM_PURPOSE, _DRAW_PURPOSE = 1001, 1002  # the plan's streams, far from the engine's purposes
_PLASTIC = 1.324717957244746  # R2 sequence (Roberts 2018): the plastic number's powers give g1, g2
G1, G2 = 1.0 / _PLASTIC, 1.0 / _PLASTIC ** 2


@dataclass(frozen=True)
class Cell:
    """Runs first_run .. first_run + runs - 1: one joint form, one posterior particle (None: the set's medians) and
    one value of each drawn assumption (in the order of the plan's `assumptions.names`)."""

    index: int
    first_run: int
    runs: int
    form: int
    particle: int | None
    assumed: tuple[float, ...] = ()


@dataclass
class Plan:
    """Forms, their weights, the posterior and the cells of one ensemble."""

    design: str
    seed: int
    runs: int
    runs_per_draw: int
    forms: list[Form]
    weights: list[float]
    weighting: str  # "calibration", "equal" or "single" (one form)
    posterior: Posterior | None
    cells: list[Cell]
    notes: list[str] = field(default_factory=list)
    assumptions: Assumptions = field(default_factory=Assumptions)
    assumed_from: str = ""  # "matched" (the calibration's assumptions.parquet) or "uniform"; "" when none is drawn

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources of uncertainty the ensemble's spread includes."""
        out = ["structural"] if len(self.forms) > 1 else []
        if self.drawn:
            out.append("parameters")
        return (*out, "stochastic")

    @property
    def drawn(self) -> bool:
        """Whether runs draw parameters: the calibrated ones from a posterior (rather than all using the set's
        medians), or the unidentified assumptions."""
        return self.calibrated or bool(self.assumptions)

    @property
    def calibrated(self) -> bool:
        """Whether runs draw the calibrated parameters from a posterior."""
        return any(c.particle is not None for c in self.cells) and bool(self.posterior and self.posterior.names)

    def drawn_values(self, cell: Cell) -> dict[str, float]:
        """The parameter values the cell draws: its posterior particle's and its assumptions'."""
        out = self.posterior.values_of(cell.particle) if self.calibrated and cell.particle is not None else {}
        return {**out, **dict(zip(self.assumptions.names, cell.assumed, strict=True))}

    def run_labels(self, run_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(form index, cell index) of every run id."""
        cell_of = np.asarray(run_ids, dtype=np.int64) // self.runs_per_draw
        first = self.cells[0].index
        forms = np.array([c.form for c in self.cells], dtype=np.int64)
        return forms[cell_of - first], cell_of

    def scenario_for(self, scenario: Scenario, cell: Cell) -> Scenario:
        """The scenario one cell simulates: its form, and its draw of the calibrated parameters and assumptions."""
        out = with_form(scenario, self.forms[cell.form])
        drawn = self.drawn_values(cell)
        if drawn:
            out = out.model_copy(update={"parameters": out.parameters.model_copy(update=drawn)})
        return out

    def frame(self) -> pd.DataFrame:
        """One row per run: its cell, its form (a column per switch) and its drawn parameter values (plan.csv)."""
        rows = []
        for c in self.cells:
            drawn = self.drawn_values(c)
            for run in range(c.first_run, c.first_run + c.runs):
                rows.append({"run": run, "cell": c.index, **self.forms[c.form],
                             "particle": -1 if c.particle is None else c.particle, **drawn})
        return pd.DataFrame(rows)

    def record(self) -> dict[str, Any]:
        """The design as summary.json and comparison.json echo it."""
        counts = np.bincount([c.form for c in self.cells], minlength=len(self.forms))
        runs = np.bincount([c.form for c in self.cells], weights=[c.runs for c in self.cells],
                           minlength=len(self.forms))
        post = self.posterior
        return {
            "design": self.design, "sources": list(self.sources), "runs": self.runs,
            "runs_per_draw": self.runs_per_draw, "draws": len(self.cells) if self.drawn else 0,
            "assumptions": {"parameters": list(self.assumptions.names), "drawn_from": self.assumed_from,
                            "prior": "uniform on the plausible range"} if self.assumptions else None,
            "form_weights": self.weighting,
            "forms": [{**f, "weight": w, "cells": int(n), "runs": int(r)}
                      for f, w, n, r in zip(self.forms, self.weights, counts, runs, strict=True)],
            "switches": {s.name: list(dict.fromkeys(f[s.name] for f in self.forms)) for s in SWITCHES},
            "calibration": post.name if post is not None else None,
            "posterior": None if post is None else {
                "file": str(post.file), "particles": len(post.weights), "effective_size": round(post.effective_size, 1),
                "parameters": list(post.names), "per_form": bool(post.forms)},
            "notes": list(self.notes), "text": describe(self),
        }


def describe(plan: Plan) -> str:
    """The design in one sentence, for the terminal, the report and the JSON files."""
    if plan.design == "stochastic":
        return (f"Uncertainty (stochastic): {plan.runs} runs at one point, the scenario's model form "
                f"({form_label(plan.forms[0])}) and parameter values; intervals hold only the runs' randomness, "
                "not parameter or model-form uncertainty.")
    parts = []
    if len(plan.forms) > 1:
        switches = [f"{s.label} {'/'.join(dict.fromkeys(f[s.name] for f in plan.forms))}" for s in SWITCHES
                    if len({f[s.name] for f in plan.forms}) > 1]
        weighting = "weighed by the calibration" if plan.weighting == "calibration" else "equal weights"
        parts.append(f"{len(plan.forms)} model forms ({' × '.join(switches)}, {weighting})")
    else:
        parts.append(f"one model form ({form_label(plan.forms[0])})")
    post = plan.posterior
    where = ("the candidates history does not reject" if plan.assumed_from == "matched"
             else "their plausible ranges")
    assumed = f"{len(plan.assumptions.names)} unidentified assumptions drawn from {where}" if plan.assumptions else ""
    if plan.calibrated and post is not None:
        parts.append(f"{len(plan.cells)} posterior draws of {len(post.names)} parameters ({post.name}, effective "
                     f"size {post.effective_size:.0f}){', with ' + assumed if assumed else ''}")
    elif assumed:
        parts.append(f"{len(plan.cells)} draws of {assumed}")
    else:
        parts.append(f"{len(plan.cells)} groups of runs without parameter draws")
    included = ", ".join({"structural": "model-form", "parameters": "parameter"}[s] for s in plan.sources[:-1])
    return (f"Uncertainty ({plan.design}): {' × '.join(parts)} × {plan.runs_per_draw} runs = {plan.runs} runs; "
            f"intervals include {included + ' and ' if included else ''}stochastic uncertainty.")


def build_plan(scenario: Scenario, runs: int, seed: int, design: str = "full",
               runs_per_draw: int = RUNS_PER_DRAW, assumptions: bool | None = None) -> Plan:
    """The plan of `runs` runs (ids 0 .. runs - 1) of `scenario` under `design`; `assumptions`: draw the
    unidentified assumptions (True), hold them (False) or draw them when the calibration matched them to history
    (None, the default; the `full` and `parameters` designs only)."""
    if design not in DESIGNS:
        raise InputError(f"--uncertainty: {design!r} is not a design (choose from {', '.join(DESIGNS)})")
    if runs < 1 or runs_per_draw < 1:
        raise InputError(f"runs and runs per draw must be at least 1 (got {runs}, {runs_per_draw})")
    notes: list[str] = []
    if design == "stochastic" and assumptions is True:
        raise InputError("--assumptions drawn: the stochastic design holds every parameter at one point; draw the "
                         "assumptions with --uncertainty parameters or full")
    if design == "stochastic":
        cells = [Cell(k, lo, min(runs_per_draw, runs - lo), 0, None) for k, lo in
                 enumerate(range(0, runs, runs_per_draw))]
        return Plan(design, seed, runs, runs_per_draw, [own_form(scenario)], [1.0], "single", None, cells)
    posterior = load_posterior(scenario)
    if posterior is None:
        notes.append("the scenario names no calibration with a posterior (parameters.calibration): parameters "
                     "stay at the scenario's values, so parameter uncertainty is not included")
    elif not posterior.names:
        notes.append(f"every parameter of the calibration {posterior.name} is set by the scenario itself: none is "
                     "drawn")
    if design == "full":
        forms, weights, weighting = _weighed_forms(scenario, posterior, notes)
    else:
        forms, weights, weighting = [own_form(scenario)], [1.0], "single"
    if posterior is not None and posterior.forms:  # particles of a switch weighed over only part of its candidates
        partial = unweighed(joint_forms(scenario), posterior.form_weights)  # stand for every candidate
        posterior = replace(posterior, forms={k: v for k, v in posterior.forms.items() if k not in partial})
    if posterior is not None and posterior.names and not posterior.forms and len(forms) > 1:
        notes.append(f"the {posterior.name} posterior was fitted under one model form: every form draws from it")
    cells = [_cell(k, lo, min(runs_per_draw, runs - lo), seed, weights, forms, posterior)
             for k, lo in enumerate(range(0, runs, runs_per_draw))]
    drawn = unidentified(scenario)
    matched = posterior is not None and posterior.matched is not None
    if drawn and (assumptions or (assumptions is None and matched)):
        cells = _assume(cells, seed, drawn, forms, posterior, notes)
    elif drawn:
        how = ("--assumptions drawn draws them from the candidates history does not reject" if matched else
               "the calibration has not matched them to history (`totalpeace match-assumptions`); --assumptions "
               "drawn draws them from their plausible ranges")
        notes.append(f"{len(drawn.names)} unidentified assumptions stay at their registry defaults, so the "
                     f"intervals leave out what is not known about them ({how}; docs/validation.md 11.6)")
        drawn = Assumptions()
    source = ("matched" if matched else "uniform") if drawn else ""
    return Plan(design, seed, runs, runs_per_draw, forms, weights, weighting, posterior, cells, notes, drawn, source)


def _assume(cells: list[Cell], seed: int, drawn: Assumptions, forms: list[Form], posterior: Posterior | None,
            notes: list[str]) -> list[Cell]:
    """Every cell's values of the drawn assumptions. With a matched sample beside the posterior, the cell draws one
    of its accepted candidates under the cell's form instead of a particle (by the cell's lattice coordinate v, as
    the particle was drawn): the candidate's particle and its assumptions. An assumption the sample does not hold,
    and every one without a sample, is drawn uniformly by the hash of (seed, cell, name)."""
    uniform = drawn.draws(seed, np.array([c.index for c in cells]))
    matched = posterior.matched if posterior is not None else None
    if matched is None:
        notes.append(f"{len(drawn.names)} unidentified assumptions drawn uniformly from their plausible ranges, not "
                     "weighed by history (the calibration has no assumptions.parquet: `totalpeace "
                     "match-assumptions`)")
        return [replace(c, assumed=tuple(float(x) for x in row)) for c, row in zip(cells, uniform, strict=True)]
    held = [j for j, n in enumerate(drawn.names) if n in matched.columns]
    unmatched = [n for n in drawn.names if n not in matched.columns]
    notes.append(f"{len(held)} unidentified assumptions drawn with the calibrated parameters from the "
                 f"{len(matched):,} of {posterior.matched_of:,} candidates the patterns do not reject "
                 f"(assumptions.parquet of {posterior.name}; --assumptions fixed holds them)"
                 + (f"; {len(unmatched)} it does not hold drawn uniformly: {', '.join(unmatched[:5])}" if unmatched
                    else ""))
    weights = matched["weight"].to_numpy(dtype=float)
    values = matched[[drawn.names[j] for j in held]].to_numpy(dtype=float)
    rows_of = [posterior.matched_rows_for(form) for form in forms]
    shift = _shift(seed, _DRAW_PURPOSE)
    out = []
    for cell, row in zip(cells, uniform, strict=True):
        rows = rows_of[cell.form]
        if rows.size == 0:
            raise InputError(f"parameters.calibration: {posterior.name}'s assumptions.parquet has no accepted "
                             f"candidate under the model form {form_label(forms[cell.form])} (run `totalpeace "
                             "match-assumptions` with more --candidates)")
        v = (shift + cell.index * G2) % 1.0
        pick = int(rows[_pick(np.cumsum(weights[rows]), v)])
        row = row.copy()
        row[held] = values[pick]
        particle = int(matched["row"].iloc[pick]) if cell.particle is not None else None
        out.append(replace(cell, particle=particle, assumed=tuple(float(x) for x in row)))
    return out


def _weighed_forms(scenario: Scenario, posterior: Posterior | None,
                   notes: list[str]) -> tuple[list[Form], list[float], str]:
    """The candidate joint forms with their weights (forms weighed below MIN_WEIGHT left out), noting where the
    weights come from."""
    forms = joint_forms(scenario)
    table = posterior.form_weights if posterior else None
    weights, weighting = form_weights(forms, table)
    for switch, missing in unweighed(forms, table).items():
        seen = ", ".join(dict.fromkeys(table[switch].astype(str)))
        notes.append(f"the {posterior.name} calibration weighed {switch} over {seen} only (the forms of the model it "
                     f"was fitted to), not {', '.join(missing)}: the {switch.replace('_', ' ')} forms share equally "
                     "and draw from the whole posterior")
    if len(forms) == 1:
        return forms, weights, "single"
    if weighting == "equal":
        others = [n for n in shipped_with_form_weights() if posterior is None or n != posterior.name]
        hint = f"; {', '.join(others)} does: --set parameters.calibration={others[0]}" if others else ""
        where = f"the {posterior.name} calibration stores" if posterior is not None else "no calibration gives"
        notes.append(f"model forms have equal weights: {where} no form weights{hint}")
    else:
        notes.append(f"model forms weighed by {posterior.form_method if posterior else 'the calibration'}")
    dropped = [form_label(f) for f, w in zip(forms, weights, strict=True) if w < MIN_WEIGHT]
    if dropped:
        notes.append(f"left out, weighed below {MIN_WEIGHT:.1%}: {', '.join(dropped)}")
    kept = [i for i, w in enumerate(weights) if w >= MIN_WEIGHT]
    total = sum(weights[i] for i in kept)
    forms, weights = [forms[i] for i in kept], [weights[i] / total for i in kept]
    return forms, weights, weighting if len(forms) > 1 else "single"


def _shift(seed: int, purpose: int) -> float:
    """The lattice's random shift for this seed: the first 53 bits of a counter-based hash of (seed, purpose)."""
    key = stream_keys(seed, np.zeros(1, dtype=np.int64), 0, purpose)[0]
    return float(int(key) >> 11) / float(1 << 53)


def _pick(cumulative: np.ndarray, u: float) -> int:
    return int(min(np.searchsorted(cumulative, u * cumulative[-1], side="right"), len(cumulative) - 1))


def _cell(k: int, first: int, runs: int, seed: int, weights: list[float], forms: list[Form],
          posterior: Posterior | None) -> Cell:
    u = (_shift(seed, _FORM_PURPOSE) + k * G1) % 1.0
    v = (_shift(seed, _DRAW_PURPOSE) + k * G2) % 1.0
    form = _pick(np.cumsum(weights), u)
    particle = None
    if posterior is not None and posterior.names:
        rows = posterior.rows_for(forms[form])
        if rows.size == 0:
            raise InputError(f"parameters.calibration: {posterior.file} has no particle fitted under the model form "
                             f"{form_label(forms[form])}")
        particle = int(rows[_pick(np.cumsum(posterior.weights[rows]), v)])
    return Cell(k, first, runs, form, particle)


def same_draws(plans: list[Plan], names: list[str]) -> None:
    """Paired comparisons need the same form, draw and stream for a run id in every scenario: the same forms with the
    same weights, and draws from the same posterior (explicitly set parameters may differ). The single-form designs
    (`parameters`, `stochastic`) run each scenario's own form, so a variant may set another one: that is how model
    forms are compared (check_reference_forms)."""
    base = plans[0]
    for plan, name in zip(plans[1:], names[1:], strict=True):
        if plan.design == "full" and (plan.forms != base.forms or plan.weights != base.weights):
            raise InputError(f"{name}: its model forms differ from the baseline's ({_forms_text(plan)} against "
                             f"{_forms_text(base)}), so runs cannot be paired form by form; give both the same "
                             "model.candidates, or compare model forms with --uncertainty parameters and "
                             "model.<switch> set in the variant")
        a = base.posterior.file if base.posterior else None
        b = plan.posterior.file if plan.posterior else None
        if a != b:
            raise InputError(f"{name}: it draws parameters from another calibration ({b}) than the baseline ({a}), "
                             "so runs cannot be paired draw by draw")


def _forms_text(plan: Plan) -> str:
    return ", ".join(form_label(f) for f in plan.forms)


def check_reference_forms(scenarios: list[Scenario], names: list[str], design: str) -> None:
    """Under the full design the forms come from `model.candidates`, not from `model.<switch>`: a variant that only
    changes a switch would silently compare a scenario with itself."""
    if design != "full":
        return
    base = own_form(scenarios[0])
    for scenario, name in zip(scenarios[1:], names[1:], strict=True):
        own = own_form(scenario)
        changed = [k for k in own if own[k] != base[k] and candidates(scenario)[k] == candidates(scenarios[0])[k]]
        if changed:
            switch = changed[0]
            raise InputError(f"{name}: model.{switch} is {own[switch]!r} (the baseline's: {base[switch]!r}), but "
                             f"--uncertainty full averages both over model.candidates.{switch}; compare model forms "
                             "with --uncertainty parameters (or stochastic), or give the variant its own "
                             f"model.candidates.{switch}")


def warn_reference_forms(sets: list[str], plan: Plan) -> None:
    """`--set model.contest_form=...` under the full design: the runs take their forms from the candidates as the
    calibration weighs them (several, or one the calibration kept that may not be the one asked for), so say how to
    fix the form instead."""
    if plan.design != "full":
        return
    for text in sets:
        path, _, value = (part.strip() for part in text.partition("="))
        switch = path.removeprefix("model.")
        if not (path.startswith("model.") and switch in BY_SWITCH):
            continue
        ran = list(dict.fromkeys(f[switch] for f in plan.forms))
        value = value.strip("\"'")  # a TOML string as typed ("difference") names the same form
        if len(ran) > 1 or value not in ran:
            warnings.warn(InputWarning(
                f"--set {path}: under --uncertainty full the runs take model.candidates.{switch} as the calibration "
                f"weighs them ({', '.join(ran)}), not the scenario's own form; to use one form, --set "
                f"'model.candidates.{switch}=[\"{value}\"]' or --uncertainty parameters"), stacklevel=2)
