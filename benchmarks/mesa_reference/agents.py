"""Agents of the Mesa reference model: territories, armed groups and the state, each with plain Python state.

Every method implements one part of the model's monthly step (src/totalpeace/engine/month.py, composed of the
functions in src/totalpeace/model/) for one agent, with scalars and dicts instead of arrays. The model (model.py)
calls them in the engine's order
through AgentSet methods; methods that draw random numbers use the model's own generator `model.rng`.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from totalpeace.model import strength

STATE = "state"  # key of the state's share in a territory's control dict

# Table phases, numbered as totalpeace.model.tables.issues.Phase (the tables themselves are the model's, see
# negotiation.py).
NONE, EXPLORATION, FORMAL_TALKS, CEASEFIRE, PARTIAL_AGREEMENTS, FINAL_AGREEMENT, IMPLEMENTATION, DEMOBILIZED, \
    BROKEN_DOWN, SUSPENDED = range(10)
TALKING = frozenset({EXPLORATION, FORMAL_TALKS, PARTIAL_AGREEMENTS})
STOOD_DOWN = frozenset({IMPLEMENTATION, DEMOBILIZED})

KINDS = ("coca", "gold", "extortion", "routes")
MAX_MONTHLY_LOSS = 0.2
EXPLOIT, SPOIL = 4, 6  # columns of a group's choices (model.choices.EXPLOIT, SPOIL)
CONCESSION_WEIGHTS = (0.5, 0.5, 1.0, 1.0)  # arrest orders, extradition, bombing, zone: in the forces' eyes


def logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


class TerritoryAgent(mesa.Agent):
    """A department: people, land, coca and gold, who controls it, and the violence that happens there."""

    def __init__(self, model: mesa.Model, tid: str, population: float, area_1000km2: float, coca_ha: float,
                 gold_ha: float, state_presence: float, is_exit: bool, observed_homicides: float,
                 rural_population: float) -> None:
        super().__init__(model)
        self.tid = tid
        self.population = population
        self.rural_population = rural_population  # those exposed to killings of social leaders
        self.area = area_1000km2
        self.coca_ha = coca_ha
        self.gold_ha = gold_ha
        self.state_presence = state_presence
        self.is_exit = is_exit
        self.observed_homicides = observed_homicides  # monthly average of 2021
        self.youth = population * model.p["youth_share"]
        self.neighbours: list[TerritoryAgent] = []
        self.neighbour_ids: tuple[str, ...] = ()
        self.route_exit = -1  # index of the exit its coca leaves by (least-cost route, re-optimised with control)
        self.route_next = -1  # index of the next territory on that route (-1 at the exit)
        self.corridor_ha = 0.0  # coca whose route rent it earns (its share of the routes crossing it)
        self.ex_combatants = 0.0  # former combatants of demobilised groups living here
        self.borders: set[str] = set()  # neighbouring countries (international actor ids) it borders
        self.control: dict[str, float] = {}  # group id or STATE -> share, summing to one
        self.control_before: dict[str, float] = {}
        self.effort: dict[str, float] = {}
        self.transit_ha = 0.0  # coca leaving the country through it (an exit)
        self.gross: dict[str, float] = {}  # rents by kind before appropriability
        self.appropriable: dict[str, float] = {}
        self.rent = 0.0  # appropriable rent of all kinds (the rapacity term of the homicide model)
        self.fragmentation = 0.0
        self.vacated = 0.0
        self.vacated_now = 0.0
        self.leader_vacuum = 0.0  # the slower record of vacated ground that social-leader killings follow
        self.hom_base = 0.0
        self.crime_gap = 0.0  # its log rate of ordinary crime above the nation's, set in month 0 (the drift's pull)
        self.regional_drift = 0.0  # its own drift of ordinary crime, log units (drawn in month 0, pulled to the nation)
        self.hom_control0 = 0.0  # the state's control share in month 0
        self.losses_state: dict[str, float] = {}
        self.captured_support: dict[str, float] = {}  # support-network members the operations arrested here
        self.losses_groups: dict[str, float] = {}
        self.expected_state_total = 0.0
        self.expected_groups_killed = 0.0  # of the expected losses to rivals, the members who would be killed
        self.lethality: dict[str, float] = {}  # share of each group's losses to rivals here who are killed
        self.clashes_state = 0.0
        self.clashes_groups = 0.0
        self.state_killed = 0.0
        self.rent_per_member = 0.0
        self.homicides = 0.0
        self.rival_deaths = 0.0  # members lost to rivals who were killed (UCDP's non-state deaths)
        self.attacks = 0.0  # decaying record of security-force members killed here
        self.expected_state: dict[str, float] = {}
        self.killed: dict[str, float] = {}
        self.forces_killed: dict[str, float] = {}

    # ------------------------------------------------------------------ economy
    def compute_rents(self, chi: dict[str, float]) -> None:
        p = self.model.p
        self.gross = {
            "coca": self.coca_ha * p["coca_rent_per_ha"],
            "gold": self.gold_ha * p["gold_rent_per_ha"],
            "extortion": self.population / 1e5 * p["extortion_rent_per_100k"],
            "routes": self.corridor_ha * p["route_rent_per_ha"],
        }
        factor = 1.0
        for k, index in zip(self.model.world.neighbour_ids, self.model.neighbour_idx, strict=True):
            if k in self.borders:
                factor *= index
        if factor != 1.0:  # disorder across the border makes the routes through it pay more
            self.gross["routes"] *= factor ** p["spillover_route_feedback"]
        self.appropriable = {k: self.gross[k] * chi[k] for k in KINDS}
        self.rent = sum(self.appropriable.values())

    # ------------------------------------------------------------------ contest
    def measure_efforts(self, noise: bool) -> None:
        """Each group's effective presence here (its members' effort split between home and the neighbours,
        groups.py) times its arms and the operations it keeps; the state's effective forces. Optionally a log-normal
        shock on every effort."""
        model, p = self.model, self.model.p
        effort = {}
        for g in model.group_list:
            effort[g.gid] = g.presence[self.tid] * g.effort_multiplier
        effort[STATE] = model.state.effort_in(self)
        if noise:
            sd = p["effort_noise"]
            shocks = model.rng.normal(size=len(effort))
            for key, eps in zip(effort, shocks, strict=True):
                effort[key] *= math.exp(sd * eps - 0.5 * sd * sd)
        self.effort = effort

    def contest_outcome(self) -> dict[str, float]:
        """Contest-success function over the actors' efforts; where nobody exerts effort the state keeps control."""
        p = self.model.p
        if self.model.contest_form == "difference":
            present = {a: e for a, e in self.effort.items() if e > 0}
            outcome = dict.fromkeys(self.effort, 0.0)
            if present:
                mean = sum(present.values()) / len(present)
                z = {a: p["contest_difference_k"] * e / max(mean, 1e-12) for a, e in present.items()}
                top = max(z.values())
                weights = {a: math.exp(v - top) for a, v in z.items()}
                total = sum(weights.values())
                for a, w in weights.items():
                    outcome[a] = w / total
        else:
            m = p["contest_decisiveness"]
            powered = {a: max(e, 0.0) ** m for a, e in self.effort.items()}
            total = sum(powered.values())
            outcome = {a: (v / total if total > 0 else 0.0) for a, v in powered.items()}
        if sum(outcome.values()) <= 0:
            outcome[STATE] = 1.0
        return outcome

    def contest(self) -> None:
        """Control moves a share `control_turnover` toward this month's contest outcome; record vacated control."""
        nu = self.model.p["control_turnover"]
        outcome = self.contest_outcome()
        before = self.control
        new = {a: (1.0 - nu) * before[a] + nu * outcome[a] for a in before}
        total = sum(new.values())
        self.control_before = before
        self.control = {a: v / total for a, v in new.items()}
        self.vacated_now = sum(max(before[g.gid] - self.control[g.gid], 0.0) * g.leaving
                               for g in self.model.group_list)
        self.vacated = 0.8 * self.vacated + self.vacated_now
        memory = 1.0 - 1.0 / max(self.model.p["leader_vacuum_memory"], 1.0)
        self.leader_vacuum = memory * self.leader_vacuum + (1.0 - memory) / (1.0 - 0.8) * self.vacated_now
        gained = {a: max(self.control[a] - before[a], 0.0) for a in before}
        self.filled_state = gained[STATE] if self.vacated_now > 1e-6 else 0.0
        self.filled_groups = sum(v for a, v in gained.items() if a != STATE) if self.vacated_now > 1e-6 else 0.0

    def margin(self) -> float:
        """Control margin: largest share minus the second largest."""
        top = sorted(self.control.values())
        return top[-1] - top[-2]

    # ------------------------------------------------------------------ attrition
    def fight(self) -> None:
        """State operations (Deitchman area fire) and clashes between rival groups; losses are clash counts times
        the mean deaths per clash, shared in proportion to each group's expected losses."""
        model, p, rng = self.model, self.model.p, self.model.rng
        tid, mpc = self.tid, p["members_per_clash"]
        groups = model.group_list
        here = groups
        self.losses_state = dict.fromkeys((g.gid for g in groups), 0.0)
        self.losses_groups = dict.fromkeys((g.gid for g in groups), 0.0)

        e_state = self.effort[STATE]
        # the state's effort per search area (Deitchman), kept for benchmarks/mesa_reference/attrition.py
        self.search_density = density = e_state / strength.search_area(np.array([self.area]), 0)
        expected = []
        self.captured_support = dict.fromkeys((g.gid for g in groups), 0.0)
        for g in here:
            protected = g.bilateral or tid in g.zone
            rate = 0.0 if protected else min(p["state_attrition"] * g.ops * density, MAX_MONTHLY_LOSS)
            expected.append(rate * g.members[tid])
            # the operations arrest support networks at a share support_capture_ratio of the armed members' rate
            self.captured_support[g.gid] = min(p["support_capture_ratio"] * rate, 1.0) * g.support[tid]
        total = sum(expected)
        self.expected_state = {g.gid: x for g, x in zip(here, expected, strict=True)}
        self.expected_state_total = total
        self.clashes_state = float(rng.poisson(total / mpc)) if total > 0 else 0.0
        if total > 0:
            for g, x in zip(here, expected, strict=True):
                self.losses_state[g.gid] = min(x / total * self.clashes_state * mpc, g.members[tid])
        self.forces_killed = dict.fromkeys((g.gid for g in groups), 0.0)
        if e_state > 0:  # security-force members killed by the armed members of the groups that fight
            for g in here:
                if g.posture > 0:
                    self.forces_killed[g.gid] = p["state_losses_per_member"] * g.posture * g.members[tid]
        self.state_killed = sum(self.forces_killed.values())

        expected = []
        for g in here:
            n_g = g.members[tid]
            exposure, lethal = 0.0, 0.0
            for h in g.rival_agents:  # a spoiling rival attacks a group at a table or in a ceasefire twice as hard;
                both = n_g + h.members[tid]  # a rival in a ceasefire attacks only with the fronts that exploit it
                if both > 0:
                    attack = h.fighting * (1.0 + (h.choice[SPOIL] if g.target else 0.0)) * h.members[tid] / both
                    exposure += attack
                    # a war with a counterinsurgent group kills more of the members it costs
                    war = g.counterinsurgent or h.counterinsurgent
                    lethal += attack * p["counterinsurgent_lethality" if war else "rival_lethality"]
            self.lethality[g.gid] = lethal / exposure if exposure > 0 else p["rival_lethality"]
            expected.append(min(p["intergroup_attrition"] * exposure, 0.5) * n_g)
        total = sum(expected)
        self.expected_groups_killed = sum(self.lethality[g.gid] * x for g, x in zip(here, expected, strict=True))
        self.clashes_groups = float(rng.poisson(total / mpc / 2.0)) if total > 0 else 0.0
        if total > 0:
            for g, x in zip(here, expected, strict=True):
                room = g.members[tid] - self.losses_state[g.gid]
                self.losses_groups[g.gid] = min(x / total * 2.0 * self.clashes_groups * mpc, room)
                # an agreement's security guarantees protect the members of a group standing down from its rivals
                self.losses_groups[g.gid] *= 1.0 - min(max(g.protection, 0.0), 1.0)

    def grow_coca(self, change: float) -> None:
        self.coca_ha = max(self.coca_ha * (1.0 + change), 0.0)
        # substitution agreed with the groups that hold control here (their illicit-economy terms)
        effort = sum(self.control[g.gid] * g.substitution for g in self.model.group_list)
        if effort > 0:
            self.coca_ha = max(self.coca_ha * (1.0 - self.model.p["substitution_rate"] * min(effort, 1.0)), 0.0)

    # ------------------------------------------------------------------ violence
    def homicide_drivers(self) -> float:
        p = self.model.p
        present = sum(1 for g in self.model.group_list if g.members[self.tid] > 1.0)
        return (p["homicide_contested_effect"] * (1.0 - self.margin())
                + p["homicide_groups_effect"] * math.log(max(present, 1))
                + p["homicide_fragmentation_effect"] * self.fragmentation
                + p["homicide_rent_effect"] * math.log1p(self.rent)
                - p["homicide_state_effect"] * self.control[STATE])

    def competition(self) -> float:
        """Q = c_arm (1 - sum of squared shares of the armed part): armed groups competing for the territory."""
        held = sum(self.control[g.gid] for g in self.model.group_list)
        if held <= 1e-12:
            return 0.0
        return held * (1.0 - sum((self.control[g.gid] / held) ** 2 for g in self.model.group_list))

    def armed_presence(self, status_quo: bool = False) -> float:
        """Effective armed members: armed members x homicide weight x posture (the base year's rule's posture in the
        status quo)."""
        p = self.model.p
        return sum((p["insurgent_homicide_weight"] if g.insurgent else 1.0)
                   * (g.status_quo_posture if status_quo else g.posture) * g.members[self.tid]
                   for g in self.model.group_list)

    def prepare_violence(self) -> None:
        """The month's drivers, selective killings and what the state's operations removed (killed or not)."""
        model, p = self.model, self.model.p
        self.fragmentation *= p["fragmentation_memory"]
        self.drivers = self.homicide_drivers()
        m = self.margin()
        rate = p["selective_violence_rate"] * self.population / 1e5 * 4.0 * m * (1.0 - m)
        # every front acting (the start's reference), and by the fronts that act: none of a group keeping a ceasefire
        self.selective_status_quo = rate * sum(self.control[g.gid] for g in model.group_list)
        self.selective = rate * sum(g.fighting * self.control[g.gid] for g in model.group_list)
        self.killed = {g.gid: g.killed_share(g.posture) * self.losses_state[g.gid] for g in model.group_list}

    def own_killings_status_quo(self, scale: float) -> float:
        """The killings the model itself makes here in month 0 with every group at its status-quo posture: the armed
        groups' homicides, social leaders, deaths between groups and civilians killed in operations (part of the
        observed count, so ordinary crime is what is left)."""
        p = self.model.p
        drivers = min(max(self.drivers, -20.0), 20.0)
        leaders = ((1.0 - self.state_presence) * self.rural_population / 1e5
                   * (p["leader_competition_rate"] * self.competition()
                      + p["vacuum_violence_rate"] * self.leader_vacuum))
        collateral_rate = p["collateral_share"] * (1.0 - self.state_presence)
        return (self.selective_status_quo + scale * self.armed_presence(True) ** p["armed_homicide_elasticity"]
                * math.exp(drivers) + leaders
                + self.expected_groups_killed
                + sum(collateral_rate * g.killed_share(g.status_quo_posture) * self.expected_state.get(g.gid, 0.0)
                      for g in self.model.group_list))

    def commit_violence(self, scale: float) -> None:
        """Homicides: ordinary crime (the start's level, following the state's control and the drifts since)
        plus the armed groups' homicides (a national rate per effective armed member times the drivers, plus
        selective killings), killings of social leaders, civilians killed in operations and deaths between groups;
        negative-binomial counts. Then lethal clashes, massacres, displacement and confinement."""
        model, p = self.model, self.model.p
        drivers = min(max(self.drivers, -20.0), 20.0)
        q = self.competition()
        armed = (self.selective
                 + scale * self.armed_presence() ** p["armed_homicide_elasticity"] * math.exp(drivers))
        self.leaders = ((1.0 - self.state_presence) * self.rural_population / 1e5
                        * (p["leader_competition_rate"] * q + p["vacuum_violence_rate"] * self.leader_vacuum))
        collateral_rate = p["collateral_share"] * (1.0 - self.state_presence)
        self.collateral = {gid: collateral_rate * k for gid, k in self.killed.items()}
        lethal = sum(self.killed.values()) + sum(self.forces_killed.values())
        self.lethal_clashes = float(model.rng.poisson(lethal / p["members_per_clash"])) if lethal > 0 else 0.0
        self.rival_deaths = sum(self.lethality[gid] * lost for gid, lost in self.losses_groups.items())
        extra = self.leaders + self.rival_deaths + sum(self.collateral.values())
        ordinary = self.hom_base * math.exp(model.crime_drift + self.regional_drift
                                            - p["ordinary_state_effect"] * (self.control[STATE] - self.hom_control0))
        mu = ordinary + armed + extra
        if mu > 0:
            size = p["homicide_dispersion"]
            self.homicides = float(model.rng.negative_binomial(size, size / (size + mu)))
        else:
            self.homicides = 0.0
        conflict = self.homicides * (armed + extra) / mu if mu > 0 else 0.0
        self.armed_killings = self.homicides * armed / mu if mu > 0 else 0.0
        massacres = p["massacre_rate"] * self.armed_killings * q
        self.massacres = float(model.rng.poisson(massacres)) if massacres > 0 else 0.0
        self.displaced = p["displacement_per_killing"] * conflict
        rural_share = min(self.rural_population / self.population, 1.0) if self.population > 0 else 0.0
        self.confined = p["confinement_rate"] * sum(g.members[self.tid] for g in model.group_list) * q * rural_share


