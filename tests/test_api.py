"""The dashboard's JSON API through FastAPI's TestClient: every endpoint, success and errors."""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from fastapi.testclient import TestClient
from support import process_alive

from totalpeace import load_scenario, simulate, simulate_uncertain
from totalpeace.engine.results import REQUIRED
from totalpeace.server.app import create_app

SMALL = {"scenario": "colombia-2022", "runs": 6, "months": 6, "seed": 4}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(store=tmp_path_factory.mktemp("store"), workers=1)
    with TestClient(app, base_url="http://localhost") as c:
        yield c


def wait(client: TestClient, run_id: str, until: tuple[str, ...] = ("done", "failed", "cancelled"),
         timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/api/runs/{run_id}").json()
        if status["status"] in until:
            return status
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} still {status['status']} after {timeout} s")


@pytest.fixture(scope="module")
def baseline(client):
    run = client.post("/api/runs", json={**SMALL, "label": "baseline"})
    assert run.status_code == 202, run.text
    assert wait(client, run.json()["id"])["status"] == "done"
    return run.json()["id"]


@pytest.fixture(scope="module")
def variant(client):
    body = {**SMALL, "label": "no talks", "levers": {"talks_mode": "none", "security_buy_in": 0.3}}
    run = client.post("/api/runs", json=body)
    assert run.status_code == 202, run.text
    assert wait(client, run.json()["id"])["status"] == "done"
    return run.json()["id"]


def test_scenarios(client):
    listed = client.get("/api/scenarios").json()
    assert "colombia-2022" in [s["name"] for s in listed]
    info = client.get("/api/scenarios/colombia-2022").json()
    assert info["values"]["talks_mode"] == "simultaneous" and info["values"]["host_tolerance"]["venezuela"] == 0.9
    assert "eln" in info["choices"]["table_groups"] and "zone" in info["choices"]["concession_kinds"]
    assert info["values"]["deadlines"]["eln"] is None  # the flagship's tables have no deadline
    assert info["values"]["offers"]["eln"] == {} and "extradition" in info["choices"]["agenda"]["eln"]
    assert info["choices"]["agenda"]["eln"]["legal_treatment"] == 0.85  # the political track's legal ceiling
    assert "political_participation" not in info["choices"]["agenda"]["clan_del_golfo"]  # not a political group


