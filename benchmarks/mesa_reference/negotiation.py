"""The negotiation tables of one Mesa run: the model's own tables' month (totalpeace.model.tables), fed by the agents.

The reference re-implements the battlefield agent by agent; the tables (agendas, protocols, beliefs, trust, the
state's conduct, veto players) are a decision process with no spatial state, so the reference calls the model's
compiled `tables_month` instead of keeping a second copy of it. What the tables read is assembled here from the agents
(power, members, rents, losses, levers), in the same units as the engine; what they return (phases, ceasefires,
concessions, zones, DDR and splits) is written back to the agents. Draws come from the run's numpy Generator.
"""

from __future__ import annotations

import numpy as np

from totalpeace.model.params import params_record
from totalpeace.model.tables import layout as L
from totalpeace.model.tables.agenda import build_agenda
from totalpeace.model.tables.issues import ENGINES, N_ISSUES, N_STAKEHOLDERS
from totalpeace.model.tables.month import initial_state, month_work, tables_month

DRUG_KINDS = ("coca", "routes")


class TableDesk:
    """The tables' fixed terms, their state for this run, and the month that drives them."""

    def __init__(self, model, scenario) -> None:
        w = model.world
        self.model = model
        self.p = params_record(model.p)
        self.terms = build_agenda(scenario, w.group_ids, w.table_start, self.p)
        self.engine = ENGINES.index(scenario.model.negotiation_engine)
        self.order = np.asarray(w.talks_order, dtype=np.int64)
        G, T = w.n_groups, w.n_territories
        self.phase = np.zeros(G, dtype=np.int8)  # the engine's types (engine/state.py, its work arrays), so the
        # tables' month compiled for the engine serves here too
        self.st = np.zeros((G, L.N_ST))
        initial_state(self.st, self.phase)
        self.x, self.closed, self.cap = np.zeros((G, N_ISSUES)), np.zeros((G, N_ISSUES)), np.zeros((G, N_ISSUES))
        self.bdm = np.zeros((G, N_STAKEHOLDERS, N_ISSUES))
        self.out, self.zones = np.zeros((G, L.N_OUT)), np.zeros((G, T))
        self.audit, self.package = np.zeros((G, L.N_AU)), np.zeros((G, N_ISSUES))
        self.work = month_work(N_ISSUES, N_STAKEHOLDERS, T)

    def inputs(self, month: int, power_without_zone: list[float]) -> np.ndarray:
        """What the tables read this month, per group, from the agents."""
        model, s = self.model, self.model.schedule
        inp = np.zeros((len(model.group_list), L.N_IN))
        for g in model.group_list:
            i, total = g.index, g.total
            drug = sum(t.control[g.gid] * sum(t.appropriable[k] for k in DRUG_KINDS if k in g.revenue)
                       for t in model.territory_list)
            whole = sum(t.control[g.gid] * g.value_in(t) for t in model.territory_list)
            row = inp[i]
            row[L.IN_POWER], row[L.IN_POWER_NO_ZONE] = g.power, power_without_zone[i]
            row[L.IN_MEMBERS], row[L.IN_ARMED] = total, total * g.armed_share
            row[L.IN_RENT], row[L.IN_STAKE] = g.rent, g.rent0
            row[L.IN_DRUG_SHARE] = drug / whole if whole > 0 else 0.0
            row[L.IN_SANCTUARY] = g.sanctuary / total if total > 0 else 0.0
            row[L.IN_LOSS_STATE] = g.loss_share
            row[L.IN_PRESSURE] = g.threat_ops
            row[L.IN_ALIVE], row[L.IN_WILLING] = float(g.alive), g.willing_now  # the month's willingness draw
            row[L.IN_ATTACKS:L.IN_ATTACKED + 1] = s.attacks[month, i]
            row[L.IN_VIOLATIONS_SEEN] = g.violations_seen  # what the state saw of its conduct last month
            row[L.IN_VIOLATION_CHANCE:L.IN_VIOLATION_CHANCE + 3] = g.violation_chances
            row[L.IN_EX_KILLED] = g.loss_share if g.phase == 6 else 0.0
            row[L.IN_GUARANTEE], row[L.IN_VERIFICATION] = g.guarantee, g.verification
            row[L.IN_HOST] = g.host_tolerance * g.sanctuary_max
            scheduled = bool(s.ceasefire[month, i])
            row[L.IN_SCHEDULED_CEASEFIRE] = 2.0 if scheduled and s.bilateral[month, i] else float(scheduled)
            row[L.IN_ARREST:L.IN_ZONE + 1] = s.concessions[month, i]
            if model.zones_of(i, month):  # a zone granted with a ceasefire is a zone concession too
                row[L.IN_ZONE] = 1.0
            row[L.IN_COHESION] = g.cohesion
            row[L.IN_TREND] = g.trend
        return inp

    def month(self, month: int, power_without_zone: list[float]) -> None:
        """Advance every table by one month and write the outcome back to the agents."""
        model = self.model
        territories = model.territory_list
        members = np.array([[g.members[t.tid] for t in territories] for g in model.group_list])
        scheduled_zone = np.zeros_like(members)
        for g in model.group_list:
            for j, t in enumerate(territories):
                scheduled_zone[g.index, j] = 1.0 if t.tid in model.zones_of(g.index, month) else 0.0
        nat = np.array([model.state.cohesion, model.schedule.political_cost[month], model.legitimacy])
        u = model.rng.random((len(model.group_list), L.N_U))
        inputs = self.inputs(month, power_without_zone)
        inputs[:, L.IN_ATTACK_DRAW] = model.rng.random(len(model.group_list))  # the month's drawn major attacks
        t = self.terms
        tables_month(month, self.engine, model.phased, self.order, self.p, t.static, t.lo, t.hi, t.agenda, t.cost,
                     t.weights, t.stake_pos, t.stake_sal, t.ratify, t.veto_params, t.veto_salience, self.phase,
                     self.st, self.x, self.closed, self.cap, self.bdm, inputs, nat,
                     members, scheduled_zone, u, self.out, self.zones, self.audit, self.package, self.work)
        p = model.p
        for g in model.group_list:
            row = self.out[g.index]
            g.new_phase = int(row[L.OUT_PHASE])
            g.ceasefire = row[L.OUT_CEASEFIRE] > 0
            g.bilateral = row[L.OUT_CEASEFIRE] > 1
            g.attacking = 0.0 if g.ceasefire else 1.0
            g.concessions = [bool(row[L.OUT_ARREST + k]) for k in range(4)]
            g.n_concessions = float(sum(g.concessions))
            g.zone = {territories[j].tid for j in np.flatnonzero(self.zones[g.index] > 0)}
            g.pressure = model.base_pressure * (1.0 - p["bombing_share_of_attrition"] * g.concessions[2])
            g.ddr_rate = row[L.OUT_DDR_RATE]
            g.ratified = row[L.OUT_RATIFIED] > 0
            g.split_chance, g.split_share = row[L.OUT_SPLIT_PROBABILITY], row[L.OUT_SPLIT_SHARE]
            g.standing_down = row[L.OUT_STANDING_DOWN] > 0
            g.protection, g.substitution = row[L.OUT_PROTECTION], row[L.OUT_SUBSTITUTION]
            g.verification = row[L.OUT_VERIFICATION]
