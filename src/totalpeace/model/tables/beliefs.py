"""Beliefs and trust (Kydd & Walter 2002; Walter 1997; M1.3, M4.1).

The state does not know a group's type (limited, greedy or total spoiler, Stedman 1997): it holds a belief over the
three, starting from the scenario's prior (the `spoiler` label is the prior's mode), and updates it by Bayes' rule on
what it sees each month: whether the group accepted the package on the table (a type that would have accepted and did
not becomes less likely), major attacks, ceasefire violations and attacks on groups at other tables (spoilers commit
them more often), and violence it suffers that is attributed to it (Kydd and Walter's mechanism: extremist violence
plays on the state's mistrust of those it negotiates with).

The group's trust that the state keeps its word is the mean of a Beta distribution: kept promises (months of
implementation without a broken commitment) add to one count, broken ones (a veto player blocking implementation,
concessions withdrawn, ex-combatants killed) to the other; both counts fade so that trust can be rebuilt. The prior
comes from the guarantors (Walter: third-party guarantees make commitments credible).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from totalpeace.model.tables.issues import GREEDY, LIMITED, N_TYPES, TOTAL

NEVER = 1e-9  # floor on probabilities in the likelihoods


@numba.njit(cache=True)
def prior(mode: int, p, out: np.ndarray) -> None:
    """The prior over types: `type_prior_mode` on the scenario's label, the rest split evenly."""
    rest = (1.0 - p.type_prior_mode) / (N_TYPES - 1)
    for t in range(N_TYPES):
        out[t] = p.type_prior_mode if t == mode else rest


@numba.njit(cache=True)
def draw_type(belief: np.ndarray, u: float, explored: bool = False) -> int:
    """The group's true type, drawn from the prior with one uniform (inversion). A group whose exploratory phase
    concluded before the scenario (its table opens in formal talks) is drawn from the prior without the total spoiler:
    a total spoiler accepts nothing, so in the model it never concludes an exploratory phase, and the scenario records
    that this one did."""
    top = N_TYPES
    if explored and belief[LIMITED] + belief[GREEDY] > 0:
        top = TOTAL  # the types before it: limited and greedy
        u *= belief[LIMITED] + belief[GREEDY]  # the same uniform, over those two alone
    cumulative = 0.0
    for t in range(top):
        cumulative += belief[t]
        if u < cumulative:
            return t
    return top - 1 if top == N_TYPES or belief[GREEDY] > 0 else LIMITED


@numba.njit(cache=True)
def bayes(belief: np.ndarray, loglik: np.ndarray) -> None:
    """belief <- belief x exp(loglik), normalised (in place, stable in logs)."""
    top = -np.inf
    for t in range(N_TYPES):
        if belief[t] > 0:
            top = max(top, loglik[t])
    if not np.isfinite(top):
        return
    total = 0.0
    for t in range(N_TYPES):
        belief[t] = belief[t] * math.exp(loglik[t] - top) if belief[t] > 0 else 0.0
        total += belief[t]
    if total > 0:
        for t in range(N_TYPES):
            belief[t] /= total


@numba.njit(cache=True)
def response_loglik(accepted: bool, group_value: float, outside: np.ndarray, scale: float, p, out: np.ndarray) -> None:
    """Adds log P(response | type) to out: the state expects a type to accept when the package beats that type's
    outside option outside[t]; it is unsure of the group's war value, so the chance is a logistic of the margin
    relative to it (`acceptance_slope`). A total spoiler may feign agreement (spoiling by stealth, Stedman 1997):
    it accepts with chance `spoiler_mimicry`."""
    for t in range(N_TYPES):
        if t == TOTAL or not np.isfinite(outside[t]):
            q = min(max(p.spoiler_mimicry, NEVER), 1.0 - NEVER)
        else:
            z = p.acceptance_slope * (group_value - outside[t]) / max(scale, 1e-9)
            q = 1.0 / (1.0 + math.exp(-min(max(z, -50.0), 50.0)))
            q = min(max(q, NEVER), 1.0 - NEVER)
        out[t] += math.log(q if accepted else 1.0 - q)


