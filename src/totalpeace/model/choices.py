"""The armed groups' monthly choices, each from the group's own payoffs (M3.3 Lessing, M1.3 Stedman, M4.1, M1.1).

Every choice is a quantal (logit) response (McKelvey & Palfrey 1995): the chance of an option is
logistic(payoff edge / tau), so nothing flips on a knife edge and groups with other payoffs choose differently.
Payoffs are monthly, in shares of the group's rent. The choice is used as its expected value (the share of the
group's fronts that take the option), so the choices need no random draws, except the decision to come to the table.

- violence posture v_g (Lessing): a high posture extracts beta_cor more from corruptible enforcers and is worth
  beta_riv against rivals, costs c_v and, under conditional repression, raises the state's pressure by rho_1;
  at an open table it risks the talks (beta_tab);
- ceasefire exploitation q_g: exploiting (expanding, recruiting, attacking rivals) is worth chi_x, more with rivals
  nearby; if verification V_g catches it, the group loses the ceasefire's protection (the repression comes back) and
  puts its table at risk;
- spoiling s_g (Stedman): attacking rivals that sit at another table or in a ceasefire is worth chi_s times the
  group's exposure to them (twice for greedy and total spoilers), costs c_v, and risks its own table;
- willingness to talk w_g: the declared stance (logit +-L_0) moved by the expected relative surplus of a deal.

`decide` writes every choice and its payoff edge into one (G, N_CHOICE) array, recorded each month, so the inputs
of a choice are visible in the outputs. The groups' actions the negotiation tables read (attacks, ceasefire
violations, attacks on other tables, attacks suffered) are `actions`.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.buffers import zeroed
from totalpeace.model.security import detection

GREEDY, TOTAL = 1, 2  # spoiler types (model.values)
# Columns of the choice record (G, N_CHOICE).
RIVALRY, POSTURE_EDGE, POSTURE, EXPLOIT_EDGE, EXPLOIT, SPOIL_EDGE, SPOIL, WILLING_EDGE, WILLING = range(9)
N_CHOICE = 9
CHOICE_NAMES = ("rivalry", "posture_edge", "posture", "exploit_edge", "exploit", "spoil_edge", "spoil",
                "willingness_edge", "willingness")
# Columns of the actions the negotiation tables read (G, N_ACTION): expected events this month.
ATTACKS, VIOLATIONS, ATTACKS_ON_TABLES, ATTACKED = range(4)
N_ACTION = 4


@numba.njit(cache=True)
def logit_choice(edge: float, p) -> float:
    """Quantal response: the chance of the option whose payoff beats the other by `edge`, logistic(edge / tau)."""
    z = min(max(edge / max(p.choice_noise, 1e-9), -50.0), 50.0)
    return 1.0 / (1.0 + np.exp(-z))


@numba.njit(cache=True)
def exposures(presence: np.ndarray, pairs: np.ndarray, target: np.ndarray, rivalry: np.ndarray | None = None,
              spoil: np.ndarray | None = None, hostile: np.ndarray | None = None,
              exposed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each group's exposure to its rivals R_g and to rivals that are spoiling targets S_g, in [0, 1] (G, each): the
    rivals' share of the armed effort where g works, weighted by g's effective presence,
    R_g = sum_i E_g,i (H_g,i / (E_g,i + H_g,i)) / sum_i E_g,i with H_g,i = sum_h rival_gh E_h,i (over the ordered
    rival `pairs` (g, h)); S_g the same with only the rivals h that sit at a table or in a ceasefire (`target`).
    `rivalry` and `spoil` (G,) receive the result and `hostile`, `exposed` (G, T) are work arrays, each allocated
    when not given (model/buffers.py)."""
    G, T = presence.shape
    hostile = zeroed(hostile, (G, T))
    exposed = zeroed(exposed, (G, T))
    for k in range(pairs.shape[0]):
        g, h = pairs[k, 0], pairs[k, 1]
        for t in range(T):
            hostile[g, t] += presence[h, t]
            if target[h]:
                exposed[g, t] += presence[h, t]
    rivalry = zeroed(rivalry, G)
    spoil = zeroed(spoil, G)
    for g in range(G):
        total, weighted, aimed = 0.0, 0.0, 0.0
        for t in range(T):
            own = presence[g, t]
            if own <= 0.0:
                continue
            total += own
            weighted += own * hostile[g, t] / (own + hostile[g, t])
            aimed += own * exposed[g, t] / (own + exposed[g, t])
        if total > 0:
            rivalry[g] = weighted / total
            spoil[g] = aimed / total
    return rivalry, spoil


