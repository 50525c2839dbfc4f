"""From saved artifacts to findings with evidence: what a live audit and ``check --from`` share.

No browser here: the checks are pure functions over artifacts and the evidence is drawn on the
screenshots the render left in the site's folder, so a run can be judged again offline.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from auditor.artifacts import Artifacts
from auditor.checks import CHECKS_BY_ID, run_all, run_site
from auditor.clock import beijing_time
from auditor.errors import describe
from auditor.evidence import evidence_filename, render_evidence, screenshot_rect
from auditor.model import Finding, Outcome, PageResult, Rect, SiteSpec
from auditor.problems import ProblemKey, problem_key

__all__ = ["SharedEvidence", "check_page", "check_site", "relative"]


class SharedEvidence:
    """A site's evidence pictures by problem: a fault of the shared template is drawn once.

    The first page to show a problem (the home page, rendered first) draws it; later pages point
    their occurrences at that picture. Pages are checked in threads, hence the lock; two pages
    racing on one problem both draw, which costs a picture, never a finding.
    """

    def __init__(self) -> None:
        self._paths: dict[ProblemKey, str] = {}
        self._lock = threading.Lock()

    def known(self, keys: list[ProblemKey]) -> list[str] | None:
        """The pictures of all ``keys``, or None if any of them has none yet."""
        with self._lock:
            paths = [self._paths.get(k, "") for k in keys]
        return paths if all(paths) else None

    def remember(self, keys: list[ProblemKey], path: str) -> None:
        with self._lock:
            for key in keys:
                self._paths.setdefault(key, path)


def check_page(
    art: Artifacts,
    site: SiteSpec,
    site_dir: Path,
    index: int,
    run_dir: Path,
    shared: SharedEvidence | None = None,
    skip: frozenset[str] = frozenset(),
) -> PageResult:
    """Run every check on one page's artifacts and draw evidence for its problems.

    With ``shared`` (one per site), a problem already drawn on an earlier page is not drawn again.
    """
    timings = dict(art.timings)
    wall, cpu = time.perf_counter(), time.thread_time()
    findings = run_all(art, site, skip=skip)
    timings["checks"] = _thread_elapsed(wall, cpu)
    shot = site_dir / art.screenshot if art.screenshot else None
    wall, cpu = time.perf_counter(), time.thread_time()
    findings = _evidence_for_all(findings, art, shot, site_dir, run_dir, index, shared)
    timings["evidence"] = _thread_elapsed(wall, cpu)
    return PageResult(
        url=art.url,
        final_url=art.final_url,
        status=art.status,
        page_type=art.page_type,
        screenshot=relative(shot, run_dir) if shot and shot.exists() else "",
        load_ms=round(art.load_ms, 1),
        error=art.load_error,
        findings=findings,
        timings=timings,
    )


def check_site(
    pages: list[Artifacts],
    site: SiteSpec,
    site_dir: Path,
    run_dir: Path,
    skip: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Site-level checks; their evidence is drawn on the home page's screenshot."""
    if not pages or not pages[0].loaded:
        return []
    home = pages[0]
    shot = site_dir / home.screenshot if home.screenshot else None
    return [
        _with_evidence(f, home, shot, site_dir, run_dir, 0, 100 + n)
        for n, f in enumerate(run_site(pages, site, skip), 1)
    ]


