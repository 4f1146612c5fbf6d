"""Columns of the arrays the table step reads and writes: the interface between the battlefield and the tables.

Each array is (G, columns) for one run, one row per group slot; the compiled functions index it with these constants
(numba folds them into the code). The meaning, unit and, where the battlefield does not yet produce a quantity, the
nearest quantity that stands in for it are documented beside each column and in docs/model.md section 7.3.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------------------------
# What the table step reads each month, per group (battlefield -> tables).
# ---------------------------------------------------------------------------------------------------------------
IN_POWER = 0  # p: the group's share of effort against the state where it is, sanctuary counted (M1.1, M5.1)
IN_POWER_NO_ZONE = 1  # p as if no demilitarised zone were granted (the audit's counterfactual for zones)
IN_MEMBERS = 2  # members in the country and in sanctuary
IN_ARMED = 3  # armed members
IN_RENT = 4  # rent this month, cartel transfers included (USD m / month)
IN_STAKE = 5  # status-quo rent of the first month (USD m / month): the scale of the group's fortune
IN_DRUG_SHARE = 6  # share of its stake from coca and routes: exposure to extradition
IN_SANCTUARY = 7  # share of members in foreign sanctuary
IN_LOSS_STATE = 8  # share of members lost to the state last month
IN_LOSS_RIVALS = 9  # share of members lost to rival groups last month
IN_PRESSURE = 10  # the state's repression pressure on the group before concessions (M3.3)
IN_ALIVE = 11  # 1 while the group exists
IN_WILLING = 12  # 1 if the group comes to talk this month; 1/2 if it declared itself willing but hesitates this month
# (it keeps its place in the phased order); 0 if not (model/choices.py: willingness)
IN_ATTACKS = 13  # major attacks by the group this month (scenario events; drawn ones are added by the step, 7.4)
IN_VIOLATIONS = 14  # ceasefire violations by the group this month (scenario events)
IN_ATTACKS_ON_TABLES = 15  # attacks by the group on groups at other tables (spoiling; scenario events, 7.13)
IN_ATTACKED = 16  # attacks the group suffered from others this month (Kydd-Walter: partly attributed to it)
IN_EX_KILLED = 17  # share of its demobilised members killed this month (stand-in: its members lost while standing down)
IN_GUARANTEE = 18  # guarantor index G of its table (M4.1)
IN_VERIFICATION = 19  # verification capacity of its guarantors (UN mission, guarantors), in [0, 1]
IN_HOST = 20  # its sanctuary host's leverage: host tolerance x maximal sanctuary share (M4.2)
IN_SCHEDULED_CEASEFIRE = 21  # scheduled ceasefire: 0 none, 1 unilateral, 2 bilateral
IN_ARREST = 22  # scheduled concession: arrest orders suspended (0/1)
IN_EXTRADITION = 23  # scheduled concession: extradition suspended (0/1)
IN_BOMBING = 24  # scheduled concession: bombing suspended (0/1)
IN_ZONE = 25  # scheduled concession or ceasefire: demilitarised zone (0/1)
IN_COHESION = 26  # the group's internal cohesion
IN_TREND = 27  # its expected trajectory: the smoothed monthly growth of its members (values.trend_step; 1 / month)
IN_VIOLATIONS_SEEN = 28  # ceasefire violations the state saw of the group's own conduct last month (0/1)
IN_VIOLATION_CHANCE = 29  # 3 columns: the chance of seeing one last month were it limited, greedy, total
IN_ATTACK_DRAW = 32  # a uniform draw for the month's major attacks where the scenario draws them (7.4)
N_IN = 33

# ---------------------------------------------------------------------------------------------------------------
# Each table's fixed terms, from the scenario (one row per group slot).
# ---------------------------------------------------------------------------------------------------------------
TB_START = 0  # month the table may open (-1: the group has no table)
TB_TRACK = 1  # 0 political, 1 socio-legal
TB_POLITICAL = 2  # 1 if the group has political status
TB_DEADLINE = 3  # months after opening by which the state wants a final agreement (0: none)
TB_CONDITIONAL = 4  # 1 if the state's concessions are withdrawn in a month the group attacks or violates
TB_PRIOR = 5  # 3 columns: the state's prior over (limited, greedy, total); its mode is the scenario's label
TB_EXPLORED = 8  # 1 if the table opens in formal talks (its exploratory phase concluded before the scenario)
TB_PARALLEL = 9  # agenda issues this table negotiates at once (0: the parameter parallel_issues)
TB_EMPTY = 10  # bit mask of the agenda points (bit n - 1 for point n) that settle none of the model's issues
TB_DRAW_FROM = 11  # first month in which the group's major attacks at its table are drawn (-1: only the dated ones)
TB_DEADLINE_MONTH = 12  # month (from the scenario's start) by which the state wants a final agreement (-1: none)
TB_DEADLINE_KNOWN = 13  # month (from the scenario's start) the sides learn the deadline (-1: from the opening)
TB_DEADLINE_BINDING = 14  # 1 if the state ends the table at its deadline, 0 for a target that ends nothing
N_TB = 15

# National quantities (one vector per run and month).
NAT_COHESION = 0  # security-force cohesion K (M3.2)
NAT_POLITICAL_COST = 1  # political cost of war for the government, in [0, 1] (scenario lever)
NAT_LEGITIMACY = 2  # legitimacy index of the process (M4.3)
N_NAT = 3

# ---------------------------------------------------------------------------------------------------------------
# What the table step returns each month, per group (tables -> battlefield).
# ---------------------------------------------------------------------------------------------------------------
OUT_PHASE = 0  # Phase code
OUT_CEASEFIRE = 1  # ceasefire in force: 0 none, 1 unilateral (the group stops), 2 bilateral (both stop)
OUT_VERIFICATION = 2  # verification of the ceasefire in force, in [0, 1]
OUT_ARREST = 3  # concession in force: arrest orders for its negotiators suspended (0/1)
OUT_EXTRADITION = 4  # concession in force: extradition suspended (0/1)
OUT_BOMBING = 5  # concession in force: bombing and offensive operations suspended (0/1)
OUT_ZONE = 6  # concession in force: demilitarised zone (0/1); its territories are in the zone mask
OUT_CONCENTRATION = 7  # share of the group's territories that are concentration zones (signed territorial terms)
OUT_DDR_RATE = 8  # monthly share of members that demobilise (0 outside implementation)
OUT_SPLIT_PROBABILITY = 9  # chance that a faction rejects the agreement at ratification
OUT_SPLIT_SHARE = 10  # share of members leaving with that faction
OUT_PROTECTION = 11  # protection of ex-combatants in [0, 1] (security guarantees x verification)
OUT_SUBSTITUTION = 12  # voluntary substitution effort in the group's territories, in [0, 1] (illicit-economy terms)
OUT_RATIFIED = 13  # 1 in the month the agreement is ratified (implementation starts; splits are drawn)
OUT_STANDING_DOWN = 14  # 1 while the group stands down (ceasefire in force, implementation, demobilised)
OUT_TYPE = 15  # the group's true type (0 limited, 1 greedy, 2 total): for the group's own decisions (#15)
N_OUT = 16

# ---------------------------------------------------------------------------------------------------------------
# The table's own state between months (one run).
# ---------------------------------------------------------------------------------------------------------------
ST_BELIEF = 0  # 3 columns: the state's belief over (limited, greedy, total)
ST_TRUST_KEPT = 3  # pseudo-months of evidence that the state keeps its word (Beta alpha)
ST_TRUST_BROKEN = 4  # pseudo-months of evidence that it does not (Beta beta)
ST_MONTHS_OPEN = 5  # months since the table opened
ST_MONTHS_SUSPENDED = 6  # months in the current suspension
ST_QUIET = 7  # months since the last attack or violation
ST_POWER_SLOW = 8  # one-year moving average of p (Powell, M5.1)
ST_LOSS_SLOW = 9  # smoothed monthly loss share (the hazard of the group's war economy)
ST_CEASEFIRE = 10  # negotiated ceasefire in force: 0 none, 2 bilateral
ST_REJECTED = 11  # bit mask of veto players that have rejected the agreement once (they are not asked again)
ST_SIGNED_MEMBERS = 12  # members at signing
ST_TYPE = 13  # the group's true type, drawn from the prior when the table opens
ST_BLOCKS = 14  # implementation blocks so far
ST_SUSPEND_PHASE = 15  # the phase a suspended table returns to
ST_OPEN_MONTH = 16  # month the table opened (-1 before)
ST_LAST_OFFER = 17  # the group's value of the last package the state learned from (USD m; nan before)
ST_CAUSE = 18  # what made the state suspend the table (CAUSE_*), kept until it resumes or ends
ST_TO_AGREE = 19  # issues left to agree when the table opened (its agenda's open issues)
ST_AGREED = 20  # of those, issues agreed since (partial agreements: the table's progress, 7.5)
ST_STAGES = 21  # drafting stages completed on the agenda point under negotiation (talks_point_stages, 7.2)
ST_EMPTY_DONE = 22  # bit mask of the points that settle none of the model's issues agreed so far (TB_EMPTY)
N_ST = 23

# ---------------------------------------------------------------------------------------------------------------
# The negotiation audit: one row per group and month (the package itself is a separate (G, K) record).
# ---------------------------------------------------------------------------------------------------------------
AU_PHASE = 0
AU_REASON = 1
AU_WAR_VALUE = 2  # the group's value of war V_war (USD m)
AU_GROUP_OUTSIDE = 3  # its outside option: V_war plus its reservation premium (USD m)
AU_GROUP_VALUE = 4  # its value of the package on the table, trust-discounted (USD m)
AU_STATE_OUTSIDE = 5  # the state's outside option d_S (share of the stake)
AU_STATE_VALUE = 6  # the state's expected value of the package (share of the stake)
AU_BUDGET = 7  # the most the state would concede (weighted cost of concessions it accepts)
AU_BELIEF_LIMITED = 8
AU_BELIEF_GREEDY = 9
AU_BELIEF_TOTAL = 10
AU_TRUST = 11
AU_CEASEFIRE = 12
AU_VETO = 13  # veto player that acted this month (-1 none)
AU_HAZARD = 14  # the commitment hazard of the month (7.5): the chance the table or agreement breaks down
AU_CAUSE = 15  # in the month a table ends, what ended it (CAUSE_* below); 0 otherwise
# Bargaining-power audit (M6.1): the same protocol rerun without concessions. For each counterfactual, the group's
# outside option, the state's and the group's value of the package it gives.
AU_COUNTERFACTUALS = ("none", "arrest_orders_suspended", "extradition_suspended", "bombing_suspended", "zone")
AU_CF = 16
AU_CF_GROUP_OUTSIDE, AU_CF_STATE_OUTSIDE, AU_CF_GROUP_VALUE = range(3)
N_CF_FIELDS = 3
# The group's margin at its table (its value of the package over its outside option, relative to its war value) were it
# limited (AU_MARGIN_TYPES) or greedy (+ 1): what each type would risk by exploiting a ceasefire (7.13)
AU_MARGIN_TYPES = AU_CF + N_CF_FIELDS * len(AU_COUNTERFACTUALS)
# The commitment hazard's terms in log units (commitment.hazard_terms), in this order: what raised or lowered the
# month's hazard above or below its base h_0 (0 in a month the hazard does not apply)
HAZARD_TERMS = ("disarmament", "guarantors", "violence", "power_shift", "shortfall", "progress")
AU_HAZARD_TERMS = AU_MARGIN_TYPES + 2
N_HAZARD_TERMS = len(HAZARD_TERMS)
# The group's outside option were it to walk away (7.5): war once the concessions in force lapse, plus its
# reservation premium; the commitment hazard's shortfall is measured against it (AU_GROUP_OUTSIDE without concessions)
AU_WALKAWAY = AU_HAZARD_TERMS + N_HAZARD_TERMS
# The major attacks by the group the state saw this month: the scenario's dated ones and those drawn (7.4)
AU_ATTACKS = AU_WALKAWAY + 1
# The factor a nearing deadline multiplied the month's drafting pace by (7.2; 1 the usual pace, 0 in a month the
# table did not draft: not both sides accepted, it opened or resumed, or it is past bargaining)
AU_HURRY = AU_ATTACKS + 1
N_AU = AU_HURRY + 1

# What ended a table (AU_CAUSE; the codes of the pattern catalogue's `breakdown_reason`, validation/statistics.py)
CAUSE_NONE, CAUSE_ATTACK, CAUSE_VIOLATION, CAUSE_STATE, CAUSE_GROUP, CAUSE_SPOILER = range(6)

# Uniform draws per group and month, in the order the step consumes them.
U_ADVANCE = 0
U_BREAKDOWN = 1
U_TYPE = 2
U_RATIFY = 3  # one per veto player
U_BLOCK = 7  # one per veto player
N_U = 11
