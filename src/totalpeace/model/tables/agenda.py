"""Each table's fixed terms from the scenario and the shipped defaults (src/totalpeace/data/negotiation).

The defaults, each row with its source or "assumption" and the reasoning, are: which issues each track puts on the
agenda and the legal ceiling on each (issues.csv); the state's opening offer and issue weights and the guarantors'
and host's positions and saliences (stakeholders.csv); the veto players (veto_players.csv, veto_saliences.csv). A
scenario overrides any of them per table (`policy.tables.<id>.offer.<issue>`, `policy.tables.<id>.issues.<issue>.
<actor>.position|salience`) or per veto player (`policy.veto_players.<id>`).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from totalpeace.model.tables import beliefs
from totalpeace.model.tables.issues import (
    ISSUES,
    N_ISSUES,
    N_VETO,
    POLITICAL,
    TRACKS,
    TYPES,
    VETO_PLAYERS,
    VETO_STAGES,
)
from totalpeace.model.tables.layout import (
    N_TB,
    TB_CONDITIONAL,
    TB_DEADLINE,
    TB_DEADLINE_BINDING,
    TB_DEADLINE_KNOWN,
    TB_DEADLINE_MONTH,
    TB_DRAW_FROM,
    TB_EMPTY,
    TB_EXPLORED,
    TB_PARALLEL,
    TB_POLITICAL,
    TB_PRIOR,
    TB_START,
    TB_TRACK,
)
from totalpeace.model.tables.veto import N_VP, VP_APPROVAL, VP_CAPABILITY, VP_SENSITIVITY, VP_STAGE
from totalpeace.scenario.dates import month_index

DATA = Path(__file__).resolve().parents[2] / "data" / "negotiation"
DEFAULT_RATIFICATION = {"political": ("congress", "court"), "socio_legal": ("court",)}


class Agenda(NamedTuple):
    """The fixed terms of every group slot's table (rows of groups without a table are inert); a named tuple, so the
    compiled month reads it as it is (`tables.lo[g]`)."""

    static: np.ndarray  # (G, N_TB)
    lo: np.ndarray  # (G, K) the state's opening offer per issue
    hi: np.ndarray  # (G, K) the most that may be conceded: legal ceiling, the state's mandate, the group's demand
    agenda: np.ndarray  # (G, K) the agenda point (1, 2, ...) under which the issue is agreed, 0 if it is not on
    # the table's agenda: the table agrees its points in this order, all of a point's issues at once
    cost: np.ndarray  # (G, K) the state's issue weights (adding up to 1 over the agenda)
    weights: np.ndarray  # (G, K) the group's salience multipliers of its derived issue values
    stake_pos: np.ndarray  # (G, 2, K) positions of the guarantors and the host
    stake_sal: np.ndarray  # (G, 2, K) their saliences
    ratify: np.ndarray  # (G, V) 1 for the veto players that must ratify the table's agreement
    veto_params: np.ndarray  # (V, N_VP) stage, approval, sensitivity, capability
    veto_salience: np.ndarray  # (V, K)
    slots: np.ndarray  # (B,) the group slots that have a table, in slot order (the rows of the audit records)


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def defaults() -> dict[str, dict]:
    """The shipped defaults, read once: ceilings and agenda by track, stakeholder terms, veto players."""
    ceiling = {(r["track"], r["issue"]): (float(r["ceiling"]), r["on_agenda"] == "1") for r in _rows("issues.csv")}
    stake = {(r["actor"], r["issue"]): (float(r["position"]), float(r["salience"])) for r in _rows("stakeholders.csv")}
    veto = {r["veto"]: r for r in _rows("veto_players.csv")}
    veto_sal = {(r["veto"], r["issue"]): float(r["salience"]) for r in _rows("veto_saliences.csv")}
    return {"ceiling": ceiling, "stake": stake, "veto": veto, "veto_salience": veto_sal}


def type_prior(label: str, override: dict[str, float] | None, params) -> np.ndarray:
    """The state's prior over (limited, greedy, total): the scenario's override, or `type_prior_mode` on the label."""
    if override is not None:
        return np.array([float(override.get(t, 0.0)) for t in TYPES])
    out = np.zeros(len(TYPES))
    beliefs.prior(TYPES.index(label), params, out)
    return out


def _veto_arrays(policy, base: dict[str, dict]) -> tuple[np.ndarray, np.ndarray]:
    params = np.zeros((N_VETO, N_VP))
    salience = np.zeros((N_VETO, N_ISSUES))
    for v, name in enumerate(VETO_PLAYERS):
        row = base["veto"][name]
        terms = policy.veto_players.get(name)
        params[v, VP_STAGE] = VETO_STAGES.index(row["stage"])
        params[v, VP_APPROVAL] = float(row["approval"])
        params[v, VP_SENSITIVITY] = float(row["sensitivity"])
        params[v, VP_CAPABILITY] = float(row["capability"])
        for k, issue in enumerate(ISSUES):
            salience[v, k] = base["veto_salience"].get((name, issue), 0.0)
        if terms is not None:
            for field, col in (("approval", VP_APPROVAL), ("sensitivity", VP_SENSITIVITY),
                               ("capability", VP_CAPABILITY)):
                if getattr(terms, field) is not None:
                    params[v, col] = getattr(terms, field)
            for issue, value in terms.salience.items():
                salience[v, ISSUES.index(issue)] = value
    return params, salience


def agenda_points(on_agenda: np.ndarray, points: list[list[str]] | None) -> np.ndarray:
    """The point (1, 2, ...) of each issue on the agenda (`on_agenda` > 0), 0 for the others: the scenario's points
    in their order, then every issue on the agenda that no point names, one point each in issue order (so without
    points, one issue after another, as the table worked before points existed). A point that names no issue keeps
    its number, which no issue then carries (`empty_points`). Issues a point names must be on the agenda
    (scenario.references checks it)."""
    point = np.zeros(len(ISSUES))
    n = 0
    for issues in points or []:
        n += 1
        for issue in issues:
            point[ISSUES.index(issue)] = float(n)
    for k in range(len(ISSUES)):
        if on_agenda[k] > 0 and point[k] == 0:
            n += 1
            point[k] = float(n)
    return np.where(on_agenda > 0, point, 0.0)


def empty_points(points: list[list[str]] | None) -> float:
    """The scenario's points that settle none of the model's issues (Havana's comprehensive rural reform), as a bit
    mask: bit n - 1 for point n. The table agrees them in their turn like any point, so they take their time, but
    they lock nothing (the schema bounds the points, so the mask is an exact float)."""
    return float(sum(1 << n for n, issues in enumerate(points or []) if not issues))


def table_track(table, political: bool) -> str:
    """A table's legal track: the scenario's, else political for groups the state treats as political."""
    return table.track or ("political" if political else "socio_legal")


def on_agenda(track: str, issue: str, political: bool) -> bool:
    """Whether `issue` is on the agenda of a table on `track` (issues.csv; political participation only for groups
    the state treats as political)."""
    if issue == ISSUES[POLITICAL] and not political:
        return False
    return defaults()["ceiling"][(track, issue)][1]


def build_agenda(scenario, group_ids: list[str], table_start: np.ndarray, params) -> Agenda:
    """The arrays of every group slot's table. `table_start` (G,) is the month each table may open (-1: none);
    `params` is the parameter record (for the prior's mode)."""
    base = defaults()
    G, K = len(group_ids), N_ISSUES
    static = np.zeros((G, N_TB))
    lo, hi, agenda = np.zeros((G, K)), np.zeros((G, K)), np.zeros((G, K))
    cost, weights = np.zeros((G, K)), np.ones((G, K))
    stake_pos, stake_sal = np.zeros((G, 2, K)), np.zeros((G, 2, K))
    ratify = np.zeros((G, N_VETO))
    static[:, TB_START] = -1.0
    static[:, TB_DRAW_FROM] = -1.0
    static[:, TB_DEADLINE_MONTH] = -1.0
    static[:, TB_DEADLINE_KNOWN] = -1.0
    static[:, TB_DEADLINE_BINDING] = 1.0
    draw_from = scenario.policy.draw_attacks_from
    for g, gid in enumerate(group_ids):
        group = scenario.groups.get(gid)
        label = group.spoiler if group is not None else "greedy"
        static[g, TB_PRIOR:TB_PRIOR + len(TYPES)] = type_prior(label, group.type_prior if group else None, params)
        static[g, TB_POLITICAL] = float(bool(group and group.political))
        table = scenario.policy.tables.get(gid)
        if table is None or table_start[g] < 0:
            continue
        track = table_track(table, bool(group.political))
        static[g, TB_START] = float(table_start[g])
        static[g, TB_TRACK] = float(TRACKS.index(track))
        static[g, TB_DEADLINE] = float(table.deadline_months or 0)
        if table.deadline is not None:
            static[g, TB_DEADLINE_MONTH] = float(month_index(scenario.start, table.deadline))
        if table.deadline_announced is not None:
            static[g, TB_DEADLINE_KNOWN] = float(month_index(scenario.start, table.deadline_announced))
        static[g, TB_DEADLINE_BINDING] = float(table.deadline_binding)
        static[g, TB_CONDITIONAL] = float(table.conditional)
        if draw_from is not None:
            static[g, TB_DRAW_FROM] = float(max(0, month_index(scenario.start, draw_from)))
        static[g, TB_EXPLORED] = float(table.opening_phase == "formal_talks")
        static[g, TB_PARALLEL] = float(table.parallel_issues or 0)
        for k, issue in enumerate(ISSUES):
            ceiling = base["ceiling"][(track, issue)][0]
            on = on_agenda(track, issue, bool(group.political))
            terms = table.issues.get(issue)
            state_pos, state_sal = base["stake"][("state", issue)]
            demand, multiplier = 1.0, 1.0
            actors = [list(base["stake"][("guarantors", issue)]), list(base["stake"][("host", issue)])]
            if terms is not None:
                if terms.state is not None:
                    state_pos = terms.state.position if terms.state.position is not None else state_pos
                    state_sal = terms.state.salience if terms.state.salience is not None else state_sal
                if terms.group is not None:
                    demand = terms.group.position if terms.group.position is not None else demand
                    multiplier = terms.group.salience if terms.group.salience is not None else multiplier
                for a, name in enumerate(("guarantors", "host")):
                    override = getattr(terms, name)
                    if override is not None:
                        actors[a][0] = override.position if override.position is not None else actors[a][0]
                        actors[a][1] = override.salience if override.salience is not None else actors[a][1]
            if not on:
                continue
            agenda[g, k] = 1.0
            top = min(ceiling, table.offer.get(issue, 1.0), demand)
            hi[g, k] = top
            lo[g, k] = min(state_pos, top)
            cost[g, k] = state_sal
            weights[g, k] = multiplier
            for a in range(2):
                stake_pos[g, a, k], stake_sal[g, a, k] = actors[a]
        agenda[g] = agenda_points(agenda[g], table.points)
        static[g, TB_EMPTY] = empty_points(table.points)
        total = cost[g].sum()
        if total > 0:
            cost[g] /= total
        route = table.ratification if table.ratification is not None else DEFAULT_RATIFICATION[track]
        for name in route:
            ratify[g, VETO_PLAYERS.index(name)] = 1.0
    veto_params, veto_salience = _veto_arrays(scenario.policy, base)
    slots = np.flatnonzero(static[:, TB_START] >= 0).astype(np.int64)
    return Agenda(static, lo, hi, agenda, cost, weights, stake_pos, stake_sal, ratify, veto_params, veto_salience,
                  slots)
