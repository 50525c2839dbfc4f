"""The one engine behind the CLI and the pytest plugin: render → artifacts → checks → evidence.

Concurrency lives here and nowhere else: one browser, a bounded pool of contexts
sized to the machine, and a per-host limit so a government server sees at most a couple of
requests at a time. Each page is rendered exactly once; every check runs on its artifacts.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from auditor.artifacts import Artifacts, failure_inside
from auditor.browser.renderer import (
    AuditOptions,
    Launched,
    Renderer,
    SiteSession,
    default_concurrency,
)
from auditor.checking import SharedEvidence, check_page, check_site
from auditor.crawl import normalize, plan
from auditor.errors import describe
from auditor.extract.page_type import TypeRules, classify, classify_start
from auditor.gather import GATHERERS, GatherContext, Gatherer
from auditor.model import (
    PageResult,
    PageType,
    RunResult,
    SiteResult,
    SiteSpec,
)
from auditor.run.site_dir import prepare_site_dir, site_dir_name
from auditor.version import __version__

__all__ = [
    "AuditOptions",
    "NoProgress",
    "PageJob",
    "ProgressSink",
    "Renderer",
    "SiteJob",
    "audit",
    "audit_page",
    "audit_site",
    "audit_sites",
    "default_concurrency",
    "prepare_site_dir",
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


@dataclass(frozen=True)
class PageJob:
    """One page to audit again as it is (复核): its URL, its number in the site, home or not."""

    url: str
    index: int
    is_home: bool


@dataclass(frozen=True)
class SiteJob:
    """One site to audit: its folder number and either a crawl from home or listed pages."""

    index: int
    site: SiteSpec
    pages: tuple[PageJob, ...] | None = None  # None: crawl from the home page


SiteHook = Callable[[SiteJob, SiteResult], None]
PageHook = Callable[[SiteJob, PageResult], None]


async def audit_sites(
    jobs: Sequence[SiteJob],
    options: AuditOptions,
    progress: ProgressSink | None = None,
    *,
    on_start: Callable[[SiteJob], object] | None = None,
    on_page: PageHook | None = None,
    on_site: SiteHook | None = None,
    launched: Launched | None = None,
) -> tuple[list[SiteResult], str]:
    """The one orchestrator: every job in one browser, bounded by the renderer's pool.

    ``audit`` (CLI, pytest plugin), ``--resume`` and 复核 all come through here; the hooks let
    them store pages and sites as they finish. A fault of ours in one site finishes that site as
    无法完成 and never stops the others; a failing output (disk, database) stops the run.
    A cluster worker passes its process's browser as ``launched``; otherwise one is started.
    Returns the results in job order and the browser's version.
    """
    sink = progress or NoProgress()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[int, SiteResult] = {}
    renderer = Renderer(options)
    async with renderer.running(launched):
        sink.add_total(sum(1 if job.pages is None else len(job.pages) for job in jobs))

        async def one(job: SiteJob) -> None:
            if on_start:
                on_start(job)
            site_dir = options.out_dir / site_dir_name(job.index, job.site)
            page_hook = (lambda page: on_page(job, page)) if on_page else None
            try:
                if job.pages is None:
                    result = await audit_site(renderer, job.site, site_dir, sink, page_hook)
                else:
                    result = await _audit_listed(renderer, job, site_dir, sink, page_hook)
            except (OSError, sqlite3.Error):
                raise  # the output itself is failing: stop the run (exit 2, resumable)
            except Exception as exc:  # a fault of ours must not stop the other sites
                why = f"检查程序出错，该网站未能完成（{describe(exc)}）"
                result = SiteResult(site=job.site, unfinished=why)
            results[job.index] = result
            if on_site:
                on_site(job, result)

        await asyncio.gather(*(one(job) for job in jobs))
    return [results[job.index] for job in jobs], renderer.browser_version


async def audit(
    sites: list[SiteSpec],
    options: AuditOptions,
    progress: ProgressSink | None = None,
    on_site: Callable[[RunResult], None] | None = None,
    on_page: Callable[[SiteSpec, PageResult], None] | None = None,
) -> RunResult:
    """Audit every site, crawling each from its home page, and return the run.

    ``on_site`` sees the run after each finished site and ``on_page`` each finished page, so
    callers can store results as they are produced.
    """
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

    def site_done(_job: SiteJob, result: SiteResult) -> None:
        run.sites.append(result)
        if on_site:
            on_site(run)

    jobs = [SiteJob(i, site) for i, site in enumerate(sites, 1)]
    run.sites, run.browser_version = await audit_sites(
        jobs,
        options,
        progress,
        on_page=(lambda job, page: on_page(job.site, page)) if on_page else None,
        on_site=site_done,
    )
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
    on_page: Callable[[PageResult], None] | None = None,
) -> SiteResult:
    """One site in a browser context of its own, within the site's time budget.

    A site that runs out of time, or whose pages keep overrunning their steps, is finished as
    无法完成 with the pages it has: its verdict is then 无法判定, and the run goes on.
    """
    options = renderer.options
    prepare_site_dir(site_dir, site)
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
    result.findings = await asyncio.to_thread(
        check_site, rendered, site, site_dir, options.out_dir, options.skip_checks
    )
    return result


async def _audit_listed(
    renderer: Renderer,
    job: SiteJob,
    site_dir: Path,
    sink: ProgressSink,
    on_page: Callable[[PageResult], None] | None,
) -> SiteResult:
    """Only the pages a 复核 names, each in its old place, in one context for the site."""
    assert job.pages is not None
    prepare_site_dir(site_dir, job.site)
    shared = SharedEvidence()
    async with renderer.site() as session:
        outcomes = await asyncio.gather(
            *(
                audit_page(
                    session, job.site, site_dir, p.index, p.url, is_home=p.is_home, shared=shared
                )
                for p in job.pages
            )
        )
    for _art, page in outcomes:
        sink.advance(page.url)
        if on_page:
            on_page(page)
    return SiteResult(site=job.site, pages=[page for _art, page in outcomes])


async def _crawl(
    session: SiteSession,
    site: SiteSpec,
    site_dir: Path,
    sink: ProgressSink,
    on_page: Callable[[PageResult], None] | None,
    result: SiteResult,
    rendered: list[Artifacts],
) -> None:
    """Home page first; then waves of column/article pages found on audited pages."""
    options = session.renderer.options
    rules = rules_for(site, options)
    shared = SharedEvidence()  # a fault of the shared template: one picture for the site

    def keep(art: Artifacts, page: PageResult) -> None:
        result.pages.append(page)
        rendered.append(art)
        sink.advance(page.url if rendered[1:] else site.label)
        if on_page:
            on_page(page)

    home, home_page = await audit_page(
        session, site, site_dir, 0, site.url, is_home=True, shared=shared
    )
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
                audit_page(session, site, site_dir, start + i, url, is_home=False, shared=shared)
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


async def audit_page(
    session: SiteSession,
    site: SiteSpec,
    site_dir: Path,
    index: int,
    url: str,
    *,
    is_home: bool,
    shared: SharedEvidence | None = None,
) -> tuple[Artifacts, PageResult]:
    """Render one page, run its gatherers and checks, draw its evidence (the unit of work)."""
    renderer = session.renderer
    shot = site_dir / f"p{index:02d}.png"
    # A phone's view from the narrowed desktop tab where the site allows it (gather/phone.py).
    mode = session.phone_mode
    # The home page is both narrowed and loaded as a phone to decide for the site's other pages;
    # with no other pages to come (one page per site) that comparison would be wasted work.
    narrow = "phone" not in renderer.options.skip and (
        mode == "resize" or (is_home and mode == "unknown" and renderer.options.max_pages > 1)
    )
    phone_shot = site_dir / f"p{index:02d}-mobile.png" if narrow else None
    # The main text's size is only compared with the elderly-mode page (home pages).
    font = is_home and "elderly" not in renderer.options.skip
    art = await session.render(url, shot, phone_shot, measure_font=font)
    art.as_of = renderer.options.as_of.isoformat() if renderer.options.as_of else ""
    art.column_windows = dict(renderer.options.column_windows)
    if art.loaded:
        await _gather_more(session, art, site_dir, index, shot, is_home=is_home)
    rules = rules_for(site, renderer.options)
    if is_home:  # the start URL: its home page unless it clearly is not (or --page-type says)
        art.page_type = classify_start(art, rules=rules, forced=renderer.options.start_page_type)
    else:
        art.page_type = classify(art, is_home=False, rules=rules)
    # Checks and evidence are CPU work in Python: off the event loop, so rendering goes on.
    page = await asyncio.to_thread(
        _check_and_save, art, site, site_dir, index, renderer.options, shared
    )
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
        spent = _elapsed(wall, cpu)
        before = art.timings.get(gatherer.key, {})  # work done for it during the render
        art.timings[gatherer.key] = {k: round(v + before.get(k, 0.0), 1) for k, v in spent.items()}
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
    art: Artifacts,
    site: SiteSpec,
    site_dir: Path,
    index: int,
    options: AuditOptions,
    shared: SharedEvidence | None,
) -> PageResult:
    art.save(site_dir / f"p{index:02d}.artifacts.json")
    return check_page(art, site, site_dir, index, options.out_dir, shared, options.skip_checks)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
