"""The pattern catalogue: what the model must reproduce of Colombia's history before August 2022, and how to tell.

Pattern-oriented modelling (Grimm et al. 2005): a mechanism earns its place by the observed patterns it reproduces,
several at once, at different scales. Each `Pattern` is a small declarative object: the question it answers, the
historical scenario it runs on, a statistic computed from each simulated run, the observation it is compared with (a
row of `data/colombia/patterns.csv`, with its source and band, written by `tools/curate_patterns.py`) and the criterion
for "reproduced in this run". `validation/pattern_runs.py` runs the scenarios and evaluates every pattern; a pattern
whose statistic needs an output the model does not produce yet is reported as such, never as a pass.

The patterns are those the model issues name: #15 (group growth after 2017, the Caguán, Havana), #16 (the Havana,
ELN and Caguán talks), #17 (the 2015-16 ceasefires, homicides nationally and by department, social-leader killings,
the ELN in Venezuela, and the levels of combat deaths, killings, massacres, displacement and confinement).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from totalpeace.data import COLOMBIA
from totalpeace.errors import InputError
from totalpeace.validation import statistics as st
from totalpeace.validation.outputs import NotProduced, Outputs

OBSERVATIONS_FILE = COLOMBIA / "patterns.csv"
REPRODUCED_SHARE = 0.5  # a pattern is reproduced when most runs reproduce it (issue #16: "in most runs")


@dataclass(frozen=True)
class ObservedRow:
    territory: str
    period: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    notes: str


@dataclass(frozen=True)
class Observation:
    """One observation of patterns.csv: a single value with its band, or a series (by year or territory)."""

    id: str
    rows: tuple[ObservedRow, ...]

    @property
    def single(self) -> ObservedRow:
        if len(self.rows) != 1:
            raise ValueError(f"observation {self.id} is a series of {len(self.rows)} rows, not one value")
        return self.rows[0]

    @property
    def unit(self) -> str:
        return self.rows[0].unit

    @property
    def sources(self) -> list[str]:
        return sorted({r.source for r in self.rows})

    def by_year(self) -> dict[int, float]:
        return {int(r.period): r.value for r in self.rows}

    def by_territory(self) -> dict[str, float]:
        return {r.territory: r.value for r in self.rows}


@lru_cache(maxsize=1)
def load_observations() -> dict[str, Observation]:
    """Every observation of the shipped patterns.csv, by id."""
    frame = pd.read_csv(OBSERVATIONS_FILE, dtype={"territory": str, "period": str}, keep_default_na=False)
    out: dict[str, list[ObservedRow]] = {}
    for r in frame.itertuples():
        out.setdefault(str(r.observation), []).append(ObservedRow(
            str(r.territory), str(r.period), _num(r.value), _num(r.low), _num(r.high), str(r.unit), str(r.source),
            str(r.notes)))
    return {k: Observation(k, tuple(v)) for k, v in out.items()}


def _num(text: object) -> float:
    return float(text) if str(text).strip() != "" else float("nan")


@dataclass(frozen=True)
class Criterion:
    """A run reproduces the pattern when its statistic lies in [low, high] (NaN bounds are open; NaN values fail)."""

    low: float = float("nan")
    high: float = float("nan")
    reason: str = ""

    def holds(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, dtype=float)
        ok = np.isfinite(v)
        if np.isfinite(self.low):
            ok &= v >= self.low
        if np.isfinite(self.high):
            ok &= v <= self.high
        return ok

    def text(self) -> str:
        """The criterion in a few characters: "1,920-3,120", ">= 0.8", "<= 0.1", "= 1"."""
        if np.isfinite(self.low) and np.isfinite(self.high):
            return f"{fmt(self.low)}-{fmt(self.high)}" if self.low != self.high else f"= {fmt(self.low)}"
        if np.isfinite(self.low):
            return f">= {fmt(self.low)}"
        return f"<= {fmt(self.high)}"


@dataclass(frozen=True)
class Runs:
    """What a statistic reads: the runs of the pattern's scenario, its observation and, for paired patterns, the
    runs of the variant on the same seeds."""

    outputs: Outputs
    observation: Observation
    variant: Outputs | None = None


Statistic = Callable[[Runs], np.ndarray]
Diagnosis = Callable[[Runs, np.ndarray], str]


@dataclass(frozen=True)
class Pattern:
    """One pattern: question, scenario, statistic, observation and criterion."""

    id: str
    issue: str
    question: str
    scenario: str
    observation: str
    statistic: Statistic
    measures: str  # the statistic in words
    unit: str
    criterion: Criterion | None = None  # default: the observation's band
    variant: tuple[str, ...] = ()  # `--set` overrides of a paired variant run on the same seeds
    dependence: str = ""  # why the pattern is not an independent test, if it is not
    diagnose: Diagnosis | None = None
    ideal: float | None = None  # the statistic's value on the data, for series observations (0 error, share 1)
    also: tuple[str, ...] = ()  # other scenarios that start where `scenario` does: `run` checks them too

    def criterion_for(self, observation: Observation) -> Criterion:
        if self.criterion is not None:
            return self.criterion
        row = observation.single
        return Criterion(row.low, row.high, "the observation's band (patterns.csv notes)")

    @property
    def scenario_key(self) -> str:
        """The ensemble this pattern reads: its scenario, or its scenario with the variant's overrides."""
        return self.scenario if not self.variant else f"{self.scenario} [{', '.join(self.variant)}]"


