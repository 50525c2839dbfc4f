"""首页不更新、栏目不更新、空白栏目 on hand-made artifacts, against a fixed audit date."""

from __future__ import annotations

from datetime import date

import pytest

from auditor.artifacts import Artifacts, Meta
from auditor.checks.base import run_check, run_site_check
from auditor.checks.freshness import (
    column_empty,
    column_freshness,
    column_update,
    homepage_freshness,
)
from auditor.extract.freshness import column_class, parse_date
from auditor.model import Outcome, PageType, SiteSpec

AS_OF = "2026-11-27"
SITE = SiteSpec(url="https://www.example.gov.cn/")


def column(name: str, dates: list[str], *, body: str = "", titles: list[str] | None = None):
    titles = titles or [f"{name}第{i}条信息标题示例" for i in range(len(dates))]
    items = [
        {
            "title": t,
            "href": f"https://www.example.gov.cn/art/{i}.html",
            "date_text": d,
            "text": f"{t} {d}",
            "selector": f"ul.list > li:nth-of-type({i + 1})",
            "rect": {"x": 100, "y": 300 + 30 * i, "width": 800, "height": 24},
        }
        for i, (t, d) in enumerate(zip(titles, dates, strict=True))
    ]
    return Artifacts(
        url=f"https://www.example.gov.cn/col/{name}/",
        page_type=PageType.COLUMN,
        metas=[Meta("ColumnName", name)],
        list_items=items,
        body_text=body or " ".join(i["text"] for i in items),
        as_of=AS_OF,
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("2026/11/20", date(2026, 11, 20)),
        ("2026年11月20日", date(2026, 11, 20)),
        ("[11-20]", date(2026, 11, 20)),
        ("12-30", date(2025, 12, 30)),  # a month-day after the audit date is last year's
        ("2026-02-30", None),
        ("无日期", None),
    ],
)
def test_dates_in_lists_are_read_with_the_year_inferred(text: str, expected: date | None) -> None:
    assert parse_date(text, date(2026, 11, 27)) == expected


def test_columns_are_classed_by_function() -> None:
    assert column_class(column("部门动态", [])).id == "news"
    assert column_class(column("通知公告", [])).id == "notice"
    assert column_class(column("人事任免", [])).id == "plan"
    assert column_class(column("机构职能", [])).id == "other"


def test_news_column_older_than_two_weeks_fails_with_the_notice_wording() -> None:
    page = column("部门动态", ["2026-10-12", "2026-09-01"])
    finding = run_check(column_freshness, page, SITE)[0]
    assert finding.outcome is Outcome.FAIL
    assert finding.message.startswith("“部门动态”栏目更新至2026年10月12日，已超过46天未更新")
    assert finding.data["age_days"] == 46 and finding.rect is not None


def test_notice_column_within_six_months_passes() -> None:
    page = column("通知公告", ["2026-07-01"])
    assert run_check(column_freshness, page, SITE)[0].outcome is Outcome.PASS


def test_undated_list_counts_as_not_updated() -> None:
    page = column("政策文件", [""] * 6)
    finding = run_check(column_freshness, page, SITE)[0]
    assert finding.outcome is Outcome.FAIL and finding.data["undated"] is True


def test_column_with_only_a_placeholder_is_empty() -> None:
    page = column("人事信息", [], body="人事信息 暂无信息")
    assert run_check(column_empty, page, SITE)[0].outcome is Outcome.FAIL
    assert run_check(column_freshness, page, SITE)[0].outcome is Outcome.NOT_APPLICABLE


def test_home_page_needs_an_item_within_fourteen_days() -> None:
    fresh = column("首页", ["2026-11-20"])
    fresh.page_type = PageType.HOME
    stale = column("首页", ["2026-11-01"])
    stale.page_type = PageType.HOME
    assert run_check(homepage_freshness, fresh, SITE)[0].outcome is Outcome.PASS
    finding = run_check(homepage_freshness, stale, SITE)[0]
    assert finding.outcome is Outcome.FAIL and finding.data["age_days"] == 26


def test_future_dates_do_not_prove_freshness() -> None:
    page = column("要闻", ["2027-01-01", "2026-10-01"])
    assert run_check(column_freshness, page, SITE)[0].outcome is Outcome.FAIL


@pytest.mark.parametrize(
    "stale_news, empty, veto",
    [(4, 4, False), (5, 0, True), (0, 5, True), (4, 1, False)],
)
def test_site_veto_counts_stale_and_empty_columns(stale_news: int, empty: int, veto: bool) -> None:
    pages = [column(f"动态{i}", ["2026-09-01"]) for i in range(stale_news)]
    pages += [column(f"空白{i}", [], body="暂无信息") for i in range(empty)]
    pages += [column("要闻", ["2026-11-26"])]
    finding = run_site_check(column_update, pages, SITE)[0]
    assert (finding.outcome is Outcome.FAIL) is veto
    if veto:
        assert len(finding.data["stale_news_and_notice"]) == stale_news
        assert len(finding.data["empty"]) == empty


def test_ten_stale_other_columns_fail_the_site() -> None:
    pages = [column(f"机构职能{i}", ["2025-01-01"]) for i in range(10)]
    finding = run_site_check(column_update, pages, SITE)[0]
    assert finding.outcome is Outcome.FAIL and len(finding.data["stale_other"]) == 10
