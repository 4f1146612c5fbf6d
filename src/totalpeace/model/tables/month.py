"""The tables' month for one run: open, bargain, learn, decide, ratify, implement, and write the audit.

For every group slot, in the order of section 3 of docs/model.md (step "Negotiation"):

1. the true type of each group is drawn once, in the first month, from the prior whose mode is its spoiler label;
2. the month's major attacks: the scenario's dated ones and, from `policy.draw_attacks_from`, those a group at an open
   table outside a ceasefire commits at its own type's rate (beliefs.drawn_attacks); a table opens on its date when
   the group exists and is willing (in phased mode only once the tables before it are resolved); the state's belief
   starts at the prior and the group's trust at the guarantors' level;
3. the concessions in force: the scenario's, withdrawn in a month the group attacks when the table is conditional,
   lapsed once the table has ended;
4. both sides' outside options and values (values.py) and, at a bargaining table, the package on the table from the
   selected protocol (protocol.py, bdm.py) under the state's *perceived* outside option of the group;
5. each side accepts only a package worth at least its outside option (the group against its true type's);
6. the state updates its belief on the group's response and on attacks, violations and attacks on other tables
   (beliefs.py); the group updates its trust on what is implemented;
7. the state's conduct: it ends a table when it comes to believe the group is a total spoiler or at its deadline,
   suspends it after an attack while it suspects one, resumes it after quiet months, ends it after a long suspension;
8. progress when both accept: exploration turns into formal talks, agenda points are agreed one after another
   (partial agreements), the last one signs the final agreement; the ceasefire issue, once agreed, brings a bilateral
   ceasefire while the state believes the group limited;
9. the commitment hazard (Walter, Powell; commitment.py) can break any open table or agreement;
10. ratification by the veto players the scenario names (a rejection sends the package back with the objections met),
    implementation with veto players that can block part of it (a broken promise);
11. outputs for the battlefield (effects.py) and the audit, including the bargaining-power audit: the same protocol
    rerun without all concessions and without each kind in turn (M6.1).
"""

from __future__ import annotations

import math

import numba
import numpy as np
from numba import literal_unroll

from totalpeace.model import strength
from totalpeace.model.tables import beliefs, effects, protocol, values, veto
from totalpeace.model.tables.bdm import bdm_package, present_count
from totalpeace.model.tables.commitment import agenda_progress, hazard_from_terms, hazard_terms, powell_shift
from totalpeace.model.tables.issues import (
    ALTERNATING,
    BDM,
    CEASEFIRE,
    COMPROMISE,
    GREEDY,
    GROUP,
    GUARANTORS,
    HOST,
    LIMITED,
    N_ACTORS,
    N_TYPES,
    N_VETO,
    NASH,
    STATE,
    TOTAL,
    Phase,
)
from totalpeace.model.tables.layout import (
    AU_ATTACKS,
    AU_BELIEF_GREEDY,
    AU_BELIEF_LIMITED,
    AU_BELIEF_TOTAL,
    AU_BUDGET,
    AU_CAUSE,
    AU_CEASEFIRE,
    AU_CF,
    AU_CF_GROUP_OUTSIDE,
    AU_CF_GROUP_VALUE,
    AU_CF_STATE_OUTSIDE,
    AU_COUNTERFACTUALS,
    AU_GROUP_OUTSIDE,
    AU_GROUP_VALUE,
    AU_HAZARD,
    AU_HAZARD_TERMS,
    AU_HURRY,
    AU_MARGIN_TYPES,
    AU_PHASE,
    AU_REASON,
    AU_STATE_OUTSIDE,
    AU_STATE_VALUE,
    AU_TRUST,
    AU_VETO,
    AU_WALKAWAY,
    AU_WAR_VALUE,
    CAUSE_ATTACK,
    CAUSE_GROUP,
    CAUSE_SPOILER,
    CAUSE_STATE,
    CAUSE_VIOLATION,
    IN_ALIVE,
    IN_ARMED,
    IN_ARREST,
    IN_ATTACK_DRAW,
    IN_ATTACKED,
    IN_ATTACKS,
    IN_ATTACKS_ON_TABLES,
    IN_BOMBING,
    IN_COHESION,
    IN_DRUG_SHARE,
    IN_EX_KILLED,
    IN_EXTRADITION,
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
    N_AU,
    N_CF_FIELDS,
    N_HAZARD_TERMS,
    NAT_COHESION,
    NAT_LEGITIMACY,
    NAT_POLITICAL_COST,
    OUT_ARREST,
    OUT_BOMBING,
    OUT_CEASEFIRE,
    OUT_CONCENTRATION,
    OUT_DDR_RATE,
    OUT_EXTRADITION,
    OUT_PHASE,
    OUT_PROTECTION,
    OUT_RATIFIED,
    OUT_SPLIT_PROBABILITY,
    OUT_SPLIT_SHARE,
    OUT_STANDING_DOWN,
    OUT_SUBSTITUTION,
    OUT_TYPE,
    OUT_VERIFICATION,
    OUT_ZONE,
    ST_AGREED,
    ST_BELIEF,
    ST_BLOCKS,
    ST_CAUSE,
    ST_CEASEFIRE,
    ST_EMPTY_DONE,
    ST_LAST_OFFER,
    ST_LOSS_SLOW,
    ST_MONTHS_OPEN,
    ST_MONTHS_SUSPENDED,
    ST_OPEN_MONTH,
    ST_POWER_SLOW,
    ST_QUIET,
    ST_REJECTED,
    ST_SIGNED_MEMBERS,
    ST_STAGES,
    ST_SUSPEND_PHASE,
    ST_TO_AGREE,
    ST_TRUST_BROKEN,
    ST_TRUST_KEPT,
    ST_TYPE,
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
    U_ADVANCE,
    U_BLOCK,
    U_BREAKDOWN,
    U_RATIFY,
    U_TYPE,
)
from totalpeace.model.tables.reasons import Reason

