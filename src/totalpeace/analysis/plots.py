"""Figures of the analyses as PNG and SVG beside the tables (matplotlib Figure objects: no pyplot, no display)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from totalpeace.analysis.prim import PrimResult


def _save(fig, base: Path) -> list[Path]:
    fig.tight_layout()
    paths = [base.with_suffix(".png"), base.with_suffix(".svg")]
    fig.savefig(paths[0], dpi=130)
    fig.savefig(paths[1])
    return paths


def sobol_chart(indices: dict[str, pd.DataFrame], base: Path) -> list[Path]:
    """One panel per outcome: first- and total-order index of every factor, with confidence intervals."""
    fig = Figure(figsize=(5.5 * len(indices), 0.5 + 0.55 * _rows(indices)))
    axes = fig.subplots(1, len(indices), squeeze=False)
    for ax, (outcome, table) in zip(axes[0], indices.items(), strict=True):
        y = np.arange(len(table))
        ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], label="first order S1", color="#4c78a8",
                capsize=3)
        ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"], label="total order ST", color="#f58518",
                capsize=3)
        ax.set_yticks(y, table.index)
        ax.invert_yaxis()
        ax.axvline(0, color="0.5", lw=0.8)
        # indices live in [0, 1]; intervals wider than that (small designs) run off the axis instead of hiding it
        low = min(-0.05, float((table[["S1", "ST"]].to_numpy() - table[["S1_conf", "ST_conf"]].to_numpy()).min()))
        high = max(1.05, float((table[["S1", "ST"]].to_numpy() + table[["S1_conf", "ST_conf"]].to_numpy()).max()))
        ax.set_xlim(max(low, -0.5), min(high, 1.5))
        ax.set_title(outcome)
        ax.set_xlabel("Sobol' index (bars: confidence interval)")
    axes[0][0].legend(loc="lower right", fontsize=8)
    return _save(fig, base)


def morris_chart(indices: dict[str, pd.DataFrame], base: Path) -> list[Path]:
    """One panel per outcome: mu* against sigma (nonlinearity or interactions), with mu*'s interval."""
    fig = Figure(figsize=(5.5 * len(indices), 4.5))
    axes = fig.subplots(1, len(indices), squeeze=False)
    for ax, (outcome, table) in zip(axes[0], indices.items(), strict=True):
        ax.errorbar(table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", color="#4c78a8",
                    capsize=3)
        ranked = table.sort_values("mu_star", ascending=False)
        for rank, (name, row) in enumerate(ranked.iterrows()):
            # short labels (the path without its table), staggered so that factors near the origin stay legible
            ax.annotate(f"{rank + 1}. {name.split('.', 1)[-1]}", (row["mu_star"], row["sigma"]),
                        textcoords="offset points", xytext=(4, 4 + 9 * (rank % 3)), fontsize=8)
        top = max(float(table["mu_star"].max() + table["mu_star_conf"].max()), float(table["sigma"].max()), 1e-12)
        ax.plot([0, top], [0, top], ls="--", color="0.6", lw=0.8, label="sigma = mu*")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.set_title(outcome)
        ax.set_xlabel("mu* (mean |elementary effect|)")
        ax.set_ylabel("sigma (spread of effects)")
        ax.legend(fontsize=8)
    return _save(fig, base)


def prim_charts(result: PrimResult, step: int, base: Path, title: str) -> list[Path]:
    """Peeling trajectory (coverage against density, coloured by restricted inputs) and the chosen box's limits."""
    table = result.trajectory()
    restricted = result.restricted(step)
    fig = Figure(figsize=(11, 0.6 + max(3.8, 0.45 * len(restricted) + 1.5)))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    points = left.scatter(table["coverage"], table["density"], c=table["restricted"], cmap="viridis", s=18)
    left.plot(table["coverage"], table["density"], color="0.7", lw=0.8, zorder=0)
    chosen = table.iloc[step]
    left.scatter([chosen["coverage"]], [chosen["density"]], s=120, facecolors="none", edgecolors="red", lw=1.5,
                 label=f"box {step}")
    left.set_xlabel("coverage (share of cases of interest in the box)")
    left.set_ylabel("density (share of the box's runs that are cases)")
    left.set_title(title, fontsize=10)
    left.legend(fontsize=8)
    fig.colorbar(points, ax=left, label="restricted inputs")
    for i, name in enumerate(restricted):
        limit, full = result.steps[step].limits[name], result.full[name]
        if isinstance(limit, frozenset):
            values = sorted(map(str, full))
            for j, value in enumerate(values):
                inside = value in limit
                right.barh(i, 1 / len(values), left=j / len(values), color="#4c78a8" if inside else "0.9",
                           edgecolor="white")
                right.text((j + 0.5) / len(values), i, value, ha="center", va="center", fontsize=7,
                           color="white" if inside else "0.4")
        else:
            span = (full[1] - full[0]) or 1.0
            lo, hi = (limit[0] - full[0]) / span, (limit[1] - full[0]) / span
            right.barh(i, 1, color="0.9")
            right.barh(i, hi - lo, left=lo, color="#4c78a8")
            right.text(lo, i + 0.3, f"{limit[0]:.3g}", ha="left", fontsize=7)
            right.text(hi, i + 0.3, f"{limit[1]:.3g}", ha="right", fontsize=7)
    right.set_yticks(range(len(restricted)), restricted)
    right.invert_yaxis()
    right.set_xlim(0, 1)
    right.set_xlabel("share of the input's range in the experiments")
    box = result.steps[step]
    right.set_title(f"box {step}: coverage {box.coverage:.2f}, density {box.density:.2f}, mass {box.mass:.2f}",
                    fontsize=10)
    return _save(fig, base)


def pareto_chart(trials: pd.DataFrame, objectives: list[str], base: Path,
                 current: list[float] | None = None) -> list[Path]:
    """Every trial and the Pareto set, for the first two objectives (one axis per objective), with the current
    policy (the scenario's own lever values) marked when given."""
    fig = Figure(figsize=(6.5, 5))
    ax = fig.subplots()
    if len(objectives) == 1:
        ax.plot(trials["trial"], trials[objectives[0]], "o", color="0.7", ms=4, label="trials")
        best = trials[trials["pareto"]]
        ax.plot(best["trial"], best[objectives[0]], "o", color="#e45756", ms=7, label="best")
        ax.set_xlabel("trial")
        ax.set_ylabel(objectives[0])
    else:
        x, y = objectives[:2]
        ax.scatter(trials[x], trials[y], s=14, color="0.7", label="trials")
        front = trials[trials["pareto"]].sort_values(x)
        ax.plot(front[x], front[y], "o-", color="#e45756", ms=6, label="Pareto set")
        ax.set_xlabel(x)
        ax.set_ylabel(y)
        if current is not None:
            ax.plot([current[0]], [current[1]], marker="*", color="#000", ms=16, ls="none",
                    label="current policy")
    if current is not None and len(objectives) == 1:
        ax.axhline(current[0], color="#000", ls="--", lw=1, label="current policy")
    ax.set_title("Policy search: every trial and the non-dominated settings", fontsize=10)
    ax.legend(fontsize=8)
    return _save(fig, base)


def _rows(indices: dict[str, pd.DataFrame]) -> int:
    return max(len(t) for t in indices.values()) * 2 + 2