@numba.njit(cache=True)
def posture_edge(pressure0: float, conditional: bool, rivalry: float, at_stake: bool, p) -> float:
    """Payoff of a high violence posture over a low one (share of rent), from Lessing's reduced form
    U(v) = (1 - rho_0 - rho_1 v)(1 + beta_cor v) - c_v v + beta_riv R v - beta_tab [table] v:
    U(1) - U(0) = (1 - rho_0) beta_cor - rho_1 (1 + beta_cor) - c_v + beta_riv R - beta_tab [table]."""
    rho1 = p.repression_conditionality if conditional else 0.0
    beta = p.corruption_gain
    edge = (1.0 - pressure0) * beta - rho1 * (1.0 + beta) - p.violence_cost + p.rivalry_violence_gain * rivalry
    if at_stake:
        edge -= p.talks_restraint
    return edge


@numba.njit(cache=True)
def exploit_edge(rivalry: float, verification: float, pressure0: float, conditional: bool, at_stake: bool,
                 table_value: float, p) -> float:
    """Payoff of exploiting a ceasefire over complying (share of rent): chi_x (1 + R) - D (rho_0 + rho_1 + beta_tab
    + T^+ / (1 - delta)), with D the chance of being seen (security.detection: what the forces see themselves, raised
    by the guarantors' verification V), rho_0 + rho_1 the repression a group seen exploiting faces again, and T^+ in
    [0, 1] the relative surplus of the deal it has at stake (at its open table, signed or in implementation:
    tables.month.deal_at_stake; what it would lose with it; 0 when the deal is worth no more than war): an attack on
    the forces needs no verifier to bring back the bombing and to put the talks at risk (April-May 2015). beta_tab
    counts wherever a deal is at stake, as in the posture's edge.
    T^+ is a surplus of present values (relative to the war value, discounted at the group's delta), while the gain
    is this month's; a deal lost is lost for every month after, so its surplus counts in months of rent, as the group
    values it at the table: T^+ / (1 - delta) (`discount_factor`)."""
    rho1 = p.repression_conditionality if conditional else 0.0
    lost_if_seen = pressure0 + rho1
    if at_stake:
        lost_if_seen += p.talks_restraint + min(max(table_value, 0.0), 1.0) / (1.0 - p.discount_factor)
    return p.exploit_gain * (1.0 + rivalry) - detection(verification, p) * lost_if_seen


@numba.njit(cache=True)
def spoil_edge(exposure: float, spoiler: int, at_stake: bool, p) -> float:
    """Payoff of attacking rivals at other tables (share of rent): chi_s S (x2 for greedy and total spoilers) - c_v
    - beta_tab [own table open]."""
    gain = p.spoiling_gain * exposure * (2.0 if spoiler in (GREEDY, TOTAL) else 1.0)
    edge = gain - p.violence_cost
    if at_stake:
        edge -= p.talks_restraint
    return edge


@numba.njit(cache=True)
def willingness_edge(declared: float, surplus: float, spoiler: int, p) -> float:
    """The logit of coming to talks: +-L_0 from the declared stance plus beta_W times the relative surplus of the deal
    on its table last month (the group's margin, model/tables/bridge.margins; clipped to [-5, 5]; 0 where no table
    is open: the stance alone); -inf for total spoilers, who never come."""
    if spoiler == TOTAL or surplus == -np.inf:
        return -np.inf
    s = surplus if np.isfinite(surplus) else 0.0
    s = min(max(s, -5.0), 5.0)
    return p.willingness_prior * (1.0 if declared > 0 else -1.0) + p.willingness_value_effect * s


