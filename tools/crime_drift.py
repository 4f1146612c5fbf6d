"""Set the drifts of ordinary crime (`crime_drift_sd`, `regional_crime_drift_sd`, `crime_reversion`) from the Police's
homicide counts.

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

A territory's homicide rate also falls back toward the nation's (`crime_reversion`): regressing the yearly change of a
department's log count relative to the nation's on its log rate above the nation's the year before (weighted by its
count, 2008-2021 for the default as for the drift, 2003-2012 printed beside it, the years known when the first
scored scenario starts) gives the share of the gap that closes in a year. Part of it is the counted year's own noise
(a high count is partly chance, and the next year's is not), which a start set from one year's count inherits as
well; the slope on the gap two years back, free of that noise, is printed beside it. The drift's step is read net of
the pull: the relative changes less the share of the gap the pull closes over the lag. The municipal scenarios' value
is the same estimate over the municipalities with 100 homicides a year or more. The last check is on the data alone:
the departments' counts one and two years ahead from each origin 2012-2019, as the last count carried forward and
pulled toward the nation's rate, mean absolute errors.

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


def municipal_population() -> pd.DataFrame:
    """People by year (rows) and municipality (columns): the shipped municipal panel (DANE)."""
    panel = read_table("panel.parquet")
    rows = panel[panel["indicator"] == "population"]
    return rows.pivot_table(index="year", columns="id", values="value", aggfunc="sum")


def by_department(frame: pd.DataFrame) -> pd.DataFrame:
    """A municipal table (years by municipality) summed by department (the code's first two digits)."""
    return frame.T.groupby(frame.columns.str[:2]).sum().T


def gaps(counts: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Each territory's log homicide rate above the nation's, by year (NaN where it counted none)."""
    rates = counts.where(counts > 0) / population.reindex(index=counts.index, columns=counts.columns)
    return np.log(rates).sub(np.log(counts.sum(axis=1) / population.reindex(counts.index).sum(axis=1)), axis=0)


def reversion(counts: pd.DataFrame, population: pd.DataFrame, large_from: float = 0.0, back: int = 1) -> float:
    """The share of its gap to the nation's rate a territory closes in a year: minus the slope of the yearly change
    of its log count relative to the nation's on its gap `back` years before the change starts (1: the year the
    change starts from; 2: the year before, free of that year's counting noise), weighted by its count, over the
    territories with `large_from` homicides a year or more on average and a count in both years."""
    counts = counts.loc[:, counts.mean() >= large_from]
    national = np.log(counts.sum(axis=1))
    change = np.log(counts.where(counts > 0)).diff().shift(-1).sub(national.diff().shift(-1), axis=0)
    x = gaps(counts, population).shift(back - 1)
    frame = pd.DataFrame({"x": x.stack(), "y": change.stack(), "w": counts.stack()}).dropna()
    slope = np.polyfit(frame["x"], frame["y"], 1, w=np.sqrt(frame["w"]))[0]
    return float(-slope)


def regional_step(counts: pd.DataFrame, large_from: float = LARGE, population: pd.DataFrame | None = None,
                  pull: float = 0.0) -> tuple[float, list[float], int]:
    """The monthly step of each territory's own random walk: the slope, over `LAGS`, of the variance of its log
    change relative to the nation's (the sum of every column), less the Poisson part (1/n of each year's count), is
    12 sigma_R^2 a year; over the territories with `large_from` homicides a year or more on average. With a yearly
    `pull` (crime_reversion) the changes are read net of it: plus the share 1 - (1 - pull)^lag of the gap the lag
    starts from."""
    large = counts.loc[:, counts.mean() >= large_from]
    logs, national = np.log(large.clip(lower=0.5)), np.log(counts.sum(axis=1))  # a year without a homicide: half
    gap = gaps(counts, population)[large.columns].fillna(0.0) if population is not None else 0.0 * logs
    excess = []
    for lag in LAGS:
        relative = (logs.diff(lag).sub(national.diff(lag), axis=0) + (1 - (1 - pull) ** lag) * gap.shift(lag))
        poisson = ((1.0 / large) + (1.0 / large).shift(lag)).to_numpy()
        excess.append(float(np.nanmean(relative.to_numpy() ** 2) - np.nanmean(poisson)))
    slope = float(np.polyfit(LAGS, excess, 1)[0])
    return float(np.sqrt(max(slope, 0.0) / MONTHS)), excess, large.shape[1]


def forecast_errors(counts: pd.DataFrame, population: pd.DataFrame, pull: float, ahead: int) -> tuple[float, float]:
    """Mean absolute error of the departments' counts `ahead` years after each origin 2012-2019 (within the data):
    the origin's count carried forward, and the same pulled toward the nation's rate (the count times
    exp(-(1 - (1 - pull)^ahead) gap)); the check on the data alone."""
    gap = gaps(counts, population).fillna(0.0)
    held, pulled = [], []
    for origin in range(2012, 2020):
        if origin + ahead not in counts.index:
            continue
        last, observed = counts.loc[origin], counts.loc[origin + ahead]
        held.append(float((last - observed).abs().mean()))
        moved = last * np.exp(-(1 - (1 - pull) ** ahead) * gap.loc[origin])
        pulled.append(float((moved - observed).abs().mean()))
    return float(np.mean(held)), float(np.mean(pulled))


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
    counts, people = department_counts(), by_department(municipal_population())
    pull = reversion(counts.loc[2008:], people)
    early, every = reversion(counts.loc[2003:2012], people), reversion(counts.loc[2003:], people)
    print(f"crime_reversion from 2008 ({counts.shape[1]} departments): {pull:.4f} (default); 2003-2012: "
          f"{early:.4f}, 2003-2021: {every:.4f}; on the gap two years back (no counting noise), from 2008: "
          f"{reversion(counts.loc[2008:], people, back=2):.4f}")
    for first, use in ((2008, "default"), (int(counts.index.min()), "top of the range")):
        regional, excess, n = regional_step(counts.loc[first:], LARGE, people, pull)
        lags = ", ".join(f"{lag}: {v:.4f}" for lag, v in zip(LAGS, excess, strict=True))
        print(f"regional_crime_drift_sd from {first} ({n} departments; excess variance by lag in years {lags}, net "
              f"of the pull): {regional:.4f} ({use})")
    for ahead in (1, 2):
        held, pulled = forecast_errors(counts, people, pull, ahead)
        print(f"departments {ahead} year(s) ahead, origins 2012-2019, mean absolute error: last count {held:.1f}, "
              f"pulled toward the nation's rate {pulled:.1f}")
    counts, people = municipal_counts(), municipal_population()
    large = MUNICIPAL_LARGE["default"]
    municipal_pull = reversion(counts.loc[2008:], people, large)
    print(f"municipal scenarios' crime_reversion from 2008 (municipalities with {large} homicides a year or more): "
          f"{municipal_pull:.4f} (default); on the gap two years back: "
          f"{reversion(counts.loc[2008:], people, large, back=2):.4f}")
    for use, large in MUNICIPAL_LARGE.items():
        first = int(counts.index.min()) if use == "top of the range" else 2008
        regional, excess, n = regional_step(counts.loc[first:], large, people, municipal_pull)
        lags = ", ".join(f"{lag}: {v:.4f}" for lag, v in zip(LAGS, excess, strict=True))
        print(f"municipal scenarios' regional_crime_drift_sd from {first} ({n} municipalities with {large} homicides "
              f"a year or more; excess variance by lag {lags}, net of the pull): {regional:.4f} ({use})")
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
