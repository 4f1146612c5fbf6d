"""The tables' month (model/tables/month.py) on small synthetic runs: opening, signing, ratification and
implementation, the state's conduct (suspension, resumption, ending, deadlines, conditional concessions), learning
about a spoiler, the bargaining-power audit and reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from totalpeace.model.params import params_record
from totalpeace.model.tables import beliefs, values
from totalpeace.model.tables import layout as L
from totalpeace.model.tables.agenda import agenda_points, empty_points
from totalpeace.model.tables.issues import (
    CEASEFIRE,
    ENGINES,
    EXTRADITION,
    GREEDY,
    ISSUES,
    N_ISSUES,
    N_STAKEHOLDERS,
    N_VETO,
    PUBLIC,
    TOTAL,
    Phase,
)
from totalpeace.model.tables.month import (
    deadline_hurry,
    drafting_months,
    initial_state,
    month_work,
    months_to_deadline,
    months_to_known_deadline,
    past_deadline,
    tables_month,
)
from totalpeace.model.tables.reasons import Reason
from totalpeace.scenario.params import PARAMETERS

K, V = N_ISSUES, N_VETO
DEFAULTS = {spec.name: spec.default for spec in PARAMETERS}


class Run:
    """One run's tables with G groups over T territories; every input can be changed between months."""

    def __init__(self, groups: int = 2, territories: int = 4, engine: str = "nash", phased: bool = False,
                 prior=(0.6, 0.2, 0.2), params: dict | None = None, true_type: int = 0) -> None:
        G, T = groups, territories
        # Commitment hazards off unless a test asks for them: the tests follow the tables' own rules.
        self.p = params_record({**DEFAULTS, "breakdown_hazard_base": 1e-9, **(params or {})})
        self.type_u = (0.01, 0.7, 0.999)[true_type]  # a uniform that draws this type from the priors used here
        self.engine, self.phased = ENGINES.index(engine), phased
        self.order = np.arange(G, dtype=np.int64)
        self.static = np.zeros((G, L.N_TB))
        self.static[:, L.TB_START] = 0
        self.static[:, L.TB_DRAW_FROM] = -1  # only the attacks a test sets (IN_ATTACKS), unless it draws them
        self.static[:, L.TB_DEADLINE_MONTH] = -1  # no calendar deadline
        self.static[:, L.TB_DEADLINE_KNOWN] = -1  # a deadline is known from the opening ...
        self.static[:, L.TB_DEADLINE_BINDING] = 1  # ... and ends the table (as the scenario's defaults)
        self.static[:, L.TB_POLITICAL] = 1
        self.static[:, L.TB_PRIOR:L.TB_PRIOR + 3] = prior
        self.lo, self.hi = np.zeros((G, K)), np.ones((G, K))
        self.agenda = np.tile(agenda_points(np.ones(K), None), (G, 1))  # every issue, one point each
        self.cost, self.weights = np.full((G, K), 1 / K), np.ones((G, K))
        self.stake_pos, self.stake_sal = np.full((G, 2, K), 0.5), np.full((G, 2, K), 0.3)
        self.ratify = np.zeros((G, V))
        self.ratify[:, 0] = 1  # congress
        self.veto_par = np.array([[0, 0.95, 1.0, 0.3], [2, 0.95, 1.0, 0.2], [0, 0.7, 2.5, 0.4], [1, 0.95, 1.0, 0.3]])
        self.veto_sal = np.full((V, K), 0.2)
        self.phase = np.zeros(G, dtype=np.int8)  # the engine's types (its state, its work arrays): the tables'
        # month compiled for the engine is the one tested, and not compiled again
        self.st = np.zeros((G, L.N_ST))
        self.x, self.closed, self.cap = np.zeros((G, K)), np.zeros((G, K)), np.zeros((G, K))
        self.bdm = np.zeros((G, N_STAKEHOLDERS, K))
        initial_state(self.st, self.phase)
        self.inp = np.zeros((G, L.N_IN))
        for col, value in ((L.IN_POWER, 0.3), (L.IN_POWER_NO_ZONE, 0.3), (L.IN_MEMBERS, 2000.0), (L.IN_ARMED, 2000.0),
                           (L.IN_RENT, 3.0), (L.IN_STAKE, 3.0), (L.IN_DRUG_SHARE, 0.5), (L.IN_PRESSURE, 0.3),
                           (L.IN_ALIVE, 1.0), (L.IN_WILLING, 1.0), (L.IN_GUARANTEE, 0.6), (L.IN_LOSS_STATE, 0.005),
                           (L.IN_COHESION, 0.6), (L.IN_VERIFICATION, 0.5)):
            self.inp[:, col] = value
        self.nat = np.array([0.7, 0.5, 0.3])
        self.members = np.full((G, T), 500.0)
        self.sched_zone = np.zeros((G, T))
        self.out, self.zones = np.zeros((G, L.N_OUT)), np.zeros((G, T))
        self.audit, self.audit_x = np.zeros((G, L.N_AU)), np.zeros((G, K))
        self.work = month_work(K, N_STAKEHOLDERS, T)
        self.rng = np.random.default_rng(7)
        self.month = 0

    def step(self, u: np.ndarray | None = None) -> None:
        if u is None:
            u = self.rng.random((self.phase.shape[0], L.N_U))
        if self.month == 0:
            u = u.copy()
            u[:, L.U_TYPE] = self.type_u
        tables_month(self.month, self.engine, self.phased, self.order, self.p, self.static, self.lo, self.hi,
                     self.agenda, self.cost, self.weights, self.stake_pos, self.stake_sal, self.ratify, self.veto_par,
                     self.veto_sal, self.phase, self.st, self.x, self.closed, self.cap, self.bdm, self.inp, self.nat,
                     self.members, self.sched_zone, u, self.out, self.zones, self.audit, self.audit_x, self.work)
        self.month += 1

    def history(self, months: int, g: int = 0) -> tuple[list[int], list[int]]:
        phases, reasons = [], []
        for _ in range(months):
            self.step()
            phases.append(int(self.phase[g]))
            reasons.append(int(self.audit[g, L.AU_REASON]))
        return phases, reasons


