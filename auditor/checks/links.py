"""链接可用性: every link, image and attachment on the page must open (国办秘函〔2019〕19号 链接可用性).

The HTTP work is done before the checks, once per URL per run, by ``auditor.gather.links.LinkChecker``;
its plain results sit in ``Artifacts.link_status``. This check only judges them and points each
bad URL at the element that shows it, so the evidence outlines that link on the screenshot.
The national rules count home-page link errors apart from inner pages', so every finding carries
``on_home_page`` and the page's totals.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.artifacts import Artifacts, Image, Link
from auditor.checks.base import NotApplicable, Problem, Scoring, check, problem
from auditor.checks.link_rules import judge_link
from auditor.extract.links import BLOCKED, ERROR, is_attachment, normalize_url
from auditor.model import PageType, Role, Severity, SiteSpec

_LABEL_CHARS = 30


@check(
    id="link-health",
    name="链接可用",
    indicator="功能设计/可用性",
    role=Role.DEDUCT,
    scoring=Scoring(
        points=0.5,
        cap=4,
        per="finding",
        verified=False,
        basis="国办秘函〔2019〕19号 扣分指标/可用性/链接可用性；每处 0.5、最多 4（未核实）（监测平台厂商规则另有“每个扣0.1%”的算法）",
    ),
    severity=Severity.MODERATE,
    rule="国办秘函〔2019〕19号 扣分指标/可用性/链接可用性：页面链接、图片、附件须可访问：状态码 ≥400、"
    "超过 15 秒无响应、DNS 失败即为错链断链，首页单独计数",
    requires=("links", "images", "link_status"),
)
def link_health(page: Artifacts, site: SiteSpec) -> list[Problem]:
    """页面上的链接、图片和附件须能正常访问（无错链、断链、软404）。"""
    if not page.link_status:
        raise NotApplicable("本页未进行链接检查")
    judged = {url: _judged(r) for url, r in page.link_status.items() if not r.get("skipped")}
    bad = {url: r for url, r in judged.items() if r.get("kind")}
    if not bad:
        return []
    reviews = {url for url, r in bad.items() if _is_review(r)}
    totals: dict[str, Any] = {
        "page_checked_total": len(judged),
        "page_broken_total": len(bad) - len(reviews),
        "page_review_total": len(reviews),
        "page_kind_counts": dict(Counter(str(r["kind"]) for r in bad.values())),
    }
    elements = _elements_by_url(page)
    problems = []
    for url, r in bad.items():
        element = _first_shown(elements.get(normalize_url(url) or url, []))
        problems.append(
            problem(
                f"{_label(element, url)}（{url}）{r.get('reason') or r['kind']}",
                at=element,
                region=element.region if element else "",
                review=url in reviews,
                kind=r["kind"],
                url=url,
                status=r.get("status"),
                final_url=r.get("final_url", url),
                redirects=list(r.get("redirects") or []),
                on_home_page=page.page_type == PageType.HOME,
                **totals,
            )
        )
    return problems


def _judged(r: dict[str, Any]) -> dict[str, Any]:
    """The stored observation with its kind and reason judged by the current rules."""
    kind, reason = judge_link(r)
    return {**r, "kind": kind, "reason": reason}


def _is_review(result: dict[str, Any]) -> bool:
    """Blocked links (the browser was blocked too) and the checker's own errors need a person."""
    return result["kind"] == BLOCKED or (
        result["kind"] == ERROR and bool(result.get("internal_error"))
    )


def _elements_by_url(page: Artifacts) -> dict[str, list[Link | Image]]:
    """Every link and image, grouped by the URL the checker used for it (fragment dropped)."""
    out: dict[str, list[Link | Image]] = {}
    elements: list[Link | Image] = [*page.links, *page.images]
    for el in elements:
        key = normalize_url(el.href if isinstance(el, Link) else el.src)
        if key:
            out.setdefault(key, []).append(el)
    return out


def _first_shown(elements: list[Link | Image]) -> Link | Image | None:
    """The first element drawn on the page (so the evidence can outline it), else the first one."""
    for el in elements:
        if el.visible and el.rect is not None and el.rect.width > 0 and el.rect.height > 0:
            return el
    return elements[0] if elements else None


def _label(element: Link | Image | None, url: str) -> str:
    """“链接“政策文件””, “附件“年度报告””, “图片“头图””: what a reader would call the element."""
    if isinstance(element, Image):
        name = (element.alt or element.title or "").strip()
        return f"图片“{_cut(name)}”" if name else "图片"
    noun = "附件" if is_attachment(url) else "链接"
    name = element.label if element else ""
    return f"{noun}“{_cut(name)}”" if name else noun


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…"
