"""What the person at the terminal sees: live progress while pages render, then a summary.

Page-derived text (messages, URLs) is passed to rich as :class:`~rich.text.Text`, never as markup,
so a ``[bold]`` in a page title stays literal.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

from auditor.model import Finding, Outcome, RunResult, SiteResult
from auditor.problems import site_problems

__all__ = ["print_summary", "short_url", "truncate"]

_OUTCOME_STYLE = {
    Outcome.FAIL: ("不通过", "bold red"),
    Outcome.REVIEW: ("复核", "yellow"),
    Outcome.ERROR: ("错误", "magenta"),
    Outcome.ACCEPTED: ("已接受", "dim"),
}


@dataclass
class _Tally:
    pages: int = 0
    passed: int = 0
    failed: int = 0
    review: int = 0
    errors: int = 0
    accepted: int = 0


@dataclass(frozen=True)
class _Problem:
    check: str
    outcome: Outcome
    page: str
    message: str
    evidence: str


def print_summary(run: RunResult, console: Console, *, max_problems: int = 200) -> None:
    """A table of counts per site, then the problems (fail, review, error) one per row.

    Findings a baseline or an inline ignore accepted are counted and listed apart (已接受), and
    baseline entries that no longer occur are listed as 已解决 so the baseline file can shrink.
    """
    console.print(_counts_table(run))
    problems = [p for site in run.sites for p in _problems(site)]
    if not problems:
        console.print(Text("未发现问题。", style="green"))
    else:
        console.print(_problems_table(problems[:max_problems]))
        if len(problems) > max_problems:
            console.print(
                Text(f"另有 {len(problems) - max_problems} 项问题未列出，详见 HTML/JSON 报告。")
            )
    if run.baseline:
        _print_baseline(run, console)


def _print_baseline(run: RunResult, console: Console) -> None:
    b = run.baseline
    accepted = sum(f.outcome is Outcome.ACCEPTED for f in run.findings)
    parts = [f"已接受 {accepted} 项（不计入退出码）"]
    if "entries" in b:
        parts.insert(0, f"基线 {b.get('file') or ''}（{b['entries']} 条）")
    if b.get("ignores"):
        parts.append(f"其中按配置忽略 {b.get('ignored', 0)} 项")
    resolved, unseen = b.get("resolved") or [], b.get("unseen") or []
    if "entries" in b:
        parts.append(f"已解决 {len(resolved)} 条")
    if unseen:
        parts.append(f"本次未检查到 {len(unseen)} 条")
    parts.append("网站结论与通报不受基线影响")
    console.print(Text("；".join(parts) + "。"), soft_wrap=True)
    for e in resolved:
        line = f"  已解决：{e['check']} @ {e['page'] or '网站'}  {e.get('description', '')}"
        console.print(Text(line, style="green"), soft_wrap=True)
    if resolved:
        console.print(
            Text(
                "基线中的已解决条目可删去：auditor baseline RUN --out 基线文件 --update",
                style="green",
            ),
            soft_wrap=True,
        )


def _tally(site: SiteResult) -> _Tally:
    t = _Tally(pages=len(site.pages), errors=1 if site.error else 0)
    for page in site.pages:
        t.errors += 1 if page.error else 0
        for f in page.findings:
            t.passed += f.outcome is Outcome.PASS
            t.errors += f.outcome is Outcome.ERROR
            t.accepted += f.outcome is Outcome.ACCEPTED
    t.accepted += sum(f.outcome is Outcome.ACCEPTED for f in site.findings)
    for problem in site_problems(site):  # a fault of the shared template counts once
        t.failed += problem.first.outcome is Outcome.FAIL
        t.review += problem.first.outcome is Outcome.REVIEW
    return t


def _counts_table(run: RunResult) -> Table:
    table = Table(title="检查结果汇总", title_justify="left")
    table.add_column("网站", overflow="fold")
    gated = bool(run.baseline)
    for name in ("页面", "通过", "不通过", "复核", "错误", *(["已接受"] if gated else [])):
        table.add_column(name, justify="right", no_wrap=True)
    total = _Tally()
    for site in run.sites:
        t = _tally(site)
        for key in ("pages", "passed", "failed", "review", "errors", "accepted"):
            setattr(total, key, getattr(total, key) + getattr(t, key))
        table.add_row(Text(site.site.label), *_count_cells(t, gated))
    if len(run.sites) > 1:
        table.add_section()
        table.add_row(Text("合计", style="bold"), *_count_cells(total, gated))
    return table


def _count_cells(t: _Tally, gated: bool = False) -> list[Text]:
    cells = [
        Text(str(t.pages)),
        Text(str(t.passed), style="green" if t.passed else ""),
        Text(str(t.failed), style="bold red" if t.failed else ""),
        Text(str(t.review), style="yellow" if t.review else ""),
        Text(str(t.errors), style="magenta" if t.errors else ""),
    ]
    return [*cells, Text(str(t.accepted), style="dim")] if gated else cells


def _problems(site: SiteResult) -> list[_Problem]:
    found = []
    if site.error:
        found.append(_Problem("site", Outcome.ERROR, site.site.url, site.error, ""))
    for page in site.pages:
        if page.error:
            found.append(_Problem("page-load", Outcome.ERROR, page.url, page.error, ""))
        for f in page.findings:
            if f.outcome in _OUTCOME_STYLE:
                found.append(_Problem(f.check, f.outcome, page.url, _message(f), f.evidence))
    return found


def _message(f: Finding) -> str:
    """The message; for an accepted finding, why it was accepted first."""
    accepted = f.data.get("accepted") or {}
    if f.outcome is not Outcome.ACCEPTED:
        return f.message
    why = f"忽略：{accepted.get('reason', '')}" if accepted.get("by") == "ignore" else "基线"
    return f"（{why}）{f.message}"


def _problems_table(problems: list[_Problem]) -> Table:
    table = Table(title="问题清单", title_justify="left")
    table.add_column("检查项", no_wrap=True)
    table.add_column("结果", no_wrap=True)
    table.add_column("页面", no_wrap=True, max_width=42)
    table.add_column("说明", ratio=1)
    table.add_column("证据", overflow="fold")
    for p in problems:
        label, style = _OUTCOME_STYLE[p.outcome]
        table.add_row(
            Text(p.check, style="bold"),
            Text(label, style=style),
            Text(short_url(p.page)),
            Text(truncate(p.message, 80)),
            Text(p.evidence or "—", style="dim" if not p.evidence else ""),
        )
    return table


def short_url(url: str, limit: int = 40) -> str:
    """The URL without scheme, middle-elided to ``limit`` characters."""
    text = url.split("://", 1)[-1]
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return text[:head] + "…" + text[-(limit - head - 1) :]


def truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
