"""The 复核 table an office publishes after the deadline: each earlier problem 已整改 / 未整改 /
无法复核, with the picture before and after (Word and Excel).

Why apart from the first-round notice: a 复核 folder holds only the pages that failed, so its
results.json would draft a wrong notice (“检查合格率0%”); ``auditor report`` on a 复核 folder
writes this table instead. When the folder re-checked accounts too (``media-recheck.json``), the
tables gain the 政务新媒体 half (:mod:`auditor.notice.media_recheck_table`).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from openpyxl import Workbook

from auditor.checks import CHECKS_BY_ID
from auditor.media.followup import AccountRecheck, load_account_recheck
from auditor.notice import media_recheck_table, sheet, word
from auditor.notice.info import beijing_time
from auditor.notice.problem_text import clean_text
from auditor.run.recheck import FIXED, NOT_FIXED, UNKNOWN, RecheckItem, RecheckReport

__all__ = ["HEADERS", "summary", "write_recheck_docx", "write_recheck_xlsx"]

HEADERS = ("序号", "网站名称", "检查项", "页面", "原问题", "复核结果", "整改前", "整改后")
# within landscape A4's 25.7 cm between the margins; a picture within its cell's padding
WIDTHS_CM = (1.2, 3.0, 2.4, 3.8, 4.6, 2.0, 4.3, 4.3)
PICTURE_CM = (3.9, 2.9)


def summary(report: RecheckReport) -> str:
    """The sentence the 复核 table opens with."""
    return (
        f"复核原检查发现的问题{len(report.items)}项：已整改{report.count(FIXED)}项，"
        f"未整改{report.count(NOT_FIXED)}项，无法复核{report.count(UNKNOWN)}项；"
        f"复核中新发现问题{len(report.new)}项。"
    )


def _values(n: int, item: RecheckItem) -> list[object]:
    check = CHECKS_BY_ID.get(item.check)
    return [
        n,
        clean_text(item.site.name or item.site.url),
        check.name if check else item.check,
        clean_text(item.where),
        clean_text(item.before[0].message, 200),
        item.status,
    ]


def _halves(report: RecheckReport) -> tuple[bool, AccountRecheck | None]:
    """Whether the sites' table is written, and the accounts' half if any: a re-check of an
    ``auditor media`` folder (no site problem, accounts re-checked) gets the accounts' only."""
    accounts = load_account_recheck(report.out_dir)
    sites = accounts is None or bool(report.items or report.new or report.after.sites)
    return sites, accounts


def _opening(report: RecheckReport, sites: bool, accounts: AccountRecheck | None) -> str:
    if accounts is None:
        return summary(report)
    if not sites:
        return media_recheck_table.summary(accounts)
    return (
        f"复核原检查发现的政府网站问题{len(report.items)}项、"
        f"政务新媒体问题{len(accounts.items)}项，情况如下。"
    )


def write_recheck_docx(report: RecheckReport, path: Path) -> Path:
    sites, accounts = _halves(report)
    doc = Document()
    word.base_styles(doc)
    word.landscape_section(doc, new_page=False)
    if accounts is None:
        title = "政府网站问题整改复核情况"
    else:
        title = "政府网站与政务新媒体问题整改复核情况" if sites else media_recheck_table.TITLE
    word.para(doc, title, font=word.HEADING_FONT, size=18, center=True)
    when = beijing_time(report.after.started)
    word.para(
        doc, f"复核时间：{when}（北京时间）　　{_opening(report, sites, accounts)}", size=10.5
    )
    both = sites and accounts is not None
    if both:
        word.para(doc, "一、政府网站问题整改复核情况", font=word.HEADING_FONT, size=14)
        word.para(doc, summary(report), size=10.5)
    if sites:
        grid = word.table(doc, HEADERS, WIDTHS_CM)
        for n, item in enumerate(report.items, 1):
            cells = word.row(grid, [*_values(n, item), "", ""], WIDTHS_CM)
            before = item.before[0].evidence if item.before else ""
            if not word.picture(cells[6], report.original, before, PICTURE_CM):
                word.cell_text(cells[6], "—")
            if not word.picture(cells[7], report.out_dir, item.after_picture, PICTURE_CM):
                word.cell_text(cells[7], "—")
    if accounts is not None:
        if both:
            word.para(doc, "", size=6)  # air between the sites' table and the heading
            word.para(doc, f"二、{media_recheck_table.TITLE}", font=word.HEADING_FONT, size=14)
            word.para(doc, media_recheck_table.summary(accounts), size=10.5)
        media_recheck_table.add_docx_table(doc, accounts, report)
    return word.save(doc, path)


def write_recheck_xlsx(report: RecheckReport, path: Path) -> Path:
    sites, accounts = _halves(report)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if accounts is not None:
        media_recheck_table.fill_sheet(wb.create_sheet() if sites else ws, accounts, report)
    if not sites:
        return _save(wb, path)
    ws.title = "复核结果"
    sheet.header(ws, HEADERS, {2: 22, 3: 12, 4: 36, 5: 50, 6: 10, 7: 24, 8: 24})
    for r, item in enumerate(report.items, 2):
        for c, value in enumerate(_values(r - 1, item), 1):
            sheet.put(ws, r, c, value)
        before = item.before[0].evidence if item.before else ""
        sheet.place(ws, sheet.thumbnail(report.original, before) if before else None, r, 7)
        after = item.after_picture
        sheet.place(ws, sheet.thumbnail(report.out_dir, after) if after else None, r, 8)
    ws.auto_filter.ref = f"A1:H{max(len(report.items) + 1, 1)}"
    return _save(wb, path)


def _save(wb: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path
