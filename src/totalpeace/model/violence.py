"""Outcomes of violence at the levels public series count them (one run; control is (T, G + 1), the state last).

M7.1 control and violence (Kalyvas), M7.2 homicides with contested territory, groups, fragmentation and postures,
M2.2 killings of social leaders where groups compete and vacate ground (Prem et al.), M3.1 what the state's operations
remove (killed, captured, surrendered: the Defence Ministry's 'neutralisations') and the clashes and battle deaths
UCDP and CERAC count, massacres (CNMH: 4+ victims), forced displacement (Victims' Registry) and confinement (OCHA).

Homicides are the sum of ordinary crime (the territory effect at the start, which then answers to the change of the
state's control of the territory) and of what armed groups do: their homicides scale with the effective armed members
present and their violence posture, multiplied by the drivers of M7.2, at one national rate per member; selective
killings of social leaders, civilians killed in operations and deaths in clashes between groups add to them.
"""

from __future__ import annotations

import numba
import numpy as np

BASELINE_FLOOR = 0.2  # ordinary crime keeps at least this share of the observed homicides of a territory
MIN_GROUP_MEMBERS = 1.0  # a group counts as present in a territory above this many members


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
def competition(control: np.ndarray, t: int) -> float:
    """Q_i = c_arm (1 - sum_g s_g^2), s_g = c_g / c_arm: how much of territory t armed groups hold and how evenly they
    share it (0 where one group or none holds the armed part; toward c_arm as many groups split it). The state's share
    does not enter: this is competition among armed groups (Prem et al.; Kalyvas' fragmented control)."""
    G = control.shape[1] - 1
    held = 0.0
    for g in range(G):
        held += control[t, g]
    if held <= 1e-12:
        return 0.0
    concentration = 0.0
    for g in range(G):
        s = control[t, g] / held
        concentration += s * s
    return held * (1.0 - concentration)


@numba.njit(cache=True)
def homicide_weights(insurgent: np.ndarray, p) -> np.ndarray:
    """Homicide weight of one armed member of each group (G,): 1, times `insurgent_homicide_weight` for an
    insurgency or a dissident faction (whose violence is less often ordinary-crime homicide than a criminal
    organisation's). The weights apply to the armed-members stock; support networks do not kill."""
    G = insurgent.shape[0]
    out = np.empty(G)
    for g in range(G):
        out[g] = p.insurgent_homicide_weight if insurgent[g] > 0 else 1.0
    return out


@numba.njit(cache=True)
def armed_presence(members: np.ndarray, weights: np.ndarray, posture: np.ndarray, t: int) -> float:
    """E_i = sum_g w_g v_g N_g,i: the effective armed members in territory t, each weighted by its group's homicide
    weight and violence posture (0 for a group in a ceasefire it keeps)."""
    total = 0.0
    for g in range(members.shape[0]):
        total += weights[g] * posture[g] * members[g, t]
    return total


@numba.njit(cache=True)
def homicide_drivers(control: np.ndarray, members: np.ndarray, fragmentation: np.ndarray, rent_t: np.ndarray,
                     p, out: np.ndarray | None = None) -> np.ndarray:
    """The log-linear drivers of M7.2 per territory (T,), at 0 for uncontested ground held by one group:
    beta_c (1 - m) + beta_n ln(max(n, 1)) + beta_f Frag + beta_R ln(1 + chi R) - beta_S c_state, with n the groups
    present (more than one member)."""
    G, T = members.shape
    if out is None:
        out = np.empty(T)
    for t in range(T):
        present = 0
        for g in range(G):
            if members[g, t] > MIN_GROUP_MEMBERS:
                present += 1
        out[t] = (p.homicide_contested_effect * (1.0 - margin(control, t))
                  + p.homicide_groups_effect * np.log(max(present, 1))
                  + p.homicide_fragmentation_effect * fragmentation[t] + p.homicide_rent_effect * np.log1p(rent_t[t])
                  - p.homicide_state_effect * control[t, G])
    return out


@numba.njit(cache=True)
def armed_control(control: np.ndarray, t: int) -> float:
    """The armed groups' total control share in territory t."""
    held = 0.0
    for g in range(control.shape[1] - 1):
        held += control[t, g]
    return held


@numba.njit(cache=True)
def acting_control(control: np.ndarray, fronts: np.ndarray, t: int) -> float:
    """The armed groups' control share in territory t held by fronts that act: sum_g f_g c_g,i, f_g the share of the
    group's fronts not keeping a ceasefire (`choices.fronts_fighting`: 1 outside one). A ceasefire suspends offensive
    actions against the population as well as the state and rivals: in the first month of the FARC's unilateral
    ceasefire of December 2014 CERAC registered no violent action of the FARC and no attack on the population."""
    held = 0.0
    for g in range(control.shape[1] - 1):
        held += fronts[g] * control[t, g]
    return held


