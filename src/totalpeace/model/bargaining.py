"""Multi-party negotiation on one issue at one table: Bueno de Mesquita's expected-utility model (M2.1).

The equations follow Scholz, Calbert & Smith (2011), "Unravelling Bueno de Mesquita's group decision model", as
written out in MECHANISMS.md, section M2.1. The compromise / Nash-bargaining baseline of the `decide` exchange model
(the capability x salience weighted mean) is the null model against which the dynamics are judged.

Conventions shared by every function (arrays over the table's A actors):

* Positions `x` lie on [0, 1]. Saliences `s` lie on [0, 1] (the salience of a target doubles as the probability that
  it resists a challenge, so it must be a probability).
* An actor is *present* when its capability is > 0 (`table_weights`). Absent actors neither vote nor move anyone,
  their positions are ignored (they do not even widen the position range `Δ`), and `bdm_round` leaves them where
  they are.
* Votes are weighted by `w_k = c_k s_k`, the share of its capability an actor spends on this issue.
* Pairwise arrays have shape (A, A); entry `[i, j]` concerns actor `i` challenging actor `j`.

Everything is deterministic: there is no random draw anywhere in this module.
"""

from __future__ import annotations

import numba
import numpy as np

OFFER_NONE = 0
OFFER_CONFLICT = 1
OFFER_COMPROMISE = 2
OFFER_CAPITULATION = 3
TIE_RTOL = 1e-12  # relative tolerance under which two candidates' total weighted distances count as a tie