@numba.njit(cache=True)
def willingness(declared: float, surplus: float, spoiler: int, p) -> float:
    """The chance w_g that a group comes to its table this month: logistic(`willingness_edge`), 0 for total
    spoilers."""
    edge = willingness_edge(declared, surplus, spoiler, p)
    if edge == -np.inf:
        return 0.0
    return 1.0 / (1.0 + np.exp(-min(max(edge, -50.0), 50.0)))


@numba.njit(cache=True)
def decide(presence: np.ndarray, pairs: np.ndarray, pressure0: np.ndarray, conditional: bool, at_stake: np.ndarray,
           ceasefire: np.ndarray, verification: np.ndarray, surplus: np.ndarray, target: np.ndarray,
           spoiler: np.ndarray, declared: np.ndarray, alive: np.ndarray, p, out: np.ndarray,
           work: tuple | None = None) -> None:
    """Every group's choices this month into `out` (G, N_CHOICE): payoff edges and the chance of each option.

    `presence` (G, T) effective presence; `pairs` the ordered rival pairs; `pressure0` the state's pressure before
    conditionality (concessions applied); `at_stake` the group has a deal at stake (tables.month.deal_at_stake);
    `ceasefire` it is in a ceasefire; `verification` (G,) in [0, 1]; `surplus` its relative surplus of a deal;
    `target` it has a deal at stake or is in a ceasefire (a spoiling target).
    The exploitation and its edge are NaN outside a ceasefire; a group that does not exist chooses nothing (0).
    `work`: `exposures`' four buffers (rivalry, spoil (G,), hostile, exposed (G, T)), allocated when not given."""
    G = presence.shape[0]
    if work is None:
        rivalry, exposed = exposures(presence, pairs, target)
    else:
        rivalry, exposed = exposures(presence, pairs, target, work[0], work[1], work[2], work[3])
    for g in range(G):
        out[g, RIVALRY] = rivalry[g]
        edge = posture_edge(pressure0[g], conditional, rivalry[g], at_stake[g], p)
        out[g, POSTURE_EDGE] = edge
        out[g, POSTURE] = logit_choice(edge, p) * alive[g]
        if ceasefire[g]:
            value = surplus[g] if (at_stake[g] and np.isfinite(surplus[g])) else 0.0
            edge = exploit_edge(rivalry[g], verification[g], pressure0[g], conditional, at_stake[g], value, p)
            out[g, EXPLOIT_EDGE] = edge
            out[g, EXPLOIT] = logit_choice(edge, p) * alive[g]
        else:
            out[g, EXPLOIT_EDGE] = np.nan
            out[g, EXPLOIT] = np.nan
        edge = spoil_edge(exposed[g], spoiler[g], at_stake[g], p)
        out[g, SPOIL_EDGE] = edge
        out[g, SPOIL] = logit_choice(edge, p) * alive[g] if exposed[g] > 0 else 0.0
        out[g, WILLING_EDGE] = willingness_edge(declared[g], surplus[g], spoiler[g], p)
        out[g, WILLING] = willingness(declared[g], surplus[g], spoiler[g], p) * alive[g]


@numba.njit(cache=True)
def _ones(out, n: int) -> np.ndarray:
    """`out` filled with ones, or a new array of ones of length `n` when there is no buffer."""
    if out is None:
        return np.ones(n)
    out[:] = 1.0
    return out


