"""Render a page at a phone viewport and measure what a phone visitor meets.

Why a second render: a desktop render cannot show whether a page fits a phone. 47号 asks for a
mobile-usable site [M], and the MIIT elderly-friendly rules read on phones (standards.md §5, §7.5
X9). Every audited page is opened once more in a fresh context that emulates a phone (375×812 CSS
px, device scale 2, touch, mobile user agent, zh-CN, Asia/Shanghai), and we record:

- the ``viewport`` meta (without it a phone lays the page out 980 px wide and shrinks it);
- horizontal overflow: the outermost elements that stick out past the layout viewport, widest
  first — only when the document really scrolls sideways;
- text size: the median font size of the main text (weighted by characters; header, footer and
  navigation left out) and the main-text elements under 12 px;
- a full-page phone screenshot, capped at 8 000 CSS px (16 000 image px).

Rects are CSS px of the phone page, in document coordinates. The screenshot is at device scale 2,
so evidence must scale rects by ``device_scale_factor`` before cropping (:func:`screenshot_rect`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from auditor.errors import first_line, human_load_error
from auditor.gather import _SETTLE, RenderSettings, new_context  # the desktop render's settling
from auditor.model import Rect
from auditor.netguard import NetworkGuard

__all__ = [
    "DEVICE_SCALE",
    "MIN_FONT_PX",
    "PHONE_VIEWPORT",
    "SCREENSHOT_MAX_CSS_HEIGHT",
    "navigation_error",
    "page_text_stats",
    "render_phone",
    "screenshot_rect",
]

PHONE_VIEWPORT = (375, 812)  # iPhone X/11 Pro class: the narrowest phone still common
DEVICE_SCALE = 2
MIN_FONT_PX = 12.0  # 12 px: the smallest text the mobile check accepts in the main content
SCREENSHOT_MAX_CSS_HEIGHT = 8_000
MAX_OVERFLOW = 10
MAX_SMALL_TEXT = 20

# Shared in-page helpers (also used by the elderly-mode probe): selector, rect, visibility.
JS_HELPERS = r"""
  const de = document.documentElement, body = document.body || de;
  const sx = window.scrollX, sy = window.scrollY;
  const rectOf = (el) => {
    const r = el.getBoundingClientRect();
    if (!r || (r.width === 0 && r.height === 0)) return null;
    return { x: r.left + sx, y: r.top + sy, width: r.width, height: r.height };
  };
  const visible = (el) => {
    if (!el.getClientRects().length) return false;
    const st = getComputedStyle(el);
    if (st.visibility === "hidden" || st.display === "none" || Number(st.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const uniqueId = (el) =>
    el.id && /^[A-Za-z_][\w-]*$/.test(el.id) && document.querySelectorAll("#" + el.id).length === 1;
  const selectorOf = (el) => {
    if (el === body) return "body";
    const parts = [];
    let e = el;
    while (e && e.nodeType === 1 && e !== de && parts.length < 14) {
      if (uniqueId(e)) { parts.unshift("#" + e.id); return parts.join(" > "); }
      let s = e.tagName.toLowerCase();
      const p = e.parentElement;
      if (p) {
        const same = Array.from(p.children).filter((c) => c.tagName === e.tagName);
        if (same.length > 1) s += ":nth-of-type(" + (same.indexOf(e) + 1) + ")";
      }
      parts.unshift(s);
      e = p;
    }
    return parts.join(" > ");
  };
  const clean = (s, n) => (s || "").replace(/[\u00a0\u3000\s]+/g, " ").trim().slice(0, n);
"""

# Main text: every visible text node outside header/footer/navigation, grouped by its element.
_TEXT_STATS = (
    "([minPx, cap]) => {"
    + JS_HELPERS
    + r"""
  const SKIP_TAG = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|HEADER|FOOTER|NAV|SELECT|OPTION|TEXTAREA)$/;
  const SKIP_ROLE = /^(banner|contentinfo|navigation)$/;
  const SKIP_NAME = /(^|[\s_-])(foot|footer|copyright|banquan|bottom|nav|navbar|menu|header|head|top)([\s_-]|$)/i;
  const excluded = new Map();
  const isExcluded = (el) => {
    const chain = [];
    let e = el, verdict = false;
    while (e && e !== body && e !== de) {
      if (excluded.has(e)) { verdict = excluded.get(e); break; }
      chain.push(e);
      const name = (e.id || "") + " " + (typeof e.className === "string" ? e.className : "");
      if (SKIP_TAG.test(e.tagName) || SKIP_ROLE.test(e.getAttribute("role") || "") || SKIP_NAME.test(name)) {
        verdict = true; break;
      }
      e = e.parentElement;
    }
    for (const c of chain) excluded.set(c, verdict);
    return verdict;
  };
  const perEl = new Map();
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let n, count = 0;
  while ((n = walker.nextNode()) && count < 30000) {
    count++;
    const text = (n.nodeValue || "").replace(/\s+/g, "");
    if (!text) continue;
    const el = n.parentElement;
    if (!el || isExcluded(el)) continue;
    const entry = perEl.get(el);
    if (entry) { entry.chars += text.length; continue; }
    if (!visible(el)) { perEl.set(el, { chars: 0 }); continue; }
    perEl.set(el, { chars: text.length, px: parseFloat(getComputedStyle(el).fontSize) || 0 });
  }
  const rows = [];
  for (const [el, e] of perEl) if (e.chars > 0 && e.px > 0) rows.push([el, e]);
  const sizes = rows.map(([, e]) => [e.px, e.chars]).sort((a, b) => a[0] - b[0]);
  const total = sizes.reduce((s, x) => s + x[1], 0);
  let median = 0, acc = 0;
  for (const [px, chars] of sizes) { acc += chars; if (acc * 2 >= total) { median = px; break; } }
  // The longest text drawn at the median size: where evidence about the body text should point.
  let sample = null;
  for (const [el, e] of rows) if (e.px === median && (!sample || e.chars > sample[1])) sample = [el, e.chars];
  const small = rows.filter(([, e]) => e.px < minPx - 0.01)
    .sort((a, b) => a[1].px - b[1].px || b[1].chars - a[1].chars);
  return {
    main_font_px: median,
    main_sample: sample ? { selector: selectorOf(sample[0]), rect: rectOf(sample[0]) } : null,
    main_text_chars: total,
    small_text_chars: small.reduce((s, [, e]) => s + e.chars, 0),
    small_text_total: small.length,
    small_text: small.slice(0, cap).map(([el, e]) => ({
      selector: selectorOf(el), text: clean(el.textContent, 40), font_px: e.px, rect: rectOf(el),
    })),
  };
}"""
)

# Layout: viewport meta, widths, and the outermost elements that stick out to the right.
_LAYOUT = (
    "([cap]) => {"
    + JS_HELPERS
    + r"""
  const meta = document.querySelector('meta[name="viewport" i]');
  const vw = de.clientWidth;
  const docW = Math.max(de.scrollWidth, body.scrollWidth);
  // Content height, not the (zoomed-out) viewport's: a page wider than the phone makes the
  // layout viewport taller, which would otherwise pad the screenshot with blank space.
  let contentBottom = 0;
  for (const c of [body, ...Array.from(body.children)]) {
    const r = c.getBoundingClientRect();
    if (r.height > 0) contentBottom = Math.max(contentBottom, r.bottom + sy);
  }
  const docH = Math.ceil(Math.max(body.scrollHeight, contentBottom));
  const out = [];
  let total = 0;
  if (docW > vw + 1) {
    const sticksOut = (el) => el.getBoundingClientRect().right + sx > vw + 1;
    const els = [body, ...Array.from(body.querySelectorAll("*")).slice(0, 30000)];
    for (const el of els) {
      if (!sticksOut(el) || !visible(el)) continue;
      const st = getComputedStyle(el);
      if (st.position === "fixed") continue;  // fixed boxes do not widen the document
      const p = el.parentElement;
      // Report the outermost offender only: skip an element whose parent sticks out too.
      if (p && p !== de && sticksOut(p) && visible(p)) continue;
      // An ancestor that clips horizontally inside the viewport hides the overflow.
      let clipped = false;
      for (let a = p; a && a !== body && a !== de; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== "visible" && !sticksOut(a)) { clipped = true; break; }
      }
      if (clipped) continue;
      total++;
      const r = rectOf(el);
      out.push({ selector: selectorOf(el), rect: r, width: r.width, right: r.x + r.width,
                 snippet: (el.outerHTML || "").slice(0, 200) });
    }
    out.sort((a, b) => b.right - a.right || b.rect.width * b.rect.height - a.rect.width * a.rect.height);
  }
  return {
    viewport_meta: meta ? meta.getAttribute("content") || "" : null,
    layout_width: vw,
    document_width: docW,
    document_height: docH,
    overflow_total: total,
    overflow: out.slice(0, cap),
  };
}"""
)


def _user_agent(browser: Browser) -> str:
    """An Android Chrome UA of the running browser's version: sites pick mobile pages by UA."""
    major = (browser.version or "120").split(".")[0]
    return (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{major}.0.0.0 Mobile Safari/537.36"
    )


