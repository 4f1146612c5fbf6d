"""The dashboard in a real browser: Playwright drives Debian's Chromium against a live server.

One walk through what an analyst does: see the starting situation, move a lever and watch the preview update,
hover a chart, click a department, drag a map's time slider, run a full ensemble, download everything (the report
and the comparison report say which policy they assume; the scenario TOML reruns from the command line with the
same numbers), run a variant and compare, reload and find the runs again. Screenshots go to out/test-screenshots/
(and to docs/img/ with TOTALPEACE_DOC_SCREENSHOTS=1, `make screenshots`).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from support import live_server

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REPO = Path(__file__).resolve().parents[1]
SHOTS = REPO / "out" / "test-screenshots"
DOC_IMAGES = REPO / "docs" / "img"
LAPTOP = {"width": 1366, "height": 768}

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="/usr/bin/chromium is absent (make test installs it)")


def _serve(store: Path, token: str | None = None):
    """A live dashboard on a free loopback port; yields its address."""
    from totalpeace.server.app import create_app

    with live_server(create_app(store=store, workers=1, token=token)) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("guarded"), token="page-token")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def _shot(target, name: str, docs: bool = True, **options) -> None:
    """Screenshot of a page or an element into the test output (and the docs when asked)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=str(SHOTS / name), **options)
    if docs and os.environ.get("TOTALPEACE_DOC_SCREENSHOTS") == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(DOC_IMAGES / name), **options)


def _csp_violations(page) -> list[str]:
    """Messages of everything the page's Content-Security-Policy blocked (collected as the page runs)."""
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    return found


def _set_range(page, selector: str, value: float) -> None:
    page.locator(selector).evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value)


def _z(page, ident: str) -> list:
    """The values a map shows now (its first trace's z)."""
    return page.locator(f"#{ident}").evaluate("el => Array.from(el.data[0].z)")


def _run(page, label: str) -> None:
    page.fill("#runs", "20")
    page.fill("#months", "12")
    page.fill("#label", label)
    page.click("#run")
    page.wait_for_function("() => document.querySelector('#status').textContent.endsWith('done.')", timeout=120_000)


def _open(details) -> None:
    """Open a <details> by a click on its summary. A chart that is still settling can move the page under the click
    (seen once on a loaded machine), so a click that left it closed is made again, three times at most."""
    for _ in range(3):
        details.locator("summary").click()
        if details.evaluate("d => d.open"):
            return
        details.page.wait_for_timeout(500)
    raise AssertionError("three clicks on the summary did not open its details")


def _download(page, selector: str) -> str:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_text(encoding="utf-8")


def _policy_section(page_text: str, ident: str) -> str:
    start = page_text.index(f'id="{ident}"')
    return page_text[start:page_text.index("</table>", start)]


