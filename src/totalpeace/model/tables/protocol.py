"""Bargaining over an issue package x in a box [lo, hi] (M2.1, M6.1): generalised Nash bargaining, alternating offers
with a risk of breakdown, and the compromise baseline. The BDM forecaster is in bdm.py.

Actors are described by arrays over an actor axis (any order, any number):

* kind[a]: LINEAR (a signatory with a veto: its utility is const[a] + sum_k lin[a, k] x_k and it accepts nothing
  below its disagreement value d[a]), QUADRATIC (a stakeholder without a veto: utility
  sum_k sal[a, k] (1 - (x_k - pos[a, k])^2) / sum_k sal[a, k]; it only pulls the package toward its positions), or
  ABSENT;
* w[a]: its bargaining weight (the exponent of its gain in the Nash product).

The two signatories (the state and the group) are the LINEAR actors. Between them the Pareto frontier of a box with
linear utilities is the fractional-knapsack path: starting from the package the first prefers, concede issue after
issue in decreasing order of (what it gives the second) / (what it costs the first). That is logrolling by salience:
concede first where the other side cares more. `frontier` builds that path once; the Nash and alternating-offers
solutions are points on it, found exactly. Stakeholders without a veto (guarantors, the host) enter the generalised
Nash product; with them the product is maximised by projected Newton steps from the two-party solution (the
objective is smooth and concave on the box, so they converge to its maximum).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from totalpeace.model import bargaining

LINEAR, QUADRATIC, ABSENT = 0, 1, -1
FEASIBLE, INFEASIBLE = 1, 0
NEWTON_STEPS = 60
STEP_TOLERANCE = 1e-13  # a Newton step smaller than this share of an issue's range ends the polish
# Near the maximum the Nash product changes by the square of the step, below rounding once the step is under about
# sqrt(machine epsilon): a Newton step smaller than this share of an issue's range is taken without the line search
# (which could no longer see its gain), so that the package is found to rounding rather than to about 1e-8.
FULL_STEP = 1e-6
ZONE_TOLERANCE = 1e-12  # a zone of agreement narrower than this share of the utilities' scale is rounding, not a zone
SURPLUS_FLOOR = 1e-12  # the smallest surplus the polish's derivatives divide by (a signatory exactly at its outside
# option, where the log Nash product is minus infinity)
# Rows of the scratch array (workspace): vectors over issues, then per-actor gradients, then the Newton system.
W_START, W_LENGTH, W_RATE, W_GRAD, W_DIAG, W_RHS, W_STEP, W_TRIAL, W_WARM, W_R, W_DU = range(11)


@numba.njit(cache=True)
def workspace(n_issues: int, n_actors: int) -> tuple[np.ndarray, np.ndarray]:
    """Scratch arrays for the solvers: allocate once, reuse for every table and month (allocation dominates the cost
    of a solve otherwise)."""
    width = max(n_issues, n_actors)
    return np.zeros((W_DU + 3 * n_actors + n_issues, width)), np.zeros((2, width), dtype=np.int64)


@numba.njit(cache=True)
def frontier(lo: np.ndarray, hi: np.ndarray, la: np.ndarray, lb: np.ndarray, start: np.ndarray,
             order: np.ndarray, length: np.ndarray, rate: np.ndarray) -> int:
    """The Pareto path from a's preferred package toward b's.

    Writes `start` (issues both sides agree on, or that cost a nothing, already where b wants them; contested issues
    where a wants them) and, for the n contested issues in the order they are conceded, `order` (issue index),
    `length` (utility a gives up by conceding it fully) and `rate` (utility b gains per unit a gives up). Returns n.
    Ties in rate keep the issue order, so the path is deterministic; `package_at` concedes tied issues together.
    """
    n = 0
    for k in range(lo.shape[0]):
        if hi[k] <= lo[k]:
            start[k] = lo[k]
            continue
        a, b = la[k], lb[k]
        if a == 0.0:
            start[k] = hi[k] if b > 0 else lo[k]
        elif b == 0.0 or (a > 0) == (b > 0):
            start[k] = hi[k] if a > 0 else lo[k]
        else:
            start[k] = hi[k] if a > 0 else lo[k]
            order[n] = k
            length[n] = abs(a) * (hi[k] - lo[k])
            rate[n] = abs(b) / abs(a)
            n += 1
    # insertion sort by decreasing rate, stable
    for i in range(1, n):
        k, ln, r = order[i], length[i], rate[i]
        j = i - 1
        while j >= 0 and rate[j] < r:
            order[j + 1], length[j + 1], rate[j + 1] = order[j], length[j], rate[j]
            j -= 1
        order[j + 1], length[j + 1], rate[j + 1] = k, ln, r
    return n


@numba.njit(cache=True)
def gain_at(t: float, n: int, length: np.ndarray, rate: np.ndarray) -> float:
    """What b has gained when a has given up t along the path."""
    gained, spent = 0.0, 0.0
    for j in range(n):
        step = min(length[j], max(t - spent, 0.0))
        gained += rate[j] * step
        spent += length[j]
        if t <= spent:
            break
    return gained


@numba.njit(cache=True)
def cost_for_gain(g: float, n: int, length: np.ndarray, rate: np.ndarray) -> float:
    """The smallest t at which b has gained g (the path's total length if it never does)."""
    spent, gained = 0.0, 0.0
    for j in range(n):
        full = rate[j] * length[j]
        if gained + full >= g:
            return spent + (g - gained) / rate[j]
        gained += full
        spent += length[j]
    return spent


@numba.njit(cache=True)
def package_at(t: float, lo: np.ndarray, hi: np.ndarray, la: np.ndarray, start: np.ndarray, n: int,
               order: np.ndarray, length: np.ndarray, rate: np.ndarray, x: np.ndarray) -> None:
    """The package on the path after a has given up t.

    Issues whose rates tie are one segment of the path, conceded together, each by the same share of its range: the
    sides value every split of the segment alike, and an even one is the same package whichever side the path starts
    from (conceding them one after the other in issue order would make the deal depend on the order of the actors).
    """
    for k in range(lo.shape[0]):
        x[k] = start[k]
    spent = 0.0
    j = 0
    while j < n:
        end = j + 1
        while end < n and rate[end] == rate[j]:
            end += 1
        segment = 0.0
        for i in range(j, end):
            segment += length[i]
        step = min(segment, max(t - spent, 0.0))
        share = step / segment if segment > 0.0 else 0.0
        for i in range(j, end):
            k = order[i]
            # one issue: the utility given up over what a unit of it is worth to a; tied issues: one share of each range
            move = step / abs(la[k]) if end == j + 1 else share * (hi[k] - lo[k])
            x[k] = start[k] - move if la[k] > 0 else start[k] + move
            x[k] = min(max(x[k], lo[k]), hi[k])
        spent += segment
        j = end


@numba.njit(cache=True)
def feasible_span(sa0: float, sb0: float, n: int, length: np.ndarray, rate: np.ndarray) -> tuple[float, float, bool]:
    """[t_lo, t_hi] along the path where both surpluses are >= 0 (a's is sa0 - t, b's sb0 + gain(t)); the flag says
    whether some point of it has both strictly positive (a zone of possible agreement).

    Strictly means beyond rounding (ZONE_TOLERANCE of the utilities' scale): a zone narrower than that is a single
    package at which a side is exactly at its outside option, and rounding would otherwise decide it one way or the
    other depending on which signatory the path starts from."""
    total = 0.0
    for j in range(n):
        total += length[j]
    tol = ZONE_TOLERANCE * (1.0 + abs(sa0) + abs(sb0) + total)
    if sa0 <= 0:
        return 0.0, 0.0, False
    t_hi = min(sa0, total)
    if sb0 >= 0:
        t_lo = 0.0
    elif sb0 + gain_at(total, n, length, rate) <= 0:
        return total, t_hi, False
    else:
        t_lo = cost_for_gain(-sb0, n, length, rate)
    if t_hi - t_lo > tol:
        return t_lo, t_hi, True
    ok = t_lo <= t_hi and sa0 - t_hi > tol and sb0 + gain_at(t_hi, n, length, rate) > tol
    return t_lo, t_hi, ok


@numba.njit(cache=True)
def nash_on_path(sa0: float, sb0: float, wa: float, wb: float, t_lo: float, t_hi: float, n: int,
                 length: np.ndarray, rate: np.ndarray) -> float:
    """argmax over t in [t_lo, t_hi] of wa log(sa0 - t) + wb log(sb0 + gain(t)): exact, segment by segment (the
    objective is concave along the path, so the first segment whose stationary point lies inside it holds the
    maximum)."""
    if wb <= 0:
        return t_lo
    if wa <= 0:
        return t_hi
    seg_start, sb_seg = 0.0, sb0
    for j in range(n):
        seg_end = seg_start + length[j]
        a, b = max(seg_start, t_lo), min(seg_end, t_hi)
        if b >= a:
            r = rate[j]
            t_star = (wb * r * sa0 - wa * sb_seg + wa * r * seg_start) / (r * (wa + wb))
            if t_star < b:
                return min(max(t_star, a), b)
        sb_seg += rate[j] * length[j]
        seg_start = seg_end
        if seg_start >= t_hi:
            break
    return t_hi


@numba.njit(cache=True)
def _two_signatories(kind: np.ndarray) -> tuple[int, int]:
    a, b = -1, -1
    for i in range(kind.shape[0]):
        if kind[i] == LINEAR:
            if a < 0:
                a = i
            elif b < 0:
                b = i
            else:
                return -1, -1
    return a, b


@numba.njit(cache=True)
def best_offer(lo: np.ndarray, hi: np.ndarray, const: np.ndarray, lin: np.ndarray, d: np.ndarray, a: int, b: int,
               x: np.ndarray) -> bool:
    """The package that is best for b among those a accepts (U_a >= d_a): a's best offer to b (a fractional
    knapsack on the path). Writes x (a's own best package when a accepts nothing). Returns whether a accepts any."""
    work, iwork = workspace(lo.shape[0], lin.shape[0])
    K_ = lo.shape[0]
    start, length, rate, order = work[W_START, :K_], work[W_LENGTH, :K_], work[W_RATE, :K_], iwork[0, :K_]
    n = frontier(lo, hi, lin[a], lin[b], start, order, length, rate)
    ua0 = const[a]
    for k in range(lo.shape[0]):
        ua0 += lin[a, k] * start[k]
    budget = ua0 - d[a]
    if budget < 0:
        package_at(0.0, lo, hi, lin[a], start, n, order, length, rate, x)
        return False
    package_at(budget, lo, hi, lin[a], start, n, order, length, rate, x)
    return True


@numba.njit(cache=True)
def _quadratic_utility(x: np.ndarray, pos: np.ndarray, sal: np.ndarray) -> float:
    total, u = 0.0, 0.0
    for k in range(x.shape[0]):
        total += sal[k]
        u += sal[k] * (1.0 - (x[k] - pos[k]) ** 2)
    return u / total if total > 0 else 1.0


@numba.njit(cache=True)
def utility(a: int, x: np.ndarray, kind: np.ndarray, const: np.ndarray, lin: np.ndarray, pos: np.ndarray,
            sal: np.ndarray) -> float:
    """Actor a's utility of package x."""
    if kind[a] == LINEAR:
        v = const[a]
        for k in range(x.shape[0]):
            v += lin[a, k] * x[k]
        return v
    if kind[a] == QUADRATIC:
        return _quadratic_utility(x, pos[a], sal[a])
    return 0.0


@numba.njit(cache=True)
def _objective(x: np.ndarray, kind: np.ndarray, const: np.ndarray, lin: np.ndarray, pos: np.ndarray,
               share: np.ndarray, d: np.ndarray, w: np.ndarray) -> float:
    """sum_a w_a log(U_a(x) - d_a), -inf outside the domain; share[a, k] = sal[a, k] / sum_k sal[a, k]."""
    A, K = kind.shape[0], x.shape[0]
    value = 0.0
    for a in range(A):
        if w[a] <= 0:
            continue
        if kind[a] == LINEAR:
            u = const[a]
            for k in range(K):
                u += lin[a, k] * x[k]
        elif kind[a] == QUADRATIC:
            u = 0.0
            for k in range(K):
                gap = x[k] - pos[a, k]
                u += share[a, k] * (1.0 - gap * gap)
        else:
            continue
        s = u - d[a]
        if s <= 0:
            return -np.inf
        value += w[a] * math.log(s)
    return value


@numba.njit(cache=True)
def _derivatives(x: np.ndarray, kind: np.ndarray, const: np.ndarray, lin: np.ndarray, pos: np.ndarray,
                 share: np.ndarray, d: np.ndarray, w: np.ndarray, grad: np.ndarray, du: np.ndarray, r: np.ndarray,
                 diag: np.ndarray) -> None:
    """Gradient of the log Nash product and its Hessian in factored form: H = diag - sum_a r_a du_a du_a^T. At a
    package where a signatory's surplus is exactly zero (the edge of the domain, where the search may start) the
    surplus is taken at SURPLUS_FLOOR: a steep but finite pull back inside, not a division by zero."""
    A, K = kind.shape[0], x.shape[0]
    for k in range(K):
        grad[k] = 0.0
        diag[k] = 0.0
    for a in range(A):
        r[a] = 0.0
        if w[a] <= 0 or kind[a] == ABSENT:
            continue
        if kind[a] == LINEAR:
            u = const[a]
            for k in range(K):
                u += lin[a, k] * x[k]
                du[a, k] = lin[a, k]
            ws = w[a] / max(u - d[a], SURPLUS_FLOOR)
        else:
            u = 0.0
            for k in range(K):
                gap = x[k] - pos[a, k]
                u += share[a, k] * (1.0 - gap * gap)
                du[a, k] = -2.0 * share[a, k] * gap
            ws = w[a] / max(u - d[a], SURPLUS_FLOOR)
            for k in range(K):
                diag[k] -= 2.0 * ws * share[a, k]
        r[a] = ws * ws / w[a]
        for k in range(K):
            grad[k] += ws * du[a, k]


@numba.njit(cache=True)
def _shares(sal: np.ndarray, share: np.ndarray) -> None:
    """share[a, k] = sal[a, k] / sum_k sal[a, k] (0 where an actor has no salience)."""
    for a in range(sal.shape[0]):
        total = 0.0
        for k in range(sal.shape[1]):
            total += sal[a, k]
        for k in range(sal.shape[1]):
            share[a, k] = sal[a, k] / total if total > 0 else 0.0


@numba.njit(cache=True)
def _solve_small(m: np.ndarray, rhs: np.ndarray, n: int, out: np.ndarray) -> bool:
    """Solve m[:n, :n] out = rhs[:n] by Gaussian elimination with partial pivoting (n <= 8; m is destroyed)."""
    for i in range(n):
        out[i] = rhs[i]
    for c in range(n):
        piv, best = c, abs(m[c, c])
        for r in range(c + 1, n):
            if abs(m[r, c]) > best:
                piv, best = r, abs(m[r, c])
        if best <= 1e-300:
            return False
        if piv != c:
            for j in range(n):
                m[c, j], m[piv, j] = m[piv, j], m[c, j]
            out[c], out[piv] = out[piv], out[c]
        for r in range(c + 1, n):
            f = m[r, c] / m[c, c]
            for j in range(c, n):
                m[r, j] -= f * m[c, j]
            out[r] -= f * out[c]
    for i in range(n - 1, -1, -1):
        acc = out[i]
        for j in range(i + 1, n):
            acc -= m[i, j] * out[j]
        out[i] = acc / m[i, i]
    return True


@numba.njit(cache=True)
def _polish(lo: np.ndarray, hi: np.ndarray, kind: np.ndarray, const: np.ndarray, lin: np.ndarray, pos: np.ndarray,
            sal: np.ndarray, d: np.ndarray, w: np.ndarray, x: np.ndarray, work: np.ndarray, iwork: np.ndarray) -> None:
    """Maximise the log Nash product from a feasible x by projected Newton steps (Bertsekas 1982): variables at a
    bound with the gradient pointing out are held, a damped Newton step is taken on the others, projected on the box
    and backtracked until the objective rises. The objective is concave, so this converges to its maximum."""
    A, K = kind.shape[0], lo.shape[0]
    r = work[W_R, :A]
    grad, diag, rhs, step = work[W_GRAD, :K], work[W_DIAG, :K], work[W_RHS, :K], work[W_STEP, :K]
    trial, free = work[W_TRIAL, :K], iwork[1, :K]
    du, sub = work[W_DU:W_DU + A, :K], work[W_DU + A:W_DU + A + K, :K]
    share = work[W_DU + A + K:W_DU + 2 * A + K, :K]
    _shares(sal, share)
    value = _objective(x, kind, const, lin, pos, share, d, w)
    for _ in range(NEWTON_STEPS):
        _derivatives(x, kind, const, lin, pos, share, d, w, grad, du, r, diag)
        n, scale = 0, 0.0
        for k in range(K):
            at_lo = x[k] <= lo[k] + 1e-14 and grad[k] <= 0
            at_hi = x[k] >= hi[k] - 1e-14 and grad[k] >= 0
            if hi[k] > lo[k] and not at_lo and not at_hi:
                free[n] = k
                n += 1
        if n == 0:
            return
        for i in range(n):
            ki = free[i]
            rhs[i] = grad[ki]
            for j in range(n):
                kj = free[j]
                h = diag[ki] if i == j else 0.0
                for a in range(A):
                    h -= r[a] * du[a, ki] * du[a, kj]
                sub[i, j] = -h
            scale = max(scale, sub[i, i])
        damping = 1e-12 * max(scale, 1e-300)
        for i in range(n):
            sub[i, i] += damping
        if not _solve_small(sub, rhs, n, step):
            return
        longest = 0.0
        for i in range(n):
            longest = max(longest, abs(step[i]) / (hi[free[i]] - lo[free[i]]))
        if longest <= STEP_TOLERANCE:  # converged: the Newton step is below what matters
            return
        alpha, moved = (1.0 if longest <= 1.0 else 1.0 / longest), False
        for _ in range(40):
            for k in range(K):
                trial[k] = x[k]
            gain = 0.0
            for i in range(n):
                k = free[i]
                trial[k] = min(max(x[k] + alpha * step[i], lo[k]), hi[k])
                gain += grad[k] * (trial[k] - x[k])
            new = _objective(trial, kind, const, lin, pos, share, d, w)
            if np.isfinite(new) and gain >= 0 and (new >= value + 1e-4 * gain or longest <= FULL_STEP):
                moved = True
                break
            alpha *= 0.5
        if not moved:
            return
        change = 0.0
        for k in range(K):
            change = max(change, abs(trial[k] - x[k]))
            x[k] = trial[k]
        value = new
        if change <= STEP_TOLERANCE:
            return


@numba.njit(cache=True)
def nash_package(lo: np.ndarray, hi: np.ndarray, kind: np.ndarray, const: np.ndarray, lin: np.ndarray,
                 pos: np.ndarray, sal: np.ndarray, d: np.ndarray, w: np.ndarray, x: np.ndarray) -> int:
    """Generalised Nash bargaining: argmax over the box of sum_a w_a log(U_a(x) - d_a), every signatory above its
    outside option. Writes x; returns FEASIBLE or INFEASIBLE (then x is the first signatory's best offer to the
    other, the package 'on the table' that the other refuses)."""
    work, iwork = workspace(lo.shape[0], kind.shape[0])
    return nash_package_work(lo, hi, kind, const, lin, pos, sal, d, w, x, work, iwork)


@numba.njit(cache=True)
def _zone(lo: np.ndarray, hi: np.ndarray, kind: np.ndarray, const: np.ndarray, lin: np.ndarray, d: np.ndarray,
          x: np.ndarray, work: np.ndarray, iwork: np.ndarray) -> tuple[int, int, int, float, float, float, float, bool]:
    """What both protocols start from: the two signatories a and b, their Pareto path from the state's preferred
    package (`frontier`, into `work`/`iwork`), the surpluses at its start and the zone of agreement on it. Without a
    zone (or without two signatories) x gets the state's best offer (or the opening) and ok is False."""
    K = lo.shape[0]
    a, b = _two_signatories(kind)
    if a < 0 or b < 0:
        for k in range(K):
            x[k] = lo[k]
        return a, b, 0, 0.0, 0.0, 0.0, 0.0, False
    start, length, rate, order = work[W_START, :K], work[W_LENGTH, :K], work[W_RATE, :K], iwork[0, :K]
    n = frontier(lo, hi, lin[a], lin[b], start, order, length, rate)
    ua0, ub0 = const[a], const[b]
    for k in range(K):
        ua0 += lin[a, k] * start[k]
        ub0 += lin[b, k] * start[k]
    sa0, sb0 = ua0 - d[a], ub0 - d[b]
    t_lo, t_hi, ok = feasible_span(sa0, sb0, n, length, rate)
    if not ok:
        package_at(max(min(sa0, t_hi), 0.0), lo, hi, lin[a], start, n, order, length, rate, x)
    return a, b, n, sa0, sb0, t_lo, t_hi, ok


@numba.njit(cache=True)
def nash_package_work(lo: np.ndarray, hi: np.ndarray, kind: np.ndarray, const: np.ndarray, lin: np.ndarray,
                      pos: np.ndarray, sal: np.ndarray, d: np.ndarray, w: np.ndarray, x: np.ndarray,
                      work: np.ndarray, iwork: np.ndarray, warm_start: bool = False) -> int:
    """nash_package with caller-provided scratch arrays (`workspace`), for the monthly loop. With `warm_start`, the
    incoming x (last month's package) is where the Newton steps start if its Nash product is the larger: the maximum
    is the same (the objective is strictly concave with mediators), only fewer steps are needed."""
    K = lo.shape[0]
    a, b, n, sa0, sb0, t_lo, t_hi, ok = _zone(lo, hi, kind, const, lin, d, x, work, iwork)
    if not ok:
        return INFEASIBLE
    start, length, rate, order = work[W_START, :K], work[W_LENGTH, :K], work[W_RATE, :K], iwork[0, :K]
    mediated = False
    for i in range(kind.shape[0]):
        if kind[i] == QUADRATIC and w[i] > 0:
            mediated = True
    warm = work[W_WARM, :K]
    if mediated and warm_start:  # start from the caller's package (last month's) when it is the better start
        for k in range(K):
            warm[k] = min(max(x[k], lo[k]), hi[k])
    t = nash_on_path(sa0, sb0, w[a], w[b], t_lo, t_hi, n, length, rate)
    package_at(t, lo, hi, lin[a], start, n, order, length, rate, x)
    if not mediated:
        return FEASIBLE
    if warm_start:
        share = work[W_DU + 2 * kind.shape[0]:W_DU + 3 * kind.shape[0], :K]
        _shares(sal, share)
        if _objective(warm, kind, const, lin, pos, share, d, w) > _objective(x, kind, const, lin, pos, share, d, w):
            for k in range(K):
                x[k] = warm[k]
    _polish(lo, hi, kind, const, lin, pos, sal, d, w, x, work, iwork)
    return FEASIBLE


@numba.njit(cache=True)
def alternating_offers(lo: np.ndarray, hi: np.ndarray, kind: np.ndarray, const: np.ndarray, lin: np.ndarray,
                       d: np.ndarray, patience: np.ndarray, proposer: int, x: np.ndarray,
                       work: np.ndarray, iwork: np.ndarray) -> int:
    """The stationary subgame-perfect split of Rubinstein's alternating offers with a risk of breakdown (Binmore,
    Rubinstein & Wolinsky 1986) on the two signatories' Pareto path.

    patience[i] = delta_i (1 - q): i's discount factor times the chance that talks survive a rejected round. The
    proposer offers the responder exactly what the responder would get as the next proposer, discounted:
    v_b(x_a) = patience_b v_b(x_b) and v_a(x_b) = patience_a v_a(x_a), v = U - d. On a one-issue path with d = 0 the
    first proposer's share is (1 - delta_b) / (1 - delta_a delta_b), Rubinstein's result. Stakeholders without a veto
    do not propose; they act through the breakdown risk and the outside options. Writes the proposer's package
    (scratch arrays from `workspace`).
    """
    K = lo.shape[0]
    a, b, n, sa0, sb0, t_lo, t_hi, ok = _zone(lo, hi, kind, const, lin, d, x, work, iwork)
    if not ok:
        return INFEASIBLE
    start, length, rate, order = work[W_START, :K], work[W_LENGTH, :K], work[W_RATE, :K], iwork[0, :K]
    pa, pb = patience[a], patience[b]

    def b_proposal(ta: float) -> float:
        """b offers a exactly its continuation pa v_a(t_A), or everything if a would accept more."""
        return min(t_hi, sa0 - pa * (sa0 - ta))

    def a_proposal(tb: float) -> float:
        """a offers b exactly its continuation pb v_b(t_B)."""
        need = pb * (sb0 + gain_at(tb, n, length, rate)) - sb0
        return max(t_lo, cost_for_gain(need, n, length, rate)) if need > 0 else t_lo

    left, right = t_lo, t_hi  # f(t) = t - a_proposal(b_proposal(t)) rises from <= 0 to >= 0
    for _ in range(200):
        mid = 0.5 * (left + right)
        if mid - a_proposal(b_proposal(mid)) < 0:
            left = mid
        else:
            right = mid
        if right - left <= 1e-14 * max(1.0, t_hi):
            break
    ta = 0.5 * (left + right)
    t = ta if proposer == a else b_proposal(ta)
    package_at(t, lo, hi, lin[a], start, n, order, length, rate, x)
    return FEASIBLE


@numba.njit(cache=True)
def compromise_package(lo: np.ndarray, hi: np.ndarray, pos: np.ndarray, weight: np.ndarray, x: np.ndarray) -> None:
    """The compromise baseline (Stokman's 'Nash bargaining solution' of the decide model, M2.1): per issue the
    weighted mean of the stakeholders' positions (bargaining.weighted_mean), weight = capability x salience, inside
    the box; the state's opening offer where no stakeholder weighs in."""
    S, K = pos.shape
    column, w = np.empty(S), np.empty(S)
    present = np.empty(S, dtype=np.bool_)
    for k in range(K):
        for s in range(S):
            column[s], w[s] = pos[s, k], weight[s, k]
            present[s] = weight[s, k] > 0
        value = bargaining.weighted_mean(column, w, present)
        x[k] = min(max(value, lo[k]), hi[k]) if np.isfinite(value) else lo[k]
