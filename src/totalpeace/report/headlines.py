"""Headline findings in plain words, with numbers and 80% intervals, computed from summary.json alone.

Working from the summary (not the arrays) means the same sentences can be written for any saved run.
"""

from __future__ import annotations

from typing import Any

CHANGE_THRESHOLD = 0.10  # a group "grows" or "shrinks" when its median membership moves by more than 10%


def interval(stat: dict[str, float], digits: int = 1, percent: bool = False) -> str:
    """'24.1, 80% interval 21.3–27.0' (median first)."""
    if stat["p50"] is None:
        return "no value"
    fmt = (lambda v: f"{v:.0%}") if percent else (lambda v: f"{v:,.{digits}f}")
    return f"{fmt(stat['p50'])}, 80% interval {fmt(stat['p10'])}–{fmt(stat['p90'])}"


def _years(summary: dict[str, Any]) -> tuple[str, str]:
    years = sorted(summary["metrics"]["homicide_rate"])
    return years[0], years[-1]


def _talks_sentences(summary: dict[str, Any]) -> list[str]:
    tables = {g: e["talks"] for g, e in summary["groups"].items() if set(e["talks"]["final_phase_share"]) - {"none"}}
    total = len(summary["groups"])
    if not tables:
        return [f"No negotiation table opens with any of the {total} groups."]
    majority = [g for g, t in tables.items() if t["signed_share"] >= 0.5]
    ranked = sorted(tables.items(), key=lambda kv: (-kv[1]["signed_share"], kv[0]))
    best = ", ".join(f"{g} {t['signed_share']:.0%}" for g, t in ranked[:5] if t["signed_share"] > 0)
    if best:
        out = [f"{len(majority)} of {len(tables)} tables reach a final agreement in at least half of the runs "
               f"({total} groups in all); share of runs with an agreement, highest first: {best}."]
    else:
        out = [f"None of the {len(tables)} open tables reaches a final agreement in any run ({total} groups in all)."]
    broken = [(g, t["broken_down_share"]) for g, t in ranked if t["broken_down_share"] > 0]
    if broken:
        worst = sorted(broken, key=lambda kv: (-kv[1], kv[0]))[:5]
        out.append("Talks most often broken down by the end: "
                   + ", ".join(f"{g} in {s:.0%} of runs" for g, s in worst) + ".")
    return out


def _group_sentence(summary: dict[str, Any], first: str, last: str) -> str | None:
    growing, shrinking = [], []
    for gid, entry in summary["groups"].items():
        a, b = entry["members"].get(first, {}).get("p50"), entry["members"].get(last, {}).get("p50")
        if not a or b is None:
            continue
        change = b / a - 1.0
        if change > CHANGE_THRESHOLD:
            growing.append((gid, change))
        elif change < -CHANGE_THRESHOLD:
            shrinking.append((gid, change))
    if not growing and not shrinking:
        return None
    fmt = lambda items: ", ".join(f"{g} ({c:+.0%})" for g, c in sorted(items, key=lambda kv: -abs(kv[1]))[:6])  # noqa: E731
    parts = []
    if growing:
        parts.append(f"growing: {fmt(growing)}")
    if shrinking:
        parts.append(f"shrinking: {fmt(shrinking)}")
    return f"Median membership from the end of {first} to the end of {last}, " + "; ".join(parts) + "."


def headlines(summary: dict[str, Any]) -> list[str]:
    """Five to eight sentences an adviser can read in a minute."""
    metrics = summary["metrics"]
    first, last = _years(summary)
    out = [
        f"Homicide rate in {last}: {interval(metrics['homicide_rate'][last])} per 100,000 "
        f"(in {first}: {interval(metrics['homicide_rate'][first])}).",
        f"Members of armed groups at the end of {last}: {interval(metrics['armed_group_members'][last], 0)}.",
        f"Population-weighted state control at the end of {last}: "
        f"{interval(metrics['state_control_share'][last], percent=True)}.",
    ]
    out += _talks_sentences(summary)
    groups = _group_sentence(summary, first, last)
    if groups:
        out.append(groups)
    vacuum = metrics.get("vacuum_filled_by_state", {}).get(last)
    vacated = metrics.get("vacated_control", {}).get(last)
    if vacated and vacated["p90"] == 0:
        out.append(f"No control is vacated by groups standing down in {last}.")
    elif vacuum and vacuum["p50"] is not None:
        out.append(f"Of the control vacated by groups standing down, the state takes "
                   f"{interval(vacuum, percent=True)} by the end of {last}; other groups take the rest.")
    return out


def comparison_headlines(diff: dict[str, Any], labels: tuple[str, str]) -> list[str]:
    """Sentences on the differences (variant minus baseline) in the last year, for the main metrics."""
    base, variant = labels
    out = []
    last = max(next(iter(diff["metrics"].values())))
    for name, unit, digits in (("homicide_rate", " per 100,000", 1), ("armed_group_members", " members", 0),
                               ("state_control_share", " (share)", 3), ("agreements_signed", " agreements", 2)):
        stat = diff["metrics"].get(name, {}).get(last)
        if not stat or stat["p50"] is None:
            continue
        sure = "higher" if stat["p10"] > 0 else "lower" if stat["p90"] < 0 else "not clearly different"
        out.append(f"{name.replace('_', ' ').capitalize()} in {last}, {variant} minus {base}: "
                   f"{stat['p50']:+,.{digits}f}{unit} (80% interval {stat['p10']:+,.{digits}f} to "
                   f"{stat['p90']:+,.{digits}f}): {sure}.")
    pairing = "paired run by run (same seed and run ids)" if diff["paired"] else "unpaired (different seeds or runs)"
    out.append(f"Differences are {pairing}.")
    return out
