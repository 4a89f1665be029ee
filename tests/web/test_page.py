"""The page at / in headless Chromium (Debian's, driven by Playwright): run a stored query, see its rows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.chromium import FLAGS, ChromiumMissing, ensure_chromium

from emkg import catalogue, paths, store

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "web-page.png"


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    try:
        executable = ensure_chromium()
    except ChromiumMissing as exc:
        pytest.fail(str(exc))
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=[f for f in FLAGS if f != "--headless"],
            viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        outside = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith("http://127.0.0.1") else None)
        page.outside_requests = outside
        yield page
        context.close()


def test_page_runs_a_stored_query_and_shows_its_rows(page, endpoint, built):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{endpoint}/")
    page.click("button[data-query='patients-by-relapse-site']")
    assert "relapse" in page.inner_text("#query-question").lower()
    page.fill("input[name='site']", "UBERON:0000473")
    page.click("#run")
    page.wait_for_selector("#result-table tbody tr", timeout=15_000)

    stored = catalogue.get("patients-by-relapse-site")
    columns, rows = store.select(store.open_read_only(paths.store_dir(built)), stored.text,
                                 stored.bindings({"site": "UBERON:0000473"}))
    headers = page.locator("#result-table thead th").all_inner_texts()
    assert headers == columns
    shown = page.locator("#result-table tbody tr").all()
    assert len(shown) == len(rows) > 0
    patient_column = columns.index("patient")
    shown_patients = sorted(r.locator("td").nth(patient_column).get_attribute("title") for r in shown)
    assert shown_patients == sorted(row[patient_column].value for row in rows)
    assert page.inner_text("#status") == f"{len(rows)} rows"
    assert errors == []


def test_yasgui_editor_is_served_locally_and_queries_the_endpoint(page, endpoint):
    page.goto(f"{endpoint}/")
    page.wait_for_selector("#yasgui .CodeMirror", timeout=15_000)
    page.evaluate("""() => {
        const cm = document.querySelector('#yasgui .CodeMirror').CodeMirror;
        cm.setValue('SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }');
    }""")
    page.click("#yasgui .yasqe_queryButton")
    page.wait_for_selector("#yasgui .yasr table td", timeout=15_000)
    assert "triples" in page.inner_text("#yasgui .yasr")
    assert page.outside_requests == []
    if os.environ.get("EMKG_SCREENSHOT"):  # refreshes docs/web-page.png (see README)
        page.click("button[data-query='response-by-relapse-site']")
        page.click("#run")
        page.wait_for_selector("#result-table tbody tr", timeout=15_000)
        page.screenshot(path=str(SCREENSHOT), full_page=False)
