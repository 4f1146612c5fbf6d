"""The engine's composition and plumbing (src/totalpeace/engine): the initial state, how months are advanced, the
registries of state variables and outputs, and the records' definitions against the state they summarise.

The mechanisms themselves are tested one by one in test_mechanisms.py and test_bargaining.py; batch-size and
run-offset independence in test_invariants.py; the whole path against an independent implementation in
test_mesa_crosscheck.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import totalpeace
from totalpeace import talks
from totalpeace.engine import records as records_
from totalpeace.engine import state as state_
from totalpeace.engine.initial import INIT_TOLERANCE, arms_at
from totalpeace.engine.rng import central
from totalpeace.engine.simulate import build_engine
from totalpeace.model import choices, contest, economy, security, violence
from totalpeace.model.tables import layout as TL
from totalpeace.model.tables import month as tables_
from totalpeace.model.tables.issues import N_ISSUES, Phase
from totalpeace.model.tables.reasons import Reason
from totalpeace.scenario.schema import Initial

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

MONTHS = 30
ZONE_VARIANT = """
extends = "colombia-2022"
name = "eln-zone"
[policy]
decriminalization = 0.5
[[policy.ceasefires]]
group = "clan_del_golfo"
start = "2022-08"
months = 12
[[policy.ceasefires]]
group = "eln"
start = "2022-10"
months = 24
zone = true
"""
# Settings at the edges of their plausible ranges that make tables sign quickly (impatient groups, a legal income at
# the top of its range), split and rarely break down, so that the path reaches every phase within 36 months.
SIGN_AND_SPLIT = ["parameters.split_base=0.9", "parameters.talks_phase_months=1",
                  "parameters.breakdown_hazard_base=0.001", "parameters.discount_factor=0.95",
                  "parameters.legal_income_per_member=0.0006"]


@pytest.fixture(scope="module")
def flagship() -> totalpeace.Scenario:
    return totalpeace.load_scenario("colombia-2022")


def test_initial_state(flagship: totalpeace.Scenario) -> None:
    engine = build_engine(flagship, MONTHS)
    st, world, p = engine.initial, engine.arrays, engine.p
    members, support, sanctuary, control = st.members[0], st.support[0], st.sanctuary[0], st.control[0]
    # Everyone the scenario lists is somewhere: armed in the country or in sanctuary, or in the support networks.
    np.testing.assert_allclose(members.sum(axis=1) + support.sum(axis=1) + sanctuary, world.members, rtol=1e-12)
    np.testing.assert_allclose(members.sum(axis=1) + sanctuary, world.members * world.armed_share, rtol=1e-12)
    assert sanctuary[engine.world.group_ids.index("eln")] > 0  # Venezuela tolerates the ELN at the start
    # Control is the contest's fixed point: one more round (month 0's levers, no noise, the arms its rents keep)
    # moves nothing.
    forces = engine.levers.deployable[0] * world.total_forces
    conditional = bool(engine.levers.conditional[0])
    G, T = members.shape
    presence = contest.effective_presence(members, support, contest.reach_shares(world.area, world.adj_indptr, p),
                                          world.adj_indptr, world.adj_indices, p)
    chi = economy.appropriable_shares(engine.levers.decriminalization[0], p)
    stock, multiplier, exit_of, _next = arms_at(control, members, support, sanctuary, world.coca, chi, world, p)
    # The deployment targets the groups' armed density from the start (the ground vacated then, no attack remembered).
    base = security.targeting(world.pop075, security.threat(members, np.ones(G), world.population), world.vacated,
                              np.zeros(T), st.cohesion[0], p)
    effort = contest.efforts(presence, multiplier, st.cohesion[0], control, np.zeros((G, T)), False, forces,
                             conditional, base, world.presence, p)
    np.testing.assert_allclose(contest.contest_shares(effort, False, p), control, rtol=0, atol=INIT_TOLERANCE)
    np.testing.assert_allclose(control.sum(axis=1), 1.0)
    np.testing.assert_array_equal(st.resources[0], stock)  # arms at their steady state: no arming spree in month 0
    np.testing.assert_array_equal(st.route_exit[0], exit_of)
    assert np.all(st.resources[0][world.members > 0] >= 0)
    assert st.cohesion[0] == flagship.initial.cohesion == engine.levers.buy_in[0]  # the flagship assumes both 0.7
    assert np.all(st.flow0[0] > 0)  # cocaine leaves through every neighbour's border at the start
    assert np.all(st.phase[0] == Phase.NONE) and not st.signed.any()
    # No table is open and no group's type is drawn yet; the state knows nothing from earlier offers.
    assert np.all(st.table_state[0][:, TL.ST_TYPE] == -1) and np.all(st.table_state[0][:, TL.ST_OPEN_MONTH] == -1)
    assert np.isnan(st.table_state[0][:, TL.ST_LAST_OFFER]).all() and not st.package.any()


@pytest.mark.parametrize("lever", ["security.buy_in=0.4", "security.deployable_share=0.45",
                                   'security.repression="conditional"', "policy.decriminalization=1.0",
                                   "international.venezuela.host_tolerance=0"])
def test_a_lever_acts_from_the_start_not_on_the_start(flagship: totalpeace.Scenario, lever: str) -> None:
    """Where the levers stood when the scenario starts is part of the observed start (`[initial]`), like the groups'
    members: a variant or a sweep that changes a lever starts from the flagship's control, sanctuary, arms, cohesion
    and host tolerances, and the lever acts from the first month on."""
    base = build_engine(flagship, 12)
    variant = build_engine(totalpeace.load_scenario("colombia-2022", [lever]), 12)
    for name in ("control", "members", "sanctuary", "resources", "cohesion", "tolerance"):
        np.testing.assert_array_equal(getattr(variant.initial, name)[0], getattr(base.initial, name)[0], err_msg=name)
    a, b = base.run(1, np.arange(4)), variant.run(1, np.arange(4))
    assert not all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("state_control_share", "security_cohesion",
                                                                           "armed_group_members", "homicides"))


def test_the_initial_table_sets_the_start_and_defaults_to_the_first_month(flagship: totalpeace.Scenario) -> None:
    """A value of `[initial]` moves the start; one not given is the lever's own first-month value (a scenario
    without the table starts where its levers stand), so the flagship, which writes them out, runs as before."""
    pop = build_engine(flagship, 1).arrays.population

    def state_share(engine) -> float:
        return float((engine.initial.control[0][:, -1] * pop).sum() / pop.sum())

    deployed = build_engine(totalpeace.load_scenario("colombia-2022", ["initial.deployable_share=0.45"]), 1)
    assert state_share(deployed) > state_share(build_engine(flagship, 1)) + 0.03
    unset = flagship.model_copy(update={"initial": Initial()})
    same = {k: getattr(build_engine(unset, 1).initial, k)[0] for k in ("control", "sanctuary", "cohesion")}
    for name, value in same.items():
        np.testing.assert_array_equal(value, getattr(build_engine(flagship, 1).initial, name)[0], err_msg=name)
    low = unset.model_copy(update={"security": unset.security.model_copy(update={"buy_in": 0.4})})
    assert build_engine(low, 1).initial.cohesion[0] == 0.4  # without [initial], the buy-in starts cohesion
    venezuela = flagship.international["venezuela"].model_copy(update={"host_tolerance": 0.0})
    closed = unset.model_copy(update={"international": {**unset.international, "venezuela": venezuela}})
    assert build_engine(closed, 1).initial.sanctuary[0].sum() < 10  # nor does it keep a host's earlier tolerance


@pytest.mark.parametrize("name", ["colombia-1998", "colombia-2012", "colombia-2017", "colombia-2022"])
def test_a_scenario_that_writes_its_start_out_writes_its_own_levers(name: str) -> None:
    """The built-in scenarios write `[initial]` out with the values their levers have in the first month, so the table
    changes none of their runs; a historical variant that closes Venezuela then starts from the same sanctuary."""
    scenario = totalpeace.load_scenario(name)
    assert scenario.initial.model_fields_set >= {"cohesion", "deployable_share", "forces", "repression",
                                                 "decriminalization", "host_tolerance"}
    unset = scenario.model_copy(update={"initial": Initial()})
    written, levers = build_engine(scenario, 1).initial, build_engine(unset, 1).initial
    for field in ("control", "members", "sanctuary", "resources", "cohesion", "tolerance"):
        np.testing.assert_array_equal(getattr(written, field)[0], getattr(levers, field)[0], err_msg=field)
    closed = build_engine(totalpeace.load_scenario(name, ["international.venezuela.host_tolerance=0"]), 1).initial
    np.testing.assert_array_equal(closed.sanctuary[0], written.sanctuary[0])
    assert written.sanctuary[0].sum() > 100  # the ELN's members in Venezuela at the start


def test_the_buy_in_moves_cohesion_from_the_start_toward_its_level(flagship: totalpeace.Scenario) -> None:
    """From the same start, cohesion moves toward each buy-in at kappa_rec a month: one month's recovery of the gap
    apart after the first month, much of the way three years on."""
    engines = {b: build_engine(totalpeace.load_scenario("colombia-2022", [f"security.buy_in={b}"]), 36)
               for b in (0.4, 0.9)}
    paths = {b: e.run(1, np.arange(4)).security_cohesion for b, e in engines.items()}
    rate = engines[0.4].p.cohesion_recovery
    assert np.all(paths[0.9][:, 0] - paths[0.4][:, 0] <= rate * 0.5 + 1e-9)
    # three years on, much of the way (concessions lower both levels, so the gap's limit is under 0.5)
    assert np.all(paths[0.9][:, -1] - paths[0.4][:, -1] > 0.25 * (1.0 - (1.0 - rate) ** 36))


def test_a_force_that_grows_deploys_more_from_that_month_on() -> None:
    """`security.military` and `security.police` may change by a dated event (a force that grows, Democratic Security
    after 2002): the deployed forces are the deployable share of their sum from that month on, and nothing before the
    month changes (the same draws)."""
    event = ['policy.events=[{date = "2023-02", description = "the military doubles", '
             'set = {"security.military" = 440000}}]']
    base = build_engine(totalpeace.load_scenario("colombia-2022"), 18)
    grown = build_engine(totalpeace.load_scenario("colombia-2022", event), 18)
    assert grown.levers.forces[5] == base.levers.forces[5] == 390000
    assert grown.levers.forces[6] == 610000 and base.levers.forces[6] == 390000
    a, b = base.run(1, np.arange(6)), grown.run(1, np.arange(6))
    np.testing.assert_array_equal(a.state_control_share[:, :6], b.state_control_share[:, :6])
    assert (b.state_control_share[:, -1] > a.state_control_share[:, -1]).all()
    assert b.captures[:, 6:].sum() > a.captures[:, 6:].sum()
    # a variant with the larger force from the start starts where the flagship does ([initial] forces) and
    # deploys it from the first month on
    larger = build_engine(totalpeace.load_scenario("colombia-2022", ["security.military=440000"]), 18)
    np.testing.assert_array_equal(larger.initial.control[0], base.initial.control[0])
    assert larger.levers.forces[0] == 610000


def test_registries_define_the_arrays() -> None:
    sizes = {"G": 3, "B": 2, "T": 5, "A": 4, "K": 2, "I": 2}
    st = state_.allocate(2, sizes)
    assert st._fields == tuple(v.name for v in state_.VARIABLES)
    for var, array in zip(state_.VARIABLES, st, strict=True):
        assert array.shape == (2, *state_.shape(var.dims, sizes)) and array.dtype == var.dtype, var.name
        assert array.flags.c_contiguous and not array.any()
    st.members[0, 1, 2] = 7.0
    copies = state_.replicate(st, 3)
    assert copies.members.shape == (3, 3, 5) and np.all(copies.members[:, 1, 2] == 7.0)
    copies.members[1, 0, 0] = 1.0
    assert copies.members[0, 0, 0] == 0.0 and st.members[0, 0, 0] == 0.0  # each run has its own arrays
    rec = records_.allocate(4, 6, sizes)
    assert rec.homicides.shape == (4, 6) and rec.group_members.shape == (4, 6, 3)
    assert rec.table_audit.shape == (4, 6, 2, TL.N_AU) and rec.territory_homicides.shape == (6, 5)
    assert rec.table_package.shape == (4, 6, 2, N_ISSUES) and rec.table_audit.dtype == np.float32
    assert rec.dominant_count.shape == (6, 5, 4)


def test_results_carry_every_registered_output(flagship: totalpeace.Scenario) -> None:
    res = totalpeace.simulate(flagship, runs=2, seed=1, months=3)
    assert tuple(res.national) == records_.NATIONAL
    series = (*records_.GROUP, "group_ratification", "group_breakdown_reason", "group_major_attacks")
    assert tuple(res.groups)[:len(series)] == series
    assert all(k.startswith("choice_") for k in tuple(res.groups)[len(series):])
    assert res.tables is not None and res.tables.audit.shape[:2] == (2, 3)
    assert tuple(res.territories) == records_.TERRITORY
    for series in (*res.national.values(), *res.groups.values()):
        assert series.flags.c_contiguous


def test_month_by_month_equals_one_call(flagship: totalpeace.Scenario) -> None:
    """However the months are split into calls (the runner calls once for a single run, monthly for big batches),
    the numbers are the same."""
    engine = build_engine(flagship, 8)
    whole = engine.run(5, np.arange(3))
    batch = engine.start(np.arange(3))
    for first, last in ((0, 1), (1, 4), (4, 5), (5, 8)):
        engine.advance(batch, 5, first, last)
    for name in records_.DIMS:
        np.testing.assert_array_equal(getattr(batch.records, name), getattr(whole, name), err_msg=name)


def test_central_draws_give_one_path_whatever_the_seed(flagship: totalpeace.Scenario) -> None:
    engine = build_engine(flagship, 6, draws=central(0.3))
    a, b = engine.run(1, np.arange(2)), engine.run(99, np.arange(2))
    for name in records_.PER_RUN:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        np.testing.assert_array_equal(getattr(a, name)[0], getattr(a, name)[1], err_msg=name)
    assert not np.array_equal(a.homicides, np.floor(a.homicides))  # counts at their (fractional) means


@pytest.fixture(scope="module")
def zone_path(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    """A path through every branch: a zone, phased talks, signing, splits and DDR, records and the final state."""
    path = tmp_path_factory.mktemp("zone") / "zone.toml"
    path.write_text(ZONE_VARIANT)
    scenario = totalpeace.load_scenario(str(path), [*SIGN_AND_SPLIT, "policy.talks.mode=phased"])
    engine = build_engine(scenario, 36)
    batch = engine.start(np.arange(6))
    engine.advance(batch, 3, 0, 36)
    return engine, batch


def test_the_path_covers_zones_signing_splits_and_ddr(zone_path: tuple) -> None:
    engine, batch = zone_path
    rec = batch.records
    assert rec.group_phase.max() >= Phase.IMPLEMENTATION, "no table reached implementation (DDR)"
    assert rec.demobilized.sum() > 0
    splinters = engine.world.n_scenario_groups
    assert rec.group_members[:, -1, splinters:].sum() > 0, "no split"
    assert engine.levers.zone.any()
    # The audit reruns the protocol without the zone: the ELN's outside option moves in the months it is in force.
    eln = engine.world.group_ids.index("eln")
    audit = rec.table_audit[:, :, list(engine.tables.slots).index(eln)]
    without_zone = TL.AU_CF + TL.N_CF_FIELDS * TL.AU_COUNTERFACTUALS.index("zone") + TL.AU_CF_GROUP_OUTSIDE
    bargaining = np.isin(audit[..., TL.AU_PHASE], [Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS])
    zone_months = engine.levers.zone[:, eln].any(axis=1)[None, :] & bargaining
    assert zone_months.any()
    assert not np.allclose(audit[..., without_zone][zone_months], audit[..., TL.AU_GROUP_OUTSIDE][zone_months])


def test_the_state_reads_violations_against_what_each_type_would_do(tmp_path) -> None:
    """The chance of a violation the engine hands the tables for the group's own type is the group's own expected
    violations seen (its exploitation times its detection, choices.actions): the state's reading and the group's
    choice are one rule (docs/model.md 7.13). A violation is seen only where one could be."""
    path = tmp_path / "zone.toml"
    path.write_text(ZONE_VARIANT)
    engine = build_engine(totalpeace.load_scenario(str(path)), 14)
    batch = engine.start(np.arange(4))
    in_ceasefire = 0
    for month in range(14):
        engine.advance(batch, 5, month, month + 1)
        st = batch.state
        own_type = st.table_state[..., TL.ST_TYPE].astype(np.int64)
        own = np.take_along_axis(st.violation_chances, own_type[..., None], axis=2)[..., 0]
        expected = st.actions[..., choices.VIOLATIONS]
        np.testing.assert_allclose(own, expected, rtol=1e-12, atol=1e-15)
        assert np.all((st.violation_chances >= 0.0) & (st.violation_chances <= 1.0))
        assert np.all(st.violations_seen[expected == 0.0] == 0.0)
        in_ceasefire += int((expected > 0).sum())
    assert in_ceasefire > 0


def test_the_audit_shows_the_margin_each_type_would_have(flagship: totalpeace.Scenario) -> None:
    """audit.parquet's `margin_if_limited` and `margin_if_greedy` (docs/outputs.md): the group's own margin is the
    one of its type (a total spoiler has none), and a greedy group, with the higher premium, has the smaller one."""
    frame = totalpeace.simulate(flagship, runs=20, seed=3, months=18).audit_frame()
    talking = frame[frame.phase.isin(["exploration", "formal_talks", "partial_agreements"])]
    assert len(talking) > 100
    own = (talking.group_value - talking.group_outside_option) / talking.war_value.abs()
    limited = np.isclose(own, talking.margin_if_limited, rtol=1e-5, atol=1e-5)  # stored as float32
    greedy = np.isclose(own, talking.margin_if_greedy, rtol=1e-5, atol=1e-5)
    assert np.all(limited | greedy | talking.group_outside_option.isna())
    assert limited.any() and (greedy & ~limited).any()
    assert np.all(talking.margin_if_greedy <= talking.margin_if_limited + 1e-5)


def test_the_flagship_draws_major_attacks_at_its_tables_and_the_state_reacts_to_them(
        flagship: totalpeace.Scenario) -> None:
    """From `policy.draw_attacks_from` each group at an open table commits major attacks at its own type's rate
    (docs/model.md 7.4): audit.parquet's `major_attacks` counts them, the results carry them per group, summary.json
    per table, and a bargaining table is never left bargaining in a month of attacks (suspended, or ended); without
    the field the flagship, which dates none, has none."""
    assert flagship.policy.draw_attacks_from == flagship.start and not flagship.policy.attacks
    results = totalpeace.simulate(flagship, runs=30, seed=5, months=36)
    frame = results.audit_frame()
    attacked = frame[frame.major_attacks > 0]
    assert len(attacked) > 10
    previous = frame.groupby(["run", "table"]).phase.shift()
    was_bargaining = previous.isin(["exploration", "formal_talks", "partial_agreements"])
    reacted = attacked[was_bargaining[attacked.index]]
    assert len(reacted) > 0
    assert set(reacted.reason) <= {"SUSPENDED_ATTACK", "ENDED_STALLED", "ENDED_SPOILER", "ENDED_DEADLINE",
                                   "BROKE_DOWN"}
    per_group = results.groups["group_major_attacks"].sum(axis=(0, 1))
    for gid in results.tables.groups:
        g = results.group_ids.index(gid)
        assert per_group[g] == frame[frame.table == gid].major_attacks.sum()
        entry = results.summary()["groups"][gid]["negotiation"]
        assert entry["major_attacks"]["mean"] == pytest.approx(per_group[g] / results.runs)
        assert 0.0 <= entry["suspended_share"] <= 1.0
    dated_only = flagship.model_copy(update={"policy": flagship.policy.model_copy(update={"draw_attacks_from": None})})
    quiet = totalpeace.simulate(dated_only, runs=10, seed=5, months=24).audit_frame()
    assert (quiet.major_attacks == 0).all()


def test_the_audit_stores_the_terms_of_each_months_hazard(flagship: totalpeace.Scenario) -> None:
    """audit.parquet's `hazard_*` columns are the commitment hazard's log terms (docs/model.md 7.5): h_0 exp(their
    sum), capped at 1, is the month's `breakdown_hazard` wherever the hazard applied; the guarantors and the
    agenda's progress only lower it, and the months a table broke down by the hazard have their terms."""
    results = totalpeace.simulate(flagship, runs=20, seed=3, months=30)
    frame = results.audit_frame()
    terms = frame[[f"hazard_{t}" for t in TL.HAZARD_TERMS]].to_numpy(float)
    applied = frame.breakdown_hazard > 0
    assert applied.sum() > 500
    hazard, scale = frame.breakdown_hazard[applied].to_numpy(), np.exp(terms[applied.to_numpy()].sum(axis=1))
    h0 = np.median(hazard / scale)  # the point's h_0, one value for every table and month
    np.testing.assert_allclose(hazard, np.minimum(1.0, h0 * scale), rtol=1e-5)
    assert 0.0002 <= h0 <= 0.009  # within the registry's plausible range
    assert np.all(terms[~applied.to_numpy()] == 0.0)
    assert (frame.hazard_guarantors <= 0).all() and (frame.hazard_progress <= 0).all()
    assert (frame.hazard_guarantors < 0).any() and (frame.hazard_shortfall > 0).any()
    broke = frame[frame.reason == "BROKE_DOWN"]
    assert len(broke) > 0 and (broke.breakdown_hazard > 0).all()
    # the summary says what raised the hazard wherever it broke a table, and only there
    summaries = talks.summaries(results.tables)
    for entry in summaries.values():
        drivers = entry["hazard_drivers"]
        assert bool(drivers) == ("BROKE_DOWN" in entry["why_broken_down"])
        if drivers:
            assert sum(drivers.values()) == pytest.approx(1.0)
            assert set(drivers) <= set(talks.HAZARD_DRIVERS)
    # the report and the dashboard show them as a table of their own, and the terminal as a line
    from totalpeace.report.negotiation import table_blocks

    for block in table_blocks(results):
        ids = [t["id"] for t in block["tables"]]
        drivers = summaries[block["group"]]["hazard_drivers"]
        assert (f"hazard-{block['group']}" in ids) == bool(drivers)
        assert any(line.startswith("What raised the breakdown hazard") for line in block["lines"]) == bool(drivers)
    assert any(entry["hazard_drivers"] for entry in summaries.values())


