"""The 复核 tables (复核表.docx/.xlsx) cover 政务新媒体 accounts too, over a fixture re-check
folder (media-recheck.json + small PNGs; no browser)."""

from __future__ import annotations

import json
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from PIL import Image

from auditor.cli import main
from auditor.model import Finding, Outcome, Role, RunResult, Severity, SiteSpec
from auditor.notice.media_recheck_table import HEADERS
from auditor.run.recheck import (
    FIXED,
    NOT_FIXED,
    UNKNOWN,
    RecheckItem,
    RecheckReport,
    write_recheck,
)

STARTED = "2026-11-27T10:00:00+08:00"


def png(path: Path, colour: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (120, 90), colour).save(path)
    return path.name


def fail(check: str, message: str, evidence: str = "", outcome: str = "fail") -> dict:
    return Finding(
        check=check,
        outcome=Outcome(outcome),
        severity=Severity.SERIOUS,
        role=Role.DEDUCT,
        indicator="x",
        message=message,
        evidence=evidence,
    ).to_dict()


def account_item(name: str, check: str, status: str, before: list, after: list) -> dict:
    return {
        "url": f"https://weibo.com/u/{len(name)}",
        "name": name,
        "platform": "微博",
        "region": "成都市",
        "check": check,
        "status": status,
        "before": before,
        "after": after,
    }


def media_recheck(original: Path, out: Path) -> None:
    """Three accounts: fixed (pictures both sides), still failing, not reopened (no after)."""
    old1, old2, old3 = (png(original / f"account-00{n}.png", "red") for n in (1, 2, 3))
    new1, new2 = png(out / "account-001.png", "green"), png(out / "account-002.png", "red")
    items = [
        account_item(
            "成都发布",
            "media-update",
            FIXED,
            [fail("media-update", "账号最近两周未更新", old1)],
            [fail("media-update", "两周内有更新", new1, "pass")],
        ),
        account_item(
            "阿坝州编译局",
            "media-zombie",
            NOT_FIXED,
            [fail("media-zombie", "账号超过一年未更新，属“僵尸”账号", old2)],
            [fail("media-zombie", "账号超过一年未更新，属“僵尸”账号", new2)],
        ),
        account_item(
            "某某发布", "media-reachable", UNKNOWN, [fail("media-reachable", "打不开", old3)], []
        ),
    ]
    body = {
        "schema": "auditor-media-recheck/1",
        "original": str(original),
        "counts": {FIXED: 1, NOT_FIXED: 1, UNKNOWN: 1, "新发现问题": 1},
        "items": items,
        "new": [{"url": "https://weibo.com/u/4", "name": "成都发布", **fail("media-naming", "x")}],
    }
    (out / "media-recheck.json").write_text(json.dumps(body, ensure_ascii=False), "utf-8")


def site_item(original: Path) -> RecheckItem:
    before = Finding(
        check="footer-icp",
        outcome=Outcome.FAIL,
        severity=Severity.SERIOUS,
        role=Role.DEDUCT,
        indicator="x",
        message="页面底部未标注ICP备案编号",
        evidence=f"site/{png(original / 'site' / 'p1-icp.png', 'blue')}",
    )
    spec = SiteSpec(url="http://a.gov.cn/", name="示例市人民政府")
    return RecheckItem(spec, "http://a.gov.cn/", "footer-icp", NOT_FIXED, [before], [before])


def recheck_folder(tmp: Path, *, sites: bool, accounts: bool) -> Path:
    original, out = tmp / "q4", tmp / "q4-recheck"
    original.mkdir()
    out.mkdir()
    items = [site_item(original)] if sites else []
    report = RecheckReport(original, out, RunResult(started=""), RunResult(started=STARTED), items)
    if accounts:
        media_recheck(original, out)
    write_recheck(report)
    return out


def texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def rows(grid) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in grid.rows]


def pictures(row) -> int:
    return len(row._element.findall(".//{*}blip"))


