"""What the commands share: reading sites and options, checking the output folder, finishing a run."""

from __future__ import annotations

import argparse
import errno
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.cli.parser import EXIT_FINDINGS, EXIT_OK, UsageError
from auditor.errors import first_line
from auditor.extract.page_type import TypeRules
from auditor.gather.render import RenderSettings
from auditor.hostmap import ResolveError, parse_resolve
from auditor.model import Finding, Outcome, PageType, RunResult, Severity, SiteSpec
from auditor.run.baseline import gate
from auditor.run.sites import normalize_url, read_sites, validate_url
from auditor.skips import split_skips
from auditor.verdict import ScoringTable, judge, load_table, stamp


def run_dir_of(args: argparse.Namespace) -> Path:
    """The folder this command writes (for messages): --out, --resume, or the default one."""
    found = getattr(args, "out", None) or getattr(args, "resume", None)
    if found is None:
        found = getattr(args, "resolved_out", None) or Path("输出目录")
    return Path(found)


def output_problem(
    exc: OSError | sqlite3.Error, where: Path, command: str = "audit", saved: str = "页面"
) -> str:
    """One Chinese line for a file-system failure: full disk, no permission, a file as folder."""
    text = str(exc).lower()
    code = getattr(exc, "errno", None)
    resume = f"已完成的{saved}都已保存；处理后用 auditor {command} --resume {where} 继续"
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


def sites_from_args(args: argparse.Namespace) -> tuple[list[SiteSpec], list[str]]:
    sites: list[SiteSpec] = []
    errors: list[str] = []
    if args.sites:
        listed = read_sites(args.sites)
        sites += listed.sites
        errors += listed.errors
    configured = {s.url: s for s in config_sites(args)}
    for raw in args.urls:
        url = normalize_url(raw)
        why = validate_url(url)
        if why:
            raise UsageError(why)
        known = configured.get(url)
        name = args.name or (known.name if known else "")
        code = args.code or (known.code if known else "")
        sites.append(SiteSpec(url=url, name=name, code=code))
    if not sites and not args.sites:
        sites = list(configured.values())  # the file's sites when none is named
    if not sites:
        raise UsageError(
            "没有可检查的网站：请给出网址，或用 --sites 指定网站清单"
            + ("（清单中的行都有错误）" if errors else "")
        )
    return sites, errors


def config_sites(args: argparse.Namespace) -> list[SiteSpec]:
    """The sites of the configuration file, if one was read."""
    config = getattr(args, "loaded_config", None)
    return config.site_specs() if config is not None else []


def audit_options(args: argparse.Namespace, out: Path):
    from auditor.engine import AuditOptions

    if getattr(args, "max_pages", 1) < 1:
        raise UsageError("--max-pages 至少为 1")
    if args.timeout <= 0:
        raise UsageError("--timeout 须大于 0")
    try:
        skips = split_skips(getattr(args, "skip", "").split(","))
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    config = getattr(args, "loaded_config", None)
    try:
        mapped = getattr(args, "resolve", None) or [
            f"{host}={ip}" for host, ip in (config.resolve if config else ())
        ]  # the command line's mapping, else the config file's
        resolve = parse_resolve(mapped)
    except ResolveError as exc:
        raise UsageError(str(exc)) from exc
    if args.browser:  # before a run folder is made: a wrong --browser is a usage error
        from auditor.browser.launch import explicit_browser

        explicit_browser(args.browser)
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
        settings=RenderSettings(
            timeout_ms=int(args.timeout * 1000), wording_files=_wording_files(args)
        ),
        as_of=getattr(args, "as_of", None),
        browser=args.browser,
        test_mode=args.local_only,
        resolve=resolve,
        rules=TypeRules(getattr(args, "column_pattern", ""), getattr(args, "article_pattern", "")),
        skip=skips.gatherers,
        skip_checks=skips.checks,
        link_limits=dict(config.link_limits) if config else {},
        column_windows=dict(config.column_windows) if config else {},
        submit_forms=submit,
        start_page_type=PageType(args.page_type) if getattr(args, "page_type", None) else None,
    )


def _wording_files(args: argparse.Namespace) -> tuple[Path, ...]:
    """The province's own wording lists, read now so a bad file stops the run before it starts."""
    from auditor.extract.wording import WordingError, lexicon

    files = tuple(getattr(args, "wording", None) or ())
    try:
        lexicon(files)
    except WordingError as exc:
        raise UsageError(str(exc)) from exc
    return files


def default_out_dir(args: argparse.Namespace) -> Path:
    return args.out or Path("runs") / datetime.now().strftime("%Y%m%d-%H%M%S")


def finish_run(
    run: RunResult,
    out: Path,
    fail_on: str,
    console: Console,
    table: ScoringTable | None = None,
    listed: list[SiteSpec] | None = None,
    budgets: dict[str, int] | None = None,
    baseline: Path | None = None,
    ignores: Sequence[Any] = (),  # Ignore, or the config's ignore objects
) -> int:
    """Write the reports, print the summary, and give the exit code of the CI gate.

    With a baseline or ignores, matched findings are ``accepted``: listed apart and never in the
    exit code. The verdicts and the notice tables stay those of the findings as audited.
    """
    from auditor.notice.tables import build
    from auditor.report.html import write_html
    from auditor.report.json_report import write_json
    from auditor.report.junit import write_junit
    from auditor.report.terminal import print_summary

    table = table or load_table(None)
    out.mkdir(parents=True, exist_ok=True)
    run = stamp(run, table)
    data = build(run, table, out, listed)  # the office's view: no baseline
    run = gate(run, baseline, ignores)
    write_json(run, out / "results.json", table)
    write_html(run, out / "report.html", table, data)
    write_junit(run, out / "junit.xml")
    print_summary(run, console)
    _print_verdicts(run, table, console)
    console.print(f"结果：{out / 'results.json'}")
    console.print(f"报告：{out / 'report.html'}")
    console.print(f"证据截图：{out}/*/evidence/")
    console.print(f"通报附件：auditor report {out} --format docx,xlsx,html")
    return exit_code(run, fail_on, budgets)


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


def gate_inputs(args: argparse.Namespace) -> dict[str, Any]:
    """What the CI gate takes from the command line and the config file: budgets, the baseline
    (the command line's, else the file's) and the file's inline ignores."""
    config = getattr(args, "loaded_config", None)
    baseline = getattr(args, "baseline", None) or (config.baseline if config else None)
    return {
        "budgets": dict(config.budgets) if config else {},
        "baseline": baseline,
        "ignores": config.ignore if config else (),
    }


def exit_code(run: RunResult, fail_on: str, budgets: dict[str, int] | None = None) -> int:
    """1 when any failing finding is at or above ``fail_on``, beyond the check's budget."""
    if fail_on == "none":
        return EXIT_OK
    floor = Severity(fail_on).rank
    failing = [f for f in run.findings if f.outcome is Outcome.FAIL and f.severity.rank >= floor]
    return EXIT_FINDINGS if over_budget(failing, budgets or {}) else EXIT_OK


def over_budget(failing: list[Finding], budgets: dict[str, int]) -> list[Finding]:
    """The failing findings left once each budgeted check's allowance (max_findings) is used."""
    counts: dict[str, int] = {}
    for f in failing:
        counts[f.check] = counts.get(f.check, 0) + 1
    return [f for f in failing if f.check not in budgets or counts[f.check] > budgets[f.check]]
