"""International actors with interests (M4.1-M4.3, M2.3): sanctuary hosts whose tolerance follows their relations with
Bogotá and the talks, guarantors who verify ceasefires and agreements, democracies whose support lends the process
legitimacy, a certifying donor (the United States) whose aid follows coca, extradition and drug policy, and foreign
cartels whose engagement follows what their proxies hold. One run; I international actors, G group slots.

What other mechanisms read from here: each group's host tolerance H_g (sanctuary, M4.2), each group's verification
index V_g (the state's operations here; the groups' ceasefire choices and the tables' beliefs read the same array),
the legitimacy index Lambda (the state's capability at the tables, M4.3), the aid factor (the state's forces) and
each cartel's engagement (its finance for proxies, M2.3).
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.buffers import zeroed

MAX_ENGAGEMENT = 4.0  # a cartel engages at most four times its starting budget


@numba.njit(cache=True)
def host_talks(host: np.ndarray, host_guarantees: np.ndarray, talking: np.ndarray, n_actors: int,
               out: np.ndarray | None = None) -> np.ndarray:
    """T_k per international actor (I,): 1 when one of the groups it shelters is at a table (a talking phase) that it
    guarantees (`host_guarantees` (G,) 1 where the group's host is among its table's guarantors)."""
    out = zeroed(out, n_actors)
    for g in range(host.shape[0]):
        if host[g] >= 0 and host_guarantees[g] > 0 and talking[g]:
            out[host[g]] = 1.0
    return out


@numba.njit(cache=True)
def tolerance_target(base: np.ndarray, relations: np.ndarray, relations0: np.ndarray, talks: np.ndarray,
                     p, out: np.ndarray | None = None) -> np.ndarray:
    """H*_k = clip(H_k + eta_rel (R_k,0 - R_k) + eta_talks T_k, 0, 1) per actor (I,).

    The scenario's tolerance H_k holds at the relations with Bogotá of the scenario's start R_k,0 (1 normal, 0
    broken); worse relations raise it (Venezuela deported ELN and FARC members after relations were restored in
    August 2010 and sheltered the ELN after they broke in 2019), and a host guaranteeing its guest's talks shelters
    it as part of the guarantee (Salehyan: external bases as leverage)."""
    n = base.shape[0]
    if out is None:
        out = np.empty(n)
    for k in range(n):
        target = base[k] + p.tolerance_relations_effect * (relations0[k] - relations[k]) \
            + p.tolerance_talks_effect * talks[k]
        out[k] = min(max(target, 0.0), 1.0)
    return out


@numba.njit(cache=True)
def update_tolerance(tolerance: np.ndarray, target: np.ndarray, p) -> None:
    """H_k moves toward its target at `tolerance_adjustment` a month (in place): hosts change course gradually."""
    for k in range(tolerance.shape[0]):
        tolerance[k] += p.tolerance_adjustment * (target[k] - tolerance[k])


@numba.njit(cache=True)
def group_tolerance(tolerance: np.ndarray, host: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Each group's host tolerance H_g (G,): its host's, 0 for a group without one."""
    G = host.shape[0]
    out = zeroed(out, G)
    for g in range(G):
        if host[g] >= 0:
            out[g] = tolerance[host[g]]
    return out


@numba.njit(cache=True)
def update_verification(deployed: np.ndarray, monitored: np.ndarray, p) -> None:
    """The share of each group's verification capacity that is deployed (G,), in place: it builds up while the group
    is in a ceasefire or at a table (a mission takes months to deploy: 1 - exp(-1/tau) of the gap a month) and winds
    down at the same pace otherwise."""
    rate = 1.0 - np.exp(-1.0 / p.verification_deployment_months)
    for g in range(deployed.shape[0]):
        goal = 1.0 if monitored[g] else 0.0
        deployed[g] += rate * (goal - deployed[g])


