"""头部标识区 (国办发〔2017〕47号 网页设计规范)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("header"))
def test_header(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