@numba.njit(cache=True)
def selective_violence(population: float, margin: float, armed_control: float, p) -> float:
    """Kalyvas' selective violence by armed groups: lambda_sel = alpha_sel Pop/1e5 4 m (1 - m) c_arm, zero at parity
    and under full control, highest at m = 1/2 (dominant but contested), where armed groups hold control (c_arm; the
    state's own share of the territory adds none). The engine passes the control of the fronts that act
    (`acting_control`), so a group keeping a ceasefire stops its selective killings where it holds ground; the
    margin is the contest's, which the ceasefire does not change."""
    return p.selective_violence_rate * population / 1e5 * 4.0 * margin * (1.0 - margin) * armed_control


@numba.njit(cache=True)
def armed_homicides(scale: float, presence: float, drivers: float, selective: float, p) -> float:
    """Homicides by armed groups in a territory this month: their selective killings plus k E_i^eta exp(drivers_i),
    with k the national rate per effective member (`armed_homicide_scale`): disputes, extortion and debts follow the
    armed members present and their posture, at the elasticity eta (`armed_homicide_elasticity`; 1: proportional)."""
    return selective + scale * presence ** p.armed_homicide_elasticity * np.exp(min(max(drivers, -20.0), 20.0))


@numba.njit(cache=True)
def armed_homicide_scale(observed_total: float, presence: np.ndarray, drivers: np.ndarray, selective: np.ndarray,
                         p) -> float:
    """k, fixed at the start: the national rate per effective armed member (to the power eta) that makes the armed
    groups' homicides (selective killings included) the share w_v (`armed_violence_share`) of the observed homicides,
    with every group at the status-quo posture 1. One number for the whole country, so that where and how much the
    groups kill follows their members, posture and the drivers, not the start's geography; 0 where no group is present
    or where selective killings alone reach that share."""
    reference, chosen = 0.0, 0.0
    for t in range(presence.shape[0]):
        reference += presence[t] ** p.armed_homicide_elasticity * np.exp(min(max(drivers[t], -20.0), 20.0))
        chosen += selective[t]
    remainder = p.armed_violence_share * observed_total - chosen
    if reference <= 0.0 or remainder <= 0.0:
        return 0.0
    return remainder / reference


@numba.njit(cache=True)
def homicide_baselines(observed: np.ndarray, model_killings: np.ndarray) -> np.ndarray:
    """Ordinary crime per territory (T,) at the start: the observed monthly homicides less those the model itself
    generates there (the armed groups' homicides and the other killings), which are part of the observed count, not
    on top of it. Where the model's killings leave less than BASELINE_FLOOR of a territory's count, ordinary crime is
    that floor, and the excess is taken from the other territories' ordinary crime above their floors, in proportion,
    so that the start month reproduces the observed national total (the armed groups' rate is national, so a
    territory-by-territory match is out of reach); only when no room is left does the total exceed the observed."""
    T = observed.shape[0]
    out = np.empty(T)
    excess, room = 0.0, 0.0
    for t in range(T):
        floor = BASELINE_FLOOR * observed[t]
        left = observed[t] - model_killings[t]
        if left < floor:
            excess += floor - left
        else:
            room += left - floor
    cut = min(excess / room, 1.0) if room > 0.0 else 0.0
    for t in range(T):
        floor = BASELINE_FLOOR * observed[t]
        left = observed[t] - model_killings[t]
        out[t] = floor if left < floor else floor + (left - floor) * (1.0 - cut)
    return out


def drift_start_months(start_month: int, months_counted: int = 12) -> float:
    """The variance of a drift's level in the start month around the mean of the year the start's homicide counts
    cover, in monthly steps: sum over the steps k of (1[k <= s] - #{j in 1..n: j >= k} / n)^2, with s the start
    month counted from the first month of that year (1: its January; n + 1: the January after it; 0 and below: the
    months before it). The start's counts are a year's total, not the level of its month: for a random walk the last
    month of the year lies sqrt(3.51) steps from the year's mean ((n - 1)(2n - 1) / (6n), n = 12), and each month
    after the year adds one step. `crime_drift_start_months` takes this value for a scenario's start."""
    first = min(start_month, 1) + 1  # a step before both the start and the year moves them alike
    total = 0.0
    for k in range(first, max(start_month, months_counted) + 1):
        at_start = 1.0 if k <= start_month else 0.0
        in_year = (months_counted - max(k, 1) + 1) / months_counted if k <= months_counted else 0.0
        total += (at_start - in_year) ** 2
    return total


