"""Notice attachments from hand-made results: tables, rates, lines, pictures, read back from the files."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image

from auditor.cli import main
from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    PageType,
    Role,
    RunResult,
    Severity,
    SiteResult,
    SiteSpec,
)
from auditor.notice import build, write_reports
from auditor.notice.info import NoticeInfo
from auditor.notice.layout import word_pages
from auditor.notice.paragraph import overview_paragraphs, short_region
from auditor.notice.problem_text import problem_lines
from auditor.notice.tables import SUPERVISOR_HEADERS
from auditor.notice.xlsx_report import RESULT_HEADERS
from auditor.verdict import default_table


def finding(check: str, msg: str, page: str, evidence: str = "", **data: object) -> Finding:
    return Finding(
        check=check,
        outcome=Outcome.FAIL,
        severity=Severity.SERIOUS,
        role=Role.DEDUCT,
        indicator="x",
        message=msg,
        page_url=page,
        evidence=evidence,
        data=dict(data),
    )


def make_site(
    run_dir: Path, n: int, region: str, *, stale: bool = False, icp: bool = False, kind: str = ""
) -> SiteResult:
    url = f"http://www.s{n}.gov.cn/"
    col = f"{url}col/bmdt/index.html"
    folder = run_dir / f"{n:03d}-www.s{n}.gov.cn"
    (folder / "evidence").mkdir(parents=True)
    findings = []
    col_findings = []
    if stale:
        ev = f"{folder.name}/evidence/p00-homepage-freshness-1.png"
        Image.new("RGB", (600, 300), (200, 30, 30)).save(run_dir / ev)
        findings.append(
            finding(
                "homepage-freshness",
                "首页最新信息日期为2026年9月1日",
                url,
                ev,
                newest="2026-09-01",
                age_days=87,
            )
        )
        col_findings.append(
            finding(
                "column-freshness",
                "“部门动态”栏目更新至…",
                col,
                column="部门动态",
                newest="2026-10-12",
                age_days=46,
            )
        )
    if icp:
        ev = f"{folder.name}/evidence/p00-footer-icp-2.png"
        Image.new("RGB", (500, 200), (30, 30, 200)).save(run_dir / ev)
        findings.append(
            finding("footer-icp", "底部未找到ICP备案编号（应为“X ICP备NNNNNNNN号”格式）", url, ev)
        )
        col_findings.append(
            finding("footer-icp", "底部未找到ICP备案编号（应为“X ICP备NNNNNNNN号”格式）", col)
        )
    spec = SiteSpec(
        url=url,
        name=f'=HYPERLINK("http://x")网站{n}',
        code=f"51000000{n:02d}",
        sponsor=f"单位{n}",
        region=region,
        extra={"类型": kind} if kind else {},
    )
    return SiteResult(
        site=spec,
        pages=[
            PageResult(url=url, page_type=PageType.HOME, findings=findings),
            PageResult(url=col, page_type=PageType.COLUMN, findings=col_findings),
        ],
    )


@pytest.fixture
def data(tmp_path: Path):
    sites = [
        make_site(tmp_path, 1, "自贡市"),
        make_site(tmp_path, 2, "泸州市", stale=True, icp=True),
        make_site(tmp_path, 3, "泸州市", icp=True),
        make_site(tmp_path, 4, "凉山彝族自治州"),
        make_site(tmp_path, 5, "省直部门", stale=True),
        make_site(tmp_path, 6, "泸州市", kind="微信公众号"),
    ]
    run = RunResult(started="2026-11-27T09:00:00+08:00", as_of="2026-11-27", sites=sites)
    listed = [s.site for s in sites] + [SiteSpec(url="http://www.s7.gov.cn/", region="自贡市")]
    return build(run, default_table(), tmp_path, listed)


def test_region_table_counts_running_checked_passed_with_the_province_total(data):
    rows = {r.region: (r.running, r.checked, r.passed, r.rate) for r in data.regions}
    assert rows["自贡市"] == (2, 1, 1, "100%")  # site 7 is listed but was not audited
    assert rows["泸州市"] == (2, 2, 1, "50%")
    assert rows["省直部门"] == (1, 1, 0, "0%")
    t = data.total
    assert (t.running, t.checked, t.passed, t.rate) == (6, 5, 3, "60%")
    assert (t.media_running, t.media_checked, t.media_passed) == (1, 1, 1)


def test_overview_paragraph_fills_in_the_numbers(data):
    text = overview_paragraphs(data)
    assert text[0].startswith("（一）政府网站检查情况。")
    assert "检查全省正在运行的6个政府网站中的5个，检查比例83.3%" in text[0]
    assert "发现存在突出问题的政府网站2个，检查合格率60%。" in text[0]
    assert "自贡、凉山共2个市（州）检查合格率100%。" in text[0]  # 省直部门 is not a 市（州）
    assert text[1].startswith("（二）政务新媒体检查情况。检查1个政务新媒体账号，检查合格率100%")


def test_short_region_names_as_notices_write_them():
    assert [
        short_region(r) for r in ("自贡市", "凉山彝族自治州", "阿坝藏族羌族自治州", "大兴安岭地区")
    ] == ["自贡", "凉山", "阿坝", "大兴安岭"]


def test_problem_lines_are_concrete_one_per_problem_veto_first(data):
    lines = problem_lines(data.sites[1].result, default_table())
    texts = [ln.text for ln in lines]
    assert texts[0] == "首页信息更新至2026年9月1日，已超过87天未更新（首页）"
    # the same ICP problem on two pages is one line that says where; guidance “（应为…）” is dropped
    assert "底部未找到ICP备案编号（首页等2个页面）" in texts
    # column-freshness is an info counter: the veto is column-update, so it is no notice line
    assert not any("部门动态" in t for t in texts)
    assert lines[0].evidence == ["002-www.s2.gov.cn/evidence/p00-homepage-freshness-1.png"]


def test_docx_has_both_attachments_with_rows_rates_and_pictures(data, tmp_path: Path):
    path, *appendices = write_reports(data, tmp_path, ["docx"])
    assert path.name == "通报附件-2026-11-27.docx"
    doc = Document(str(path))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "一、总体情况" in body and "检查合格率60%" in body
    assert "抽查时间：2026年11月27日" in body  # the run's capture date when no --period is given
    regions, problems = doc.tables
    assert [c.text for c in regions.rows[0].cells][:5] == [
        "地区",
        "运行网站数",
        "检查网站数",
        "合格数",
        "合格率",
    ]
    assert [c.text for c in regions.rows[-1].cells][:5] == ["全省", "6", "5", "3", "60%"]
    assert len(regions.rows) == 1 + len(data.regions) + 1
    assert [c.text for c in problems.rows[0].cells] == [
        "序号",
        "地区/部门",
        "网站名称",
        "网址",
        "主办单位",
        "问题描述",
    ]
    assert len(problems.rows) == 1 + 2  # the two 不合格 websites
    second = problems.rows[1].cells
    assert second[1].text == "泸州市" and second[3].text == "http://www.s2.gov.cn/"
    # 附件3 as notices write it: the problems in a sentence, veto first, one line per site
    assert second[5].text.startswith(
        "首页信息更新至2026年9月1日，已超过87天未更新（首页）；"
        "底部未找到ICP备案编号（首页等2个页面）。"
    )
    # only the deciding (veto) picture in the notice; every picture is in the site's appendix
    assert len(second[5]._element.findall(".//{*}blip")) == 1
    assert len(doc.inline_shapes) == 2
    assert [a.relative_to(tmp_path).as_posix() for a in appendices] == [
        "问题证据-2026-11-27/002.docx",
        "问题证据-2026-11-27/005.docx",
    ]
    appendix = Document(str(appendices[0]))
    text = "\n".join(p.text for p in appendix.paragraphs)
    assert "1. 首页信息更新至2026年9月1日" in text and "2. 底部未找到ICP备案编号" in text
    assert len(appendix.inline_shapes) == 2


def test_docx_front_page_carries_the_offices_title_period_and_deadlines(data, tmp_path: Path):
    data.info = NoticeInfo(
        title="关于2026年第一季度全省政府网站抽查情况的通报",
        period=(date(2026, 2, 20), date(2026, 3, 9)),
        rectify_deadline=date(2026, 3, 31),
        recheck_deadline=date(2026, 4, 15),
    )
    path, *_ = write_reports(data, tmp_path, ["docx"])
    body = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert body.startswith("关于2026年第一季度全省政府网站抽查情况的通报")
    assert "抽查时间：2026年2月20日至3月9日" in body
    assert "于2026年3月31日前完成整改" in body and "2026年4月15日前将对整改情况进行复核" in body


def test_docx_sets_an_east_asian_font(data, tmp_path: Path):
    path, *_ = write_reports(data, tmp_path, ["docx"])
    xml = Document(str(path)).styles["Normal"].element.xml
    assert 'w:eastAsia="仿宋"' in xml


def test_xlsx_has_the_supervisors_columns_verdicts_and_thumbnails(data, tmp_path: Path):
    (path,) = write_reports(data, tmp_path, ["xlsx"])
    wb = load_workbook(path)
    ws = wb["网站检查结果"]
    headers = [c.value for c in ws[1]]
    assert tuple(headers[: len(SUPERVISOR_HEADERS)]) == SUPERVISOR_HEADERS
    assert tuple(headers) == RESULT_HEADERS
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 5  # websites only; the WeChat account is counted apart
    col = {h: i for i, h in enumerate(headers)}
    by_code = {r[col["网站标识码"]]: r for r in rows}
    assert by_code["5100000002"][col["结论"]] == "不合格"
    assert by_code["5100000002"][col["单项否决"]] == "单项否决/首页不更新"
    assert by_code["5100000003"][col["缺失底部要素"]] == "ICP备案编号"
    assert by_code["5100000003"][col["结论"]] == "合格" and by_code["5100000003"][col["得分"]] == 99
    # a site name that looks like a formula stays text
    assert ws.cell(row=2, column=3).data_type == "s"
    assert by_code["5100000001"][col["网站名称"]].startswith("=HYPERLINK")
    assert len(ws._images) == 3  # sites 2, 3 and 5 have evidence
    regions = [r for r in wb["地区合格率"].iter_rows(values_only=True)]
    assert regions[0][:5] == ("地区", "运行网站数", "检查网站数", "合格数", "合格率")
    assert regions[-1][:5] == ("全省", 6, 5, 3, "60%")
    assert regions[0][5:] == ("新媒体抽查数", "新媒体合格数", "新媒体合格率")
    problems = wb["问题清单"]
    assert problems.max_row - 1 == sum(len(s.lines) for s in data.websites)
    head = [c.value for c in problems[1]]
    assert {"页面网址", "检查项", "检查项编号", "整改状态"} <= set(head)
    assert problems.auto_filter.ref == f"A1:K{problems.max_row}"
    assert not problems._images  # evidence is linked, not embedded: a province's list stays small
    row = {h: problems.cell(row=2, column=i).value for i, h in enumerate(head, 1)}
    assert row["检查项"] == "首页更新" and row["检查项编号"] == "homepage-freshness"
    assert row["页面网址"] == "http://www.s2.gov.cn/" and row["整改状态"] == "未整改"
    link = problems.cell(row=2, column=head.index("证据文件") + 1).hyperlink
    assert link.target == "002-www.s2.gov.cn/evidence/p00-homepage-freshness-1.png"


def test_pictures_from_outside_the_run_directory_are_never_embedded(data, tmp_path: Path):
    outside = tmp_path.parent / "secret.png"
    Image.new("RGB", (50, 50)).save(outside)
    site = data.sites[1]
    site.lines[0].evidence = ["../secret.png"]
    path, appendix, _ = write_reports(data, tmp_path, ["docx"])
    cell = Document(str(path)).tables[1].rows[1].cells[5]
    assert len(cell._element.findall(".//{*}blip")) == 0  # the deciding picture is outside
    assert len(Document(str(appendix)).inline_shapes) == 1  # only the ICP picture


def _saved(data, tmp_path: Path) -> Path:
    """The fixture's run as a run directory (results.json), as ``auditor report`` reads it."""
    from auditor.report.json_report import write_json

    write_json(data.run, tmp_path / "results.json")
    return tmp_path


