"""Summary statistics of simulated runs, one value per run, for the pattern catalogue (validation/patterns.py).

Each function reads `Outputs` (per-run monthly series) and returns an array with one value per run; NaN means the
event the statistic measures did not happen in that run (a table that never signed, never broke down). Flows
(homicides, deaths, killings, displaced persons) are summed over a calendar year; stocks (members, shares) are read at
the end of a month or year. Series the model does not produce raise `outputs.NotProduced`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from totalpeace.model.tables.issues import Phase
from totalpeace.scenario.dates import month_index
from totalpeace.validation.outputs import Outputs

SIGNED = (int(Phase.FINAL_AGREEMENT), int(Phase.IMPLEMENTATION), int(Phase.DEMOBILIZED))
BROKEN = int(Phase.BROKEN_DOWN)
# Phases of a table still alive: bargaining, suspended, signed or being implemented (not broken down or demobilised).
ALIVE = (int(Phase.EXPLORATION), int(Phase.FORMAL_TALKS), int(Phase.PARTIAL_AGREEMENTS), int(Phase.FINAL_AGREEMENT),
         int(Phase.IMPLEMENTATION), int(Phase.SUSPENDED))
BARGAINING = (int(Phase.EXPLORATION), int(Phase.FORMAL_TALKS), int(Phase.PARTIAL_AGREEMENTS))
FLOOR = 1e-9

# Codes of the per-month `breakdown_reason` group series a negotiation audit is expected to produce (0: none that
# month). The catalogue reads the first non-zero code of a table.
BREAKDOWN_REASONS = {1: "attack by the group", 2: "ceasefire violation", 3: "the state's decision",
                     4: "the group's decision", 5: "attack by another group (spoiler)"}


def national_at(out: Outputs, series: str, month: str) -> np.ndarray:
    """A national stock at the end of a month (the coca area, the state's control ...)."""
    return out.series(series)[:, out.month(month)]


def group_at(out: Outputs, group: str, series: str, month: str) -> np.ndarray:
    """A group's stock at the end of a month (members, armed, sanctuary ...)."""
    return out.group(series, group)[:, out.month(month)]


def group_peak(out: Outputs, group: str, series: str, first: str, last: str) -> np.ndarray:
    """The largest monthly value of a group's stock between two months."""
    return out.group(series, group)[:, out.span(first, last)].max(axis=1)


def group_total_at(out: Outputs, groups: Sequence[str], series: str, month: str) -> np.ndarray:
    """The sum of several groups' stocks at the end of a month (splinter slots that never formed count 0)."""
    m = out.month(month)
    return np.sum([out.group(series, g)[:, m] for g in groups], axis=0)


def group_total_in_year(out: Outputs, groups: Sequence[str], series: str, year: int) -> np.ndarray:
    """The sum of several groups' flows over a calendar year (members removed, recruits ...)."""
    return np.sum([out.yearly(out.group(series, g), year, flow=True) for g in groups], axis=0)


def group_span_total(out: Outputs, groups: Sequence[str], series: str, first: str, last: str) -> np.ndarray:
    """The sum of several groups' flows over the months from `first` to `last` inclusive (a year that is not a
    calendar year, as a source counts it), every one of them inside the run."""
    return np.sum([_span_sum(out, out.group(series, g), first, last) for g in groups], axis=0)


def group_share(out: Outputs, group: str, part: str, whole: str, years: Sequence[int]) -> np.ndarray:
    """Mean over year ends of one group series over another (the share of members in sanctuary)."""
    values = []
    for year in years:
        num = out.yearly(out.group(part, group), year, flow=False)
        den = out.yearly(out.group(whole, group), year, flow=False)
        values.append(np.where(den > FLOOR, num / np.maximum(den, FLOOR), np.nan))
    return np.nanmean(np.stack(values), axis=0) if values else np.full(out.runs, np.nan)


def months_to_signing(out: Outputs, group: str, since: str) -> np.ndarray:
    """Months from `since` to the first month the group's table is in a signed phase; NaN if it never signs."""
    phase = out.group("phase", group)
    signed = np.isin(np.rint(phase).astype(int), SIGNED)
    return _months_to_first(out, signed, since)


def months_to_breakdown(out: Outputs, group: str, since: str) -> np.ndarray:
    """Months from `since` to the first month the table is broken down, NaN if it never breaks down or signed first."""
    phase = np.rint(out.group("phase", group)).astype(int)
    broken = _months_to_first(out, phase == BROKEN, since)
    signed = _months_to_first(out, np.isin(phase, SIGNED), since)
    return np.where(np.isfinite(signed) & (~np.isfinite(broken) | (signed < broken)), np.nan, broken)


def _months_to_first(out: Outputs, mask: np.ndarray, since: str) -> np.ndarray:
    """Months from `since` (which may precede the run's start) to the first month where `mask` holds, per run."""
    offset = month_index(out.start, since)
    first = np.argmax(mask, axis=1).astype(float)
    return np.where(mask.any(axis=1), first - offset, np.nan)


def rejected_then_ratified(out: Outputs, group: str) -> np.ndarray:
    """1 when the first ratification vote on the group's agreement rejects it and a later one ratifies a revised
    text, else 0 (the per-month `ratification` series: -1 rejected, +1 ratified, 0 no vote)."""
    votes = np.rint(out.group("ratification", group)).astype(int)
    result = np.zeros(votes.shape[0])
    for r, row in enumerate(votes):
        cast = row[row != 0]
        result[r] = float(len(cast) >= 2 and cast[0] == -1 and (cast[1:] == 1).any())
    return result


def suspended_then_resumed(out: Outputs, group: str, suspended: tuple[str, str], resumed_by: str) -> np.ndarray:
    """1 when the group's table is suspended in some month of `suspended` and bargains again in a later month up to
    `resumed_by`, else 0 (a table never suspended in the window, or ended or still suspended by then, does not)."""
    phase = np.rint(out.group("phase", group)).astype(int)
    window = out.span(*suspended)
    last = out.span(suspended[0], resumed_by)[-1] + 1
    result = np.zeros(phase.shape[0])
    for r, row in enumerate(phase):
        held = window[row[window] == int(Phase.SUSPENDED)]
        if held.size:
            result[r] = float(np.isin(row[held[0] + 1:last], BARGAINING).any())
    return result


def first_breakdown_reasons(out: Outputs, group: str) -> np.ndarray:
    """The first reason the audit gives for each run's table ending (BREAKDOWN_REASONS), 0 where it never ended."""
    codes = np.rint(out.group("breakdown_reason", group)).astype(int)
    return codes[np.arange(codes.shape[0]), np.argmax(codes != 0, axis=1)]


def breakdown_reason_is(out: Outputs, group: str, reason: int) -> np.ndarray:
    """1 when the first reason the audit gives for the table's end is `reason` (BREAKDOWN_REASONS), 0 when another,
    NaN when the table never ended."""
    first = first_breakdown_reasons(out, group)
    return np.where(first != 0, (first == reason).astype(float), np.nan)


def ratio_of_monthly_means(out: Outputs, series: str, during: tuple[str, str], before: tuple[str, str]) -> np.ndarray:
    """Mean monthly value in one period over the mean in a reference period (a ceasefire against the months before)."""
    values = out.series(series)
    num = values[:, out.span(*during)].mean(axis=1)
    den = values[:, out.span(*before)].mean(axis=1)
    return np.where(den > FLOOR, num / np.maximum(den, FLOOR), np.nan)


def span_total(out: Outputs, series: str, first: str, last: str) -> np.ndarray:
    """Total of a flow over the months from `first` to `last` inclusive, every one of them inside the run (a
    scenario's first twelve months, which need not be a calendar year)."""
    return _span_sum(out, out.series(series), first, last)


def _span_sum(out: Outputs, values: np.ndarray, first: str, last: str) -> np.ndarray:
    """Each run's sum of a monthly (runs, months) array from `first` to `last` inclusive."""
    out.month(first)  # each raises an error when the run does not cover that end
    out.month(last)
    return values[:, out.span(first, last)].sum(axis=1)


def yearly_mean(out: Outputs, series: str, years: Sequence[int]) -> np.ndarray:
    """Mean over calendar years of a flow's yearly total (combat deaths, killings, displaced persons)."""
    return np.mean([out.yearly(out.series(series), y, flow=True) for y in years], axis=0)


def ratio_to_year(out: Outputs, series: str, years: Sequence[int], base: int) -> np.ndarray:
    """Mean yearly total over `years` divided by the total of the base year."""
    den = out.yearly(out.series(series), base, flow=True)
    return np.where(den > FLOOR, yearly_mean(out, series, years) / np.maximum(den, FLOOR), np.nan)


def mean_absolute_percentage_error(out: Outputs, series: str, observed: dict[int, float]) -> np.ndarray:
    """Mean over the observed years of |model − observed| / observed, per run (0.1 = 10%)."""
    errors = [np.abs(out.yearly(out.series(series), y, flow=True) - v) / v for y, v in sorted(observed.items())]
    return np.mean(errors, axis=0)


def territory_totals(out: Outputs, series: str, years: Sequence[int]) -> np.ndarray:
    """Per run and territory, the flow's total over the given calendar years (R, T)."""
    values = out.territory(series)
    return np.sum([out.yearly(values, y, flow=True) for y in years], axis=0)


def weighted_share_within(out: Outputs, series: str, years: Sequence[int], observed: dict[str, float],
                          tolerance: float) -> np.ndarray:
    """Share of the observed total that lies in territories whose model total is within ±tolerance of the
    observed one (the homicide-weighted share of departments the model gets right)."""
    totals = territory_totals(out, series, years)
    index = {t: i for i, t in enumerate(out.territory_ids)}
    ids = [t for t in observed if t in index]
    if not ids:
        raise ValueError("no observed territory is among the run's territories")
    obs = np.array([observed[t] for t in ids])
    model = totals[:, [index[t] for t in ids]]
    close = np.abs(model - obs) <= tolerance * obs
    return (close * obs).sum(axis=1) / obs.sum()


def share_in_territories(out: Outputs, series: str, years: Sequence[int], territories: Sequence[str]) -> np.ndarray:
    """Share of a flow's total over the given years that falls in a set of territories."""
    totals = territory_totals(out, series, years)
    index = {t: i for i, t in enumerate(out.territory_ids)}
    chosen = [index[t] for t in territories if t in index]
    whole = totals.sum(axis=1)
    return np.where(whole > FLOOR, totals[:, chosen].sum(axis=1) / np.maximum(whole, FLOOR), np.nan)


def difference(variant: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Paired difference, run by run, of a statistic in a variant and in the base scenario (common random numbers)."""
    return variant - base