@numba.njit(cache=True)
def count_loglik(count: float, rates: np.ndarray, out: np.ndarray) -> None:
    """Adds the Poisson log-likelihood of `count` events in a month given each type's monthly rate."""
    for t in range(N_TYPES):
        r = max(rates[t], 1e-12)
        out[t] += count * math.log(r) - r


@numba.njit(cache=True)
def event_loglik(seen: bool, chances: np.ndarray, out: np.ndarray) -> None:
    """Adds the log-likelihood of an event seen, or not, in a month given each type's chance of it (Bernoulli)."""
    for t in range(N_TYPES):
        c = min(max(chances[t], 1e-12), 1.0 - 1e-12)
        out[t] += math.log(c) if seen else math.log(1.0 - c)


@numba.njit(cache=True)
def spoiling_rates(p, out: np.ndarray) -> None:
    """Monthly rates of major attacks (and of attacks on other tables' groups) by type."""
    out[LIMITED] = p.spoiling_rate_limited
    out[GREEDY] = p.spoiling_rate_greedy
    out[TOTAL] = p.spoiling_rate_total


@numba.njit(cache=True)
def drawn_attacks(rate: float, u: float) -> float:
    """The month's major attacks by a group at its table, Poisson at `rate` from one uniform draw `u` (the inverse
    of the distribution function, so one draw decides the count). The rate is the group's own type's
    (`spoiling_rates`), the one the state's reading of attacks expects of that type: spoilers reveal themselves by
    the violence the state sees (Kydd and Walter 2002), and the state's Bayes rule is right on average."""
    count, term = 0, math.exp(-rate)
    cumulative = term
    while u >= cumulative and count < 100:
        count += 1
        term *= rate / count
        cumulative += term
    return float(count)


@numba.njit(cache=True)
def violation_rates(p, out: np.ndarray) -> None:
    """Monthly rates of the scenario's dated ceasefire violations by type (while a ceasefire is in force); the
    violations the state sees of a group's own conduct are read against `choices.violation_chances` instead."""
    out[LIMITED] = p.violation_rate_limited
    out[GREEDY] = p.violation_rate_greedy
    out[TOTAL] = p.violation_rate_total


@numba.njit(cache=True)
def trust_prior(guarantee: float, p) -> tuple[float, float]:
    """Beta counts of the group's initial trust: trust_base raised toward 1 by the guarantor index (Walter),
    worth `trust_prior_months` months of evidence."""
    mean = p.trust_base + (1.0 - p.trust_base) * p.guarantor_trust * min(max(guarantee, 0.0), 1.0)
    return mean * p.trust_prior_months, (1.0 - mean) * p.trust_prior_months


@numba.njit(cache=True)
def trust_step(kept: float, broken: float, kept_now: float, broken_now: float, p) -> tuple[float, float]:
    """One month of trust evidence: both counts fade by `trust_memory`, then add this month's evidence."""
    return p.trust_memory * kept + kept_now, p.trust_memory * broken + broken_now


@numba.njit(cache=True)
def concession_evidence(kinds_in_force: float, guarantee: float, p) -> float:
    """Months of evidence for the state's word from the concessions it keeps in force at an open table (arrest
    orders or extradition suspended, bombing suspended, a zone): a concession the group could exploit and the state
    still keeps is a costly signal that it means what it offers (Kydd 2000, 2005), counted like a month of an
    agreement implemented, `concession_trust_months` per kind and month, in proportion to the guarantor index G
    (0-1): what the state does at the table counts as evidence of its word where third parties verify it and vouch
    for it (Walter 1997, 2002), as G already sets the trust a table starts from (`trust_prior`)."""
    return p.concession_trust_months * max(kinds_in_force, 0.0) * min(max(guarantee, 0.0), 1.0)
