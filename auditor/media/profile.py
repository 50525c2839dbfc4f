"""What an adapter reads from an account's public page: the facts the 政务新媒体 checks judge."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any


class State(StrEnum):
    """What a visitor sees at the account's address."""

    OK = "ok"
    GONE = "已注销或不存在"
    LOGIN = "需要登录"
    CAPTCHA = "出现验证码"
    FAILED = "无法打开"  # the page did not load: no judgement either way


@dataclass(frozen=True)
class Post:
    when: date | None
    text: str
    url: str = ""


@dataclass
class Profile:
    url: str
    platform: str  # platform id in media_platforms.toml
    state: State = State.OK
    name: str = ""
    subject: str = ""  # 认证主体 / verification text the platform shows
    verified: bool | None = None
    followers: int | None = None
    posts: list[Post] = field(default_factory=list)
    interaction: list[str] = field(default_factory=list)  # features seen (评论, 私信, …)
    # False when the page a visitor can open never shows them (a 公众号's menu and 留言 live
    # inside the WeChat app only): media-interaction is then review, not fail.
    interaction_visible: bool = True
    # 政务客户端/APP: judged by its download page (media-app-download), not by posts
    app: bool = False
    downloads: dict[str, str] = field(default_factory=dict)  # link → "ok" or why it failed
    version_date: date | None = None
    state_reason: str = ""  # the word, selector or address that decided the state
    screenshot: str = ""  # file name in the output folder
    detail: str = ""  # technical detail of a failure (never shown as a finding's message)

    def latest(self, as_of: date) -> Post | None:
        """The newest post dated on or before the audit date (a future date proves nothing)."""
        dated = [p for p in self.posts if p.when and p.when <= as_of]
        return max(dated, key=lambda p: p.when or date.min, default=None)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Profile:
        """A profile as :meth:`to_dict` wrote it (a cluster worker's result, a stored run)."""
        data = dict(d)
        data["state"] = State(data.get("state", State.OK.value))
        data["posts"] = [
            Post(_day(p.get("when")), p.get("text", ""), p.get("url", ""))
            for p in data.get("posts", [])
        ]
        data["version_date"] = _day(data.get("version_date"))
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["state"] = self.state.value
        data["version_date"] = self.version_date.isoformat() if self.version_date else None
        data["posts"] = [
            {**p, "when": p["when"].isoformat() if p["when"] else None} for p in data["posts"]
        ]
        return data


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@cache
def platforms_config() -> dict[str, Any]:
    text = resources.files("auditor.data").joinpath("media_platforms.toml").read_text("utf-8")
    return tomllib.loads(text)


def platform_of(url: str, listed: str = "") -> str:
    """The platform id for an account: by the address's host, else by the list's 平台 column."""
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    platforms: dict[str, Any] = platforms_config()["platforms"]
    for pid, spec in platforms.items():
        if any(host == h or host.endswith("." + h) for h in spec.get("hosts", [])):
            return pid
    for pid, spec in platforms.items():
        if listed.strip() and listed.strip() in spec.get("list_names", []):
            return pid
    return "generic"


def detect_state(
    text: str, final_url: str, selectors: list[str] | None = None, platform: str = ""
) -> tuple[State, str]:
    """The page's state from its words, matched selectors and final address (data file lists;
    a platform's own ``gone``/``captcha``/``login`` words are added to the common ones).

    Gone is decided first (a closed account's page may still offer a login button), then a
    captcha, then a login wall.
    """
    states = platforms_config()["states"]
    own = platforms_config()["platforms"].get(platform, {})
    matched = selectors or []
    for state, key in ((State.GONE, "gone"), (State.CAPTCHA, "captcha"), (State.LOGIN, "login")):
        for word in [*states.get(key, []), *own.get(key, [])]:
            if word in text:
                return state, word
        for sel in states.get(f"{key}_selectors", []):
            if sel in matched:
                return state, sel
        for part in states.get(f"{key}_urls", []):
            if part in final_url:
                return state, final_url
    return State.OK, ""


def state_selectors() -> list[str]:
    states = platforms_config()["states"]
    return [s for key in ("gone", "captcha", "login") for s in states.get(f"{key}_selectors", [])]


def interaction_words(text: str) -> list[str]:
    return [w for w in platforms_config()["interaction"]["words"] if w in text]
