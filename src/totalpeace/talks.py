"""The negotiation audit of an ensemble: every table's month as a tidy frame, and per-table summaries.

The engine records, for every run, month and table, the package on the table, both sides' values and outside
options, the state's beliefs, the group's trust and why the table advanced, stalled, was suspended or broke down
(model/tables, docs/model.md section 7.4). This module turns those arrays into what users read: the audit frame saved
beside results.parquet (`audit.parquet`), the `negotiation` entry of each table in summary.json (documented in
docs/outputs.md), and short texts such as "ELN: broke down in 40% of runs — ended by the state (it came to believe the
group a total spoiler) 62%, ...".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from totalpeace.model.tables import layout as L
from totalpeace.model.tables.issues import ISSUES, VETO_PLAYERS, Phase
from totalpeace.model.tables.reasons import DESCRIPTION, ENDING, STALLING, Reason
from totalpeace.scenario.schema import deadline_words

AUDIT_COLUMNS = {  # audit column -> name in the frame and the summary
    L.AU_WAR_VALUE: "war_value", L.AU_GROUP_OUTSIDE: "group_outside_option", L.AU_GROUP_VALUE: "group_value",
    L.AU_STATE_OUTSIDE: "state_outside_option", L.AU_STATE_VALUE: "state_value", L.AU_BUDGET: "state_budget",
    L.AU_BELIEF_LIMITED: "belief_limited", L.AU_BELIEF_GREEDY: "belief_greedy", L.AU_BELIEF_TOTAL: "belief_total",
    L.AU_TRUST: "trust", L.AU_CEASEFIRE: "ceasefire", L.AU_HAZARD: "breakdown_hazard",
    L.AU_MARGIN_TYPES: "margin_if_limited", L.AU_MARGIN_TYPES + 1: "margin_if_greedy",
    **{L.AU_HAZARD_TERMS + c: f"hazard_{term}" for c, term in enumerate(L.HAZARD_TERMS)},
    L.AU_WALKAWAY: "group_walkaway_option", L.AU_ATTACKS: "major_attacks", L.AU_HURRY: "deadline_hurry",
}
# What raised the commitment hazard in the month a table broke down (`hazard_drivers`): the hazard's terms that can
# raise it, and the base rate h_0 that none of them explains
HAZARD_DRIVERS = {
    "shortfall": "the package short of what the group would have by walking away",
    "violence": "losses in fighting during the talks",
    "power_shift": "a shift of power",
    "disarmament": "disarming without trust in the state",
    "base": "the base rate of breakdown",
}
SIGNED = (int(Phase.FINAL_AGREEMENT), int(Phase.IMPLEMENTATION), int(Phase.DEMOBILIZED))
IMPLEMENTED = (int(Phase.IMPLEMENTATION), int(Phase.DEMOBILIZED))


def reason_name(code: int) -> str:
    """'ENDED_SPOILER' for 14."""
    return Reason(int(code)).name


def reason_text(code: int) -> str:
    """The reason's plain-language description."""
    return DESCRIPTION[Reason(int(code))]


@dataclass
class TableRecords:
    """The negotiation audit of an ensemble, for the group slots that have a table."""

    groups: list[str]  # ids of the tables' groups
    slots: np.ndarray  # (n,) their group slot indices
    phase: np.ndarray  # (R, M, n)
    reason: np.ndarray  # (R, M, n)
    audit: np.ndarray  # (R, M, n, N_AU)
    package: np.ndarray  # (R, M, n, K)
    track: list[str]  # (n,)
    on_agenda: np.ndarray  # (n, K)
    opening: np.ndarray  # (n, K) the state's opening offer
    ceiling: np.ndarray  # (n, K) the most that may be conceded
    engine: str = "nash"
    extra: dict[str, Any] = field(default_factory=dict)
    deadline: list[str] = field(default_factory=list)  # (n,) the state's deadline as the scenario set it, "" for none

    def index(self, gid: str) -> int:
        return self.groups.index(gid)


