"""``auditor monitor``: the availability measurement of 国办秘函〔2019〕19号 站点无法访问.

``auditor monitor --sites sites.csv --out RUN`` asks for every listed home page 20 times a day for
7 days and stores each attempt as it ends; the same command again, or ``--resume RUN``, goes on
where it stopped. ``auditor monitor status RUN`` prints each site's attempts, failures, ratio and
what the rule concludes so far.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import secrets
import sqlite3
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.cli.common import ensure_writable, output_problem, run_dir_of
from auditor.cli.parser import EXIT_FINDINGS, EXIT_OK, UsageError
from auditor.clock import beijing_time
from auditor.hostmap import ResolveError, parse_resolve
from auditor.monitor.measure import INCOMPLETE, VETO, VETO_PERCENT, Measure, measure_sites
from auditor.monitor.plan import RULE_DAYS, RULE_LIMIT_S, RULE_PER_DAY, Plan, Slot
from auditor.monitor.store import FAIL, STORE_FILE, MonitorStore, MonitorStoreError, iso_at
from auditor.run.sites import read_sites, site_key
from auditor.version import __version__

__all__ = ["cmd_monitor", "print_status"]

EXIT_INTERRUPTED = 130
PROGRESS_EVERY_S = 3600.0
_STYLES = {VETO: "bold red", INCOMPLETE: "yellow"}


def cmd_monitor(args: argparse.Namespace, console: Console, err: Console) -> int:
    try:
        if args.monitor_command == "status":
            return _status(args.run, console)
        return _run(args, console, err)
    except MonitorStoreError as exc:
        raise UsageError(str(exc)) from None
    except (OSError, sqlite3.Error) as exc:  # a full disk, a read-only folder: say how to go on
        where = getattr(args, "run", None) or run_dir_of(args)
        raise UsageError(output_problem(exc, where, "monitor", "访问")) from None


def plan_from_args(args: argparse.Namespace) -> Plan:
    """The plan the options ask for; contradictions are usage errors."""
    limit = RULE_LIMIT_S if args.timeout is None else args.timeout
    if limit <= 0:
        raise UsageError("--timeout 须大于 0")
    if args.interval is not None:
        if args.days is not None or args.per_day is not None:
            raise UsageError(
                "--interval 与 --days/--per-day 不能同时使用；用 --attempts 指定每个网站的访问次数"
            )
        if args.interval <= 0:
            raise UsageError("--interval 须大于 0")
        attempts = RULE_PER_DAY if args.attempts is None else args.attempts
        if attempts < 1:
            raise UsageError("--attempts 至少为 1")
        return Plan(
            interval_s=args.interval,
            attempts=attempts,
            limit_s=limit,
            local_only=args.local_only,
            resolve=_resolve(args),
        )
    if args.attempts is not None:
        raise UsageError("--attempts 只与 --interval 同用；按天监测请用 --days 与 --per-day")
    days = RULE_DAYS if args.days is None else args.days
    per_day = RULE_PER_DAY if args.per_day is None else args.per_day
    if days < 1 or per_day < 1:
        raise UsageError("--days 与 --per-day 至少为 1")
    return Plan(
        days=days,
        per_day=per_day,
        limit_s=limit,
        local_only=args.local_only,
        resolve=_resolve(args),
    )


def _resolve(args: argparse.Namespace) -> dict[str, str]:
    try:
        return parse_resolve(args.resolve or [])
    except ResolveError as exc:
        raise UsageError(str(exc)) from exc


def _open_or_create(args: argparse.Namespace, err: Console) -> tuple[MonitorStore, bool]:
    """The run's store and whether it is resumed (``--resume``, or the same command again)."""
    if args.resume is not None:
        given = [args.sites, args.days, args.per_day, args.interval, args.attempts, args.timeout]
        if any(v is not None for v in given):
            raise UsageError("--resume 沿用原监测的网站清单和计划，不要再给 --sites、--days 等选项")
        args.resolved_out = args.resume
        return MonitorStore.open(args.resume), True
    if args.sites is None:
        raise UsageError("请用 --sites 指定网站清单（或用 --resume RUN 继续一次监测）")
    plan = plan_from_args(args)
    listed = read_sites(args.sites)
    for line in listed.errors:
        err.print(Text(line, style="yellow"), soft_wrap=True)
    if not listed.sites:
        raise UsageError("网站清单中没有可监测的网站")
    out = args.out or Path("runs") / datetime.now().strftime("monitor-%Y%m%d-%H%M%S")
    args.resolved_out = out
    if MonitorStore.exists(out):
        store = MonitorStore.open(out)
        same_sites = [site_key(s.url) for s in store.sites()] == [
            site_key(s.url) for s in listed.sites
        ]
        if not (same_sites and store.plan().same_as(plan)):
            store.close()
            raise UsageError(
                f"{out} 中已有一次网站清单或计划不同的监测；继续它请用 auditor monitor --resume {out}，"
                "开始新的监测请换一个 --out"
            )
        return store, True
    ensure_writable(out)
    start = dataclasses.replace(plan, start=time.time(), seed=secrets.randbits(32))
    meta = {"created": iso_at(start.start), "auditor_version": __version__}
    return MonitorStore.create(out, listed.sites, start, meta), False


