"""What a check is: a small pure function over artifacts, with metadata.

A check returns the problems it saw (empty list = pass), raises :class:`NotApplicable` when its
subject is absent, and never does I/O. :func:`run_check` turns its answer into :class:`Finding` s,
adding the check's metadata.

The decorator is the one home of a check's facts: id, short name, indicator, national role, rule
citation, the artifact fields it reads and its default points (the default scoring table is built
from them; a province's ``--scoring`` file may replace the numbers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditor.artifacts import Artifacts, Image, Link, TextBlock, failure_inside
from auditor.errors import describe
from auditor.gather import owner_of
from auditor.model import Finding, Outcome, PageType, Rect, Role, Severity, SiteSpec


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
SiteCheckFn = Callable[[list[Artifacts], SiteSpec], list[Problem]]
PER_UNITS = ("site", "page", "finding")


@dataclass(frozen=True)
class Scoring:
    """A check's default row in the scoring table (国办秘函〔2019〕19号 检查指标).

    ``points`` per unit (``per``: once per site, per failing page, per finding), at most ``cap``
    (default: ``points``); ``pages`` limits the page types that count; ``basis`` says where the
    numbers come from and ``verified`` whether the reference confirms them word for word.
    """

    points: float = 0.0
    cap: float | None = None
    per: str = "site"
    pages: tuple[PageType, ...] = ()
    verified: bool = False
    basis: str = ""

    def __post_init__(self) -> None:
        if self.per not in PER_UNITS:
            raise ValueError(f"per={self.per!r}: one of {PER_UNITS}")
        if not self.basis.strip():
            raise ValueError("a default score says where its numbers come from (basis)")


@dataclass(frozen=True)
class CheckInfo:
    """What every check states about itself, page and site checks alike."""

    id: str
    name: str  # short Chinese name (notices, filters), e.g. "ICP备案编号"
    indicator: str  # 指标 path in the scoring table, e.g. "功能设计/网站标识"
    role: Role  # 单项否决 / 扣分 / 参考, by default; the scoring table in use may say otherwise
    scoring: Scoring
    severity: Severity
    rule: str  # citation: reference section and source
    fn: Callable[..., Any]  # CheckFn, SiteCheckFn, MediaCheckFn or MediaListCheckFn

    @property
    def group(self) -> str:
        """The module the check lives in (footer, meta, …): spec files select checks by it."""
        return self.fn.__module__.rsplit(".", 1)[-1]

    @property
    def title(self) -> str:
        """The first line of the check's docstring: what the rule asks, in Chinese."""
        return (self.fn.__doc__ or self.id).strip().splitlines()[0]


@dataclass(frozen=True)
class Check(CheckInfo):
    requires: tuple[str, ...]  # artifact fields; a failed or skipped gatherer decides for it
    page_types: tuple[PageType, ...]


def check(
    *,
    id: str,
    name: str,
    indicator: str,
    role: Role,
    scoring: Scoring,
    severity: Severity,
    rule: str,
    requires: Sequence[str] = (),
    page_types: Sequence[PageType] = tuple(PageType),
) -> Callable[[CheckFn], Check]:
    """Decorate a check function; the result is listed explicitly in ``auditor.checks.ALL_CHECKS``."""

    def wrap(fn: CheckFn) -> Check:
        fields = fn, _known(id, requires), tuple(page_types)
        return Check(id, name, indicator, role, scoring, severity, rule, *fields)

    return wrap


def _known(check_id: str, requires: Sequence[str]) -> tuple[str, ...]:
    """The artifact fields a check reads: each must be one a registered gatherer fills."""
    for name in requires:
        try:
            owner_of(name)
        except KeyError:
            raise ValueError(f"{check_id}: requires {name!r}, which no gatherer fills") from None
    return tuple(requires)


def _finding(chk: CheckInfo, url: str, outcome: Outcome, message: str, **kw: Any) -> Finding:
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


def _outcomes(chk: CheckInfo, url: str, answer: Callable[[], list[Problem]]) -> list[Finding]:
    """Call a check and turn its answer (problems, NotApplicable, a crash) into findings."""
    try:
        problems = answer()
    except NotApplicable as exc:
        return [_finding(chk, url, Outcome.NOT_APPLICABLE, str(exc) or "不适用")]
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
    unjudgeable = _unjudgeable(chk, page)
    if unjudgeable:
        return [unjudgeable]
    return _outcomes(chk, page.url, lambda: chk.fn(page, site))


def skipped(chk: Check | SiteCheck, url: str) -> list[Finding]:
    """A check the configuration turned off: not_applicable, saying so (never a pass)."""
    return [_finding(chk, url, Outcome.NOT_APPLICABLE, "按配置跳过")]


