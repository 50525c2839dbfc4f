"""``auditor media``: audit the 政务新媒体 accounts of a list (国办秘函〔2019〕19号 政务新媒体检查)."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.cli.common import audit_options, ensure_writable
from auditor.cli.parser import EXIT_FINDINGS, EXIT_OK, UsageError
from auditor.media.accounts import AccountsList, read_accounts
from auditor.media.profile import State
from auditor.media.run import AccountResult, audit_accounts, judge_sites, write_media_json
from auditor.model import Outcome, Severity
from auditor.notice.media_rows import MEDIA_JSON

MARKS = {Outcome.FAIL: "✗", Outcome.REVIEW: "?", Outcome.ERROR: "!", Outcome.PASS: "✓"}


def cmd_media(args: argparse.Namespace, console: Console, err: Console) -> int:
    listed = read_accounts(args.accounts)
    media_state(args)  # a bad file stops the run before any browser starts
    if args.broker:
        from auditor.cli.cluster import check_broker_url

        check_broker_url(args.broker)
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
    state = media_state(args)
    broker = getattr(args, "broker", None)
    if broker:  # the cluster's workers open the accounts (auditor worker)
        from auditor.cli.cluster import check_broker_url, notifier
        from auditor.cluster.coordinator import ClusterRun, audit_accounts_on_cluster

        cluster = ClusterRun(broker=check_broker_url(broker), notify=notifier(err))
        err.print(f"政务新媒体账号交给集群打开：{broker}")
        results = audit_accounts_on_cluster(listed.accounts, options, as_of, cluster, state)
    else:
        results = asyncio.run(audit_accounts(listed.accounts, options, as_of, state))
    unlisted = judge_sites(results, out) if with_sites else None
    for item in unlisted or []:
        err.print(Text.assemble(("待人工确认：", "yellow"), item["message"]))
    write_media_json(results, out / MEDIA_JSON, as_of, listed.errors, unlisted)
    console.print(summary(results, as_of))
    console.print(f"结果：{out / MEDIA_JSON}（每个账号的截图在同一目录）")
    return results


def media_state(args: argparse.Namespace) -> dict[str, Any] | None:
    """The ``--media-state`` storage state (cookies and local storage of the user's own logged-in
    browser), checked to be one Playwright can load; None when not given."""
    path: Path | None = getattr(args, "media_state", None)
    if path is None:
        return None
    why = ""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        why = "文件不存在"
    except (OSError, UnicodeDecodeError) as exc:
        why = f"无法读取（{exc.__class__.__name__}）"
    except json.JSONDecodeError:
        why = "不是 JSON 文件"
    else:
        cookies = state.get("cookies") if isinstance(state, dict) else None
        origins = state.get("origins", []) if isinstance(state, dict) else None
        valid = isinstance(cookies, list) and all(
            isinstance(c, dict) and "name" in c and "value" in c for c in cookies
        )
        if valid and isinstance(origins, list):
            return {"cookies": cookies, "origins": origins}
        why = "不是 Playwright 导出的登录状态（应含 cookies 列表）"
    raise UsageError(f"--media-state 登录状态文件 {path} {why}")


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


def recheck_accounts(args: argparse.Namespace, run_dir: Path, out: Path, console: Console) -> int:
    """复核 of the accounts half: re-open the accounts with a failing check (see
    :mod:`auditor.media.followup`); ``media.json`` and ``media-recheck.json`` in ``out``."""
    import json

    from auditor.media.followup import MEDIA_RECHECK_JSON, compare_accounts, failing_accounts
    from auditor.report.json_report import atomic_write_text
    from auditor.run.recheck import FIXED, NOT_FIXED, UNKNOWN

    if not (run_dir / MEDIA_JSON).is_file():
        return EXIT_OK
    before = failing_accounts(run_dir / MEDIA_JSON)
    listed = AccountsList(accounts=[a for a, _f in before])
    results = run_accounts(args, listed, out, console, console) if before else []
    items, new = compare_accounts(before, [(r.account, r.findings) for r in results])
    counts = {s: sum(i.status == s for i in items) for s in (FIXED, NOT_FIXED, UNKNOWN)}
    body = {
        "schema": "auditor-media-recheck/1",
        "original": str(run_dir),
        "counts": counts | {"新发现问题": len(new)},
        "items": [i.to_dict() for i in items],
        "new": [{"url": a.url, "name": a.name, **f.to_dict()} for a, f in new],
    }
    atomic_write_text(out / MEDIA_RECHECK_JSON, json.dumps(body, ensure_ascii=False, indent=1))
    grid = Table(title="政务新媒体复核结果", title_justify="left")
    for name in ("账号", "检查项", "结果", "原问题"):
        grid.add_column(name, overflow="fold")
    styles = {FIXED: "green", NOT_FIXED: "bold red", UNKNOWN: "yellow"}
    for item in items:
        grid.add_row(
            Text(item.account.name or item.account.url),
            Text(item.check),
            Text(item.status, style=styles[item.status]),
            Text(item.before[0].message),
        )
    console.print(grid)
    console.print(
        f"政务新媒体：已整改 {counts[FIXED]} 项，未整改 {counts[NOT_FIXED]} 项，"
        f"无法复核 {counts[UNKNOWN]} 项；复核中新发现问题 {len(new)} 项。"
    )
    return EXIT_FINDINGS if counts[NOT_FIXED] or new else EXIT_OK


def diff_table(diffs: list[Any]) -> Table:
    """``auditor diff``'s accounts table (:func:`auditor.media.followup.diff_accounts`)."""
    grid = Table(title="政务新媒体账号比较", title_justify="left")
    for name in ("账号", "平台", "变化", "结论", "检查项（不通过数 前→后）"):
        grid.add_column(name, overflow="fold")
    styles = {"变好": "green", "变差": "bold red"}
    for d in diffs:
        checks = "，".join(f"{c} {x}→{y}" for c, (x, y) in d.checks.items())
        grid.add_row(
            Text(d.row.name or d.row.url),
            Text(d.row.platform),
            Text(d.trend, style=styles.get(d.trend, "")),
            Text(f"{d.before or '—'} → {d.after or '—'}"),
            Text(checks or "—"),
        )
    return grid
