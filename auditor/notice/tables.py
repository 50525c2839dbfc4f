"""The numbers a notice publishes: per-region pass rates (附件2) and the supervisors' site rows.

Why here and not in each writer: Word, Excel, HTML and the 总体情况 paragraph must all print the
same counts, so they are computed once from the run, the verdicts and the sites list (whose 地区
column groups the sites; 各地检查通报的写法).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.checks import ALL_CHECKS
from auditor.model import Finding, Outcome, PageResult, RunResult, SiteResult, SiteSpec
from auditor.notice.info import NoticeInfo, cn_period, run_period
from auditor.notice.media_rows import FAIL_LABEL, AccountRow
from auditor.notice.problem_text import ProblemLine, clean_text, problem_lines
from auditor.verdict import UNDECIDED_LABEL, ScoringTable, Verdict, judge

__all__ = [
    "NO_REGION",
    "NoticeData",
    "RegionRow",
    "SiteRow",
    "build",
    "is_new_media",
    "rate_text",
]

NO_REGION = "未填地区"
TOTAL_LABEL = "全省"
# Sites list columns that may say a row is a 政务新媒体 account rather than a website.
_KIND_COLUMNS = ("类型", "网站类型", "账号类型", "新媒体类型", "type", "kind")
_MEDIA_WORDS = (
    "新媒体",
    "微信",
    "微博",
    "抖音",
    "头条",
    "快手",
    "客户端",
    "公众号",
    "视频号",
    "小程序",
    "app",
    "APP",
)
_INTERACTION = ("interaction-channel", "message-response")
_META = ("meta-tags", "meta-format")


def is_new_media(spec: SiteSpec) -> bool:
    """A 政务新媒体 row: the sites list's 类型 column names a platform (微信, 微博, 客户端…)."""
    return any(word in spec.extra.get(col, "") for col in _KIND_COLUMNS for word in _MEDIA_WORDS)


def rate_text(passed: int, checked: int) -> str:
    """Pass rate as notices print it: “98.1%”, “100%”; “—” when nothing was checked."""
    if checked == 0:
        return "—"
    return f"{100 * passed / checked:.1f}".rstrip("0").rstrip(".") + "%"


@dataclass
class RegionRow:
    """附件2: one 地区 (or the province total)."""

    region: str
    running: int = 0  # 运行网站数: sites of the region in the sites list
    checked: int = 0  # 检查网站数: sites audited (at least one page)
    passed: int = 0  # 合格数
    media_running: int = 0
    media_checked: int = 0
    media_passed: int = 0
    media_undecided: int = 0  # accounts opened whose verdict is 无法判定 (not in the rate)

    @property
    def media_sampled(self) -> int:
        """新媒体抽查数: the accounts opened, decided or not."""
        return self.media_checked + self.media_undecided

    @property
    def rate(self) -> str:
        return rate_text(self.passed, self.checked)

    @property
    def media_rate(self) -> str:
        return rate_text(self.media_passed, self.media_checked)

    @property
    def all_passed(self) -> bool:
        return self.checked > 0 and self.passed == self.checked


@dataclass
class SiteRow:
    """One audited site with its verdict, notice lines and the supervisors' columns."""

    index: int  # 1-based position in the sites list
    result: SiteResult
    verdict: Verdict
    lines: list[ProblemLine]
    media: bool = False

    @property
    def spec(self) -> SiteSpec:
        return self.result.site

    @property
    def region(self) -> str:
        return clean_text(self.spec.region) or NO_REGION

    def supervisor_columns(self) -> dict[str, object]:
        """The columns of the supervisors' export (监测平台厂商导出表)."""
        site = self.result
        home = site.pages[0] if site.pages else None
        fails = [
            f
            for f in [*site.findings, *(g for p in site.pages for g in p.findings)]
            if f.outcome is Outcome.FAIL
        ]

        def failing(*checks: str) -> list[Finding]:
            return [f for f in fails if f.check in checks]

        home_fail = bool(home) and any(
            f.check == "page-availability" and f.page_url == home.url  # type: ignore[union-attr]
            for f in fails
        )
        dead = sum(
            len(f.data.get("broken", [])) or 1
            for f in failing("link-health")
            if home and f.page_url == home.url
        )
        update: dict[str, Any] = next((f.data for f in failing("column-update")), {})
        empty = {f.data.get("column") or f.page_url for f in failing("column-empty")}
        stale = {f.data.get("column") or f.page_url for f in failing("column-freshness")}
        empty_n = max(len(empty), len(update.get("empty", [])))
        stale_n = max(
            len(stale),
            len(update.get("stale_news_and_notice", [])) + len(update.get("stale_other", [])),
        )
        interaction = [ln.text for ln in self.lines if ln.check in _INTERACTION]
        missing = [c.name for c in ALL_CHECKS if c.group == "footer" and failing(c.id)]
        meta_pages = {f.page_url for f in failing(*_META)}
        vetoes = "；".join(f"{v.indicator}" for v in self.verdict.vetoes)
        return {
            "序号": self.index,
            "网站标识码": clean_text(self.spec.code),
            "网站名称": clean_text(self.spec.name),
            "网址": clean_text(self.spec.url),
            "主办单位": clean_text(self.spec.sponsor),
            "地区": self.region,
            "首页不连通": _unreachable(home, home_fail),
            "首页死链数": dead,
            "空白栏目数": empty_n,
            "不更新栏目数": stale_n,
            "互动回应问题": "；".join(interaction),
            "缺失底部要素": "、".join(missing),
            "网页标签问题": len(meta_pages),
            "单项否决": vetoes or "无",
            "结论": self.verdict.label,
        }


