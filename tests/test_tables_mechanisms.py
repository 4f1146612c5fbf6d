"""Values, beliefs, trust, veto players and battlefield effects of the negotiation tables (model/tables)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from totalpeace.model import strength
from totalpeace.model.params import params_record
from totalpeace.model.tables import beliefs, commitment, effects, values, veto
from totalpeace.model.tables.issues import (
    EXTRADITION,
    GREEDY,
    ILLICIT,
    LEGAL,
    LIMITED,
    N_ISSUES,
    POLITICAL,
    REINTEGRATION,
    TOTAL,
)
from totalpeace.scenario.params import PARAMETERS

DEFAULTS = {spec.name: spec.default for spec in PARAMETERS}
P = params_record(DEFAULTS)


def war(rent: float = 5.0, armed: float = 2000.0, loss: float = 0.005, power: float = 0.3, pressure: float = 0.3,
        sanctuary: float = 0.0, drug: float = 0.5, stake: float = 5.0, arrest: float = 0.0, extradition: float = 0.0,
        trend: float = 0.0, p=P) -> float:
    return values.war_value(rent, armed, loss, power, pressure, sanctuary, drug, stake, arrest, extradition, trend, p)


def issue_values(members: float = 2000.0, loss: float = 0.005, stake: float = 5.0, drug: float = 0.5,
                 political: float = 1.0, p=P) -> np.ndarray:
    out = np.zeros(N_ISSUES)
    values.issue_values(members, loss, stake, drug, political, np.ones(N_ISSUES), out, p)
    return out


def test_war_value_by_hand() -> None:
    # upkeep 3 x 0.00025 x 2000 = 1.5; leaders' share 0.5 x 24 x 5 = 60, captured at 0.01 x 0.3 x 1 = 0.003 a month,
    # losing j + (1 - j) 0.5 x 0.5 of it (j = 1 - 0.98^120); hazard 0.005 + 0.005 x 0.7 = 0.0085:
    j = 1 - 0.98 ** 120
    expected = (5.0 - 1.5 - 0.003 * 60.0 * (j + (1 - j) * 0.25)) / (1.0 - 0.98 * (1.0 - 0.0085))
    assert war() == pytest.approx(expected, rel=1e-12)


def test_war_value_follows_the_expected_trajectory() -> None:
    # Gordon's growth term: a group losing 0.65% of its members a month (the FARC 2002-2012) values war below a
    # stable one, a growing one above; by hand at the defaults, with the hazard of the stable case.
    stable = war()
    declining, growing = war(trend=-0.0065), war(trend=0.005)
    assert declining < stable < growing
    net = stable * (1.0 - 0.98 * (1.0 - 0.0085))
    assert declining == pytest.approx(net / (1.0 - 0.98 * (1.0 - 0.0085) * math.exp(-0.0065)), rel=1e-12)
    # the cap keeps it finite: however fast the group grows, its effective discount factor stays halfway to one
    cap = net / (1.0 - 0.98 * (1.0 - 0.0085) * (1.0 + 0.98) / (2 * 0.98))
    for g in (0.02, 0.5, 5.0, 50.0):
        assert math.isfinite(war(trend=g))
        assert war(trend=g) == pytest.approx(cap, rel=1e-12)
    assert war(trend=1.0, loss=0.0, power=1.0) <= 2.0 * war(loss=0.0, power=1.0) * (1 + 1e-12)
    # a war that does not pay is counted without the trend (as without the hazard)
    assert war(rent=0.5, trend=-0.05) == war(rent=0.5) == war(rent=0.5, trend=0.05)


def test_trend_step_smooths_the_growth_of_members() -> None:
    w = 1.0 / P.trend_memory_months
    trend = np.array([-0.0065, 0.0, 0.01, 0.02])
    before = np.array([8000.0, 1000.0, 0.0, 100.0])
    after = np.array([7900.0, 1000.0, 50.0, 0.2])
    values.trend_step(trend, before, after, 0.5, P)
    assert trend[0] == pytest.approx((1 - w) * -0.0065 + w * math.log(7900 / 8000), rel=1e-12)
    assert trend[1] == 0.0  # no change: the trend decays toward zero
    assert trend[2] == 0.01 and trend[3] == 0.02  # a slot filled from nothing, a group gone: kept
    # a constant growth is the fixed point
    steady = np.array([0.0])
    for _ in range(600):
        values.trend_step(steady, np.array([1000.0]), np.array([1000.0 * math.exp(-0.01)]), 0.5, P)
    assert steady[0] == pytest.approx(-0.01, rel=1e-9)


def test_rich_and_poor_groups_differ() -> None:
    # Two groups with the same members: the one with twice the rent has a war value that grows by more than the
    # value of the best package, so peace is relatively worth less to it (the rent no longer cancels out).
    def ratio(rent: float) -> float:
        b = issue_values(stake=rent)
        return (values.base_peace_value(2000.0, P) + b.sum()) / war(rent=rent, stake=rent)

    assert ratio(10.0) < ratio(5.0) < ratio(2.5)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.5, 50.0), st.floats(0.0, 0.05), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_war_value_rises_with_rent_and_power_and_falls_with_losses_and_pressure(rent: float, loss: float,
                                                                                power: float, pressure: float) -> None:
    base = war(rent=rent, loss=loss, power=power, pressure=pressure)
    assert war(rent=rent * 1.1, loss=loss, power=power, pressure=pressure) > base
    assert war(rent=rent, loss=loss, power=min(power + 0.1, 1.0), pressure=pressure) >= base
    assert war(rent=rent, loss=loss + 0.01, power=power, pressure=pressure) <= base
    assert war(rent=rent, loss=loss, power=power, pressure=min(pressure + 0.1, 1.0)) <= base
    # suspended arrest orders and extradition shield the leaders: war is worth at least as much to the group
    assert war(rent=rent, loss=loss, power=power, pressure=pressure, arrest=0.5, extradition=0.5) >= base


def test_issue_values_by_hand() -> None:
    b = issue_values()
    life = 2000 * 0.00025 / (1 - 0.98)
    leaders = 0.5 * 24 * 5.0
    assert b[LEGAL] == pytest.approx(life * 0.5 * (1 - 0.98 ** 120) + leaders * (1 - 0.98 ** 120), rel=1e-12)
    assert b[EXTRADITION] == pytest.approx(0.5 * 0.5 * leaders, rel=1e-12)
    assert b[ILLICIT] == pytest.approx(24 * 5.0, rel=1e-12)
    assert b[POLITICAL] == pytest.approx(12 * 5.0, rel=1e-12)
    assert b[REINTEGRATION] == pytest.approx(2000 * (24 * 0.9 * 0.00025 + 0.0025), rel=1e-12)
    assert issue_values(political=0.0)[POLITICAL] == 0.0
    assert issue_values(drug=0.0)[EXTRADITION] == 0.0


def test_reservation_by_type() -> None:
    assert values.reservation(100.0, LIMITED, 0.0, 0.0, P) == pytest.approx(10.0)
    assert values.reservation(100.0, GREEDY, 2.0, 1.0, P) == pytest.approx((0.3 + 0.2 * 2 + 0.05) * 100)
    assert values.reservation(100.0, TOTAL, 0.0, 0.0, P) == math.inf
    # the state bargains as if the group were not a total spoiler: the premium averages limited and greedy
    belief = np.array([0.5, 0.25, 0.25])
    expected = (0.5 * 10.0 + 0.25 * 30.0) / 0.75
    assert values.perceived_reservation(100.0, belief, 0.0, 0.0, P) == pytest.approx(expected)


def test_state_outside_option_and_expected_value() -> None:
    # d_S = 1 - p - c_S, c_S = 0.1 (1 + political cost + 1 - K)
    assert values.state_outside_option(0.3, 0.8, 0.5, P) == pytest.approx(1 - 0.3 - 0.1 * 1.7)
    # E U_S(x) = pi + (1 - pi) d_S - salience_state sum sigma (x - lo): with pi = 0.6 + 0.2 x 0.5 = 0.7
    belief = np.array([0.6, 0.2, 0.2])
    pi = values.honour_probability(belief, P)
    assert pi == pytest.approx(0.7)
    lin = np.zeros(2)
    const = values.state_linear_utility(pi, 0.5, np.array([0.2, 0.0]), np.array([0.5, 0.5]), np.ones(2), lin, P)
    x = np.array([0.6, 0.4])
    assert values.linear_value(const, lin, x) == pytest.approx(0.7 + 0.3 * 0.5 - 0.6 * (0.5 * 0.4 + 0.5 * 0.4))


def test_bayes_rule_by_hand() -> None:
    belief = np.array([0.6, 0.2, 0.2])
    loglik = np.zeros(3)
    rates = np.array([0.01, 0.05, 0.2])
    beliefs.count_loglik(1.0, rates, loglik)  # one major attack: Poisson likelihood r e^-r
    beliefs.bayes(belief, loglik)
    raw = np.array([0.6, 0.2, 0.2]) * rates * np.exp(-rates)
    np.testing.assert_allclose(belief, raw / raw.sum(), rtol=1e-12)
    assert belief[TOTAL] > 0.5  # after one bombing the state suspects a total spoiler most


def test_quiet_months_build_confidence_and_refusals_reveal_greed() -> None:
    belief = np.array([0.6, 0.2, 0.2])
    for _ in range(24):  # two years without attacks: exp(-r) favours the limited type
        loglik = np.zeros(3)
        beliefs.count_loglik(0.0, np.array([0.01, 0.05, 0.2]), loglik)
        beliefs.bayes(belief, loglik)
    assert belief[LIMITED] > 0.85
    # a package a limited group should accept (margin +30% of its war value) is refused: greedy and total gain
    before = belief.copy()
    loglik = np.zeros(3)
    beliefs.response_loglik(False, 130.0, np.array([100.0, 125.0, np.inf]), 100.0, P, loglik)
    beliefs.bayes(belief, loglik)
    assert belief[LIMITED] < before[LIMITED] and belief[TOTAL] > before[TOTAL]


def test_true_types_are_drawn_from_the_prior() -> None:
    prior = np.array([0.6, 0.3, 0.1])
    draws = np.array([beliefs.draw_type(prior, u) for u in (np.arange(10_000) + 0.5) / 10_000])
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 10_000, prior, atol=1e-4)


def test_a_group_past_its_exploratory_phase_is_not_drawn_a_total_spoiler() -> None:
    # a total spoiler accepts nothing and never concludes exploration: past it, the prior without the total type
    prior = np.array([0.6, 0.3, 0.1])
    uniforms = (np.arange(10_000) + 0.5) / 10_000
    draws = np.array([beliefs.draw_type(prior, u, True) for u in uniforms])
    np.testing.assert_allclose(np.bincount(draws, minlength=3) / 10_000, [0.6 / 0.9, 0.3 / 0.9, 0.0], atol=1e-4)
    # the same uniform keeps the limited type where it drew it without the condition
    unconditioned = np.array([beliefs.draw_type(prior, u) for u in uniforms])
    assert np.all(draws[unconditioned == LIMITED] == LIMITED)
    # a prior with no other type left keeps the total spoiler; a prior without the greedy type never draws it
    assert beliefs.draw_type(np.array([0.0, 0.0, 1.0]), 0.5, True) == TOTAL
    assert {beliefs.draw_type(np.array([0.5, 0.0, 0.5]), u, True) for u in uniforms} == {LIMITED}


def test_trust_rises_with_guarantors_and_falls_with_broken_promises() -> None:
    alone = beliefs.trust_prior(0.0, P)
    guarded = beliefs.trust_prior(1.0, P)
    assert values.trust(*alone) == pytest.approx(0.3)
    assert values.trust(*guarded) == pytest.approx(0.3 + 0.7 * 0.6)
    kept, broken = guarded
    kept, broken = beliefs.trust_step(kept, broken, 0.0, 6.0, P)  # one blocked part of the agreement
    assert values.trust(kept, broken) < values.trust(*guarded)


def test_concessions_kept_at_the_table_are_evidence_for_the_state_word() -> None:
    assert beliefs.concession_evidence(0.0, 1.0, P) == 0.0
    assert beliefs.concession_evidence(2.0, 0.0, P) == 0.0  # without guarantors to verify it, no evidence
    assert beliefs.concession_evidence(2.0, 0.5, P) == pytest.approx(2.0 * 0.5 * P.concession_trust_months)
    assert beliefs.concession_evidence(1.0, 3.0, P) == pytest.approx(P.concession_trust_months)  # G saturates at 1
    # a year of one concession kept, from the guarded prior, by hand: kept 0.97^12 k0 + sum 0.97^i, broken 0.97^12 b0
    k0, b0 = beliefs.trust_prior(1.0, P)
    kept, broken = k0, b0
    for _ in range(12):
        kept, broken = beliefs.trust_step(kept, broken, beliefs.concession_evidence(1.0, 1.0, P), 0.0, P)
    fade = P.trust_memory ** 12
    expected_kept = fade * k0 + P.concession_trust_months * (1.0 - fade) / (1.0 - P.trust_memory)
    assert kept == pytest.approx(expected_kept)
    assert values.trust(kept, broken) == pytest.approx(expected_kept / (expected_kept + fade * b0))
    assert values.trust(kept, broken) > values.trust(k0, b0)


def test_veto_approval_falls_with_what_is_conceded() -> None:
    salience = np.array([0.4, 0.0, 0.6])
    low = veto.approval(np.array([0.1, 1.0, 0.1]), salience, 0.7, 2.5)
    high = veto.approval(np.array([0.9, 0.0, 0.9]), salience, 0.7, 2.5)
    assert high < low < 0.7
    # logistic(logit 0.7 - 2.5 x 0.9) by hand
    assert high == pytest.approx(1 / (1 + math.exp(-(math.log(0.7 / 0.3) - 2.5 * 0.9))), rel=1e-12)


def test_package_effects_on_the_battlefield() -> None:
    x = np.zeros(N_ISSUES)
    x[REINTEGRATION] = 1.0
    assert effects.ddr_rate(x, P) == pytest.approx(P.ddr_rate)
    x[REINTEGRATION] = 0.0
    assert effects.ddr_rate(x, P) == pytest.approx(0.5 * P.ddr_rate)
    # the default's source: the end of DDR (DDR_COMPLETE of the members at signing left) 9 months into implementation
    assert (1.0 - effects.ddr_rate(np.ones(N_ISSUES), P)) ** 9 == pytest.approx(strength.DDR_COMPLETE, abs=0.005)
    # a deal worth little to the richest faction raises the chance and size of a split
    poor_deal = effects.faction_shortfall(50.0, 100.0, P)
    good_deal = effects.faction_shortfall(250.0, 100.0, P)
    assert poor_deal == pytest.approx(0.75) and good_deal == 0.0
    assert strength.split_probability(0.5, poor_deal, P) > strength.split_probability(0.5, good_deal, P)
    assert strength.split_share(0.5, poor_deal, P) > strength.split_share(0.5, good_deal, P)
    # concentration zones: the territories where the group has most members
    mask = np.zeros(5)
    effects.zone_mask(np.array([10.0, 300.0, 0.0, 200.0, 50.0]), np.zeros(5), False, 0.5, mask)
    np.testing.assert_array_equal(mask, [0, 1, 0, 1, 0])


def params(**changes: float):
    return params_record({**DEFAULTS, **changes})


def test_powell_shift_zero_without_change_graded_and_one_for_a_large_jump() -> None:
    p = params(discount_factor=0.98, war_cost_share=0.1)
    assert commitment.powell_shift(0.3, 0.3, p) == 0.0
    assert commitment.powell_shift(0.31, 0.3, p) == 0.0  # a slow drift is no commitment problem
    # Graded: delta |dp| / (c_S + c_G) - 1 = 0.98 x 0.15 / 0.1 - 1 = 0.47 (war costs as a share of the discounted
    # stakes, so the condition delta dp / (1 - delta) > c reads delta dp > share).
    assert commitment.powell_shift(0.45, 0.3, p) == pytest.approx(0.98 * 0.15 / 0.1 - 1)
    assert commitment.powell_shift(0.9, 0.3, p) == 1.0  # a large, rapid jump
    assert commitment.powell_shift(0.0, 0.5, p) == 1.0  # the state rising (DDR) too
    graded = [commitment.powell_shift(0.3 + jump, 0.3, p) for jump in np.linspace(0.0, 0.5, 26)]
    assert np.all(np.diff(graded) >= 0.0) and graded[0] == 0.0 and graded[-1] == 1.0
    assert commitment.powell_shift(0.45, 0.3, params(war_cost_share=0.3)) == 0.0  # costlier war: less dangerous


def _hazard(disarmed=0.0, trust=0.0, guarantee=0.0, against=0.0, shift=0.0, shortfall=0.0, progress=0.0,
            **changes: float) -> float:
    return commitment.breakdown_hazard(disarmed, trust, guarantee, against, shift, shortfall, progress,
                                       params(**changes))


def test_breakdown_hazard_by_hand() -> None:
    kw = dict(breakdown_hazard_base=0.01, disarmament_risk=1.5, guarantor_effect=1.0, violence_against_effect=0.5,
              power_shift_effect=1.0, surplus_breakdown_effect=0.5, progress_commitment_effect=1.2)
    assert _hazard(**kw) == pytest.approx(0.01)
    assert _hazard(progress=0.5, **kw) == pytest.approx(0.01 * math.exp(-0.6))
    assert _hazard(guarantee=1.0, **kw) == pytest.approx(0.01 * math.exp(-1.0))
    assert _hazard(disarmed=1.0, trust=0.5, **kw) == pytest.approx(0.01 * math.exp(1.5 * 0.5))
    assert _hazard(against=1.0, shift=1.0, shortfall=2.0, **kw) == pytest.approx(0.01 * math.exp(0.5 + 1.0 + 1.0))
    assert _hazard(disarmed=1.0, against=5.0, shift=1.0, shortfall=5.0, breakdown_hazard_base=0.5) == 1.0  # capped


def test_the_hazard_terms_add_up_to_the_hazard() -> None:
    """The audit stores the hazard's log terms (disarmament, guarantors, violence, power shift, shortfall, progress):
    h_0 exp(their sum) is the hazard, and each term is its own covariate's alone."""
    kw = dict(breakdown_hazard_base=0.01, disarmament_risk=1.5, guarantor_effect=1.0, violence_against_effect=0.5,
              power_shift_effect=1.0, surplus_breakdown_effect=0.5, progress_commitment_effect=1.2)
    p = params(**kw)
    terms = commitment.hazard_terms(1.0, 0.5, 0.4, 2.0, 0.3, 1.5, 0.25, p)
    assert terms == pytest.approx((0.75, -0.4, 1.0, 0.3, 0.75, -0.3))
    assert _hazard(1.0, 0.5, 0.4, 2.0, 0.3, 1.5, 0.25, **kw) == pytest.approx(0.01 * math.exp(sum(terms)))
    assert commitment.hazard_from_terms(terms, p) == pytest.approx(0.01 * math.exp(2.1))