@pytest.mark.parametrize("name", ["nope", "..%2F..%2Fetc%2Fpasswd", "colombia-2022.toml"])
def test_unknown_scenario_is_404(client, name):
    response = client.get(f"/api/scenarios/{name}")
    assert response.status_code == 404 and response.json()["error"]  # never a file read


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"levers": {"decriminalization": 2}}, 422, "levers.decriminalization"),
    ({"levers": {"talks_mode": "sometimes"}}, 422, "levers.talks_mode"),
    ({"levers": {"fireworks": 1}}, 422, "levers.fireworks"),
    ({"levers": {"ceasefires": [{"group": "nobody"}]}}, 422, "levers.ceasefires[0].group"),
    ({"levers": {"talks_order": ["eln", "ghosts"]}}, 422, "levers.talks_order"),
    ({"levers": {"host_tolerance": {"atlantis": 0.5}}}, 422, "levers.host_tolerance.atlantis"),
    ({"levers": {"guarantors": {"norway": ["nobody"]}}}, 422, "levers.guarantors.norway"),
    ({"levers": {"concessions": [{"group": "eln", "kind": "amnesty"}]}}, 422, "levers.concessions[0].kind"),
    ({"levers": {"deadlines": {"nobody": "2025-06"}}}, 422, "levers.deadlines.nobody"),
    ({"levers": {"deadlines": {"eln": "2025-13"}}}, 422, "levers.deadlines.eln"),
    ({"levers": {"deadlines": {"eln": "2022-08"}}}, 422, "levers.deadlines.eln"),  # not after the table's start
    ({"levers": {"targets": {"nobody": True}}}, 422, "levers.targets.nobody"),
    ({"levers": {"targets": {"eln": True}}}, 422, "levers.targets.eln: deadline_binding needs a deadline"),
    ({"levers": {"targets": {"eln": "often"}}}, 422, "levers.targets.eln"),
    ({"levers": {"offers": {"nobody": {"extradition": 0.0}}}}, 422, "levers.offers.nobody"),
    ({"levers": {"offers": {"eln": {"amnesty": 0.5}}}}, 422, "levers.offers.eln.amnesty"),
    ({"levers": {"offers": {"eln": {"extradition": 2}}}}, 422, "levers.offers.eln.extradition"),
    ({"levers": {"offers": {"clan_del_golfo": {"political_participation": 0.5}}}}, 422,
     "levers.offers.clan_del_golfo.political_participation: no mandate on issue 'political_participation' at this "
     "table: it is not on the agenda of a socio_legal table"),
    ({"levers": {"guarantors": {"norway": ["eln", "eln"]}}}, 422, "levers.guarantors.norway[1]: group 'eln' appears "
     "twice"),
    ({"runs": 0}, 422, "runs"),
    ({"months": 10_000}, 422, "months"),
    ({"uncertainty": "everything"}, 422, "uncertainty"),
    ({"scenario": "../../etc/passwd"}, 404, "no built-in scenario"),
])
def test_bad_run_requests(client, body, status, field):
    response = client.post("/api/runs", json={**SMALL, **body})
    assert response.status_code == status, response.text
    assert response.json()["error"].startswith(field) or field in response.json()["error"]


@pytest.mark.parametrize(("levers", "error"), [
    ({"offers": {"eln": {"amnesty": 0.5}}}, "levers.offers.eln.amnesty: Input should be 'legal_treatment'"),
    ({"deadlines": {"eln": "1800-01"}}, "levers.deadlines.eln: year must be between 1900 and 2200, got '1800-01'"),
])
def test_a_bad_lever_is_said_in_plain_words(client, levers, error):
    response = client.post("/api/runs", json={**SMALL, "levers": levers})
    message = response.json()["error"]
    assert response.status_code == 422 and message.startswith(error), message
    assert "Value error" not in message and "[key]" not in message and message.count("1800-01") <= 1


def test_a_date_set_in_the_dashboard_is_known_from_the_opening_and_targets_say_whether_it_binds():
    """levers.deadlines on a table whose date is a target announced later (colombia-2012's Havana): the lever's
    date is known to the sides from the opening and stays a target; clearing it leaves no announcement or target
    behind; levers.targets says whether a date is only a target."""
    from totalpeace.server.levers import Levers, overrides

    havana = load_scenario("colombia-2012")
    assert overrides(Levers(deadlines={"farc": None}), havana) == {
        "policy.tables.farc.deadline": None, "policy.tables.farc.deadline_announced": None,
        "policy.tables.farc.deadline_binding": True}
    sets = overrides(Levers(deadlines={"farc": "2016-01"}), havana)
    table = load_scenario("colombia-2012", sets).policy.tables["farc"]  # as the server applies them
    assert (table.deadline, table.deadline_announced, table.deadline_binding) == ("2016-01", None, False)
    assert load_scenario("colombia-2012", overrides(Levers(deadlines={"farc": None}), havana)).policy.tables[
        "farc"].deadline is None
    assert overrides(Levers(deadlines={"farc": "2016-03"}), havana) == {}  # the same month: nothing changes
    # levers.targets says whether a table's date only is a target: Havana's kept as one, or made the state's deadline
    assert overrides(Levers(deadlines={"farc": "2016-01"}, targets={"farc": True}), havana) == {
        "policy.tables.farc.deadline": "2016-01", "policy.tables.farc.deadline_announced": None}
    assert overrides(Levers(targets={"farc": False}), havana) == {"policy.tables.farc.deadline_binding": True}
    cleared = overrides(Levers(deadlines={"farc": None}, targets={"farc": True}), havana)  # a target of no date
    assert cleared["policy.tables.farc.deadline_binding"] is False  # refused by the loader, not dropped
    flagship = load_scenario("colombia-2022")
    sets = overrides(Levers(deadlines={"eln": "2025-06"}, targets={"eln": True, "emc": False}), flagship)
    assert sets == {"policy.tables.eln.deadline": "2025-06", "policy.tables.eln.deadline_binding": False}
    assert load_scenario("colombia-2022", sets).policy.tables["eln"].deadline_label() == \
        "target 2025-06 (missing it ends nothing)"


