"""Per-run model outputs in one shape that pattern statistics read, whatever produced them.

A pattern statistic asks for a national series, a group's series or a territory series, each per run and month. The
ensemble's `Results` keep territory series only as means over runs, so the pattern runner simulates run by run and
joins the runs (`Outputs.concat`); tests and calibration code can also build outputs from a tidy frame (`from_frame`)
with any series, including series the model does not produce yet. Asking for a series that is absent raises
`NotProduced`, which the catalogue reports as "not yet produced by the model" rather than as a failure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from totalpeace.engine.results import sum_months
from totalpeace.scenario.dates import add_months, month_index


class NotProduced(LookupError):
    """The model does not produce the output a statistic needs (names it)."""

    def __init__(self, output: str) -> None:
        self.output = output
        super().__init__(output)


@dataclass
class Outputs:
    """Monthly series per run: national (R, M), per group (R, M), per territory (R, M, T)."""

    start: str
    months: int
    national: dict[str, np.ndarray] = field(default_factory=dict)
    groups: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (series, group id) -> (R, M)
    territories: dict[str, np.ndarray] = field(default_factory=dict)  # series -> (R, M, T)
    territory_ids: list[str] = field(default_factory=list)
    group_start: dict[str, float] = field(default_factory=dict)  # members at the start (the scenario's value)

    @property
    def runs(self) -> int:
        for store in (self.national, self.groups, self.territories):
            for values in store.values():
                return int(values.shape[0])
        return 0

    # --- reading -----------------------------------------------------------------------------------------------
    def series(self, name: str) -> np.ndarray:
        """A national series (R, M)."""
        if name not in self.national:
            raise NotProduced(f"national series '{name}'")
        return self.national[name]

    def group(self, name: str, group: str) -> np.ndarray:
        """A group's series (R, M): members, armed, sanctuary, territories, phase, ..."""
        if (name, group) not in self.groups:
            if any(g == group for _, g in self.groups):
                raise NotProduced(f"group series '{name}' of {group}")
            raise NotProduced(f"group {group!r} (not in this scenario's outputs)")
        return self.groups[(name, group)]

    def territory(self, name: str) -> np.ndarray:
        """A territory series per run (R, M, T)."""
        if name not in self.territories:
            raise NotProduced(f"territory series '{name}' per run")
        return self.territories[name]

    def month(self, label: str) -> int:
        """Index of a "YYYY-MM" month; an error when the run does not cover it."""
        m = month_index(self.start, label)
        if not 0 <= m < self.months:
            raise ValueError(f"month {label} is outside the run ({self.start}, {self.months} months)")
        return m

    def span(self, first: str, last: str) -> np.ndarray:
        """Indices of the months from `first` to `last` inclusive, clipped to the run."""
        a = max(0, month_index(self.start, first))
        b = min(self.months, month_index(self.start, last) + 1)
        if b <= a:
            raise ValueError(f"months {first}..{last} are outside the run ({self.start}, {self.months} months)")
        return np.arange(a, b)

    def labels(self) -> list[str]:
        return [add_months(self.start, m) for m in range(self.months)]

    def year_months(self, year: int) -> np.ndarray:
        """Indices of the simulated months of a calendar year (an error when none is simulated)."""
        return self.span(f"{year}-01", f"{year}-12")

    def yearly(self, values: np.ndarray, year: int, flow: bool) -> np.ndarray:
        """A calendar year's value per run: flows summed and scaled to 12 months, stocks at the year's last month.

        Works on (R, M) and (R, M, T) arrays alike (the year is taken on axis 1)."""
        ms = self.year_months(year)
        if flow:
            return sum_months(values, ms) * 12.0 / len(ms)
        return values[:, ms[-1]]

    # --- building ----------------------------------------------------------------------------------------------
    @classmethod
    def from_results(cls, results: object, group_start: dict[str, float] | None = None) -> Outputs:
        """From an ensemble's `Results`; territory series only when it holds one run (they are run means)."""
        national = {k: np.asarray(v, dtype=float) for k, v in results.national.items()}
        groups = {}
        for name, values in results.groups.items():
            short = name.removeprefix("group_")
            for g, gid in enumerate(results.group_ids):
                groups[(short, gid)] = np.asarray(values[:, :, g], dtype=float)
        territories = {}
        if results.runs == 1:
            territories = {k.removeprefix("territory_"): np.asarray(v, dtype=float)[None, :, :]
                           for k, v in results.territories.items()}
        return cls(start=results.start, months=results.months, national=national, groups=groups,
                   territories=territories, territory_ids=list(results.territory_ids),
                   group_start=dict(group_start or {}))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, start: str | None = None, months: int | None = None) -> Outputs:
        """From a tidy frame with columns run, month ("YYYY-MM"), metric, value and optional group and territory.

        Rows with a territory fill territory series, rows with a group fill group series, the others national
        series; missing (run, month) cells are 0."""
        for col in ("run", "month", "metric", "value"):
            if col not in frame.columns:
                raise ValueError(f"outputs frame: missing column {col!r}")
        start = start or str(frame["month"].min())
        months = months or month_index(start, str(frame["month"].max())) + 1
        runs = sorted(frame["run"].unique())
        run_index = {r: i for i, r in enumerate(runs)}
        group_col = frame["group"].fillna("").astype(str) if "group" in frame else pd.Series("", index=frame.index)
        terr_col = (frame["territory"].fillna("").astype(str) if "territory" in frame
                    else pd.Series("", index=frame.index))
        territory_ids = sorted(t for t in terr_col.unique() if t)
        t_index = {t: i for i, t in enumerate(territory_ids)}
        r_idx = frame["run"].map(run_index).to_numpy()
        m_idx = np.array([month_index(start, str(m)) for m in frame["month"]])
        out = cls(start=start, months=months, territory_ids=territory_ids)
        shape = (len(runs), months)
        for (metric, group, territory), part in frame.groupby([frame["metric"], group_col, terr_col], sort=False):
            rows = part.index
            pos = frame.index.get_indexer(rows)
            if territory:
                arr = out.territories.setdefault(metric, np.zeros((*shape, len(territory_ids))))
                arr[r_idx[pos], m_idx[pos], t_index[territory]] = part["value"].to_numpy(dtype=float)
            elif group:
                arr = out.groups.setdefault((metric, group), np.zeros(shape))
                arr[r_idx[pos], m_idx[pos]] = part["value"].to_numpy(dtype=float)
            else:
                arr = out.national.setdefault(metric, np.zeros(shape))
                arr[r_idx[pos], m_idx[pos]] = part["value"].to_numpy(dtype=float)
        return out

    @staticmethod
    def concat(parts: Sequence[Outputs]) -> Outputs:
        """Join outputs of the same scenario run by run (the series every part holds)."""
        if not parts:
            raise ValueError("no outputs to join")
        first = parts[0]
        if any(p.start != first.start or p.months != first.months for p in parts):
            raise ValueError("outputs of different periods cannot be joined")

        def join(stores: list[dict]) -> dict:
            keys = set(stores[0]).intersection(*stores[1:])
            return {k: np.concatenate([s[k] for s in stores]) for k in stores[0] if k in keys}

        return Outputs(start=first.start, months=first.months, national=join([p.national for p in parts]),
                       groups=join([p.groups for p in parts]), territories=join([p.territories for p in parts]),
                       territory_ids=list(first.territory_ids), group_start=dict(first.group_start))
