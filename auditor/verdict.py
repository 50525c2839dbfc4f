"""The national verdict per site: 合格 / 不合格 (国办秘函〔2019〕19号 指标说明).

Why a separate, pure module: the verdict is what a provincial notice publishes, and provinces use
their own point tables. So the rule (veto → 不合格; else 100 − capped deductions, < 60 → 不合格)
lives here and the numbers in the scoring table (``auditor.scoring``, whose names are re-exported
here for callers that judge); every reporter asks :func:`judge` instead of counting findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditor.model import Finding, Outcome, Role, SiteResult
from auditor.problems import problem_key
from auditor.run.baseline import restored
from auditor.scoring import (
    IndicatorCap,
    Rule,
    ScoringError,
    ScoringTable,
    default_table,
    load_table,
    parse_table,
    stamp,
)

__all__ = [
    "FAIL_LABEL",
    "PASS_LABEL",
    "UNCHECKED_LABEL",
    "UNDECIDED_LABEL",
    "Deduction",
    "IndicatorCap",
    "Rule",
    "ScoringError",
    "ScoringTable",
    "Verdict",
    "VetoHit",
    "default_table",
    "judge",
    "load_table",
    "parse_table",
    "stamp",
]

PASS_LABEL, FAIL_LABEL, UNCHECKED_LABEL = "合格", "不合格", "未检查"
UNDECIDED_LABEL = "无法判定"  # a veto or enough points could not be checked: never a guess


@dataclass(frozen=True)
class VetoHit:
    """A failing 单项否决 indicator and the problems that failed it."""

    indicator: str
    check: str
    count: int  # problems, a fault repeated by the shared template once
    message: str  # the first failing finding's message


@dataclass(frozen=True)
class Deduction:
    """Points lost under one indicator, after the check and indicator caps."""

    indicator: str
    points: float
    raw: float  # before the indicator cap
    checks: tuple[tuple[str, float, int], ...]  # (check, points after its cap, units)


@dataclass(frozen=True)
class Verdict:
    """合格 / 不合格 for one site, with the indicators that decided it."""

    label: str
    score: float | None  # None: vetoed (“不再对其他指标进行评分”) or not checked
    vetoes: tuple[VetoHit, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    review: tuple[str, ...] = ()  # veto/deduct checks with review or error outcomes
    unscored: tuple[str, ...] = ()  # failing checks the table does not list
    undecided: tuple[str, ...] = ()  # why the verdict is 无法判定 (Chinese)
    table: str = ""

    @property
    def passed(self) -> bool:
        return self.label == PASS_LABEL

    @property
    def decisive(self) -> list[str]:
        """Chinese lines naming what decided the verdict (for reports)."""
        if self.vetoes:
            return [
                f"单项否决：{v.indicator.removeprefix('单项否决/')}（{v.check}）"
                for v in self.vetoes
            ]
        if self.label == UNCHECKED_LABEL:
            return ["未完成检查"]
        if self.label == UNDECIDED_LABEL:
            return list(self.undecided)
        lines = [
            f"{d.indicator} 扣{_num(d.points)}分" for d in sorted(self.deductions, key=_by_points)
        ]
        if self.label == FAIL_LABEL:
            return [f"得分{_num(self.score or 0)}分，低于合格线", *lines]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "passed": self.passed,
            "score": self.score,
            "vetoes": [v.__dict__ for v in self.vetoes],
            "deductions": [
                {
                    "indicator": d.indicator,
                    "points": d.points,
                    "raw": d.raw,
                    "checks": [{"check": c, "points": p, "units": n} for c, p, n in d.checks],
                }
                for d in self.deductions
            ],
            "decisive": self.decisive,
            "review": list(self.review),
            "unscored": list(self.unscored),
            "undecided": list(self.undecided),
            "table": self.table,
        }


def _by_points(d: Deduction) -> tuple[float, str]:
    return (-d.points, d.indicator)


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


# -- judging -----------------------------------------------------------------------------------


def judge(site: SiteResult, table: ScoringTable) -> Verdict:
    """The verdict for one site: veto first, then the capped deductions against the pass line.

    A verdict is only printed when the findings decide it. 不合格 stands on any judged veto or a
    score already under the pass line; otherwise, when a veto check could not run (``error``),
    the site could not be finished, or the deduction checks that could not run are worth more
    than ``max_unjudged_points`` (or enough to cross the pass line), the verdict is 无法判定 with
    the reasons — never 合格 on what was not seen.
    """
    if not site.pages and not site.findings:
        if site.unfinished:
            reasons = (f"检查未完成：{site.unfinished}",)
            return Verdict(UNDECIDED_LABEL, None, undecided=reasons, table=table.name)
        return Verdict(UNCHECKED_LABEL, None, table=table.name)
    page_type = {p.url: p.page_type for p in site.pages}
    # A webmaster's baseline or ignores decide only their own CI gate, never the national verdict.
    findings = [restored(f) for f in (*(f for p in site.pages for f in p.findings), *site.findings)]
    failing: dict[str, list[Finding]] = {}
    errors: dict[str, Finding] = {}
    review: set[str] = set()
    unscored: set[str] = set()
    for f in findings:
        rule = table.rules.get(f.check)
        if rule is None:
            if f.outcome is Outcome.FAIL:
                unscored.add(f.check)
            continue
        if rule.pages and page_type.get(f.page_url) not in rule.pages:
            continue
        if f.outcome is Outcome.FAIL:
            failing.setdefault(f.check, []).append(f)
        elif f.outcome in (Outcome.REVIEW, Outcome.ERROR) and rule.role is not Role.INFO:
            review.add(f.check)
            if f.outcome is Outcome.ERROR:
                errors.setdefault(f.check, f)
    common = {
        "review": tuple(sorted(review)),
        "unscored": tuple(sorted(unscored)),
        "table": table.name,
    }
    vetoes = tuple(
        VetoHit(rule.indicator, cid, len({problem_key(f) for f in fs}), fs[0].message)
        for cid, fs in failing.items()
        if (rule := table.rules[cid]).role is Role.VETO
    )
    if vetoes:
        return Verdict(FAIL_LABEL, None, vetoes=vetoes, **common)  # type: ignore[arg-type]
    deductions = _deductions(failing, table)
    lost = _capped_total(deductions, table)
    score = round(max(0.0, table.total - lost), 2)
    if score < table.pass_line:
        return Verdict(FAIL_LABEL, score, deductions=tuple(deductions), **common)  # type: ignore[arg-type]
    undecided = _undecided(site, errors, failing, table, score)
    if undecided:
        return Verdict(
            UNDECIDED_LABEL,
            None,
            deductions=tuple(deductions),
            undecided=tuple(undecided),
            **common,  # type: ignore[arg-type]
        )
    return Verdict(PASS_LABEL, score, deductions=tuple(deductions), **common)  # type: ignore[arg-type]


def _undecided(
    site: SiteResult,
    errors: dict[str, Finding],
    failing: dict[str, list[Finding]],
    table: ScoringTable,
    score: float,
) -> list[str]:
    """Why a pass cannot be asserted (Chinese), or nothing."""
    reasons = []
    if site.unfinished:
        reasons.append(f"检查未完成：{site.unfinished}")
    unjudged_points = 0.0
    for cid, f in sorted(errors.items()):
        rule = table.rules[cid]
        if rule.role is Role.VETO:
            name = rule.indicator.removeprefix("单项否决/")
            why = f.message.removeprefix("无法判定：")
            reasons.append(f"单项否决指标“{name}”未能检查（{cid}）：{why}")
        elif rule.role is Role.DEDUCT and cid not in failing:
            unjudged_points += rule.cap or rule.points
    if unjudged_points and (
        unjudged_points > table.max_unjudged_points or score - unjudged_points < table.pass_line
    ):
        checks = "、".join(
            c for c in sorted(errors) if table.rules[c].role is Role.DEDUCT and c not in failing
        )
        reasons.append(f"未能检查的扣分项最多可扣{_num(unjudged_points)}分（{checks}）")
    return reasons


def _units(rule: Rule, fs: list[Finding]) -> int:
    """Pages for a per-page rule; otherwise problems, a fault of the shared template once."""
    if rule.per == "site":
        return 1
    if rule.per == "page":
        return len({f.page_url for f in fs})
    return len({problem_key(f) for f in fs})


def _deductions(failing: dict[str, list[Finding]], table: ScoringTable) -> list[Deduction]:
    """Per indicator: each check's points × units, capped by the check's cap, then the indicator's."""
    by_indicator: dict[str, list[tuple[str, float, int]]] = {}
    for cid, fs in failing.items():
        rule = table.rules[cid]
        if rule.role is not Role.DEDUCT or rule.points <= 0:
            continue
        units = _units(rule, fs)
        points = min(rule.points * units, rule.cap) if rule.cap > 0 else rule.points * units
        by_indicator.setdefault(rule.indicator, []).append((cid, points, units))
    result = []
    for indicator, checks in sorted(by_indicator.items()):
        raw = sum(p for _, p, _ in checks)
        cap = table.indicators.get(indicator)
        result.append(
            Deduction(indicator, min(raw, cap.cap) if cap else raw, raw, tuple(sorted(checks)))
        )
    return result


def _capped_total(deductions: Iterable[Deduction], table: ScoringTable) -> float:
    """Sum the indicator deductions, capping every parent indicator (功能设计 above 功能设计/…)."""
    own: dict[str, float] = {}
    for d in deductions:
        own[d.indicator] = own.get(d.indicator, 0.0) + d.points
    paths = set(own)
    for path in list(paths):
        parts = path.split("/")
        paths.update("/".join(parts[:i]) for i in range(1, len(parts)))

    def value(path: str) -> float:
        children = [p for p in paths if p.rsplit("/", 1)[0] == path and "/" in p]
        amount = own.get(path, 0.0) + sum(value(c) for c in children)
        cap = table.indicators.get(path)  # re-capping a leaf already capped is harmless
        return min(amount, cap.cap) if cap else amount

    return sum(value(p) for p in paths if "/" not in p)
