"""政务新媒体 accounts in the notice: each account's verdict and its 附件4 problem sentence.

An account is 不合格 when a 单项否决 check fails (国办秘函〔2019〕19号 政务新媒体检查指标: 监测时间点
前2周内无更新; 无互动功能 once that check exists: the checks' own role decides, so a new veto check
counts without code here) or when the listed account is gone (已注销或不存在: the public sees no
account, which is no update at all). It is 无法判定 when one of those checks could only say
``review`` or ``error`` (login wall, captcha, page not loaded), never counted as pass or fail, as
the site verdict does. Otherwise it is 合格. Deduction-only problems (“僵尸” is also a veto fail)
are listed in 附件4 but do not fail an account on their own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from auditor.checks import MEDIA_BY_ID
from auditor.model import Finding, Outcome, Role
from auditor.notice.problem_text import clean_text
from auditor.verdict import UNDECIDED_LABEL

__all__ = ["MEDIA_JSON", "AccountRow", "load_accounts", "media_verdict"]

MEDIA_JSON = "media.json"
PASS_LABEL = "合格"
FAIL_LABEL = "不合格"
_GONE_CHECK = "media-reachable"
# media-site-match only says review (a person confirms which account is the unit's), yet 附件4
# names it: the site's entry or the list is for the unit to correct.
_LISTED_REVIEW = frozenset({"media-site-match"})


def _deciding(check_id: str) -> bool:
    chk = MEDIA_BY_ID.get(check_id)
    return check_id == _GONE_CHECK or (chk is not None and chk.role is Role.VETO)


def media_verdict(findings: list[Finding]) -> str:
    """合格 / 不合格 / 无法判定 from the deciding checks' outcomes (see the module docstring)."""
    deciding = [f for f in findings if _deciding(f.check)]
    if any(f.outcome is Outcome.FAIL for f in deciding):
        return FAIL_LABEL
    if any(f.outcome in (Outcome.REVIEW, Outcome.ERROR) for f in deciding):
        return UNDECIDED_LABEL
    return PASS_LABEL


def _cn_month(iso: str) -> str:
    """“2015-05-03” → “2015年5月”, as notices date a dormant account's latest post."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return ""
    return f"{d.year}年{d.month}月"


def _describe(f: Finding) -> str:
    """One finding in the notice's words; the latest-post date where the finding has one."""
    month = _cn_month(str(f.data.get("latest") or ""))
    if f.check == "media-zombie":
        if month:
            return f"长期不更新，成为“睡眠”“僵尸”账号，最新一条信息更新时间为{month}"
        return "长期零发布，成为“睡眠”“僵尸”账号"
    if f.check == "media-update":
        if month:
            return f"监测时间点前2周内无更新，最新一条信息更新时间为{month}"
        return "监测时间点前2周内无更新，无任何发布信息"
    return clean_text(f.message).rstrip("。")


@dataclass
class AccountRow:
    """One listed account as the notice prints it."""

    index: int  # 1-based position in the accounts list
    region: str
    name: str
    platform: str
    sponsor: str
    url: str
    state: str
    latest: str  # ISO date of the newest post on or before the audit date, or ""
    findings: list[Finding] = field(default_factory=list)
    screenshot: str = ""

    @property
    def verdict(self) -> str:
        return media_verdict(self.findings)

    @property
    def problems(self) -> list[Finding]:
        return [
            f
            for f in self.findings
            if f.outcome is Outcome.FAIL
            or (f.outcome is Outcome.REVIEW and f.check in _LISTED_REVIEW)
        ]

    @property
    def outstanding(self) -> bool:
        """附件4: an account with a problem found (any failing check, or a site-match review)."""
        return bool(self.problems)

    def description(self) -> str:
        """“长期不更新，…最新一条信息更新时间为2015年5月”; a 僵尸 account is not also told 2周内无更新."""
        checks = {f.check for f in self.problems}
        lines = [
            _describe(f)
            for f in self.problems
            if not (f.check == "media-update" and "media-zombie" in checks)
        ]
        return "；".join(dict.fromkeys(lines)) + ("。" if lines else "")


def _latest(profile: dict[str, Any], as_of: str) -> str:
    dates = [
        str(p.get("when"))
        for p in profile.get("posts", [])
        if p.get("when") and (not as_of or str(p.get("when")) <= as_of)
    ]
    return max(dates, default="")


def load_accounts(run_dir: Path) -> tuple[str, list[AccountRow]] | None:
    """(audit date, account rows) from ``media.json``, or None when the run has no accounts half."""
    path = run_dir / MEDIA_JSON
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    as_of = str(data.get("as_of", ""))
    rows = []
    for n, item in enumerate(data.get("accounts", []), 1):
        account, profile = item.get("account", {}), item.get("profile", {})
        state = str(profile.get("state", ""))
        rows.append(
            AccountRow(
                index=n,
                region=clean_text(account.get("region", "")),
                name=clean_text(account.get("name") or profile.get("name") or ""),
                platform=clean_text(account.get("platform") or profile.get("platform") or ""),
                sponsor=clean_text(account.get("sponsor", "")),
                url=clean_text(account.get("url", "")),
                state="正常" if state == "ok" else state,
                latest=_latest(profile, as_of),
                findings=[Finding.from_dict(f) for f in item.get("findings", [])],
                screenshot=str(profile.get("screenshot", "")),
            )
        )
    return as_of, rows
