"""One concrete Chinese line per problem, as notices write them (各地检查通报的写法).

Notices name the problem and the fact, e.g. “部门动态栏目更新至2026年10月12日，已超过46天未更新”,
not a rule citation. Checks already write such messages (expected vs found); this module turns the
findings of one site into notice lines: the same problem on many pages becomes one line that says
where, dated facts are rebuilt from the finding's ``data``, and the “（应为…）” guidance the
site's own staff need is left to the HTML report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from auditor.checks import CHECKS_BY_ID
from auditor.model import Finding, Outcome, PageType, Role, SiteResult
from auditor.verdict import ScoringTable

__all__ = ["ProblemLine", "clean_text", "deciding_evidence", "problem_lines", "short_description"]

# XML 1.0 (docx, xlsx) cannot hold these; page text can contain them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_GUIDANCE = re.compile(r"（应[^（）]*）$|\(应[^()]*\)$")
_PAGE_NAMES = {PageType.HOME: "首页", PageType.COLUMN: "栏目页", PageType.ARTICLE: "文章页"}
_ROLE_ORDER = {Role.VETO: 0, Role.DEDUCT: 1, Role.INFO: 2}


@dataclass
class ProblemLine:
    """One notice line: what is wrong, where, and the evidence picture(s) that show it."""

    text: str
    check: str
    role: Role
    pages: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)  # run-relative PNG paths


def clean_text(text: str, limit: int = 300) -> str:
    """Page-derived text made safe for XML documents: no control characters, one line, clipped."""
    text = " ".join(_CONTROL.sub("", text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cn_date(iso: str) -> str:
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.year}年{d.month}月{d.day}日"


def _column_freshness(f: Finding) -> str | None:
    d = f.data
    if d.get("undated"):
        return f"{d.get('column', '')}栏目列表未标注发布日期，视为未更新"
    if "newest" in d and "age_days" in d:
        return f"{d.get('column', '')}栏目更新至{_cn_date(str(d['newest']))}，已超过{d['age_days']}天未更新"
    return None


def _homepage_freshness(f: Finding) -> str | None:
    d = f.data
    if "newest" in d and "age_days" in d:
        return f"首页信息更新至{_cn_date(str(d['newest']))}，已超过{d['age_days']}天未更新"
    return None


def _column_empty(f: Finding) -> str | None:
    d = f.data
    if d.get("column"):
        reason = f"（{d['reason']}）" if d.get("reason") else ""
        return f"{d['column']}栏目为空白栏目{reason}"
    return None


# Checks whose data gives a sharper sentence than the generic message.
_FORMATTERS: dict[str, Callable[[Finding], str | None]] = {
    "column-freshness": _column_freshness,
    "homepage-freshness": _homepage_freshness,
    "column-empty": _column_empty,
}


def _sentence(f: Finding) -> str:
    formatter = _FORMATTERS.get(f.check)
    text = formatter(f) if formatter else None
    if not text:
        text = _GUIDANCE.sub("", f.message.strip()) or f.message.strip() or f.check
    return clean_text(text)


def _where(pages: list[str], types: dict[str, PageType], home: str) -> str:
    """“首页” / “栏目页 /col/yw/” / “首页等3个页面”; empty for site-level findings."""
    pages = [p for p in pages if p]
    if not pages:
        return ""
    first = pages[0]
    kind = _PAGE_NAMES.get(types.get(first, PageType.COLUMN), "页面")
    if first in (home, "") or types.get(first) is PageType.HOME:
        label = "首页"
    else:
        path = urlsplit(first).path or "/"
        label = f"{kind} {clean_text(path, 80)}"
    return label if len(pages) == 1 else f"{label}等{len(pages)}个页面"


def problem_lines(
    site: SiteResult, table: ScoringTable | None = None, *, include_info: bool = False
) -> list[ProblemLine]:
    """The site's failing findings as notice lines: veto first, then deductions, each once."""
    types = {p.url: p.page_type for p in site.pages}
    grouped: dict[tuple[str, str], ProblemLine] = {}
    findings = [(f, True) for f in site.findings]
    findings += [(f, False) for p in site.pages for f in p.findings]
    for f, site_level in findings:
        if f.outcome is not Outcome.FAIL:
            continue
        rule = table.rules.get(f.check) if table else None
        role = rule.role if rule else f.role
        if role is Role.INFO and not include_info:
            continue
        text = _sentence(f)
        line = grouped.setdefault((f.check, text), ProblemLine(text, f.check, role))
        if not site_level and f.page_url not in line.pages:
            line.pages.append(f.page_url)
        if f.evidence and f.evidence not in line.evidence:
            line.evidence.append(f.evidence)
    lines = list(grouped.values())
    for line in lines:
        where = _where(line.pages, types, site.site.url)
        if where:
            line.text = f"{line.text}（{where}）"
    lines.sort(key=lambda ln: _ROLE_ORDER[ln.role])
    return lines


_SHORT = 60  # characters: a problem said as is in 附件3; longer ones are named and cut
_PICTURES = 2  # 附件3 shows at most the deciding pictures; the appendix has every one


def short_description(lines: list[ProblemLine]) -> str:
    """附件3's 问题描述: the problems in a few short sentences, one per check, veto first.

    Broken links are counted (“错链12处”), as notices write them; a short single problem is
    said as is; anything longer is the check's name, the first problem cut short and the count.
    Every problem stays whole in the Excel list and the site's evidence appendix.
    """
    by_check: dict[str, list[ProblemLine]] = {}
    for line in lines:
        by_check.setdefault(line.check, []).append(line)
    parts = [_phrase(check, group) for check, group in by_check.items()]
    return "；".join(parts) + ("。" if parts else "")


def _phrase(check_id: str, group: list[ProblemLine]) -> str:
    if check_id == "link-health":
        return f"错链{len(group)}处"
    first = group[0].text
    if len(group) == 1 and len(first) <= _SHORT:
        return first
    check = CHECKS_BY_ID.get(check_id)
    name = check.name if check else check_id
    count = f"等{len(group)}处" if len(group) > 1 else ""
    return f"{name}：{clean_text(first, _SHORT // 2)}{count}"


def deciding_evidence(lines: list[ProblemLine]) -> list[str]:
    """The pictures that decide the verdict: a failed veto's (only those, when a veto failed),
    else the first deductions'."""
    vetoed = any(ln.role is Role.VETO for ln in lines)
    role = Role.VETO if vetoed else Role.DEDUCT
    chosen = [ln.evidence[0] for ln in lines if ln.role is role and ln.evidence]
    return list(dict.fromkeys(chosen))[:_PICTURES]
