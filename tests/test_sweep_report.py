"""The sweep's report.html: design, distributions by year over points, scatters against factors, provenance."""

from __future__ import annotations

import errno
import os
import re

import pytest

from totalpeace.report import pdf
from totalpeace.report.differences import number

SPEC = """name = "sweep-report"
scenario = "colombia-2022"
design = "latin_hypercube"
samples = 3
replications = 2
seed = 4
months = 14
outcomes = ["homicide_rate", "armed_group_members", "state_control_share"]
[levers."policy.decriminalization"]
low = 0.0
high = 1.0
[levers."policy.talks.mode"]
values = ["none", "phased"]
[uncertainties."international.venezuela.host_tolerance"]
low = 0.5
high = 1.0
"""
OUTCOMES = ("homicide_rate", "armed_group_members", "state_control_share")
FACTORS = ("policy.decriminalization", "policy.talks.mode", "international.venezuela.host_tolerance")


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """Run the sweep once through the CLI (with --pdf when a browser exists); return (store, report folder, log)."""
    import sys

    from totalpeace.cli import main

    folder = tmp_path_factory.mktemp("sweep")
    spec = folder / "sweep-report.toml"
    spec.write_text(SPEC, encoding="utf-8")
    store = folder / "store"
    args = ["totalpeace", "sweep", str(spec), "--store", str(store), "--workers", "1"]
    if pdf.find_chromium() is not None:
        args.append("--pdf")
    old = sys.argv
    sys.argv = args
    try:
        main()
    except SystemExit as exc:
        assert not exc.code
    finally:
        sys.argv = old
    return store, folder / "sweep-report-sweep"


@pytest.fixture(scope="module")
def page(swept) -> str:
    return (swept[1] / "report.html").read_text(encoding="utf-8")


def _section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    end = page.find("<h2", start)
    return page[start:end if end > 0 else None]


def test_design_section(page):
    design = _section(page, "design")
    assert "<td>design points</td><td>3</td>" in design and "<td>replications per point</td><td>2</td>" in design
    assert "<td>runs finished / failed</td><td>6 / 0</td>" in design
    for factor in FACTORS:
        assert f"<td>{factor}</td>" in design
    assert "values none, phased" in design and "0 to 1 (uniform)" in design


def test_every_chart_and_the_headline_numbers(page, swept):
    from totalpeace.experiments import ResultsStore

    for outcome in OUTCOMES:
        assert re.search(f'id="chart-dist-{outcome}"><svg', page), outcome
        assert re.search(f'id="chart-scatter-{outcome}"><svg', page), outcome
    scatter = _section(page, "factors")
    assert all(factor in scatter for factor in FACTORS) and "Spearman" in scatter
    means = ResultsStore(swept[0]).experiments_frame("sweep-report", year=2023).groupby("point")["homicide_rate"].mean()
    q = means.quantile([0.1, 0.5, 0.9])
    headline = _section(page, "headline")
    assert (f"in 2023: median over design points {number(q[0.5])}, 80% of points between {number(q[0.1])} and "
            f"{number(q[0.9])}") in headline
    assert "3 design points (latin_hypercube) x 2 replications: 6 runs finished, 0 failed" in headline


def test_provenance_and_offline(page, swept):
    from totalpeace import __version__
    from totalpeace.experiments import ResultsStore

    meta = ResultsStore(swept[0]).experiment("sweep-report")
    provenance = _section(page, "provenance")
    assert 'id="table-provenance"' in provenance and meta["base_scenario_sha256"] in provenance
    assert meta["fingerprint"] in provenance and "<td>seed</td><td>4</td>" in provenance
    assert __version__ in provenance and 'id="spec"' in provenance and "host_tolerance" in provenance
    assert "<script" not in page and "<link" not in page and not re.search(r'(src|href)="https?:', page)


def test_sweep_pdf(swept):
    if pdf.find_chromium() is None:
        pytest.skip("no Chromium to print with")
    assert (swept[1] / "report.pdf").read_bytes()[:5] == b"%PDF-"


