"""The FastAPI application: JSON API under /api (OpenAPI at /docs) and the dashboard page with local assets."""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from totalpeace.describe import data_sources
from totalpeace.errors import InputError, format_path, validation_message
from totalpeace.experiments.store import ResultsStore
from totalpeace.policy import policy_levers, policy_record, variant_toml
from totalpeace.report import differences, maps
from totalpeace.report.exports import csv_bytes, summary_frame
from totalpeace.report.headlines import comparison_headlines, headlines
from totalpeace.report.html import comparison_figures, render_comparison, render_report, run_figures
from totalpeace.report.negotiation import table_blocks
from totalpeace.report.policy_view import policy_difference_rows, policy_rows
from totalpeace.scenario import builtin_scenarios, load_scenario
from totalpeace.scenario.references import notices
from totalpeace.scenario.schema import Scenario
from totalpeace.server.guard import AllowedHosts, Guard, Limits
from totalpeace.server.head import HeadAsGet
from totalpeace.server.levers import LeverError, describe_levers, lever_problems, lever_settings, overrides
from totalpeace.server.models import ErrorBody, RunRequest, RunStatus, ScenarioInfo
from totalpeace.server.preview import MAX_PREVIEW_RUN_MONTHS, MAX_PREVIEW_RUNS, Previews, preview_runs
from totalpeace.server.runs import Run, RunManager, ShuttingDown, TooManyRuns

STATIC = Path(__file__).parent / "static"
PLOTLY_JS = Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))
FIGURES_JS = Path(str(resources.files("totalpeace.report") / "assets" / "figures.js"))
CACHE_SIZE = 64
CANCEL_WAIT_SECONDS = 10  # how long a cancel waits for the run's workers to stop before it answers
AUTH: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing or wrong token (when the server has one)"},
    413: {"model": ErrorBody, "description": "Request body larger than the server's limit"}}
ERRORS: dict[int | str, dict[str, Any]] = {**AUTH, 404: {"model": ErrorBody}, 409: {"model": ErrorBody},
                                           422: {"model": ErrorBody}}
# for routes answering HTML: their errors are still JSON (a "model" would be documented as text/html)
HTML_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": entry.get("description", "Error"),
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for code, entry in ERRORS.items()}
START_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS, 429: {"model": ErrorBody, "description": "Too many runs queued or running"},
    503: {"model": ErrorBody, "description": "The server is stopping"}}


def attachment_header(filename: str) -> str:
    """The Content-Disposition of a download (RFC 6266): HTTP headers are Latin-1, so a name with other characters (a
    run labelled in Polish, Greek or Japanese) is sent as UTF-8 in `filename*`, with an ASCII `filename` (accents
    dropped, other characters left out) for clients that do not read it."""
    stem, dot, suffix = filename.rpartition(".") if "." in filename else (filename, "", "")
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    plain = "".join(c if c.isprintable() and c not in '"\\' else "_" for c in plain)
    plain = re.sub(r"-{2,}", "-", plain).strip("-_ ") or "download"  # the dashes left around dropped letters
    plain = f"{plain}{dot}{suffix}"
    if plain == filename:
        return f'attachment; filename="{plain}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _scenario(name: str) -> Scenario:
    """Only built-in names: a request can never make the server read a file of its choosing."""
    if name not in builtin_scenarios():
        raise HTTPException(404, f"no built-in scenario named {name!r} (known: {', '.join(builtin_scenarios())})")
    return load_scenario(name)


def _error(status: int, message: str, problems: list[str] | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "problems": problems or []}, status_code=status, headers=headers)


def _allowed_methods(app: FastAPI, scope: dict[str, Any]) -> list[str]:
    methods = set()
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:  # answered by HeadAsGet
        methods.add("HEAD")
    return sorted(methods)


