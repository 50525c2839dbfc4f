"""What a page says: serious wording errors and forged publication dates
(国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题：1.出现严重表述错误 … 5.存在弄虚作假行为（如伪造发稿日期等）).

Both are veto items that a person confirms: a dictionary hit may be a quotation, a date may be a
typo. The checks say ``review`` with the words or the date outlined; an office promotes them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from auditor.artifacts import Artifacts, TextBlock
from auditor.checks.base import NotApplicable, Problem, Scoring, check, problem
from auditor.clock import BEIJING
from auditor.extract.freshness import audit_date, cn_date, parse_date
from auditor.model import Rect, Role, Severity, SiteSpec

VETO_ITEM = "单项否决/安全、泄密事故等严重问题"
# Around a hit, these say it is quoted to be corrected or refuted, not written as the page's own.
_CORRECTING = re.compile(
    r"所谓|误写|错写|写错|误作|错误表述|错误写法|更正|勘误|纠正|应为|改为|禁用|不得使用|不应使用"
)
_QUOTES = "“”\"'‘’「」『』《》"
_QUOTE_REACH = 12  # how far (characters) the opening and closing quote may be from the term


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=[〔〕\[\]年\-/.])")
_YEAR_REACH = 20  # a date or document number this close belongs to the same title or row


@check(
    id="serious-wording",
    name="严重表述错误",
    indicator=VETO_ITEM,
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题：1.出现严重表述错误",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号 单项否决：出现严重表述错误，即单项否决（2015年普查评分表："
    "网站出现严重错别字，例如将党和国家领导人姓名写错）；按表述错误词表比对，须人工确认",
    requires=("wording",),
)
def serious_wording(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面文字、标题和网页标签不得出现词表所列的严重表述错误（规范表述错写、领导人姓名职务错误、已撤销机构名称、禁用表述）。"""
    if page.wording is None:
        raise NotApplicable("未比对表述错误词表")
    published = _published(page)
    kept: dict[str, list[dict[str, Any]]] = {}
    for hit in page.wording.get("hits", []):
        if _quoted_correction(hit) or _before_it_was_wrong(hit, published):
            continue
        kept.setdefault(hit["wrong"], []).append(hit)
    marks = page.wording.get("marks", [])
    return [_finding(hits, marks) for hits in kept.values()]


def _finding(hits: list[dict[str, Any]], marks: list[dict[str, Any]]) -> Problem:
    first = hits[0]
    wrong, right = first["wrong"], first["right"]
    places = list(dict.fromkeys(h["where"] for h in hits))
    where = "、".join(places)
    count = f"{len(hits)}处" if len(hits) > 1 else ""
    should = f"应为“{right}”" if right else "不应使用"
    note = f"；{first['note']}" if first.get("note") else ""
    at = next((_block(m) for m in marks if m.get("phrase") == wrong), None)
    return problem(
        f"{where}出现“{wrong}”{count}，{should}（{first['category']}，依据：{first['source']}{note}），"
        "请人工确认是否为严重表述错误",
        at=at,
        region="" if at and at.rect else "page",
        review=True,
        kind=first["category"],
        wrong=wrong,
        right=right,
        where=places,
        count=len(hits),
        source=first["source"],
        list=first["list"],
        context=f"{first['before'][-15:]}【{wrong}】{first['after'][:15]}",
    )


def _block(mark: dict[str, Any]) -> TextBlock:
    rect = mark.get("rect")
    return TextBlock(
        text=mark.get("phrase", ""),
        selector=mark.get("selector", ""),
        rect=Rect(**rect) if rect else None,
        snippet=mark.get("snippet", ""),
    )


def _quoted_correction(hit: dict[str, Any]) -> bool:
    """“扫黑险恶”应为“扫黑除恶”, 所谓“台湾总统”: the page quotes the error to correct or refute it."""
    before, after = hit["before"], hit["after"]
    if "所谓" in before[-6:]:
        return True
    opens = any(q in before[-_QUOTE_REACH:] for q in _QUOTES)
    closes = any(q in after[:_QUOTE_REACH] for q in _QUOTES)
    if not (opens and closes):
        return False
    around = before + after
    return bool(_CORRECTING.search(around)) or bool(hit["right"] and hit["right"] in around)


def _before_it_was_wrong(hit: dict[str, Any], published: date | None) -> bool:
    """Named as it was then: in an article dated before the reform, as 原…, or next to an earlier
    year (a document number 〔2021〕3号, a list date 2021-05-06) in the same line."""
    since = hit.get("since")
    if not since:
        return False
    start = date.fromisoformat(since)
    if published and published < start:
        return True
    if hit["before"].endswith("原"):
        return True
    near = hit["before"][-_YEAR_REACH:] + hit["after"][:_YEAR_REACH]
    return any(int(y) < start.year for y in _YEAR.findall(near))


def _published(page: Artifacts) -> date | None:
    """The page's own publication date: its PubDate tag, else the 发布时间 line it shows."""
    as_of = audit_date(page)
    for text in [page.meta("PubDate") or "", *(b.text for b in page.info_blocks)]:
        when = _full_date(text, as_of)
        if when:
            return when
    return None


_FULL_DATE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
# Dates in addresses: /art/2020/5/12/…, /2020-05/12/…, /t20200512_123.html, /202005/…
_URL_DATES = (
    re.compile(r"/(20\d{2})[/-](\d{1,2})[/-](\d{1,2})/"),
    re.compile(r"/(20\d{2})/(\d{1,2})/"),
    re.compile(r"/t(20\d{2})(\d{2})(\d{2})_"),
    re.compile(r"/(20\d{2})(\d{2})/"),
)
REDATED_DAYS = 90  # shown date this much later than the address's own date: an old item re-dated
NEW_ITEM_DAYS = 14  # a "new" item: shown within the 2-week update window (单项否决/首页不更新)


