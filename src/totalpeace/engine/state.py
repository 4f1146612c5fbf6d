"""What changes during a run: the state variables, named once, with their shapes; batched over runs.

Each variable is an array with a leading run axis; its other axes are named by letters (G group slots, T territories,
A actors = groups and the state, K neighbouring countries, I international actors) or fixed sizes. A variable added to
`VARIABLES` exists, zero at the start, in every batch and in the compiled month (`state.name[r]`); a non-zero start is
set in engine/initial.py.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from totalpeace.model.tables.issues import N_ISSUES, N_STAKEHOLDERS
from totalpeace.model.tables.layout import N_ST


class Variable(NamedTuple):
    """A state variable: its name, its axes after the run axis and its element type."""

    name: str
    dims: tuple[str | int, ...]
    doc: str
    dtype: type = np.float64


VARIABLES: tuple[Variable, ...] = (
    Variable("members", ("G", "T"), "armed members of each group in each territory"),
    Variable("support", ("G", "T"), "support-network members of each group in each territory"),
    Variable("sanctuary", ("G",), "armed members in foreign sanctuary"),
    Variable("resources", ("G",), "each group's stock of arms and resources, USD m"),
    Variable("ex_combatants", ("T",), "former combatants of demobilised groups in each territory"),
    Variable("route_exit", ("T",), "the exit each territory ships its coca through (-1: none)", np.int64),
    Variable("route_next", ("T",), "the next territory on each territory's route (-1: at the exit or none)",
             np.int64),
    Variable("actions", ("G", 4), "each group's expected events last month: attacks, violations seen, attacks on "
             "other tables, attacks suffered (model.choices.actions)"),
    Variable("violations_seen", ("G",), "ceasefire violations the state saw of each group last month, drawn from "
             "its expected events; the tables read them (model.choices.violations_seen)"),
    Variable("violation_chances", ("G", 3), "the chance of seeing a violation of each group's ceasefire last month "
             "were it limited, greedy or total (model.choices.violation_chances)"),
    Variable("control", ("T", "A"), "control shares of the groups and the state (last column)"),
    Variable("phase", ("G",), "phase of each group's table (model.tables.issues.Phase)", np.int8),
    Variable("signed_members", ("G",), "members when the group signed its final agreement"),
    Variable("table_state", ("G", N_ST), "each table's state: beliefs, trust, clocks, suspension (tables/layout ST_*)"),
    Variable("package", ("G", N_ISSUES), "the package on each table, per issue in [0, 1]"),
    Variable("closed", ("G", N_ISSUES), "1 for the issues already agreed at each table"),
    Variable("mandate", ("G", N_ISSUES), "the most the state may concede per issue, as revised after ratification"),
    Variable("bdm_positions", ("G", N_STAKEHOLDERS, N_ISSUES), "the stakeholders' positions in the BDM forecaster"),
    Variable("group_cohesion", ("G",), "cohesion of each group"),
    Variable("cohesion", (), "security-force cohesion K"),
    Variable("coca", ("T",), "coca area, hectares"),
    Variable("fragmentation", ("T",), "decaying record of splits"),
    Variable("vacated", ("T",), "decaying record of control vacated by groups standing down"),
    Variable("leader_vacuum", ("T",), "the slower record of vacated control that social-leader killings follow"),
    Variable("signed", ("G",), "1 once the group has signed a final agreement"),
    Variable("hom_base", ("T",), "ordinary-crime homicides per month (territory effect), set in the first month"),
    Variable("crime_gap", ("T",), "each territory's log rate of ordinary crime above the nation's, set in the first "
             "month (what its drift is pulled by, violence.crime_gap)"),
    Variable("hom_control0", ("T",), "the state's control share of each territory in the first month (ordinary crime "
             "answers to its change)"),
    Variable("armed_scale", (), "homicides a month per effective armed member, set in the first month"),
    Variable("crime_drift", (), "the national drift of ordinary crime, log units (a random walk, drawn at the start)"),
    Variable("regional_drift", ("T",),
             "each territory's own drift of ordinary crime, log units (drawn at the start, pulled toward the "
             "nation's rate)"),
    Variable("flow0", ("K",), "cocaine flow toward each neighbour at the start"),
    Variable("loss_share", ("G",), "share of members lost to the state and rivals last month"),
    Variable("rent0", ("G",), "each group's stake: its status-quo income in the first month"),
    Variable("trend", ("G",), "each group's smoothed monthly growth of members: the trajectory in its war value"),
    Variable("surplus", ("G",), "each group's relative surplus of a deal, last computed (its choices read it)"),
    Variable("state_loss", ("G",), "share of members lost to the state last month (leadership losses, M7.2)"),
    Variable("attacks_territory", ("T",), "decaying record of security-force members killed in each territory"),
    Variable("attacks_group", ("G",), "decaying record of security-force members killed by each group"),
    Variable("forces_killed", (), "security-force members killed last month (casualty strain, legitimacy)"),
    Variable("killed_at_tables", (), "security-force members killed last month by groups at a table"),
    Variable("concessions", ("G", 4), "concessions in force last month, by kind (new ones are shocks to cohesion)"),
    Variable("tolerance", ("I",), "each international actor's tolerance of armed groups on its soil"),
    Variable("verification", ("G",), "share of each group's verification capacity deployed"),
    Variable("certification", (), "the donor's certification of the state's drug cooperation, in [0, 1]"),
    Variable("engagement", ("G",), "each foreign cartel's engagement: its budget relative to the scenario's"),
    Variable("holdings0", ("G",), "exits each cartel's proxies held in the first month"),
    Variable("sanctuary_rate", ("G",), "monthly income per armed member in sanctuary, set in the first month"),
    Variable("relocated", ("G", "K"), "members of each group relocated into each neighbouring country"),
    Variable("neighbour_index", ("K",), "violence index of each neighbour last month (feeds back into route rents)"),
)

State = namedtuple("State", [v.name for v in VARIABLES])


def shape(dims: tuple[str | int, ...], sizes: Mapping[str, int]) -> tuple[int, ...]:
    """Concrete shape of named axes (`sizes` maps letters to lengths)."""
    return tuple(sizes[d] if isinstance(d, str) else d for d in dims)


def allocate(runs: int, sizes: Mapping[str, int]) -> State:
    """Every state variable for `runs` runs, zero."""
    return State(*(np.zeros((runs, *shape(v.dims, sizes)), dtype=v.dtype) for v in VARIABLES))


def replicate(state: State, runs: int) -> State:
    """The first run's state copied to `runs` runs (writable, C-contiguous arrays)."""
    return State(*(np.broadcast_to(a[:1], (runs, *a.shape[1:])).copy() for a in state))
