"""The monitoring plan and its schedule: when each site's home page is asked for.

The rule (国办秘函〔2019〕19号 单项否决/站点无法访问) asks for at least 20 attempts a day spread
over the day, for one week, with a 15-second limit. The attempts of one site are evenly spaced
(``spacing``) with a little jitter, so they do not always hit the same minute of a site's
cron jobs, and each site is offset within the spacing by its place in the list, so 908 sites are
asked for one after another rather than all at once. ``--interval`` replaces the daily spacing
for short test runs; such a run is never the rule's measurement (see ``measure``).
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "DAY_S",
    "RULE_DAYS",
    "RULE_LIMIT_S",
    "RULE_PER_DAY",
    "Plan",
    "Slot",
    "build_slots",
]

DAY_S = 86_400.0
RULE_DAYS = 7  # 监测1周
RULE_PER_DAY = 20  # 每天间隔性访问20次以上
RULE_LIMIT_S = 15.0  # 超过(含)15秒网站仍打不开
JITTER = 0.1  # of the spacing, either way: slots stay at least 0.8 spacing apart


@dataclass(frozen=True)
class Plan:
    """What a monitoring run promises, stored with the run so a resumed run keeps it."""

    days: int = RULE_DAYS
    per_day: int = RULE_PER_DAY
    interval_s: float | None = None  # short test runs: seconds between one site's attempts
    attempts: int = 0  # per site in interval mode (days × per_day otherwise)
    limit_s: float = RULE_LIMIT_S
    local_only: bool = False  # contact only 127.0.0.1/localhost (tests)
    resolve: dict[str, str] = field(default_factory=dict)  # staging names → addresses (--resolve)
    start: float = 0.0  # epoch seconds of the first slot
    seed: int = 0  # of the jitter

    @property
    def per_site(self) -> int:
        return self.attempts if self.interval_s else self.days * self.per_day

    @property
    def spacing(self) -> float:
        """Seconds between two attempts at one site."""
        return self.interval_s if self.interval_s else DAY_S / self.per_day

    @property
    def end(self) -> float:
        """When the last slot is due (before jitter)."""
        return self.start + self.per_site * self.spacing

    def shortfalls(self) -> list[str]:
        """Why this plan cannot be the rule's measurement (Chinese), or nothing."""
        why = []
        if self.interval_s:
            why.append(f"按固定间隔{self.interval_s:g}秒监测（测试用），不是按天分布")
        else:
            if self.days < RULE_DAYS:
                why.append(f"计划监测{self.days}天（规则要求{RULE_DAYS}天）")
            if self.per_day < RULE_PER_DAY:
                why.append(f"计划每天访问{self.per_day}次（规则要求{RULE_PER_DAY}次以上）")
        if self.limit_s != RULE_LIMIT_S:
            why.append(f"打开时限为{self.limit_s:g}秒（规则为{RULE_LIMIT_S:g}秒）")
        return why

    def same_as(self, other: Plan) -> bool:
        """The same promise, whenever it started."""
        keys = ("days", "per_day", "interval_s", "attempts", "limit_s", "local_only", "resolve")
        return all(getattr(self, k) == getattr(other, k) for k in keys)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        return cls(**d)


@dataclass(frozen=True)
class Slot:
    """One planned attempt: site (1-based list position), its number, its day, when."""

    site: int
    seq: int
    day: int
    planned: float


def build_slots(plan: Plan, sites: int) -> list[Slot]:
    """Every site's attempts: evenly spaced, offset by list position, jittered, never before start."""
    rng = random.Random(plan.seed)
    spacing = plan.spacing
    slots = []
    for site in range(1, sites + 1):
        offset = (site - 1) / sites * spacing
        for seq in range(plan.per_site):
            jitter = rng.uniform(-JITTER, JITTER) * spacing
            planned = max(plan.start, plan.start + seq * spacing + offset + jitter)
            day = seq // plan.per_day if not plan.interval_s else int(seq * spacing // DAY_S)
            slots.append(Slot(site, seq, day, planned))
    return slots
