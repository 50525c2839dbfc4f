"""Platform adapters: an account's address → its :class:`Profile`, read as a visitor's browser sees it.

One small interface (:class:`Adapter`); the page-state words, selectors and JSON field names live
in ``auditor/data/media_platforms.toml`` so a user can follow a platform's markup change. No
private API is called and nothing is signed: the weibo adapter only reads the JSON answers the
platform's own page loads (国办秘函〔2019〕19号 政务新媒体检查：以公众可见内容为准).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from playwright.async_api import Page, Response

from auditor.browser.renderer import SiteSession
from auditor.errors import describe
from auditor.extract import freshness
from auditor.media.profile import (
    Post,
    Profile,
    State,
    detect_state,
    interaction_words,
    platforms_config,
    state_selectors,
)

SETTLE_S = 5.0  # after load, how long the page's own requests may take to arrive
OUTLINE_JS = """(needle) => {
  let best = null;
  for (const el of document.querySelectorAll('body *')) {
    if (!(el.innerText || '').includes(needle)) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.height) best = el;  // document order: the last match is the innermost
  }
  if (!best) return false;
  best.style.outline = '3px solid #e00';
  best.scrollIntoView({block: 'center'});
  return true;
}"""


class Adapter(Protocol):
    """Reads one platform's account page; never raises (a failure is ``State.FAILED``)."""

    platform: str

    async def read(self, session: SiteSession, url: str, shot: Path, as_of: date) -> Profile: ...


class GenericAdapter:
    """Any public page listing dated posts: the site renderer's dated-list reader finds them."""

    platform = "generic"

    async def read(self, session: SiteSession, url: str, shot: Path, as_of: date) -> Profile:
        profile = Profile(url=url, platform=self.platform, screenshot=shot.name)
        art = await session.render(url, shot)
        if not art.loaded:
            profile.state = State.FAILED
            profile.detail = art.load_error or f"HTTP {art.status}"
            return profile
        profile.state, profile.state_reason = detect_state(art.body_text, art.final_url or url)
        art.as_of = as_of.isoformat()
        profile.name = art.title.strip()
        hrefs = {raw.get("selector", ""): raw.get("href", "") for raw in art.list_items}
        profile.posts = [
            Post(i.when, i.title, hrefs.get(i.block.selector, ""))
            for i in freshness.items(art)
            if i.when and not i.nav and i.region != "header"
        ]
        profile.interaction = interaction_words(art.body_text)
        newest = freshness.newest(art)
        if newest and newest.block.rect and shot.exists():
            _outline_on(shot, newest.block.rect)
        return profile


