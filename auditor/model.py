"""The one results model: findings, pages, sites, runs.

Every reporter (terminal, JSON, HTML, JUnit, pytest) reads only these types, never the browser.
All types are plain frozen dataclasses that round-trip through JSON.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """axe's violations/passes/incomplete/inapplicable plus Lighthouse's error.

    ``accepted``: a fail or review the webmaster accepted (baseline or inline ignore) for the CI
    gate; the original outcome stays in ``data["accepted"]`` and the national verdict uses it.
    """

    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"
    ACCEPTED = "accepted"


class Severity(StrEnum):
    """axe-core impact levels, lowest first."""

    MINOR = "minor"
    MODERATE = "moderate"
    SERIOUS = "serious"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Role(StrEnum):
    """The national verdict role of a check (国办秘函〔2019〕19号): 单项否决 / 扣分 / 参考."""

    VETO = "veto"
    DEDUCT = "deduct"
    INFO = "info"


class PageType(StrEnum):
    """The three page kinds the meta-tag rule distinguishes (国办发〔2017〕47号 网页设计规范)."""

    HOME = "home"
    COLUMN = "column"
    ARTICLE = "article"


@dataclass(frozen=True)
class Rect:
    """A box in document (full-page screenshot) CSS pixels."""

    x: float
    y: float
    width: float
    height: float

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width

    def union(self, other: Rect) -> Rect:
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Rect(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Rect | None:
        if not d:
            return None
        return cls(float(d["x"]), float(d["y"]), float(d["width"]), float(d["height"]))


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one page, pointing at an element when there is one.

    A passing check is also recorded (outcome ``pass``) so that reports and the pytest suite can
    show what was checked, not only what failed.
    """

    check: str
    outcome: Outcome
    severity: Severity
    role: Role
    indicator: str
    message: str
    rule: str = ""
    page_url: str = ""
    selector: str = ""
    snippet: str = ""
    rect: Rect | None = None
    region: str = ""  # where a missing thing belongs: "header", "footer", "page"
    evidence: str = ""  # path of the evidence PNG, relative to the run directory
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_problem(self) -> bool:
        return self.outcome in (Outcome.FAIL, Outcome.REVIEW)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        d = dict(d)
        d["outcome"] = Outcome(d["outcome"])
        d["severity"] = Severity(d["severity"])
        d["role"] = Role(d["role"])
        d["rect"] = Rect.from_dict(d.get("rect"))
        return cls(**d)


@dataclass
class PageResult:
    """A rendered page and every finding on it."""

    url: str
    final_url: str = ""
    status: int | None = None
    page_type: PageType = PageType.HOME
    screenshot: str = ""  # relative to the run directory
    load_ms: float = 0.0
    error: str = ""
    findings: list[Finding] = field(default_factory=list)
    # Where the page's time went: each gatherer, the checks and the evidence (wall and CPU ms).
    timings: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.is_problem]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PageResult:
        d = dict(d)
        d["page_type"] = PageType(d["page_type"])
        d["findings"] = [Finding.from_dict(f) for f in d.get("findings", [])]
        return cls(**d)


@dataclass(frozen=True)
class SiteSpec:
    """A site to audit, as a supervisor's list gives it (columns of the national reporting system)."""

    url: str
    name: str = ""  # 网站名称 (expected)
    code: str = ""  # 网站标识码 (expected)
    sponsor: str = ""  # 主办单位
    region: str = ""  # 地区
    extra: dict[str, str] = field(default_factory=dict)
    row: int | None = None  # row number in the sites file, for messages

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass
class SiteResult:
    site: SiteSpec
    pages: list[PageResult] = field(default_factory=list)
    error: str = ""
    findings: list[Finding] = field(default_factory=list)  # site-level (aggregated over pages)
    # 无法完成: why the audit of this site stopped early (time budget, runaway pages, repeated
    # crashes); its verdict is then 无法判定.
    unfinished: str = ""

    @property
    def problems(self) -> list[Finding]:
        return [f for p in self.pages for f in p.problems] + [
            f for f in self.findings if f.is_problem
        ]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SiteResult:
        return cls(
            site=SiteSpec(**d["site"]),
            pages=[PageResult.from_dict(p) for p in d.get("pages", [])],
            error=d.get("error", ""),
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
            unfinished=d.get("unfinished", ""),
        )


@dataclass
class RunResult:
    """A whole run: what was asked, with what, and every site's pages."""

    started: str
    finished: str = ""
    as_of: str = ""
    auditor_version: str = ""
    browser_version: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    sites: list[SiteResult] = field(default_factory=list)
    input_errors: list[str] = field(default_factory=list)
    # The CI gate's baseline and inline ignores, when applied (auditor.run.baseline): counts and
    # the baseline entries that no longer occur (已解决).
    baseline: dict[str, Any] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return [
            f for s in self.sites for f in [*s.findings, *(g for p in s.pages for g in p.findings)]
        ]

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["schema"] = "auditor-run/1"
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunResult:
        d = dict(d)
        d.pop("schema", None)
        d["sites"] = [SiteResult.from_dict(s) for s in d.get("sites", [])]
        return cls(**d)
