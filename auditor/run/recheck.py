"""复核: re-audit only what failed, and say per earlier finding 已整改 or 未整改.

Why: after a notice, offices give sites a deadline and then check the named problems again
(“复核截止日期”, as 各地检查通报 write it). Re-auditing whole sites would mix in unrelated changes; so the
re-check renders again only the pages that had failing findings (a site with a failing site-level
finding, e.g. 栏目不更新, is crawled again as a whole, since that verdict is over all its pages).

An item is a problem of the site (``auditor.problems``: a fault of the shared template on many
pages is one item with its pages). On each of its pages it is matched by check and element (the
link's address, the selector, or the region searched): still failing there is 未整改 on that
page; the check judged and that element no longer failing is 已整改; not judged (page did not
open, review, error) is 无法复核. The item is 未整改 if any page still shows it, 已整改 if every
page is fixed, else 无法复核. Failing findings that match no earlier problem are new problems,
listed apart, one per problem. Each item carries before and after evidence: for 已整改 items the after picture is cut from
the new screenshot at the place the problem was.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.model import Finding, Outcome, PageResult, Rect, RunResult, SiteResult, SiteSpec
from auditor.notice.problem_text import clean_text
from auditor.problems import group, problem_key
from auditor.report.json_report import atomic_write_text, write_json
from auditor.run import manifest

if TYPE_CHECKING:
    from auditor.engine import AuditOptions, ProgressSink

__all__ = [
    "FIXED",
    "NOT_FIXED",
    "UNKNOWN",
    "RecheckItem",
    "RecheckReport",
    "compare",
    "is_recheck",
    "load_recheck",
    "recheck",
    "write_recheck",
    "write_recheck_tables",
]

FIXED, NOT_FIXED, UNKNOWN = "已整改", "未整改", "无法复核"
REPORT_JSON, REPORT_HTML = "recheck.json", "recheck.html"
RECHECK_DOCX, RECHECK_XLSX = "复核表.docx", "复核表.xlsx"
_SHOT_INDEX = re.compile(r"p(\d+)\.png$")


@dataclass
class RecheckItem:
    """One earlier problem (a check on a page, or site-level) and what the re-check found."""

    site: SiteSpec
    page_url: str  # the first page showing it; "" for a site-level finding
    check: str
    status: str
    before: list[Finding]  # every occurrence
    after: list[Finding] = field(default_factory=list)
    after_evidence: str = ""  # run-relative (re-check run) picture of the place, when fixed
    pages: list[str] = field(default_factory=list)  # every page showing it

    @property
    def where(self) -> str:
        """“全站”, the page, or “the first page 等N个页面”."""
        if not self.page_url:
            return "全站"
        more = len(self.pages) - 1
        return f"{self.page_url} 等{len(self.pages)}个页面" if more > 0 else self.page_url

    @property
    def after_picture(self) -> str:
        """The after evidence: the place now (fixed) or the still-failing finding's picture."""
        if self.status == FIXED:
            return self.after_evidence
        return next((f.evidence for f in self.after if f.evidence), "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site.url,
            "name": self.site.name,
            "page_url": self.page_url,
            "check": self.check,
            "status": self.status,
            "before": [f.to_dict() for f in self.before],
            "after": [f.to_dict() for f in self.after],
            "after_evidence": self.after_evidence,
            "pages": list(self.pages),
            "site_spec": dataclasses.asdict(self.site),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RecheckItem:
        spec = d.get("site_spec") or {"url": d["site"], "name": d.get("name", "")}
        return cls(
            site=SiteSpec(**spec),
            page_url=d.get("page_url", ""),
            check=d["check"],
            status=d["status"],
            before=[Finding.from_dict(f) for f in d.get("before", [])],
            after=[Finding.from_dict(f) for f in d.get("after", [])],
            after_evidence=d.get("after_evidence", ""),
            pages=list(d.get("pages") or ([d["page_url"]] if d.get("page_url") else [])),
        )


@dataclass
class RecheckReport:
    original: Path
    out_dir: Path
    before: RunResult
    after: RunResult
    items: list[RecheckItem] = field(default_factory=list)
    new: list[tuple[SiteSpec, Finding]] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(item.status == status for item in self.items)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "auditor-recheck/1",
            "original": str(self.original),
            "as_of": self.after.as_of,
            "started": self.after.started,
            "finished": self.after.finished,
            "counts": {s: self.count(s) for s in (FIXED, NOT_FIXED, UNKNOWN)}
            | {"新发现问题": len(self.new)},
            "items": [i.to_dict() for i in self.items],
            "new": [{"site": s.url, "name": s.name, **f.to_dict()} for s, f in self.new],
        }


