"""The page of an analysis (sensitivity, discovery, search): what was run, its figures, tables and provenance.

It is built from the same pieces as the run report (style sheet, tables, provenance table), so every page the
project writes reads alike and works offline (SVG inlined, no network).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from totalpeace.report.html import chart, fields_table, page, table


def _inline_svg(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("<svg"):]


def _frame_table(frame: pd.DataFrame, table_id: str) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return "" if pd.isna(value) else f"{value:.4g}"
        return str(value)

    return table([[cell(v) for v in row] for row in frame.itertuples(index=False)], [str(c) for c in frame.columns],
                 table_id)


def _ident(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


def write_analysis_report(path: Path, title: str, summary: str, figures: list[Path],
                          tables: dict[str, pd.DataFrame], provenance: Mapping[str, object],
                          sections: str = "") -> Path:
    """Write `path`: the summary line, `sections` (ready HTML, e.g. indices charts), every SVG figure, every table,
    and the provenance of the analysis."""
    svgs = [f for f in figures if f.suffix == ".svg"]
    body = sections
    if svgs:
        body += '<h2 id="figures">Figures</h2>' + "".join(chart(f"figure-{_ident(f.stem)}", _inline_svg(f))
                                                          for f in svgs)
    body += "".join(f'<h2 id="{_ident(name)}">{html.escape(name)}</h2>{_frame_table(frame, "table-" + _ident(name))}'
                    for name, frame in tables.items())
    body += f'<h2 id="provenance">Provenance</h2>{fields_table(provenance)}'
    path.write_text(page(f"totalpeace — {title}", html.escape(summary), body), encoding="utf-8")
    return path


def direction(mu: float, mu_star: float) -> str:
    """From Morris's signed mean mu and absolute mean mu*: 'raises', 'lowers' or 'both ways' (the effect changes
    sign with the other factors)."""
    if mu_star <= 0:
        return "no effect"
    ratio = mu / mu_star
    return "raises" if ratio >= 0.8 else "lowers" if ratio <= -0.8 else "both ways"


def _span(spec: Any, factor: str) -> str:
    """'from 0.4 to 0.9' or 'across simultaneous, phased': a factor's range as the experiment declared it."""
    found = spec.factors().get(factor) if spec is not None else None
    if found is None:
        return "across its range"
    if found.values is not None:
        return "across " + ", ".join(str(v) for v in found.values)
    return f"from {found.low:g} to {found.high:g}"


def sensitivity_headlines(indices: Mapping[str, pd.DataFrame], year: int, confidence: float,
                          spec: Any = None) -> list[str]:
    """Per outcome, in plain words: the factor that matters most, how much and in which direction (Morris), or
    which share of the variance it explains (Sobol'), with its interval; and the factors indistinguishable from
    no effect (candidates to fix at any value)."""
    from totalpeace.report import catalogue
    from totalpeace.report.sweep import spoken

    pct = f"{int(confidence * 100)}%"
    out = []
    for outcome, frame in indices.items():
        label = f"{catalogue.label(outcome)} in {year}"
        key = "ST" if "ST" in frame else "mu_star"
        ranked = frame[key].sort_values(ascending=False, kind="stable")
        top = ranked.index[0]
        value, half = float(frame.loc[top, key]), float(frame.loc[top, f"{key}_conf"])
        if key == "ST":
            first = float(frame.loc[top, "S1"])
            sentence = (f"{label}: {spoken(top)} matters most, explaining about {first:.0%} of its variance on its "
                        f"own and {value:.0%} with its interactions ({pct} interval of the total "
                        f"{max(value - half, 0):.0%}–{value + half:.0%})")
            if max(first, value) > 1:
                sentence += " (an index above 100% is an estimate from too few points: raise `samples`)"
        else:
            way = direction(float(frame.loc[top, "mu"]), value)
            verb = {"raises": "raises it", "lowers": "lowers it", "both ways": "moves it (up or down, depending "
                    "on the other factors)", "no effect": "leaves it"}[way]
            move = "switching it" if _span(spec, top).startswith("across ") and spec is not None and \
                spec.factors()[top].values is not None else "moving it"
            sentence = (f"{label}: {spoken(top)} matters most: {move} {_span(spec, top)} {verb} by about "
                        f"{catalogue.fmt_change(outcome, value)} on average ({pct} interval "
                        f"{catalogue.fmt_change(outcome, max(value - half, 0))}–"
                        f"{catalogue.fmt_change(outcome, value + half)})")
        idle = [spoken(f) for f in frame.index if frame.loc[f, key] - frame.loc[f, f"{key}_conf"] <= 0]
        if idle:
            sentence += f"; not distinguishable from no effect: {', '.join(idle)}"
        out.append(sentence + ".")
    return out