@numba.njit(cache=True)
def verification(capacity: np.ndarray, deployed: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """V_g = C_g x deployed_g (G,): the verification index of each group's ceasefire and agreement, in [0, 1], with
    C_g = min(1, sum of the verification capacity of its table's guarantors) (engine/schedule.py)."""
    G = capacity.shape[0]
    if out is None:
        out = np.empty(G)
    for g in range(G):
        out[g] = min(max(capacity[g] * deployed[g], 0.0), 1.0)
    return out


@numba.njit(cache=True)
def legitimacy(base: float, attacks_at_tables: float, p) -> float:
    """Lambda_t = Lambda / (1 + lambda_sp S_t): the legitimacy the democracies' support lends the process (the lever,
    min(1, sum of their weights)) falls while groups at a table kill members of the security forces (S_t, killed
    last month over `casualty_reference`): spoiler violence costs the process its backers' cover (M4.3)."""
    return base / (1.0 + p.legitimacy_spoiler_effect * attacks_at_tables / p.casualty_reference)


@numba.njit(cache=True)
def certification_target(coca_ratio: float, decriminalization: float, extradition: float, p) -> float:
    """C* = 1 - min(1, beta_coca max(0, coca / coca_0 - 1) + beta_D D + beta_ext E): the donor's assessment of the
    state's cooperation falls with coca above its level at the start, with decriminalisation and with the share E of
    the groups it wants extradited whose extradition is suspended."""
    penalty = (p.certification_coca_effect * max(coca_ratio - 1.0, 0.0) + p.certification_drug_policy_effect
               * decriminalization + p.certification_extradition_effect * extradition)
    return 1.0 - min(max(penalty, 0.0), 1.0)


@numba.njit(cache=True)
def update_certification(certification: float, target: float, p) -> float:
    """C moves toward C* at `certification_adjustment` a month (annual reviews, smoothed)."""
    return certification + p.certification_adjustment * (target - certification)


@numba.njit(cache=True)
def aid_factor(certification: float, aid_share: float) -> float:
    """Multiplier of the state's forces: 1 - s (1 - C), with s the certified security aid's share of the security
    budget: decertification withdraws that aid."""
    return 1.0 - aid_share * (1.0 - min(max(certification, 0.0), 1.0))


@numba.njit(cache=True)
def extradition_share(requested: np.ndarray, suspended: np.ndarray, alive: np.ndarray) -> float:
    """E: share of the groups the donor wants extradited (alive) whose extradition is suspended."""
    wanted, lifted = 0.0, 0.0
    for g in range(requested.shape[0]):
        if requested[g] > 0 and alive[g] > 0:
            wanted += 1.0
            lifted += suspended[g]
    return lifted / wanted if wanted > 0 else 0.0


@numba.njit(cache=True)
def allies_holdings(allies: np.ndarray, exit_control: np.ndarray, alive: np.ndarray,
                    out: np.ndarray | None = None) -> np.ndarray:
    """What each cartel's proxies hold (G,): their control summed over the exits (zero for groups without allies)."""
    G = allies.shape[0]
    out = zeroed(out, G)
    for c in range(G):
        for g in range(G):
            out[c] += allies[c, g] * exit_control[g] * alive[g]
    return out


@numba.njit(cache=True)
def update_engagement(engagement: np.ndarray, holdings: np.ndarray, holdings0: np.ndarray, finance: np.ndarray,
                      p) -> None:
    """Each foreign cartel's engagement (its budget relative to the scenario's, G,), in place: it moves toward
    (holdings / holdings at the start)^eta_E at `cartel_entry_speed` a month, within [0, 4]: a cartel puts in more
    money where its proxies hold more of the exits, and withdraws where they lose them (M2.3)."""
    for c in range(engagement.shape[0]):
        if finance[c] <= 0.0:
            continue
        ratio = holdings[c] / holdings0[c] if holdings0[c] > 0 else 1.0
        target = min(ratio ** p.cartel_entry_elasticity, MAX_ENGAGEMENT) if ratio > 0 else 0.0
        engagement[c] += p.cartel_entry_speed * (target - engagement[c])


@numba.njit(cache=True)
def cartel_budgets(finance: np.ndarray, engagement: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Each cartel's budget this month (G,): the scenario's finance times its engagement."""
    if out is None:
        out = np.empty(finance.shape[0])
    for c in range(finance.shape[0]):
        out[c] = finance[c] * engagement[c]
    return out
