"""The notice attachments as a Word document (python-docx), ready for the office to edit.

Contents: the 一、总体情况 draft, 附件2 (per-region pass rates with the province total) and 附件3
(sites judged 不合格, one line per problem, each with its evidence picture inline). Chinese text is
set in East-Asian fonts (w:eastAsia) so Word and LibreOffice render it with a CJK face; the
attachment pages are landscape A4 so the problem column is wide enough for the pictures.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.run import Run
from PIL import Image

from auditor.notice.paragraph import overview_paragraphs
from auditor.notice.problem_text import clean_text
from auditor.notice.tables import NoticeData, SiteRow
from auditor.run.manifest import inside

__all__ = ["write_docx"]

BODY_FONT = "仿宋"  # 仿宋_GB2312 is not on a stock Windows; 仿宋 (FangSong) is
HEADING_FONT = "黑体"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
IMAGE_MAX_CM = (11.0, 8.0)  # width, height of an evidence picture in the 问题描述 column
IMAGE_MAX_PX = 1000  # pictures are downscaled before embedding: a notice, not an archive
PROBLEM_WIDTHS_CM = (1.2, 2.2, 3.4, 4.0, 3.3, 11.6)
REGION_WIDTHS_CM = (5.0, 3.0, 3.0, 3.0, 3.0)


def write_docx(data: NoticeData, path: Path) -> Path:
    doc = Document()
    _base_styles(doc)
    _front_page(doc, data)
    _landscape_section(doc)
    _attachment2(doc, data)
    doc.add_page_break()
    _attachment3(doc, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(path)
    return path


# -- styles ------------------------------------------------------------------------------------


def _set_font(
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


def _base_styles(doc: DocumentObject) -> None:
    _set_font(doc.styles["Normal"], BODY_FONT, 12)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.6))
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)


def _para(
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
    _set_font(run, font, size, bold)
    return run


# -- front page --------------------------------------------------------------------------------


def _front_page(doc: DocumentObject, data: NoticeData) -> None:
    _para(doc, "政府网站检查情况通报（草稿）", font=HEADING_FONT, size=20, center=True)
    as_of = clean_text(data.run.as_of or data.run.started[:10])
    _para(
        doc, f"检查日期：{as_of}　　计分表：{clean_text(data.table.name)}", size=10.5, center=True
    )
    _para(doc, "一、总体情况", font=HEADING_FONT, size=16)
    for text in overview_paragraphs(data):
        _para(doc, text, size=14, indent=True)
    unverified = [r.check for r in data.table.rules.values() if not r.verified and r.points > 0]
    if unverified:
        _para(
            doc,
            "说明：本工具默认计分表中部分扣分分值未经核实（计分表中标为 verified = false），"
            "发布前请以本省计分表为准（--scoring）；单项否决判定不受影响。",
            size=10.5,
        )
    _para(doc, "附件：2. 全省政府网站检查情况", size=12)
    _para(doc, "　　　3. 检查发现存在突出问题的政府网站名单", size=12)


def _landscape_section(doc: DocumentObject) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))


# -- tables ------------------------------------------------------------------------------------


def _table(doc: DocumentObject, headers: tuple[str, ...], widths: tuple[float, ...]) -> Table:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, (cell, text) in enumerate(zip(table.rows[0].cells, headers, strict=True)):
        table.columns[i].width = Cm(widths[i])  # the grid: LibreOffice reads this one
        cell.width = Cm(widths[i])  # the cell: Word reads this one
        _cell_text(cell, text, bold=True, center=True)
    # the header row repeats on every page of a long list
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    return table


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    p = cell.paragraphs[0]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(clean_text(str(text), 500))
    _set_font(run, TABLE_FONT, 10.5, bold)


def _row(
    table: Table, values: list[object], widths: tuple[float, ...], *, center: bool = False
) -> list[_Cell]:
    cells = table.add_row().cells
    for i, (cell, value) in enumerate(zip(cells, values, strict=True)):
        cell.width = Cm(widths[i])
        _cell_text(cell, str(value), center=center or isinstance(value, int) or i == 0)
    return list(cells)


def _attachment_title(doc: DocumentObject, number: int, title: str) -> None:
    _para(doc, f"附件{number}", font=HEADING_FONT, size=14)
    _para(doc, title, font=HEADING_FONT, size=18, center=True)


def _attachment2(doc: DocumentObject, data: NoticeData) -> None:
    _attachment_title(doc, 2, "全省政府网站检查情况")
    headers: tuple[str, ...] = ("地区", "运行网站数", "检查网站数", "合格数", "合格率")
    widths: tuple[float, ...] = REGION_WIDTHS_CM
    if data.has_media:
        headers += ("新媒体检查数", "新媒体合格数", "新媒体合格率")
        widths = (4.0, 2.6, 2.6, 2.4, 2.4, 3.0, 3.0, 3.0)
    table = _table(doc, headers, widths)
    for row in [*data.regions, data.total]:
        values: list[object] = [row.region, row.running, row.checked, row.passed, row.rate]
        if data.has_media:
            values += [row.media_checked, row.media_passed, row.media_rate]
        _row(table, values, widths, center=True)
    as_of = clean_text(data.run.as_of or data.run.started[:10])
    _para(
        doc,
        f"说明：网站数据取自网站清单（检查日期：{as_of}）；合格率 = 合格数 ÷ 检查网站数。",
        size=10.5,
    )


def _attachment3(doc: DocumentObject, data: NoticeData) -> None:
    _attachment_title(doc, 3, "检查发现存在突出问题的政府网站名单")
    headers = ("序号", "地区/部门", "网站名称", "网址", "主办单位", "问题描述")
    table = _table(doc, headers, PROBLEM_WIDTHS_CM)
    failed = data.failed
    if not failed:
        cells = _row(table, ["", "", "", "", "", "本次检查未发现不合格网站。"], PROBLEM_WIDTHS_CM)
        cells[0].merge(cells[-1])
    for n, site in enumerate(failed, 1):
        spec = site.spec
        cells = _row(
            table,
            [n, site.region, spec.name or spec.url, spec.url, spec.sponsor, ""],
            PROBLEM_WIDTHS_CM,
        )
        _problems(cells[-1], site, data.run_dir)
    _undecided(doc, data)
    as_of = clean_text(data.run.as_of or data.run.started[:10])
    _para(
        doc, f"说明：检查日期为{as_of}；问题截图由检查工具自动截取，红框标示问题位置。", size=10.5
    )


def _undecided(doc: DocumentObject, data: NoticeData) -> None:
    """Sites whose verdict the tool could not decide: listed apart, for a person to finish."""
    sites = data.undecided
    if not sites:
        return
    _para(doc, "以下网站未能完成自动检查，结论为“无法判定”，需人工核查：", size=10.5)
    table = _table(
        doc, ("序号", "地区/部门", "网站名称", "网址", "主办单位", "原因"), PROBLEM_WIDTHS_CM
    )
    for n, site in enumerate(sites, 1):
        spec = site.spec
        reasons = "；".join(clean_text(r) for r in site.verdict.undecided)
        _row(
            table,
            [n, site.region, spec.name or spec.url, spec.url, spec.sponsor, reasons],
            PROBLEM_WIDTHS_CM,
        )


def _problems(cell: _Cell, site: SiteRow, run_dir: Path) -> None:
    """One numbered line per problem, each followed by its evidence picture."""
    first = True
    lines = site.lines or []
    if not lines:
        _cell_text(cell, "；".join(site.verdict.decisive))
        return
    for n, line in enumerate(lines, 1):
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = p.add_run(f"{n}. {line.text}")
        _set_font(run, TABLE_FONT, 10.5)
        picture = _picture(run_dir, line.evidence[0]) if line.evidence else None
        if picture is not None:
            stream, (width, height) = picture
            pic = cell.add_paragraph()
            pic.add_run().add_picture(stream, width=Cm(width), height=Cm(height))


def _picture(run_dir: Path, rel: str) -> tuple[io.BytesIO, tuple[float, float]] | None:
    """The evidence PNG, downscaled, with its size in cm inside IMAGE_MAX_CM; None if unusable."""
    path = inside(run_dir, rel)  # never embed a file from outside the run directory
    if path is None or not path.is_file():
        return None
    try:
        with Image.open(path) as img:
            img.load()
            picture = img.convert("RGB")
    except (OSError, ValueError):
        return None
    if picture.width > IMAGE_MAX_PX:
        ratio = IMAGE_MAX_PX / picture.width
        picture = picture.resize((IMAGE_MAX_PX, max(1, round(picture.height * ratio))))
    scale = min(IMAGE_MAX_CM[0] / picture.width, IMAGE_MAX_CM[1] / picture.height)
    stream = io.BytesIO()
    picture.save(stream, format="PNG", optimize=True)
    stream.seek(0)
    return stream, (picture.width * scale, picture.height * scale)
