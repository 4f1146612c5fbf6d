"""The agenda of a negotiation table: which substantive issues exist, what 0 and 1 mean on each, which actors sit.

Every issue is a number x_k in [0, 1]: 0 is the state's maximal position (nothing conceded), 1 is everything the group
asks on it. A track (political or socio-legal) decides which issues are on the agenda and the legal ceiling on what
may be offered; the scenario decides each table's track and may cap an issue further (the state's mandate, `offer`).
"""

from __future__ import annotations

from enum import IntEnum

ISSUES = ("legal_treatment", "extradition", "territory", "illicit_economies", "political_participation",
          "security_guarantees", "reintegration", "ceasefire_terms")
N_ISSUES = len(ISSUES)
LEGAL, EXTRADITION, TERRITORY, ILLICIT, POLITICAL, SECURITY, REINTEGRATION, CEASEFIRE = range(N_ISSUES)

ISSUE_MEANING = {
    "legal_treatment": "0 ordinary justice and full sentences; 1 amnesty for every member (political track: "
                       "transitional justice; socio-legal track: submission to justice with reduced sentences)",
    "extradition": "0 extradition requests proceed; 1 no member is extradited",
    "territory": "0 no zones, operations everywhere; 1 concentration zones in all the group's territories and "
                 "areas free of operations",
    "illicit_economies": "0 forfeiture of all illicit wealth and forced eradication; 1 the group keeps its wealth "
                         "legally and coca is only substituted voluntarily",
    "political_participation": "0 no political guarantees; 1 guaranteed seats and a legal party (political groups, "
                               "political track only)",
    "security_guarantees": "0 no protection beyond the ordinary; 1 full protection programme for ex-combatants",
    "reintegration": "0 the individual route only; 1 full collective reincorporation (stipends, productive projects)",
    "ceasefire_terms": "0 a unilateral, verified ceasefire of the group with concentration; 1 a bilateral ceasefire "
                       "without verification in which the group keeps its positions",
}

TRACKS = ("political", "socio_legal")
POLITICAL_TRACK, SOCIO_LEGAL_TRACK = range(len(TRACKS))

# The table's actors in the bargaining protocols (slots of the actor axis). Veto players follow them in the BDM
# forecaster's stakeholder axis.
ACTORS = ("state", "group", "guarantors", "host")
N_ACTORS = len(ACTORS)
STATE, GROUP, GUARANTORS, HOST = range(N_ACTORS)

VETO_PLAYERS = ("congress", "court", "public", "security_forces")
N_VETO = len(VETO_PLAYERS)
CONGRESS, COURT, PUBLIC, SECURITY_FORCES = range(N_VETO)
VETO_STAGES = ("ratification", "implementation", "both")
N_STAKEHOLDERS = N_ACTORS + N_VETO

TYPES = ("limited", "greedy", "total")
N_TYPES = len(TYPES)
LIMITED, GREEDY, TOTAL = range(N_TYPES)

ENGINES = ("nash", "alternating", "bdm", "compromise")
NASH, ALTERNATING, BDM, COMPROMISE = range(len(ENGINES))


class Phase(IntEnum):
    """Table phases (a group without a table stays NONE). Codes 0-8 are those of earlier versions; CEASEFIRE is no
    longer a phase (a ceasefire is reported on its own, at any phase) and is kept so that stored results read."""

    NONE = 0
    EXPLORATION = 1
    FORMAL_TALKS = 2
    CEASEFIRE = 3
    PARTIAL_AGREEMENTS = 4
    FINAL_AGREEMENT = 5
    IMPLEMENTATION = 6
    DEMOBILIZED = 7
    BROKEN_DOWN = 8
    SUSPENDED = 9


# Phases in which the two sides bargain over the package.
BARGAINING = (Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS)
