"""Command line: ``auditor audit | gather | check | demo``.

Exit codes: 0 clean, 1 failing findings at or above ``--fail-on``, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from rich.console import Console

from auditor import __version__
from auditor.browser import BrowserNotFoundError
from auditor.classify import TypeRules
from auditor.gather import RenderSettings
from auditor.model import Outcome, RunResult, Severity, SiteSpec
from auditor.sites import SitesFileError, normalize_url, read_sites, validate_url

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
DEMO_AS_OF = date(2026, 11, 27)
FAIL_ON = ["minor", "moderate", "serious", "critical", "none"]


class UsageError(Exception):
    """Bad input from the user: printed as one clear line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditor",
        description="渲染政府网站页面，按国家政府网站规范检查，并为每个问题截图取证。",
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    audit = sub.add_parser("audit", help="检查一个或多个网站（首页 + 栏目页 + 文章页）")
    audit.add_argument("urls", nargs="*", metavar="URL", help="网站首页网址")
    audit.add_argument(
        "--sites",
        type=Path,
        help="网站清单 CSV/XLSX（网站名称、网站标识码、首页网址、主办单位、地区）",
    )
    audit.add_argument("--name", default="", help="单个网站的应有名称（与页面核对）")
    audit.add_argument("--code", default="", help="单个网站的应有网站标识码")
    _common(audit)

    gather = sub.add_parser("gather", help="只渲染并保存页面数据（artifacts）和截图，不做检查")
    gather.add_argument("urls", nargs="+", metavar="URL")
    gather.add_argument("--out", type=Path, required=True, help="保存目录")
    _browser_options(gather)

    check = sub.add_parser("check", help="用已保存的页面数据重新检查（不需要浏览器）")
    check.add_argument(
        "--from", dest="source", type=Path, required=True, help="gather/audit 的输出目录"
    )
    check.add_argument("--fail-on", choices=FAIL_ON, default="minor")

    demo = sub.add_parser("demo", help="在 127.0.0.1 上启动内置示例网站并检查它")
    _common(demo)
    demo.set_defaults(max_pages=40)  # the whole demo site
    return parser


def _browser_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--browser", help="Chromium/Chrome 可执行文件（也可用环境变量 AUDITOR_BROWSER）")
    p.add_argument("--timeout", type=float, default=15.0, help="页面打开时限，秒（国家规定 15 秒）")
    p.add_argument("--concurrency", type=int, default=0, help="同时渲染的页面数（默认按 CPU 核数）")
    p.add_argument(
        "--local-only",
        action="store_true",
        help="浏览器只解析 localhost/127.0.0.1（测试与 CI 用；真实检查不要加）",
    )


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=Path, help="输出目录（默认 runs/时间戳）")
    p.add_argument("--max-pages", type=int, default=10, help="每个网站最多检查的页面数（默认 10）")
    p.add_argument(
        "--fail-on", choices=FAIL_ON, default="minor", help="达到该严重程度的问题使退出码为 1"
    )
    p.add_argument("--as-of", type=date.fromisoformat, help="检查日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--column-pattern", default="", help="匹配栏目页网址的正则（覆盖自动识别）")
    p.add_argument("--article-pattern", default="", help="匹配文章页网址的正则（覆盖自动识别）")
    _browser_options(p)


def main(argv: Sequence[str] | None = None) -> int:
    # Piped output (CI logs) gets a wide table instead of rich's 80-column default.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
    err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)
    args = build_parser().parse_args(argv)
    try:
        if args.command == "audit":
            return _audit(args, console, err)
        if args.command == "gather":
            return _gather(args, console)
        if args.command == "check":
            return _check(args, console)
        return _demo(args, console, err)
    except (UsageError, SitesFileError, BrowserNotFoundError) as exc:
        err.print(f"[bold red]错误：[/]{exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print(
            "[yellow]已中断。已完成的站点在输出目录的 results.json 中；每个已渲染页面的数据也已"
            "保存，可用 auditor check --from 输出目录 重新生成结果。[/]"
        )
        return 130


def _sites_from_args(args: argparse.Namespace) -> tuple[list[SiteSpec], list[str]]:
    sites: list[SiteSpec] = []
    errors: list[str] = []
    if args.sites:
        listed = read_sites(args.sites)
        sites += listed.sites
        errors += listed.errors
    for raw in args.urls:
        url = normalize_url(raw)
        why = validate_url(url)
        if why:
            raise UsageError(why)
        sites.append(SiteSpec(url=url, name=args.name, code=args.code))
    if not sites:
        raise UsageError(
            "没有可检查的网站：请给出网址，或用 --sites 指定网站清单"
            + ("（清单中的行都有错误）" if errors else "")
        )
    return sites, errors