@numba.njit(cache=True)
def table_weights(cap: np.ndarray, sal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vote weights `c s` of the present actors (capability > 0; 0 for the others) and the presence mask."""
    A = cap.shape[0]
    w = np.zeros(A)
    present = np.zeros(A, dtype=np.bool_)
    for a in range(A):
        if cap[a] > 0:
            present[a] = True
            w[a] = cap[a] * sal[a]
    return w, present


@numba.njit(cache=True)
def position_range(x: np.ndarray, present: np.ndarray) -> tuple[float, float, float]:
    """Lowest and highest position among present actors and the range `Δ` (1 where it is 0 or undefined, so that
    normalised distances stay 0 instead of 0/0). With no actor present the extremes are NaN."""
    lo, hi, any_present = np.inf, -np.inf, False
    for a in range(x.shape[0]):
        if present[a]:
            any_present = True
            lo = min(lo, x[a])
            hi = max(hi, x[a])
    if not any_present:
        return np.nan, np.nan, 1.0
    return lo, hi, (hi - lo) if hi > lo else 1.0


@numba.njit(cache=True)
def weighted_mean(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> float:
    """Compromise model / Nash bargaining solution of the `decide` exchange model: `O = Σ c s x / Σ c s`.

    It is the null model for the negotiation: where every actor gets its weight's worth, with no strategy at all.
    If the present actors' total weight is 0 (all saliences 0) the plain mean of their positions is returned; with no
    actor present the result is NaN, because there is then nothing to forecast.
    """
    lo, hi, _ = position_range(x, present)
    total, weighted, plain, n = 0.0, 0.0, 0.0, 0
    for a in range(x.shape[0]):
        total += w[a]
        weighted += w[a] * x[a]
        if present[a]:
            plain += x[a]
            n += 1
    if n == 0:
        return np.nan
    mean = weighted / total if total > 0 else plain / n
    return min(max(mean, lo), hi)  # only removes rounding noise: a convex combination stays within the positions


@numba.njit(cache=True)
def median_position(x: np.ndarray, w: np.ndarray, present: np.ndarray) -> float:
    """The Condorcet (weighted median voter) position among the present actors' positions: BDM's forecast.

    Candidate `x_j` beats `x_m` when `Σ_k v^k_{x_j x_m} > 0`, with `v^k_{ij} = c_k s_k (|x_k - x_j| - |x_k - x_i|)/Δ`.
    Summed over voters the margin of i over m is `(S_m - S_i) / Δ` with `S_a = Σ_k w_k |x_k - x_a|`, so the Condorcet
    winner (which always exists with these linear votes) is the candidate with the least total weighted distance.
    Exact ties (equal up to rounding, e.g. when the weight is split evenly between two positions) go to the tied
    candidate nearest the weighted mean, then to the lowest actor index. NaN if no actor is present.
    """
    A = x.shape[0]
    _, _, delta = position_range(x, present)
    best, total_w = np.inf, 0.0
    for i in range(A):
        total_w += w[i]
        if present[i]:
            best = min(best, _total_distance(x, w, i))
    if not np.isfinite(best):
        return np.nan
    scale = total_w * delta
    tie = best + TIE_RTOL * scale
    mean = weighted_mean(x, w, present)
    closest = np.inf
    for i in range(A):
        if present[i] and _total_distance(x, w, i) <= tie:
            closest = min(closest, abs(x[i] - mean))
    for i in range(A):
        if present[i] and _total_distance(x, w, i) <= tie and abs(x[i] - mean) <= closest + TIE_RTOL * delta:
            return x[i]
    return np.nan


@numba.njit(cache=True)
def _total_distance(x: np.ndarray, w: np.ndarray, i: int) -> float:
    """S_i = Σ_k w_k |x_i - x_k|: the total weighted distance of the other positions from x_i."""
    s = 0.0
    for k in range(x.shape[0]):
        s += w[k] * abs(x[i] - x[k])
    return s


@numba.njit(cache=True)
def win_probabilities(x: np.ndarray, w: np.ndarray, present: np.ndarray, delta: float) -> np.ndarray:
    """`P[i, j]`: probability that `i` prevails over `j` if it challenges it (dmasad form).

    `P_ij = Σ_{k: v^k_ij > 0} v^k_ij / Σ_k |v^k_ij|`: the share of all weighted votes cast in the i-versus-j contest
    that go to `i`, counting every present actor (including `i` and `j`) as a voter. Hence `P_ij + P_ji = 1`. Where
    nobody's weighted vote distinguishes the two positions the contest is even (0.5). Entries on the diagonal and
    for absent actors are 0: there is no contest.
    """
    A = x.shape[0]
    p = np.zeros((A, A))
    for i in range(A):
        for j in range(A):
            if i == j or not present[i] or not present[j]:
                continue
            favour, cast = 0.0, 0.0
            for k in range(A):
                vote = w[k] * (abs(x[j] - x[k]) - abs(x[i] - x[k])) / delta
                favour += max(vote, 0.0)
                cast += abs(vote)
            p[i, j] = favour / cast if cast > 0 else 0.5
    return p


@numba.njit(cache=True)
def _utility(base: float, r: float) -> float:
    # Bases are in [0, 1] in exact arithmetic; the floor keeps rounding from producing a negative base.
    return 2.0 - 4.0 * max(base, 0.0) ** r


@numba.njit(cache=True)
def expected_utilities(x: np.ndarray, s: np.ndarray, present: np.ndarray, delta: float, mu: float,
                       prob: np.ndarray, risk: np.ndarray, q: float, t: float) -> np.ndarray:
    """`EU[i, j] = EU_i(ij)`: what `i` expects from challenging `j`, against not challenging.

    `EU_i(ij) = s_j [P_ij U^s + (1 - P_ij) U^f] + (1 - s_j) U^s - Q U^sq - (1 - Q)[T U^b + (1 - T) U^w]`, all
    utilities evaluated with the challenger's risk exponent `r_i` (`risk`), `d_ij = |x_i - x_j| / Δ` (`delta`), the
    forecast `μ` (`mu`, the `median_position`) and the win probabilities `prob` (`win_probabilities`). The target's
    salience `s_j` is the probability that `j` resists. The status-quo terms are subtracted as a whole (the sign the
    model intends; one replication flips the `(1 - Q)` term). `q` is the probability that the status quo persists
    without a challenge, `t` the probability that a change improves things for `i`. Diagonal entries and dyads with
    an absent actor are 0 (no challenge is possible).
    """
    A = x.shape[0]
    eu = np.zeros((A, A))
    for i in range(A):
        r = risk[i]
        u_status_quo = 2.0 - 4.0 * 0.5 ** r
        for j in range(A):
            if i == j or not present[i] or not present[j]:
                continue
            d = abs(x[i] - x[j]) / delta
            u_success = _utility(0.5 - 0.5 * d, r)
            u_failure = _utility(0.5 + 0.5 * d, r)
            value = s[j] * (prob[i, j] * u_success + (1.0 - prob[i, j]) * u_failure) + (1.0 - s[j]) * u_success \
                - q * u_status_quo
            if q != 1.0:  # the change-of-status-quo terms carry weight 1 - Q
                e = (abs(x[i] - mu) + abs(x[i] - x[j])) / delta
                value = value - (1.0 - q) * (t * _utility(0.5 - 0.25 * e, r) + (1.0 - t) * _utility(0.5 + 0.25 * e, r))
            eu[i, j] = value
    return eu


@numba.njit(cache=True)
def risk_exponents(eu: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Risk exponents `r_i` in [0.5, 2] from an EU table (`eu[i, j] = EU_i(ij)`).

    The danger that `k` faces is how much the others expect to gain by challenging it, `D_k = Σ_{j≠k} EU_j(jk)`.
    Relative to the table, `R_i = (2 D_i - max D - min D) / (max D - min D)` in [-1, 1] and
    `r_i = (1 - R_i/3) / (1 + R_i/3)`: the most threatened actor gets `r = 0.5`, the most secure `r = 2`. Actors in
    a table where every danger is equal get `r = 1`; so do absent actors.
    """
    A = eu.shape[0]
    danger = np.zeros(A)
    for k in range(A):
        for i in range(A):
            if i != k and present[i] and present[k]:
                danger[k] += eu[i, k]
    d_max, d_min = -np.inf, np.inf
    for k in range(A):
        if present[k]:
            d_max = max(d_max, danger[k])
            d_min = min(d_min, danger[k])
    spread = d_max - d_min
    r = np.ones(A)
    for k in range(A):
        big_r = 0.0
        if present[k] and np.isfinite(spread) and spread > 0:
            big_r = min(max((2.0 * danger[k] - d_max - d_min) / spread, -1.0), 1.0)
        r[k] = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    return r


@numba.njit(cache=True)
def offers(x: np.ndarray, eu: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The offers of one round and the moves they cause: new positions and the kind of offer each actor accepted
    (`OFFER_*`).

    Each dyad is judged from the receiver `i`'s point of view (only dyads at different positions), with
    `EU_i(ij) = eu[i, j]` and the proposer's `EU_j(ji) = eu[j, i]`: conflict if `EU_j(ji) > EU_i(ij) > 0` (i loses
    and moves to `x_j`); compromise if `EU_j(ji) > 0 > EU_i(ij)` and `EU_j(ji) > |EU_i(ij)|` (i moves the fraction
    `|EU_i(ij) / EU_j(ji)|` of the way to `x_j`); capitulation if `EU_j(ji) > 0 > EU_i(ij)` and
    `EU_j(ji) < |EU_i(ij)|` (i moves to `x_j`). Each actor takes the offer that moves it least (ties: the lowest
    proposer index); with no offer it stays. All moves use the positions at the start of the round. New positions
    are clipped to [0, 1]; absent actors stay where they are.
    """
    A = x.shape[0]
    new_x = x.copy()
    accepted = np.zeros(A, dtype=np.int8)
    for i in range(A):
        if not present[i]:
            continue
        best_move, best_target, best_kind = np.inf, x[i], OFFER_NONE
        for j in range(A):
            if i == j or not present[j] or x[i] == x[j]:
                continue
            eu_out, eu_in = eu[i, j], eu[j, i]
            if eu_in <= 0:
                continue
            if eu_out > 0 and eu_in > eu_out:
                kind = OFFER_CONFLICT
            elif eu_out < 0 and eu_in > abs(eu_out):
                kind = OFFER_COMPROMISE
            elif eu_out < 0 and eu_in < abs(eu_out):
                kind = OFFER_CAPITULATION
            else:
                continue
            target = x[j]
            if kind == OFFER_COMPROMISE:
                step = x[i] + (x[j] - x[i]) * abs(eu_out / eu_in)
                target = min(max(step, min(x[i], x[j])), max(x[i], x[j]))  # rounding only: between the positions
            move = abs(target - x[i])
            if move < best_move:
                best_move, best_target, best_kind = move, target, kind
        if best_kind != OFFER_NONE:
            new_x[i] = min(max(best_target, 0.0), 1.0)
            accepted[i] = best_kind
    return new_x, accepted


@numba.njit(cache=True)
def bdm_round(x: np.ndarray, w: np.ndarray, s: np.ndarray, present: np.ndarray, q: float,
              t: float) -> tuple[np.ndarray, np.ndarray]:
    """One round of challenges and offers; returns the new positions and the kind of offer each actor accepted.

    As in Scholz et al., the risk exponents are derived from the table itself: the EU table is first computed with
    `r = 1` for everybody and `risk_exponents` turns it into `r_i`; the EU table with those exponents (each actor's
    own calculus) then decides the `offers`.
    """
    A = x.shape[0]
    _, _, delta = position_range(x, present)
    mu = median_position(x, w, present)
    prob = win_probabilities(x, w, present, delta)
    risk = risk_exponents(expected_utilities(x, s, present, delta, mu, prob, np.ones(A), q, t), present)
    return offers(x, expected_utilities(x, s, present, delta, mu, prob, risk, q, t), present)


@numba.njit(cache=True)
def bdm_rounds(x: np.ndarray, cap: np.ndarray, sal: np.ndarray, rounds: int, q: float) -> tuple[np.ndarray, float]:
    """`rounds` BDM rounds at one table (T = 1: a change of the status quo is taken to improve things); returns the
    positions and the median forecast after them (of the inputs if `rounds` is 0).

    Capabilities and saliences stay fixed across rounds; the engine updates them between months from the
    battlefield. The range `Δ` is recomputed from the current positions every round (both published replications
    keep the initial range): as positions converge, distances are judged relative to the remaining disagreement.
    """
    w, present = table_weights(cap, sal)
    for _ in range(rounds):
        x = bdm_round(x, w, sal, present, q, 1.0)[0]
    return x, median_position(x, w, present)
