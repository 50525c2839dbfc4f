"""Command line: ``auditor audit | gather | check | demo | report | recheck | diff | verify``.

Exit codes: 0 clean, 1 failing findings at or above ``--fail-on`` (recheck: problems not fixed or
new; diff: none; verify: a changed or missing evidence file), 2 usage or configuration error.
``audit`` stores every finished page in the run directory's ``run.sqlite`` as it goes, so an
interrupted run continues with ``auditor audit --resume RUN``.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.browser.launch import BrowserNotFoundError
from auditor.errors import first_line
from auditor.extract.page_type import TypeRules
from auditor.gather import SKIPPABLE, unknown_skip_keys
from auditor.gather.render import RenderSettings
from auditor.model import Outcome, RunResult, Severity, SiteResult, SiteSpec
from auditor.run.sites import SitesFileError, normalize_url, read_sites, validate_url
from auditor.run.store import RunStore, StoreError
from auditor.verdict import ScoringError, ScoringTable, judge, load_table, stamp
from auditor.version import __version__

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
    audit.add_argument(
        "--resume",
        type=Path,
        metavar="RUN",
        help="继续一次被中断的检查（已完成的网站不重做；网站清单与检查日期沿用原记录）",
    )
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

    report = sub.add_parser(
        "report", help="由检查记录生成通报附件（Word、Excel）、HTML 报告和 JSON"
    )
    report.add_argument("run", type=Path, metavar="RUN", help="检查输出目录")
    report.add_argument(
        "--format", default="docx,xlsx,html", help="逗号分隔：docx,xlsx,html,json（默认前三种）"
    )
    report.add_argument("--out", type=Path, help="写入目录（默认即 RUN；HTML 只能写在 RUN）")
    _scoring_option(report)

    recheck = sub.add_parser("recheck", help="复核：只重新检查有问题的网站和页面，逐项判定是否整改")
    recheck.add_argument("run", type=Path, metavar="RUN", help="原检查输出目录")
    recheck.add_argument("--out", type=Path, help="复核输出目录（默认 RUN-recheck-时间戳）")
    recheck.add_argument("--as-of", type=date.fromisoformat, help="复核日期 YYYY-MM-DD（默认今天）")
    _browser_options(recheck)

    diff = sub.add_parser("diff", help="比较两次检查（如两个季度）：哪些网站变好、变差，按检查项")
    diff.add_argument("run_a", type=Path, metavar="RUN_A", help="较早的检查输出目录")
    diff.add_argument("run_b", type=Path, metavar="RUN_B", help="较晚的检查输出目录")
    diff.add_argument("--out", type=Path, help="另存比较结果为 JSON 文件")
    _scoring_option(diff)

    verify = sub.add_parser("verify", help="按 manifest.json 核验截图与证据文件未被改动（SHA-256）")
    verify.add_argument("run", type=Path, metavar="RUN")
    return parser


def _scoring_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--scoring",
        type=Path,
        metavar="FILE",
        help="本省计分表（TOML，格式同 auditor/data/scoring.toml），替换默认表",
    )


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
    p.add_argument(
        "--skip",
        default="",
        help="跳过的检查环节，逗号分隔："
        + "、".join(SKIPPABLE)
        + "（例如 --skip links,phone 以加快检查）",
    )
    p.add_argument(
        "--submit-forms",
        action="store_true",
        help="真实提交一条标注为测试的留言以验证互动功能（默认关闭；会向被检网站写入数据）",
    )
    _scoring_option(p)
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
        if args.command == "report":
            return _report(args, console)
        if args.command == "recheck":
            return _recheck(args, console)
        if args.command == "diff":
            return _diff(args, console)
        if args.command == "verify":
            return _verify(args, console)
        return _demo(args, console, err)
    except (
        UsageError,
        SitesFileError,
        BrowserNotFoundError,
        StoreError,
        ScoringError,
    ) as exc:
        err.print(Text.assemble(("错误：", "bold red"), str(exc)), soft_wrap=True)
        return EXIT_USAGE
    except (OSError, sqlite3.Error) as exc:
        # One line, never wrapped: it names a folder and a command to copy.
        line = Text.assemble(("错误：", "bold red"), output_problem(exc, _run_dir(args)))
        err.print(line, soft_wrap=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        where = _run_dir(args)
        err.print(
            f"[yellow]已中断。已完成的页面都已保存在 {where}/run.sqlite 中；"
            f"用 auditor audit --resume {where} 继续，已完成的网站不会重做。[/]"
        )
        return 130


def _run_dir(args: argparse.Namespace) -> Path:
    """The folder this command writes (for messages): --out, --resume, or the default one."""
    found = getattr(args, "out", None) or getattr(args, "resume", None)
    if found is None:
        found = getattr(args, "resolved_out", None) or Path("输出目录")
    return Path(found)


def output_problem(exc: OSError | sqlite3.Error, where: Path) -> str:
    """One Chinese line for a file-system failure: full disk, no permission, a file as folder."""
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    resume = f"已完成的页面都已保存；处理后用 auditor audit --resume {where} 继续"
    if code == errno.ENOSPC or "disk is full" in text or "no space" in text:
        return f"磁盘空间不足，无法继续写入 {where}。{resume}。"
    if (
        code in (errno.EACCES, errno.EPERM, errno.EROFS)
        or "readonly" in text
        or "read-only" in text
    ):
        return f"无法写入 {where}：没有写入权限或该位置只读。请换一个输出目录（--out）。"
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return f"{where} 已存在且不是目录，请用 --out 指定一个目录。"
    if isinstance(exc, FileNotFoundError):
        name = getattr(exc, "filename", None) or where
        return f"找不到文件或目录：{name}"
    if "unable to open database" in text:
        return f"无法在 {where} 中创建检查记录（run.sqlite），请确认该目录可写。"
    return f"读写 {where} 时出错（{first_line(exc)}）。{resume}。"


def ensure_writable(out: Path) -> None:
    """Fail before any browser starts when the output folder cannot be written."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} 已存在且不是目录，请用 --out 指定一个目录。")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".auditor-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(output_problem(exc, out)) from exc


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
    skip = {s.strip() for s in getattr(args, "skip", "").split(",") if s.strip()}
    if unknown := unknown_skip_keys(skip):
        raise UsageError(f"--skip 不认识：{'、'.join(unknown)}（可选：{'、'.join(SKIPPABLE)}）")
    submit = getattr(args, "submit_forms", False)
    if submit:
        Console(stderr=True).print(
            "[bold red]警告：--submit-forms 会向被检网站真实提交一条标注为测试的留言。"
            "请确认已获主办单位同意。[/]"
        )
    return AuditOptions(
        out_dir=out,
        max_pages=getattr(args, "max_pages", 1),
        concurrency=max(0, args.concurrency),
        settings=RenderSettings(timeout_ms=int(args.timeout * 1000)),
        as_of=getattr(args, "as_of", None),
        browser=args.browser,
        test_mode=args.local_only,
        rules=TypeRules(getattr(args, "column_pattern", ""), getattr(args, "article_pattern", "")),
        skip=frozenset(skip),
        submit_forms=submit,
    )


