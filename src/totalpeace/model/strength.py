"""M3.1 attrition (Lanchester / Deitchman), M5.2 recruitment, desertion, support networks and the ex-combatant pool,
movement, M4.2 sanctuary, DDR and M7.2 splits.

A group's members are two stocks per territory: armed members A[g, t] (`members`) and support networks S[g, t]
(`support`: militia, informants, logistics), plus armed members in foreign sanctuary (`sanctuary`, G,). Former
combatants of demobilised groups form a pool per territory (`ex_combatants`, T,). Everything is one run's arrays.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.rng import draw_poisson
from totalpeace.model.buffers import zeroed

MAX_MONTHLY_LOSS = 0.2  # at most a fifth of a group's local members lost to the state in one month
MAX_RIVAL_LOSS = 0.5  # at most half of a group's local members lost to its rivals in one month
MAX_DESERTION = 0.2  # at most a fifth of a group's members desert in one month
DDR_COMPLETE = 0.05  # demobilisation is complete when fewer than this share of the members at signing remain
SEARCH_WIDTH_KM = 10.0  # a search area is at least a square of this side: islands and city blocks are not searched
# more densely than a small municipality


@numba.njit(cache=True)
def initial_members(members: np.ndarray, armed_share: np.ndarray, presence: np.ndarray, sanctuary_max: np.ndarray,
                    host_tolerance: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Armed members (G, T), support networks (G, T) and armed members in sanctuary (G,) at the start.

    The scenario's armed share splits each group's members into armed members and support networks; a share
    sigma_max H of the armed members is abroad (M4.2); the rest, and the support networks, are spread over the
    territories by the group's presence shares.
    """
    G, T = presence.shape
    armed = np.empty((G, T))
    support = np.empty((G, T))
    sanctuary = np.empty(G)
    for g in range(G):
        fighters = members[g] * armed_share[g]
        sigma = sanctuary_max[g] * host_tolerance[g]
        here = fighters * (1.0 - sigma)
        networks = members[g] - fighters
        for t in range(T):
            armed[g, t] = here * presence[g, t]
            support[g, t] = networks * presence[g, t]
        sanctuary[g] = fighters * sigma
    return armed, support, sanctuary


@numba.njit(cache=True)
def search_area(area: np.ndarray, t: int) -> float:
    """The area (1000 km2) over which the state's effort in territory t is spread: the territory's area, at least a
    square of SEARCH_WIDTH_KM (a per-area rate, so the same at department and municipal scale)."""
    return max(area[t], SEARCH_WIDTH_KM * SEARCH_WIDTH_KM / 1000.0)


@numba.njit(cache=True)
def state_loss_rate(density: float, pressure: float, protected: float, p) -> float:
    """The share of a group's armed members in a territory the state's operations remove in a month, a_S rho_g
    e_S,i / A_i (1 - z_g,i), at most MAX_MONTHLY_LOSS (Deitchman's area fire; `density` is e_S,i / A_i)."""
    return min(p.state_attrition * pressure * density * (1.0 - protected), MAX_MONTHLY_LOSS)


