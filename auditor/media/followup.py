"""复核 and ``diff`` for 政务新媒体 accounts, in the site code's words (已整改/未整改/无法复核,
变好/变差/不变/新增/未再检查).

An account is matched across runs by its address (platform and account id, as
:func:`auditor.media.site_match.account_key` normalises it), else by platform and name. 复核
re-opens only the accounts that had a failing check (国办秘函〔2019〕19号: a notice names the
accounts to correct; the re-check looks at those again); each earlier failing check of an account
is 未整改 when it fails again, 已整改 when it was judged and no longer fails, 无法复核 when the
page could not be judged (login wall, captcha, not loaded: review or error). Failing checks the
re-check finds that were not failing before are new problems. ``media-site-match`` needs the
websites too and is not re-checked here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.media.accounts import Account
from auditor.media.site_match import account_key
from auditor.model import Finding, Outcome
from auditor.notice.media_rows import FAIL_LABEL, PASS_LABEL, AccountRow
from auditor.run.diff import BETTER, NEW, REMOVED, SAME, WORSE
from auditor.run.recheck import FIXED, NOT_FIXED, UNKNOWN

__all__ = [
    "AccountDiff",
    "AccountItem",
    "AccountRecheck",
    "compare_accounts",
    "diff_accounts",
    "failing_accounts",
    "load_account_recheck",
    "match_key",
]

MEDIA_RECHECK_JSON = "media-recheck.json"
NOT_RECHECKED = frozenset({"media-site-match"})  # judged over the websites too


def match_key(url: str, platform: str = "", name: str = "") -> str:
    """The account's identity across runs: its normalised address, else platform and name."""
    key = account_key(url)
    if key and key[1]:
        return f"{key[0]}:{key[1]}"
    if url.strip():
        return url.strip().rstrip("/").lower()
    return f"{platform.strip()}|{''.join(name.split())}"


def _row_key(row: AccountRow) -> str:
    return match_key(row.url, row.platform, row.name)


# -- diff --------------------------------------------------------------------------------------

_RANK = {FAIL_LABEL: 0, PASS_LABEL: 2}  # 无法判定 sits between: it is neither


@dataclass
class AccountDiff:
    row: AccountRow  # the later run's row (the earlier one for 未再检查)
    trend: str
    before: str  # verdict label, "" when absent
    after: str
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)  # check → failing before/after

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.row.url,
            "name": self.row.name,
            "platform": self.row.platform,
            "region": self.row.region,
            "trend": self.trend,
            "before": self.before or None,
            "after": self.after or None,
            "checks": {c: {"before": a, "after": b} for c, (a, b) in self.checks.items()},
        }


def _failing(row: AccountRow) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in row.findings:
        if f.outcome is Outcome.FAIL:
            counts[f.check] = counts.get(f.check, 0) + 1
    return counts


def diff_accounts(earlier: list[AccountRow], later: list[AccountRow]) -> list[AccountDiff]:
    """Every account of either run, in the later run's order, then those only the earlier had.

    Better/worse by verdict (不合格 < 无法判定 < 合格), then by the number of failing checks.
    """
    before = {_row_key(r): r for r in earlier}
    diffs: list[AccountDiff] = []
    seen: set[str] = set()
    for row in later:
        key = _row_key(row)
        old = before.get(key)
        if old is None:
            diffs.append(AccountDiff(row, NEW, "", row.verdict))
            continue
        seen.add(key)
        fa, fb = _failing(old), _failing(row)
        checks = {c: (fa.get(c, 0), fb.get(c, 0)) for c in sorted(set(fa) | set(fb))}
        checks = {c: n for c, n in checks.items() if n[0] != n[1]}
        ra, rb = _RANK.get(old.verdict, 1), _RANK.get(row.verdict, 1)
        if ra != rb:
            trend = BETTER if rb > ra else WORSE
        elif len(fa) != len(fb):
            trend = BETTER if len(fb) < len(fa) else WORSE
        else:
            trend = SAME
        diffs.append(AccountDiff(row, trend, old.verdict, row.verdict, checks))
    diffs += [AccountDiff(r, REMOVED, r.verdict, "") for r in earlier if _row_key(r) not in seen]
    return diffs


# -- 复核 --------------------------------------------------------------------------------------