NONE = int(Phase.NONE)
EXPLORATION = int(Phase.EXPLORATION)
FORMAL = int(Phase.FORMAL_TALKS)
PARTIAL = int(Phase.PARTIAL_AGREEMENTS)
FINAL = int(Phase.FINAL_AGREEMENT)
IMPLEMENTATION = int(Phase.IMPLEMENTATION)
DEMOBILIZED = int(Phase.DEMOBILIZED)
BROKEN = int(Phase.BROKEN_DOWN)
SUSPENDED = int(Phase.SUSPENDED)
SMOOTHING = 1.0 / 12.0  # weight of this month in the one-year moving averages of p and of the loss share
N_KINDS = 4  # concession kinds: arrest orders, extradition, bombing, zone
R_ADVANCED = int(Reason.ADVANCED)
R_BARGAINING = int(Reason.BARGAINING)
R_BROKE_DOWN = int(Reason.BROKE_DOWN)
R_DEMOBILIZED = int(Reason.DEMOBILIZED)
R_ENDED = int(Reason.ENDED)
R_ENDED_DEADLINE = int(Reason.ENDED_DEADLINE)
R_ENDED_POLITICS = int(Reason.ENDED_POLITICS)
R_ENDED_SPOILER = int(Reason.ENDED_SPOILER)
R_ENDED_STALLED = int(Reason.ENDED_STALLED)
R_ENDED_SUSPENSION = int(Reason.ENDED_SUSPENSION)
R_EXPLORING = int(Reason.EXPLORING)
R_GROUP_GONE = int(Reason.GROUP_GONE)
R_GROUP_OUTSIDE_OPTION = int(Reason.GROUP_OUTSIDE_OPTION)
R_GROUP_REJECTS = int(Reason.GROUP_REJECTS)
R_IMPLEMENTATION_BLOCKED = int(Reason.IMPLEMENTATION_BLOCKED)
R_IMPLEMENTING = int(Reason.IMPLEMENTING)
R_NO_OVERLAP = int(Reason.NO_OVERLAP)
R_NO_TABLE = int(Reason.NO_TABLE)
R_OPENED = int(Reason.OPENED)
R_RATIFICATION_REJECTED = int(Reason.RATIFICATION_REJECTED)
R_RATIFIED = int(Reason.RATIFIED)
R_RESUMED = int(Reason.RESUMED)
R_SIGNED = int(Reason.SIGNED)
R_STATE_OUTSIDE_OPTION = int(Reason.STATE_OUTSIDE_OPTION)
R_STATE_REJECTS = int(Reason.STATE_REJECTS)
R_SUSPENDED = int(Reason.SUSPENDED)
R_SUSPENDED_ATTACK = int(Reason.SUSPENDED_ATTACK)
R_WAITING = int(Reason.WAITING)


@numba.njit(cache=True)
def bargaining(phase: int) -> bool:
    """Phases in which the sides bargain over the package."""
    return phase in (EXPLORATION, FORMAL, PARTIAL)


@numba.njit(cache=True)
def deal_at_stake(phase: int) -> bool:
    """Phases in which a group has a deal to lose by its own violence: the sides bargain, the text is signed and
    awaits ratification, or the agreement is being implemented. A suspended or ended table has none."""
    return bargaining(phase) or phase in (FINAL, IMPLEMENTATION)


@numba.njit(cache=True)
def unresolved(phase: int) -> bool:
    """An open table that has not yet ended in implementation or breakdown."""
    return bargaining(phase) or phase in (SUSPENDED, FINAL)


@numba.njit(cache=True)
def months_to_deadline(static: np.ndarray, months_open: float, month: int) -> float:
    """Months left before a table's deadline (infinite without one): to `months_open` reaching `deadline_months`
    after the opening, or to the calendar month (`deadline`, a month index from the scenario's start), whichever the
    scenario gave."""
    left = np.inf
    if static[TB_DEADLINE] > 0:
        left = static[TB_DEADLINE] - months_open
    if static[TB_DEADLINE_MONTH] >= 0:
        left = min(left, static[TB_DEADLINE_MONTH] - month)
    return left


@numba.njit(cache=True)
def past_deadline(static: np.ndarray, months_open: float, month: int) -> bool:
    """Whether a table's binding deadline has come (`months_to_deadline` is zero or less): the state ends the table.
    A target the sides set themselves (`deadline_binding` false) ends nothing."""
    return static[TB_DEADLINE_BINDING] > 0.0 and months_to_deadline(static, months_open, month) <= 0.0


@numba.njit(cache=True)
def months_to_known_deadline(static: np.ndarray, months_open: float, month: int) -> float:
    """Months left before a deadline the sides know of, the one the drafting hurries toward: infinite without a
    deadline, before the month it is announced (`deadline_announced`; from the opening by default) and once a target
    that ends nothing has passed."""
    if month < static[TB_DEADLINE_KNOWN]:
        return np.inf
    left = months_to_deadline(static, months_open, month)
    return left if left > 0.0 else np.inf


@numba.njit(cache=True)
def drafting_months(remaining: float, parallel: float, exploring: bool, phase_months: float) -> float:
    """The months of work a table has left at the usual pace (7.2): the exploratory phase's `talks_phase_months`
    while it lasts, then each open point `talks_phase_months / min(parallel, points still open)`, the points being
    agreed `parallel` at a time (the stages already completed on the point under negotiation are not subtracted)."""
    work = phase_months if exploring else 0.0
    k = remaining
    while k >= 1.0:
        work += phase_months / min(parallel, k)
        k -= 1.0
    return work


@numba.njit(cache=True)
def deadline_hurry(work_left: float, months_left: float, pressure: float) -> float:
    """How much faster both sides draft as a deadline nears (the deadline effect: agreements cluster just before
    it, Roth, Murnighan & Schoumaker 1988; time pressure raises concession rates, Carnevale & Lawler 1986): the pace
    times (W / M)^gamma when the work left at the usual pace, W months, exceeds the M months left, and 1 otherwise
    or without a deadline. gamma (`deadline_pressure`) 0: nothing anticipates a deadline; 1: the sides keep, month
    after month, the pace that would finish the work left by the deadline, catching up when they fall behind (at
    most a drafting stage a month). Only months in which both accept the package count, so a deadline hurries a
    table with a deal in reach and cannot make one."""
    if pressure <= 0.0 or months_left == np.inf or work_left <= months_left:
        return 1.0
    return (work_left / max(months_left, 1.0)) ** pressure


# Each actor's utility form for the solvers (protocol.py): the two signatories linear, the mediators quadratic. A
# global array is a constant of the compiled code: no array is allocated for it every month.
KINDS = np.array([protocol.LINEAR, protocol.LINEAR, protocol.QUADRATIC, protocol.QUADRATIC])


@numba.njit(cache=True)
def initial_state(st: np.ndarray, phase: np.ndarray) -> None:
    """A run's tables before the first month: no table, type not drawn."""
    st[:] = 0.0
    for g in range(st.shape[0]):
        st[g, ST_TYPE] = -1.0
        st[g, ST_OPEN_MONTH] = -1.0
        st[g, ST_LAST_OFFER] = np.nan
        phase[g] = NONE


@numba.njit(cache=True)
def _ready(month: int, phased: bool, order: np.ndarray, static: np.ndarray, phase: np.ndarray,
           eligible: np.ndarray, queued: np.ndarray) -> np.ndarray:
    """Tables that may open this month (Sebenius' sequencing in phased mode: only after every table before it in
    the order is resolved). `eligible`: the group comes this month; `queued`: it declared itself willing, so it keeps
    its place in the order while it hesitates (model/choices.py); a group that is neither never blocks the ones after
    it."""
    G = phase.shape[0]
    due = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        due[g] = phase[g] == NONE and static[g, TB_START] >= 0 and month >= static[g, TB_START] and eligible[g]
    if not phased or order.shape[0] == 0:
        return due
    ready = np.zeros(G, dtype=np.bool_)
    blocked = False
    for g in order:
        ready[g] = due[g] and not blocked
        waiting = phase[g] == NONE and static[g, TB_START] >= 0 and (eligible[g] or queued[g])
        blocked = blocked or unresolved(phase[g]) or due[g] or waiting
    return ready


