"""互动交流、留言回应、年度报表、站内搜索: judged from the home page's probe data.

The probes (``auditor/interaction.py``) run in the browser once per site and leave plain data in
``Artifacts.interaction``; these checks only read it (国办秘函〔2019〕19号 单项否决/互动回应差;
国办函〔2018〕12号 年度报表).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from statistics import median
from typing import Any

from auditor.artifacts import Artifacts
from auditor.checks.base import NotApplicable, Problem, Scoring, check, problem, unjudged
from auditor.extract import freshness as fr
from auditor.extract.entries import annual_report_links, channels, service_links
from auditor.model import Outcome, PageType, Rect, Role, Severity, SiteSpec

HOME = (PageType.HOME,)
UNANSWERED = re.compile(r"未回复|未答复|待回复|待答复|办理中|处理中|未办结")


def _probe(page: Artifacts, name: str) -> dict[str, Any]:
    data = (page.interaction or {}).get(name)
    if data is None:
        raise NotApplicable("未进行互动功能探测（仅在完整检查中运行）")
    return dict(data)


@check(
    id="interaction-channel",
    name="咨询建言渠道",
    indicator="单项否决/互动回应差",
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/互动回应差：未提供网上有效咨询建言渠道",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号：未提供网上有效咨询建言渠道（网上信访、纪检举报等专门渠道除外）即单项否决",
    requires=("links", "interaction"),
    page_types=HOME,
)
def interaction_channel(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """首页须提供可用的咨询建言渠道（留言、咨询、信箱、建言），表单能正常提交。"""
    found = channels(page)
    if not found:
        return [
            problem(
                "首页未找到咨询建言渠道（留言、咨询、信箱、建言；信访、举报类专门渠道不算）",
                region="page",
            )
        ]
    link = found[0]
    probe = _probe(page, "form")
    if probe.get("error"):
        return [unjudged(f"互动交流页面探测未完成，无法判定：{probe['error']}", at=link)]
    name = f"“{link.label}”（{link.href}）"
    if probe.get("loaded") is False:
        return [problem(f"互动交流渠道{name}无法打开（HTTP {probe.get('status')}）", at=link)]
    form = probe.get("form") or {}
    if not form.get("found"):
        return [
            problem(
                f"互动交流渠道{name}页面上未找到留言表单（可能需要登录或跳转其他平台），请人工核对",
                at=link,
                review=True,
            )
        ]
    return _form_problems(probe, form, link)


def _form_problems(probe: dict[str, Any], form: dict[str, Any], link: Any) -> list[Problem]:
    where = {"url": probe.get("url", ""), "action": form.get("action", "")}
    rect = Rect.from_dict(form.get("rect"))
    problems: list[Problem] = []

    def fail(message: str, **data: Any) -> None:
        problems.append(Problem(message=message, rect=rect, data={**where, **data}))

    if not form.get("fields"):
        fail("留言表单没有可填写的字段")
    if not form.get("has_submit"):
        fail("留言表单没有提交按钮")
    captcha = form.get("captcha") or {}
    if captcha.get("present") and not captcha.get("loaded"):
        fail("留言表单的验证码图片无法加载，无法提交留言", captcha=captcha.get("src", ""))
    status = probe.get("action_status")
    if isinstance(status, int) and (status == 404 or status >= 500):
        fail(f"留言表单提交地址 {form.get('action')} 返回 HTTP {status}", status=status)
    elif isinstance(status, str):
        fail(f"留言表单提交地址 {form.get('action')} 无法访问：{status}", status=status)
    empty = probe.get("empty_submit") or {}
    if empty.get("posted_empty"):
        fail("必填项为空时仍可提交（未做校验；本次提交已被拦截，未写入网站）", **empty)
    elif empty.get("error"):
        problems.append(
            Problem(
                message=f"空表单提交测试未完成，无法判定：{empty['error']}",
                outcome=Outcome.ERROR,
                rect=rect,
                data={**where, **empty},
            )
        )
    elif empty and not empty.get("validation_shown"):
        fail("必填项为空时点击提交，页面没有任何校验提示", **empty)
    if empty.get("js_errors"):
        fail("点击提交时页面脚本出错：" + "；".join(empty["js_errors"][:2]), **empty)
    sent = probe.get("submission")
    if sent is not None and not sent.get("confirmation"):
        fail(
            "提交测试留言后未看到成功提示（"
            + (sent.get("error") or f"HTTP {sent.get('status')}")
            + "）",
            submission=sent,
        )
    return problems


@check(
    id="message-response",
    name="留言答复",
    indicator="单项否决/互动回应差",
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/互动回应差：1年内存在超过3个月未回应有效留言",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号：监测时间点前1年内，政务咨询类栏目存在超过3个月未回应有效留言即单项否决",
    requires=("interaction",),
    page_types=HOME,
)
def message_response(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """近1年的留言须在3个月内答复；列出答复用时分布。"""
    probe = _probe(page, "form")
    if probe.get("error"):
        return [unjudged(f"互动交流页面探测未完成，无法判定：{probe['error']}", region="page")]
    rows = probe.get("message_rows") or []
    as_of = fr.audit_date(page)
    messages = [m for m in (_message(r, as_of) for r in rows) if m]
    recent = [m for m in messages if m["asked"] >= as_of - timedelta(days=365)]
    if not recent:
        raise NotApplicable("渠道页面上没有近1年带日期的留言列表")
    late = []
    for m in recent:
        replied: date | None = m["replied"]
        waited = ((replied or as_of) - m["asked"]).days
        if waited > 90 and (replied is None or m["unanswered"] is False):
            late.append({**m, "days": waited})
    days = [(m["replied"] - m["asked"]).days for m in recent if m["replied"]]
    summary = {
        "messages": len(recent),
        "answered": len(days),
        "median_days": median(days) if days else None,
        "within_5_days": sum(d <= 7 for d in days),  # 5 working days ≈ a calendar week
        "within_2_months": sum(d <= 61 for d in days),
    }
    if not late:
        return []
    worst = max(late, key=lambda m: m["days"])
    state = "至今未答复" if worst["replied"] is None else f"{worst['days']}天后才答复"
    return [
        Problem(
            message=(
                f"近1年有{len(late)}条留言超过3个月未回应，如{fr.cn_date(worst['asked'])}的"
                f"“{worst['title'][:30]}”{state}"
            ),
            region="page",
            data={
                **summary,
                "late": [
                    {"title": m["title"], "asked": m["asked"].isoformat(), "days": m["days"]}
                    for m in late
                ],
            },
        )
    ]


def _message(row: str, as_of: date) -> dict[str, Any] | None:
    dates = [fr.parse_date(m.group(0), as_of) for m in fr._FULL.finditer(row)]
    dates = [d for d in dates if d]
    if not dates:
        return None
    title = fr._FULL.split(row)[0].strip() or row[:30]
    unanswered = bool(UNANSWERED.search(row))
    replied = dates[1] if len(dates) > 1 and not unanswered else None
    return {"title": title, "asked": dates[0], "replied": replied, "unanswered": unanswered}


@check(
    id="annual-report",
    name="年度报表",
    indicator="发布解读/年度报表",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=2,
        verified=False,
        basis="国办函〔2018〕12号 年度报表；分值 2（未核实）",
    ),
    severity=Severity.SERIOUS,
    rule="国办函〔2018〕12号：首页显著位置发布政府网站工作年度报表；1月31日后须为上一年度",
    requires=("links", "interaction"),
    page_types=HOME,
)
def annual_report(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """首页显著位置须链接政府网站工作年度报表，链接可用且为上一年度。"""
    links = annual_report_links(page)
    if not links:
        return [problem("首页未找到“政府网站工作年度报表”链接", region="page")]
    link = links[0]
    if not link.visible:
        return [problem("“政府网站工作年度报表”链接在首页不可见", at=link, href=link.href)]
    probe = (page.interaction or {}).get("annual_report")
    if not probe:
        return []
    if probe.get("error"):
        return [unjudged(f"年度报表页面探测未完成，无法判定：{probe['error']}", at=link)]
    status = probe.get("status")
    if status is None or status >= 400:
        return [problem(f"年报链接不可用：{link.href} 返回 HTTP {status}", at=link, status=status)]
    as_of = fr.audit_date(page)
    due = as_of.year - 1 if (as_of.month, as_of.day) > (1, 31) else as_of.year - 2
    years = probe.get("years") or []
    if due not in years:
        return [
            problem(
                f"年度报表页面未见{due}年度内容（页面年份：{'、'.join(map(str, years)) or '无'}；"
                f"{as_of.year}年1月31日后应发布{due}年度报表）",
                at=link,
                expected=due,
                found=years,
            )
        ]
    return []


@check(
    id="site-search",
    name="站内搜索",
    indicator="功能设计/搜索",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=2,
        verified=False,
        basis="国办发〔2017〕47号 站内搜索；国办秘函〔2019〕19号 二级指标“搜索”（未核实）；分值 2（未核实）",
    ),
    severity=Severity.MODERATE,
    rule="国办发〔2017〕47号《政府网站发展指引》（未核实）：站内搜索须能检索到站内信息（四川 2020Q1 通报“检索信息不准确”）",
    requires=("interaction",),
    page_types=HOME,
)
def site_search(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """用站内搜索检索首页最新文章标题（或网站名称），结果中须有匹配条目。"""
    probe = _probe(page, "search")
    if probe.get("error"):
        return [unjudged(f"站内搜索探测未完成，无法判定：{probe['error']}", region="header")]
    if not probe.get("box"):
        raise NotApplicable("首页没有站内搜索框")
    query = probe.get("query", "")
    if probe.get("post_only"):
        return [
            problem(
                "站内搜索以 POST 方式提交，为不向网站写入数据未执行检索，请人工核对检索是否准确",
                region="header",
                review=True,
                query=query,
            )
        ]
    if not probe.get("navigated"):
        return [
            problem(
                f"在搜索框输入“{query}”并回车后没有打开检索结果页",
                region="header",
                query=query,
            )
        ]
    if not probe.get("hits"):
        return [
            problem(
                f"检索信息不准确：检索“{query}”（首页上的文章标题）没有返回任何匹配结果",
                region="header",
                query=query,
                results_url=probe.get("results_url", ""),
            )
        ]
    return []


@check(
    id="service-entry",
    name="办事服务入口",
    indicator="单项否决/服务不实用",
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/服务不实用：1.未提供办事服务",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号 单项否决/服务不实用：未提供办事服务，即单项否决"
    "（无对外办事职能的部门网站不考核办事服务）",
    requires=("links", "interaction"),
    page_types=HOME,
)
def service_entry(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """首页须有办事服务入口（办事服务、政务服务、办事指南、网上办事），并能打开可用的页面。"""
    probe = _probe(page, "service")
    if probe.get("error"):
        return [unjudged(f"办事服务入口探测未完成，无法判定：{probe['error']}", region="page")]
    links = service_links(page)
    if not links:
        # 无对外办事职能的部门 are not scored on 办事服务: only a person knows which sites those are.
        return [
            problem(
                "首页未找到办事服务入口（办事服务、政务服务、办事指南、网上办事），"
                "请人工确认（无对外办事职能的部门网站不考核此项）",
                region="page",
                review=True,
            )
        ]
    link = links[0]
    name = f"“{link.label}”（{link.href}）"
    if probe.get("load_error"):
        return [
            problem(
                f"办事服务入口{name}未能打开：{probe['load_error']}，请人工确认",
                at=link,
                review=True,
                detail=probe.get("detail", ""),
            )
        ]
    status = probe.get("status")
    if status is not None and status >= 400:
        return [problem(f"办事服务入口{name}无法打开（HTTP {status}）", at=link, status=status)]
    if not probe.get("chars"):
        return [problem(f"办事服务入口{name}打开后是空白页面", at=link, status=status)]
    return []