def screenshot_rect(rect: Rect, mobile: dict[str, Any]) -> Rect:
    """A phone-page rect (CSS px) in the phone screenshot's pixels, for cropping evidence."""
    k = float(mobile.get("device_scale_factor") or DEVICE_SCALE)
    return Rect(rect.x * k, rect.y * k, rect.width * k, rect.height * k)


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
    w, h = PHONE_VIEWPORT
    result: dict[str, Any] = {
        "url": url,
        "final_url": "",
        "status": None,
        "viewport_meta": None,
        "viewport_width": w,
        "viewport_height": h,
        "device_scale_factor": DEVICE_SCALE,
        "layout_width": 0,
        "document_width": 0,
        "document_height": 0,
        "overflow": [],
        "overflow_total": 0,
        "small_text": [],
        "small_text_total": 0,
        "main_font_px": 0.0,
        "main_text_chars": 0,
        "screenshot": "",
        "user_agent": _user_agent(browser),
        "error": "",
    }
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
            guard.watch(page)
        try:
            response = await page.goto(url, wait_until="load", timeout=timeout_ms)
        except PlaywrightError as exc:
            result["error"] = navigation_error(exc, timeout_ms)
            return result
        result["final_url"] = page.url
        result["status"] = response.status if response else None
        with contextlib.suppress(PlaywrightError):
            await page.evaluate(_SETTLE, [100, 3000])
        layout: dict[str, Any] = await page.evaluate(_LAYOUT, [MAX_OVERFLOW])
        result.update(layout)
        result.update(await page_text_stats(page))
        await _screenshot(page, result, screenshot)
    except PlaywrightError as exc:
        result.update(error="手机视口渲染失败", detail=_first_line(exc))
    finally:
        if ctx is not None:
            with contextlib.suppress(PlaywrightError):
                await ctx.close()
    return result


async def _screenshot(page: Page, result: dict[str, Any], path: Path) -> None:
    """Full page, last, capped in height like the desktop screenshot."""
    width = max(1, int(result["document_width"] or PHONE_VIEWPORT[0]))
    height = max(1, min(int(result["document_height"] or 1), SCREENSHOT_MAX_CSS_HEIGHT))
    try:
        await page.screenshot(
            path=str(path),
            full_page=True,
            clip={"x": 0, "y": 0, "width": width, "height": height},
            timeout=10_000,
        )
        result["screenshot"] = path.name
        result["screenshot_css_height"] = height
    except PlaywrightError as exc:
        result.update(error="手机截图失败", detail=_first_line(exc))


def navigation_error(exc: Exception, timeout_ms: int) -> str:
    """Short Chinese reason for a failed ``goto`` (timeout vs network error)."""
    return human_load_error(exc, timeout_ms).message


def _first_line(exc: Exception) -> str:
    return first_line(exc) or type(exc).__name__