@pytest.mark.parametrize("engine", ENGINES)
def test_a_limited_group_with_a_generous_state_signs_ratifies_and_demobilises(engine: str) -> None:
    run = Run(engine=engine, params={"talks_phase_months": 2.0}, true_type=0)
    run.inp[:, L.IN_RENT] = 0.5  # a poor group: peace is worth more than war
    phases, reasons = run.history(60)
    assert Phase.FINAL_AGREEMENT in phases and Phase.IMPLEMENTATION in phases
    assert Reason.SIGNED in reasons and Reason.RATIFIED in reasons
    signed = phases.index(Phase.FINAL_AGREEMENT)
    assert all(p in (Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS) for p in phases[:signed])
    # DDR: the battlefield would remove members at the returned rate; here we do it by hand until demobilised
    while run.phase[0] == Phase.IMPLEMENTATION and run.month < 200:
        assert run.out[0, L.OUT_DDR_RATE] > 0 and run.out[0, L.OUT_CEASEFIRE] == 2
        run.inp[0, L.IN_MEMBERS] *= 1 - run.out[0, L.OUT_DDR_RATE]
        run.step()
    assert run.phase[0] == Phase.DEMOBILIZED


def test_nobody_signs_below_their_outside_option() -> None:
    run = Run(groups=3, params={"talks_phase_months": 2.0}, true_type=0)
    run.inp[:, L.IN_RENT] = [0.5, 3.0, 12.0]
    for _ in range(80):
        run.step()
        for g in range(3):
            if run.audit[g, L.AU_REASON] == Reason.SIGNED:
                assert run.audit[g, L.AU_GROUP_VALUE] >= run.audit[g, L.AU_GROUP_OUTSIDE]
                assert run.audit[g, L.AU_STATE_VALUE] >= run.audit[g, L.AU_STATE_OUTSIDE]
    # the rich group's war is worth more than anything the state may offer: it never signs
    assert run.phase[2] not in (Phase.FINAL_AGREEMENT, Phase.IMPLEMENTATION, Phase.DEMOBILIZED)


def test_a_total_spoiler_never_signs_and_the_state_learns_it() -> None:
    run = Run(prior=(0.5, 0.3, 0.2), true_type=2)
    run.inp[:, L.IN_RENT] = 0.5
    phases, reasons = run.history(60)
    assert Phase.FINAL_AGREEMENT not in phases
    assert Reason.ENDED_SPOILER in reasons or Reason.BROKE_DOWN in reasons
    if Reason.ENDED_SPOILER in reasons:  # ended because its refusals of good offers made the state suspect it
        assert run.st[0, L.ST_BELIEF + 2] > run.p.belief_end


def test_an_attack_suspends_a_table_that_resumes_after_quiet_months() -> None:
    run = Run(groups=1, prior=(0.6, 0.3, 0.1), params={"belief_suspend": 0.15}, true_type=0)
    run.inp[:, L.IN_RENT] = 20.0  # no deal in sight: the table only explores
    run.history(3)
    run.inp[0, L.IN_ATTACKS] = 1
    run.step()
    assert run.phase[0] == Phase.SUSPENDED and run.audit[0, L.AU_REASON] == Reason.SUSPENDED_ATTACK
    run.inp[0, L.IN_ATTACKS] = 0
    phases, reasons = run.history(12)
    assert Reason.RESUMED in reasons
    assert phases[reasons.index(Reason.RESUMED)] == Phase.EXPLORATION


@pytest.mark.parametrize("zone", [0.0, 1.0])
def test_an_attack_ends_a_stalled_table_the_state_pays_for_and_only_suspends_one_it_does_not(zone: float) -> None:
    run = Run(groups=1, prior=(0.6, 0.3, 0.1), params={"belief_suspend": 0.15}, true_type=0)
    run.inp[:, L.IN_RENT] = 20.0  # no package the state may offer beats the group's war: the talks are stalled
    run.inp[0, L.IN_ZONE] = zone
    run.history(3)
    assert run.audit[0, L.AU_REASON] == Reason.GROUP_OUTSIDE_OPTION
    run.inp[0, L.IN_ATTACKS] = 1
    run.step()
    if zone:  # the Caguán, February 2002: the zone and the talks end together
        assert run.phase[0] == Phase.BROKEN_DOWN and run.audit[0, L.AU_REASON] == Reason.ENDED_STALLED
        assert run.out[0, L.OUT_ZONE] == 0
    else:  # nothing paid for the table: suspended, as before
        assert run.phase[0] == Phase.SUSPENDED and run.audit[0, L.AU_REASON] == Reason.SUSPENDED_ATTACK


def test_an_attack_suspends_a_table_with_a_deal_in_sight_even_with_concessions_in_force() -> None:
    run = Run(groups=1, prior=(0.6, 0.3, 0.1), params={"belief_suspend": 0.15, "talks_phase_months": 12.0},
              true_type=0)
    run.inp[:, L.IN_RENT] = 0.5  # a poor group: a package beats its war
    run.inp[0, L.IN_ZONE] = 1.0
    run.history(2)
    assert run.audit[0, L.AU_REASON] in (Reason.EXPLORING, Reason.BARGAINING, Reason.ADVANCED)
    run.inp[0, L.IN_ATTACKS] = 1
    run.step()
    assert run.phase[0] == Phase.SUSPENDED and run.audit[0, L.AU_REASON] == Reason.SUSPENDED_ATTACK


def test_a_second_attack_while_suspected_ends_the_table() -> None:
    run = Run(groups=1, prior=(0.6, 0.3, 0.1), true_type=0)
    run.inp[:, L.IN_RENT] = 20.0
    run.history(2)
    run.inp[0, L.IN_ATTACKS] = 1
    run.step()
    run.step()
    assert run.phase[0] == Phase.BROKEN_DOWN
    assert run.audit[0, L.AU_REASON] == Reason.ENDED_SPOILER


def test_drawn_attacks_are_poisson_at_the_rate() -> None:
    """One uniform decides the month's count (the inverse of Poisson's distribution function): over evenly spread
    uniforms the counts have the rate as mean and exp(-rate) zeros, and a uniform of 0 draws none."""
    u = (np.arange(200_000) + 0.5) / 200_000
    for rate in (0.01, 0.05, 0.2, 1.5):
        counts = np.array([beliefs.drawn_attacks(rate, x) for x in u])
        assert counts.mean() == pytest.approx(rate, rel=1e-3)
        assert np.mean(counts == 0) == pytest.approx(np.exp(-rate), abs=1e-5)
    assert beliefs.drawn_attacks(0.5, 0.0) == 0.0


