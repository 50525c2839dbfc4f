"""适老化: find the elderly-mode entry on a home page and probe the elderly-mode page.

Why: 国办公开办函〔2021〕28号 asks government sites for 适老化与无障碍改造, and the MIIT
《互联网网站适老化通用设计规范》 says what the elderly mode must be (standards.md §5, §7.5):

- X1: an entry — a 长者版/关怀版/适老化/大字版 link, a 无障碍 link or button, or the assistive
  toolbar scripts real sites load (``gov.govwza.cn/dist/aria.js``, ``api.govwza.cn/cniil/assist.js``);
- X2: "网页中严禁出现广告内容及插件,也不能随机出现广告或临时性的广告弹窗";
- X4: a non-text CAPTCHA needs "至少一种视觉感官以外的验证码，如系统推送的语音验证码";
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

from auditor.a11y.phone import JS_HELPERS, navigation_error, page_text_stats
from auditor.entries import ELDERLY_TEXT, FONT_GAIN_PX, TOOLBAR_SCRIPT, find_elderly_entry
from auditor.errors import first_line
from auditor.gather import _SETTLE, RenderSettings, new_context  # the desktop render's settling
from auditor.netguard import NetworkGuard

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
_WATCH = r"""
(() => {
  if (window.__elderlyWatch) return;
  const w = window.__elderlyWatch = { opened: [], late: new WeakSet(), loaded: false };
  const open = window.open;
  window.open = function (url, ...rest) {
    w.opened.push(String(url || "").slice(0, 300));
    return open.call(this, url, ...rest);
  };
  addEventListener("load", () => { w.loaded = true; });
  new MutationObserver((records) => {
    if (!w.loaded) return;
    for (const r of records) {
      if (r.type === "childList") r.addedNodes.forEach((n) => { if (n.nodeType === 1) w.late.add(n); });
      else if (r.target.nodeType === 1) w.late.add(r.target);  // style/class change: shown later
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["style", "class", "hidden"] });
})();
"""

# Positioned boxes now: remembered so a second look can tell which ones move by themselves.
_POSITIONED = (
    "() => {"
    + JS_HELPERS
    + r"""
  const boxes = [];
  for (const el of Array.from(body.querySelectorAll("*")).slice(0, 30000)) {
    const st = getComputedStyle(el);
    if (st.position !== "fixed" && st.position !== "absolute") continue;
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 60 || r.height < 40) continue;
    el.__elderlyPos = [r.left + sx, r.top + sy];
    boxes.push(el);
  }
  window.__elderlyBoxes = boxes;
  return boxes.length;
}"""
)

_INSPECT = (
    "([adHosts]) => {"
    + JS_HELPERS
    + r"""
  const w = window.__elderlyWatch || { opened: [], late: new WeakSet() };
  const vw = de.clientWidth, vh = de.clientHeight;
  const AD_NAME = /(^|[\s_-])(ad|ads|advert|adverts|advertisement|guanggao|piaofu)([\s_-]|$)/i;
  const hostOf = (src) => { try { return new URL(src, location.href).hostname; } catch (e) { return ""; } };
  const isAdHost = (src) => { const h = hostOf(src); return !!h && adHosts.some((a) => h === a || h.endsWith("." + a) || h.includes(a)); };
  const nameOf = (el) => (el.id || "") + " " + (typeof el.className === "string" ? el.className : "") + " " + (el.getAttribute("name") || "");
  const under = (el, test) => { for (let e = el; e && e !== body; e = e.parentElement) if (test(e)) return e; return null; };
  const item = (el, extra) => Object.assign({ selector: selectorOf(el), rect: rectOf(el),
    snippet: (el.outerHTML || "").slice(0, 200) }, extra);

  // X2: ad iframes and ad-network images.
  const ads = [];
  for (const el of Array.from(document.querySelectorAll("iframe, frame, img, embed, object"))) {
    const src = el.getAttribute("src") || el.getAttribute("data") || "";
    const byHost = src && isAdHost(src);
    const byName = el.tagName !== "IMG" && under(el, (e) => AD_NAME.test(nameOf(e)));
    if (!byHost && !byName) continue;
    if (el.tagName === "IMG" && !visible(el)) continue;
    ads.push(item(el, { tag: el.tagName.toLowerCase(), src: src.slice(0, 300),
      reason: byHost ? "广告网络域名 " + hostOf(src) : "广告容器（id/class 含 ad）" }));
  }

  // X2: pop-ups — window.open calls, boxes that move by themselves (漂浮广告), overlays that
  // appeared after load, and large fixed overlays (not full-width bars).
  const popups = w.opened.map((u) => ({ kind: "window.open", url: u, selector: "", rect: null }));
  const seen = new Set();
  for (const el of window.__elderlyBoxes || []) {
    if (!el.isConnected || !visible(el) || !el.__elderlyPos) continue;
    const r = el.getBoundingClientRect();
    const dx = Math.abs(r.left + sx - el.__elderlyPos[0]), dy = Math.abs(r.top + sy - el.__elderlyPos[1]);
    if (dx + dy >= 20) { seen.add(el); popups.push(item(el, { kind: "floating", text: clean(el.innerText, 60), moved_px: Math.round(dx + dy) })); }
  }
  for (const el of Array.from(body.querySelectorAll("*")).slice(0, 30000)) {
    if (seen.has(el)) continue;
    const st = getComputedStyle(el);
    if (st.position !== "fixed" && st.position !== "absolute") continue;
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    const area = r.width * r.height;
    const bar = r.width >= vw * 0.9 && r.height <= 140;  // sticky header/toolbar, not a pop-up
    if (bar || r.width < 120 || r.height < 80) continue;
    const late = w.late.has(el) || !!under(el.parentElement, (e) => w.late.has(e) && getComputedStyle(e).position !== "static");
    const overlay = st.position === "fixed" && area >= vw * vh * 0.15;
    if (!late && !overlay) continue;
    if (under(el.parentElement, (e) => seen.has(e))) continue;
    seen.add(el);
    popups.push(item(el, { kind: late ? "late-overlay" : "overlay", text: clean(el.innerText, 60) }));
  }

  // X4: CAPTCHA and a non-visual alternative.
  const CAPTCHA = /captcha|verifycode|verify_code|validatecode|validcode|checkcode|yzm|kaptcha|authcode|vcode|验证码/i;
  const SLIDER = /geetest|tcaptcha|nc_wrapper|nc-container|slide-?verify|slider-?captcha|滑块/i;
  const ALT = /语音验证|语音播放|播放验证码|听验证码|语音|audio/i;
  let captcha = null;
  for (const el of Array.from(document.querySelectorAll("img, canvas"))) {
    const hay = [el.getAttribute("src"), el.id, typeof el.className === "string" ? el.className : "", el.getAttribute("alt"), el.getAttribute("title")].join(" ");
    if (CAPTCHA.test(hay) && visible(el)) { captcha = item(el, { kind: "image" }); break; }
  }
  if (!captcha) {
    for (const el of Array.from(body.querySelectorAll("div, span, iframe")).slice(0, 30000)) {
      if (SLIDER.test(nameOf(el) + " " + (el.getAttribute("src") || "")) && visible(el)) { captcha = item(el, { kind: "slider" }); break; }
    }
  }
  let alternative = false;
  if (captcha) {
    const scope = document.querySelector(captcha.selector);
    const form = (scope && (scope.closest("form") || scope.parentElement && scope.parentElement.parentElement)) || body;
    alternative = !!form.querySelector("audio") ||
      Array.from(form.querySelectorAll("a, button, input[type=button], span, img")).some((el) =>
        ALT.test([el.innerText, el.getAttribute("title"), el.getAttribute("alt"), el.getAttribute("aria-label"), el.getAttribute("value")].join(" ")));
  }
  return {
    ad_iframes: ads.slice(0, 20),
    popups: popups.slice(0, 20),
    captcha: { present: !!captcha, has_alternative: alternative, kind: captcha ? captcha.kind : "",
               selector: captcha ? captcha.selector : "", rect: captcha ? captcha.rect : null },
    document_width: Math.max(de.scrollWidth, body.scrollWidth),
    document_height: Math.max(de.scrollHeight, body.scrollHeight),
  };
}"""
)


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
            guard.watch(page)
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
            await page.evaluate(_SETTLE, [100, 3000])
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
    width = max(1, int(result.get("document_width") or 1))
    height = max(1, min(int(result.get("document_height") or 1), 16_000))
    try:
        await page.screenshot(
            path=str(path),
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": height},
            timeout=10_000,
        )
        result["screenshot"] = path.name
    except PlaywrightError as exc:
        result.update(error="长者版页面截图失败", detail=first_line(exc) or type(exc).__name__)