def test_the_summary_names_each_tables_deadline(flagship: totalpeace.Scenario) -> None:
    """A table's deadline as the scenario set it is in its summary and in the first line the terminal, the report
    and the dashboard show; a table without one says nothing of it."""
    scenario = flagship.model_copy(deep=True)
    scenario.policy.tables["eln"].deadline = "2023-08"
    scenario.policy.tables["clan_del_golfo"].deadline_months = 12
    results = totalpeace.simulate(scenario, runs=4, seed=1, months=14)
    summaries = talks.summaries(results.tables)
    assert summaries["eln"]["deadline"] == "2023-08"
    assert summaries["clan_del_golfo"]["deadline"] == "12 months after opening"
    lines = {gid: talks.explain(gid, entry)[0] for gid, entry in summaries.items()}
    assert lines["eln"].startswith("eln (political track; the state's deadline 2023-08): signed in")
    assert "deadline" not in lines["segunda_marquetalia"]


def test_the_example_deadline_ends_the_eln_table_and_its_pressure_decides_whether_it_hurries() -> None:
    """examples/variant-eln-deadline.toml, with a state and a group that both accept a package from early on (the
    reservations of the Mesa cross-check's stress variant) and a slow table (six months a point): no ELN table
    bargains after June 2025 (but for a text the ratification sends back that month, ended in the next),
    whatever deadline_pressure; with the pressure at 1 the sides hurry as the deadline nears
    and the table signs in more runs than with none, on the same draws (docs/model.md 7.2)."""
    deal_in_reach = ["parameters.reservation_limited=0.0", "parameters.reservation_greedy=0.1",
                     "parameters.political_value_months=48", "parameters.wealth_kept_months=60",
                     "parameters.acceptance_slope=10", "parameters.talks_phase_months=6"]
    signed = {}
    for pressure in (0.0, 1.0):
        scenario = totalpeace.load_scenario(str(EXAMPLES / "variant-eln-deadline.toml"),
                                            [*deal_in_reach, f"parameters.deadline_pressure={pressure}"])
        assert scenario.policy.tables["eln"].deadline == "2025-06"
        results = totalpeace.simulate(scenario, runs=40, seed=1, months=36)
        t = results.tables.groups.index("eln")
        phase, reason = results.tables.phase[:, :, t].astype(int), results.tables.reason[:, :, t].astype(int)
        talking = np.isin(phase[:, 34:], (Phase.EXPLORATION, Phase.FORMAL_TALKS, Phase.PARTIAL_AGREEMENTS,
                                          Phase.SUSPENDED))  # month 34 is June 2025
        # only a signed text the ratification sent back that month is at the table, and it is ended the next
        assert (reason[:, 34:][talking] == Reason.RATIFICATION_REJECTED).all() and not talking[:, -1].any()
        signed[pressure] = int(talks.outcome_flags(results.tables, t)["signed"].sum())
        entry = talks.summaries(results.tables)["eln"]
        hurried = any("drafted faster" in line for line in talks.explain("eln", entry))
        if pressure == 0.0:  # the audit's factor is 1 in every drafting month: nothing hurried, nothing said
            assert entry["deadline_hurry"] == {"hurried_share": 0.0, "mean_factor": 0.0} and not hurried
        else:
            assert 0.0 < entry["deadline_hurry"]["hurried_share"] < 1.0 < entry["deadline_hurry"]["mean_factor"]
            assert hurried
    assert signed[1.0] >= signed[0.0] + 8  # measured: 32 against 14 of 40


