"""``auditor check --from DIR``: judge saved artifacts again, without a browser.

Every check runs, page and site checks alike (the 栏目不更新 veto included), and evidence is
drawn again on the saved screenshots — so a fixed check or a province's table can be applied to
an earlier run's pages.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

from auditor.artifacts import Artifacts
from auditor.checking import SharedEvidence, check_page, check_site
from auditor.model import RunResult, SiteResult, SiteSpec
from auditor.version import __version__

__all__ = ["check_saved"]


def check_saved(run_dir: Path) -> RunResult:
    """Every site folder under ``run_dir`` (or ``run_dir`` itself, holding artifacts) judged."""
    run = RunResult(started=_now(), auditor_version=__version__, as_of=date.today().isoformat())
    site_dirs = sorted(p.parent for p in run_dir.rglob("site.json"))
    if not site_dirs and list(run_dir.glob("*.artifacts.json")):
        site_dirs = [run_dir]
    for site_dir in site_dirs:
        site = _site_of(site_dir)
        result = SiteResult(site=site)
        pages: list[Artifacts] = []
        shared = SharedEvidence()
        for i, path in enumerate(sorted(site_dir.glob("p*.artifacts.json"))):
            art = Artifacts.load(path)
            run.browser_version = run.browser_version or art.browser_version
            index = int(re.sub(r"\D", "", path.name.split(".")[0]) or i)
            pages.append(art)
            result.pages.append(check_page(art, site, site_dir, index, run_dir, shared))
        result.findings = check_site(pages, site, site_dir, run_dir)
        run.sites.append(result)
    run.finished = _now()
    return run


def _site_of(site_dir: Path) -> SiteSpec:
    spec_file = site_dir / "site.json"
    if not spec_file.exists():
        return SiteSpec(url="")
    return SiteSpec(**json.loads(spec_file.read_text(encoding="utf-8")))


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
