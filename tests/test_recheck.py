"""复核 on a demo site whose defects are fixed (and one newly broken) between the two runs."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from auditor.demo.server import SITE_ROOT, DemoServer
from auditor.engine import AuditOptions
from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    Role,
    RunResult,
    Severity,
    SiteResult,
    SiteSpec,
)
from auditor.run.diff import BETTER, NEW, REMOVED, SAME, WORSE, diff_runs
from auditor.run.recheck import FIXED, NOT_FIXED, UNKNOWN, compare
from auditor.run.store import RunStore, audit_pending
from auditor.verdict import default_table

AS_OF = date(2026, 11, 27)  # the demo site's pages are dated for this day
ICP_LINE = "鲁ICP备05001234号-1"  # written into the footer by a script after load
JIUCUO = re.compile(r'<a id="jiucuo".*?</a>', re.S)
POLICE = re.compile(r'<span class="item"><a href="http://www\.beian\.gov\.cn.*?</span>', re.S)


def audit_into(run_dir: Path, url: str) -> None:
    site = SiteSpec(url=url, name="示例市人民政府", code="3701000001", region="示例市")
    store = RunStore.create(run_dir, [site], {"as_of": AS_OF.isoformat(), "started": "t"})
    options = AuditOptions(out_dir=run_dir, max_pages=1, test_mode=True, as_of=AS_OF)
    asyncio.run(audit_pending(store, options))
    store.close()


@pytest.fixture
def broken_site(tmp_path: Path):
    """The demo home page without its ICP number and without the 我为政府网站找错 entry."""
    root = tmp_path / "site"
    shutil.copytree(SITE_ROOT, root)
    home = root / "index.html"
    text = home.read_text(encoding="utf-8")
    assert ICP_LINE in text
    home.write_text(JIUCUO.sub("", text.replace(ICP_LINE, "")), encoding="utf-8")
    with DemoServer(root) as server:
        yield root, server


@pytest.mark.browser
def test_recheck_reports_fixed_still_failing_and_new_problems_with_before_after(
    tmp_path: Path, broken_site: tuple[Path, DemoServer]
) -> None:
    root, server = broken_site
    run_dir = tmp_path / "q4"
    audit_into(run_dir, server.url)
    before = RunStore.open(run_dir).load()
    failing = {f.check for f in before.findings if f.outcome == "fail"}
    assert {
        "footer-icp",
        "footer-error-report",
    } <= failing and "footer-police-record" not in failing

    # the office fixes the ICP line, leaves the 找错 entry missing and breaks the police record
    original = (SITE_ROOT / "index.html").read_text(encoding="utf-8")
    (root / "index.html").write_text(POLICE.sub("", JIUCUO.sub("", original)), encoding="utf-8")
    out = tmp_path / "q4-recheck"
    cli = [sys.executable, "-m", "auditor.cli"]
    proc = subprocess.run(
        [*cli, "recheck", str(run_dir), "--out", str(out), "--as-of", "2026-11-27", "--local-only"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 1, proc.stderr  # not everything is fixed
    # fixed: the ICP line, and with it the empty ICP link axe flagged (a problem of its own)
    assert "已整改 2 项" in proc.stdout and "新发现问题 1 项" in proc.stdout
    data = json.loads((out / "recheck.json").read_text(encoding="utf-8"))
    status = {(i["check"], i["page_url"]): i["status"] for i in data["items"]}
    assert status[("footer-icp", server.url)] == FIXED
    assert status[("footer-error-report", server.url)] == NOT_FIXED
    assert status[("domain-name", server.url)] == NOT_FIXED  # still 127.0.0.1
    assert [f["check"] for f in data["new"]] == ["footer-police-record"]
    assert data["counts"][FIXED] == 2 and data["counts"]["新发现问题"] == 1
    axe = next(i for i in data["items"] if i["check"] == "accessibility")
    assert axe["status"] == FIXED and "beian.miit.gov.cn" in axe["before"][0]["selector"]

    # before and after evidence side by side: the old picture and one cut from the new screenshot
    icp = next(i for i in data["items"] if i["check"] == "footer-icp")
    before_png = icp["before"][0]["evidence"]
    assert before_png and (run_dir / before_png).is_file()
    assert icp["after_evidence"] and (out / icp["after_evidence"]).is_file()
    html = (out / "recheck.html").read_text(encoding="utf-8")
    row = html[html.index("<code>footer-icp</code>") :].split("</tr>", 1)[0]
    assert "已整改" in row
    assert re.findall(r'<img src="([^"]+)"', row) == [f"../q4/{before_png}", icp["after_evidence"]]
    assert "复核中新发现的问题" in html and "footer-police-record" in html
    assert (out / "manifest.json").is_file() and (out / "results.json").is_file()

    # the 复核 tables: a row per earlier problem, its status, the pictures before and after
    doc = Document(str(out / "复核表.docx"))
    (grid,) = doc.tables
    rows = {r.cells[2].text: r for r in grid.rows[1:]}
    assert rows["ICP备案编号"].cells[5].text == FIXED
    assert len(rows["ICP备案编号"]._element.findall(".//{*}blip")) == 2  # before and after
    assert rows["我为政府网站找错"].cells[5].text == NOT_FIXED
    sheet = load_workbook(out / "复核表.xlsx")["复核结果"]
    assert sheet.max_row - 1 == len(data["items"]) and sheet.auto_filter.ref
    # `report` on the 复核 folder writes those tables again, never a first-round notice
    (out / "复核表.docx").unlink()
    proc = subprocess.run(
        [*cli, "report", str(out), "--format", "docx,xlsx"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "是复核记录" in proc.stdout and (out / "复核表.docx").is_file()
    assert not list(out.glob("通报附件*")) and "合格率" not in proc.stdout

    # diff: the quarter against its re-check, per check
    proc = subprocess.run(
        [*cli, "diff", str(run_dir), str(out), "--out", str(tmp_path / "diff.json")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (site,) = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))["sites"]
    assert site["checks"]["footer-icp"] == {"before": 1, "after": 0}
    assert site["checks"]["footer-police-record"] == {"before": 0, "after": 1}
    before_score, after_score = site["before"]["score"], site["after"]["score"]
    expected = (
        BETTER if after_score > before_score else WORSE if after_score < before_score else SAME
    )
    if after_score == before_score:  # equal scores: decided by the number of failing checks
        assert site["trend"] in (BETTER, WORSE, SAME)
    else:
        assert site["trend"] == expected


# -- without a browser -------------------------------------------------------------------------


def _site(url: str, *fails: str, home_down: bool = False) -> SiteResult:
    findings = [
        Finding(
            check=c,
            outcome=Outcome.FAIL,
            severity=Severity.SERIOUS,
            role=Role.DEDUCT,
            indicator="x",
            message=c,
            page_url=url,
        )
        for c in fails
    ]
    if home_down:
        findings.append(
            Finding(
                check="page-availability",
                outcome=Outcome.FAIL,
                role=Role.VETO,
                severity=Severity.CRITICAL,
                indicator="x",
                message="打不开",
                page_url=url,
            )
        )
    return SiteResult(site=SiteSpec(url=url), pages=[PageResult(url=url, findings=findings)])


def test_diff_names_sites_that_got_better_worse_new_or_dropped():
    a = RunResult(
        started="a",
        sites=[
            _site("http://a.gov.cn/", "footer-icp", "footer-sponsor"),
            _site("http://b.gov.cn/"),
            _site("http://c.gov.cn/"),
        ],
    )
    b = RunResult(
        started="b",
        sites=[
            _site("http://a.gov.cn/", "footer-icp"),
            _site("http://b.gov.cn/", home_down=True),
            _site("http://d.gov.cn/"),
        ],
    )
    trends = {d.site.url: d.trend for d in diff_runs(a, b, default_table())}
    assert trends == {
        "http://a.gov.cn/": BETTER,
        "http://b.gov.cn/": WORSE,
        "http://d.gov.cn/": NEW,
        "http://c.gov.cn/": REMOVED,
    }
    first = diff_runs(a, b, default_table())[0]
    assert first.checks == {"footer-sponsor": (1, 0)}


def test_a_page_that_does_not_open_on_recheck_is_not_counted_as_fixed():
    before = RunResult(started="a", sites=[_site("http://a.gov.cn/", "footer-icp")])
    down = _site("http://a.gov.cn/", home_down=True)
    down.pages[0].findings.append(
        Finding(
            check="footer-icp",
            outcome=Outcome.NOT_APPLICABLE,
            severity=Severity.SERIOUS,
            role=Role.DEDUCT,
            indicator="x",
            message="页面未能打开",
            page_url="http://a.gov.cn/",
        )
    )
    items, new = compare(before, RunResult(started="b", sites=[down]))
    assert [(i.check, i.status) for i in items] == [("footer-icp", UNKNOWN)]
    assert [f.check for _s, f in new] == ["page-availability"]


def _pages_site(url: str, failing: dict[str, list[str]]) -> SiteResult:
    """A site whose pages (by path) fail footer-icp in the footer or link-health on a link."""
    pages = []
    for path, checks in failing.items():
        page = f"{url}{path}"
        findings = []
        for check in ("footer-icp", "link-health"):
            fails = check in checks
            data = {"url": f"{url}old.html", "kind": "http_error"} if check == "link-health" else {}
            findings.append(
                Finding(
                    check=check,
                    outcome=Outcome.FAIL if fails else Outcome.PASS,
                    severity=Severity.SERIOUS,
                    role=Role.DEDUCT,
                    indicator="x",
                    message="底部未找到ICP备案编号" if check == "footer-icp" else "链接 404",
                    page_url=page,
                    region="footer" if fails and check == "footer-icp" else "",
                    data=data if fails else {},
                )
            )
        pages.append(PageResult(url=page, findings=findings))
    return SiteResult(site=SiteSpec(url=url), pages=pages)


def test_a_template_problem_is_one_recheck_item_fixed_only_when_every_page_is():
    url = "http://a.gov.cn/"
    every = {
        "": ["footer-icp", "link-health"],
        "col/1.html": ["footer-icp"],
        "col/2.html": ["footer-icp"],
    }
    before = RunResult(started="a", sites=[_pages_site(url, every)])
    partly = {"": [], "col/1.html": ["footer-icp"], "col/2.html": []}
    items, new = compare(before, RunResult(started="b", sites=[_pages_site(url, partly)]))
    assert [(i.check, i.status, len(i.pages)) for i in items] == [
        ("footer-icp", NOT_FIXED, 3),  # still missing on one page of the three
        ("link-health", FIXED, 1),
    ]
    assert items[0].where == "http://a.gov.cn/ 等3个页面" and new == []
    fixed = {"": [], "col/1.html": [], "col/2.html": []}
    items, _new = compare(before, RunResult(started="b", sites=[_pages_site(url, fixed)]))
    assert [i.status for i in items] == [FIXED, FIXED]


def test_a_problem_that_appears_on_several_pages_is_one_new_item():
    url = "http://a.gov.cn/"
    before = RunResult(started="a", sites=[_pages_site(url, {"": [], "col/1.html": []})])
    broken = {"": ["link-health"], "col/1.html": ["link-health"]}
    _items, new = compare(before, RunResult(started="b", sites=[_pages_site(url, broken)]))
    assert [f.check for _site, f in new] == ["link-health"]
