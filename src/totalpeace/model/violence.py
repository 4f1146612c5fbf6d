"""M7.1 control and violence (Kalyvas), M7.2 homicides with contested territory, groups and fragmentation,
M2.2 selective violence in vacated territory (Prem et al.). One run; control is (T, G + 1), the state last."""

from __future__ import annotations

import numba
import numpy as np

BASELINE_FLOOR = 0.2  # the homicide baseline keeps at least this share of the observed homicides


@numba.njit(cache=True)
def margin(control: np.ndarray, t: int) -> float:
    """m_i = c_max - c_second in territory t (the state's share when it is the only actor)."""
    A = control.shape[1]
    if A < 2:
        return control[t, A - 1]
    first, second = -np.inf, -np.inf
    for a in range(A):
        c = control[t, a]
        if c > first:
            first, second = c, first
        elif c > second:
            second = c
    return first - second


@numba.njit(cache=True)
def kalyvas_zone(control: np.ndarray, t: int) -> int:
    """Anders-compatible zones: 1/5 full control (c_max >= 0.9), 2/4 dominant (>= 0.6), 3 parity; the state's side
    is 1-2."""
    A = control.shape[1]
    cmax = control[t, 0]
    for a in range(1, A):
        cmax = max(cmax, control[t, a])
    zone = 1 if cmax >= 0.9 else (2 if cmax >= 0.6 else 3)
    if control[t, A - 1] >= cmax or zone == 3:
        return zone
    return 6 - zone


@numba.njit(cache=True)
def homicide_drivers(control: np.ndarray, members: np.ndarray, fragmentation: np.ndarray, rent_t: np.ndarray,
                     p) -> np.ndarray:
    """The log-linear predictor of M7.2 without the intercept, per territory (T,):
    beta_c (1 - m) + beta_n ln(1 + n) + beta_f Frag + beta_R ln(1 + chi R) - beta_S c_state, with n the groups
    present (more than one member)."""
    G, T = members.shape
    out = np.empty(T)
    for t in range(T):
        present = 0
        for g in range(G):
            if members[g, t] > 1.0:
                present += 1
        out[t] = (p.homicide_contested_effect * (1.0 - margin(control, t))
                  + p.homicide_groups_effect * np.log1p(present)
                  + p.homicide_fragmentation_effect * fragmentation[t] + p.homicide_rent_effect * np.log1p(rent_t[t])
                  - p.homicide_state_effect * control[t, G])
    return out


@numba.njit(cache=True)
def posture_share(control: np.ndarray, posture: np.ndarray, t: int) -> float:
    """v_i = sum_g c_g,i v_g / sum_g c_g,i: the violence posture of the groups present in territory t, weighted by
    their control (1 where no group holds any control, the status quo)."""
    G = control.shape[1] - 1
    held, weighted = 0.0, 0.0
    for g in range(G):
        held += control[t, g]
        weighted += control[t, g] * posture[g]
    return weighted / max(held, 1e-12) if held > 1e-12 else 1.0


@numba.njit(cache=True)
def selective_violence(population: float, margin: float, p) -> float:
    """lambda_sel = alpha_sel Pop/1e5 4 m (1 - m): zero at parity and under full control, highest at m = 1/2."""
    return p.selective_violence_rate * population / 1e5 * 4.0 * margin * (1.0 - margin)


@numba.njit(cache=True)
def vacuum_violence(vacated: float, presence: float, population: float, p) -> float:
    """lambda_SL = lambda_0 V_i (1 - S_i) Pop/1e5: killings of social leaders where groups left and the state is weak
    (Prem et al. 2022: attenuated by state capacity). The land-conflict term of M2.2 is omitted (no data shipped)."""
    return p.vacuum_violence_rate * vacated * (1.0 - presence) * population / 1e5


@numba.njit(cache=True)
def collateral_deaths(losses: float, presence: float, p) -> float:
    """Civilians killed in operations, K_i = xi (1 - iota_i) L_i (Kress & Szechtman), with the state's intelligence
    quality iota_i taken as its institutional presence S_i: poor targeting where the state barely reaches."""
    return p.collateral_share * (1.0 - presence) * losses


@numba.njit(cache=True)
def homicide_baseline(observed: float, model_killings: float) -> float:
    """The territory effect base_i, set in the first month: the status-quo homicide mean plus the killings the model
    itself generates there must equal the observed monthly average. Those killings are part of the observed count,
    not on top of it; where they exceed it, BASELINE_FLOOR of it is kept."""
    return max(observed - model_killings, BASELINE_FLOOR * observed)


@numba.njit(cache=True)
def homicide_mean(base: float, drivers: float, drivers0: float, posture_share: float, extra: float, p) -> float:
    """mu_i = base_i exp(drivers - drivers_0) (1 - w_v + w_v v_i) + extra_i.

    base_i exp(-drivers_0) is the territory's random effect u_i, fixed in the first month so that it reproduces
    observed homicides; `posture_share` v_i is the control-weighted violence posture of the groups present (Lessing;
    1 in the status quo), `extra` adds selective, vacuum-filling and collateral killings and deaths in clashes
    between groups.
    """
    w = p.armed_violence_share
    return base * np.exp(min(max(drivers - drivers0, -20.0), 20.0)) * (1.0 - w + w * posture_share) + extra


@numba.njit(cache=True)
def decay_fragmentation(fragmentation: np.ndarray, p) -> None:
    """The record of splits fades month by month (in place)."""
    for t in range(fragmentation.shape[0]):
        fragmentation[t] *= p.fragmentation_memory
