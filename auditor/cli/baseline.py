"""``auditor baseline RUN --out FILE [--update]``: accept a run's findings for the CI gate."""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.text import Text

from auditor.cli.parser import EXIT_OK, UsageError
from auditor.run.baseline import build_baseline, load_baseline, prune, save_baseline


def cmd_baseline(args: argparse.Namespace, console: Console) -> int:
    from auditor.notice import load_run

    if not args.run.is_dir():
        raise UsageError(f"目录不存在：{args.run}")
    run = load_run(args.run).run
    if args.update:
        if not args.out.is_file():
            raise UsageError(f"--update 需要已有的基线文件：{args.out} 不存在")
        kept, dropped = prune(load_baseline(args.out), run)
        save_baseline(kept, args.out)
        for e in dropped:
            line = f"  删去已解决：{e.check} @ {e.page or '网站'}  {e.description}"
            console.print(Text(line, style="green"), soft_wrap=True)
        console.print(
            f"已更新：{args.out}（删去已解决 {len(dropped)} 条，保留 {len(kept.entries)} 条）"
        )
        return EXIT_OK
    baseline = build_baseline(run, str(args.run))
    save_baseline(baseline, args.out)
    everywhere = sum(e.page == "*" for e in baseline.entries)
    template = f"，其中 {everywhere} 条为每页都有的模板问题" if everywhere else ""
    console.print(
        f"已写入：{args.out}（{len(baseline.entries)} 条{template}）。"
        f"请在代码评审中逐条确认，然后用 auditor audit … --baseline {args.out} 只对新问题失败。",
        soft_wrap=True,
    )
    return EXIT_OK
