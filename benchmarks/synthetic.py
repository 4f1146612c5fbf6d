"""Synthetic worlds of any size for benchmarks: a grid of territories, groups with presence, the state.

The files go through the same bring-your-own-territories path as a user's municipal data, so a benchmark measures the
code a user runs.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

GROUP_TYPES = ("insurgent", "criminal", "dissident")


def write_world(folder: Path, territories: int, groups: int, seed: int = 0, talks: bool = True) -> Path:
    """Write grid.csv, adjacency.csv and scenario.toml for a world of `territories` x `groups`; return the TOML."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    side = math.ceil(math.sqrt(territories))
    ids = [f"t{i}" for i in range(territories)]
    population = rng.lognormal(10.5, 1.0, territories).round()
    area = rng.lognormal(6.5, 0.8, territories).round(1) + 1.0
    coca = np.where(rng.random(territories) < 0.3, rng.lognormal(6.0, 1.2, territories), 0.0)
    coca = np.minimum(coca, area * 20.0).round(1)  # at most a fifth of the area (1 km2 = 100 ha): worlds must load
    homicides = rng.poisson(population * 25e-5).astype(int)
    borders = np.where(rng.random(territories) < 0.03, "VEN", "")
    port = (rng.random(territories) < 0.01).astype(int)
    lines = ["id,name,population,area_km2,coca_ha,gold_ha,homicides,border_countries,port"]
    lines += [f"{ids[i]},Territory {i},{population[i]:.0f},{area[i]},{coca[i]},0,{homicides[i]},{borders[i]},{port[i]}"
              for i in range(territories)]
    (folder / "grid.csv").write_text("\n".join(lines) + "\n")
    pairs = ["a,b"]
    for i in range(territories):
        c = i % side
        if c + 1 < side and i + 1 < territories:
            pairs.append(f"{ids[i]},{ids[i + 1]}")
        if i + side < territories:
            pairs.append(f"{ids[i]},{ids[i + side]}")
    (folder / "adjacency.csv").write_text("\n".join(pairs) + "\n")

    blocks = [f"""name = "synthetic-{territories}x{groups}"
description = "Synthetic grid world for benchmarks."
start = "2024-01"
months = 48

[territories]
csv = "grid.csv"
adjacency = "adjacency.csv"
source_note = "synthetic benchmark data"

[security]
military = {int(population.sum() * 0.004)}
police = {int(population.sum() * 0.003)}
buy_in = 0.7

[international.venezuela]
name = "Neighbour"
iso3 = "VEN"
host_tolerance = 0.5
neighbour = true
guarantor_for = ["g0"]
"""]
    per_group = max(3, territories // max(groups, 1) // 2)
    tables = []
    for g in range(groups):
        centre = rng.integers(territories)
        where = np.unique(np.clip(centre + rng.integers(-side * 3, side * 3, per_group), 0, territories - 1))
        shares = rng.random(len(where))
        shares = shares / shares.sum()
        presence = ", ".join(f'"{ids[t]}" = {s:.12f}' for t, s in zip(where, shares, strict=True))
        rivals = f'["g{(g + 1) % groups}"]' if groups > 1 else "[]"
        blocks.append(f"""[groups.g{g}]
name = "Group {g}"
type = "{GROUP_TYPES[g % 3]}"
members = {int(rng.integers(200, 3000))}
presence = {{ {presence} }}
rivals = {rivals}
""")
        if talks and g % 2 == 0:
            tables.append(f'[policy.tables.g{g}]\nstart = "2024-0{1 + g % 6}"\n')
    blocks.append('[policy.talks]\nmode = "simultaneous"\n' if talks else '[policy.talks]\nmode = "none"\n')
    blocks.extend(tables)
    path = folder / "scenario.toml"
    path.write_text("\n".join(blocks))  # shares rounded to 12 digits still add up to 1 within the 0.01 tolerance
    return path
