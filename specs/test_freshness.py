"""首页不更新、栏目不更新、空白栏目 (国办秘函〔2019〕19号 单项否决)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("freshness"))
def test_freshness(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)


def test_column_update_veto(audited_site, auditor_evidence):
    assert_check(audited_site, "column-update", auditor_evidence)