def is_recheck(folder: Path) -> bool:
    """A 复核 folder (its recheck.json), not a first-round run."""
    return (folder / REPORT_JSON).is_file()


def load_recheck(folder: Path) -> RecheckReport:
    """A finished 复核 as written by :func:`write_recheck`, to write its tables again."""
    from auditor.report.json_report import read_json

    d = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    after = read_json(folder / "results.json")
    original = Path(d.get("original", ""))
    items = [RecheckItem.from_dict(i) for i in d.get("items", [])]
    new = [
        (SiteSpec(url=n.pop("site"), name=n.pop("name", "")), Finding.from_dict(n))
        for n in d.get("new", [])
    ]
    return RecheckReport(original, folder, RunResult(started=""), after, items, new)


# -- what to re-audit --------------------------------------------------------------------------


@dataclass
class _Target:
    idx: int
    result: SiteResult
    pages: list[PageResult]  # pages with failing findings
    whole_site: bool  # a site-level finding failed: crawl again


def _targets(run: RunResult) -> list[_Target]:
    targets = []
    for idx, site in enumerate(run.sites, 1):
        pages = [p for p in site.pages if any(f.outcome is Outcome.FAIL for f in p.findings)]
        whole = any(f.outcome is Outcome.FAIL for f in site.findings)
        if pages or whole:
            targets.append(_Target(idx, site, pages, whole))
    return targets


def _page_index(page: PageResult, fallback: int) -> int:
    m = _SHOT_INDEX.search(page.screenshot)
    return int(m.group(1)) if m else fallback


async def _reaudit(
    targets: list[_Target], options: AuditOptions, sink: ProgressSink
) -> list[SiteResult]:
    """Whole sites again where a site-level problem was found, else only the failing pages."""
    from auditor.engine import PageJob, SiteJob, audit_sites

    jobs = []
    for t in targets:
        home = t.result.pages[0].url if t.result.pages else t.result.site.url
        pages = tuple(
            PageJob(p.url, _page_index(p, n), is_home=p.url == home) for n, p in enumerate(t.pages)
        )
        jobs.append(SiteJob(t.idx, t.result.site, None if t.whole_site else pages))
    sites, _version = await audit_sites(jobs, options, sink)
    return sites


# -- comparing ---------------------------------------------------------------------------------


def _fails(site: SiteResult) -> Iterator[tuple[str, Finding]]:
    for f in site.findings:
        if f.outcome is Outcome.FAIL:
            yield "", f
    for p in site.pages:
        for f in p.findings:
            if f.outcome is Outcome.FAIL:
                yield p.url, f


def compare(
    before: RunResult, after: RunResult
) -> tuple[list[RecheckItem], list[tuple[SiteSpec, Finding]]]:
    """Earlier problems against the re-check: an item per problem, and the new problems."""
    after_by_url = {s.site.url: s for s in after.sites}
    items: list[RecheckItem] = []
    new: list[tuple[SiteSpec, Finding]] = []
    for site in before.sites:
        again = after_by_url.get(site.site.url)
        fails = [f for _page, f in _fails(site)]
        places: set[tuple[str, str, str]] = set()
        for problem in group(fails):
            key = problem_key(problem.first)
            pages = list(problem.pages)
            occurrences = [f for f in fails if problem_key(f) == key]
            item = RecheckItem(
                site.site, pages[0] if pages else "", key[0], UNKNOWN, occurrences, pages=pages
            )
            places.update((page, key[0], key[2]) for page in pages or [""])
            if again is not None:
                item.after, item.status = _judge_problem(again, pages, key[0], key[2])
            items.append(item)
        if again is not None:
            unmatched = [
                f for page, f in _fails(again) if (page, f.check, problem_key(f)[2]) not in places
            ]
            new += [(site.site, p.first) for p in group(unmatched)]
    return items, new


