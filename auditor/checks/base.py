"""What a check is: a small pure function over artifacts, with metadata (STYLE.md §2).

A check returns the problems it saw (empty list = pass), raises :class:`NotApplicable` when its
subject is absent, and never does I/O. :func:`run_check` turns its answer into :class:`Finding` s,
adding the check's metadata and its national role from ``data/roles.toml``.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from auditor.artifacts import Artifacts, Image, Link, TextBlock
from auditor.errors import describe, first_line
from auditor.model import Finding, Outcome, PageType, Rect, Role, Severity, SiteSpec


class GathererError(RuntimeError):
    """The data a check reads says its gatherer failed; the message (Chinese) says why."""


class NotApplicable(Exception):  # noqa: N818 - reads as an outcome, like pytest.skip
    """The check's subject is absent from this page (e.g. PubDate on a home page)."""


@dataclass(frozen=True)
class Problem:
    """What a check saw wrong, before the runner adds the check's metadata."""

    message: str
    outcome: Outcome = Outcome.FAIL
    selector: str = ""
    snippet: str = ""
    rect: Rect | None = None
    region: str = ""
    data: dict[str, Any] = field(default_factory=dict)


Element = TextBlock | Link | Image


def problem(
    message: str,
    *,
    at: Element | None = None,
    region: str = "",
    review: bool = False,
    **data: Any,
) -> Problem:
    """A failing (or, with ``review``, inconclusive) observation, pointing at ``at`` if given."""
    return Problem(
        message=message,
        outcome=Outcome.REVIEW if review else Outcome.FAIL,
        selector=at.selector if at else "",
        snippet=at.snippet if at else "",
        rect=at.rect if at else None,
        region=region,
        data=data,
    )


def unjudged(message: str, *, at: Element | None = None, region: str = "", **data: Any) -> Problem:
    """The check could not judge (a probe it relies on failed): ``error``, never pass."""
    found = problem(message, at=at, region=region, **data)
    return dataclasses.replace(found, outcome=Outcome.ERROR)


CheckFn = Callable[[Artifacts, SiteSpec], list[Problem]]


@dataclass(frozen=True)
class Check:
    id: str
    indicator: str  # 指标 path, e.g. "扣分指标/网站标识/ICP备案编号"
    severity: Severity
    rule: str  # citation: reference section and source
    requires: tuple[str, ...]  # artifact names; a failed gatherer makes the check report error
    page_types: tuple[PageType, ...]
    fn: CheckFn

    @property
    def role(self) -> Role:
        return role_of(self.id)

    @property
    def title(self) -> str:
        return (self.fn.__doc__ or self.id).strip().splitlines()[0]


def check(
    *,
    id: str,
    indicator: str,
    severity: Severity,
    rule: str,
    requires: Sequence[str] = (),
    page_types: Sequence[PageType] = tuple(PageType),
) -> Callable[[CheckFn], Check]:
    """Decorate a check function; the result is listed explicitly in ``auditor.checks.ALL_CHECKS``."""

    def wrap(fn: CheckFn) -> Check:
        return Check(id, indicator, severity, rule, tuple(requires), tuple(page_types), fn)

    return wrap


@cache
def _roles() -> dict[str, dict[str, str]]:
    text = resources.files("auditor.data").joinpath("roles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["checks"]


def role_of(check_id: str) -> Role:
    return Role(_roles()[check_id]["role"])


def _finding(
    chk: Check | SiteCheck, url: str, outcome: Outcome, message: str, **kw: Any
) -> Finding:
    """A finding stamped with the check's metadata and national role."""
    return Finding(
        check=chk.id,
        outcome=outcome,
        severity=chk.severity,
        role=chk.role,
        indicator=chk.indicator,
        rule=chk.rule,
        page_url=url,
        message=message,
        **kw,
    )


def _outcomes(
    chk: Check | SiteCheck, url: str, answer: Callable[[], list[Problem]]
) -> list[Finding]:
    """Call a check and turn its answer (problems, NotApplicable, a crash) into findings."""
    try:
        problems = answer()
    except NotApplicable as exc:
        return [_finding(chk, url, Outcome.NOT_APPLICABLE, str(exc) or "不适用")]
    except GathererError as exc:
        return [_finding(chk, url, Outcome.ERROR, f"无法判定：{first_line(exc)}")]
    except Exception as exc:  # a buggy check must not stop the run
        message = "检查程序出错，本项无法判定"
        return [_finding(chk, url, Outcome.ERROR, message, data={"detail": describe(exc)})]
    if not problems:
        return [_finding(chk, url, Outcome.PASS, "通过")]
    return [
        _finding(
            chk,
            url,
            p.outcome,
            p.message,
            selector=p.selector,
            snippet=p.snippet,
            rect=p.rect,
            region=p.region,
            data=p.data,
        )
        for p in problems
    ]


def run_check(chk: Check, page: Artifacts, site: SiteSpec) -> list[Finding]:
    """Run one check on one page's artifacts; never raises."""
    if chk.id != "page-availability" and not page.loaded:
        message = "页面未能打开，见 page-availability"
        return [_finding(chk, page.url, Outcome.NOT_APPLICABLE, message)]
    if page.page_type not in chk.page_types:
        message = f"不适用于{_TYPE_NAMES[page.page_type]}"
        return [_finding(chk, page.url, Outcome.NOT_APPLICABLE, message)]
    failed = {name: page.errors[name] for name in chk.requires if name in page.errors}
    if failed:
        reasons = "；".join(dict.fromkeys(failed.values()))
        data = {"gatherers": failed} | {
            "detail": {n: page.error_details[n] for n in failed if n in page.error_details}
        }
        return [_finding(chk, page.url, Outcome.ERROR, f"无法判定：{reasons}", data=data)]
    return _outcomes(chk, page.url, lambda: chk.fn(page, site))


_TYPE_NAMES = {PageType.HOME: "首页", PageType.COLUMN: "栏目页", PageType.ARTICLE: "文章页"}


SiteCheckFn = Callable[[list[Artifacts], SiteSpec], list[Problem]]


@dataclass(frozen=True)
class SiteCheck:
    """A check over all audited pages of a site (aggregations such as the 栏目不更新 veto)."""

    id: str
    indicator: str
    severity: Severity
    rule: str
    fn: SiteCheckFn

    @property
    def role(self) -> Role:
        return role_of(self.id)


def site_check(
    *,
    id: str,
    indicator: str,
    severity: Severity,
    rule: str,
) -> Callable[[SiteCheckFn], SiteCheck]:
    def wrap(fn: SiteCheckFn) -> SiteCheck:
        return SiteCheck(id, indicator, severity, rule, fn)

    return wrap


def run_site_check(chk: SiteCheck, pages: list[Artifacts], site: SiteSpec) -> list[Finding]:
    """Run one site check; never raises (a buggy check is an ``error`` finding)."""
    loaded = [p for p in pages if p.loaded]
    if not loaded:
        return [_finding(chk, site.url, Outcome.NOT_APPLICABLE, "没有成功打开的页面")]
    return _outcomes(chk, site.url, lambda: chk.fn(loaded, site))
