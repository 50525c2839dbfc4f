"""The one engine behind the CLI and the pytest plugin: render → artifacts → checks → evidence.

Concurrency lives here and nowhere else (STYLE.md §7): one browser, a bounded pool of contexts
sized to the machine, and a per-host limit so a government server sees at most a couple of
requests at a time. Each page is rendered exactly once; every check runs on its artifacts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from playwright.async_api import APIRequestContext, Browser, Page, async_playwright
from playwright.async_api import Error as PlaywrightError

from auditor import __version__
from auditor.a11y import find_elderly_entry, probe_elderly, render_phone, screenshot_rect
from auditor.artifacts import Artifacts
from auditor.browser import launch
from auditor.checks import run_all, run_site
from auditor.classify import TypeRules, classify
from auditor.crawl import normalize, plan
from auditor.evidence import evidence_filename, render_evidence
from auditor.extract import sitemap_link
from auditor.gather import RenderSettings, new_tab, render
from auditor.interaction import probe_site
from auditor.links import LinkChecker, urls_to_check
from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    PageType,
    RunResult,
    SiteResult,
    SiteSpec,
)
from auditor.qr import gather_qr

T = TypeVar("T")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class ProgressSink(Protocol):
    def add_total(self, n: int) -> None: ...
    def advance(self, label: str) -> None: ...


class NoProgress:
    def add_total(self, n: int) -> None:
        pass

    def advance(self, label: str) -> None:
        pass


def default_concurrency() -> int:
    """Rendering is CPU-bound in Chromium: about two tabs per core, within 2..8."""
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


@dataclass
class AuditOptions:
    out_dir: Path
    max_pages: int = 10
    concurrency: int = 0  # 0 = sized to the machine
    per_host: int = 3
    settings: RenderSettings = field(default_factory=RenderSettings)
    as_of: date | None = None
    browser: str | None = None
    test_mode: bool = False  # resolve only localhost (tests, CI)
    probe_interaction: bool = True  # 互动交流 form, annual report and search probes (home pages)
    phone: bool = True  # every page again at 375×812 (mobile-layout)
    elderly: bool = True  # the elderly-mode page, when the home page links one (elderly-mode)
    check_links: bool = True  # every link, image and attachment over HTTP (link-health)
    decode_qr: bool = True  # QR codes on every page (qr-image)
    submit_forms: bool = False  # really submit a test message (--submit-forms)
    rules: TypeRules = field(default_factory=TypeRules)


class Renderer:
    """One browser and a pool of reusable tabs; ``render`` is safe to call concurrently."""

    def __init__(self, options: AuditOptions) -> None:
        self.options = options
        self.size = options.concurrency or default_concurrency()
        self._pool: asyncio.Queue[Page] = asyncio.Queue()
        self._browser: Browser | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._probes: dict[str, asyncio.Task[int | str]] = {}
        self._request: APIRequestContext | None = None
        self._strict_tab: Page | None = None  # certificate errors are not ignored here
        self._strict_lock = asyncio.Lock()
        self._extra = asyncio.Semaphore(self.size)  # phone and elderly contexts besides the tabs
        self.links: LinkChecker | None = None
        self.browser_version = ""

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Renderer]:
        async with async_playwright() as pw:
            browser = await launch(pw, self.options.browser, test_mode=self.options.test_mode)
            self.browser_version = browser.version
            self._browser = browser
            self._request = await pw.request.new_context(ignore_https_errors=True)
            timeout_s = self.options.settings.timeout_ms / 1000
            # Government hosts ban aggressive crawlers: at most 2 link checks at a time per host.
            self.links = LinkChecker(
                per_host=2,
                delay_s=0.02 if self.options.test_mode else 0.2,
                timeout_s=timeout_s,
                browser_recheck=self.browser_status,
            )
            try:
                for _ in range(self.size):
                    self._pool.put_nowait(await new_tab(browser, self.options.settings))
                async with self.links:
                    yield self
            finally:
                await self._request.dispose()
                await browser.close()

    async def render(self, url: str, screenshot: Path | None) -> Artifacts:
        async with self._polite(url):
            tab = await self._pool.get()
            try:
                if tab.is_closed():  # the renderer process crashed on an earlier page
                    assert self._browser is not None
                    with contextlib.suppress(PlaywrightError):
                        await tab.context.close()
                    tab = await new_tab(self._browser, self.options.settings)
                return await render(tab, url, screenshot, self.options.settings)
            finally:
                self._pool.put_nowait(tab)

    async def with_tab(self, url: str, work: Callable[[Page], Awaitable[T]]) -> T:
        """Run ``work`` in a pool tab, counted against ``url``'s host like a render."""
        async with self._polite(url):
            tab = await self._pool.get()
            try:
                return await work(tab)
            finally:
                self._pool.put_nowait(tab)

    def may_fetch(self, url: str) -> bool:
        """In test mode only this machine is ever contacted (browser and HTTP checks alike)."""
        if not url.startswith(("http://", "https://")):
            return False
        return not self.options.test_mode or urlsplit(url).hostname in LOCAL_HOSTS

    async def browser_status(self, url: str) -> int | None:
        """What a real browser gets for ``url`` (WAFs often answer scripts 403 but browsers 200)."""
        if not self.may_fetch(url) or self._browser is None:
            return None
        async with self._strict_lock:
            if self._strict_tab is None:
                ctx = await self._browser.new_context(locale="zh-CN", ignore_https_errors=False)
                self._strict_tab = await ctx.new_page()
            try:
                response = await self._strict_tab.goto(
                    url, wait_until="domcontentloaded", timeout=self.options.settings.timeout_ms
                )
            except PlaywrightError:
                return None
            return response.status if response else None

    async def phone(self, url: str, screenshot: Path) -> dict[str, Any]:
        """The page at a phone viewport, in its own context, counted against the host."""
        assert self._browser is not None
        async with self._polite(url), self._extra:
            return await render_phone(
                self._browser, url, screenshot, timeout_ms=self.options.settings.timeout_ms
            )

    async def elderly(self, url: str, normal_font_px: float, screenshot: Path) -> dict[str, Any]:
        assert self._browser is not None
        async with self._polite(url), self._extra:
            return await probe_elderly(
                self._browser,
                url,
                normal_font_px=normal_font_px,
                screenshot=screenshot,
                timeout_ms=self.options.settings.timeout_ms,
            )

    def _polite(self, url: str) -> asyncio.Semaphore:
        return self._hosts.setdefault(
            urlsplit(url).netloc, asyncio.Semaphore(self.options.per_host)
        )

    async def fetch_status(self, url: str) -> int | str | None:
        """HTTP status or error of ``url``; None when it may not be fetched (test mode)."""
        if not self.may_fetch(url):
            return None
        return await self.probe(url)

    def probe(self, url: str) -> asyncio.Task[int | str]:
        """HTTP status of ``url`` (or why it failed), fetched once per run and shared."""
        if url not in self._probes:
            self._probes[url] = asyncio.ensure_future(self._fetch_status(url))
        return self._probes[url]

    async def _fetch_status(self, url: str) -> int | str:
        assert self._request is not None
        async with self._polite(url):
            try:
                response = await self._request.get(
                    url, timeout=self.options.settings.timeout_ms, max_redirects=10
                )
                await response.dispose()
                return response.status
            except PlaywrightError as exc:
                return str(exc).strip().splitlines()[0][:200]


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
    """Home page first; then waves of column/article pages found on audited pages."""
    options = renderer.options
    rules = rules_for(site, options)
    _prepare_site_dir(site_dir, site)
    result = SiteResult(site=site)
    home, home_page = await audit_page(renderer, site, site_dir, 0, site.url, is_home=True)
    result.pages.append(home_page)
    sink.advance(site.label)
    if on_page:
        on_page(site, home_page)
    if not home.loaded:
        result.error = home.load_error or f"HTTP {home.status}"
        return result
    done = {normalize(site.url), normalize(home.final_url)}
    sources = [home]
    rendered = [home]
    budget = options.max_pages - 1
    for _wave in range(3):
        urls = plan(sources, home.final_url or site.url, done, budget, rules)
        if not urls:
            break
        sink.add_total(len(urls))
        done.update(urls)
        budget -= len(urls)
        start = len(result.pages)
        outcomes = await asyncio.gather(
            *(
                audit_page(renderer, site, site_dir, start + i, url, is_home=False)
                for i, url in enumerate(urls)
            )
        )
        sources = []
        for art, page in outcomes:
            result.pages.append(page)
            sink.advance(page.url)
            if on_page:
                on_page(site, page)
            rendered.append(art)
            # Articles are leaves: their links (attachments, 相关链接) are checked, not crawled.
            if art.loaded and art.page_type is not PageType.ARTICLE:
                sources.append(art)
        if budget <= 0:
            break
    result.findings = await asyncio.to_thread(
        _site_findings, rendered, site, site_dir, options.out_dir
    )
    return result


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
    renderer: Renderer, site: SiteSpec, site_dir: Path, index: int, url: str, *, is_home: bool
) -> tuple[Artifacts, PageResult]:
    """Render one page, run its gatherers and checks, draw its evidence (the unit of work)."""
    shot = site_dir / f"p{index:02d}.png"
    art = await renderer.render(url, shot)
    art.as_of = renderer.options.as_of.isoformat() if renderer.options.as_of else ""
    if art.loaded:
        # The gatherers beyond the one render are independent: they run together.
        await asyncio.gather(*_gatherers(renderer, art, site_dir, index, shot, is_home=is_home))
    art.page_type = classify(art, is_home=is_home, rules=rules_for(site, renderer.options))
    # Checks and evidence are CPU work in Python: off the event loop, so rendering goes on.
    page = await asyncio.to_thread(_check_and_save, art, site, site_dir, index, renderer.options)
    return art, page


