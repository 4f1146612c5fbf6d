"""The server's guarantees: token on every API call, capped requests and runs, no path traversal, no evaluation of
input, JSON errors with the right status; and a bounded load test on loopback that loses no run."""

from __future__ import annotations

import http.client
import json
import socket
import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support import live_server

from totalpeace.server.app import create_app
from totalpeace.server.guard import Limits

TOKEN = "s3cret-t0ken"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SMALL = {"scenario": "colombia-2022", "runs": 4, "months": 6, "seed": 3}
LIMITS = Limits(max_runs=500, max_run_months=6000, max_active_runs=1, max_body_bytes=4096)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(store=tmp_path_factory.mktemp("store"), token=TOKEN, limits=LIMITS)
    with TestClient(app, base_url="http://localhost") as c:
        yield c


def api_calls(client) -> list[tuple[str, str]]:
    """Every (method, path) of the OpenAPI schema, path parameters filled in."""
    paths = client.get("/openapi.json").json()["paths"]
    out = []
    for path, operations in paths.items():
        filled = path.replace("{name}", "colombia-2022").replace("{run_id}", "abc").replace("{baseline_id}", "def")
        out += [(method.upper(), filled) for method in operations]
    return out


def test_every_api_call_needs_the_token(client):
    calls = api_calls(client)
    assert len(calls) >= 10
    for method, path in calls:
        for headers, message in (({}, "needs a token"), ({"Authorization": "Bearer nope"}, "wrong token"),
                                 ({"Authorization": TOKEN}, "needs a token")):
            response = client.request(method, path, headers=headers)
            assert response.status_code == 401, (method, path, headers)
            assert message in response.json()["error"] and response.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/nothing-here").status_code == 401  # unknown paths too: nothing is told without it
    assert client.get("/api/scenarios", headers=AUTH).status_code == 200
    assert client.get("/api/runs/abc", headers=AUTH).status_code == 404


def test_page_assets_and_docs_stay_public(client):
    for path in ("/", "/static/app.js", "/static/style.css", "/docs", "/openapi.json"):
        assert client.get(path).status_code == 200, path
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    assert all(op["security"] == [{"token": []}] for ops in schema["paths"].values() for op in ops.values())
    assert "?token=" in client.get("/static/app.js").text and 'id="token-form"' in client.get("/").text


def test_oversized_bodies_are_413(client):
    big = json.dumps({**SMALL, "label": "x" * 5000})
    response = client.post("/api/runs", content=big, headers={**AUTH, "content-type": "application/json"})
    assert response.status_code == 413 and "larger than the server's limit of 4096 bytes" in response.json()["error"]

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(10):
            yield b" " * 1000

    streamed = client.post("/api/runs", content=chunks(), headers={**AUTH, "content-type": "application/json"})
    assert streamed.status_code == 413


@pytest.mark.parametrize(("body", "field"), [
    ({"runs": 501}, "runs: at most 500 runs per request"),
    ({"runs": 500, "months": 13}, "runs x months: 500 x 13 = 6500 run-months"),
    ({"runs": 10**9}, "runs: Input should be less than or equal to"),
    ({"months": 601}, "months"),
    ({"seed": -1}, "seed"),
    ({"label": "x" * 81}, "label"),
])
def test_ensemble_sizes_are_capped(client, body, field):
    response = client.post("/api/runs", json={**SMALL, **body}, headers=AUTH)
    assert response.status_code == 422 and response.json()["error"].startswith(field), response.text


def test_malformed_bodies_are_422(client):
    for content in (b"{", b"[]", b"null", b'{"scenario": "colombia-2022", "runs": "many"}', b"\xff\xfe"):
        response = client.post("/api/runs", content=content, headers={**AUTH, "content-type": "application/json"})
        assert response.status_code == 422 and response.json()["error"], content