def _options(args: argparse.Namespace, out: Path):
    from auditor.engine import AuditOptions

    if getattr(args, "max_pages", 1) < 1:
        raise UsageError("--max-pages 至少为 1")
    if args.timeout <= 0:
        raise UsageError("--timeout 须大于 0")
    return AuditOptions(
        out_dir=out,
        max_pages=getattr(args, "max_pages", 1),
        concurrency=max(0, args.concurrency),
        settings=RenderSettings(timeout_ms=int(args.timeout * 1000)),
        as_of=getattr(args, "as_of", None),
        browser=args.browser,
        test_mode=args.local_only,
        rules=TypeRules(getattr(args, "column_pattern", ""), getattr(args, "article_pattern", "")),
    )


def _out_dir(args: argparse.Namespace) -> Path:
    return args.out or Path("runs") / datetime.now().strftime("%Y%m%d-%H%M%S")


def _audit(args: argparse.Namespace, console: Console, err: Console) -> int:
    sites, errors = _sites_from_args(args)
    for message in errors:
        err.print(f"[yellow]警告：[/]{message}")
    out = _out_dir(args)
    run = _run(sites, _options(args, out), console, errors)
    return _finish(run, out, args.fail_on, console)


def _run(
    sites: list[SiteSpec],
    options,
    console: Console,
    input_errors: list[str] | None = None,
) -> RunResult:
    """Run the engine with a progress bar; results.json is rewritten after every finished site."""
    from auditor.engine import audit
    from auditor.report.json_report import write_json
    from auditor.report.terminal import Progress

    def save_partial(run: RunResult) -> None:
        run.input_errors = list(input_errors or [])
        write_json(run, options.out_dir / "results.json")

    with Progress(console) as progress:
        run = asyncio.run(audit(sites, options, progress, on_site=save_partial))
    run.input_errors = list(input_errors or [])
    return run


def _finish(run: RunResult, out: Path, fail_on: str, console: Console) -> int:
    from auditor.report.html import write_html
    from auditor.report.json_report import write_json
    from auditor.report.junit import write_junit
    from auditor.report.terminal import print_summary

    out.mkdir(parents=True, exist_ok=True)
    write_json(run, out / "results.json")
    write_html(run, out / "report.html")
    write_junit(run, out / "junit.xml")
    print_summary(run, console)
    console.print(f"结果：{out / 'results.json'}")
    console.print(f"报告：{out / 'report.html'}")
    console.print(f"证据截图：{out}/*/evidence/")
    return exit_code(run, fail_on)


def exit_code(run: RunResult, fail_on: str) -> int:
    """1 when any failing finding is at or above ``fail_on``."""
    if fail_on == "none":
        return EXIT_OK
    floor = Severity(fail_on).rank
    failing = [f for f in run.findings if f.outcome is Outcome.FAIL and f.severity.rank >= floor]
    return EXIT_FINDINGS if failing else EXIT_OK


def _gather(args: argparse.Namespace, console: Console) -> int:
    from auditor.engine import gather_only

    urls = [normalize_url(u) for u in args.urls]
    for url in urls:
        why = validate_url(url)
        if why:
            raise UsageError(why)
    saved = asyncio.run(gather_only(urls, _options(args, args.out)))
    for path in saved:
        console.print(f"已保存：{path}")
    return EXIT_OK


def _check(args: argparse.Namespace, console: Console) -> int:
    from auditor.engine import recheck_dir

    if not args.source.is_dir():
        raise UsageError(f"目录不存在：{args.source}")
    run = recheck_dir(args.source)
    if not run.sites or not any(s.pages for s in run.sites):
        raise UsageError(f"{args.source} 中没有找到已保存的页面数据（*.artifacts.json）")
    return _finish(run, args.source, args.fail_on, console)


def _demo(args: argparse.Namespace, console: Console, err: Console) -> int:
    from auditor.demo.server import DemoServer

    out = _out_dir(args)
    with DemoServer() as server:
        console.print(f"示例网站：{server.url}")
        args.local_only = True  # the demo never needs to reach any other host
        site = SiteSpec(url=server.url, name="示例市人民政府", code="3701000001", region="示例市")
        options = _options(args, out)
        # The demo's pages are dated for this audit day; a later day would make them stale.
        options.as_of = args.as_of or DEMO_AS_OF
        run = _run([site], options, console)
    return _finish(run, out, args.fail_on, console)


if __name__ == "__main__":
    sys.exit(main())
