"""From saved artifacts to findings with evidence: what a live audit and ``check --from`` share.

No browser here: the checks are pure functions over artifacts and the evidence is drawn on the
screenshots the render left in the site's folder, so a run can be judged again offline.
"""

from __future__ import annotations

import time
from pathlib import Path

from auditor.artifacts import Artifacts
from auditor.checks import run_all, run_site
from auditor.errors import describe
from auditor.evidence import evidence_filename, render_evidence, screenshot_rect
from auditor.model import Finding, Outcome, PageResult, Rect, SiteSpec

__all__ = ["check_page", "check_site", "relative"]


def check_page(
    art: Artifacts, site: SiteSpec, site_dir: Path, index: int, run_dir: Path
) -> PageResult:
    """Run every check on one page's artifacts and draw evidence for its problems."""
    timings = dict(art.timings)
    wall, cpu = time.perf_counter(), time.thread_time()
    findings = run_all(art, site)
    timings["checks"] = _thread_elapsed(wall, cpu)
    shot = site_dir / art.screenshot if art.screenshot else None
    wall, cpu = time.perf_counter(), time.thread_time()
    findings = _evidence_for_all(findings, art, shot, site_dir, run_dir, index)
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
    pages: list[Artifacts], site: SiteSpec, site_dir: Path, run_dir: Path
) -> list[Finding]:
    """Site-level checks; their evidence is drawn on the home page's screenshot."""
    if not pages or not pages[0].loaded:
        return []
    home = pages[0]
    shot = site_dir / home.screenshot if home.screenshot else None
    return [
        _with_evidence(f, home, shot, site_dir, run_dir, 0, 100 + n)
        for n, f in enumerate(run_site(pages, site), 1)
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
) -> list[Finding]:
    """Evidence for every problem on a page; problems of one kind share one picture.

    An axe rule failing on 80 elements, or 30 links broken the same way, is one picture with
    the elements in view outlined and the count in its caption, not 80 pictures of one page.
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
        # The picture is anchored on the first member that points at an element.
        members.sort(key=lambda i: findings[i].rect is None)
        first = findings[members[0]]
        others = [r for i in members[1:] if (r := findings[i].rect) is not None]
        drawn = _with_evidence(
            first, art, shot, site_dir, run_dir, page, members[0] + 1, others, len(members)
        )
        out[members[0]] = drawn
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
        caption = f"[{f.check}] {f.message}"
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
        )
    except Exception as exc:  # evidence must never lose the finding itself
        return Finding(**{**f.__dict__, "data": {**f.data, "evidence_error": describe(exc)}})
    return Finding(**{**f.__dict__, "evidence": relative(dest, run_dir)})
