"""Set the share of homicides the armed groups commit from the homicide patterns, at the calibration's point.

Why this script exists
----------------------
`armed_violence_share` (w_v, docs/model.md 7.10) fixes at the start how many of the observed homicides the armed
groups commit; the rest is ordinary crime. It decides how much homicides answer to the groups' growth and decline,
so it decides the homicide forecasts. No series gives it: Medicina Legal files 9-15% of homicides under socio-political
violence (Forensis, 2007-2014), a lower bound, since killings by criminal groups are filed as score-settling. The
calibration cannot identify it either: its distance is a root mean square over some forty patterns, of which three
are about homicides, and its posterior stays as flat as its prior (docs/validation.md 10.39). The registry defaults
cannot measure it as tools/outcome_scales.py measures the other rates: there, even a share of 0 leaves homicides rising
far faster than the Police counted while the groups regrow (2017-2021).

This script measures it where the forecasts are made: over the flagship's calibration (its posterior draws, every
other parameter as fitted), it sets the share to each value of a grid over its prior range and scores the catalogue's
three homicide patterns (`homicides-national`, 2013-2021 from the 2012 start; `homicides-after-demobilisation`,
2018-2021 from the 2017 start; `homicides-by-department`, 2013-2021), which are the patterns the share is about. It
prints, per share, each pattern's share of runs reproducing it and its median error, and the share with the highest
mean of the three reproduced shares (several seeds, averaged); the registry's default is that value, and the
calibration file then holds it (`exclude`) instead of fitting it. The homicide backtest (docs/validation.md 7) is
not used: it is the selection rule's score.

Usage::

    python tools/armed_share.py [--seeds 1,2] [--grid 0.1,0.15,...] [--posterior FILE]
"""

from __future__ import annotations

import argparse

import pandas as pd
from pattern_table import pattern_table  # tools/ is on the path

PATTERNS = ("homicides-national", "homicides-after-demobilisation", "homicides-by-department")
GRID = (0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6)  # the registry's prior range, 0.1-0.6
SOCIO_POLITICAL_FLOOR = 0.093  # Medicina Legal's lowest socio-political share, 2007-2014 (docs/validation.md 10.39)


def scored(share: float, seed: int, posterior: str | None, workers: int) -> pd.DataFrame:
    """The homicide patterns over the calibration's posterior with the share held at `share` (`totalpeace validate`,
    the command a reader would run)."""
    extra = ["--set", f"parameters.armed_violence_share={share}", *(["--posterior", posterior] if posterior else [])]
    table = pattern_table(PATTERNS, seed, workers, extra, failing=f"share {share}, seed {seed}: ")
    return table.loc[list(PATTERNS), ["share", "median"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2", help="seeds to average over, comma-separated")
    parser.add_argument("--grid", default=",".join(str(g) for g in GRID), help="shares to try, comma-separated")
    parser.add_argument("--posterior", default=None, help="a calibration's posterior.parquet (default: the flagship's)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    grid = sorted(float(g) for g in args.grid.split(","))
    if grid[0] < SOCIO_POLITICAL_FLOOR:
        parser.error(f"--grid: {grid[0]} is below the socio-political share alone ({SOCIO_POLITICAL_FLOOR})")
    rows = []
    for share in grid:
        runs = [scored(share, seed, args.posterior, args.workers) for seed in seeds]
        mean = sum(runs) / len(runs)
        row = {"armed_violence_share": share}
        for pattern in PATTERNS:
            row[f"{pattern} reproduced"] = mean.loc[pattern, "share"]
            row[f"{pattern} median"] = mean.loc[pattern, "median"]
        row["mean reproduced"] = float(mean["share"].mean())
        rows.append(row)
        print(f"share {share:.3f}: " + ", ".join(f"{p} {mean.loc[p, 'share']:.3f} (median {mean.loc[p, 'median']:.3f})"
                                                  for p in PATTERNS) + f"; mean {row['mean reproduced']:.3f}",
              flush=True)
    table = pd.DataFrame(rows)
    best = table.loc[table["mean reproduced"].idxmax()]
    print(f"\narmed_violence_share = {best['armed_violence_share']:g} "
          f"(mean share of runs reproducing the homicide patterns {best['mean reproduced']:.3f}, seeds {args.seeds})")


if __name__ == "__main__":
    main()