def _run(args: argparse.Namespace, console: Console, err: Console) -> int:
    from auditor.monitor.runner import run_monitor

    store, resumed = _open_or_create(args, err)
    where = store.run_dir
    try:
        store.lock()
        plan = store.plan()
        sites = store.sites()
        pending = len(store.pending())
        console.print(
            Text(
                f"{'继续' if resumed else '开始'}监测 {len(sites)} 个网站：{_plan_text(plan)}；"
                f"尚有 {pending} 次待访问，计划于 {beijing_time(iso_at(plan.end))}（北京时间）结束。",
            ),
            soft_wrap=True,
        )
        console.print(f"记录：{where / STORE_FILE}；随时查看：auditor monitor status {where}")
        labels = {i: s.label for i, s in enumerate(sites, 1)}
        tally = {"done": 0, "failed": 0, "shown": time.monotonic()}

        def show(slot: Slot, result: dict[str, Any]) -> None:
            """Each failure as it happens; off a terminal, a line an hour says the run is alive."""
            tally["done"] += 1
            if result["outcome"] == FAIL:
                tally["failed"] += 1
                console.print(
                    Text(
                        f"{beijing_time(result['started'])} {labels[slot.site]} "
                        f"第{slot.seq + 1}次：{result['reason']}",
                        style="red",
                    ),
                    soft_wrap=True,
                )
            if time.monotonic() - tally["shown"] >= PROGRESS_EVERY_S:
                tally["shown"] = time.monotonic()
                console.print(
                    f"{beijing_time(result['started'])} 本次已访问 {tally['done']:g} 次，"
                    f"失败 {tally['failed']:g} 次；auditor monitor status {where} 查看各网站"
                )

        asyncio.run(run_monitor(store, resumed=resumed, on_attempt=show))
    except KeyboardInterrupt:
        err.print(
            Text(
                f"已中断。已完成的访问都已保存在 {where}/{STORE_FILE} 中；"
                f"用 auditor monitor --resume {where} 继续（中断期间错过的访问记为“未监测”，不计为失败）。",
                style="yellow",
            ),
            soft_wrap=True,
        )
        return EXIT_INTERRUPTED
    finally:
        store.close()
    return _status(where, console)


def _plan_text(plan: Plan) -> str:
    if plan.interval_s:
        text = f"每个网站每隔{plan.interval_s:g}秒访问一次，共{plan.attempts}次（测试用）"
    else:
        text = f"{plan.days}天，每个网站每天{plan.per_day}次"
    return f"{text}，{plan.limit_s:g}秒内未打开或 HTTP ≥ 400 计为失败"


def _status(run_dir: Path, console: Console) -> int:
    if not run_dir.is_dir():
        raise UsageError(f"目录不存在：{run_dir}")
    store = MonitorStore.open(run_dir)
    try:
        plan = store.plan()
        measures = measure_sites(plan, store.sites(), store.records())
    finally:
        store.close()
    print_status(plan, measures, run_dir, console)
    return EXIT_FINDINGS if any(m.state == VETO for m in measures) else EXIT_OK


def verdict_text(m: Measure) -> str:
    """The rule's conclusion so far, in Chinese; an incomplete measurement says so."""
    if m.state != INCOMPLETE:
        return m.label
    why = "；".join(m.shortfalls)
    trend = f"；目前失败占比已达{VETO_PERCENT}%" if m.reached else ""
    return f"{m.label}（{why}{trend}）"


def print_status(plan: Plan, measures: list[Measure], run_dir: Path, console: Console) -> None:
    """The status table: per site attempts, failures, ratio, missed slots and the verdict so far."""
    grid = Table(title=f"可用性监测：{run_dir}（{_plan_text(plan)}）", title_justify="left")
    for name in (
        "序号",
        "网站",
        "已访问",
        "失败",
        "失败占比",
        "未监测",
        "待访问",
        "结论",
        "失败原因",
    ):
        grid.add_column(name, overflow="fold")
    for m in measures:
        grid.add_row(
            str(m.index),
            Text(m.site.label),
            f"{m.attempts}/{m.planned}",
            str(m.failures),
            m.ratio,
            str(m.missed + m.errors),
            str(m.pending),
            Text(verdict_text(m), style=_STYLES.get(m.state, "green")),
            Text(m.reasons_text or "—"),
        )
    console.print(grid)
    console.print(
        f"失败占比 = 失败次数 ÷ 已访问次数（{plan.limit_s:g}秒内未打开、无法解析域名、连接或证书错误、"
        f"HTTP ≥ 400 均计为失败；未监测的时段不计入）；≥ {VETO_PERCENT}% 即单项否决（国办秘函〔2019〕19号）。"
    )
