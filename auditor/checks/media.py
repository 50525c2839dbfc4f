"""政务新媒体 checks: pure functions over an account's :class:`~auditor.media.profile.Profile`.

Ages count from the audit date (``--as-of``) so a run can be reproduced. A page the platform
hides behind a login wall or a captcha is ``review``, never pass or fail; a page that did not load
is ``error`` (国办秘函〔2019〕19号 政务新媒体检查指标).
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from auditor.checks.base import (
    NotApplicable,
    Problem,
    Scoring,
    media_check,
    media_list_check,
    problem,
    unjudged,
)
from auditor.extract.freshness import cn_date
from auditor.media.accounts import Account
from auditor.media.naming import Relation, relation
from auditor.media.profile import Profile, State, platform_of, platforms_config
from auditor.model import Role, Severity

UPDATE_DAYS = 14  # 监测时间点前2周内无更新 → 内容不更新（单项否决）
ZOMBIE_DAYS = 365  # 超过1年不更新 → “僵尸”账号


def _unreadable(profile: Profile, what: str = "更新情况") -> list[Problem]:
    """Why the page could not be judged, or [] when it was read."""
    if profile.state is State.OK:
        return []
    if profile.state is State.GONE:
        raise NotApplicable("账号已注销或不存在，见 media-reachable")
    if profile.state is State.FAILED:
        return [unjudged(f"账号页面未能打开，无法判定{what}", detail=profile.detail)]
    return [
        problem(
            f"账号页面{profile.state.value}，无法判定{what}，待人工确认",
            review=True,
            state=profile.state.value,
        )
    ]


def _posts_judged(profile: Profile) -> None:
    """A 政务客户端's posts live inside the app: its download page is judged instead."""
    if profile.app:
        raise NotApplicable("政务客户端的发布信息在应用内，按下载页面检查，见 media-app-download")


def _none_before(profile: Profile) -> str:
    """零发布, or only posts dated after the audit date (no proof of an update)."""
    return "没有检查日期之前的发布信息" if profile.posts else "零发布，没有任何发布信息"


@media_check(
    id="media-update",
    name="政务新媒体内容不更新",
    indicator="单项否决/政务新媒体/内容不更新",
    role=Role.VETO,
    scoring=Scoring(verified=True, basis="单项否决：监测时间点前2周内无更新"),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号：政务新媒体监测时间点前2周内无更新即单项否决",
)
def media_update(profile: Profile, account: Account, as_of: date) -> list[Problem]:
    """账号在检查日期前2周内须有更新"""
    _posts_judged(profile)
    blocked = _unreadable(profile)
    if blocked:
        return blocked
    latest = profile.latest(as_of)
    if latest is None or latest.when is None:
        return [problem(f"账号{_none_before(profile)}，检查日期前2周内无更新", posts=0)]
    age = (as_of - latest.when).days
    if age > UPDATE_DAYS:
        return [
            problem(
                f"账号最新一条信息发布于{cn_date(latest.when)}，检查日期前2周内无更新",
                latest=latest.when.isoformat(),
                age_days=age,
                post_url=latest.url,
            )
        ]
    return []


@media_check(
    id="media-zombie",
    name="“僵尸”账号",
    indicator="政务新媒体/内容更新/长期不更新",
    role=Role.DEDUCT,
    scoring=Scoring(basis="通报用语：超过1年不更新成为“僵尸”号、长期零发布；分值按省级细则"),
    severity=Severity.SERIOUS,
    rule="国办秘函〔2019〕19号 政务新媒体检查指标：长期不更新、零发布的“睡眠”“僵尸”账号应清理整合",
)
def media_zombie(profile: Profile, account: Account, as_of: date) -> list[Problem]:
    """账号不得超过1年不更新或零发布（“睡眠”“僵尸”账号）"""
    _posts_judged(profile)
    blocked = _unreadable(profile)
    if blocked:
        return blocked
    latest = profile.latest(as_of)
    if latest is None or latest.when is None:
        return [problem(f"账号{_none_before(profile)}，属“僵尸”账号", posts=0)]
    age = (as_of - latest.when).days
    if age > ZOMBIE_DAYS:
        return [
            problem(
                f"账号超过1年未更新，最新一条信息发布于{cn_date(latest.when)}，属“僵尸”账号",
                latest=latest.when.isoformat(),
                age_days=age,
                post_url=latest.url,
            )
        ]
    return []


@media_check(
    id="media-reachable",
    name="政务新媒体账号可访问",
    indicator="政务新媒体/账号状态/可访问",
    role=Role.DEDUCT,
    scoring=Scoring(basis="通报用语：账号已注销、不存在或无法打开；分值按省级细则"),
    severity=Severity.SERIOUS,
    rule="国办秘函〔2019〕19号 政务新媒体检查指标：清单所列账号须能正常访问",
)
def media_reachable(profile: Profile, account: Account, as_of: date) -> list[Problem]:
    """清单所列账号须存在且公众可以访问"""
    if profile.state is State.OK:
        return []
    if profile.state is State.GONE:
        return [
            problem(
                f"账号“{account.name or profile.url}”已注销或不存在",
                state=profile.state.value,
                reason=profile.state_reason,
            )
        ]
    if profile.state is State.FAILED:
        return [unjudged("账号页面未能打开，无法判定账号状态", detail=profile.detail)]
    return [
        problem(
            f"账号页面{profile.state.value}，公众能否访问待人工确认",
            review=True,
            state=profile.state.value,
            reason=profile.state_reason,
        )
    ]


