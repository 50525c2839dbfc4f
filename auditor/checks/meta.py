"""网页标签: required ``<meta>`` tags by page type, their format and their agreement with the page
(国办发〔2017〕47号 网页设计规范 网页标签)."""

from __future__ import annotations

import re
from datetime import datetime
from difflib import SequenceMatcher
from urllib.parse import urlsplit

from auditor.artifacts import Artifacts, TextBlock
from auditor.checks.base import NotApplicable, Problem, Scoring, check, problem
from auditor.extract.page import (
    error_report_entries,
    is_valid_site_code,
    nospace,
    site_code,
    squash,
)
from auditor.model import PageType, Role, Severity, SiteSpec

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
REQUIRED: dict[PageType, tuple[str, ...]] = {
    PageType.HOME: SITE_TAGS,
    PageType.COLUMN: (*SITE_TAGS, "ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"),
    PageType.ARTICLE: (
        *SITE_TAGS, "ColumnName", "ColumnType", "ArticleTitle", "PubDate", "ContentSource",
    ),
}  # fmt: skip
PUBDATE_STRICT = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d$"
)
PUBDATE_LENIENT = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
)
_DATE_VALUE = (
    r"\s*[：:]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2})\s*[:：∶时]\s*(\d{2}))?"
)
# 发布时间 wins over a bare 日期/时间 (which may be a 成文日期 in an info table).
VISIBLE_DATES = (
    re.compile(r"发布(?:时间|日期)" + _DATE_VALUE),
    re.compile(r"(?<!成文)(?<!印发)(?:发文日期|时间|日期)" + _DATE_VALUE),
)
VISIBLE_SOURCE = re.compile(r"(?:信息)?来源\s*[：:]\s*([^\s|｜]+)")
META_ONLY = "page"  # meta tags are invisible: evidence shows the top of the page


