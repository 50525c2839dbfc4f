"""The 政务新媒体 half of the 复核 tables: each earlier failing check of an account 已整改 /
未整改 / 无法复核, with the account's screenshot of the first run and of the re-check.

Why: the 复核 covers the problems of the first-round notice, which names websites and 政务新媒体
alike (国办秘函〔2019〕19号: 政府网站与政务新媒体检查); an office publishes both halves.
"""

from __future__ import annotations

from docx.document import Document as DocumentObject
from openpyxl.worksheet.worksheet import Worksheet

from auditor.checks import MEDIA_BY_ID
from auditor.media.followup import AccountItem, AccountRecheck
from auditor.notice import sheet, word
from auditor.notice.problem_text import clean_text
from auditor.run.recheck import FIXED, NOT_FIXED, UNKNOWN, RecheckReport

__all__ = ["HEADERS", "SHEET", "TITLE", "add_docx_table", "fill_sheet", "summary"]

TITLE = "政务新媒体问题整改复核情况"
SHEET = "政务新媒体复核结果"
HEADERS = ("序号", "地区", "账号名称", "平台", "检查项", "原问题", "复核结果", "整改前", "整改后")
WIDTHS_CM = (1.2, 1.9, 3.0, 1.5, 2.4, 5.0, 2.0, 4.3, 4.3)  # as the sites' table: 25.6 cm
PICTURE_CM = (3.9, 2.9)
_BEFORE, _AFTER = 8, 9  # 1-based columns of the pictures


def summary(accounts: AccountRecheck) -> str:
    """The sentence the accounts' table opens with (as the sites' one)."""
    return (
        f"复核原检查发现的政务新媒体问题{len(accounts.items)}项：已整改{accounts.count(FIXED)}项，"
        f"未整改{accounts.count(NOT_FIXED)}项，无法复核{accounts.count(UNKNOWN)}项；"
        f"复核中新发现问题{len(accounts.new)}项。"
    )


def _values(n: int, item: AccountItem) -> list[object]:
    check = MEDIA_BY_ID.get(item.check)
    return [
        n,
        clean_text(item.account.region) or "—",
        clean_text(item.account.name or item.account.url),
        clean_text(item.account.platform) or "—",
        check.name if check else item.check,
        clean_text(item.before[0].message, 200) if item.before else "",
        item.status,
    ]


def add_docx_table(doc: DocumentObject, accounts: AccountRecheck, report: RecheckReport) -> None:
    """The accounts' table; before pictures from the first run, after ones from the re-check."""
    original = accounts.original or report.original
    grid = word.table(doc, HEADERS, WIDTHS_CM)
    for n, item in enumerate(accounts.items, 1):
        cells = word.row(grid, [*_values(n, item), "", ""], WIDTHS_CM)
        before, after = cells[_BEFORE - 1], cells[_AFTER - 1]
        if not word.picture(before, original, item.before_picture, PICTURE_CM):
            word.cell_text(before, "—")
        if not word.picture(after, report.out_dir, item.after_picture, PICTURE_CM):
            word.cell_text(after, "—")


def fill_sheet(ws: Worksheet, accounts: AccountRecheck, report: RecheckReport) -> None:
    original = accounts.original or report.original
    ws.title = SHEET
    sheet.header(ws, HEADERS, {2: 12, 3: 22, 4: 10, 5: 14, 6: 50, 7: 10, 8: 24, 9: 24})
    for r, item in enumerate(accounts.items, 2):
        for c, value in enumerate(_values(r - 1, item), 1):
            sheet.put(ws, r, c, value)
        before, after = item.before_picture, item.after_picture
        sheet.place(ws, sheet.thumbnail(original, before) if before else None, r, _BEFORE)
        sheet.place(ws, sheet.thumbnail(report.out_dir, after) if after else None, r, _AFTER)
    ws.auto_filter.ref = f"A1:I{max(len(accounts.items) + 1, 1)}"
