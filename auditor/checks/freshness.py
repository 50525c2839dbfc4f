"""首页不更新、栏目不更新、空白栏目 (国办秘函〔2019〕19号 单项否决).

Per page: each column's emptiness and age (counting inputs, role info) and the home page's age
(veto). Per site: the counts against the veto thresholds (``column-update``).
"""

from __future__ import annotations

from auditor.artifacts import Artifacts
from auditor.checks.base import NotApplicable, Problem, Scoring, check, problem, site_check
from auditor.extract import freshness as fr
from auditor.model import PageType, Rect, Role, Severity, SiteSpec


@check(
    id="column-empty",
    name="空白栏目",
    indicator="单项否决/栏目不更新/空白栏目",
    role=Role.INFO,
    scoring=Scoring(
        per="page",
        verified=True,
        basis="计数项：逐栏目记录空白栏目，≥5个由 column-update 判定单项否决",
    ),
    severity=Severity.SERIOUS,
    rule="国办秘函〔2019〕19号：空白栏目数量超过(含)5个即单项否决（逐栏目计数）",
    requires=("links", "list_items"),
    page_types=(PageType.COLUMN,),
)
def column_empty(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """栏目页须有信息条目，不能只有“暂无信息/建设中”。"""
    why = fr.is_empty_column(page)
    if not why:
        return []
    shown = page.empty_lists[0] if page.empty_lists and not fr.entries(page) else None
    return [
        Problem(
            message=f"“{fr.column_name(page)}”为空白栏目：{why}",
            selector=shown["selector"] if shown else "",
            rect=Rect.from_dict(shown["rect"]) if shown else None,
            region="page",
            data={"column": fr.column_name(page), "reason": why},
        )
    ]


@check(
    id="column-freshness",
    name="栏目更新",
    indicator="单项否决/栏目不更新/栏目更新",
    role=Role.INFO,
    scoring=Scoring(
        per="page",
        verified=True,
        basis="计数项：逐栏目记录未更新栏目，由 column-update 汇总判定",
    ),
    severity=Severity.SERIOUS,
    rule="国办秘函〔2019〕19号：动态要闻2周、通知公告政策文件6个月、应更新栏目1年内须有更新；未标日期视为不更新",
    requires=("links", "list_items"),
    page_types=(PageType.COLUMN,),
)
def column_freshness(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """栏目最新一条信息的日期不得超过其类别的更新期限（动态要闻14天、通知公告政策文件180天、其他365天）。"""
    if fr.is_empty_column(page):
        raise NotApplicable("空白栏目，见 column-empty")
    cls = fr.column_class(page)
    name = fr.column_name(page)
    latest = fr.newest(page)
    if latest is None:
        rows = fr.undated_list(page)
        if rows:
            return [
                problem(
                    f"“{name}”栏目列表未标注发布日期，视为未更新",
                    at=rows[0].block,
                    column=name,
                    column_class=cls.id,
                    undated=True,
                    rows=len(rows),
                )
            ]
        raise NotApplicable("页面没有信息列表（无带日期的条目，也无成列的文章标题）")
    assert latest.when is not None
    age = fr.age_days(latest, page)
    if age <= cls.max_age_days:
        return []
    return [
        problem(
            f"“{name}”栏目更新至{fr.cn_date(latest.when)}，已超过{age}天未更新"
            f"（{cls.name}栏目应{cls.max_age_days}天内更新）",
            at=latest.block,
            column=name,
            column_class=cls.id,
            newest=latest.when.isoformat(),
            age_days=age,
            max_age_days=cls.max_age_days,
            as_of=fr.audit_date(page).isoformat(),
        )
    ]


@check(
    id="homepage-freshness",
    name="首页更新",
    indicator="单项否决/首页不更新",
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/首页不更新：监测2周首页无信息更新",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号：监测2周，首页无信息更新即单项否决",
    requires=("links", "list_items"),
    page_types=(PageType.HOME,),
)
def homepage_freshness(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """首页须有14天内发布的信息。"""
    limit = fr.veto_thresholds()["homepage_max_age_days"]
    latest = fr.newest(page)
    as_of = fr.audit_date(page)
    if latest is None:
        rows = fr.undated_list(page)
        if rows:
            return [
                problem(
                    f"首页信息列表未标注发布日期，视为未更新（首页应有{limit}天内的更新）",
                    at=rows[0].block,
                    as_of=as_of.isoformat(),
                    undated=True,
                )
            ]
        return [
            problem(
                f"首页未找到任何带日期的信息（检查日期 {fr.cn_date(as_of)}；首页应有{limit}天内的更新）",
                region="page",
                as_of=as_of.isoformat(),
            )
        ]
    assert latest.when is not None
    age = fr.age_days(latest, page)
    if age <= limit:
        return []
    return [
        problem(
            f"首页最新信息日期为{fr.cn_date(latest.when)}，已超过{age}天未更新（应{limit}天内有更新）",
            at=latest.block,
            newest=latest.when.isoformat(),
            age_days=age,
            as_of=as_of.isoformat(),
        )
    ]


@site_check(
    id="column-update",
    name="栏目不更新",
    indicator="单项否决/栏目不更新",
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/栏目不更新：动态要闻、通知公告政策文件累计≥5个，应更新栏目≥10个，空白栏目≥5个",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号：动态要闻、通知公告政策文件类栏目累计≥5个未更新，或应更新栏目≥10个未更新，或空白栏目≥5个，即单项否决",
)
def column_update(pages: list[Artifacts], site: SiteSpec) -> list[Problem]:
    """汇总各栏目页：未更新与空白栏目数量达到单项否决标准即不合格。"""
    limits = fr.veto_thresholds()
    columns = [p for p in pages if p.page_type is PageType.COLUMN]
    if not columns:
        raise NotApplicable("未检查到栏目页")
    empty: list[str] = []
    stale_key: list[str] = []
    stale_other: list[str] = []
    for page in columns:
        name = fr.column_name(page)
        if fr.is_empty_column(page):
            empty.append(name)
            continue
        latest = fr.newest(page)
        cls = fr.column_class(page)
        stale = (latest is None and fr.is_undated_list(page)) or (
            latest is not None and fr.age_days(latest, page) > cls.max_age_days
        )
        if stale:
            (stale_key if cls.id in ("news", "notice") else stale_other).append(name)
    counts: dict[str, object] = {
        "checked_columns": len(columns),
        "empty": empty,
        "stale_news_and_notice": stale_key,
        "stale_other": stale_other,
    }
    reasons = []
    if len(stale_key) >= limits["stale_news_and_notice"]:
        reasons.append(
            f"动态要闻、通知公告政策文件类栏目{len(stale_key)}个未更新（≥{limits['stale_news_and_notice']}）"
        )
    if len(stale_other) >= limits["stale_other"]:
        reasons.append(f"应更新栏目{len(stale_other)}个未更新（≥{limits['stale_other']}）")
    if len(empty) >= limits["empty"]:
        reasons.append(f"空白栏目{len(empty)}个（≥{limits['empty']}）")
    if not reasons:
        return []
    message = "栏目不更新达到单项否决标准：" + "；".join(reasons)
    return [Problem(message=message, region="page", data=counts)]
