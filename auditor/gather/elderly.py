"""适老化: find the elderly-mode entry on a home page and probe the elderly-mode page.

Why: 国办公开办函〔2021〕28号 asks government sites for 适老化与无障碍改造, and the MIIT
《互联网网站适老化通用设计规范》 says what the elderly mode must be:

- an entry — a 长者版/关怀版/适老化/大字版 link, a 无障碍 link or button, or the assistive
  toolbar scripts real sites load (``gov.govwza.cn/dist/aria.js``, ``api.govwza.cn/cniil/assist.js``);
- "网页中严禁出现广告内容及插件,也不能随机出现广告或临时性的广告弹窗";
- a non-text CAPTCHA needs "至少一种视觉感官以外的验证码，如系统推送的语音验证码";
- and it should read larger: we compare the main-text font size with the normal page's.

:func:`find_elderly_entry` is pure (reads artifacts only), so the check and the gatherer agree on
which entry was found. :func:`probe_elderly` renders the elderly-mode URL in a fresh desktop context,
watches it for a few seconds for pop-ups and floating ads, and returns plain JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Dialog, Page
from playwright.async_api import Error as PlaywrightError

from auditor.browser.netguard import NetworkGuard
from auditor.errors import first_line
from auditor.extract.entries import ELDERLY_TEXT, FONT_GAIN_PX, TOOLBAR_SCRIPT, find_elderly_entry
from auditor.gather import GatherContext
from auditor.gather.phone import navigation_error, page_text_stats
from auditor.gather.render import (  # the desktop render's wait for a quiet page
    SETTLE,
    RenderSettings,
    full_page,
    new_context,
)
from auditor.js import script

__all__ = [
    "AD_HOSTS",
    "ELDERLY_TEXT",
    "FONT_GAIN_PX",
    "TOOLBAR_SCRIPT",
    "find_elderly_entry",
    "page_font_px",
    "probe_elderly",
]

WATCH_MS = 3_000  # how long the elderly page is watched for late pop-ups and moving ads

# Ad networks seen on Chinese sites, and the usual ad container names.
AD_HOSTS = (
    "googlesyndication.com",
    "doubleclick.net",
    "googleadservices.com",
    "adservice.google.",
    "pos.baidu.com",
    "cpro.baidu.com",
    "cbjs.baidu.com",
    "dup.baidustatic.com",
    "tanx.com",
    "alimama.com",
    "mediav.com",
    "gdt.qq.com",
    "adnxs.com",
    "amazon-adsystem.com",
    "criteo.com",
    "taboola.com",
    "outbrain.com",
    "allyes.com",
    "miaozhen.com",
)


# -- the probe -------------------------------------------------------------------------------

# Installed before any page script: records window.open calls and which elements were added or
# shown after the load event, so pop-ups that appear later can be told from the page's own layout.
_WATCH = script("elderly_watch")
# Positioned boxes now: remembered so a second look can tell which ones move by themselves.
_POSITIONED = script("elderly_positioned")
# The second look: ads, pop-ups and CAPTCHA (the second and third rule above).
_INSPECT = script("elderly_inspect")


async def page_font_px(page: Page) -> float:
    """Median main-text font size (CSS px) of an already rendered page; 0 when unmeasurable.

    Call it on the normal home page's tab, to get ``normal_font_px`` for :func:`probe_elderly`.
    """
    try:
        stats = await page_text_stats(page, cap=0)
    except PlaywrightError:
        return 0.0
    return float(stats.get("main_font_px") or 0.0)


async def probe_elderly(
    browser: Browser,
    url: str,
    *,
    normal_font_px: float,
    screenshot: Path,
    timeout_ms: int = 15000,
    watch_ms: int = WATCH_MS,
    viewport: tuple[int, int] = (1366, 768),
    guard: NetworkGuard | None = None,
) -> dict[str, Any]:
    """Render the elderly-mode page ``url``; plain JSON for ``Artifacts.elderly``. Never raises.

    Rects are document px of this page (device scale 1), matching its own ``screenshot``.
    """
    result: dict[str, Any] = {
        "url": url,
        "final_url": "",
        "status": None,
        "normal_font_px": normal_font_px,
        "font_px": 0.0,
        "larger": None,  # True/False once both font sizes are known
        "ad_iframes": [],
        "popups": [],
        "captcha": {"present": False, "has_alternative": False},
        "dialogs": [],
        "truncated": {},  # list -> how many there were, for lists the page script cut
        "watch_ms": watch_ms,
        "screenshot": "",
        "error": "",  # why the probe failed; with load_failed the page itself did not open
        "load_failed": False,
    }
    ctx: BrowserContext | None = None
    try:
        ctx = await new_context(browser, RenderSettings(viewport=viewport), guard or NetworkGuard())
        await ctx.add_init_script(_WATCH)
        page = await ctx.new_page()
        if guard is not None:
            await guard.watch(page)
        dialogs: list[str] = result["dialogs"]

        async def on_dialog(dialog: Dialog) -> None:
            dialogs.append(f"{dialog.type}: {dialog.message[:200]}")
            with contextlib.suppress(PlaywrightError):
                await dialog.dismiss()

        page.on("dialog", on_dialog)
        try:
            response = await page.goto(url, wait_until="load", timeout=timeout_ms)
        except PlaywrightError as exc:
            result.update(error=navigation_error(exc, timeout_ms), load_failed=True)
            return result
        result["final_url"] = page.url
        result["status"] = response.status if response else None
        if result["status"] is not None and result["status"] >= 400:
            result.update(error=f"长者版页面返回 HTTP {result['status']}", load_failed=True)
            return result
        with contextlib.suppress(PlaywrightError):
            await page.evaluate(SETTLE, [100, 3000])
        stats = await page_text_stats(page, cap=0)
        result["font_px"] = float(stats.get("main_font_px") or 0.0)
        result["main_text_chars"] = stats.get("main_text_chars", 0)
        result["main_sample"] = stats.get("main_sample")
        # None: one of the two pages has no measurable main text, so there is nothing to compare.
        result["larger"] = (
            result["font_px"] >= normal_font_px + FONT_GAIN_PX
            if result["font_px"] > 0 and normal_font_px > 0
            else None
        )
        await page.evaluate(_POSITIONED)
        await asyncio.sleep(max(0, watch_ms) / 1000)
        found: dict[str, Any] = await page.evaluate(_INSPECT, [list(AD_HOSTS)])
        popups = found.pop("popups")
        popups += [{"kind": "dialog", "text": d, "selector": "", "rect": None} for d in dialogs[:5]]
        result.update(found, popups=popups)
        await _screenshot(page, result, screenshot)
    except PlaywrightError as exc:
        result.update(error="长者版页面检测失败", detail=first_line(exc) or type(exc).__name__)
    finally:
        if ctx is not None:
            with contextlib.suppress(PlaywrightError):
                await ctx.close()
    return result


async def _screenshot(page: Page, result: dict[str, Any], path: Path) -> None:
    width = result.get("document_width") or 1
    try:
        await full_page(page, path, width, result.get("document_height") or 1, 16_000)
        result["screenshot"] = path.name
    except PlaywrightError as exc:
        result.update(error="长者版页面截图失败", detail=first_line(exc) or type(exc).__name__)


async def gather(ctx: GatherContext) -> None:
    """The elderly-mode page the home page links to, if it links one (a toolbar has no page)."""
    entry = find_elderly_entry(ctx.art)
    if entry and entry["kind"] == "link" and ctx.renderer.may_fetch(entry["href"]):
        ctx.art.elderly = await ctx.renderer.elderly(
            ctx.session, entry["href"], ctx.art.main_font_px, ctx.file("-elderly.png")
        )
