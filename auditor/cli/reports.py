"""``report``, ``recheck``, ``diff`` and ``verify``: the commands that read a finished run."""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.cli.common import audit_options, ensure_writable
from auditor.cli.parser import EXIT_FINDINGS, EXIT_OK, UsageError
from auditor.model import RunResult
from auditor.notice.info import DEFAULT_TITLE, NoticeInfo, parse_date, parse_period
from auditor.run.baseline import unaccepted
from auditor.run.recheck import is_recheck
from auditor.verdict import load_table, stamp


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from auditor.notice import FORMATS, build, load_run, write_reports
    from auditor.notice.paragraph import overview_paragraphs

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"--format 只能是 {','.join(FORMATS)} 的组合（收到 {args.format!r}）")
    if not args.run.is_dir():
        raise UsageError(f"目录不存在：{args.run}")
    if is_recheck(args.run):
        if args.monitor is not None:
            raise UsageError(f"{args.run} 是复核记录；--monitor 用于首轮检查的通报")
        return _recheck_report(args, formats, console)
    loaded = load_run(args.run)
    # The notice is the office's: a webmaster's baseline or ignores never change it.
    loaded.run = unaccepted(loaded.run)
    table = load_table(args.scoring) if args.scoring else loaded.table
    out = args.out or args.run
    if "html" in formats and out.resolve() != args.run.resolve():
        raise UsageError(
            "HTML 报告须写在检查输出目录本身（截图按相对路径引用）：去掉 --out 或 html"
        )
    if args.monitor is not None:
        _link_monitor(loaded.run, args.monitor, console)
    data = build(
        stamp(loaded.run, table),
        table,
        args.run,
        loaded.listed,
        notice_info(args),
        loaded.accounts,
    )
    for path in write_reports(data, out, formats):
        console.print(f"已生成：{path}")
    if data.websites or data.accounts:
        console.print(Text("一、总体情况（草稿）", style="bold"))
        for text in overview_paragraphs(data):
            console.print(Text(text))
    return EXIT_OK


def _link_monitor(run: RunResult, monitor_dir: Path, console: Console) -> None:
    """Decide the availability veto by the monitoring run where it covers a site."""
    from auditor.monitor.link import apply_monitor, load_measures
    from auditor.monitor.measure import INCOMPLETE, PASS, VETO
    from auditor.monitor.store import MonitorStore, MonitorStoreError

    if not MonitorStore.exists(monitor_dir):
        raise UsageError(f"{monitor_dir} 中没有可用性监测记录（auditor monitor 的输出目录）")
    try:
        measures = load_measures(monitor_dir)
    except MonitorStoreError as exc:
        raise UsageError(str(exc)) from None
    linked = apply_monitor(run, measures, str(monitor_dir))
    states = Counter(m.state for _site, m in linked.covered)
    console.print(
        Text(
            f"可用性监测 {monitor_dir}：覆盖 {len(linked.covered)} 个网站"
            f"（单项否决 {states[VETO]}，可访问 {states[PASS]}，监测未完成 {states[INCOMPLETE]}，"
            "未完成的判为无法判定）"
            + (
                f"；{len(linked.uncovered)} 个网站未被覆盖，沿用单次打开的结果"
                if linked.uncovered
                else ""
            )
            + "。",
        ),
        soft_wrap=True,
    )


def _recheck_report(args: argparse.Namespace, formats: list[str], console: Console) -> int:
    """A 复核 folder gets its 复核 table, never a first-round notice drafted from its few pages."""
    from auditor.media.followup import load_account_recheck
    from auditor.notice.media_recheck_table import summary as media_summary
    from auditor.notice.recheck_table import summary, write_recheck_docx, write_recheck_xlsx
    from auditor.run.recheck import (
        RECHECK_DOCX,
        RECHECK_XLSX,
        REPORT_HTML,
        REPORT_JSON,
        load_recheck,
        write_recheck_html,
    )

    report = load_recheck(args.run)
    out = args.out or args.run
    written = []
    if "docx" in formats:
        written.append(write_recheck_docx(report, out / RECHECK_DOCX))
    if "xlsx" in formats:
        written.append(write_recheck_xlsx(report, out / RECHECK_XLSX))
    if "html" in formats:
        write_recheck_html(report)
        written.append(args.run / REPORT_HTML)
    if "json" in formats:
        written.append(args.run / REPORT_JSON)  # the 复核 record itself, unchanged
    console.print(f"{args.run} 是复核记录：生成复核表，而非首轮通报。")
    for path in written:
        console.print(f"已生成：{path}")
    console.print(Text(summary(report)))
    accounts = load_account_recheck(args.run)
    if accounts is not None:
        console.print(Text(media_summary(accounts)))
    return EXIT_OK


