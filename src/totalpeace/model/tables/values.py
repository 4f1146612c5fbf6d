"""What each side gets from war and from a package, in absolute terms (M1.1, M1.3, M4.1, M6.1).

The group's values are in USD millions (present values), built from its own members, rents and fortune, so that rich
and poor groups differ: its war value from its rent net of the upkeep of its fighters, the risk to its leaders, the
hazard that its war economy is lost and the trajectory it expects (the smoothed growth of its members); its peace
value from what each issue of the package is worth to its members and leaders, discounted by its trust in the state's
word. The state's values are shares of its stake in the conflict with
the group (ending it is worth 1): its outside option from the group's power, the cost of fighting, the security
forces' cohesion and the political cost of violence; the package costs it the salience-weighted concessions.

Every function is compiled (numba) and works on one table; `p` is the parameter record (model/params.py).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from totalpeace.model.tables.issues import (
    CEASEFIRE,
    EXTRADITION,
    GREEDY,
    ILLICIT,
    LEGAL,
    LIMITED,
    N_ISSUES,
    POLITICAL,
    REINTEGRATION,
    SECURITY,
    TERRITORY,
    TOTAL,
)


@numba.njit(cache=True)
def liberty_value(p) -> float:
    """Present value of one person's legal income, L / (1 - delta) (USD m): what a month of liberty is worth."""
    return p.legal_income_per_member / (1.0 - p.discount_factor)


@numba.njit(cache=True)
def prison_share(convicted: float, p) -> float:
    """Expected discounted share of the future spent in prison under ordinary justice: convicted x (1 - delta^s)."""
    return convicted * (1.0 - p.discount_factor ** p.ordinary_sentence_months)


@numba.njit(cache=True)
def fortune(stake: float, p) -> float:
    """The group's illicit wealth W = wealth_kept_months x its status-quo rent (USD m)."""
    return p.wealth_kept_months * stake


@numba.njit(cache=True)
def trend_growth(trend: float, p) -> float:
    """The monthly growth factor of the war economy the group expects, exp(g), capped at (1 + delta) / (2 delta).

    The cap keeps Gordon's present value finite (delta exp(g) < 1): a growing group's effective discount factor is at
    most halfway between delta and 1, so its war value is at most twice that of a stable group with no hazard."""
    return min(math.exp(trend), 0.5 * (1.0 + p.discount_factor) / p.discount_factor)


@numba.njit(cache=True)
def war_value(rent: float, armed: float, loss_rate: float, power: float, pressure: float, sanctuary: float,
              drug_share: float, stake: float, arrest_shield: float, extradition_shield: float, trend: float,
              p) -> float:
    """V_war = (rent - upkeep - leadership risk) / (1 - delta (1 - h) exp(g)), USD m.

    upkeep: armed members cost a multiple of the legal wage (pay with a risk premium, arms and logistics);
    leadership risk: the monthly chance that leaders are captured (repression pressure outside sanctuary, less where
    arrest orders are suspended) times what they then lose of their share of the fortune: the prison share of it
    and, for drug-trafficking groups, what extradition takes of the rest (less where extradition is suspended);
    h: the monthly hazard that the war economy is lost, the share of members lost plus a defeat hazard that grows as
    the group's power p falls; g: the group's expected trajectory, the smoothed monthly growth of its members
    (`trend_step`), as the growth term of Gordon's formula (capped by `trend_growth`): a group in decline expects
    less from war than this month's flow, a growing one more. A net flow below zero is discounted without the hazard
    or the trend (losing a war that does not pay, or one that shrinks, is not a gain).
    """
    upkeep = p.war_wage_multiple * p.legal_income_per_member * armed
    leaders = p.leadership_wealth_share * fortune(stake, p)
    capture = p.leader_capture_rate * pressure * (1.0 - sanctuary) * (1.0 - arrest_shield)
    extradited = p.extradition_risk * drug_share * (1.0 - extradition_shield)
    jail = prison_share(1.0, p)
    loss = jail + (1.0 - jail) * extradited
    hazard = min(max(loss_rate + p.defeat_hazard * (1.0 - power), 0.0), 1.0)
    net = rent - upkeep - capture * leaders * loss
    if net <= 0:  # a war that costs more than it brings is not made cheaper by the risk of losing it
        return net / (1.0 - p.discount_factor)
    return net / (1.0 - p.discount_factor * (1.0 - hazard) * trend_growth(trend, p))