def test_concurrent_runs_are_capped_429(client):
    first = client.post("/api/runs", json={**SMALL, "runs": 500, "months": 12}, headers=AUTH)
    assert first.status_code == 202
    second = client.post("/api/runs", json=SMALL, headers=AUTH)
    assert second.status_code == 429 and "at most 1" in second.json()["error"]
    assert client.delete(f"/api/runs/{first.json()['id']}", headers=AUTH).status_code == 200
    client.app.state.manager.wait(first.json()["id"], timeout=60)
    third = client.post("/api/runs", json=SMALL, headers=AUTH)  # a cancelled run frees its place
    assert third.status_code == 202
    client.app.state.manager.wait(third.json()["id"], timeout=120)
    assert client.get(f"/api/runs/{third.json()['id']}", headers=AUTH).json()["status"] == "done"


TRAVERSALS = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%2e%2e",
              "%252e%252e%252fetc%252fpasswd", "%2Fetc%2Fpasswd", "..%5C..%5Cwindows%5Cwin.ini",
              "colombia-2022%00.toml", "colombia-2022.toml", "%00"]
BODY_NAMES = ["../../etc/passwd", "/etc/passwd", "..\\..\\windows\\win.ini", "colombia-2022\x00", "colombia-2022.toml",
              str(Path(__file__).resolve().parents[1] / "src/totalpeace/scenario/builtin/colombia-2022.toml"),
              "file:///etc/passwd", "~/.ssh/id_rsa"]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_scenario_names_cannot_reach_files_in_the_path(client, name):
    response = client.get(f"/api/scenarios/{name}", headers=AUTH)
    assert response.status_code == 404, response.text
    assert "no built-in scenario" in response.json()["error"] or response.json()["error"] == "Not Found"
    assert "root:" not in response.text


@pytest.mark.parametrize("name", BODY_NAMES)
def test_scenario_names_cannot_reach_files_in_the_body(client, name):
    response = client.post("/api/runs", json={**SMALL, "scenario": name}, headers=AUTH)
    assert response.status_code == 404 and "no built-in scenario" in response.json()["error"]


def test_input_is_never_evaluated(client, tmp_path):
    marker = tmp_path / "evaluated"
    code = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    for levers in ({"talks_order": [code]}, {"ceasefires": [{"group": code}]}, {"host_tolerance": {code: 0.5}},
                   {"talks_mode": code}, {"decriminalization": code}):
        response = client.post("/api/runs", json={**SMALL, "levers": levers}, headers=AUTH)
        assert response.status_code == 422, levers
    assert client.get(f"/api/scenarios/{code}", headers=AUTH).status_code == 404
    assert not marker.exists()


def test_labels_are_escaped_in_reports(client):
    label = "<script>alert(1)</script>"
    run = client.post("/api/runs", json={**SMALL, "label": label}, headers=AUTH).json()
    client.app.state.manager.wait(run["id"], timeout=120)
    base = client.post("/api/runs", json=SMALL, headers=AUTH).json()
    client.app.state.manager.wait(base["id"], timeout=120)
    page = client.get(f"/api/runs/{run['id']}/compare/{base['id']}/report.html", headers=AUTH)
    assert page.status_code == 200 and label not in page.text and "&lt;script&gt;" in page.text


def test_errors_are_json_with_their_status(client):
    cases = [("GET", "/api/runs/nope", 404), ("DELETE", "/api/runs/nope", 404), ("PUT", "/api/runs", 405),
             ("GET", "/api/scenarios/nope", 404), ("GET", "/static/nothing.js", 404)]
    for method, path, status in cases:
        response = client.request(method, path, headers=AUTH)
        assert response.status_code == status and response.headers["content-type"] == "application/json", path
        assert response.json()["error"]


