"""The state as an actor: M3.2 security-force cohesion, dissent and effort, with a deployment rule that targets threats,
vacated territory and attacks; operations against each group (suspended, verified, stepped up after attacks); the
security forces' casualties; M3.3 conditional repression (Lessing). One run.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.buffers import zeroed

DEPLOYMENT_FLOOR = 0.2  # weight of ground the state already controls, relative to ground it does not (1.2 : 0.2)
ATTACK_MEMORY = 0.8  # monthly persistence of the record of attacks on the security forces
# Weight of each concession kind in the forces' eyes (values.CONCESSION_KINDS order: arrest orders, extradition,
# bombing, zone): concessions that restrain operations or yield ground weigh fully, judicial ones half (the May 1999
# resignations were over the Caguán zone).
CONCESSION_WEIGHTS = (0.5, 0.5, 1.0, 1.0)


@numba.njit(cache=True)
def concession_load(concessions: np.ndarray) -> float:
    """C_t = sum over groups and kinds of w_k x (concession in force) (`concessions` (G, 4), 0/1)."""
    total = 0.0
    for g in range(concessions.shape[0]):
        for k in range(concessions.shape[1]):
            total += CONCESSION_WEIGHTS[k] * concessions[g, k]
    return total


@numba.njit(cache=True)
def new_concession_load(concessions: np.ndarray, before: np.ndarray) -> float:
    """N_t = sum of w_k over the concessions granted this month (in force now, not last month): the signal the
    forces react to."""
    total = 0.0
    for g in range(concessions.shape[0]):
        for k in range(concessions.shape[1]):
            total += CONCESSION_WEIGHTS[k] * max(concessions[g, k] - before[g, k], 0.0)
    return total


@numba.njit(cache=True)
def casualty_strain(killed_last: float, load: float, p) -> float:
    """X_t = max(0, killed last month / `casualty_reference` - 1) x min(1, C_t): casualties above the usual level
    weigh on the forces' buy-in while the government restrains them with concessions (zero without any)."""
    return max(killed_last / p.casualty_reference - 1.0, 0.0) * min(load, 1.0)


@numba.njit(cache=True)
def cohesion_update(cohesion: float, buy_in: float, load: float, new_load: float, purge_share: float, strain: float,
                    dissent: float, p) -> float:
    """K_{t+1} = K + kappa_rec (K*/(1 + kappa_level C + kappa_cas X) - K) - kappa_new N - kappa_purge Purge
    - shock Dissent, in [0, 1].

    Cohesion recovers toward the buy-in the government's relation with its forces allows (the lever K*), lowered
    while concessions are in force and while casualties under that restraint run above the usual level (levels, not
    drains: they last as long as their cause and saturate); each new concession, the purge and open dissent are
    shocks from which it recovers.
    """
    target = buy_in / (1.0 + p.cohesion_concession_level * load + p.cohesion_casualty_effect * strain)
    k = (cohesion + p.cohesion_recovery * (target - cohesion) - p.cohesion_new_concession * new_load
         - p.cohesion_purge_effect * purge_share - p.dissent_shock * dissent)
    return min(max(k, 0.0), 1.0)


@numba.njit(cache=True)
def dissent_probability(cohesion: float, new_load: float, strain: float, p) -> float:
    """P(open dissent event this month) = logistic(gamma_0 + gamma_1 (1 - K) + gamma_2 N + gamma_3 X): resignations
    in protest, leaks against the negotiators, refusals by serving commanders; likelier when cohesion is low, in the
    month concessions are granted and when casualties mount under restraint."""
    z = (p.dissent_base + p.dissent_cohesion_effect * (1.0 - cohesion) + p.dissent_concession_effect * new_load
         + p.dissent_casualty_effect * strain)
    return 1.0 / (1.0 + np.exp(-z))


def deployment_weights(population: np.ndarray) -> np.ndarray:
    """pop_i^0.75: the population term of the deployment rule, fixed per territory (evaluated once per scenario, by
    numpy)."""
    return np.power(np.asarray(population, dtype=np.float64), 0.75)


@numba.njit(cache=True)
def threat(members: np.ndarray, posture: np.ndarray, population: np.ndarray, armed: np.ndarray | None = None,
           out: np.ndarray | None = None) -> np.ndarray:
    """Relative armed threat per territory (T,): the armed members (G, T: the armed-members stock) of the groups that
    fight, weighted by each group's posture v_g, per inhabitant, over the national figure (1 = the national density;
    0 everywhere when no group fights)."""
    G, T = members.shape
    armed = zeroed(armed, T)
    total_armed, total_pop = 0.0, 0.0
    for t in range(T):
        for g in range(G):
            armed[t] += members[g, t] * posture[g]
        total_armed += armed[t]
        total_pop += population[t]
    out = zeroed(out, T)
    if total_armed <= 0.0 or total_pop <= 0.0:
        return out
    national = total_armed / total_pop
    for t in range(T):
        if population[t] > 0:
            out[t] = armed[t] / population[t] / national
    return out