def test_dashboard_explore_run_compare_download(server, browser, tmp_path, cli, capsys):
    page = browser.new_page(viewport=LAPTOP, accept_downloads=True)
    external, blocked = [], _csp_violations(page)
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith((server, "data:", "blob:")) else None)
    page.goto(server)
    page.wait_for_selector("body[data-ready='colombia-2022']", state="attached", timeout=120_000)

    # before any run: the starting situation on a map, the Run button on screen on a 1366x768 laptop
    assert page.get_attribute("body", "data-view") == "start" and "starting situation" in page.text_content("#badge")
    assert page.locator("#map-control").get_attribute("data-drawn") == "yes"
    button = page.locator("#run").bounding_box()
    assert button["y"] + button["height"] <= LAPTOP["height"], button
    assert page.input_value("#talks-mode") == "simultaneous" and page.is_checked("[data-ceasefire='clan_del_golfo']")
    start_z = _z(page, "map-control")

    # a lever change runs a preview at once and redraws the maps, marked as a preview
    _set_range(page, "#decriminalization", 0.8)
    page.wait_for_function("() => document.body.dataset.previews === '1'", timeout=60_000)
    first_ms = int(page.get_attribute("body", "data-preview-ms"))
    _set_range(page, "#buy-in", 0.3)
    page.wait_for_function("() => document.body.dataset.previews === '2'", timeout=60_000)
    preview_ms = int(page.get_attribute("body", "data-preview-ms"))
    with capsys.disabled():  # the figure docs/dashboard.md quotes
        print(f"\npreview latency (request to charts and maps drawn): first {first_ms} ms, second {preview_ms} ms")
    assert "preview" in page.text_content("#badge").lower() and "Preview:" in page.text_content("#results-title")
    assert _z(page, "map-control") != start_z
    assert "Security-force buy-in" in page.text_content("#policy-changes")
    page.fill("[data-deadline='eln']", "2025-06")  # a deadline for the ELN's table (docs/validation.md 10.65)
    page.wait_for_function("() => document.body.dataset.previews === '3'", timeout=60_000)
    assert "Table with ELN: date for a final agreement: Jun 2025" in page.text_content("#policy-changes")
    assert "Table with ELN: missing that date ends the talks: yes" in page.text_content("#policy-changes")
    page.check("[data-target='eln']")  # only a target the sides set: missing it ends nothing (10.68)
    page.wait_for_function("() => document.body.dataset.previews === '4'", timeout=60_000)
    assert "Table with ELN: missing that date ends the talks: no" in page.text_content("#policy-changes")
    page.locator("#offers details").first.locator("summary").click()  # the ELN's table: no extradition on offer
    page.fill("[data-offer='eln|extradition']", "0")
    page.wait_for_function("() => document.body.dataset.previews === '5'", timeout=60_000)
    assert "Table with ELN: the state's mandate on extradition (0–1): 0.00" in page.text_content("#policy-changes")

    # hover values on a chart
    fan = page.locator("#fan-homicide_rate")
    fan.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('#fan-homicide_rate').dataset.drawn === 'yes'")
    box = page.locator("#fan-homicide_rate .nsewdrag").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_selector("#fan-homicide_rate .hoverlayer text", timeout=10_000)
    hover = page.locator("#fan-homicide_rate .hoverlayer").text_content()
    assert "median of runs" in hover and "80%" in hover, hover

    # a click on a department opens its own series
    page.locator("#map-control").scroll_into_view_if_needed()
    territories = page.evaluate("() => state.territories")
    before = page.get_attribute("#territory-series", "data-territory")
    shapes = page.locator("#map-control path.choroplethlocation")
    areas = [(b["width"] * b["height"], k) for k in range(shapes.count()) if (b := shapes.nth(k).bounding_box())]
    target = max(areas)[1]
    shapes.nth(target).click(force=True)
    page.wait_for_function(f"() => document.querySelector('#territory-series').dataset.territory !== '{before}'")
    clicked = page.get_attribute("#territory-series", "data-territory")
    name = territories["names"][territories["ids"].index(clicked)]
    assert name in page.locator("#territory-series .gtitle").text_content()

    # the time slider shows another month
    page.evaluate("() => window.lastZ = JSON.stringify(Array.from(document.querySelector('#map-control').data[0].z))")
    rail = page.locator("#map-control .slider-rail-rect").bounding_box()
    page.mouse.click(rail["x"] + 2, rail["y"] + rail["height"] / 2)
    page.wait_for_function("() => document.querySelector('#map-control .slider-group .slider-label').textContent"
                           ".includes('Month: Aug 2022')", timeout=10_000)
    page.wait_for_function("() => JSON.stringify(Array.from(document.querySelector('#map-control').data[0].z)) "
                           "!== window.lastZ", timeout=10_000)  # the map now shows August 2022

    # a full ensemble: downloads say what was assumed; the TOML reruns with the same numbers
    page.evaluate("() => window.scrollTo(0, 0)")
    _run(page, "decriminalise")
    assert "full ensemble" in page.text_content("#badge")
    tables = page.locator("#negotiation details")  # each table's outcome and why, the agenda with what was signed
    assert tables.count() >= 3 and "signed in" in tables.first.locator("summary").text_content()
    _open(tables.first)
    assert tables.first.locator("table").first.is_visible()
    assert "state's opening offer" in tables.first.locator("table").first.text_content()
    report = _download(page, "#download-report")
    assert "Drug decriminalisation (0 none – 1 full)</td><td>0.80" in _policy_section(report, "table-policy")
    (tmp_path / "report.html").write_text(report, encoding="utf-8")
    summary = json.loads(_download(page, "#download-summary"))
    assert summary["policy"]["levers"]["policy.decriminalization"] == 0.8 and summary["runs"] == 20
    rows = list(csv.DictReader(io.StringIO(_download(page, "#download-summary-csv"))))
    rate = next(r for r in rows if r["series"] == "homicide_rate" and r["year"] == "2023")
    assert float(rate["p50"]) == pytest.approx(summary["metrics"]["homicide_rate"]["2023"]["p50"])
    assert rate["period"] == "Jan–Jul 2023 (7 months)"
    toml = _download(page, "#download-toml")
    assert 'extends = "colombia-2022"' in toml and "decriminalization = 0.8" in toml
    (tmp_path / "variant.toml").write_text(toml, encoding="utf-8")
    assert "--uncertainty full" in toml  # as `totalpeace run` by default: forms, parameters, assumptions drawn
    assert summary["uncertainty"]["design"]["design"] == "full"
    code, _, err = cli("run", str(tmp_path / "variant.toml"), "--runs", "20", "--seed", "1", "--out",
                       str(tmp_path / "rerun"), "--no-report", "--uncertainty", "full")
    assert code == 0, err
    rerun = json.loads((tmp_path / "rerun" / "summary.json").read_text(encoding="utf-8"))
    assert rerun["metrics"] == summary["metrics"] and rerun["policy"]["levers"] == summary["policy"]["levers"]

    # a variant against it: the comparison says which levers differ and judges every year
    page.select_option("#talks-mode", "none")
    page.uncheck("[data-ceasefire='clan_del_golfo']")
    _run(page, "no talks")
    page.wait_for_selector("#comparison:not([hidden]) #compare-table tbody tr")
    assert "no talks minus decriminalise" in page.text_content("#compare-headlines")
    assert "Talks: how tables open" in page.text_content("#compare-policy")
    assert "median of paired differences" in page.text_content("#compare-statistic")
    page.evaluate("() => window.scrollTo(0, 0)")
    _shot(page, "dashboard.png")
    page.set_viewport_size({"width": LAPTOP["width"], "height": 1500})  # the comparison's top, maps drawn
    for chart in page.locator("#compare-maps .chart").all():  # maps are drawn as they come near the view
        chart.scroll_into_view_if_needed()
    page.evaluate("() => document.querySelector('#comparison').scrollIntoView({block: 'start'})")
    page.wait_for_function("() => [...document.querySelectorAll('#compare-maps .chart')].every(c => c.dataset.drawn "
                           "=== 'yes')", timeout=30_000)
    box = page.locator("#comparison").bounding_box()
    _shot(page, "dashboard-compare.png", clip={"x": box["x"], "y": max(box["y"], 0), "width": box["width"],
                                               "height": 1450})
    page.set_viewport_size(LAPTOP)
    comparison = _download(page, "#download-comparison")
    changes = _policy_section(comparison, "table-policy-differences")
    assert "Talks: how tables open" in changes and "Ceasefires" in changes
    assert 'id="table-policy-baseline"' in comparison and 'id="table-policy-variant"' in comparison
    assert not external, f"the page fetched outside the server: {external}"
    assert not blocked, f"the page broke its Content-Security-Policy: {blocked}"

    # a reload keeps every run (the server lists the results store's)
    page.reload()
    page.wait_for_selector("body[data-ready='colombia-2022']", state="attached", timeout=60_000)
    labels = page.locator("#history-table tbody tr td:first-child").all_text_contents()
    assert {"decriminalise", "no talks"} <= set(labels)
    assert page.get_attribute("body", "data-view").startswith("run-")

    shown = browser.new_page(viewport={"width": 1200, "height": 1400})
    shown.goto((tmp_path / "report.html").as_uri())
    shown.wait_for_selector("body[data-rendered='yes']", state="attached", timeout=60_000)
    _shot(shown, "report.png")
    shown.close()
    page.close()


