"""A fault of the shared template is one problem: grouping, counting, one evidence picture."""

from __future__ import annotations

import json
from pathlib import Path

from builders import footer_page
from PIL import Image

from auditor.checking import SharedEvidence, check_page
from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    PageType,
    Role,
    RunResult,
    Severity,
    SiteResult,
    SiteSpec,
)
from auditor.problems import site_problems
from auditor.report.json_report import write_json
from auditor.verdict import default_table, judge

HOME = "https://www.example.gov.cn/"
PAGES = [HOME, *(f"{HOME}col/{i}/index.html" for i in range(1, 20))]
SITE = SiteSpec(url=HOME, name="示例市人民政府", code="1234000001")
FOOTER = ["主办单位：示例市人民政府办公室", "网站标识码：1234000001"]  # no ICP number


def _finding(check: str, page: str, **fields: object) -> Finding:
    base: dict[str, object] = {
        "check": check,
        "outcome": Outcome.FAIL,
        "severity": Severity.MODERATE,
        "role": Role.DEDUCT,
        "indicator": "x",
        "message": "网站底部功能区缺少ICP备案编号",
        "page_url": page,
    }
    return Finding(**{**base, **fields})  # type: ignore[arg-type]


def _broken(page: str, url: str) -> Finding:
    return _finding(
        "link-health",
        page,
        message=f"链接（{url}）HTTP 404",
        selector=f'a[href="{url}"]',
        data={"url": url, "kind": "http_error"},
    )


def _site(findings_by_page: dict[str, list[Finding]]) -> SiteResult:
    pages = [
        PageResult(url=u, page_type=PageType.HOME if u == HOME else PageType.COLUMN, findings=fs)
        for u, fs in findings_by_page.items()
    ]
    return SiteResult(site=SITE, pages=pages)


def test_a_footer_omission_on_20_pages_is_one_problem_with_20_occurrences():
    site = _site({u: [_finding("footer-icp", u, region="footer")] for u in PAGES})
    (problem,) = site_problems(site)
    assert problem.check == "footer-icp"
    assert problem.pages == tuple(PAGES)
    assert problem.count == 20
    assert problem.first.page_url == HOME


def test_different_elements_or_causes_stay_different_problems():
    site = _site(
        {
            HOME: [_broken(HOME, "https://a.example.gov.cn/x"), _broken(HOME, "https://b/y")],
            PAGES[1]: [_finding("footer-icp", PAGES[1], region="footer", outcome=Outcome.REVIEW)],
            PAGES[2]: [_finding("footer-icp", PAGES[2], region="footer")],
        }
    )
    assert [(p.check, p.count) for p in site_problems(site)] == [
        ("link-health", 1),
        ("link-health", 1),
        ("footer-icp", 1),  # review
        ("footer-icp", 1),  # fail
    ]


def test_broken_link_deduction_counts_links_not_occurrences():
    header = "https://www.example.gov.cn/old/zwgk.html"  # the template's header link, broken
    own = [f"https://www.example.gov.cn/doc/{i}.pdf" for i in range(3)]
    findings = {u: [_broken(u, header)] for u in PAGES}
    findings[PAGES[5]] += [_broken(PAGES[5], url) for url in own]
    (deduction,) = judge(_site(findings), default_table()).deductions
    assert deduction.checks == (("link-health", 2.0, 4),)  # 4 links × 0.5, not 23 × 0.5 capped


def test_json_lists_each_problem_with_its_occurrences_and_keeps_every_finding(tmp_path: Path):
    site = _site({u: [_finding("footer-icp", u, region="footer")] for u in PAGES})
    write_json(RunResult(started="2026-12-07T10:00:00+08:00", sites=[site]), tmp_path / "r.json")
    out = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["sites"][0]
    assert [(p["check"], p["count"], len(p["pages"])) for p in out["problems"]] == [
        ("footer-icp", 20, 20)
    ]
    assert sum(len(p["findings"]) for p in out["pages"]) == 20


def test_a_template_fault_is_drawn_once_and_later_pages_point_at_that_picture(tmp_path: Path):
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    Image.new("RGB", (1366, 2100), "white").save(site_dir / "p00.png")
    shared = SharedEvidence()
    results = []
    for index, url in enumerate(PAGES[:3]):
        art = footer_page(FOOTER, url=url, screenshot="p00.png")
        results.append(check_page(art, SITE, site_dir, index, tmp_path, shared))
    icp = [next(f for f in page.findings if f.check == "footer-icp") for page in results]
    assert all(f.outcome is Outcome.FAIL for f in icp)
    assert icp[0].evidence.startswith("site/evidence/p00-footer-icp")
    assert {f.evidence for f in icp} == {icp[0].evidence}
    assert not list((site_dir / "evidence").glob("p01-*")) and not list(
        (site_dir / "evidence").glob("p02-*")
    )


def test_without_sharing_every_page_draws_its_own_picture(tmp_path: Path):
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    Image.new("RGB", (1366, 2100), "white").save(site_dir / "p00.png")
    for index, url in enumerate(PAGES[:2]):
        check_page(
            footer_page(FOOTER, url=url, screenshot="p00.png"), SITE, site_dir, index, tmp_path
        )
    assert list((site_dir / "evidence").glob("p01-footer-icp-*"))


def test_the_manifest_lists_a_shared_picture_once_with_the_page_it_was_cut_from(tmp_path: Path):
    from auditor.run.manifest import site_entries

    site_dir = tmp_path / "site"
    site_dir.mkdir()
    shared = SharedEvidence()
    pages = []
    for index, url in enumerate(PAGES[:3]):
        Image.new("RGB", (1366, 2100), "white").save(site_dir / f"p{index:02d}.png")
        art = footer_page(FOOTER, url=url, screenshot=f"p{index:02d}.png")
        pages.append(check_page(art, SITE, site_dir, index, tmp_path, shared))
    entries = site_entries(tmp_path, SiteResult(site=SITE, pages=pages))
    icp = [e for e in entries if e.get("check") == "footer-icp"]
    assert len(icp) == 1
    assert icp[0]["url"] == HOME and icp[0]["path"].startswith("site/evidence/p00-footer-icp")
