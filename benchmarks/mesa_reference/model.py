"""TotalPeaceModel: the totalpeace monthly model written as a Mesa 3 agent-based model, one run per model instance.

Static inputs and monthly levers come from the package itself (`totalpeace.world.build_world` and
`totalpeace.engine.schedule.build_schedule`), so both implementations read identical numbers; everything that changes
during a run lives in the agents and is advanced with their methods, in the order of the engine's month
(src/totalpeace/engine/month.py). Random draws come from the model's own numpy Generator (`self.rng`), seeded per
run.
See README.md in this folder for what is reduced and why.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from totalpeace.engine.schedule import build_schedule
from totalpeace.model import economy
from totalpeace.model.params import params_record
from totalpeace.scenario.schema import Initial, Scenario
from totalpeace.world import GROUP_TYPES, REVENUES, World, build_world

from .agents import STATE, TALKING, GroupAgent, StateAgent, TerritoryAgent
from .groups import GroupDesk
from .negotiation import TableDesk

INIT_ITERATIONS = 200  # fixed-point iterations for the initial control shares, as the engine


class TotalPeaceModel(mesa.Model):
    """Territories, armed groups and the state of one scenario, stepped month by month."""

    def __init__(self, scenario: Scenario, months: int, seed: int = 0, run: int = 0,
                 world: World | None = None, schedule=None) -> None:
        super().__init__(rng=[seed, run])
        self.world = build_world(scenario) if world is None else world
        self.schedule = build_schedule(scenario, self.world, months) if schedule is None else schedule
        self.months = months
        params = scenario.parameters.model_dump()
        params.pop("calibration")
        self.p: dict[str, float] = params
        self.negotiation_engine = scenario.model.negotiation_engine
        self.contest_form = scenario.model.contest_form
        self.phased = scenario.policy.talks.mode == "phased"
        self.month = 0
        self.crime_drift = 0.0  # the national drift of ordinary crime, log units (a random walk, drawn in month 0)
        self.security_budget = float(scenario.security.budget or 0.0)
        self._build_agents(scenario)
        self.groups_desk = GroupDesk(self, self.schedule.start.forces)
        self._initial_state(scenario.initial)
        self.desk = TableDesk(self, scenario)
        self.records: dict[str, list] = {}

    # ------------------------------------------------------------------ set-up
    def _build_agents(self, scenario: Scenario) -> None:
        w = self.world
        for i, tid in enumerate(w.territory_ids):
            TerritoryAgent(self, tid, float(w.population[i]), float(w.area_1000km2[i]), float(w.coca_ha[i]),
                           float(w.gold_ha[i]), float(w.state_presence[i]), bool(w.exits[i]),
                           float(w.homicides_monthly[i]),
                           float(w.rural_population[i] if w.rural_population is not None else w.population[i]))
        self.territories = self.agents_by_type[TerritoryAgent]
        self.territory_list: list[TerritoryAgent] = list(self.territories)
        self.territories_by_id = {t.tid: t for t in self.territory_list}
        adjacency = w.adjacency.tocoo()
        for a, b in zip(adjacency.row, adjacency.col, strict=True):
            self.territory_list[a].neighbours.append(self.territory_list[b])
        for t in self.territory_list:
            t.neighbour_ids = tuple(n.tid for n in t.neighbours)
        for k, country in enumerate(w.neighbour_ids):
            for i in np.flatnonzero(w.neighbour_border[k]):
                self.territory_list[i].borders.add(country)

        for g, gid in enumerate(w.group_ids):
            host = int(w.host[g])
            GroupAgent(self, gid, g, GROUP_TYPES[w.group_type[g]], int(w.spoiler[g]), bool(w.political[g]),
                       tuple(k for k, on in zip(REVENUES, w.revenue[g], strict=True) if on), float(w.armed_share[g]),
                       float(w.cohesion[g]), float(w.sanctuary_max[g]), host if host >= 0 else None,
                       float(w.finance[g]), bool(w.willing[g]), int(w.table_start[g]))
        self.groups = self.agents_by_type[GroupAgent]
        self.group_list: list[GroupAgent] = sorted(self.groups, key=lambda g: g.index)
        self.groups_by_id = {g.gid: g for g in self.group_list}
        for g in self.group_list:
            g.host_border = {w.territory_ids[i] for i in np.flatnonzero(w.host_border[g.index])}
            g.host_country = w.international_ids[g.host] if g.host is not None else None
            g.relocated = dict.fromkeys(w.neighbour_ids, 0.0)
            g.trend = float(w.members_trend[g.index]) if w.members_trend is not None else 0.0
            g.extradition_requested = bool(w.extradition_requested[g.index])
            g.allies = {w.group_ids[h] for h in np.flatnonzero(w.allies[g.index])}
            g.rival_agents = [self.group_list[h] for h in np.flatnonzero(w.rivals[g.index])]
            g.counterinsurgent = bool(w.counterinsurgent[g.index])
            if w.splinter_slot[g.index] >= 0:
                g.splinter = self.group_list[w.splinter_slot[g.index]]
        self.talks_order = [self.group_list[g] for g in w.talks_order]
        start = scenario.initial  # the levers as they stood at the start (none: the first month's)
        self.state = StateAgent(self, self.schedule.start.forces,
                                float(self.schedule.buy_in[0]) if start.cohesion is None else start.cohesion)

    def _initial_state(self, start: Initial) -> None:
        """Armed members, support networks and sanctuary; the ex-combatant pool; control at the contest's fixed point
        with the arms each group's rents keep there; the arms and routes of that control; hosts at their tolerance at
        the start, the donor's certification at 1, neighbours' violence at 1. The levers are those at the start
        (`start`, the scenario's `initial`; a value not given: the first month's)."""
        w, desk = self.world, self.groups_desk
        s = self.schedule
        self.tolerance = {a: float(start.host_tolerance.get(a, s.host_tolerance[0, i]))
                          for i, a in enumerate(w.international_ids)}
        self.certification = 1.0
        self.neighbour_idx = [1.0] * len(w.neighbour_ids)
        self.coca0 = float(np.sum(w.coca_ha))
        for g in self.group_list:
            sigma = g.sanctuary_max * (self.tolerance[w.international_ids[g.host]] if g.host is not None else 0.0)
            fighters = float(w.members[g.index]) * g.armed_share
            here, networks = fighters * (1.0 - sigma), float(w.members[g.index]) - fighters
            g.members = {t.tid: here * float(w.presence[g.index, i]) for i, t in enumerate(self.territory_list)}
            g.support = {t.tid: networks * float(w.presence[g.index, i]) for i, t in enumerate(self.territory_list)}
            g.sanctuary = fighters * sigma
        for i, t in enumerate(self.territory_list):
            t.ex_combatants = float(desk.w.ex_combatants[i])
            t.vacated = float(desk.w.vacated[i])
            memory = 1.0 - 1.0 / max(self.p["leader_vacuum_memory"], 1.0)
            t.leader_vacuum = (1.0 - memory) / (1.0 - 0.8) * t.vacated
        desk.presence()
        decriminalization = s.decriminalization[0] if start.decriminalization is None else start.decriminalization
        chi = economy.appropriable_shares(float(decriminalization), params_record(self.p))
        for t in self.territory_list:
            t.control = {g.gid: 0.0 for g in self.group_list} | {STATE: 0.0}
        first = True
        for g in self.group_list:
            g.posture = 1.0
        deployable = s.deployable[0] if start.deployable_share is None else start.deployable_share
        conditional = bool(s.conditional[0]) if start.repression is None else start.repression == "conditional"
        self.state.forces = float(deployable) * self.state.total_forces
        self.state.assess_threat()
        self.state.target()
        for _ in range(INIT_ITERATIONS):
            for g, multiplier in zip(self.group_list, desk.arms_at_start(chi), strict=True):
                g.effort_multiplier = float(multiplier)
            self.state.deploy(0, set(), first=first, conditional=conditional)
            self.territories.do("measure_efforts", False)
            outcomes = {t.tid: t.contest_outcome() for t in self.territory_list}
            if not first and max(abs(outcomes[t.tid][a] - t.control[a]) for t in self.territory_list
                                 for a in t.control) < 1e-9:
                break
            for t in self.territory_list:
                t.control = outcomes[t.tid]
            first = False
        for t in self.territory_list:  # the engine keeps the last outcome
            t.control = outcomes[t.tid]
        desk.arms_at_start(chi)  # the arms and routes of the initial control
        self.route_coca()
        self.flow0 = self.neighbour_flows()

    # ------------------------------------------------------------------ helpers
    def host_tolerance(self, host: int | None, month: int) -> float:
        return 0.0 if host is None else float(self.schedule.host_tolerance[month, host])

    def zones_of(self, group: int, month: int) -> set[str]:
        return {self.world.territory_ids[i] for z in self.schedule.zones
                if z.group == group and z.start <= month < z.end for i in z.territories}

    def appropriable_shares(self, decriminalization: float) -> dict[str, float]:
        chi0 = self.p["appropriable_share"]
        drug = chi0 * (1.0 - self.p["decriminalization_effect"] * decriminalization)
        return {"coca": drug, "gold": chi0, "extortion": chi0, "routes": drug}

    def route_coca(self) -> None:
        """Coca follows each territory's route: the corridor hectares (route rents) and what leaves by each exit."""
        self.groups_desk.transit()

    def neighbour_flows(self) -> dict[str, float]:
        """Cocaine moving through exits on each neighbouring country's border, weighted by non-state control."""
        return {k: sum(t.transit_ha * (1.0 - t.control[STATE]) for t in self.territory_list if k in t.borders)
                for k in self.world.neighbour_ids}

    def measure_efforts(self, month: int, noise: bool) -> None:
        demilitarised = set().union(*(g.zone for g in self.group_list))
        self.state.deploy(month, demilitarised)
        self.territories.do("measure_efforts", noise)

    def violence_posture(self, conditional: bool) -> float:
        """Lessing's reduced form: the groups' optimal violence given the repression rule."""
        p = self.p
        rho0, beta, cost = p["repression_base"], p["corruption_gain"], p["violence_cost"]
        rho1 = p["repression_conditionality"] if conditional else 0.0
        gain = (1.0 - rho0) * beta - cost - rho1
        if rho1 <= 0.0:
            return 1.0 if gain > 0 else 0.0
        if beta <= 0.0:
            return 0.0
        return min(max(gain / (2.0 * rho1 * beta), 0.0), 1.0)

    # ------------------------------------------------------------------ the month
    def set_ordinary_crime(self) -> None:
        """Month 0: each territory's ordinary crime is its observed homicides less the model's own killings, at least
        a fifth of its count; what the floors add is taken from the others above their floors, in proportion, so
        that the national total is the observed one."""
        left = {t.tid: t.observed_homicides - t.own_killings_status_quo(self.armed_scale)
                for t in self.territory_list}
        floors = {t.tid: 0.2 * t.observed_homicides for t in self.territory_list}
        excess = sum(floors[k] - x for k, x in left.items() if x < floors[k])
        room = sum(x - floors[k] for k, x in left.items() if x >= floors[k])
        cut = min(excess / room, 1.0) if room > 0 else 0.0
        for t in self.territory_list:
            x, floor = left[t.tid], floors[t.tid]
            t.hom_base = floor if x < floor else floor + (x - floor) * (1.0 - cut)
            t.hom_control0 = t.control[STATE]
        people = sum(t.population for t in self.territory_list)
        national = sum(t.hom_base for t in self.territory_list) / people if people > 0 else 0.0
        for t in self.territory_list:  # its log rate above the nation's: what its drift is pulled by
            t.crime_gap = (math.log(t.hom_base / t.population) - math.log(national)
                           if t.hom_base > 0 and t.population > 0 and national > 0 else 0.0)

    def step(self) -> None:
        month, p, s = self.month, self.p, self.schedule
        groups, territories, desk = self.groups, self.territories, self.groups_desk

        # 1. levers
        conditional = bool(s.conditional[month])
        for g in self.group_list:
            g.members_at_talks = g.total
            g.operating_at_start = g.in_operations
        self.posture = self.violence_posture(conditional)
        groups.do("read_levers", month)
        self.international_actors(month)

        # 2. economy: routes re-optimised with control, rents, cartel transfers (their own share kept), pay
        desk.reroute(month)
        self.route_coca()
        territories.do("compute_rents", self.appropriable_shares(float(s.decriminalization[month])))
        groups.do("collect_rents")
        if month == 0:  # income per member in sanctuary: the scenario's ratio to the rent per armed member at home
            for g in self.group_list:
                at_home = sum(g.members.values())
                ratio = float(self.world.sanctuary_income[g.index]) if self.world.sanctuary_income is not None else 0.0
                g.sanctuary_rate = ratio * g.rent / at_home if ratio > 0 and at_home > 0 else 0.0
            for g in self.group_list:
                if g.splinter is not None:
                    g.splinter.sanctuary_rate = g.sanctuary_rate
        for g in self.group_list:
            g.rent += g.sanctuary_rate * g.sanctuary
        vacuum_exits = sum(t.vacated for t in self.territory_list if t.is_exit)
        for g in self.group_list:
            g.transfers = 0.0
        for cartel in self.group_list:
            if cartel.finance <= 0:
                continue
            holdings = sum(self.groups_by_id[a].exit_control() * self.groups_by_id[a].alive for a in cartel.allies)
            if month == 0:
                cartel.holdings0 = holdings
            ratio = holdings / cartel.holdings0 if cartel.holdings0 > 0 else 1.0
            goal = min(ratio ** p["cartel_entry_elasticity"], 4.0) if ratio > 0 else 0.0
            cartel.engagement += p["cartel_entry_speed"] * (goal - cartel.engagement)
        for cartel in self.group_list:
            if cartel.finance * cartel.engagement == 0.0:
                continue
            own = cartel.exit_control() * cartel.alive
            weights = {a: self.groups_by_id[a].exit_control() * self.groups_by_id[a].alive for a in cartel.allies}
            total = own + sum(weights.values())
            if total > 0:
                budget = cartel.finance * cartel.engagement * (1.0 + vacuum_exits)
                for a, wgt in weights.items():
                    self.groups_by_id[a].transfers += budget * wgt / total
                cartel.transfers += budget * own / total
        if month == 0:  # the group's stake: its status-quo income, before any change in drug policy
            chi0 = self.appropriable_shares(0.0)
            for g in self.group_list:
                g.rent0 = max(g.status_quo_rent(chi0), 1e-6) + g.sanctuary_rate * g.sanctuary
        for g in self.group_list:
            g.own_rent = g.rent
        desk.pay()
        for g in self.group_list:
            g.rent += g.transfers

        # 3. negotiation: the deployment's threat and targets, power with the groups' arms, willingness, the tables'
        # month; then the groups' choices
        self.state.assess_threat()
        self.state.target()
        desk.presence()
        for g in self.group_list:
            g.effort_multiplier = g.arms
        self.measure_efforts(month, noise=False)
        groups.do("assess_power")
        self.base_pressure = p["repression_base"] + (p["repression_conditionality"] * self.posture
                                                     if conditional else 0.0)
        for g in self.group_list:  # the pressure the groups weigh at the tables: the state's operations
            g.threat_ops = g.state_operations(self.base_pressure, g.scheduled_unilateral, 1.0)
        power = [g.power for g in self.group_list]
        if any(g.zone for g in self.group_list):  # the bargaining-power audit needs p without the zones
            zones = {g.index: g.zone for g in self.group_list}
            for g in self.group_list:
                g.zone = set()
            self.measure_efforts(month, noise=False)
            groups.do("assess_power")
            without = [g.power for g in self.group_list]
            for g in self.group_list:
                g.zone, g.power = zones[g.index], power[g.index]
        else:
            without = power
        for g in self.group_list:  # one draw a month: the group comes (1), hesitates in the queue (1/2) or not
            comes = g.alive and self.rng.random() < desk.willingness(g)
            g.willing_now = 1.0 if comes else (0.5 if g.alive and g.willing else 0.0)
        self.desk.month(month, without)  # 3-4. the tables (the model's own, negotiation.py)
        for g in self.group_list:
            g.phase = g.new_phase
        desk.decide(self.desk.out, self.desk.audit, self.desk.phase, conditional)
        for g in self.group_list:  # the state's operations against each group, after its choices
            g.ops = g.state_operations(g.pressure, g.ceasefire and not g.bilateral, 1.0 - g.fighting)
        # the forces concentrate their operations on the largest groups (security.priority)
        armed = [sum(g.members.values()) if g.alive else 0.0 for g in self.group_list]
        total = sum(a for a in armed if a > 0.0)
        present = sum(1 for a in armed if a > 0.0)
        if total > 0.0:
            w = min(max(self.p["operations_priority"], 0.0), 1.0)
            for g, a in zip(self.group_list, armed, strict=True):
                g.ops *= (1.0 - w) + w * present * a / total

        # 5. signing, splits at ratification and beyond it, DDR into the ex-combatant pool
        groups.do("sign")
        for g in self.group_list:
            if g.ratified and g.splinter is not None and self.rng.random() < g.split_chance:
                g.split_off(g.split_share)
        for g in self.group_list:
            if g.splinter is not None and g.alive and not g.ratified \
                    and self.rng.random() < desk.split_hazard(g):
                g.split_off(desk.split_share(g))
        groups.do("demobilise")
        groups.do("stand_down")

        # 6. security forces
        self.state.update_cohesion(month)

        # 7. territorial contest and vacuum filling, with the operations each group keeps (and its arms of step 3);
        # the deployment targets the threat of the postures chosen this month
        desk.presence(with_arms=False)
        for g in self.group_list:
            g.effort_multiplier = g.arms * g.operations
        self.state.assess_threat()
        self.state.target()
        self.measure_efforts(month, noise=True)
        territories.do("contest")

        # 8. attrition, the ex-combatant pool, recruitment, desertion, movement, sanctuary, arms, coca
        zone = np.zeros((len(self.group_list), len(self.territory_list)))
        for g in self.group_list:
            armed_here = sum(g.members.values())
            in_zone = sum(g.members[tid] for tid in g.zone)
            g.in_zone = in_zone / armed_here if armed_here > 0 else 0.0
            for j, t in enumerate(self.territory_list):
                zone[g.index, j] = 1.0 if t.tid in g.zone else 0.0
        territories.do("fight")
        for g in self.group_list:
            lost = sum(t.losses_state[g.gid] for t in self.territory_list)
            g.state_loss = lost / g.members_at_talks if g.members_at_talks > 0 else 0.0
        desk.strength(zone)
        groups.do("move")
        groups.do("seek_sanctuary")
        groups.do("relocate")
        desk.arm()
        change = -p["substitution_rate"] * float(s.substitution[month]) \
            + p["substitution_announcement"] * float(s.announced[month])
        territories.do("grow_coca", change)
        self.state.remember_attacks()

        # 9. violence
        territories.do("prepare_violence")
        if month == 0:  # the armed groups' homicide rate per effective member, from the observed homicides
            reference = sum(t.armed_presence(True) ** p["armed_homicide_elasticity"]
                            * math.exp(min(max(t.drivers, -20.0), 20.0)) for t in self.territory_list)
            remainder = (p["armed_violence_share"] * sum(t.observed_homicides for t in self.territory_list)
                         - sum(t.selective_status_quo for t in self.territory_list))
            self.armed_scale = remainder / reference if reference > 0 and remainder > 0 else 0.0
            self.set_ordinary_crime()
        # ordinary crime drifts nationally (one shock for every territory) and locally, one step a month; the first
        # month's sqrt(v_0) steps from 0 are the start's level around the yearly counts; from the second month each
        # territory's drift is pulled toward the nation's rate of ordinary crime at the start
        steps = math.sqrt(p["crime_drift_start_months"]) if month == 0 else 1.0
        self.crime_drift += p["crime_drift_sd"] * steps * float(self.rng.normal(size=1)[0])
        pull = 0.0 if month == 0 else 1.0 - (1.0 - p["crime_reversion"]) ** (1.0 / 12.0)
        for t in self.territory_list:
            t.regional_drift += (-pull * (t.regional_drift + t.crime_gap)
                                 + p["regional_crime_drift_sd"] * steps * float(self.rng.normal(size=1)[0]))
        territories.do("commit_violence", self.armed_scale)

        # 10. spill-over
        self.route_coca()
        self.neighbour_idx = self.neighbour_index()
        self.update_trends()
        self.record()
        self.month += 1

    def update_trends(self) -> None:
        """Each group's smoothed monthly growth of its members, from the start of the month to its end: g <- (1 - w) g
        + w ln(after / before), w = 1 / trend_memory_months; a group with at most half a member at either end keeps
        its trend."""
        w = 1.0 / self.p["trend_memory_months"]
        for g in self.group_list:
            before, after = g.members_at_talks, g.total
            if before > 0.5 and after > 0.5:
                g.trend = (1.0 - w) * g.trend + w * math.log(after / before)

    def international_actors(self, month: int) -> None:
        """Hosts' tolerance (toward its target: relations with the government and the talks they guarantee),
        verification deployed where there is something to verify, legitimacy, the donor's certification and the
        forces its aid allows."""
        p, s, w = self.p, self.schedule, self.world
        for i, actor in enumerate(w.international_ids):
            talks = any(g.host == i and s.host_guarantees[month, g.index] > 0 and g.talking for g in self.group_list)
            goal = (float(s.host_tolerance[month, i]) + p["tolerance_relations_effect"]
                    * (float(s.relations[0, i]) - float(s.relations[month, i])) + p["tolerance_talks_effect"] * talks)
            goal = min(max(goal, 0.0), 1.0)
            self.tolerance[actor] += p["tolerance_adjustment"] * (goal - self.tolerance[actor])
        rate = 1.0 - math.exp(-1.0 / p["verification_deployment_months"])
        for g in self.group_list:
            g.host_tolerance = self.tolerance[w.international_ids[g.host]] if g.host is not None else 0.0
            g.deployed_verification += rate * ((1.0 if g.monitored else 0.0) - g.deployed_verification)
            g.verification = min(max(float(s.verification[month, g.index]) * g.deployed_verification, 0.0), 1.0)
        self.legitimacy = float(s.legitimacy[month]) / (
            1.0 + p["legitimacy_spoiler_effect"] * self.state.killed_at_tables / p["casualty_reference"])
        coca = sum(t.coca_ha for t in self.territory_list)
        ratio = coca / self.coca0 if self.coca0 > 0 else 1.0
        wanted = [g for g in self.group_list if g.extradition_requested and g.alive]
        suspended = (sum(self.state.concessions_before[g.index][1] for g in wanted) / len(wanted)
                     if wanted else 0.0)  # extradition suspended last month
        penalty = (p["certification_coca_effect"] * max(ratio - 1.0, 0.0)
                   + p["certification_drug_policy_effect"] * float(s.decriminalization[month])
                   + p["certification_extradition_effect"] * suspended)
        goal = 1.0 - min(max(penalty, 0.0), 1.0)
        self.certification += p["certification_adjustment"] * (goal - self.certification)
        share = float(s.aid[month]) / self.security_budget if self.security_budget > 0 else 0.0
        aid = 1.0 - share * (1.0 - min(max(self.certification, 0.0), 1.0))
        self.state.forces = float(s.deployable[month]) * float(s.forces[month]) * aid

    def neighbour_index(self) -> list[float]:
        p, out = self.p, []
        flows = self.neighbour_flows()
        for k in self.world.neighbour_ids:
            border = [t for t in self.territory_list if k in t.borders]
            n = max(len(border), 1)
            vacuum = sum(t.vacated for t in border) / n
            frag = sum(t.fragmentation for t in border) / n
            ratio = max(flows[k], 1e-9) / max(self.flow0[k], 1e-9) if self.flow0[k] > 0 else 1.0
            relocated = sum(g.relocated[k] for g in self.group_list)
            z = (p["spillover_flow_effect"] * math.log(ratio) + p["spillover_vacuum_effect"] * vacuum
                 + p["spillover_fragmentation_effect"] * frag + p["spillover_relocation_effect"] * relocated / 1000.0)
            out.append(math.exp(min(max(z, -20.0), 20.0)))
        return out

    # ------------------------------------------------------------------ 11. record
    def record(self) -> None:
        pop = sum(t.population for t in self.territory_list)
        homicides = sum(t.homicides for t in self.territory_list)
        index = self.neighbour_idx
        row = {
            "homicides": float(homicides),
            "homicide_rate": homicides / pop * 1e5,
            "armed_group_members": sum(g.total for g in self.group_list if not g.is_cartel),
            "state_control_share": sum(t.control[STATE] * t.population for t in self.territory_list) / pop,
            "groups_in_talks": float(sum(1 for g in self.group_list if g.phase in TALKING or g.phase == 5)),
            "agreements_signed": float(sum(g.signed for g in self.group_list)),
            "security_cohesion": self.state.cohesion,
            "state_group_clashes": float(sum(t.lethal_clashes for t in self.territory_list)),
            "inter_group_clashes": float(sum(t.clashes_groups for t in self.territory_list)),
            "coca_ha": sum(t.coca_ha for t in self.territory_list),
            "neighbour_violence": sum(index) / len(index) if index else 1.0,
            "group_members": [g.total for g in self.group_list],
            "group_phase": [float(g.phase) for g in self.group_list],
            "neighbour_index": index,
            "territory_state_control": [t.control[STATE] for t in self.territory_list],
            "territory_homicides": [float(t.homicides) for t in self.territory_list],
            "battle_deaths": sum(t.killed[g.gid] + t.forces_killed[g.gid] + t.collateral[g.gid]
                                 for t in self.territory_list for g in self.group_list if g.insurgent),
            "non_state_deaths": sum(t.rival_deaths for t in self.territory_list),
            "security_forces_killed": self.state.killed_last,
            "social_leader_killings": sum(t.leaders for t in self.territory_list),
            "massacres": sum(t.massacres for t in self.territory_list),
            "displaced": sum(t.displaced for t in self.territory_list),
            "confined": sum(t.confined for t in self.territory_list),
            "vacuum_filled_state": sum(t.filled_state for t in self.territory_list),
            "vacuum_filled_groups": sum(t.filled_groups for t in self.territory_list),
        }
        for key, value in row.items():
            self.records.setdefault(key, []).append(value)


