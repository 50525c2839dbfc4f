"""Render a page once in a browser context and gather its artifacts.

The order follows Lighthouse: navigate (15 s, the national 站点无法访问 threshold), let
JavaScript-written footers settle (bounded), gather plain data from the page and every iframe, and
take the full-page screenshot last. A gatherer that fails is recorded in ``Artifacts.errors`` so only
the checks that need it report ``error``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from playwright.async_api import BrowserContext, Frame, Page
from playwright.async_api import Error as PlaywrightError

from auditor.artifacts import Artifacts
from auditor.browser.bounded import StepTimeout, TabWatch
from auditor.browser.netguard import NetworkGuard, context_options
from auditor.errors import first_line, human_load_error
from auditor.gather.wording import gather_wording
from auditor.js import script

# The settle probe (installed before any page script: when the DOM last changed, pending timers,
# XHR and fetch) and the wait that reads it, so settling stops as soon as the page is quiet.
_SETTLE_PROBE = script("settle_probe")
SETTLE = script("settle")


@dataclass(frozen=True)
class RenderSettings:
    timeout_ms: int = 15_000  # 国办秘函〔2019〕19号: 15 秒仍打不开 counts as unreachable
    settle_max_ms: int = 3_000
    quiet_ms: int = 60
    screenshot_max_height: int = 16_000
    viewport: tuple[int, int] = (1366, 768)
    axe: bool = True  # accessibility: run axe-core on the rendered page
    # 严重表述错误: match the wording lists (bundled + these files) and locate the hits
    wording: bool = True
    wording_files: tuple[Path, ...] = ()
    axe_time_limit_s: float = 20.0  # axe can take minutes on huge DOMs: bounded, then an error
    gather_limit_s: float = 15.0  # the in-page gatherer on a huge or busy page: bounded too
    max_hops: int = 3  # a page that navigates itself away more often than this never settles


async def new_context(
    browser: Any, settings: RenderSettings, guard: NetworkGuard, **overrides: Any
) -> BrowserContext:
    """A desktop zh-CN context in Asia/Shanghai, as a visitor from the province would see it.

    Every context the auditor opens goes through here, so each carries the network guard (no
    request but GET/HEAD leaves it) and the settle probe.
    """
    w, h = settings.viewport
    options: dict[str, Any] = {
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": w, "height": h},
        "device_scale_factor": 1,
        "ignore_https_errors": True,  # an expired certificate is a finding, not a reason to look away
        **context_options(),
        **overrides,
    }
    ctx = await browser.new_context(**options)
    await ctx.add_init_script(_SETTLE_PROBE)
    await guard.install(ctx)
    return ctx


async def new_tab(context: BrowserContext, guard: NetworkGuard) -> TabWatch:
    """A tab of ``context`` whose pop-ups are closed and whose scripts can be stopped."""
    page = await context.new_page()
    await guard.watch(page)
    return await TabWatch.attach(page)


async def render(
    tab: TabWatch,
    url: str,
    screenshot: Path | None,
    settings: RenderSettings,
    guard: NetworkGuard | None = None,
    *,
    measure_font: bool = False,
) -> Artifacts:
    """Render ``url`` in ``tab``; never raises for page problems, never waits unbounded.

    ``measure_font`` also measures the main text's size (``Artifacts.main_font_px``), which only
    the elderly-mode probe of a home page compares with.

    A step that runs out of time is recorded in ``Artifacts.errors`` under the artifact it was to
    fill; if the tab no longer answers it is closed (the caller replaces a closed tab).
    """
    page = tab.page
    art = Artifacts(url=url, gathered_at=datetime.now().astimezone().isoformat(timespec="seconds"))
    art.viewport = settings.viewport
    browser = page.context.browser
    art.browser_version = browser.version if browser else ""
    console: list[str] = []
    since = time.monotonic()
    cpu = time.process_time()

    def on_console(m: Any) -> None:
        if m.type == "error":
            console.append(m.text[:500])

    def on_error(e: Any) -> None:
        console.append(f"pageerror: {first_line(e, 500)}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    try:
        await _navigate(page, url, art, settings)
        if art.load_error and not art.final_url:
            return art
        if not art.load_error:
            await _settle_and_gather(tab, art, settings)
            if settings.wording and not page.is_closed():
                await gather_wording(tab, art, settings.wording_files)
            if measure_font and not page.is_closed():
                await _font_size(tab, art)
            if (
                settings.axe
                and not page.is_closed()
                and not await _accessibility(tab, art, settings)
            ):
                await tab.close()  # axe hung the page: the engine replaces a closed tab
                return art
        if screenshot is not None and not page.is_closed():
            await _screenshot(tab, art, screenshot, settings)
        return art
    except StepTimeout as exc:  # the tab no longer answers: what was gathered stays
        _timed_out(art, exc)
        await tab.close()
        return art
    finally:
        art.timings["render"] = {
            "wall_ms": round((time.monotonic() - since) * 1000, 1),
            "cpu_ms": round((time.process_time() - cpu) * 1000, 1),
        }
        art.console_errors = console[:100]
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
        if guard is not None:
            art.blocked_requests = [a.to_dict() for a in guard.attempts_of(page, since)][:50]
            art.popups = max(art.popups, guard.popups_of(page, since))


async def _accessibility(tab: TabWatch, art: Artifacts, settings: RenderSettings) -> bool:
    """axe-core before the screenshot, so its rects match the picture; False if the tab hung."""
    from auditor.gather.axe import run_axe

    start = time.monotonic()
    art.axe = await run_axe(tab.page, time_limit_s=settings.axe_time_limit_s, watch=tab)
    art.timings["a11y"] = {"wall_ms": round((time.monotonic() - start) * 1000, 1)}
    if "error" in art.axe:
        art.errors["axe"] = art.axe["error"]
        if art.axe.get("timed_out"):
            _timed_out(art, StepTimeout("axe", settings.axe_time_limit_s, False))
        return art.axe.get("page_usable") is not False
    return True


async def _font_size(tab: TabWatch, art: Artifacts) -> None:
    """The main text's size, which the elderly-mode page is compared with."""
    from auditor.gather.elderly import page_font_px

    try:
        art.main_font_px = await tab.run("字号测量", page_font_px(tab.page), 5.0)
    except StepTimeout as exc:
        _timed_out(art, exc)
        art.errors["main_font_px"] = f"字号测量超时：{exc}"
        if not exc.usable:
            raise


