"""The dashboard server's defences in depth: the Host check against DNS rebinding, the security headers on every
response, /docs without a CDN, `serve`'s checks of its options, and comparisons that cannot be made answering 422."""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import os
import re
import socket
import time
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import live_server

from totalpeace.server.app import STATIC, create_app
from totalpeace.server.guard import CONTENT_SECURITY_POLICY, AllowedHosts, Guard, host_name

TOKEN = "hardening-token"
EXAMPLES = int(os.environ.get("TOTALPEACE_FUZZ_EXAMPLES", "60")) * 5  # cheap: the guard alone, no application
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(store=tmp_path_factory.mktemp("store"), token=TOKEN)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url="http://localhost") as c:
        yield c


AUTH = {"Authorization": f"Bearer {TOKEN}"}


# ---------------------------------------------------------------------------------------------------------------------
# Host header
# ---------------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "LOCALHOST", "localhost.", "127.0.0.1",
                                  "127.0.0.1:8000", "127.1.2.3", "[::1]", "[::1]:8000"])
def test_local_names_are_answered(client, host: str) -> None:
    assert client.get("/api/scenarios", headers={**AUTH, "Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "localhost.evil",
                                  "evilhost", "0.0.0.0", "192.168.1.5", "[::1", "::1", "localhost:http", "",
                                  "user@localhost", "[::1]x", "[::ffff:7f00:1]:8000"])
def test_other_names_are_refused_before_anything_else(client, host: str) -> None:
    """A page on a rebinding domain (evil.example -> 127.0.0.1) sends Host: evil.example: refused with 400, with or
    without the token, before the token, the body or the route are looked at."""
    for method, path in (("GET", "/api/runs"), ("POST", "/api/runs"), ("DELETE", "/api/runs/x"), ("GET", "/"),
                         ("GET", "/docs"), ("GET", "/no/such/path")):
        response = client.request(method, path, headers={**AUTH, "Host": host},
                                  json={"scenario": "colombia-2022", "runs": 1, "months": 1})
        assert response.status_code == 400, (method, path, response.text)
        assert "this server answers only to localhost, loopback addresses, 127.0.0.1" in response.json()["error"]
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert client.get("/api/runs", headers=AUTH).json() == [], "a refused request must not start a run"


def test_a_request_without_host_is_refused() -> None:
    status, body, _ = _call(Guard(_ok, token=None, max_body_bytes=1024), [])
    assert status == 400 and "Host header missing" in json.loads(body)["error"]


@pytest.mark.parametrize(("allowed", "host", "answered"), [
    (AllowedHosts(bound="192.168.1.5"), "192.168.1.5:8000", True),
    (AllowedHosts(bound="192.168.1.5"), "192.168.1.6", False),
    (AllowedHosts(bound="0.0.0.0"), "192.168.1.6:8000", True),  # an address is never a rebinding name
    (AllowedHosts(bound="0.0.0.0"), "[fe80::1]", True),
    (AllowedHosts(bound="0.0.0.0"), "myhost.lan", False),
    (AllowedHosts(bound="0.0.0.0", extra=("MyHost.lan",)), "myhost.lan:8000", True),
    (AllowedHosts(bound="dashboard.example"), "dashboard.example", True),
    (AllowedHosts(extra=("*",)), "anything.example", True),
])
def test_the_bound_host_and_added_names(allowed: AllowedHosts, host: str, answered: bool) -> None:
    status, _, _ = _call(Guard(_ok, token=None, max_body_bytes=1024, allowed_hosts=allowed), [(b"host", host.encode())])
    assert (status == 200) == answered