def test_attacks_are_drawn_from_the_scenarios_month_at_the_table_and_never_in_a_ceasefire() -> None:
    """A group at its table commits drawn major attacks only from `TB_DRAW_FROM`, only outside a ceasefire; the
    state reads each as it reads a dated one: the bargaining table is suspended."""
    run = Run(groups=1, prior=(0.6, 0.3, 0.1), params={"belief_suspend": 0.15}, true_type=0)
    run.inp[:, L.IN_RENT] = 20.0  # no deal in sight: the table only explores, nothing paid for it
    run.static[0, L.TB_DRAW_FROM] = 3
    run.inp[0, L.IN_ATTACK_DRAW] = 0.995  # one attack at a limited group's rate, 0.01 a month (P(0) = 0.990)
    run.history(3)
    assert run.phase[0] == Phase.EXPLORATION and run.audit[0, L.AU_ATTACKS] == 0
    run.inp[0, L.IN_SCHEDULED_CEASEFIRE] = 1.0  # the group's own ceasefire: its attacks are violations, not drawn
    run.step()
    assert run.audit[0, L.AU_ATTACKS] == 0 and run.phase[0] == Phase.EXPLORATION
    run.inp[0, L.IN_SCHEDULED_CEASEFIRE] = 0.0
    run.step()
    assert run.audit[0, L.AU_ATTACKS] == 1
    assert run.phase[0] == Phase.SUSPENDED and run.audit[0, L.AU_REASON] == Reason.SUSPENDED_ATTACK


@pytest.mark.parametrize("true_type", [0, 1, 2])
def test_each_type_attacks_at_its_own_rate_and_only_at_an_open_table(true_type: int) -> None:
    """The drawn count is the group's own type's (spoiling_rate_limited, _greedy, _total): over many months at a
    table the mean matches it; a group with no table commits none the tables see."""
    rates = (DEFAULTS["spoiling_rate_limited"], DEFAULTS["spoiling_rate_greedy"], DEFAULTS["spoiling_rate_total"])
    run = Run(groups=2, prior=(0.6, 0.2, 0.2), params={"belief_suspend": 1.0, "belief_end": 1.0}, true_type=true_type)
    run.inp[:, L.IN_RENT] = 20.0
    run.static[:, L.TB_DRAW_FROM] = 0
    run.static[1, L.TB_START] = -1  # the second group has no table
    seen = []
    for _ in range(4000):
        run.inp[:, L.IN_ATTACK_DRAW] = run.rng.random(2)
        run.step()
        seen.append(run.audit[:, L.AU_ATTACKS].copy())
        if run.phase[0] == Phase.SUSPENDED:  # keep the table open: the count, not the state's conduct, is tested
            run.phase[0] = Phase.EXPLORATION
    seen = np.array(seen)
    rate = rates[true_type]
    assert seen[:, 0].mean() == pytest.approx(rate, abs=4 * np.sqrt(rate / len(seen)))
    assert seen[:, 1].sum() == 0


def test_deadline_ends_a_table_without_agreement() -> None:
    run = Run(groups=1, true_type=0)
    run.static[0, L.TB_DEADLINE] = 6
    run.inp[:, L.IN_RENT] = 20.0
    phases, reasons = run.history(12)
    assert Reason.ENDED_DEADLINE in reasons
    assert phases[reasons.index(Reason.ENDED_DEADLINE)] == Phase.BROKEN_DOWN


def test_calendar_deadline_ends_a_table_in_its_month_whenever_it_opened() -> None:
    # A table allowed to open in month 3 with a calendar deadline in month 8 is ended in month 8, five months after
    # it opened; counted from its opening (deadline_months 8) it would run to month 11.
    run = Run(groups=1, true_type=0, params={"belief_suspend": 1.0, "belief_end": 1.0})
    run.static[0, L.TB_START] = 3
    run.static[0, L.TB_DEADLINE_MONTH] = 8
    run.inp[:, L.IN_RENT] = 20.0
    phases, reasons = run.history(12)
    assert reasons.index(Reason.ENDED_DEADLINE) == 8
    assert all(phase != Phase.BROKEN_DOWN for phase in phases[:8])
    # a table that may open only after its deadline opens and is ended in the same month
    late = Run(groups=1, true_type=0, params={"belief_suspend": 1.0, "belief_end": 1.0})
    late.static[0, L.TB_START] = 3
    late.static[0, L.TB_DEADLINE_MONTH] = 2
    late.inp[:, L.IN_RENT] = 20.0
    phases, reasons = late.history(5)
    assert reasons[:4] == [Reason.WAITING] * 3 + [Reason.ENDED_DEADLINE] and phases[3] == Phase.BROKEN_DOWN


def test_the_hurry_before_a_deadline_by_hand() -> None:
    """docs/model.md 7.2: the pace times (W / M)^gamma when the W months of work left exceed the M months left."""
    static = np.zeros(L.N_TB)
    static[L.TB_DEADLINE_MONTH] = -1
    assert months_to_deadline(static, 5.0, 9) == np.inf  # no deadline
    static[L.TB_DEADLINE] = 12  # twelve months after opening ...
    assert months_to_deadline(static, 5.0, 9) == 7.0
    static[L.TB_DEADLINE_MONTH] = 13  # ... or month 13, whichever comes first
    assert months_to_deadline(static, 5.0, 9) == 4.0
    # five points two at a time at a 4-month pace: 2 + 2 + 2 + 2 + 4 months, and the exploration's 4 before them
    assert drafting_months(5.0, 2.0, False, 4.0) == 12.0
    assert drafting_months(5.0, 2.0, True, 4.0) == 16.0
    assert drafting_months(0.0, 2.0, False, 4.0) == 0.0
    assert deadline_hurry(12.0, 3.0, 1.0) == 4.0  # just enough to finish by the deadline on average
    assert deadline_hurry(12.0, 3.0, 0.5) == 2.0
    assert deadline_hurry(12.0, 3.0, 0.0) == 1.0  # nothing anticipates the deadline
    assert deadline_hurry(2.0, 3.0, 1.0) == 1.0  # time enough: the usual pace
    assert deadline_hurry(12.0, np.inf, 1.0) == 1.0  # no deadline


