"""The dashboard in a real browser: Playwright drives Debian's Chromium against a live server.

Load the page, run a baseline, change levers, run again, see the charts and the map change, compare, download,
cancel. Screenshots go to out/test-screenshots/ (and to docs/img/ with TOTALPEACE_DOC_SCREENSHOTS=1).
"""

from __future__ import annotations

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
    page.locator(selector).evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", value)


def _run(page, label: str) -> None:
    page.fill("#runs", "20")
    page.fill("#months", "12")
    page.fill("#label", label)
    page.click("#run")
    page.wait_for_function("() => document.querySelector('#status').textContent.endsWith('done.')", timeout=120_000)


def test_dashboard_run_change_compare_download(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    external, blocked = [], _csp_violations(page)
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith((server, "data:")) else None)
    page.goto(server)
    page.wait_for_selector("body[data-ready='colombia-2022']", state="attached")
    assert page.input_value("#talks-mode") == "simultaneous"
    assert page.is_checked("[data-ceasefire='clan_del_golfo']")

    _run(page, "baseline")
    assert page.locator("#progress").evaluate("el => el.value") == 1
    before_map = page.inner_html("#map-control")
    before_talks = page.inner_html("#fan-groups_in_talks")
    assert "<svg" in before_map and "<svg" in page.inner_html("#map-leader")
    assert page.locator("#headlines li").count() >= 4
    assert page.is_hidden("#comparison")
    with page.expect_download() as info:
        page.click("#download-report")
    report = tmp_path / "report.html"
    info.value.save_as(report)
    assert 'id="headline"' in report.read_text(encoding="utf-8")

    page.select_option("#talks-mode", "none")
    _set_range(page, "#buy-in", 0.2)
    _set_range(page, "#decriminalization", 0.8)
    assert page.text_content("#buy-in-value") == "0.20"
    page.uncheck("[data-ceasefire='clan_del_golfo']")
    _run(page, "no talks")
    page.wait_for_selector("#comparison:not([hidden]) #compare-table tbody tr")
    assert page.inner_html("#map-control") != before_map
    assert page.inner_html("#fan-groups_in_talks") != before_talks
    assert page.locator("#compare-table tbody tr").count() == 10
    assert "no talks minus baseline" in page.text_content("#compare-headlines")
    assert page.inner_html("#baseline-map") == before_map
    _shot(page, "dashboard-full.png", docs=False, full_page=True)
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "dashboard.png")
    _shot(page.locator("#comparison"), "dashboard-compare.png")

    with page.expect_download() as info:
        page.click("#download-summary")
    summary = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert summary["runs"] == 20 and summary["months"] == 12
    assert summary["metrics"]["groups_in_talks"]["2023"]["p90"] == 0
    with page.expect_download() as info:
        page.click("#download-comparison")
    assert 'id="table-differences"' in Path(info.value.path()).read_text(encoding="utf-8")
    assert not external, f"the page fetched outside the server: {external}"
    assert not blocked, f"the page broke its Content-Security-Policy: {blocked}"

    shown = browser.new_page(viewport={"width": 1200, "height": 1500})
    shown.goto(report.as_uri())
    _shot(shown, "report.png")
    shown.close()
    page.close()


def test_dashboard_cancel(server, browser):
    page = browser.new_page()
    page.goto(server)
    page.wait_for_selector("body[data-ready='colombia-2022']", state="attached")
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
    page.wait_for_selector("body[data-ready='colombia-2022']", state="attached")
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
    fresh.wait_for_selector("body[data-ready='colombia-2022']", state="attached")
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
