"""M2.2 territorial contest and vacuum filling: efforts, contest-success functions, the control update and the record
of control vacated by groups standing down (one run; control is (T, G + 1), the state in the last column)."""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.rng import draw_normal
from totalpeace.model import security
from totalpeace.model.buffers import zeroed

VACUUM_MEMORY = 0.8  # monthly persistence of the vacated-control record
REFERENCE_WIDTH_KM = 150.0  # width at which neighbour_reach is the share of effort spent next door (a median
# department, sqrt of about 22,000 km2)
MAX_REACH = 0.9  # a member spends at least a tenth of its effort in its own territory


@numba.njit(cache=True)
def perturb_efforts(effort: np.ndarray, key: np.uint64, draws, p) -> None:
    """Log-normal effort noise with mean one, e exp(sigma eps - sigma^2 / 2), eps ~ N(0, 1) number t (G + 1) + a of
    the stream (in place). An actor absent from a territory stays absent (no draw is needed there)."""
    T, A = effort.shape
    sigma = p.effort_noise
    for t in range(T):
        for a in range(A):
            if effort[t, a] == 0.0:
                continue
            eps = draw_normal(draws, key, t * A + a)
            effort[t, a] *= np.exp(sigma * eps - 0.5 * sigma ** 2)


@numba.njit(cache=True)
def reach_shares(area: np.ndarray, indptr: np.ndarray, p) -> np.ndarray:
    """Share of a member's effort spent in the neighbouring territories (T,): r_i = min(MAX_REACH, r_0
    REFERENCE_WIDTH_KM / width_i), width_i = sqrt(area_i), 0 for a territory without neighbours. A member patrols a
    fixed radius, so the narrower its territory the more of it lies next door: the same reach in kilometres at
    department and at municipal scale."""
    T = area.shape[0]
    out = np.zeros(T)
    for t in range(T):
        if indptr[t + 1] > indptr[t]:
            width = np.sqrt(max(area[t], 1e-9) * 1000.0)
            out[t] = min(MAX_REACH, p.neighbour_reach * REFERENCE_WIDTH_KM / width)
    return out


