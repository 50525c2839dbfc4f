"""Excel building blocks shared by the notice workbook and the 复核 table (openpyxl).

Cells hold data, never formulas, and only characters XML allows; sheets print landscape A4, one
page wide, with the header row repeated; thumbnails are small PNGs anchored in their row.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from auditor.evidence import open_picture
from auditor.run.manifest import inside

__all__ = ["HEAD_FONT", "header", "link", "place", "put", "thumbnail"]

THUMB_WIDTH = 160  # px
HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE4EE")


def put(ws: Worksheet, row: int, col: int, value: object) -> None:
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


def header(ws: Worksheet, headers: tuple[str, ...], widths: Mapping[int, float]) -> None:
    for col, name in enumerate(headers, 1):
        put(ws, 1, col, name)
        ws.cell(row=1, column=col).font = HEAD_FONT
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


def thumbnail(run_dir: Path, rel: str) -> XlImage | None:
    thumb = open_picture(run_dir, rel)
    if thumb is None:
        return None
    ratio = THUMB_WIDTH / thumb.width
    thumb = thumb.resize((THUMB_WIDTH, max(1, min(240, round(thumb.height * ratio)))))
    stream = io.BytesIO()
    thumb.save(stream, format="PNG")
    stream.seek(0)
    image = XlImage(stream)
    image.width, image.height = thumb.width, thumb.height
    return image


def place(ws: Worksheet, image: XlImage | None, row: int, col: int) -> None:
    if image is None:
        return
    ws.add_image(image, f"{get_column_letter(col)}{row}")
    # row height in points: 0.75 pt per pixel, plus a little air
    current = ws.row_dimensions[row].height or 15
    ws.row_dimensions[row].height = max(current, image.height * 0.75 + 6)


def link(cell: Cell, run_dir: Path, rel: str, folder: Path) -> None:
    """Make ``cell`` open the run's file ``rel``, by a path relative to the workbook's folder."""
    path = inside(run_dir, rel) if rel else None
    if path is None or not path.is_file():
        return
    cell.hyperlink = Path(os.path.relpath(path, folder.resolve())).as_posix()
    cell.font = Font(color="0B57D0", underline="single")
