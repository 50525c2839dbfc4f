"""Render a page at a phone viewport and measure what a phone visitor meets.

Why a second render: a desktop render cannot show whether a page fits a phone. 国办发〔2017〕47号 asks for a
mobile-usable site (clause not verified word for word), and the MIIT elderly-friendly rules read on
phones. Every audited page is opened once more in a fresh context that emulates a phone (375×812 CSS
px, device scale 2, touch, mobile user agent, zh-CN, Asia/Shanghai), and we record:

- the ``viewport`` meta (without it a phone lays the page out 980 px wide and shrinks it);
- horizontal overflow: the outermost elements that stick out past the layout viewport, widest
  first — only when the document really scrolls sideways;
- text size: the median font size of the main text (weighted by characters; header, footer and
  navigation left out) and the main-text elements under 12 px;
- a full-page phone screenshot, capped at 8 000 CSS px (16 000 image px).

Rects are CSS px of the phone page, in document coordinates. The screenshot is at device scale 2,
so evidence must scale rects by ``device_scale_factor`` before cropping.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from auditor.artifacts import Artifacts
from auditor.browser.bounded import StepTimeout, TabWatch
from auditor.browser.netguard import NetworkGuard
from auditor.errors import first_line, human_load_error
from auditor.gather import GatherContext
from auditor.gather.render import (  # the desktop render's wait for a quiet page
    SETTLE,
    RenderSettings,
    full_page,
    new_context,
)
from auditor.js import script

__all__ = [
    "DEVICE_SCALE",
    "MIN_FONT_PX",
    "PHONE_VIEWPORT",
    "SCREENSHOT_MAX_CSS_HEIGHT",
    "agrees",
    "declares_device_width",
    "navigation_error",
    "page_text_stats",
    "phone_by_resize",
    "render_phone",
]

PHONE_VIEWPORT = (375, 812)  # iPhone X/11 Pro class: the narrowest phone still common
DEVICE_SCALE = 2
MIN_FONT_PX = 12.0  # 12 px: the smallest text the mobile check accepts in the main content
SCREENSHOT_MAX_CSS_HEIGHT = 8_000
MAX_OVERFLOW = 10
MAX_SMALL_TEXT = 20

# Main text: every visible text node outside header/footer/navigation, grouped by its element.
_TEXT_STATS = script("phone_stats")
# Layout: viewport meta, widths, and the outermost elements that stick out to the right.
_LAYOUT = script("phone_layout")


def _user_agent(browser: Browser) -> str:
    """An Android Chrome UA of the running browser's version: sites pick mobile pages by UA."""
    major = (browser.version or "120").split(".")[0]
    return (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Mobile Safari/537.36"
    )


async def page_text_stats(page: Page, *, cap: int = MAX_SMALL_TEXT) -> dict[str, Any]:
    """Main-text font statistics of a rendered page (also used for the elderly-mode comparison)."""
    stats: dict[str, Any] = await page.evaluate(_TEXT_STATS, [MIN_FONT_PX, cap])
    return stats


async def render_phone(
    browser: Browser,
    url: str,
    screenshot: Path,
    *,
    timeout_ms: int = 15000,
    guard: NetworkGuard | None = None,
) -> dict[str, Any]:
    """Open ``url`` as a phone would; plain JSON for ``Artifacts.mobile``. Never raises."""
    result = _blank(url, DEVICE_SCALE, "load")
    result["user_agent"] = _user_agent(browser)
    w, h = PHONE_VIEWPORT
    ctx: BrowserContext | None = None
    try:
        ctx = await new_context(
            browser,
            RenderSettings(),
            guard or NetworkGuard(),
            viewport={"width": w, "height": h},
            screen={"width": w, "height": h},
            device_scale_factor=DEVICE_SCALE,
            is_mobile=True,
            has_touch=True,
            user_agent=result["user_agent"],
        )
        page = await ctx.new_page()
        if guard is not None:
            await guard.watch(page)
        try:
            response = await page.goto(url, wait_until="load", timeout=timeout_ms)
        except PlaywrightError as exc:
            result["error"] = navigation_error(exc, timeout_ms)
            return result
        result["final_url"] = page.url
        result["status"] = response.status if response else None
        with contextlib.suppress(PlaywrightError):
            await page.evaluate(SETTLE, [100, 3000])
        await _measure(page, result, screenshot)
    except PlaywrightError as exc:
        result.update(error="手机视口渲染失败", detail=_first_line(exc))
    finally:
        if ctx is not None:
            with contextlib.suppress(PlaywrightError):
                await ctx.close()
    return result


def _blank(url: str, scale: int, method: str) -> dict[str, Any]:
    """Every key present, so stored JSON has one shape."""
    w, h = PHONE_VIEWPORT
    return {
        "url": url,
        "final_url": "",
        "status": None,
        "method": method,  # "load": a real phone load; "resize": the desktop tab narrowed
        "viewport_meta": None,
        "viewport_width": w,
        "viewport_height": h,
        "device_scale_factor": scale,
        "layout_width": 0,
        "document_width": 0,
        "document_height": 0,
        "overflow": [],
        "overflow_total": 0,
        "small_text": [],
        "small_text_total": 0,
        "main_font_px": 0.0,
        "main_text_chars": 0,
        "truncated": {},  # list -> how many there were, for lists the page scripts cut
        "screenshot": "",
        "user_agent": "",
        "error": "",
    }


