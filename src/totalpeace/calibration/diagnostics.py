"""What a calibration can claim: which parameters the patterns identify, how often the posterior predictive runs
reproduce each pattern (beside the prior predictive), and how history weighs the model forms.

- Identifiability: each parameter's posterior standard deviation over its prior's (uniform: width / sqrt(12)), the
  contraction 1 - var_post / var_prior (Schad, Betancourt & Vasishth 2021), the strongest posterior correlation with
  another parameter, and a plain verdict: identified (sd ratio below 0.5), partly identified (below 0.8), not
  identified (the data leave most of its prior spread).
- Predictive checks: the share of runs that meet each pattern's criterion — the number the validation report shows —
  for runs drawn from the prior and from the posterior (fresh runs, not the accepted particles' own simulations).
- Form weights: stacking of predictive distributions (Yao, Vehtari, Simpson & Gelman 2018) over the patterns, where a
  form's predictive probability of a pattern is the smoothed share of its posterior predictive runs inside the
  pattern's band ((hits + 1/2) / (runs + 1)), averaged over Bayesian-bootstrap replicates (Rubin 1981): each replicate
  weighs the patterns by a Dirichlet(1, ..., 1) draw and each form's probability of each band by a draw from its
  Jeffreys posterior Beta(hits + 1/2, misses + 1/2). Thirty-odd patterns and a few hundred runs per form cannot tell
  apart forms whose scores differ by less than their noise, and stacking on the point estimates then puts nearly all
  the weight on whichever form the noise favours; the average keeps the weight such forms share (Yao et al.'s
  pseudo-BMA+ applies the same bootstrap to pseudo-BMA). The point stacking weights, pseudo-BMA weights exp(sum of
  log scores) and the ABC posterior probability (the share of particles in each form) are stored beside them. The
  scores are in-sample: the patterns that weigh the forms also fitted their parameters. Where no form kept particles
  enough for predictive runs, the weights fall back to the ABC probability, so a calibration never ships weights that
  are all zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from totalpeace.calibration.problem import Statistics
from totalpeace.validation.patterns import Pattern, load_observations

IDENTIFIED, PARTLY = 0.5, 0.8  # posterior sd over prior sd below which a parameter is (partly) identified
EDGE = 0.05  # an interval end within this share of the prior's width from a bound is "against" it
STRONG_CORRELATION = 0.6
BOOTSTRAP_REPLICATES = 1000  # Bayesian-bootstrap replicates the form weights average over
BOOTSTRAP_SEED = 20180101  # fixed: the same predictive checks always give the same weights


def identifiability(frame: pd.DataFrame, bounds: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """One row per calibrated parameter: prior and posterior spread, contraction, correlation and verdict."""
    weights = frame["weight"].to_numpy(float)
    weights = weights / weights.sum()
    names = list(bounds)
    values = frame[names].to_numpy(float)
    mean = weights @ values
    centred = values - mean
    cov = (centred * weights[:, None]).T @ centred
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    corr = cov / np.outer(np.where(sd > 0, sd, 1.0), np.where(sd > 0, sd, 1.0))
    rows = []
    for i, name in enumerate(names):
        lo, hi = bounds[name]
        prior_sd = (hi - lo) / np.sqrt(12.0)
        q05, q50, q95 = (_quantile(values[:, i], weights, q) for q in (0.05, 0.5, 0.95))
        ratio = float(sd[i] / prior_sd)
        others = [(abs(corr[i, j]), corr[i, j], names[j]) for j in range(len(names)) if j != i]
        strongest = max(others, default=(0.0, 0.0, ""))
        verdict = "identified" if ratio < IDENTIFIED else "partly identified" if ratio < PARTLY else "not identified"
        edge = ("lower" if q05 - lo < EDGE * (hi - lo) and q50 - lo < 0.25 * (hi - lo) else
                "upper" if hi - q95 < EDGE * (hi - lo) and hi - q50 < 0.25 * (hi - lo) else "")
        rows.append({"parameter": name, "prior_low": lo, "prior_high": hi, "median": q50, "q05": q05, "q95": q95,
                     "prior_sd": prior_sd, "posterior_sd": float(sd[i]), "sd_ratio": ratio,
                     "contraction": 1.0 - ratio**2, "correlated_with": strongest[2],
                     "correlation": float(strongest[1]), "against_bound": edge, "verdict": verdict,
                     "explanation": _explain(name, ratio, verdict, edge, strongest)})
    return pd.DataFrame(rows)


def _quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values, kind="stable")
    cdf = np.cumsum(weights[order])
    return float(values[order][min(int(np.searchsorted(cdf, q * cdf[-1])), len(values) - 1)])


def _explain(name: str, ratio: float, verdict: str, edge: str, strongest: tuple[float, float, str]) -> str:
    text = f"The patterns leave {name} {ratio:.0%} of its prior spread: {verdict}."
    if edge:
        text += (f" The posterior presses against the {edge} end of the prior: the patterns ask for a value beyond "
                 "the plausible range, a sign that something structural is missing rather than a measurement.")
    if strongest[0] >= STRONG_CORRELATION:
        text += (f" It is tied to {strongest[2]} (posterior correlation {strongest[1]:+.2f}): the data fix a "
                 "combination of the two better than either.")
    return text


def predictive_rows(patterns: Sequence[Pattern], draws: Sequence[Statistics], ensemble: str,
                    left_out: dict[str, str]) -> list[dict]:
    """Per pattern: the share of runs (over all draws) meeting its criterion, the median and 80% interval."""
    observations = load_observations()
    rows = []
    for p in patterns:
        values = [d[p.id] for d in draws if p.id in d]
        row = {"ensemble": ensemble, "pattern": p.id, "runs": 0, "share": np.nan, "median": np.nan, "q10": np.nan,
               "q90": np.nan, "undefined": np.nan, "produced": bool(values)}
        if values:
            v = np.concatenate(values)
            finite = v[np.isfinite(v)]
            row.update(runs=int(v.size), share=float(p.criterion_for(observations[p.observation]).holds(v).mean()),
                       undefined=float(1.0 - np.isfinite(v).mean()))
            if finite.size:
                row["q10"], row["median"], row["q90"] = (float(x) for x in np.quantile(finite, [0.1, 0.5, 0.9]))
        row["note"] = left_out.get(p.id, "")
        rows.append(row)
    return rows


def smoothed_hits(share: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """A predictive probability of the band from a share of runs: (hits + 1/2) / (runs + 1), never 0 or 1."""
    return (share * runs + 0.5) / (runs + 1.0)


def stacking_weights(scores: np.ndarray, iterations: int = 2000) -> np.ndarray:
    """Weights w on the simplex maximising sum_p log sum_k w_k scores[k, p] (forms x patterns), by the EM fixed
    point for mixture weights (monotone; the objective is concave)."""
    patterns = scores.shape[1]
    return _stack(scores[None], np.full((1, patterns), 1.0 / patterns), iterations)[0]


def _stack(scores: np.ndarray, pattern_weights: np.ndarray, iterations: int) -> np.ndarray:
    """Stacking weights (replicates x forms) maximising sum_p pi_p log sum_k w_k scores[b, k, p] for each replicate b,
    by the EM fixed point for mixture weights, all replicates at once (pi sums to 1 in each replicate)."""
    replicates, k, _ = scores.shape
    w = np.full((replicates, k), 1.0 / k)
    for _ in range(iterations):
        mix = np.einsum("bk,bkp->bp", w, scores)
        new = w * np.einsum("bkp,bp->bk", scores, pattern_weights / mix)
        new /= new.sum(axis=1, keepdims=True)
        if np.max(np.abs(new - w)) < 1e-12:
            return new
        w = new
    return w


def bootstrap_stacking_weights(share: np.ndarray, runs: np.ndarray, replicates: int = BOOTSTRAP_REPLICATES,
                               seed: int = BOOTSTRAP_SEED, iterations: int = 2000) -> np.ndarray:
    """Stacking weights averaged over Bayesian-bootstrap replicates (forms,): in each, the patterns get Dirichlet(1)
    weights and each form's probability of each band a draw from Beta(hits + 1/2, misses + 1/2), so that the weights
    carry the uncertainty of scores estimated from a few patterns and a few hundred runs. `share` and `runs` are
    forms x patterns. Runs are taken as independent (a form's runs repeat its particles, so its scores are noisier
    still)."""
    rng = np.random.default_rng(seed)
    hits = share * runs
    pattern_weights = rng.dirichlet(np.ones(share.shape[1]), size=replicates)
    scores = rng.beta(hits + 0.5, runs - hits + 0.5, size=(replicates, *share.shape))
    return _stack(scores, pattern_weights, iterations).mean(axis=0)


def form_table(labels: Sequence[str], forms: Sequence[dict], particles: Sequence[int],
               shares: dict[str, pd.DataFrame], calibrated: Sequence[str]) -> pd.DataFrame:
    """One row per form: particles, ABC probability, log pattern score, patterns reproduced, the weight the run plans
    use (stacking averaged over Bayesian-bootstrap replicates), point stacking and pseudo-BMA weights.
    `shares[label]` holds the form's posterior predictive rows (pattern, share, runs); a form without particles gets
    weight 0."""
    total = max(1, sum(particles))
    rows = []
    scored = [lab for lab, n in zip(labels, particles, strict=True) if n > 0 and lab in shares]
    parts = [shares[lab].set_index("pattern").loc[list(calibrated)] for lab in scored]
    share = np.array([p["share"].to_numpy(float) for p in parts]).reshape(len(scored), len(calibrated))
    runs = np.array([p["runs"].to_numpy(float) for p in parts]).reshape(len(scored), len(calibrated))
    logs = np.log(smoothed_hits(share, runs))
    stack = stacking_weights(np.exp(logs)) if len(scored) else np.array([])
    boot = bootstrap_stacking_weights(share, runs) if len(scored) else np.array([])
    score = logs.sum(axis=1) if len(scored) else np.array([])
    bma = np.exp(score - score.max()) / np.exp(score - score.max()).sum() if len(scored) else np.array([])
    for lab, form, n in zip(labels, forms, particles, strict=True):
        row = {"form": lab, **form, "particles": int(n), "abc_probability": n / total, "score": np.nan,
               "reproduced": np.nan, "mean_share": np.nan, "bootstrap_weight": 0.0, "stacking_weight": 0.0,
               "pseudo_bma_weight": 0.0}
        if lab in scored:
            i = scored.index(lab)
            part = parts[i]
            row.update(score=float(score[i]), reproduced=int((part["share"] >= 0.5).sum()),
                       mean_share=float(part["share"].mean()), bootstrap_weight=float(boot[i]),
                       stacking_weight=float(stack[i]),
                       pseudo_bma_weight=float(bma[i]))
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["weight"] = frame["bootstrap_weight"] if scored else frame["abc_probability"]
    frame["weight_basis"] = "bootstrapped stacking" if scored else "abc_probability"
    return frame
