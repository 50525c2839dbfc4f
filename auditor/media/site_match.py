"""Do the accounts a website shows match the accounts list? (国办秘函〔2019〕19号 政务新媒体检查指标:
the site's 政务新媒体 entries must be the accounts the unit actually runs.)

Pure functions over saved page artifacts (JSON dicts as in ``p*.artifacts.json``) and the list's
accounts. An account the site *shows* is a decoded QR payload or a link whose host is a known
platform (``media_platforms.toml``) and whose address names an account (share buttons, posts
without their author, a platform's home page are not accounts). Addresses are compared by
:func:`account_key`: host aliases (weibo.com, weibo.cn, m.weibo.cn), ``u/123`` and ``123``, trailing
slashes and case of the host do not count.

A site belongs to the listed accounts whose 主办单位 (spaces ignored) equals the site's 主办单位 or
its 网站名称, or whose row gives the site's 网站标识码 (an extra column 网站标识码); when both name a
地区 and they differ, they do not belong together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from auditor.media.accounts import Account
from auditor.media.profile import platform_of, platforms_config

# Hosts that carry accounts but are not an adapter's host: a 公众号's QR says weixin.qq.com/r/….
HOST_PLATFORMS = {"weixin.qq.com": "weixin", "open.weixin.qq.com": "weixin"}
# First path parts of weibo addresses that name no account.
WEIBO_NOT_ACCOUNT = {
    "", "status", "detail", "share", "login", "signup", "search", "ttarticle", "tv", "sorry",
    "visitor", "hot", "a", "set", "home",
}  # fmt: skip
SHARE = re.compile(r"share|sharer|intent", re.I)
CODE_COLUMNS = ("网站标识码", "标识码")


@dataclass(frozen=True)
class Shown:
    """An account a site's page shows."""

    url: str
    platform: str
    ident: str  # "" when the address names the platform's account but cannot be compared
    how: str  # 二维码 or 链接
    page_url: str = ""
    label: str = ""
    screenshot: str = ""


@dataclass
class SiteShows:
    """One site: who runs it and the accounts its pages show."""

    name: str = ""
    sponsor: str = ""
    region: str = ""
    code: str = ""
    url: str = ""
    shown: list[Shown] = field(default_factory=list)


def _norm(text: str) -> str:
    return "".join(text.split())


