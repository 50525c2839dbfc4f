"""互动交流、留言回应、年度报表、站内搜索 (standards.md §3.2, §7.1 F15, §7.3 A7–A8)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("interaction"))
def test_interaction(audited_page, check_id, record_property):
    assert_check(audited_page, check_id, record_property)