def test_havanas_target_date_hurries_the_drafting_from_its_announcement_and_ends_nothing() -> None:
    """colombia-2012's FARC table has the target Santos and the FARC set in September 2015 for March 2016
    (deadline_binding false, deadline_announced 2015-09): at deadline_pressure 1 the drafting hurries only in the
    months between the announcement and the target, and no table ends at the target."""
    scenario = totalpeace.load_scenario("colombia-2012", ["parameters.calibration=colombia-patterns",
                                                          "parameters.deadline_pressure=1"])
    results = totalpeace.simulate(scenario, runs=30, seed=1, months=48)  # to 2016-09
    t = results.tables.groups.index("farc")
    hurry = results.tables.audit[:, :, t, TL.AU_HURRY]
    announced, target = 35, 41  # 2015-09 and 2016-03, months from October 2012
    assert (hurry[:, :announced] <= 1.0).all() and (hurry[:, target:] <= 1.0).all()
    assert (hurry[:, announced:target] > 1.0).any()
    assert not (results.tables.reason[:, :, t] == Reason.ENDED_DEADLINE).any()
    assert talks.summaries(results.tables)["farc"]["deadline"] == "target 2016-03 (missing it ends nothing)"


def test_records_summarise_the_state(zone_path: tuple) -> None:
    engine, batch = zone_path
    rec, st, world = batch.records, batch.state, engine.arrays
    cartel = world.is_cartel > 0
    armed = st.members.sum(axis=2) + st.sanctuary + st.relocated.sum(axis=2)  # in the country, sanctuary, abroad
    total = armed + st.support.sum(axis=2)
    last = -1
    np.testing.assert_allclose(rec.group_members[:, last], total)
    np.testing.assert_allclose(rec.group_sanctuary[:, last], st.sanctuary)
    np.testing.assert_allclose(rec.group_armed[:, last], armed)
    np.testing.assert_allclose(rec.group_support[:, last], st.support.sum(axis=2))
    np.testing.assert_allclose(rec.group_resources[:, last], st.resources)
    np.testing.assert_allclose(rec.ex_combatants[:, last], st.ex_combatants.sum(axis=1))
    np.testing.assert_allclose(rec.ceasefire_violations[:, last], st.actions[:, :, 1].sum(axis=1))
    np.testing.assert_array_equal(rec.group_phase[:, last], st.phase)
    np.testing.assert_allclose(rec.armed_group_members[:, last], total[:, ~cartel].sum(axis=1))
    np.testing.assert_array_equal(rec.agreements_signed[:, last], st.signed.sum(axis=1))
    talking = np.vectorize(tables_.bargaining)(st.phase) | (st.phase == Phase.FINAL_AGREEMENT)
    np.testing.assert_array_equal(rec.groups_in_talks[:, last], talking.sum(axis=1))
    np.testing.assert_allclose(rec.security_cohesion[:, last], st.cohesion)
    np.testing.assert_allclose(rec.coca_ha[:, last], st.coca.sum(axis=1))
    population = world.population
    np.testing.assert_allclose(rec.state_control_share[:, last],
                               (st.control[..., -1] * population).sum(axis=1) / population.sum())
    # Per-run sums of the territory series and counts over the batch's runs.
    np.testing.assert_allclose(rec.homicides.sum(axis=0), rec.territory_homicides.sum(axis=1))
    np.testing.assert_allclose(rec.territory_state_control[last], st.control[..., -1].sum(axis=0))
    leader = st.control.argmax(axis=2)
    np.testing.assert_array_equal(rec.dominant_count[last],
                                  (leader[:, :, None] == np.arange(world.members.size + 1)).sum(axis=0))
    assert np.all(rec.zone_count.sum(axis=2) == len(batch.runs))
    owned = (leader[:, :, None] == np.arange(world.members.size)).sum(axis=1)
    np.testing.assert_array_equal(rec.group_territories[:, last], owned)
    assert np.all(rec.combat_deaths >= rec.security_forces_killed)
    np.testing.assert_allclose(rec.homicide_rate, rec.homicides / population.sum() * 1e5)



