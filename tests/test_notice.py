"""Notice attachments from hand-made results: tables, rates, lines, pictures, read back from the files."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image

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
    (path,) = write_reports(data, tmp_path, ["docx"])
    assert path.name == "通报附件-2026-11-27.docx"
    doc = Document(str(path))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "一、总体情况" in body and "检查合格率60%" in body
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
    assert "1. 首页信息更新至2026年9月1日，已超过87天未更新" in second[5].text
    # two evidence pictures inline in that site's problem cell (veto line and ICP line)
    assert len(second[5]._element.findall(".//{*}blip")) == 2
    assert len(doc.inline_shapes) == 3


def test_docx_sets_an_east_asian_font(data, tmp_path: Path):
    (path,) = write_reports(data, tmp_path, ["docx"])
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
    assert regions[0][5:] == ("新媒体检查数", "新媒体合格数", "新媒体合格率")
    problems = wb["问题清单"]
    assert problems.max_row - 1 == sum(len(s.lines) for s in data.websites)


def test_pictures_from_outside_the_run_directory_are_never_embedded(data, tmp_path: Path):
    outside = tmp_path.parent / "secret.png"
    Image.new("RGB", (50, 50)).save(outside)
    site = data.sites[1]
    site.lines[0].evidence = ["../secret.png"]
    (path,) = write_reports(data, tmp_path, ["docx"])
    cell = Document(str(path)).tables[1].rows[1].cells[5]
    assert len(cell._element.findall(".//{*}blip")) == 1  # only the ICP picture
