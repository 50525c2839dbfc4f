"""Reporters read one RunResult and show it faithfully: JSON, HTML, JUnit and the terminal."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    PageType,
    Rect,
    Role,
    RunResult,
    Severity,
    SiteResult,
    SiteSpec,
)
from auditor.report import json_report
from auditor.report import progress as progress_module
from auditor.report.html import write_html
from auditor.report.json_report import read_json, write_json
from auditor.report.junit import write_junit
from auditor.report.progress import Progress
from auditor.report.terminal import print_summary

XSS = "<script>alert(1)</script>"
HOME = "https://www.example.gov.cn/"
ARTICLE = "https://www.example.gov.cn/art/2024/1/1/art_1.html"


def _finding(check: str, outcome: Outcome, message: str = "", **kw: object) -> Finding:
    defaults: dict[str, object] = {
        "severity": Severity.SERIOUS,
        "role": Role.DEDUCT,
        "indicator": "扣分指标/网站标识/ICP备案编号",
    }
    return Finding(check=check, outcome=outcome, message=message, **{**defaults, **kw})  # type: ignore[arg-type]


@pytest.fixture
def run() -> RunResult:
    home = PageResult(
        url=HOME,
        final_url=HOME,
        status=200,
        page_type=PageType.HOME,
        screenshot="pages/p01.png",
        load_ms=812.5,
        findings=[
            _finding(
                "footer-icp",
                Outcome.FAIL,
                f"底部ICP备案编号未链接工信部备案系统 {XSS}",
                selector="footer > p:nth-child(2)",
                snippet=f'<p class="icp">京ICP备12345678号{XSS}</p>',
                rect=Rect(400, 2796, 420, 24),
                region="footer",
                evidence="evidence/p01-footer-icp-1.png",
                rule="政府网站发展指引",
                data={"found": "京ICP备12345678号", "expected_host": "beian.miit.gov.cn"},
            ),
            _finding(
                "header-site-name",
                Outcome.FAIL,
                "页头未找到网站名称（应为“某某市人民政府”）",
                role=Role.VETO,
                severity=Severity.CRITICAL,
                region="header",
                evidence="evidence/p01-header-site-name-1.png",
            ),
            _finding("qr-image", Outcome.REVIEW, "二维码图片无法解码 [bold]请人工确认[/bold]"),
            _finding("link-check", Outcome.ERROR, "链接检查超时"),
            _finding("pubdate-meta", Outcome.NOT_APPLICABLE, "首页无需PubDate"),
            _finding("footer-sponsor", Outcome.PASS),
            _finding("footer-code", Outcome.PASS),
        ],
    )
    article = PageResult(
        url=ARTICLE,
        status=200,
        page_type=PageType.ARTICLE,
        screenshot="pages/p02.png",
        findings=[
            _finding(
                "pubdate-meta",
                Outcome.FAIL,
                '缺少 <meta name="PubDate">',
                evidence="evidence/p02-pubdate-meta-1.png",
            ),
            _finding("footer-icp", Outcome.PASS),
        ],
    )
    broken = PageResult(
        url="https://www.example.gov.cn/404.html", status=None, error="net::ERR_TIMED_OUT"
    )
    site = SiteResult(
        site=SiteSpec(url=HOME, name="某某市人民政府", code="1234000001", row=2),
        pages=[home, article, broken],
    )
    return RunResult(
        started="2025-03-01T09:00:00+08:00",
        finished="2025-03-01T09:05:00+08:00",
        as_of="2025-03-01",
        auditor_version="0.1.0",
        browser_version="Chromium 131.0.6778.33",
        options={"max_pages": 20},
        sites=[site],
        input_errors=["第5行：网址为空"],
    )


# JSON


def test_json_round_trip_is_equal(run: RunResult, tmp_path: Path):
    path = tmp_path / "run.json"
    write_json(run, path)
    assert read_json(path) == run


def test_json_is_utf8_with_chinese_unescaped_and_schema_tagged(run: RunResult, tmp_path: Path):
    path = tmp_path / "run.json"
    write_json(run, path)
    text = path.read_text(encoding="utf-8")
    assert "某某市人民政府" in text
    assert "\\u" not in text
    assert json.loads(text)["schema"] == "auditor-run/1"


def test_json_write_failure_keeps_old_file_and_leaves_no_temp(run: RunResult, tmp_path: Path):
    path = tmp_path / "run.json"
    write_json(run, path)
    before = path.read_bytes()
    bad = RunResult(started="x", options={"oops": object()})
    with pytest.raises(TypeError):
        write_json(bad, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]


def test_json_crash_while_writing_keeps_old_file(
    run: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "run.json"
    path.write_text("old", encoding="utf-8")

    def disk_full(_fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(json_report.os, "fsync", disk_full)
    with pytest.raises(OSError, match="disk full"):
        write_json(run, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.json"]


def test_read_json_rejects_unknown_schema(tmp_path: Path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"schema": "auditor-run/99", "started": "x"}), encoding="utf-8")
    with pytest.raises(ValueError, match="auditor-run/99"):
        read_json(path)


# HTML


def _html(run: RunResult, tmp_path: Path) -> str:
    """The index and every site page, one after the other."""
    path = tmp_path / "report.html"
    write_html(run, path)
    pages = sorted((tmp_path / "sites").glob("*.html"))
    return "\n".join(p.read_text(encoding="utf-8") for p in [path, *pages])


def test_html_escapes_page_derived_text(run: RunResult, tmp_path: Path):
    html = _html(run, tmp_path)
    assert XSS not in html
    assert html.count("<script") == 1  # the index's own search, nothing from a page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;p class=&#34;icp&#34;&gt;京ICP备12345678号" in html  # the snippet, escaped


def test_html_is_an_index_linking_one_page_per_site(run: RunResult, tmp_path: Path):
    write_html(run, tmp_path / "report.html")
    index = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<a href="sites/001.html">' in index
    assert "<img" not in index  # pictures live on the site pages
    page = (tmp_path / "sites" / "001.html").read_text(encoding="utf-8")
    assert '<a class="back" href="../report.html">' in page
    (tmp_path / "sites" / "009.html").write_text("old", encoding="utf-8")
    write_html(run, tmp_path / "report.html")  # a later report of the same folder
    assert sorted(p.name for p in (tmp_path / "sites").iterdir()) == ["001.html"]


def test_html_links_evidence_thumbnails_and_screenshots(run: RunResult, tmp_path: Path):
    html = _html(run, tmp_path)
    assert '<img src="../evidence/p01-footer-icp-1.png"' in html
    assert 'loading="lazy"' in html
    assert '<a href="../evidence/p01-footer-icp-1.png">' in html
    assert 'href="../pages/p01.png"' in html
    assert "col.c-ev { width: 256px; }" in html


def test_html_is_self_contained_and_in_chinese(run: RunResult, tmp_path: Path):
    html = _html(run, tmp_path)
    assert "<link" not in html
    assert 'src="http' not in html
    for text in ("开始时间", "检查日期", "浏览器版本", "Chromium 131.0.6778.33", "网站名称"):
        assert text in html
    for label in ("不通过", "需复核", "错误", "单项否决", "扣分", "致命", "严重", "首页", "文章页"):
        assert label in html, label
    assert "net::ERR_TIMED_OUT" in html
    assert "第5行：网址为空" in html


def test_html_lists_passes_collapsed_and_problems_in_the_table(run: RunResult, tmp_path: Path):
    html = _html(run, tmp_path)
    details = html[html.index("<details>") : html.index("</details>")]
    assert "<code>footer-sponsor</code>" in details
    assert "<code>footer-code</code>" in details
    assert "<code>pubdate-meta</code>" in details  # not applicable on the home page
    assert "footer-sponsor" not in html[: html.index("<details>")]
    # the veto failure is listed before the deduct failure on the home page
    assert html.index("header-site-name") < html.index("<code>footer-icp</code>")


def test_html_summary_counts_per_site(run: RunResult, tmp_path: Path):
    html = _html(run, tmp_path)
    row = html[html.index('<table class="summary">') : html.index("</table>")]
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in row.split('<td class="num')[1:]]
    assert cells == ["3", "3", "1", "2"]  # pages, fail, review, errors (one finding + one page)


# JUnit


def test_junit_counts_failures_errors_skipped(run: RunResult, tmp_path: Path):
    path = tmp_path / "junit.xml"
    write_junit(run, path)
    root = ET.parse(path).getroot()
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    # home: 7 checks, article: 2 checks, broken page: one page-load error
    assert len(cases) == 10
    assert len(suite.findall("testcase/failure")) == 3
    assert len(suite.findall("testcase/error")) == 2
    assert len(suite.findall("testcase/skipped")) == 2
    assert (
        suite.get("tests"),
        suite.get("failures"),
        suite.get("errors"),
        suite.get("skipped"),
    ) == (
        "10",
        "3",
        "2",
        "2",
    )
    assert root.get("failures") == "3"


def test_junit_cases_named_check_at_url_with_messages_and_evidence(run: RunResult, tmp_path: Path):
    path = tmp_path / "junit.xml"
    write_junit(run, path)
    cases = {c.get("name"): c for c in ET.parse(path).getroot().iter("testcase")}
    icp = cases[f"footer-icp @ {HOME}"]
    failure = icp.find("failure")
    assert failure is not None
    assert XSS in failure.get("message", "")  # the XML parser gives back the original text
    assert "evidence/p01-footer-icp-1.png" in (failure.text or "")
    evidence = [p.get("value") for p in icp.iter("property") if p.get("name") == "evidence"]
    assert evidence == ["evidence/p01-footer-icp-1.png"]
    review = cases[f"qr-image @ {HOME}"].find("skipped")
    assert review is not None and review.get("message", "").startswith("需人工复核: ")
    assert cases[f"pubdate-meta @ {HOME}"].find("skipped") is not None
    passed = cases[f"footer-sponsor @ {HOME}"]
    assert [c.tag for c in passed if c.tag != "properties"] == []


def test_junit_strips_characters_xml_cannot_hold(tmp_path: Path):
    page = PageResult(url=HOME, findings=[_finding("x-check", Outcome.FAIL, "bad\x00\x1bchar")])
    run = RunResult(started="t", sites=[SiteResult(site=SiteSpec(url=HOME), pages=[page])])
    path = tmp_path / "junit.xml"
    write_junit(run, path)
    failure = ET.parse(path).getroot().find(".//failure")
    assert failure is not None and failure.get("message") == "bad\ufffd\ufffdchar"


# terminal


def test_terminal_summary_shows_counts_and_problem_check_ids(run: RunResult):
    console = Console(record=True, width=160)
    print_summary(run, console)
    out = console.export_text()
    for header in ("网站", "页面", "通过", "不通过", "复核", "错误", "检查项", "证据"):
        assert header in out
    for check in ("footer-icp", "header-site-name", "qr-image", "link-check", "pubdate-meta"):
        assert check in out, check
    assert "page-load" in out
    assert "footer-sponsor" not in out  # passes are counted, not listed
    assert "evidence/p01-footer-icp-1.png" in out
    assert "[bold]请人工确认[/bold]" in out  # page text is not rich markup
    assert "某某市人民政府" in out


def test_terminal_summary_with_no_problems_says_so():
    page = PageResult(url=HOME, findings=[_finding("footer-icp", Outcome.PASS)])
    run = RunResult(started="t", sites=[SiteResult(site=SiteSpec(url=HOME), pages=[page])])
    console = Console(record=True, width=160)
    print_summary(run, console)
    assert "未发现问题" in console.export_text()


def test_progress_off_a_terminal_prints_a_line_per_site_and_a_summary_each_minute(monkeypatch):
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=False, width=120)
    with Progress(console, sites_total=2) as progress:
        progress.start(2)
        progress.add_total(3)
        progress.advance("https://www.example.gov.cn/")
        assert buf.getvalue() == ""  # no bar to draw, and under a minute: nothing yet
        progress.site_done("示例市人民政府", 5, "不合格")
        monkeypatch.setattr(progress_module, "SUMMARY_EVERY_S", 0.0)
        progress.advance("https://www.example.gov.cn/col/1.html")
    assert (progress.total, progress.completed, progress.sites_done) == (5, 2, 1)
    site_line, summary = buf.getvalue().splitlines()[:2]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d 完成 示例市人民政府：5个页面，不合格", site_line
    )
    assert summary.endswith("进度：网站 1/2，页面 2/5")


def test_progress_draws_growing_total_on_a_terminal():
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    with Progress(console) as progress:
        progress.start(2)
        progress.add_total(2)
        for n in range(4):
            progress.advance(f"page {n}")
    out = buf.getvalue()
    assert "4/4" in out
    assert "检查页面" in out
    assert "预计剩余" in out


def test_html_index_search_keeps_only_matching_sites_and_fits_1366_px(
    tmp_path: Path, run_async, chromium
):
    sites = [
        SiteResult(site=SiteSpec(url=f"https://www.s{n}.gov.cn/", name=name, region=region))
        for n, (name, region) in enumerate(
            [("自贡市人民政府", "自贡市"), ("泸州市人民政府", "泸州市"), ("自贡市教育局", "自贡市")]
        )
    ]
    write_html(RunResult(started="2026-11-27T09:00:00+08:00", sites=sites), tmp_path / "r.html")

    async def go() -> tuple[int, list[str]]:
        page = await chromium.new_page(viewport={"width": 1366, "height": 900})
        try:
            await page.goto((tmp_path / "r.html").as_uri())
            await page.fill("#q", "自贡")
            width = await page.evaluate("document.documentElement.scrollWidth")
            shown = await page.locator("tr.site:visible td:nth-child(2) a").all_inner_texts()
            return width, shown
        finally:
            await page.close()

    width, shown = run_async(go())
    assert width <= 1366
    assert shown == ["自贡市人民政府", "自贡市教育局"]