def test_compiled_cache_follows_every_compiled_source(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """numba does not notice that a function inlined from another file changed: the cache folder is keyed on all of
    model/ and engine/, so an edit anywhere there gets a fresh folder, and old folders beyond a few are removed."""
    import shutil

    import numba

    from totalpeace.engine import compiled_cache

    package = tmp_path / "totalpeace"
    for folder in compiled_cache.COMPILED_SOURCES:
        shutil.copytree(compiled_cache.PACKAGE / folder, package / folder, ignore=shutil.ignore_patterns("__pycache__"))
    before = compiled_cache.compiled_digest(package)
    strength = package / "model" / "strength.py"
    strength.write_text(strength.read_text().replace("MAX_MONTHLY_LOSS = 0.2", "MAX_MONTHLY_LOSS = 0.3"))
    edited = compiled_cache.compiled_digest(package)
    assert edited != before
    (package / "scenario").mkdir()
    (package / "scenario" / "schema.py").write_text("# not compiled")
    assert compiled_cache.compiled_digest(package) == edited
    (package / "scenario" / "params.py").write_text("# the registry: the layout of the parameter tuple")
    assert compiled_cache.compiled_digest(package) != edited

    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    root = compiled_cache.cache_root(package)
    for i in range(compiled_cache.KEEP + 2):
        (root / f"old-{i}").mkdir(parents=True)
    folder = compiled_cache.configure(package)
    assert folder == root / compiled_cache.compiled_digest(package) and str(folder) == numba.config.CACHE_DIR
    assert len([p for p in root.iterdir() if p.name.startswith("old-")]) == compiled_cache.KEEP
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    assert compiled_cache.configure(package) is None  # the user's choice wins


def test_a_first_compilation_is_announced(tmp_path, monkeypatch: pytest.MonkeyPatch, cli) -> None:
    """The first simulation of a code version compiles for minutes: the commands say so before their bar starts,
    and only while numba's index of the month is missing from the cache folder."""
    import numba

    from totalpeace.engine import compiled_cache

    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path / "cache"))
    assert compiled_cache.needs_compiling()
    index = tmp_path / "cache" / "engine_0123" / "month.step_run-95.py311.nbi"
    index.parent.mkdir(parents=True)
    (index.parent / "month.group_totals-70.py311.nbi").write_bytes(b"")  # part of the month, not yet its entry point
    assert compiled_cache.needs_compiling()
    index.write_bytes(b"")
    assert not compiled_cache.needs_compiling()

    monkeypatch.setattr(compiled_cache, "needs_compiling", lambda: True)
    code, _, err = cli("run", "colombia-2022", "--runs", "2", "--months", "2", "--out", str(tmp_path / "out"))
    assert code == 0 and compiled_cache.COMPILING_NOTE in " ".join(err.split())
    monkeypatch.setattr(compiled_cache, "needs_compiling", lambda: False)
    code, _, err = cli("run", "colombia-2022", "--runs", "2", "--months", "2", "--out", str(tmp_path / "again"))
    assert code == 0 and "compiles the model" not in err


