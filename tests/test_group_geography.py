"""The groups' geography tool (tools/group_geography.py, docs/validation.md 10.63): the share of each group's members
in an observation's departments, at the start and later, measured on the engine's own months."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from support import TOOLS, load_tool

from totalpeace import load_scenario


def test_shares_are_of_each_groups_own_members() -> None:
    tool = load_tool("group_geography")
    members = np.array([[3.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    inside = np.array([True, False, False])
    share = tool.shares(members, inside)
    assert share[0] == 0.75 and np.isnan(share[1])


def test_the_eln_starts_in_the_former_farc_departments_and_without_recruits_shrinks_there() -> None:
    tool = load_tool("group_geography")
    base = ["parameters.calibration=colombia-patterns"]
    table, snapshots, names = tool.geography(load_scenario("colombia-2012", base), "2013-10", 4, 1,
                                             "former_farc_departments")
    assert 0.78 <= table.loc["eln", "share at the start"] <= 0.84  # docs/validation.md 10.63: 0.81
    assert sorted(snapshots) == [0, 12] and len(names) == 33
    assert ((table.filter(like="share") >= 0) | table.filter(like="share").isna()).all().all()
    idle = tool.geography(load_scenario("colombia-2012", [*base, "parameters.recruitment_rate=0",
                                                          "parameters.forced_recruitment_rate=0"]),
                          "2013-10", 4, 1, "former_farc_departments")[0]
    assert idle.loc["eln", "members 2013-10"] < idle.loc["eln", "members at the start"]
    assert table.loc["eln", "members 2013-10"] > idle.loc["eln", "members 2013-10"]


def test_bad_flags_get_a_clear_error_naming_the_flag() -> None:
    tool = [sys.executable, str(TOOLS / "group_geography.py"), "--runs", "2", "--month", "2013-01"]
    for flag, message in ((["--group", "nope"], "--group: no group 'nope' in colombia-2012 (its groups: farc, eln"),
                          (["--observation", "nope"], "--observation: no observation 'nope'"),
                          (["--set", "parameters.movement_rate=-1"], "parameters.movement_rate")):
        done = subprocess.run([*tool, *flag], capture_output=True, text=True)
        assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
