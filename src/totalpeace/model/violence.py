"""M7.1 control and violence (Kalyvas), M7.2 homicides with contested territory, groups and fragmentation,
M2.2 selective violence in vacated territory (Prem et al.)."""

from __future__ import annotations

import numpy as np


def control_margin(control: np.ndarray) -> np.ndarray:
    """m_i = c_max - c_second (R, T); with the state as the only actor, its share."""
    if control.shape[-1] < 2:
        return control[..., -1]
    top = np.sort(control, axis=-1)
    return top[..., -1] - top[..., -2]


def kalyvas_zone(control: np.ndarray) -> np.ndarray:
    """Anders-compatible zones: 1/5 full control (c_max >= 0.9), 2/4 dominant (>= 0.6), 3 parity; state side 1-2."""
    cmax = control.max(axis=-1)
    state_leads = control[..., -1] >= cmax
    zone = np.where(cmax >= 0.9, 1, np.where(cmax >= 0.6, 2, 3))
    return np.where(state_leads | (zone == 3), zone, 6 - zone)


def selective_violence(control: np.ndarray, population: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """lambda_sel = alpha_sel Pop/1e5 4 m (1 - m): zero at parity and under full control, highest at m = 1/2."""
    m = control_margin(control)
    return p["selective_violence_rate"] * population[None, :] / 1e5 * 4.0 * m * (1.0 - m)


def vacuum_violence(vacated: np.ndarray, population: np.ndarray, state_presence: np.ndarray,
                    p: dict[str, float]) -> np.ndarray:
    """lambda_SL = lambda_0 V_i (1 - S_i) Pop/1e5: killings of social leaders where groups left and the state is weak
    (Prem et al. 2022: attenuated by state capacity). The land-conflict term of M2.2 is omitted (no data shipped)."""
    return p["vacuum_violence_rate"] * vacated * (1.0 - state_presence)[None, :] * population[None, :] / 1e5


def posture_share(control: np.ndarray, posture: np.ndarray) -> np.ndarray:
    """v_i = sum_g c_g,i v_g / sum_g c_g,i: the violence posture of the groups present, weighted by their control
    (1 where no group holds any control, the status quo)."""
    groups = control[..., :-1]
    held = groups.sum(axis=-1)
    weighted = (groups * posture[:, None, :]).sum(axis=-1)
    return np.where(held > 1e-12, weighted / np.maximum(held, 1e-12), 1.0)


def homicide_drivers(control: np.ndarray, groups_present: np.ndarray, fragmentation: np.ndarray,
                     rents: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """The log-linear predictor of M7.2 without the intercept:
    beta_c (1 - m) + beta_n ln(1 + n) + beta_f Frag + beta_R ln(1 + chi R) - beta_S c_state."""
    contested = 1.0 - control_margin(control)
    return (p["homicide_contested_effect"] * contested + p["homicide_groups_effect"] * np.log1p(groups_present)
            + p["homicide_fragmentation_effect"] * fragmentation + p["homicide_rent_effect"] * np.log1p(rents)
            - p["homicide_state_effect"] * control[..., -1])


def homicide_mean(base: np.ndarray, drivers: np.ndarray, drivers0: np.ndarray, posture_share: np.ndarray,
                  extra: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """mu_i = base_i exp(drivers - drivers_0) (1 - w_v + w_v v_i) + extra_i.

    base_i exp(-drivers_0) is the territory's random effect u_i, fixed in the first month so that it reproduces
    observed homicides; `posture_share` v_i is the control-weighted violence posture of the groups present (Lessing;
    1 in the status quo), `extra` adds selective, vacuum-filling and collateral killings and deaths in clashes
    between groups.
    """
    w = p["armed_violence_share"]
    return base * np.exp(np.clip(drivers - drivers0, -20.0, 20.0)) * (1.0 - w + w * posture_share) + extra
