"""首页不更新、栏目不更新、空白栏目 on rendered fixture pages (``tests/fixtures/columns``).

Each page declares in ``expected.json`` exactly which of the three checks fail on it: a missing
finding fails the test, and so does a false alarm. The pages are about what the renderer reads: a
dated list high on a page without a header element, a list in a header-like container, a header
clock, an undated list, a page of column names, an empty list container, linked pictures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import BrowserSession

from auditor.artifacts import Artifacts
from auditor.checks.base import run_check
from auditor.checks.freshness import column_empty, column_freshness, homepage_freshness
from auditor.demo.server import DemoServer
from auditor.extract import page as extract
from auditor.extract.entries import annual_report_links, channels
from auditor.model import Outcome, PageType, SiteSpec

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures" / "columns"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
PAGES = sorted(EXPECTED["freshness"])
CHECKS = (homepage_freshness, column_freshness, column_empty)


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(root=FIXTURES) as served:
        yield served


@pytest.fixture(scope="module")
def rendered(browser_session: BrowserSession, server: DemoServer) -> dict[str, Artifacts]:
    arts = browser_session.render_all([server.url + name for name in PAGES])
    out = {}
    for name, art in zip(PAGES, arts, strict=True):
        art.page_type = PageType(EXPECTED["freshness"][name]["page_type"])
        art.as_of = EXPECTED["as_of"]
        out[name] = art
    return out


def test_every_fixture_page_is_declared() -> None:
    declared = set(PAGES) | set(EXPECTED["labels"])
    assert {p.name for p in FIXTURES.glob("*.html")} == declared


@pytest.mark.parametrize("name", PAGES)
def test_page_fails_exactly_its_declared_column_rules(
    name: str, rendered: dict[str, Artifacts], server: DemoServer
) -> None:
    art = rendered[name]
    assert art.loaded, art.load_error
    site = SiteSpec(url=server.url)
    findings = [f for chk in CHECKS for f in run_check(chk, art, site)]
    assert not [f for f in findings if f.outcome is Outcome.ERROR]
    failed = sorted(f.check for f in findings if f.outcome is Outcome.FAIL)
    assert failed == sorted(EXPECTED["freshness"][name]["fail"]), [f.message for f in findings]


@pytest.mark.parametrize("name", EXPECTED["undated"])
def test_undated_list_is_reported_as_not_updated(
    name: str, rendered: dict[str, Artifacts], server: DemoServer
) -> None:
    finding = run_check(column_freshness, rendered[name], SiteSpec(url=server.url))[0]
    assert "栏目列表未标注发布日期，视为未更新" in finding.message
    assert finding.data["undated"] is True
    assert finding.rect is not None  # points at the list's first row


def test_empty_list_container_is_pointed_at(
    rendered: dict[str, Artifacts], server: DemoServer
) -> None:
    finding = run_check(column_empty, rendered["col-empty-list.html"], SiteSpec(url=server.url))[0]
    assert "栏目列表区域没有任何信息条目" in finding.message
    assert finding.selector.endswith("ul") and finding.rect is not None


def test_banner_without_header_element_is_the_header(rendered: dict[str, Artifacts]) -> None:
    art = rendered["home-short-banner.html"]
    assert art.header.found and art.header.rect is not None
    assert art.header.rect.height < 150  # the banner and its menu, not a fixed band
    menu = [lk for lk in art.links if lk.text == "要闻动态"]
    news = [lk for lk in art.links if lk.text.startswith("示例市召开")]
    assert menu and menu[0].region == "header"
    assert news and news[0].region == ""


def test_header_clock_is_no_list_entry(rendered: dict[str, Artifacts]) -> None:
    art = rendered["home-clock-stale.html"]
    assert not [i for i in art.list_items if "2026年11月27日" in i["date_text"]]


@pytest.mark.parametrize("name", sorted(EXPECTED["labels"]))
def test_pictures_label_their_links(
    name: str, rendered: dict[str, Artifacts], server: DemoServer
) -> None:
    art = rendered[name]
    want = {rule: server.url + href for rule, href in EXPECTED["labels"][name].items()}
    sitemap = extract.sitemap_link(art)
    contact = [f for f in extract.contact(art) if f.data.get("kind") == "link"]
    found = {
        "sitemap": sitemap.href if sitemap else None,
        "contact": contact[0].data["href"] if contact else None,
        "annual_report": next((lk.href for lk in annual_report_links(art)), None),
        "channel": next((lk.href for lk in channels(art)), None),
    }
    assert {rule: found[rule] for rule in want} == want