@numba.njit(cache=True)
def trend_step(trend: np.ndarray, before: np.ndarray, after: np.ndarray, alive: float, p) -> None:
    """g <- (1 - w) g + w ln(after / before), w = 1 / trend_memory_months: each group's smoothed monthly growth of
    its members (armed, in sanctuary, abroad and support networks) from the start of the month to its end, in place.
    A group with fewer than `alive` members at either end keeps its trend (a slot a split fills, a group gone)."""
    w = 1.0 / p.trend_memory_months
    for g in range(trend.shape[0]):
        if before[g] > alive and after[g] > alive:
            trend[g] = (1.0 - w) * trend[g] + w * math.log(after[g] / before[g])


@numba.njit(cache=True)
def relative_margin(value: float, outside: float, v_war: float) -> float:
    """A side's margin at its table relative to its war value: (value - outside option) / |V_war|."""
    return (value - outside) / max(abs(v_war), 1e-9)


@numba.njit(cache=True)
def base_peace_value(members: float, p) -> float:
    """V_0: the value of demobilising with nothing conceded, legal income under ordinary justice (USD m)."""
    return members * liberty_value(p) * (1.0 - prison_share(p.conviction_share, p))


@numba.njit(cache=True)
def issue_values(members: float, loss_rate: float, stake: float, drug_share: float, political: float,
                 weights: np.ndarray, out: np.ndarray, p) -> None:
    """b_k: what conceding issue k fully (x_k = 1) is worth to the group, in USD m, times its salience weight.

    legal treatment: members' liberty under ordinary justice plus the leaders' share of the fortune they could not
    enjoy in prison; extradition: the leaders' share of the fortune, for the drug-trafficking share of the group;
    territory: members not lost while concentrated during implementation (1 / ddr_rate months); illicit economies:
    the fortune kept legally; political participation (political groups): `political_value_months` of the stake;
    security guarantees: ex-combatants not killed after demobilising; reintegration: stipend months and grants;
    ceasefire terms: members not lost during `ceasefire_value_months` of talks.
    """
    life = members * liberty_value(p)
    wealth = fortune(stake, p)
    leaders = p.leadership_wealth_share * wealth
    for k in range(N_ISSUES):
        out[k] = 0.0
    out[LEGAL] = life * prison_share(p.conviction_share, p) + leaders * prison_share(1.0, p)
    out[EXTRADITION] = p.extradition_risk * drug_share * leaders
    out[TERRITORY] = life * min(1.0, loss_rate / max(p.ddr_rate, 1e-9))
    out[ILLICIT] = wealth
    out[POLITICAL] = political * p.political_value_months * stake
    out[SECURITY] = life * p.ex_combatant_risk
    out[REINTEGRATION] = members * (p.reintegration_months * p.reintegration_wage_share * p.legal_income_per_member
                                    + p.reintegration_grant)
    out[CEASEFIRE] = life * min(1.0, loss_rate * p.ceasefire_value_months)
    for k in range(N_ISSUES):
        out[k] *= weights[k]


@numba.njit(cache=True)
def trust(kept: float, broken: float) -> float:
    """The group's trust that the state keeps its commitments: the mean of Beta(kept, broken)."""
    total = kept + broken
    return kept / total if total > 0 else 0.5


@numba.njit(cache=True)
def credibility(trust_now: float, p) -> float:
    """The share of a package's value the group counts on: all of it if the state keeps its word (probability
    trust), `reneged_share` of it if not (what is delivered before a state reneges, amnesties granted, stipends paid,
    seats held, is rarely taken back)."""
    return trust_now + (1.0 - trust_now) * p.reneged_share