class JsonAdapter:
    """Platforms whose timeline and profile arrive as JSON the page itself requests (微博, 今日头条,
    哔哩哔哩, 抖音, 快手): read those answers. Which answers, and which keys, the data file says."""

    def __init__(self, platform: str = "weibo", timeout_s: float = 15.0) -> None:
        self.platform = platform
        self.spec: dict[str, Any] = platforms_config()["platforms"][platform]
        self.timeout_s = timeout_s

    async def read(self, session: SiteSession, url: str, shot: Path, as_of: date) -> Profile:
        profile = Profile(url=url, platform=self.platform, screenshot=shot.name)
        try:
            await session.with_tab(url, lambda page: self._read(page, profile, shot, as_of))
        except Exception as exc:  # the site or the browser: no judgement either way
            profile.state = State.FAILED
            profile.detail = describe(exc)
        return profile

    async def _read(self, page: Page, profile: Profile, shot: Path, as_of: date) -> None:
        answers: list[asyncio.Task[Any]] = []

        def on_response(response: Response) -> None:
            if any(part in response.url for part in self.spec["json_urls"]):
                answers.append(asyncio.ensure_future(_json(response)))

        page.on("response", on_response)
        response = await page.goto(profile.url, wait_until="load", timeout=self.timeout_s * 1000)
        if response is not None and response.status >= 400 and response.status != 404:
            profile.state, profile.detail = State.FAILED, f"HTTP {response.status}"
            return
        with contextlib.suppress(Exception):
            await page.wait_for_load_state("networkidle", timeout=SETTLE_S * 1000)
        bodies = [b for b in await asyncio.gather(*answers) if b is not None]
        text = await page.inner_text("body")
        matched = [s for s in state_selectors() if await page.query_selector(s)]
        profile.state, profile.state_reason = detect_state(text, page.url, matched, self.platform)
        if response is not None and response.status == 404 and profile.state is State.OK:
            profile.state, profile.state_reason = State.GONE, "HTTP 404"
        if profile.state is State.OK and not bodies:
            # The timeline never arrived (a changed address, or a request the page could not
            # send): no posts read is not 零发布, so no judgement either way.
            profile.state = State.FAILED
            profile.detail = "页面未加载数据文件 json_urls 所列的任何数据"
        self.fill(profile, bodies, as_of)
        profile.interaction = sorted(set(interaction_words(text)) | set(_json_features(bodies)))
        latest = profile.latest(as_of)
        if latest and latest.text:
            with contextlib.suppress(Exception):
                await page.evaluate(OUTLINE_JS, latest.text[:12])
        await page.screenshot(path=str(shot), timeout=10_000)

    def fill(self, profile: Profile, bodies: list[Any], as_of: date) -> None:
        """The account and its posts from the JSON answers its page loaded."""
        post_keys, user_keys = self.spec["post_keys"], self.spec["user_keys"]
        seen: set[str] = set()

        def is_post(obj: dict[str, Any]) -> bool:
            return post_keys["date"] in obj and any(k in obj for k in post_keys["text"])

        def is_user(obj: dict[str, Any]) -> bool:
            named = _at(obj, user_keys["name"]) is not None
            return named and all(k in obj for k in user_keys.get("with", []))

        for obj in (o for body in bodies for o in _objects(body, inside=is_post)):
            if not is_post(obj):
                if is_user(obj):
                    _fill_user(profile, obj, user_keys)
                continue
            text = next(_plain(obj[k]) for k in post_keys["text"] if k in obj)
            ident = next((str(obj[k]) for k in post_keys["id"] if obj.get(k)), "")
            if ident and ident in seen:
                continue
            seen.add(ident)
            user = obj.get(self.spec.get("post_user", "user"))
            if not isinstance(user, dict):
                user = {}
            if _at(user, user_keys["name"]) is not None:
                _fill_user(profile, user, user_keys)
            uid = str(user.get("id", ""))
            link = self.spec["post_url"].format(uid=uid, id=ident) if ident else ""
            when = post_date(str(obj[post_keys["date"]]), as_of)
            profile.posts.append(Post(when, text, link))


class WeiboAdapter(JsonAdapter):
    """微博: the timeline and profile arrive as JSON the page itself requests."""

    def __init__(self, timeout_s: float = 15.0) -> None:
        super().__init__("weibo", timeout_s)


def _fill_user(profile: Profile, obj: dict[str, Any], keys: dict[str, Any]) -> None:
    """The account's facts from any user object; the first that states each fact wins.

    Keys may be dotted paths (``official.title``) or lists of them (the first that states a
    value); ``verified_values`` lists the values of the ``verified`` key that mean verified (else
    any true value does)."""
    profile.name = profile.name or str(_at(obj, keys["name"]))
    subject = str(_at(obj, keys.get("subject", "")) or "").strip()
    profile.subject = profile.subject or subject
    verified = _at(obj, keys.get("verified", ""))
    if profile.verified is None and verified is not None:
        allowed = keys.get("verified_values")
        profile.verified = verified in allowed if allowed is not None else bool(verified)
    followers = _at(obj, keys.get("followers", ""))
    if profile.followers is None and isinstance(followers, int):
        profile.followers = followers


