"""新媒体二维码与链接可用性 (standards.md §7.3 A10, §7.4 NM1–NM3)."""

import pytest

from auditor.pytest_plugin import assert_check, checks_in


@pytest.mark.parametrize("check_id", checks_in("qr", "links"))
def test_media(audited_page, check_id, record_property):
    assert_check(audited_page, check_id, record_property)
