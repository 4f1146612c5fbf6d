"""M1.2 rents and drug policy; M2.3 transit rents and foreign-cartel finance (one run's territories and groups).

Rents are in USD millions per month. Decriminalisation lowers the share of drug rents (coca and transit) that force
can appropriate, chi(D) = chi_0 (1 - theta_D D); gold and extortion rents are untouched by drug policy.
"""

from __future__ import annotations

import numba
import numpy as np

from totalpeace.model.buffers import zeroed

COCA, GOLD, EXTORTION, ROUTES = range(4)
STAKE_FLOOR = 1e-6  # a group's stake (status-quo income) is at least this, so values measured in it stay defined


@numba.njit(cache=True)
def appropriable_shares(decriminalization: float, p) -> np.ndarray:
    """chi per rent kind (4,): chi_0 (1 - theta_D D) for drug rents (coca, routes), chi_0 for gold and extortion."""
    chi0 = p.appropriable_share
    drug = chi0 * (1.0 - p.decriminalization_effect * decriminalization)
    return np.array([drug, chi0, chi0, drug])


@numba.njit(cache=True)
def transit_hectares(coca: np.ndarray, exit_of: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Coca area shipped out through each exit territory (T,): each territory ships through its least-cost exit
    (model/trafficking.py; `exit_of` -1 where no exit is reachable)."""
    out = zeroed(out, coca.shape[0])
    for i in range(coca.shape[0]):
        if exit_of[i] >= 0:
            out[exit_of[i]] += coca[i]
    return out


@numba.njit(cache=True)
def corridor_hectares(coca: np.ndarray, next_hop: np.ndarray, exit_of: np.ndarray,
                      out: np.ndarray | None = None) -> np.ndarray:
    """Coca area whose route rent each territory earns (T,): a territory's coca pays its route rent, per hectare, to
    the territories on its route after it (its exit included), shared equally among them (`next_hop` the next
    territory toward the exit, -1 at the exit; an exit ships its own coca itself). The total is the coca that reaches
    an exit, whatever the number of territories crossed, so the rent does not grow with finer territories."""
    T = coca.shape[0]
    out = zeroed(out, T)
    for i in range(T):
        if exit_of[i] < 0 or coca[i] <= 0.0:
            continue
        if next_hop[i] < 0:
            out[i] += coca[i]
            continue
        length = 0
        k = next_hop[i]
        while k >= 0 and length <= T:
            length += 1
            k = next_hop[k]
        share = coca[i] / length
        k = next_hop[i]
        while k >= 0:
            out[k] += share
            k = next_hop[k]
    return out


@numba.njit(cache=True)
def rents_by_kind(coca: np.ndarray, gold: np.ndarray, population: np.ndarray, transit: np.ndarray, p,
                  out: np.ndarray | None = None) -> np.ndarray:
    """Gross monthly rents R_i,k (T, 4): coca, gold, extortion (per 100,000 inhabitants), routes (the coca whose
    route crosses or leaves through the territory, `corridor_hectares`)."""
    T = coca.shape[0]
    if out is None:
        out = np.empty((T, 4))
    for t in range(T):
        out[t, COCA] = coca[t] * p.coca_rent_per_ha
        out[t, GOLD] = gold[t] * p.gold_rent_per_ha
        out[t, EXTORTION] = population[t] / 1e5 * p.extortion_rent_per_100k
        out[t, ROUTES] = transit[t] * p.route_rent_per_ha
    return out


@numba.njit(cache=True)
def appropriable(kinds: np.ndarray, chi: np.ndarray, revenue: np.ndarray, value: np.ndarray | None = None,
                 rent_t: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """What each group could take in each territory if it controlled it fully, sum_k chi_k R_i,k [g lives on k]
    (G, T), and the appropriable rent of each territory over all kinds (T,)."""
    T, G = kinds.shape[0], revenue.shape[0]
    value = zeroed(value, (G, T))
    rent_t = zeroed(rent_t, T)
    for t in range(T):
        for k in range(4):
            weighted = kinds[t, k] * chi[k]
            rent_t[t] += weighted
            for g in range(G):
                value[g, t] += weighted * revenue[g, k]
    return value, rent_t


@numba.njit(cache=True)
def group_rents(value: np.ndarray, control: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Monthly rent each group takes (G,): its control share times the appropriable value, summed over territories."""
    G, T = value.shape
    out = zeroed(out, G)
    for g in range(G):
        for t in range(T):
            out[g] += value[g, t] * control[t, g]
    return out


@numba.njit(cache=True)
def sanctuary_rates(ratio: np.ndarray, rent: np.ndarray, members: np.ndarray, splinter_slot: np.ndarray) -> np.ndarray:
    """Monthly income per armed member in sanctuary (G,), fixed at the start: `ratio` times the group's rent per armed
    member at home, r_sigma = q_g R_g / A_g. The host country's economies (Venezuela's mining, smuggling and
    extortion) pay the members there whatever the group holds at home, so sheltering is an income base as well as a
    refuge (M4.2). A splinter's members abroad earn at its parent's rate."""
    G = ratio.shape[0]
    out = np.zeros(G)
    for g in range(G):
        at_home = 0.0
        for t in range(members.shape[1]):
            at_home += members[g, t]
        if ratio[g] > 0 and at_home > 0:
            out[g] = ratio[g] * rent[g] / at_home
    for g in range(G):
        if splinter_slot[g] >= 0:
            out[splinter_slot[g]] = out[g]
    return out


@numba.njit(cache=True)
def add_sanctuary_income(rent: np.ndarray, rate: np.ndarray, sanctuary: np.ndarray) -> None:
    """Each group's rent plus what its members in sanctuary earn there, r_sigma N_sigma (in place)."""
    for g in range(rent.shape[0]):
        rent[g] += rate[g] * sanctuary[g]


@numba.njit(cache=True)
def stakes(kinds: np.ndarray, revenue: np.ndarray, control: np.ndarray, p) -> np.ndarray:
    """Each group's stake (G,): its income under the status quo (no drug-policy change), at least STAKE_FLOOR. Deal
    benefits and cartel finance are measured against it."""
    rent = group_rents(appropriable(kinds, appropriable_shares(0.0, p), revenue)[0], control)
    for g in range(rent.shape[0]):
        rent[g] = max(rent[g], STAKE_FLOOR)
    return rent


@numba.njit(cache=True)
def exit_holdings(control: np.ndarray, vacated: np.ndarray, exits: np.ndarray,
                  exit_control: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Each group's control summed over the exit territories (G,) and the vacated control there (M2.3's entry)."""
    T, A = control.shape
    G = A - 1
    exit_control = zeroed(exit_control, G)
    vacuum_exits = 0.0
    for t in range(T):
        for g in range(G):
            exit_control[g] += control[t, g] * exits[t]
        vacuum_exits += vacated[t] * exits[t]
    return exit_control, vacuum_exits


@numba.njit(cache=True)
def cartel_transfers(finance: np.ndarray, allies: np.ndarray, exit_control: np.ndarray, alive: np.ndarray,
                     vacuum_exits: float, out: np.ndarray | None = None) -> np.ndarray:
    """M2.3: foreign cartels pay allied proxies in proportion to the exits they control; a cartel's budget grows with
    the vacuum near exits, finance (1 + vacuum). A cartel that holds ground itself (members in the country) keeps the
    share of its own exit control for its own members. Transfers received by each group (G,) in USD m / month (a
    cartel's row is what it keeps)."""
    G = finance.shape[0]
    out = zeroed(out, G)
    for c in range(G):
        if finance[c] == 0.0:
            continue
        own = exit_control[c] * alive[c]
        total = own
        for g in range(G):
            total += allies[c, g] * (exit_control[g] * alive[g])
        if total <= 0:
            continue
        budget = finance[c] * (1.0 + vacuum_exits)
        for g in range(G):
            out[g] += budget * (allies[c, g] * (exit_control[g] * alive[g]) / total)
        out[c] += budget * own / total
    return out


@numba.njit(cache=True)
def pay_ratios(rent: np.ndarray, transfers: np.ndarray, members_total: np.ndarray, p,
               out: np.ndarray | None = None) -> np.ndarray:
    """What each group pays a member relative to the legal wage (G,): pi_w (rent + transfers) / members / L. The
    opportunity cost of joining (Dube & Vargas): it falls as the group grows on the same income, so income, not a
    fixed rate, limits how large a group can become."""
    G = rent.shape[0]
    if out is None:
        out = np.empty(G)
    legal = max(p.legal_income_per_member, 1e-12)
    for g in range(G):
        out[g] = p.wage_share * (rent[g] + transfers[g]) / max(members_total[g], 1.0) / legal
    return out


@numba.njit(cache=True)
def arms_intensity(resources: np.ndarray, armed: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """Arms availability a_g (G,): the group's stock of arms and resources in years of its operations,
    R_g / (12 c_op armed_g); 0 without armed members."""
    G = resources.shape[0]
    out = zeroed(out, G)
    for g in range(G):
        need = 12.0 * p.operations_cost * armed[g]
        out[g] = resources[g] / need if need > 0 else 0.0
    return out


@numba.njit(cache=True)
def arms_multiplier(arms: np.ndarray, p, out: np.ndarray | None = None) -> np.ndarray:
    """Effort multiplier of each group's arms (G,): 1 + psi_A a / (1 + a)."""
    G = arms.shape[0]
    if out is None:
        out = np.empty(G)
    for g in range(G):
        out[g] = 1.0 + p.arms_effort_effect * arms[g] / (1.0 + arms[g])
    return out


@numba.njit(cache=True)
def resources_inflow(rent: np.ndarray, transfers: np.ndarray, armed: np.ndarray, operations: np.ndarray,
                     p, out: np.ndarray | None = None) -> np.ndarray:
    """Net monthly addition to each group's arms and resources before wear (G,): s_A rent + transfers - c_op armed
    x operations (operations 1 when fighting, less for the share standing down in a ceasefire or zone). Foreign
    cartels arm their proxies: their transfers go into the stock whole."""
    G = rent.shape[0]
    if out is None:
        out = np.empty(G)
    for g in range(G):
        out[g] = p.arms_share * rent[g] + transfers[g] - p.operations_cost * armed[g] * operations[g]
    return out


@numba.njit(cache=True)
def update_resources(resources: np.ndarray, inflow: np.ndarray, p) -> None:
    """R' = max(0, (1 - delta_A) R + inflow) (in place): the stock wears out and grows by what is not spent."""
    for g in range(resources.shape[0]):
        resources[g] = max((1.0 - p.arms_depreciation) * resources[g] + inflow[g], 0.0)


@numba.njit(cache=True)
def steady_resources(inflow: np.ndarray, p) -> np.ndarray:
    """The stock each group holds when its arms have reached their steady state at this inflow (G,): max(0,
    inflow) / delta_A. The start of a run: groups did not begin arming in its first month."""
    G = inflow.shape[0]
    out = np.empty(G)
    for g in range(G):
        out[g] = max(inflow[g], 0.0) / max(p.arms_depreciation, 1e-12)
    return out


@numba.njit(cache=True)
def coca_change(substitution: float, announced: float, p) -> float:
    """Monthly relative change of the coca area: substitution removes it, announced but unpaid substitution adds to
    it (Mejía, Prem & Vargas): -s_rate Substitution + s_announce [announced]."""
    return -p.substitution_rate * substitution + p.substitution_announcement * announced


@numba.njit(cache=True)
def grow_coca(coca: np.ndarray, change: float) -> None:
    """Coca area after a month's relative change (in place, never below zero)."""
    for t in range(coca.shape[0]):
        coca[t] = max(coca[t] * (1.0 + change), 0.0)