def merge_tables(parts: list[TableRecords | None]) -> TableRecords | None:
    """Concatenate the records of chunks of runs (already in run order)."""
    if not parts or any(p is None for p in parts):
        return None
    first = parts[0]
    return TableRecords(
        groups=first.groups, slots=first.slots, phase=np.concatenate([p.phase for p in parts]),
        reason=np.concatenate([p.reason for p in parts]), audit=np.concatenate([p.audit for p in parts]),
        package=np.concatenate([p.package for p in parts]), track=first.track, on_agenda=first.on_agenda,
        opening=first.opening, ceiling=first.ceiling, engine=first.engine, deadline=first.deadline)


def audit_frame(records: TableRecords, run_ids: np.ndarray, months: list[str]) -> pd.DataFrame:
    """One row per run, month and table from the month the table opens: phase, reason, package, values, beliefs,
    trust and the bargaining-power audit's counterfactuals."""
    parts = []
    for t, gid in enumerate(records.groups):
        opened = records.reason[:, :, t] != Reason.WAITING
        opened &= records.reason[:, :, t] != Reason.NO_TABLE
        r_idx, m_idx = np.nonzero(opened)
        if r_idx.size == 0:
            continue
        frame = {"run": run_ids[r_idx], "month": np.asarray(months)[m_idx], "table": gid,
                 "phase": _labels(records.phase[r_idx, m_idx, t], lambda v: Phase(int(v)).name.lower()),
                 "reason": _labels(records.reason[r_idx, m_idx, t], reason_name)}
        for k, issue in enumerate(ISSUES):
            if records.on_agenda[t, k]:
                frame[f"x_{issue}"] = records.package[r_idx, m_idx, t, k]
        for col, name in AUDIT_COLUMNS.items():
            frame[name] = records.audit[r_idx, m_idx, t, col]
        veto = records.audit[r_idx, m_idx, t, L.AU_VETO].astype(int)
        frame["veto_player"] = _labels(veto, lambda v: VETO_PLAYERS[v] if v >= 0 else "")
        for c, cf in enumerate(L.AU_COUNTERFACTUALS):
            base = L.AU_CF + L.N_CF_FIELDS * c
            frame[f"without_{cf}_group_outside_option"] = records.audit[r_idx, m_idx, t, base + L.AU_CF_GROUP_OUTSIDE]
            frame[f"without_{cf}_state_outside_option"] = records.audit[r_idx, m_idx, t, base + L.AU_CF_STATE_OUTSIDE]
            frame[f"without_{cf}_group_value"] = records.audit[r_idx, m_idx, t, base + L.AU_CF_GROUP_VALUE]
        parts.append(pd.DataFrame(frame))
    if not parts:
        return pd.DataFrame({"run": [], "month": [], "table": [], "phase": [], "reason": []})
    return pd.concat(parts, ignore_index=True)


def _labels(codes: np.ndarray, name: Callable[[Any], str]) -> np.ndarray:
    """The name of each code, looked up once per distinct code (an audit has millions of rows and a few codes)."""
    distinct, index = np.unique(codes, return_inverse=True)
    return np.array([name(v) for v in distinct], dtype=object)[index.reshape(-1)]


def _run_means(values: np.ndarray) -> np.ndarray:
    """Mean over months per run, ignoring nan (nan for a run with no value)."""
    finite = np.isfinite(values)
    counts = finite.sum(axis=1)
    sums = np.where(finite, values, 0.0).sum(axis=1)
    return np.divide(sums, counts, out=np.full(counts.shape, np.nan), where=counts > 0)


