"""The battlefield's side of the interface (layout.py): the tables' inputs assembled from one run's battlefield
quantities, and their outputs read back into what the rest of the month uses (ceasefires, pressure, concessions).

Kept here, next to the layout they fill, so that the engine's month only calls `tables_inputs`, `tables_month` and
the readers below (ceasefires, pressure, concessions in force, the protection of ex-combatants, agreed substitution).
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.buffers import zeroed
from totalpeace.model.tables import values
from totalpeace.model.tables.layout import (
    AU_GROUP_OUTSIDE,
    AU_GROUP_VALUE,
    AU_MARGIN_TYPES,
    AU_WAR_VALUE,
    IN_ALIVE,
    IN_ARMED,
    IN_ARREST,
    IN_ATTACKED,
    IN_ATTACKS,
    IN_ATTACKS_ON_TABLES,
    IN_COHESION,
    IN_DRUG_SHARE,
    IN_EX_KILLED,
    IN_GUARANTEE,
    IN_HOST,
    IN_LOSS_RIVALS,
    IN_LOSS_STATE,
    IN_MEMBERS,
    IN_POWER,
    IN_POWER_NO_ZONE,
    IN_PRESSURE,
    IN_RENT,
    IN_SANCTUARY,
    IN_SCHEDULED_CEASEFIRE,
    IN_STAKE,
    IN_TREND,
    IN_VERIFICATION,
    IN_VIOLATION_CHANCE,
    IN_VIOLATIONS,
    IN_VIOLATIONS_SEEN,
    IN_WILLING,
    IN_ZONE,
    N_IN,
    OUT_BOMBING,
    OUT_CEASEFIRE,
    OUT_PROTECTION,
    OUT_SUBSTITUTION,
)

IMPLEMENTATION = 6
COCA, GOLD, EXTORTION, ROUTES = range(4)  # revenue kinds, in the order of world.REVENUES


@numba.njit(cache=True)
def drug_shares(control: np.ndarray, kinds: np.ndarray, chi: np.ndarray, revenue: np.ndarray,
                value: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Each group's share of its rent from coca and routes (G,): its exposure to extradition. control (T, G + 1),
    kinds (T, 4) gross rents by kind, chi (4,) appropriable shares, revenue (G, 4) kinds it takes, value (G, T)."""
    T, G = control.shape[0], revenue.shape[0]
    out = zeroed(out, G)
    for g in range(G):
        drug, whole = 0.0, 0.0
        for t in range(T):
            drug += control[t, g] * (kinds[t, COCA] * chi[COCA] * revenue[g, COCA]
                                     + kinds[t, ROUTES] * chi[ROUTES] * revenue[g, ROUTES])
            whole += control[t, g] * value[g, t]
        out[g] = drug / whole if whole > 0 else 0.0
    return out


@numba.njit(cache=True)
def tables_inputs(power: np.ndarray, power_no_zone: np.ndarray, members_total: np.ndarray,
                  armed_share: np.ndarray, rent: np.ndarray, stake: np.ndarray, drug: np.ndarray,
                  sanctuary: np.ndarray, loss_state: np.ndarray, loss_rivals: np.ndarray, base_pressure: np.ndarray,
                  alive: np.ndarray, willing: np.ndarray, attacks: np.ndarray, seen: np.ndarray,
                  chances: np.ndarray, phase: np.ndarray,
                  guarantee: np.ndarray, host_weight: np.ndarray, ceasefire: np.ndarray, bilateral: np.ndarray,
                  concessions: np.ndarray, zone: np.ndarray, cohesion: np.ndarray, trend: np.ndarray,
                  out: np.ndarray | None = None) -> np.ndarray:
    """The (G, N_IN) inputs of the tables' month. `attacks` (G, 4): major attacks, violations, attacks on other
    tables' groups, attacks suffered, as the scenario schedules them (levers.attack_counts); `seen` (G,) the
    ceasefire violations the state saw of the groups' own conduct last month (choices.violations_seen) and
    `chances` (G, 3) the chance of seeing one were the group limited, greedy or total (choices.violation_chances);
    `concessions` (G, 4) scheduled by kind; `zone` (G, T)
    the scheduled zone territories (a zone granted with a ceasefire is a zone concession too); `ceasefire`,
    `bilateral` (G,) scheduled; `trend` (G,) each group's smoothed growth of members. Stand-ins until the
    battlefield produces them (docs/model.md 7.4): the verification capacity is the guarantor index, ex-combatants
    killed are the members a group in implementation lost."""
    G = power.shape[0]
    out = zeroed(out, (G, N_IN))
    inp = out
    for g in range(G):
        total = members_total[g]
        inp[g, IN_POWER] = power[g]
        inp[g, IN_POWER_NO_ZONE] = power_no_zone[g]
        inp[g, IN_MEMBERS] = total
        inp[g, IN_ARMED] = total * armed_share[g]
        inp[g, IN_RENT] = rent[g]
        inp[g, IN_STAKE] = stake[g]
        inp[g, IN_DRUG_SHARE] = drug[g]
        inp[g, IN_SANCTUARY] = sanctuary[g] / total if total > 0 else 0.0
        inp[g, IN_LOSS_STATE] = loss_state[g]
        inp[g, IN_LOSS_RIVALS] = loss_rivals[g]
        inp[g, IN_PRESSURE] = base_pressure[g]
        inp[g, IN_ALIVE] = alive[g]
        inp[g, IN_WILLING] = willing[g]
        inp[g, IN_ATTACKS] = attacks[g, 0]
        inp[g, IN_VIOLATIONS] = attacks[g, 1]
        inp[g, IN_VIOLATIONS_SEEN] = seen[g]
        for t in range(3):
            inp[g, IN_VIOLATION_CHANCE + t] = chances[g, t]
        inp[g, IN_ATTACKS_ON_TABLES] = attacks[g, 2]
        inp[g, IN_ATTACKED] = attacks[g, 3]
        inp[g, IN_EX_KILLED] = loss_state[g] + loss_rivals[g] if phase[g] == IMPLEMENTATION else 0.0
        inp[g, IN_GUARANTEE] = guarantee[g]
        inp[g, IN_VERIFICATION] = guarantee[g]
        inp[g, IN_HOST] = host_weight[g]
        inp[g, IN_SCHEDULED_CEASEFIRE] = 2.0 if bilateral[g] > 0 else (1.0 if ceasefire[g] > 0 else 0.0)
        for c in range(4):
            inp[g, IN_ARREST + c] = concessions[g, c]
        for t in range(zone.shape[1]):
            if zone[g, t] > 0:
                inp[g, IN_ZONE] = 1.0
        inp[g, IN_COHESION] = cohesion[g]
        inp[g, IN_TREND] = trend[g]
    return inp