def test_dashboard_cancel(server, browser):
    page = browser.new_page()
    page.goto(server)
    page.wait_for_selector("body[data-ready='colombia-2022']", state="attached", timeout=60_000)
    page.fill("#runs", "5000")
    page.fill("#months", "48")
    page.click("#run")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('running')", timeout=60_000)
    page.click("#cancel")
    page.wait_for_function("() => document.querySelector('#status').textContent.includes('cancelled')", timeout=60_000)
    assert page.is_enabled("#run") and page.is_disabled("#cancel")
    page.close()


def test_token_from_the_address_or_the_field(guarded, browser):
    page = browser.new_page()
    page.goto(f"{guarded}/?token=page-token")
    page.wait_for_selector("body[data-ready='colombia-2022']", state="attached", timeout=60_000)
    assert "token" not in page.url  # taken from the address bar, kept for this tab only
    _run(page, "with token")
    with page.expect_download() as info:  # downloads carry the token too
        page.click("#download-summary")
    assert json.loads(Path(info.value.path()).read_text(encoding="utf-8"))["runs"] == 20
    page.close()

    fresh = browser.new_page()
    fresh.goto(guarded)
    fresh.wait_for_selector("#token-form:not([hidden])")
    assert "needs a token" in fresh.text_content("#error")
    fresh.fill("#token", "wrong")
    fresh.click("#token-form button")
    fresh.wait_for_function("() => document.querySelector('#error').textContent.includes('wrong token')")
    fresh.fill("#token", "page-token")
    fresh.click("#token-form button")
    fresh.wait_for_selector("body[data-ready='colombia-2022']", state="attached", timeout=60_000)
    assert fresh.is_hidden("#token-form") and fresh.text_content("#error") == ""
    fresh.close()


def test_api_docs_work_offline_under_the_policy(guarded, browser):
    """/docs is Swagger UI from the package's own files: it renders every operation and authorises with the token
    without any request leaving the server and without breaking the Content-Security-Policy."""
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    external, blocked = [], _csp_violations(page)
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith((guarded, "data:")) else None)
    page.goto(f"{guarded}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_text_contents()
    assert "/api/runs" in paths and "/api/scenarios/{name}" in paths
    page.click("button.authorize")
    page.fill(".auth-container input", "page-token")
    page.click(".auth-btn-wrapper button.authorize")
    page.click("button.btn-done")
    page.click("#operations-default-scenarios_api_scenarios_get .opblock-summary")
    page.click("text=Try it out")
    page.click("text=Execute")
    page.wait_for_selector(".live-responses-table tbody .response-col_status", timeout=30_000)
    assert page.locator(".live-responses-table tbody .response-col_status").first.text_content().strip() == "200"
    _shot(page, "docs.png", docs=False)
    assert not external, f"/docs fetched outside the server: {external}"
    assert not blocked, f"/docs broke its Content-Security-Policy: {blocked}"
    page.close()
