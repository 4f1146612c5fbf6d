"""Multi-party negotiation on one issue: Bueno de Mesquita's expected-utility model (M2.1).

The equations follow Scholz, Calbert & Smith (2011), "Unravelling Bueno de Mesquita's group decision model", as
written out in MECHANISMS.md, section M2.1. The compromise / Nash-bargaining baseline of the `decide` exchange model
(the capability x salience weighted mean) is the null model against which the dynamics are judged.

Conventions shared by every function:

* Inputs `pos`, `cap`, `sal` have shape `(..., A)`: any leading batch axes (the engine uses `(runs, tables, actors)`)
  and the actor axis last. They broadcast against each other.
* Positions lie on [0, 1]. Saliences lie on [0, 1] (the salience of a target doubles as the probability that it
  resists a challenge, so it must be a probability).
* An actor is *present* when its capability is > 0. Absent actors neither vote nor move anyone, their positions are
  ignored (they do not even widen the position range `Δ`), and `bdm_round` leaves them where they are.
* Pairwise arrays have shape `(..., A, A)`; entry `[..., i, j]` concerns actor `i` challenging actor `j`.
* Votes are weighted by `w_k = c_k s_k`, the share of its capability an actor spends on this issue.

Everything is deterministic: there is no random draw anywhere in this module.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "OFFER_CAPITULATION",
    "OFFER_COMPROMISE",
    "OFFER_CONFLICT",
    "OFFER_NONE",
    "bdm_round",
    "bdm_rounds",
    "expected_utilities",
    "median_position",
    "risk_exponents",
    "weighted_mean",
    "win_probabilities",
]

Float = NDArray[np.float64]
RiskView = Literal["own", "receiver"]

OFFER_NONE = 0
OFFER_CONFLICT = 1
OFFER_COMPROMISE = 2
OFFER_CAPITULATION = 3

# Relative tolerance under which two candidates' total weighted distances count as a tie in `median_position`.
_TIE_RTOL = 1e-12


def _prepare(pos: ArrayLike, cap: ArrayLike, sal: ArrayLike) -> tuple[Float, Float, NDArray[np.bool_]]:
    """Broadcast the three actor arrays to one shape; return positions, vote weights `c s` and the presence mask."""
    x, c, s = np.broadcast_arrays(
        np.asarray(pos, dtype=np.float64), np.asarray(cap, dtype=np.float64), np.asarray(sal, dtype=np.float64)
    )
    if x.ndim == 0:
        raise ValueError("pos, cap and sal need an actor axis (the last axis)")
    present = c > 0
    w = np.where(present, c * s, 0.0)
    return x, w, present


def _span(x: Float, present: NDArray[np.bool_]) -> tuple[Float, Float, Float]:
    """Lowest and highest position among present actors and the range `Δ` (1 where undefined, to divide safely).

    Where no actor is present the extremes are NaN. Where `Δ = 0` every distance is 0 anyway, so dividing by 1 keeps
    all normalised distances at 0 instead of producing 0/0.
    """
    any_present = present.any(axis=-1)
    lo = np.where(present, x, np.inf).min(axis=-1)
    hi = np.where(present, x, -np.inf).max(axis=-1)
    lo = np.where(any_present, lo, np.nan)
    hi = np.where(any_present, hi, np.nan)
    delta = np.where(any_present & (hi > lo), hi - lo, 1.0)
    return lo, hi, delta


def _pair_mask(present: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """`[..., i, j]` is True where both actors are present and distinct: the dyads that can bargain."""
    a = present.shape[-1]
    return present[..., :, None] & present[..., None, :] & ~np.eye(a, dtype=bool)


def _weighted_mean(x: Float, w: Float, present: NDArray[np.bool_]) -> Float:
    lo, hi, _ = _span(x, present)
    total = w.sum(axis=-1)
    n = present.sum(axis=-1)
    plain = np.where(present, x, 0.0).sum(axis=-1) / np.maximum(n, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(total > 0, (w * x).sum(axis=-1) / np.where(total > 0, total, 1.0), plain)
    # Clipping only removes rounding noise: a convex combination cannot leave the hull of the positions.
    return np.where(n > 0, np.clip(mean, lo, hi), np.nan)


def weighted_mean(pos: ArrayLike, cap: ArrayLike, sal: ArrayLike) -> Float:
    """Compromise model / Nash bargaining solution of the `decide` exchange model: `O = Σ c s x / Σ c s`.

    It is the null model for the negotiation: where every actor gets its weight's worth, with no strategy at all.
    If the present actors' total weight is 0 (all saliences 0) the plain mean of their positions is returned; with no
    actor present the result is NaN, because there is then nothing to forecast.
    """
    x, w, present = _prepare(pos, cap, sal)
    return _weighted_mean(x, w, present)


def _median(x: Float, w: Float, present: NDArray[np.bool_]) -> Float:
    # Votes for i over m summed over voters: Σ_k v^k_{i m} = (S_m - S_i) / Δ with S_a = Σ_k w_k |x_k - x_a|.
    # So the smallest pairwise margin of candidate i is (min_m S_m - S_i) / Δ, and the candidate with the largest
    # smallest margin (the Condorcet winner, which always exists with these linear votes) is the one with least S.
    dist = np.abs(x[..., :, None] - x[..., None, :])
    total_distance = (w[..., None, :] * dist).sum(axis=-1)
    total_distance = np.where(present, total_distance, np.inf)
    best = total_distance.min(axis=-1, keepdims=True)
    _, _, delta = _span(x, present)
    scale = w.sum(axis=-1, keepdims=True) * delta[..., None]
    tied = present & (total_distance <= best + _TIE_RTOL * scale)
    # Tie-break: the tied candidate nearest the weighted mean (again up to rounding), then the lowest actor index
    # (argmax returns the first True).
    mean = _weighted_mean(x, w, present)
    gap = np.where(tied, np.abs(x - mean[..., None]), np.inf)
    nearest = tied & (gap <= gap.min(axis=-1, keepdims=True) + _TIE_RTOL * delta[..., None])
    pick = np.argmax(nearest, axis=-1)
    chosen = np.take_along_axis(x, pick[..., None], axis=-1)[..., 0]
    return np.where(present.any(axis=-1), chosen, np.nan)


def median_position(pos: ArrayLike, cap: ArrayLike, sal: ArrayLike) -> Float:
    """The Condorcet (weighted median voter) position among the present actors' positions: BDM's forecast.

    Candidate `x_j` beats `x_m` when `Σ_k v^k_{x_j x_m} > 0`, with `v^k_{ij} = c_k s_k (|x_k - x_j| - |x_k - x_i|)/Δ`.
    The function returns the candidate whose smallest pairwise margin is largest; a Condorcet winner (all margins
    >= 0) always exists here because the votes are linear in distance. Exact ties (margins equal up to rounding, e.g.
    when the weight is split evenly between two positions) go to the tied candidate nearest the weighted mean, then
    to the lowest actor index. NaN if no actor is present.
    """
    x, w, present = _prepare(pos, cap, sal)
    return _median(x, w, present)


def _win_probabilities(x: Float, w: Float, present: NDArray[np.bool_]) -> Float:
    _, _, delta = _span(x, present)
    dist = np.abs(x[..., :, None] - x[..., None, :])  # [a, k] = |x_a - x_k|
    # votes[..., i, j, k] = v^k_ij: k's vote for i's position over j's.
    votes = w[..., None, None, :] * (dist[..., None, :, :] - dist[..., :, None, :]) / delta[..., None, None, None]
    favour = np.clip(votes, 0.0, None).sum(axis=-1)
    cast = np.abs(votes).sum(axis=-1)
    # Where no weighted voter prefers either position (same position, or no salience at all) the contest is even.
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(cast > 0, favour / np.where(cast > 0, cast, 1.0), 0.5)
    return np.where(_pair_mask(present), p, 0.0)


def win_probabilities(pos: ArrayLike, cap: ArrayLike, sal: ArrayLike) -> Float:
    """`P[..., i, j]`: probability that `i` prevails over `j` if it challenges it (dmasad form).

    `P_ij = Σ_{k: v^k_ij > 0} v^k_ij / Σ_k |v^k_ij|`: the share of all weighted votes cast in the i-versus-j contest
    that go to `i`, counting every present actor (including `i` and `j`) as a voter. Hence `P_ij + P_ji = 1`. Where
    nobody's weighted vote distinguishes the two positions the contest is even (0.5). Entries on the diagonal and
    for absent actors are 0: there is no contest.
    """
    x, w, present = _prepare(pos, cap, sal)
    return _win_probabilities(x, w, present)


class _Table:
    """What every EU evaluation of one round shares: range, forecast and win probabilities (computed once)."""

    def __init__(self, x: Float, w: Float, s: Float, present: NDArray[np.bool_]) -> None:
        self.x, self.w, self.s, self.present = x, w, s, present
        self.delta = _span(x, present)[2]
        self.mu = _median(x, w, present)
        self.p = _win_probabilities(x, w, present)
        self.pairs = _pair_mask(present)


def _expected_utilities(table: _Table, exponent: Float, q: float, t: float) -> Float:
    """EU_i(ij) for every dyad, with the risk exponent given per dyad (`exponent[..., i, j]`)."""
    x, s, mu, p = table.x, table.s, table.mu, table.p
    dd = table.delta[..., None, None]
    d = np.abs(x[..., :, None] - x[..., None, :]) / dd
    r = exponent

    def util(base: Float) -> Float:
        # Bases are in [0, 1] in exact arithmetic; the clip keeps rounding from producing a negative base.
        return 2.0 - 4.0 * np.clip(base, 0.0, None) ** r

    u_success = util(0.5 - 0.5 * d)
    u_failure = util(0.5 + 0.5 * d)
    u_status_quo = 2.0 - 4.0 * 0.5**r
    s_target = s[..., None, :]
    eu = s_target * (p * u_success + (1.0 - p) * u_failure) + (1.0 - s_target) * u_success - q * u_status_quo
    if q != 1.0:  # the change-of-status-quo terms carry weight 1 - Q
        e = (np.abs(x - mu[..., None])[..., :, None] + np.abs(x[..., :, None] - x[..., None, :])) / dd
        u_better = util(0.5 - 0.25 * e)
        u_worse = util(0.5 + 0.25 * e)
        eu = eu - (1.0 - q) * (t * u_better + (1.0 - t) * u_worse)
    return np.where(table.pairs, eu, 0.0)


def expected_utilities(
    pos: ArrayLike,
    cap: ArrayLike,
    sal: ArrayLike,
    risk: ArrayLike,
    q: float = 1.0,
    t: float = 1.0,
) -> Float:
    """`EU[..., i, j] = EU_i(ij)`: what `i` expects from challenging `j`, against not challenging.

    `EU_i(ij) = s_j [P_ij U^s + (1 - P_ij) U^f] + (1 - s_j) U^s - Q U^sq - (1 - Q)[T U^b + (1 - T) U^w]`, all
    utilities evaluated with the challenger's risk exponent `r_i` (`risk`, shape `(..., A)`), `d_ij = |x_i - x_j|/Δ`
    and the forecast `μ` = `median_position`. The target's salience `s_j` is the probability that `j` resists. The
    status-quo terms are subtracted as a whole (the sign the model intends; one replication flips the `(1 - Q)` term).
    `q` is the probability that the status quo persists without a challenge, `t` the probability that a change
    improves things for `i`. Diagonal entries and dyads with an absent actor are 0 (no challenge is possible).
    """
    x, w, present = _prepare(pos, cap, sal)
    s = np.broadcast_to(np.asarray(sal, dtype=np.float64), x.shape)
    r = np.broadcast_to(np.asarray(risk, dtype=np.float64), x.shape)
    return _expected_utilities(_Table(x, w, s, present), r[..., :, None], q, t)


def risk_exponents(eu: ArrayLike, present: ArrayLike | None = None) -> Float:
    """Risk exponents `r_i` in [0.5, 2] from an EU table (`eu[..., i, j] = EU_i(ij)`), shape `(..., A)`.

    The danger that `k` faces is how much the others expect to gain by challenging it, `D_k = Σ_{j≠k} EU_j(jk)`.
    Relative to the table, `R_i = (2 D_i - max D - min D) / (max D - min D)` in [-1, 1] and
    `r_i = (1 - R_i/3) / (1 + R_i/3)`: the most threatened actor gets `r = 0.5`, the most secure `r = 2`. Actors in
    a table where every danger is equal get `r = 1`; so do absent actors (`present` False; by default every actor is
    taken as present, and the diagonal of `eu` is ignored).
    """
    table = np.asarray(eu, dtype=np.float64)
    if table.ndim < 2 or table.shape[-1] != table.shape[-2]:
        raise ValueError("eu must have shape (..., A, A)")
    mask = np.ones(table.shape[:-1], dtype=bool) if present is None else np.asarray(present, dtype=bool)
    mask = np.broadcast_to(mask, table.shape[:-1])
    pair = _pair_mask(mask)
    danger = np.where(pair, table, 0.0).sum(axis=-2)  # column sums: challenges aimed at k
    d_max = np.where(mask, danger, -np.inf).max(axis=-1, keepdims=True)
    d_min = np.where(mask, danger, np.inf).min(axis=-1, keepdims=True)
    spread = d_max - d_min
    ok = mask & np.isfinite(spread) & (spread > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        big_r = np.where(ok, (2.0 * danger - d_max - d_min) / np.where(ok, spread, 1.0), 0.0)
    big_r = np.clip(big_r, -1.0, 1.0)
    return (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)


def bdm_round(
    pos: ArrayLike,
    cap: ArrayLike,
    sal: ArrayLike,
    risk: ArrayLike | None = None,
    q: float = 1.0,
    t: float = 1.0,
    *,
    risk_view: RiskView = "own",
) -> tuple[Float, dict[str, Any]]:
    """One round of challenges and offers; returns the new positions and a dict of diagnostics.

    1. Risk: with `risk=None` the exponents are derived as in Scholz et al.: the EU table is first computed with
       `r = 1` for everybody, and `risk_exponents` turns that table into `r_i`. Pass `risk` to impose exponents.
    2. EU in both directions with those exponents. `risk_view="own"` evaluates `EU_j(ji)` with `j`'s exponent (each
       actor's own calculus); `"receiver"` evaluates both `EU_i(ij)` and `EU_j(ji)` with the receiver `i`'s exponent,
       each actor judging the dyad through its own eyes (the jmckib replication does this, following Scholz's code).
    3. Each dyad is classified from the receiver `i`'s point of view (only dyads at different positions):
       conflict if `EU_j(ji) > EU_i(ij) > 0` (i loses and moves to `x_j`); compromise if `EU_j(ji) > 0 > EU_i(ij)` and
       `EU_j(ji) > |EU_i(ij)|` (i moves the fraction `|EU_i(ij)/EU_j(ji)|` of the way to `x_j`); capitulation if
       `EU_j(ji) > 0 > EU_i(ij)` and `EU_j(ji) < |EU_i(ij)|` (i moves to `x_j`).
    4. Each actor takes the offer that moves it least (ties: the lowest proposer index); with no offer it stays.
       All moves use the positions at the start of the round. New positions are clipped to [0, 1]; absent actors are
       returned unchanged.

    Diagnostics (`info`): `forecast` and `mean` (median and weighted mean after the move, shape `(...)`), counts of
    offers by type over all dyads (`conflict`, `compromise`, `capitulation`, shape `(...)`), the type of the offer
    each actor accepted (`accepted`, shape `(..., A)`, codes `OFFER_*`) and the exponents used (`risk`).
    """
    if risk_view not in ("own", "receiver"):
        raise ValueError(f"risk_view must be 'own' or 'receiver', not {risk_view!r}")
    x, w, present = _prepare(pos, cap, sal)
    s = np.broadcast_to(np.asarray(sal, dtype=np.float64), x.shape)
    table = _Table(x, w, s, present)
    if risk is None:
        r = risk_exponents(_expected_utilities(table, np.ones(1), q, t), present)
    else:
        r = np.where(present, np.broadcast_to(np.asarray(risk, dtype=np.float64), x.shape), 1.0)

    eu_out = _expected_utilities(table, r[..., :, None], q, t)  # eu_out[..., i, j] = EU_i(ij)
    # eu_in[..., i, j] = EU_j(ji): what proposer j expects from challenging receiver i.
    if risk_view == "own":
        eu_in = np.swapaxes(eu_out, -1, -2)
    else:
        # With the receiver's exponent: EU_j(ji) is entry [..., j, i] of a table whose exponent is r_i in column i.
        eu_in = np.swapaxes(_expected_utilities(table, r[..., None, :], q, t), -1, -2)

    valid = table.pairs & (x[..., :, None] != x[..., None, :])
    challenged = valid & (eu_in > 0)
    conflict = challenged & (eu_out > 0) & (eu_in > eu_out)
    losing = challenged & (eu_out < 0)
    compromise = losing & (eu_in > np.abs(eu_out))
    capitulation = losing & (eu_in < np.abs(eu_out))

    x_i = x[..., :, None]
    x_j = x[..., None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.where(compromise, np.abs(eu_out / np.where(compromise, eu_in, 1.0)), 0.0)
    # The clip only guards against rounding: a compromise lies between the two positions.
    step = np.clip(x_i + (x_j - x_i) * fraction, np.minimum(x_i, x_j), np.maximum(x_i, x_j))
    target = np.where(compromise, step, x_j)
    offered = conflict | compromise | capitulation
    move = np.where(offered, np.abs(target - x_i), np.inf)
    pick = np.argmin(move, axis=-1)
    has_offer = offered.any(axis=-1)
    chosen = np.take_along_axis(target, pick[..., None], axis=-1)[..., 0]
    new_x = np.where(present & has_offer, np.clip(chosen, 0.0, 1.0), x)

    kind = np.where(conflict, OFFER_CONFLICT, np.where(compromise, OFFER_COMPROMISE, OFFER_CAPITULATION))
    accepted = np.where(
        present & has_offer, np.take_along_axis(kind, pick[..., None], axis=-1)[..., 0], OFFER_NONE
    ).astype(np.int8)
    info: dict[str, Any] = {
        "forecast": _median(new_x, w, present),
        "mean": _weighted_mean(new_x, w, present),
        "conflict": conflict.sum(axis=(-2, -1)),
        "compromise": compromise.sum(axis=(-2, -1)),
        "capitulation": capitulation.sum(axis=(-2, -1)),
        "accepted": accepted,
        "risk": r,
    }
    return new_x, info


def bdm_rounds(
    pos: ArrayLike,
    cap: ArrayLike,
    sal: ArrayLike,
    rounds: int,
    q: float = 1.0,
    t: float = 1.0,
    *,
    risk_view: RiskView = "own",
) -> tuple[Float, Float]:
    """Run `rounds` rounds of `bdm_round` (risk exponents re-derived every round); return (positions, forecast).

    The forecast is the median position after the last round (or of the inputs if `rounds` is 0). Capabilities and
    saliences stay fixed across rounds; the engine updates them between calls from the battlefield. The range `Δ` is
    recomputed from the current positions every round (the function is stateless), whereas both replications keep
    the initial range; as positions converge, distances are therefore judged relative to the remaining disagreement.
    """
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    x, w, present = _prepare(pos, cap, sal)
    x = x.copy()
    for _ in range(rounds):
        x, _info = bdm_round(x, cap, sal, None, q, t, risk_view=risk_view)
    return x, _median(x, w, present)
