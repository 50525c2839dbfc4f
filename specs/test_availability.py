"""站点可用性与域名 (国办发〔2017〕47号 域名规则; 国办秘函〔2019〕19号 单项否决/站点无法访问)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("availability"))
def test_availability(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
