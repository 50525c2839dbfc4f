"""Audit 政务新媒体 accounts: open each account's page in the browser, read it, run the checks."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from auditor.browser.renderer import AuditOptions, Launched, Renderer
from auditor.checks import (
    MEDIA_CHECKS,
    MEDIA_LIST_CHECKS,
    MEDIA_SITE_CHECKS,
    run_media_check,
    run_media_list_check,
)
from auditor.media.accounts import Account
from auditor.media.adapters import adapter_for
from auditor.media.profile import Profile, platform_of
from auditor.media.site_match import SiteShows, compare, shown_on_pages
from auditor.model import Finding
from auditor.run.manifest import add_account_entries
from auditor.version import __version__


@dataclass
class AccountResult:
    account: Account
    profile: Profile
    findings: list[Finding]
    read_at: str = ""  # when the account page was read (ISO time; the manifest's capture time)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AccountResult:
        return cls(
            account=Account(**d["account"]),
            profile=Profile.from_dict(d["profile"]),
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
            read_at=d.get("read_at", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": dataclasses.asdict(self.account),
            "profile": self.profile.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "read_at": self.read_at,
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


def judge_sites(results: list[AccountResult], run_dir: Path) -> list[dict[str, Any]]:
    """media-site-match: the accounts the run's websites show against the list (both halves in
    one run folder); the site page showing the account is the finding's evidence. Returns what
    concerns a unit with no listed account (no account result to hold it)."""
    sites = sites_shown(run_dir)
    for chk in MEDIA_SITE_CHECKS:
        bound = dataclasses.replace(chk, fn=_with_sites(chk.fn, sites))
        for result, found in zip(results, run_media_list_check(bound, results), strict=True):
            result.findings.extend(_site_evidence(found))
    accounts = [r.account for r in results]
    return [{"message": m.message, **m.data} for m in compare(sites, accounts) if m.index is None]


def _with_sites(fn: Any, sites: list[SiteShows]) -> Any:
    """A site check as a list check: the sites bound in."""

    def bound(results: list[Any]) -> Any:
        return fn(results, sites)

    return bound


def sites_shown(run_dir: Path) -> list[SiteShows]:
    """Each audited site of the run folder (``site.json`` + ``p*.artifacts.json``)."""
    sites = []
    for spec_file in sorted(run_dir.rglob("site.json")):
        spec = json.loads(spec_file.read_text("utf-8"))
        pages = []
        for path in sorted(spec_file.parent.glob("p*.artifacts.json")):
            page = json.loads(path.read_text("utf-8"))
            if page.get("screenshot"):
                shot = spec_file.parent / str(page["screenshot"])
                page["screenshot"] = shot.relative_to(run_dir).as_posix()
            pages.append(page)
        sites.append(
            SiteShows(
                name=str(spec.get("name") or ""),
                sponsor=str(spec.get("sponsor") or ""),
                region=str(spec.get("region") or ""),
                code=str(spec.get("code") or ""),
                url=str(spec.get("url") or ""),
                shown=shown_on_pages(pages),
            )
        )
    return sites


def _site_evidence(findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        shot = str(f.data.get("site_screenshot") or "")
        out.append(dataclasses.replace(f, evidence=shot) if shot else f)
    return out


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
    """Each account in a browser context of its own; results in list order, list checks done."""
    results = await read_accounts(list(enumerate(accounts, 1)), options, as_of, storage_state)
    judge_list(results)
    return results


async def read_accounts(
    numbered: list[tuple[int, Account]],
    options: AuditOptions,
    as_of: date,
    storage_state: dict[str, Any] | None = None,
    launched: Launched | None = None,
) -> list[AccountResult]:
    """Open and judge each account (``n`` names its screenshot ``account-NNN.png``); the checks
    over the whole list are the caller's (a cluster worker holds only some of the accounts).

    ``storage_state`` (``--media-state``: the user's own logged-in browser) goes into these
    account contexts only, never into a site audit's."""
    logged_in = {"storage_state": storage_state} if storage_state else {}
    options.out_dir.mkdir(parents=True, exist_ok=True)
    # An account page is judged on its posts and state: the site page's axe and wording passes
    # would only cost time.
    options.settings = dataclasses.replace(options.settings, axe=False, wording=False)
    timeout_s = options.settings.timeout_ms / 1000
    async with Renderer(options).running(launched) as renderer:

        async def one(n: int, account: Account) -> AccountResult:
            platform = platform_of(account.url, account.platform)
            shot = options.out_dir / account_shot(n)
            async with renderer.site(**logged_in) as session:
                profile = await adapter_for(platform, timeout_s).read(
                    session, account.url, shot, as_of
                )
            read_at = datetime.now().astimezone().isoformat(timespec="seconds")
            if not shot.exists():
                profile.screenshot = ""
            return AccountResult(account, profile, judge(profile, account, as_of), read_at)

        return list(await asyncio.gather(*(one(n, a) for n, a in numbered)))


def account_shot(n: int) -> str:
    """The screenshot file of the ``n``-th account of the list (1-based)."""
    return f"account-{n:03d}.png"


def write_media_json(
    results: list[AccountResult],
    path: Path,
    as_of: date,
    errors: list[str],
    unlisted: list[dict[str, Any]] | None = None,
) -> None:
    data: dict[str, Any] = {
        "as_of": as_of.isoformat(),
        "input_errors": errors,
        "accounts": [r.to_dict() for r in results],
    }
    if unlisted is not None:
        # media-site-match findings of sites whose unit has no account in the list
        data["site_match_unlisted"] = unlisted
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), "utf-8")
    # Every account screenshot in manifest.json, so ``auditor verify`` covers it too.
    run_info = {"as_of": as_of.isoformat(), "auditor_version": __version__}
    add_account_entries(path.parent, data["accounts"], run_info)