@numba.njit(cache=True)
def operations_kept(choice: np.ndarray, ceasefire: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """Share of its operations (contest effort, recruitment) each group keeps (G,): 1 outside a ceasefire,
    1 - kappa_cf (1 - q_g) in one, q_g being the share of its fronts exploiting it."""
    G = choice.shape[0]
    out = _ones(out, G)
    for g in range(G):
        if ceasefire[g]:
            out[g] = 1.0 - p.ceasefire_effort_reduction * (1.0 - choice[g, EXPLOIT])
    return out


@numba.njit(cache=True)
def fronts_fighting(choice: np.ndarray, ceasefire: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Share of each group's fronts that keep up offensive actions this month (G,): 1 outside a ceasefire, q_g in one
    (the fronts exploiting it). A ceasefire suspends offensive actions against everyone, the state and rivals alike:
    the FARC's unilateral ceasefire of July 2015 was a suspension of all its offensive actions (CERAC's monitoring
    counted almost none), so the fronts that keep it stop attacking rival groups too."""
    G = choice.shape[0]
    out = _ones(out, G)
    for g in range(G):
        if ceasefire[g]:
            out[g] = choice[g, EXPLOIT]
    return out


@numba.njit(cache=True)
def postures(choice: np.ndarray, ceasefire: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Each group's violence posture this month (G,): its chosen v_g, or q_g v_g in a ceasefire (only the fronts that
    exploit it keep their violence)."""
    G = choice.shape[0]
    if out is None:
        out = np.empty(G)
    for g in range(G):
        out[g] = choice[g, POSTURE] * (choice[g, EXPLOIT] if ceasefire[g] else 1.0)
    return out


@numba.njit(cache=True)
def actions(choice: np.ndarray, ceasefire: np.ndarray, verification: np.ndarray, rivals: np.ndarray,
            target: np.ndarray, p, out: np.ndarray, post: np.ndarray | None = None) -> None:
    """What the negotiation tables observe of the groups this month, as expected events (G, N_ACTION): major
    attacks (the violence posture kept), ceasefire violations seen (q_g D_g, security.detection), attacks on groups
    at other tables (the spoiling chance) and attacks suffered from spoiling rivals (their chances summed).
    `post` (G,) a work array for the postures, allocated when not given."""
    G = choice.shape[0]
    post = postures(choice, ceasefire, post)
    for g in range(G):
        out[g, ATTACKS] = post[g]
        out[g, VIOLATIONS] = choice[g, EXPLOIT] * detection(verification[g], p) if ceasefire[g] else 0.0
        out[g, ATTACKS_ON_TABLES] = choice[g, SPOIL]
        suffered = 0.0
        if target[g]:
            for h in range(G):
                if rivals[h, g] > 0:
                    suffered += choice[h, SPOIL]
        out[g, ATTACKED] = suffered


@numba.njit(cache=True)
def violations_seen(actions: np.ndarray, u: np.ndarray, out: np.ndarray) -> None:
    """The ceasefire violations the state saw this month (G,): one with chance q_g D_g, the `actions`' expected
    violations seen (the share of fronts exploiting the ceasefire times the chance of being seen), from the uniforms
    `u` (G,). The tables read them the next month against `violation_chances`."""
    for g in range(actions.shape[0]):
        out[g] = 1.0 if u[g] < actions[g, VIOLATIONS] else 0.0


@numba.njit(cache=True)
def violation_chances(rivalry: np.ndarray, ceasefire: np.ndarray, verification: np.ndarray, pressure0: np.ndarray,
                      conditional: bool, at_stake: np.ndarray, margins: np.ndarray, alive: np.ndarray, p,
                      out: np.ndarray) -> None:
    """The chance (G, 3) that the state sees a violation of each group's ceasefire this month, were the group
    limited, greedy or a total spoiler: q_theta D_g, with q_theta the exploitation `decide` chooses with the margin
    the group would have at its table as that type (`margins` (G, 3), tables.bridge.type_margins; a total spoiler
    has no deal to lose) and D_g its `detection`; 0 outside a ceasefire. The state reads what it sees against them
    (Kydd & Walter 2002): a violation says a group is a spoiler only as far as a limited group in its place would
    have kept the ceasefire, so a group with nothing to lose at its table reveals nothing by exploiting it. The
    group's own type gives its own exploitation (`decide`): the state knows how each type would choose."""
    G = out.shape[0]
    for g in range(G):
        for t in range(3):
            out[g, t] = 0.0
        if not ceasefire[g]:
            continue
        seen = detection(verification[g], p)
        for t in range(3):
            value = margins[g, t] if (at_stake[g] and np.isfinite(margins[g, t])) else 0.0
            edge = exploit_edge(rivalry[g], verification[g], pressure0[g], conditional, at_stake[g], value, p)
            out[g, t] = logit_choice(edge, p) * alive[g] * seen