@media_check(
    id="media-interaction",
    name="政务新媒体互动回应差",
    indicator="单项否决/政务新媒体/互动回应差",
    role=Role.VETO,
    scoring=Scoring(verified=True, basis="单项否决：未提供有效互动功能"),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号：政务新媒体未提供有效互动功能（互动回应差）即单项否决",
)
def media_interaction(profile: Profile, account: Account, as_of: date) -> list[Problem]:
    """账号须提供评论、留言、私信或菜单等互动功能"""
    blocked = _unreadable(profile, "互动功能")
    if blocked:
        return blocked
    if profile.interaction:
        return []
    if not profile.interaction_visible:
        return [
            problem(
                "该平台的菜单、留言等互动功能只在其应用内可见，公开页面无法判定，待人工确认",
                review=True,
            )
        ]
    return [problem("账号页面未见评论、留言、私信或菜单等互动功能，未提供有效互动功能")]


@media_check(
    id="media-naming",
    name="政务新媒体命名与认证",
    indicator="政务新媒体/账号管理/命名与认证",
    role=Role.DEDUCT,
    scoring=Scoring(basis="通报用语：名称与主办单位职责无关、认证信息未标明主办单位、未认证"),
    severity=Severity.MINOR,
    rule="国办发〔2018〕123号：政务新媒体名称应与主办单位工作职责相关联，并在公开认证信息中标明主办单位名称",
)
def media_naming(profile: Profile, account: Account, as_of: date) -> list[Problem]:
    """账号名称与主办单位相关联，认证信息标明主办单位"""
    unit = account.sponsor.strip()
    if not unit:
        raise NotApplicable("清单未填写主办单位")
    blocked = _unreadable(profile, "账号名称和认证信息")
    if blocked:
        return blocked
    found: list[Problem] = []
    name = profile.name.strip() or account.name.strip()
    named = relation(name, unit) if name else Relation.FUNCTION
    if named is Relation.NONE:
        found.append(
            problem(f"账号名称“{name}”与主办单位“{unit}”的工作职责无关联", name=name, unit=unit)
        )
    elif named is Relation.UNSURE:
        found.append(
            problem(
                f"账号名称“{name}”与主办单位“{unit}”的关联不明显，待人工确认",
                review=True,
                name=name,
                unit=unit,
            )
        )
    if profile.verified is False:
        found.append(problem("账号未进行平台官方认证，待人工确认", review=True, unit=unit))
    elif profile.verified and not profile.subject.strip():
        found.append(problem("未读到账号的认证主体，是否标明主办单位待人工确认", review=True))
    elif profile.subject.strip() and unit not in profile.subject:
        shown = relation(profile.subject, unit)
        words = f"账号认证信息“{profile.subject}”未标明主办单位“{unit}”"
        if shown is Relation.NONE:
            found.append(problem(words, subject=profile.subject, unit=unit))
        else:
            found.append(
                problem(f"{words}全称，待人工确认", review=True, subject=profile.subject, unit=unit)
            )
    return found


@media_check(
    id="media-app-download",
    name="政务客户端无法下载",
    indicator="政务新媒体/移动客户端/可下载",
    role=Role.DEDUCT,
    scoring=Scoring(basis="通报用语：移动客户端无法下载、长期不更新；分值按省级细则"),
    severity=Severity.SERIOUS,
    rule="国办秘函〔2019〕19号 政务新媒体检查指标：移动客户端须能正常下载使用",
)
def media_app_download(profile: Profile, account: Account, as_of: date) -> list[Problem]:
    """政务客户端的下载页面提供可以打开的安装包或应用商店链接，并标明版本日期"""
    if not profile.app:
        raise NotApplicable("不是政务客户端")
    blocked = _unreadable(profile, "能否下载")
    if blocked:
        return blocked
    if not profile.downloads:
        return [problem("下载页面未提供安装包（APK/IPA）或应用商店链接，无法下载")]
    opened = [link for link, why in profile.downloads.items() if why == "ok"]
    if not opened:
        return [
            problem(
                "下载页面的安装包和应用商店链接均无法打开，无法下载",
                links=profile.downloads,
            )
        ]
    if profile.version_date is None:
        return [problem("下载页面未标明版本更新日期，更新情况待人工确认", review=True)]
    age = (as_of - profile.version_date).days
    if age > ZOMBIE_DAYS:
        when = cn_date(profile.version_date)
        return [
            problem(
                f"客户端最新版本发布于{when}，超过1年未更新，待人工确认",
                review=True,
                version_date=profile.version_date.isoformat(),
                age_days=age,
            )
        ]
    return []