@numba.njit(cache=True)
def _group_linear(members: float, loss: float, stake: float, drug: float, political: float, trust_now: float,
                  weights: np.ndarray, agenda: np.ndarray, b: np.ndarray, lin: np.ndarray, p) -> float:
    """The group's utility of a package as const + lin . x (USD m): V_0 plus the trust-discounted issue values."""
    values.issue_values(members, loss, stake, drug, political, weights, b, p)
    credible = values.credibility(trust_now, p)
    for k in range(b.shape[0]):
        lin[k] = credible * b[k] if agenda[k] > 0 else 0.0
    return values.base_peace_value(members, p)


@numba.njit(cache=True)
def _war(inp: np.ndarray, g: int, loss: float, power: float, conc: np.ndarray, p) -> float:
    """V_war with the given concessions in force (conc: arrest, extradition, bombing, zone flags)."""
    pressure = inp[g, IN_PRESSURE] * (1.0 - p.bombing_share_of_attrition * conc[2])
    return values.war_value(inp[g, IN_RENT], inp[g, IN_ARMED], loss, power, pressure, inp[g, IN_SANCTUARY],
                            inp[g, IN_DRUG_SHARE], inp[g, IN_STAKE], p.concession_shield * conc[0],
                            p.concession_shield * conc[1], inp[g, IN_TREND], p)


@numba.njit(cache=True)
def _power_without(inp: np.ndarray, g: int, power: float, conc: np.ndarray, conc_cf: np.ndarray) -> float:
    """The group's power p with only the concessions `conc_cf` in force: without a zone, the power it would have had
    without it."""
    return inp[g, IN_POWER_NO_ZONE] if conc_cf[3] < conc[3] else power


@numba.njit(cache=True)
def _war_without(inp: np.ndarray, g: int, loss: float, power: float, conc: np.ndarray, conc_cf: np.ndarray,
                 p) -> float:
    """V_war with only the concessions `conc_cf` in force instead of `conc`: without a zone the group's power is the
    one it would have had without it, and without suspended bombing the state's attrition is undiminished."""
    power_cf = _power_without(inp, g, power, conc, conc_cf)
    loss_cf = loss
    if conc_cf[2] < conc[2]:
        loss_cf = loss + inp[g, IN_LOSS_STATE] * p.bombing_share_of_attrition / max(
            1.0 - p.bombing_share_of_attrition, 1e-9)
    return _war(inp, g, loss_cf, power_cf, conc_cf, p)


@numba.njit(cache=True)
def _outside(v_war: float, kind: int, n_conc: float, other_open: float, p) -> float:
    return v_war + values.reservation(v_war, kind, n_conc, other_open, p)


@numba.njit(cache=True)
def _solve(engine: int, months_open: float, lo: np.ndarray, hi: np.ndarray, kind: np.ndarray, const: np.ndarray,
           lin: np.ndarray, pos: np.ndarray, sal: np.ndarray, d: np.ndarray, w: np.ndarray, guarantee: float,
           x: np.ndarray, work: np.ndarray, iwork: np.ndarray, p) -> int:
    """The Nash or alternating-offers package under these outside options (x comes in as last month's package, the
    Nash protocol's warm start)."""
    if engine == ALTERNATING:
        q = min(1.0, p.breakdown_hazard_base * math.exp(-p.guarantor_effect * guarantee))
        patience = np.empty(kind.shape[0])
        for a in range(kind.shape[0]):
            patience[a] = (p.state_discount_factor if a == STATE else p.discount_factor) * (1.0 - q)
        proposer = STATE if int(months_open) % 2 == 0 else GROUP
        return protocol.alternating_offers(lo, hi, kind, const, lin, d, patience, proposer, x, work, iwork)
    return protocol.nash_package_work(lo, hi, kind, const, lin, pos, sal, d, w, x, work, iwork, True)


@numba.njit(cache=True)
def _stakeholders(g: int, inp: np.ndarray, nat: np.ndarray, cost: np.ndarray, b: np.ndarray, stake_sal: np.ndarray,
                  ratify: np.ndarray, veto_par: np.ndarray, veto_sal: np.ndarray, cap_s: np.ndarray,
                  sal_s: np.ndarray, p) -> None:
    """Capabilities and saliences of the BDM / compromise stakeholders: the state, the group, the guarantors, the
    host and the veto players that ratify this table's agreement."""
    K = b.shape[0]
    power = inp[g, IN_POWER]
    cap_s[STATE] = max((1.0 - power) * (1.0 + nat[NAT_LEGITIMACY]), 0.0)
    cap_s[GROUP] = max(power, 0.0)
    cap_s[GUARANTORS] = max(inp[g, IN_GUARANTEE], 0.0)
    cap_s[HOST] = max(inp[g, IN_HOST], 0.0)
    top_cost, top_b = 0.0, 0.0
    for k in range(K):
        top_cost = max(top_cost, cost[g, k])
        top_b = max(top_b, b[k])
    for k in range(K):
        sal_s[STATE, k] = p.salience_state * cost[g, k] / top_cost if top_cost > 0 else 0.0
        sal_s[GROUP, k] = p.salience_group * b[k] / top_b if top_b > 0 else 0.0
        sal_s[GUARANTORS, k] = min(1.0, p.salience_guarantors * stake_sal[g, 0, k])
        sal_s[HOST, k] = min(1.0, p.salience_host * stake_sal[g, 1, k])
    for v in range(N_VETO):
        cap_s[N_ACTORS + v] = veto_par[v, veto.VP_CAPABILITY] if ratify[g, v] > 0 else 0.0
        for k in range(K):
            sal_s[N_ACTORS + v, k] = min(1.0, veto_sal[v, k])


@numba.njit(cache=True)
def month_work(n_issues: int, n_stakeholders: int, n_territories: int) -> tuple:
    """The work arrays of `tables_month` (its actors' utility terms, the stakeholders' positions, the solvers'
    workspace): allocated once per run by the engine, cleared every month (allocating them every month cost more
    than the arithmetic of a quiet month)."""
    K, S = n_issues, n_stakeholders
    work, iwork = protocol.workspace(K, N_ACTORS)
    return (np.zeros(N_ACTORS), np.zeros((N_ACTORS, K)), np.zeros((N_ACTORS, K)), np.zeros((N_ACTORS, K)),
            np.zeros(N_ACTORS), np.zeros(N_ACTORS), np.zeros(K), np.zeros(K), np.zeros(K), np.zeros(K), np.zeros(K),
            np.zeros(S), np.zeros((S, K)), np.zeros((S, K)), np.zeros(N_KINDS), np.zeros(N_KINDS),
            np.zeros(N_TYPES), np.zeros(N_TYPES), np.zeros(N_TYPES), np.zeros(n_territories), work, iwork,
            np.zeros(N_ACTORS), np.zeros(N_ACTORS), np.zeros((N_ACTORS, K)))