def run_stats(values: np.ndarray) -> dict[str, float | None]:
    """mean, p10, p50, p90 over runs (finite values only; None where there are none). engine/results.py uses it too:
    it imports this module, so the one copy lives here."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return {"mean": None, "p10": None, "p50": None, "p90": None}
    p10, p50, p90 = np.percentile(v, [10, 50, 90])
    return {"mean": float(v.mean()), "p10": float(p10), "p50": float(p50), "p90": float(p90)}


def _shares(codes: np.ndarray) -> dict[str, float]:
    """Share of each reason among `codes`, largest first."""
    if codes.size == 0:
        return {}
    values, counts = np.unique(codes, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    return {reason_name(values[i]): float(counts[i] / codes.size) for i in order}


@dataclass(frozen=True)
class RunForms:
    """The model form of each run of an ensemble that spreads its runs over several (uncertainty/plan.py)."""

    index: np.ndarray  # (R,) each run's form, an index into labels
    labels: list[str]  # 'nash/ratio', ...


def outcomes_by_form(records: TableRecords, t: int, forms: RunForms) -> dict[str, dict[str, float | int]]:
    """Per model form, over its own runs: how many, and the shares of them in which the table signed, was ratified
    and broke down. The share of the whole ensemble is the runs-weighted mean of these, so a reader sees how much of
    it each bargaining protocol carries. Forms without runs are left out."""
    flags = outcome_flags(records, t)
    out: dict[str, dict[str, float | int]] = {}
    for i, name in enumerate(forms.labels):
        mine = forms.index == i
        if mine.any():
            out[name] = {"runs": int(mine.sum()), "signed_share": float(flags["signed"][mine].mean()),
                         "ratified_share": float(flags["ratified"][mine].mean()),
                         "broken_down_share": float(flags["broken down"][mine].mean())}
    return out


def table_summary(records: TableRecords, t: int, forms: RunForms | None = None) -> dict[str, Any]:
    """Everything summary.json says about one table (the `negotiation` entry of its group); with `forms`, also its
    outcomes under each model form (`by_form`)."""
    phase, reason = records.phase[:, :, t].astype(int), records.reason[:, :, t].astype(int)
    audit, package = records.audit[:, :, t], records.package[:, :, t]
    R = phase.shape[0]
    agenda = [k for k in range(len(ISSUES)) if records.on_agenda[t, k]]
    opened = ((reason != Reason.WAITING) & (reason != Reason.NO_TABLE)).any(axis=1)
    flags = outcome_flags(records, t)
    signed, implemented, broken = flags["signed"], flags["ratified"], flags["broken down"]
    signed_month = np.where(signed, np.argmax(np.isin(phase, SIGNED), axis=1), -1)
    ended_at = np.where(np.isin(reason, ENDING).any(axis=1), np.argmax(np.isin(reason, ENDING), axis=1), -1)
    open_month = np.argmax(opened[:, None] & (reason != Reason.WAITING) & (reason != Reason.NO_TABLE), axis=1)
    why = reason[np.arange(R)[broken], np.maximum(ended_at[broken], 0)]
    why = why[ended_at[broken] >= 0]
    hazard_ends = broken & (ended_at >= 0)
    hazard_ends[hazard_ends] = reason[np.arange(R)[hazard_ends], ended_at[hazard_ends]] == Reason.BROKE_DOWN
    terms = slice(L.AU_HAZARD_TERMS, L.AU_HAZARD_TERMS + L.N_HAZARD_TERMS)
    end_terms = audit[np.arange(R)[hazard_ends], ended_at[hazard_ends], terms]
    stalls = reason[np.isin(reason, STALLING)]
    at_signing = package[np.arange(R)[signed], signed_month[signed]]
    rejected = (reason == Reason.RATIFICATION_REJECTED).any(axis=1)
    veto = audit[:, :, L.AU_VETO].astype(int)
    rejecting = veto[(reason == Reason.RATIFICATION_REJECTED)]
    bargaining = np.isin(phase, (Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS))
    margin = np.where(bargaining, audit[:, :, L.AU_GROUP_VALUE] - audit[:, :, L.AU_GROUP_OUTSIDE], np.nan)
    state_margin = np.where(bargaining, audit[:, :, L.AU_STATE_VALUE] - audit[:, :, L.AU_STATE_OUTSIDE], np.nan)
    run_margin, run_state_margin = _run_means(margin), _run_means(state_margin)
    return {
        "track": records.track[t],
        "deadline": records.deadline[t] if records.deadline else "",
        "agenda": {ISSUES[k]: {"opening": float(records.opening[t, k]), "ceiling": float(records.ceiling[t, k])}
                   for k in agenda},
        "opened_share": float(opened.mean()),
        "signed_share": float(signed.mean()),
        "ratified_share": float(implemented.mean()),
        "broken_down_share": float(broken.mean()),
        "months_to_signing": run_stats((signed_month - open_month)[signed]),
        "signed_package": {ISSUES[k]: run_stats(at_signing[:, k]) for k in agenda},
        "ratification_rejected_share": float(rejected[signed].mean()) if signed.any() else 0.0,
        "rejected_by": {VETO_PLAYERS[v]: float(np.mean(rejecting == v)) for v in np.unique(rejecting) if v >= 0},
        "why_broken_down": _shares(why),
        "suspended_share": float(flags["suspended after an attack"].mean()),
        "major_attacks": run_stats(np.nansum(audit[:, :, L.AU_ATTACKS], axis=1)),
        "deadline_hurry": deadline_hurry(audit[:, :, L.AU_HURRY]),
        "hazard_drivers": hazard_drivers(end_terms),
        "stalled_by": _shares(stalls),
        "group_margin": run_stats(run_margin),
        "state_margin": run_stats(run_state_margin),
        "bargaining_audit": bargaining_audit(records, t),
        **({"by_form": outcomes_by_form(records, t, forms)} if forms is not None else {}),
    }


def deadline_hurry(hurry: np.ndarray) -> dict[str, float]:
    """How a nearing deadline hurried the drafting (the audit's `deadline_hurry`, (runs, months)): over the months
    the table drafted (both sides accepted), the share in which it hurried (factor above 1) and the factor's mean
    over those; zeros where it never drafted."""
    drafting = hurry[hurry > 0.0]
    hurried = drafting[drafting > 1.0]
    return {"hurried_share": float(hurried.size / drafting.size) if drafting.size else 0.0,
            "mean_factor": float(hurried.mean()) if hurried.size else 0.0}


def hazard_attribution(terms: np.ndarray) -> np.ndarray:
    """Each breakdown by the commitment hazard shared among what raised the hazard that month (n, drivers in the
    order of HAZARD_DRIVERS; rows add to 1). With h = h_0 exp(sum of terms), the terms that raised it (positive)
    account for 1 - exp(-their sum) of the month's hazard, the attributable fraction of epidemiology, shared among
    them in proportion to their log terms; the rest is the base rate h_0, as the terms that lowered it (guarantors,
    the agenda's progress) left it. `terms` (n, len(HAZARD_TERMS)) are the audit's log terms."""
    names = list(L.HAZARD_TERMS)
    raising = np.stack([np.maximum(terms[:, names.index(k)], 0.0) for k in HAZARD_DRIVERS if k != "base"], axis=1)
    total = raising.sum(axis=1)
    attributable = -np.expm1(-total)
    share = np.divide(raising, total[:, None], out=np.zeros_like(raising), where=total[:, None] > 0)
    return np.column_stack([share * attributable[:, None], 1.0 - attributable])


def hazard_drivers(terms: np.ndarray) -> dict[str, float]:
    """Over the runs in which the commitment hazard broke the table: the mean share of each breakdown that each driver
    accounts for (hazard_attribution), largest first; empty where the hazard broke none."""
    if terms.shape[0] == 0:
        return {}
    mean = hazard_attribution(terms).mean(axis=0)
    order = np.argsort(-mean, kind="stable")
    names = list(HAZARD_DRIVERS)
    return {names[i]: float(mean[i]) for i in order if mean[i] > 0.0}


def bargaining_audit(records: TableRecords, t: int) -> dict[str, Any]:
    """For each concession kind (and all of them): how much having it in force raised the group's outside option and
    its value of the deal, averaged over a run's bargaining months (USD m), and how much it lowered the state's
    outside option; statistics over runs. Kinds that never change anything are left out."""
    phase, audit = records.phase[:, :, t], records.audit[:, :, t]
    bargaining = np.isin(phase, (Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS))
    out: dict[str, Any] = {}
    for c, cf in enumerate(L.AU_COUNTERFACTUALS):
        base = L.AU_CF + L.N_CF_FIELDS * c
        group_outside, group_value = audit[:, :, L.AU_GROUP_OUTSIDE], audit[:, :, L.AU_GROUP_VALUE]
        state_outside = audit[:, :, L.AU_STATE_OUTSIDE]
        diffs = {
            "group_outside_option_raised_by": group_outside - audit[:, :, base + L.AU_CF_GROUP_OUTSIDE],
            "group_value_raised_by": group_value - audit[:, :, base + L.AU_CF_GROUP_VALUE],
            "state_outside_option_lowered_by": audit[:, :, base + L.AU_CF_STATE_OUTSIDE] - state_outside,
        }
        entry = {}
        for name, d in diffs.items():
            d = np.where(bargaining & np.isfinite(d), d, np.nan)
            if np.nanmax(np.abs(d), initial=0.0) == 0.0 or not np.isfinite(d).any():
                continue
            entry[name] = run_stats(_run_means(d))
        if entry:
            out["all_concessions" if cf == "none" else cf] = entry
    return out


def summaries(records: TableRecords, forms: RunForms | None = None) -> dict[str, dict[str, Any]]:
    """The `negotiation` entry of every table, keyed by group id."""
    return {gid: table_summary(records, t, forms) for t, gid in enumerate(records.groups)}


def explain(gid: str, entry: dict[str, Any], top: int = 3) -> list[str]:
    """Plain-language lines: the outcome, why the table broke down, what held it up, what was signed."""
    deadline = f"; {deadline_words(entry['deadline'])}" if entry.get("deadline") else ""
    lines = [f"{gid} ({entry['track'].replace('_', '-')} track{deadline}): signed in {entry['signed_share']:.0%} of "
             f"runs, ratified in {entry['ratified_share']:.0%}, broke down in {entry['broken_down_share']:.0%}."]
    if entry["why_broken_down"]:
        parts = [f"{DESCRIPTION[Reason[name]]} ({share:.0%})"
                 for name, share in list(entry["why_broken_down"].items())[:top]]
        lines.append(f"Why it broke down: {'; '.join(parts)}.")
    hurry = entry.get("deadline_hurry") or {}
    if hurry.get("hurried_share"):
        lines.append(f"As its deadline neared the sides drafted faster in {hurry['hurried_share']:.0%} of the months "
                     f"both accepted the package, {hurry['mean_factor']:.1f} times the usual pace on average (how "
                     f"much is the assumption deadline_pressure, drawn unless held).")
    attacks = entry.get("major_attacks") or {}
    if attacks.get("mean"):
        lines.append(f"Major attacks by the group the state saw at its table: {attacks['mean']:.2f} a run on average; "
                     f"suspended by the state after an attack or a violation in {entry['suspended_share']:.0%} of "
                     f"runs.")
    drivers = entry.get("hazard_drivers") or {}
    if drivers:
        parts = [f"{HAZARD_DRIVERS[name]} {share:.0%}" for name, share in list(drivers.items())[:top + 1]]
        lines.append(f"What raised the breakdown hazard when it broke the table (shares of those breakdowns): "
                     f"{'; '.join(parts)}.")
    if entry["stalled_by"]:
        parts = [f"{DESCRIPTION[Reason[name]]} ({share:.0%} of stalled months)"
                 for name, share in list(entry["stalled_by"].items())[:top]]
        lines.append(f"What held it up: {'; '.join(parts)}.")
    by_form = entry.get("by_form") or {}
    if len(by_form) > 1:
        parts = [f"{name} {v['signed_share']:.0%} of {v['runs']}" for name, v in by_form.items()]
        lines.append(f"Signed under each model form (share of its runs): {'; '.join(parts)}.")
    signed = {k: v["p50"] for k, v in entry["signed_package"].items() if v["p50"] is not None}
    if signed:
        terms = ", ".join(f"{k.replace('_', ' ')} {v:.2f}" for k, v in signed.items())
        lines.append(f"Signed package (median): {terms}.")
    return lines


def outcome_flags(records: TableRecords, t: int) -> dict[str, np.ndarray]:
    """Per run: the table signed, was ratified, broke down (by the end), was suspended by the state after an attack
    or a ceasefire violation at least once (what an adviser weighing conditional offers or a ceasefire asks)."""
    phase = records.phase[:, :, t].astype(int)
    suspended = (records.reason[:, :, t].astype(int) == Reason.SUSPENDED_ATTACK).any(axis=1)
    return {"signed": np.isin(phase, SIGNED).any(axis=1), "ratified": np.isin(phase, IMPLEMENTED).any(axis=1),
            "broken down": phase[:, -1] == Phase.BROKEN_DOWN, "suspended after an attack": suspended}


def paired_difference(base: np.ndarray, variant: np.ndarray) -> tuple[float, float, float]:
    """Mean of variant - base over paired runs and its 80% interval (normal approximation of the mean)."""
    d = variant.astype(float) - base.astype(float)
    mean = float(d.mean())
    half = 1.2816 * float(d.std(ddof=1)) / np.sqrt(d.size) if d.size > 1 else 0.0
    return mean, mean - half, mean + half


def compare(base: TableRecords, variant: TableRecords) -> list[dict[str, Any]]:
    """Every table of both ensembles, runs paired by id: for signed, ratified, broken down and suspended after an
    attack, the share of runs in each and the paired difference with its 80% interval; the main reason each broke
    down and what mostly raised the breakdown hazard where the hazard broke it; the median signed terms."""
    out = []
    for gid in [g for g in base.groups if g in variant.groups]:
        a, b = base.index(gid), variant.index(gid)
        fa, fb = outcome_flags(base, a), outcome_flags(variant, b)
        sa, sb = table_summary(base, a), table_summary(variant, b)
        outcomes = []
        for name in fa:
            mean, lo, hi = paired_difference(fa[name], fb[name])
            outcomes.append({"outcome": name, "baseline": float(fa[name].mean()), "variant": float(fb[name].mean()),
                             "difference": mean, "low": lo, "high": hi})
        terms = {issue: (sa["signed_package"][issue]["p50"], sb["signed_package"].get(issue, {}).get("p50"))
                 for issue in sa["signed_package"]}
        out.append({"table": gid, "outcomes": outcomes,
                    "why_broken_down": (next(iter(sa["why_broken_down"]), ""), next(iter(sb["why_broken_down"]), "")),
                    "hazard_driver": (next(iter(sa["hazard_drivers"]), ""), next(iter(sb["hazard_drivers"]), "")),
                    "signed_terms": terms})
    return out


def group_series(records: TableRecords, n_groups: int) -> dict[str, np.ndarray]:
    """Per-group monthly series (R, M, G) derived from the audit, for Results.groups and the pattern catalogue:
    `group_ratification` (-1 in a month a veto player rejects the agreement, +1 when it is ratified, 0 otherwise),
    `group_breakdown_reason` (in the month a table ends, what ended it: 1 an attack by the group, 2 a ceasefire
    violation, 3 the state's own decision, 4 the group walking away (commitment hazard), 5 an attack on it by another
    group; 0 otherwise) and `group_major_attacks` (the major attacks the state saw of the group at its table: the
    scenario's dated ones and those drawn, docs/model.md 7.4)."""
    R, M, _ = records.reason.shape
    ratification = np.zeros((R, M, n_groups))
    cause = np.zeros((R, M, n_groups))
    attacks = np.zeros((R, M, n_groups))
    for t, g in enumerate(records.slots):
        reason = records.reason[:, :, t]
        ratification[:, :, g] = np.where(reason == Reason.RATIFICATION_REJECTED, -1.0,
                                         np.where(reason == Reason.RATIFIED, 1.0, 0.0))
        cause[:, :, g] = records.audit[:, :, t, L.AU_CAUSE]
        attacks[:, :, g] = records.audit[:, :, t, L.AU_ATTACKS]
    return {"group_ratification": ratification, "group_breakdown_reason": cause, "group_major_attacks": attacks}
