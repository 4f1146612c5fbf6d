"""Set the drifts of ordinary crime (`crime_drift_sd`, `regional_crime_drift_sd`) from the Police's homicide counts.

Why this script exists
----------------------
The model draws each territory's homicides as a negative-binomial count around its expected level. Those draws are
independent across territories, so a national total of some 13,000 homicides a year barely moves between runs
(about ±1%), while Colombia's national count changed by several per cent a year for reasons the model does not
represent (policing, urban gang pacts, the economy). Held at one level, the model's national forecasts were
overconfident: their 80% intervals held 0–25% of the observed years in the rolling-origin backtest
(docs/validation.md 7.5).

The rule (docs/model.md 7.10) multiplies ordinary crime in every territory by exp(z_m), where z is a random walk with
monthly steps N(0, sigma_C^2) shared by the territories of a run. This script reads the Police series shipped with
the package (`national_series.csv`, `homicides_count_police_siedco`, 2003-2021), takes the standard deviation of its
yearly log changes, and converts it to the monthly step of a random walk whose yearly totals change that much: for a
random walk the difference between two consecutive 12-month means has variance sigma^2 (2 n^2 + 1) / (3 n), n = 12.
It prints the estimate, its standard error and the range the registry uses: from half the estimate (if half of the
yearly variation came from the conflict, which the model represents) to the estimate plus two standard errors.

Each territory's own drift (`regional_crime_drift_sd`) is read from the departments' yearly homicides (the shipped
municipal panel summed by department; those with 300 a year or more, where counting noise is small): the variance of
a department's log change relative to the nation's, less its Poisson part, grows with the lag as a random walk's
does, by 12 sigma_R^2 a year. The slope over lags of one to four years gives sigma_R; from 2008, after the
paramilitaries' demobilisation moved violence between regions (a conflict the model represents), for the default,
and over every year for the top of the range. A municipality's homicides drift more than a department's, which sums
several of them, so the same estimate over the municipalities (those with 100 homicides a year or more) gives the
value the municipal scenarios set (`colombia-2022-municipal`, the backtest's municipal level); its range runs from
the largest municipalities (200 a year or more) to the smaller ones (30 or more, 2003-2021), whose counts also carry
more noise than Poisson's.

The baselines are a year's counts while a scenario starts in a given month: the walks have moved ordinary crime
before the start as after it, so each starts at a level drawn around the counted year's mean with the variance of a
random walk's month around its year's mean (`violence.drift_start_months`, in monthly steps). The last lines print
that variance for each shipped scenario, from its start and the year its territories' homicides count, the value
its `crime_drift_start_months` sets.

Usage::

    python tools/crime_drift.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from totalpeace.data import COLOMBIA
from totalpeace.data.municipal import read_table
from totalpeace.model.violence import drift_start_months
from totalpeace.scenario import load_scenario

SERIES = "homicides_count_police_siedco"
MONTHS = 12
LAGS = (1, 2, 3, 4)  # years
LARGE = 300  # homicides a year: departments whose counts are large enough for the Poisson part to be small
MUNICIPAL_LARGE = {"default": 100, "bottom of the range": 200, "top of the range": 30}  # the same, municipalities
# the year whose homicides each shipped scenario's territories count (their files' headers and data loaders)
COUNTED_YEAR = {"colombia-1998": 1999, "colombia-2012": 2012, "colombia-2017": 2017, "colombia-2022": 2021}


def yearly_counts() -> pd.Series:
    """The Police's national homicides by year (2003-2021), from the package's own copy of the curated series."""
    frame = pd.read_csv(COLOMBIA / "national_series.csv")
    rows = frame[frame["series"] == SERIES]
    return rows.set_index("year")["value"].astype(float).sort_index()


def municipal_counts() -> pd.DataFrame:
    """Homicides by year (rows) and municipality (columns): the shipped municipal panel (Police counts)."""
    panel = read_table("panel.parquet")
    rows = panel[panel["indicator"] == "homicides"]
    return rows.pivot_table(index="year", columns="id", values="value", aggfunc="sum")


def department_counts() -> pd.DataFrame:
    """Homicides by year (rows) and department (columns): the shipped municipal panel summed by department."""
    counts = municipal_counts()
    return counts.T.groupby(counts.columns.str[:2]).sum().T


def regional_step(counts: pd.DataFrame, large_from: float = LARGE) -> tuple[float, list[float], int]:
    """The monthly step of each territory's own random walk: the slope, over `LAGS`, of the variance of its log
    change relative to the nation's (the sum of every column), less the Poisson part (1/n of each year's count), is
    12 sigma_R^2 a year; over the territories with `large_from` homicides a year or more on average."""
    large = counts.loc[:, counts.mean() >= large_from]
    logs, national = np.log(large.clip(lower=0.5)), np.log(counts.sum(axis=1))  # a year without a homicide: half
    excess = []
    for lag in LAGS:
        relative = logs.diff(lag).sub(national.diff(lag), axis=0).to_numpy()
        poisson = ((1.0 / large) + (1.0 / large).shift(lag)).to_numpy()
        excess.append(float(np.nanmean(relative ** 2) - np.nanmean(poisson)))
    slope = float(np.polyfit(LAGS, excess, 1)[0])
    return float(np.sqrt(max(slope, 0.0) / MONTHS)), excess, large.shape[1]


def monthly_step(yearly_sd: float, n: int = MONTHS) -> float:
    """The monthly step of a random walk whose consecutive n-month means differ with standard deviation `yearly_sd`."""
    return yearly_sd / np.sqrt((2 * n * n + 1) / (3 * n))


def main() -> None:
    counts = yearly_counts()
    changes = np.diff(np.log(counts.to_numpy()))
    sd = float(np.std(changes, ddof=1))
    se = sd / np.sqrt(2 * (len(changes) - 1))  # standard error of a standard deviation (normal approximation)
    step, step_se = monthly_step(sd), monthly_step(se)
    print(f"{SERIES}: {len(counts)} years ({counts.index.min()}-{counts.index.max()}), "
          f"{len(changes)} yearly log changes")
    print(f"  mean {changes.mean():+.4f}, standard deviation {sd:.4f} (standard error {se:.4f})")
    print(f"crime_drift_sd (monthly step of the random walk): {step:.4f}")
    print(f"  range: {step / 2:.4f} (half) to {step + 2 * step_se:.4f} (plus two standard errors)")
    counts = department_counts()
    for first, use in ((2008, "default"), (int(counts.index.min()), "top of the range")):
        regional, excess, n = regional_step(counts.loc[first:])
        lags = ", ".join(f"{lag}: {v:.4f}" for lag, v in zip(LAGS, excess, strict=True))
        print(f"regional_crime_drift_sd from {first} ({n} departments; excess variance by lag in years {lags}): "
              f"{regional:.4f} ({use})")
    counts = municipal_counts()
    for use, large in MUNICIPAL_LARGE.items():
        first = int(counts.index.min()) if use == "top of the range" else 2008
        regional, excess, n = regional_step(counts.loc[first:], large)
        lags = ", ".join(f"{lag}: {v:.4f}" for lag, v in zip(LAGS, excess, strict=True))
        print(f"municipal scenarios' regional_crime_drift_sd from {first} ({n} municipalities with {large} homicides "
              f"a year or more; excess variance by lag {lags}): {regional:.4f} ({use})")
    print_starts()


def start_month(scenario: str) -> int:
    """The scenario's first month counted from January of the year its homicide counts cover (1 = that January)."""
    year, month = (int(part) for part in load_scenario(scenario).start.split("-"))
    return (year - COUNTED_YEAR[scenario]) * MONTHS + month


def print_starts() -> None:
    """Each shipped scenario's `crime_drift_start_months`: the value its file sets, with the month it is read from."""
    for scenario in COUNTED_YEAR:
        s = start_month(scenario)
        print(f"crime_drift_start_months of {scenario} (starts in month {s} of its counted year "
              f"{COUNTED_YEAR[scenario]}): {drift_start_months(s):.2f}")


if __name__ == "__main__":
    main()
