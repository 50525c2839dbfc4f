"""Audit 政务新媒体 accounts: open each account's page in the browser, read it, run the checks."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from auditor.browser.renderer import AuditOptions, Renderer
from auditor.checks import MEDIA_CHECKS, MEDIA_LIST_CHECKS, run_media_check, run_media_list_check
from auditor.media.accounts import Account
from auditor.media.adapters import adapter_for
from auditor.media.profile import Profile, platform_of
from auditor.model import Finding


@dataclass
class AccountResult:
    account: Account
    profile: Profile
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": dataclasses.asdict(self.account),
            "profile": self.profile.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
        }


def judge(profile: Profile, account: Account, as_of: date) -> list[Finding]:
    """Every account check on one profile; the screenshot is each finding's evidence."""
    findings = [f for c in MEDIA_CHECKS for f in run_media_check(c, profile, account, as_of)]
    return _with_evidence(findings, profile)


def judge_list(results: list[AccountResult]) -> None:
    """The checks over the whole list (one unit, one account per platform), added to each."""
    for chk in MEDIA_LIST_CHECKS:
        for result, found in zip(results, run_media_list_check(chk, results), strict=True):
            result.findings.extend(_with_evidence(found, result.profile))


def _with_evidence(findings: list[Finding], profile: Profile) -> list[Finding]:
    if not profile.screenshot:
        return findings
    return [dataclasses.replace(f, evidence=profile.screenshot) for f in findings]


async def audit_accounts(
    accounts: list[Account],
    options: AuditOptions,
    as_of: date,
    storage_state: dict[str, Any] | None = None,
) -> list[AccountResult]:
    """Each account in a browser context of its own; results in list order.

    ``storage_state`` (``--media-state``: the user's own logged-in browser) goes into these
    account contexts only, never into a site audit's."""
    logged_in = {"storage_state": storage_state} if storage_state else {}
    options.out_dir.mkdir(parents=True, exist_ok=True)
    # An account page is judged on its posts and state: the site page's axe and wording passes
    # would only cost time.
    options.settings = dataclasses.replace(options.settings, axe=False, wording=False)
    timeout_s = options.settings.timeout_ms / 1000
    async with Renderer(options).running() as renderer:

        async def one(n: int, account: Account) -> AccountResult:
            platform = platform_of(account.url, account.platform)
            shot = options.out_dir / f"account-{n:03d}.png"
            async with renderer.site(**logged_in) as session:
                profile = await adapter_for(platform, timeout_s).read(
                    session, account.url, shot, as_of
                )
            if not shot.exists():
                profile.screenshot = ""
            return AccountResult(account, profile, judge(profile, account, as_of))

        results = list(await asyncio.gather(*(one(n, a) for n, a in enumerate(accounts, 1))))
    judge_list(results)
    return results


def write_media_json(
    results: list[AccountResult], path: Path, as_of: date, errors: list[str]
) -> None:
    data = {
        "as_of": as_of.isoformat(),
        "input_errors": errors,
        "accounts": [r.to_dict() for r in results],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), "utf-8")
