"""The one engine behind the CLI and the pytest plugin: render → artifacts → checks → evidence.

Concurrency lives here and nowhere else (STYLE.md §7): one browser, a bounded pool of contexts
sized to the machine, and a per-host limit so a government server sees at most a couple of
requests at a time. Each page is rendered exactly once; every check runs on its artifacts.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from auditor.artifacts import Artifacts, failure_inside
from auditor.browser.renderer import AuditOptions, Renderer, SiteSession, default_concurrency
from auditor.checks import run_all, run_site
from auditor.crawl import normalize, plan
from auditor.errors import describe
from auditor.evidence import evidence_filename, render_evidence
from auditor.extract.page_type import TypeRules, classify
from auditor.gather import GATHERERS, GatherContext, Gatherer
from auditor.gather.phone import screenshot_rect
from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    PageType,
    RunResult,
    SiteResult,
    SiteSpec,
)
from auditor.version import __version__

__all__ = [
    "AuditOptions",
    "NoProgress",
    "ProgressSink",
    "Renderer",
    "audit",
    "audit_page",
    "audit_site",
    "check_page",
    "default_concurrency",
    "gather_only",
    "recheck_dir",
    "site_dir_name",
]


class ProgressSink(Protocol):
    def add_total(self, n: int) -> None: ...
    def advance(self, label: str) -> None: ...


class NoProgress:
    def add_total(self, n: int) -> None:
        pass

    def advance(self, label: str) -> None:
        pass


def site_dir_name(index: int, site: SiteSpec) -> str:
    """A safe folder name: never derived from page text, never able to leave the run directory."""
    host = urlsplit(site.url).hostname or "site"
    slug = re.sub(r"[^a-z0-9.-]+", "-", host.lower()).strip(".-")[:60] or "site"
    return f"{index:03d}-{slug}"


async def audit(
    sites: list[SiteSpec],
    options: AuditOptions,
    progress: ProgressSink | None = None,
    on_site: Callable[[RunResult], None] | None = None,
    on_page: Callable[[SiteSpec, PageResult], None] | None = None,
) -> RunResult:
    """Audit every site (concurrently, bounded by the renderer's pool) and return the run.

    ``on_site`` sees the run after each finished site and ``on_page`` each finished page, so
    callers can store results as they are produced.
    """
    sink = progress or NoProgress()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    run = RunResult(
        started=_now(),
        as_of=(options.as_of or date.today()).isoformat(),
        auditor_version=__version__,
        options={
            "max_pages": options.max_pages,
            "concurrency": options.concurrency or default_concurrency(),
            "per_host": options.per_host,
            "timeout_ms": options.settings.timeout_ms,
            "viewport": list(options.settings.viewport),
        },
    )
    renderer = Renderer(options)
    async with renderer.running():
        run.browser_version = renderer.browser_version
        sink.add_total(len(sites))

        async def one(i: int, site: SiteSpec) -> None:
            result = await audit_site(
                renderer, site, options.out_dir / site_dir_name(i, site), sink, on_page
            )
            run.sites.append(result)
            if on_site:
                on_site(run)

        await asyncio.gather(*(one(i, site) for i, site in enumerate(sites, 1)))
    order = {id(site): i for i, site in enumerate(sites)}
    run.sites.sort(key=lambda r: order[id(r.site)])
    run.finished = _now()
    return run


def rules_for(site: SiteSpec, options: AuditOptions) -> TypeRules:
    """Page-type overrides from the sites list (栏目页规则/文章页规则 columns) or the options."""
    column = site.extra.get("栏目页规则") or site.extra.get("column_pattern") or ""
    article = site.extra.get("文章页规则") or site.extra.get("article_pattern") or ""
    if column or article:
        return TypeRules(
            column or options.rules.column_pattern, article or options.rules.article_pattern
        )
    return options.rules


async def audit_site(
    renderer: Renderer,
    site: SiteSpec,
    site_dir: Path,
    sink: ProgressSink,
    on_page: Callable[[SiteSpec, PageResult], None] | None = None,
) -> SiteResult:
    """One site in a browser context of its own, within the site's time budget.

    A site that runs out of time, or whose pages keep overrunning their steps, is finished as
    无法完成 with the pages it has: its verdict is then 无法判定, and the run goes on.
    """
    options = renderer.options
    _prepare_site_dir(site_dir, site)
    result = SiteResult(site=site)
    rendered: list[Artifacts] = []
    async with renderer.site() as session:
        try:
            async with asyncio.timeout(options.site_budget_s):
                await _crawl(session, site, site_dir, sink, on_page, result, rendered)
        except TimeoutError:
            minutes = options.site_budget_s / 60
            result.unfinished = (
                f"检查超过时限（{minutes:g}分钟）仍未完成，已检查{len(result.pages)}个页面"
            )
    if rendered and rendered[0].loaded:
        result.findings = await asyncio.to_thread(
            _site_findings, rendered, site, site_dir, options.out_dir
        )
    return result


async def _crawl(
    session: SiteSession,
    site: SiteSpec,
    site_dir: Path,
    sink: ProgressSink,
    on_page: Callable[[SiteSpec, PageResult], None] | None,
    result: SiteResult,
    rendered: list[Artifacts],
) -> None:
    """Home page first; then waves of column/article pages found on audited pages."""
    options = session.renderer.options
    rules = rules_for(site, options)

    def keep(art: Artifacts, page: PageResult) -> None:
        result.pages.append(page)
        rendered.append(art)
        sink.advance(page.url if rendered[1:] else site.label)
        if on_page:
            on_page(site, page)

    home, home_page = await audit_page(session, site, site_dir, 0, site.url, is_home=True)
    keep(home, home_page)
    if not home.loaded:
        result.error = home.load_error or f"HTTP {home.status}"
        return
    done = {normalize(site.url), normalize(home.final_url)}
    sources = [home]
    budget = options.max_pages - 1
    for _wave in range(3):
        if _stuck(session, result):
            return
        urls = plan(sources, home.final_url or site.url, done, budget, rules)
        if not urls:
            break
        sink.add_total(len(urls))
        done.update(urls)
        budget -= len(urls)
        start = len(result.pages)
        outcomes = await asyncio.gather(
            *(
                audit_page(session, site, site_dir, start + i, url, is_home=False)
                for i, url in enumerate(urls)
            )
        )
        sources = []
        for art, page in outcomes:
            keep(art, page)
            # Articles are leaves: their links (attachments, 相关链接) are checked, not crawled.
            if art.loaded and art.page_type is not PageType.ARTICLE:
                sources.append(art)
        if budget <= 0:
            break
    _stuck(session, result)


def _stuck(session: SiteSession, result: SiteResult) -> bool:
    """Pages whose scripts keep overrunning: stop crawling, the site is 无法完成."""
    limit = session.renderer.options.stuck_pages
    if session.stuck_pages < limit:
        return False
    result.unfinished = (
        f"网站页面长时间无响应（{session.stuck_pages}个页面超时），"
        f"已停止检查，已检查{len(result.pages)}个页面"
    )
    return True


def _site_findings(
    pages: list[Artifacts], site: SiteSpec, site_dir: Path, run_dir: Path
) -> list[Finding]:
    """Site-level checks; their evidence is drawn on the home page's screenshot."""
    home = pages[0]
    shot = site_dir / home.screenshot if home.screenshot else None
    return [
        _with_evidence(f, home, shot, site_dir, run_dir, 0, 100 + n)
        for n, f in enumerate(run_site(pages, site), 1)
    ]


async def audit_page(
    session: SiteSession, site: SiteSpec, site_dir: Path, index: int, url: str, *, is_home: bool
) -> tuple[Artifacts, PageResult]:
    """Render one page, run its gatherers and checks, draw its evidence (the unit of work)."""
    renderer = session.renderer
    shot = site_dir / f"p{index:02d}.png"
    art = await session.render(url, shot)
    art.as_of = renderer.options.as_of.isoformat() if renderer.options.as_of else ""
    if art.loaded:
        await _gather_more(session, art, site_dir, index, shot, is_home=is_home)
    art.page_type = classify(art, is_home=is_home, rules=rules_for(site, renderer.options))
    # Checks and evidence are CPU work in Python: off the event loop, so rendering goes on.
    page = await asyncio.to_thread(_check_and_save, art, site, site_dir, index, renderer.options)
    return art, page


async def _gather_more(
    session: SiteSession, art: Artifacts, site_dir: Path, index: int, shot: Path, *, is_home: bool
) -> None:
    """The gatherers beyond the one render, together; each fills its own artifact fields."""
    skip = session.renderer.options.skip
    due = [g for g in GATHERERS if g.applies(is_home=is_home)]
    art.skipped = [g.key for g in due if g.key in skip]
    ctx = GatherContext(session, art, site_dir, index, shot, is_home)
    steps = [g for g in due if g.step and g.key not in skip]
    await asyncio.gather(*(_recorded(g, ctx) for g in steps))


async def _recorded(gatherer: Gatherer, ctx: GatherContext) -> None:
    """A gatherer that fails marks its fields failed: the checks reading them say error."""
    art = ctx.art
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        await gatherer.load()(ctx)
    except TimeoutError:
        _failed(art, gatherer, f"{gatherer.label}：超过时限未完成", "TimeoutError")
    except Exception as exc:
        _failed(art, gatherer, f"{gatherer.label}：程序内部错误", describe(exc))
    finally:
        art.timings[gatherer.key] = _elapsed(wall, cpu)
    for name in gatherer.fields:  # a probe that reports its own failure inside its result
        reason = failure_inside(getattr(art, name))
        if reason:
            art.errors.setdefault(name, reason)


def _failed(art: Artifacts, gatherer: Gatherer, message: str, detail: str) -> None:
    for name in gatherer.fields:
        art.errors[name] = message
        art.error_details[name] = detail


def _elapsed(wall: float, cpu: float) -> dict[str, float]:
    """Wall time, and the process CPU time spent meanwhile (all concurrent work included)."""
    return {
        "wall_ms": round((time.perf_counter() - wall) * 1000, 1),
        "cpu_ms": round((time.process_time() - cpu) * 1000, 1),
    }


def _check_and_save(
    art: Artifacts, site: SiteSpec, site_dir: Path, index: int, options: AuditOptions
) -> PageResult:
    art.save(site_dir / f"p{index:02d}.artifacts.json")
    return check_page(art, site, site_dir, index, options.out_dir)


def check_page(
    art: Artifacts, site: SiteSpec, site_dir: Path, index: int, run_dir: Path
) -> PageResult:
    """Run every check on one page's artifacts and draw evidence for its problems."""
    timings = dict(art.timings)
    wall, cpu = time.perf_counter(), time.thread_time()
    findings = run_all(art, site)
    timings["checks"] = _thread_elapsed(wall, cpu)
    shot = site_dir / art.screenshot if art.screenshot else None
    wall, cpu = time.perf_counter(), time.thread_time()
    findings = [
        _with_evidence(f, art, shot, site_dir, run_dir, index, n) for n, f in enumerate(findings, 1)
    ]
    timings["evidence"] = _thread_elapsed(wall, cpu)
    return PageResult(
        url=art.url,
        final_url=art.final_url,
        status=art.status,
        page_type=art.page_type,
        screenshot=_rel(shot, run_dir) if shot and shot.exists() else "",
        load_ms=round(art.load_ms, 1),
        error=art.load_error,
        findings=findings,
        timings=timings,
    )


def _thread_elapsed(wall: float, cpu: float) -> dict[str, float]:
    """Wall and CPU time of work done in this thread alone (checks and evidence)."""
    return {
        "wall_ms": round((time.perf_counter() - wall) * 1000, 1),
        "cpu_ms": round((time.thread_time() - cpu) * 1000, 1),
    }


def _with_evidence(
    f: Finding, art: Artifacts, shot: Path | None, site_dir: Path, run_dir: Path, page: int, n: int
) -> Finding:
    if f.outcome not in (Outcome.FAIL, Outcome.REVIEW):
        return f
    missing = f.rect is None
    rect = f.rect
    margin = 120
    source = f.data.get("evidence_source")
    other = art.mobile if source == "mobile" else art.elderly if source == "elderly" else None
    if other and other.get("screenshot"):
        # Phone and elderly-mode findings are shown on their own screenshots.
        shot = site_dir / other["screenshot"]
        if rect is not None and source == "mobile":
            rect, margin = screenshot_rect(rect, other), 240
    elif missing:
        region = (
            art.footer if f.region == "footer" else art.header if f.region == "header" else None
        )
        rect = region.rect if region else None
    if not shot or not shot.exists():
        return f
    dest = site_dir / "evidence" / evidence_filename(page, f.check, n)
    dest.parent.mkdir(exist_ok=True)
    try:
        caption = f"[{f.check}] {f.message}"
        render_evidence(shot, dest, rect=rect, caption=caption, missing=missing, margin=margin)
    except Exception as exc:  # evidence must never lose the finding itself
        return Finding(**{**f.__dict__, "data": {**f.data, "evidence_error": describe(exc)}})
    return Finding(**{**f.__dict__, "evidence": _rel(dest, run_dir)})


def _prepare_site_dir(site_dir: Path, site: SiteSpec) -> None:
    """Create the site's folder with its spec, so ``check --from`` knows what was expected."""
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "site.json").write_text(
        json.dumps(site.__dict__, ensure_ascii=False, indent=1), encoding="utf-8"
    )