async def _navigate(page: Page, url: str, art: Artifacts, settings: RenderSettings) -> None:
    start = time.perf_counter()
    try:
        response = await page.goto(url, wait_until="load", timeout=settings.timeout_ms)
    except PlaywrightError as exc:
        why = human_load_error(exc, settings.timeout_ms)
        art.load_error = why.message
        art.loading = {"kind": why.kind, "transient": why.transient, "detail": why.detail}
        art.final_url = page.url if page.url not in ("about:blank", "") else ""
        if art.final_url.startswith("chrome-error:"):
            art.final_url = ""
        art.load_ms = (time.perf_counter() - start) * 1000
        return
    art.load_ms = (time.perf_counter() - start) * 1000
    art.final_url = page.url
    if response is None:
        return
    art.status = response.status
    try:
        headers = await asyncio.wait_for(response.all_headers(), 5.0)
    except (PlaywrightError, TimeoutError):
        headers = {}
    art.content_type = headers.get("content-type", "")
    ctype = art.content_type.split(";")[0].strip().lower()
    if ctype and ctype not in ("text/html", "application/xhtml+xml", "text/plain"):
        art.load_error = f"返回的不是网页（{ctype}）"
        art.loading = {"kind": "not-html", "transient": False, "detail": art.content_type}


async def _settle_and_gather(tab: TabWatch, art: Artifacts, settings: RenderSettings) -> None:
    """Settle, then gather; a page that navigates itself away is followed to where it rests.

    A meta refresh or ``location=`` after ``load`` replaces the document under the gatherer
    ("Execution context was destroyed"). Legitimate entry pages do this once (index → 首页);
    each new document is waited for and gathered instead, up to ``max_hops`` times, and every
    URL the page went to is recorded for the ``page-stability`` check.
    """
    page = tab.page
    navigations: list[str] = []

    def on_nav(frame: Frame) -> None:
        if frame == page.main_frame:
            navigations.append(frame.url)

    page.on("framenavigated", on_nav)
    try:
        for _hop in range(settings.max_hops + 1):
            seen = len(navigations)
            await _settle(tab, art, settings)
            if len(navigations) > seen:
                await _wait_for_new_document(page, settings)
                continue
            try:
                await _gather(tab, art, settings)
            except _Navigated:
                await _wait_for_new_document(page, settings)
                continue
            if len(navigations) == seen:
                break
        else:
            art.navigation_settled = False
            message = "页面不断自动跳转，无法完成采集"
            for name in _GATHERED:
                art.errors.setdefault(name, message)
    finally:
        page.remove_listener("framenavigated", on_nav)
        art.self_navigation = [u for u in dict.fromkeys(navigations) if u][:20]
        if art.self_navigation:
            art.final_url = page.url


class _Navigated(Exception):  # noqa: N818
    """The document was replaced while it was being read."""


# What gather.js fills: a failed or cut-off read marks each of these, so the checks reading them
# say error (never pass).
_GATHERED = (
    "title", "metas", "header", "footer", "headings", "info_blocks", "body_text",
    "links", "images", "forms", "scripts", "document_size", "list_items", "empty_lists",
    "truncated",
)  # fmt: skip


async def _wait_for_new_document(page: Page, settings: RenderSettings) -> None:
    with contextlib.suppress(PlaywrightError):
        await page.wait_for_load_state("load", timeout=settings.timeout_ms)


async def _settle(tab: TabWatch, art: Artifacts, settings: RenderSettings) -> None:
    """Wait until the DOM has been quiet for ``quiet_ms`` (bounded), for JS-written footers."""
    limit = settings.settle_max_ms / 1000 + 2.0
    arg = [settings.quiet_ms, settings.settle_max_ms]
    try:
        await tab.evaluate("等待页面稳定", SETTLE, arg, limit)
    except StepTimeout as exc:
        _timed_out(art, exc)
        if not exc.usable:
            raise
    except PlaywrightError:
        await asyncio.sleep(settings.quiet_ms / 1000)


