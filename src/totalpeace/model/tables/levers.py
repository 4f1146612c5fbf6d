"""Month-by-month negotiation levers from the scenario: dated attacks and violations (what the state observes), and
the political cost of war (which events may change)."""

from __future__ import annotations

import numpy as np

from totalpeace.scenario.dates import month_index

ATTACKS, VIOLATIONS, ATTACKS_ON_TABLES, ATTACKED = range(4)
N_EVENT_KINDS = 4
POLITICAL_COST = "policy.political_cost_of_war"


def attack_counts(scenario, group_ids: list[str], months: int) -> np.ndarray:
    """(M, G, 4): per month and group, major attacks, ceasefire violations, attacks on other tables' groups, and
    attacks suffered from groups at other tables (the target of an attack_on_table)."""
    out = np.zeros((months, len(group_ids), N_EVENT_KINDS))
    for attack in scenario.policy.attacks:
        m = month_index(scenario.start, attack.date)
        if not 0 <= m < months:
            continue
        g = group_ids.index(attack.group)
        if attack.kind == "major_attack":
            out[m, g, ATTACKS] += attack.count
        elif attack.kind == "ceasefire_violation":
            out[m, g, VIOLATIONS] += attack.count
        else:
            out[m, g, ATTACKS_ON_TABLES] += attack.count
            out[m, group_ids.index(attack.target), ATTACKED] += attack.count
    return out


def political_cost(scenario, months: int) -> np.ndarray:
    """(M,): the political cost of war, from `policy.political_cost_of_war` and events that set it."""
    out = np.full(months, float(scenario.policy.political_cost_of_war))
    changes = sorted((max(0, month_index(scenario.start, e.date)), float(e.set[POLITICAL_COST]))
                     for e in scenario.policy.events if POLITICAL_COST in e.set)
    for m, value in changes:
        out[m:] = value
    return out