def _out_dir(args: argparse.Namespace) -> Path:
    return args.out or Path("runs") / datetime.now().strftime("%Y%m%d-%H%M%S")


def _audit(args: argparse.Namespace, console: Console, err: Console) -> int:
    table = load_table(args.scoring)
    if args.resume:
        store, options = _resume(args)
    else:
        sites, errors = _sites_from_args(args)
        for message in errors:
            err.print(Text.assemble(("警告：", "yellow"), message))
        options = _options(args, _out_dir(args))
        args.resolved_out = options.out_dir
        ensure_writable(options.out_dir)
        store = RunStore.create(options.out_dir, sites, _run_meta(options, errors, args.scoring))
    try:
        if args.scoring:
            store.set_meta("scoring", _scoring_meta(args.scoring))
        run = _run(store, options, console, table)
        listed = [s for _i, s, _st in store.listed()]
    finally:
        store.close()
    return _finish(run, options.out_dir, args.fail_on, console, table, listed)


def _run_meta(options, input_errors: list[str], scoring: Path | None) -> dict[str, object]:
    """What the store keeps about the run: enough to resume it with the same rules and date."""
    from auditor.engine import default_concurrency

    as_of = options.as_of or date.today()
    return {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(),
        "auditor_version": __version__,
        "options": {
            "max_pages": options.max_pages,
            "concurrency": options.concurrency or default_concurrency(),
            "per_host": options.per_host,
            "timeout_ms": options.settings.timeout_ms,
            "viewport": list(options.settings.viewport),
        },
        "input_errors": list(input_errors),
        "resume": {
            "max_pages": options.max_pages,
            "timeout_ms": options.settings.timeout_ms,
            "as_of": as_of.isoformat(),
            "column_pattern": options.rules.column_pattern,
            "article_pattern": options.rules.article_pattern,
            "skip": sorted(options.skip),
        },
        "scoring": _scoring_meta(scoring) if scoring else None,
    }