class GroupAgent(mesa.Agent):
    """An armed or criminal group: members in each territory and in foreign sanctuary, its table and its stake."""

    def __init__(self, model: mesa.Model, gid: str, index: int, group_type: str, spoiler: int, political: bool,
                 revenue: tuple[str, ...], armed_share: float, cohesion: float, sanctuary_max: float,
                 host: str | None, finance: float, willing: bool, table_start: int) -> None:
        super().__init__(model)
        self.gid = gid
        self.index = index
        self.group_type = group_type
        self.is_cartel = group_type == "foreign_cartel"
        self.spoiler = spoiler
        self.political = political
        self.revenue = revenue
        self.armed_share = armed_share
        self.cohesion = cohesion
        self.sanctuary_max = sanctuary_max
        self.host = host
        self.host_border: set[str] = set()
        self.finance = finance
        self.willing = willing
        self.table_start = table_start
        self.allies: set[str] = set()
        self.rival_agents: list[GroupAgent] = []
        self.splinter: GroupAgent | None = None
        self.members: dict[str, float] = {}  # armed members per territory
        self.support: dict[str, float] = {}  # support networks per territory
        self.presence: dict[str, float] = {}  # effective presence (groups.py): the effort its members bring here
        self.sanctuary = 0.0  # armed members abroad
        self.sanctuary_rate = 0.0  # monthly income per member in sanctuary (set in the first month)
        self.resources = 0.0  # stock of arms and resources (USD m)
        self.own_rent = self.pay = 0.0
        self.arms = self.effort_multiplier = self.operations = self.fighting = 1.0
        self.posture = self.status_quo_posture = 1.0
        self.choice = np.zeros(9)
        self.violations_seen = 0.0  # ceasefire violations the state saw last month (model.choices.violations_seen)
        self.violation_chances = np.zeros(3)  # their chance were it limited, greedy, total (choices.violation_chances)
        self.target = False
        self.verification = 0.0
        self.state_loss = 0.0
        self.surplus = 0.0
        self.in_zone = self.operating_at_start = 0.0
        self.willing_now = 0.0
        self.phase = NONE
        self.new_phase = NONE
        self.signed = False
        self.signed_members = 0.0
        self.ddr_rate = 0.0
        self.ratified = False
        self.split_chance = self.split_share = 0.0
        self.protection = self.substitution = 0.0  # an agreement's security guarantees and substitution terms
        self.standing_down = False
        self.pressure = 0.0
        self.loss_share = 0.0
        self.rent0 = 1.0
        self.trend = 0.0  # smoothed monthly growth of members (the war value's trajectory)
        self.transfers = 0.0
        self.zone: set[str] = set()
        self.bilateral = False
        self.ceasefire = False
        self.attacking = 1.0
        self.leaving = False
        self.demobilised = 0.0
        self.insurgent = group_type in ("insurgent", "dissident")
        self.counterinsurgent = False  # set from the world: its wars kill at counterinsurgent_lethality
        self.relocated: dict[str, float] = {}  # armed members relocated into each neighbouring country
        self.attacks = 0.0  # decaying record of security-force members it killed
        self.deployed_verification = 0.0
        self.engagement = 1.0  # a cartel's budget relative to the scenario's
        self.holdings0 = 0.0

    @property
    def at_home(self) -> float:
        """Armed members in the country and in sanctuary (those the sanctuary flow moves)."""
        return sum(self.members.values()) + self.sanctuary

    @property
    def armed(self) -> float:
        """Armed members: in the country, in sanctuary and relocated abroad."""
        return self.at_home + sum(self.relocated.values())

    @property
    def in_operations(self) -> float:
        """Armed members in operations: in the country and relocated abroad (those in sanctuary rest there)."""
        return sum(self.members.values()) + sum(self.relocated.values())

    @property
    def total(self) -> float:
        return self.armed + sum(self.support.values())

    def state_operations(self, pressure: float, unilateral: bool, kept: float) -> float:
        """The state's operations against the group: pressure x (1 + w_R a / (1 + a)) x max(0, 1 - psi_V D k
        [unilateral ceasefire]), a its recent attacks on the forces, D = 1 - (1 - delta)(1 - V) what is seen of its
        ceasefire (V its verification), k the share of its fronts keeping it."""
        p = self.model.p
        reaction = 1.0 + p["reaction_to_attacks"] * self.attacks / (1.0 + self.attacks)
        seen = 1.0 - (1.0 - p["violation_detection"]) * (1.0 - min(max(self.verification, 0.0), 1.0))
        restraint = 1.0 - p["verified_restraint"] * seen * min(max(kept, 0.0), 1.0) * (1.0 if unilateral else 0.0)
        return pressure * reaction * max(restraint, 0.0)

    def killed_share(self, posture: float) -> float:
        """Share of the members the state removes who die: by type when fighting back, `killed_share_no_resistance`
        when not, linear in the posture."""
        p = self.model.p
        fighting = p["killed_share"] if self.insurgent else p["killed_share_criminal"]
        v = min(max(posture, 0.0), 1.0)
        return v * fighting + (1.0 - v) * p["killed_share_no_resistance"]

    # ------------------------------------------------------------------ levers
    def read_levers(self, month: int) -> None:
        """This month's ceasefires, concessions, zones and host tolerance for the group."""
        model, s, g = self.model, self.model.schedule, self.index
        self.alive = self.total > 0.5
        self.concessions = [bool(c) for c in s.concessions[month, g]]
        self.n_concessions = float(sum(self.concessions))
        self.zone = model.zones_of(self.index, month)  # the tables then say which zones and ceasefires hold
        scheduled = bool(s.ceasefire[month, g])
        self.scheduled_unilateral = scheduled and not bool(s.bilateral[month, g])
        self.talking = self.phase in TALKING
        self.at_table = self.phase in TALKING or self.phase in (SUSPENDED, FINAL_AGREEMENT)
        self.monitored = scheduled or self.at_table or self.phase == IMPLEMENTATION
        if scheduled:  # the posture the deployment targets until the groups choose: last month's, 1 at the start
            self.posture = 0.0
        elif month == 0:
            self.posture = 1.0
        self.guarantee = float(s.guarantee[month, g])

    # ------------------------------------------------------------------ economy
    def value_in(self, territory: TerritoryAgent, chi: dict[str, float] | None = None) -> float:
        """What the group could take in a territory it controlled fully (with appropriable shares chi)."""
        if chi is None:
            return sum(territory.appropriable[k] for k in self.revenue)
        return sum(territory.gross[k] * chi[k] for k in self.revenue)

    def collect_rents(self) -> None:
        self.value = {t.tid: self.value_in(t) for t in self.model.territory_list}
        self.rent = sum(v * self.model.territories_by_id[tid].control[self.gid] for tid, v in self.value.items())

    def status_quo_rent(self, chi: dict[str, float]) -> float:
        return sum(self.value_in(t, chi) * t.control[self.gid] for t in self.model.territory_list)

    def exit_control(self) -> float:
        return sum(t.control[self.gid] for t in self.model.territory_list if t.is_exit)

    # ------------------------------------------------------------------ negotiation
    def assess_power(self) -> None:
        """Bargaining power p = N_eff / (N_eff + e_S) over the territories it is in, sanctuary included."""
        territories = self.model.territory_list
        group_effort = (sum(t.effort[self.gid] for t in territories)
                        + self.model.p["sanctuary_power_effect"] * self.sanctuary)
        if any(v > 0 for v in self.presence.values()):
            state_effort = sum(t.effort[STATE] for t in territories if self.presence[t.tid] > 0)
        else:
            state_effort = sum(t.effort[STATE] for t in territories)
        total = group_effort + state_effort
        self.power = group_effort / total if total > 0 else 0.0

    def sign(self) -> None:
        """What the tables decided: on signing the members are counted."""
        if self.phase in (FINAL_AGREEMENT, IMPLEMENTATION) and not self.signed:
            self.signed = True
            self.signed_members = self.members_at_talks

    def split_off(self, share: float) -> None:
        """A faction (`share` of the armed members, networks, sanctuary, control and arms) leaves for the splinter
        group; every territory it leaves from records a fragmentation event."""
        model, dissidents = self.model, self.splinter
        for t in model.territory_list:
            moved = self.members[t.tid] * share
            networks = self.support[t.tid] * share
            self.members[t.tid] -= moved
            dissidents.members[t.tid] += moved
            self.support[t.tid] -= networks
            dissidents.support[t.tid] += networks
            if moved + networks > 0:
                t.fragmentation += 1.0
        dissidents.sanctuary += self.sanctuary * share
        self.sanctuary *= 1.0 - share
        dissidents.resources += self.resources * share
        self.resources *= 1.0 - share
        for t in model.territory_list:
            t.control[dissidents.gid] += t.control[self.gid] * share
            t.control[self.gid] *= 1.0 - share
        self.signed_members *= 1.0 - share

    def demobilise(self) -> None:
        """A month of DDR at the agreed rate: the demobilised join the ex-combatant pool where the group is (those
        abroad in proportion to its members in the country)."""
        rate, territories = self.ddr_rate, self.model.territory_list
        self.demobilised = 0.0
        if rate <= 0:
            return
        here = sum(self.members[t.tid] + self.support[t.tid] for t in territories)
        abroad = self.sanctuary * rate
        self.demobilised = (here + self.sanctuary) * rate
        for t in territories:
            local = self.members[t.tid] + self.support[t.tid]
            t.ex_combatants += local * rate + (abroad * local / here if here > 0 else 0.0)
            self.members[t.tid] *= 1.0 - rate
            self.support[t.tid] *= 1.0 - rate
        self.sanctuary *= 1.0 - rate

    def stand_down(self) -> None:
        """Who stands down this month: a group in implementation or demobilised wholly, one in a ceasefire by the
        share of its fronts that comply."""
        self.stood_down = self.phase in STOOD_DOWN
        self.leaving = 1.0 if self.standing_down else 0.0
        if self.ceasefire and not self.stood_down:
            self.leaving *= 1.0 - self.choice[EXPLOIT]

    # ------------------------------------------------------------------ strength
    def move(self) -> None:
        """A share of members in each territory moves to adjacent territories, in proportion to the value of the
        ground there that the group does not yet hold."""
        model, rate = self.model, self.model.p["movement_rate"]
        if sum(self.members.values()) <= 0:
            return
        attract = {t.tid: max(self.value[t.tid] * (1.0 - t.control[self.gid]) + 1e-9, 0.0)
                   for t in model.territory_list}
        per_unit = {}
        leaving = {}
        for t in model.territory_list:
            denom = sum([attract[n] for n in t.neighbour_ids])
            leaving[t.tid] = rate * self.members[t.tid] if denom > 0 else 0.0
            per_unit[t.tid] = leaving[t.tid] / denom if denom > 0 else 0.0
        self.members = {t.tid: self.members[t.tid] - leaving[t.tid]
                        + attract[t.tid] * sum([per_unit[n] for n in t.neighbour_ids])
                        for t in model.territory_list}

    def seek_sanctuary(self) -> None:
        """Members cross to (or return from) the host country toward sigma_max * host tolerance of the total, through
        the territories on the host's border (or wherever the group is, if it holds none of them)."""
        target = self.sanctuary_max * self.host_tolerance
        flow = self.model.p["sanctuary_adjustment"] * (target * self.at_home - self.sanctuary)
        source = {tid: n for tid, n in self.members.items() if tid in self.host_border}
        if sum(source.values()) <= 0:
            source = self.members
        available = sum(source.values())
        flow = min(flow, available)
        if available <= 0:
            flow = max(flow, 0.0)
        if available > 0:
            for tid, n in source.items():
                self.members[tid] = self.members[tid] - flow * n / available
        for tid, n in self.members.items():
            self.members[tid] = max(n, 0.0)
        self.sanctuary = max(self.sanctuary + flow, 0.0)

    def relocate(self) -> None:
        """Members pressed at home (push: annualised losses, at most 1) cross into tolerant neighbours other than
        their declared sanctuary, from the territories on that border; members abroad return as the pressure eases
        and desert at the domestic rate."""
        model, p = self.model, self.model.p
        push = min(max(12.0 * self.loss_share, 0.0), 1.0)
        for k in model.world.neighbour_ids:
            if k == self.host_country:
                continue
            border = [t.tid for t in model.territory_list if k in t.borders]
            if not border:
                continue
            pool = sum(self.members[tid] for tid in border)
            out = p["relocation_rate"] * push * model.tolerance[k] * pool
            back = p["return_rate"] * (1.0 - push) * self.relocated[k]
            self.relocated[k] = max(self.relocated[k] * (1.0 - p["desertion_rate"]) + out - back, 0.0)
            net = back - out
            for tid in border:
                share = self.members[tid] / pool if pool > 0 else 1.0 / len(border)
                self.members[tid] = max(self.members[tid] + net * share, 0.0)


