"""Choose which same-site pages to audit after the home page.

A bounded, polite sample that covers every page type: column (list) pages from the navigation and
article pages from lists, alternating, deduplicated, never leaving the site's host.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urldefrag, urlsplit

from auditor.artifacts import Artifacts
from auditor.extract.page_type import TypeRules, guess_from_url
from auditor.model import PageType

SKIP_EXT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z|wps|et|ofd|jpe?g|png|gif|bmp|svg|mp4|mp3|apk|exe)$",
    re.I,
)


def normalize(url: str) -> str:
    return urldefrag(url)[0]


def same_site(url: str, home: str) -> bool:
    a, b = urlsplit(url), urlsplit(home)
    return a.scheme in ("http", "https") and a.hostname == b.hostname and a.port == b.port


def candidates(art: Artifacts, home: str, rules: TypeRules) -> dict[PageType, list[str]]:
    """Same-site links of ``art`` grouped by their likely page type, in page order."""
    out: dict[PageType, list[str]] = {PageType.COLUMN: [], PageType.ARTICLE: []}
    seen: set[str] = set()
    for lk in art.links:
        url = normalize(lk.href)
        if not url or url in seen or not same_site(url, home) or not lk.visible:
            continue
        if SKIP_EXT.search(urlsplit(url).path) or normalize(home) == url:
            continue
        seen.add(url)
        guessed = guess_from_url(url, rules)
        if guessed is None:
            guessed = PageType.COLUMN if len(lk.text) <= 8 else PageType.ARTICLE
        if guessed in out:
            out[guessed].append(url)
    return out


def plan(
    sources: Iterable[Artifacts], home: str, done: set[str], budget: int, rules: TypeRules
) -> list[str]:
    """Up to ``budget`` new URLs, alternating column and article candidates."""
    columns: list[str] = []
    articles: list[str] = []
    for art in sources:
        found = candidates(art, home, rules)
        columns += [u for u in found[PageType.COLUMN] if u not in columns]
        articles += [u for u in found[PageType.ARTICLE] if u not in articles]
    columns = [u for u in columns if u not in done]
    articles = [u for u in articles if u not in done]
    picked: list[str] = []
    while len(picked) < budget and (columns or articles):
        for pool in (columns, articles):
            if pool and len(picked) < budget:
                picked.append(pool.pop(0))
    return picked
