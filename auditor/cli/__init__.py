"""Command line: ``auditor audit | gather | check | demo | report | recheck | diff | verify | monitor
| baseline``.

Exit codes: 0 clean, 1 failing findings at or above ``--fail-on`` (recheck: problems not fixed or
new; diff: none; verify: a changed or missing evidence file), 2 usage or configuration error.
``audit`` stores every finished page in the run directory's ``run.sqlite`` as it goes, so an
interrupted run continues with ``auditor audit --resume RUN``; ``monitor`` stores every attempt in
``monitor.sqlite`` and continues with ``auditor monitor --resume RUN``.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from auditor.browser.launch import BrowserNotFoundError
from auditor.cli.audit import cmd_audit, cmd_check, cmd_demo, cmd_gather
from auditor.cli.baseline import cmd_baseline
from auditor.cli.cluster import cmd_worker, cmd_workers
from auditor.cli.common import output_problem, run_dir_of
from auditor.cli.configured import apply_config
from auditor.cli.media import cmd_media
from auditor.cli.monitor import cmd_monitor
from auditor.cli.parser import EXIT_USAGE, UsageError, build_parser
from auditor.cli.reports import cmd_diff, cmd_recheck, cmd_report, cmd_verify
from auditor.config import ConfigError
from auditor.media.accounts import AccountsFileError
from auditor.run.baseline import BaselineError
from auditor.run.sites import SitesFileError
from auditor.run.store import StoreError
from auditor.verdict import ScoringError

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    # Piped output (CI logs) gets a wide table instead of rich's 80-column default.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        args = apply_config(parser, argv, args, err)
        if args.command == "audit":
            return cmd_audit(args, console, err)
        if args.command == "gather":
            return cmd_gather(args, console)
        if args.command == "check":
            return cmd_check(args, console)
        if args.command == "report":
            return cmd_report(args, console)
        if args.command == "recheck":
            return cmd_recheck(args, console)
        if args.command == "diff":
            return cmd_diff(args, console)
        if args.command == "verify":
            return cmd_verify(args, console)
        if args.command == "monitor":
            return cmd_monitor(args, console, err)
        if args.command == "media":
            return cmd_media(args, console, err)
        if args.command == "baseline":
            return cmd_baseline(args, console)
        if args.command == "worker":
            return cmd_worker(args, err)
        if args.command == "workers":
            return cmd_workers(args, console)
        return cmd_demo(args, console, err)
    except (
        UsageError,
        SitesFileError,
        BrowserNotFoundError,
        StoreError,
        ScoringError,
        ConfigError,
        BaselineError,
        AccountsFileError,
    ) as exc:
        err.print(Text.assemble(("错误：", "bold red"), str(exc)), soft_wrap=True)
        return EXIT_USAGE
    except (OSError, sqlite3.Error) as exc:
        # One line, never wrapped: it names a folder and a command to copy.
        line = Text.assemble(("错误：", "bold red"), output_problem(exc, run_dir_of(args)))
        err.print(line, soft_wrap=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        where = run_dir_of(args)
        if (where / "run.sqlite").is_file():
            message = (
                f"已中断。已完成的页面都已保存在 {where}/run.sqlite 中；"
                f"用 auditor audit --resume {where} 继续，已完成的网站不会重做。"
            )
        else:
            message = "已中断，尚未开始保存检查结果。"
        err.print(Text(message, style="yellow"), soft_wrap=True)
        return 130
