"""Dates in lists, column classes and ages: the facts behind 首页不更新 / 栏目不更新 / 空白栏目.

Pure functions over artifacts. All ages are computed against an audit date (``--as-of``, stored
on the artifacts) so a run can be reproduced later (国办秘函〔2019〕19号 单项否决：首页不更新、栏目不更新).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from auditor.artifacts import Artifacts, TextBlock
from auditor.model import Rect

_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_MONTH_DAY = re.compile(r"(?<![\d-])(\d{1,2})-(\d{1,2})(?![\d-])")


@dataclass(frozen=True)
class ColumnClass:
    id: str
    name: str
    max_age_days: int
    keywords: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Item:
    """A dated (or undated) entry of a list, where it is drawn."""

    title: str
    when: date | None
    block: TextBlock
    container: str = ""  # the row's parent: rows sharing it form one list
    region: str = ""  # "header" when drawn in the page's header, else ""
    nav: bool = False  # inside a menu or side navigation


@cache
def _config() -> dict[str, Any]:
    text = resources.files("auditor.data").joinpath("columns.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def classes() -> tuple[ColumnClass, ...]:
    return tuple(
        ColumnClass(c["id"], c["name"], c["max_age_days"], tuple(c["keywords"]), c["source"])
        for c in _config()["classes"]
    )


def empty_markers() -> tuple[str, ...]:
    return tuple(_config()["empty"]["markers"])


def veto_thresholds() -> dict[str, int]:
    return dict(_config()["veto"])


def audit_date(art: Artifacts) -> date:
    """The audit date: ``as_of`` when given, else the day the page was rendered."""
    for value in (art.as_of, art.gathered_at[:10]):
        try:
            return date.fromisoformat(value)
        except ValueError:
            continue
    return date.today()


def parse_date(text: str, as_of: date) -> date | None:
    """``2026-11-20``, ``2026/11/20``, ``2026年11月20日``, ``[11-20]`` (year inferred)."""
    m = _FULL.search(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m = _MONTH_DAY.search(text)
    if m:
        try:
            when = date(as_of.year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
        # A month-day after the audit date belongs to last year's list.
        return when if when <= as_of else when.replace(year=as_of.year - 1)
    return None


def items(art: Artifacts) -> list[Item]:
    as_of = audit_date(art)
    out = []
    for raw in art.list_items:
        block = TextBlock(
            text=raw.get("text", ""),
            selector=raw.get("selector", ""),
            rect=Rect.from_dict(raw.get("rect")),
            snippet="",
        )
        when = parse_date(raw.get("date_text", ""), as_of) if raw.get("date_text") else None
        where = str(raw.get("region", ""))
        out.append(
            Item(
                raw.get("title", ""), when, block, raw.get("list", ""), where, bool(raw.get("nav"))
            )
        )
    return out


def entries(art: Artifacts) -> list[Item]:
    """Rows of the page's own lists: not in its header, not in a menu."""
    return [i for i in items(art) if i.region != "header" and not i.nav and i.title.strip()]


def main_list(art: Artifacts) -> list[Item]:
    """The page's largest list: the most rows under one container (a column page's 信息列表)."""
    lists: dict[str, list[Item]] = {}
    for item in entries(art):
        lists.setdefault(item.container, []).append(item)
    return max(lists.values(), key=len, default=[])


def dated(art: Artifacts) -> list[Item]:
    """Entries with a date not after the audit date (a future date is no proof of freshness)."""
    as_of = audit_date(art)
    return [i for i in items(art) if i.when and i.when <= as_of]


def newest(art: Artifacts) -> Item | None:
    found = dated(art)
    return max(found, key=lambda i: i.when or date.min) if found else None


def column_name(art: Artifacts) -> str:
    meta = art.meta_any_case("ColumnName")
    if meta and meta.content.strip():
        return meta.content.strip()
    for h in art.headings:
        if 2 <= len(h.text) <= 12:
            return h.text
    return art.title.split("_")[0].split("-")[0].strip()[:20]


def column_class(art: Artifacts) -> ColumnClass:
    """The column's function from ColumnName, ColumnType and its title (first match wins)."""
    column_type = art.meta_any_case("ColumnType")
    words = column_name(art) + " " + (column_type.content if column_type else "")
    found = next(
        (c for c in classes() if not c.keywords or any(k in words for k in c.keywords)),
        classes()[-1],
    )
    days = art.column_windows.get(found.id)  # the province's own window (configuration file)
    return dataclasses.replace(found, max_age_days=days) if days else found


def is_empty_column(art: Artifacts) -> str:
    """Why the column is empty (国办秘函〔2019〕19号 空白栏目); "" when it is not.

    A placeholder (暂无信息, 建设中) with no dated entry; a list container drawn with no entry
    while the page has no list rows of its own (menus do not count); or no rows and no text.
    """
    for marker in empty_markers():
        if marker in art.body_text and len(dated(art)) == 0:
            return f"页面显示“{marker}”"
    if art.empty_lists and not entries(art) and not dated(art):
        return "栏目列表区域没有任何信息条目"
    if not art.list_items and len(_main_text(art)) < 30:
        return "栏目页没有任何信息条目"
    return ""


def _main_text(art: Artifacts) -> str:
    text = art.body_text
    for region in (art.header.text, art.footer.text):
        text = text.replace(region, "")
    return re.sub(r"\s+", "", text)


UNDATED_MIN_ROWS = 3  # a list: at least three rows in one container
TITLE_CHARS = 8  # an article's title; menu labels (要闻动态, 通知公告) are shorter


def undated_list(art: Artifacts) -> list[Item]:
    """The page's list when none of its rows shows a date (国办秘函〔2019〕19号：视为不更新).

    A list is at least three rows under one container outside header and menus, most of them
    titled like articles: a page of column names (网站地图, a navigation page) is no such list.
    Empty when the page shows a dated entry anywhere or has no list.
    """
    if any(i.when for i in items(art)):
        return []
    rows = main_list(art)
    titled = [i for i in rows if len(i.title.strip()) >= TITLE_CHARS]
    if len(rows) >= UNDATED_MIN_ROWS and 2 * len(titled) >= len(rows):
        return rows
    return []


def is_undated_list(art: Artifacts) -> bool:
    return bool(undated_list(art))


def age_days(item: Item, art: Artifacts) -> int:
    assert item.when is not None
    return (audit_date(art) - item.when).days


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def today() -> date:
    return datetime.now().date()