@dataclass
class AccountItem:
    """One earlier failing check of one account, and what the re-check found."""

    account: Account
    check: str
    status: str
    before: list[Finding]
    after: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.account.url,
            "name": self.account.name,
            "platform": self.account.platform,
            "region": self.account.region,
            "check": self.check,
            "status": self.status,
            "before": [f.to_dict() for f in self.before],
            "after": [f.to_dict() for f in self.after],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AccountItem:
        return cls(
            account=_account(d),
            check=str(d["check"]),
            status=str(d["status"]),
            before=[Finding.from_dict(f) for f in d.get("before", [])],
            after=[Finding.from_dict(f) for f in d.get("after", [])],
        )

    @property
    def before_picture(self) -> str:
        """The account screenshot of the first run (relative to that run's folder)."""
        return next((f.evidence for f in self.before if f.evidence), "")

    @property
    def after_picture(self) -> str:
        """The account screenshot of the re-check (relative to the re-check folder)."""
        return next((f.evidence for f in self.after if f.evidence), "")


@dataclass
class AccountRecheck:
    """The accounts half of a 复核 folder (``media-recheck.json``), for its 复核 tables."""

    original: Path | None  # the first run's folder: where the before pictures are
    items: list[AccountItem]
    new: list[tuple[Account, Finding]]

    def count(self, status: str) -> int:
        return sum(item.status == status for item in self.items)


def load_account_recheck(folder: Path) -> AccountRecheck | None:
    """The accounts re-checked into ``folder``; None when it re-checked no accounts."""
    path = folder / MEDIA_RECHECK_JSON
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    new = []
    for n in data.get("new", []):
        n = dict(n)
        account = Account(url=str(n.pop("url", "")), name=str(n.pop("name", "")))
        new.append((account, Finding.from_dict(n)))
    items = [AccountItem.from_dict(i) for i in data.get("items", [])]
    original = Path(data["original"]) if data.get("original") else None
    return AccountRecheck(original, items, new)


def _account(data: dict[str, Any]) -> Account:
    known = {k: data[k] for k in ("url", "name", "platform", "sponsor", "region") if k in data}
    return Account(**known, extra=dict(data.get("extra") or {}), row=int(data.get("row") or 0))


def failing_accounts(media_json: Path) -> list[tuple[Account, list[Finding]]]:
    """The accounts of a run's ``media.json`` with a failing check to re-check, with those
    findings."""
    data = json.loads(media_json.read_text("utf-8"))
    out = []
    for item in data.get("accounts", []):
        fails = [
            f
            for f in (Finding.from_dict(x) for x in item.get("findings", []))
            if f.outcome is Outcome.FAIL and f.check not in NOT_RECHECKED
        ]
        if fails:
            out.append((_account(item.get("account") or {}), fails))
    return out


def compare_accounts(
    before: list[tuple[Account, list[Finding]]], after: list[tuple[Account, list[Finding]]]
) -> tuple[list[AccountItem], list[tuple[Account, Finding]]]:
    """Items per earlier failing (account, check), and the re-check's new failing findings."""
    again = {match_key(a.url, a.platform, a.name): found for a, found in after}
    items: list[AccountItem] = []
    new: list[tuple[Account, Finding]] = []
    for account, fails in before:
        found = again.get(match_key(account.url, account.platform, account.name))
        checks = list(dict.fromkeys(f.check for f in fails))
        for check in checks:
            earlier = [f for f in fails if f.check == check]
            if found is None:
                items.append(AccountItem(account, check, UNKNOWN, earlier))
                continue
            now = [f for f in found if f.check == check]
            if any(f.outcome is Outcome.FAIL for f in now):
                status = NOT_FIXED
                now = [f for f in now if f.outcome is Outcome.FAIL]
            elif not now or any(f.outcome in (Outcome.REVIEW, Outcome.ERROR) for f in now):
                status = UNKNOWN
            else:
                status = FIXED
            items.append(AccountItem(account, check, status, earlier, now))
        if found is not None:
            new += [
                (account, f) for f in found if f.outcome is Outcome.FAIL and f.check not in checks
            ]
    order = {FIXED: 0, NOT_FIXED: 1, UNKNOWN: 2}
    items.sort(key=lambda i: order[i.status])
    return items, new
