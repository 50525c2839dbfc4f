"""What the rule concludes from a site's attempts (国办秘函〔2019〕19号 单项否决/站点无法访问).

“监测1周，每天间隔性访问20次以上，超过(含)15秒网站仍打不开的次数累计占比超过(含)5%，即单项否决。”
The ratio is failures ÷ attempts (missed slots are neither), compared exactly (no float
rounding at the 5 % line) and shown with 2 decimals. A measurement short of the rule — slots
still to come, a day with fewer than 20 attempts, a plan that is not 7 days × 20 within 15 s —
concludes nothing: it is 监测未完成, never a pass and never a veto.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from auditor.model import SiteSpec
from auditor.monitor.plan import RULE_DAYS, RULE_PER_DAY, Plan
from auditor.monitor.store import ERROR, FAIL, MISSED, OK, AttemptRecord

__all__ = [
    "INCOMPLETE",
    "PASS",
    "VETO",
    "VETO_PERCENT",
    "Measure",
    "measure_sites",
    "ratio_text",
]

VETO_PERCENT = 5  # 累计占比超过(含)5%
VETO, PASS, INCOMPLETE = "veto", "pass", "incomplete"
LABELS = {
    VETO: "单项否决：站点无法访问",
    PASS: "可访问（失败占比低于5%）",
    INCOMPLETE: "监测未完成",
}


def ratio_text(failures: int, attempts: int) -> str:
    """``8.57%``; ``—`` before any attempt."""
    return f"{100 * failures / attempts:.2f}%" if attempts else "—"


@dataclass(frozen=True)
class Measure:
    """One site's monitoring so far and what the rule concludes from it."""

    index: int  # position in the monitor's sites list (1-based)
    site: SiteSpec
    plan: Plan
    planned: int  # slots in the schedule
    attempts: int  # ok + fail: the ratio's denominator
    failures: int
    missed: int
    errors: int  # nothing asked of the site (a fault on this side), not counted
    pending: int
    per_day: tuple[int, ...]  # attempts made on each day of the schedule
    reasons: dict[str, int] = field(default_factory=dict)  # failure reason → count

    @property
    def ratio(self) -> str:
        return ratio_text(self.failures, self.attempts)

    @property
    def reached(self) -> bool:
        """failures ÷ attempts ≥ 5 %, exactly."""
        return self.attempts > 0 and 100 * self.failures >= VETO_PERCENT * self.attempts

    @property
    def shortfalls(self) -> list[str]:
        """Why the measurement cannot decide (Chinese), or nothing when it can."""
        why = self.plan.shortfalls()
        if self.pending:
            why.append(f"尚有{self.pending}次计划访问未到时间")
        elif not why:
            for day, count in enumerate(self.per_day[:RULE_DAYS], 1):
                if count < RULE_PER_DAY:
                    why.append(f"第{day}天只访问了{count}次（规则要求每天{RULE_PER_DAY}次以上）")
                    break
        return why

    @property
    def state(self) -> str:
        if self.shortfalls:
            return INCOMPLETE
        return VETO if self.reached else PASS

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def reasons_text(self) -> str:
        return "；".join(f"{r} {n}次" for r, n in self.reasons.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempts": self.attempts,
            "failures": self.failures,
            "ratio": self.ratio,
            "missed": self.missed,
            "errors": self.errors,
            "pending": self.pending,
            "planned": self.planned,
            "per_day": list(self.per_day),
            "reasons": dict(self.reasons),
            "state": self.state,
            "shortfalls": self.shortfalls,
        }


def measure_sites(plan: Plan, sites: list[SiteSpec], records: list[AttemptRecord]) -> list[Measure]:
    """Every site's measure, in list order."""
    by_site: dict[int, list[AttemptRecord]] = {}
    for r in records:
        by_site.setdefault(r.site, []).append(r)
    days = max((r.day for r in records), default=0) + 1
    result = []
    for i, spec in enumerate(sites, 1):
        rows = by_site.get(i, [])
        outcomes = Counter(r.outcome for r in rows)
        per_day = [0] * days
        for r in rows:
            if r.outcome in (OK, FAIL):
                per_day[r.day] += 1
        reasons = Counter(r.reason for r in rows if r.outcome == FAIL)
        result.append(
            Measure(
                index=i,
                site=spec,
                plan=plan,
                planned=len(rows),
                attempts=outcomes[OK] + outcomes[FAIL],
                failures=outcomes[FAIL],
                missed=outcomes[MISSED],
                errors=outcomes[ERROR],
                pending=len(rows) - sum(outcomes[o] for o in (OK, FAIL, MISSED, ERROR)),
                per_day=tuple(per_day),
                reasons=dict(reasons.most_common()),
            )
        )
    return result