def test_ordinary_crime_is_set_at_the_start_and_follows_the_state(flagship: totalpeace.Scenario) -> None:
    """Month 0 sets ordinary crime within the observed counts (at least the floor everywhere, no more than the observed
    national total) and remembers the state's control; `ordinary_state_effect` leaves month 0 as it is and moves the
    later months only through the change of that control."""
    engine = build_engine(flagship, 12, draws=central(0.3))
    batch = engine.start(np.arange(1))
    engine.advance(batch, 1, 0, 12)
    observed = engine.arrays.homicides_observed
    base = batch.state.hom_base[0]
    assert np.all(base >= violence.BASELINE_FLOOR * observed - 1e-9)
    assert base.sum() <= observed.sum()
    assert np.all((batch.state.hom_control0 >= 0.0) & (batch.state.hom_control0 <= 1.0))
    assert not np.array_equal(batch.state.hom_control0[0], batch.state.control[0, :, -1])  # control has moved
    held = totalpeace.load_scenario("colombia-2022", ["parameters.ordinary_state_effect=0"])
    still = build_engine(held, 12, draws=central(0.3)).run(1, np.arange(1))
    np.testing.assert_array_equal(still.homicides[:, 0], batch.records.homicides[:, 0])
    assert not np.array_equal(still.homicides[:, 11], batch.records.homicides[:, 11])


