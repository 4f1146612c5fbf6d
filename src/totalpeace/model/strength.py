"""M3.1 attrition (Lanchester / Deitchman), M5.2 recruitment and rearmament, movement, M4.2 sanctuary, DDR, M7.2 splits.

Members are held per group and territory, N[r, g, t], plus members in foreign sanctuary S[r, g].
"""

from __future__ import annotations

import numba
import numpy as np


def state_attrition_rate(state_effort: np.ndarray, area_1000km2: np.ndarray, pressure: np.ndarray,
                         protected: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Expected monthly share of g's members in i lost to the state: a_S rho_g e_S,i / A_i (1 - z_g,i).

    Deitchman's guerrilla law: the state 'shoots in the dark', so losses scale with search effort per area times the
    guerrillas' own number (the x y term). `protected` (R, G, T) is 1 under a bilateral ceasefire or in a zone.
    """
    density = state_effort / np.maximum(area_1000km2, MIN_SEARCH_AREA)[None, :]  # (R, T)
    rate = p["state_attrition"] * pressure[:, :, None] * density[:, None, :] * (1.0 - protected)
    return np.minimum(rate, MAX_MONTHLY_LOSS)


MIN_SEARCH_AREA = 1.0  # thousand km2: below this (islands, capital districts) search density stops rising
MAX_MONTHLY_LOSS = 0.2  # at most a fifth of a group's local members lost to the state in one month


def collateral_deaths(losses: np.ndarray, state_presence: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Civilians killed in operations, K_i = xi (1 - iota_i) L_i (Kress & Szechtman), with the state's intelligence
    quality iota_i taken as its institutional presence S_i: poor targeting where the state barely reaches."""
    return p["collateral_share"] * (1.0 - state_presence)[None, :] * losses


@numba.njit(cache=True)
def _rival_exposure(members: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """sum_h rival_gh N_h / (N_g + N_h) over the rival pairs only, in a fixed order (bit-identical per run)."""
    runs, _, n = members.shape
    out = np.zeros_like(members)
    for r in range(runs):
        for k in range(pairs.shape[0]):
            g, h = pairs[k, 0], pairs[k, 1]
            for t in range(n):
                total = members[r, g, t] + members[r, h, t]
                if total > 0.0:
                    out[r, g, t] += members[r, h, t] / total
    return out


def intergroup_losses(members: np.ndarray, rivals: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Expected monthly losses of each group to its rivals in the same territory (area fire between irregulars):
    L_g,i = a_h N_g,i sum_h rival_gh N_h,i / (N_g,i + N_h,i)."""
    pairs = np.argwhere(rivals > 0).astype(np.int64)
    exposure = _rival_exposure(np.ascontiguousarray(members, dtype=np.float64), pairs)
    return np.minimum(p["intergroup_attrition"] * exposure, 0.5) * members


def recruitment(members: np.ndarray, control: np.ndarray, rent_per_member: np.ndarray, state_presence: np.ndarray,
                youth: np.ndarray, rearm: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Rec_g,i = zeta N_g,i (1/2 + c_g,i) 2 Lambda_i (1 + rearm) (1 - N_i / cap_i), Lambda = logistic(beta_w
    ln(rent per member / legal wage) + beta_S (1/2 - S_i)).

    Recruitment runs through a group's own networks (proportional to its members where it holds ground), is easier
    where rents per member beat the legal wage (opportunity cost, Dube & Vargas) and the state is absent (Prem et
    al.), and saturates at a carrying capacity set by the young population. `rearm` adds the ceasefire and zone
    bonus (resources not spent on fighting: the Caguán effect).
    """
    ratio = np.maximum(rent_per_member, 1e-12) / max(p["legal_income_per_member"], 1e-12)
    z = p["recruitment_rent_effect"] * np.log(ratio) + p["recruitment_state_effect"] * (0.5 - state_presence)[None, :]
    z = np.clip(z, -30.0, 30.0)
    propensity = 2.0 / (1.0 + np.exp(-z))  # (R, T) in (0, 2), 1 at the reference point
    capacity = np.broadcast_to(p["carrying_share"] * youth, members.shape[::2])
    filled = np.divide(members.sum(axis=1), capacity, out=np.ones(capacity.shape), where=capacity > 0)
    crowding = np.clip(1.0 - filled, 0.0, 1.0)  # (R, T); no young people: no recruits
    held = np.clip(control[..., :-1].transpose(0, 2, 1), 0.0, 1.0)  # (R, G, T)
    base = p["recruitment_rate"] * members * (0.5 + held)
    return base * propensity[:, None, :] * crowding[:, None, :] * (1.0 + rearm)


def sanctuary_recruitment(sanctuary: np.ndarray, rearm: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Members in sanctuary recruit and train too (Salehyan; MECHANISMS M4.2), at the reference propensity and
    without the state's pressure: zeta S (1 + rearm)."""
    return p["recruitment_rate"] * sanctuary * (1.0 + rearm)


def movement(members: np.ndarray, attractiveness: np.ndarray, adjacency, rate: float) -> np.ndarray:
    """Move a share `rate` of each group's members from each territory to its neighbours, split in proportion to the
    neighbours' attractiveness (value of contested ground). Totals are conserved; isolated territories keep theirs."""
    runs, groups, n = members.shape
    m = members.reshape(runs * groups, n)
    a = np.maximum(attractiveness.reshape(runs * groups, n), 0.0)
    denom = np.ascontiguousarray(np.asarray(adjacency @ a.T).T)  # neighbours' attractiveness, per source
    movable = np.where(denom > 0, rate * m, 0.0)
    per_unit = np.divide(movable, denom, out=np.zeros_like(movable), where=denom > 0)
    inflow = a * np.ascontiguousarray(np.asarray(adjacency @ per_unit.T).T)
    return (m - movable + inflow).reshape(runs, groups, n)


def sanctuary_flow(members: np.ndarray, sanctuary: np.ndarray, target_share: np.ndarray, host_border: np.ndarray,
                   speed: float) -> tuple[np.ndarray, np.ndarray]:
    """Move members between the border territories and the foreign sanctuary toward sigma_max H of the total."""
    total = members.sum(axis=2) + sanctuary
    flow = speed * (target_share * total - sanctuary)  # > 0: into sanctuary
    border = np.where(host_border[None, :, :], members, 0.0)
    pool = border.sum(axis=2)
    use_border = pool > 0
    source = np.where(use_border[:, :, None], border, members)
    source_total = source.sum(axis=2)
    flow = np.minimum(flow, source_total)  # cannot send more than is there
    flow = np.where(source_total > 0, flow, np.maximum(flow, 0.0))  # nowhere to return to: stay in sanctuary
    weights = np.divide(source, source_total[:, :, None], out=np.zeros_like(source),
                        where=source_total[:, :, None] > 0)
    # Returning members go to the border territories (or wherever the group is) in the same proportions.
    members = members - flow[:, :, None] * weights
    return np.maximum(members, 0.0), np.maximum(sanctuary + flow, 0.0)


def split_probability(cohesion: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """P(split on signing) = pi_0 + pi_2 (1 - cohesion)."""
    return np.clip(p["split_base"] + p["split_cohesion_effect"] * (1.0 - cohesion), 0.0, 1.0)


def split_share(cohesion: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """Share of members who leave with the dissident faction: split_member_share at cohesion 1/2, more when lower."""
    return np.clip(p["split_member_share"] * 2.0 * (1.0 - cohesion), 0.0, 0.9)
