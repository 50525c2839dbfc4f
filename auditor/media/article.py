"""Accounts read from one public article page whose own script states its facts (微信公众号).

A 公众号's history list opens only inside the WeChat app; its public article page
(``mp.weixin.qq.com/s/…``) carries the publish time and the account's name in the page's inline
script (``var ct = "1700000000"``, ``var nickname = htmlDecode("…")``). The variable names and
selectors come from ``auditor/data/media_platforms.toml`` (国办秘函〔2019〕19号：以公众可见内容为准).
"""

from __future__ import annotations

import contextlib
import html
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from playwright.async_api import Page

from auditor.browser.renderer import SiteSession
from auditor.errors import describe
from auditor.extract import freshness
from auditor.media.profile import (
    Post,
    Profile,
    State,
    detect_state,
    platforms_config,
    state_selectors,
)

CHINA = timezone(timedelta(hours=8))  # publish times are stated for Beijing time
OUTLINE_JS = """(sel) => {
  const el = document.querySelector(sel);
  if (!el) return false;
  el.style.outline = '3px solid #e00';
  el.scrollIntoView({block: 'center'});
  return true;
}"""


def script_var(source: str, name: str) -> str:
    """The string (or number) an inline script assigns to ``var name``: ``"…"``, ``'…'``,
    ``htmlDecode("…")``, ``"" || "…"`` (the first non-empty one)."""
    statement = r"""((?:"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[^;\n'"])*)"""
    pattern = re.compile(rf"\bvar\s+{re.escape(name)}\s*=\s*" + statement)
    for m in pattern.finditer(source):
        for quoted in re.finditer(r"([\"'])((?:\\.|(?!\1).)*)\1|(\d{9,13})", m.group(1)):
            value = quoted.group(2) if quoted.group(3) is None else quoted.group(3)
            value = html.unescape(_unescape(value or "")).strip()
            if value:
                return value
    return ""


def _unescape(text: str) -> str:
    return re.sub(
        r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)",
        lambda m: (
            chr(int(m.group(1)[1:], 16))
            if m.group(1)[0] in "xu" and len(m.group(1)) > 1
            else m.group(1)
        ),
        text,
    )


def stated_date(value: str, as_of: date) -> date | None:
    """Unix seconds (or milliseconds) in Beijing time, else a written date."""
    if re.fullmatch(r"\d{9,13}", value):
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return datetime.fromtimestamp(seconds, CHINA).date()
    return freshness.parse_date(value, as_of)


class ArticleAdapter:
    """One article page: its publish time, title and account name, as its own script states."""

    def __init__(self, platform: str, timeout_s: float = 15.0) -> None:
        self.platform = platform
        self.spec: dict[str, Any] = platforms_config()["platforms"][platform]
        self.timeout_s = timeout_s

    async def read(self, session: SiteSession, url: str, shot: Path, as_of: date) -> Profile:
        profile = Profile(url=url, platform=self.platform, screenshot=shot.name)
        profile.interaction_visible = bool(self.spec.get("interaction_visible", True))
        try:
            await session.with_tab(url, lambda page: self._read(page, profile, shot, as_of))
        except Exception as exc:  # the site or the browser: no judgement either way
            profile.state = State.FAILED
            profile.detail = describe(exc)
        return profile

    async def _read(self, page: Page, profile: Profile, shot: Path, as_of: date) -> None:
        response = await page.goto(profile.url, wait_until="load", timeout=self.timeout_s * 1000)
        if response is not None and response.status >= 400 and response.status != 404:
            profile.state, profile.detail = State.FAILED, f"HTTP {response.status}"
            return
        source = await page.content()
        text = await page.inner_text("body")
        matched = [s for s in state_selectors() if await page.query_selector(s)]
        profile.state, profile.state_reason = detect_state(text, page.url, matched, self.platform)
        if response is not None and response.status == 404 and profile.state is State.OK:
            profile.state, profile.state_reason = State.GONE, "HTTP 404"
        unusable = [w for w in self.spec.get("unusable", []) if w in text]
        if unusable and profile.state is State.OK:  # the article is gone, not the account
            profile.state, profile.state_reason = State.FAILED, unusable[0]
            profile.detail = f"文章页显示“{unusable[0]}”，清单需换用该账号较新的文章地址"
        self.fill(profile, source, as_of)
        profile.name = profile.name or await _first_text(page, self.spec.get("name_selectors", []))
        title = await _first_text(page, self.spec.get("title_selectors", []))
        if profile.posts and not profile.posts[0].text and title:
            profile.posts[0] = Post(profile.posts[0].when, title, profile.url)
        for sel in self.spec.get("date_selectors", ["#publish_time"]):
            with contextlib.suppress(Exception):
                if await page.evaluate(OUTLINE_JS, sel):
                    break
        await page.screenshot(path=str(shot), timeout=10_000)

    def fill(self, profile: Profile, source: str, as_of: date) -> None:
        """Name, and the article as the account's latest post, from the page's inline script."""
        for var in self.spec.get("name_vars", []):
            profile.name = profile.name or script_var(source, var)
        when = None
        for var in self.spec.get("date_vars", []):
            value = script_var(source, var)
            when = stated_date(value, as_of) if value else None
            if when:
                break
        title = next(
            (t for t in (script_var(source, v) for v in self.spec.get("title_vars", [])) if t), ""
        )
        if when or title:
            profile.posts = [Post(when, title, profile.url)]


async def _first_text(page: Page, selectors: list[str]) -> str:
    for sel in selectors:
        with contextlib.suppress(Exception):
            el = await page.query_selector(sel)
            if el is None:
                continue
            value = (
                await el.get_attribute("content")
                if sel.startswith("meta")
                else await el.inner_text()
            )
            if value and value.strip():
                return value.strip()
    return ""