def test_ordinary_crime_drifts_nationally_and_by_territory() -> None:
    """The drifts of ordinary crime (docs/model.md 7.10): every run carries one national walk and one walk per
    territory, drawn in the first month around the yearly counts (`crime_drift_start_months` steps) and stepping
    every month after, so their spread follows v_0 plus the months; at the central draws both stay at 0; with both
    steps at 0 the homicides are those of a model without them, and with v_0 = 0 the first month is that model's.
    The territories' pull toward the nation's rate is held at 0 here (tests/test_crime_reversion.py tests it)."""
    flagship = totalpeace.load_scenario("colombia-2022", ["parameters.crime_reversion=0"])
    months, runs = 25, 400
    engine = build_engine(flagship, months)
    batch = engine.start(np.arange(runs))
    engine.advance(batch, 7, 0, months)
    national, regional = batch.state.crime_drift, batch.state.regional_drift
    p = flagship.parameters
    steps = p.crime_drift_start_months + months - 1  # v_0 in the first month, one step a month after
    assert p.crime_drift_start_months > 10  # the flagship starts eight months after the year its counts cover
    assert national.std() == pytest.approx(p.crime_drift_sd * np.sqrt(steps), rel=0.15)
    assert regional.std() == pytest.approx(p.regional_crime_drift_sd * np.sqrt(steps), rel=0.05)
    assert abs(np.corrcoef(regional[:, 0], regional[:, 1])[0, 1]) < 0.2  # territories drift apart
    assert len(np.unique(regional[0])) == regional.shape[1]
    first = engine.start(np.arange(runs))
    engine.advance(first, 7, 0, 1)
    assert first.state.regional_drift.std() == pytest.approx(
        p.regional_crime_drift_sd * np.sqrt(p.crime_drift_start_months), rel=0.05)
    central_engine = build_engine(flagship, 4, draws=central(0.3))
    central_batch = central_engine.start(np.arange(1))
    central_engine.advance(central_batch, 1, 0, 4)
    assert not central_batch.state.crime_drift.any() and not central_batch.state.regional_drift.any()
    held = totalpeace.load_scenario("colombia-2022", ["parameters.crime_drift_sd=0",
                                                      "parameters.regional_crime_drift_sd=0",
                                                      "parameters.crime_reversion=0"])
    drifting, still = engine.run(7, np.arange(3)), build_engine(held, months).run(7, np.arange(3))
    assert not np.array_equal(drifting.homicides[:, 0], still.homicides[:, 0])
    assert not np.array_equal(drifting.homicides[:, 1:], still.homicides[:, 1:])
    at_count = totalpeace.load_scenario("colombia-2022", ["parameters.crime_drift_start_months=0",
                                                          "parameters.crime_reversion=0"])
    np.testing.assert_array_equal(build_engine(at_count, months).run(7, np.arange(3)).homicides[:, 0],
                                  still.homicides[:, 0])
    np.testing.assert_array_equal(drifting.armed_group_members, still.armed_group_members)  # only crime drifts


