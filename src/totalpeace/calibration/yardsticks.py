"""How far a particle's runs are from each pattern of the catalogue, in units of the pattern's own band.

The calibration compares exactly what the validation report shows: each pattern's statistic per run
(`pattern_runs.pattern_values`), summarised over the particle's runs as `summary_vector` does (the median), against
`observed_vector`. The difference is measured in half-widths of the pattern's band (the observation's uncertainty,
set by the catalogue's band rules before any model run), so a group size off by its band counts as much as a talks
duration off by its band:

- a two-sided band around a positive value: on the log scale, z = (log x - log y) / ((log high - log low) / 2);
- a one-sided criterion with an ideal value (an error <= 0.1, ideal 0; a share >= 0.8, ideal 1): z = (x - ideal) /
  |bound - ideal|;
- a yes/no pattern (band of zero width): the share of runs where it happens, z = (share - 1) / 0.5.

A run where the statistic is undefined (the table never signs, never breaks down) counts as an infinitely late event
(the median of a particle whose runs mostly never sign is "never"), and |z| is capped at Z_CAP: a pattern the model
cannot approach counts as a fixed miss and does not drown the others. Patterns that only fix a direction (no observed
value) or that the scenario's inputs fix (`Pattern.dependence`) are not used.

The signed discrepancy of the median tells which way a particle misses (the screening's elementary effects and the
posterior's `z:` columns), and by default the distance is the RMS of these. A spec may score every run instead
(`distance = "crps"`): the continuous ranked probability score of the particle's runs against the observation, in the
same capped half-bands (`score`). The median is blind to a minority of runs that miss: a particle whose talks never
sign in two runs of six has the median of one that always signs, while the validation report counts in how many runs a
pattern is reproduced. The CRPS is |z| when the runs agree, grows with the share of runs that miss and does not reward
spread (Gneiting and Raftery 2007, a strictly proper score): where a share q of the runs miss by the cap and the
others hit, it is Z_CAP q^2, and for a yes/no pattern that happens with chance p it is 2 (1 - p)^2 in half-bands (the
Brier score).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from totalpeace.validation.pattern_runs import observed_vector
from totalpeace.validation.patterns import Pattern, load_observations

Z_CAP = 5.0


@dataclass(frozen=True)
class Yardstick:
    """One pattern's observed value, scale and how a particle's runs are summarised."""

    pattern: str
    observed: float
    scale: float  # half a band, on the transformed scale
    log: bool
    indicator: bool  # yes/no pattern: summarised by the share of runs where it happens


def yardstick(pattern: Pattern) -> Yardstick | None:
    """The pattern's yardstick, or None when it cannot inform a calibration (direction only, or not independent)."""
    if pattern.dependence:
        return None
    observed = float(observed_vector([pattern])[0])
    if not np.isfinite(observed):
        return None
    criterion = pattern.criterion_for(load_observations()[pattern.observation])
    low, high = criterion.low, criterion.high
    if np.isfinite(low) and np.isfinite(high):
        if low == high:
            return Yardstick(pattern.id, observed, 0.5, log=False, indicator=True)
        if low > 0 and observed > 0:
            return Yardstick(pattern.id, observed, (np.log(high) - np.log(low)) / 2, log=True, indicator=False)
        return Yardstick(pattern.id, observed, (high - low) / 2, log=False, indicator=False)
    bound = low if np.isfinite(low) else high
    scale = abs(bound - observed) or max(abs(bound), 1.0)
    return Yardstick(pattern.id, observed, scale, log=False, indicator=False)


def _runs(stick: Yardstick, values: np.ndarray) -> np.ndarray:
    """Each run's value as the yardstick reads it: an undefined run is a never-happening event (infinitely late, or
    0 for a yes/no pattern)."""
    v = np.asarray(values, dtype=float)
    return np.nan_to_num(v, nan=0.0) if stick.indicator else np.where(np.isfinite(v), v, np.inf)


def summary(stick: Yardstick, values: np.ndarray) -> float:
    """A particle's summary of one pattern over its runs: the median (undefined runs count as never), or for a yes/no
    pattern the share of runs where it happens."""
    v = _runs(stick, values)
    return float(np.mean(v) if stick.indicator else np.median(v))


def _capped(stick: Yardstick, x: np.ndarray) -> np.ndarray:
    """Signed distances of values x from the observation, in half-bands, capped at +-Z_CAP (infinitely late and
    undefined at +Z_CAP, zero or less on a log scale at -Z_CAP)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if stick.log:
            z = (np.log(np.where(x > 0, x, 0.0)) - np.log(stick.observed)) / stick.scale
        else:
            z = (x - stick.observed) / stick.scale
    return np.clip(np.nan_to_num(z, nan=Z_CAP, posinf=Z_CAP, neginf=-Z_CAP), -Z_CAP, Z_CAP)


def run_discrepancies(stick: Yardstick, values: np.ndarray) -> np.ndarray:
    """Each run's signed distance from the observation, in capped half-bands (an undefined run counts as a
    never-happening event, +Z_CAP; for a yes/no pattern, a run where it does not happen is -2)."""
    return _capped(stick, _runs(stick, values))


def score(stick: Yardstick, values: np.ndarray) -> float:
    """The particle's continuous ranked probability score on one pattern, in half-bands: mean |z| over its runs less
    half the mean |z_i - z_j| over pairs of distinct runs (the unbiased, 'fair' estimate of the score of the
    distribution the runs are drawn from; Ferro 2014). 0 when every run hits the observation."""
    z = run_discrepancies(stick, values)
    n = len(z)
    if n == 0:
        return Z_CAP
    spread = np.abs(z[:, None] - z[None, :]).sum() / (n * (n - 1)) if n > 1 else 0.0
    return float(max(np.mean(np.abs(z)) - 0.5 * spread, 0.0))


def discrepancy(stick: Yardstick, values: np.ndarray) -> float:
    """Signed distance of the particle's summary from the observation, in half-bands, capped at +-Z_CAP."""
    return float(_capped(stick, np.array([summary(stick, values)]))[0])


def distance(scores: np.ndarray) -> float:
    """The particle's distance: the root mean square of its patterns' scores (a typical miss, in half-bands)."""
    return float(np.sqrt(np.mean(np.square(scores))))


def usable(patterns: Sequence[Pattern]) -> dict[str, Yardstick]:
    """Yardsticks of the patterns that can inform a calibration, by pattern id."""
    return {p.id: s for p in patterns if (s := yardstick(p)) is not None}