def fmt(x: float) -> str:
    """A number for tables: three significant digits below 100, whole numbers with separators above."""
    if x is None or not np.isfinite(x):
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


# --- diagnoses: measured facts that say why a run misses -------------------------------------------------------------
def trajectory(group: str, series: str, last: str) -> Diagnosis:
    """Start and end of a group's stock, and the share of runs in which it shrank: the scenario's members at the
    start, or for another stock (armed members, networks) its first month's median."""
    def text(runs: Runs, _values: np.ndarray) -> str:
        out = runs.outputs
        values = out.group(series, group)
        first = float(np.median(values[:, 0]))
        start = out.group_start.get(group, first) if series == "members" else first
        end = values[:, out.month(last)]
        peak = values.max(axis=1)
        return (f"{group} {series}: {fmt(start)} at the start, median {fmt(float(np.median(end)))} in {last} "
                f"(peak {fmt(float(np.median(peak)))}); below the start in {np.mean(end < start):.0%} of runs")
    return text


def group_yearly(series: str, year: int, groups: tuple[str, ...]) -> Diagnosis:
    """Median yearly total of a group flow, and the group's mean armed members and support networks that year, for
    each group: the Defence Ministry's captures are mostly support networks (docs/model.md 7.10), so a group the
    scenario gives none can only be short of them."""
    def text(runs: Runs, _values: np.ndarray) -> str:
        out = runs.outputs
        parts = []
        for group in groups:
            months = out.year_months(year)
            total = float(np.median(out.yearly(out.group(series, group), year, flow=True)))
            armed = float(np.median(out.group("armed", group)[:, months].mean(axis=1)))
            support = float(np.median(out.group("support", group)[:, months].mean(axis=1)))
            parts.append(f"{group} {fmt(total)} of {fmt(armed)} armed members and {fmt(support)} in support networks")
        return f"median {series} in {year}: " + ", ".join(parts)
    return text


def talks_outcome(group: str) -> Diagnosis:
    """How the group's table ended across runs."""
    def text(runs: Runs, _values: np.ndarray) -> str:
        phase = np.rint(runs.outputs.group("phase", group)).astype(int)
        signed = np.isin(phase, st.SIGNED).any(axis=1)
        broken = (phase == st.BROKEN).any(axis=1)
        text = (f"{group}'s table: signed in {signed.mean():.0%} of runs, broken down in {broken.mean():.0%} (of "
                f"which after signing: {(signed & broken).mean():.0%}), neither in {(~signed & ~broken).mean():.0%}")
        return text + _end_reasons(runs.outputs, group)
    return text


def _end_reasons(out: Outputs, group: str) -> str:
    """", first ended by: <reason> x%, ..." over the runs whose table ended (empty without the audit's series)."""
    try:
        first = st.first_breakdown_reasons(out, group)
    except LookupError:
        return ""
    first = first[first != 0]
    if not first.size:
        return ""
    parts = [f"{st.BREAKDOWN_REASONS.get(int(c), f'code {c}')} {np.mean(first == c):.0%}"
             for c in sorted(set(first.tolist()), key=lambda c: -np.sum(first == c))]
    return "; tables ended, by first reason: " + ", ".join(parts)


def yearly_path(series: str, years: tuple[int, ...], *more: str, flow: bool = True) -> Diagnosis:
    """Median yearly totals of a national flow (and of the flows in `more`, the drivers to look at); with `flow`
    False, national stocks at the end of each year instead (the state's control, the groups' members)."""
    when = "a year" if flow else "at the year's end"

    def text(runs: Runs, _values: np.ndarray) -> str:
        out = runs.outputs
        lines = []
        for name in (series, *more):
            parts = [f"{y} {fmt(float(np.median(out.yearly(out.series(name), y, flow=flow))))}" for y in years]
            lines.append(f"median {name} {when}: " + ", ".join(parts))
        return "; ".join(lines)
    return text


def department_misses(series: str, years: range, count: int = 3) -> Diagnosis:
    """The departments whose model totals miss the observed ones by most (among those with 2% of the total)."""
    def text(runs: Runs, _values: np.ndarray) -> str:
        observed = runs.observation.by_territory()
        totals = np.median(st.territory_totals(runs.outputs, series, years), axis=0)
        model = dict(zip(runs.outputs.territory_ids, totals, strict=True))
        names = department_names()
        big = [t for t, v in observed.items() if v >= 0.02 * sum(observed.values()) and t in model]
        worst = sorted(big, key=lambda t: abs(np.log(max(model[t], 1.0) / observed[t])), reverse=True)[:count]
        parts = [f"{names.get(t, t)} {fmt(model[t])} against {fmt(observed[t])}" for t in worst]
        return f"largest misses (model median {years[0]}-{years[-1]}): " + "; ".join(parts)
    return text


