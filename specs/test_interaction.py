"""互动交流、留言回应、年度报表、站内搜索 (standards.md §3.2, §7.1 F15, §7.3 A7–A8)."""

import pytest

from auditor.pytest_plugin import assert_check


@pytest.mark.parametrize(
    "check_id", ["interaction-channel", "message-response", "annual-report", "site-search"]
)
def test_interaction(audited_page, check_id, record_property):
    assert_check(audited_page, check_id, record_property)
