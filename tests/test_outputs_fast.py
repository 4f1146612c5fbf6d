"""The ensemble's files are written fast but say the same: the tidy frame built as one Arrow table, the CSV written by
Arrow, the summary computed once and the audit's labels looked up per code (docs/performance.md, "The command
line's own cost")."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from totalpeace import load_scenario, simulate
from totalpeace.engine.results import FLOWS, GROUP_SERIES, STOCKS
from totalpeace.model.tables.issues import VETO_PLAYERS, Phase
from totalpeace.report.exports import csv_bytes, write_csv
from totalpeace.talks import reason_name


@pytest.fixture(scope="module")
def results():
    return simulate(load_scenario("colombia-2022"), runs=6, seed=5, months=14, first_run=3)


def series_by_series(results) -> pd.DataFrame:
    """The tidy frame as its definition reads: a block per national metric over every run, then per group that
    existed and series, a block over the runs in which the group existed."""
    labels = results.month_labels()
    rows = []
    for name in (*FLOWS, *STOCKS):
        for r, run in enumerate(results.run_ids):
            values = results.national[name][r]
            rows += [(int(run), labels[m], name, "", float(values[m])) for m in range(results.months)]
    members = results.groups["group_members"]
    for g in results.active_groups():
        for name in (n for n in GROUP_SERIES if n in results.groups):
            for r, run in enumerate(results.run_ids):
                if (members[r, :, g] > 0.5).any():
                    rows += [(int(run), labels[m], name.removeprefix("group_"), results.group_ids[g],
                              float(results.groups[name][r, m, g])) for m in range(results.months)]
    return pd.DataFrame(rows, columns=["run", "month", "metric", "group", "value"])


def test_the_tidy_frame_is_its_definition(results):
    frame = results.frame()
    pd.testing.assert_frame_equal(frame, series_by_series(results), check_exact=True, check_dtype=False)
    assert str(frame["month"].dtype) == str(pd.Series(["a"]).dtype)  # text columns are text, not categories
    assert frame["run"].dtype == np.int64 and frame["value"].dtype == np.float64
    assert results.frame_table().num_rows == len(frame)


def test_csv_reads_back_as_pandas_writes_it(results):
    frame = results.frame()
    frame.loc[3, "value"] = np.nan  # an empty field, as pandas writes NaN
    frame.loc[4, "value"] = 1.5e-7
    text = csv_bytes(frame)
    assert text.splitlines()[0] == b"run,month,metric,group,value"  # the header as pandas writes it, unquoted
    ours = pd.read_csv(io.BytesIO(text), keep_default_na=False, na_values=[""])
    theirs = pd.read_csv(io.StringIO(frame.to_csv(index=False)), keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(ours, theirs, check_exact=True)
    assert text.splitlines()[4].endswith(b",") and len(text.splitlines()) == len(frame) + 1
    # the dictionary-encoded table the command writes gives the same text as its frame
    assert csv_bytes(results.frame_table()) == csv_bytes(results.frame())


def test_csv_falls_back_to_pandas_where_arrow_would_change_the_text(tmp_path):
    quoted = pd.DataFrame({"name": ["Clan del Golfo, AGC", 'the "ELN"', "two\nlines"], "value": [1.0, 2.5, np.nan]})
    flags = pd.DataFrame({"group": ["eln", "emc"], "signed": [True, False]})
    for frame in (quoted, flags):
        assert csv_bytes(frame) == frame.to_csv(index=False).encode("utf-8")
        write_csv(frame, tmp_path / "out.csv")
        assert (tmp_path / "out.csv").read_bytes() == frame.to_csv(index=False).encode("utf-8")


def test_summary_is_computed_once_and_each_call_is_a_fresh_copy(results, monkeypatch):
    first = results.summary()
    first["metrics"].clear()  # a caller changing its copy changes no one else's
    monkeypatch.setattr(type(results), "_summary", lambda self: pytest.fail("computed twice"))
    again = results.summary()
    assert again["metrics"] and again == results.summary()
    fresh = simulate(load_scenario("colombia-2022"), runs=6, seed=5, months=14, first_run=3)
    monkeypatch.undo()
    assert fresh.summary() == again


def test_audit_labels_are_the_codes_names(results):
    frame = results.audit_frame()
    tables = results.tables
    assert len(frame) > 0
    for t, gid in enumerate(tables.groups):
        rows = frame[frame["table"] == gid]
        if rows.empty:
            continue
        runs = np.searchsorted(results.run_ids, rows["run"].to_numpy())
        months = np.searchsorted(results.month_labels(), rows["month"].to_numpy())
        phases = tables.phase[runs, months, t]
        reasons = tables.reason[runs, months, t]
        assert list(rows["phase"]) == [Phase(int(v)).name.lower() for v in phases]
        assert list(rows["reason"]) == [reason_name(v) for v in reasons]
        assert set(rows["veto_player"]) <= {"", *VETO_PLAYERS}