def _gatherers(
    renderer: Renderer, art: Artifacts, site_dir: Path, index: int, shot: Path, *, is_home: bool
) -> list[Awaitable[None]]:
    """What else to gather for a loaded page; each fills its own artifact field."""
    options = renderer.options
    url = art.final_url or art.url

    async def sitemap() -> None:
        link = sitemap_link(art)
        if link and renderer.may_fetch(link.href):
            art.probes[link.href] = await renderer.probe(link.href)

    async def interaction() -> None:
        art.interaction = await renderer.with_tab(
            url,
            lambda tab: probe_site(
                tab,
                art,
                fetch_status=renderer.fetch_status,
                submit=options.submit_forms,
                timeout_ms=options.settings.timeout_ms,
            ),
        )

    async def phone() -> None:
        art.mobile = await renderer.phone(url, site_dir / f"p{index:02d}-mobile.png")

    async def elderly() -> None:
        entry = find_elderly_entry(art)
        if entry and entry["kind"] == "link" and renderer.may_fetch(entry["href"]):
            shot_path = site_dir / f"p{index:02d}-elderly.png"
            art.elderly = await renderer.elderly(entry["href"], art.main_font_px, shot_path)

    async def links() -> None:
        assert renderer.links is not None
        urls = [u for u in urls_to_check(art) if renderer.may_fetch(u)]
        art.link_status = await renderer.links.check_many(urls)

    async def qr() -> None:
        art.qr = await gather_qr(art, shot, fetch_status=renderer.fetch_status)

    wanted: list[tuple[str, str, Callable[[], Awaitable[None]]]] = [("probes", "", sitemap)]
    if is_home and options.probe_interaction:
        wanted.append(("interaction", "互动功能探测失败", interaction))
    if options.phone:
        wanted.append(("mobile", "手机版渲染失败", phone))
    if is_home and options.elderly:
        wanted.append(("elderly", "长者版探测失败", elderly))
    if options.check_links and renderer.links is not None:
        wanted.append(("link_status", "链接检查失败", links))
    if options.decode_qr and art.screenshot:
        wanted.append(("qr", "二维码识别失败", qr))
    return [_recorded(art, name, label, work) for name, label, work in wanted]


