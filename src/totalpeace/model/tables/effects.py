"""What a table's state and its signed package do on the battlefield (tables -> battlefield).

* legal treatment and the rest of the package: the value a faction expects from the deal against its own war value
  sets the chance that it splits at ratification and how many leave (MECHANISMS.md M7.2: pi_2 1[V_war > V_peace],
  here graded, for the faction with the most rent per member);
* reintegration terms set how fast members demobilise;
* security guarantees, with verification, protect ex-combatants;
* territorial terms set the share of the group's territories that become concentration zones;
* illicit-economy terms set the voluntary substitution effort in the group's territories;
* ceasefire terms set the verification of a negotiated ceasefire.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.tables.issues import CEASEFIRE, ILLICIT, REINTEGRATION, SECURITY, TERRITORY


@numba.njit(cache=True)
def ddr_rate(x: np.ndarray, p) -> float:
    """Monthly demobilisation during implementation: ddr_rate at full reintegration terms, half of it at none."""
    return p.ddr_rate * (0.5 + 0.5 * x[REINTEGRATION])


@numba.njit(cache=True)
def faction_shortfall(group_value: float, war: float, p) -> float:
    """How far the deal falls short for the faction with most rent per member (`rent_dispersion` times the group's
    mean): 1 - V_peace / (rent_dispersion V_war), in [0, 1]; 0 when war is worth nothing."""
    if war <= 0:
        return 0.0
    return min(max(1.0 - group_value / (p.rent_dispersion * war), 0.0), 1.0)


@numba.njit(cache=True)
def protection(x: np.ndarray, verification: float) -> float:
    """Protection of ex-combatants: the security-guarantee terms, half effective without international
    verification."""
    return x[SECURITY] * (0.5 + 0.5 * min(max(verification, 0.0), 1.0))


@numba.njit(cache=True)
def ceasefire_verification(x: np.ndarray, capacity: float) -> float:
    """Verification of a negotiated ceasefire: the guarantors' capacity times how verified the terms are."""
    return min(max(capacity, 0.0), 1.0) * (1.0 - x[CEASEFIRE])


@numba.njit(cache=True)
def concentration(x: np.ndarray) -> float:
    """Share of the group's territories that become concentration zones during implementation."""
    return x[TERRITORY]


@numba.njit(cache=True)
def substitution(x: np.ndarray) -> float:
    """Voluntary substitution effort in the group's territories during implementation."""
    return x[ILLICIT]


@numba.njit(cache=True)
def zone_mask(members: np.ndarray, scheduled: np.ndarray, zone_on: bool, share: float, out: np.ndarray) -> None:
    """The group's zone territories: the scheduled zone while its concession is in force, plus the `share` of the
    territories where it has members with most of them (concentration zones), at least one when share > 0."""
    T = members.shape[0]
    present = 0
    for t in range(T):
        out[t] = 1.0 if (zone_on and scheduled[t] > 0) else 0.0
        if members[t] > 0.5:
            present += 1
    if share <= 0 or present == 0:
        return
    n = max(1, int(np.ceil(share * present - 1e-9)))
    chosen = np.zeros(T, dtype=np.bool_)
    for _ in range(n):  # the n territories with most members, lower index on ties
        best, at = -1.0, -1
        for t in range(T):
            if not chosen[t] and members[t] > 0.5 and members[t] > best:
                best, at = members[t], t
        if at < 0:
            break
        chosen[at] = True
        out[at] = 1.0