def _scoring_meta(path: Path) -> dict[str, str]:
    return {"text": path.read_text(encoding="utf-8"), "origin": str(path)}


def _resume(args: argparse.Namespace):
    """Open the stored run; the sites and the rules that decide findings come from the store."""
    if not RunStore.exists(args.resume):
        raise StoreError(f"{args.resume} 中没有检查记录（run.sqlite）")
    ensure_writable(args.resume)
    store = RunStore.open(args.resume)
    stored = [s.url for _i, s, _st in store.listed()]
    if args.urls or args.sites:
        given, _errors = _sites_from_args(args)
        if [s.url for s in given] != stored:
            store.close()
            raise UsageError(
                f"--resume {args.resume}：给出的网站与原检查的网站清单不同"
                "（续查时可以不再给出网址或 --sites）"
            )
    saved = store.meta("resume", {})
    args.max_pages = saved.get("max_pages", args.max_pages)
    args.timeout = saved.get("timeout_ms", args.timeout * 1000) / 1000
    args.as_of = date.fromisoformat(saved["as_of"]) if saved.get("as_of") else None
    args.skip = ",".join(saved.get("skip", [])) or args.skip
    args.column_pattern = saved.get("column_pattern", "")
    args.article_pattern = saved.get("article_pattern", "")
    return store, _options(args, args.resume)


def _run(
    store: RunStore,
    options,
    console: Console,
    table: ScoringTable | None = None,
) -> RunResult:
    """Audit the store's unfinished sites with a progress bar; pages are stored as they finish.

    results.json (finished sites so far) is refreshed at most every 10 s while the run goes on;
    the store is what survives a crash, and the final results.json is written by ``_finish``.
    """
    from auditor.report.json_report import write_json
    from auditor.report.terminal import Progress
    from auditor.run.store import audit_pending

    done = {i: store.site_result(i) for i, _s, status in store.listed() if status == "done"}
    meta = store.load()
    meta.sites = []
    last = [0.0]

    def save_partial(idx: int, site: SiteResult) -> None:
        done[idx] = site
        if time.monotonic() - last[0] >= 10:
            last[0] = time.monotonic()
            meta.sites = [s for _i, s in sorted(done.items()) if s is not None]
            write_json(meta, options.out_dir / "results.json", table)

    with Progress(console) as progress:
        run = asyncio.run(audit_pending(store, options, progress, on_site=save_partial))
    return run


def _finish(
    run: RunResult,
    out: Path,
    fail_on: str,
    console: Console,
    table: ScoringTable | None = None,
    listed: list[SiteSpec] | None = None,
) -> int:
    from auditor.notice.tables import build
    from auditor.report.html import write_html
    from auditor.report.json_report import write_json
    from auditor.report.junit import write_junit
    from auditor.report.terminal import print_summary

    table = table or load_table(None)
    out.mkdir(parents=True, exist_ok=True)
    run = stamp(run, table)
    data = build(run, table, out, listed)
    write_json(run, out / "results.json", table)
    write_html(run, out / "report.html", table, data)
    write_junit(run, out / "junit.xml")
    print_summary(run, console)
    _print_verdicts(run, table, console)
    console.print(f"结果：{out / 'results.json'}")
    console.print(f"报告：{out / 'report.html'}")
    console.print(f"证据截图：{out}/*/evidence/")
    console.print(f"通报附件：auditor report {out} --format docx,xlsx,html")
    return exit_code(run, fail_on)


def _print_verdicts(run: RunResult, table: ScoringTable, console: Console) -> None:
    grid = Table(title=f"网站结论（{table.name}）", title_justify="left")
    for name in ("地区", "网站", "结论", "得分", "决定因素"):
        grid.add_column(name, overflow="fold")
    for site in run.sites:
        v = judge(site, table)
        style = "green" if v.passed else "bold red"
        grid.add_row(
            Text(site.site.region or "—"),
            Text(site.site.label),
            Text(v.label, style=style),
            Text("—" if v.score is None else f"{v.score:g}"),
            Text("；".join(v.decisive) or "—"),
        )
    console.print(grid)


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
    ensure_writable(args.out)
    saved = asyncio.run(gather_only(urls, _options(args, args.out)))
    for path in saved:
        console.print(f"已保存：{path}")
    return EXIT_OK