@numba.njit(cache=True)
def point_stages(stages: float, months_per_point: float) -> float:
    """Drafting stages an agenda point passes through: `talks_point_stages`' whole part, at most the whole months a
    point takes on average (`talks_phase_months / P`, so that a stage is at most one a month), at least one. Each is
    completed with probability `stages / months_per_point` a month both sides accept, so a point takes
    `months_per_point` months on average whatever the stages, and more stages make that time less dispersed (one
    stage is the memoryless pace, a coefficient of variation near one)."""
    return max(1.0, min(math.floor(stages), math.floor(months_per_point)))


@numba.njit(cache=True)
def open_points(points: np.ndarray, closed: np.ndarray, empty: float, done: float) -> tuple[int, float]:
    """The agenda points (Agenda.agenda: each issue's point, 0 off the agenda) with an issue still open, and the
    next of them (the lowest; 0 if none): a table agrees its points in order, each point's issues together. The
    points that settle none of the model's issues (bit mask `empty`, TB_EMPTY) count until agreed (bit mask `done`,
    ST_EMPTY_DONE)."""
    remaining, following = 0, 0.0
    pending, n = int(empty) & ~int(done), 1
    while pending:
        if pending & 1:
            remaining += 1
            if following == 0.0 or n < following:
                following = float(n)
        pending >>= 1
        n += 1
    for k in range(points.shape[0]):
        if closed[k] != 0:
            continue
        new = True
        for j in range(k):
            if closed[j] == 0 and points[j] == points[k]:
                new = False
                break
        if new:
            remaining += 1
            if following == 0.0 or points[k] < following:
                following = points[k]
    return remaining, following


@numba.njit(cache=True)
def point_count(mask: float) -> float:
    """How many points a bit mask of agenda points (TB_EMPTY) holds."""
    bits, count = int(mask), 0
    while bits:
        count += bits & 1
        bits >>= 1
    return float(count)


@numba.njit(cache=True)
def clear_work(scratch: tuple) -> None:
    """Every array of `month_work` to zero."""
    for a in literal_unroll(scratch):
        a.fill(0)


