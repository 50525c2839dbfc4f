"""The axe gatherer in real Chromium on the fixture pages (``tests/fixtures/a11y``).

Like axe-core's own integration tests, each fixture page declares in ``expected.json`` exactly which
rules must be violations (and which incomplete); any other result fails. Pages that make axe slow
must end at the time limit with an error, and leave the tab usable.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import A11Y_FIXTURES as FIXTURES
from helpers import BrowserSession, RunAsync
from playwright.async_api import Page

from auditor.demo.server import DemoServer
from auditor.gather.axe import MAX_NODES_PER_RULE, axe_version, run_axe

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def page(browser_session: BrowserSession) -> Iterator[Page]:
    """One tab of the session browser for the whole module (axe runs in the page, tab by tab)."""
    session = browser_session
    tab = session.run(lambda: session.browser.new_page(viewport={"width": 1366, "height": 768}))
    yield tab
    session.run(tab.close)


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(root=FIXTURES) as s:
        yield s


def axe_on(run_async: RunAsync, page: Page, url: str, **kw: Any) -> dict[str, Any]:
    run_async(page.goto(url, wait_until="load"))
    return run_async(run_axe(page, **kw))


def test_every_fixture_page_is_declared() -> None:
    declared = set(EXPECTED["axe"]) | set(EXPECTED["time_limit"]) | set(EXPECTED["elderly"])
    assert {p.name for p in FIXTURES.glob("*.html")} == declared


@pytest.mark.parametrize("name", sorted(EXPECTED["axe"]))
def test_fixture_page_has_exactly_its_declared_axe_results(
    run_async: RunAsync, page: Page, server: DemoServer, name: str
) -> None:
    result = axe_on(run_async, page, server.url + name)
    assert "error" not in result, result.get("error")
    want = EXPECTED["axe"][name]
    assert sorted(v["id"] for v in result["violations"]) == sorted(want["violations"])
    assert sorted(v["id"] for v in result["incomplete"]) == sorted(want["incomplete"])
    assert result["version"] == axe_version() != ""
    assert result["passes"] > 0
    for v in result["violations"] + result["incomplete"]:
        assert CJK.search(v["help"]), f"help text not Chinese: {v['help']}"
        assert v["nodes"] and v["nodes_total"] == len(v["nodes"]) + v["nodes_cut"]
        for node in v["nodes"]:
            assert node["target"] and len(node["html"]) <= 300
            assert CJK.search(node["failureSummary"])
            assert node["rect"] is not None and node["rect"]["width"] > 0


def test_violation_points_at_the_element_in_document_coordinates(
    run_async: RunAsync, page: Page, server: DemoServer
) -> None:
    run_async(page.goto(server.url + "missing-alt.html"))
    expected = run_async(page.evaluate("document.getElementById('news-photo').offsetTop"))
    # Scrolling must not move document coordinates: they are the full-page screenshot's.
    run_async(page.evaluate("document.body.style.height = '4000px'; window.scrollTo(0, 100)"))
    result = run_async(run_axe(page))
    (node,) = result["violations"][0]["nodes"]
    assert node["target"] == "#news-photo"
    assert node["rect"]["y"] == pytest.approx(expected, abs=1)
    assert node["rect"]["width"] == 320 and node["rect"]["height"] == 180
    assert run_async(page.evaluate("window.scrollY")) == 100  # the run left the scroll alone


def test_violation_inside_an_iframe_is_found_and_placed_on_the_page(
    run_async: RunAsync, page: Page, server: DemoServer
) -> None:
    result = axe_on(run_async, page, server.url + "frame.html")
    (node,) = result["violations"][0]["nodes"]
    assert node["target"] == "#embedded >>> #news-photo"
    frame_top = run_async(page.evaluate("document.getElementById('embedded').offsetTop"))
    assert node["rect"]["y"] > frame_top + 100  # inside the frame, below its heading


def test_nodes_are_capped_per_rule_and_the_cut_is_counted(run_async: RunAsync, page: Page) -> None:
    imgs = "".join(f"<img src='data:,' width='10' height='10' id='i{i}'>" for i in range(30))
    run_async(
        page.set_content(
            f"<!doctype html><html lang='zh-CN'><title>许多图片</title><body>{imgs}</body></html>"
        )
    )
    result = run_async(run_axe(page))
    (rule,) = [v for v in result["violations"] if v["id"] == "image-alt"]
    assert len(rule["nodes"]) == MAX_NODES_PER_RULE
    assert rule["nodes_total"] == 30 and rule["nodes_cut"] == 30 - MAX_NODES_PER_RULE


def test_axe_that_never_answers_ends_at_the_time_limit(
    run_async: RunAsync, page: Page, server: DemoServer
) -> None:
    run_async(page.goto(server.url + "slow.html"))
    start = time.perf_counter()
    result = run_async(run_axe(page, time_limit_s=2.0))
    elapsed = time.perf_counter() - start
    assert "2 秒" in result["error"] and result["timed_out"] is True
    assert elapsed < 2.0 + 5.0
    assert result["page_usable"] is True
    assert run_async(page.evaluate("1 + 1")) == 2


def test_huge_page_is_interrupted_at_the_time_limit_and_the_tab_stays_usable(
    run_async: RunAsync, page: Page, server: DemoServer
) -> None:
    run_async(page.goto(server.url + "huge.html"))
    assert run_async(page.evaluate("document.getElementsByTagName('*').length")) > 25_000
    start = time.perf_counter()
    result = run_async(run_axe(page, time_limit_s=2.0))
    elapsed = time.perf_counter() - start
    assert result.get("timed_out") is True, result
    assert elapsed < 2.0 + 5.0
    assert result["page_usable"] is True
    # The same tab still renders and audits the next page.
    assert run_async(page.screenshot(timeout=5_000))
    after = axe_on(run_async, page, server.url + "clean.html")
    assert "error" not in after and after["violations"] == []


def test_navigation_during_the_run_is_an_error_not_an_exception(
    run_async: RunAsync, page: Page
) -> None:
    run_async(page.set_content("<html><body>x</body></html>"))

    async def navigate_midway() -> dict[str, Any]:
        task = asyncio.ensure_future(run_axe(page))
        await asyncio.sleep(0)
        await page.set_content("<html><body>y</body></html>")
        return await task

    result = run_async(navigate_midway())
    # Either axe finished first or the context was destroyed: never a raised exception.
    assert "error" in result or "violations" in result