def test_the_host_check_on_a_live_server(tmp_path) -> None:
    """Raw HTTP through uvicorn: a rebinding Host and an HTTP/1.0 request without Host are refused."""
    with live_server(create_app(store=tmp_path)) as port:
        for request in (b"GET /api/runs HTTP/1.1\r\nHost: evil.example:%d\r\nConnection: close\r\n\r\n" % port,
                        b"GET /api/runs HTTP/1.0\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
                conn.sendall(request)
                answer = b""
                while chunk := conn.recv(65536):
                    answer += chunk
            assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.0 400")), answer[:200]
            assert b"content-security-policy" in answer.lower()


async def _ok(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def _call(guard: Guard, headers: list[tuple[bytes, bytes]], path: str = "/api/runs") -> tuple[int, bytes, dict]:
    """One GET through the guard alone, as an ASGI server would make it: (status, body, headers)."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": headers, "query_string": b""}
    asyncio.run(guard(scope, receive, send))
    start = sent[0]
    return start["status"], b"".join(m.get("body", b"") for m in sent[1:]), dict(start["headers"])


def _is_this_machine(header: bytes) -> bool:
    """An independent reading of a Host header (the standard library's URL parser, after HTTP's trimming of spaces
    and tabs around a field value): is it loopback?"""
    try:
        parts = urlsplit("//" + header.decode("latin-1").strip(" \t"))
        name = parts.hostname
        _ = parts.port  # raises on a port that is not a number
    except ValueError:
        return False
    if name is None or "@" in parts.netloc:
        return False
    name = name.rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


hosts = st.one_of(
    st.binary(max_size=40),
    st.text(max_size=40).map(lambda t: t.encode("utf-8")),
    st.builds(lambda name, port: (name + port).encode(),
              st.sampled_from(["localhost", "127.0.0.1", "[::1]", "evil.example", "127.0.0.1.evil.example",
                               "localhost.evil.example", "0.0.0.0", "[::ffff:127.0.0.1]", "LocalHost.", "127.255.0.1",
                               "2130706433", "0x7f000001", "127.1", "localhost@evil", "[::1]@evil", "xn--localhost"]),
              st.sampled_from(["", ":8000", ":", ":0", ":99999", ":abc", " ", "\t", ".", "/", "#x"])),
)


@FUZZ
@given(host=hosts)
def test_fuzzed_host_headers_never_reach_the_application_unless_loopback(host: bytes) -> None:
    """Whatever the Host header holds, the guard answers it (400 or the application's 200, never an exception),
    and only a name that an independent parser reads as this machine gets through."""
    status, body, headers = _call(Guard(_ok, token=None, max_body_bytes=1024), [(b"host", host)])
    assert status in (200, 400)
    assert headers[b"x-frame-options"] == b"DENY"
    if status == 200:
        assert _is_this_machine(host), host
    else:
        assert json.loads(body)["error"].startswith("Host header ")


def test_host_name() -> None:
    assert host_name("LocalHost.:8000") == "localhost"
    assert host_name("[::1]:80") == "::1"
    assert host_name("[::1]") == "::1"
    assert host_name("::1") is None and host_name("a:b") is None and host_name("[::1]x") is None
    assert host_name("") is None and host_name(":80") is None


# ---------------------------------------------------------------------------------------------------------------------
# Security headers and /docs
# ---------------------------------------------------------------------------------------------------------------------
def test_every_response_carries_the_security_headers(client) -> None:
    big = "x" * 70_000
    cases = [client.get("/"), client.get("/docs"), client.get("/static/app.js"), client.get("/openapi.json"),
             client.get("/api/scenarios", headers=AUTH), client.get("/api/scenarios"),  # 401
             client.get("/api/runs/nothing", headers=AUTH),  # 404
             client.post("/api/runs", headers=AUTH, json={"scenario": "colombia-2022", "runs": "x"}),  # 422
             client.post("/api/runs", headers=AUTH, content=big),  # 413
             client.put("/api/runs", headers=AUTH),  # 405
             client.get("/static/../guard.py")]
    assert {r.status_code for r in cases} >= {200, 401, 404, 405, 413, 422}
    for response in cases:
        h = response.headers
        assert h["content-security-policy"] == CONTENT_SECURITY_POLICY, response.url
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "no-referrer" and h["cross-origin-resource-policy"] == "same-origin"
    for directive in ("default-src 'self'", "script-src 'self';", "frame-ancestors 'none'", "object-src 'none'"):
        assert directive in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY  # no remote source


def test_docs_are_served_from_the_package(client) -> None:
    page = client.get("/docs").text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "<script>" not in page and "cdn" not in page.lower()
    assert client.get("/redoc", headers=AUTH).status_code == 404  # it loaded its script from a CDN too


def test_the_shipped_swagger_ui_files_are_the_pinned_ones() -> None:
    folder = STATIC / "swagger-ui"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"`([\w.-]+)` ([0-9a-f]{64})", readme))
    assert set(pinned) == {"swagger-ui-bundle.js", "swagger-ui.css"}
    for name, digest in pinned.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    assert "Apache License" in (folder / "LICENSE").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------------------
# serve's options
# ---------------------------------------------------------------------------------------------------------------------
@pytest.fixture
def started(monkeypatch):
    import uvicorn

    calls: list[tuple] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **_: calls.append((app, host, port)))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    return calls, port


@pytest.mark.parametrize("host", ["", "  "])
def test_an_empty_host_is_refused(cli, started, host: str) -> None:
    calls, port = started
    code, _, err = cli("serve", "--host", host, "--port", port)
    assert code == 2 and "--host: empty" in err and not calls


def test_a_token_with_spaces_around_it_still_opens_the_api(cli, started, monkeypatch, tmp_path) -> None:
    """A token pasted with a trailing newline or spaces used to lock everyone out."""
    calls, port = started
    monkeypatch.setenv("TOTALPEACE_TOKEN", "  secret-token\n")
    code, _, err = cli("serve", "--port", port, "--store", str(tmp_path))
    assert code == 0 and "surrounding spaces removed" in err
    guarded = TestClient(calls[-1][0], base_url="http://localhost")
    assert guarded.get("/api/scenarios", headers={"Authorization": "Bearer secret-token"}).status_code == 200
    monkeypatch.setenv("TOTALPEACE_TOKEN", "two words")
    code, _, err = cli("serve", "--port", port, "--store", str(tmp_path))
    assert code == 2 and "printable ASCII without spaces" in err


def test_allowed_hosts_reach_the_application(cli, started, tmp_path) -> None:
    calls, port = started
    code, _, err = cli("serve", "--port", port, "--store", str(tmp_path), "--allowed-host", "dash.lan")
    assert code == 0, err
    client = TestClient(calls[-1][0], base_url="http://localhost")
    assert client.get("/api/scenarios", headers={"Host": "dash.lan:8000"}).status_code == 200
    assert client.get("/api/scenarios", headers={"Host": "other.lan"}).status_code == 400
    code, _, err = cli("serve", "--port", port, "--store", str(tmp_path), "--allowed-host", " ")
    assert code == 2 and "--allowed-host: empty" in err


def test_binding_another_address_is_a_clear_warning(cli, started, tmp_path) -> None:
    calls, port = started
    code, _, err = cli("serve", "--host", "0.0.0.0", "--port", port, "--store", str(tmp_path))
    text = " ".join(err.split())
    assert code == 0 and text.startswith("warning: listening on every interface of this machine (0.0.0.0), not "
                                         "only on this machine: without --token anyone who can reach it can start, "
                                         "cancel and read runs")
    client = TestClient(calls[-1][0], base_url="http://localhost")
    assert client.get("/api/scenarios", headers={"Host": "10.1.2.3:8000"}).status_code == 200
    assert client.get("/api/scenarios", headers={"Host": "rebind.example"}).status_code == 400


# ---------------------------------------------------------------------------------------------------------------------
# Comparisons that cannot be made
# ---------------------------------------------------------------------------------------------------------------------
def _finished(client: TestClient, body: dict) -> str:
    run = client.post("/api/runs", headers=AUTH, json={"runs": 2, "seed": 1, **body})
    assert run.status_code == 202, run.text
    deadline = time.monotonic() + 120
    while client.get(f"/api/runs/{run.json()['id']}", headers=AUTH).json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return run.json()["id"]


def test_runs_that_cannot_be_compared_are_422_for_the_report_too(client) -> None:
    """The comparison report answered 500 where the JSON comparison answered 422."""
    base = _finished(client, {"scenario": "colombia-2022", "months": 3})
    shorter = _finished(client, {"scenario": "colombia-2022", "months": 2})
    other = _finished(client, {"scenario": "colombia-2012", "months": 3})
    for variant in (shorter, other):
        for path in (f"/api/runs/{variant}/compare/{base}", f"/api/runs/{variant}/compare/{base}/report.html"):
            response = client.get(path, headers=AUTH)
            assert response.status_code == 422, (path, response.text[:300])
            assert response.json()["error"].startswith("comparison: the runs cover different periods")
