"""``auditor media``: audit the 政务新媒体 accounts of a list (国办秘函〔2019〕19号 政务新媒体检查)."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.cli.common import audit_options, ensure_writable
from auditor.cli.parser import EXIT_FINDINGS, EXIT_OK
from auditor.media.accounts import AccountsList, read_accounts
from auditor.media.profile import State
from auditor.media.run import AccountResult, audit_accounts, judge_sites, write_media_json
from auditor.model import Outcome, Severity
from auditor.notice.media_rows import MEDIA_JSON

MARKS = {Outcome.FAIL: "✗", Outcome.REVIEW: "?", Outcome.ERROR: "!", Outcome.PASS: "✓"}


def cmd_media(args: argparse.Namespace, console: Console, err: Console) -> int:
    listed = read_accounts(args.accounts)
    ensure_writable(args.out)
    results = run_accounts(args, listed, args.out, console, err)
    return exit_code(results, args.fail_on)


def run_accounts(
    args: argparse.Namespace,
    listed: AccountsList,
    out: Path,
    console: Console,
    err: Console,
    with_sites: bool = False,
) -> list[AccountResult]:
    """Audit the listed accounts into ``out/media.json`` (also the accounts half of ``audit``;
    ``with_sites``: the run folder holds the sites half too, so media-site-match runs)."""
    for message in listed.errors:
        err.print(Text.assemble(("警告：", "yellow"), message))
    options = audit_options(args, out)
    as_of = options.as_of or date.today()
    results = asyncio.run(audit_accounts(listed.accounts, options, as_of))
    unlisted = judge_sites(results, out) if with_sites else None
    for item in unlisted or []:
        err.print(Text.assemble(("待人工确认：", "yellow"), item["message"]))
    write_media_json(results, out / MEDIA_JSON, as_of, listed.errors, unlisted)
    console.print(summary(results, as_of))
    console.print(f"结果：{out / MEDIA_JSON}（每个账号的截图在同一目录）")
    return results


def summary(results: list[AccountResult], as_of: date) -> Table:
    table = Table(title=f"政务新媒体检查（检查日期 {as_of.isoformat()}）")
    for column in ("地区", "账号名称", "平台", "页面状态", "最新发布", "问题"):
        table.add_column(column)
    for r in results:
        latest = r.profile.latest(as_of)
        problems = [
            f"{MARKS.get(f.outcome, '')} {f.message}"
            for f in r.findings
            if f.outcome in (Outcome.FAIL, Outcome.REVIEW, Outcome.ERROR)
        ]
        table.add_row(
            r.account.region,
            r.account.name or r.profile.name,
            r.account.platform or r.profile.platform,
            "正常" if r.profile.state is State.OK else r.profile.state.value,
            latest.when.isoformat() if latest and latest.when else "—",
            "\n".join(dict.fromkeys(problems)) or "✓ 未发现问题",
        )
    return table


def exit_code(results: list[AccountResult], fail_on: str) -> int:
    """1 when any failing finding is at or above ``fail_on`` (as ``audit``)."""
    if fail_on == "none":
        return EXIT_OK
    floor = Severity(fail_on).rank
    failing = [
        f
        for r in results
        for f in r.findings
        if f.outcome is Outcome.FAIL and f.severity.rank >= floor
    ]
    return EXIT_FINDINGS if failing else EXIT_OK
