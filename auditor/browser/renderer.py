"""The browser side of a run: one Chromium, one context per site, bounded concurrency.

Why a context per site: tabs reused across sites let one site's meta refresh or self-navigating
page interrupt another site's navigation, and its pop-ups and cookies stay behind. Each site gets
a fresh context (:class:`SiteSession`) whose tabs are reused only for that site and which is
closed when the site ends; every context carries the network guard (``netguard``).

Concurrency lives here: at most ``size`` pages render at once over all sites, and at
most ``per_host`` at once per host, so a government server sees only a couple of requests at a time.
A page that fails to load is tried again in a fresh tab after a pause before anything is concluded:
no verdict rests on one load.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from playwright.async_api import (
    APIRequestContext,
    Browser,
    BrowserContext,
    Page,
    Playwright,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

from auditor.artifacts import Artifacts
from auditor.browser.bounded import StepTimeout, TabWatch
from auditor.browser.launch import launch
from auditor.browser.netguard import NetworkGuard
from auditor.errors import describe, human_load_error
from auditor.extract.page_type import TypeRules
from auditor.gather import SKIPPABLE, unknown_skip_keys
from auditor.gather.elderly import probe_elderly
from auditor.gather.links import LinkChecker
from auditor.gather.phone import declares_device_width, phone_by_resize, render_phone
from auditor.gather.render import RenderSettings, new_context, new_tab, render
from auditor.hostmap import is_local
from auditor.model import PageType

__all__ = ["AuditOptions", "Renderer", "SiteSession", "default_concurrency"]

T = TypeVar("T")
TRANSIENT_ATTEMPTS = 3  # a browser-side hiccup (interrupted navigation, crashed tab): 3 tries
FAILED_ATTEMPTS = 2  # an answer from the site (refused, timeout, HTTP ≥ 400): asked twice


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
    # Staging host mapping (--resolve): name → address, for the browser and every HTTP client.
    resolve: dict[str, str] = field(default_factory=dict)
    # Gatherers turned off (their keys in ``auditor.gather.SKIPPABLE``): the checks reading what
    # they fill then say not_applicable.
    skip: frozenset[str] = frozenset()
    skip_checks: frozenset[str] = frozenset()  # check ids reported as 按配置跳过
    link_limits: dict[str, int] = field(default_factory=dict)  # retries, max_redirects, per_host
    column_windows: dict[str, int] = field(default_factory=dict)  # column class -> days
    submit_forms: bool = False  # really submit a test message (--submit-forms)
    rules: TypeRules = field(default_factory=TypeRules)
    start_page_type: PageType | None = None  # --page-type: the start URL's type, not guessed
    retry_pause_s: float = 1.0  # before the second load of a failed page (doubles after)
    site_timeout_s: float = 0.0  # 0 = 120 s + 90 s per page: a site past it is 无法完成
    stuck_pages: int = 2  # pages whose scripts overran before a site is finished as 无法完成

    def __post_init__(self) -> None:
        self.skip = frozenset(self.skip)
        self.skip_checks = frozenset(self.skip_checks)
        unknown = unknown_skip_keys(self.skip)
        if unknown:
            raise ValueError(
                f"不认识要跳过的检查项：{'、'.join(unknown)}（可选：{'、'.join(SKIPPABLE)}）"
            )
        # axe-core and the wording lists run inside the page render, so it is told directly.
        if "a11y" in self.skip and self.settings.axe:
            self.settings = dataclasses.replace(self.settings, axe=False)
        if "wording" in self.skip and self.settings.wording:
            self.settings = dataclasses.replace(self.settings, wording=False)

    @property
    def site_budget_s(self) -> float:
        return self.site_timeout_s or 120.0 + 90.0 * self.max_pages


@dataclass(frozen=True)
class RenderLimits:
    """Pages rendering, sites open and extra renders at once, on one browser.

    A local run has its own; a cluster worker's runs (one per task, several at once) share one
    set, so a worker renders as many pages at once as a local run with the same concurrency.
    """

    pages: asyncio.Semaphore
    sites: asyncio.Semaphore
    extra: asyncio.Semaphore

    @classmethod
    def of(cls, size: int) -> RenderLimits:
        return cls(asyncio.Semaphore(size), asyncio.Semaphore(size), asyncio.Semaphore(size))


@dataclass(frozen=True)
class Launched:
    """A browser started outside a run (a cluster worker's, one per process), with its driver
    and the limits the runs on it share."""

    playwright: Playwright
    browser: Browser
    limits: RenderLimits | None = None


class Renderer:
    """One browser for the run; sites get their own contexts through :meth:`site`."""

    def __init__(self, options: AuditOptions) -> None:
        self.options = options
        self.size = options.concurrency or default_concurrency()
        self._slots = asyncio.Semaphore(self.size)  # pages rendering at once, over all sites
        # Sites open at once: each holds a browser context (two renderer processes and its tabs),
        # so memory stays flat however long the sites list is.
        self._sites = asyncio.Semaphore(self.size)
        self._extra = asyncio.Semaphore(self.size)  # phone and elderly renders besides them
        self._browser: Browser | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}  # tabs per host
        # HTTP status probes per host: a limit of their own, because a probe running in a tab
        # (which holds a tab slot) waits for them — one shared limit could deadlock.
        self._http_hosts: dict[str, asyncio.Semaphore] = {}
        self._probes: dict[str, asyncio.Task[int | str]] = {}
        self._request: APIRequestContext | None = None
        self._strict: SiteSession | None = None  # certificate errors are not ignored here
        self._strict_lock = asyncio.Lock()
        self.links: LinkChecker | None = None
        self.browser_version = ""

    @asynccontextmanager
    async def running(self, launched: Launched | None = None) -> AsyncIterator[Renderer]:
        """The browser for this run: launched here and closed at the end, or, in a cluster
        worker, the process's own browser (``launched``), which outlives the run."""
        if launched is not None:
            if launched.limits is not None:
                limits = launched.limits
                self._slots, self._sites, self._extra = limits.pages, limits.sites, limits.extra
            async with self._using(launched.playwright, launched.browser):
                yield self
            return
        async with async_playwright() as pw:
            browser = await launch(
                pw,
                self.options.browser,
                test_mode=self.options.test_mode,
                hosts=self.options.resolve,
            )
            try:
                async with self._using(pw, browser):
                    yield self
            finally:
                await browser.close()

    @asynccontextmanager
    async def _using(self, pw: Playwright, browser: Browser) -> AsyncIterator[Renderer]:
        """Everything of a run around a running browser: its HTTP clients and link checker."""
        self.browser_version = browser.version
        self._browser = browser
        self._request = await pw.request.new_context(ignore_https_errors=True)
        timeout_s = self.options.settings.timeout_ms / 1000
        # Government hosts ban aggressive crawlers: at most 2 link checks at a time per host
        # (a configuration may lower it, never raise it).
        limits = self.options.link_limits
        self.links = LinkChecker(
            delay_s=0.02 if self.options.test_mode else 0.2,
            timeout_s=timeout_s,
            browser_recheck=self.browser_status,
            per_host=limits.get("per_host", 2),
            retries=limits.get("retries", 2),
            max_redirects=limits.get("max_redirects", 10),
            hosts=self.options.resolve,
        )
        try:
            async with self.links:
                yield self
        finally:
            if self._strict is not None:
                await self._strict.close()
            await self._request.dispose()

    @property
    def browser(self) -> Browser:
        assert self._browser is not None, "Renderer.running() first"
        return self._browser

    @asynccontextmanager
    async def site(self, **context_overrides: Any) -> AsyncIterator[SiteSession]:
        """A fresh context for one site, closed (with its tabs and pop-ups) when the site ends.

        Waits while ``size`` sites are already open, so a site's time budget starts when the
        site does, not when the run does.
        """
        async with self._sites:
            session = SiteSession(self, context_overrides)
            try:
                yield session
            finally:
                await session.close()

    async def render(self, url: str, screenshot: Path | None) -> Artifacts:
        """One page in a context of its own (``auditor gather`` and tests)."""
        async with self.site() as session:
            return await session.render(url, screenshot)

    def polite(self, url: str) -> asyncio.Semaphore:
        """The tab slots of ``url``'s host: at most ``per_host`` pages of a host at once."""
        return self._hosts.setdefault(
            urlsplit(url).netloc, asyncio.Semaphore(self.options.per_host)
        )

    def may_fetch(self, url: str) -> bool:
        """In test mode only this machine is ever contacted (browser and HTTP checks alike)."""
        if not url.startswith(("http://", "https://")):
            return False
        return not self.options.test_mode or is_local(urlsplit(url).hostname, self.options.resolve)

    async def browser_status(self, url: str) -> int | None:
        """What a real browser gets for ``url`` (WAFs often answer scripts 403 but browsers 200)."""
        if not self.may_fetch(url):
            return None
        async with self._strict_lock:
            if self._strict is None:
                self._strict = SiteSession(self, {"ignore_https_errors": False})
            tab = await self._strict.take()
            try:
                goto = tab.page.goto(
                    url, wait_until="domcontentloaded", timeout=self.options.settings.timeout_ms
                )
                response = await tab.run("浏览器复查链接", goto, self._goto_limit_s())
            except (PlaywrightError, StepTimeout):
                return None
            finally:
                await self._strict.give(tab)
            return response.status if response else None

    async def phone(self, session: SiteSession, url: str, screenshot: Path) -> dict[str, Any]:
        """The page at a phone viewport, in its own guarded context, counted against the host."""
        async with self.polite(url), self._extra:
            return await _bounded_probe(
                render_phone(
                    self.browser,
                    url,
                    screenshot,
                    timeout_ms=self.options.settings.timeout_ms,
                    guard=session.guard,
                ),
                self._probe_limit_s(),
                "手机视口渲染",
            )

    async def elderly(
        self, session: SiteSession, url: str, normal_font_px: float, screenshot: Path
    ) -> dict[str, Any]:
        async with self.polite(url), self._extra:
            return await _bounded_probe(
                probe_elderly(
                    self.browser,
                    url,
                    normal_font_px=normal_font_px,
                    screenshot=screenshot,
                    timeout_ms=self.options.settings.timeout_ms,
                    guard=session.guard,
                ),
                self._probe_limit_s(),
                "长者版页面检测",
            )

    def _goto_limit_s(self) -> float:
        return self.options.settings.timeout_ms / 1000 + 5.0

    def _probe_limit_s(self) -> float:
        """A whole extra render: load, settle, measure, screenshot."""
        return self.options.settings.timeout_ms / 1000 * 2 + 20.0

    async def fetch_status(self, url: str) -> int | str | None:
        """HTTP status or why it failed (Chinese); None when it may not be fetched (test mode)."""
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
        host = urlsplit(url).netloc
        async with self._http_hosts.setdefault(host, asyncio.Semaphore(2)):
            if urlsplit(url).hostname in self.options.resolve:
                return await self._mapped_status(url)
            try:
                response = await self._request.get(
                    url, timeout=self.options.settings.timeout_ms, max_redirects=10
                )
                await response.dispose()
                return response.status
            except PlaywrightError as exc:
                return human_load_error(exc, self.options.settings.timeout_ms).message

    async def _mapped_status(self, url: str) -> int | str:
        """A staging name (--resolve): Playwright's HTTP client cannot be pointed at an address."""
        import httpx

        from auditor.gather.link_failures import classify_exception
        from auditor.httpclient import http_client

        timeout_s = self.options.settings.timeout_ms / 1000
        async with http_client(
            self.options.resolve,
            verify=False,
            follow_redirects=True,
            max_redirects=10,
            timeout=timeout_s,
        ) as client:
            try:
                response = await client.get(url)
            except (httpx.HTTPError, OSError) as exc:  # the failure is the answer, in words
                return classify_exception(exc, timeout_s=timeout_s).reason
        return response.status_code


async def _bounded_probe(
    work: Awaitable[dict[str, Any]], limit_s: float, step: str
) -> dict[str, Any]:
    """An extra render that overruns is abandoned (its context closes) and says so."""
    try:
        return await asyncio.wait_for(work, limit_s)
    except TimeoutError:
        return {"error": f"{step}超过 {limit_s:g} 秒未完成，已中止", "timed_out": True}


class SiteSession:
    """One site's browser context and its reusable tabs."""

    def __init__(self, renderer: Renderer, overrides: dict[str, Any]) -> None:
        self.renderer = renderer
        self.guard = NetworkGuard()
        self._overrides = overrides
        self._context: BrowserContext | None = None
        self._opening = asyncio.Lock()
        self._free: list[TabWatch] = []
        self._all: list[TabWatch] = []
        self.stuck_pages = 0  # pages whose scripts overran a step
        # How this site's pages are seen at a phone's width: "unknown" until its home page has
        # been both narrowed and loaded as a phone; then "resize" or "load" (gather/phone.py).
        self.phone_mode = "unknown"
        # Attachments read for personal data (gather/attachments.py): each fetched once per site,
        # however many of its pages link it; pages linking one share its task.
        self.attachments: dict[str, asyncio.Task[dict[str, Any]]] = {}

    async def take(self) -> TabWatch:
        """A free tab of this site's context (a new one when all are busy)."""
        while self._free:
            tab = self._free.pop()
            if not tab.page.is_closed():
                return tab
        async with self._opening:
            if self._context is None:
                self._context = await new_context(
                    self.renderer.browser,
                    self.renderer.options.settings,
                    self.guard,
                    **self._overrides,
                )
        tab = await new_tab(self._context, self.guard)
        self._all.append(tab)
        return tab

    async def give(self, tab: TabWatch, *, fresh: bool = False) -> None:
        """Back to the pool on a blank page (its timers and refreshes die); closed if it hangs."""
        if tab.page.is_closed():
            return
        if not fresh:
            try:
                await tab.run("清空标签页", tab.page.goto("about:blank"), 5.0)
                self._free.append(tab)
                return
            except (PlaywrightError, StepTimeout):
                pass
        await tab.close()

    async def render(
        self,
        url: str,
        screenshot: Path | None,
        phone_shot: Path | None = None,
        *,
        measure_font: bool = False,
    ) -> Artifacts:
        """Render ``url``; a failed load is tried again in a fresh tab before it counts.

        With ``phone_shot``, a page that asks phones for their width is then measured in the
        same tab narrowed to a phone's (``Artifacts.mobile``), instead of a second load.
        """
        options = self.renderer.options
        failures: list[dict[str, Any]] = []
        pause = options.retry_pause_s
        while True:
            async with self.renderer.polite(url), self.renderer._slots:
                tab = await self.take()
                art = Artifacts(url=url)
                try:
                    art = await render(
                        tab,
                        url,
                        screenshot,
                        options.settings,
                        self.guard,
                        measure_font=measure_font,
                    )
                    if phone_shot and art.loaded and declares_device_width(art):
                        await self._narrowed(tab, art, phone_shot)
                except Exception as exc:  # a fault of ours or the browser's, not the site's
                    art = _crashed(url, exc)
                finally:
                    await self.give(tab, fresh=not art.loaded)
            if art.loaded:
                break
            failures.append(_failure(art))
            transient = bool(art.loading.get("transient"))
            if len(failures) >= (TRANSIENT_ATTEMPTS if transient else FAILED_ATTEMPTS):
                break
            await asyncio.sleep(pause)
            pause *= 2
        art.loading = {**art.loading, "attempts": len(failures) + art.loaded, "failures": failures}
        if art.loading.get("timed_out_steps"):
            self.stuck_pages += 1
        return art

    async def _narrowed(self, tab: TabWatch, art: Artifacts, phone_shot: Path) -> None:
        if tab.page.is_closed():
            return
        start = time.perf_counter()
        limit = self.renderer.options.settings.timeout_ms / 1000
        art.mobile = await phone_by_resize(tab, art.final_url or art.url, phone_shot, limit)
        art.timings["phone"] = {"wall_ms": round((time.perf_counter() - start) * 1000, 1)}

    async def with_tab(self, url: str, work: Callable[[Page], Awaitable[T]]) -> T:
        """Run ``work`` in one of this site's tabs, counted against ``url``'s host like a render."""
        async with self.renderer.polite(url), self.renderer._slots:
            tab = await self.take()
            try:
                return await work(tab.page)
            finally:
                await self.give(tab)

    async def close(self) -> None:
        for task in self.attachments.values():
            task.cancel()
        for tab in self._all:
            await tab.close()
        if self._context is not None:
            with contextlib.suppress(PlaywrightError, TimeoutError):
                await asyncio.wait_for(self._context.close(), 10.0)
        self._context = None


def _crashed(url: str, exc: Exception) -> Artifacts:
    """The render itself failed: a transient failure (never a veto), with the exception kept."""
    art = Artifacts(url=url, load_error="浏览器渲染页面时出错")
    art.loading = {"kind": "browser", "transient": True, "detail": describe(exc)}
    return art


def _failure(art: Artifacts) -> dict[str, Any]:
    """One failed load attempt, as page-availability reports it."""
    return {
        "message": art.load_error or f"HTTP {art.status}",
        "kind": art.loading.get("kind", "http" if art.status else "error"),
        "transient": bool(art.loading.get("transient")),
        "detail": art.loading.get("detail", ""),
        "status": art.status,
        "ms": round(art.load_ms),
    }
