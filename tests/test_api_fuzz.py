"""Fuzz the JSON API from its own OpenAPI schema (schemathesis): whatever a client sends, the server answers as the
schema says and never with a 500. `make test` runs a few examples per operation; `make soak` many more
(TOTALPEACE_API_FUZZ_EXAMPLES)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from totalpeace.server.app import create_app
from totalpeace.server.guard import AllowedHosts, Limits

TOKEN = "fuzz-token"
EXAMPLES = int(os.environ.get("TOTALPEACE_API_FUZZ_EXAMPLES", "15"))
# tiny ensembles only: accepted runs finish in a moment, the rest are refused with 422 or 429
LIMITS = Limits(max_runs=3, max_run_months=150, max_active_runs=2, max_body_bytes=8192)

STORE = tempfile.mkdtemp(prefix="totalpeace-fuzz-")  # the fuzzed runs' results store, removed afterwards
# schemathesis calls the application as "testserver": the name is added as `serve --allowed-host` would
app = create_app(store=STORE, token=TOKEN, limits=LIMITS, allowed_hosts=AllowedHosts(extra=("testserver",)))
# Rejections: 413 (body over the limit) is one too. "Schema-valid data is accepted" is not checked: a request can be
# schema-valid and still name a group the scenario lacks or ask for more run-months than allowed (422 by design).
CONFIG = SchemathesisConfig.from_str("""
[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]
[checks.positive_data_acceptance]
enabled = false
""")
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
statuses: Counter[int] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _stop_runs(request):
    yield
    runs = app.state.manager.list()
    # Every accepted run ends: done, or cancelled (by a fuzzed DELETE or by the application's shutdown, which cancels
    # runs in flight); none is lost and none fails.
    for run in runs:
        app.state.manager.wait(run.id, timeout=120)
    app.state.manager.shutdown()
    shutil.rmtree(STORE, ignore_errors=True)
    assert 500 not in statuses
    assert all(r.status in ("done", "cancelled") for r in runs), [(r.status, r.error) for r in runs]
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(f"\nAPI fuzz: {statuses.total()} requests, by status: "
              + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
              + f"; runs accepted: {len(runs)}, done: {sum(r.status == 'done' for r in runs)}, "
              f"cancelled: {sum(r.status == 'cancelled' for r in runs)}")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_every_request_as_documented(case):
    response = case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})
    statuses[response.status_code] += 1