def _rel(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


async def gather_only(urls: list[str], options: AuditOptions) -> list[Path]:
    """``auditor gather``: render and save artifacts + screenshot, laid out as ``audit`` does."""
    renderer = Renderer(options)
    saved: list[Path] = []
    async with renderer.running():

        async def one(i: int, url: str) -> Path:
            site = SiteSpec(url=url)
            site_dir = options.out_dir / site_dir_name(i, site)
            _prepare_site_dir(site_dir, site)
            async with renderer.site() as session:
                art = await session.render(url, site_dir / "p00.png")
            art.page_type = classify(art, is_home=True, rules=options.rules)
            # Only the render ran: every other gatherer counts as skipped for `check --from`.
            art.skipped = [g.key for g in GATHERERS if g.key != "render"]
            path = site_dir / "p00.artifacts.json"
            art.save(path)
            return path

        saved = list(await asyncio.gather(*(one(i, u) for i, u in enumerate(urls, 1))))
    return saved


def recheck_dir(run_dir: Path) -> RunResult:
    """``auditor check --from DIR``: re-run every check on saved artifacts, without a browser."""
    run = RunResult(started=_now(), auditor_version=__version__, as_of=date.today().isoformat())
    site_dirs = sorted(p.parent for p in run_dir.rglob("site.json"))
    if not site_dirs and list(run_dir.glob("*.artifacts.json")):
        site_dirs = [run_dir]
    for site_dir in site_dirs:
        spec_file = site_dir / "site.json"
        site = (
            SiteSpec(**json.loads(spec_file.read_text(encoding="utf-8")))
            if spec_file.exists()
            else SiteSpec(url="")
        )
        result = SiteResult(site=site)
        for i, path in enumerate(sorted(site_dir.glob("p*.artifacts.json"))):
            art = Artifacts.load(path)
            run.browser_version = run.browser_version or art.browser_version
            index = int(re.sub(r"\D", "", path.name.split(".")[0]) or i)
            result.pages.append(check_page(art, site, site_dir, index, run_dir))
        run.sites.append(result)
    run.finished = _now()
    return run
