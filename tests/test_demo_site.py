"""The bundled demo site audited end to end: every page's declared findings, and nothing else.

Like axe-core's integration fixtures, each demo page lists in ``expected.json`` the check ids that
must fail or need review there; a missing or an unexpected finding fails the test.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from auditor.demo.server import DemoServer
from auditor.engine import AuditOptions, audit
from auditor.model import Outcome, RunResult, SiteSpec
from auditor.notice import build
from auditor.verdict import default_table

# Every test reads one engine run of the whole demo site (the engine's own Renderer).
pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXPECTED = json.loads(
    resources.files("auditor.demo").joinpath("site/expected.json").read_text(encoding="utf-8")
)
PAGES = sorted(k for k in EXPECTED if k.endswith(".html"))
AS_OF = date.fromisoformat(EXPECTED["as_of"])  # the demo's dates are fresh or stale as of this day


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    out = tmp_path_factory.mktemp("demo-run")
    with DemoServer() as server:
        site = SiteSpec(url=server.url, name="示例市人民政府", code="3701000001", region="示例市")
        options = AuditOptions(out_dir=out, max_pages=len(PAGES) + 5, test_mode=True, as_of=AS_OF)
        return asyncio.run(audit([site], options))


def _page_key(url: str) -> str:
    path = urlsplit(url).path.lstrip("/")
    return path or "index.html"


def test_crawl_reaches_every_demo_page(demo_run: RunResult) -> None:
    audited = {_page_key(p.url) for p in demo_run.sites[0].pages}
    assert audited == set(PAGES)


@pytest.mark.parametrize("path", PAGES)
def test_page_has_exactly_its_declared_findings(demo_run: RunResult, path: str) -> None:
    page = next(p for p in demo_run.sites[0].pages if _page_key(p.url) == path)
    found = sorted({f.check for f in page.findings if f.is_problem})
    assert page.page_type == EXPECTED[path]["page_type"]
    assert found == sorted(EXPECTED[path]["expected"])
    errors = [f for f in page.findings if f.outcome is Outcome.ERROR]
    assert errors == []


def test_site_has_exactly_its_declared_site_findings(demo_run: RunResult) -> None:
    found = sorted({f.check for f in demo_run.sites[0].findings if f.is_problem})
    assert found == sorted(EXPECTED["site"]["expected"])
    assert {f.check for f in demo_run.sites[0].findings} == {"column-update"}


def test_every_problem_has_an_evidence_png(demo_run: RunResult, tmp_path: Path) -> None:
    problems = [f for s in demo_run.sites for p in s.pages for f in p.problems]
    assert problems, "the demo site has seeded defects"
    for f in problems:
        assert f.evidence.endswith(".png"), f
    first = demo_run.sites[0].pages[0]
    assert first.screenshot.endswith(".png")


def test_found_elements_are_pointed_at(demo_run: RunResult) -> None:
    by_check = {f.check: f for s in demo_run.sites for p in s.pages for f in p.problems}
    police = by_check["footer-police-record"]
    assert police.selector and police.rect and "公安备" in police.snippet
    missing_icp = by_check["footer-icp"]
    assert missing_icp.rect is None and missing_icp.region == "footer"


def test_stale_column_evidence_points_at_the_newest_row(demo_run: RunResult) -> None:
    stale = next(
        f
        for s in demo_run.sites
        for p in s.pages
        for f in p.problems
        if f.check == "column-freshness"
    )
    # The newest entry's own row, not a wrapper that happens to contain the list.
    assert "li:nth-of-type(1)" in stale.selector
    assert stale.rect is not None and stale.rect.height < 80


def test_the_demo_notice_says_what_its_checked_in_expectation_says(
    demo_run: RunResult, tmp_path: Path
) -> None:
    """The notice's verdict, 附件2 row and problem lines for the demo, as an office would read them."""
    expected = json.loads(
        resources.files("auditor.demo")
        .joinpath("site/notice_expected.json")
        .read_text(encoding="utf-8")
    )
    data = build(demo_run, default_table(), tmp_path)
    (site,) = data.sites
    url = site.spec.url
    assert {
        "label": site.verdict.label,
        "score": site.verdict.score,
        "decisive": site.verdict.decisive,
    } == expected["verdict"]
    assert [[r.region, r.running, r.checked, r.passed, r.rate] for r in data.regions] == expected[
        "region_rows"
    ]
    assert [[ln.check, ln.text.replace(url, "/")] for ln in site.lines] == expected["lines"]