def test_rival_lethality_scales_the_dead_not_the_members() -> None:
    """Only a share rival_lethality of the members lost to rivals are killed: combat deaths are linear in it, the
    members each group loses (and so every group's strength) do not move."""
    runs = [totalpeace.simulate(totalpeace.load_scenario("colombia-2022", [f"parameters.rival_lethality={lam}"]),
                                runs=2, seed=1, months=6).national for lam in (0.0, 0.5, 1.0)]
    np.testing.assert_array_equal(runs[0]["armed_group_members"], runs[2]["armed_group_members"])
    rivals = runs[2]["combat_deaths"] - runs[0]["combat_deaths"]
    assert rivals.sum() > 0
    np.testing.assert_allclose(runs[1]["combat_deaths"] - runs[0]["combat_deaths"], 0.5 * rivals, atol=1e-9)


def test_the_counterinsurgent_flag_changes_only_who_dies_in_its_wars() -> None:
    """colombia-1998's AUC is counterinsurgent: its wars kill counterinsurgent_lethality of the members they cost.
    With that lethality equal to rival_lethality the flag changes nothing; raised, it adds deaths between groups in
    proportion and leaves every group's members where they were."""
    def national(*sets: str) -> dict[str, np.ndarray]:
        scenario = totalpeace.load_scenario("colombia-1998", ["parameters.rival_lethality=0.1", *sets])
        return totalpeace.simulate(scenario, runs=2, seed=1, months=6).national
    flagged = national("parameters.counterinsurgent_lethality=0.1")
    plain = national("parameters.counterinsurgent_lethality=0.1", "groups.auc.counterinsurgent=false")
    for metric in ("non_state_deaths", "combat_deaths", "homicides", "armed_group_members"):
        np.testing.assert_array_equal(flagged[metric], plain[metric])
    half, full = (national(f"parameters.counterinsurgent_lethality={lam}") for lam in (0.3, 0.5))
    np.testing.assert_array_equal(half["armed_group_members"], flagged["armed_group_members"])
    np.testing.assert_array_equal(full["armed_group_members"], flagged["armed_group_members"])
    added = full["non_state_deaths"] - flagged["non_state_deaths"]
    assert added.sum() > 0
    np.testing.assert_allclose(half["non_state_deaths"] - flagged["non_state_deaths"], 0.5 * added, atol=1e-9)


