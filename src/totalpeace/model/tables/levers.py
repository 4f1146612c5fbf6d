"""Dated attacks and violations from the scenario, month by month: what the state observes at the tables besides the
groups' own ceasefire violations and, from `policy.draw_attacks_from`, the major attacks the tables' step draws
(tables/month.py). (The political cost of war is a lever of the schedule, which applies the events that change it:
engine/schedule.py.)"""

from __future__ import annotations

import numpy as np

from totalpeace.scenario.dates import month_index

ATTACKS, VIOLATIONS, ATTACKS_ON_TABLES, ATTACKED = range(4)
N_EVENT_KINDS = 4


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