def test_the_sides_hurry_only_toward_a_deadline_they_know_of_by_hand() -> None:
    """docs/model.md 7.2: the drafting reads the months left before a deadline announced (deadline_announced) and
    not yet passed; only a binding deadline ends the table (past_deadline)."""
    static = np.zeros(L.N_TB)
    static[L.TB_DEADLINE_MONTH] = 13
    static[L.TB_DEADLINE_KNOWN] = -1  # known from the opening
    static[L.TB_DEADLINE_BINDING] = 1
    assert months_to_known_deadline(static, 5.0, 9) == 4.0
    static[L.TB_DEADLINE_KNOWN] = 10  # announced in month 10
    assert months_to_known_deadline(static, 5.0, 9) == np.inf and months_to_deadline(static, 5.0, 9) == 4.0
    assert months_to_known_deadline(static, 6.0, 10) == 3.0
    assert not past_deadline(static, 8.0, 12) and past_deadline(static, 9.0, 13) and past_deadline(static, 10.0, 14)
    static[L.TB_DEADLINE_BINDING] = 0  # a target the sides set themselves: it ends nothing ...
    assert not past_deadline(static, 9.0, 13) and not past_deadline(static, 20.0, 24)
    assert months_to_known_deadline(static, 8.0, 12) == 1.0
    assert months_to_known_deadline(static, 9.0, 13) == np.inf  # ... and the hurry lapses once it has passed


def _signed_by(months: int, pressure: float, deadline: int, rent: float = 0.5, seeds: int = 40,
               known: int = -1, binding: bool = True) -> list[int]:
    """For each seed, the month a table (every issue a point, one at a time, a 4-month pace, explored) signs, or
    -1; its calendar deadline at `deadline` (-1: none), announced in month `known` (-1: from the opening), binding
    or a target that ends nothing."""
    out = []
    for seed in range(seeds):
        run = Run(groups=1, params={"talks_phase_months": 4.0, "deadline_pressure": pressure,
                                    "belief_suspend": 1.0, "belief_end": 1.0}, true_type=0)
        run.rng = np.random.default_rng(seed)
        run.static[0, L.TB_EXPLORED] = 1
        run.static[0, L.TB_PARALLEL] = 1.0
        run.static[0, L.TB_DEADLINE_MONTH] = deadline
        run.static[0, L.TB_DEADLINE_KNOWN] = known
        run.static[0, L.TB_DEADLINE_BINDING] = float(binding)
        run.inp[:, L.IN_RENT] = rent
        _, reasons = run.history(months)
        assert binding or Reason.ENDED_DEADLINE not in reasons
        out.append(reasons.index(Reason.SIGNED) if Reason.SIGNED in reasons else -1)
    return out


def test_the_audit_shows_the_hurry_of_each_drafting_month() -> None:
    """audit.parquet's deadline_hurry: 0 in the month the table opens (no drafting), then (W / M)^gamma: eight points
    at four months each (W = 32) with the deadline in month 16, read in month 1 (M = 15)."""
    run = Run(groups=1, params={"talks_phase_months": 4.0, "deadline_pressure": 0.5}, true_type=0)
    run.static[0, L.TB_EXPLORED] = 1
    run.static[0, L.TB_PARALLEL] = 1.0
    run.static[0, L.TB_DEADLINE_MONTH] = 16
    run.inp[:, L.IN_RENT] = 0.5
    run.step()
    assert run.audit[0, L.AU_HURRY] == 0.0
    run.step()
    assert run.audit[0, L.AU_HURRY] == pytest.approx((32.0 / 15.0) ** 0.5, rel=1e-12)


def test_a_deadline_hurries_a_table_with_a_deal_in_reach_and_cannot_make_one() -> None:
    """deadline_pressure: eight points at four months each are 32 months of work, and the deadline is in month 16.
    A table that does not hurry (gamma 0) signs before it in almost no run; at gamma 1 the sides keep, month after
    month, the pace that would finish by the deadline, so they sign before it in every run (at most a point a
    month: eight months suffice); gamma 1/2 lies between. Without a deadline the pressure changes nothing, draw for
    draw; and a group that prefers war signs under no deadline."""
    signed = {g: sum(m >= 0 for m in _signed_by(18, g, 16)) for g in (0.0, 0.5, 1.0)}
    assert signed[0.0] <= 2 < signed[0.5] < 40 == signed[1.0]
    assert all(m < 16 for m in _signed_by(18, 1.0, 16))
    assert _signed_by(60, 1.0, -1) == _signed_by(60, 0.0, -1)
    assert all(m == -1 for m in _signed_by(18, 1.0, 16, rent=20.0, seeds=10))  # war pays more: nothing to hurry


def test_a_target_hurries_the_drafting_from_its_announcement_and_ends_nothing() -> None:
    """A target date the sides set themselves (Havana's 23 March 2016): the same eight points, 32 months of work, a
    target in month 16. At gamma 1 they sign before it in every run, as under a binding deadline; the runs that miss
    a binding deadline end there, those that miss a target go on and sign later, at the usual pace. Announced in
    month 12, the target hurries only its last four months: fewer runs sign before it than when it was known from
    the opening, and the draws before month 12 are those of no deadline at all."""
    assert all(0 <= m < 16 for m in _signed_by(18, 1.0, 16, binding=False))
    binding, target = _signed_by(60, 0.5, 16), _signed_by(60, 0.5, 16, binding=False)
    missed = [s for s, b in zip(target, binding, strict=True) if b == -1]
    assert missed and all(m >= 16 for m in missed)  # the month a deadline would have ended it, or later
    assert [b for b in binding if b >= 0] == [t for t in target if 0 <= t < 16]  # the same runs until it passed
    late = _signed_by(18, 1.0, 16, known=12, binding=False)
    assert sum(0 <= m < 16 for m in late) < 40
    assert all(m < 0 or m >= 12 for m in late)  # nothing signs before the announcement (eight months at least)


def test_conditional_concessions_are_withdrawn_in_a_month_of_attacks_and_lapse_when_the_table_ends() -> None:
    run = Run(groups=1, params={"belief_suspend": 0.9, "belief_end": 0.99}, true_type=0)
    run.static[0, L.TB_CONDITIONAL] = 1
    run.inp[0, L.IN_ARREST] = 1
    run.step()
    assert run.out[0, L.OUT_ARREST] == 1
    run.inp[0, L.IN_ATTACKS] = 1
    run.step()
    assert run.out[0, L.OUT_ARREST] == 0
    run.inp[0, L.IN_ATTACKS] = 0
    run.step()
    assert run.out[0, L.OUT_ARREST] == 1
    run.phase[0] = Phase.BROKEN_DOWN
    run.step()
    assert run.out[0, L.OUT_ARREST] == 0


