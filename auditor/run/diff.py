"""Compare two runs (e.g. two quarters): which sites got better or worse, and on which checks.

Sites are matched by home-page URL (then by 网站标识码). A site is better when its verdict went
from 不合格 to 合格, or, with the same verdict, its score rose or it fails fewer checks; worse the
other way round. Per check, the number of failing findings before and after is listed when it
changed, so an office can see what each site fixed or broke between inspections.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from auditor.model import Outcome, RunResult, SiteResult, SiteSpec
from auditor.verdict import ScoringTable, Verdict, judge

__all__ = ["BETTER", "NEW", "REMOVED", "SAME", "WORSE", "SiteDiff", "diff_runs"]

BETTER, WORSE, SAME, NEW, REMOVED = "变好", "变差", "不变", "新增", "未再检查"


@dataclass
class SiteDiff:
    site: SiteSpec
    trend: str
    before: Verdict | None
    after: Verdict | None
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)  # check -> (before, after)

    def to_dict(self) -> dict[str, Any]:
        return {
            "site": self.site.url,
            "name": self.site.name,
            "region": self.site.region,
            "trend": self.trend,
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
            "checks": {c: {"before": a, "after": b} for c, (a, b) in self.checks.items()},
        }


def _failing(site: SiteResult) -> Counter[str]:
    found = [*site.findings, *(f for p in site.pages for f in p.findings)]
    return Counter(f.check for f in found if f.outcome is Outcome.FAIL)


def _key(site: SiteSpec) -> str:
    return site.url.rstrip("/").lower()


def _trend(a: Verdict, b: Verdict, before: Counter[str], after: Counter[str]) -> str:
    if a.passed != b.passed:
        return BETTER if b.passed else WORSE
    sa = a.score if a.score is not None else -1.0
    sb = b.score if b.score is not None else -1.0
    if sa != sb:
        return BETTER if sb > sa else WORSE
    na, nb = len(+before), len(+after)
    if na != nb:
        return BETTER if nb < na else WORSE
    return SAME


def diff_runs(a: RunResult, b: RunResult, table: ScoringTable) -> list[SiteDiff]:
    """Every site of either run, in the order of ``b`` then the sites only ``a`` had."""
    earlier = {_key(s.site): s for s in a.sites}
    by_code = {s.site.code: s for s in a.sites if s.site.code}
    diffs: list[SiteDiff] = []
    seen: set[int] = set()
    for site in b.sites:
        old = earlier.get(_key(site.site)) or by_code.get(site.site.code or "\0")
        after = judge(site, table)
        if old is None:
            diffs.append(SiteDiff(site.site, NEW, None, after))
            continue
        seen.add(id(old))
        before = judge(old, table)
        fa, fb = _failing(old), _failing(site)
        checks = {c: (fa[c], fb[c]) for c in sorted(set(fa) | set(fb)) if fa[c] != fb[c]}
        diffs.append(SiteDiff(site.site, _trend(before, after, fa, fb), before, after, checks))
    for site in a.sites:
        if id(site) not in seen:
            diffs.append(SiteDiff(site.site, REMOVED, judge(site, table), None))
    return diffs