def test_report_command_takes_the_offices_dates(data, tmp_path: Path, capsys):
    run_dir = _saved(data, tmp_path)
    code = main(
        [
            "report", str(run_dir), "--format", "docx",
            "--title", "关于全省政府网站抽查情况的通报",
            "--period", "2026-02-20..2026-03-09", "--rectify-deadline", "2026-03-31",
        ]
    )  # fmt: skip
    assert code == 0
    body = "\n".join(p.text for p in Document(str(run_dir / "通报附件-2026-11-27.docx")).paragraphs)
    assert body.startswith("关于全省政府网站抽查情况的通报")
    assert "抽查时间：2026年2月20日至3月9日" in body and "2026年3月31日前完成整改" in body


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--period", "2026-03-09..2026-02-20", "--period 的结束日期早于开始日期"),
        ("--period", "二月", "--period 应为日期"),
        ("--rectify-deadline", "2026-02-30", "--rectify-deadline 应为日期"),
    ],
)
def test_report_command_rejects_bad_dates_in_one_line(
    data, tmp_path, capsys, option, value, message
):
    code = main(["report", str(_saved(data, tmp_path)), "--format", "docx", option, value])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "通报附件-2026-11-27.docx").exists()


def _many_problem_sites(run_dir: Path, count: int) -> list[SiteResult]:
    """Sites failing a veto with a dozen problems each, every one with its evidence picture."""
    sites = []
    for n in range(1, count + 1):
        site = make_site(run_dir, n, ("自贡市", "泸州市", "省直部门", "绵阳市")[n % 4], stale=True)
        folder = run_dir / f"{n:03d}-www.s{n}.gov.cn"
        extra = []
        for k in range(12):
            ev = f"{folder.name}/evidence/p01-link-health-{k}.png"
            Image.new("RGB", (900, 500), (40 + 10 * k, 120, 60)).save(run_dir / ev)
            url = f"http://www.s{n}.gov.cn/old/{k}.html"
            extra.append(
                finding(
                    "link-health",
                    f"链接“旧栏目{k}”（{url}）HTTP 404",
                    site.site.url,
                    ev,
                    url=url,
                    kind="http_error",
                )
            )
        site.pages[0].findings += extra
        sites.append(site)
    return sites


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")),
    reason="LibreOffice (libreoffice-writer) or poppler-utils absent",
)
def test_word_notice_is_at_most_two_a4_pages_per_failing_site(tmp_path: Path):
    """Laid out by LibreOffice as an office would print it: 7 failing sites, ≤ 14 pages."""
    sites = _many_problem_sites(tmp_path, 7)
    run = RunResult(started="2026-11-27T09:00:00+08:00", as_of="2026-11-27", sites=sites)
    data = build(run, default_table(), tmp_path)
    assert len(data.failed) == 7
    path, *_ = write_reports(data, tmp_path, ["docx"])
    pages = word_pages(path, tmp_path / "pdf")
    assert pages is not None and pages <= 2 * len(data.failed), pages
