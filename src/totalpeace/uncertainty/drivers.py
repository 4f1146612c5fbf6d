"""Which unidentified assumptions move an outcome: rank correlations over the cells of the run plan.

Each cell of a plan draws one value of every unidentified assumption (uncertainty/assumptions.py), so an ensemble
is also a sample of the assumptions. For an outcome (a metric in one year, as summary.json gives it) the mean over a
cell's runs is set against each assumption's draw with Spearman's rank correlation ρ. With a hundred assumptions
some correlate by chance, so an assumption is named only when it survives the Benjamini-Hochberg procedure at a
false discovery rate of 10% over all the assumptions for that outcome (p-values of the t approximation to ρ, as
`scipy.stats.spearmanr` computes them). The correlations are first-order and in the sample's own mix of forms and
particles: they say which assumption, alone, most orders the outcome, not its share of the variance.

A plan draws a hundred or so cells, so two assumptions can be correlated in it by chance (in a matched sample, also
by what history rejects); the weaker of the two then correlates with the outcome through the stronger one. So the
discoveries are named strongest first, and each after the first only when its partial rank correlation with the
outcome, given the assumptions already named, still passes the procedure's own cut-off (the largest p-value it
rejected): a confounded assumption is dropped, a second driver is kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats as sps

from totalpeace.uncertainty.plan import Plan

FDR = 0.10  # Benjamini-Hochberg false discovery rate over one outcome's assumptions
TOP = 3  # assumptions named per outcome
MIN_CELLS = 20  # fewer cells cannot tell a correlation from chance


def cell_means(plan: Plan, run_ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cells x assumptions) draws and (cells x outcomes) means over each cell's runs."""
    _, cell_of = plan.run_labels(run_ids)
    first = plan.cells[0].index
    counts = np.bincount(cell_of - first, minlength=len(plan.cells)).astype(float)
    sums = np.zeros((len(plan.cells), values.shape[1]))
    np.add.at(sums, cell_of - first, values)
    kept = counts > 0
    draws = np.array([c.assumed for c in plan.cells], dtype=float)
    return draws[kept], sums[kept] / counts[kept, None]


def rank_correlations(draws: np.ndarray, outcome: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spearman's ρ of each column of `draws` with `outcome`, and its two-sided p-value (NaN where either side is
    constant)."""
    return _correlations(centred_ranks(draws), centred_outcome(outcome))


def centred_ranks(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's ranks less their mean, and their sums of squares: the draws' half of every correlation, the
    same for all of a plan's outcomes."""
    ranked = sps.rankdata(draws, axis=0)
    rc = ranked - ranked.mean(axis=0)
    return rc, (rc ** 2).sum(axis=0)


def centred_outcome(outcome: np.ndarray) -> np.ndarray:
    """The outcome's ranks less their mean: its half of every correlation, plain and partial."""
    y = sps.rankdata(outcome)
    return y - y.mean()


def _correlations(centred: tuple[np.ndarray, np.ndarray], yc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rc, squares = centred
    n = len(yc)
    denom = np.sqrt(squares * (yc ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = (rc * yc[:, None]).sum(axis=0) / denom
        t = rho * np.sqrt((n - 2) / np.clip(1 - rho ** 2, 1e-300, None))
    p = 2 * sps.t.sf(np.abs(t), n - 2)
    return rho, p


def discoveries(p: np.ndarray, rate: float = FDR) -> np.ndarray:
    """Benjamini-Hochberg: which hypotheses are rejected at false discovery rate `rate` (NaN p-values never are)."""
    finite = np.isfinite(p)
    out = np.zeros(len(p), dtype=bool)
    if finite.any():
        out[finite] = sps.false_discovery_control(p[finite], method="bh") <= rate
    return out


def partial_p_value(centred: np.ndarray, given: list[int], j: int, outcome_centred: np.ndarray) -> float:
    """Two-sided p-value of the partial rank correlation of column `j` with the outcome, given the columns `given`
    (centred ranks throughout: both sides' ranks are regressed on the given ones and their residuals correlated; the
    t approximation on n - 2 - len(given) degrees of freedom)."""
    z = centred[:, given]
    dof = len(outcome_centred) - 2 - len(given)
    if dof < 1:
        return float("nan")
    residual_x = centred[:, j] - z @ np.linalg.lstsq(z, centred[:, j], rcond=None)[0]
    residual_y = outcome_centred - z @ np.linalg.lstsq(z, outcome_centred, rcond=None)[0]
    denom = np.sqrt((residual_x ** 2).sum() * (residual_y ** 2).sum())
    if not np.isfinite(denom) or denom <= 0:
        return float("nan")
    r = float((residual_x * residual_y).sum() / denom)
    t = r * np.sqrt(dof / max(1.0 - r * r, 1e-300))
    return float(2 * sps.t.sf(abs(t), dof))


def named_drivers(centred: tuple[np.ndarray, np.ndarray], outcome: np.ndarray, top: int = TOP,
                  rate: float = FDR) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The columns named for one outcome (strongest first; see the module's docstring), with every column's ρ and
    p-value."""
    yc = centred_outcome(outcome)
    rho, p = _correlations(centred, yc)
    found = np.flatnonzero(discoveries(p, rate))
    if not found.size:
        return [], rho, p
    cutoff = float(p[found].max())
    named: list[int] = []
    for j in found[np.argsort(-np.abs(rho[found]), kind="stable")]:
        if len(named) == top:
            break
        if named and not partial_p_value(centred[0], named, int(j), yc) <= cutoff:
            continue
        named.append(int(j))
    return named, rho, p


def drivers(plan: Plan, run_ids: np.ndarray, keys: list[tuple[str, str]], values: np.ndarray,
            top: int = TOP) -> dict[str, Any] | None:
    """summary.json's `assumption_drivers`: per metric and year, the assumptions that order the outcome (the
    strongest `top` of the discoveries, by |ρ|). None when the plan draws no assumptions or has too few cells."""
    if not plan.assumptions or len(plan.cells) < MIN_CELLS:
        return None
    draws, means = cell_means(plan, run_ids, values)
    names = plan.assumptions.names
    centred = centred_ranks(draws)
    table: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for k, (metric, year) in enumerate(keys):
        found, rho, p = named_drivers(centred, means[:, k], top)
        table.setdefault(metric, {})[year] = [{"parameter": names[j], "rho": round(float(rho[j]), 3),
                                               "p": float(f"{p[j]:.3g}")} for j in found]
    return {"method": f"Spearman's rank correlation over {len(means)} cells between each assumption's draw and the "
                      f"outcome's mean over the cell's runs; named when it survives Benjamini-Hochberg at a false "
                      f"discovery rate of {FDR:.0%} over the {len(names)} assumptions and, after the strongest, when "
                      f"its partial rank correlation given those named before it still does (docs/validation.md "
                      f"11.6)",
            "cells": len(means), "assumptions": len(names), "by_metric": table}
