"""M3.1 attrition (Lanchester / Deitchman), M5.2 recruitment and rearmament, movement, M4.2 sanctuary, DDR, M7.2 splits.

Members are held per group and territory, N[g, t], plus members in foreign sanctuary S[g] (one run).
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.engine.rng import draw_poisson

MIN_SEARCH_AREA = 1.0  # thousand km2: below this (islands, capital districts) search density stops rising
MAX_MONTHLY_LOSS = 0.2  # at most a fifth of a group's local members lost to the state in one month
MAX_RIVAL_LOSS = 0.5  # at most half of a group's local members lost to its rivals in one month
DDR_COMPLETE = 0.05  # demobilisation is complete when fewer than this share of the members at signing remain


@numba.njit(cache=True)
def initial_members(members: np.ndarray, presence: np.ndarray, sanctuary_max: np.ndarray,
                    host_tolerance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Members at the start (G, T) and in sanctuary (G,): a share sigma_max H of each group's members is abroad
    (M4.2), the rest spread over the territories by its presence shares."""
    G, T = presence.shape
    in_country = np.empty((G, T))
    sanctuary = np.empty(G)
    for g in range(G):
        sigma = sanctuary_max[g] * host_tolerance[g]
        here = members[g] * (1.0 - sigma)
        for t in range(T):
            in_country[g, t] = here * presence[g, t]
        sanctuary[g] = members[g] * sigma
    return in_country, sanctuary