def notice_info(args: argparse.Namespace) -> NoticeInfo:
    """The office's title, period and deadlines from the command line; bad dates are usage errors."""
    try:
        return NoticeInfo(
            title=(args.title or "").strip() or DEFAULT_TITLE,
            period=parse_period(args.period) if args.period else None,
            rectify_deadline=(
                parse_date(args.rectify_deadline, "--rectify-deadline")
                if args.rectify_deadline
                else None
            ),
            recheck_deadline=(
                parse_date(args.recheck_deadline, "--recheck-deadline")
                if args.recheck_deadline
                else None
            ),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def cmd_recheck(args: argparse.Namespace, console: Console) -> int:
    from auditor.notice import load_run
    from auditor.report.progress import Progress
    from auditor.run.recheck import FIXED, NOT_FIXED, UNKNOWN, default_out, recheck

    if not args.run.is_dir():
        raise UsageError(f"目录不存在：{args.run}")
    loaded = load_run(args.run)
    before = loaded.run
    args.max_pages = int(before.options.get("max_pages", 10))
    args.timeout = before.options.get("timeout_ms", args.timeout * 1000) / 1000
    args.column_pattern = args.article_pattern = ""
    out = args.out or default_out(args.run)
    args.resolved_out = out
    ensure_writable(out)
    options = audit_options(args, out)
    with Progress(console, "复核页面") as progress:
        report = asyncio.run(recheck(before, args.run, options, progress))
    grid = Table(title="复核结果", title_justify="left")
    for name in ("网站", "检查项", "页面", "结果", "原问题"):
        grid.add_column(name, overflow="fold")
    styles = {FIXED: "green", NOT_FIXED: "bold red", UNKNOWN: "yellow"}
    for item in report.items:
        grid.add_row(
            Text(item.site.label),
            Text(item.check),
            Text(item.where),
            Text(item.status, style=styles[item.status]),
            Text(item.before[0].message),
        )
    console.print(grid)
    console.print(
        f"已整改 {report.count(FIXED)} 项，未整改 {report.count(NOT_FIXED)} 项，"
        f"无法复核 {report.count(UNKNOWN)} 项；复核中新发现问题 {len(report.new)} 项。"
    )
    console.print(f"复核报告：{out / 'recheck.html'}")
    code = EXIT_FINDINGS if report.count(NOT_FIXED) or report.new else EXIT_OK
    from auditor.cli.media import recheck_accounts
    from auditor.media.followup import MEDIA_RECHECK_JSON
    from auditor.run.recheck import RECHECK_DOCX, write_recheck_tables

    code = max(code, recheck_accounts(args, args.run, out, console))
    if (out / MEDIA_RECHECK_JSON).is_file():
        write_recheck_tables(report)  # the 复核 tables cover the accounts too, now re-checked
    console.print(f"复核表：{out / RECHECK_DOCX}")
    return code


def cmd_diff(args: argparse.Namespace, console: Console) -> int:
    import json

    from auditor.notice import load_run
    from auditor.run.diff import diff_runs

    for run_dir in (args.run_a, args.run_b):
        if not run_dir.is_dir():
            raise UsageError(f"目录不存在：{run_dir}")
    a, b = load_run(args.run_a), load_run(args.run_b)
    table = load_table(args.scoring) if args.scoring else b.table
    diffs = diff_runs(a.run, b.run, table)
    grid = Table(title=f"两次检查比较：{a.run.as_of} → {b.run.as_of}", title_justify="left")
    for name in ("网站", "变化", "结论", "得分", "检查项（不通过数 前→后）"):
        grid.add_column(name, overflow="fold")
    styles = {"变好": "green", "变差": "bold red"}
    for d in diffs:
        verdicts = " → ".join(v.label if v else "—" for v in (d.before, d.after))
        scores = " → ".join(
            "—" if v is None or v.score is None else f"{v.score:g}" for v in (d.before, d.after)
        )
        checks = "，".join(f"{c} {x}→{y}" for c, (x, y) in d.checks.items())
        grid.add_row(
            Text(d.site.label),
            Text(d.trend, style=styles.get(d.trend, "")),
            Text(verdicts),
            Text(scores),
            Text(checks or "—"),
        )
    console.print(grid)
    accounts = _diff_accounts(a.accounts, b.accounts, console)
    if args.out:
        from auditor.report.json_report import atomic_write_text

        body = {
            "schema": "auditor-diff/1",
            "run_a": str(args.run_a),
            "run_b": str(args.run_b),
            "sites": [d.to_dict() for d in diffs],
        }
        if accounts is not None:
            body["accounts"] = [d.to_dict() for d in accounts]
        atomic_write_text(args.out, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
        console.print(f"已保存：{args.out}")
    return EXIT_OK


def _diff_accounts(a: list | None, b: list | None, console: Console) -> list | None:
    """The accounts half of ``diff``, when either run has one."""
    if a is None and b is None:
        return None
    from auditor.cli.media import diff_table
    from auditor.media.followup import diff_accounts

    diffs = diff_accounts(a or [], b or [])
    console.print(diff_table(diffs))
    return diffs


def cmd_verify(args: argparse.Namespace, console: Console) -> int:
    from auditor.run.manifest import MANIFEST, verify

    if not (args.run / MANIFEST).is_file():
        raise UsageError(f"{args.run} 中没有 {MANIFEST}")
    checked, bad = verify(args.run)
    for m in bad:
        console.print(Text.assemble((m.why, "bold red"), "：", m.path))
    console.print(f"核验 {checked} 个文件，{len(bad)} 个缺失或被改动。")
    return EXIT_FINDINGS if bad else EXIT_OK
