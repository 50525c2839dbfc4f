"""The scoring table a verdict is judged by (国办秘函〔2019〕19号 检查指标).

Each check states its default row (``@check(scoring=…)``); ``data/scoring.toml`` holds the total,
the pass line and the indicator caps. A province publishes its own table: ``--scoring FILE``
replaces the default whole (a file without ``[checks.<id>]`` rows keeps the checks' own).
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from auditor.checks import ALL_CHECKS, SITE_CHECKS
from auditor.checks.base import PER_UNITS, CheckInfo
from auditor.model import Finding, PageType, Role, RunResult

__all__ = [
    "IndicatorCap",
    "Rule",
    "ScoringError",
    "ScoringTable",
    "default_rule",
    "default_table",
    "load_table",
    "parse_table",
    "stamp",
]


class ScoringError(ValueError):
    """A scoring table that cannot be used; the message names the file and the bad entry."""


@dataclass(frozen=True)
class Rule:
    """One check's row: its role, where it deducts, how much, and where the numbers come from."""

    check: str
    role: Role
    indicator: str
    points: float = 0.0
    cap: float = 0.0
    per: str = "site"
    pages: tuple[PageType, ...] = ()  # empty = every page type (and site-level findings)
    source: str = ""
    verified: bool = False


@dataclass(frozen=True)
class IndicatorCap:
    path: str
    cap: float
    source: str = ""
    verified: bool = False


@dataclass(frozen=True)
class ScoringTable:
    name: str
    rules: dict[str, Rule]
    indicators: dict[str, IndicatorCap] = field(default_factory=dict)
    total: float = 100.0
    pass_line: float = 60.0
    # Deduction points whose checks could not run (error) beyond which a pass is not asserted.
    max_unjudged_points: float = 10.0
    source: str = ""
    origin: str = ""  # file it was read from

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "origin": self.origin,
            "total": self.total,
            "pass_line": self.pass_line,
        }


def default_table() -> ScoringTable:
    text = resources.files("auditor.data").joinpath("scoring.toml").read_text(encoding="utf-8")
    return parse_table(text, origin="auditor/data/scoring.toml")


def load_table(path: Path | None) -> ScoringTable:
    """``--scoring FILE`` (a province's table), or the default one."""
    if path is None:
        return default_table()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScoringError(f"无法读取计分表 {path}：{exc}") from exc
    return parse_table(text, origin=str(path))


def parse_table(text: str, origin: str = "计分表") -> ScoringTable:
    """Parse and validate a table; errors say which entry is wrong and what was expected."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScoringError(f"{origin} 不是有效的 TOML：{exc}") from exc
    head = data.get("scoring", {})
    checks = data.get("checks")
    if checks is None:  # the checks' own default rows
        rules = {c.id: default_rule(c) for c in (*ALL_CHECKS, *SITE_CHECKS)}
    elif not isinstance(checks, dict) or not checks:
        raise ScoringError(f"{origin} 的 [checks] 应为每个检查项一个表：[checks.<检查项>]")
    else:  # a province's own table: exactly the checks it lists
        rules = {cid: _rule(cid, entry, origin) for cid, entry in checks.items()}
    caps = {
        path: IndicatorCap(
            path,
            _number(entry, "cap", f'{origin} [indicators."{path}"]'),
            str(entry.get("source", "")),
            bool(entry.get("verified", False)),
        )
        for path, entry in data.get("indicators", {}).items()
    }
    total = _number(head, "total", f"{origin} [scoring]", default=100.0)
    pass_line = _number(head, "pass_line", f"{origin} [scoring]", default=60.0)
    unjudged = _number(head, "max_unjudged_points", f"{origin} [scoring]", default=10.0)
    if not 0 <= pass_line <= total:
        raise ScoringError(f"{origin} [scoring] pass_line={pass_line} 应在 0 与 total={total} 之间")
    return ScoringTable(
        name=str(head.get("name", origin)),
        rules=rules,
        indicators=caps,
        total=total,
        pass_line=pass_line,
        max_unjudged_points=unjudged,
        source=str(head.get("source", "")),
        origin=origin,
    )


def default_rule(chk: CheckInfo) -> Rule:
    """A check's own default row."""
    sc = chk.scoring
    return Rule(
        check=chk.id,
        role=chk.role,
        indicator=chk.indicator,
        points=sc.points,
        cap=sc.points if sc.cap is None else sc.cap,
        per=sc.per,
        pages=sc.pages,
        source=sc.basis,
        verified=sc.verified,
    )


def _rule(cid: str, entry: Any, origin: str) -> Rule:
    where = f"{origin} [checks.{cid}]"
    if not isinstance(entry, dict):
        raise ScoringError(f"{where} 应为一个表")
    try:
        role = Role(entry.get("role", ""))
    except ValueError:
        raise ScoringError(
            f"{where} role={entry.get('role')!r}，应为 veto、deduct 或 info"
        ) from None
    per = entry.get("per", "site")
    if per not in PER_UNITS:
        raise ScoringError(f"{where} per={per!r}，应为 {'、'.join(PER_UNITS)} 之一")
    try:
        pages = tuple(PageType(p) for p in entry.get("pages", []))
    except ValueError:
        raise ScoringError(f"{where} pages 只能含 home、column、article") from None
    indicator = str(entry.get("indicator", "")).strip()
    if not indicator:
        raise ScoringError(f"{where} 缺少 indicator（指标名称，如“功能设计/网站标识”）")
    points = _number(entry, "points", where, default=0.0)
    return Rule(
        check=cid,
        role=role,
        indicator=indicator,
        points=points,
        cap=_number(entry, "cap", where, default=points),
        per=per,
        pages=pages,
        source=str(entry.get("source", "")),
        verified=bool(entry.get("verified", False)),
    )


def _number(entry: dict[str, Any], key: str, where: str, default: float | None = None) -> float:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ScoringError(f"{where} {key}={value!r}，应为不小于 0 的数")
    return float(value)


def stamp(run: RunResult, table: ScoringTable) -> RunResult:
    """Give every finding the role and indicator of the table in use (a province's may differ)."""
    for site in run.sites:
        for page in site.pages:
            page.findings = [_stamped(f, table) for f in page.findings]
        site.findings = [_stamped(f, table) for f in site.findings]
    return run


def _stamped(f: Finding, table: ScoringTable) -> Finding:
    rule = table.rules.get(f.check)
    if rule is None or (rule.role, rule.indicator) == (f.role, f.indicator):
        return f
    return dataclasses.replace(f, role=rule.role, indicator=rule.indicator)
