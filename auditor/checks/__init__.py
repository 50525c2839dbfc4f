"""Every check, listed explicitly in one ordered tuple (no folder scanning; a test pins it)."""

from __future__ import annotations

from auditor.artifacts import Artifacts
from auditor.checks.availability import domain_name, page_availability
from auditor.checks.base import Check, NotApplicable, Problem, check, problem, run_check
from auditor.checks.footer import (
    footer_conac,
    footer_contact,
    footer_error_report,
    footer_icp,
    footer_police_record,
    footer_site_code,
    footer_sitemap,
    footer_sponsor,
)
from auditor.checks.header import header_site_name
from auditor.checks.meta import meta_consistency, meta_format, meta_tags
from auditor.model import Finding, SiteSpec

ALL_CHECKS: tuple[Check, ...] = (
    page_availability,
    domain_name,
    header_site_name,
    footer_conac,
    footer_site_code,
    footer_sponsor,
    footer_contact,
    footer_icp,
    footer_police_record,
    footer_sitemap,
    footer_error_report,
    meta_tags,
    meta_format,
    meta_consistency,
)
CHECKS_BY_ID = {c.id: c for c in ALL_CHECKS}


def run_all(
    page: Artifacts, site: SiteSpec, checks: tuple[Check, ...] = ALL_CHECKS
) -> list[Finding]:
    """Every check on one page, in list order."""
    return [f for c in checks for f in run_check(c, page, site)]


__all__ = [
    "ALL_CHECKS",
    "CHECKS_BY_ID",
    "Check",
    "NotApplicable",
    "Problem",
    "check",
    "problem",
    "run_all",
    "run_check",
]