def test_pdf_without_browser_fails_before_running(cli, write, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    code, _, err = cli("sweep", str(write("s.toml", SPEC)), "--store", str(tmp_path / "st"), "--pdf")
    assert code == 2 and "--pdf: no Chromium found" in err
    assert not (tmp_path / "st" / "experiments" / "sweep-report").exists()


def test_a_report_without_pdf_leaves_no_stale_pdf(cli, swept, tmp_path):
    """A report.pdf of an earlier --pdf would describe other results beside the new report.html."""
    out = tmp_path / "again"
    out.mkdir()
    (out / "report.pdf").write_text("an earlier --pdf")
    code, _, err = cli("sweep", "sweep-report", "--store", str(swept[0]), "--resume", "--workers", "1", "--out",
                       str(out))
    assert code == 0, err
    assert (out / "report.html").is_file() and not (out / "report.pdf").exists()


def test_a_sweep_whose_runs_all_fail_leaves_no_earlier_report(cli, write, tmp_path, monkeypatch):
    """With every run failed there is no report to write, and an earlier sweep's report.html and report.pdf, beside
    the store's new (failed) runs, would describe other results: they are removed, and the sweep says why there is
    no report and exits 1."""
    import totalpeace.experiments.worker as worker

    out = tmp_path / "out"
    out.mkdir()
    for name in ("report.html", "report.pdf"):
        (out / name).write_text("an earlier sweep's")

    def fails(*args, **kwargs):
        raise ValueError("every run fails")

    monkeypatch.setattr(worker, "simulate", fails)
    code, _, err = cli("sweep", str(write("s.toml", SPEC)), "--store", str(tmp_path / "st"), "--workers", "1",
                       "--out", str(out))
    err = " ".join(err.split())
    assert code == 1 and "6 of 6 runs failed (ValueError: every run fails)" in err, err
    assert f"No report written to {out}: every run failed" in err
    assert not (out / "report.html").exists() and not (out / "report.pdf").exists()


def test_an_earlier_report_stays_only_while_it_describes_the_store(cli, write, tmp_path):
    """A sweep that runs anything removes the earlier report.html and report.pdf of its folder (also the default
    NAME-sweep under --no-report) before its first run, and says so; a sweep stopped by a check, or resumed with
    every run stored, changes no result and keeps them."""
    spec = str(write("s.toml", SPEC.replace("months = 14", "months = 2")))
    store, folder = str(tmp_path / "st"), tmp_path / "sweep-report-sweep"
    code, _, err = cli("sweep", spec, "--store", store, "--workers", "1")
    assert code == 0, err
    (folder / "report.pdf").write_text("an earlier --pdf")
    earlier = (folder / "report.html").read_bytes()

    code, _, err = cli("sweep", spec, "--store", store, "--workers", "1", "--no-report")
    assert code == 2 and "already in the store" in err
    code, out, err = cli("sweep", spec, "--store", store, "--workers", "1", "--resume", "--no-report")
    assert code == 0 and "0 new, 6 already stored" in out, err
    assert "Removed" not in err and (folder / "report.html").read_bytes() == earlier
    assert (folder / "report.pdf").is_file()

    code, out, err = cli("sweep", spec, "--store", store, "--workers", "1", "--replace", "--no-report")
    assert code == 0 and "6 new, 0 already stored" in out, err
    assert not (folder / "report.html").exists() and not (folder / "report.pdf").exists()
    assert f"Removed the earlier report in {folder} (report.html, report.pdf): it would describe other runs" in \
        " ".join(err.split())


def test_an_interrupted_sweep_leaves_no_earlier_report(cli, write, tmp_path, monkeypatch):
    """Ctrl-C after the first run: the store holds a run of this sweep and no report is written, so the earlier
    one, which would describe other runs, is gone already."""
    import totalpeace.experiments.worker as worker
    from totalpeace.experiments import ResultsStore

    out = tmp_path / "out"
    out.mkdir()
    for name in ("report.html", "report.pdf"):
        (out / name).write_text("an earlier sweep's")
    real, calls = worker.simulate, []

    def interrupted_after_one(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(worker, "simulate", interrupted_after_one)
    code, _, err = cli("sweep", str(write("s.toml", SPEC.replace("months = 14", "months = 2"))), "--store",
                       str(tmp_path / "st"), "--workers", "1", "--chunk", "1", "--flush-every", "0", "--out", str(out))
    assert code == 130 and "interrupted: finished runs are in" in err, err
    assert not (out / "report.html").exists() and not (out / "report.pdf").exists()
    assert len(ResultsStore(tmp_path / "st").runs("sweep-report")) == 1


def test_the_compiling_note_waits_for_the_input_checks(cli, swept, write, tmp_path, monkeypatch):
    """The note that the first simulation compiles the model is printed once the checks have passed and runs are
    to be done: not for a sweep refused by a check, nor for a resume with every run stored."""
    from totalpeace.engine import compiled_cache

    monkeypatch.setattr(compiled_cache, "needs_compiling", lambda: True)
    spec = str(write("sweep-report.toml", SPEC))
    code, _, err = cli("sweep", spec, "--store", str(swept[0]), "--workers", "1")
    assert code == 2 and "already in the store" in err
    assert "compiles the model" not in err and "runs/s" not in err  # nor a progress bar: it starts with the runs
    code, _, err = cli("sweep", "sweep-report", "--store", str(swept[0]), "--workers", "1", "--resume", "--no-report")
    assert code == 0, err
    assert "compiles the model" not in err
    code, _, err = cli("sweep", str(write("short.toml", SPEC.replace("months = 14", "months = 2"))), "--store",
                       str(tmp_path / "st"), "--workers", "1", "--no-report")
    assert code == 0 and compiled_cache.COMPILING_NOTE in " ".join(err.split()), err
    assert "6/6 runs" in err


def _sweep_with_a_report(cli, write, tmp_path):
    """A 6-run sweep (2 months) whose report is in the default folder; return (spec, store, folder)."""
    spec = str(write("s.toml", SPEC.replace("months = 14", "months = 2")))
    store, folder = str(tmp_path / "st"), tmp_path / "sweep-report-sweep"
    code, _, err = cli("sweep", spec, "--store", store, "--workers", "1")
    assert code == 0 and (folder / "report.html").is_file(), err
    return spec, store, folder


def _runs(store):
    from totalpeace.experiments import ResultsStore

    return ResultsStore(store).runs("sweep-report").sort_values(["point", "run"], ignore_index=True)


def test_a_report_that_cannot_be_removed_stops_the_sweep_before_any_run(cli, write, tmp_path, monkeypatch):
    """--no-report with runs to do in the default NAME-sweep folder, whose earlier report cannot be removed (a
    read-only folder; the refusal is simulated here, so that the test also runs as root): one message naming the
    report and the problem, exit 2, before any run. --replace deleted nothing, the report is untouched; a --resume
    with every run stored has nothing to remove and runs as before."""
    import pathlib

    spec, store, folder = _sweep_with_a_report(cli, write, tmp_path)
    report, before = folder / "report.html", _runs(store)
    earlier = report.read_bytes()
    real = pathlib.Path.unlink

    def refused(self, *args, **kwargs):
        if self.parent == folder:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "unlink", refused)
    code, out, err = cli("sweep", spec, "--store", store, "--workers", "1", "--replace", "--no-report")
    said = " ".join(err.split())
    assert code == 2 and "Traceback" not in err and "internal error" not in err, err
    assert f"error: {report}: cannot remove this earlier report (Permission denied)" in said
    assert f"make {folder} writable, or move the report away, then run the sweep again (no run was started)" in said
    assert report.read_bytes() == earlier and _runs(store).equals(before)
    code, out, err = cli("sweep", spec, "--store", store, "--workers", "1", "--resume", "--no-report")
    assert code == 0 and "0 new, 6 already stored" in out, err
    assert report.read_bytes() == earlier


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not stop root from removing files; the test above "
                    "simulates the refusal")
