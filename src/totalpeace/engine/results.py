"""Ensemble results: per-run monthly series, the summary.json contract, tidy frames and saving."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from totalpeace import talks
from totalpeace.model.tables.issues import Phase
from totalpeace.scenario.dates import add_months
from totalpeace.scenario.forms import label as form_label

# Flows are summed over a calendar year's simulated months and scaled to a full year; stocks take the year's last month.
FLOWS = ("homicides", "homicide_rate", "state_group_clashes", "inter_group_clashes", "combat_deaths",
         "battle_deaths", "non_state_deaths", "security_forces_killed", "killed_in_operations", "captures",
         "surrenders", "social_leader_killings", "armed_group_homicides", "massacres", "displaced", "confined",
         "dissent_events", "demobilized", "vacated_control", "recruits", "forced_recruits", "deserters",
         "recidivists", "ex_combatants_killed", "splits", "ceasefire_violations")
STOCKS = ("armed_group_members", "groups_in_talks", "agreements_signed", "state_control_share",
          "contested_territories", "neighbour_violence", "security_cohesion", "coca_ha", "vacuum_filled_by_state",
          "forces_in_vacated", "legitimacy", "certification", "ex_combatants")
REQUIRED = ("homicide_rate", "homicides", "armed_group_members", "state_group_clashes", "inter_group_clashes",
            "groups_in_talks", "agreements_signed", "state_control_share", "contested_territories",
            "neighbour_violence")
GROUP_SERIES = ("group_members", "group_armed", "group_sanctuary", "group_territories", "group_phase", "group_rent",
                "group_surplus", "group_verification", "group_relocated", "group_ratification",
                "group_breakdown_reason", "group_major_attacks", "group_support", "group_pay", "group_resources",
                "group_recruits", "group_forced", "group_deserters", "group_removed", "choice_posture",
                "choice_exploit", "choice_spoil", "choice_willingness")
SIGNED_PHASES = [int(Phase.FINAL_AGREEMENT), int(Phase.IMPLEMENTATION), int(Phase.DEMOBILIZED)]
TERRITORY_SERIES = ("territory_state_control", "territory_homicides", "territory_vacated",
                    "territory_social_leader_killings", "territory_massacres", "territory_displaced",
                    "territory_confined", "territory_filled_state", "territory_filled_groups")


def sum_months(series: np.ndarray, months: np.ndarray | list[int] | range) -> np.ndarray:
    """Per run, the sum of `series[:, m]` over `months`, added month by month in calendar order (any trailing axes,
    such as territories, are kept).

    Why not `series[:, months].sum(axis=1)`: numpy picks the order of the additions from the memory layout (pairwise
    for one run, month after month for a Fortran-ordered copy of several), so a run's sum would change in the last
    bits with the number of runs beside it. One fixed order makes every run's value independent of its batch.
    """
    total = np.zeros((series.shape[0], *series.shape[2:]), dtype=np.float64)
    for m in months:
        total += series[:, m]
    return total


stats = talks.run_stats  # mean, p10, p50, p90 over runs (finite values only)


@lru_cache(maxsize=64)
def _month_labels(start: str, months: int) -> tuple[str, ...]:
    """'2022-08', '2022-09', ...: computed once per start and length (every yearly value of every metric, of every
    chunk of a sweep, asks for them)."""
    return tuple(add_months(start, m) for m in range(months))


@lru_cache(maxsize=64)
def _year_months(start: str, months: int) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The month indices of each calendar year, in order."""
    years: dict[int, list[int]] = {}
    for m, label in enumerate(_month_labels(start, months)):
        years.setdefault(int(label[:4]), []).append(m)
    return tuple((y, tuple(ms)) for y, ms in years.items())


