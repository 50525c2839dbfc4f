"""The check list is pinned: ids, naming, roles and rule citations (STYLE.md §2)."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest

from auditor.checks import ALL_CHECKS, CHECKS_BY_ID, SITE_CHECKS
from auditor.model import Role

EXPECTED_IDS = {
    "page-availability",
    "page-stability",
    "domain-name",
    "header-site-name",
    "footer-conac",
    "footer-site-code",
    "footer-sponsor",
    "footer-contact",
    "footer-icp",
    "footer-police-record",
    "footer-sitemap",
    "footer-error-report",
    "meta-tags",
    "meta-format",
    "meta-consistency",
    "homepage-freshness",
    "column-empty",
    "column-freshness",
    "interaction-channel",
    "message-response",
    "annual-report",
    "site-search",
    "qr-image",
    "link-health",
    "accessibility",
    "elderly-mode",
    "mobile-layout",
}
SITE_IDS = {"column-update"}
# Roles already reserved for checks being integrated (issue 3 and 5); emptied as they land.
PLANNED: set[str] = set()  # roles reserved for checks not yet integrated
KEBAB = re.compile(r"^[a-z]+(-[a-z]+)*$")


def roles_file():
    text = resources.files("auditor.data").joinpath("roles.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["checks"]


IDS = [c.id for c in ALL_CHECKS]


def test_check_ids_are_exactly_the_listed_ones():
    assert set(IDS) == EXPECTED_IDS
    assert {c.id for c in SITE_CHECKS} == SITE_IDS


def test_check_ids_are_unique():
    all_ids = IDS + [c.id for c in SITE_CHECKS]
    assert len(all_ids) == len(set(all_ids))
    assert set(CHECKS_BY_ID) == set(all_ids)


@pytest.mark.parametrize("check_id", IDS)
def test_check_id_is_a_kebab_case_noun(check_id):
    assert KEBAB.match(check_id)
    assert not check_id.startswith("no-")


@pytest.mark.parametrize("chk", ALL_CHECKS, ids=IDS)
def test_every_check_has_a_role_with_a_source(chk):
    entry = roles_file()[chk.id]
    assert Role(entry["role"]) is chk.role
    assert entry["source"].strip()


def test_roles_file_lists_no_unknown_check():
    assert set(roles_file()) == EXPECTED_IDS | SITE_IDS | PLANNED


@pytest.mark.parametrize("chk", ALL_CHECKS, ids=IDS)
def test_every_check_cites_its_rule(chk):
    assert chk.rule.strip()
    assert "standards.md §" in chk.rule


@pytest.mark.parametrize("chk", ALL_CHECKS, ids=IDS)
def test_every_check_has_an_indicator_and_a_title(chk):
    assert chk.indicator.strip()
    assert chk.fn.__doc__ and chk.fn.__doc__.strip()
    assert chk.title != chk.id


def test_public_surface_is_pinned() -> None:
    import auditor

    assert sorted(auditor.__all__) == sorted(
        [
            "ALL_CHECKS", "CHECKS_BY_ID", "Artifacts", "AuditOptions", "Check", "Finding",
            "Outcome", "PageResult", "PageType", "Rect", "Role", "RunResult", "Severity",
            "SiteResult", "SiteSpec", "__version__", "audit",
        ]
    )  # fmt: skip
    for name in auditor.__all__:
        assert hasattr(auditor, name), name
