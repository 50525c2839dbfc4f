"""暗链 and hijacking: links a visitor cannot see, planted to sell search ranking to gambling, porn or fraud sites
(国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题：发布或链接反动、暴力、色情等内容；内容被篡改).

Reads the page's links as rendered (``Artifacts.links``): their address, text, whether the
browser drew them (``visible``: not ``display:none``, ``visibility:hidden``, ``opacity:0`` or of
zero size, ``font-size:0`` included), whether a drawn link is still concealed (``hidden``: a
transparent ancestor, text in its background's colour, clipped to nothing) and where (a box left
of, above or right of the page is off-screen), covered by an opaque element (a picture, a filled
box; not a fixed bar) or inside a ``<marquee>`` too small to show it. Hidden menus, tabs, skip links and 友情链接
dropdowns are normal: a hidden link to the site itself, another government site, a platform or a
central media site is no finding, nor is a link to any host that is merely not drawn. When a
hidden link's words or address are those of gambling, porn or fraud sites
(``data/dark_links.toml``), it is a dark link and the 安全 veto fails; a labelled link to another
host that is drawn and then concealed (off the page, in its background's colour, clipped,
transparent), the way link farms hide, is shown for review.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from auditor.artifacts import Artifacts, Link
from auditor.checks.base import Problem, Scoring, check, problem
from auditor.extract.platforms import load_platforms, target_of, under
from auditor.model import Role, Severity, SiteSpec

FINE = ("site", "gov", "platform", "trusted")  # hidden links to these are menus, not dark links
_LABEL_CHARS = 30
_HOSTS_SHOWN = 5


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    host_words: tuple[str, ...]
    risky_tlds: tuple[str, ...]
    fine_hosts: tuple[str, ...]


@cache
def vocabulary() -> Vocabulary:
    data = tomllib.loads(
        resources.files("auditor.data").joinpath("dark_links.toml").read_text(encoding="utf-8")
    )
    return Vocabulary(
        tuple(data["words"]),
        tuple(w.lower() for w in data["host_words"]),
        tuple(data["risky_tlds"]),
        tuple(data["fine_hosts"]),
    )


@check(
    id="dark-links",
    name="暗链",
    indicator="单项否决/安全、泄密事故等严重问题",
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题：发布或链接反动、暴力、色情等内容",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号 单项否决：发布或链接反动、暴力、色情等内容，或内容被篡改（网站暗链），"
    "出现任意一种即单项否决",
    requires=("links",),
)
def dark_links(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面不得含有访问者看不到、指向赌博、色情、诈骗等网站的链接（暗链）。"""
    site_host = (urlsplit(page.final_url or page.url).hostname or "").lower()
    platforms = load_platforms()
    fine_hosts = vocabulary().fine_hosts
    problems = []
    unexplained: list[tuple[Link, str]] = []
    for link in page.links:
        if not link.href.lower().startswith(("http://", "https://")) or _shown(link, page):
            continue
        target = target_of(link.href, platforms, site_host)
        host = target.host
        if target.kind in FINE or any(under(host, fine) for fine in fine_hosts):
            continue
        why = _suspicion(link, host)
        if not why:
            if _concealed(link):
                unexplained.append((link, host))
            continue
        problems.append(
            problem(
                f"页面有访问者看不到（{_how_hidden(link)}）的链接{_label(link)}，"
                f"指向 {host}（{why}），属于暗链",
                at=link,
                region="" if link.rect else "page",
                url=link.href,
                host=host,
                kind="dark-link",
                hidden=_how_hidden(link),
                reason=why,
            )
        )
    if unexplained:
        problems.append(_for_review(unexplained))
    return problems


def _for_review(links: list[tuple[Link, str]]) -> Problem:
    """Hidden links to other hosts, nothing dark about them: one finding for a person to look at.

    A hidden 友情链接 dropdown lists dozens of institutions; one line per page, not one per link.
    """
    hosts = list(dict.fromkeys(host for _link, host in links))
    shown = "、".join(hosts[:_HOSTS_SHOWN]) + (
        f"等{len(hosts)}个网站" if len(hosts) > _HOSTS_SHOWN else ""
    )
    first = links[0][0]
    return problem(
        f"页面有{len(links)}个访问者看不到的链接指向非政府网站（{shown}），请人工确认是否为暗链",
        at=first,
        region="" if first.rect else "page",
        review=True,
        kind="hidden-external",
        urls=[link.href for link, _host in links],
        hosts=hosts,
    )


def _shown(link: Link, page: Artifacts) -> bool:
    """Seen by a visitor: drawn, not concealed, inside the page (not pushed off to a side)."""
    if not link.visible or link.hidden:
        return False
    rect = link.rect
    if rect is None:
        return False
    width = page.document_size[0] or page.viewport[0]
    return rect.right > 0 and rect.bottom > 0 and not (width and rect.x >= width)


def _concealed(link: Link) -> bool:
    """Drawn and then hidden on purpose (off the page, in its background's colour, clipped,
    transparent), with words to carry: how link farms hide. A menu, a tab or a 友情链接 dropdown
    is hidden by not being drawn at all (``display:none``, ``visibility:hidden``), and an empty
    anchor carries nothing."""
    labelled = bool(link.label)
    return labelled and (bool(link.hidden) or (link.visible and link.rect is not None))