@check(
    id="meta-tags",
    name="元数据标签",
    indicator="功能设计/页面标签",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=0.5,
        cap=2,
        per="page",
        verified=False,
        basis="国办发〔2017〕47号 网页设计规范 网页标签（未核实）；每页 0.5、最多 2（未核实）",
    ),
    severity=Severity.MODERATE,
    rule="国办发〔2017〕47号 网页设计规范：各类页面须设置网站、栏目、内容标签",
    requires=("metas",),
)
def meta_tags(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """按页面类型须有的 <meta> 标签齐全且非空（首页：网站类；栏目页：+栏目类；文章页：+内容类）。"""
    missing, empty, wrong_case = [], [], []
    for name in REQUIRED[page.page_type]:
        exact = page.meta(name)
        if exact is None:
            loose = page.meta_any_case(name)
            if loose is None:
                missing.append(name)
                continue
            wrong_case.append(f"{loose.name}→{name}")
            exact = loose.content
        if not exact.strip() or exact.strip().lower() == "null":
            empty.append(name)
    problems: list[Problem] = []
    kind = {PageType.HOME: "首页", PageType.COLUMN: "栏目页", PageType.ARTICLE: "文章页"}[
        page.page_type
    ]
    if missing or empty:
        parts = []
        if missing:
            parts.append("缺少 " + "、".join(missing))
        if empty:
            parts.append("内容为空 " + "、".join(empty))
        problems.append(
            problem(
                f"{kind}网页标签不全：{'；'.join(parts)}（应有 {'、'.join(REQUIRED[page.page_type])}）",
                region=META_ONLY,
                missing=missing,
                empty=empty,
                page_type=str(page.page_type),
            )
        )
    if wrong_case:
        problems.append(
            problem(
                f"网页标签名称大小写不规范：{'、'.join(wrong_case)}",
                region=META_ONLY,
                review=True,
                wrong_case=wrong_case,
            )
        )
    return problems


@check(
    id="meta-format",
    name="元数据格式",
    indicator="功能设计/页面标签",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=0.5,
        cap=1,
        per="page",
        verified=False,
        basis="国办发〔2017〕47号 网页设计规范 网页标签格式（未核实）；每页 0.5、最多 1（未核实）",
    ),
    severity=Severity.MODERATE,
    rule="国办发〔2017〕47号 网页设计规范 网页标签：SiteIDCode、SiteDomain、PubDate 格式",
    requires=("metas",),
)
def meta_format(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """SiteIDCode 格式正确；SiteDomain 含当前主机（不带协议）；PubDate 为 YYYY-MM-DD HH:MM[:SS] （晚于检查时间的见 forged-date）。"""
    problems: list[Problem] = []
    code = _meta(page, "SiteIDCode")
    if code and not is_valid_site_code(code.strip()):
        problems.append(
            problem(
                f"SiteIDCode“{code}”格式错误（应为10位数字或 bm+8位数字）",
                region=META_ONLY,
                found=code,
            )
        )
    domain = _meta(page, "SiteDomain")
    if domain:
        problems += _domain_problems(domain, page)
    pub = _meta(page, "PubDate")
    if pub is not None and pub.strip():
        problems += _pubdate_problems(pub, page)
    if code is None and domain is None and pub is None:
        raise NotApplicable("页面没有 SiteIDCode、SiteDomain、PubDate 标签（缺失见 meta-tags）")
    return problems


def _meta(page: Artifacts, name: str) -> str | None:
    exact = page.meta(name)
    if exact is not None:
        return exact
    loose = page.meta_any_case(name)
    return loose.content if loose else None


def _domain_problems(domain: str, page: Artifacts) -> list[Problem]:
    host = (urlsplit(page.final_url or page.url).hostname or "").lower()
    entries = [e for e in re.split(r"[,，;；\s]+", domain.strip()) if e]
    hosts = [
        re.sub(r"^https?://", "", e, flags=re.I).split("/")[0].split(":")[0].lower()
        for e in entries
    ]
    problems: list[Problem] = []
    if any(re.match(r"^https?://", e, re.I) for e in entries):
        problems.append(
            problem(
                f"SiteDomain“{domain}”带有协议前缀（应只写域名）",
                region=META_ONLY,
                review=True,
                found=domain,
            )
        )
    if host and host not in hosts:
        problems.append(
            problem(
                f"SiteDomain“{domain}”不包含当前域名“{host}”",
                region=META_ONLY,
                expected=host,
                found=domain,
            )
        )
    return problems


def _pubdate_problems(pub: str, page: Artifacts) -> list[Problem]:
    value = pub.strip()
    if "∶" in value or "：" in value:
        return [
            problem(
                f"PubDate“{value}”使用了非 ASCII 冒号（“∶”或“：”），应为 YYYY-MM-DD HH:MM",
                region=META_ONLY,
                found=value,
            )
        ]
    if not PUBDATE_LENIENT.match(value):
        return [
            problem(
                f"PubDate“{value}”格式错误（应为 YYYY-MM-DD HH:MM）", region=META_ONLY, found=value
            )
        ]
    try:
        datetime.strptime(value[:16], "%Y-%m-%d %H:%M")
    except ValueError:
        return [problem(f"PubDate“{value}”不是有效日期", region=META_ONLY, found=value)]
    return []


@check(
    id="meta-consistency",
    name="元数据一致",
    indicator="功能设计/页面标签",
    role=Role.INFO,
    scoring=Scoring(per="page", verified=True, basis="数据质量项，不计分"),
    severity=Severity.MINOR,
    rule="国办发〔2017〕47号 网页设计规范 网页标签与页面一致：标识码一致（标签=底部=找错 sitecode）；ArticleTitle≈可见标题；PubDate=可见发布时间；ContentSource=可见来源",
    requires=("metas", "footer"),
)
def meta_consistency(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """网页标签与页面可见内容一致：标识码、标题、发布时间、来源。"""
    problems = _code_problems(page, site)
    if page.page_type is PageType.ARTICLE:
        problems += _title_problems(page) + _date_problems(page) + _source_problems(page)
    return problems


def _code_problems(page: Artifacts, site: SiteSpec) -> list[Problem]:
    sources: dict[str, str] = {}
    meta_code = (_meta(page, "SiteIDCode") or "").strip().lower()
    if meta_code:
        sources["SiteIDCode 标签"] = meta_code
    shown = site_code(page)
    if shown:
        sources["底部网站标识码"] = shown.value
    entries = [e for e in error_report_entries(page) if e.sitecode]
    if entries:
        sources["找错入口 sitecode"] = entries[0].sitecode.lower()
    if site.code:
        sources["报送标识码"] = site.code.strip().lower()
    if len(set(sources.values())) <= 1:
        return []
    listing = "，".join(f"{k}为“{v}”" for k, v in sources.items())
    at = shown.block if shown else next((e.element for e in entries if e.element), None)
    return [problem(f"网站标识码不一致：{listing}", at=at, region="footer", found=sources)]


def _title_problems(page: Artifacts) -> list[Problem]:
    meta_title = squash(_meta(page, "ArticleTitle") or "")
    if not meta_title or not page.headings:
        return []
    best = max(page.headings, key=lambda h: _similarity(meta_title, h.text))
    if _similarity(meta_title, best.text) >= 0.9:
        return []
    # The visible title may not be in a heading-like element: then only a person can tell.
    unsure = (
        not best.snippet.lower().startswith(("<h1", "<h2"))
        or _similarity(meta_title, page.title) >= 0.9
    )
    return [
        problem(
            f"ArticleTitle“{meta_title[:60]}”与页面标题“{best.text[:60]}”不一致",
            at=best,
            review=unsure,
            expected=meta_title,
            found=best.text,
        )
    ]


def _similarity(a: str, b: str) -> float:
    """≥ 0.9 when the two titles read the same (punctuation, spaces and site suffixes aside)."""
    a, b = _PUNCT.sub("", a), _PUNCT.sub("", b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0 if min(len(a), len(b)) / max(len(a), len(b)) > 0.5 else 0.5
    return SequenceMatcher(None, a, b).ratio()


_PUNCT = re.compile(r"[\s\u00a0\u3000“”\"'‘’《》<>·•—–\-_|｜:：,，.。!！?？()（）\[\]【】]+")


def _visible(page: Artifacts, pattern: re.Pattern[str]) -> tuple[re.Match[str], TextBlock] | None:
    for block in page.info_blocks:
        m = pattern.search(squash(block.text))
        if m:
            return m, block
    return None


def _date_problems(page: Artifacts) -> list[Problem]:
    pub = (_meta(page, "PubDate") or "").strip().replace("∶", ":").replace("：", ":")
    seen = _visible(page, VISIBLE_DATES[0]) or _visible(page, VISIBLE_DATES[1])
    if not pub or not seen or not PUBDATE_LENIENT.match(pub):
        return []
    m, block = seen
    y, mo, d, hh, mm = m.groups()
    shown = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    if hh is not None:
        shown += f" {int(hh):02d}:{mm}"
    if pub[: len(shown)] == shown:
        return []
    return [
        problem(
            f"PubDate“{pub}”与页面显示的发布时间“{shown}”不一致",
            at=block,
            expected=pub,
            found=shown,
        )
    ]


def _source_problems(page: Artifacts) -> list[Problem]:
    source = squash(_meta(page, "ContentSource") or "")
    seen = _visible(page, VISIBLE_SOURCE)
    if not source or not seen:
        return []
    m, block = seen
    if nospace(m.group(1)) == nospace(source) or nospace(source) in nospace(block.text):
        return []
    return [
        problem(
            f"ContentSource“{source}”与页面显示的来源“{m.group(1)}”不一致",
            at=block,
            expected=source,
            found=m.group(1),
        )
    ]
