"""个人信息泄露: ID, mobile and bank card numbers published without de-identification.

国办发〔2017〕47号 信息发布 and 《个人信息保护法》: a government page or its attachment must not
publish resident ID numbers, mobile numbers with names or bank card numbers in full. A leak is a
candidate for the 国办秘函〔2019〕19号 单项否决 (安全、泄密事故等严重问题); whether it is one is an
office's call, so every finding is ``review`` and none fails on its own.

Reads the page's visible text (title and ``body_text``) and what the attachments gatherer
recorded (``Artifacts.attachments``, masked). Every message, snippet and data value is masked.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from auditor.artifacts import Artifacts, Link, TextBlock
from auditor.checks.base import Problem, Scoring, check, problem
from auditor.extract.personal import KINDS, NAMES, Scanner, mask_text, scan_text
from auditor.model import Rect, Role, Severity, SiteSpec

_UNREAD = ("too-large", "encrypted", "unreadable", "no-text", "failed")
_KIND_WORDS = {
    "id": "未去标识化的身份证号码",
    "phone": "与姓名一同出现的手机号码",
    "card": "银行卡号",
}
assert set(_KIND_WORDS) == set(NAMES)


@check(
    id="personal-data",
    name="个人信息泄露",
    indicator="单项否决/安全、泄密事故等严重问题",
    role=Role.VETO,
    scoring=Scoring(
        basis="国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题；"
        "公开个人信息是否属于此项由检查单位人工认定",
    ),
    severity=Severity.CRITICAL,
    rule="国办发〔2017〕47号 信息发布、《个人信息保护法》：不得公开未去标识化的身份证号码、"
    "手机号码、银行卡号；国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题（待人工认定）",
    requires=("attachments",),
)
def personal_data(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面及其附件不得公开未经去标识化处理的身份证号码、手机号码、银行卡号等个人信息。"""
    problems = []
    text = scan_text(f"{page.title}\n{page.body_text}", this_year=_year(page))
    if text.tally.total:
        at = _element_holding(page, text)
        problems.append(
            _masked(
                problem(
                    f"页面正文公开了{_what(text.tally.counts, text.tally.examples)}，"
                    "请人工确认是否泄露个人信息",
                    at=at,
                    region="" if at and at.rect else "page",
                    review=True,
                    kind="page-text",
                    url=page.final_url or page.url,
                    **text.tally.to_dict(),
                )
            )
        )
    attachments = page.attachments or {}
    for item in attachments.get("items", []):
        found = _attachment(item, page)
        if found:
            problems.append(found)
    unchecked = attachments.get("unchecked", 0)
    if unchecked:
        problems.append(
            problem(
                f"页面另有{unchecked}个附件超出本次检查的数量上限，未检查，"
                "请人工确认其中是否公开了个人信息",
                region="page",
                review=True,
                kind="attachments-unchecked",
                unchecked=unchecked,
            )
        )
    return problems


def _attachment(item: dict[str, Any], page: Artifacts) -> Problem | None:
    """One attachment's finding: what it publishes, or why it could not be read; else None."""
    name = item.get("name") or item.get("url", "")
    link = _link_to(page, item.get("href", ""))
    common: dict[str, Any] = {
        "at": link,
        "region": "" if link and link.rect else "page",
        "review": True,
        "url": item.get("url", ""),
        "name": name,
    }
    status = item.get("status")
    counts = item.get("counts") or {}
    if status == "scanned" and sum(counts.values()):
        locations = item.get("locations") or []
        where = ""
        if locations:
            where = locations[0]["where"] + ("等处" if sum(counts.values()) > 1 else "")
        message = (
            f"附件《{name}》{where}公开了{_what(counts, item.get('examples') or {})}，"
            "请人工确认是否泄露个人信息"
        )
        data: dict[str, Any] = {
            k: item.get(k) for k in ("counts", "examples", "locations", "format")
        }
        return _masked(problem(message, kind="attachment", **common, **data))
    if status in _UNREAD:
        reason = str(item.get("reason") or "无法读取").removeprefix("附件")
        message = f"附件《{name}》{reason}，请人工确认其中是否公开了个人信息"
        facts = {k: item[k] for k in ("format", "size", "detail") if k in item}
        return _masked(problem(message, kind="attachment-unread", status=status, **common, **facts))
    if status == "scanned" and item.get("truncated"):
        message = f"附件《{name}》内容过多，只检查了前一部分，请人工确认其余部分是否公开了个人信息"
        return _masked(problem(message, kind="attachment-partial", **common))
    return None


def _what(counts: dict[str, int], examples: dict[str, list[str]]) -> str:
    """``3个未去标识化的身份证号码（如110105********1234）、…`` (masked examples only)."""
    parts = []
    for kind in KINDS:
        if counts.get(kind):
            example = (examples.get(kind) or [""])[0]
            shown = f"（如{example}）" if example else ""
            parts.append(f"{counts[kind]}个{_KIND_WORDS[kind]}{shown}")
    return "、".join(parts)


def _element_holding(page: Artifacts, scanner: Scanner) -> TextBlock | Link | None:
    """The first drawn element whose text holds one of the numbers found."""
    items = [
        TextBlock(
            text=str(d.get("text", "")),
            selector=str(d.get("selector", "")),
            rect=Rect.from_dict(d.get("rect")),
        )
        for d in page.list_items
    ]
    elements: list[TextBlock | Link] = [*page.headings, *page.info_blocks, *items, *page.links]
    for element in elements:
        if element.rect and scanner.holds(element.text):
            return element
    return None


def _link_to(page: Artifacts, href: str) -> Link | None:
    if not href:
        return None
    drawn = [link for link in page.links if link.href == href]
    return next((link for link in drawn if link.rect), drawn[0] if drawn else None)


def _masked(found: Problem) -> Problem:
    """No full number in what a report prints: message, snippet, data."""
    return dataclasses.replace(
        found,
        message=mask_text(found.message),
        snippet=mask_text(found.snippet),
        data=_mask_data(found.data),
    )


def _mask_data(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _mask_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_data(v) for v in value]
    return value


def _year(page: Artifacts) -> int:
    """The audit's year: an ID born after it is no ID."""
    for stamp in (page.as_of, page.gathered_at):
        if stamp[:4].isdigit():
            return int(stamp[:4])
    return date.today().year