def _check(args: argparse.Namespace, console: Console) -> int:
    from auditor.run.check_from import check_saved

    if not args.source.is_dir():
        raise UsageError(f"目录不存在：{args.source}")
    run = check_saved(args.source)
    if not run.sites or not any(s.pages for s in run.sites):
        raise UsageError(f"{args.source} 中没有找到已保存的页面数据（*.artifacts.json）")
    return _finish(run, args.source, args.fail_on, console)


def _demo(args: argparse.Namespace, console: Console, err: Console) -> int:
    from auditor.demo.server import DemoServer

    out = _out_dir(args)
    args.resolved_out = out
    table = load_table(args.scoring)
    ensure_writable(out)
    _forget_store(out)  # the demo starts afresh each time it is run into the same folder
    with DemoServer() as server:
        console.print(f"示例网站：{server.url}")
        args.local_only = True  # the demo never needs to reach any other host
        site = SiteSpec(url=server.url, name="示例市人民政府", code="3701000001", region="示例市")
        options = _options(args, out)
        # The demo's pages are dated for this audit day; a later day would make them stale.
        options.as_of = args.as_of or DEMO_AS_OF
        store = RunStore.create(out, [site], _run_meta(options, [], args.scoring))
        try:
            run = _run(store, options, console, table)
        finally:
            store.close()
    return _finish(run, out, args.fail_on, console, table, [site])


def _forget_store(out: Path) -> None:
    for name in ("run.sqlite", "run.sqlite-wal", "run.sqlite-shm", "manifest.json"):
        (out / name).unlink(missing_ok=True)


def _report(args: argparse.Namespace, console: Console) -> int:
    from auditor.notice import FORMATS, build, load_run, write_reports
    from auditor.notice.paragraph import overview_paragraphs

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"--format 只能是 {','.join(FORMATS)} 的组合（收到 {args.format!r}）")
    if not args.run.is_dir():
        raise UsageError(f"目录不存在：{args.run}")
    loaded = load_run(args.run)
    table = load_table(args.scoring) if args.scoring else loaded.table
    out = args.out or args.run
    if "html" in formats and out.resolve() != args.run.resolve():
        raise UsageError(
            "HTML 报告须写在检查输出目录本身（截图按相对路径引用）：去掉 --out 或 html"
        )
    data = build(stamp(loaded.run, table), table, args.run, loaded.listed)
    for path in write_reports(data, out, formats):
        console.print(f"已生成：{path}")
    if data.websites:
        console.print(Text("一、总体情况（草稿）", style="bold"))
        for text in overview_paragraphs(data):
            console.print(Text(text))
    return EXIT_OK


def _recheck(args: argparse.Namespace, console: Console) -> int:
    from auditor.notice import load_run
    from auditor.report.terminal import Progress
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
    options = _options(args, out)
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
            Text(item.page_url or "全站"),
            Text(item.status, style=styles[item.status]),
            Text(item.before[0].message),
        )
    console.print(grid)
    console.print(
        f"已整改 {report.count(FIXED)} 项，未整改 {report.count(NOT_FIXED)} 项，"
        f"无法复核 {report.count(UNKNOWN)} 项；复核中新发现问题 {len(report.new)} 项。"
    )
    console.print(f"复核报告：{out / 'recheck.html'}")
    return EXIT_FINDINGS if report.count(NOT_FIXED) or report.new else EXIT_OK


def _diff(args: argparse.Namespace, console: Console) -> int:
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
    if args.out:
        from auditor.report.json_report import atomic_write_text

        body = {
            "schema": "auditor-diff/1",
            "run_a": str(args.run_a),
            "run_b": str(args.run_b),
            "sites": [d.to_dict() for d in diffs],
        }
        atomic_write_text(args.out, json.dumps(body, ensure_ascii=False, indent=1) + "\n")
        console.print(f"已保存：{args.out}")
    return EXIT_OK


def _verify(args: argparse.Namespace, console: Console) -> int:
    from auditor.run.manifest import MANIFEST, verify

    if not (args.run / MANIFEST).is_file():
        raise UsageError(f"{args.run} 中没有 {MANIFEST}")
    checked, bad = verify(args.run)
    for m in bad:
        console.print(Text.assemble((m.why, "bold red"), "：", m.path))
    console.print(f"核验 {checked} 个文件，{len(bad)} 个缺失或被改动。")
    return EXIT_FINDINGS if bad else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
