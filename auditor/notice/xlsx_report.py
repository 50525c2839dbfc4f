"""The supervisors' workbook (openpyxl): one row per site in their columns, with thumbnails.

Sheets: 网站检查结果 (the columns of the national reporting system's export, as the monitoring
platform vendor's export lists them, then 得分, 决定因素 and an evidence thumbnail), 地区合格率
(附件2) and 问题清单 (one row per notice line with its evidence thumbnail and file path). Every
text cell is written as a string, never a formula, because site names and messages come from
outside (“=HYPERLINK(…)”).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image

from auditor.notice.problem_text import clean_text
from auditor.notice.tables import SUPERVISOR_HEADERS, NoticeData
from auditor.run.manifest import inside

__all__ = ["RESULT_HEADERS", "write_xlsx"]

RESULT_HEADERS = (*SUPERVISOR_HEADERS, "得分", "决定因素", "证据截图")
PROBLEM_HEADERS = (
    "序号",
    "网站名称",
    "地区",
    "问题描述",
    "检查项",
    "指标角色",
    "证据文件",
    "证据截图",
)
THUMB_WIDTH = 160  # px
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")
_FAIL_FONT = Font(color="C4161C", bold=True)
_ROLE_LABELS = {"veto": "单项否决", "deduct": "扣分", "info": "参考"}


def write_xlsx(data: NoticeData, path: Path) -> Path:
    wb = Workbook()
    results = wb.active
    assert results is not None
    results.title = "网站检查结果"
    _results(results, data)
    _regions(wb.create_sheet("地区合格率"), data)
    _problems(wb.create_sheet("问题清单"), data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path


def _put(ws: Worksheet, row: int, col: int, value: object) -> None:
    """A cell that is data, never a formula, and holds only characters XML allows."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
        cell.alignment = Alignment(horizontal="center", vertical="top")
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value if value is not None else ""))
    cell.value = text
    cell.data_type = "s"  # “=…” stays text
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _header(ws: Worksheet, headers: tuple[str, ...], widths: Mapping[int, float]) -> None:
    for col, name in enumerate(headers, 1):
        _put(ws, 1, col, name)
        ws.cell(row=1, column=col).font = _HEAD_FONT
        ws.cell(row=1, column=col).fill = _HEAD_FILL
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, 12)
    ws.freeze_panes = "A2"
    # printed (or converted to PDF) as one page wide, landscape, header row on every page
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _thumbnail(run_dir: Path, rel: str) -> XlImage | None:
    path = inside(run_dir, rel)
    if path is None or not path.is_file():
        return None
    try:
        with Image.open(path) as img:
            img.load()
            thumb = img.convert("RGB")
    except (OSError, ValueError):
        return None
    ratio = THUMB_WIDTH / thumb.width
    thumb = thumb.resize((THUMB_WIDTH, max(1, min(240, round(thumb.height * ratio)))))
    stream = io.BytesIO()
    thumb.save(stream, format="PNG")
    stream.seek(0)
    image = XlImage(stream)
    image.width, image.height = thumb.width, thumb.height
    return image


def _place(ws: Worksheet, image: XlImage | None, row: int, col: int) -> None:
    if image is None:
        return
    ws.add_image(image, f"{get_column_letter(col)}{row}")
    # row height in points: 0.75 pt per pixel, plus a little air
    current = ws.row_dimensions[row].height or 15
    ws.row_dimensions[row].height = max(current, image.height * 0.75 + 6)


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
    _header(ws, RESULT_HEADERS, widths)
    for r, site in enumerate(data.websites, 2):
        columns = site.supervisor_columns()
        values = [
            *(columns[h] for h in SUPERVISOR_HEADERS),
            site.verdict.score if site.verdict.score is not None else "—",
            "；".join(site.verdict.decisive),
        ]
        for c, value in enumerate(values, 1):
            _put(ws, r, c, value)
        if site.verdict.label == "不合格":
            ws.cell(row=r, column=len(SUPERVISOR_HEADERS)).font = _FAIL_FONT
        evidence = next((ln.evidence[0] for ln in site.lines if ln.evidence), "")
        _place(ws, _thumbnail(data.run_dir, evidence) if evidence else None, r, len(RESULT_HEADERS))


def _regions(ws: Worksheet, data: NoticeData) -> None:
    headers: tuple[str, ...] = ("地区", "运行网站数", "检查网站数", "合格数", "合格率")
    if data.has_media:
        headers += ("新媒体检查数", "新媒体合格数", "新媒体合格率")
    _header(ws, headers, {1: 16})
    for r, row in enumerate([*data.regions, data.total], 2):
        values: list[object] = [row.region, row.running, row.checked, row.passed, row.rate]
        if data.has_media:
            values += [row.media_checked, row.media_passed, row.media_rate]
        for c, value in enumerate(values, 1):
            _put(ws, r, c, value)
    ws.cell(row=len(data.regions) + 2, column=1).font = _HEAD_FONT


def _problems(ws: Worksheet, data: NoticeData) -> None:
    _header(ws, PROBLEM_HEADERS, {2: 22, 3: 10, 4: 60, 5: 20, 6: 10, 7: 40, 8: 24})
    r = 2
    for site in data.websites:
        for line in site.lines:
            evidence = line.evidence[0] if line.evidence else ""
            values = [
                r - 1,
                site.spec.name or site.spec.url,
                site.region,
                line.text,
                line.check,
                _ROLE_LABELS.get(str(line.role), str(line.role)),
                clean_text(evidence),
            ]
            for c, value in enumerate(values, 1):
                _put(ws, r, c, value)
            _place(ws, _thumbnail(data.run_dir, evidence) if evidence else None, r, 8)
            r += 1
