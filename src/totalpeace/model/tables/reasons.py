"""Why a table advanced, stalled, was suspended or broke down in a month: the negotiation audit's reason codes.

One code per table and month, written by the table step (model/tables/month.py). The descriptions are the text the
report and the terminal show; docs/model.md lists them.
"""

from __future__ import annotations

from enum import IntEnum


class Reason(IntEnum):
    """What happened at a table this month (the first matching rule of the table step)."""

    NO_TABLE = 0
    WAITING = 1
    OPENED = 2
    EXPLORING = 3
    ADVANCED = 4
    BARGAINING = 5
    GROUP_OUTSIDE_OPTION = 6
    STATE_OUTSIDE_OPTION = 7
    NO_OVERLAP = 8
    GROUP_REJECTS = 9
    STATE_REJECTS = 10
    SUSPENDED_ATTACK = 11
    SUSPENDED = 12
    RESUMED = 13
    ENDED_SPOILER = 14
    ENDED_DEADLINE = 15
    ENDED_SUSPENSION = 16
    BROKE_DOWN = 17
    SIGNED = 18
    RATIFICATION_REJECTED = 19
    RATIFIED = 20
    IMPLEMENTING = 21
    IMPLEMENTATION_BLOCKED = 22
    DEMOBILIZED = 23
    GROUP_GONE = 24
    ENDED = 25
    ENDED_POLITICS = 26
    ENDED_STALLED = 27


DESCRIPTION = {
    Reason.NO_TABLE: "no table",
    Reason.WAITING: "table not open yet (date, willingness or the order of tables)",
    Reason.OPENED: "table opened",
    Reason.EXPLORING: "exploring: both sides could accept a package, formal talks not yet installed",
    Reason.ADVANCED: "advanced: an agenda issue was agreed or the table moved to its next phase",
    Reason.BARGAINING: "bargaining: both sides accept the package on the table, no issue closed this month",
    Reason.GROUP_OUTSIDE_OPTION: "stalled: no package the state may offer beats the group's value of war",
    Reason.STATE_OUTSIDE_OPTION: "stalled: the state expects more from fighting than from any concession",
    Reason.NO_OVERLAP: "stalled: what the state is willing to concede is worth less to the group than war",
    Reason.GROUP_REJECTS: "stalled: the group rejects the package on the table (worth less than its outside option)",
    Reason.STATE_REJECTS: "stalled: the state rejects the package proposed (it concedes more than fighting costs)",
    Reason.SUSPENDED_ATTACK: "suspended by the state after an attack or a ceasefire violation",
    Reason.SUSPENDED: "suspended",
    Reason.RESUMED: "resumed after a suspension",
    Reason.ENDED_SPOILER: "ended by the state: it came to believe the group is a total spoiler",
    Reason.ENDED_DEADLINE: "ended by the state: its deadline passed without an agreement",
    Reason.ENDED_SUSPENSION: "ended by the state: suspended for too long",
    Reason.BROKE_DOWN: "broke down (commitment hazard: the group walked away or talks collapsed)",
    Reason.SIGNED: "final agreement signed, awaiting ratification",
    Reason.RATIFICATION_REJECTED: "a veto player rejected the signed agreement: renegotiation",
    Reason.RATIFIED: "agreement ratified: implementation starts",
    Reason.IMPLEMENTING: "implementing the agreement",
    Reason.IMPLEMENTATION_BLOCKED: "a veto player blocked part of the implementation (a promise broken)",
    Reason.DEMOBILIZED: "the group has demobilised",
    Reason.GROUP_GONE: "the group no longer exists",
    Reason.ENDED: "table over",
    Reason.ENDED_POLITICS: "ended by the state: a government that pays little for abandoning talks does not resume a "
                           "suspended table",
    Reason.ENDED_STALLED: "ended by the state after an attack or a violation: the talks had stalled, no package it "
                          "may offer would be accepted",
}

# Reasons that end a table (the month it broke down or was ended), for the report's "why it broke down".
ENDING = (Reason.ENDED_SPOILER, Reason.ENDED_DEADLINE, Reason.ENDED_SUSPENSION, Reason.ENDED_POLITICS,
          Reason.ENDED_STALLED, Reason.BROKE_DOWN)
# Reasons of a month without progress, for "what held it up".
STALLING = (Reason.GROUP_OUTSIDE_OPTION, Reason.STATE_OUTSIDE_OPTION, Reason.NO_OVERLAP, Reason.GROUP_REJECTS,
            Reason.STATE_REJECTS, Reason.SUSPENDED_ATTACK, Reason.SUSPENDED, Reason.RATIFICATION_REJECTED,
            Reason.IMPLEMENTATION_BLOCKED)
