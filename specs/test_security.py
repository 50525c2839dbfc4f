"""安全：暗链 (国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("security"))
def test_security(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
