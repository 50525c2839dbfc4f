"""个人信息保护：未去标识化的身份证号码、手机号码、银行卡号 (国办发〔2017〕47号 信息发布;
国办秘函〔2019〕19号 单项否决/安全、泄密事故等严重问题, 待人工认定)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("privacy"))
def test_privacy(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
