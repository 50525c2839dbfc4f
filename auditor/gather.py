"""Render a page once in a browser context and gather its artifacts.

The order follows Lighthouse: navigate (15 s, the national 站点无法访问 threshold), let
JavaScript-written footers settle (bounded), gather plain data from the page and every iframe, and
take the full-page screenshot last. A gatherer that fails is recorded in ``Artifacts.errors`` so only
the checks that need it report ``error``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Frame, Page

from auditor.artifacts import Artifacts

# Installed before any page script: remembers when the DOM last changed and counts pending work that
# is about to change it (short timers, XHR, fetch), so settling stops as soon as the page is quiet
# instead of always waiting for network idle. Vendor footers arrive by all three routes.
_SETTLE_PROBE = """
(() => {
  const w = window;
  if (w.__auditorSetTimeout) return;
  w.__auditorLastMutation = performance.now();
  w.__auditorPending = 0;
  const st = w.setTimeout, ct = w.clearTimeout;
  w.__auditorSetTimeout = st.bind(w);
  const open = new Map();
  const settle = (id) => { if (open.delete(id)) w.__auditorPending--; };
  new MutationObserver(() => { w.__auditorLastMutation = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true});
  w.setTimeout = function (fn, ms, ...rest) {
    if ((Number(ms) || 0) > 1000) return st.call(w, fn, ms, ...rest);
    const run = typeof fn === "function" ? fn : () => (0, eval)(String(fn));
    let id;
    id = st.call(w, function () { settle(id); return run.apply(this, rest); }, ms);
    open.set(id, true);
    w.__auditorPending++;
    return id;
  };
  w.clearTimeout = function (id) { settle(id); return ct.call(w, id); };
  if (w.fetch) {
    const f = w.fetch;
    w.fetch = function (...a) {
      w.__auditorPending++;
      return f.apply(this, a).finally(() => { w.__auditorPending--; });
    };
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...a) {
    w.__auditorPending++;
    this.addEventListener("loadend", () => { w.__auditorPending--; }, {once: true});
    return send.apply(this, a);
  };
})();
"""

_SETTLE = """
([quietMs, maxMs]) => new Promise((resolve) => {
  const start = performance.now();
  const later = window.__auditorSetTimeout || setTimeout;
  const tick = () => {
    const now = performance.now();
    const quiet = now - (window.__auditorLastMutation || 0) >= quietMs;
    if ((quiet && !(window.__auditorPending > 0)) || now - start >= maxMs) resolve(now - start);
    else later(tick, Math.min(50, quietMs));
  };
  tick();
})
"""


@dataclass(frozen=True)
class RenderSettings:
    timeout_ms: int = 15_000  # 国办秘函〔2019〕19号: 15 秒仍打不开 counts as unreachable
    settle_max_ms: int = 3_000
    quiet_ms: int = 60
    screenshot_max_height: int = 16_000
    viewport: tuple[int, int] = (1366, 768)
    axe: bool = True  # accessibility: run axe-core on the rendered page
    axe_time_limit_s: float = 20.0  # axe can take minutes on huge DOMs: bounded, then an error


@cache
def _gather_script() -> str:
    return resources.files("auditor").joinpath("gather.js").read_text(encoding="utf-8")


async def new_tab(browser: Any, settings: RenderSettings) -> Page:
    """A desktop zh-CN tab in Asia/Shanghai, as a visitor from the province would see it.

    Each tab has its own context and is reused page after page: opening and closing a tab costs
    about as much as rendering a simple page.
    """
    w, h = settings.viewport
    ctx = await browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": w, "height": h},
        device_scale_factor=1,
        ignore_https_errors=True,  # an expired certificate is a finding, not a reason to look away
        accept_downloads=False,
    )
    await ctx.add_init_script(_SETTLE_PROBE)
    return await ctx.new_page()


async def render(
    page: Page, url: str, screenshot: Path | None, settings: RenderSettings
) -> Artifacts:
    """Render ``url`` in ``page``; never raises for page problems."""
    art = Artifacts(url=url, gathered_at=datetime.now().astimezone().isoformat(timespec="seconds"))
    art.viewport = settings.viewport
    browser = page.context.browser
    art.browser_version = browser.version if browser else ""
    console: list[str] = []

    def on_console(m: Any) -> None:
        if m.type == "error":
            console.append(m.text[:500])

    def on_error(e: Any) -> None:
        console.append(f"pageerror: {str(e)[:500]}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    try:
        await _navigate(page, url, art, settings)
        if art.load_error and not art.final_url:
            return art
        if not art.load_error:
            await _settle(page, settings)
            await _gather(page, art)
            if settings.axe and not await _accessibility(page, art, settings):
                await page.close()  # axe hung the page: the engine replaces a closed tab
                return art
        if screenshot is not None:
            await _screenshot(page, art, screenshot, settings)
        return art
    finally:
        art.console_errors = console[:100]
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)


async def _accessibility(page: Page, art: Artifacts, settings: RenderSettings) -> bool:
    """axe-core before the screenshot, so its rects match the picture; False if the tab hung."""
    from auditor.a11y import page_font_px, run_axe  # a11y builds on this module

    art.axe = await run_axe(page, time_limit_s=settings.axe_time_limit_s)
    if "error" in art.axe:
        art.errors["axe"] = art.axe["error"]
        return art.axe.get("page_usable") is not False
    try:
        art.main_font_px = await page_font_px(page)
    except PlaywrightError:
        art.main_font_px = 0.0
    return True


async def _navigate(page: Page, url: str, art: Artifacts, settings: RenderSettings) -> None:
    start = time.perf_counter()
    try:
        response = await page.goto(url, wait_until="load", timeout=settings.timeout_ms)
    except PlaywrightError as exc:
        art.load_error = _describe_navigation_error(str(exc), settings.timeout_ms)
        art.final_url = page.url if page.url != "about:blank" else ""
        art.load_ms = (time.perf_counter() - start) * 1000
        return
    art.load_ms = (time.perf_counter() - start) * 1000
    art.final_url = page.url
    if response is None:
        return
    art.status = response.status
    art.content_type = (await response.all_headers()).get("content-type", "")
    ctype = art.content_type.split(";")[0].strip().lower()
    if ctype and ctype not in ("text/html", "application/xhtml+xml", "text/plain"):
        art.load_error = f"返回的不是网页（Content-Type: {art.content_type}）"


def _describe_navigation_error(message: str, timeout_ms: int) -> str:
    first = message.strip().splitlines()[0] if message.strip() else message
    known = {
        "Timeout": f"超过 {timeout_ms // 1000} 秒未能打开",
        "ERR_NAME_NOT_RESOLVED": "域名无法解析（DNS）",
        "ERR_CONNECTION_REFUSED": "连接被拒绝",
        "ERR_CONNECTION_RESET": "连接被重置",
        "ERR_CONNECTION_TIMED_OUT": "连接超时",
        "ERR_CERT": "证书错误",
        "ERR_SSL": "TLS 握手失败",
        "ERR_ABORTED": "加载被中止（可能是下载文件而非网页）",
        "Download is starting": "返回的是下载文件而非网页",
        "ERR_TOO_MANY_REDIRECTS": "重定向次数过多",
        "ERR_EMPTY_RESPONSE": "服务器未返回任何数据",
        "ERR_INVALID_URL": "网址格式无效",
    }
    for key, text in known.items():
        if key in message:
            return f"{text}：{first}"
    return first


async def _settle(page: Page, settings: RenderSettings) -> None:
    """Wait until the DOM has been quiet for ``quiet_ms`` (bounded), for JS-written footers."""
    try:
        await page.evaluate(_SETTLE, [settings.quiet_ms, settings.settle_max_ms])
    except PlaywrightError:
        await asyncio.sleep(settings.quiet_ms / 1000)


async def _gather(page: Page, art: Artifacts) -> None:
    try:
        data = await page.evaluate(_gather_script())
    except PlaywrightError as exc:
        for name in ("meta", "header", "footer", "links", "images", "forms", "scripts"):
            art.errors[name] = f"页面数据采集失败：{exc}"
        return
    frames = [f for f in page.frames if f != page.main_frame]
    art.frames = [f.url for f in frames]
    for frame in frames[:10]:
        await _merge_frame(frame, data)
    parsed = Artifacts.from_dict({**data, "url": art.url})
    for name in (
        "title", "metas", "header", "footer", "headings", "info_blocks", "body_text",
        "links", "images", "forms", "scripts", "document_size", "list_items",
    ):  # fmt: skip
        setattr(art, name, getattr(parsed, name))


async def _merge_frame(frame: Frame, data: dict[str, Any]) -> None:
    """Add an iframe's links, images and footer, moved into main-document coordinates.

    Real sites put the whole footer in an iframe (石家庄), so its text must count.
    """
    try:
        element = await frame.frame_element()
        box = await element.bounding_box()
        if not box or box["width"] < 2 or box["height"] < 2:
            return
        sub = await frame.evaluate(_gather_script())
        scroll = await frame.page.evaluate("[window.scrollX, window.scrollY]")
    except PlaywrightError:
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


async def _screenshot(page: Page, art: Artifacts, path: Path, settings: RenderSettings) -> None:
    """Full-page screenshot, last, capped in height so giant pages stay bounded."""
    try:
        width, height = art.document_size if art.document_size[0] else settings.viewport
        height = max(1, min(int(height), settings.screenshot_max_height))
        await page.screenshot(
            path=str(path),
            full_page=True,
            clip={"x": 0, "y": 0, "width": max(1, int(width)), "height": height},
            timeout=10_000,
        )
        art.screenshot = path.name
    except PlaywrightError as exc:
        art.errors["screenshot"] = f"截图失败：{exc}"