@numba.njit(cache=True)
def crime_drift(previous: float, shock: float, step: float, gap: float, pull: float) -> float:
    """One month of a drift of ordinary crime, log units: z_m = z_(m-1) - kappa (z_(m-1) + gap) + sigma e_m,
    e_m ~ N(0, 1). Two of them move ordinary crime: the national one (`crime_drift_sd`), a random walk (kappa 0), one
    per run and shared by every territory, and each territory's own (`regional_crime_drift_sd`), independent across
    territories, which `pull` = kappa (crime_pull) draws toward the national rate: `gap` is the territory's log rate
    of ordinary crime above the nation's at the start (crime_gap), so z_i tends to -gap. The first month is one
    draw of sqrt(v_0) steps from 0 (v_0 `crime_drift_start_months`, drift_start_months): the start's level around the
    yearly count the baselines are set from, since the walk's step is estimated from the change between yearly totals
    (tools/crime_drift.py) and a start at the year's mean gave the first forecast year 44% of that variance (3.51
    steps of the 8.03 between consecutive yearly means).
    Homicides outside the conflict rise and fall for reasons the model does not represent (policing, urban gang
    pacts, the economy): Colombia's Police count changed by 7.4% a year nationally (standard deviation of the log
    changes, 2003-2021), and a department's relative to the nation's drifts further the longer the lag, while the
    territories' own counting noise is independent from month to month and, summed, adds almost nothing. Without
    them the forecasts' intervals are far too narrow (docs/validation.md 7.5).
    A department whose homicide rate is above the nation's sees it fall back toward the nation's, one below it rise:
    3.7% of the log gap a year in the Police's counts (crime_reversion; docs/model.md 7.10), so the pull keeps the
    forecasts from carrying a year's high or low count, and the places where crime has just peaked, forward."""
    return previous - pull * (previous + gap) + step * shock


@numba.njit(cache=True)
def crime_pull(p) -> float:
    """kappa: the monthly share of its gap to the nation's rate a territory's drift closes, the yearly
    `crime_reversion` spread over twelve months: 1 - (1 - crime_reversion)^(1/12)."""
    return 1.0 - (1.0 - min(max(p.crime_reversion, 0.0), 1.0)) ** (1.0 / 12.0)


@numba.njit(cache=True)
def crime_gap(baseline: float, population: float, national_rate: float) -> float:
    """A territory's log rate of ordinary crime above the nation's at the start: ln(base_i / Pop_i) - ln(sum base /
    sum Pop), 0 where it has no ordinary crime or no people (nothing to pull)."""
    if baseline <= 0.0 or population <= 0.0 or national_rate <= 0.0:
        return 0.0
    return np.log(baseline / population) - np.log(national_rate)


@numba.njit(cache=True)
def ordinary_crime(baseline: float, state_control: float, state_control0: float, drift: float, p) -> float:
    """Ordinary-crime homicides in a territory this month: the start's level, times exp(z - beta_O (c_S - c_S0)),
    with c_S the state's control share now and c_S0 at the start and z the drifts (crime_drift: the national one plus
    the territory's own). Policing
    and the state's hold on a territory deter ordinary crime too, not only the armed groups' killings: where the
    state gains ground ordinary crime falls, where it withdraws (or armed groups take the ground it held) it rises;
    where control is unchanged and without drift it stays at the start's level, the observed count. The drifts
    (their start around the counted year included, crime_drift) have median 0, so the central path and the
    median are the start's level."""
    return baseline * np.exp(drift - p.ordinary_state_effect * (state_control - state_control0))


@numba.njit(cache=True)
def social_leader_killings(vacated: float, competition: float, presence: float, rural_population: float,
                           p) -> float:
    """Killings of social leaders and human-rights defenders (Indepaz's count) expected this month:
    (1 - S_i) Rur_i/1e5 (lambda_Q Q_i + lambda_0 W_i): where armed groups compete for a territory and where they fill
    ground others vacated (W, the record of vacated control over tau_V months, contest.remember_leader_vacuum),
    attenuated by the state's institutional presence (Prem et al. 2022). Rur_i is the territory's rural population:
    the leaders killed are mostly rural (community action boards, land restitution, crop substitution, indigenous and
    Afro-Colombian authorities), so a city's people do not raise the count. The land-conflict term of M2.2 is omitted
    (no land-conflict data ship)."""
    return (1.0 - presence) * rural_population / 1e5 * (p.leader_competition_rate * competition
                                                        + p.vacuum_violence_rate * vacated)


