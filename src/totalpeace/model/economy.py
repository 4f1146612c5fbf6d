"""M1.2 rents and drug policy; M2.3 transit rents and foreign-cartel finance.

Reductions over the batch use elementwise products and `sum`, never BLAS (`@`, einsum): a BLAS kernel's summation
order can depend on the batch size, and results must be bit-identical however runs are batched.

Rents are in USD millions per month. Decriminalisation lowers the share of drug rents (coca and transit) that force
can appropriate, chi(D) = chi_0 (1 - theta_D D); gold and extortion rents are untouched by drug policy.
"""

from __future__ import annotations

import numpy as np

COCA, GOLD, EXTORTION, ROUTES = range(4)


def territory_rents(coca_ha: np.ndarray, gold_ha: np.ndarray, population: np.ndarray, transit_ha: np.ndarray,
                    p: dict[str, float]) -> np.ndarray:
    """Gross monthly rents by kind, shape (R, T, 4): coca, gold, extortion, routes (R_i,k of M1.2)."""
    runs, n = coca_ha.shape
    out = np.empty((runs, n, 4))
    out[..., COCA] = coca_ha * p["coca_rent_per_ha"]
    out[..., GOLD] = gold_ha[None, :] * p["gold_rent_per_ha"]
    out[..., EXTORTION] = population[None, :] / 1e5 * p["extortion_rent_per_100k"]
    out[..., ROUTES] = transit_ha * p["route_rent_per_ha"]
    return out


def appropriable_shares(decriminalization: float, p: dict[str, float]) -> np.ndarray:
    """chi per rent kind (4,): chi_0 (1 - theta_D D) for drug rents, chi_0 for gold and extortion."""
    chi0 = p["appropriable_share"]
    drug = chi0 * (1.0 - p["decriminalization_effect"] * decriminalization)
    return np.array([drug, chi0, chi0, drug])


def transit_hectares(coca_ha: np.ndarray, transit_share) -> np.ndarray:
    """Coca area (R, T) shipped through each exit territory: coca @ routing matrix (Dell least-cost routes)."""
    return np.ascontiguousarray(np.asarray(transit_share.T @ coca_ha.T).T)


def appropriable_value(rents: np.ndarray, chi: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """What each group could take in each territory if it controlled it fully: (R, G, T)."""
    weighted = rents * chi  # (R, T, 4)
    out = np.zeros((rents.shape[0], revenue.shape[0], rents.shape[1]))
    for k in range(rents.shape[2]):  # four kinds: a short loop beats a (R, G, T, 4) temporary
        out += weighted[:, None, :, k] * revenue[None, :, k, None]
    return out


def group_rents(value: np.ndarray, control: np.ndarray) -> np.ndarray:
    """Monthly rent each group takes: control share times appropriable value, summed over territories (R, G)."""
    return (value * control[..., :-1].transpose(0, 2, 1)).sum(axis=-1)


def cartel_transfers(finance: np.ndarray, allies: np.ndarray, exit_control: np.ndarray, active: np.ndarray,
                     vacuum_near_exits: np.ndarray) -> np.ndarray:
    """M2.3: foreign cartels pay allied proxies in proportion to the exits they control; entry grows with the vacuum
    near exits. Returns transfers received by each group (R, G) in USD m / month."""
    budget = finance[None, :] * (1.0 + vacuum_near_exits[:, None])  # (R, G) cartels' monthly budgets
    weight = allies[None, :, :] * (exit_control * active)[:, None, :]  # (R, cartel, proxy)
    total = weight.sum(axis=2, keepdims=True)
    share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
    return (budget[:, :, None] * share).sum(axis=1)
