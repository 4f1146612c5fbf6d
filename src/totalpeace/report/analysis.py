"""The page of an analysis (sensitivity, discovery, search): what was run, its figures, tables and provenance.

It is built from the same pieces as the run report (style sheet, tables, provenance table), so every page the
project writes reads alike and works offline (SVG inlined, no network).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path

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


def sensitivity_headlines(indices: Mapping[str, pd.DataFrame], year: int, confidence: float) -> list[str]:
    """Per outcome: the factor that matters most (total-order index, or Morris mu*) with its interval, and the factors
    whose index is indistinguishable from zero (candidates to fix at any value)."""
    pct = f"{int(confidence * 100)}%"
    out = []
    for outcome, frame in indices.items():
        key, name = ("ST", "total-order index") if "ST" in frame else ("mu_star", "mu*")
        ranked = frame[key].sort_values(ascending=False, kind="stable")
        top = ranked.index[0]
        value, half = float(frame.loc[top, key]), float(frame.loc[top, f"{key}_conf"])
        sentence = (f"{outcome} in {year}: {top} matters most ({name} {value:.3g}, {pct} interval "
                    f"{value - half:.3g} to {value + half:.3g})")
        idle = [f for f in frame.index if frame.loc[f, key] - frame.loc[f, f"{key}_conf"] <= 0]
        if idle:
            sentence += f"; not distinguishable from no effect: {', '.join(idle)}"
        out.append(sentence + ".")
    return out