def test_docx_lists_the_accounts_after_the_sites_with_pictures(tmp_path: Path) -> None:
    assert HEADERS == (
        "序号",
        "地区",
        "账号名称",
        "平台",
        "检查项",
        "原问题",
        "复核结果",
        "整改前",
        "整改后",
    )
    doc = Document(str(recheck_folder(tmp_path, sites=True, accounts=True) / "复核表.docx"))
    paragraphs = texts(doc)
    assert paragraphs[0] == "政府网站与政务新媒体问题整改复核情况"
    assert "政府网站问题1项、政务新媒体问题3项" in paragraphs[1]
    assert paragraphs[2] == "一、政府网站问题整改复核情况"
    heading = paragraphs.index("二、政务新媒体问题整改复核情况")
    assert paragraphs[heading + 1] == (
        "复核原检查发现的政务新媒体问题3项：已整改1项，未整改1项，无法复核1项；复核中新发现问题1项。"
    )
    sites, accounts = doc.tables
    assert [r[1] for r in rows(sites)[1:]] == ["示例市人民政府"]
    table = rows(accounts)
    assert table[0] == list(HEADERS)
    assert [(r[0], r[1], r[2], r[3], r[4], r[6]) for r in table[1:]] == [
        ("1", "成都市", "成都发布", "微博", "政务新媒体内容不更新", FIXED),
        ("2", "成都市", "阿坝州编译局", "微博", "“僵尸”账号", NOT_FIXED),
        ("3", "成都市", "某某发布", "微博", "政务新媒体账号可访问", UNKNOWN),
    ]
    assert table[1][5] == "账号最近两周未更新"
    body = accounts.rows[1:]
    assert [pictures(r) for r in body] == [2, 2, 1]  # the unreopened account: before only
    assert table[3][8] == "—"


def test_xlsx_gains_the_accounts_sheet(tmp_path: Path) -> None:
    wb = load_workbook(recheck_folder(tmp_path, sites=True, accounts=True) / "复核表.xlsx")
    assert wb.sheetnames == ["复核结果", "政务新媒体复核结果"]
    ws = wb["政务新媒体复核结果"]
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][:7] == ["序号", "地区", "账号名称", "平台", "检查项", "原问题", "复核结果"]
    assert [(r[2], r[6]) for r in values[1:]] == [
        ("成都发布", FIXED),
        ("阿坝州编译局", NOT_FIXED),
        ("某某发布", UNKNOWN),
    ]
    anchors = sorted((i.anchor._from.row, i.anchor._from.col) for i in ws._images)
    assert anchors == [(1, 7), (1, 8), (2, 7), (2, 8), (3, 7)]  # 0-based: 整改前 H, 整改后 I
    assert ws.auto_filter.ref == "A1:I4"


def test_accounts_only_recheck_gets_the_accounts_tables_only(tmp_path: Path) -> None:
    out = recheck_folder(tmp_path, sites=False, accounts=True)
    doc = Document(str(out / "复核表.docx"))
    assert texts(doc)[0] == "政务新媒体问题整改复核情况"
    assert "复核原检查发现的政务新媒体问题3项" in texts(doc)[1]
    (grid,) = doc.tables
    assert rows(grid)[0][2] == "账号名称" and len(grid.rows) == 4
    assert load_workbook(out / "复核表.xlsx").sheetnames == ["政务新媒体复核结果"]


def test_sites_only_recheck_is_unchanged(tmp_path: Path) -> None:
    out = recheck_folder(tmp_path, sites=True, accounts=False)
    doc = Document(str(out / "复核表.docx"))
    assert texts(doc)[0] == "政府网站问题整改复核情况"
    assert texts(doc)[1].endswith(
        "复核原检查发现的问题1项：已整改0项，未整改1项，无法复核0项；复核中新发现问题0项。"
    )
    (grid,) = doc.tables
    assert rows(grid)[0][1] == "网站名称"
    assert load_workbook(out / "复核表.xlsx").sheetnames == ["复核结果"]


def test_report_on_a_recheck_folder_rewrites_both_halves(tmp_path: Path, capsys) -> None:
    out = recheck_folder(tmp_path, sites=True, accounts=True)
    (out / "复核表.docx").unlink()
    (out / "复核表.xlsx").unlink()
    assert main(["report", str(out), "--format", "docx,xlsx"]) == 0
    assert "复核原检查发现的政务新媒体问题3项" in capsys.readouterr().out
    assert len(Document(str(out / "复核表.docx")).tables) == 2
    assert "政务新媒体复核结果" in load_workbook(out / "复核表.xlsx").sheetnames
