"""Entries the checks and probes look for on a rendered page: 咨询建言 channels, the annual-report
link, the elderly-mode entry.

Pure readers over artifacts (no browser): the checks use them to judge, the probes to know what
to open (国办秘函〔2019〕19号 单项否决/互动回应差; 适老化入口; 国办函〔2018〕12号 年度报表). They sit beside ``extract`` so that loading
the checks never loads the browser side.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from auditor.artifacts import Artifacts, Link
from auditor.extract import freshness
from auditor.model import Rect

__all__ = [
    "ANNUAL_REPORT",
    "CHANNEL_WORDS",
    "ELDERLY_TEXT",
    "FONT_GAIN_PX",
    "NOT_CHANNEL",
    "TOOLBAR_SCRIPT",
    "annual_report_links",
    "channels",
    "find_elderly_entry",
    "search_query",
]

# -- 互动交流 ------------------------------------------------------------------------------------

CHANNEL_WORDS = re.compile(r"留言|咨询|信箱|建言|问政|民意|网民|我要写信|写信|互动交流|政民互动")
NOT_CHANNEL = re.compile(
    r"信访|举报|纪检|监察|检举"
)  # special channels, not 咨询建言 (国办秘函〔2019〕19号)
ANNUAL_REPORT = re.compile(r"(?:政府)?网站(?:工作)?年度报表|网站年报")


def channels(art: Artifacts) -> list[Link]:
    """Links to 咨询建言 channels (留言, 咨询, 信箱, 建言), not 信访/举报, same order as the page."""
    out = []
    for lk in art.links:
        label = lk.label
        is_channel = CHANNEL_WORDS.search(label) and not NOT_CHANNEL.search(label)
        if lk.href.startswith(("http://", "https://")) and is_channel:
            out.append(lk)
    return out


def annual_report_links(art: Artifacts) -> list[Link]:
    return [lk for lk in art.links if ANNUAL_REPORT.search(lk.label)]


# 办事服务 (国办秘函〔2019〕19号 单项否决/服务不实用：未提供办事服务); 街道“办事处” is an office, not a service.
SERVICE_WORDS = re.compile(
    r"办事服务|政务服务|办事指南|网上办事|在线办事|我要办|一网通办|办事(?!处)"
)


def service_links(art: Artifacts) -> list[Link]:
    """Links to 办事服务 (政务服务网, 办事指南, 网上办事), in page order."""
    return [
        lk
        for lk in art.links
        if lk.href.startswith(("http://", "https://")) and SERVICE_WORDS.search(lk.label)
    ]


def search_query(art: Artifacts) -> str:
    """A recent article title from the home page's lists, else the site name."""
    latest = freshness.newest(art)
    if latest and len(latest.title) >= 4:
        return latest.title[:30]
    name = art.meta_any_case("SiteName")
    return name.content.strip() if name else ""


# -- 长者版 / 无障碍 ---------------------------------------------------------------------------

# Link or button words of an elderly/accessible entry (国办公开办函〔2021〕28号 适老化与无障碍改造).
ELDERLY_TEXT = re.compile(r"长者版|关怀版|适老化|大字版|长辈版|老年版|无障碍")
_MODE_TEXT = re.compile(r"长者版|关怀版|适老化|大字版|长辈版|老年版")  # a separate elderly page
# The footer badge "适老化无障碍服务认证标识" and news headlines are not entries: entries are short.
_NOT_ENTRY = re.compile(r"认证|标识|通知|公告|建设|改造|工作|关于")
_MAX_ENTRY_CHARS = 12
TOOLBAR_SCRIPT = re.compile(r"govwza\.cn|/cniil/assist\.js|/(?:aria|assist)\.js(?:[?#]|$)", re.I)

FONT_GAIN_PX = 1.0  # "larger" = at least one CSS pixel more than the normal page's main text


def _is_entry(text: str) -> bool:
    text = re.sub(r"\s+", "", text or "")
    return (
        bool(text)
        and len(text) <= _MAX_ENTRY_CHARS
        and bool(ELDERLY_TEXT.search(text))
        and not _NOT_ENTRY.search(text)
    )


def _navigable(href: str, page_url: str) -> bool:
    if not href.startswith(("http://", "https://")):
        return False
    here = page_url.split("#", 1)[0]
    return href.split("#", 1)[0] != here


def _candidates(art: Artifacts) -> list[dict[str, Any]]:
    """Visible links, linked images and header text blocks whose words name an entry."""
    found: list[dict[str, Any]] = []

    def add(text: str, href: str, selector: str, rect: Rect | None) -> None:
        found.append(
            {
                "href": href,
                "text": text.strip(),
                "selector": selector,
                "rect": dataclasses.asdict(rect) if rect else None,
            }
        )

    for link in art.links:
        if not link.visible:
            continue
        text = next((t for t in (link.text, link.title, link.alt) if _is_entry(t)), None)
        if text is not None:
            add(text, link.href, link.selector, link.rect)
    for img in art.images:  # <a href="…/zzb/"><img alt="长者版"></a>
        text = next((t for t in (img.alt or "", img.title or "") if _is_entry(t)), None)
        if img.visible and text is not None:
            add(text, img.link_href, img.selector, img.rect)
    for block in art.header.blocks:  # a <button>无障碍</button> or <span onclick=…>
        if _is_entry(block.text):
            add(block.text, "", block.selector, block.rect)
    return found


def find_elderly_entry(art: Artifacts) -> dict[str, Any] | None:
    """The page's elderly-mode / accessibility entry, best first; ``None`` if it has none.

    Order: a link to a separate 长者版/关怀版 page; a 无障碍 link to another page; an assistive
    toolbar script; a 无障碍 control that only toggles a toolbar (``javascript:`` or ``#`` link,
    button). Returns ``{"kind": "link"|"toolbar-script"|"control", "href", "text", "selector",
    "rect"}`` with ``rect`` as a plain dict (document px) or ``None``.
    """
    here = art.final_url or art.url
    candidates = _candidates(art)
    navigable = [c for c in candidates if _navigable(c["href"], here)]
    if navigable:  # a separate 长者版 page first, then any other page the entry opens
        best = sorted(navigable, key=lambda c: not _MODE_TEXT.search(c["text"]))[0]
        return {"kind": "link", **best}
    for script in art.scripts:
        if script.src and TOOLBAR_SCRIPT.search(script.src.split("?", 1)[0] + "?"):
            return {
                "kind": "toolbar-script",
                "href": script.src,
                "text": "",
                "selector": f'script[src="{script.src}"]',
                "rect": None,
            }
    if candidates:
        return {"kind": "control", **candidates[0]}
    return None
