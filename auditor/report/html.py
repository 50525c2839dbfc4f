"""The run as Chinese HTML pages for the people who act on the findings: an index, a page per site.

``report.html`` lists the sites (地区, verdict, counts, what decided it) with a search box and
filters (地区, 结论, 问题 by the check's Chinese name); each site's pages, problems and evidence are
on ``sites/<序号>.html``, so a province's report opens fast and a site's page is small. Inline CSS,
no external assets; the only script is the index's search, which reads the page's own text.
Screenshots and evidence PNGs are linked by run-relative paths (thumbnails load lazily). Jinja
autoescaping is on: titles, messages and snippets come from the audited pages and must never
become markup. Filters and the full-size evidence view are pure CSS (``:has()``, ``:target``);
every class or id built from data is a slug or an index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from auditor.checks import CHECKS_BY_ID
from auditor.clock import beijing_time
from auditor.model import (
    Finding,
    Outcome,
    PageResult,
    PageType,
    Role,
    RunResult,
    Severity,
    SiteResult,
)
from auditor.notice.paragraph import overview_paragraphs
from auditor.notice.tables import NoticeData, SiteRow, build
from auditor.problems import site_problems
from auditor.report.json_report import atomic_write_text
from auditor.verdict import ScoringTable, default_table

SITES_DIR = "sites"  # site pages, named by their position in the run: digits only

__all__ = [
    "OUTCOME_LABELS",
    "PAGE_TYPE_LABELS",
    "REGION_LABELS",
    "ROLE_LABELS",
    "SEVERITY_LABELS",
    "SITES_DIR",
    "render_html",
    "render_site_pages",
    "render_template",
    "slug",
    "write_html",
]

OUTCOME_LABELS = {
    Outcome.FAIL: "不通过",
    Outcome.REVIEW: "需复核",
    Outcome.ERROR: "错误",
    Outcome.ACCEPTED: "已接受",
    Outcome.NOT_APPLICABLE: "不适用",
    Outcome.PASS: "通过",
}
SEVERITY_LABELS = {
    Severity.MINOR: "轻微",
    Severity.MODERATE: "一般",
    Severity.SERIOUS: "严重",
    Severity.CRITICAL: "致命",
}
ROLE_LABELS = {Role.VETO: "单项否决", Role.DEDUCT: "扣分", Role.INFO: "参考"}
PAGE_TYPE_LABELS = {PageType.HOME: "首页", PageType.COLUMN: "栏目页", PageType.ARTICLE: "文章页"}
REGION_LABELS = {"header": "页面头部", "footer": "页面底部", "page": "页面"}

# problems first by how much they matter: a failed veto item decides the verdict on its own
_OUTCOME_ORDER = {Outcome.FAIL: 0, Outcome.ERROR: 1, Outcome.REVIEW: 2, Outcome.ACCEPTED: 3}
_ROLE_ORDER = {Role.VETO: 0, Role.DEDUCT: 1, Role.INFO: 2}
SNIPPET_MAX = 400


@dataclass
class _SiteCounts:
    pages: int = 0
    failed: int = 0
    review: int = 0
    errors: int = 0


@dataclass
class _PageView:
    page: PageResult
    problems: list[Finding] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)


@dataclass
class _SiteView:
    """One site as the template shows it: counts, verdict, filter classes and page views."""

    site: SiteResult
    counts: _SiteCounts
    pages: list[_PageView]
    row: SiteRow
    classes: str  # filter classes: rg-N (region), v-pass|v-fail|v-none, c-<check> ...
    href: str  # the site's own page, relative to the index
    site_problems: list[Finding] = field(default_factory=list)


def write_html(
    run: RunResult,
    path: Path,
    table: ScoringTable | None = None,
    notice: NoticeData | None = None,
) -> None:
    """The index at ``path`` and one page per site in ``sites/`` beside it (each atomically).

    ``path`` should be inside the run directory: pictures are linked by run-relative paths.
    One page per site keeps the index small for a province (900 sites) and each site quick to
    open; site pages left over from an earlier report of the same folder are removed.
    """
    path = Path(path)
    report = build_report(run, table, notice)
    folder = path.parent / SITES_DIR
    written = set()
    for view in report.sites:
        target = path.parent / view.href
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, _render_site(report, view, index_href=f"../{path.name}"))
        written.add(target.name)
    for stale in folder.glob("*.html") if folder.is_dir() else ():
        if stale.name not in written:
            stale.unlink()
    atomic_write_text(path, _render_index(report))


@dataclass
class _Report:
    run: RunResult
    data: NoticeData
    sites: list[_SiteView]
    regions: list[str]
    checks: list[str]


def render_html(
    run: RunResult, table: ScoringTable | None = None, notice: NoticeData | None = None
) -> str:
    """The index page as a string; verdicts use ``table`` (default: the national default table)."""
    return _render_index(build_report(run, table, notice))


def render_site_pages(
    run: RunResult, table: ScoringTable | None = None, notice: NoticeData | None = None
) -> dict[str, str]:
    """Each site's page by its path relative to the index (``sites/001.html``)."""
    report = build_report(run, table, notice)
    return {v.href: _render_site(report, v, index_href="../report.html") for v in report.sites}


