"""Calendar periods named as a reader says them: "2023", or "Aug–Dec 2022 (5 months)" for a partial year.

summary.json gives a value per calendar year; a run that starts in August covers five months of its first year, and
a flow for those months is annualised. A headline that said "in 2022" would hide that, so every sentence names the
period it speaks of.
"""

from __future__ import annotations

from dataclasses import dataclass

from totalpeace.scenario.dates import add_months

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_name(year_month: str) -> str:
    """'2026-07' -> 'Jul 2026'."""
    year, month = year_month.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


@dataclass(frozen=True)
class Period:
    """The simulated months of one calendar year."""

    year: str
    first: str  # YYYY-MM
    last: str  # YYYY-MM
    months: int

    @property
    def partial(self) -> bool:
        return self.months < 12

    @property
    def name(self) -> str:
        """'2023' or 'Aug–Dec 2022 (5 months)'."""
        if not self.partial:
            return self.year
        a, b = MONTHS[int(self.first[5:]) - 1], MONTHS[int(self.last[5:]) - 1]
        span = a if a == b else f"{a}–{b}"
        return f"{span} {self.year} ({self.months} month{'s' if self.months > 1 else ''})"

    @property
    def end(self) -> str:
        """'the end of 2023' or 'the end of Jul 2026' (where a stock is read)."""
        return f"the end of {self.year}" if self.last.endswith("-12") else f"the end of {month_name(self.last)}"


def periods(start: str, months: int) -> list[Period]:
    """The calendar years a run covers, in order."""
    labels = [add_months(start, m) for m in range(months)]
    years: dict[str, list[str]] = {}
    for label in labels:
        years.setdefault(label[:4], []).append(label)
    return [Period(y, ms[0], ms[-1], len(ms)) for y, ms in years.items()]


def headline_periods(start: str, months: int) -> list[Period]:
    """The first year, the second year and the horizon (the last year), without repeats."""
    found = periods(start, months)
    chosen = found[:2] + found[-1:]
    out: list[Period] = []
    for p in chosen:
        if p not in out:
            out.append(p)
    return out


def spans_in_words(years: list[str], by_year: dict[str, Period]) -> str:
    """'2023', '2023 and 2024', 'from 2024 on', '2023–2025' for a run of consecutive years."""
    names = [by_year[y].name for y in years]
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{by_year[years[0]].name} to {by_year[years[-1]].name}"