SERIES = ("homicides", "homicide_rate", "armed_group_members", "state_control_share", "groups_in_talks",
          "agreements_signed", "security_cohesion", "state_group_clashes", "inter_group_clashes", "coca_ha",
          "neighbour_violence")


def run_ensemble(scenario: Scenario, runs: int, seed: int = 1, months: int | None = None) -> dict[str, np.ndarray]:
    """Run `runs` Mesa models of `scenario` (run r seeded with (seed, r)); return per-run monthly arrays.

    National series have shape (runs, months); "group_members" and "group_phase" (runs, months, groups), in the order
    of "group_ids"; "neighbour_index" (runs, months, neighbours); "territory_state_control" and "territory_homicides"
    (runs, months, territories). Definitions follow the engine's records (src/totalpeace/engine/records.py).
    """
    months = scenario.months if months is None else months
    world = build_world(scenario)
    schedule = build_schedule(scenario, world, months)
    out: dict[str, list] = {}
    for run in range(runs):
        model = TotalPeaceModel(scenario, months, seed=seed, run=run, world=world, schedule=schedule)
        for _ in range(months):
            model.step()
        for key, values in model.records.items():
            out.setdefault(key, []).append(values)
    result: dict[str, np.ndarray] = {k: np.asarray(v, dtype=float) for k, v in out.items()}
    result["group_ids"] = np.array(world.group_ids)
    return result