def largest_shares(series: str, years: range, chosen: str | None = None, count: int = 5) -> Diagnosis:
    """The departments with the largest shares of a flow, pooled over the runs, those of the observation `chosen`
    (if any) marked: where the model puts what the pattern says should be elsewhere."""
    def text(runs: Runs, _values: np.ndarray) -> str:
        totals = st.territory_totals(runs.outputs, series, years).sum(axis=0)
        whole = float(totals.sum())
        if whole <= 0:
            return f"no {series} in {years[0]}-{years[-1]}"
        inside = set(_departments(chosen)) if chosen else set()
        names = department_names()
        ids = runs.outputs.territory_ids
        parts = [f"{names.get(ids[i], ids[i])}{'*' if ids[i] in inside else ''} {totals[i] / whole:.1%}"
                 for i in np.argsort(-totals, kind="stable")[:count]]
        return (f"largest shares of {series} {years[0]}-{years[-1]}, pooled over the runs: " + ", ".join(parts)
                + (f" (* in {chosen})" if chosen else ""))
    return text


@lru_cache(maxsize=1)
def department_names() -> dict[str, str]:
    frame = pd.read_csv(COLOMBIA / "departments.csv", dtype={"id": str})
    return dict(zip(frame["id"], frame["name"], strict=True))


def period_means(series: str, during: tuple[str, str], before: tuple[str, str]) -> Diagnosis:
    def text(runs: Runs, _values: np.ndarray) -> str:
        values = runs.outputs.series(series)
        a = float(np.median(values[:, runs.outputs.span(*before)].mean(axis=1)))
        b = float(np.median(values[:, runs.outputs.span(*during)].mean(axis=1)))
        return f"median {series} a month: {fmt(a)} in {before[0]}..{before[1]}, {fmt(b)} in {during[0]}..{during[1]}"
    return text


def both(*diagnoses: Diagnosis) -> Diagnosis:
    """Several diagnoses in one line."""
    def text(runs: Runs, values: np.ndarray) -> str:
        return "; ".join(d(runs, values) for d in diagnoses)
    return text


def ceasefire_by_table(group: str, series: str, during: tuple[str, str], before: tuple[str, str]) -> Diagnosis:
    """The ratio of monthly means split by whether the group's table was still alive when the ceasefire began.

    A historical scenario schedules the ceasefire whatever the run's talks did; in runs whose table has broken down
    the group has nothing at stake at a table and its fronts exploit the ceasefire (docs/model.md 7.13), so the
    split says whether a miss comes from the ceasefire's mechanism or from the talks that led to it."""
    def text(runs: Runs, _values: np.ndarray) -> str:
        out = runs.outputs
        phase = np.rint(out.group("phase", group)[:, out.month(during[0])]).astype(int)
        alive = np.isin(phase, st.ALIVE)
        ratio = st.ratio_of_monthly_means(out, series, during, before)
        parts = [f"{group}'s table alive in {during[0]} in {alive.mean():.0%} of runs"]
        for mask, name in ((alive, "alive"), (~alive, "not alive")):
            if mask.any():
                parts.append(f"median ratio where {name} {fmt(float(np.nanmedian(ratio[mask])))}")
        if alive.any():
            parts.extend(_ceasefire_conduct(out, group, during, alive))
        return "; ".join(parts)
    return text


def _ceasefire_conduct(out: Outputs, group: str, during: tuple[str, str], alive: np.ndarray) -> list[str]:
    """Where the table was alive: how often the group's fronts exploited the ceasefire and what deal it had at stake
    (its margin at the table: at or below 0 nothing worth more than war, docs/model.md 7.13); nothing for outputs
    that lack the series."""
    months = out.span(*during)
    parts = []
    with contextlib.suppress(NotProduced):
        exploit = out.group("choice_exploit", group)[alive][:, months]
        if np.isfinite(exploit).any():
            parts.append(f"where alive its fronts exploited the ceasefire in {float(np.nanmean(exploit)):.0%} of "
                         "its months")
    with contextlib.suppress(NotProduced):
        margin = out.group("surplus", group)[alive][:, months]
        if np.isfinite(margin).any():
            parts.append(f"its median margin at the table {fmt(float(np.nanmedian(margin)))} (at or below 0: no "
                         "deal worth more than war at stake)")
    return parts