@numba.njit(cache=True)
def losses_to_state(members: np.ndarray, state_effort: np.ndarray, area: np.ndarray, pressure: np.ndarray,
                    protected: np.ndarray, key: np.uint64, draws, p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Losses to the state: expected (G, T), clashes per territory (T,) and realised losses (G, T).

    Deitchman's guerrilla law: the state 'shoots in the dark', so the expected share lost is a_S rho_g e_S,i / A_i
    (1 - z_g,i): search effort per area times the repression pressure, zero for groups protected by a bilateral
    ceasefire or a zone (`protected` 1), at most MAX_MONTHLY_LOSS. Clashes are Poisson with mean expected losses /
    members_per_clash (draw number t of the stream); each clash removes members_per_clash members, shared among the
    groups in proportion to their expected losses, never more than a group has.
    """
    G, T = members.shape
    expected = np.zeros((G, T))
    clashes = np.zeros(T)
    losses = np.zeros((G, T))
    for t in range(T):
        density = state_effort[t] / max(area[t], MIN_SEARCH_AREA)
        total = 0.0
        for g in range(G):
            rate = min(p.state_attrition * pressure[g] * density * (1.0 - protected[g, t]), MAX_MONTHLY_LOSS)
            expected[g, t] = rate * members[g, t]
            total += expected[g, t]
        clashes[t] = draw_poisson(draws, total / p.members_per_clash, key, t)
        if total > 0:
            for g in range(G):
                losses[g, t] = min(expected[g, t] / total * (clashes[t] * p.members_per_clash), members[g, t])
    return expected, clashes, losses


@numba.njit(cache=True)
def losses_to_rivals(members: np.ndarray, losses_state: np.ndarray, pairs: np.ndarray, key: np.uint64, draws,
                     p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Losses between rival groups sharing a territory: expected (G, T), clashes (T,) and realised losses (G, T).

    Area fire between irregulars: L_g,i = a_h N_g,i sum_h rival_gh N_h,i / (N_g,i + N_h,i) over the rival `pairs`
    (g, h), at most MAX_RIVAL_LOSS of N_g,i. Each clash (Poisson, mean expected / members_per_clash / 2) costs both
    sides members_per_clash, shared in proportion to expected losses, never more than a group has left after its
    losses to the state.
    """
    G, T = members.shape
    exposure = np.zeros((G, T))
    for k in range(pairs.shape[0]):
        g, h = pairs[k, 0], pairs[k, 1]
        for t in range(T):
            total = members[g, t] + members[h, t]
            if total > 0.0:
                exposure[g, t] += members[h, t] / total
    expected = np.zeros((G, T))
    clashes = np.zeros(T)
    losses = np.zeros((G, T))
    for t in range(T):
        total = 0.0
        for g in range(G):
            expected[g, t] = min(p.intergroup_attrition * exposure[g, t], MAX_RIVAL_LOSS) * members[g, t]
            total += expected[g, t]
        clashes[t] = draw_poisson(draws, total / p.members_per_clash / 2.0, key, t)
        if total > 0:
            for g in range(G):
                losses[g, t] = min(expected[g, t] / total * (2.0 * clashes[t] * p.members_per_clash),
                                   members[g, t] - losses_state[g, t])
    return expected, clashes, losses


@numba.njit(cache=True)
def local_rent_per_member(rent: np.ndarray, members_total: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Rent per member in each territory (T,): the members-weighted mean of the local groups' rent per member."""
    G, T = members.shape
    out = np.zeros(T)
    for t in range(T):
        s, local = 0.0, 0.0
        for g in range(G):
            s += rent[g] / max(members_total[g], 1.0) * members[g, t]
            local += members[g, t]
        out[t] = s / max(local, 1.0)
    return out


@numba.njit(cache=True)
def rearmament(ceasefire: np.ndarray, zone: np.ndarray, p) -> np.ndarray:
    """Recruitment bonus (G, T) from resources not spent on fighting: under a ceasefire and in a zone (the Caguán
    effect)."""
    G, T = zone.shape
    out = np.empty((G, T))
    for g in range(G):
        for t in range(T):
            out[g, t] = p.ceasefire_rearmament * (1.0 if ceasefire[g] else 0.0) + p.zone_rearmament * zone[g, t]
    return out


@numba.njit(cache=True)
def recruitment(members: np.ndarray, control: np.ndarray, rent_per_member: np.ndarray, presence: np.ndarray,
                population: np.ndarray, rearm: np.ndarray, p) -> np.ndarray:
    """Recruits (G, T): Rec_g,i = zeta N_g,i (1/2 + c_g,i) Lambda_i (1 + rearm) (1 - N_i / cap_i), with
    Lambda = 2 logistic(beta_w ln(rent per member / legal wage) + beta_S (1/2 - S_i)) and cap_i = carrying share x
    young population (youth share x population).

    Recruitment runs through a group's own networks (proportional to its members where it holds ground), is easier
    where rents per member beat the legal wage (opportunity cost, Dube & Vargas) and the state is absent (Prem et
    al.), and saturates at a carrying capacity set by the young population; no young people, no recruits.
    """
    G, T = members.shape
    out = np.zeros((G, T))
    legal = max(p.legal_income_per_member, 1e-12)
    for t in range(T):
        z = p.recruitment_rent_effect * np.log(max(rent_per_member[t], 1e-12) / legal) \
            + p.recruitment_state_effect * (0.5 - presence[t])
        z = min(max(z, -30.0), 30.0)
        propensity = 2.0 / (1.0 + np.exp(-z))
        capacity = p.carrying_share * (population[t] * p.youth_share)
        local = 0.0
        for g in range(G):
            local += members[g, t]
        filled = local / capacity if capacity > 0 else 1.0
        crowding = min(max(1.0 - filled, 0.0), 1.0)
        for g in range(G):
            held = min(max(control[t, g], 0.0), 1.0)
            out[g, t] = p.recruitment_rate * members[g, t] * (0.5 + held) * propensity * crowding * (1.0 + rearm[g, t])
    return out


@numba.njit(cache=True)
def update_members(members: np.ndarray, sanctuary: np.ndarray, losses_state: np.ndarray, losses_groups: np.ndarray,
                   recruits: np.ndarray, members_total: np.ndarray, recruiting: np.ndarray, ceasefire: np.ndarray,
                   p, loss_share: np.ndarray) -> None:
    """A month of attrition, recruitment and desertion (in place): N' = max(N - losses + recruits - d N, 0); members
    in sanctuary recruit and train at the reference propensity, without the state's pressure, zeta S (1 + ceasefire
    bonus) (Salehyan; M4.2); groups not `recruiting` (demobilising) recruit nobody. `loss_share` gets the share of
    each group's members lost to the state and its rivals."""
    G, T = members.shape
    for g in range(G):
        lost = 0.0
        for t in range(T):
            lost += losses_state[g, t] + losses_groups[g, t]
        loss_share[g] = lost / members_total[g] if members_total[g] > 0 else 0.0
        for t in range(T):
            gained = recruits[g, t] if recruiting[g] else 0.0
            members[g, t] = max(members[g, t] - losses_state[g, t] - losses_groups[g, t] + gained
                                - p.desertion_rate * members[g, t], 0.0)
        bonus = p.ceasefire_rearmament * (1.0 if ceasefire[g] else 0.0)
        recruited = p.recruitment_rate * sanctuary[g] * (1.0 + bonus) if recruiting[g] else 0.0
        sanctuary[g] = sanctuary[g] * (1.0 - p.desertion_rate) + recruited


@numba.njit(cache=True)
def contested_value(value: np.ndarray, control: np.ndarray) -> np.ndarray:
    """What draws members (G, T): the appropriable value of ground the group does not hold, v (1 - c) (+ 1e-9, so
    every neighbour attracts a little)."""
    G, T = value.shape
    out = np.empty((G, T))
    for g in range(G):
        for t in range(T):
            out[g, t] = value[g, t] * (1.0 - control[t, g]) + 1e-9
    return out


@numba.njit(cache=True)
def movement(members: np.ndarray, attractiveness: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
             rate: float) -> None:
    """Move a share `rate` of each group's members from each territory to its neighbours (CSR adjacency), split in
    proportion to the neighbours' attractiveness (in place). Totals are conserved; isolated territories keep theirs."""
    G, T = members.shape
    denom = np.empty(T)
    per_unit = np.empty(T)
    for g in range(G):
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
    """Move members between the border territories and the foreign sanctuary toward sigma_max H of the total (in
    place): flow = speed (target share x total - S), from the territories bordering the host (from wherever the group
    is when it has nobody there); returning members go back in the same proportions. With nobody left in the
    country, nobody can be sent and nobody vanishes."""
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
def split_share(cohesion: float, shortfall: float, p) -> float:
    """Share of members who leave with the dissident faction: split_member_share at cohesion 1/2 and a deal that
    satisfies every faction, more when cohesion is lower or the deal falls shorter (at most 0.9):
    2 split_member_share (1 - cohesion)(1 + shortfall)."""
    return min(max(2.0 * p.split_member_share * (1.0 - cohesion) * (1.0 + shortfall), 0.0), 0.9)


@numba.njit(cache=True)
def split(g: int, slot: int, share: float, members: np.ndarray, sanctuary: np.ndarray, control: np.ndarray,
          signed_members: np.ndarray, fragmentation: np.ndarray) -> None:
    """A faction (`share` of the members, sanctuary and control) leaves group g for its splinter slot (in place);
    each territory it leaves from records one more fragmentation event."""
    T = members.shape[1]
    for t in range(T):
        moved = members[g, t] * share
        members[g, t] -= moved
        members[slot, t] += moved
        if moved > 0:
            fragmentation[t] += 1.0
    sanctuary[slot] += sanctuary[g] * share
    sanctuary[g] *= 1.0 - share
    for t in range(T):
        control[t, slot] += control[t, g] * share
        control[t, g] *= 1.0 - share
    signed_members[g] *= 1.0 - share


@numba.njit(cache=True)
def demobilise(g: int, members: np.ndarray, sanctuary: np.ndarray, rate: float) -> tuple[float, float]:
    """A month of DDR for group g (in place): it loses `rate` of its members and sanctuary (the agreement's DDR rate,
    model/tables/effects.ddr_rate). Returns the members demobilised and those who remain."""
    T = members.shape[1]
    s = 0.0
    for t in range(T):
        s += members[g, t]
    demobilised = (s + sanctuary[g]) * rate
    s = 0.0
    for t in range(T):
        members[g, t] *= 1.0 - rate
        s += members[g, t]
    sanctuary[g] *= 1.0 - rate
    return demobilised, s + sanctuary[g]


@numba.njit(cache=True)
def ddr_complete(remaining: float, signed_members: float) -> bool:
    """Demobilisation ends when fewer than DDR_COMPLETE of the members at signing remain."""
    return remaining < DDR_COMPLETE * max(signed_members, 1.0)