def test_breakdown_hazard_directions() -> None:
    g = np.linspace(0.0, 1.0, 5)
    assert all(_hazard(guarantee=a) > _hazard(guarantee=b) for a, b in itertools.pairwise(g))  # Walter: guarantors
    assert _hazard(disarmed=1.0) > _hazard(disarmed=0.5) > _hazard(disarmed=0.0)  # disarming while distrusting
    assert _hazard(disarmed=1.0, trust=1.0) == pytest.approx(_hazard(disarmed=0.0, trust=1.0))  # trust: it vanishes
    assert _hazard(shift=1.0) > _hazard(shift=0.5) > _hazard(shift=0.0)  # Powell
    assert _hazard(shortfall=1.0) > _hazard(shortfall=0.5) > _hazard(shortfall=0.0)  # a deal worth less than war
    assert _hazard(against=1.0) > _hazard(against=0.0)  # killings of members in talks
    assert _hazard(progress=1.0) < _hazard(progress=0.5) < _hazard(progress=0.0)  # an agenda agreed point by point
    assert _hazard(progress=1.0, progress_commitment_effect=0.0) == pytest.approx(_hazard())  # the rule switched off


def test_agenda_progress_is_the_share_agreed() -> None:
    assert commitment.agenda_progress(0.0, 6.0) == 0.0
    assert commitment.agenda_progress(3.0, 6.0) == pytest.approx(0.5)
    assert commitment.agenda_progress(6.0, 6.0) == 1.0
    assert commitment.agenda_progress(0.0, 0.0) == 0.0  # nothing to agree: no progress either


def test_guarantor_index_saturates_at_one() -> None:
    np.testing.assert_allclose(commitment.guarantor_index(np.array([0.0, 0.3, 1.1])), [0.0, 0.3, 1.0])