def _judge_problem(
    site: SiteResult, pages: list[str], check: str, element: str
) -> tuple[list[Finding], str]:
    """未整改 if any page still shows it, 已整改 if every page is fixed, else 无法复核."""
    judged = [_judge_again(site, page, check, element) for page in pages or [""]]
    still = [f for findings, status in judged if status == NOT_FIXED for f in findings]
    if still:
        return still, NOT_FIXED
    statuses = {status for _findings, status in judged}
    findings = [f for found, _status in judged for f in found]
    return findings, FIXED if statuses == {FIXED} else UNKNOWN


def _judge_again(
    site: SiteResult, page_url: str, check: str, element: str
) -> tuple[list[Finding], str]:
    """The problem on one page (or site-level): still failing at that element, fixed, unknown."""
    if page_url:
        page = next((p for p in site.pages if p.url == page_url), None)
        if page is None:
            return [], UNKNOWN
        findings = [f for f in page.findings if f.check == check]
    else:
        findings = [f for f in site.findings if f.check == check]
    here = [f for f in findings if problem_key(f)[2] == element]
    if any(f.outcome is Outcome.FAIL for f in here):
        return [f for f in here if f.outcome is Outcome.FAIL], NOT_FIXED
    undecided = any(f.outcome in (Outcome.REVIEW, Outcome.ERROR) for f in here) or any(
        f.outcome is Outcome.ERROR for f in findings
    )
    # a page that did not open makes every other check not_applicable: that is no fix
    page_down = bool(page_url) and any(
        f.check == "page-availability" and f.outcome is Outcome.FAIL
        for p in site.pages
        if p.url == page_url
        for f in p.findings
    )
    if not findings or undecided or page_down:
        return findings, UNKNOWN
    return findings, FIXED


def _after_picture(item: RecheckItem, after: SiteResult, out_dir: Path, n: int) -> str:
    """For a fixed item: the same place on the new screenshot, so before/after sit side by side."""
    from auditor.artifacts import Artifacts
    from auditor.evidence import render_evidence

    page = next((p for p in after.pages if p.url == item.page_url), None)
    shot = manifest.inside(out_dir, page.screenshot) if page else None
    if page is None or shot is None or not shot.is_file():
        return ""
    first = item.before[0]
    rect: Rect | None = first.rect
    if rect is None and first.region in ("header", "footer"):
        try:
            art = Artifacts.load(shot.with_name(shot.stem + ".artifacts.json"))
            region = art.footer if first.region == "footer" else art.header
            rect = region.rect if region.found else None
        except (OSError, ValueError, KeyError):
            rect = None
    dest = shot.parent / "recheck" / f"{shot.stem}-{_slug(item.check)}-{n}-after.png"
    dest.parent.mkdir(exist_ok=True)
    try:
        render_evidence(
            shot, dest, rect=rect, caption=f"复核：{FIXED}（{item.check}）此处问题已不存在"
        )
    except Exception:  # a picture must never lose the re-check result itself
        return ""
    return dest.resolve().relative_to(out_dir.resolve()).as_posix()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "check"


# -- running -----------------------------------------------------------------------------------


