"""政务新媒体 checks: pure functions over an account's :class:`~auditor.media.profile.Profile`.

Ages count from the audit date (``--as-of``) so a run can be reproduced. A page the platform
hides behind a login wall or a captcha is ``review``, never pass or fail; a page that did not load
is ``error`` (国办秘函〔2019〕19号 政务新媒体检查指标).
"""

from __future__ import annotations

from datetime import date

from auditor.checks.base import NotApplicable, Problem, Scoring, media_check, problem, unjudged
from auditor.extract.freshness import cn_date
from auditor.media.accounts import Account
from auditor.media.profile import Profile, State
from auditor.model import Role, Severity

UPDATE_DAYS = 14  # 监测时间点前2周内无更新 → 内容不更新（单项否决）
ZOMBIE_DAYS = 365  # 超过1年不更新 → “僵尸”账号


def _unreadable(profile: Profile) -> list[Problem]:
    """Why the posts could not be judged, or [] when the page was read."""
    if profile.state is State.OK:
        return []
    if profile.state is State.GONE:
        raise NotApplicable("账号已注销或不存在，见 media-reachable")
    if profile.state is State.FAILED:
        return [unjudged("账号页面未能打开，无法判定更新情况", detail=profile.detail)]
    return [
        problem(
            f"账号页面{profile.state.value}，无法读取发布信息，待人工确认",
            review=True,
            state=profile.state.value,
        )
    ]


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


MEDIA_CHECKS = (media_reachable, media_update, media_zombie)