# ---------------------------------------------------------------------------------------------- a live server
@pytest.fixture(scope="module")
def live(tmp_path_factory):
    app = create_app(store=tmp_path_factory.mktemp("live"), token=TOKEN, limits=Limits(max_active_runs=3))
    with live_server(app) as port:
        yield port, app


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """A request whose path is sent exactly as written (no client-side normalisation of ../)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.putheader("Authorization", f"Bearer {TOKEN}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/static/../../../../etc/passwd", "/static/..%2f..%2f..%2fpyproject.toml",
                                  "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml", "/static/..\\..\\app.py",
                                  "/static//etc/passwd", "/api/scenarios/../../etc/passwd",
                                  "/api/scenarios/..%2f..%2fetc%2fpasswd", "/static/app.js%00.html"])
def test_raw_traversal_paths(live, path):
    status, body = raw_get(live[0], path)
    assert status in (400, 404), (path, status)
    assert b"root:" not in body and b"[project]" not in body and b"create_app" not in body


def _request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict | list, float]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers={**AUTH, "content-type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload = response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, json.loads(exc.read())
    return status, payload, time.perf_counter() - started


def test_load_keeps_answering_and_loses_no_run(live, capsys):
    port, app = live
    runs = []
    for seed in (1, 2, 3):
        status, run, _ = _request(port, "POST", "/api/runs", {**SMALL, "runs": 30, "months": 24, "seed": seed})
        assert status == 202, run
        runs.append(run["id"])
    status, refused, _ = _request(port, "POST", "/api/runs", SMALL)
    assert status == 429 and "at most 3" in refused["error"]
    paths = ["/api/scenarios", "/api/runs", "/api/scenarios/colombia-2022", *(f"/api/runs/{r}" for r in runs)]

    def one(i: int) -> tuple[int, float]:
        status, _, seconds = _request(port, "GET", paths[i % len(paths)])
        return status, seconds

    started = time.perf_counter()
    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(one, range(200)))
    wall = time.perf_counter() - started
    assert [s for s, _ in answers] == [200] * 200
    for run_id in runs:
        app.state.manager.wait(run_id, timeout=300)
        status, run, _ = _request(port, "GET", f"/api/runs/{run_id}")
        assert status == 200 and run["status"] == "done" and run["progress"] == 1.0, run
        status, summary, _ = _request(port, "GET", f"/api/runs/{run_id}/summary.json")
        assert status == 200 and summary["runs"] == 30
        assert len(app.state.manager.store.runs(run["experiment"])) == 30
    latencies = sorted(s for _, s in answers)
    with capsys.disabled():
        print(f"\nload: 200 requests from 20 threads in {wall:.2f} s while 3 ensembles ran; latency p50 "
              f"{statistics.median(latencies) * 1000:.0f} ms, p95 {latencies[189] * 1000:.0f} ms, max "
              f"{latencies[-1] * 1000:.0f} ms; 3 of 3 runs done and stored")


def test_serve_binds_loopback_and_takes_the_token_from_the_environment(cli, monkeypatch, tmp_path):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **_: started.append((app, host, port)))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    code, out, err = cli("serve", "--port", port, "--store", str(tmp_path))
    assert code == 0 and started[-1][1] == "127.0.0.1" and "warning" not in err
    open_app = TestClient(started[-1][0], base_url="http://localhost")
    assert open_app.get("/api/scenarios").status_code == 200  # no token set: open

    code, out, err = cli("serve", "--host", "0.0.0.0", "--port", port, "--store", str(tmp_path))
    assert code == 0 and ("warning: listening on every interface of this machine (0.0.0.0), not only on this "
                          "machine: without --token anyone who can reach it can start, cancel and read runs") \
        in " ".join(err.split())

    monkeypatch.setenv("TOTALPEACE_TOKEN", "from-env")
    code, out, err = cli("serve", "--host", "0.0.0.0", "--port", port, "--store", str(tmp_path),
                         "--max-concurrent-runs", "2", "--max-body-bytes", "2048")
    assert code == 0 and "the API needs the token" in " ".join(err.split()) and "needs the token" in out
    app = started[-1][0]
    assert app.state.limits.max_active_runs == 2 and app.state.limits.max_body_bytes == 2048
    guarded = TestClient(app, base_url="http://localhost")
    assert guarded.get("/api/scenarios").status_code == 401
    assert guarded.get("/api/scenarios", headers={"Authorization": "Bearer from-env"}).status_code == 200

    monkeypatch.setenv("TOTALPEACE_TOKEN", " ")
    code, _, err = cli("serve", "--port", port, "--store", str(tmp_path))
    assert code == 2 and "TOTALPEACE_TOKEN): empty" in err
