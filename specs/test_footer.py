"""底部功能区 (standards.md §1.4)."""

import pytest

from auditor.pytest_plugin import assert_check

FOOTER_CHECKS = [
    "footer-conac",
    "footer-site-code",
    "footer-sponsor",
    "footer-contact",
    "footer-icp",
    "footer-police-record",
    "footer-sitemap",
    "footer-error-report",
]


@pytest.mark.parametrize("check_id", FOOTER_CHECKS)
def test_footer(audited_page, check_id, record_property):
    assert_check(audited_page, check_id, record_property)
