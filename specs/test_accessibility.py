"""无障碍、适老化与手机适配 (GB/T 37668-2019; 国办公开办函〔2021〕28号; 《互联网网站适老化通用设计规范》)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in

ACCESSIBILITY_CHECKS = checks_in("accessibility")


@pytest.mark.parametrize("check_id", ACCESSIBILITY_CHECKS)
def test_accessibility(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
