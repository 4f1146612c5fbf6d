"""Scaling plot for docs/performance.md from a benchmarks/results JSON file.

    python benchmarks/plot.py benchmarks/results/bench-....json docs/img/scaling.png
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from matplotlib.figure import Figure


def main(source: str, target: str) -> None:
    cases = [c for c in json.loads(Path(source).read_text())["cases"] if "error" not in c]
    engine = [c for c in cases if c["engine"] == "totalpeace" and c["workers"] == 1]
    fig = Figure(figsize=(11, 3.4))
    axes = fig.subplots(1, 3)

    def cost(c: dict) -> float:  # microseconds per run-month per territory-group cell
        return 1e6 * c["seconds"] / (c["runs"] * c["months"])

    terr = sorted((c for c in engine if c["territories"] and c["groups"] == 10), key=lambda c: c["territories"])
    mesa = sorted((c for c in cases if c["engine"] == "mesa" and c["territories"]), key=lambda c: c["territories"])
    axes[0].loglog([c["territories"] for c in terr], [cost(c) / 1e3 for c in terr], "o-", label="totalpeace")
    axes[0].loglog([c["territories"] for c in mesa], [cost(c) / 1e3 for c in mesa], "s--", label="Mesa reference")
    axes[0].set(xlabel="territories (10 groups)", ylabel="ms per run-month", title="Territories")
    groups = sorted((c for c in engine if c["territories"] == 1122), key=lambda c: c["groups"])
    axes[1].loglog([c["groups"] for c in groups], [cost(c) / 1e3 for c in groups], "o-")
    axes[1].set(xlabel="groups (1,122 territories)", ylabel="ms per run-month", title="Groups")
    runs = sorted((c for c in engine if c["territories"] == 0 and c["months"] == 12), key=lambda c: c["runs"])
    axes[2].loglog([c["runs"] for c in runs], [c["seconds"] for c in runs], "o-", label="measured")
    if runs:
        base = runs[0]
        axes[2].loglog([c["runs"] for c in runs], [base["seconds"] * c["runs"] / base["runs"] for c in runs], ":",
                       label="linear from 10 runs")
    axes[2].set(xlabel="runs (colombia-2022, 12 months)", ylabel="seconds", title="Runs")
    for ax in axes:
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8) if ax.get_legend_handles_labels()[0] else None
    fig.tight_layout()
    fig.savefig(target, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
