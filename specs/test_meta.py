"""网页标签 (国办发〔2017〕47号 网页设计规范)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("meta"))
def test_meta(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
