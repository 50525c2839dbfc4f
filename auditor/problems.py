"""Site problems: the same fault of a site's shared template counted once, with its occurrences.

A crawled site repeats its header and footer on every page, so one footer omission, one broken
header link or one axe violation of the template comes back as a finding on each page. A person
fixes it once, and the verdict, the notice and the reports count it once: findings of one check
that point at the same element (the link's address, else the selector, else the region where a
missing thing belongs) for the same cause (the axe rule or link kind, else the message) are one
problem. Its occurrences (pages, count) stay, and every finding stays in the JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditor.model import Finding, SiteResult

__all__ = [
    "ProblemKey",
    "SiteProblem",
    "element_key",
    "group",
    "named_cause",
    "problem_key",
    "site_problems",
]

ProblemKey = tuple[str, str, str, str]


@dataclass(frozen=True)
class SiteProblem:
    """One fault of a site, however many pages show it."""

    first: Finding  # the first occurrence, in audit order (home page first); it holds the evidence
    pages: tuple[str, ...]  # page URLs with an occurrence, in audit order; empty: site-level
    count: int  # occurrences (a page may show the same broken link twice)

    @property
    def check(self) -> str:
        return self.first.check

    def to_dict(self) -> dict[str, Any]:
        """The JSON summary; the occurrences themselves stay with their pages' findings."""
        f = self.first
        return {
            "check": f.check,
            "outcome": f.outcome.value,
            "role": f.role.value,
            "indicator": f.indicator,
            "message": f.message,
            "element": problem_key(f)[2],
            "evidence": f.evidence,
            "pages": list(self.pages),
            "count": self.count,
        }


def element_key(f: Finding) -> str:
    """The element a finding points at: the link's address, else the selector, else the region."""
    return str(f.data.get("url") or f.selector or f.region or "")


def named_cause(f: Finding) -> str:
    """The cause when the check names it (axe rule, link kind); empty when only the message says."""
    return str(f.data.get("rule") or f.data.get("kind") or "")


def problem_key(f: Finding) -> ProblemKey:
    """(check, outcome, element, cause): what makes two findings the same fault."""
    return (f.check, f.outcome.value, element_key(f), named_cause(f) or f.message)


def group(findings: Iterable[Finding]) -> list[SiteProblem]:
    """Problems (fail and review findings) grouped by :func:`problem_key`, first seen first."""
    firsts: dict[ProblemKey, Finding] = {}
    pages: dict[ProblemKey, list[str]] = {}
    counts: dict[ProblemKey, int] = {}
    for f in findings:
        if not f.is_problem:
            continue
        key = problem_key(f)
        firsts.setdefault(key, f)
        seen = pages.setdefault(key, [])
        if f.page_url and f.page_url not in seen:
            seen.append(f.page_url)
        counts[key] = counts.get(key, 0) + 1
    return [SiteProblem(firsts[k], tuple(pages[k]), counts[k]) for k in firsts]


def site_problems(site: SiteResult) -> list[SiteProblem]:
    """Every problem of one site: its pages' findings in audit order, then site-level ones."""
    return group([*(f for p in site.pages for f in p.findings), *site.findings])