def build_report(
    run: RunResult, table: ScoringTable | None = None, notice: NoticeData | None = None
) -> _Report:
    data = notice or build(run, table or default_table(), Path("."))
    regions = [r.region for r in data.regions]
    checks: list[str] = []
    views = []
    for n, (site, row) in enumerate(zip(run.sites, data.sites, strict=True), 1):
        problem_checks = sorted(
            {
                f.check
                for f in [*site.findings, *(g for p in site.pages for g in p.findings)]
                if f.is_problem or f.outcome is Outcome.ERROR
            }
        )
        checks += [c for c in problem_checks if c not in checks]
        verdict = {"合格": "v-pass", "不合格": "v-fail", "无法判定": "v-undecided"}.get(
            row.verdict.label, "v-none"
        )
        classes = " ".join(
            [
                f"rg-{regions.index(row.region) + 1}",
                verdict,
                *(f"c-{slug(c)}" for c in problem_checks),
            ]
        )
        site_problems = [f for f in site.findings if f.is_problem or f.outcome is Outcome.ERROR]
        views.append(
            _SiteView(
                site,
                _counts(site),
                [_page_view(p) for p in site.pages],
                row,
                classes,
                f"{SITES_DIR}/{n:03d}.html",
                site_problems,
            )
        )
    return _Report(run, data, views, regions, sorted(checks))


def _labels() -> dict[str, object]:
    return {
        "outcome_labels": OUTCOME_LABELS,
        "severity_labels": SEVERITY_LABELS,
        "role_labels": ROLE_LABELS,
        "page_type_labels": PAGE_TYPE_LABELS,
        "region_labels": REGION_LABELS,
        "check_names": {c.id: c.name for c in CHECKS_BY_ID.values()},
    }


def _render_index(report: _Report) -> str:
    data, run = report.data, report.run
    return (
        _env()
        .get_template("report.html.j2")
        .render(
            run=run,
            sites=report.sites,
            regions=report.regions,
            checks=report.checks,
            table=data.table,
            total=data.total,
            overview=overview_paragraphs(data) if data.websites else [],
            page_total=sum(len(s.pages) for s in run.sites),
            **_labels(),
        )
    )


def _render_site(report: _Report, view: _SiteView, *, index_href: str) -> str:
    return (
        _env()
        .get_template("site.html.j2")
        .render(site_view=view, index_href=index_href, up="../", **_labels())
    )


def render_template(name: str, **context: object) -> str:
    """Another page of the same family (e.g. ``recheck.html.j2``) with the same escaping rules."""
    return _env().get_template(name).render(**context)


def slug(text: str) -> str:
    """A CSS-class/id-safe form of a check id (ids are kebab-case already; this guarantees it)."""
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:60] or "x"


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("auditor.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["relhref"] = _relhref
    env.filters["weblink"] = _weblink
    env.filters["clip"] = _clip
    env.filters["slug"] = slug
    env.filters["beijing"] = beijing_time
    return env


def _counts(site: SiteResult) -> _SiteCounts:
    c = _SiteCounts(pages=len(site.pages), errors=1 if site.error else 0)
    for page in site.pages:
        c.errors += 1 if page.error else 0
    for f in [*site.findings, *(g for p in site.pages for g in p.findings)]:
        c.errors += f.outcome is Outcome.ERROR
    for problem in site_problems(site):  # a fault of the shared template counts once
        c.failed += problem.first.outcome is Outcome.FAIL
        c.review += problem.first.outcome is Outcome.REVIEW
    return c


def _page_view(page: PageResult) -> _PageView:
    view = _PageView(page)
    for f in page.findings:
        if f.outcome is Outcome.PASS:
            view.passed.append(f.check)
        elif f.outcome is Outcome.NOT_APPLICABLE:
            view.not_applicable.append(f.check)
        else:
            view.problems.append(f)
    view.problems.sort(
        key=lambda f: (_OUTCOME_ORDER[f.outcome], _ROLE_ORDER[f.role], -f.severity.rank)
    )
    view.passed = sorted(set(view.passed))
    view.not_applicable = sorted(set(view.not_applicable))
    return view


def _relhref(path: str, up: str = "") -> str:
    """A run-relative file path as a URL from a page ``up`` (``"../"``) below the run dir."""
    p = path.replace("\\", "/")
    if PurePosixPath(p).is_absolute():
        return Path(path).as_uri()
    return up + quote(p, safe="/")


def _weblink(url: str) -> str:
    """Only http(s) page addresses become links; anything else (javascript:, data:) does not."""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _clip(text: str, limit: int = SNIPPET_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