@pytest.mark.parametrize("guarantee", [0.6, 0.0])
def test_trust_builds_only_while_the_state_keeps_a_verified_concession_at_the_open_table(guarantee: float) -> None:
    runs = {}
    for kept in (0, 1):
        run = Run(groups=1, true_type=0)
        run.inp[:, L.IN_RENT] = 20.0  # no deal in sight: the table only explores
        run.inp[0, L.IN_BOMBING] = kept
        run.inp[0, L.IN_GUARANTEE] = guarantee
        trust = []
        for _ in range(24):
            run.step()
            trust.append(run.audit[0, L.AU_TRUST])
        runs[kept] = trust
    # without concessions and without attacks the evidence fades evenly: trust stays at its prior
    np.testing.assert_allclose(runs[0], runs[0][0], rtol=1e-12)
    assert runs[1][0] == pytest.approx(runs[0][0])  # the audit shows the trust the month's package was valued at
    if guarantee == 0.0:  # nobody verifies the concession: it is no evidence
        np.testing.assert_allclose(runs[1], runs[0], rtol=1e-12)
    else:
        assert all(b > a for a, b in zip(runs[1][:-1], runs[1][1:], strict=True))
        assert runs[1][-1] > runs[0][-1] + 0.1


def test_a_plebiscite_can_send_the_agreement_back() -> None:
    run = Run(groups=1, params={"talks_phase_months": 1.0}, true_type=0)
    run.inp[:, L.IN_RENT] = 0.5
    run.ratify[0, PUBLIC] = 1
    while run.phase[0] != Phase.FINAL_AGREEMENT and run.month < 80:
        run.step()
    assert run.phase[0] == Phase.FINAL_AGREEMENT
    agreed = run.x[0].copy()
    u = np.full((1, L.N_U), 0.5)
    u[0, L.U_RATIFY + PUBLIC] = 0.999  # the public votes no
    u[0, L.U_RATIFY] = 0.0  # congress approves
    run.step(u)
    assert run.audit[0, L.AU_REASON] == Reason.RATIFICATION_REJECTED and run.audit[0, L.AU_VETO] == PUBLIC
    assert np.all(run.x[0] <= agreed + 1e-12) and np.any(run.x[0] < agreed)
    assert int(run.st[0, L.ST_REJECTED]) & (1 << PUBLIC)
    revised = run.x[0].copy()
    run.step(np.full((1, L.N_U), 0.5))  # the revised text is signed again at once (both still accept it) ...
    assert run.audit[0, L.AU_REASON] == Reason.SIGNED
    np.testing.assert_array_equal(run.x[0], revised)
    u = np.full((1, L.N_U), 0.5)
    u[0, L.U_RATIFY] = 0.0
    run.step(u)  # ... and Congress ratifies it; the public is not asked again
    assert run.audit[0, L.AU_REASON] == Reason.RATIFIED


def test_a_ceasefire_once_its_terms_are_agreed() -> None:
    run = Run(groups=1, params={"talks_phase_months": 1.0}, true_type=0)
    run.inp[:, L.IN_RENT] = 0.5
    for _ in range(40):
        run.step()
        if run.closed[0, CEASEFIRE] > 0 and run.phase[0] in (Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS):
            bilateral = run.x[0, CEASEFIRE] >= 0.5
            assert run.out[0, L.OUT_CEASEFIRE] == (2 if bilateral else 1)
            assert run.out[0, L.OUT_VERIFICATION] == pytest.approx(0.5 * (1 - run.x[0, CEASEFIRE]))


def test_a_violation_seen_is_read_against_what_each_type_would_have_done() -> None:
    """The state reads a violation it saw of a group's own conduct against the chance of one were the group limited,
    greedy or a total spoiler (choices.violation_chances; docs/model.md 7.13): it moves the belief away from the
    types that would have kept the ceasefire, and not at all where every type would have exploited it alike."""
    def belief_limited(seen: float) -> np.ndarray:
        run = Run(groups=2, prior=(0.6, 0.3, 0.1), params={"belief_suspend": 0.5}, true_type=0)
        run.inp[:, L.IN_RENT] = 20.0  # no deal in sight: the table only explores
        run.history(2)
        run.inp[:, L.IN_VIOLATIONS_SEEN] = seen
        run.inp[0, L.IN_VIOLATION_CHANCE:L.IN_VIOLATION_CHANCE + 3] = (0.05, 0.6, 0.6)  # a limited group keeps it
        run.inp[1, L.IN_VIOLATION_CHANCE:L.IN_VIOLATION_CHANCE + 3] = (0.5, 0.5, 0.5)  # every type exploits alike
        run.step(np.full((2, L.N_U), 0.5))
        return run.audit[:, L.AU_BELIEF_LIMITED].copy()

    seen, unseen = belief_limited(1.0), belief_limited(0.0)
    assert seen[0] < 0.5 * unseen[0]
    # Bayes by hand for group 0: the month's other evidence is the same in both runs, and greedy and total have the
    # same chance, so the odds of limited move by the likelihood ratio of what was seen
    ratio = (seen[0] / (1 - seen[0])) / (unseen[0] / (1 - unseen[0]))
    assert ratio == pytest.approx((0.05 / 0.6) / (0.95 / 0.4), rel=1e-9)
    assert seen[1] == pytest.approx(unseen[1], rel=1e-12)  # uninformative where every type would have done the same


def test_the_bargaining_power_audit_reruns_the_protocol_without_each_concession() -> None:
    run = Run(groups=1, true_type=0)
    run.inp[:, L.IN_RENT] = 1.5
    run.inp[0, L.IN_EXTRADITION] = 1
    run.inp[0, L.IN_BOMBING] = 1
    run.step()
    run.step()
    cf = L.AU_CF + L.N_CF_FIELDS * np.arange(len(L.AU_COUNTERFACTUALS))
    outside = run.audit[0, cf + L.AU_CF_GROUP_OUTSIDE]
    value = run.audit[0, cf + L.AU_CF_GROUP_VALUE]
    none, arrest, extradition, bombing, zone = range(5)
    # concessions raise the group's outside option; without them it is lower; kinds not in force change nothing
    assert outside[none] < run.audit[0, L.AU_GROUP_OUTSIDE]
    assert outside[extradition] < run.audit[0, L.AU_GROUP_OUTSIDE]
    assert outside[bombing] < run.audit[0, L.AU_GROUP_OUTSIDE]
    assert outside[arrest] == run.audit[0, L.AU_GROUP_OUTSIDE] and outside[zone] == run.audit[0, L.AU_GROUP_OUTSIDE]
    # through the same protocol, the deal without concessions gives the group no more than with them
    assert value[none] <= run.audit[0, L.AU_GROUP_VALUE] + 1e-9


