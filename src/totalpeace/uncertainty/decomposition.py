"""Where the spread comes from: the law of total variance over the nested design forms > draws > runs.

For an outcome Y (a metric in one year), with F the model form, θ the parameter draw and the rest the run's random
stream,

    Var(Y) = Var_F(E[Y | F]) + E_F[Var_θ(E[Y | F, θ] | F)] + E_F,θ[Var(Y | F, θ)]
           =   structural    +          parameters          +      stochastic.

The plan's cells (one form and one draw, several runs) make each term estimable by the moments of a nested
random-effects analysis of variance (docs/validation.md, "Where the spread comes from"):

- stochastic: per form, the pooled within-cell variance s²_w,f; weighed over forms by the forms' weights w_f;
- parameters: per form, the variance of the cell means B_f less what the runs' noise puts into it, s²_w,f · mean(1/n);
- structural: the weighted variance of the form means less what their own sampling error puts into it,
  Σ w_f (μ_f − μ̄)² − Σ w_f (1 − w_f) B_f / C_f (C_f cells of form f).

Each component is cut at zero and the shares are the components over their sum. The same correction gives the
first-order share of each switch (the variance of the means over that switch's forms, the others averaged by their
weights), the part of the structural share that one switch explains alone. An 80% interval for every share comes
from a bootstrap that resamples cells within each form (the forms themselves are all enumerated, not sampled).
Without parameter draws each run is its own cell and there is no parameter term.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

SOURCES = ("structural", "parameters", "stochastic")
REPLICATES = 200  # bootstrap replicates for the 80% intervals of the shares
LEFT_OUT = 0.10  # forms with fewer than two draws may be left out of the split while their weights add up to this
_BLOCK = 4_000_000  # array elements per bootstrap block (bounds memory for large ensembles)


@dataclass
class Shares:
    """Per outcome (the columns of the values given): each source's variance, share and 80% interval."""

    sources: tuple[str, ...]  # the sources the design includes (the others are None in the summary)
    variance: dict[str, np.ndarray] = field(default_factory=dict)  # source -> (K,)
    share: dict[str, np.ndarray] = field(default_factory=dict)  # source -> (K,), NaN when the total is 0
    low: dict[str, np.ndarray] = field(default_factory=dict)  # 10th percentile of the share over replicates
    high: dict[str, np.ndarray] = field(default_factory=dict)  # 90th percentile
    switches: dict[str, np.ndarray] = field(default_factory=dict)  # switch -> first-order share of the total
    reason: str = ""  # why the shares could not be estimated ("" when they were)
    left_out: float = 0.0  # weight of the forms left out of the split for want of draws

    @property
    def estimated(self) -> bool:
        return not self.reason

    @property
    def total(self) -> np.ndarray:
        return sum(self.variance.values())


