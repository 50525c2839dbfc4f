"""How a site's pages are seen at a phone's width: narrowed desktop tab or real phone load.

The home page is measured both ways once; the site's other pages are only narrowed when both
agree. These are the pure decisions (no browser); the browser side runs in the demo site tests.
"""

from __future__ import annotations

from typing import Any

from auditor.artifacts import Artifacts, Meta
from auditor.gather.phone import agrees, declares_device_width, shows_a_problem

HOME = "https://www.example.gov.cn/"


def view(**over: Any) -> dict[str, Any]:
    base = {
        "final_url": HOME,
        "status": 200,
        "error": "",
        "viewport_meta": "width=device-width, initial-scale=1",
        "viewport_width": 375,
        "layout_width": 375,
        "document_width": 375,
        "overflow_total": 0,
        "small_text_total": 0,
        "main_font_px": 16.0,
    }
    return {**base, **over}


def test_a_responsive_site_is_narrowed_after_its_home_page() -> None:
    assert agrees(view(), view(document_width=380), HOME)


def test_a_site_sending_phones_elsewhere_gets_real_phone_loads() -> None:
    assert not agrees(view(), view(final_url="https://m.example.gov.cn/"), HOME)


def test_a_site_laying_phones_out_differently_gets_real_phone_loads() -> None:
    assert not agrees(view(), view(document_width=980, overflow_total=3), HOME)
    assert not agrees(view(), view(main_font_px=12.0), HOME)


def test_a_failed_measure_on_either_side_means_real_loads() -> None:
    assert not agrees(None, view(), HOME)
    assert not agrees(view(error="手机宽度排版失败"), view(), HOME)
    assert not agrees(view(), view(status=None), HOME)


def test_only_pages_asking_for_the_device_width_are_narrowed() -> None:
    art = Artifacts(url=HOME, metas=[Meta("viewport", "width=device-width,initial-scale=1")])
    assert declares_device_width(art)
    assert not declares_device_width(Artifacts(url=HOME, metas=[Meta("viewport", "width=1200")]))
    assert not declares_device_width(Artifacts(url=HOME))


def test_a_phone_picture_is_taken_only_when_it_will_be_evidence() -> None:
    assert not shows_a_problem(view())
    assert shows_a_problem(view(viewport_meta=None))
    assert shows_a_problem(view(overflow_total=2))
    assert shows_a_problem(view(small_text_total=1))
    assert shows_a_problem(view(main_font_px=11.0))
    assert shows_a_problem(view(layout_width=980))
    assert shows_a_problem(view(status=404))
