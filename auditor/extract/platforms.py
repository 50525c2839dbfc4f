"""Government and platform hosts, and where a scanned code leads (pure reading, no judging).

The words printed next to a code tell where it should lead (“微信公众号” → a WeChat URL); the
host lists in ``data/platforms.toml`` say which hosts are which platform. The QR gatherer uses
this to know which URL to ask for; ``checks/qr_rules.py`` judges with it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "Platform",
    "Platforms",
    "Target",
    "has_word",
    "hints_of",
    "load_platforms",
    "src_suggests_qr",
    "target_of",
    "under",
]

# -- platform data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Platform:
    id: str
    name: str
    keywords: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    accepts_gov: bool = False
    accepts_any_platform: bool = False


@dataclass(frozen=True)
class Platforms:
    """The contents of ``platforms.toml`` (plus any user file merged in)."""

    platforms: tuple[Platform, ...]
    government: tuple[str, ...] = ()
    trusted: tuple[str, ...] = ()
    shorteners: tuple[str, ...] = ()
    cloud_storage: tuple[str, ...] = ()

    def get(self, pid: str) -> Platform | None:
        return next((p for p in self.platforms if p.id == pid), None)

    def names(self, ids: Iterable[str]) -> str:
        """Human names of platform ids, joined with “或”."""
        names = [p.name for i in ids if (p := self.get(i)) is not None]
        return "或".join(dict.fromkeys(names))


def load_platforms(extra: Path | str | dict[str, Any] | None = None) -> Platforms:
    """The packaged platform lists, extended by a user TOML file (or its parsed dict).

    Lists are appended to and tables merged, so a user file holds only what it adds.
    """
    data = _packaged()
    if extra is not None:
        more = (
            extra
            if isinstance(extra, dict)
            else tomllib.loads(Path(extra).read_text(encoding="utf-8"))
        )
        data = _merge(data, more)
    return _build(data)


@cache
def _packaged_text() -> str:
    return resources.files("auditor.data").joinpath("platforms.toml").read_text(encoding="utf-8")


def _packaged() -> dict[str, Any]:
    return tomllib.loads(_packaged_text())


def _merge(base: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in more.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        else:
            out[key] = value
    return out


def _build(data: dict[str, Any]) -> Platforms:
    platforms = tuple(
        Platform(
            id=pid,
            name=str(p.get("name", pid)),
            keywords=tuple(p.get("keywords", ())),
            hosts=tuple(h.lower().strip(".") for h in p.get("hosts", ())),
            schemes=tuple(s.lower() for s in p.get("schemes", ())),
            accepts_gov=bool(p.get("accepts_gov", False)),
            accepts_any_platform=bool(p.get("accepts_any_platform", False)),
        )
        for pid, p in data.get("platforms", {}).items()
    )
    hosts = data.get("hosts", {})

    def suffixes(key: str) -> tuple[str, ...]:
        return tuple(h.lower().strip(".") for h in hosts.get(key, ()))

    return Platforms(
        platforms,
        suffixes("government"),
        suffixes("trusted"),
        suffixes("shorteners"),
        suffixes("cloud_storage"),
    )


# -- labels ----------------------------------------------------------------------------------


def hints_of(text: str, platforms: Platforms) -> tuple[str, ...]:
    """Platform ids the label names, in data-file order.

    A catch-all label (“扫码”) counts only when nothing more specific is named: “微信扫码关注”
    is a WeChat code.
    """
    if not text:
        return ()
    found = [p for p in platforms.platforms if any(has_word(text, k) for k in p.keywords)]
    specific = [p for p in found if not p.accepts_any_platform]
    return tuple(p.id for p in (specific or found))


def has_word(text: str, keyword: str) -> bool:
    if keyword.isascii():
        return re.search(rf"(?<![A-Za-z]){re.escape(keyword)}(?![a-z])", text, re.I) is not None
    return keyword in text


_QR_SRC = re.compile(r"ewm|erweima|qr[-_]?code|qrcode|二维码|(?:^|[/_-])qr\d*(?:[._-]|$)", re.I)


def src_suggests_qr(src: str) -> bool:
    """File names such as ewm_wx.png, weixin_qrcode.jpg, QR1.png."""
    if src.startswith("data:"):
        return False
    return _QR_SRC.search(urlsplit(src).path.rsplit("/", 1)[-1]) is not None


@dataclass(frozen=True)
class Target:
    """Where a payload leads."""

    kind: str  # platform, gov, site, trusted, shortener, cloud, other, text
    url: str = ""  # the URL to fetch ("" for custom schemes and text)
    host: str = ""
    platform: str = ""  # platform id when kind == "platform"


_HOSTLIKE = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)+(?::\d+)?(?:[/?#]|$)", re.I)


def target_of(payload: str, platforms: Platforms, site_host: str = "") -> Target:
    """Classify a decoded payload by scheme and host."""
    text = payload.strip()
    if _HOSTLIKE.match(text):
        text = "http://" + text  # most scanners open "www.x.gov.cn/…" as a web address
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return Target("text")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") and host:
        kind, platform = _host_kind(host, platforms, site_host)
        return Target(kind, text, host, platform)
    if scheme and not re.fullmatch(r"[a-z]", scheme):  # "c:\…" is a path, not a scheme
        for p in platforms.platforms:
            if scheme in p.schemes:
                return Target("platform", "", host, p.id)
    return Target("text", "", host)


def _host_kind(host: str, platforms: Platforms, site_host: str) -> tuple[str, str]:
    try:
        uhost = host.encode("ascii").decode("idna") if "xn--" in host else host
    except UnicodeError:
        uhost = host
    if site_host and under(host, site_host.lower()):
        return "site", ""
    if any(under(h, s) for h in (host, uhost) for s in platforms.government):
        return "gov", ""
    for p in platforms.platforms:
        if any(under(host, s) for s in p.hosts):
            return "platform", p.id
    for kind, suffixes in (
        ("trusted", platforms.trusted),
        ("shortener", platforms.shorteners),
        ("cloud", platforms.cloud_storage),
    ):
        if any(under(host, s) for s in suffixes):
            return kind, ""
    return "other", ""


def under(host: str, suffix: str) -> bool:
    """``host`` is ``suffix`` or one of its subdomains."""
    return host == suffix or host.endswith("." + suffix)