@numba.njit(cache=True)
def collateral_deaths(killed: float, presence: float, p) -> float:
    """Civilians killed in the state's operations, K_i = xi (1 - iota_i) x killed combatants (Kress & Szechtman), with
    the state's intelligence quality iota_i taken as its institutional presence S_i: poor targeting where the state
    barely reaches."""
    return p.collateral_share * (1.0 - presence) * killed


@numba.njit(cache=True)
def killed_share(insurgent: float, posture: float, p) -> float:
    """Share of the members the state removes who die (the rest are captured or surrender): `killed_share` for an
    insurgency or dissident faction that fights back (posture 1), `killed_share_criminal` for a criminal group, and
    `killed_share_no_resistance` for a group that does not fight back (posture 0, as in a ceasefire it keeps);
    linear in between. Lethality follows resistance: arrests of a group that does not shoot are rarely fatal."""
    fighting = p.killed_share if insurgent > 0 else p.killed_share_criminal
    v = min(max(posture, 0.0), 1.0)
    return v * fighting + (1.0 - v) * p.killed_share_no_resistance


@numba.njit(cache=True)
def removals(losses_state: np.ndarray, captured_support: np.ndarray, insurgent: np.ndarray, posture: np.ndarray,
             p, killed: np.ndarray | None = None, captured: np.ndarray | None = None,
             surrendered: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The members the state removed this month (G, T), split into killed, captured and surrendered (G, T each):
    of the armed members L it removed, killed = kappa_g L, surrendered = `surrender_share` of the rest, captured the
    remainder; the support-network members it captured (`strength.support_captures`) add to the captured (the
    Defence Ministry's neutralisations: muertos en operaciones, capturas, desmovilizaciones)."""
    G, T = losses_state.shape
    if killed is None:
        killed = np.empty((G, T))
    if captured is None:
        captured = np.empty((G, T))
    if surrendered is None:
        surrendered = np.empty((G, T))
    for g in range(G):
        share = killed_share(insurgent[g], posture[g], p)
        for t in range(T):
            lost = losses_state[g, t]
            killed[g, t] = share * lost
            surrendered[g, t] = p.surrender_share * (lost - killed[g, t])
            captured[g, t] = lost - killed[g, t] - surrendered[g, t] + captured_support[g, t]
    return killed, captured, surrendered


@numba.njit(cache=True)
def lethal_clash_mean(deaths: float, p) -> float:
    """Expected lethal clashes (events with at least one death) between the security forces and armed groups: the
    deaths in that fighting over the mean deaths per event of the power law (`members_per_clash`)."""
    return deaths / p.members_per_clash


@numba.njit(cache=True)
def massacre_mean(armed: float, competition: float, p) -> float:
    """Expected massacres (CNMH: four or more victims in one event) this month: a share `massacre_rate` of the armed
    groups' homicides turns into massacres where armed groups compete for a territory (Q_i; collective killings as
    punishment and deterrence under fragmented control, Kalyvas' indiscriminate violence)."""
    return p.massacre_rate * armed * competition


@numba.njit(cache=True)
def displaced_persons(conflict_killings: float, p) -> float:
    """Persons forcibly displaced this month (Victims' Registry): `displacement_per_killing` persons flee for each
    conflict killing (armed groups' homicides, social leaders, civilians killed in operations, deaths in clashes),
    the channel through which violence empties rural areas (Ibáñez & Vélez 2008)."""
    return p.displacement_per_killing * conflict_killings


@numba.njit(cache=True)
def armed_members(armed: np.ndarray, t: int) -> float:
    """Armed members of all groups in territory t (the armed-members stock, G x T)."""
    total = 0.0
    for g in range(armed.shape[0]):
        total += armed[g, t]
    return total


@numba.njit(cache=True)
def confined_persons(armed: float, competition: float, rural_population: float, population: float, p) -> float:
    """Persons confined by armed groups this month (OCHA): `confinement_rate` persons per armed member where armed
    groups compete (Q_i), times the rural share of the territory's people Rur_i / Pop_i: armed strikes, curfews and
    mined paths that the groups impose on the rural communities around them to hold ground against a rival. OCHA
    counts communities kept from leaving their land (85% of the confined of 2021 were indigenous or Afro-Colombian,
    in rural collective territories), so the members a territory's cities hold confine no one; without finer
    geography the members live among its people as the people are spread."""
    if population <= 0.0:
        return 0.0
    return p.confinement_rate * armed * competition * min(rural_population / population, 1.0)


@numba.njit(cache=True)
def decay_fragmentation(fragmentation: np.ndarray, p) -> None:
    """The record of splits fades month by month (in place)."""
    for t in range(fragmentation.shape[0]):
        fragmentation[t] *= p.fragmentation_memory
