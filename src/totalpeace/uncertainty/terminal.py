"""The uncertainty block of `run` and `compare` in the terminal: the design in one sentence, then a table of where
each main outcome's spread comes from in the first year, the second year and at the horizon (fits 100 columns)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from totalpeace.report.catalogue import metric
from totalpeace.report.periods import headline_periods
from totalpeace.uncertainty.decomposition import SOURCES
from totalpeace.uncertainty.forms import BY_NAME

SHOWN = ("homicides", "armed_group_members", "state_control_share", "agreements_signed", "state_group_clashes")
SHORT = {"structural": "form", "parameters": "param", "stochastic": "runs"}
WORDS = {"structural": "model form", "parameters": "parameters", "stochastic": "runs' randomness"}


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def triple(entry: Mapping[str, Any]) -> str:
    """'19 · 40 · 41': the shares of model form, parameters and runs, in percent ('–': not in the design)."""
    return " · ".join("–" if entry.get(s) is None else f"{entry[s] * 100:.0f}" for s in SOURCES)


def print_design(design: Mapping[str, Any], console: Console) -> None:
    console.print(Text(design["text"], style="bold"))
    for note in design.get("notes", []):
        console.print(Text(f"note: {note}", style="dim"))


def sources_table(shares: Mapping[str, Any], start: str, months: int, title: str,
                  metrics: tuple[str, ...] = SHOWN) -> Table:
    """Rows: outcomes; columns: the headline periods, each cell the three shares in percent."""
    spans = headline_periods(start, months)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("outcome", ratio=2)
    for p in spans:
        table.add_column(f"{p.name}\n{' · '.join(SHORT.values())}", justify="right", ratio=1)
    for name in metrics:
        if name in shares:
            table.add_row(metric(name).label, *(triple(shares[name].get(p.year, {})) for p in spans))
    return table


def switch_line(shares: Mapping[str, Any], start: str, months: int, metrics: tuple[str, ...] = SHOWN,
                floor: float = 0.05) -> str | None:
    """'In 2026 the contest form alone explains: state control 55%, homicides 16%; …' (shares of at least 5%)."""
    last = headline_periods(start, months)[-1]
    parts = []
    for switch in BY_NAME.values():
        found = [(n, shares[n].get(last.year, {}).get("switches", {}).get(switch.name)) for n in metrics if n in shares]
        found = sorted(((n, v) for n, v in found if v is not None and v >= floor), key=lambda nv: -nv[1])
        if found:
            listed = ", ".join(f"{_label(n)} {percent(v)}" for n, v in found)
            parts.append(f"the {switch.label} alone explains {listed}")
    if not parts:
        return None
    return (f"In {last.name} " + "; ".join(parts) + f" of the variance (first-order shares; others below "
            f"{floor:.0%}).")


def _label(name: str) -> str:
    text = metric(name).label
    return text[0].lower() + text[1:]


def print_sources(entry: Mapping[str, Any], start: str, months: int, console: Console,
                  title: str = "Where the spread comes from (% of each outcome's variance over runs)") -> None:
    """The table, or why it could not be estimated; then each switch's own share at the horizon, and the assumptions
    that order the outcomes (read from the draws themselves, so shown whether or not the variance could be split)."""
    if entry.get("design", {}).get("sources") == ["stochastic"]:
        console.print(Text("Where the spread comes from: only the runs' randomness is in this design "
                           "(--uncertainty full adds model forms and parameter draws).", style="dim"))
        return
    if not entry.get("estimated", False):
        console.print(Text(f"Where the spread comes from: not estimated — {entry.get('note', '')}", style="dim"))
    else:
        shares = entry["variance_shares"]
        console.print(sources_table(shares, start, months, title))
        line = switch_line(shares, start, months)
        if line:
            console.print(Text(line, style="dim"))
    line = drivers_line(entry.get("assumption_drivers"), start, months)
    if line:
        console.print(Text(line, style="dim"))


def drivers_line(found: Mapping[str, Any] | None, start: str, months: int, metrics: tuple[str, ...] = SHOWN) -> str:
    """'Unidentified assumptions that order the outcomes in 2026 (rank correlation over 100 draws): homicides:
    cohesion_recovery −0.31; …' ('' when the plan draws none)."""
    if not found:
        return ""
    last = headline_periods(start, months)[-1]
    parts = []
    for name in metrics:
        listed = found["by_metric"].get(name, {}).get(last.year, [])
        if listed:
            parts.append(f"{_label(name)}: " + ", ".join(f"{d['parameter']} {d['rho']:+.2f}" for d in listed))
    head = (f"Unidentified assumptions that order the outcomes in {last.name} (rank correlation over "
            f"{found['cells']} draws, false discovery rate 10%): ")
    return head + ("; ".join(parts) if parts else f"none of the {found['assumptions']} stands out alone") + "."