def _at(obj: dict[str, Any], path: str | list[str]) -> Any:
    """``obj``'s value at a dotted key path, or None; of a list of paths, the first non-empty
    value (else the first one present: an empty 认证 text still says "not verified")."""
    if isinstance(path, list):
        values = [v for v in (_at(obj, p) for p in path) if v is not None]
        return next((v for v in values if v not in ("", 0)), values[0] if values else None)
    value: Any = obj
    for part in path.split(".") if path else []:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value if path else None


async def _json(response: Response) -> Any:
    with contextlib.suppress(Exception):
        return json.loads(await response.text())
    return None


def _objects(
    value: Any, inside: Callable[[dict[str, Any]], bool] = lambda _o: False
) -> list[dict[str, Any]]:
    """Every JSON object in ``value``, outermost first (cards → mblog), not looking into those
    ``inside`` accepts (a post's retweeted original is not the account's post)."""
    found: list[dict[str, Any]] = []
    stack = [value]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            found.append(item)
            if not inside(item):
                stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _json_features(bodies: list[Any]) -> list[str]:
    fields = platforms_config()["interaction"]["json_fields"]
    names = {
        "comments_count": "评论",
        "comment_count": "评论",
        "commentCount": "评论",
        "comment": "评论",
        "toolbar_menus": "私信/菜单",
    }
    return [names.get(f, f) for f in fields if any(f in o for b in bodies for o in _objects(b))]


_TAG = re.compile(r"<[^>]+>")


def _plain(value: Any) -> str:
    return re.sub(r"\s+", " ", _TAG.sub("", str(value))).strip()


_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_CHINA = timezone(timedelta(hours=8))


def post_date(text: str, as_of: date) -> date | None:
    """A post's time: Unix seconds or milliseconds (Beijing time: 今日头条 ``publish_time``,
    哔哩哔哩 ``created``, 抖音 ``create_time``, 快手 ``timestamp`` in ms), else 微博's written forms."""
    text = text.strip()
    if re.fullmatch(r"\d{9,13}", text):
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.fromtimestamp(seconds, _CHINA).date()
    return weibo_date(text, as_of)


def weibo_date(text: str, as_of: date) -> date | None:
    """微博's ``created_at``: ``Tue Feb 23 12:28:47 +0800 2021``, ``2013-03-03 20:58``, ``06-27``,
    ``刚刚``, ``5分钟前``, ``3小时前``, ``昨天 12:00``; relative ones count from the audit date."""
    text = text.strip()
    with contextlib.suppress(ValueError):
        return datetime.strptime(text, "%a %b %d %H:%M:%S %z %Y").date()
    if text.startswith(("刚刚",)) or text.endswith(("分钟前", "秒前", "小时前")) or "今天" in text:
        return as_of
    if text.startswith("昨天"):
        return as_of - timedelta(days=1)
    return freshness.parse_date(_CLOCK.sub("", text), as_of)


def _outline_on(shot: Path, rect: Any) -> None:
    """Outline the latest post on the page's screenshot (evidence of its date)."""
    from PIL import Image, ImageDraw

    with contextlib.suppress(OSError, ValueError):
        with Image.open(shot) as img:
            picture = img.convert("RGB")
        box = (rect.x - 3, rect.y - 3, rect.x + rect.width + 3, rect.y + rect.height + 3)
        ImageDraw.Draw(picture).rectangle(box, outline=(230, 0, 0), width=3)
        picture.save(shot)


def adapter_for(platform: str, timeout_s: float = 15.0) -> Adapter:
    """The adapter the data file names for ``platform`` (generic when it names none)."""
    kind = platforms_config()["platforms"].get(platform, {}).get("adapter", "generic")
    if kind == "app":
        from auditor.media.app import AppAdapter

        return AppAdapter(platform, timeout_s)
    if kind == "script":
        from auditor.media.article import ArticleAdapter

        return ArticleAdapter(platform, timeout_s)
    return JsonAdapter(platform, timeout_s) if kind == "json" else GenericAdapter()