@numba.njit(cache=True)
def targeting(pop075: np.ndarray, threat: np.ndarray, vacated: np.ndarray, attacks: np.ndarray, cohesion: float,
              p, out: np.ndarray | None = None) -> np.ndarray:
    """The deployment rule's base weights per territory (T,): pop^0.75 (1 + omega_T T / (1 + T)) (1 + omega_V K V)
    (1 + omega_A A / (1 + A)).

    Forces go where people are, where armed groups are dense (threat T, relative to the national density, saturating:
    a small unit with a few members among few people would otherwise draw forces without bound, so the rule would
    change with the size of the territories), to ground
    groups have vacated (the record V_i, the vacuum the security buy-in is about: only as far as the forces follow
    the order, so scaled by cohesion K) and where they were attacked (A_i, security-force members killed there
    recently). `state_efforts` multiplies these by the uncontrolled share and normalises them.
    """
    T = pop075.shape[0]
    if out is None:
        out = np.empty(T)
    for t in range(T):
        out[t] = (pop075[t] * (1.0 + p.deployment_threat_weight * threat[t] / (1.0 + threat[t]))
                  * (1.0 + p.deployment_vacuum_weight * cohesion * vacated[t])
                  * (1.0 + p.deployment_attack_weight * attacks[t] / (1.0 + attacks[t])))
    return out