async def _measure(page: Page, result: dict[str, Any], screenshot: Path) -> None:
    layout: dict[str, Any] = await page.evaluate(_LAYOUT, [MAX_OVERFLOW])
    stats = await page_text_stats(page)
    result.update(layout)
    result.update(stats)
    result["truncated"] = {**layout.get("truncated", {}), **stats.get("truncated", {})}
    if shows_a_problem(result):
        await _screenshot(page, result, screenshot)


def shows_a_problem(result: dict[str, Any]) -> bool:
    """Whether the phone picture will be evidence: a page that fits a phone (viewport declared,
    nothing sticking out, no text under 12 px) gets no finding, so no picture is taken."""
    font = float(result.get("main_font_px") or 0.0)
    return bool(
        result["viewport_meta"] is None
        or result["layout_width"] > result["viewport_width"]
        or result["overflow_total"]
        or result["small_text_total"]
        or (font and font < MIN_FONT_PX)
        or (isinstance(result["status"], int) and result["status"] >= 400)
    )


def declares_device_width(art: Artifacts) -> bool:
    """A page that asks phones for their own width: narrowing the desktop tab shows what a
    phone lays out, unless the site serves phones other pages (checked on its home page)."""
    meta = art.meta_any_case("viewport")
    return bool(meta and re.search(r"width\s*=\s*device-width", meta.content, re.I))


async def phone_by_resize(
    tab: TabWatch, url: str, screenshot: Path, limit_s: float
) -> dict[str, Any]:
    """The loaded desktop tab narrowed to a phone's width: the same measures, no second load.

    Media queries and resize handlers run as on a phone; the user agent and touch do not
    change, so sites that pick pages by user agent are found on their home page (see
    :func:`agrees`) and get real phone loads. The tab is widened back afterwards.
    """
    page = tab.page
    result = _blank(url, 1, "resize")
    result.update(final_url=page.url, status=200)
    desktop = page.viewport_size
    w, h = PHONE_VIEWPORT
    try:
        await tab.run("手机宽度排版", page.set_viewport_size({"width": w, "height": h}), 5.0)
        with contextlib.suppress(PlaywrightError):
            await tab.evaluate("手机宽度排版", SETTLE, [60, 1000], 3.0)
        await tab.run("手机宽度测量", _measure(page, result, screenshot), limit_s)
    except (PlaywrightError, StepTimeout) as exc:
        result.update(error="手机宽度排版失败", detail=_first_line(exc))
    finally:
        if desktop and not page.is_closed():
            with contextlib.suppress(PlaywrightError, StepTimeout):
                await tab.run("恢复桌面宽度", page.set_viewport_size(desktop), 5.0)
    return result


def agrees(resized: dict[str, Any] | None, real: dict[str, Any], desktop_url: str) -> bool:
    """Does narrowing the tab show what a real phone load shows? Decided once per site."""
    if not resized or resized.get("error") or real.get("error") or not real.get("status"):
        return False
    if _place(real.get("final_url", "")) != _place(desktop_url):
        return False  # phones are sent elsewhere (an m. site): the user agent decides
    return (
        abs(real["document_width"] - resized["document_width"]) <= 16
        and bool(real["overflow_total"]) == bool(resized["overflow_total"])
        and abs(real["main_font_px"] - resized["main_font_px"]) <= 1.0
    )


def _place(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "", parts.path.rstrip("/"))


async def _screenshot(page: Page, result: dict[str, Any], path: Path) -> None:
    """Full page, last, capped in height like the desktop screenshot."""
    width = result["document_width"] or PHONE_VIEWPORT[0]
    height = max(1, min(int(result["document_height"] or 1), SCREENSHOT_MAX_CSS_HEIGHT))
    try:
        await full_page(page, path, width, height, SCREENSHOT_MAX_CSS_HEIGHT)
        result["screenshot"] = path.name
        result["screenshot_css_height"] = height
    except PlaywrightError as exc:
        result.update(error="手机截图失败", detail=_first_line(exc))


def navigation_error(exc: Exception, timeout_ms: int) -> str:
    """Short Chinese reason for a failed ``goto`` (timeout vs network error)."""
    return human_load_error(exc, timeout_ms).message


def _first_line(exc: Exception) -> str:
    return first_line(exc) or type(exc).__name__


async def gather(ctx: GatherContext) -> None:
    """The page at a phone's width: from the render's narrowed tab where the site allows it,
    else a real phone load. On the home page both are made and compared, once per site."""
    session = ctx.session
    narrowed = ctx.art.mobile
    if narrowed is not None and not narrowed.get("error") and not ctx.is_home:
        return  # measured in the narrowed desktop tab during the render (else: a real load)
    resized = ctx.art.mobile
    real = await ctx.renderer.phone(session, ctx.url, ctx.file("-mobile.png"))
    if ctx.is_home and session.phone_mode == "unknown":
        same = agrees(resized, real, ctx.url)
        session.phone_mode = "resize" if same else "load"
        real["site_phone_mode"] = session.phone_mode
    ctx.art.mobile = real