def _unjudgeable(chk: Check, page: Artifacts) -> Finding | None:
    """The artifact contract: a check whose data failed says error, whose data was skipped says
    not_applicable; it never passes on data that was not gathered."""
    failed = {
        name: reason
        for name in chk.requires
        if (reason := page.errors.get(name) or failure_inside(getattr(page, name)))
    }
    if failed:
        reasons = "；".join(dict.fromkeys(failed.values()))
        data = {"gatherers": failed} | {
            "detail": {n: page.error_details[n] for n in failed if n in page.error_details}
        }
        return _finding(chk, page.url, Outcome.ERROR, f"无法判定：{reasons}", data=data)
    skipped = [owner_of(n) for n in chk.requires if owner_of(n).key in page.skipped]
    if skipped:
        message = f"本次检查按要求跳过了{skipped[0].label}（--skip {skipped[0].key}）"
        return _finding(chk, page.url, Outcome.NOT_APPLICABLE, message)
    return None


_TYPE_NAMES = {PageType.HOME: "首页", PageType.COLUMN: "栏目页", PageType.ARTICLE: "文章页"}


@dataclass(frozen=True)
class SiteCheck(CheckInfo):
    """A check over all audited pages of a site (aggregations such as the 栏目不更新 veto)."""


def site_check(
    *,
    id: str,
    name: str,
    indicator: str,
    role: Role,
    scoring: Scoring,
    severity: Severity,
    rule: str,
) -> Callable[[SiteCheckFn], SiteCheck]:
    def wrap(fn: SiteCheckFn) -> SiteCheck:
        return SiteCheck(id, name, indicator, role, scoring, severity, rule, fn)

    return wrap


def run_site_check(chk: SiteCheck, pages: list[Artifacts], site: SiteSpec) -> list[Finding]:
    """Run one site check; never raises (a buggy check is an ``error`` finding)."""
    loaded = [p for p in pages if p.loaded]
    if not loaded:
        return [_finding(chk, site.url, Outcome.NOT_APPLICABLE, "没有成功打开的页面")]
    return _outcomes(chk, site.url, lambda: chk.fn(loaded, site))


MediaCheckFn = Callable[[Any, Any, Any], list[Problem]]  # (Profile, Account, audit date)


@dataclass(frozen=True)
class MediaCheck(CheckInfo):
    """A check over one 政务新媒体 account's profile (国办秘函〔2019〕19号 政务新媒体检查指标)."""


def media_check(
    *,
    id: str,
    name: str,
    indicator: str,
    role: Role,
    scoring: Scoring,
    severity: Severity,
    rule: str,
) -> Callable[[MediaCheckFn], MediaCheck]:
    def wrap(fn: MediaCheckFn) -> MediaCheck:
        return MediaCheck(id, name, indicator, role, scoring, severity, rule, fn)

    return wrap


def run_media_check(chk: MediaCheck, profile: Any, account: Any, as_of: Any) -> list[Finding]:
    """Run one account check; never raises (a buggy check is an ``error`` finding)."""
    return _outcomes(chk, profile.url, lambda: chk.fn(profile, account, as_of))


MediaListCheckFn = Callable[[list[Any]], dict[int, list[Problem]]]  # accounts → index → problems


@dataclass(frozen=True)
class MediaListCheck(CheckInfo):
    """A check over the whole accounts list (one unit, one account per platform): its answer is
    keyed by the account's index in the list (国办发〔2018〕123号)."""


def media_list_check(
    *,
    id: str,
    name: str,
    indicator: str,
    role: Role,
    scoring: Scoring,
    severity: Severity,
    rule: str,
) -> Callable[[MediaListCheckFn], MediaListCheck]:
    def wrap(fn: MediaListCheckFn) -> MediaListCheck:
        return MediaListCheck(id, name, indicator, role, scoring, severity, rule, fn)

    return wrap


def run_media_list_check(chk: MediaListCheck, results: list[Any]) -> list[list[Finding]]:
    """Run one list check over ``results`` (each with ``.account`` and ``.profile``): the findings
    of each account, in list order; never raises (a buggy check is an ``error`` for every one)."""
    try:
        answer: dict[int, list[Problem]] = chk.fn(results)
    except NotApplicable as exc:  # the list as a whole is not this check's subject
        why = str(exc) or "不适用"
        return [[_finding(chk, r.profile.url, Outcome.NOT_APPLICABLE, why)] for r in results]
    except Exception as exc:  # a buggy check must not stop the run
        detail = {"detail": describe(exc)}
        message = "检查程序出错，本项无法判定"
        return [
            [_finding(chk, r.profile.url, Outcome.ERROR, message, data=detail)] for r in results
        ]
    return [_outcomes(chk, r.profile.url, _given(answer.get(n, []))) for n, r in enumerate(results)]


def _given(problems: list[Problem]) -> Callable[[], list[Problem]]:
    def answer() -> list[Problem]:
        return problems

    return answer
