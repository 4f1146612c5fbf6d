"""A self-contained HTML page for an analysis: what was run, its tables and its figures (inlined SVG, no network)."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from totalpeace.report.html import CSS, _table


def _inline_svg(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("<svg"):]


def _frame_table(frame: pd.DataFrame) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return "" if pd.isna(value) else f"{value:.4g}"
        return str(value)

    return _table([[cell(v) for v in row] for row in frame.itertuples(index=False)], [str(c) for c in frame.columns])


def write_analysis_report(path: Path, title: str, summary: str, figures: list[Path],
                          tables: dict[str, pd.DataFrame], provenance: dict[str, object]) -> Path:
    """Write `path`: the summary line, every SVG figure, every table, and the provenance of the analysis."""
    charts = "".join(f'<div class="chart">{_inline_svg(f)}</div>' for f in figures if f.suffix == ".svg")
    sections = "".join(f"<h2>{html.escape(name)}</h2>{_frame_table(frame)}" for name, frame in tables.items())
    prov = _table([[k, str(v)] for k, v in provenance.items()], ["field", "value"])
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>totalpeace — {html.escape(title)}</title><style>{CSS}</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="muted">{html.escape(summary)}</p>
<h2>Figures</h2>{charts}
{sections}
<h2>Provenance</h2>{prov}
</body></html>"""
    path.write_text(page, encoding="utf-8")
    return path