def default_out(run_dir: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return run_dir.parent / f"{run_dir.name}-recheck-{stamp}"


async def recheck(
    before: RunResult,
    original: Path,
    options: AuditOptions,
    progress: ProgressSink | None = None,
) -> RecheckReport:
    """Re-audit the failing sites/pages of ``before`` into ``options.out_dir`` and compare."""
    from auditor.engine import NoProgress
    from auditor.version import __version__

    sink = progress or NoProgress()
    out_dir = options.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    targets = _targets(before)
    sites = await _reaudit(targets, options, sink) if targets else []
    after = RunResult(
        started=started,
        finished=datetime.now().astimezone().isoformat(timespec="seconds"),
        as_of=(options.as_of or date.today()).isoformat(),
        auditor_version=__version__,
        browser_version=_browser_version(out_dir, sites),
        options={"recheck_of": str(original), "max_pages": options.max_pages},
        sites=sites,
    )
    items, new = compare(before, after)
    order = {FIXED: 0, NOT_FIXED: 1, UNKNOWN: 2}
    items.sort(key=lambda i: order[i.status])  # stable: sites keep their order within a status
    after_by_url = {s.site.url: s for s in after.sites}
    for n, item in enumerate(items, 1):
        if item.status == FIXED and item.page_url:
            item.after_evidence = _after_picture(item, after_by_url[item.site.url], out_dir, n)
    report = RecheckReport(original, out_dir, before, after, items, new)
    write_recheck(report)
    return report


def _browser_version(out_dir: Path, sites: list[SiteResult]) -> str:
    for site in sites:
        for page in site.pages:
            shot = manifest.inside(out_dir, page.screenshot)
            if shot is not None:
                try:
                    art = json.loads(shot.with_name(shot.stem + ".artifacts.json").read_text())
                    return str(art.get("browser_version", ""))
                except (OSError, ValueError):
                    continue
    return ""


def write_recheck(report: RecheckReport) -> None:
    """recheck.json, recheck.html, the 复核 tables (复核表.docx/.xlsx), results.json and
    manifest.json in the re-check directory."""
    out = report.out_dir
    write_json(report.after, out / "results.json")
    atomic_write_text(
        out / REPORT_JSON, json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n"
    )
    files = [e for s in report.after.sites for e in manifest.site_entries(out, s)]
    files += [e for item in report.items if item.after_evidence and (e := _file_entry(out, item))]
    manifest.write_manifest(
        out,
        {
            "started": report.after.started,
            "finished": report.after.finished,
            "as_of": report.after.as_of,
            "auditor_version": report.after.auditor_version,
            "browser_version": report.after.browser_version,
        },
        files,
    )
    write_recheck_tables(report)
    write_recheck_html(report)


def write_recheck_tables(report: RecheckReport) -> None:
    """复核表.docx/.xlsx, with the accounts' half when the folder holds ``media-recheck.json``:
    ``auditor recheck`` writes them again once the accounts are re-checked too."""
    from auditor.notice.recheck_table import write_recheck_docx, write_recheck_xlsx

    write_recheck_docx(report, report.out_dir / RECHECK_DOCX)
    write_recheck_xlsx(report, report.out_dir / RECHECK_XLSX)


def write_recheck_html(report: RecheckReport) -> None:
    from auditor.checks import CHECKS_BY_ID
    from auditor.report.html import render_template

    out = report.out_dir
    atomic_write_text(
        out / REPORT_HTML,
        render_template(
            "recheck.html.j2",
            report=report,
            statuses=(FIXED, NOT_FIXED, UNKNOWN),
            before_href=lambda rel: _href(report.original, out, rel),
            after_href=lambda rel: _href(out, out, rel),
            clean=clean_text,
            check_names={c.id: c.name for c in CHECKS_BY_ID.values()},
        ),
    )


def _file_entry(out: Path, item: RecheckItem) -> dict[str, Any] | None:
    path = manifest.inside(out, item.after_evidence)
    if path is None or not path.is_file():
        return None
    return {
        "path": item.after_evidence,
        "kind": "evidence",
        "sha256": manifest.sha256_of(path),
        "bytes": path.stat().st_size,
        "url": item.page_url,
        "check": item.check,
    }


def _href(base: Path, report_dir: Path, rel: str) -> str:
    """A file of ``base`` (run-relative ``rel``) as a link relative to the re-check report."""
    path = manifest.inside(base, rel)
    if path is None:
        return ""
    from urllib.parse import quote

    return quote(Path(os.path.relpath(path, report_dir.resolve())).as_posix(), safe="/")
