"""Static charts (matplotlib, SVG text) for the pages that print figures made by the analyses and validation.

The run and comparison reports and the dashboard draw interactive Plotly figures (report/figures.py); what stays
here is the SVG helper those static pages share and their colours and titles.
"""

from __future__ import annotations

import io

import matplotlib
from matplotlib.figure import Figure

from totalpeace.report.catalogue import CATALOGUE, titled

TITLES = {name: titled(name) for name in CATALOGUE}
BAND_OUTER, BAND_INNER, MEDIAN = "#9ecae1", "#4292c6", "#08306b"


def svg(fig: Figure, tight: bool = True) -> str:
    """The figure as an <svg> element (XML prologue dropped so it can sit inside HTML).

    Text stays text (smaller files; the page's fonts draw it). `tight=False` is for small charts with fixed margins:
    a tight bounding box costs a second drawing pass.
    """
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight" if tight else None)
    text = buf.getvalue()
    return text[text.index("<svg"):]