_CONCEALED = {
    "transparent": "所在区域完全透明",
    "same-color": "文字颜色与背景相同",
    "clipped": "被裁剪为不可见",
    "covered": "被其他元素遮挡",
    "marquee": "位于极小的滚动字幕框中",
}


def _how_hidden(link: Link) -> str:
    if not link.visible:
        return "未显示或尺寸为零"
    return _CONCEALED.get(link.hidden, "位于页面可见范围之外")


def _suspicion(link: Link, host: str) -> str:
    """Why a hidden link is a dark link (Chinese), or "" when nothing says so."""
    vocab = vocabulary()
    text = f"{link.label} {link.href}"
    found = [w for w in vocab.words if w.lower() in text.lower()]
    if found:
        return f"链接文字或地址含“{'、'.join(found[:3])}”"
    address = link.href.lower()
    host_hit = [w for w in vocab.host_words if w in address]
    if host_hit:
        return f"地址含“{host_hit[0]}”"
    tld = host.rsplit(".", 1)[-1]
    if tld in vocab.risky_tlds:
        return f"使用高风险顶级域名 .{tld}"
    if _random_label(host):
        return "域名为随机字符"
    return ""


def _random_label(host: str) -> bool:
    """A registrable label like ``a8k3x9q``: letters and digits mixed at random, bought in bulk.

    Names with a number in them (``12377.cn``, ``hb12345``, ``5a-cloud``) are not random.
    """
    labels = host.split(".")
    if len(labels) < 2:
        return False
    label = labels[-3] if len(labels) >= 3 and labels[-2] in ("com", "net", "org") else labels[-2]
    kinds = ["d" if c.isdigit() else "a" if c.isalpha() else "-" for c in label]
    switches = sum(1 for a, b in itertools.pairwise(kinds) if "-" not in (a, b) and a != b)
    return len(label) >= 6 and switches >= 4


def _label(link: Link) -> str:
    text = link.label
    if not text:
        return ""
    return f"“{text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + '…'}”"


@check(
    id="cloaking",
    name="网页被劫持",
    indicator="单项否决/安全、泄密事故等严重问题",
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题：内容被篡改，链接色情等内容",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号 单项否决：对安全攻击（如页面被挂马、内容被篡改等）没有及时有效处置，"
    "或发布、链接色情等内容，出现任意一种即单项否决",
    requires=("self_navigation", "cloaking"),
)
def cloaking(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面打开后不得自动跳转到非政府网站；搜索引擎爬虫或手机访问首页时，不得看到与访问者不同的赌博、色情内容或被跳转到境外网站。"""
    asked = (urlsplit(page.url).hostname or "").lower()
    redirected = [page.final_url] if _host(page.final_url) not in ("", asked) else []
    visitor = {"key": "visitor", "who": "访问者"}
    problems = _sent_away(visitor, redirected + page.self_navigation, asked)
    if page.cloaking is None:
        return problems  # crawlers' view: fetched for home pages only
    site_host = _host(page.final_url or page.url)
    seen = f"{page.title} {page.body_text}".lower()
    failed = []
    for v in page.cloaking.get("variants", []):
        if v.get("error"):
            failed.append(f"{v['who']}：{v['error']}")
            continue
        found = f"{v.get('title', '')} {v.get('text', '')}".lower()
        planted = [w for w in vocabulary().words if w.lower() in found and w.lower() not in seen]
        if planted:
            problems.append(
                problem(
                    f"以{v['who']}身份访问首页时出现访问者看不到的“{'、'.join(planted[:3])}”等内容，"
                    "首页疑似被劫持",
                    region="page",
                    variant=v["key"],
                    words=planted,
                    kind="content",
                )
            )
            continue
        sent = [
            u for u in (*v.get("redirects", []), v.get("refresh"), v.get("script_location")) if u
        ]
        problems += _sent_away(v, sent, site_host)
    if failed and not problems and len(failed) == len(page.cloaking.get("variants", [])):
        problems.append(
            problem(
                f"无法以搜索引擎爬虫身份抓取首页（{'；'.join(failed)}），请人工确认首页是否被劫持",
                region="page",
                review=True,
                kind="unfetched",
            )
        )
    return problems


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def sent_away_from_government(url: str, site_host: str) -> bool:
    """``url`` leads off the site to a host that is not a government, platform or trusted one."""
    target = target_of(url, load_platforms(), site_host)
    return not (target.kind in FINE or any(under(target.host, f) for f in vocabulary().fine_hosts))


def _sent_away(v: dict[str, Any], urls: list[str], site_host: str) -> list[Problem]:
    """A visitor, crawler or phone sent to a host that is not the site, a government or a platform."""
    platforms = load_platforms()
    for url in urls:
        if not sent_away_from_government(url, site_host):
            continue
        target = target_of(url, platforms, site_host)
        why = _suspicion(Link(href=url), target.host)
        how = (
            f"页面打开后自动跳转到 {target.host}"
            if v["key"] == "visitor"
            else f"以{v['who']}身份访问首页时被跳转到 {target.host}"
        )
        which = "页面" if v["key"] == "visitor" else "首页"
        if why:
            message = f"{how}（{why}），{which}疑似被劫持"
        else:
            message = f"{how}（非政府网站），请人工确认{which}是否被劫持"
        return [
            problem(
                message, region="page", review=not why, variant=v["key"], url=url, kind="redirect"
            )
        ]
    return []