@check(
    id="forged-date",
    name="伪造发稿日期",
    indicator=VETO_ITEM,
    role=Role.VETO,
    scoring=Scoring(
        verified=True,
        basis="国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题：5.存在弄虚作假行为（如伪造发稿日期等）",
    ),
    severity=Severity.CRITICAL,
    rule="国办秘函〔2019〕19号 单项否决：存在弄虚作假行为（如伪造发稿日期等），即单项否决；"
    "发布日期晚于检查时间，或新近日期的信息其网址日期早得多，须人工确认",
    requires=("metas", "info_blocks", "list_items"),
)
def forged_date(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """信息的发布日期不得晚于检查时间；新近日期的信息，其网址中的日期不应早得多（旧信息改日期充作更新）。"""
    now = _audit_time(page)
    today = now.date() if now else audit_date(page)
    return [*_article_dates(page, now), *_list_dates(page, today, own=_published(page))]


def _article_dates(page: Artifacts, now: datetime | None) -> list[Problem]:
    """The page's PubDate: not after the render, not a recent date on an old address."""
    pub = (page.meta("PubDate") or "").strip()
    when = _pubdate(pub)
    if not when or not now:
        return []
    if when > now:
        return [
            problem(
                f"网页标签 PubDate“{pub}”晚于检查时间 {now:%Y-%m-%d %H:%M}，疑似伪造发稿日期，请人工确认",
                region="page",
                review=True,
                kind="future",
                found=pub,
            )
        ]
    own = _url_date(page.final_url or page.url)
    if own and (now - when).days <= NEW_ITEM_DAYS and (when.date() - own).days > REDATED_DAYS:
        return [
            problem(
                f"文章发布日期为 {cn_date(when.date())}，但网址中的日期为 {cn_date(own)}，"
                "疑似将旧信息改为新日期，请人工确认",
                region="page",
                review=True,
                kind="redated",
                found=pub,
            )
        ]
    return []


def _list_dates(page: Artifacts, today: date, own: date | None) -> list[Problem]:
    """List entries dated after today, and new-dated entries whose address is much older.

    A row carrying the article's own publication date is its 发布时间 line, judged above."""
    future: list[dict[str, Any]] = []
    redated: list[dict[str, Any]] = []
    for raw in page.list_items:
        shown = _full_date(raw.get("date_text", ""), today)
        if not shown or shown == own:
            continue
        own = _url_date(raw.get("href", ""))
        if shown > today:
            future.append({**raw, "shown": shown})
        elif own and (today - shown).days <= NEW_ITEM_DAYS and (shown - own).days > REDATED_DAYS:
            redated.append({**raw, "shown": shown, "own": own})
    problems = []
    if future:
        first = future[0]
        problems.append(
            problem(
                f"列表中“{_title(first)}”{_more(future)}的日期 {cn_date(first['shown'])} "
                f"晚于检查日期 {cn_date(today)}，疑似伪造发稿日期，请人工确认",
                at=_item_block(first),
                review=True,
                kind="future",
                count=len(future),
                found=first.get("date_text", ""),
            )
        )
    if redated:
        first = redated[0]
        problems.append(
            problem(
                f"列表中“{_title(first)}”{_more(redated)}显示日期为 {cn_date(first['shown'])}，"
                f"但其网址中的日期为 {cn_date(first['own'])}，疑似将旧信息改为新日期，请人工确认",
                at=_item_block(first),
                review=True,
                kind="redated",
                count=len(redated),
                url=first.get("href", ""),
            )
        )
    return problems


def _more(entries: list[dict[str, Any]]) -> str:
    return f"等{len(entries)}条" if len(entries) > 1 else ""


def _audit_time(page: Artifacts) -> datetime | None:
    """The end of the audit date when one is set (``--as-of``), else when the page was rendered,
    on Beijing time (dates on the page are Beijing dates)."""
    if page.as_of:
        return datetime.combine(date.fromisoformat(page.as_of), datetime.max.time())
    try:
        when = datetime.fromisoformat(page.gathered_at)
    except ValueError:
        return None
    return (when.astimezone(BEIJING) if when.tzinfo else when).replace(tzinfo=None)


def _pubdate(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.replace("∶", ":").replace("：", ":")[:16], "%Y-%m-%d %H:%M")
    except ValueError:
        return None


def _full_date(text: str, as_of: date) -> date | None:
    """A date written with its year; ``11-20`` alone says nothing about the future."""
    return parse_date(text, as_of) if _FULL_DATE.search(text) else None


def _url_date(url: str) -> date | None:
    for pattern in _URL_DATES:
        m = pattern.search(url)
        if m:
            day = int(m[3]) if m.lastindex and m.lastindex >= 3 else 1
            try:
                return date(int(m[1]), int(m[2]), day)
            except ValueError:
                return None
    return None


def _title(raw: dict[str, Any]) -> str:
    title = " ".join(str(raw.get("title", "")).split())
    return title if len(title) <= 30 else title[:29] + "…"


def _item_block(raw: dict[str, Any]) -> TextBlock:
    return TextBlock(
        text=raw.get("text", ""),
        selector=raw.get("selector", ""),
        rect=Rect.from_dict(raw.get("rect")),
    )