def test_run_is_the_same_ensemble_as_the_library(client, baseline):
    status = client.get(f"/api/runs/{baseline}").json()
    assert status["status"] == "done" and status["progress"] == 1.0 and status["run_months_done"] == 36
    assert status["uncertainty"] == "full"  # as `totalpeace run`: forms, parameters and assumptions drawn
    downloaded = client.get(f"/api/runs/{baseline}/summary.json")
    assert downloaded.status_code == 200 and "attachment" in downloaded.headers["content-disposition"]
    direct = simulate_uncertain(load_scenario("colombia-2022"), runs=6, seed=4, months=6).summary()
    assert downloaded.json() == json.loads(json.dumps(direct))
    assert downloaded.json()["uncertainty"]["design"]["design"] == "full"
    assert baseline in [r["id"] for r in client.get("/api/runs").json()]


def test_levers_change_the_scenario(client, variant):
    summary = client.get(f"/api/runs/{variant}/summary.json").json()
    expected = simulate_uncertain(load_scenario("colombia-2022", {"policy.talks.mode": "none",
                                                                  "security.buy_in": 0.3}),
                                  runs=6, seed=4, months=6).summary()
    assert summary == json.loads(json.dumps(expected))


def test_a_single_point_run_is_the_plain_simulation(client, baseline):
    """`uncertainty: stochastic` holds the scenario's own point (randomness only), the ensemble `simulate` gives; it
    is not paired with a full run (the runs share random numbers but not parameter draws)."""
    run = client.post("/api/runs", json={**SMALL, "label": "point", "uncertainty": "stochastic"})
    assert run.status_code == 202, run.text
    status = wait(client, run.json()["id"])
    assert status["status"] == "done" and status["uncertainty"] == "stochastic"
    summary = client.get(f"/api/runs/{status['id']}/summary.json").json()
    assert summary == json.loads(json.dumps(simulate(load_scenario("colombia-2022"), runs=6, seed=4,
                                                     months=6).summary()))
    assert not client.get(f"/api/runs/{status['id']}/compare/{baseline}").json()["paired"]
    toml = client.get(f"/api/runs/{status['id']}/scenario.toml").text
    assert "--runs 6 --seed 4 --uncertainty stochastic" in toml


def test_charts_and_report(client, baseline):
    charts = client.get(f"/api/runs/{baseline}/charts").json()
    assert set(REQUIRED) <= set(charts["fans"]) and all(f["data"] for f in charts["fans"].values())
    for key in ("map_control", "map_leader", "map_vacuum"):
        assert charts[key]["data"][0]["type"] == "choropleth" and len(charts[key]["frames"]) == 6, key
    assert charts["geography"] == "boundaries" and charts["headlines"][0].startswith("Homicide rate")
    assert charts["policy"]["changes"] == [] and ["Talks: how tables open", "simultaneous (every table at once)"] \
        in charts["policy"]["rows"]
    blocks = {b["group"]: b for b in charts["negotiation"]}  # each table's outcome and why, as the report says it
    first = blocks["eln"]["lines"][0]
    assert first.startswith("eln (") and "signed in" in first
    assert blocks["eln"]["tables"][0]["header"][:2] == ["issue", "state's opening offer"]
    assert all(len(row) == 4 for row in blocks["eln"]["tables"][0]["rows"]) and blocks["eln"]["tables"][0]["rows"]
    assert set(charts["territories"]["ids"]) == {f["id"] for f in client.get(
        "/api/scenarios/colombia-2022/geo").json()["features"]}
    report = client.get(f"/api/runs/{baseline}/report.html")
    assert report.status_code == 200 and 'id="headline"' in report.text and 'id="table-provenance"' in report.text
    assert 'id="table-policy"' in report.text


