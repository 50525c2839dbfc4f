"""站点可用性与域名 (standards.md §1.2, §3.2)."""

import pytest

from auditor.pytest_plugin import assert_check


@pytest.mark.parametrize("check_id", ["page-availability", "page-stability", "domain-name"])
def test_availability(audited_page, check_id, record_property):
    assert_check(audited_page, check_id, record_property)