# --- the catalogue ---------------------------------------------------------------------------------------------------
S98, S12, S17, S22 = "colombia-1998", "colombia-2012", "colombia-2017", "colombia-2022"
FLAGSHIP_FIRST_YEAR = ("2022-08", "2023-07")  # the flagship's first twelve months
CEASEFIRE = ("2015-08", "2016-07")  # after the 20 Jul 2015 unilateral ceasefire, until the bilateral one (CERAC)
BEFORE_CEASEFIRE = ("2012-10", "2014-11")  # talks before the 20 Dec 2014 unilateral ceasefire
CEASEFIRE_YEAR = ("2016-01", "2016-12")  # UCDP's yearly counts: 2016 is ceasefire throughout
BEFORE_CEASEFIRE_YEARS = ("2013-01", "2014-12")
MAPE_LIMIT = 0.10
DEPARTMENT_TOLERANCE = 0.25
DEPARTMENT_SHARE = 0.8
FORMER_FARC = "former_farc_departments"


def non_state_pattern(scenario: str, years: range, question: str, dependence: str = "") -> Pattern:
    """UCDP's non-state deaths (fighting between groups, without the state) over `years`, a yearly mean."""
    span = f"{years[0]}-{years[-1]}"
    return Pattern(f"non-state-deaths-{span}", "#17", question, scenario, f"non_state_deaths_{span.replace('-', '_')}",
                   lambda r: st.yearly_mean(r.outputs, "non_state_deaths", years),
                   f"mean yearly deaths in fighting between groups {span} (UCDP's non-state definition)",
                   "deaths a year", dependence=dependence,
                   diagnose=yearly_path("non_state_deaths", (years[0], years[-1]), "inter_group_clashes"))


def removed_in_democratic_security(group: str, label: str, question: str) -> Pattern:
    """The group's members the state removed in Uribe's first year, over the months the Army's count covers (August
    2002 to July 2003, not a calendar year)."""
    return Pattern(f"{group}-removed-2002-2003", "#17", question, S98, f"{group}_removed_2002_2003",
                   lambda r: st.group_span_total(r.outputs, (group,), "removed", "2002-08", "2003-07"),
                   f"{label} members the state killed, captured or received in surrender from August 2002 to July "
                   "2003", "members a year", diagnose=group_yearly("removed", 2003, (group,)))


def start_level(name: str, series: str, observation: str, period: str, checked_by: str, what: str,
                scaled: str = "") -> Pattern:
    """Where the flagship starts: the total of a flow over its first twelve months against the level of the last
    years observed before it (the same observation `checked_by` scores on `colombia-2017`). Not a test of the
    forecasts, which may move away from that level, but of the start: the groups, presence and rates the flagship
    begins with should give about the violence the public series counted in the years before August 2022. `scaled`
    names the flagship's rate set from that same level (tools/flagship_scales.py), if one is."""
    first, last = FLAGSHIP_FIRST_YEAR
    dependence = (f"the level of {period} that `{checked_by}` scores on colombia-2017, here where the flagship "
                  "starts: a check of its initial state against the last years observed, not of its forecasts")
    if scaled:
        dependence += (f"; the flagship's `{scaled}` is set so that colombia-2017's median run meets this level "
                       "(tools/flagship_scales.py), so the check is of its start in a new year, not of the level")
    return Pattern(f"start-{name}", "#17",
                   f"Does the flagship start at the level of {what} observed in {period}?", S22, observation,
                   lambda r: st.span_total(r.outputs, series, first, last),
                   f"{what} in the flagship's first twelve months ({first} to {last})", "a year",
                   dependence=dependence,
                   diagnose=yearly_path(series, (2023, 2024, 2025)), also=("colombia-2022-municipal",))


def _departments(name: str) -> list[str]:
    return sorted(load_observations()[name].by_territory())