def test_a_read_only_report_folder_stops_the_sweep_before_any_run(cli, write, tmp_path):
    """The same with a folder made read-only with chmod."""
    spec, store, folder = _sweep_with_a_report(cli, write, tmp_path)
    before, mode = _runs(store), folder.stat().st_mode
    folder.chmod(0o555)
    try:
        code, _, err = cli("sweep", spec, "--store", store, "--workers", "1", "--replace", "--no-report")
    finally:
        folder.chmod(mode)
    said = " ".join(err.split())
    assert code == 2 and "Traceback" not in err, err
    assert f"{folder / 'report.html'}: cannot remove this earlier report (Permission denied)" in said
    assert "(no run was started)" in said and (folder / "report.html").is_file() and _runs(store).equals(before)


def test_a_file_where_the_default_report_folder_would_be_holds_no_report(cli, write, tmp_path):
    """--no-report beside a file named like the default NAME-sweep folder: there is no earlier report to remove
    (it was an internal error, NotADirectoryError), and the file is left alone."""
    spec = str(write("s.toml", SPEC.replace("months = 14", "months = 2")))
    (tmp_path / "sweep-report-sweep").write_text("not a folder")
    code, out, err = cli("sweep", spec, "--store", str(tmp_path / "st"), "--workers", "1", "--no-report")
    assert code == 0 and "6 new, 0 already stored" in out, err
    assert (tmp_path / "sweep-report-sweep").read_text() == "not a folder"
