"""The armed groups' economy and choices in one Mesa run: the model's own functions, fed by the agents.

The reference keeps the battlefield's bookkeeping agent by agent (members, control, the contest, losses, violence,
the state). The groups' economy and choices (totalpeace.model: routes re-optimised with control, pay, reach and
effective presence, arms, the groups' logit choices, recruitment from a labour pool, support networks, desertion
against pay, the ex-combatant pool, splits beyond ratification) are array functions without agent state of their
own, so, as for the negotiation tables (negotiation.py), the reference calls the model's compiled functions with
arrays assembled from the agents instead of keeping a second copy of their equations, and writes the results back.
"""

from __future__ import annotations

import numpy as np

from totalpeace.engine.initial import arms_at
from totalpeace.engine.inputs import world_arrays
from totalpeace.model import choices, contest, economy, security, strength, trafficking
from totalpeace.model.params import params_record
from totalpeace.model.tables import bridge
from totalpeace.model.tables import month as tables_month

STATE = "state"


class GroupDesk:
    """Packs the agents' state into the model's arrays and unpacks the results."""

    def __init__(self, model, total_forces: float) -> None:
        self.model = model
        self.w = world_arrays(model.world, total_forces)
        self.p = params_record(model.p)
        self.reach = contest.reach_shares(self.w.area, self.w.adj_indptr, self.p)

    # ------------------------------------------------------------------ packing
    def _per_territory(self, name: str) -> np.ndarray:
        territories = self.model.territory_list
        return np.array([[getattr(g, name)[t.tid] for t in territories] for g in self.model.group_list])

    def members(self) -> np.ndarray:
        return self._per_territory("members")

    def support(self) -> np.ndarray:
        return self._per_territory("support")

    def sanctuary(self) -> np.ndarray:
        return np.array([g.sanctuary for g in self.model.group_list])

    def control(self) -> np.ndarray:
        groups = self.model.group_list
        return np.array([[t.control[g.gid] for g in groups] + [t.control[STATE]] for t in self.model.territory_list])

    def routes(self) -> tuple[np.ndarray, np.ndarray]:
        territories = self.model.territory_list
        return (np.array([t.route_exit for t in territories], dtype=np.int64),
                np.array([t.route_next for t in territories], dtype=np.int64))

    def _unpack(self, name: str, values: np.ndarray) -> None:
        territories = self.model.territory_list
        for g in self.model.group_list:
            setattr(g, name, {t.tid: float(values[g.index, j]) for j, t in enumerate(territories)})

    def _set_routes(self, exit_of: np.ndarray, next_hop: np.ndarray) -> None:
        for j, t in enumerate(self.model.territory_list):
            t.route_exit, t.route_next = int(exit_of[j]), int(next_hop[j])

    # ------------------------------------------------------------------ start
    def arms_at_start(self, chi: np.ndarray) -> np.ndarray:
        """The arms multiplier of each group under the current control (the initial fixed point, engine/initial.py);
        also leaves the stock of arms and the routes of that control on the agents."""
        stock, multiplier, exit_of, next_hop = arms_at(self.control(), self.members(), self.support(),
                                                       self.sanctuary(), self.w.coca, chi, self.w, self.p)
        for g in self.model.group_list:
            g.resources = float(stock[g.index])
        self._set_routes(exit_of, next_hop)
        return multiplier

    # ------------------------------------------------------------------ economy
    def reroute(self, month: int) -> None:
        exit_of, next_hop = self.routes()
        trafficking.reroute(month, self.w.edge_length, self.w.adj_indptr, self.w.adj_indices, self.w.exits,
                            self.control(), exit_of, next_hop, self.p)
        self._set_routes(exit_of, next_hop)

    def transit(self) -> None:
        """Each territory's corridor hectares (route rents) and the coca leaving through it (flows abroad)."""
        coca = np.array([t.coca_ha for t in self.model.territory_list])
        exit_of, next_hop = self.routes()
        corridor = economy.corridor_hectares(coca, next_hop, exit_of)
        leaving = economy.transit_hectares(coca, exit_of)
        for j, t in enumerate(self.model.territory_list):
            t.corridor_ha, t.transit_ha = float(corridor[j]), float(leaving[j])

    def pay(self) -> None:
        groups = self.model.group_list
        own = np.array([g.own_rent for g in groups])
        transfers = np.array([g.transfers for g in groups])
        total = np.array([g.total for g in groups])
        for g, ratio in zip(groups, economy.pay_ratios(own, transfers, total, self.p), strict=True):
            g.pay = float(ratio)

    def presence(self, with_arms: bool = True) -> None:
        """Each group's effective presence (its effort split between home and the neighbours) and, unless told
        otherwise, its arms multiplier."""
        w, p = self.w, self.p
        presence = contest.effective_presence(self.members(), self.support(), self.reach, w.adj_indptr,
                                              w.adj_indices, p)
        self._unpack("presence", presence)
        if not with_arms:
            return
        groups = self.model.group_list
        operating = np.array([g.in_operations for g in groups])
        arms = economy.arms_multiplier(economy.arms_intensity(np.array([g.resources for g in groups]), operating, p),
                                       p)
        for g in groups:
            g.arms = float(arms[g.index])

    # ------------------------------------------------------------------ choices
    def willingness(self, g) -> float:
        return float(choices.willingness(float(g.willing), g.surplus, g.spoiler, self.p))

    def decide(self, out: np.ndarray, audit: np.ndarray, phase: np.ndarray, conditional: bool) -> None:
        """The groups' choices after the tables' month (engine/month.py step 3b)."""
        model, p = self.model, self.p
        groups = model.group_list
        G = len(groups)
        margins = bridge.margins(audit, phase)
        at_stake = np.array([tables_month.deal_at_stake(int(phase[g])) for g in range(G)])
        ceasefire = np.array([g.ceasefire for g in groups])
        target = at_stake | ceasefire
        pressure0 = bridge.pressure_after_concessions(out, np.full(G, p.repression_base), p)
        choice = np.zeros((G, choices.N_CHOICE))
        alive = np.array([1.0 if g.alive else 0.0 for g in groups])
        verification = np.array([g.verification for g in groups])
        choices.decide(self._per_territory("presence"), self.w.rival_pairs, pressure0, conditional, at_stake,
                       ceasefire, verification, margins, target, self.w.spoiler, self.w.willing, alive, p, choice)
        posture = choices.postures(choice, ceasefire)
        operations = choices.operations_kept(choice, ceasefire, p)
        fighting = choices.fronts_fighting(choice, ceasefire)
        base = np.array([security.repression_pressure(choice[g, choices.POSTURE], conditional, p) for g in range(G)])
        pressure = bridge.pressure_after_concessions(out, base, p)
        # the ceasefire violations the state sees this month, which the tables read next month
        expected = np.zeros((G, choices.N_ACTION))
        choices.actions(choice, ceasefire, verification, self.w.rivals, target, p, expected)
        seen = np.zeros(G)
        choices.violations_seen(expected, np.asarray(model.rng.random(G)), seen)
        type_margins, chances = np.zeros((G, 3)), np.zeros((G, 3))
        bridge.type_margins(audit, phase, type_margins)
        choices.violation_chances(choice[:, choices.RIVALRY], ceasefire, verification, pressure0, conditional,
                                  at_stake, type_margins, alive, p, chances)
        for g in groups:
            i = g.index
            g.violations_seen = float(seen[i])
            g.violation_chances = chances[i].copy()
            g.surplus = float(margins[i])
            g.choice = choice[i].copy()
            g.posture = float(posture[i])
            g.operations = float(operations[i])
            g.fighting = float(fighting[i])
            g.pressure = float(pressure[i])
            g.target = bool(target[i])
            g.effort_multiplier = g.arms * g.operations
            g.status_quo_posture = float(choices.logit_choice(choices.posture_edge(
                p.repression_base, False, choice[i, choices.RIVALRY], False, p), p)) * alive[i]

    def split_hazard(self, g) -> float:
        return float(strength.split_hazard(g.state_loss, g.cohesion, g.phase == tables_month.IMPLEMENTATION,
                                           g.surplus, self.p))

    def split_share(self, g) -> float:
        return float(strength.split_share(g.cohesion, 0.0, self.p))

    # ------------------------------------------------------------------ strength
    def strength(self, zone: np.ndarray) -> None:
        """A month of the ex-combatant pool, recruitment, networks and desertion (engine/month.py step 8), after the
        losses the territories recorded."""
        model, w, p = self.model, self.w, self.p
        groups, territories = model.group_list, model.territory_list
        control = self.control()
        pool = np.array([t.ex_combatants for t in territories])
        pay = np.array([g.pay for g in groups])
        strength.ex_combatant_flows(pool, control, p)
        former = strength.recidivism(pool, control, pay, w.recruits_former, p)
        for j, t in enumerate(territories):
            t.ex_combatants = float(pool[j])
        vacated = np.array([t.vacated for t in territories])
        recruits, forced = strength.recruitment(
            strength.recruiters(self._per_territory("presence"), self.sanctuary(), w.host_border), control, pay,
            w.presence, zone, w.population, vacated, p)
        networks = strength.network_recruitment(control, w.population, p)
        members, support, sanctuary = self.members(), self.support(), self.sanctuary()
        recruiting = np.array([not g.stood_down for g in groups])
        abroad = strength.recruitment_abroad(recruits, members, sanctuary, w.sanctuary_recruitment,
                                             np.array([g.host_tolerance for g in groups]), recruiting)
        losses_state = np.array([[t.losses_state[g.gid] for t in territories] for g in groups])
        losses_groups = np.array([[t.losses_groups[g.gid] for t in territories] for g in groups])
        captured_support = np.array([[t.captured_support[g.gid] for t in territories] for g in groups])
        loss_share = np.zeros(len(groups))
        strength.update_members(members, support, sanctuary, losses_state, losses_groups, recruits, forced, former,
                                networks, strength.desertion_rates(pay, p), recruiting,
                                np.array([g.members_at_talks for g in groups]), loss_share, captured_support)
        strength.enlist_abroad(sanctuary, abroad)
        self._unpack("members", members)
        self._unpack("support", support)
        for g in groups:
            g.sanctuary = float(sanctuary[g.index])
            g.loss_share = float(loss_share[g.index])

    def arm(self) -> None:
        """The stock of arms and resources: a share of rents and the cartels' transfers, less the operations run."""
        groups, p = self.model.group_list, self.p
        resources = np.array([g.resources for g in groups])
        own, transfers = np.array([g.own_rent for g in groups]), np.array([g.transfers for g in groups])
        inflow = economy.resources_inflow(own, transfers, np.array([g.operating_at_start for g in groups]),
                                          np.array([g.operations * (1.0 - g.in_zone) for g in groups]), p)
        economy.update_resources(resources, inflow, p)
        for g in groups:
            g.resources = float(resources[g.index])
