"""The notice attachments as a Word document (python-docx), ready for the office to edit.

Contents: the title, 抽查时间 and deadlines, the 一、总体情况 draft, 附件2 (per-region pass rates
with the province total) and 附件3 (sites with 突出问题, a row each: the problems in a few sentences
and at most the deciding pictures, as published notices write it). Every problem with its picture
goes to a per-site evidence appendix (:func:`write_evidence_appendix`), not into the notice.
Chinese text is set in East-Asian fonts (w:eastAsia) so Word and LibreOffice render it with a CJK
face; the attachment pages are landscape A4.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.table import _Cell

from auditor.notice import word
from auditor.notice.info import cn_date
from auditor.notice.paragraph import overview_paragraphs
from auditor.notice.problem_text import clean_text, deciding_evidence, short_description
from auditor.notice.tables import NoticeData, SiteRow

__all__ = ["write_docx", "write_evidence_appendix"]

IMAGE_MAX_CM = (11.0, 8.0)  # width, height of an evidence picture in the appendix
NOTICE_IMAGE_MAX_CM = (11.0, 4.5)  # 附件3: a row stays within half a landscape page
PROBLEM_WIDTHS_CM = (1.2, 2.2, 3.4, 4.0, 3.3, 11.6)
REGION_WIDTHS_CM = (5.0, 3.0, 3.0, 3.0, 3.0)
ACCOUNT_WIDTHS_CM = (1.2, 2.4, 4.2, 2.2, 4.6, 11.1)
ATTACHMENT3_TITLE = "检查发现存在突出问题的政府网站名单"
ATTACHMENT4_TITLE = "检查发现存在突出问题的政务新媒体名单"


def _attachment2_title(data: NoticeData) -> str:
    if data.has_websites and data.has_media:
        return "全省政府网站和政务新媒体检查情况"
    return "全省政府网站检查情况" if data.has_websites else "全省政务新媒体检查情况"


def write_docx(data: NoticeData, path: Path) -> Path:
    doc = Document()
    word.base_styles(doc)
    _front_page(doc, data)
    word.landscape_section(doc)
    _attachment2(doc, data)
    if data.has_websites:
        doc.add_page_break()
        _attachment3(doc, data)
    if data.accounts:
        doc.add_page_break()
        _attachment4(doc, data)
    return word.save(doc, path)


def write_evidence_appendix(data: NoticeData, site: SiteRow, path: Path) -> Path:
    """One site's every problem with its evidence picture: what 附件3 summarises."""
    doc = Document()
    word.base_styles(doc)
    spec = site.spec
    word.para(
        doc,
        f"{clean_text(spec.name or spec.url)}问题证据",
        font=word.HEADING_FONT,
        size=16,
        center=True,
    )
    word.para(
        doc,
        f"网址：{clean_text(spec.url)}　　地区：{site.region}　　结论：{site.verdict.label}"
        f"　　抽查时间：{data.period}",
        size=10.5,
    )
    for n, line in enumerate(site.lines, 1):
        word.para(doc, f"{n}. {line.text}", font=word.TABLE_FONT, size=10.5)
        if line.evidence:
            word.picture(doc, data.run_dir, line.evidence[0], IMAGE_MAX_CM)
    if not site.lines:
        word.para(doc, "；".join(site.verdict.decisive), size=10.5)
    return word.save(doc, path)


# -- styles ------------------------------------------------------------------------------------


# -- front page --------------------------------------------------------------------------------


def _front_page(doc: DocumentObject, data: NoticeData) -> None:
    info = data.info
    word.para(doc, clean_text(info.title), font=word.HEADING_FONT, size=20, center=True)
    word.para(
        doc,
        f"抽查时间：{data.period}　　计分表：{clean_text(data.table.name)}",
        size=10.5,
        center=True,
    )
    word.para(doc, "一、总体情况", font=word.HEADING_FONT, size=16)
    for text in overview_paragraphs(data):
        word.para(doc, text, size=14, indent=True)
    demands = _demands(data)
    if demands:
        word.para(doc, "二、有关要求", font=word.HEADING_FONT, size=16)
        word.para(doc, demands, size=14, indent=True)
    unverified = [r.check for r in data.table.rules.values() if not r.verified and r.points > 0]
    if unverified:
        word.para(
            doc,
            "说明：本工具默认计分表中部分扣分分值未经核实（计分表中标为 verified = false），"
            "发布前请以本省计分表为准（--scoring）；单项否决判定不受影响。",
            size=10.5,
        )
    titles = [f"2. {_attachment2_title(data)}"]
    if data.has_websites:
        titles.append(f"3. {ATTACHMENT3_TITLE}")
    if data.accounts:
        titles.append(f"4. {ATTACHMENT4_TITLE}")
    for n, title in enumerate(titles):
        word.para(doc, ("附件：" if n == 0 else "　　　") + title, size=12)


def _demands(data: NoticeData) -> str:
    """The deadlines the office set, in the notice's words; empty when it set none."""
    info = data.info
    parts = []
    if info.rectify_deadline:
        parts.append(
            f"请附件3所列网站的主管单位对照问题逐项整改，于{cn_date(info.rectify_deadline)}前"
            "完成整改并报送整改情况"
        )
    if info.recheck_deadline:
        parts.append(f"{cn_date(info.recheck_deadline)}前将对整改情况进行复核")
    return "；".join(parts) + "。" if parts else ""