def _unreachable(home: PageResult | None, failed: bool) -> str:
    """是/否, with the week's ratio where a monitoring run decided it (国办秘函〔2019〕19号)."""
    measured = next(
        (
            f
            for f in (home.findings if home else [])
            if f.check == "page-availability" and f.data.get("source") == "monitor"
        ),
        None,
    )
    if measured is None:
        return "是" if failed else "否"
    ratio = f"1周失败占比{measured.data.get('ratio', '—')}"
    if measured.outcome is Outcome.ERROR:
        return f"无法判定（监测未完成，目前{ratio}）"
    return f"{'是' if failed else '否'}（{ratio}）"


SUPERVISOR_HEADERS = (
    "序号",
    "网站标识码",
    "网站名称",
    "网址",
    "主办单位",
    "地区",
    "首页不连通",
    "首页死链数",
    "空白栏目数",
    "不更新栏目数",
    "互动回应问题",
    "缺失底部要素",
    "网页标签问题",
    "单项否决",
    "结论",
)


@dataclass
class NoticeData:
    """Everything the attachments print, computed once."""

    run: RunResult
    table: ScoringTable
    run_dir: Path
    info: NoticeInfo = field(default_factory=NoticeInfo)
    sites: list[SiteRow] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)
    total: RegionRow = field(default_factory=lambda: RegionRow(TOTAL_LABEL))
    accounts: list[AccountRow] = field(
        default_factory=list
    )  # the accounts list's half (media.json)

    @property
    def outstanding_accounts(self) -> list[AccountRow]:
        """附件4: accounts with 突出问题, 不合格 first, in list order."""
        rows = [a for a in self.accounts if a.outstanding]
        return sorted(rows, key=lambda a: (a.verdict != FAIL_LABEL, a.index))

    @property
    def websites(self) -> list[SiteRow]:
        return [s for s in self.sites if not s.media]

    @property
    def failed(self) -> list[SiteRow]:
        """附件3: the websites judged 不合格, in sites-list order."""
        return [s for s in self.websites if s.verdict.label == "不合格"]

    @property
    def undecided(self) -> list[SiteRow]:
        """Websites whose verdict could not be decided (无法判定), listed apart with the reasons."""
        return [s for s in self.websites if s.verdict.label == UNDECIDED_LABEL]

    @property
    def has_websites(self) -> bool:
        """False for a run of the accounts half alone (``auditor media``)."""
        return self.total.running > 0 or bool(self.websites)

    @property
    def has_media(self) -> bool:
        return self.total.media_running > 0

    @property
    def period(self) -> str:
        """抽查时间 as the notice prints it: the office's period, else the run's capture dates."""
        span = self.info.period or run_period(self.run.started, self.run.finished)
        return cn_period(*span) if span else clean_text(self.run.as_of)


def build(
    run: RunResult,
    table: ScoringTable,
    run_dir: Path,
    listed: list[SiteSpec] | None = None,
    info: NoticeInfo | None = None,
    accounts: list[AccountRow] | None = None,
) -> NoticeData:
    """Verdicts, notice lines and region counts for a run.

    ``listed`` is the whole sites list (running sites), when known from the store; sites in it
    that were not audited count as running but not checked. ``accounts`` are the 政务新媒体
    accounts audited from an accounts list: each counts as checked unless its verdict is 无法判定.
    """
    data = NoticeData(
        run=run, table=table, run_dir=run_dir, info=info or NoticeInfo(), accounts=accounts or []
    )
    order = {s.url: i for i, s in enumerate(listed or [], 1)}
    for n, result in enumerate(run.sites, 1):
        started = bool(result.pages) or bool(result.unfinished)
        checked = started and not result.error.startswith("检查未完成")
        verdict = judge(result, table) if checked else judge(SiteResult(result.site), table)
        data.sites.append(
            SiteRow(
                index=order.get(result.site.url, n),
                result=result,
                verdict=verdict,
                lines=problem_lines(result, table),
                media=is_new_media(result.site),
            )
        )
    specs = listed if listed is not None else [r.site for r in run.sites]
    by_region: dict[str, RegionRow] = {}
    for spec in specs:
        region = clean_text(spec.region) or NO_REGION
        row = by_region.setdefault(region, RegionRow(region))
        if is_new_media(spec):
            row.media_running += 1
        else:
            row.running += 1
    for site in data.sites:
        row = by_region.setdefault(site.region, RegionRow(site.region))
        if site.verdict.score is None and not site.verdict.vetoes:
            continue  # not checked
        passed = int(site.verdict.passed)
        if site.media:
            row.media_checked += 1
            row.media_passed += passed
        else:
            row.checked += 1
            row.passed += passed
    for account in data.accounts:
        region = account.region or NO_REGION
        row = by_region.setdefault(region, RegionRow(region))
        row.media_running += 1
        if account.verdict == UNDECIDED_LABEL:
            row.media_undecided += 1
        else:
            row.media_checked += 1
            row.media_passed += int(account.verdict != FAIL_LABEL)
    data.regions = list(by_region.values())
    total = data.total
    for row in data.regions:
        for key in (
            "running",
            "checked",
            "passed",
            "media_running",
            "media_checked",
            "media_passed",
            "media_undecided",
        ):
            setattr(total, key, getattr(total, key) + getattr(row, key))
    return data