def test_a_body_that_is_not_json_is_named_as_such(client):
    """A body FastAPI cannot read as a JSON object gets a message about the body, not about a field."""
    text = json.dumps(SMALL)
    plain = client.post("/api/preview", content=text, headers={"content-type": "text/plain"})
    assert plain.status_code == 422 and plain.json()["error"] == (
        "(top level): send the body as JSON with Content-Type: application/json (got text/plain)")
    broken = client.post("/api/preview", content=text.replace('"runs"', "runs"),
                         headers={"content-type": "application/json"})
    assert broken.status_code == 422
    assert broken.json()["error"].startswith("(top level): the body is not valid JSON (Expecting property name")


def test_downloads_people_can_open(client, variant):
    summary = client.get(f"/api/runs/{variant}/summary.json").json()
    assert summary["policy"]["levers"]["policy.talks.mode"] == "none"
    table = client.get(f"/api/runs/{variant}/summary.csv")
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    header = table.text.splitlines()[0].split(",")
    assert header[:4] == ["scope", "id", "name", "series"] and "p50" in header
    runs = client.get(f"/api/runs/{variant}/results.csv").text.splitlines()
    assert runs[0] == "run,month,metric,group,value" and len(runs) > 100
    assert client.get(f"/api/runs/{variant}/territories.csv").text.startswith("month,territory,")
    toml = client.get(f"/api/runs/{variant}/scenario.toml")
    assert 'filename="colombia-2022-no-talks.toml"' in toml.headers["content-disposition"]
    assert 'extends = "colombia-2022"' in toml.text and 'mode = "none"' in toml.text and "buy_in = 0.3" in toml.text
    assert "months = 6" in toml.text and "--runs 6 --seed 4 --uncertainty full" in toml.text


@pytest.mark.parametrize("path", ["summary.json", "summary.csv", "results.csv", "territories.csv", "scenario.toml",
                                  "report.html", "charts", "compare/{id}", "compare/{id}/report.html"])
