"""The notice's 政务新媒体 half: 附件2 per-region account counts and 附件4, from a media.json."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from auditor.cli import main
from auditor.media.accounts import Account
from auditor.media.profile import Post, Profile, State
from auditor.media.run import AccountResult, judge, write_media_json
from auditor.model import RunResult, SiteResult, SiteSpec
from auditor.notice import build, load_run
from auditor.notice.media_rows import media_verdict
from auditor.notice.paragraph import overview_paragraphs
from auditor.report.json_report import write_json
from auditor.verdict import default_table

AS_OF = date(2026, 11, 27)


def _account(
    n: int, region: str, name: str, state: State = State.OK, *posts: date
) -> AccountResult:
    account = Account(
        url=f"https://weibo.com/u/{1000 + n}",
        name=name,
        platform="微博",
        sponsor=f"{name}单位",
        region=region,
        row=n + 1,
    )
    profile = Profile(
        url=account.url,
        platform="weibo",
        state=state,
        name=name,
        posts=[Post(when=d, text="政务信息") for d in posts],
        interaction=["评论", "私信"] if state is State.OK else [],  # media-interaction passes
        screenshot=f"account-{n:03d}.png",
    )
    return AccountResult(account, profile, judge(profile, account, AS_OF))


# Declared: region → (抽查数, 合格数); 附件4 → the accounts with 突出问题 and their description.
ACCOUNTS = [
    (_account(1, "阿坝州", "阿坝发布", State.OK, date(2026, 11, 25)), "合格"),
    (_account(2, "阿坝州", "阿坝州编译局", State.OK, date(2015, 5, 3)), "不合格"),
    (_account(3, "成都市", "成都某局", State.OK, date(2026, 10, 1)), "不合格"),
    (_account(4, "成都市", "成都零发布", State.OK), "不合格"),
    (_account(5, "成都市", "成都已注销", State.GONE), "不合格"),
    (_account(6, "成都市", "成都需登录", State.LOGIN), "无法判定"),
    (_account(7, "成都市", "成都打不开", State.FAILED), "无法判定"),
]
OUTSTANDING = {
    "阿坝州编译局": "长期不更新，成为“睡眠”“僵尸”账号，最新一条信息更新时间为2015年5月。",
    "成都某局": "监测时间点前2周内无更新，最新一条信息更新时间为2026年10月。",
    "成都零发布": "长期零发布，成为“睡眠”“僵尸”账号。",
    "成都已注销": "账号“成都已注销”已注销或不存在。",
}


@pytest.fixture
def media_dir(tmp_path: Path) -> Path:
    write_media_json([r for r, _ in ACCOUNTS], tmp_path / "media.json", AS_OF, [])
    return tmp_path


def test_each_account_gets_its_declared_verdict(media_dir: Path) -> None:
    loaded = load_run(media_dir)
    assert loaded.accounts is not None
    assert [a.verdict for a in loaded.accounts] == [v for _, v in ACCOUNTS]
    assert media_verdict([]) == "合格"


def test_region_counts_leave_undecided_accounts_out_of_the_rate(media_dir: Path) -> None:
    loaded = load_run(media_dir)
    data = build(loaded.run, default_table(), media_dir, loaded.listed, None, loaded.accounts)
    rows = {r.region: (r.media_sampled, r.media_checked, r.media_passed) for r in data.regions}
    assert rows == {"阿坝州": (2, 2, 1), "成都市": (5, 3, 0)}
    assert (data.total.media_sampled, data.total.media_passed, data.total.media_rate) == (
        7,
        1,
        "20%",
    )
    assert not data.has_websites and data.has_media
    assert overview_paragraphs(data) == [
        "（一）政务新媒体检查情况。检查5个政务新媒体账号，检查合格率20%，发现存在突出问题的账号4个。"
        "另有2个账号无法判定（需要登录、出现验证码或未能打开），未计入合格率。"
    ]
    assert {a.name: a.description() for a in data.outstanding_accounts} == OUTSTANDING


def test_report_on_a_media_run_writes_attachment2_and_4(media_dir: Path) -> None:
    assert main(["report", str(media_dir), "--format", "docx,xlsx"]) == 0
    doc = Document(str(media_dir / "通报附件-2026-11-27.docx"))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "附件：2. 全省政务新媒体检查情况" in body
    assert "4. 检查发现存在突出问题的政务新媒体名单" in body
    assert "检查发现存在突出问题的政府网站名单" not in body  # no websites: no 附件3
    region, listed = doc.tables
    assert [c.text for c in region.rows[0].cells] == [
        "地区",
        "新媒体抽查数",
        "新媒体合格数",
        "新媒体合格率",
    ]
    assert [[c.text for c in r.cells] for r in region.rows[1:]] == [
        ["阿坝州", "2", "1", "50%"],
        ["成都市", "5", "0", "0%"],
        ["全省", "7", "1", "20%"],
    ]
    assert [c.text for c in listed.rows[0].cells] == [
        "序号", "地区/部门", "账号名称", "平台", "主办单位", "问题描述",
    ]  # fmt: skip
    assert {r.cells[2].text: r.cells[5].text for r in listed.rows[1:]} == OUTSTANDING
    assert {r.cells[3].text for r in listed.rows[1:]} == {"微博"}

    book = load_workbook(media_dir / "网站检查结果-2026-11-27.xlsx")
    outstanding = list(book["突出问题政务新媒体"].iter_rows(min_row=2, values_only=True))
    assert {r[2]: r[5] for r in outstanding} == OUTSTANDING
    accounts = list(book["政务新媒体检查结果"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[8]) for r in accounts] == [(r.account.name, v) for r, v in ACCOUNTS]
    assert accounts[1][7] == "2015-05-03"
    regions = list(book["地区合格率"].iter_rows(values_only=True))
    assert regions[-1][-3:] == (7, 1, "20%")


def test_report_on_an_audit_run_with_accounts_covers_both_halves(media_dir: Path) -> None:
    site = SiteResult(site=SiteSpec(url="http://www.s1.gov.cn/", name="网站1", region="阿坝州"))
    write_json(RunResult(started="2026-11-27T09:00:00+08:00", as_of="2026-11-27", sites=[site]),
               media_dir / "results.json")  # fmt: skip
    assert main(["report", str(media_dir), "--format", "docx"]) == 0
    doc = Document(str(media_dir / "通报附件-2026-11-27.docx"))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "附件：2. 全省政府网站和政务新媒体检查情况" in body
    assert "3. 检查发现存在突出问题的政府网站名单" in body
    assert "4. 检查发现存在突出问题的政务新媒体名单" in body
    assert "（二）政务新媒体检查情况" in body
    region = doc.tables[0]
    assert [c.text for c in region.rows[0].cells][-3:] == [
        "新媒体抽查数",
        "新媒体合格数",
        "新媒体合格率",
    ]
    assert [c.text for c in region.rows[-1].cells] == [
        "全省", "1", "0", "0", "—", "7", "1", "20%",
    ]  # fmt: skip
    assert len(doc.tables) == 3  # 附件2, 附件3, 附件4