CATALOGUE: tuple[Pattern, ...] = (
    # ---- #15 armed groups ---------------------------------------------------------------------------------------
    Pattern("dissidents-armed-2020", "#15 (a)",
            "After the FARC's demobilisation, do the dissident factions regrow from about 375 (2017) to some 2,500 "
            "armed members by 2020?", S17, "dissidents_armed_2020",
            lambda r: st.group_at(r.outputs, "farc_dissidents", "armed", "2020-12"),
            "armed FARC dissidents at the end of 2020", "armed members",
            diagnose=trajectory("farc_dissidents", "armed", "2020-12")),
    Pattern("dissidents-total-2020", "#15 (a)",
            "Do the dissidents' armed members and support networks together reach some 4,600-5,200 by 2020?", S17,
            "dissidents_total_2020", lambda r: st.group_at(r.outputs, "farc_dissidents", "members", "2020-12"),
            "FARC dissident members (armed and support) at the end of 2020", "members",
            diagnose=trajectory("farc_dissidents", "members", "2020-12")),
    Pattern("clan-del-golfo-2021", "#15 (b)",
            "Does the Clan del Golfo roughly double from about 1,800 (2017) to some 3,300 by early 2021 (3,655 by "
            "mid-2022), despite the operations against it?", S17, "clan_del_golfo_2021",
            lambda r: st.group_at(r.outputs, "clan_del_golfo", "members", "2021-02"),
            "Clan del Golfo members in February 2021 (the Police's count)", "members",
            diagnose=trajectory("clan_del_golfo", "members", "2021-02")),
    Pattern("eln-2020", "#15 (c)",
            "Does the ELN grow from about 1,400 fighters (2017) to some 2,200-2,450 members by 2020-21?", S17,
            "eln_2020", lambda r: st.group_at(r.outputs, "eln", "members", "2020-12"),
            "ELN members at the end of 2020", "members", diagnose=trajectory("eln", "members", "2020-12")),
    Pattern("farc-caguan-peak", "#15 (d)",
            "During the Caguán zone (1998-2002), does the FARC grow to about 17,000 fighters?", S98,
            "farc_caguan_peak", lambda r: st.group_peak(r.outputs, "farc", "armed", "2000-01", "2002-12"),
            "largest number of armed FARC members in 2000-2002", "armed members",
            diagnose=trajectory("farc", "armed", "2002-12")),
    Pattern("farc-havana-stable", "#15 (e)",
            "Does FARC membership stay roughly stable (about 7,000-8,000) through the Havana talks?", S12,
            "farc_havana_2015", lambda r: st.group_at(r.outputs, "farc", "armed", "2015-12"),
            "armed FARC members at the end of 2015", "armed members",
            diagnose=trajectory("farc", "armed", "2015-12")),
    # ---- #16 negotiations -----------------------------------------------------------------------------------------
    Pattern("havana-signed-4-years", "#16",
            "Are the Havana talks signed after about four years (47-49 months)?", S12, "havana_months_to_signing",
            lambda r: st.months_to_signing(r.outputs, "farc", "2012-10"),
            "months from Oct 2012 to the FARC table's first signed phase (none: not reproduced)", "months",
            diagnose=talks_outcome("farc")),
    Pattern("plebiscite-then-congress", "#16",
            "Is the first Havana text rejected (the Oct 2016 plebiscite) and a revised text ratified (Congress, "
            "Nov 2016)?", S12, "plebiscite_rejected_then_ratified",
            lambda r: st.rejected_then_ratified(r.outputs, "farc"),
            "1 when the first ratification vote on the FARC agreement rejects it and a later one ratifies",
            "yes (1) / no (0)"),
    Pattern("havana-talks-resumed-2014", "#16",
            "Are the Havana talks, suspended after the FARC seized General Alzate (Nov 2014), resumed (Dec 2014)?",
            S12, "havana_talks_resumed_2014",
            lambda r: st.suspended_then_resumed(r.outputs, "farc", ("2014-11", "2014-12"), "2015-02"),
            "1 when the FARC table, suspended in November or December 2014, bargains again by February 2015",
            "yes (1) / no (0)", diagnose=talks_outcome("farc")),
    Pattern("eln-talks-end-2019", "#16",
            "Do the ELN talks opened in Feb 2017 end without agreement after about two years (Jan 2019)?", S17,
            "eln_talks_months_to_end", lambda r: st.months_to_breakdown(r.outputs, "eln", "2017-02"),
            "months from Feb 2017 to the ELN table's breakdown, without signing first (none: not reproduced)",
            "months", diagnose=talks_outcome("eln")),
    Pattern("eln-talks-end-reason", "#16",
            "Do the ELN talks end because of the group's own attack (the Jan 2019 car bomb)?", S17,
            "eln_talks_end_reason_attack",
            lambda r: st.breakdown_reason_is(r.outputs, "eln", 1),
            "1 when the negotiation audit's first reason for the ELN table's end is an attack by the group",
            "yes (1) / no (0)"),
    Pattern("eln-talks-resumed-2018", "#16",
            "Are the ELN talks, suspended after the ELN's attacks of January 2018, resumed by the same government "
            "(March 2018)?", S17, "eln_talks_resumed_2018",
            lambda r: st.suspended_then_resumed(r.outputs, "eln", ("2018-01", "2018-02"), "2018-07"),
            "1 when the ELN table, suspended in January or February 2018, bargains again by July 2018",
            "yes (1) / no (0)", diagnose=talks_outcome("eln")),
    Pattern("caguan-breakdown-3-years", "#16",
            "Do the Caguán talks break down after about three years (Jan 1999 - Feb 2002)?", S98,
            "caguan_months_to_breakdown", lambda r: st.months_to_breakdown(r.outputs, "farc", "1999-01"),
            "months from Jan 1999 to the FARC table's breakdown, without signing first (none: not reproduced); the "
            "scenario's deadline of April 2002 (39 months from Jan 1999) bounds it above, so it tests an early end or "
            "a signature",
            "months", diagnose=talks_outcome("farc")),
    # ---- #17 state, foreign actors and outcomes -------------------------------------------------------------------
    Pattern("ceasefire-conflict-deaths", "#17 (a)",
            "Under the 2015-16 FARC ceasefires, do conflict deaths fall to about a fifth?", S12,
            "ceasefire_conflict_deaths_ratio",
            lambda r: st.ratio_of_monthly_means(r.outputs, "combat_deaths", CEASEFIRE, BEFORE_CEASEFIRE),
            "mean monthly combat deaths (everyone killed in armed fighting, CERAC's conflict deaths) Aug 2015 - Jul "
            "2016 over Oct 2012 - Nov 2014", "ratio",
            diagnose=both(period_means("combat_deaths", CEASEFIRE, BEFORE_CEASEFIRE),
                          period_means("non_state_deaths", CEASEFIRE, BEFORE_CEASEFIRE),
                          ceasefire_by_table("farc", "combat_deaths", CEASEFIRE, BEFORE_CEASEFIRE))),
    Pattern("ceasefire-battle-deaths", "#17 (a)",
            "... and does the fighting between the state and the insurgents (UCDP's state-based deaths) fall alike?",
            S12, "ceasefire_battle_deaths_ratio",
            lambda r: st.ratio_of_monthly_means(r.outputs, "battle_deaths", CEASEFIRE_YEAR, BEFORE_CEASEFIRE_YEARS),
            "mean monthly battle deaths (UCDP's state-based definition) in 2016 over 2013-2014", "ratio",
            diagnose=both(period_means("battle_deaths", CEASEFIRE_YEAR, BEFORE_CEASEFIRE_YEARS),
                          ceasefire_by_table("farc", "battle_deaths", CEASEFIRE_YEAR, BEFORE_CEASEFIRE_YEARS))),
    Pattern("ceasefire-homicides", "#17 (a)",
            "... while national homicides barely move?", S12, "ceasefire_homicides_ratio",
            lambda r: st.ratio_of_monthly_means(r.outputs, "homicides", CEASEFIRE, BEFORE_CEASEFIRE),
            "mean monthly homicides Aug 2015 - Jul 2016 over Oct 2012 - Nov 2014", "ratio",
            diagnose=period_means("homicides", CEASEFIRE, BEFORE_CEASEFIRE)),
    Pattern("homicides-national", "#17 (b)",
            "Do national homicides 2013-2021 follow the Police series (14,971 in 2013 down to 12,079 in 2017, "
            "13,874 in 2021)?", S12, "homicides_police",
            lambda r: st.mean_absolute_percentage_error(r.outputs, "homicides", r.observation.by_year()),
            "mean absolute percentage error of yearly homicides 2013-2021 against the Police counts", "share",
            criterion=Criterion(high=MAPE_LIMIT, reason="assumption: within 10% a year on average, about the "
                                "year-to-year change of the series (last year carried forward misses by 5.7% on "
                                "average)"),
            ideal=0.0, diagnose=yearly_path("homicides", (2013, 2015, 2017, 2019, 2021))),
    Pattern("homicides-by-department", "#17 (b)",
            "Are homicides 2013-2021 where the Police counted them, department by department?", S12,
            "homicides_by_department",
            lambda r: st.weighted_share_within(r.outputs, "homicides", range(2013, 2022),
                                               r.observation.by_territory(), DEPARTMENT_TOLERANCE),
            "share of the Police's 2013-2021 homicides in departments whose model total is within 25% of it",
            "share",
            criterion=Criterion(low=DEPARTMENT_SHARE, reason="assumption: four fifths of the homicides in "
                                "departments the model gets within a quarter"), ideal=1.0,
            diagnose=department_misses("homicides", range(2013, 2022))),
    Pattern("homicides-after-demobilisation", "#17 (b)",
            "After the FARC's demobilisation, while the dissidents, the ELN and the Clan del Golfo regrow, do "
            "national homicides stay near the Police series (12,667 in 2018, 12,127 in 2020, 13,874 in 2021)?", S17,
            "homicides_police_2018_2021",
            lambda r: st.mean_absolute_percentage_error(r.outputs, "homicides", r.observation.by_year()),
            "mean absolute percentage error of yearly homicides 2018-2021 against the Police counts, from the 2017 "
            "start", "share",
            criterion=Criterion(high=MAPE_LIMIT, reason="assumption: within 10% a year on average, as "
                                "homicides-national"),
            ideal=0.0, diagnose=both(yearly_path("homicides", (2018, 2019, 2020, 2021), "armed_group_homicides"),
                                     yearly_path("state_control_share", (2017, 2021), "armed_group_members",
                                                 flow=False))),
    Pattern("leaders-rise-after-2016", "#17 (c)",
            "Do killings of social leaders rise after 2016 (to about 1.2-1.8 times the 2016 level)?", S12,
            "leaders_killed_vs_2016",
            lambda r: st.ratio_to_year(r.outputs, "social_leader_killings", (2017, 2018, 2020, 2021), 2016),
            "mean killings of social leaders in 2017, 2018, 2020 and 2021 over 2016", "ratio",
            diagnose=yearly_path("social_leader_killings", (2016, 2017, 2018, 2020, 2021), "vacated_control")),
    Pattern("leaders-former-farc-areas", "#17 (c)",
            "Are those killings concentrated in the FARC's former areas (about 80-90% in 2018 and 2021)?", S12,
            "leaders_share_former_farc",
            lambda r: st.share_in_territories(r.outputs, "social_leader_killings", range(2018, 2022),
                                              _departments(FORMER_FARC)),
            "share of social-leader killings 2018-2021 in the former FARC departments (patterns.csv)", "share",
            diagnose=largest_shares("social_leader_killings", range(2018, 2022), FORMER_FARC)),
    Pattern("eln-share-venezuela", "#17 (d)",
            "Is about 40-50% of the ELN in Venezuela (2019-2021)?", S17, "eln_share_venezuela",
            lambda r: st.group_share(r.outputs, "eln", "sanctuary", "members", (2019, 2020, 2021)),
            "mean over the year ends 2019-2021 of the ELN's members in sanctuary over its members", "share",
            dependence="the scenario's sanctuary share (sigma_max 0.5 at tolerance 0.9) is set from the same 2019-21 "
                       "figures, and the model's share is sigma_max x tolerance: an input, not an independent test"),
    Pattern("eln-venezuela-response", "#17 (d)",
            "Does the ELN's share in Venezuela respond to Venezuela's tolerance (falls when it withdraws it)?", S17,
            "eln_sanctuary_response",
            lambda r: st.difference(
                st.group_share(r.variant, "eln", "sanctuary", "members", (2019, 2020, 2021)),
                st.group_share(r.outputs, "eln", "sanctuary", "members", (2019, 2020, 2021))),
            "paired change in the ELN's 2019-21 share in Venezuela when Venezuela's tolerance is 0", "change",
            variant=("international.venezuela.host_tolerance=0",),
            dependence="a mechanism check (direction only): the model sets the share to sigma_max x tolerance"),
    Pattern("combat-deaths-1999-2002", "#17",
            "Are combat deaths in the Caguán years at UCDP's level (about 1,400 a year)?", S98,
            "combat_deaths_1999_2002", lambda r: st.yearly_mean(r.outputs, "battle_deaths", range(1999, 2003)),
            "mean yearly battle deaths 1999-2002 (UCDP's state-based definition: the state against insurgents and "
            "dissidents, both sides)", "deaths a year",
            diagnose=yearly_path("battle_deaths", (1999, 2002), "killed_in_operations", "security_forces_killed")),
    Pattern("combat-deaths-2013-2014", "#17",
            "Are combat deaths during the Havana talks at UCDP's level (about 140 a year)?", S12,
            "combat_deaths_2013_2014", lambda r: st.yearly_mean(r.outputs, "battle_deaths", range(2013, 2015)),
            "mean yearly battle deaths 2013-2014 (UCDP's state-based definition)", "deaths a year",
            diagnose=yearly_path("battle_deaths", (2013, 2014), "killed_in_operations", "security_forces_killed",
                                 "state_group_clashes")),
    Pattern("guerrillas-removed-2014", "#17",
            "Does the state remove guerrillas at the Defence Ministry's pace during the Havana talks (4,507 killed, "
            "captured or demobilised in 2014)?", S12,
            "guerrillas_removed_2014",
            lambda r: st.group_total_in_year(r.outputs, ("farc", "eln"), "removed", 2014),
            "FARC and ELN members the state killed, captured or received in surrender in 2014", "members a year",
            diagnose=group_yearly("removed", 2014, ("farc", "eln"))),
    Pattern("eln-removed-2014", "#17",
            "... and the ELN's part of them (753: 46 killed, 537 captured, 170 demobilised)?", S12,
            "eln_removed_2014", lambda r: st.group_total_in_year(r.outputs, ("eln",), "removed", 2014),
            "ELN members the state killed, captured or received in surrender in 2014", "members a year",
            diagnose=group_yearly("removed", 2014, ("eln",))),
    removed_in_democratic_security("farc", "FARC",
                                   "In the first year of Democratic Security, does the state remove the FARC's "
                                   "members at the Army's pace (4,162 killed, captured or surrendered from August "
                                   "2002 to August 2003)?"),
    removed_in_democratic_security("eln", "ELN",
                                   "... and the ELN's (1,111: 383 killed, 575 captured, 153 surrendered)?"),
    Pattern("combat-deaths-2018", "#17",
            "Are combat deaths after the FARC's demobilisation at UCDP's level (142 in 2018)?", S17,
            "combat_deaths_2018", lambda r: st.yearly_mean(r.outputs, "battle_deaths", (2018,)),
            "battle deaths in 2018 (UCDP's state-based definition)", "deaths a year",
            diagnose=yearly_path("battle_deaths", (2018,), "killed_in_operations", "security_forces_killed",
                                 "state_group_clashes")),
    non_state_pattern(S98, range(1999, 2003),
                      "Are deaths in fighting between armed groups in the Caguán years at UCDP's level (about 390 a "
                      "year, nearly all the AUC's war on the FARC)?",
                      "a calibration check: counterinsurgent_lethality is set from this figure at the registry's "
                      "defaults (tools/outcome_scales.py)"),
    non_state_pattern(S12, range(2013, 2015),
                      "During the Havana talks, do the groups kill so few of each other's members that UCDP codes no "
                      "non-state conflict (under 25 a pair a year)?"),
    Pattern("leaders-killed-level", "#17",
            "Are social-leader killings 2018-2021 at the published level (Defensoría about 170, Indepaz about 250 "
            "a year)?", S17, "leaders_killed_2018_2021",
            lambda r: st.yearly_mean(r.outputs, "social_leader_killings", (2018, 2020, 2021)),
            "mean yearly social-leader killings in 2018, 2020 and 2021", "killings a year",
            diagnose=yearly_path("social_leader_killings", (2018, 2020, 2021), "vacated_control")),
    Pattern("massacres-level", "#17",
            "Are massacres 2018-2021 at the CNMH's level (about 14 a year, 4+ victims)?", S17,
            "massacres_cnmh_2018_2021", lambda r: st.yearly_mean(r.outputs, "massacres", range(2018, 2022)),
            "mean yearly massacres (4+ victims) 2018-2021", "massacres a year",
            diagnose=yearly_path("massacres", (2018, 2019, 2020, 2021), "armed_group_homicides")),
    Pattern("displacement-level", "#17",
            "Is forced displacement 2018-2021 at the Victims' Registry's level (about 167,000 a year)?", S17,
            "displacement_2018_2021", lambda r: st.yearly_mean(r.outputs, "displaced", range(2018, 2022)),
            "mean yearly persons forcibly displaced 2018-2021", "persons a year",
            diagnose=yearly_path("displaced", (2018, 2019, 2020, 2021), "armed_group_homicides")),
    Pattern("confinement-level", "#17",
            "Is confinement 2020-2021 at OCHA's level (about 70,000 persons a year)?", S17, "confinement_2020_2021",
            lambda r: st.yearly_mean(r.outputs, "confined", range(2020, 2022)),
            "mean yearly persons confined by armed groups 2020-2021", "persons a year",
            diagnose=both(yearly_path("confined", (2020, 2021)), largest_shares("confined", range(2020, 2022)))),
    # ---- the coca economy the groups live off (MECHANISMS.md section 12, row 7) -------------------------------------
    Pattern("coca-boom-2017", "#17",
            "Does coca rise from 48,000 ha (2013) to about 171,000 ha in 2017, after the May 2014 announcement of a "
            "future crop-substitution programme?", S12, "coca_2017",
            lambda r: st.national_at(r.outputs, "coca_ha", "2017-12"),
            "coca area at the end of 2017 (the date of UNODC-SIMCI's census)", "hectares",
            diagnose=yearly_path("coca_ha", (2013, 2014, 2015, 2016, 2017), flow=False)),
    Pattern("coca-fall-2020", "#17",
            "After 2018, under voluntary substitution (PNIS) and forced eradication, does coca fall back to about "
            "143,000 ha in 2020?", S17, "coca_2020", lambda r: st.national_at(r.outputs, "coca_ha", "2020-12"),
            "coca area at the end of 2020 (the date of UNODC-SIMCI's census)", "hectares",
            diagnose=yearly_path("coca_ha", (2018, 2019, 2020), flow=False)),
    # ---- where the flagship starts: its first twelve months against the last years observed -------------------------
    start_level("leaders", "social_leader_killings", "leaders_killed_2018_2021", "2018-2021",
                "leaders-killed-level", "social-leader killings"),
    start_level("massacres", "massacres", "massacres_cnmh_2018_2021", "2018-2021", "massacres-level",
                "massacres (4+ victims)"),
    start_level("displacement", "displaced", "displacement_2018_2021", "2018-2021", "displacement-level",
                "persons forcibly displaced", scaled="displacement_per_killing"),
    start_level("confinement", "confined", "confinement_2020_2021", "2020-2021", "confinement-level",
                "persons confined by armed groups", scaled="confinement_rate"),
)


def catalogue(ids: list[str] | None = None) -> list[Pattern]:
    """The catalogue, or the patterns with the given ids (an error names unknown ones)."""
    if not ids:
        return list(CATALOGUE)
    known = {p.id: p for p in CATALOGUE}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise InputError(f"--patterns: unknown pattern {', '.join(map(repr, unknown))} (known: {', '.join(known)})")
    return [known[i] for i in ids]


def check_catalogue() -> list[str]:
    """Problems of the catalogue against the shipped observations (empty when consistent)."""
    observations = load_observations()
    problems = []
    for p in CATALOGUE:
        if p.observation not in observations:
            problems.append(f"{p.id}: no observation {p.observation!r} in {OBSERVATIONS_FILE.name}")
            continue
        obs = observations[p.observation]
        if any(not r.source.strip() for r in obs.rows):
            problems.append(f"{p.id}: observation {p.observation} has a row without a source")
        if len(obs.rows) != 1 and (p.criterion is None or p.ideal is None):
            problems.append(f"{p.id}: a series observation needs its own criterion and ideal value")
    return problems
