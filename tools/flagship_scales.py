"""Scale the flagship's displacement and confinement to the last national levels observed before it.

Why this script exists
----------------------
Two outcome rules of docs/model.md 7.10 turn the month's violence into counts no other rule reads: the persons
forcibly displaced (`displacement_per_killing` per conflict killing) and the persons confined (`confinement_rate` per
armed member where groups compete, at the rural share). Their registry values are set from one sourced figure each
by tools/outcome_scales.py: displacement from the Victims' Registry's 2013-2016 (`colombia-2012`), confinement from
OCHA's Chocó figures of 2018-2019 (`colombia-2017`), at the registry defaults. The pattern catalogue then checks the
national levels of 2018-2021 and 2020-2021 on `colombia-2017`, and both miss them by about twice
(docs/validation.md 10.45): the displaced per Police homicide fell from 19.2 (2013-2016) to 13.0 (2018-2021) once
the FARC had demobilised, a change of regime no rule of the model represents, and the model's confinement is spread
over every contested rural department while OCHA's is concentrated on the Pacific's collective territories. The
flagship forecasts from August 2022, in the regime of 2018-2021, and reports national counts.

So the flagship scales both rules to the last national levels observed before its start, where its forecasts are
made: over the calibration it runs with (its posterior draws and the assumptions drawn as `run` draws them,
`totalpeace validate`), the rate at which the median run of `colombia-2017` meets the RUV's mean of 2018-2021
(167,226 displaced a year) and OCHA's national mean of 2020-2021 (69,950 confined a year). Both counts are
proportional to their rate run by run (no other rule reads them), so one ensemble at the registry's rates gives the
scale, rate x observed / median, averaged over two seeds (one seed's median moves it by about 4%).

`colombia-2022` sets the two values in `[parameters]`. The historical scenarios keep the registry's, so the
catalogue's `displacement-level` and `confinement-level` stay checks of the registry's scales out of their period;
the flagship's `start-displacement` and `start-confinement` read the figures its scales are set from, and say so.
Rerun this after a recalibration, then tools/municipal_scales.py (the municipal flagship carries the confinement
rate).

Usage::

    python tools/flagship_scales.py [--seeds 1,2] [--workers K]
"""

from __future__ import annotations

import argparse

import pandas as pd
from pattern_table import pattern_table  # tools/ is on the path

from totalpeace.scenario.params import BY_NAME

# pattern -> the rate whose count it measures
SCALED = {"displacement-level": "displacement_per_killing", "confinement-level": "confinement_rate"}


def scaled_rates(table: pd.DataFrame, rates: dict[str, float]) -> dict[str, tuple[float, float, float]]:
    """For each scaled pattern of a `validate` table (indexed by pattern, with `observed_value` and `median`) measured
    at `rates`: (the rate measured at, the median, the rate at which the median meets the observation)."""
    out = {}
    for pattern, rate in SCALED.items():
        observed, median = float(table.loc[pattern, "observed_value"]), float(table.loc[pattern, "median"])
        if not median > 0:
            raise SystemExit(f"{pattern}: the median run counts {median}; no rate scales it to {observed:,.0f}")
        out[rate] = (rates[rate], median, rates[rate] * observed / median)
    return out


def measured(seed: int, workers: int, draws: int | None = None) -> pd.DataFrame:
    """The two level patterns at the registry's rates, over the flagship's calibration (`totalpeace validate`, the
    command a reader would run; `draws` posterior draws instead of its default, for a quicker, noisier figure)."""
    return pattern_table(tuple(SCALED), seed, workers, ["--draws", str(draws)] if draws else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2", help="seeds to average over, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rates = {rate: BY_NAME[rate].default for rate in SCALED.values()}
    flagship: dict[str, list[float]] = {rate: [] for rate in rates}
    print(f"{'seed':>4s} {'rate':26s} {'registry':>10s} {'median run':>12s} {'observed':>10s} {'flagship':>10s}")
    for seed in (int(s) for s in args.seeds.split(",")):
        table = measured(seed, args.workers)
        found = scaled_rates(table, rates)
        for pattern, rate in SCALED.items():
            value, median, scaled = found[rate]
            flagship[rate].append(scaled)
            print(f"{seed:4d} {rate:26s} {value:10.4g} {median:12,.0f} {table.loc[pattern, 'observed_value']:10,.0f} "
                  f"{scaled:10.4g}", flush=True)
    print("\ncolombia-2022's [parameters]: " + ", ".join(f"{rate} = {sum(v) / len(v):.3g}"
                                                       for rate, v in flagship.items()))


if __name__ == "__main__":
    main()
