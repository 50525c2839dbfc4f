"""互动交流、留言回应、年度报表、站内搜索 (国办秘函〔2019〕19号 单项否决/互动回应差; 国办函〔2018〕12号)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("interaction"))
def test_interaction(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