async def _recorded(
    art: Artifacts, name: str, label: str, work: Callable[[], Awaitable[None]]
) -> None:
    """A gatherer that fails becomes an error artifact: only the checks needing it say error."""
    try:
        await work()
    except Exception as exc:
        art.errors[name] = f"{label or name}：{type(exc).__name__}: {exc}"


def _check_and_save(
    art: Artifacts, site: SiteSpec, site_dir: Path, index: int, options: AuditOptions
) -> PageResult:
    art.save(site_dir / f"p{index:02d}.artifacts.json")
    return check_page(art, site, site_dir, index, options.out_dir)


def check_page(
    art: Artifacts, site: SiteSpec, site_dir: Path, index: int, run_dir: Path
) -> PageResult:
    """Run every check on one page's artifacts and draw evidence for its problems."""
    findings = run_all(art, site)
    shot = site_dir / art.screenshot if art.screenshot else None
    findings = [
        _with_evidence(f, art, shot, site_dir, run_dir, index, n) for n, f in enumerate(findings, 1)
    ]
    return PageResult(
        url=art.url,
        final_url=art.final_url,
        status=art.status,
        page_type=art.page_type,
        screenshot=_rel(shot, run_dir) if shot and shot.exists() else "",
        load_ms=round(art.load_ms, 1),
        error=art.load_error,
        findings=findings,
    )


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
        return Finding(**{**f.__dict__, "data": {**f.data, "evidence_error": str(exc)}})
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
            art = await renderer.render(url, site_dir / "p00.png")
            art.page_type = classify(art, is_home=True, rules=options.rules)
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