@numba.njit(cache=True)
def tables_month(month: int, engine: int, phased: bool, order: np.ndarray, p, static: np.ndarray, lo: np.ndarray,
                 hi: np.ndarray, agenda: np.ndarray, cost: np.ndarray, weights: np.ndarray, stake_pos: np.ndarray,
                 stake_sal: np.ndarray, ratify: np.ndarray, veto_par: np.ndarray, veto_sal: np.ndarray,
                 phase: np.ndarray, st: np.ndarray, x: np.ndarray, closed: np.ndarray, cap: np.ndarray,
                 bdm_pos: np.ndarray, inp: np.ndarray, nat: np.ndarray, members_gt: np.ndarray,
                 sched_zone: np.ndarray, u: np.ndarray, out: np.ndarray, zones: np.ndarray, audit: np.ndarray,
                 audit_x: np.ndarray, scratch: tuple | None = None) -> None:
    """Advance every table of one run by one month (state arrays updated in place; outputs and audit written).
    `scratch` is `month_work`'s arrays, which the engine allocates once per run (allocated here when not given)."""
    G, K = x.shape
    S = bdm_pos.shape[1]
    # The true types, once.
    belief = np.empty(N_TYPES)
    for g in range(G):
        if st[g, ST_TYPE] < 0:
            for t in range(N_TYPES):
                belief[t] = static[g, TB_PRIOR + t]
            st[g, ST_TYPE] = beliefs.draw_type(belief, u[g, U_TYPE], static[g, TB_EXPLORED] > 0)
    n_open = 0
    eligible = np.zeros(G, dtype=np.bool_)
    queued = np.zeros(G, dtype=np.bool_)
    for g in range(G):
        if bargaining(phase[g]):
            n_open += 1
        eligible[g] = inp[g, IN_ALIVE] > 0 and inp[g, IN_WILLING] >= 1.0
        queued[g] = inp[g, IN_ALIVE] > 0 and inp[g, IN_WILLING] > 0
    ready = _ready(month, phased, order, static, phase, eligible, queued)

    kind = KINDS
    if scratch is None:
        scratch = month_work(K, S, zones.shape[1])
    clear_work(scratch)  # every month starts from zeros, as from fresh arrays
    (const, lin, pos, sal, d, w, b, lo_eff, hi_eff, x_new, x_cf, cap_s, sal_s, weight_s, conc, conc_cf, loglik,
     outside_types, rates, zone_row, work, iwork, d_cf, const_cf, lin_cf) = scratch

    for g in range(G):
        for c in range(out.shape[1]):
            out[g, c] = 0.0
        for c in range(N_AU):
            audit[g, c] = 0.0
        audit[g, AU_VETO] = -1.0
        out[g, OUT_TYPE] = st[g, ST_TYPE]
        ph = phase[g]
        reason = R_NO_TABLE
        just_opened = False
        has_table = static[g, TB_START] >= 0
        alive = inp[g, IN_ALIVE] > 0
        violations = inp[g, IN_VIOLATIONS] + inp[g, IN_VIOLATIONS_SEEN]  # scheduled, and seen of its own conduct
        # major attacks: the scenario's dated ones and, from the month the scenario draws them, those the group's own
        # type commits at an open table outside a ceasefire (beliefs.drawn_attacks)
        attacks = inp[g, IN_ATTACKS]
        if (static[g, TB_DRAW_FROM] >= 0 and month >= static[g, TB_DRAW_FROM] and unresolved(ph)
                and st[g, ST_CEASEFIRE] == 0 and inp[g, IN_SCHEDULED_CEASEFIRE] == 0):
            beliefs.spoiling_rates(p, rates)
            attacks += beliefs.drawn_attacks(rates[int(st[g, ST_TYPE])], inp[g, IN_ATTACK_DRAW])
        audit[g, AU_ATTACKS] = attacks
        hostile = attacks + violations + inp[g, IN_ATTACKS_ON_TABLES]

        # --- opening
        if has_table and ph == NONE:
            reason = R_WAITING
            if ready[g]:
                ph = FORMAL if static[g, TB_EXPLORED] > 0 else EXPLORATION
                reason = R_OPENED
                just_opened = True
                for t in range(N_TYPES):
                    st[g, ST_BELIEF + t] = static[g, TB_PRIOR + t]
                st[g, ST_TRUST_KEPT], st[g, ST_TRUST_BROKEN] = beliefs.trust_prior(inp[g, IN_GUARANTEE], p)
                st[g, ST_MONTHS_OPEN] = 0.0
                st[g, ST_POWER_SLOW] = inp[g, IN_POWER]
                st[g, ST_LOSS_SLOW] = inp[g, IN_LOSS_STATE] + inp[g, IN_LOSS_RIVALS]
                st[g, ST_OPEN_MONTH] = month
                st[g, ST_AGREED] = 0.0
                st[g, ST_TO_AGREE] = point_count(static[g, TB_EMPTY])  # each point without a model issue counts one
                st[g, ST_STAGES] = 0.0
                st[g, ST_EMPTY_DONE] = 0.0
                for k in range(K):
                    x[g, k] = lo[g, k]
                    cap[g, k] = hi[g, k]
                    closed[g, k] = 0.0 if (agenda[g, k] > 0 and hi[g, k] > lo[g, k]) else 1.0
                    st[g, ST_TO_AGREE] += 1.0 - closed[g, k]
                for k in range(K):
                    bdm_pos[g, STATE, k] = lo[g, k]
                    bdm_pos[g, GROUP, k] = hi[g, k]
                    bdm_pos[g, GUARANTORS, k] = stake_pos[g, 0, k]
                    bdm_pos[g, HOST, k] = stake_pos[g, 1, k]
                    for v in range(N_VETO):
                        bdm_pos[g, N_ACTORS + v, k] = lo[g, k]
        elif has_table and (ph in (BROKEN, DEMOBILIZED)):
            reason = R_ENDED if ph == BROKEN else R_DEMOBILIZED
        if has_table and ph != NONE and ph != BROKEN and ph != DEMOBILIZED and not alive:
            reason = R_GROUP_GONE if ph != IMPLEMENTATION else R_DEMOBILIZED
            ph = BROKEN if ph != IMPLEMENTATION else DEMOBILIZED

        open_now = has_table and ph != NONE and ph != BROKEN and ph != DEMOBILIZED
        # --- concessions in force (scheduled, withdrawn when conditional and the group attacks, lapsed at the end)
        conditional_cut = static[g, TB_CONDITIONAL] > 0 and hostile > 0
        lapsed = has_table and ph == BROKEN
        conc[0] = inp[g, IN_ARREST]
        conc[1] = inp[g, IN_EXTRADITION]
        conc[2] = inp[g, IN_BOMBING]
        conc[3] = inp[g, IN_ZONE]
        if lapsed or conditional_cut:
            for c in range(N_KINDS):
                conc[c] = 0.0
        n_conc = conc[0] + conc[1] + conc[2] + conc[3]

        if open_now:
            st[g, ST_MONTHS_OPEN] += 0.0 if just_opened else 1.0
            loss_now = inp[g, IN_LOSS_STATE] + inp[g, IN_LOSS_RIVALS]
            st[g, ST_LOSS_SLOW] = (1.0 - SMOOTHING) * st[g, ST_LOSS_SLOW] + SMOOTHING * loss_now
            st[g, ST_QUIET] = 0.0 if hostile > 0 else st[g, ST_QUIET] + 1.0
            loss = st[g, ST_LOSS_SLOW]
            power = inp[g, IN_POWER]
            true_type = int(st[g, ST_TYPE])
            for t in range(N_TYPES):
                belief[t] = st[g, ST_BELIEF + t]
            trust_now = values.trust(st[g, ST_TRUST_KEPT], st[g, ST_TRUST_BROKEN])
            other_open = n_open - (1 if bargaining(ph) else 0)

            # --- values and outside options
            v_war = _war(inp, g, loss, power, conc, p)
            const[GROUP] = _group_linear(inp[g, IN_MEMBERS], loss, inp[g, IN_STAKE], inp[g, IN_DRUG_SHARE],
                                         static[g, TB_POLITICAL], trust_now, weights[g], agenda[g], b, lin[GROUP], p)
            d_true = _outside(v_war, true_type, n_conc, other_open, p)
            d_walk, v_walk = d_true, v_war  # walking away: the same unless concessions are in force (below)
            d_seen = v_war + values.perceived_reservation(v_war, belief, n_conc, other_open, p)
            d_state = values.state_outside_option(power, nat[NAT_COHESION], nat[NAT_POLITICAL_COST], p)
            honour = values.honour_probability(belief, p)
            const[STATE] = values.state_linear_utility(honour, d_state, lo[g], cost[g], agenda[g], lin[STATE], p)
            for k in range(K):
                pos[GUARANTORS, k] = stake_pos[g, 0, k]
                pos[HOST, k] = stake_pos[g, 1, k]
                sal[GUARANTORS, k] = stake_sal[g, 0, k]
                sal[HOST, k] = stake_sal[g, 1, k]
                locked = closed[g, k] > 0
                lo_eff[k] = x[g, k] if locked else lo[g, k]
                hi_eff[k] = x[g, k] if locked else max(min(cap[g, k], hi[g, k]), lo[g, k])
            d[STATE], d[GROUP], d[GUARANTORS], d[HOST] = d_state, d_seen, -1.0, -1.0
            w[STATE], w[GROUP] = 1.0, 1.0
            w[GUARANTORS] = p.salience_guarantors * inp[g, IN_GUARANTEE]
            w[HOST] = p.salience_host * inp[g, IN_HOST]
            state_budget = const[STATE] - d_state
            for k in range(K):
                state_budget += lin[STATE, k] * lo_eff[k]
            audit[g, AU_BUDGET] = max(state_budget, 0.0)
            # what the state sees of a deal: the best package it may offer against the group's outside option as it
            # perceives it (its belief about the type), and its own budget for concessions
            best_for_group = const[GROUP]
            for k in range(K):
                best_for_group += lin[GROUP, k] * (hi_eff[k] if lin[GROUP, k] > 0 else lo_eff[k])
            sees_deal = state_budget > 0 and values.accepts(best_for_group, d_seen)
            # what it pays to keep the table: concessions in force (a zone, suspended operations or arrest orders) are
            # worth their cost only while a deal is in sight (the Caguán, ended with its zone in February 2002)
            paying_for_nothing = n_conc > 0 and not sees_deal

            # --- the package on the table
            if bargaining(ph):
                status = protocol.INFEASIBLE
                use_forecast = engine in (BDM, COMPROMISE)
                if use_forecast:
                    _stakeholders(g, inp, nat, cost, b, stake_sal, ratify, veto_par, veto_sal, cap_s, sal_s, p)
                    if present_count(cap_s) < 3:
                        use_forecast = False
                if use_forecast and engine == BDM:
                    for k in range(K):
                        x_new[k] = x[g, k]
                    bdm_package(bdm_pos[g], cap_s, sal_s, int(p.bdm_rounds_per_month), p.bdm_status_quo_q,
                                lo_eff, hi_eff, closed[g], x_new)
                elif use_forecast:
                    for s in range(S):
                        for k in range(K):
                            weight_s[s, k] = cap_s[s] * sal_s[s, k]
                    opening = np.empty((S, K))
                    for k in range(K):
                        opening[STATE, k] = lo[g, k]
                        opening[GROUP, k] = hi[g, k]
                        opening[GUARANTORS, k] = stake_pos[g, 0, k]
                        opening[HOST, k] = stake_pos[g, 1, k]
                        for v in range(N_VETO):
                            opening[N_ACTORS + v, k] = lo[g, k]
                    protocol.compromise_package(lo_eff, hi_eff, opening, weight_s, x_new)
                else:
                    for k in range(K):
                        x_new[k] = x[g, k]
                    status = _solve(engine, st[g, ST_MONTHS_OPEN], lo_eff, hi_eff, kind, const, lin, pos, sal, d, w,
                                    inp[g, IN_GUARANTEE], x_new, work, iwork, p)
                for k in range(K):
                    x[g, k] = x_new[k]
                group_value = values.linear_value(const[GROUP], lin[GROUP], x[g])
                state_value = values.linear_value(const[STATE], lin[STATE], x[g])
                group_yes = true_type != TOTAL and values.accepts(group_value, d_true)
                state_yes = values.accepts(state_value, d_state)
                # Why not, when not: the state concedes nothing; nothing it may concede is enough; or the overlap.
                if group_yes and state_yes:
                    reason = R_BARGAINING if ph != EXPLORATION else R_EXPLORING
                elif state_budget <= 0:
                    reason = R_STATE_OUTSIDE_OPTION
                elif not values.accepts(best_for_group, d_true):
                    reason = R_GROUP_OUTSIDE_OPTION
                elif not state_yes:
                    reason = R_STATE_REJECTS
                elif status == protocol.INFEASIBLE and not use_forecast:
                    reason = R_NO_OVERLAP
                else:
                    reason = R_GROUP_REJECTS
                # Bayes on the response, only to an offer that differs from the last one it learned from: the same
                # refusal repeated says nothing new about the group's type
                last = st[g, ST_LAST_OFFER]
                if not np.isfinite(last) or abs(group_value - last) > p.offer_novelty * max(abs(v_war), 1e-9):
                    st[g, ST_LAST_OFFER] = group_value
                    for t in range(N_TYPES):
                        loglik[t] = 0.0
                    outside_types[LIMITED] = _outside(v_war, LIMITED, n_conc, other_open, p)
                    outside_types[GREEDY] = _outside(v_war, GREEDY, n_conc, other_open, p)
                    outside_types[TOTAL] = np.inf
                    beliefs.response_loglik(group_yes, group_value, outside_types, abs(v_war), p, loglik)
                    beliefs.bayes(belief, loglik)
            else:
                group_value = values.linear_value(const[GROUP], lin[GROUP], x[g])
                state_value = values.linear_value(const[STATE], lin[STATE], x[g])
                group_yes = true_type != TOTAL and values.accepts(group_value, d_true)
                state_yes = values.accepts(state_value, d_state)

            # --- Bayes on attacks, violations, attacks on other tables and misattributed violence (Kydd-Walter)
            for t in range(N_TYPES):
                loglik[t] = 0.0
            beliefs.spoiling_rates(p, rates)
            beliefs.count_loglik(attacks + inp[g, IN_ATTACKS_ON_TABLES]
                                 + p.misattribution * inp[g, IN_ATTACKED], rates, loglik)
            in_ceasefire = st[g, ST_CEASEFIRE] > 0 or inp[g, IN_SCHEDULED_CEASEFIRE] > 0
            if in_ceasefire:
                beliefs.violation_rates(p, rates)
                beliefs.count_loglik(inp[g, IN_VIOLATIONS], rates, loglik)
            # what it saw of the group's own conduct in last month's ceasefire, against what each type would have
            # done in its place (choices.violation_chances)
            for t in range(N_TYPES):
                rates[t] = inp[g, IN_VIOLATION_CHANCE + t]
            if rates[LIMITED] + rates[GREEDY] + rates[TOTAL] > 0:
                beliefs.event_loglik(inp[g, IN_VIOLATIONS_SEEN] > 0, rates, loglik)
            beliefs.bayes(belief, loglik)
            for t in range(N_TYPES):
                st[g, ST_BELIEF + t] = belief[t]

            # --- the state's conduct (and what moved it: the month's own attacks, violations, or attacks suffered)
            ended = False
            trigger = CAUSE_STATE
            if attacks + inp[g, IN_ATTACKS_ON_TABLES] > 0:
                trigger = CAUSE_ATTACK
            elif violations > 0:
                trigger = CAUSE_VIOLATION
            elif inp[g, IN_ATTACKED] > 0:
                trigger = CAUSE_SPOILER
            if ph == SUSPENDED and st[g, ST_CAUSE] > 0 and trigger == CAUSE_STATE:
                trigger = int(st[g, ST_CAUSE])  # a suspended table ends for what suspended it
            # an attack, or violence while the state suspects a total spoiler, suspends (or ends) a bargaining table;
            # quiet months with the suspicion gone let a suspended one resume (or end)
            provoked = bargaining(ph) and (attacks > 0 or (hostile > 0 and belief[TOTAL] > p.belief_suspend))
            calm = st[g, ST_QUIET] >= p.resume_months and belief[TOTAL] <= p.belief_suspend
            if unresolved(ph) and belief[TOTAL] > p.belief_end:
                ph, reason, ended = BROKEN, R_ENDED_SPOILER, True
            elif (bargaining(ph) or ph == SUSPENDED) and past_deadline(static[g], st[g, ST_MONTHS_OPEN], month):
                ph, reason, ended = BROKEN, R_ENDED_DEADLINE, True
            elif provoked and paying_for_nothing:
                ph, reason, ended = BROKEN, R_ENDED_STALLED, True
            elif provoked:
                st[g, ST_SUSPEND_PHASE] = ph
                st[g, ST_MONTHS_SUSPENDED] = 0.0
                st[g, ST_CEASEFIRE] = 0.0
                st[g, ST_CAUSE] = trigger
                ph, reason = SUSPENDED, R_SUSPENDED_ATTACK
            elif ph == SUSPENDED:
                st[g, ST_MONTHS_SUSPENDED] += 1.0
                if st[g, ST_MONTHS_SUSPENDED] > p.max_suspension_months:
                    ph, reason, ended = BROKEN, R_ENDED_SUSPENSION, True
                elif nat[NAT_POLITICAL_COST] < p.resume_political_cost:
                    ph, reason, ended = BROKEN, R_ENDED_POLITICS, True
                elif calm and paying_for_nothing:
                    ph, reason, ended = BROKEN, R_ENDED_STALLED, True
                elif calm:
                    ph, reason = int(st[g, ST_SUSPEND_PHASE]), R_RESUMED
                else:
                    reason = R_SUSPENDED

            # --- progress when both accept (not in the month a table opens or resumes)
            if just_opened and not ended and bargaining(ph):
                reason = R_OPENED
            if not ended and not just_opened and bargaining(ph) and reason != R_RESUMED and group_yes and state_yes:
                remaining, following = open_points(agenda[g], closed[g], static[g, TB_EMPTY], st[g, ST_EMPTY_DONE])
                parallel = static[g, TB_PARALLEL] if static[g, TB_PARALLEL] > 0 else p.parallel_issues
                hurry, left = 1.0, months_to_known_deadline(static[g], st[g, ST_MONTHS_OPEN], month)
                if p.deadline_pressure > 0.0 and left < np.inf:
                    work_left = drafting_months(float(remaining), parallel, ph == EXPLORATION, p.talks_phase_months)
                    hurry = deadline_hurry(work_left, left, p.deadline_pressure)
                step = hurry / p.talks_phase_months
                audit[g, AU_HURRY] = hurry
                if ph == EXPLORATION:
                    if u[g, U_ADVANCE] < step:
                        ph, reason = FORMAL, R_ADVANCED
                else:
                    at_once = min(parallel, remaining)
                    stages = point_stages(p.talks_point_stages, p.talks_phase_months / max(at_once, 1.0))
                    pace = min(1.0, at_once * stages * step)
                    if remaining > 0 and u[g, U_ADVANCE] < pace:
                        st[g, ST_STAGES] += 1.0
                    if remaining > 0 and st[g, ST_STAGES] >= stages:
                        st[g, ST_STAGES] = 0.0
                        bit = 1 << (int(following) - 1)
                        if int(static[g, TB_EMPTY]) & bit:  # a point that settles none of the model's issues
                            st[g, ST_EMPTY_DONE] = float(int(st[g, ST_EMPTY_DONE]) | bit)
                            st[g, ST_AGREED] += 1.0
                        for k in range(K):  # the next point: every issue it settles at once
                            if closed[g, k] == 0 and agenda[g, k] == following:
                                closed[g, k] = 1.0
                                st[g, ST_AGREED] += 1.0
                        remaining -= 1
                        reason = R_ADVANCED
                        ph = PARTIAL
                    if remaining == 0:
                        ph, reason = FINAL, R_SIGNED
                        st[g, ST_SIGNED_MEMBERS] = inp[g, IN_MEMBERS]
                # a ceasefire once its terms are agreed, while the state believes the group limited
                if (ph in (FORMAL, PARTIAL)) and closed[g, CEASEFIRE] > 0 and agenda[g, CEASEFIRE] > 0 \
                        and belief[LIMITED] >= p.belief_ceasefire:
                    st[g, ST_CEASEFIRE] = 2.0
            if st[g, ST_CEASEFIRE] > 0 and (hostile > 0 and belief[LIMITED] < p.belief_ceasefire):
                st[g, ST_CEASEFIRE] = 0.0

            # --- ratification and implementation (veto players; trust). Attacks the group suffers from groups at
            # other tables count against the state's word (it could not protect it: Kydd and Walter's spoilers aim
            # at exactly this mistrust). Before any agreement is implemented, what the state can show of its word is
            # the concessions it keeps in force while the table is open (Kydd's costly reassurance), verified by
            # the table's guarantors
            kept_now, broken_now = 0.0, p.attack_trust_months * inp[g, IN_ATTACKED]
            if not ended and unresolved(ph):
                kept_now = beliefs.concession_evidence(n_conc, inp[g, IN_GUARANTEE], p)
            if not ended and phase[g] == FINAL and ph == FINAL:
                rejected = False
                mask = int(st[g, ST_REJECTED])
                for v in range(N_VETO):
                    if ratify[g, v] <= 0 or (mask >> v) & 1 or not veto.acts_at(v, veto_par, veto.STAGE_RATIFICATION):
                        continue
                    base = veto.baseline_approval(v, veto_par, nat[NAT_COHESION])
                    if u[g, U_RATIFY + v] >= veto.approval(x[g], veto_sal[v], base, veto_par[v, veto.VP_SENSITIVITY]):
                        rejected = True
                        st[g, ST_REJECTED] = mask | (1 << v)
                        audit[g, AU_VETO] = v
                        # renegotiate: the state meets the objections on the issues this veto player cares about
                        top = 0.0
                        for k in range(K):
                            top = max(top, veto_sal[v, k])
                        for k in range(K):
                            if veto_sal[v, k] > 0 and agenda[g, k] > 0:
                                cut = p.renegotiation_cut * veto_sal[v, k] / top
                                cap[g, k] = max(lo[g, k], x[g, k] * (1.0 - cut))
                                x[g, k] = min(x[g, k], cap[g, k])
                        break
                if rejected:  # the revised text goes back to the table: signed again next month if both accept it
                    ph, reason = PARTIAL, R_RATIFICATION_REJECTED
                else:
                    ph, reason = IMPLEMENTATION, R_RATIFIED
                    out[g, OUT_RATIFIED] = 1.0
                    shortfall = effects.faction_shortfall(group_value, v_war, p)
                    out[g, OUT_SPLIT_PROBABILITY] = strength.split_probability(inp[g, IN_COHESION], shortfall, p)
                    out[g, OUT_SPLIT_SHARE] = strength.split_share(inp[g, IN_COHESION], shortfall, p)
            elif not ended and phase[g] == IMPLEMENTATION and ph == IMPLEMENTATION:
                reason = R_IMPLEMENTING
                kept_now = 1.0
                for v in range(N_VETO):
                    if not veto.acts_at(v, veto_par, veto.STAGE_IMPLEMENTATION):
                        continue
                    base = veto.baseline_approval(v, veto_par, nat[NAT_COHESION])
                    chance = veto.block_probability(x[g], veto_sal[v], base, veto_par[v, veto.VP_SENSITIVITY], p)
                    if u[g, U_BLOCK + v] < chance:
                        k = veto.most_contested(x[g], veto_sal[v], closed[g])
                        if k >= 0:
                            x[g, k] *= 0.5
                        reason = R_IMPLEMENTATION_BLOCKED
                        audit[g, AU_VETO] = v
                        st[g, ST_BLOCKS] += 1.0
                        kept_now = 0.0
                        broken_now += p.broken_promise_months
                        break
                broken_now += p.ex_combatant_trust_effect * 100.0 * inp[g, IN_EX_KILLED]
                if strength.ddr_complete(inp[g, IN_MEMBERS], st[g, ST_SIGNED_MEMBERS]):
                    ph, reason = DEMOBILIZED, R_DEMOBILIZED
            st[g, ST_TRUST_KEPT], st[g, ST_TRUST_BROKEN] = beliefs.trust_step(
                st[g, ST_TRUST_KEPT], st[g, ST_TRUST_BROKEN], kept_now, broken_now, p)

            # --- commitment: any open table or agreement can break down
            if not ended and (unresolved(ph) or ph == IMPLEMENTATION) and reason != R_RATIFIED:
                signed = st[g, ST_SIGNED_MEMBERS]
                disarmed = min(max(1.0 - inp[g, IN_MEMBERS] / signed, 0.0), 1.0) if signed > 0 else 0.0
                # a total spoiler wants no deal and sits at a table for cover (Stedman's spoiling by stealth): the
                # package's shortfall does not drive it out, the other terms and the state's belief end its table.
                # Walking away, the group loses the concessions in force (they lapse when a table breaks down): its
                # outside option then is war without them, not the inside option it bargains from
                if n_conc > 0 and true_type != TOTAL:
                    for c in range(N_KINDS):
                        conc_cf[c] = 0.0
                    v_walk = _war_without(inp, g, loss, power, conc, conc_cf, p)
                    d_walk = _outside(v_walk, true_type, 0.0, other_open, p)
                margin = values.relative_margin(group_value, d_walk, v_walk)
                shortfall = 0.0 if true_type == TOTAL else (5.0 if not np.isfinite(margin)
                                                            else min(max(-margin, 0.0), 5.0))
                shift = powell_shift(power, st[g, ST_POWER_SLOW], p)
                against = min(max(12.0 * loss_now, 0.0), 5.0)
                progress = agenda_progress(st[g, ST_AGREED], st[g, ST_TO_AGREE]) if unresolved(ph) else 0.0
                terms = hazard_terms(disarmed, trust_now, inp[g, IN_GUARANTEE], against, shift, shortfall, progress,
                                     p)
                hazard = hazard_from_terms(terms, p)
                audit[g, AU_HAZARD] = hazard
                for c in range(N_HAZARD_TERMS):
                    audit[g, AU_HAZARD_TERMS + c] = terms[c]
                if u[g, U_BREAKDOWN] < hazard:
                    ph, reason = BROKEN, R_BROKE_DOWN
                    trigger = CAUSE_GROUP
            st[g, ST_POWER_SLOW] = (1.0 - SMOOTHING) * st[g, ST_POWER_SLOW] + SMOOTHING * power
            if reason == R_RESUMED:
                st[g, ST_CAUSE] = 0.0
            if ph == BROKEN:
                audit[g, AU_CAUSE] = trigger
                st[g, ST_CEASEFIRE] = 0.0
                for c in range(N_KINDS):
                    conc[c] = 0.0

            # --- audit
            audit[g, AU_WAR_VALUE] = v_war
            audit[g, AU_GROUP_OUTSIDE] = d_true if np.isfinite(d_true) else np.nan
            audit[g, AU_WALKAWAY] = d_walk if np.isfinite(d_walk) else np.nan
            audit[g, AU_GROUP_VALUE] = group_value
            for t in (LIMITED, GREEDY):
                audit[g, AU_MARGIN_TYPES + t] = values.relative_margin(
                    group_value, _outside(v_war, t, n_conc, other_open, p), v_war)
            audit[g, AU_STATE_OUTSIDE] = d_state
            audit[g, AU_STATE_VALUE] = state_value
            audit[g, AU_TRUST] = trust_now
            # bargaining-power audit: the same protocol without all concessions and without each kind in turn
            if bargaining(phase[g]) or bargaining(ph):
                for c in range(len(AU_COUNTERFACTUALS)):
                    for j in range(N_KINDS):
                        conc_cf[j] = 0.0 if (c == 0 or c == j + 1) else conc[j]
                    col = AU_CF + N_CF_FIELDS * c
                    same = True
                    for j in range(N_KINDS):
                        if conc_cf[j] != conc[j]:
                            same = False
                    if same:
                        audit[g, col + AU_CF_GROUP_OUTSIDE] = audit[g, AU_GROUP_OUTSIDE]
                        audit[g, col + AU_CF_STATE_OUTSIDE] = d_state
                        audit[g, col + AU_CF_GROUP_VALUE] = group_value
                        continue
                    power_cf = _power_without(inp, g, power, conc, conc_cf)
                    n_cf = conc_cf[0] + conc_cf[1] + conc_cf[2] + conc_cf[3]
                    war_cf = _war_without(inp, g, loss, power, conc, conc_cf, p)
                    d_true_cf = _outside(war_cf, true_type, n_cf, other_open, p)
                    d_state_cf = values.state_outside_option(power_cf, nat[NAT_COHESION], nat[NAT_POLITICAL_COST], p)
                    audit[g, col + AU_CF_GROUP_OUTSIDE] = d_true_cf if np.isfinite(d_true_cf) else np.nan
                    audit[g, col + AU_CF_STATE_OUTSIDE] = d_state_cf
                    if engine in (NASH, ALTERNATING):
                        d_cf[:] = d
                        d_cf[STATE] = d_state_cf
                        d_cf[GROUP] = war_cf + values.perceived_reservation(war_cf, belief, n_cf, other_open, p)
                        const_cf[:] = const
                        lin_cf[:, :] = lin
                        const_cf[STATE] = values.state_linear_utility(honour, d_state_cf, lo[g], cost[g], agenda[g],
                                                                      lin_cf[STATE], p)
                        for k in range(K):
                            x_cf[k] = x[g, k]
                        _solve(engine, st[g, ST_MONTHS_OPEN], lo_eff, hi_eff, kind, const_cf, lin_cf, pos, sal, d_cf,
                               w, inp[g, IN_GUARANTEE], x_cf, work, iwork, p)
                        audit[g, col + AU_CF_GROUP_VALUE] = values.linear_value(const[GROUP], lin[GROUP], x_cf)
                    else:
                        audit[g, col + AU_CF_GROUP_VALUE] = group_value
            else:
                for c in range(len(AU_COUNTERFACTUALS)):
                    col = AU_CF + N_CF_FIELDS * c
                    audit[g, col + AU_CF_GROUP_OUTSIDE] = audit[g, AU_GROUP_OUTSIDE]
                    audit[g, col + AU_CF_STATE_OUTSIDE] = d_state
                    audit[g, col + AU_CF_GROUP_VALUE] = group_value

        # --- outputs for the battlefield
        phase[g] = ph
        negotiated = 0.0
        if ph in (FINAL, IMPLEMENTATION):
            negotiated = 2.0
        elif open_now and st[g, ST_CEASEFIRE] > 0 and bargaining(ph):
            negotiated = 2.0 if x[g, CEASEFIRE] >= 0.5 else 1.0  # the agreed terms: bilateral, or the group alone
        ceasefire = max(negotiated, inp[g, IN_SCHEDULED_CEASEFIRE])
        out[g, OUT_PHASE] = ph
        out[g, OUT_CEASEFIRE] = ceasefire
        if negotiated > 0:
            out[g, OUT_VERIFICATION] = effects.ceasefire_verification(x[g], inp[g, IN_VERIFICATION])
        elif ceasefire > 0:
            out[g, OUT_VERIFICATION] = min(max(inp[g, IN_VERIFICATION], 0.0), 1.0)
        out[g, OUT_ARREST] = conc[0]
        out[g, OUT_EXTRADITION] = conc[1]
        out[g, OUT_BOMBING] = conc[2]
        out[g, OUT_ZONE] = conc[3]
        implementing = ph == IMPLEMENTATION
        done = ph == DEMOBILIZED
        if has_table and (implementing or done):
            out[g, OUT_CONCENTRATION] = effects.concentration(x[g]) if implementing else 0.0
            out[g, OUT_DDR_RATE] = effects.ddr_rate(x[g], p) if implementing else 0.0
            out[g, OUT_PROTECTION] = effects.protection(x[g], inp[g, IN_VERIFICATION])
            out[g, OUT_SUBSTITUTION] = effects.substitution(x[g])
        out[g, OUT_STANDING_DOWN] = 1.0 if (ceasefire > 0 or implementing or done) else 0.0
        effects.zone_mask(members_gt[g], sched_zone[g], conc[3] > 0, out[g, OUT_CONCENTRATION], zone_row)
        for t in range(zones.shape[1]):
            zones[g, t] = zone_row[t]
        audit[g, AU_PHASE] = ph
        audit[g, AU_REASON] = reason
        audit[g, AU_CEASEFIRE] = ceasefire
        if has_table and ph != NONE:
            audit[g, AU_BELIEF_LIMITED] = st[g, ST_BELIEF + LIMITED]
            audit[g, AU_BELIEF_GREEDY] = st[g, ST_BELIEF + GREEDY]
            audit[g, AU_BELIEF_TOTAL] = st[g, ST_BELIEF + TOTAL]
        for k in range(K):
            audit_x[g, k] = x[g, k] if (has_table and ph != NONE) else np.nan
