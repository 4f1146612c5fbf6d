"""Headline findings in plain words, computed from summary.json alone (so any saved run can be described).

Framed for a decision: the first year, the second year and the horizon, each named by its calendar period (a
partial year says so); medians over runs with the 80% interval; talks as mutually exclusive final states plus
"ever signed"; comparisons judged in every year, with the timing of the effect in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from totalpeace.report import catalogue, differences
from totalpeace.report.figures import outcome_shares
from totalpeace.report.names import actor_names, name_of
from totalpeace.report.periods import Period, headline_periods, periods

CHANGE_THRESHOLD = 0.10  # a group "grows" or "shrinks" when its median membership moves by more than 10%
RUN_METRICS = ("homicide_rate", "armed_group_members", "state_control_share")
COMPARED = ("homicide_rate", "armed_group_members", "state_control_share", "agreements_signed")


def interval(stat: Mapping[str, float | None], name: str = "", digits: int | None = None,
             percent: bool = False) -> str:
    """'24.1 (80% interval 21.3–27.0)': the median over runs, then where 80% of runs fall."""
    if stat.get("p50") is None:
        return "no value"
    if percent:
        def fmt(v: float) -> str:
            return f"{v:.0%}"
    elif digits is not None:
        def fmt(v: float) -> str:
            return f"{v:,.{digits}f}"
    else:
        def fmt(v: float) -> str:
            return catalogue.fmt(name, v)
    return f"{fmt(stat['p50'])} (80% interval {fmt(stat['p10'])}–{fmt(stat['p90'])})"


def _at(period: Period, name: str) -> str:
    """'in Aug–Dec 2022 (5 months)' for a flow, 'at the end of 2023' for a stock."""
    return f"in {period.name}" if catalogue.is_flow(name) else f"at {period.end}"


def metric_sentence(summary: Mapping[str, Any], name: str, chosen: list[Period]) -> str | None:
    """'Homicide rate (per 100,000 a year): 26.3 (…) in Aug–Dec 2022 (5 months), 25.1 (…) in 2023 and …'."""
    values = summary["metrics"].get(name)
    if not values:
        return None
    parts = [f"{interval(values[p.year], name)} {_at(p, name)}" for p in chosen if p.year in values]
    if not parts:
        return None
    body = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    note = " (partial years annualised)" if catalogue.is_flow(name) and any(p.partial for p in chosen) else ""
    return f"{catalogue.titled(name)}: {body}{note}."


def talks_sentences(summary: Mapping[str, Any], names: Mapping[str, str], last: Period) -> list[str]:
    """Where each table stands at the horizon (final states, which add to 100%) and how often it ever signed."""
    tables = {g: e["talks"] for g, e in summary["groups"].items() if set(e["talks"]["final_phase_share"]) - {"none"}}
    total = len(summary["groups"])
    if not tables:
        return [f"No negotiation table opens with any of the {total} groups."]
    ranked = sorted(tables.items(), key=lambda kv: (-kv[1]["signed_share"], kv[0]))
    majority = [g for g, t in tables.items() if t["signed_share"] >= 0.5]
    signed = ", ".join(f"{name_of(g, names)} {t['signed_share']:.0%}" for g, t in ranked[:5] if t["signed_share"] > 0)
    out = [f"{len(tables)} of {total} groups sit at a table in some run; {len(majority)} of these tables sign a "
           "final agreement in at least half of the runs."
           + (f" Ever signed (at any month, even if talks later broke down): {signed}." if signed else
              " No table signs a final agreement in any run.")]
    states = []
    for g, t in ranked[:5]:
        shares = outcome_shares(t["final_phase_share"])
        text = ", ".join(f"{state} {share:.0%}" for state, share in shares.items() if share >= 0.005)
        states.append(f"{name_of(g, names)}: {text}")
    out.append(f"Where talks stand at {last.end} (final states of each table; they add to 100%): "
               + "; ".join(states) + ".")
    return out


def group_sentence(summary: Mapping[str, Any], names: Mapping[str, str], first: Period, last: Period) -> str | None:
    growing, shrinking = [], []
    for gid, entry in summary["groups"].items():
        a, b = entry["members"].get(first.year, {}).get("p50"), entry["members"].get(last.year, {}).get("p50")
        if not a or b is None:
            continue
        change = b / a - 1.0
        if change > CHANGE_THRESHOLD:
            growing.append((gid, change))
        elif change < -CHANGE_THRESHOLD:
            shrinking.append((gid, change))
    if not growing and not shrinking:
        return None

    def fmt(found: list[tuple[str, float]]) -> str:
        return ", ".join(f"{name_of(g, names)} ({c:+.0%})" for g, c in sorted(found, key=lambda kv: -abs(kv[1]))[:6])

    parts = ([f"growing: {fmt(growing)}"] if growing else []) + ([f"shrinking: {fmt(shrinking)}"] if shrinking else [])
    return f"Median membership from {first.end} to {last.end}: " + "; ".join(parts) + "."


def headlines(summary: Mapping[str, Any]) -> list[str]:
    """Sentences an adviser reads in a minute: the main outcomes in the first year, the second year and at the
    horizon; talks; which groups grow; who fills vacated territory."""
    chosen = headline_periods(summary["start"], summary["months"])
    first, last = chosen[0], chosen[-1]
    names = actor_names(summary)
    out = [s for s in (metric_sentence(summary, m, chosen) for m in RUN_METRICS) if s]
    if summary.get("uncertainty"):  # what the intervals include, and where their width comes from
        from totalpeace.report.uncertainty import sources_sentence

        out.append(summary["uncertainty"]["design"]["text"])
        out += [s for s in (sources_sentence(summary["uncertainty"], summary["start"], summary["months"]),) if s]
    out += talks_sentences(summary, names, last)
    groups = group_sentence(summary, names, first, last)
    if groups:
        out.append(groups)
    metrics = summary["metrics"]
    vacuum = metrics.get("vacuum_filled_by_state", {}).get(last.year)
    vacated = metrics.get("vacated_control", {}).get(last.year)
    if vacated and vacated["p90"] == 0:
        out.append(f"No control is vacated by groups standing down in {last.name}.")
    elif vacuum and vacuum["p50"] is not None:
        out.append(f"Of the control vacated by groups standing down, the state takes "
                   f"{interval(vacuum, percent=True)} by {last.end}; other groups take the rest.")
    return out


# ---- comparisons ------------------------------------------------------------------------------------------------
def verdict(stat: Mapping[str, float | None]) -> str:
    """'higher', 'lower' or 'unclear': clear only when the 80% interval of the paired differences excludes 0."""
    if stat.get("p50") is None:
        return "unclear"
    if stat["p10"] > 0:
        return "higher"
    if stat["p90"] < 0:
        return "lower"
    return "unclear"


def _effect(name: str, stat: Mapping[str, float], period: Period) -> str:
    """'in 2023 by 1.2 (80% interval 0.4–2.0)': the size of a clear difference, always positive."""
    lo, hi = sorted((abs(stat["p10"]), abs(stat["p90"])))
    return (f"{_at(period, name)} by {catalogue.fmt_change(name, stat['p50'])} (80% interval "
            f"{catalogue.fmt_change(name, lo)}–{catalogue.fmt_change(name, hi)})")


def effect_timing(name: str, by_year: Mapping[str, Mapping[str, float]], years: list[Period]) -> str:
    """'lowers it in 2023 by 1.2 (…) and in 2024 by 0.8 (…); no clear difference in Aug–Dec 2022 (5 months) and
    from 2025 on' — every year judged, the effect's timing in words."""
    groups: dict[str, list[Period]] = {"lower": [], "higher": [], "unclear": []}
    for p in years:
        if p.year in by_year:
            groups[verdict(by_year[p.year])].append(p)
    parts = []
    for key, verb in (("lower", "lower"), ("higher", "higher")):
        if groups[key]:
            effects = [_effect(name, by_year[p.year], p) for p in groups[key]]
            parts.append(f"{verb} " + (effects[0] if len(effects) == 1 else
                                       ", ".join(effects[:-1]) + " and " + effects[-1]))
    unclear = groups["unclear"]
    present = [p for p in years if p.year in by_year]
    if unclear and len(unclear) == len(present):
        parts.append("no clear difference in any year")
    elif unclear:
        last_clear = max(present.index(p) for p in present if p not in unclear)
        inner = [p for p in unclear if present.index(p) < last_clear]
        trailing = [p for p in unclear if present.index(p) > last_clear]
        if inner:
            parts.append("no clear difference in " + ", ".join(p.name for p in inner))
        if len(trailing) == 1:
            parts.append(f"no clear difference in {trailing[0].name}")
        elif trailing:
            parts.append(f"no clear difference from {trailing[0].name} on")
    return "; ".join(parts)


def comparison_headlines(diff: Mapping[str, Any], labels: tuple[str, str]) -> list[str]:
    """Per main outcome, the variant against the baseline in every year: the median of the paired differences with
    its 80% interval where the interval excludes zero, and when there is no clear difference."""
    base, variant = labels
    years = periods(diff["start"], diff["months"])
    out = []
    for name in COMPARED:
        by_year = diff["metrics"].get(name)
        if not by_year:
            continue
        out.append(f"{catalogue.titled(name)}, {variant} minus {base}: {effect_timing(name, by_year, years)}.")
    same = {"full": "same seed, run ids, model forms and parameter draws",
            "parameters": "same seed, run ids and parameter draws"}.get(diff.get("design") or "",
                                                                        "same seed and run ids")
    pairing = (f"paired run by run ({same}): each figure is the median of the per-run differences"
               if diff["paired"] else differences.UNPAIRED)
    out.append(f"Differences are {pairing}; a difference is called clear when its 80% interval excludes zero.")
    return out
