"""Decide whether a page is a home, column (栏目/列表) or article (文章/内容) page.

The meta-tag rule differs by page type (国办发〔2017〕47号 网页设计规范), so the type must be right: meta tags
first (what the CMS says), then the URL (what the CMS generates), then the DOM's shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from auditor.artifacts import Artifacts
from auditor.model import PageType

ARTICLE_URL = re.compile(
    r"/art/\d{4}/|/t\d{8}_\d+|content_\d+|/\d{4}-?\d{2}/\d{2}/|/\d{6,8}/[\w-]+\.s?html?$|"
    r"/(?:art|article|content|detail|info|news)[_/-]?\w*\d{3,}|[?&](?:id|articleid|contentid)=\d+",
    re.I,
)
COLUMN_URL = re.compile(
    r"/col/col\d+|/(?:list|column|lanmu|channel)\b|/[a-z]+/index\.s?html?$|/[a-z0-9_]+/?$|"
    r"index_\d+\.s?html?$|[?&](?:columnid|channelid|catid)=\d+",
    re.I,
)
# A column by its URL alone only for the CMS's own column shapes: a bare folder (``/zwgk/``) is
# as often a department's home as a column.
STRONG_COLUMN_URL = re.compile(
    r"/col/col\d+|/(?:list|column|lanmu|channel)\b|index_\d+\.s?html?$|"
    r"[?&](?:columnid|channelid|catid)=\d+",
    re.I,
)
HOME_PATH = re.compile(r"^/?(?:(?:index|default|home|main)\.\w+)?$", re.I)
DATE_IN_LIST = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}|\[\d{2}-\d{2}\]")


@dataclass(frozen=True)
class TypeRules:
    """Per-site overrides: URL regexes that force a type (from --column-pattern/--article-pattern)."""

    column_pattern: str = ""
    article_pattern: str = ""

    def forced(self, url: str) -> PageType | None:
        if self.article_pattern and re.search(self.article_pattern, url):
            return PageType.ARTICLE
        if self.column_pattern and re.search(self.column_pattern, url):
            return PageType.COLUMN
        return None


def guess_from_url(url: str, rules: TypeRules = TypeRules()) -> PageType | None:
    forced = rules.forced(url)
    if forced:
        return forced
    path = urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else "")
    if ARTICLE_URL.search(path):
        return PageType.ARTICLE
    if COLUMN_URL.search(path):
        return PageType.COLUMN
    return None


def classify(art: Artifacts, *, is_home: bool, rules: TypeRules = TypeRules()) -> PageType:
    """The page's type; the site's start URL is always its home page."""
    if is_home:
        return PageType.HOME
    forced = rules.forced(art.final_url or art.url)
    if forced:
        return forced
    names = {m.name.lower() for m in art.metas if m.content.strip()}
    if names & {"articletitle", "pubdate", "contentsource"}:
        return PageType.ARTICLE
    if "columnname" in names:
        return PageType.COLUMN
    guessed = guess_from_url(art.final_url or art.url)
    if guessed:
        return guessed
    dated = len(DATE_IN_LIST.findall(art.body_text))
    has_info = any(re.search(r"发布(时间|日期)|来源[：:]", b.text) for b in art.info_blocks)
    if has_info and dated < 8:
        return PageType.ARTICLE
    return PageType.COLUMN


def classify_start(
    art: Artifacts, *, rules: TypeRules = TypeRules(), forced: PageType | None = None
) -> PageType:
    """The start URL's type: its home page unless it is clearly a column or an article page.

    A supervisor may start from any page (国办发〔2017〕47号 sets the meta tags by page type), so an
    article given as the start URL is judged as an article. "Clearly" means what the CMS says
    (ArticleTitle/PubDate/ContentSource, ColumnName), a forced pattern, an article URL or the CMS's
    column URL shapes, or an article's DOM; a site's root is always its home. ``forced``
    (``--page-type``) wins over all of it.
    """
    if forced is not None:
        return forced
    url = art.final_url or art.url
    split = urlsplit(url)
    if HOME_PATH.match(split.path) and not split.query:
        return PageType.HOME
    typed = rules.forced(url)
    if typed:
        return typed
    names = {m.name.lower() for m in art.metas if m.content.strip()}
    if names & {"articletitle", "pubdate", "contentsource"}:
        return PageType.ARTICLE
    if "columnname" in names:
        return PageType.COLUMN
    path = split.path + ("?" + split.query if split.query else "")
    if ARTICLE_URL.search(path):
        return PageType.ARTICLE
    if STRONG_COLUMN_URL.search(path):
        return PageType.COLUMN
    dated = len(DATE_IN_LIST.findall(art.body_text))
    has_info = any(re.search(r"发布(时间|日期)|来源[：:]", b.text) for b in art.info_blocks)
    if has_info and dated < 3:
        return PageType.ARTICLE
    return PageType.HOME