def account_key(url: str) -> tuple[str, str] | None:
    """(platform, account id) for an account address, or None when it names no account.

    The id is "" for a 公众号 QR (weixin.qq.com/r/…), which cannot be compared with an article
    address. Generic pages are not accounts.
    """
    parts = urlsplit(url.strip() if "://" in url else "https://" + url.strip())
    host = (parts.hostname or "").lower()
    platform = HOST_PLATFORMS.get(host) or platform_of(f"https://{host}/")
    if platform == "generic" or not host:
        return None
    segs = [s for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    if any(SHARE.search(s) for s in segs[:1]) or "url" in query:
        return None  # a share button carries someone else's page
    if platform == "weibo":
        return _weibo(segs)
    if platform == "weixin":
        biz = (query.get("__biz") or [""])[0]
        if biz:
            return "weixin", biz.rstrip("=")
        return ("weixin", "") if host.endswith("weixin.qq.com") and segs[:1] == ["r"] else None
    if platform == "toutiao":
        if segs[:2] == ["c", "user"] and len(segs) > 2:
            return "toutiao", segs[-1]
        return None
    if platform == "bilibili":
        ok = host == "space.bilibili.com" and segs and segs[0].isdigit()
        return ("bilibili", segs[0]) if ok else None
    if platform == "app":
        found = re.search(r"\bid(\d+)", parts.path)
        app_id = (query.get("id") or query.get("pkgname") or [""])[0]
        ident = f"id{found[1]}" if found else app_id or (segs[-1] if segs else "")
        return ("app", ident) if ident else None
    return (platform, "/".join(segs)) if segs else None  # platforms added by the data file


def _weibo(segs: list[str]) -> tuple[str, str] | None:
    if segs[:1] in (["u"], ["profile"]) and len(segs) > 1:
        return "weibo", segs[1]
    if segs[:1] == ["p"] and len(segs) > 1:
        return "weibo", segs[1].removeprefix("100505")
    if segs[:1] == ["n"] and len(segs) > 1:
        return "weibo", "n/" + segs[1]
    if not segs or segs[0].lower() in WEIBO_NOT_ACCOUNT:
        return None
    return "weibo", segs[0].lower()


def shown_on_pages(pages: list[dict[str, Any]]) -> list[Shown]:
    """Accounts shown by the pages' decoded QR codes and platform links, each once."""
    seen: dict[tuple[str, str, str], Shown] = {}
    for page in pages:
        page_url = str(page.get("final_url") or page.get("url") or "")
        shot = str(page.get("screenshot") or "")
        for code in page.get("qr") or []:
            payload = str(code.get("payload") or "").strip()
            key = account_key(payload) if payload.startswith(("http://", "https://")) else None
            if key:
                label = str(code.get("caption") or "")
                item = Shown(payload, key[0], key[1], "二维码", page_url, label, shot)
                seen.setdefault((*key, payload if not key[1] else ""), item)
        for link in page.get("links") or []:
            href = str(link.get("href") or "")
            key = account_key(href) if href.startswith(("http://", "https://")) else None
            if key and link.get("visible", True) and not link.get("hidden"):
                label = str(link.get("text") or link.get("title") or link.get("alt") or "")
                item = Shown(href, key[0], key[1], "链接", page_url, label.strip(), shot)
                seen.setdefault((*key, href if not key[1] else ""), item)
    return list(seen.values())


def belongs(site: SiteShows, account: Account) -> bool:
    """The listed account is the site's unit's (see the module docstring)."""
    if site.region.strip() and account.region.strip() and site.region != account.region:
        return False
    unit = _norm(account.sponsor)
    if unit and unit in {_norm(site.sponsor), _norm(site.name)} - {""}:
        return True
    codes = {_norm(account.extra.get(c, "")) for c in CODE_COLUMNS} - {""}
    return bool(site.code.strip()) and _norm(site.code) in codes


def _platform_name(pid: str) -> str:
    return str(platforms_config()["platforms"].get(pid, {}).get("name", pid))


@dataclass(frozen=True)
class Mismatch:
    """One finding: on the listed account at ``index`` (None: the unit has no listed account)."""

    index: int | None
    site: str
    message: str
    data: dict[str, Any]


def compare(sites: list[SiteShows], accounts: list[Account]) -> list[Mismatch]:
    """Accounts a site shows that the list lacks, and listed accounts the site shows otherwise.

    A shown account that the list holds under another unit (a site showing its 上级's account) is
    neither. A missing account is told on the unit's listed account of the same platform (which
    the site then shows otherwise), else on the unit's first listed account, else with no account.
    """
    keys = [account_key(a.url) for a in accounts]
    listed = {k for k in keys if k}
    found: list[Mismatch] = []
    for site in sites:
        mine = [i for i, a in enumerate(accounts) if belongs(site, a)]
        keyed = {i: k for i in mine if (k := keys[i])}
        mine_keys = set(keyed.values())
        others = listed - mine_keys
        shown = [s for s in site.shown if (s.platform, s.ident) not in others]
        site_name = site.name or site.url
        told: set[int] = set()
        for i, key in keyed.items():
            same = [s for s in shown if s.platform == key[0] and s.ident and s.ident != key[1]]
            if not same or any(s.ident == key[1] for s in shown if s.platform == key[0]):
                continue
            told.add(i)
            for s in same:
                words = f"网站“{site_name}”的{s.how}指向{_platform_name(s.platform)}账号{s.url}"
                found.append(
                    Mismatch(
                        i,
                        site_name,
                        f"{words}，与清单所列账号地址{accounts[i].url}不一致"
                        f"{'' if (s.platform, s.ident) in listed else '，该账号未列入清单'}，待人工确认",
                        _data(site, s, accounts[i].url),
                    )
                )
        platforms_told = {keyed[i][0] for i in told}
        for s in shown:
            key = (s.platform, s.ident)
            if key in listed or s.platform in platforms_told:
                continue
            if not s.ident and any(k[0] == s.platform for k in mine_keys):
                continue  # a 公众号 QR next to a listed 公众号: cannot be compared
            where = next((i for i, k in keyed.items() if k[0] == s.platform), None)
            index = where if where is not None else (mine[0] if mine else None)
            label = f"“{s.label}”" if s.label else ""
            found.append(
                Mismatch(
                    index,
                    site_name,
                    f"网站“{site_name}”的{s.how}{label}展示了{_platform_name(s.platform)}账号"
                    f"{s.url}，该账号未列入政务新媒体清单，待人工确认",
                    _data(site, s, ""),
                )
            )
    return found


def _data(site: SiteShows, s: Shown, listed_url: str) -> dict[str, Any]:
    data = {"site": site.name or site.url, "site_url": site.url, "shown_url": s.url}
    data |= {"how": s.how, "page_url": s.page_url, "site_screenshot": s.screenshot}
    return data | ({"listed_url": listed_url} if listed_url else {})
