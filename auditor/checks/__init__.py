"""Every check, listed explicitly in one ordered tuple (no folder scanning; a test pins it)."""

from __future__ import annotations

from auditor.artifacts import Artifacts
from auditor.checks.accessibility import accessibility, elderly_mode, mobile_layout
from auditor.checks.availability import domain_name, page_availability, page_stability
from auditor.checks.base import (
    Check,
    MediaCheck,
    MediaListCheck,
    NotApplicable,
    Problem,
    SiteCheck,
    check,
    problem,
    run_check,
    run_media_check,
    run_media_list_check,
    run_site_check,
    site_check,
    skipped,
)
from auditor.checks.content import forged_date, serious_wording
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
from auditor.checks.freshness import (
    column_empty,
    column_freshness,
    column_update,
    homepage_freshness,
)
from auditor.checks.header import header_site_name
from auditor.checks.interaction import (
    annual_report,
    interaction_channel,
    message_response,
    service_entry,
    site_search,
)
from auditor.checks.links import link_health
from auditor.checks.media import MEDIA_CHECKS, MEDIA_LIST_CHECKS, MEDIA_SITE_CHECKS
from auditor.checks.meta import meta_consistency, meta_format, meta_tags
from auditor.checks.privacy import personal_data
from auditor.checks.qr import qr_image
from auditor.checks.security import cloaking, dark_links
from auditor.model import Finding, SiteSpec

ALL_CHECKS: tuple[Check, ...] = (
    page_availability,
    page_stability,
    domain_name,
    dark_links,
    cloaking,
    serious_wording,
    forged_date,
    personal_data,
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
    homepage_freshness,
    column_empty,
    column_freshness,
    interaction_channel,
    message_response,
    annual_report,
    site_search,
    service_entry,
    qr_image,
    link_health,
    accessibility,
    elderly_mode,
    mobile_layout,
)
# Checks over all pages of a site, run once the site's pages are done.
SITE_CHECKS: tuple[SiteCheck, ...] = (column_update,)
CHECKS_BY_ID: dict[str, Check | SiteCheck] = {
    **{c.id: c for c in ALL_CHECKS},
    **{c.id: c for c in SITE_CHECKS},
}


def run_all(
    page: Artifacts,
    site: SiteSpec,
    checks: tuple[Check, ...] = ALL_CHECKS,
    skip: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Every check on one page, in list order; those in ``skip`` (check ids) say 按配置跳过."""
    return [
        f
        for c in checks
        for f in (skipped(c, page.url) if c.id in skip else run_check(c, page, site))
    ]


def run_site(
    pages: list[Artifacts], site: SiteSpec, skip: frozenset[str] = frozenset()
) -> list[Finding]:
    """Every site-level check over the site's audited pages."""
    return [
        f
        for c in SITE_CHECKS
        for f in (skipped(c, site.url) if c.id in skip else run_site_check(c, pages, site))
    ]


# Checks over one 政务新媒体 account's profile (auditor media); a kind of their own.
MEDIA_BY_ID: dict[str, MediaCheck | MediaListCheck] = {
    c.id: c for c in (*MEDIA_CHECKS, *MEDIA_LIST_CHECKS, *MEDIA_SITE_CHECKS)
}


__all__ = [
    "ALL_CHECKS",
    "CHECKS_BY_ID",
    "MEDIA_BY_ID",
    "MEDIA_CHECKS",
    "MEDIA_LIST_CHECKS",
    "MEDIA_SITE_CHECKS",
    "SITE_CHECKS",
    "Check",
    "MediaCheck",
    "MediaListCheck",
    "NotApplicable",
    "Problem",
    "SiteCheck",
    "check",
    "problem",
    "run_all",
    "run_check",
    "run_media_check",
    "run_media_list_check",
    "run_site",
    "run_site_check",
    "site_check",
]
