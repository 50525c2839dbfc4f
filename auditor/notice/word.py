"""Word building blocks shared by the notice and the 复核 table (python-docx).

Chinese text is set in East-Asian fonts (w:eastAsia) so Word and LibreOffice render it with a CJK
face; pages are A4; pictures are downscaled before embedding; files are written atomically.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.run import Run

from auditor.evidence import open_picture
from auditor.notice.problem_text import clean_text

__all__ = [
    "BODY_FONT",
    "HEADING_FONT",
    "TABLE_FONT",
    "base_styles",
    "cell_text",
    "landscape_section",
    "para",
    "picture",
    "row",
    "save",
    "set_font",
    "table",
]

BODY_FONT = "仿宋"  # 仿宋_GB2312 is not on a stock Windows; 仿宋 (FangSong) is
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
IMAGE_MAX_PX = 1000  # pictures are downscaled before embedding: a notice, not an archive


def save(doc: DocumentObject, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(path)
    return path


def set_font(
    run_or_style: object, east_asian: str, size: float | None = None, bold: bool | None = None
) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def base_styles(doc: DocumentObject) -> None:
    set_font(doc.styles["Normal"], BODY_FONT, 12)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.6))
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)


def para(
    doc_or_cell: DocumentObject | _Cell,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 12,
    bold: bool = False,
    center: bool = False,
    indent: bool = False,
) -> Run:
    p = doc_or_cell.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    run = p.add_run(clean_text(text, 2000))
    set_font(run, font, size, bold)
    return run


def landscape_section(doc: DocumentObject, *, new_page: bool = True) -> None:
    """Landscape A4 from here on (a new section), or for the whole document (``new_page=False``)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE) if new_page else doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))


def table(doc: DocumentObject, headers: tuple[str, ...], widths: tuple[float, ...]) -> Table:
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for i, (cell, text) in enumerate(zip(grid.rows[0].cells, headers, strict=True)):
        grid.columns[i].width = Cm(widths[i])  # the grid: LibreOffice reads this one
        cell.width = Cm(widths[i])  # the cell: Word reads this one
        cell_text(cell, text, bold=True, center=True)
    # the header row repeats on every page of a long list
    tr_pr = grid.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    return grid


def cell_text(cell: _Cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    p = cell.paragraphs[0]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(clean_text(str(text), 500))
    set_font(run, TABLE_FONT, 10.5, bold)


def row(
    grid: Table, values: list[object], widths: tuple[float, ...], *, center: bool = False
) -> list[_Cell]:
    added = grid.add_row()
    # a row is never split over two pages: its text and pictures stay together
    tr_pr = added._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    tr_pr.append(cant_split)
    cells = added.cells
    for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
        cell.width = Cm(widths[i])
        cell_text(cell, str(value), center=center or isinstance(value, int) or i == 0)
    return list(cells)


def picture(
    container: DocumentObject | _Cell, run_dir: Path, rel: str, box_cm: tuple[float, float]
) -> bool:
    """Embed the run's evidence PNG ``rel``, downscaled to fit ``box_cm``; False if unusable."""
    rgb = open_picture(run_dir, rel)  # never a file from outside the run directory
    if rgb is None:
        return False
    if rgb.width > IMAGE_MAX_PX:
        ratio = IMAGE_MAX_PX / rgb.width
        rgb = rgb.resize((IMAGE_MAX_PX, max(1, round(rgb.height * ratio))))
    scale = min(box_cm[0] / rgb.width, box_cm[1] / rgb.height)
    stream = io.BytesIO()
    rgb.save(stream, format="PNG", optimize=True)
    stream.seek(0)
    width, height = Cm(rgb.width * scale), Cm(rgb.height * scale)
    container.add_paragraph().add_run().add_picture(stream, width=width, height=height)
    return True
