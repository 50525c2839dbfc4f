"""The supervisors' workbook (openpyxl): one row per site in their columns, with thumbnails.

Sheets: 网站检查结果 (the columns of the national reporting system's export, as the monitoring
platform vendor's export lists them, then 得分, 决定因素 and an evidence thumbnail), 地区合格率
(附件2) and 问题清单 (one row per notice line with its evidence thumbnail and file path). Every
text cell is written as a string, never a formula, because site names and messages come from
outside (“=HYPERLINK(…)”).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from auditor.checks import CHECKS_BY_ID
from auditor.model import Outcome
from auditor.notice import sheet
from auditor.notice.problem_text import clean_text
from auditor.notice.tables import SUPERVISOR_HEADERS, NoticeData

__all__ = ["RESULT_HEADERS", "write_xlsx"]

RESULT_HEADERS = (*SUPERVISOR_HEADERS, "得分", "决定因素", "证据截图")
PROBLEM_HEADERS = (
    "序号",
    "网站名称",
    "地区",
    "问题描述",
    "检查项",
    "检查项编号",
    "指标角色",
    "页面网址",
    "涉及页面数",
    "整改状态",
    "证据文件",
)
ACCOUNT_HEADERS = (
    "序号",
    "地区",
    "账号名称",
    "平台",
    "主办单位",
    "账号地址",
    "页面状态",
    "最新发布",
    "结论",
    "问题描述",
    "截图",
)
OUTSTANDING_HEADERS = ("序号", "地区/部门", "账号名称", "平台", "主办单位", "问题描述")
NOT_RECTIFIED = "未整改"  # the office updates the column as sites report back
_FAIL_FONT = Font(color="C4161C", bold=True)
_ROLE_LABELS = {"veto": "单项否决", "deduct": "扣分", "info": "参考"}


def write_xlsx(data: NoticeData, path: Path) -> Path:
    wb = Workbook()
    results = wb.active
    assert results is not None
    results.title = "网站检查结果"
    _results(results, data)
    _regions(wb.create_sheet("地区合格率"), data)
    _problems(wb.create_sheet("问题清单"), data, path.parent)
    if data.accounts:
        _accounts(wb.create_sheet("政务新媒体检查结果"), data, path.parent)
        _outstanding(wb.create_sheet("突出问题政务新媒体"), data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _results(ws: Worksheet, data: NoticeData) -> None:
    widths = {
        1: 6,
        2: 13,
        3: 22,
        4: 30,
        5: 20,
        6: 10,
        11: 30,
        12: 26,
        14: 24,
        16: 8,
        17: 36,
        18: 24,
    }
    sheet.header(ws, RESULT_HEADERS, widths)
    for r, site in enumerate(data.websites, 2):
        columns = site.supervisor_columns()
        values = [
            *(columns[h] for h in SUPERVISOR_HEADERS),
            site.verdict.score if site.verdict.score is not None else "—",
            "；".join(site.verdict.decisive),
        ]
        for c, value in enumerate(values, 1):
            sheet.put(ws, r, c, value)
        if site.verdict.label == "不合格":
            ws.cell(row=r, column=len(SUPERVISOR_HEADERS)).font = _FAIL_FONT
        evidence = next((ln.evidence[0] for ln in site.lines if ln.evidence), "")
        sheet.place(
            ws,
            sheet.thumbnail(data.run_dir, evidence) if evidence else None,
            r,
            len(RESULT_HEADERS),
        )


def _regions(ws: Worksheet, data: NoticeData) -> None:
    headers: tuple[str, ...] = ("地区", "运行网站数", "检查网站数", "合格数", "合格率")
    if data.has_media:
        headers += ("新媒体抽查数", "新媒体合格数", "新媒体合格率")
    sheet.header(ws, headers, {1: 16})
    for r, row in enumerate([*data.regions, data.total], 2):
        values: list[object] = [row.region, row.running, row.checked, row.passed, row.rate]
        if data.has_media:
            values += [row.media_sampled, row.media_passed, row.media_rate]
        for c, value in enumerate(values, 1):
            sheet.put(ws, r, c, value)
    ws.cell(row=len(data.regions) + 2, column=1).font = sheet.HEAD_FONT


def _problems(ws: Worksheet, data: NoticeData, folder: Path) -> None:
    """Every problem of every site, one row each, filterable (the office tracks 整改 here).

    Evidence is a link to its PNG, not a picture in the cell: 900 sites' problems as thumbnails
    would make a workbook of over 100 MB.
    """
    widths = {2: 22, 3: 10, 4: 60, 5: 14, 6: 18, 7: 10, 8: 40, 9: 8, 10: 10, 11: 36}
    sheet.header(ws, PROBLEM_HEADERS, widths)
    r = 2
    for site in data.websites:
        for line in site.lines:
            evidence = line.evidence[0] if line.evidence else ""
            check = CHECKS_BY_ID.get(line.check)
            values = [
                r - 1,
                site.spec.name or site.spec.url,
                site.region,
                line.text,
                check.name if check else line.check,
                line.check,
                _ROLE_LABELS.get(str(line.role), str(line.role)),
                clean_text(line.pages[0] if line.pages else site.spec.url),
                len(line.pages) or 1,
                NOT_RECTIFIED,
                clean_text(evidence),
            ]
            for c, value in enumerate(values, 1):
                sheet.put(ws, r, c, value)
            sheet.link(ws.cell(row=r, column=len(values)), data.run_dir, evidence, folder)
            r += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(PROBLEM_HEADERS))}{max(r - 1, 1)}"


def _accounts(ws: Worksheet, data: NoticeData, folder: Path) -> None:
    """Every 政务新媒体 account with its verdict, problems and a link to its page screenshot."""
    widths = {2: 10, 3: 22, 4: 10, 5: 22, 6: 36, 7: 12, 8: 12, 9: 10, 10: 60, 11: 24}
    sheet.header(ws, ACCOUNT_HEADERS, widths)
    for r, a in enumerate(data.accounts, 2):
        problems = [f for f in a.findings if f.outcome in (Outcome.FAIL, Outcome.REVIEW)]
        values = [
            a.index,
            a.region,
            a.name,
            a.platform,
            a.sponsor,
            a.url,
            a.state,
            a.latest or "—",
            a.verdict,
            "；".join(dict.fromkeys(clean_text(f.message) for f in problems)),
            clean_text(a.screenshot),
        ]
        for c, value in enumerate(values, 1):
            sheet.put(ws, r, c, value)
        if a.verdict == "不合格":
            ws.cell(row=r, column=9).font = _FAIL_FONT
        sheet.link(ws.cell(row=r, column=len(values)), data.run_dir, a.screenshot, folder)
    ws.auto_filter.ref = (
        f"A1:{get_column_letter(len(ACCOUNT_HEADERS))}{max(len(data.accounts) + 1, 1)}"
    )


def _outstanding(ws: Worksheet, data: NoticeData) -> None:
    """附件4 as a sheet: the accounts with 突出问题."""
    sheet.header(ws, OUTSTANDING_HEADERS, {2: 10, 3: 22, 4: 10, 5: 22, 6: 70})
    for r, a in enumerate(data.outstanding_accounts, 2):
        values = [r - 1, a.region, a.name or a.url, a.platform, a.sponsor, a.description()]
        for c, value in enumerate(values, 1):
            sheet.put(ws, r, c, value)
