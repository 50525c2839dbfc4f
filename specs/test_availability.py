"""站点可用性与域名 (standards.md §1.2, §3.2)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("availability"))
def test_availability(audited_page, check_id, record_property):
    assert_check(audited_page, check_id, record_property)