def decompose(values: np.ndarray, form_of_run: np.ndarray, cell_of_run: np.ndarray, weights: np.ndarray,
              sources: tuple[str, ...], switch_of_form: dict[str, np.ndarray] | None = None,
              replicates: int = REPLICATES, seed: int = 0) -> Shares:
    """Split the variance of each column of `values` (runs x outcomes) into the `sources` the design includes.

    `form_of_run` indexes `weights` (the forms' weights); `cell_of_run` groups runs that share a form and a draw;
    `switch_of_form[s][f]` is the value index of switch s in form f. Without "parameters" among the sources each
    run is its own cell.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    weights = np.asarray(weights, dtype=float) / np.sum(weights)
    if sources == ("stochastic",):  # one point: all of the spread is the runs' randomness, nothing to estimate
        return _runs_only(values)
    form_of_run = np.asarray(form_of_run)
    cell_of_run = np.asarray(cell_of_run) if "parameters" in sources else np.arange(len(values))
    out = Shares(sources=sources)
    unit = "draws" if "parameters" in sources else "runs"
    units = np.bincount(form_of_run[np.unique(cell_of_run, return_index=True)[1]], minlength=len(weights))
    thin = (units < 2) & (weights > 0)
    if weights[thin].sum() > LEFT_OUT:
        out.reason = (f"too few runs: a model form needs at least two {unit} (here {units[weights > 0].min()} for "
                      "one form)")
        return out
    if thin.any():  # forms of small weight with too few draws: split the spread among the others
        out.left_out = float(weights[thin].sum())
        keep = ~thin[form_of_run]
        values, form_of_run, cell_of_run = values[keep], form_of_run[keep], cell_of_run[keep]
        weights = np.where(thin, 0.0, weights) / weights[~thin].sum()
    cells, first, inverse = np.unique(cell_of_run, return_index=True, return_inverse=True)
    form_of_cell = form_of_run[first]
    if np.any(form_of_run != form_of_cell[inverse]):
        raise ValueError("every run of a cell must have the cell's form")
    present = np.unique(form_of_cell)
    n = np.bincount(inverse, minlength=len(cells)).astype(float)
    if "parameters" in sources and not np.all(np.bincount(form_of_cell, weights=n - 1.0,
                                                          minlength=len(weights))[present] > 0):
        out.reason = "every draw has a single run: stochastic and parameter spread cannot be told apart"
        return out
    if not np.all(np.isfinite(values)):
        values = np.where(np.isfinite(values), values, np.nan)
    order = np.argsort(form_of_cell, kind="stable")  # cells grouped by form, for resampling within forms
    form_of_cell, n = form_of_cell[order], n[order]
    sums = np.zeros((len(cells), values.shape[1]))
    np.add.at(sums, inverse, values)
    means = (sums / np.bincount(inverse)[:, None])[order]
    squares = np.zeros_like(sums)
    np.add.at(squares, inverse, (values - (sums / np.bincount(inverse)[:, None])[inverse]) ** 2)
    squares = squares[order]
    groups = (form_of_cell[None, :] == np.arange(len(weights))[:, None]).astype(float)  # (F, C)
    switches = {s: np.asarray(v) for s, v in (switch_of_form or {}).items() if len(np.unique(v)) > 1}
    point = _components(means[None], squares[None], n[None], groups, weights, switches)
    for source in SOURCES:
        if source in sources:
            out.variance[source] = point[source][0]
    total = out.total
    with np.errstate(invalid="ignore", divide="ignore"):
        for source in out.variance:
            out.share[source] = np.where(total > 0, out.variance[source] / total, np.nan)
        for s in switches:
            out.switches[s] = np.where(total > 0, point[f"switch:{s}"][0] / total, np.nan)
    _bootstrap(out, means, squares, n, groups, weights, form_of_cell, replicates, seed)
    return out


def _runs_only(values: np.ndarray) -> Shares:
    variance = np.var(values, axis=0, ddof=1) if len(values) > 1 else np.zeros(values.shape[1])
    share = np.where(variance > 0, 1.0, np.nan)
    return Shares(sources=("stochastic",), variance={"stochastic": variance}, share={"stochastic": share},
                  low={"stochastic": share}, high={"stochastic": share})


def _components(means: np.ndarray, squares: np.ndarray, n: np.ndarray, groups: np.ndarray, weights: np.ndarray,
                switches: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The three variance components (and each switch's first-order part) for a batch of cell tables:
    means and squares (within-cell sums of squares) are (B, C, K), n is (B, C), groups (F, C) marks each form's
    cells. Returns arrays (B, K), each cut at zero."""
    count = groups.sum(axis=1)  # cells per form
    live = count > 0
    w = np.where(live, weights, 0.0)
    w = w / w.sum()
    safe = np.maximum(count, 1.0)
    form_mean = np.einsum("fc,bck->bfk", groups, means) / safe[None, :, None]
    deviation = means - np.einsum("fc,bfk->bck", groups, form_mean)
    between = np.einsum("fc,bck->bfk", groups, deviation ** 2) / np.maximum(count - 1.0, 1.0)[None, :, None]
    df = np.einsum("fc,bc->bf", groups, n - 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        within = np.einsum("fc,bck->bfk", groups, squares) / df[:, :, None]
        within = np.where(df[:, :, None] > 0, within, between)  # one run per cell: all of it is the runs' noise
        inverse_n = np.einsum("fc,bc->bf", groups, 1.0 / n) / safe[None, :]
    parameter_f = between - within * inverse_n[:, :, None]
    error_f = between / safe[None, :, None]  # variance of each form mean
    centre = np.einsum("f,bfk->bk", w, form_mean)
    out = {
        "stochastic": np.einsum("f,bfk->bk", w, within),
        "parameters": np.einsum("f,bfk->bk", w, parameter_f),
        "structural": _between(form_mean, error_f, w, centre),
    }
    for name, value_of_form in switches.items():
        levels = np.unique(value_of_form)
        members = (value_of_form[None, :] == levels[:, None]) * w[None, :]  # (V, F)
        level_weight = members.sum(axis=1)
        share = members / np.where(level_weight > 0, level_weight, 1.0)[:, None]
        level_mean = np.einsum("vf,bfk->bvk", share, form_mean)
        level_error = np.einsum("vf,bfk->bvk", share ** 2, error_f)
        out[f"switch:{name}"] = np.minimum(_between(level_mean, level_error, level_weight, centre),
                                           np.maximum(out["structural"], 0.0))
    return {k: np.maximum(np.nan_to_num(v, nan=0.0), 0.0) for k, v in out.items()}


def _between(means: np.ndarray, errors: np.ndarray, w: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Σ w (m − centre)² less its expected excess from the means' sampling errors, Σ w (1 − w) Var(m)."""
    spread = np.einsum("f,bfk->bk", w, (means - centre[:, None, :]) ** 2)
    return spread - np.einsum("f,bfk->bk", w * (1.0 - w), errors)


def _bootstrap(out: Shares, means: np.ndarray, squares: np.ndarray, n: np.ndarray, groups: np.ndarray,
               weights: np.ndarray, form_of_cell: np.ndarray, replicates: int, seed: int) -> None:
    """80% intervals of the shares: cells resampled with replacement within each form (a fixed seed, so the same
    runs always give the same intervals)."""
    if replicates < 2:
        return
    rng = np.random.default_rng([seed, 18])
    starts = np.searchsorted(form_of_cell, np.arange(len(weights)))
    ends = np.searchsorted(form_of_cell, np.arange(len(weights)), side="right")
    per_block = max(1, _BLOCK // max(1, means.size))
    shares: dict[str, list[np.ndarray]] = {s: [] for s in out.variance}
    done = 0
    while done < replicates:
        size = min(per_block, replicates - done)
        index = np.empty((size, len(form_of_cell)), dtype=np.int64)
        for lo, hi in zip(starts, ends, strict=True):
            if hi > lo:
                index[:, lo:hi] = rng.integers(lo, hi, size=(size, hi - lo))
        parts = _components(means[index], squares[index], n[index], groups, weights, {})
        total = sum(parts[s] for s in out.variance)
        with np.errstate(invalid="ignore", divide="ignore"):
            for s in out.variance:
                shares[s].append(np.where(total > 0, parts[s] / total, np.nan))
        done += size
    for s, blocks in shares.items():
        with warnings.catch_warnings():  # an outcome without spread has no share in any replicate
            warnings.simplefilter("ignore", RuntimeWarning)
            out.low[s], out.high[s] = np.nanpercentile(np.concatenate(blocks), [10, 90], axis=0)