def test_the_trend_starts_from_the_scenario_and_follows_members() -> None:
    """Each group's trend starts at the scenario's observed growth of its members (the FARC's decline 2002-2012 in
    colombia-2012, 0 where none is given), then moves by 1 / trend_memory_months of each month's log growth."""
    scenario = totalpeace.load_scenario("colombia-2012")
    engine = build_engine(scenario, 2, draws=central(0.3))
    farc = engine.world.group_ids.index("farc")
    start = engine.arrays.members_trend
    assert start[farc] == scenario.groups["farc"].members_trend < 0
    assert start[engine.world.group_ids.index("clan_del_golfo")] == 0.0
    batch = engine.start(np.arange(1))
    np.testing.assert_array_equal(batch.state.trend[0], start)
    totals = []
    for month in range(2):
        st = batch.state
        totals.append(st.members[0].sum(axis=1) + st.sanctuary[0] + st.relocated[0].sum(axis=1)
                      + st.support[0].sum(axis=1))
        engine.advance(batch, 1, month, month + 1)
    after = batch.state.members[0].sum(axis=1) + batch.state.sanctuary[0] + batch.state.relocated[0].sum(axis=1) \
        + batch.state.support[0].sum(axis=1)
    w = 1.0 / engine.p.trend_memory_months
    expected = (1 - w) * ((1 - w) * start[farc] + w * np.log(totals[1][farc] / totals[0][farc])) \
        + w * np.log(after[farc] / totals[1][farc])
    assert batch.state.trend[0, farc] == pytest.approx(expected, rel=1e-9)


HOLDER = """
import fcntl, pathlib, sys
folder = pathlib.Path(sys.argv[1]); folder.mkdir(parents=True, exist_ok=True)
handle = open(folder / sys.argv[2], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
if sys.stdin.readline().strip() == "compiled":
    index = folder / "engine_0123" / "month.step_run-95.py311.nbi"
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_bytes(b"")
"""


def test_processes_started_together_compile_the_model_once(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process that finds another one compiling this code version waits for it and then loads its code instead of
    compiling it again; one that finds the lock free, or left by a process that died while compiling, compiles."""
    import subprocess
    import sys
    import threading

    import numba

    from totalpeace.engine import compiled_cache

    folder = tmp_path / "cache"
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(folder))
    with compiled_cache.compiling_once() as compiling:
        assert compiling  # nothing compiled, nobody compiling
    (tmp_path / "a-file").write_text("")
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path / "a-file" / "cache"))
    with compiled_cache.compiling_once() as compiling:
        assert compiling  # no folder for a lock: compile without one (numba says why it cannot keep the code)
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(folder))

    def waiting_for(holder: subprocess.Popen) -> tuple[threading.Thread, list[bool]]:
        assert holder.stdout.readline().strip() == "locked"
        seen: list[bool] = []

        def enter() -> None:
            with compiled_cache.compiling_once() as compiling:
                seen.append(compiling)

        thread = threading.Thread(target=enter)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive() and not seen  # waits while the other process holds the lock
        return thread, seen

    for ending, expected in (("killed", True), ("compiled", False)):
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder), compiled_cache.LOCK],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        thread, seen = waiting_for(holder)
        if ending == "killed":
            holder.kill()
            holder.wait(timeout=30)
        else:
            holder.communicate("compiled\n", timeout=30)
        thread.join(30)
        assert seen == [expected]  # loads the other's code, or compiles where the other died without finishing
    assert not compiled_cache.needs_compiling()


def test_compiling_the_month_leaves_the_engines_runs_as_they_were(flagship: totalpeace.Scenario, tmp_path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine compiles the month by running one run's first month and dropping it: its runs are the same bytes
    as an engine that did not."""
    import numba

    from totalpeace.engine import compiled_cache
    from totalpeace.engine.runner import Engine

    plain = build_engine(flagship, 6).run(1, np.arange(3))
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(compiled_cache, "needs_compiling", lambda: True)
    calls: list[tuple[int, int]] = []
    advance = Engine.advance
    monkeypatch.setattr(Engine, "advance", lambda self, batch, seed, first, last, threads=1: (
        calls.append((first, last)), advance(self, batch, seed, first, last, threads))[1])
    engine = build_engine(flagship, 6)
    assert calls == [(0, 1)]  # the month compiled (here: loaded) with one run's first month
    compiled = engine.run(1, np.arange(3))
    for name in plain._fields:
        np.testing.assert_array_equal(getattr(compiled, name), getattr(plain, name), err_msg=name)