def test_phased_tables_wait_for_the_one_before() -> None:
    run = Run(groups=2, phased=True, true_type=0)
    run.inp[:, L.IN_RENT] = 20.0
    run.history(5)
    assert run.phase[0] != Phase.NONE and run.phase[1] == Phase.NONE
    run.phase[0] = Phase.BROKEN_DOWN
    run.step()
    assert run.phase[1] == Phase.EXPLORATION


def test_same_draws_give_the_same_months() -> None:
    def trace(seed: int) -> np.ndarray:
        run = Run(groups=3)
        run.rng = np.random.default_rng(seed)
        run.inp[:, L.IN_RENT] = [0.5, 2.0, 5.0]
        rows = []
        for _ in range(40):
            run.step()
            rows.append(np.concatenate([run.audit.ravel(), run.audit_x.ravel(), run.out.ravel()]))
        return np.array(rows)

    np.testing.assert_array_equal(trace(3), trace(3))
    assert not np.array_equal(trace(3), trace(4))


def test_offer_of_no_extradition_guarantee_changes_the_package() -> None:
    # The state's mandate caps an issue: with extradition = 0 offered, the package never concedes it.
    run = Run(groups=1, true_type=0)
    run.inp[:, L.IN_RENT] = 1.0
    run.hi[0, EXTRADITION] = 0.0
    run.history(10)
    assert run.x[0, EXTRADITION] == 0.0


def test_a_table_past_its_exploration_never_seats_a_total_spoiler() -> None:
    # the uniform that draws a total spoiler from the prior draws the greedy type once exploration is concluded
    fresh = Run(groups=1, prior=(0.5, 0.3, 0.2), true_type=2)
    fresh.step()
    explored = Run(groups=1, prior=(0.5, 0.3, 0.2), true_type=2)
    explored.static[0, L.TB_EXPLORED] = 1
    explored.step()
    assert fresh.out[0, L.OUT_TYPE] == TOTAL and explored.out[0, L.OUT_TYPE] == GREEDY


def test_a_total_spoiler_is_not_driven_from_its_table_by_the_package() -> None:
    # Stedman's spoiling by stealth: a total spoiler sits at a table for cover, so its commitment hazard has no
    # shortfall term (the package is worth nothing to it, and that is not why it leaves); a limited group offered a
    # package worth less than war does carry one (docs/model.md 7.5)
    def hazard(true_type: int, surplus_effect: float) -> tuple[float, float]:
        run = Run(groups=1, true_type=true_type,
                  params={"breakdown_hazard_base": 0.01, "surplus_breakdown_effect": surplus_effect})
        run.inp[:, L.IN_RENT] = 50.0  # war pays far more than any package on this agenda
        run.step()
        return run.audit[0, L.AU_HAZARD], run.out[0, L.OUT_TYPE]

    (total_with, total_type), (total_without, _) = hazard(TOTAL, 2.0), hazard(TOTAL, 0.0)
    (limited_with, limited_type), (limited_without, _) = hazard(0, 2.0), hazard(0, 0.0)
    assert total_type == TOTAL and limited_type == 0
    assert 0.0 < total_with == total_without < 0.05
    assert limited_with > 2.0 * limited_without > 0.0


@pytest.mark.parametrize("true_type", [0, GREEDY])
def test_concessions_the_group_loses_by_walking_away_never_drive_it_away(true_type: int) -> None:
    """Inside and outside options (docs/model.md 7.5): the group bargains from war with the concessions in force, but
    walking away ends them, so the hazard's shortfall is measured against war without them. A zone, suspended
    bombing, arrest orders or extradition never raise the hazard of a table the group could leave (before, a greedy
    group's demands rising with every concession drove it from the Caguán), and the walk-away option is the bargaining
    audit's outside option without concessions."""
    def month_by_month(concessions: bool) -> tuple[np.ndarray, np.ndarray]:
        run = Run(groups=1, true_type=true_type, params={"breakdown_hazard_base": 0.01, "surplus_breakdown_effect": 1.0,
                                                         "belief_end": 0.999, "belief_suspend": 0.999})
        run.inp[:, L.IN_RENT] = 20.0  # war pays more than any package: a stalled table with a shortfall
        if concessions:
            for col in (L.IN_ZONE, L.IN_BOMBING, L.IN_ARREST, L.IN_EXTRADITION):
                run.inp[0, col] = 1.0
            run.inp[0, L.IN_POWER] = 0.35  # the zone strengthens the group (IN_POWER_NO_ZONE stays 0.3)
        hazards, audits = [], []
        for _ in range(4):
            u = run.rng.random((1, L.N_U))
            u[:, L.U_BREAKDOWN] = 1.0  # no draw ends the table: the months stay comparable
            run.step(u)
            hazards.append(run.audit[0, L.AU_HAZARD])
            audits.append(run.audit[0].copy())
        assert run.out[0, L.OUT_TYPE] == true_type
        return np.array(hazards), np.array(audits)

    with_them, audit_with = month_by_month(True)
    without, audit_without = month_by_month(False)
    assert (without > 0).all()
    assert (with_them <= without + 1e-12).all()
    none = L.AU_CF + L.AU_CF_GROUP_OUTSIDE  # the first counterfactual: every concession withdrawn
    assert audit_with[:, L.AU_WALKAWAY] == pytest.approx(audit_with[:, none], rel=1e-9)
    assert (audit_with[:, L.AU_WALKAWAY] < audit_with[:, L.AU_GROUP_OUTSIDE]).all()
    assert audit_without[:, L.AU_WALKAWAY] == pytest.approx(audit_without[:, L.AU_GROUP_OUTSIDE], rel=1e-12)