def create_app(store: str | Path | None = None, workers: int = 1, executor: str = "local", token: str | None = None,
               limits: Limits | None = None, allowed_hosts: AllowedHosts | None = None) -> FastAPI:
    """The application. Runs are computed by the experiment executor `executor` (`local`: `workers` processes per
    run; or `dask://HOST:PORT`) and recorded in the results store `store` (default: the CLI's, $TOTALPEACE_STORE or
    out/store). With a `token`, every API call must send `Authorization: Bearer <token>`; `limits` caps what one
    request may ask; `allowed_hosts` the names a request's Host header may give (default: localhost and loopback
    addresses)."""
    limits = limits or Limits()
    manager = RunManager(ResultsStore(store), executor=executor, workers=workers, max_active=limits.max_active_runs)
    cache: OrderedDict[tuple[str, ...], Any] = OrderedDict()  # figures and pages, the most recent CACHE_SIZE
    cache_lock = threading.Lock()

    previews = Previews()

    def resolve(request: dict[str, Any]) -> tuple[Scenario, Scenario, dict[str, Any]]:
        """A stored request back to (resolved scenario, base, levers), as when it was first accepted."""
        body = RunRequest.model_validate(request)
        base = _scenario(body.scenario)
        sets = overrides(body.levers, base)
        resolved = load_scenario(body.scenario, sets)
        return resolved, base, lever_settings(resolved, sets)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        manager.open()
        manager.restore(resolve)
        previews.warm(load_scenario(next(iter(builtin_scenarios()))))
        yield
        manager.shutdown()

    app = FastAPI(title="totalpeace dashboard", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Run ensembles of a peace-process scenario with changed levers, follow their progress, "
                              "read charts and maps, compare with a baseline and download summary.json and reports.")
    app.state.manager = manager
    app.state.limits = limits
    for name, path in (("plotly.min.js", PLOTLY_JS), ("figures.js", FIGURES_JS)):  # before /static's mount

        def asset(path: Path = path) -> FileResponse:
            return FileResponse(path, media_type="text/javascript")

        app.add_api_route(f"/static/{name}", asset, methods=["GET"], include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(HeadAsGet)
    app.add_middleware(Guard, token=token, max_body_bytes=limits.max_body_bytes, allowed_hosts=allowed_hosts)

    def openapi() -> dict[str, Any]:
        """The schema, declaring the bearer token when the server has one (so /docs can send it)."""
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            request = schema["components"]["schemas"]["RunRequest"]["properties"]  # this server's own choices
            request["scenario"]["enum"] = sorted(builtin_scenarios())
            request["runs"]["maximum"] = limits.max_runs
            if token:
                schema.setdefault("components", {})["securitySchemes"] = {"token": {"type": "http",
                                                                                    "scheme": "bearer"}}
                for operations in schema["paths"].values():
                    for operation in operations.values():
                        operation["security"] = [{"token": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"internal error: {type(exc).__name__}: {exc}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's answer to a body that is not JSON text at all: invalid input too
            return _error(422, f"body: not valid JSON ({exc.detail})")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only those of the first route matching it
            headers["Allow"] = ", ".join(_allowed_methods(app, request.scope))
        return _error(exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"(top level): the body is not valid JSON ({e.get('ctx', {}).get('error', e['msg'])} at "
                    f"character {e['loc'][-1]})" if e.get("type") == "json_invalid" else
                    f"{format_path([p for p in e['loc'] if p != 'body'])}: {validation_message(e)}"
                    for e in exc.errors()]
        sent = request.headers.get("content-type", "")
        if request.method in ("POST", "PUT") and "json" not in sent:  # FastAPI reads only a JSON body as an object
            problems = [f"(top level): send the body as JSON with Content-Type: application/json (got "
                        f"{sent or 'no Content-Type'})"]
        return _error(422, problems[0] if len(problems) == 1 else f"{len(problems)} problems: " + "; ".join(problems),
                      problems)

    @app.exception_handler(InputError)
    async def input_error(_: Request, exc: InputError) -> JSONResponse:
        return _error(422, exc.message, exc.problems)

    @app.exception_handler(LeverError)
    async def lever_error(_: Request, exc: LeverError) -> JSONResponse:
        return _error(422, str(exc))

    def finished(run_id: str) -> tuple[Run, Any]:
        run = manager.get(run_id)
        if run is None:
            raise HTTPException(404, f"no run with id {run_id!r}")
        if run.status != "done":
            raise HTTPException(409, f"run {run_id} is {run.status}, not done")
        results = manager.results(run_id) or manager.recompute(run_id)
        if results is None:
            raise HTTPException(404, f"run {run_id}: its results are no longer in memory (its runs are in the "
                                     f"results store as experiment {run.experiment!r})")
        return run, results

    def cached(key: tuple[str, ...], make: Any) -> Any:
        with cache_lock:
            if key in cache:
                return cache[key]
        value = make()
        with cache_lock:
            cache[key] = value
            while len(cache) > CACHE_SIZE:
                cache.popitem(last=False)
        return value

    def resolve_body(body: RunRequest) -> tuple[Scenario, Scenario, dict[str, Any]] | JSONResponse:
        """The request's scenario with its levers applied, or the 422 naming the lever at fault."""
        base = _scenario(body.scenario)
        sets = overrides(body.levers, base)
        try:
            resolved = load_scenario(body.scenario, sets)
        except InputError as exc:
            problems = lever_problems(exc.problems, sets)
            return _error(422, problems[0] if len(problems) == 1 else "; ".join(problems), problems)
        return resolved, base, sets

    def page_figures(results: Any, scenario: Scenario, summary: dict[str, Any]) -> dict[str, Any]:
        """Every figure of an ensemble for the page, without the GeoJSON (fetched once per scenario)."""
        figs = run_figures(results, maps.territory_shapes(scenario), summary, population_of(scenario))
        return {k: v for k, v in figs.items() if k != "geo"}

    def policy_payload(base: Scenario, resolved: Scenario) -> dict[str, Any]:
        """The policy a run assumed, its changes from the scenario's own, and the settings that load but do nothing
        (what the command line prints as warnings: a concession's territories outside a zone, a guarantor of a group
        with neither a table nor a ceasefire, a date after the horizon)."""
        record, base_record = policy_record(resolved), policy_record(base)
        return {"rows": policy_rows(record), "changes": policy_difference_rows(base_record, record),
                "levers": record["levers"],
                "notices": [f"{format_path(n[0])}: {n[1]}" for n in notices(resolved)]}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> FileResponse:
        """Swagger UI from the files shipped in static/swagger-ui (never a CDN: it works offline, under the CSP)."""
        return FileResponse(STATIC / "docs.html")

    @app.get("/api/scenarios", response_model=list[ScenarioInfo], responses=AUTH, summary="Built-in scenarios")
    def scenarios() -> list[dict[str, Any]]:
        out = []
        for name in builtin_scenarios():
            s = load_scenario(name)
            out.append({"name": name, "description": s.description, "start": s.start, "months": s.months,
                        "groups": len(s.groups)})
        return out

    @app.get("/api/scenarios/{name}", responses=ERRORS, summary="A scenario's levers, their values and choices")
    def scenario(name: str) -> dict[str, Any]:
        s = _scenario(name)
        return {"name": name, "description": s.description, **describe_levers(s)}

    @app.get("/api/scenarios/{name}/geo", responses=ERRORS, summary="The scenario's territories as GeoJSON")
    def scenario_geo(name: str) -> Response:
        return fast_json(previews.geo(_scenario(name)))

    @app.get("/api/scenarios/{name}/start", responses=ERRORS,
             summary="Maps of the starting situation (state control and leading actor in the first month)")
    def scenario_start(name: str) -> dict[str, Any]:
        s = _scenario(name)
        return {**previews.start(s), "policy": policy_payload(s, s)}

    @app.post("/api/preview", responses=ERRORS, summary="A small ensemble computed at once (not stored)")
    def preview(body: RunRequest) -> Any:
        months = body.months or _scenario(body.scenario).months
        most_runs = min(MAX_PREVIEW_RUNS, limits.max_runs)
        most_run_months = min(MAX_PREVIEW_RUN_MONTHS, limits.max_run_months)
        if body.runs > most_runs or body.runs * months > most_run_months:
            return _error(422, f"runs: a preview runs at most {most_runs} runs and {most_run_months} run-months "
                               "(start a full run for more)")
        found = resolve_body(body)
        if isinstance(found, JSONResponse):
            return found
        resolved, base, _ = found
        started = time.perf_counter()
        runs = preview_runs(body.runs, months, len(previews.geo(resolved)["features"]))
        results = previews.run(resolved, runs, body.seed, months)
        summary = results.summary()
        figs = page_figures(results, resolved, summary)
        return fast_json({"preview": True, "runs": runs, "months": months, "seed": body.seed,
                          "headlines": headlines(summary), "policy": policy_payload(base, resolved),
                          "figures": figs, "seconds": round(time.perf_counter() - started, 3)})

    @app.post("/api/runs", status_code=202, response_model=RunStatus, responses=START_ERRORS,
              summary="Start an ensemble")
    def start_run(body: RunRequest) -> Any:
        base = _scenario(body.scenario)
        if body.runs > limits.max_runs:
            return _error(422, f"runs: at most {limits.max_runs} runs per request on this server (got {body.runs})")
        months = body.months or base.months
        if body.runs * months > limits.max_run_months:
            return _error(422, f"runs x months: {body.runs} x {months} = {body.runs * months} run-months is more "
                               f"than this server's limit of {limits.max_run_months} per request")
        found = resolve_body(body)
        if isinstance(found, JSONResponse):
            return found
        resolved, base, sets = found
        try:
            run = manager.submit(resolved, base, lever_settings(resolved, sets), body.model_dump(mode="json"),
                                 runs=body.runs, seed=body.seed, months=body.months or resolved.months)
        except TooManyRuns as exc:
            return _error(429, str(exc), headers={"Retry-After": "10"})
        except ShuttingDown as exc:
            return _error(503, str(exc))
        return run.public()

    @app.get("/api/runs", response_model=list[RunStatus], responses=AUTH,
             summary="Every run: this session's and those of earlier sessions kept in the results store")
    def runs() -> list[dict[str, Any]]:
        return [r.public() for r in manager.list()]

    @app.get("/api/runs/{run_id}", response_model=RunStatus, responses=ERRORS, summary="Status and progress")
    def status(run_id: str) -> dict[str, Any]:
        run = manager.get(run_id)
        if run is None:
            raise HTTPException(404, f"no run with id {run_id!r}")
        return run.public()

    @app.delete("/api/runs/{run_id}", response_model=RunStatus, responses=ERRORS, summary="Cancel a run")
    def cancel(run_id: str) -> dict[str, Any]:
        run = manager.get(run_id)
        if run is None:
            raise HTTPException(404, f"no run with id {run_id!r}")
        if run.status not in ("queued", "running"):
            raise HTTPException(409, f"run {run_id} is already {run.status}")
        if manager.cancel(run_id) is None:
            state = "being cancelled" if run.active else run.status
            raise HTTPException(409, f"run {run_id} is already {state}")
        manager.wait(run_id, timeout=CANCEL_WAIT_SECONDS)  # the answer gives the state the cancel led to
        return run.public()

    def attachment(text: str | bytes, media: str, filename: str) -> Response:
        return Response(text, media_type=media, headers={"Content-Disposition": attachment_header(filename)})

    @app.get("/api/runs/{run_id}/summary.json", responses=ERRORS, summary="Download summary.json")
    def summary(run_id: str) -> Response:
        _, results = finished(run_id)
        text = cached(("summary", run_id), lambda: json.dumps(results.summary(), indent=2, allow_nan=False,
                                                               ensure_ascii=False))
        return attachment(text, "application/json", "summary.json")

    @app.get("/api/runs/{run_id}/summary.csv", responses=ERRORS,
             summary="Download summary.json as a flat table (CSV)")
    def summary_csv(run_id: str) -> Response:
        _, results = finished(run_id)
        return attachment(summary_frame(results.summary()).to_csv(index=False), "text/csv", "summary.csv")

    @app.get("/api/runs/{run_id}/results.csv", responses=ERRORS,
             summary="Download every run's monthly values (tidy CSV: run, month, metric, group, value)")
    def results_csv(run_id: str) -> Response:
        _, results = finished(run_id)
        return attachment(csv_bytes(results.frame_table()), "text/csv", "results.csv")

    @app.get("/api/runs/{run_id}/territories.csv", responses=ERRORS,
             summary="Download the territories' monthly means (CSV)")
    def territories_csv(run_id: str) -> Response:
        _, results = finished(run_id)
        return attachment(csv_bytes(results.territory_frame()), "text/csv", "territories.csv")

    @app.get("/api/runs/{run_id}/scenario.toml", responses=ERRORS,
             summary="Download the run's policy as a scenario file that reruns from the command line")
    def scenario_toml(run_id: str) -> Response:
        run = manager.get(run_id)
        if run is None:
            raise HTTPException(404, f"no run with id {run_id!r}")
        name = scenario_file_name(run)
        text = variant_toml(run.base.name, policy_levers(run.base), policy_levers(run.scenario), name,
                            description=f"Dashboard run {run.id}: {run.label}",
                            months=run.months if run.months != run.base.months else None,
                            command=f"totalpeace run {name}.toml --runs {run.runs} --seed {run.seed} "
                                    f"--uncertainty {run.uncertainty}")
        return attachment(text, "application/toml", f"{name}.toml")

    @app.get("/api/runs/{run_id}/report.html", response_class=HTMLResponse, responses=HTML_ERRORS,
             summary="Download the report")
    def report(run_id: str) -> HTMLResponse:
        run, results = finished(run_id)
        page = cached(("report", run_id),
                      lambda: render_report(results, sources=data_sources(run.scenario),
                                            shapes=maps.territory_shapes(run.scenario),
                                            figures=figures(run_id, run, results)))
        return HTMLResponse(page, headers={"Content-Disposition": attachment_header("report.html")})

    def figures(run_id: str, run: Run, results: Any) -> dict[str, Any]:
        return cached(("figures", run_id), lambda: run_figures(results, maps.territory_shapes(run.scenario),
                                                               population=population_of(run.scenario)))

    def labels(run: Run, base_run: Run) -> tuple[str, str]:
        return (base_run.label, run.label)

    def comparison_figs(run: Run, base_run: Run, baseline: Any, variant: Any) -> dict[str, Any]:
        return cached(("comparison", run.id, base_run.id),
                      lambda: comparison_figures(baseline, variant, labels(run, base_run),
                                                 maps.territory_shapes(run.scenario)))

    @app.get("/api/runs/{run_id}/charts", responses=ERRORS,
             summary="Headlines, the policy, each negotiation table's outcome and why, and every chart and map as "
                                                      "Plotly figures (JSON)")
    def chart_data(run_id: str) -> Response:
        run, results = finished(run_id)
        figs = {k: v for k, v in figures(run_id, run, results).items() if k != "geo"}
        return fast_json({"headlines": headlines(results.summary()), "policy": policy_payload(run.base, run.scenario),
                          "negotiation": table_blocks(results), **figs})

    @app.get("/api/runs/{run_id}/compare/{baseline_id}", responses=ERRORS,
             summary="Differences from a baseline run in every year, with 80% intervals, and side-by-side figures")
    def comparison(run_id: str, baseline_id: str) -> Response:
        run, variant = finished(run_id)
        base_run, baseline = finished(baseline_id)

        def make() -> dict[str, Any]:
            diff = differences.difference(baseline, variant)
            names = labels(run, base_run)
            columns, rows = differences.difference_table(diff)
            figs = comparison_figs(run, base_run, baseline, variant)
            return {"headlines": comparison_headlines(diff, names), "paired": diff["paired"],
                    "statistic": differences.STATISTIC, "columns": columns, "rows": rows,
                    "policy_changes": policy_difference_rows(policy_record(base_run.scenario),
                                                             policy_record(run.scenario)),
                    "figures": {k: v for k, v in figs.items() if k != "geo"}, "differences": diff["metrics"]}

        return fast_json(cached(("compare", run_id, baseline_id), make))

    @app.get("/api/runs/{run_id}/compare/{baseline_id}/report.html", response_class=HTMLResponse, responses=HTML_ERRORS,
             summary="Download the comparison report")
    def comparison_report(run_id: str, baseline_id: str) -> HTMLResponse:
        run, variant = finished(run_id)
        base_run, baseline = finished(baseline_id)
        differences.check_comparable(baseline, variant)  # 422 before rendering, as the JSON comparison answers
        page = cached(("compare-report", run_id, baseline_id),
                      lambda: render_comparison(baseline, variant, labels(run, base_run),
                                                sources=data_sources(run.scenario),
                                                shapes=maps.territory_shapes(run.scenario),
                                                figures=figures(run_id, run, variant),
                                                comparison=comparison_figs(run, base_run, baseline, variant),
                                                baseline_sources=data_sources(base_run.scenario)))
        return HTMLResponse(page, headers={"Content-Disposition": attachment_header("comparison.html")})

    return app


def population_of(scenario: Scenario) -> Any:
    """Each territory's population (department summaries of municipal runs), or None when the data lack it."""
    from totalpeace.territories import load_territories

    frame = load_territories(scenario.territories).frame
    return frame["population"].to_numpy(float) if "population" in frame else None


def fast_json(content: Any) -> Response:
    """Large figure payloads encoded by json directly (FastAPI's encoder walks every number in Python)."""
    return Response(json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")),
                    media_type="application/json")


def scenario_file_name(run: Run) -> str:
    """A scenario name for a run's TOML: the base's name and the run's label (or id), in the characters a scenario
    name allows."""
    label = "".join(c if c.isalnum() or c in "-_" else "-" for c in (run.request.get("label") or run.id).lower())
    label = "-".join(part for part in label.split("-") if part)[:40] or run.id
    return f"{run.base.name}-{label}"
