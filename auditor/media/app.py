"""政务客户端/APP: its download page — a package or app-store link that opens, the version date.

What a visitor can check without installing the app (国办秘函〔2019〕19号 政务新媒体检查：移动
客户端无法下载): the page offers an APK/IPA or an app-store link, that link answers (HEAD, or
GET when HEAD is refused; never POST), and the page states when the current version came out.
Link patterns and date labels live in ``auditor/data/media_platforms.toml``.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from playwright.async_api import Page

from auditor.browser.renderer import SiteSession
from auditor.errors import describe
from auditor.extract import freshness
from auditor.httpclient import http_client
from auditor.media.profile import Profile, State, detect_state, platforms_config, state_selectors

MAX_LINKS = 4  # download links tried per page


def version_date(text: str, labels: list[str], as_of: date) -> date | None:
    """The date written after a label such as 更新时间 (the newest when several are stated)."""
    found = []
    for label in labels:
        for m in re.finditer(rf"{re.escape(label)}\s*[:：]?\s*([^\n]{{0,20}})", text):
            when = freshness.parse_date(m.group(1), as_of)
            if when:
                found.append(when)
    return max(found, default=None)


class AppAdapter:
    """A 政务客户端's download page, rendered as a visitor sees it."""

    def __init__(self, platform: str = "app", timeout_s: float = 15.0) -> None:
        self.platform = platform
        self.spec: dict[str, Any] = platforms_config()["platforms"][platform]
        self.timeout_s = timeout_s

    async def read(self, session: SiteSession, url: str, shot: Path, as_of: date) -> Profile:
        profile = Profile(url=url, platform=self.platform, screenshot=shot.name, app=True)
        profile.interaction_visible = False  # its menus and 留言 are inside the app
        try:
            await session.with_tab(
                url, lambda page: self._read(session, page, profile, shot, as_of)
            )
        except Exception as exc:  # the site or the browser: no judgement either way
            profile.state = State.FAILED
            profile.detail = describe(exc)
        return profile

    async def _read(
        self, session: SiteSession, page: Page, profile: Profile, shot: Path, as_of: date
    ) -> None:
        response = await page.goto(profile.url, wait_until="load", timeout=self.timeout_s * 1000)
        if response is not None and response.status >= 400 and response.status != 404:
            profile.state, profile.detail = State.FAILED, f"HTTP {response.status}"
            return
        text = await page.inner_text("body")
        matched = [s for s in state_selectors() if await page.query_selector(s)]
        profile.state, profile.state_reason = detect_state(text, page.url, matched, self.platform)
        if response is not None and response.status == 404 and profile.state is State.OK:
            profile.state, profile.state_reason = State.GONE, "HTTP 404"
        profile.name = (await page.title()).strip()
        profile.version_date = version_date(text, self.spec.get("version_labels", []), as_of)
        hrefs: list[str] = await page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        patterns = self.spec.get("download_links", [])
        links = [page.url] if any(p in page.url for p in patterns) else []
        links += [h for h in dict.fromkeys(hrefs) if any(p in h for p in patterns)]
        hosts = session.renderer.options.resolve
        async with http_client(
            hosts, verify=False, follow_redirects=True, timeout=self.timeout_s
        ) as client:
            for link in links[:MAX_LINKS]:
                # the page's own host slot is already held by this tab: do not wait on it twice
                same = urlsplit(link).netloc == urlsplit(page.url).netloc
                async with contextlib.nullcontext() if same else session.renderer.polite(link):
                    profile.downloads[link] = await _reachable(session, client, link)
        await page.screenshot(path=str(shot), timeout=10_000)


async def _reachable(session: SiteSession, client: httpx.AsyncClient, link: str) -> str:
    """Whether the link opens ("ok") or why not: HEAD, then GET when HEAD is refused (reading
    only the headers, never the package)."""
    if not session.renderer.may_fetch(link):
        return "未检查（不允许访问该地址）"
    try:
        status = (await client.head(link)).status_code
        if status in (403, 405, 501):
            async with client.stream("GET", link) as streamed:
                status = streamed.status_code
        return "ok" if status < 400 else f"HTTP {status}"
    except (httpx.HTTPError, OSError) as exc:
        return describe(exc)
