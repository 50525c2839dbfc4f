"""底部功能区 (国办发〔2017〕47号 网页设计规范)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in

FOOTER_CHECKS = checks_in("footer")


@pytest.mark.parametrize("check_id", FOOTER_CHECKS)
def test_footer(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