@numba.njit(cache=True)
def effective_presence(members: np.ndarray, support: np.ndarray, reach: np.ndarray, indptr: np.ndarray,
                       indices: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """The member-equivalents each group brings to each territory (G, T), its armed members plus omega_s times its
    support networks, each member's effort split between home (1 - r_j) and its territory's neighbours (r_j):
    E_g,i = (1 - r_i) n_g,i + sum_{j ~ i} r_j n_g,j w_g,ji. The effort sent next door follows the group's own
    members there (w_g,ji = n_g,i / sum_{k ~ j} n_g,k: fronts patrol the corridors between them, not ground where
    the group does not operate), shared equally among the neighbours when it has none in any. Summed over
    territories it is the group's members, never more: reach moves effort, it does not multiply it."""
    G, T = members.shape
    out = zeroed(out, (G, T))
    n = np.empty(T)  # one group's member-equivalents per territory
    for g in range(G):
        for t in range(T):
            n[t] = members[g, t] + p.support_effort_weight * support[g, t]
        for t in range(T):
            if n[t] <= 0.0:
                continue
            deg = indptr[t + 1] - indptr[t]
            away = reach[t] if deg > 0 else 0.0
            out[g, t] += (1.0 - away) * n[t]
            if away <= 0.0:
                continue
            nearby = 0.0
            for e in range(indptr[t], indptr[t + 1]):
                nearby += n[indices[e]]
            for e in range(indptr[t], indptr[t + 1]):
                j = indices[e]
                if nearby > 0.0:
                    out[g, j] += away * n[t] * n[j] / nearby
                else:
                    out[g, j] += away * n[t] / deg
    return out


@numba.njit(cache=True)
def group_efforts(presence: np.ndarray, multiplier: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Contest efforts (T, G + 1) of the groups, the state's column left at zero (`security.state_efforts` fills it):
    a group's effective presence (`effective_presence`) times its multiplier (its arms, and the share of operations
    it keeps in a ceasefire). Foreign cartels hold ground like any group when they have members there."""
    G, T = presence.shape
    out = zeroed(out, (T, G + 1))
    effort = out
    for g in range(G):
        for t in range(T):
            effort[t, g] = presence[g, t] * multiplier[g]
    return effort


@numba.njit(cache=True)
def efforts(presence: np.ndarray, multiplier: np.ndarray, cohesion: float, control: np.ndarray, zone: np.ndarray,
            zoned: bool, forces: float, conditional: bool, base: np.ndarray, state_presence: np.ndarray,
            p) -> np.ndarray:
    """Contest efforts (T, G + 1) of the groups (`group_efforts`) and the state (`security.state_efforts`, deployed on
    the base weights `base` of `security.targeting`), without noise."""
    effort = group_efforts(presence, multiplier)
    security.state_efforts(cohesion, forces, base, control, state_presence, conditional, zone, zoned, p, effort)
    return effort


@numba.njit(cache=True)
def contest_shares(effort: np.ndarray, difference: bool, p, out: np.ndarray | None = None) -> np.ndarray:
    """Contest outcome p_a,i per territory (T, G + 1).

    Ratio form (Tullock): p_a = e_a^m / sum_b e_b^m. Difference form (Hirshleifer's logistic, generalised to many
    actors as a softmax of k e_a / mean(e) over the actors present): increasing returns up to parity, which allows
    one-sided submission; efforts are scaled by their mean so the unit of effort does not matter. Actors without
    effort get nothing; where nobody exerts any effort the state keeps nominal control.
    """
    T, A = effort.shape
    out = zeroed(out, (T, A))
    for t in range(T):
        total = 0.0
        if difference:
            n, s = 0, 0.0
            for a in range(A):
                if effort[t, a] > 0:
                    n += 1
                    s += effort[t, a]
            mean = max(s / max(n, 1), 1e-12)
            top = -1e300
            for a in range(A):
                if effort[t, a] > 0:
                    top = max(top, p.contest_difference_k * effort[t, a] / mean)
            for a in range(A):
                if effort[t, a] > 0:
                    out[t, a] = np.exp(p.contest_difference_k * effort[t, a] / mean - top)
                    total += out[t, a]
        else:
            power = p.contest_decisiveness
            for a in range(A):
                out[t, a] = max(effort[t, a], 0.0) if power == 1.0 else max(effort[t, a], 0.0) ** power
                total += out[t, a]
        if total > 0:
            for a in range(A):
                out[t, a] /= total
        else:
            out[t, A - 1] = 1.0
    return out


@numba.njit(cache=True)
def update_control(control: np.ndarray, outcome: np.ndarray, turnover: float) -> None:
    """c_{t+1} = (1 - nu) c_t + nu p: control moves toward the contest outcome (in place); shares keep summing to one
    (renormalised against rounding)."""
    T, A = control.shape
    for t in range(T):
        total = 0.0
        for a in range(A):
            control[t, a] = (1.0 - turnover) * control[t, a] + turnover * outcome[t, a]
            total += control[t, a]
        for a in range(A):
            control[t, a] /= total


@numba.njit(cache=True)
def vacated_control(before: np.ndarray, after: np.ndarray, leaving: np.ndarray,
                    out: np.ndarray | None = None) -> np.ndarray:
    """Control lost this month by groups standing down (ceasefire, DDR), per territory (T,):
    V_i = sum_g leaving_g max(0, c_g,before - c_g,after). The state's losses are never vacated ground."""
    T, A = before.shape
    out = zeroed(out, T)
    for t in range(T):
        for g in range(A - 1):
            out[t] += max(before[t, g] - after[t, g], 0.0) * leaving[g]
    return out


@numba.njit(cache=True)
def remember_vacated(vacated: np.ndarray, vacated_now: np.ndarray) -> None:
    """The decaying record of vacated control (in place): V_t = 0.8 V_{t-1} + vacated this month."""
    for t in range(vacated.shape[0]):
        vacated[t] = VACUUM_MEMORY * vacated[t] + vacated_now[t]


@numba.njit(cache=True)
def remember_leader_vacuum(record: np.ndarray, vacated_now: np.ndarray, p) -> None:
    """The record of vacated control that social-leader killings follow (in place), in the units of the vacated
    record: W_t = mu W_{t-1} + (1 - mu) / (1 - 0.8) x vacated this month, mu = 1 - 1 / tau_V. Each vacated share adds
    the same total to W over time as to the vacated record (so lambda_0 keeps its meaning), spread over tau_V months
    instead of five: successors fight over ground for years, not months (Prem et al. 2022)."""
    mu = 1.0 - 1.0 / max(p.leader_vacuum_memory, 1.0)
    weight = (1.0 - mu) / (1.0 - VACUUM_MEMORY)
    for t in range(record.shape[0]):
        record[t] = mu * record[t] + weight * vacated_now[t]


@numba.njit(cache=True)
def state_fill_share(before: np.ndarray, after: np.ndarray, vacated_now: np.ndarray) -> float:
    """Share of the control gained this month in territories with vacated ground that went to the state."""
    T, A = before.shape
    gain_state, gain_all = 0.0, 0.0
    for t in range(T):
        if vacated_now[t] > 1e-6:
            for a in range(A):
                gained = max(after[t, a] - before[t, a], 0.0)
                gain_all += gained
                if a == A - 1:
                    gain_state += gained
    return gain_state / max(gain_all, 1e-12)