@numba.njit(cache=True)
def reservation(v_war: float, kind: int, concessions: float, other_open: float, p) -> float:
    """rho: the premium over V_war a group of type `kind` needs (Stedman 1997, M1.3; Cunningham 2006, M2.1b).

    Limited spoilers a small fixed share, greedy ones more with every concession (read as weakness), every other
    open table the last-signer premium; total spoilers never accept (+inf).
    """
    if kind == TOTAL:
        return np.inf
    base = p.reservation_limited if kind == LIMITED else p.reservation_greedy + p.greed_concession_effect * concessions
    return (base + p.holdout_premium * other_open) * abs(v_war)


@numba.njit(cache=True)
def perceived_reservation(v_war: float, belief: np.ndarray, concessions: float, other_open: float, p) -> float:
    """The premium the state expects the group to need: rho averaged over the non-total types it believes possible
    (a total spoiler accepts nothing, so the state bargains for the case that the group is not one)."""
    mass = belief[LIMITED] + belief[GREEDY]
    if mass <= 0:
        return reservation(v_war, GREEDY, concessions, other_open, p)
    return (belief[LIMITED] * reservation(v_war, LIMITED, concessions, other_open, p)
            + belief[GREEDY] * reservation(v_war, GREEDY, concessions, other_open, p)) / mass


@numba.njit(cache=True)
def state_outside_option(power: float, cohesion: float, political_cost: float, p) -> float:
    """d_S = 1 - p - c_S: the share of the stake the state expects from fighting (Fearon, M1.1/M6.1), with
    c_S = war_cost_share (1 + political cost of war + (1 - K)): fighting costs more to a government elected on peace
    and with divided security forces."""
    return 1.0 - power - p.war_cost_share * (1.0 + political_cost + (1.0 - cohesion))


@numba.njit(cache=True)
def honour_probability(belief: np.ndarray, p) -> float:
    """The state's belief that the group will keep an agreement: limited types do, greedy ones with
    `greedy_honour`, total spoilers never."""
    return belief[LIMITED] + belief[GREEDY] * p.greedy_honour


@numba.njit(cache=True)
def state_linear_utility(honour: float, outside: float, lo: np.ndarray, cost: np.ndarray, agenda: np.ndarray,
                         lin: np.ndarray, p) -> float:
    """The state's expected value of a package as const + sum lin_k x_k (shares of the stake).

    E U_S(x) = pi (1 - C(x)) + (1 - pi)(d_S - C(x)) = pi + (1 - pi) d_S - C(x), where pi is the honour probability
    and C(x) = salience_state x sum sigma_k (x_k - lo_k) the cost of what is conceded beyond the state's opening;
    when the group does not honour the deal the state is back at war having conceded anyway. Writes lin, returns
    const.
    """
    const = honour + (1.0 - honour) * outside
    for k in range(lo.shape[0]):
        w = p.salience_state * cost[k] if agenda[k] > 0 else 0.0
        lin[k] = -w
        const += w * lo[k]
    return const


@numba.njit(cache=True)
def linear_value(const: float, lin: np.ndarray, x: np.ndarray) -> float:
    """const + sum lin_k x_k."""
    v = const
    for k in range(x.shape[0]):
        v += lin[k] * x[k]
    return v


ACCEPT_TOLERANCE = 1e-9  # relative: what rounding may take from a package placed on a side's outside option


@numba.njit(cache=True)
def accepts(value: float, outside: float) -> bool:
    """A side accepts a package worth at least its outside option, at indifference included: U >= d - 1e-9 max(1,
    |d|). The protocols place packages exactly on a side's outside option when its constraint binds (the state's,
    whenever the best it may offer is what the group gets), and the value, a sum over issues, then lands a rounding
    error above or below d, so that an exact comparison accepts or refuses the same package depending on the order
    of a sum (an engine and the reference that computes the same inputs in another order parted on it)."""
    return value >= outside - ACCEPT_TOLERANCE * max(1.0, abs(outside))
