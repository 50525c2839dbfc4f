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


def rows(
    titles: list[str],
    *,
    dates: list[str] | None = None,
    container: str = "ul.list",
    **extra: object,
) -> list[dict[str, object]]:
    """List rows as gather.js reports them: each with its container, region and menu flag."""
    dates = dates or [""] * len(titles)
    return [
        {
            "title": t,
            "href": f"https://www.example.gov.cn/art/{container}/{i}.html",
            "date_text": d,
            "text": f"{t} {d}".strip(),
            "selector": f"{container} > li:nth-of-type({i + 1})",
            "rect": {"x": 100, "y": 300 + 30 * i, "width": 800, "height": 24},
            "list": container,
            "region": "",
            "nav": False,
            **extra,
        }
        for i, (t, d) in enumerate(zip(titles, dates, strict=True))
    ]


TITLES = [f"示例市关于第{i}项重点工作的通知" for i in range(4)]
MENU = ["要闻动态", "通知公告", "政策文件", "人事信息", "机构职能"]


def column_of(name: str, items: list[dict[str, object]], **fields: object) -> Artifacts:
    return Artifacts(
        url="https://www.example.gov.cn/col/x/",
        page_type=PageType.COLUMN,
        metas=[Meta("ColumnName", name)],
        list_items=items,
        body_text=" ".join(str(i["text"]) for i in items) + " 栏目导航 要闻动态 通知公告 政策文件",
        as_of=AS_OF,
        **fields,  # type: ignore[arg-type]
    )


def test_three_undated_article_rows_are_a_stale_list_with_the_plain_message() -> None:
    page = column_of("政策文件", rows(TITLES[:3]))
    finding = run_check(column_freshness, page, SITE)[0]
    assert finding.outcome is Outcome.FAIL
    assert finding.message == "“政策文件”栏目列表未标注发布日期，视为未更新"
    assert finding.selector == "ul.list > li:nth-of-type(1)" and finding.data["rows"] == 3


def test_undated_column_counts_as_stale_for_the_site_veto() -> None:
    pages = [column_of(f"通知公告{i}", rows(TITLES)) for i in range(5)]
    finding = run_site_check(column_update, pages, SITE)[0]
    assert finding.outcome is Outcome.FAIL
    assert len(finding.data["stale_news_and_notice"]) == 5


@pytest.mark.parametrize(
    "items",
    [
        rows(MENU),  # a page of column names: navigation, not a column list
        rows(TITLES[:2]),  # two links in a text: no list
        rows(TITLES, nav=True),  # article-like links in a menu
        rows(TITLES, region="header"),  # rows in the header
        rows(TITLES[:2], container="div.a") + rows(TITLES[2:], container="div.b"),  # scattered
    ],
)
def test_what_is_no_column_list_is_not_judged(items: list[dict[str, object]]) -> None:
    page = column_of("政务公开", items)
    assert run_check(column_freshness, page, SITE)[0].outcome is Outcome.NOT_APPLICABLE
    assert run_check(column_empty, page, SITE)[0].outcome is Outcome.PASS


def test_home_page_with_only_an_undated_list_is_not_updated() -> None:
    page = column_of("首页", rows(TITLES))
    page.page_type = PageType.HOME
    finding = run_check(homepage_freshness, page, SITE)[0]
    assert finding.outcome is Outcome.FAIL
    assert finding.message.startswith("首页信息列表未标注发布日期，视为未更新")


def test_dated_rows_count_wherever_they_are_drawn() -> None:
    page = column_of("首页", rows(TITLES, dates=["2026-11-25"] * 4, region="header"))
    page.page_type = PageType.HOME
    assert run_check(homepage_freshness, page, SITE)[0].outcome is Outcome.PASS


EMPTY_LIST = {
    "selector": "#main > ul.news-list",
    "rect": {"x": 300, "y": 400, "width": 700, "height": 24},
    "snippet": '<ul class="news-list"></ul>',
}


def test_empty_list_container_without_entries_is_a_blank_column() -> None:
    page = column_of("工作动态", rows(MENU, nav=True), empty_lists=[EMPTY_LIST])
    finding = run_check(column_empty, page, SITE)[0]
    assert finding.outcome is Outcome.FAIL
    assert finding.message == "“工作动态”为空白栏目：栏目列表区域没有任何信息条目"
    assert finding.selector == EMPTY_LIST["selector"] and finding.rect is not None
    assert run_check(column_freshness, page, SITE)[0].outcome is Outcome.NOT_APPLICABLE


def test_empty_list_container_beside_a_list_is_no_blank_column() -> None:
    page = column_of("通知公告", rows(TITLES, dates=["2026-11-20"] * 4), empty_lists=[EMPTY_LIST])
    assert run_check(column_empty, page, SITE)[0].outcome is Outcome.PASS
    assert run_check(column_freshness, page, SITE)[0].outcome is Outcome.PASS
