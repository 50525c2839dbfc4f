"""新媒体二维码与链接可用性 (国办秘函〔2019〕19号 链接可用性; 各地检查通报：二维码扫描后显示乱码或无法下载)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("qr", "links"))
def test_media(audited_page, check_id, auditor_evidence):
    assert_check(audited_page, check_id, auditor_evidence)