@dataclass
class Results:
    """What `simulate` returns: arrays [run, month, ...] plus the metadata needed to read them."""

    scenario: str
    scenario_sha256: str
    version: str
    seed: int
    run_ids: np.ndarray
    start: str
    months: int
    group_ids: list[str]
    group_names: list[str]
    territory_ids: list[str]
    territory_names: list[str]
    neighbour_ids: list[str]
    national: dict[str, np.ndarray]  # metric -> (R, M)
    groups: dict[str, np.ndarray]  # series -> (R, M, G)
    neighbours: np.ndarray  # (R, M, K)
    territories: dict[str, np.ndarray]  # series -> (M, T), mean over runs
    dominant_share: np.ndarray  # (M, T, G + 1): share of runs in which each actor leads a territory
    zone_share: np.ndarray  # (M, T, 5): share of runs in Kalyvas/Anders zones 1 (full state control) .. 5
    parents: np.ndarray  # (G,) parent group index of splinter slots, -1 otherwise
    neighbour_rates: np.ndarray  # (K,) baseline homicide rate of each neighbour (nan where unknown)
    provenance: dict[str, Any] = field(default_factory=dict)
    tables: Any = None  # talks.TableRecords: the negotiation audit (None for results stored before it existed)
    policy: dict[str, Any] = field(default_factory=dict)  # the levers assumed (totalpeace.policy.policy_record)
    international_ids: list[str] = field(default_factory=list)
    host_tolerance: np.ndarray | None = None  # (R, M, I): each international actor's tolerance of armed groups
    plan: Any = None  # uncertainty.plan.Plan: each run's model form and parameter draw (None: one point)
    _summary_json: str | None = field(default=None, init=False, repr=False, compare=False)  # summary(), once

    @property
    def runs(self) -> int:
        return len(self.run_ids)

    def month_labels(self) -> list[str]:
        return list(_month_labels(self.start, self.months))

    def _years(self) -> dict[int, np.ndarray]:
        return {y: np.array(ms) for y, ms in _year_months(self.start, self.months)}

    def yearly(self, series: np.ndarray, flow: bool) -> dict[int, np.ndarray]:
        """Per calendar year: per-run yearly values (flows summed and scaled to 12 months, stocks at year end)."""
        out = {}
        for year, ms in self._years().items():
            if flow:
                out[year] = sum_months(series, ms) * 12.0 / len(ms)
            else:
                out[year] = series[:, ms[-1]]
        return out

    def active_groups(self) -> list[int]:
        """Groups that exist in at least one run at some point (splinter slots only when a split happened)."""
        members = self.groups["group_members"]
        return [g for g in range(len(self.group_ids)) if np.nanmax(members[:, :, g], initial=0.0) > 0.5]

    def _neighbour(self, i: int) -> dict[str, Any]:
        """Violence index by year and, where the baseline rate is known, the implied homicide rate."""
        yearly = self.yearly(self.neighbours[:, :, i], flow=False)
        out: dict[str, Any] = {"index": {str(y): stats(v) for y, v in yearly.items()}}
        if np.isfinite(self.neighbour_rates[i]):
            out["homicide_rate"] = {str(y): stats(v * self.neighbour_rates[i]) for y, v in yearly.items()}
        return out

    def _international(self) -> dict[str, Any]:
        """Per international actor that shelters groups (a tolerance above zero at some point), the yearly statistics
        of its tolerance of armed groups on its soil (it follows its relations with the government and the talks)."""
        out: dict[str, Any] = {}
        if self.host_tolerance is None:
            return out
        for i, actor in enumerate(self.international_ids):
            series = self.host_tolerance[:, :, i]
            if np.nanmax(series, initial=0.0) > 0:
                out[actor] = {"host_tolerance": {str(y): stats(v) for y, v in
                                                 self.yearly(series, flow=False).items()}}
        return out

    def summary(self) -> dict[str, Any]:
        """The stable summary.json contract (DESIGN.md section 4), plus talks outcomes and provenance.

        Computed once: results are read-only once simulated, and a command reads the summary for its files, its
        tables and its report alike (a third of a second each for 200 runs of the flagship). Every call returns a
        fresh copy, which the caller may change."""
        if self._summary_json is None:
            self._summary_json = json.dumps(self._summary(), allow_nan=True, ensure_ascii=False)
        return json.loads(self._summary_json)

    def _summary(self) -> dict[str, Any]:
        metrics = {}
        for name in (*FLOWS, *STOCKS):
            yearly = self.yearly(self.national[name], flow=name in FLOWS)
            metrics[name] = {str(y): stats(v) for y, v in yearly.items()}
        groups: dict[str, Any] = {}
        phases = self.groups["group_phase"]
        forms = self.run_forms()
        for g in self.active_groups():
            gid = self.group_ids[g]
            entry: dict[str, Any] = {"name": self.group_names[g]}
            for key, series in (("members", "group_members"), ("armed", "group_armed"),
                                ("support", "group_support"), ("sanctuary", "group_sanctuary"),
                                ("relocated", "group_relocated"),
                                ("territories_controlled", "group_territories")):
                yearly = self.yearly(self.groups[series][:, :, g], flow=False)
                entry[key] = {str(y): stats(v) for y, v in yearly.items()}
            final = phases[:, -1, g].astype(int)
            entry["talks"] = {
                "final_phase_share": {Phase(k).name.lower(): float(np.mean(final == k)) for k in np.unique(final)},
                "signed_share": float(np.mean(np.isin(phases[:, :, g], SIGNED_PHASES).any(axis=1))),
                "broken_down_share": float(np.mean(final == Phase.BROKEN_DOWN)),
            }
            entry["parent"] = self.group_ids[self.parents[g]] if self.parents[g] >= 0 else None
            if self.tables is not None and gid in self.tables.groups:
                entry["negotiation"] = talks.table_summary(self.tables, self.tables.index(gid), forms)
                entry["bargaining_audit"] = entry["negotiation"]["bargaining_audit"]
            groups[gid] = entry
        out = {
            "scenario": self.scenario, "scenario_sha256": self.scenario_sha256, "version": self.version,
            "seed": self.seed, "runs": self.runs, "start": self.start, "months": self.months,
            "metrics": metrics, "groups": groups,
            "neighbours": {k: self._neighbour(i) for i, k in enumerate(self.neighbour_ids)},
            "international": self._international(),
            "provenance": self.provenance,
            "policy": self.policy,
        }
        if self.plan is not None:
            from totalpeace.uncertainty.summary import uncertainty_entry

            out["uncertainty"] = uncertainty_entry(self)
        return out

    def run_forms(self) -> talks.RunForms | None:
        """Each run's model form, when the plan spreads the runs over several (None for one form or no plan)."""
        if self.plan is None or len(self.plan.forms) < 2:
            return None
        index, _ = self.plan.run_labels(self.run_ids)
        return talks.RunForms(index, [form_label(form) for form in self.plan.forms])

    def frame(self) -> pd.DataFrame:
        """Tidy frame: one row per (run, month, metric[, group]) with its value. A group's rows are written for the
        runs in which it exists (a splinter only where its split happened), so a run's rows depend on that run
        alone, never on the runs computed beside it."""
        table = self.frame_table()
        for name in ("month", "metric", "group"):
            table = table.set_column(table.column_names.index(name), name,
                                     table[name].cast(pa.large_string()))
        return table.to_pandas()

    def frame_table(self) -> pa.Table:
        """The tidy frame as an Arrow table, its text columns dictionary-encoded (a small list of labels and an
        integer code per row), so the millions of rows of an ensemble cost a few array operations rather than a
        frame per series, and results.csv is written without spelling out every label first."""
        R, M = self.runs, self.months
        blocks: list[tuple[np.ndarray, int, int, np.ndarray]] = []  # (runs, metric code, group code, values)
        metrics: list[str] = []
        groups: list[str] = [""]
        everyone = np.arange(R)
        for name in (*FLOWS, *STOCKS):
            metrics.append(name)
            blocks.append((everyone, len(metrics) - 1, 0, self.national[name].reshape(-1)))
        exists = (self.groups["group_members"] > 0.5).any(axis=1)  # (R, G): the group existed in the run
        for g in self.active_groups():
            runs = np.flatnonzero(exists[:, g])
            groups.append(self.group_ids[g])
            for name in (n for n in GROUP_SERIES if n in self.groups):
                label = name.removeprefix("group_")
                if label not in metrics:
                    metrics.append(label)
                blocks.append((runs, metrics.index(label), len(groups) - 1,
                               self.groups[name][runs, :, g].reshape(-1)))
        sizes = np.array([len(b[0]) * M for b in blocks], dtype=np.int64)

        def text(labels: list[str], codes: np.ndarray) -> pa.Array:
            return pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(labels, type=pa.large_string()))

        return pa.table({
            "run": np.concatenate([np.repeat(self.run_ids[b[0]], M) for b in blocks]).astype(np.int64),
            "month": text(self.month_labels(), np.tile(np.arange(M, dtype=np.int32), int(sizes.sum()) // M)),
            "metric": text(metrics, np.repeat(np.array([b[1] for b in blocks], dtype=np.int32), sizes)),
            "group": text(groups, np.repeat(np.array([b[2] for b in blocks], dtype=np.int32), sizes)),
            "value": np.concatenate([b[3] for b in blocks]).astype(np.float64, copy=False),
        })

    def territory_frame(self) -> pd.DataFrame:
        """Mean over runs per (month, territory): state control, homicides, vacated control, leading actor shares."""
        labels = self.month_labels()
        rows = {"month": np.repeat(labels, len(self.territory_ids)),
                "territory": np.tile(self.territory_ids, self.months)}
        for name, series in self.territories.items():
            rows[name.removeprefix("territory_")] = series.reshape(-1)
        for z in range(5):
            rows[f"zone{z + 1}"] = self.zone_share[:, :, z].reshape(-1)
        actors = [*self.group_ids, "state"]
        for a, actor in enumerate(actors):
            share = self.dominant_share[:, :, a].reshape(-1)
            if share.any():
                rows[f"leads_{actor}"] = share
        return pd.DataFrame(rows)

    def audit_frame(self) -> pd.DataFrame:
        """The negotiation audit: one row per run, month and open table (talks.audit_frame)."""
        if self.tables is None:
            return pd.DataFrame({"run": [], "month": [], "table": [], "phase": [], "reason": []})
        return talks.audit_frame(self.tables, self.run_ids, self.month_labels())

    def plot(self, what: str = "homicide_rate", scenario: Any = None) -> Any:
        """A Plotly figure of one output (totalpeace.notebook.plot): a metric, "members", "talks" or a map."""
        from totalpeace.notebook import plot

        return plot(self, what, scenario)

    def _repr_html_(self) -> str:
        """Headlines, the main outcomes by period and the policy, when a notebook displays the results."""
        from totalpeace.notebook import results_html

        return results_html(self)

    def save(self, directory: str | Path) -> Path:
        """Write summary.json, results.parquet (tidy), territories.parquet and audit.parquet (the negotiation audit),
        safe against a crash at any moment.

        Each file is written in full to a temporary file beside it and renamed into place. An earlier summary.json is
        removed before the first rename and the new one renamed last, so a folder holding a summary.json always holds
        the four files of one ensemble; a killed process leaves the previous files, or no summary.json at all.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        for leftover in out.glob(".*.tmp"):  # what a killed save left behind
            if leftover.name.split(".")[1] in ("summary", "results", "territories", "audit"):
                leftover.unlink(missing_ok=True)
        summary = json.dumps(self.summary(), indent=2, allow_nan=False, ensure_ascii=False).encode("utf-8")
        writers = {"results.parquet": lambda f: self.frame().to_parquet(f, index=False),
                   "territories.parquet": lambda f: self.territory_frame().to_parquet(f, index=False),
                   "audit.parquet": lambda f: self.audit_frame().to_parquet(f, index=False),
                   "summary.json": lambda f: f.write_bytes(summary)}
        staged: dict[str, Path] = {}
        try:
            for name, write in writers.items():
                staged[name] = out / f".{name.split('.')[0]}.{uuid.uuid4().hex[:12]}.tmp"
                write(staged[name])
                with staged[name].open("rb") as fh:
                    os.fsync(fh.fileno())
            (out / "summary.json").unlink(missing_ok=True)
            for name, tmp in staged.items():  # summary.json last
                os.replace(tmp, out / name)
        finally:
            for tmp in staged.values():
                tmp.unlink(missing_ok=True)
        return out