@numba.njit(cache=True)
def force_weights(base: np.ndarray, control: np.ndarray, weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """The deployment rule's weights base_i (0.2 + 1 - c_S) per territory (T,) and their sum: forces go where the
    state does not control, F_S,i = forces w_i / sum_j w_j. `base` is `deployment_weights` (population) or
    `targeting` (population, threat, vacuum, attacks).

    A rule, not an optimisation: the deployment follows population, threats and contested ground, as a ministry
    would.
    """
    T, A = control.shape
    if weight is None:
        weight = np.empty(T)
    total = 0.0
    for t in range(T):
        weight[t] = base[t] * (DEPLOYMENT_FLOOR + (1.0 - control[t, A - 1]))
        total += weight[t]
    return weight, total


@numba.njit(cache=True)
def state_efforts(cohesion: float, forces: float, base: np.ndarray, control: np.ndarray, presence: np.ndarray,
                  conditional: bool, zone: np.ndarray, zoned: bool, p, effort: np.ndarray,
                  weight: np.ndarray | None = None) -> None:
    """The state's contest effort e_S,i = K F_i S_i ratio (1 + eps_cond [conditional]) (1 - zone_i), in armed-group
    member-equivalents (MECHANISMS M2.2: cohesion times forces times institutional presence), with the forces F_i
    deployed by `force_weights` on the base weights `base`; written into the last column of `effort` (T, G + 1). A
    territory demilitarised for any group (`zone` (G, T); `zoned` whether there is any) gets none."""
    T = presence.shape[0]
    G = zone.shape[0]
    weight, total = force_weights(base, control, weight)
    bonus = 1.0 + (p.conditional_effort_bonus if conditional else 0.0)
    for t in range(T):
        demilitarised = 0.0
        if zoned:
            for g in range(G):
                if zone[g, t] > 0:
                    demilitarised = 1.0
                    break
        allocation = forces * weight[t] / total if total > 0 else 0.0
        effort[t, G] = cohesion * allocation * presence[t] * p.state_effort_ratio * bonus * (1.0 - demilitarised)


@numba.njit(cache=True)
def deployment(forces: float, base: np.ndarray, control: np.ndarray, out: np.ndarray | None = None,
               weight: np.ndarray | None = None) -> np.ndarray:
    """Personnel deployed per territory (T,) by the rule (`force_weights`), before cohesion and presence."""
    weight, total = force_weights(base, control, weight)
    out = zeroed(out, base.shape[0])
    if total > 0:
        for t in range(base.shape[0]):
            out[t] = forces * weight[t] / total
    return out


@numba.njit(cache=True)
def detection(verification: float, p) -> float:
    """D_g = 1 - (1 - delta)(1 - V_g): the chance that a ceasefire's violations, and its compliance, are seen. The
    forces see a share delta (`violation_detection`) on their own (an attack on them needs no verifier), the
    guarantors' verification V_g the rest."""
    v = min(max(verification, 0.0), 1.0)
    return 1.0 - (1.0 - p.violation_detection) * (1.0 - v)


@numba.njit(cache=True)
def operations(pressure: np.ndarray, attacks: np.ndarray, verification: np.ndarray, unilateral: np.ndarray,
               kept: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """The state's operations against each group (G,): the repression pressure after concessions, stepped up by
    (1 + omega_R a_g / (1 + a_g)) after the group's recent attacks on the forces (a_g, members killed, decaying),
    and lowered by (1 - psi_V D_g k_g) while the group is in a unilateral ceasefire, with D_g its `detection` (the
    guarantors' verification V_g and what the forces see themselves) and k_g the share of its fronts keeping it
    (1 - q_g): the state reciprocates the compliance it can see."""
    G = pressure.shape[0]
    if out is None:
        out = np.empty(G)
    for g in range(G):
        reaction = 1.0 + p.reaction_to_attacks * attacks[g] / (1.0 + attacks[g])
        seen = detection(verification[g], p) * min(max(kept[g], 0.0), 1.0)
        restraint = 1.0 - p.verified_restraint * seen * (1.0 if unilateral[g] else 0.0)
        out[g] = pressure[g] * reaction * max(restraint, 0.0)
    return out


@numba.njit(cache=True)
def priority(members: np.ndarray, alive: np.ndarray, p, armed: np.ndarray | None = None,
             out: np.ndarray | None = None) -> np.ndarray:
    """The share of the state's operations each group draws, relative to a uniform share (G,):
    P_g = (1 - omega_P) + omega_P n_a N_g / sum_h N_h over the n_a groups alive with armed members in the country
    (N_g, from `members` (G, T)), mean one over them: the forces concentrate their operations on the largest
    organisation (the Clan del Golfo from 2015: Operation Agamenon, Directive 15 of 2016), so a group that grows
    draws more of them instead of the same pressure as a small one. 1 for everyone when no group is present."""
    G, T = members.shape
    armed = zeroed(armed, G)
    total, present = 0.0, 0
    for g in range(G):
        if alive[g] <= 0.0:
            continue
        for t in range(T):
            armed[g] += members[g, t]
        if armed[g] > 0.0:
            total += armed[g]
            present += 1
    if out is None:
        out = np.ones(G)
    else:
        out[:] = 1.0
    if total <= 0.0:
        return out
    w = min(max(p.operations_priority, 0.0), 1.0)
    for g in range(G):
        out[g] = (1.0 - w) + w * present * armed[g] / total
    return out


@numba.njit(cache=True)
def forces_killed(members: np.ndarray, state_effort: np.ndarray, posture: np.ndarray, p,
                  out: np.ndarray | None = None) -> np.ndarray:
    """Security-force members killed this month (G, T): b v_g N_g,i where the state operates (e_S,i > 0), with v_g the
    group's violence posture (0 while it keeps a ceasefire)."""
    G, T = members.shape
    out = zeroed(out, (G, T))
    for g in range(G):
        if posture[g] <= 0.0:
            continue
        for t in range(T):
            if state_effort[t] > 0:
                out[g, t] = p.state_losses_per_member * posture[g] * members[g, t]
    return out


@numba.njit(cache=True)
def remember_attacks(by_territory: np.ndarray, by_group: np.ndarray, killed: np.ndarray) -> None:
    """The decaying records of attacks on the forces (in place): A_i <- 0.8 A_i + killed in i, a_g <- 0.8 a_g +
    killed by g."""
    G, T = killed.shape
    for t in range(T):
        by_territory[t] *= ATTACK_MEMORY
    for g in range(G):
        by_group[g] *= ATTACK_MEMORY
        for t in range(T):
            by_territory[t] += killed[g, t]
            by_group[g] += killed[g, t]


@numba.njit(cache=True)
def violence_posture(conditional: bool, p) -> float:
    """Lessing's reduced form: v* = argmax (1 - rho_0 - rho_1 v)(1 + beta_cor v) - c_v v on [0, 1], rent normalised.

    With rho_1 = 0 (unconditional repression) the group fights back whenever (1 - rho_0) beta_cor > c_v; a large
    rho_1 (conditional repression) makes violence a losing strategy and drives v* toward zero.
    """
    rho0, beta, cost = p.repression_base, p.corruption_gain, p.violence_cost
    rho1 = p.repression_conditionality if conditional else 0.0
    gain = (1.0 - rho0) * beta - cost - rho1
    if rho1 <= 0.0:
        return 1.0 if gain > 0 else 0.0
    if beta <= 0.0:  # violence buys nothing and only raises repression: the payoff falls with v
        return 0.0
    return min(max(gain / (2.0 * rho1 * beta), 0.0), 1.0)


@numba.njit(cache=True)
def repression_pressure(posture: float, conditional: bool, p) -> float:
    """rho_g = rho_0 + rho_1 v_g under a conditional rule; rho_0 for everyone under an unconditional one (rho_1 = 0),
    exactly the reduced form the group's choice of v* assumes (`violence_posture`)."""
    if not conditional:
        return p.repression_base
    return p.repression_base + p.repression_conditionality * posture


@numba.njit(cache=True)
def vacuum_fill(before: np.ndarray, after: np.ndarray, vacated_now: np.ndarray, state: np.ndarray | None = None,
                groups: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Who fills the control vacated this month (T,) each: the control the state gained and the control armed groups
    gained, in the territories where groups stood down this month (vacated_now > 0). Their national ratio is the
    `vacuum_filled_by_state` share; by territory they show where the state fills vacated ground and where others do."""
    T, A = before.shape
    state = zeroed(state, T)
    groups = zeroed(groups, T)
    for t in range(T):
        if vacated_now[t] > 1e-6:
            for a in range(A):
                gained = max(after[t, a] - before[t, a], 0.0)
                if a == A - 1:
                    state[t] += gained
                else:
                    groups[t] += gained
    return state, groups