def test_a_table_whose_exploration_is_concluded_opens_in_formal_talks() -> None:
    explored = Run(groups=1)
    explored.static[0, L.TB_EXPLORED] = 1
    explored.step()
    assert explored.phase[0] == Phase.FORMAL_TALKS and explored.audit[0, L.AU_REASON] == Reason.OPENED
    fresh = Run(groups=1)
    fresh.step()
    assert fresh.phase[0] == Phase.EXPLORATION and fresh.audit[0, L.AU_REASON] == Reason.OPENED


def test_the_breakdown_hazard_falls_as_the_table_agrees_its_agenda() -> None:
    """A table that agrees its agenda point by point becomes harder to break (7.5): with everything else held, the
    month's hazard falls by exp(-beta_A x share agreed), and not at all with beta_A = 0."""
    hazards = {}
    for beta in (0.0, 1.5):
        run = Run(groups=1, params={"talks_phase_months": 2.0, "breakdown_hazard_base": 1e-4,
                                    "progress_commitment_effect": beta}, true_type=0)
        run.inp[:, L.IN_RENT] = 0.5  # a deal in sight: the table advances
        seen = []
        for _ in range(40):
            run.step()
            if run.phase[0] not in (Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS, Phase.EXPLORATION):
                break
            share = run.st[0, L.ST_AGREED] / run.st[0, L.ST_TO_AGREE]
            seen.append((share, run.audit[0, L.AU_HAZARD]))
        hazards[beta] = seen
    assert hazards[0.0][0][1] > 0
    assert all(h == pytest.approx(hazards[0.0][0][1], rel=0.3) for _, h in hazards[0.0])  # no progress term
    progressed = [(s, h) for s, h in hazards[1.5] if s > 0]
    assert progressed, "the table agreed no issue"
    start = hazards[1.5][0][1]
    for share, hazard in progressed:
        assert hazard == pytest.approx(start * np.exp(-1.5 * share), rel=0.3)
    assert progressed[-1][1] < start * np.exp(-1.5 * 0.5)  # most of the agenda agreed: well below the start


def test_a_table_that_works_one_issue_at_a_time_agrees_its_agenda_at_that_pace() -> None:
    """M2.1: each month one issue is agreed with probability min(1, P / talks_phase_months), P the table's own
    parallel_issues where the scenario gives one, else the parameter. With the phase at 4 months, a table working
    four issues at once agrees one every month it advances; one working one at a time, about one in four."""
    def agreed_per_month(table_parallel: float) -> float:
        counts, months = 0.0, 0
        for seed in range(40):
            run = Run(groups=1, params={"talks_phase_months": 4.0, "parallel_issues": 4.0,
                                        "breakdown_hazard_base": 1e-9}, true_type=0)
            run.rng = np.random.default_rng(seed)
            run.static[0, L.TB_EXPLORED] = 1
            run.static[0, L.TB_PARALLEL] = table_parallel
            run.inp[:, L.IN_RENT] = 0.5  # a deal in sight: both sides accept
            run.step()  # the month it opens: no progress
            for _ in range(6):
                run.step()
                months += 1
            counts += run.st[0, L.ST_AGREED]
        return counts / months

    full = agreed_per_month(4.0)
    assert full > 0.9  # nearly every month (a month both sides accept)
    assert agreed_per_month(0.0) == full  # no override: the parameter, the same draws, the same path
    assert agreed_per_month(1.0) == pytest.approx(0.25 * full, abs=0.07)  # 240 months, binomial sd about 0.03


def _months_per_point(stages: float, seeds: int = 60) -> np.ndarray:
    """Months between a table's agreed points (one issue each, one at a time, a 4-month pace) over `seeds` runs of
    a table whose sides accept from the start."""
    gaps = []
    for seed in range(seeds):
        run = Run(groups=1, params={"talks_phase_months": 4.0, "talks_point_stages": stages}, true_type=0)
        run.rng = np.random.default_rng(seed)
        run.static[0, L.TB_EXPLORED] = 1
        run.static[0, L.TB_PARALLEL] = 1.0
        run.inp[:, L.IN_RENT] = 0.5  # a deal in sight: both sides accept
        run.step()  # the month it opens: no progress
        last, agreed = 0, 0.0
        for month in range(1, 40):
            run.step()
            if run.st[0, L.ST_AGREED] > agreed:
                agreed = run.st[0, L.ST_AGREED]
                gaps.append(month - last)
                last = month
            if run.phase[0] != Phase.FORMAL_TALKS and run.phase[0] != Phase.PARTIAL_AGREEMENTS:
                break
    return np.asarray(gaps, dtype=float)


@pytest.mark.parametrize("stages", [1.0, 4.0, 5.0])
def test_a_point_takes_the_pace_on_average_and_its_stages_make_that_time_less_dispersed(stages: float) -> None:
    """M2.1 (docs/model.md 7.2): a point passes through `talks_point_stages` drafting stages, each completed with
    probability stages / talks_phase_months a month both accept. The mean months per point stay the pace (4)
    whatever the stages; with one stage the time is geometric (sd sqrt(12) = 3.5 months), with four a stage is
    completed every month, so every point takes exactly four. Five would need more than a stage a month: a point
    has at most as many stages as its mean months, so it still takes four, not five."""
    gaps = _months_per_point(stages)
    assert gaps.size > 200
    assert gaps.mean() == pytest.approx(4.0, rel=0.15)
    if stages == 1.0:
        assert gaps.std() == pytest.approx(np.sqrt(12.0), rel=0.2)
    else:
        assert np.all(gaps == 4.0)


def test_stages_between_one_and_the_pace_cut_the_dispersion_not_the_mean() -> None:
    """Two stages at a 4-month pace: each completed with probability 1/2 a month, so a point takes a negative
    binomial's months (mean 4, sd 2) rather than the geometric's (mean 4, sd 3.5); a fractional count is its whole
    part (2.9 stages are two)."""
    two = _months_per_point(2.0)
    assert two.mean() == pytest.approx(4.0, rel=0.15)
    assert two.std() == pytest.approx(2.0, rel=0.2)
    assert np.array_equal(_months_per_point(2.9), two)  # the same draws, the same points