# -- tables ------------------------------------------------------------------------------------


def _attachment_title(doc: DocumentObject, number: int, title: str) -> None:
    word.para(doc, f"附件{number}", font=word.HEADING_FONT, size=14)
    word.para(doc, title, font=word.HEADING_FONT, size=18, center=True)


def _attachment2(doc: DocumentObject, data: NoticeData) -> None:
    _attachment_title(doc, 2, _attachment2_title(data))
    headers: tuple[str, ...] = ("地区",)
    widths: tuple[float, ...] = (5.0,)
    if data.has_websites:
        headers += ("运行网站数", "检查网站数", "合格数", "合格率")
        widths = REGION_WIDTHS_CM
    if data.has_media:
        headers += ("新媒体抽查数", "新媒体合格数", "新媒体合格率")
        widths = (4.0, 2.6, 2.6, 2.4, 2.4, 3.0, 3.0, 3.0) if data.has_websites else (5, 4, 4, 4)
    table = word.table(doc, headers, widths)
    for row in [*data.regions, data.total]:
        values: list[object] = [row.region]
        if data.has_websites:
            values += [row.running, row.checked, row.passed, row.rate]
        if data.has_media:
            values += [row.media_sampled, row.media_passed, row.media_rate]
        word.row(table, values, widths, center=True)
    as_of = clean_text(data.run.as_of or data.run.started[:10])
    notes = []
    if data.has_websites:
        notes.append(f"网站数据取自网站清单（检查日期：{as_of}）；合格率 = 合格数 ÷ 检查网站数")
    if data.has_media:
        notes.append(
            "政务新媒体合格率 = 合格数 ÷ 判定的账号数（抽查数中结论为“无法判定”的账号不计入）；"
            "监测时间点前2周内无更新或账号已注销的为不合格"
        )
    word.para(doc, "说明：" + "；".join(notes) + "。", size=10.5)


def _attachment3(doc: DocumentObject, data: NoticeData) -> None:
    _attachment_title(doc, 3, ATTACHMENT3_TITLE)
    headers = ("序号", "地区/部门", "网站名称", "网址", "主办单位", "问题描述")
    table = word.table(doc, headers, PROBLEM_WIDTHS_CM)
    failed = data.failed
    if not failed:
        cells = word.row(
            table, ["", "", "", "", "", "本次检查未发现不合格网站。"], PROBLEM_WIDTHS_CM
        )
        cells[0].merge(cells[-1])
    for n, site in enumerate(failed, 1):
        spec = site.spec
        cells = word.row(
            table,
            [n, site.region, spec.name or spec.url, spec.url, spec.sponsor, ""],
            PROBLEM_WIDTHS_CM,
        )
        _problems(cells[-1], site, data.run_dir)
    _undecided(doc, data)
    word.para(
        doc,
        f"说明：抽查时间为{data.period}；问题截图由检查工具自动截取，红框标示问题位置，"
        "每个网站的全部问题及截图见其问题证据附件。",
        size=10.5,
    )


def _attachment4(doc: DocumentObject, data: NoticeData) -> None:
    """附件4: accounts with 突出问题, as notices list them (地区, 账号名称, 平台, 主办单位, 问题描述)."""
    _attachment_title(doc, 4, ATTACHMENT4_TITLE)
    headers = ("序号", "地区/部门", "账号名称", "平台", "主办单位", "问题描述")
    table = word.table(doc, headers, ACCOUNT_WIDTHS_CM)
    rows = data.outstanding_accounts
    if not rows:
        cells = word.row(
            table, ["", "", "", "", "", "本次检查未发现存在突出问题的账号。"], ACCOUNT_WIDTHS_CM
        )
        cells[0].merge(cells[-1])
    for n, a in enumerate(rows, 1):
        word.row(
            table,
            [n, a.region, a.name or a.url, a.platform, a.sponsor, clean_text(a.description(), 600)],
            ACCOUNT_WIDTHS_CM,
        )
    word.para(
        doc,
        f"说明：抽查时间为{data.period}；最新信息更新时间截至检查日期，"
        "每个账号的页面截图见政务新媒体检查结果表（Excel）。",
        size=10.5,
    )


def _undecided(doc: DocumentObject, data: NoticeData) -> None:
    """Sites whose verdict the tool could not decide: listed apart, for a person to finish."""
    sites = data.undecided
    if not sites:
        return
    word.para(doc, "以下网站未能完成自动检查，结论为“无法判定”，需人工核查：", size=10.5)
    table = word.table(
        doc, ("序号", "地区/部门", "网站名称", "网址", "主办单位", "原因"), PROBLEM_WIDTHS_CM
    )
    for n, site in enumerate(sites, 1):
        spec = site.spec
        reasons = "；".join(clean_text(r) for r in site.verdict.undecided)
        word.row(
            table,
            [n, site.region, spec.name or spec.url, spec.url, spec.sponsor, reasons],
            PROBLEM_WIDTHS_CM,
        )


def _problems(cell: _Cell, site: SiteRow, run_dir: Path) -> None:
    """The problems in a few sentences, then at most the deciding pictures."""
    text = short_description(site.lines) or "；".join(site.verdict.decisive)
    word.cell_text(cell, clean_text(text, 600))
    for rel in deciding_evidence(site.lines):
        word.picture(cell, run_dir, rel, NOTICE_IMAGE_MAX_CM)