def test_head_answers_a_download_as_get_without_its_body(client, variant, path):
    url = f"/api/runs/{variant}/{path.format(id=variant)}"
    got, head = client.get(url), client.head(url)
    assert head.status_code == got.status_code == 200 and head.content == b""
    for name in ("content-type", "content-disposition"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert int(head.headers["content-length"]) == len(got.content) > 0


def test_head_of_an_unknown_run_is_404_and_405_allows_head(client):
    missing = client.head("/api/runs/zzz/summary.json")
    assert missing.status_code == 404 and missing.content == b"" and int(missing.headers["content-length"]) > 0
    assert client.put("/api/runs").headers["allow"] == "GET, HEAD, POST"


def test_preview_is_computed_at_once_and_not_stored(client):
    before = {r["id"] for r in client.get("/api/runs").json()}
    body = {**SMALL, "runs": 8, "levers": {"decriminalization": 0.7, "deadlines": {"eln": "2024-06", "emc": None},
                                           "offers": {"eln": {"extradition": 0.0, "territory": None}},
                                           "ceasefires": [
        {"group": "eln", "months": 6, "zone": True, "territories": ["81", "54"]}]}}
    answer = client.post("/api/preview", json=body)
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert preview["preview"] and preview["runs"] == 8 and preview["figures"]["map_control"]["data"]
    changed = {row[0]: row[2] for row in preview["policy"]["changes"]}
    assert changed["Drug decriminalisation (0 none – 1 full)"] == "0.70"
    assert changed["Table with ELN: date for a final agreement"] == "Jun 2024"
    assert changed["Table with ELN: missing that date ends the talks"] == "yes"
    assert changed["Table with ELN: the state's mandate on extradition (0–1)"] == "0.00"
    assert not any("territory" in lever for lever in changed)  # no mandate asked, none given
    assert "with a zone (2 territories)" in changed["Ceasefires"]
    assert {r["id"] for r in client.get("/api/runs").json()} == before  # a preview is never a stored run
    too_big = client.post("/api/preview", json={**SMALL, "runs": 500})
    assert too_big.status_code == 422 and "a preview runs at most" in too_big.json()["error"]
    bad = client.post("/api/preview", json={**SMALL, "levers": {"ceasefires": [{"group": "eln", "zone": True,
                                                                                "territories": ["atlantis"]}]}})
    assert bad.status_code == 422 and "levers.ceasefires" in bad.json()["error"]
    assert preview["policy"]["notices"] == []


def test_a_setting_that_does_nothing_is_said_beside_the_changes(client):
    """What the command line warns about (a concession's territories outside a zone, a guarantor of a group with
    neither a table nor a ceasefire) loads and runs, and the answer names it with the policy."""
    levers = {"guarantors": {"norway": ["eln", "mexican_cartels"]},
              "concessions": [{"group": "eln", "kind": "arrest_orders_suspended", "territories": ["81"]}]}
    answer = client.post("/api/preview", json={**SMALL, "levers": levers})
    assert answer.status_code == 200, answer.text
    notices = answer.json()["policy"]["notices"]
    assert len(notices) == 2
    assert any(n.startswith("international.norway.guarantor_for[1]: no effect: group 'mexican_cartels' has no table")
               for n in notices)
    assert any(n.startswith("policy.concessions[0].territories: ignored: only a zone has territories")
               for n in notices)


def test_a_label_in_any_script_names_the_downloads(client):
    """HTTP headers are Latin-1: a run labelled in Polish or Japanese downloads with its name in UTF-8 (RFC 6266's
    filename*) and an ASCII fallback, never a server error."""
    from urllib.parse import unquote

    run = client.post("/api/runs", json={**SMALL, "runs": 2, "months": 2, "label": "Łódź 日本"}).json()
    assert wait(client, run["id"])["status"] == "done"
    toml = client.get(f"/api/runs/{run['id']}/scenario.toml")
    assert toml.status_code == 200, toml.text
    header = toml.headers["content-disposition"]
    assert 'filename="colombia-2022-odz.toml"' in header
    assert unquote(header.split("filename*=UTF-8''")[1]) == "colombia-2022-łódź-日本.toml"
    assert 'extends = "colombia-2022"' in toml.text


def test_starting_situation(client):
    start = client.get("/api/scenarios/colombia-2022/start").json()
    assert start["month"] == "2022-08" and "Starting situation" in start["map_control"]["layout"]["title"]["text"]
    info = client.get("/api/scenarios/colombia-2022").json()
    assert info["choices"]["territories"]["05"] == "Antioquia" and info["choices"]["short_names"]["eln"] == "ELN"


def test_runs_survive_a_restart(client, baseline, variant, tmp_path_factory):
    store = client.app.state.manager.store.path
    with TestClient(create_app(store=store, workers=1), base_url="http://localhost") as again:
        listed = {r["id"]: r for r in again.get("/api/runs").json()}
        assert {baseline, variant} <= set(listed)
        assert listed[variant]["restored"] and listed[variant]["label"] == "no talks"
        assert "Talks: how tables open: none (no talks)" in listed[variant]["changes"]
        # its results are computed again from the stored request: the same ensemble
        assert again.get(f"/api/runs/{variant}/summary.json").json() == client.get(
            f"/api/runs/{variant}/summary.json").json()


def test_comparison(client, baseline, variant):
    cmp = client.get(f"/api/runs/{variant}/compare/{baseline}").json()
    assert cmp["paired"] and cmp["headlines"][0].startswith("Homicide rate (per 100,000 a year), no talks minus "
                                                            "baseline:")
    talks = cmp["differences"]["groups_in_talks"]["2023"]
    assert talks["p90"] < 0  # no tables open without talks
    assert cmp["columns"] == ["metric", "Aug–Dec 2022 (5 months)", "Jan 2023 (1 month)"]
    assert cmp["statistic"].startswith("median of paired differences")
    assert set(cmp["figures"]["overlays"]) >= set(REQUIRED) and len(cmp["rows"]) >= len(REQUIRED)
    assert [row[0] for row in cmp["policy_changes"]] == ["Talks: how tables open", "Security-force buy-in K (0–1)"]
    page = client.get(f"/api/runs/{variant}/compare/{baseline}/report.html")
    assert page.status_code == 200 and 'id="table-differences"' in page.text


def test_unknown_runs_are_404(client, baseline):
    for path in ("/api/runs/zzz", "/api/runs/zzz/summary.json", "/api/runs/zzz/report.html", "/api/runs/zzz/charts",
                 "/api/runs/zzz/summary.csv", "/api/runs/zzz/scenario.toml",
                 f"/api/runs/zzz/compare/{baseline}", f"/api/runs/{baseline}/compare/zzz"):
        response = client.get(path)
        assert response.status_code == 404 and "no run with id 'zzz'" in response.json()["error"], path
    assert client.delete("/api/runs/zzz").status_code == 404


def test_run_is_recorded_in_the_results_store(client, baseline, variant):
    store = client.app.state.manager.store
    status = client.get(f"/api/runs/{variant}").json()
    name = status["experiment"]
    assert name == f"dashboard-{variant}"
    runs = store.runs(name)
    assert list(runs["run"]) == list(range(6)) and set(runs["status"]) == {"ok"} and set(runs["seed"]) == {4}
    # each run records its cell's draws beside the levers: runs 0-1 share a cell, run 2 starts the next
    drawn = [json.loads(text) for text in runs["parameters"]]
    assert drawn[0]["policy.talks.mode"] == "none" and drawn[0]["model.negotiation_engine"]
    assert drawn[0] == drawn[1] and drawn[1] != drawn[2]
    assert any(k.startswith("parameters.") for k in drawn[0])
    point = store.points(name)
    assert len(point) == 1 and point.loc[0, "policy.talks.mode"] == "none" and point.loc[0, "security.buy_in"] == 0.3
    meta = store.experiment(name)
    assert meta["dashboard"]["request"]["label"] == "no talks" and meta["spec"]["replications"] == 6
    # the stored yearly values are the ensemble's summary, recomputed in SQL
    summary = client.get(f"/api/runs/{variant}/summary.json").json()
    mean = store.query("SELECT mean FROM summary WHERE experiment = ? AND metric = 'homicide_rate' AND year = 2022",
                       [name])["mean"].item()
    assert mean == pytest.approx(summary["metrics"]["homicide_rate"]["2022"]["mean"], rel=1e-12)
    both = store.query("SELECT experiment, count(*) AS n FROM runs WHERE experiment IN (?, ?) GROUP BY ALL",
                       [f"dashboard-{baseline}", name])
    assert sorted(both["n"]) == [6, 6]


def test_cancel_terminates_the_workers(client):
    manager = client.app.state.manager
    run = client.post("/api/runs", json={**SMALL, "runs": 2000, "months": 48}).json()
    wait(client, run["id"], until=("running",))
    assert client.get("/api/scenarios").status_code == 200  # a long run does not block the server
    busy = client.get(f"/api/runs/{run['id']}/summary.json")
    assert busy.status_code == 409 and "not done" in busy.json()["error"]
    deadline = time.monotonic() + 60
    while not manager.worker_pids(run["id"]) and time.monotonic() < deadline:  # spawned with the first chunk
        time.sleep(0.05)
    pids = set(manager.worker_pids(run["id"]))
    assert pids and all(process_alive(p) for p in pids) and os.getpid() not in pids
    cancelled = client.delete(f"/api/runs/{run['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"  # the state it led to
    assert wait(client, run["id"])["status"] == "cancelled"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(process_alive(p) for p in pids):
        time.sleep(0.1)
    assert not any(process_alive(p) for p in pids)
    assert f"dashboard-{run['id']}" not in manager.store.experiment_names()  # a cancelled run leaves no trace
    again = client.delete(f"/api/runs/{run['id']}")
    assert again.status_code == 409 and "already cancelled" in again.json()["error"]
    after = client.post("/api/runs", json={**SMALL, "runs": 2}).json()  # the server runs on with fresh workers
    assert wait(client, after["id"])["status"] == "done"


def test_page_docs_and_assets_are_local(client):
    page = client.get("/")
    assert page.status_code == 200 and 'id="scenario"' in page.text and "http" not in page.text
    for asset in ("/static/app.js", "/static/style.css", "/static/figures.js"):
        response = client.get(asset)
        assert response.status_code == 200 and "http://" not in response.text and "https://" not in response.text
    plotly = client.get("/static/plotly.min.js")  # the charting library is served by the application itself
    assert plotly.status_code == 200 and plotly.text.startswith("/**") and "plotly.js" in plotly.text[:400]
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", page.text)  # no inline handlers: a strict CSP would block them
    assert not re.search(r"<script>", page.text)  # no inline script either
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/scenarios", "/api/scenarios/{name}", "/api/runs", "/api/runs/{run_id}",
                 "/api/runs/{run_id}/summary.json", "/api/runs/{run_id}/report.html", "/api/runs/{run_id}/charts",
                 "/api/runs/{run_id}/compare/{baseline_id}"):
        assert path in paths


def test_serve_refuses_a_busy_port(cli):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = cli("serve", "--port", str(port))
    assert code == 2 and f"--port {port}: cannot listen there" in err


def test_a_run_under_the_parameters_design_is_the_commands(client):
    """`uncertainty: parameters` keeps the scenario's own form and draws the calibrated parameters and assumptions:
    the ensemble of `totalpeace run --uncertainty parameters`."""
    run = client.post("/api/runs", json={**SMALL, "runs": 4, "label": "parameters", "uncertainty": "parameters"})
    assert run.status_code == 202, run.text
    status = wait(client, run.json()["id"])
    assert status["status"] == "done" and status["uncertainty"] == "parameters"
    summary = client.get(f"/api/runs/{status['id']}/summary.json").json()
    expected = simulate_uncertain(load_scenario("colombia-2022"), runs=4, seed=4, months=6, uncertainty="parameters")
    assert summary == json.loads(json.dumps(expected.summary()))
    assert summary["uncertainty"]["design"]["design"] == "parameters"


def test_runs_accepted_before_requests_named_a_design_are_single_points():
    """A stored request without `uncertainty` was computed at the scenario's point: it is read back (and recomputed)
    as `stochastic`, while a new request defaults to the command's `full`."""
    from totalpeace.server.models import RunRequest
    from totalpeace.server.runs import Run

    scenario = load_scenario("colombia-2022")
    old = Run(id="old", scenario=scenario, base=scenario, levers={}, request={"scenario": "colombia-2022"}, runs=2,
              seed=1, months=2)
    assert old.uncertainty == "stochastic" and old.public()["uncertainty"] == "stochastic"
    assert RunRequest.model_validate({"scenario": "colombia-2022"}).uncertainty == "full"