@numba.njit(cache=True)
def losses_to_state(members: np.ndarray, state_effort: np.ndarray, area: np.ndarray, pressure: np.ndarray,
                    protected: np.ndarray, key: np.uint64, draws, p, expected: np.ndarray | None = None,
                    clashes: np.ndarray | None = None,
                    losses: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Losses of armed members to the state: expected (G, T), clashes per territory (T,) and realised losses (G, T).

    Deitchman's guerrilla law: the state 'shoots in the dark', so the expected share lost is a_S rho_g e_S,i / A_i
    (1 - z_g,i): search effort per area times the repression pressure on the group, zero for groups protected by a
    bilateral ceasefire or a zone (`protected` 1), at most MAX_MONTHLY_LOSS. Clashes are Poisson with mean expected
    losses / members_per_clash (draw number t of the stream); each clash removes members_per_clash members, shared
    among the groups in proportion to their expected losses, never more than a group has.
    """
    G, T = members.shape
    expected = zeroed(expected, (G, T))
    clashes = zeroed(clashes, T)
    losses = zeroed(losses, (G, T))
    for t in range(T):
        density = state_effort[t] / search_area(area, t)
        total = 0.0
        for g in range(G):
            expected[g, t] = state_loss_rate(density, pressure[g], protected[g, t], p) * members[g, t]
            total += expected[g, t]
        clashes[t] = draw_poisson(draws, total / p.members_per_clash, key, t)
        if total > 0:
            for g in range(G):
                losses[g, t] = min(expected[g, t] / total * (clashes[t] * p.members_per_clash), members[g, t])
    return expected, clashes, losses


@numba.njit(cache=True)
def support_captures(support: np.ndarray, state_effort: np.ndarray, area: np.ndarray, pressure: np.ndarray,
                     protected: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """Support-network members the state's operations capture this month (G, T): C_g,i = rho_s r_g,i S_g,i, with
    r_g,i the share of the group's armed members the operations remove there (`state_loss_rate`) and rho_s
    `support_capture_ratio`. Militia, informants and logisticians are arrested, not fought: the Defence Ministry's
    captures are mostly of them (docs/validation.md 10.9), so the count of what the state removes holds them while
    the deaths stay with the armed members. An expected flow, like recruitment: many small arrests a month."""
    G, T = support.shape
    out = zeroed(out, (G, T))
    for t in range(T):
        density = state_effort[t] / search_area(area, t)
        for g in range(G):
            if support[g, t] > 0.0:
                rate = p.support_capture_ratio * state_loss_rate(density, pressure[g], protected[g, t], p)
                out[g, t] = min(rate, 1.0) * support[g, t]
    return out


@numba.njit(cache=True)
def losses_to_rivals(members: np.ndarray, losses_state: np.ndarray, pairs: np.ndarray, counterinsurgent: np.ndarray,
                     spoiling: np.ndarray, target: np.ndarray, fighting: np.ndarray, key: np.uint64, draws,
                     p, exposure: np.ndarray | None = None, expected: np.ndarray | None = None,
                     clashes: np.ndarray | None = None, losses: np.ndarray | None = None,
                     lethality: np.ndarray | None = None,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Losses between rival groups sharing a territory: expected (G, T), clashes (T,), realised losses (G, T) and
    the share of each group's losses who are killed (G, T).

    Area fire between irregulars: L_g,i = a_h N_g,i sum_h rival_gh f_h (1 + s_h [g a target]) N_h,i / (N_g,i + N_h,i)
    over the rival `pairs` (g, h), at most MAX_RIVAL_LOSS of N_g,i: f_h is the share of h's fronts on the offensive
    (`fighting`: 1, or in a ceasefire the share exploiting it, choices.fronts_fighting), and a rival h that spoils
    (probability s_h, M1.3) doubles its attacks on groups at a table or in a ceasefire (`target`). Each clash
    (Poisson, mean expected / members_per_clash / 2) costs both sides members_per_clash, shared in proportion to
    expected losses, never more than a group has left after its losses to the state.

    Who dies: a pair's war kills lambda_W (`counterinsurgent_lethality`) of the members it costs where either side is
    a counterinsurgent group, lambda_R (`rival_lethality`) otherwise; a group's losses in a territory are killed at
    the mean of its pairs' lethalities weighted by each rival's share of its exposure.
    """
    G, T = members.shape
    exposure = zeroed(exposure, (G, T))
    lethality = zeroed(lethality, (G, T))  # first the lethal exposure, then its share of the exposure
    for k in range(pairs.shape[0]):
        g, h = pairs[k, 0], pairs[k, 1]
        attack = fighting[h] * (1.0 + (spoiling[h] if target[g] else 0.0))
        lethal = (p.counterinsurgent_lethality if counterinsurgent[g] > 0 or counterinsurgent[h] > 0
                  else p.rival_lethality)
        for t in range(T):
            total = members[g, t] + members[h, t]
            if total > 0.0:
                exposure[g, t] += attack * members[h, t] / total
                lethality[g, t] += lethal * attack * members[h, t] / total
    expected = zeroed(expected, (G, T))
    clashes = zeroed(clashes, T)
    losses = zeroed(losses, (G, T))
    for t in range(T):
        total = 0.0
        for g in range(G):
            lethality[g, t] = lethality[g, t] / exposure[g, t] if exposure[g, t] > 0.0 else p.rival_lethality
            expected[g, t] = min(p.intergroup_attrition * exposure[g, t], MAX_RIVAL_LOSS) * members[g, t]
            total += expected[g, t]
        clashes[t] = draw_poisson(draws, total / p.members_per_clash / 2.0, key, t)
        if total > 0:
            for g in range(G):
                losses[g, t] = min(expected[g, t] / total * (2.0 * clashes[t] * p.members_per_clash),
                                   members[g, t] - losses_state[g, t])
    return expected, clashes, losses, lethality


@numba.njit(cache=True)
def recruiters(presence: np.ndarray, sanctuary: np.ndarray, host_border: np.ndarray,
               out: np.ndarray | None = None) -> np.ndarray:
    """The members who recruit in each territory (G, T): a group's effective presence there (`presence`), plus its
    armed members in foreign sanctuary spread equally over the territories on its host's border (`host_border` 1):
    camps across the border recruit among the border's young people (the ELN in Venezuela, M4.2)."""
    G, T = presence.shape
    if out is None:
        out = presence.copy()
    else:
        out[:] = presence
    for g in range(G):
        if sanctuary[g] <= 0.0:
            continue
        border = 0.0
        for t in range(T):
            border += host_border[g, t]
        if border <= 0.0:
            continue
        for t in range(T):
            if host_border[g, t] > 0:
                out[g, t] += sanctuary[g] / border
    return out


@numba.njit(cache=True)
def pay_appeal(pay_ratio: float, p) -> float:
    """What pay adds to a recruit's propensity: P^beta_w with P = pay (1 + s) / (1 + s pay), pay relative to the legal
    wage and s the saturation (`recruitment_pay_saturation`). At s = 0 the elasticity is constant (Dube & Vargas: no
    saturation at the rents observed); with s > 0 pay beyond the legal wage appeals less and less (P is 1 at the legal
    wage and at most 1 + 1/s), since the young people willing to take up arms for money are a finite pool, so a boom
    in a group's rents does not multiply its recruitment without bound."""
    pay = max(pay_ratio, 1e-9)
    s = p.recruitment_pay_saturation
    if s > 0.0:
        pay = pay * (1.0 + s) / (1.0 + s * pay)
    return pay ** p.recruitment_rent_effect


@numba.njit(cache=True)
def recruitment(recruiting: np.ndarray, control: np.ndarray, pay_ratio: np.ndarray, state_presence: np.ndarray,
                zone: np.ndarray, population: np.ndarray, vacated: np.ndarray, p, voluntary: np.ndarray | None = None,
                forced: np.ndarray | None = None,
                lure: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Voluntary recruits and forced recruits of minors (each G, T) (M5.2).

    Rec_g,i = zeta Lambda_g,i sqrt(E_g,i Y_i c_g,i), with E the members recruiting in i (`recruiting`, `recruiters`:
    the group's effective presence, contest.effective_presence, and its members across the border), Y_i = youth
    share x population the labour pool and c_g,i its control: recruiting needs both recruiters and young people under
    the group's sway, with constant returns to the two (the same total whether a department is one territory or its
    municipalities). The propensity

        Lambda_g,i = P_g^beta_w  exp(beta_S (1/2 - S_i (1 - z_g,i)))  (1 + beta_V V_i)

    answers to pay (`pay_appeal`: P_g the pay relative to the legal wage, saturating with s; opportunity cost, Dube &
    Vargas), falls with state presence
    (Prem et al.), which a demilitarised zone for the group (z_g,i = 1) removes, and rises where control was vacated.
    A ceasefire does not stop recruitment (the groups' operations stand down, not their networks: the Caguán).
    Forced recruitment of minors is a separate flow that does not respond to pay:
    phi_m zeta sqrt(E Y c) 2 (1 - S_i (1 - z_g,i)).
    """
    G, T = recruiting.shape
    voluntary = zeroed(voluntary, (G, T))
    forced = zeroed(forced, (G, T))
    if lure is None:
        lure = np.empty(T)
    lure[:] = -1.0  # exp(beta_S (1/2 - S_i)) outside a zone, the same for every group: computed once, when first needed
    for g in range(G):
        pay = pay_appeal(pay_ratio[g], p)
        for t in range(T):
            held = min(max(control[t, g], 0.0), 1.0)
            if held <= 0.0 or recruiting[g, t] <= 0.0:
                continue
            state = state_presence[t] * (1.0 - zone[g, t])
            base = p.recruitment_rate * np.sqrt(recruiting[g, t] * p.youth_share * population[t] * held)
            if zone[g, t] == 0.0:
                if lure[t] < 0.0:
                    lure[t] = np.exp(p.recruitment_state_effect * (0.5 - state))
                pull = lure[t]
            else:
                pull = np.exp(p.recruitment_state_effect * (0.5 - state))
            voluntary[g, t] = base * pay * pull * (1.0 + p.recruitment_vacuum_effect * vacated[t])
            forced[g, t] = base * p.forced_recruitment_rate * 2.0 * (1.0 - state)
    return voluntary, forced


@numba.njit(cache=True)
def recruitment_abroad(recruits: np.ndarray, members: np.ndarray, sanctuary: np.ndarray, ratio: np.ndarray,
                       tolerance: np.ndarray, recruiting: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Voluntary recruits the members in foreign sanctuary enlist among the host's border population (G,) (M4.2).

    Rec^sigma_g = q_g H_g N^sigma_g Rec_g / (A_g + N^sigma_g): each member abroad recruits q_g times the group's
    voluntary recruits per armed member this month (Rec_g over the territories, so pay and the state's pressure at
    home set the pace), scaled by the host's tolerance H_g: a host that shelters a group lets its camps enlist the
    young people of its border states (Venezuelans among the ELN's fighters, Reuters 2019); a hostile one does not.
    The recruits join the sanctuary stock (and come home through the sanctuary flow). Groups not `recruiting`
    (demobilising) and groups with nobody at home to set the pace take nobody."""
    G, T = members.shape
    out = zeroed(out, G)
    for g in range(G):
        if ratio[g] <= 0.0 or sanctuary[g] <= 0.0 or not recruiting[g]:
            continue
        home, armed = 0.0, sanctuary[g]
        for t in range(T):
            home += recruits[g, t]
            armed += members[g, t]
        out[g] = ratio[g] * min(max(tolerance[g], 0.0), 1.0) * sanctuary[g] * home / armed
    return out


@numba.njit(cache=True)
def enlist_abroad(sanctuary: np.ndarray, recruits: np.ndarray) -> None:
    """The recruits abroad join the group's members in sanctuary (in place), after the month's desertion."""
    for g in range(sanctuary.shape[0]):
        sanctuary[g] += recruits[g]


@numba.njit(cache=True)
def desertion_rates(pay_ratio: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """Monthly desertion per group (G,): d_0 (pay / legal wage)^-beta_w, at most MAX_DESERTION. It rises as pay falls
    short of the legal wage (the opportunity cost that drives recruitment, read the other way)."""
    G = pay_ratio.shape[0]
    if out is None:
        out = np.empty(G)
    for g in range(G):
        out[g] = min(p.desertion_rate * max(pay_ratio[g], 1e-9) ** (-p.recruitment_rent_effect), MAX_DESERTION)
    return out


@numba.njit(cache=True)
def network_recruitment(control: np.ndarray, population: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """Support-network members a group enlists this month (G, T): nu_s c_g,i Pop_i / 1000. Networks (militia,
    informants, logistics) are built where a group rules, in proportion to the people under its control, not paid
    like fighters, ceasefire or not."""
    T, A = control.shape
    G = A - 1
    out = zeroed(out, (G, T))
    for g in range(G):
        for t in range(T):
            out[g, t] = p.network_rate * min(max(control[t, g], 0.0), 1.0) * population[t] / 1000.0
    return out


@numba.njit(cache=True)
def ex_combatant_flows(pool: np.ndarray, control: np.ndarray, p) -> tuple[float, float]:
    """A month of the ex-combatant pool (in place, T,): kappa_x (1 - c_S,i) of it is killed where the state does not
    hold control, reintegration_rate of it leaves for good. Returns (killed, reintegrated)."""
    T, A = control.shape
    killed, left = 0.0, 0.0
    for t in range(T):
        k = min(p.ex_combatant_killing_rate * (1.0 - control[t, A - 1]), 1.0) * pool[t]
        r = min(p.reintegration_rate, 1.0) * (pool[t] - k)
        pool[t] = max(pool[t] - k - r, 0.0)
        killed += k
        left += r
    return killed, left


@numba.njit(cache=True)
def recidivism(pool: np.ndarray, control: np.ndarray, pay_ratio: np.ndarray, recruits_former: np.ndarray,
               p, out: np.ndarray | None = None) -> np.ndarray:
    """Ex-combatants recruited by dissident groups (G, T), taken out of the pool (in place).

    Rec^x_g,i = rho_x X_i c_g,i P_g^beta_w (`pay_appeal`) for the groups that recruit former combatants
    (`recruits_former` 1: dissidents), at most the pool, shared in proportion when they ask for more."""
    T, A = control.shape
    G = A - 1
    out = zeroed(out, (G, T))
    for t in range(T):
        if pool[t] <= 0.0:
            continue
        asked = 0.0
        for g in range(G):
            if recruits_former[g] > 0:
                held = min(max(control[t, g], 0.0), 1.0)
                out[g, t] = p.recidivism_rate * pool[t] * held * pay_appeal(pay_ratio[g], p)
                asked += out[g, t]
        if asked > pool[t]:
            for g in range(G):
                out[g, t] *= pool[t] / asked
            asked = pool[t]
        pool[t] -= asked
    return out


@numba.njit(cache=True)
def update_members(members: np.ndarray, support: np.ndarray, sanctuary: np.ndarray, losses_state: np.ndarray,
                   losses_groups: np.ndarray, recruits: np.ndarray, forced: np.ndarray, former: np.ndarray,
                   networks: np.ndarray, desertion: np.ndarray, recruiting: np.ndarray, members_total: np.ndarray,
                   loss_share: np.ndarray, captured_support: np.ndarray,
                   deserters: np.ndarray | None = None) -> np.ndarray:
    """A month of attrition, recruitment and desertion (in place); returns the deserters of each group (G,).

    Armed: A' = max(A - losses + Rec + Rec^x - d A, 0) (voluntary recruits and former combatants fight); support
    networks: S' = max(S - C + Net + Forced - d S, 0) (the members the state captured, `support_captures`; networks
    enlisted where the group rules, and forced minors);
    sanctuary: (1 - d) N^sigma. Groups not `recruiting` (demobilising) take nobody. `loss_share` gets the share of
    each group's members (at the start of the month) lost to the state and its rivals.
    """
    G, T = members.shape
    deserters = zeroed(deserters, G)
    for g in range(G):
        lost = 0.0
        for t in range(T):
            lost += losses_state[g, t] + losses_groups[g, t]
        loss_share[g] = lost / members_total[g] if members_total[g] > 0 else 0.0
        d = desertion[g]
        for t in range(T):
            fighters = recruits[g, t] + former[g, t] if recruiting[g] else 0.0
            enlisted = networks[g, t] + forced[g, t] if recruiting[g] else 0.0
            gone = d * members[g, t] + d * support[g, t]
            members[g, t] = max(members[g, t] - losses_state[g, t] - losses_groups[g, t] + fighters
                                - d * members[g, t], 0.0)
            support[g, t] = max(support[g, t] - captured_support[g, t] + enlisted - d * support[g, t], 0.0)
            deserters[g] += gone
        deserters[g] += d * sanctuary[g]
        sanctuary[g] = sanctuary[g] * (1.0 - d)
    return deserters


@numba.njit(cache=True)
def contested_value(value: np.ndarray, control: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """What draws members (G, T): the appropriable value of ground the group does not hold, v (1 - c) (+ 1e-9, so
    every neighbour attracts a little)."""
    G, T = value.shape
    if out is None:
        out = np.empty((G, T))
    for g in range(G):
        for t in range(T):
            out[g, t] = value[g, t] * (1.0 - control[t, g]) + 1e-9
    return out


@numba.njit(cache=True)
def movement(members: np.ndarray, attractiveness: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
             rate: float, denom: np.ndarray | None = None, per_unit: np.ndarray | None = None) -> None:
    """Move a share `rate` of each group's armed members from each territory to its neighbours (CSR adjacency),
    split in proportion to the neighbours' attractiveness (in place). Totals are conserved; isolated territories
    keep theirs. Support networks are local and do not move."""
    G, T = members.shape
    if denom is None:
        denom = np.empty(T)
    if per_unit is None:
        per_unit = np.empty(T)
    for g in range(G):
        empty = True
        for t in range(T):
            if members[g, t] != 0.0:
                empty = False
                break
        if empty:  # nobody to move (an empty splinter slot): what the loops below would write, without them
            for t in range(T):
                members[g, t] = 0.0
            continue
        for t in range(T):
            s = 0.0
            for e in range(indptr[t], indptr[t + 1]):
                s += max(attractiveness[g, indices[e]], 0.0)
            denom[t] = s
            per_unit[t] = rate * members[g, t] / s if s > 0 else 0.0
        for t in range(T):
            inflow = 0.0
            for e in range(indptr[t], indptr[t + 1]):
                inflow += per_unit[indices[e]]
            movable = rate * members[g, t] if denom[t] > 0 else 0.0
            members[g, t] = members[g, t] - movable + max(attractiveness[g, t], 0.0) * inflow


@numba.njit(cache=True)
def sanctuary_flow(members: np.ndarray, sanctuary: np.ndarray, target_share: np.ndarray, host_border: np.ndarray,
                   speed: float) -> None:
    """Move armed members between the border territories and the foreign sanctuary toward sigma_max H of the armed
    total (in place): flow = speed (target share x armed total - S), from the territories bordering the host (from
    wherever the group is when it has nobody there); returning members go back in the same proportions. With nobody
    left in the country, nobody can be sent and nobody vanishes."""
    G, T = members.shape
    for g in range(G):
        total, pool = 0.0, 0.0
        for t in range(T):
            total += members[g, t]
            if host_border[g, t] > 0:
                pool += members[g, t]
        total += sanctuary[g]
        use_border = pool > 0
        source_total = 0.0
        for t in range(T):
            if not use_border or host_border[g, t] > 0:
                source_total += members[g, t]
        flow = speed * (target_share[g] * total - sanctuary[g])
        flow = min(flow, source_total)
        if not source_total > 0:
            flow = max(flow, 0.0)
        for t in range(T):
            if source_total > 0 and (not use_border or host_border[g, t] > 0):
                members[g, t] = max(members[g, t] - flow * (members[g, t] / source_total), 0.0)
            else:
                members[g, t] = max(members[g, t], 0.0)
        sanctuary[g] = max(sanctuary[g] + flow, 0.0)


@numba.njit(cache=True)
def split_probability(cohesion: float, shortfall: float, p) -> float:
    """P(split at ratification) = pi_0 + pi_2 (1 - cohesion) + split_terms_effect x shortfall, in [0, 1]: the
    shortfall is how far the deal falls short of war for the faction with most rent per member
    (model/tables/effects.faction_shortfall; MECHANISMS.md M7.2's 1[V_war > V_peace], graded)."""
    return min(max(p.split_base + p.split_cohesion_effect * (1.0 - cohesion)
                   + p.split_terms_effect * shortfall, 0.0), 1.0)


@numba.njit(cache=True)
def split_hazard(state_loss_share: float, cohesion: float, implementing: bool, surplus: float, p) -> float:
    """Monthly chance of a split outside signing (M7.2): pi_1 min(1, 12 x share lost to the state) (leadership
    losses under pressure) + pi_r (1 - cohesion) (internal rivalry) + pi_i [in implementation and the agreement is
    worth less than war] (failed implementation), in [0, 1]."""
    decapitation = min(max(12.0 * state_loss_share, 0.0), 1.0)
    failing = 1.0 if implementing and surplus < 0.0 else 0.0
    h = (p.split_decapitation_effect * decapitation + p.split_rivalry_rate * (1.0 - cohesion)
         + p.split_implementation_effect * failing)
    return min(max(h, 0.0), 1.0)


@numba.njit(cache=True)
def split_share(cohesion: float, shortfall: float, p) -> float:
    """Share of members who leave with the dissident faction: split_member_share at cohesion 1/2 and a deal that
    satisfies every faction, more when cohesion is lower or the deal falls shorter (at most 0.9):
    2 split_member_share (1 - cohesion)(1 + shortfall)."""
    return min(max(2.0 * p.split_member_share * (1.0 - cohesion) * (1.0 + shortfall), 0.0), 0.9)


@numba.njit(cache=True)
def split(g: int, slot: int, share: float, members: np.ndarray, support: np.ndarray, sanctuary: np.ndarray,
          control: np.ndarray, resources: np.ndarray, signed_members: np.ndarray, fragmentation: np.ndarray) -> None:
    """A faction (`share` of the armed members, networks, sanctuary, control and resources) leaves group g for its
    splinter slot (in place); each territory it leaves from records one more fragmentation event."""
    T = members.shape[1]
    for t in range(T):
        moved = members[g, t] * share
        networks = support[g, t] * share
        members[g, t] -= moved
        members[slot, t] += moved
        support[g, t] -= networks
        support[slot, t] += networks
        if moved + networks > 0:
            fragmentation[t] += 1.0
    sanctuary[slot] += sanctuary[g] * share
    sanctuary[g] *= 1.0 - share
    resources[slot] += resources[g] * share
    resources[g] *= 1.0 - share
    for t in range(T):
        control[t, slot] += control[t, g] * share
        control[t, g] *= 1.0 - share
    signed_members[g] *= 1.0 - share


@numba.njit(cache=True)
def demobilise(g: int, members: np.ndarray, support: np.ndarray, sanctuary: np.ndarray, pool: np.ndarray,
               rate: float) -> tuple[float, float]:
    """A month of DDR for group g (in place): it loses `rate` of its armed members, networks and sanctuary, who join
    the ex-combatant pool of their territories (those abroad where the group's in-country members are). Returns the
    members demobilised and those who remain."""
    T = members.shape[1]
    here = 0.0
    for t in range(T):
        here += members[g, t] + support[g, t]
    abroad = sanctuary[g] * rate
    demobilised = (here + sanctuary[g]) * rate
    remaining = 0.0
    for t in range(T):
        leaving = (members[g, t] + support[g, t]) * rate
        pool[t] += leaving + (abroad * (members[g, t] + support[g, t]) / here if here > 0 else 0.0)
        members[g, t] *= 1.0 - rate
        support[g, t] *= 1.0 - rate
        remaining += members[g, t] + support[g, t]
    sanctuary[g] *= 1.0 - rate
    return demobilised, remaining + sanctuary[g]


@numba.njit(cache=True)
def ddr_complete(remaining: float, signed_members: float) -> bool:
    """Demobilisation ends when fewer than DDR_COMPLETE of the members at signing remain."""
    return remaining < DDR_COMPLETE * max(signed_members, 1.0)