class StateAgent(mesa.Agent):
    """The state: its security forces' cohesion and their deployment across territories."""

    def __init__(self, model: mesa.Model, total_forces: float, cohesion: float) -> None:
        super().__init__(model)
        self.total_forces = total_forces
        self.cohesion = cohesion
        self.allocation: dict[str, float] = {}
        self.dissent = False
        self.forces = 0.0
        self.concessions_before = [[0.0] * 4 for _ in range(len(model.world.group_ids))]
        self.killed_last = 0.0  # security-force members killed last month
        self.killed_at_tables = 0.0  # of them, by groups at a table

    def assess_threat(self) -> None:
        """Armed members of the groups that fight, per inhabitant, relative to the national density."""
        model = self.model
        armed = {t.tid: sum(g.members[t.tid] * g.posture for g in model.group_list)
                 for t in model.territory_list}
        total_armed = sum(armed.values())
        total_pop = sum(t.population for t in model.territory_list)
        if total_armed <= 0 or total_pop <= 0:
            self.threat = dict.fromkeys(armed, 0.0)
            return
        national = total_armed / total_pop
        self.threat = {t.tid: (armed[t.tid] / t.population / national if t.population > 0 else 0.0)
                       for t in model.territory_list}

    def target(self) -> None:
        """The deployment rule's base weights: pop^0.75 (1 + w_T T/(1 + T)) (1 + w_V K vacated) (1 + w_A A/(1 + A)),
        T the relative armed threat."""
        p = self.model.p
        self.base = {t.tid: t.population ** 0.75
                     * (1.0 + p["deployment_threat_weight"] * self.threat[t.tid] / (1.0 + self.threat[t.tid]))
                     * (1.0 + p["deployment_vacuum_weight"] * self.cohesion * t.vacated)
                     * (1.0 + p["deployment_attack_weight"] * t.attacks / (1.0 + t.attacks))
                     for t in self.model.territory_list}

    def deploy(self, month: int, demilitarised: set[str], first: bool = False, conditional: bool | None = None) -> None:
        """Forces go by the base weights where the state does not control: base (0.2 + 1 - c_state); the repression
        rule is the month's unless given (the start's)."""
        model, p, s = self.model, self.model.p, self.model.schedule
        weights = {t.tid: self.base[t.tid] * (0.2 + (1.0 if first else 1.0 - t.control[STATE]))
                   for t in model.territory_list}
        total = sum(weights.values())
        self.allocation = {tid: self.forces * w / total for tid, w in weights.items()}
        if conditional is None:
            conditional = bool(s.conditional[min(month, len(s.conditional) - 1)])
        self.bonus = 1.0 + (p["conditional_effort_bonus"] if conditional else 0.0)
        self.demilitarised = demilitarised

    def effort_in(self, territory: TerritoryAgent) -> float:
        """e_S = K F S ratio (1 + conditional bonus), zero in demilitarised zones."""
        if territory.tid in self.demilitarised:
            return 0.0
        return (self.cohesion * self.allocation[territory.tid] * territory.state_presence
                * self.model.p["state_effort_ratio"] * self.bonus)

    def update_cohesion(self, month: int) -> None:
        """Open dissent with probability logistic(g0 + g1 (1 - K) + g2 N + g3 X); cohesion recovers toward buy-in
        lowered by the concessions in force C and casualties under restraint X, and falls with new concessions N,
        purges and dissent."""
        model, p, s = self.model, self.model.p, self.model.schedule
        load, new_load = 0.0, 0.0
        for g in model.group_list:
            for k, on in enumerate(g.concessions):
                load += CONCESSION_WEIGHTS[k] * on
                new_load += CONCESSION_WEIGHTS[k] * max(float(on) - self.concessions_before[g.index][k], 0.0)
            self.concessions_before[g.index] = [float(c) for c in g.concessions]
        strain = max(self.killed_last / p["casualty_reference"] - 1.0, 0.0) * min(load, 1.0)
        z = (p["dissent_base"] + p["dissent_cohesion_effect"] * (1.0 - self.cohesion)
             + p["dissent_concession_effect"] * new_load + p["dissent_casualty_effect"] * strain)
        self.dissent = model.rng.random() < logistic(z)
        level = float(s.buy_in[month]) / (1.0 + p["cohesion_concession_level"] * load
                                          + p["cohesion_casualty_effect"] * strain)
        k = (self.cohesion + p["cohesion_recovery"] * (level - self.cohesion)
             - p["cohesion_new_concession"] * new_load - p["cohesion_purge_effect"] * float(s.purge[month])
             - p["dissent_shock"] * self.dissent)
        self.cohesion = min(max(k, 0.0), 1.0)

    def remember_attacks(self) -> None:
        """Decaying records of attacks on the forces, by territory and by group; last month's totals."""
        model = self.model
        for t in model.territory_list:
            t.attacks = 0.8 * t.attacks + sum(t.forces_killed.values())
        for g in model.group_list:
            g.attacks = 0.8 * g.attacks + sum(t.forces_killed[g.gid] for t in model.territory_list)
        self.killed_last = sum(t.state_killed for t in model.territory_list)
        self.killed_at_tables = sum(t.forces_killed[g.gid] for t in model.territory_list for g in model.group_list
                                    if g.at_table)