def test_a_table_agrees_its_points_in_order_each_closing_all_its_issues() -> None:
    """A table's agenda points (policy.tables.<id>.points, Agenda.agenda) are agreed one after another, in the
    scenario's order, each point's issues in the same month: with one-month phases, six issues grouped in three
    points and the other two in a point each sign five months after formal talks begin, where one point per issue
    takes eight."""
    grouped = [["ceasefire_terms", "territory"], ["legal_treatment"], ["extradition", "illicit_economies",
                                                                         "political_participation"]]

    def path(points):
        run = Run(groups=1, params={"talks_phase_months": 1.0, "parallel_issues": 1.0}, true_type=0)
        run.agenda[0] = agenda_points(np.ones(K), points)
        run.static[0, L.TB_EXPLORED] = 1
        run.inp[:, L.IN_RENT] = 0.5  # a deal in sight: both sides accept every month
        closed, phases = [], []
        for _ in range(12):
            run.step()
            closed.append({ISSUES[k] for k in np.flatnonzero(run.closed[0] > 0)})
            phases.append(int(run.phase[0]))
        return closed, phases

    closed, phases = path(grouped)
    rest = set(ISSUES) - {issue for point in grouped for issue in point}  # in no point: one point each, after
    assert rest == {"security_guarantees", "reintegration"}
    assert closed[0] == set()  # the month it opens
    assert closed[1] == set(grouped[0])
    assert closed[2] == set(grouped[0]) | set(grouped[1])
    assert closed[3] == closed[2] | set(grouped[2])
    assert closed[4] == closed[3] | {"security_guarantees"}
    assert closed[5] == set(ISSUES) and phases[5] == Phase.FINAL_AGREEMENT
    _, one_by_one = path(None)
    assert one_by_one.index(Phase.FINAL_AGREEMENT) == K  # one issue a month, as without points


def test_a_point_that_settles_none_of_the_models_issues_takes_its_turn_and_its_time() -> None:
    """A point with no issue of the model ([] in policy.tables.<id>.points: Havana's comprehensive rural reform) is
    agreed in its turn like any point: with one-month phases the table spends its first month of formal talks on it,
    closes nothing then, and signs a month later than without it; the point counts in the table's progress."""

    def path(points):
        run = Run(groups=1, params={"talks_phase_months": 1.0, "parallel_issues": 1.0}, true_type=0)
        run.agenda[0] = agenda_points(np.ones(K), points)
        run.static[0, L.TB_EMPTY] = empty_points(points)
        run.static[0, L.TB_EXPLORED] = 1
        run.inp[:, L.IN_RENT] = 0.5  # a deal in sight: both sides accept every month
        closed, phases, progress = [], [], []
        for _ in range(12):
            run.step()
            closed.append({ISSUES[k] for k in np.flatnonzero(run.closed[0] > 0)})
            phases.append(int(run.phase[0]))
            progress.append((run.st[0, L.ST_AGREED], run.st[0, L.ST_TO_AGREE]))
        return closed, phases, progress

    grouped = [["ceasefire_terms", "territory"], ["legal_treatment"]]
    closed, phases, _ = path(grouped)
    closed_empty, phases_empty, progress = path([[], *grouped])
    assert closed_empty[1] == set() and phases_empty[1] == Phase.PARTIAL_AGREEMENTS  # the empty point, agreed
    assert closed_empty[2] == closed[1] == set(grouped[0])
    assert phases_empty.index(Phase.FINAL_AGREEMENT) == phases.index(Phase.FINAL_AGREEMENT) + 1
    assert progress[0] == (0.0, K + 1) and progress[1] == (1.0, K + 1)  # the point counts one of K + 1
    # two empty points, one between the others: each takes a month in its place
    _, phases_two, _ = path([[], ["ceasefire_terms"], [], ["legal_treatment"]])
    assert phases_two.index(Phase.FINAL_AGREEMENT) == K + 2


def test_empty_points_are_a_bit_mask_and_keep_their_numbers() -> None:
    on = np.ones(K)
    assert empty_points(None) == 0.0 and empty_points([["territory"]]) == 0.0
    assert empty_points([[], ["territory"], []]) == float(0b101)
    points = agenda_points(on, [[], ["territory"], [], ["legal_treatment"]])
    assert points[ISSUES.index("territory")] == 2 and points[ISSUES.index("legal_treatment")] == 4
    assert 1 not in points and 3 not in points  # no issue carries an empty point's number


def test_agenda_points_default_to_one_point_per_issue_in_issue_order() -> None:
    on = np.array([1, 1, 0, 1, 1, 1, 1, 1], dtype=float)
    assert list(agenda_points(on, None)) == [1, 2, 0, 3, 4, 5, 6, 7]
    assert list(agenda_points(on, [["reintegration", "legal_treatment"]])) == [1, 2, 0, 3, 4, 5, 1, 6]
    # an issue off the agenda keeps no point even if a point names it (the scenario check reports it)
    assert agenda_points(on, [["territory"]])[ISSUES.index("territory")] == 0


def test_havana_agrees_its_eight_issues_in_the_six_points_of_its_scenario() -> None:
    """The General Agreement's six points: comprehensive rural reform first, which settles none of the model's
    issues, then the five that settle its eight."""
    from totalpeace.engine.simulate import build_engine
    from totalpeace.scenario import load_scenario

    engine = build_engine(load_scenario("colombia-2012"), months=1)
    farc = engine.world.group_ids.index("farc")
    points = engine.tables.agenda[farc]
    assert sorted(set(points)) == [2, 3, 4, 5, 6]
    assert engine.tables.static[farc, L.TB_EMPTY] == 1.0  # point 1
    assert {ISSUES[k] for k in np.flatnonzero(points == 4)} == {"legal_treatment", "extradition"}
    assert {ISSUES[k] for k in np.flatnonzero(points == 5)} == {"ceasefire_terms", "territory", "security_guarantees"}
    eln = engine.world.group_ids.index("eln")  # a table without points: one issue after another
    on = engine.tables.agenda[eln] > 0
    assert list(engine.tables.agenda[eln][on]) == list(range(1, int(on.sum()) + 1))


def test_a_side_at_indifference_accepts_whatever_the_rounding() -> None:
    # A package the protocol places on the state's outside option is worth d to within a rounding error, above or
    # below depending on the order of a sum: it is accepted either way, and a package short by more is not.
    for d in (0.689763678625171, -0.35, 705.6185302734375):
        assert values.accepts(d, d)
        assert values.accepts(np.nextafter(d, -np.inf), d)
        assert values.accepts(d - 1e-12 * max(1.0, abs(d)), d)
        assert not values.accepts(d - 1e-6 * max(1.0, abs(d)), d)
