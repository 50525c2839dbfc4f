"""``auditor worker`` and ``auditor workers``, and ``--broker`` for ``audit``: the cluster's CLI."""

from __future__ import annotations

import argparse
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.cli.parser import EXIT_OK, UsageError
from auditor.hostmap import ResolveError, parse_resolve

if TYPE_CHECKING:
    from auditor.cluster.coordinator import ClusterRun
    from auditor.run.store import RunStore

__all__ = ["check_broker_url", "cluster_of", "cmd_worker", "cmd_workers", "notifier"]


def check_broker_url(url: str) -> str:
    if not url.startswith(("redis://", "rediss://")):
        raise UsageError(f"--broker 须为 Redis 地址，如 redis://10.0.0.5:6379/0（收到：{url}）")
    return url


def cluster_of(args: argparse.Namespace, store: RunStore, err: Console) -> ClusterRun | None:
    """The cluster a run goes to: ``--broker``, or for ``--resume`` the one it started on."""
    from auditor.cluster.coordinator import ClusterRun

    broker = getattr(args, "broker", None) or store.meta("broker")
    if not broker:
        return None
    check_broker_url(broker)
    shared = getattr(args, "shared_dir", None) or store.meta("shared_dir")
    store.set_meta("broker", broker)
    store.set_meta("shared_dir", str(shared) if shared else None)
    err.print(f"检查交给集群：{broker}（auditor workers --broker {broker} 查看检查节点）")
    from pathlib import Path

    return ClusterRun(
        broker=broker, shared_dir=Path(shared) if shared else None, notify=notifier(err)
    )


def notifier(err: Console) -> Callable[[str], None]:
    """How the coordinator tells the user about the broker (an outage, a resend)."""
    return lambda message: err.print(Text.assemble(("提示：", "yellow"), message))


def cmd_worker(args: argparse.Namespace, err: Console) -> int:
    """Run a Celery worker: ``--concurrency`` processes, each with its own Chromium."""
    from auditor.browser.renderer import default_concurrency
    from auditor.cluster.app import QUEUE
    from auditor.cluster.worker import worker_app

    broker = check_broker_url(args.broker)
    if args.concurrency < 0:
        raise UsageError("--concurrency 不能为负数")
    try:
        resolve = parse_resolve(args.resolve)
    except ResolveError as exc:
        raise UsageError(str(exc)) from exc
    if args.browser:
        from auditor.browser.launch import explicit_browser

        explicit_browser(args.browser)
    app = worker_app(
        broker,
        default_key=(args.browser, args.local_only, tuple(sorted(resolve.items()))),
        visibility_timeout_s=args.visibility_timeout,
        restore_every_s=min(10.0, max(1.0, args.visibility_timeout / 10)),
    )
    name = args.name or f"auditor@{socket.gethostname()}"
    sites = args.concurrency or default_concurrency()
    argv = [
        "worker",
        "--queues",
        QUEUE,
        "--concurrency",
        str(sites),
        # Threads, not processes: the tasks share this process's one Chromium and its page slots
        # (the work itself runs in the browser and on one event loop).
        "--pool",
        "threads",
        "--hostname",
        name,
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    err.print(f"检查节点 {name} 启动：同时检查 {sites} 个网站（一个浏览器），消息队列 {broker}")
    app.worker_main(argv)
    return EXIT_OK


def cmd_workers(args: argparse.Namespace, console: Console) -> int:
    """The live workers, what each is auditing, and how many tasks wait in the queue."""
    from auditor.cluster.app import make_app, queue_length

    app = make_app(check_broker_url(args.broker))
    try:
        waiting = queue_length(app)
        inspect = app.control.inspect(timeout=2.0)
        stats = inspect.stats() or {}
        active = inspect.active() or {}
    except Exception as exc:  # the broker is down or unreachable
        from auditor.errors import describe

        raise UsageError(f"无法连接消息队列 {args.broker}（{describe(exc)}）") from exc
    table = Table(title=f"检查节点（排队中的任务：{waiting}）")
    for column in ("节点", "同时检查", "正在检查", "已完成任务"):
        table.add_column(column)
    for name in sorted(stats):
        info = stats[name]
        doing = [
            s["site"]["url"]
            for task in active.get(name, [])
            for arg in task.get("args", [])[:1]
            if isinstance(arg, dict)
            for s in arg.get("sites", [])
        ]
        done = sum((info.get("total") or {}).values())
        processes = info.get("pool", {}).get("max-concurrency", "")
        table.add_row(name, str(processes), "\n".join(doing) or "—", str(done))
    console.print(table)
    if not stats:
        console.print("没有在线的检查节点（用 auditor worker --broker … 启动）")
    return EXIT_OK