@cache
def relevance_rules() -> dict[str, Any]:
    text = resources.files("auditor.data").joinpath("media_relevance.toml").read_text("utf-8")
    return tomllib.loads(text)


@media_check(
    id="media-relevance",
    name="政务属性",
    indicator="政务新媒体/政务属性",
    role=Role.DEDUCT,
    scoring=Scoring(basis="通报用语：政务属性定位不准，发布内容与政府工作无关；分值按省级细则"),
    severity=Severity.MODERATE,
    rule="国办发〔2018〕123号 政务新媒体应围绕政府工作发布信息；通报用语“政务属性定位不准，发布内容与政府工作无关”",
)
def media_relevance(profile: Profile, account: Account, as_of: date) -> list[Problem]:
    """账号近期发布的信息应以政务内容为主（词表：auditor/data/media_relevance.toml），否则待人工确认。"""
    _posts_judged(profile)
    blocked = _unreadable(profile, "发布内容")
    if blocked:
        return blocked
    rules = relevance_rules()
    recent = sorted(
        (p for p in profile.posts if p.when and p.when <= as_of),
        key=lambda p: p.when or date.min,
        reverse=True,
    )[: rules["recent_posts"]]
    if len(recent) < rules["min_posts"]:
        raise NotApplicable(f"近期发布信息不足{rules['min_posts']}条，不判定政务属性")
    words = rules["words"]
    off = [p for p in recent if not any(w in p.text for w in words)]
    if len(off) / len(recent) <= rules["share"]:
        return []
    sample = " ".join(off[0].text.split())[:30]
    return [
        problem(
            f"账号近期{len(recent)}条信息中有{len(off)}条未见政务相关内容（如“{sample}”），"
            "疑似政务属性定位不准、发布内容与政府工作无关，请人工确认",
            review=True,
            recent=len(recent),
            off_topic=len(off),
            post_url=off[0].url,
        )
    ]


MEDIA_CHECKS = (
    media_reachable,
    media_update,
    media_zombie,
    media_interaction,
    media_naming,
    media_app_download,
    media_relevance,
)


@media_list_check(
    id="media-duplicate",
    name="同一平台重复开设账号",
    indicator="政务新媒体/账号管理/重复开设",
    role=Role.DEDUCT,
    scoring=Scoring(basis="一个单位原则上在同一平台只开设一个政务新媒体账号；分值按省级细则"),
    severity=Severity.MINOR,
    rule="国办发〔2018〕123号：一个单位原则上在同一平台只开设一个政务新媒体账号",
)
def media_duplicate(results: list[Any]) -> dict[int, list[Problem]]:
    """一个单位在同一平台只开设一个账号"""
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, r in enumerate(results):
        unit = "".join(r.account.sponsor.split())
        platform = platform_of(r.account.url, r.account.platform)
        # A closed account is no longer open; a generic page is not a platform.
        if unit and platform != "generic" and r.profile.state is not State.GONE:
            groups[(unit, platform)].append(n)
    found: dict[int, list[Problem]] = {}
    for (unit, platform), members in groups.items():
        if len(members) < 2:
            continue
        names = [results[m].account.name or results[m].account.url for m in members]
        where = platforms_config()["platforms"][platform]["name"]
        for m in members:
            found[m] = [
                problem(
                    f"主办单位“{unit}”在{where}开设了{len(members)}个账号（{'、'.join(names)}），"
                    "一个单位原则上在同一平台只开设一个账号",
                    rows=[results[k].account.row for k in members],
                    urls=[results[k].account.url for k in members],
                )
            ]
    return found


MEDIA_LIST_CHECKS = (media_duplicate,)


@media_list_check(
    id="media-site-match",
    name="网站展示的政务新媒体与清单不符",
    indicator="政务新媒体/账号管理/网站展示与清单一致",
    role=Role.DEDUCT,
    scoring=Scoring(basis="网站展示的政务新媒体账号应与实际开设的账号一致；分值按省级细则"),
    severity=Severity.MINOR,
    rule="国办秘函〔2019〕19号 政务新媒体检查指标：网站展示的政务新媒体应与单位实际开设的账号一致",
)
def media_site_match(
    results: list[Any], sites: list[Any] | None = None
) -> dict[int, list[Problem]]:
    """网站二维码和新媒体链接所指的账号应列入清单，且与清单所列同平台账号一致（待人工确认）"""
    from auditor.media.site_match import compare

    if sites is None:
        raise NotApplicable("未同时检查网站，不比对网站展示的账号")
    found: dict[int, list[Problem]] = defaultdict(list)
    for m in compare(sites, [r.account for r in results]):
        if m.index is not None:
            found[m.index].append(problem(m.message, review=True, **m.data))
    return dict(found)


# Needs the websites' saved pages too: run where both halves are (``audit --sites … --accounts …``).
MEDIA_SITE_CHECKS = (media_site_match,)