def relative(path: Path, base: Path) -> str:
    """``path`` as written in results: relative to the run directory when inside it."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _thread_elapsed(wall: float, cpu: float) -> dict[str, float]:
    """Wall and CPU time of work done in this thread alone (checks and evidence)."""
    return {
        "wall_ms": round((time.perf_counter() - wall) * 1000, 1),
        "cpu_ms": round((time.thread_time() - cpu) * 1000, 1),
    }


def _evidence_for_all(
    findings: list[Finding],
    art: Artifacts,
    shot: Path | None,
    site_dir: Path,
    run_dir: Path,
    page: int,
    shared: SharedEvidence | None = None,
) -> list[Finding]:
    """Evidence for every problem on a page; problems of one kind share one picture.

    An axe rule failing on 80 elements, or 30 links broken the same way, is one picture with
    the elements in view outlined and the count in its caption, not 80 pictures of one page;
    and a group whose every problem was drawn on an earlier page of the site points there.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, f in enumerate(findings):
        if f.outcome not in (Outcome.FAIL, Outcome.REVIEW):
            continue
        kind = f.data.get("rule") or f.data.get("kind")
        alike = kind and not f.data.get("evidence_source")
        key = (f.check, f.outcome.value, str(kind)) if alike else (str(i),)
        groups.setdefault(key, []).append(i)
    out = list(findings)
    for members in groups.values():
        keys = [problem_key(findings[i]) for i in members]
        earlier = shared.known(keys) if shared else None
        if earlier is not None:
            for i, path in zip(members, earlier, strict=True):
                out[i] = Finding(**{**findings[i].__dict__, "evidence": path})
            continue
        # The picture is anchored on the first member that points at an element.
        members.sort(key=lambda i: findings[i].rect is None)
        first = findings[members[0]]
        others = [r for i in members[1:] if (r := findings[i].rect) is not None]
        drawn = _with_evidence(
            first, art, shot, site_dir, run_dir, page, members[0] + 1, others, len(members)
        )
        out[members[0]] = drawn
        if shared and drawn.evidence:
            shared.remember(keys, drawn.evidence)
        for i in members[1:]:
            f = findings[i]
            data = {**f.data, **_err(drawn)}
            out[i] = Finding(**{**f.__dict__, "evidence": drawn.evidence, "data": data})
    return out


def _err(f: Finding) -> dict[str, str]:
    return {"evidence_error": f.data["evidence_error"]} if "evidence_error" in f.data else {}


def _with_evidence(
    f: Finding,
    art: Artifacts,
    shot: Path | None,
    site_dir: Path,
    run_dir: Path,
    page: int,
    n: int,
    others: list[Rect] | None = None,
    count: int = 1,
) -> Finding:
    """The finding with its evidence picture: the element outlined on the right screenshot."""
    if f.outcome not in (Outcome.FAIL, Outcome.REVIEW):
        return f
    missing = f.rect is None
    rect = f.rect
    margin = 120
    source = f.data.get("evidence_source")
    other = art.mobile if source == "mobile" else art.elderly if source == "elderly" else None
    if other and other.get("screenshot"):
        # Phone and elderly-mode findings are shown on their own screenshots.
        shot = site_dir / other["screenshot"]
        if rect is not None and source == "mobile":
            rect, margin = screenshot_rect(rect, other), 240
    elif missing:
        region = (
            art.footer if f.region == "footer" else art.header if f.region == "header" else None
        )
        rect = region.rect if region else None
    if not shot or not shot.exists():
        return f
    dest = site_dir / "evidence" / evidence_filename(page, f.check, n)
    dest.parent.mkdir(exist_ok=True)
    try:
        caption = f"{_check_name(f.check)}（{f.check}）：{f.message}"
        if count > 1:
            caption += f"（本页同类问题共{count}处，图中框出截图范围内的各处）"
        render_evidence(
            shot,
            dest,
            rect=rect,
            caption=caption,
            missing=missing,
            margin=margin,
            others=others or (),
            stamp=_stamp(f, art, missing=missing, region_found=rect is not None),
            snippet=f.snippet,
        )
    except Exception as exc:  # evidence must never lose the finding itself
        return Finding(**{**f.__dict__, "data": {**f.data, "evidence_error": describe(exc)}})
    return Finding(**{**f.__dict__, "evidence": relative(dest, run_dir)})


_REGION_NAMES = {"header": "页面头部", "footer": "页面底部"}


def _check_name(check_id: str) -> str:
    check = CHECKS_BY_ID.get(check_id)
    return check.name if check else check_id


def _stamp(f: Finding, art: Artifacts, *, missing: bool, region_found: bool) -> list[str]:
    """The grey lines of a picture: what was searched (when nothing is outlined), where, when."""
    lines = []
    if missing:
        region = _REGION_NAMES.get(f.region, "")
        if region and region_found:
            lines.append(f"虚线框为检查的区域（{region}），其中未找到所需内容")
        elif region:
            lines.append(f"页面未找到{region}区域，图为页面相应位置")
        else:
            lines.append("问题不对应页面上可框出的元素（如网页标签），图为页面顶部")
    when = beijing_time(art.gathered_at) if art.gathered_at else ""
    lines.append(
        f"页面：{f.page_url or art.url}" + (f"　截取时间：{when}（北京时间）" if when else "")
    )
    return lines