def _timed_out(art: Artifacts, exc: StepTimeout) -> None:
    """Remember which step overran: the engine finishes a site whose pages keep doing this."""
    steps = art.loading.setdefault("timed_out_steps", [])
    if exc.step not in steps:
        steps.append(exc.step)


async def _gather(tab: TabWatch, art: Artifacts, settings: RenderSettings) -> None:
    page = tab.page
    try:
        data = await tab.evaluate("页面数据采集", script("gather"), None, settings.gather_limit_s)
    except StepTimeout as exc:
        _timed_out(art, exc)
        for name in _GATHERED:
            art.errors[name] = f"页面数据采集超时：{exc}"
        if not exc.usable:
            raise
        return
    except PlaywrightError as exc:
        if _destroyed(exc):
            raise _Navigated from exc
        for name in _GATHERED:
            art.errors[name] = "页面数据采集失败"
            art.error_details[name] = first_line(exc, 300)
        return
    frames = [f for f in page.frames if f != page.main_frame]
    art.frames = [f.url for f in frames]
    for frame in frames[:10]:
        await _merge_frame(tab, frame, data)
    art.popups = int(data.get("opened") or 0)
    parsed = Artifacts.from_dict({**data, "url": art.url})
    for name in _GATHERED:
        setattr(art, name, getattr(parsed, name))


def _destroyed(exc: BaseException) -> bool:
    text = first_line(exc)
    return "Execution context was destroyed" in text or "navigat" in text.lower()


async def _merge_frame(tab: TabWatch, frame: Frame, data: dict[str, Any]) -> None:
    """Add an iframe's links, images, list rows and footer, moved into main-document coordinates.

    Real sites put the whole footer in an iframe (石家庄), so its text must count. A frame that
    does not answer within a few seconds is left out (its own process may be the busy one).
    """

    async def read() -> tuple[dict[str, Any], list[float], dict[str, float] | None]:
        element = await frame.frame_element()
        box = await element.bounding_box()
        if not box or box["width"] < 2 or box["height"] < 2:
            return {}, [0, 0], None
        sub = await frame.evaluate(script("gather"))
        scroll = await frame.page.evaluate("[window.scrollX, window.scrollY]")
        return sub, scroll, {"x": box["x"], "y": box["y"]}

    try:
        sub, scroll, box = await asyncio.wait_for(read(), 5.0)
    except (PlaywrightError, TimeoutError):
        return
    if box is None:
        return
    dx, dy = box["x"] + scroll[0], box["y"] + scroll[1]

    def move(item: dict[str, Any]) -> dict[str, Any]:
        r = item.get("rect")
        if r:
            item["rect"] = {**r, "x": r["x"] + dx, "y": r["y"] + dy}
        return item

    data["links"] += [move(x) for x in sub["links"]]
    data["images"] += [move(x) for x in sub["images"]]
    data["forms"] += [move(x) for x in sub["forms"]]
    # A list drawn in an iframe is the page's list too (首页/栏目更新 read every dated list).
    data["list_items"] += [
        move({**x, "list": "iframe " + x.get("list", "")}) for x in sub["list_items"]
    ]
    foot = sub["footer"]
    if foot["found"]:
        main = data["footer"]
        blocks = [move(b) for b in foot["blocks"]]
        frect = move({"rect": foot["rect"]})["rect"]
        if main["found"]:
            main["text"] = (main["text"] + "\n" + foot["text"]).strip()
            main["blocks"] += blocks
            main["selector"] += ", iframe"
        else:
            main.update(found=True, text=foot["text"], blocks=blocks, rect=frect, selector="iframe")


def full_page(page: Page, path: Path, width: float, height: float, max_height: int) -> Any:
    """The page's screenshot from its top, ``width`` wide and at most ``max_height`` tall (CSS px):
    giant pages stay bounded. Desktop, phone and elderly-mode pictures are all taken so."""
    clip: Any = {  # Playwright's FloatRect
        "x": 0,
        "y": 0,
        "width": max(1, int(width)),
        "height": max(1, min(int(height), max_height)),
    }
    return page.screenshot(path=str(path), full_page=True, clip=clip, timeout=10_000)


async def _screenshot(tab: TabWatch, art: Artifacts, path: Path, settings: RenderSettings) -> None:
    """Full-page screenshot, last, capped in height so giant pages stay bounded."""
    width, height = art.document_size if art.document_size[0] else settings.viewport
    shot = full_page(tab.page, path, width, height, settings.screenshot_max_height)
    try:
        await tab.run("截图", shot, 12.0)
        art.screenshot = path.name
    except StepTimeout as exc:
        _timed_out(art, exc)
        art.errors["screenshot"] = f"截图超时：{exc}"
        if not exc.usable:
            raise
    except PlaywrightError as exc:
        art.errors["screenshot"] = "截图失败"
        art.error_details["screenshot"] = first_line(exc, 300)