@numba.njit(cache=True)
def ceasefire_flags(out: np.ndarray, ceasefire: np.ndarray, bilateral: np.ndarray) -> None:
    """Which groups are in a ceasefire (any) and in a bilateral one, from the tables' outputs (in place)."""
    for g in range(out.shape[0]):
        ceasefire[g] = out[g, OUT_CEASEFIRE] > 0
        bilateral[g] = out[g, OUT_CEASEFIRE] > 1


@numba.njit(cache=True)
def pressure_after_concessions(out: np.ndarray, base_pressure: np.ndarray, p,
                               result: np.ndarray | None = None) -> np.ndarray:
    """The state's repression pressure on each group with the bombing suspension in force (M3.3, M6.1)."""
    G = out.shape[0]
    if result is None:
        result = np.empty(G)
    pressure = result
    for g in range(G):
        pressure[g] = base_pressure[g] * (1.0 - p.bombing_share_of_attrition * out[g, OUT_BOMBING])
    return pressure


@numba.njit(cache=True)
def margins(audit: np.ndarray, phase: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The group's margin at its table (G,): its value of the package on the table minus its outside option,
    relative to its war value (the `group_surplus` series); NaN without an open table or for a total spoiler."""
    G = audit.shape[0]
    if out is None:
        out = np.full(G, np.nan)
    else:
        out[:] = np.nan
    for g in range(G):
        outside = audit[g, AU_GROUP_OUTSIDE]
        if phase[g] != 0 and np.isfinite(outside):
            out[g] = values.relative_margin(audit[g, AU_GROUP_VALUE], outside, audit[g, AU_WAR_VALUE])
    return out


@numba.njit(cache=True)
def type_margins(audit: np.ndarray, phase: np.ndarray, out: np.ndarray) -> None:
    """The group's margin at its table were it limited, greedy or a total spoiler (G, 3), as `margins` gives its own:
    its value of the package over that type's outside option, relative to its war value; NaN without a table, and
    for a total spoiler, who accepts no deal."""
    for g in range(audit.shape[0]):
        for t in range(3):
            out[g, t] = np.nan
        if phase[g] != 0:
            out[g, 0] = audit[g, AU_MARGIN_TYPES]
            out[g, 1] = audit[g, AU_MARGIN_TYPES + 1]


@numba.njit(cache=True)
def protect_ex_combatants(losses_rivals: np.ndarray, out: np.ndarray) -> None:
    """Rivals' killings of a group standing down under an agreement, less the share its security guarantees protect
    (in place; losses_rivals (G, T)): (1 - protection) of them remain (M5.1: ex-combatants killed)."""
    G, T = losses_rivals.shape
    for g in range(G):
        kept = 1.0 - min(max(out[g, OUT_PROTECTION], 0.0), 1.0)
        if kept < 1.0:
            for t in range(T):
                losses_rivals[g, t] *= kept


@numba.njit(cache=True)
def agreed_substitution(coca: np.ndarray, control: np.ndarray, out: np.ndarray, p) -> None:
    """Coca removed by the voluntary substitution an agreement's illicit-economy terms bring to the group's
    territories (in place): coca_i (1 - substitution_rate sum_g control_ig s_g), the national lever's rate
    (economy.coca_change) applied to the effort s_g agreed with each group, where it holds control."""
    T, G = coca.shape[0], out.shape[0]
    for t in range(T):
        effort = 0.0
        for g in range(G):
            effort += control[t, g] * out[g, OUT_SUBSTITUTION]
        if effort > 0:
            coca[t] = max(coca[t] * (1.0 - p.substitution_rate * min(effort, 1.0)), 0.0)
