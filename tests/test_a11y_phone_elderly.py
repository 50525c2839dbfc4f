"""The phone render and the elderly-mode probe in real Chromium, on the fixture pages.

What each page must produce is declared in ``tests/fixtures/a11y/expected.json`` (sections
``phone`` and ``elderly``); lists are compared exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import A11Y_FIXTURES as FIXTURES
from helpers import RunAsync
from PIL import Image
from playwright.async_api import Browser

from auditor.artifacts import Artifacts
from auditor.browser.netguard import NetworkGuard
from auditor.checks.accessibility import elderly_mode, mobile_layout
from auditor.checks.base import run_check
from auditor.demo.server import DemoServer
from auditor.evidence import render_evidence, screenshot_rect
from auditor.extract.entries import find_elderly_entry
from auditor.gather.elderly import page_font_px, probe_elderly
from auditor.gather.phone import DEVICE_SCALE, render_phone
from auditor.gather.render import RenderSettings, new_context, new_tab, render
from auditor.model import Outcome, PageType, Rect, SiteSpec

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
SITE = SiteSpec(url="")


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(root=FIXTURES) as s:
        yield s


# -- phone ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED["phone"]))
def test_phone_render_finds_exactly_the_declared_problems(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path, name: str
) -> None:
    shot = tmp_path / "phone.png"
    m = run_async(render_phone(chromium, server.url + name, shot))
    want = EXPECTED["phone"][name]
    assert m["error"] == ""
    assert (m["viewport_meta"] is not None) is want["viewport_meta"]
    assert [o["selector"] for o in m["overflow"]] == want["overflow"]
    assert [s["selector"] for s in m["small_text"]] == want["small_text"]
    assert m["viewport_width"] == 375 and m["device_scale_factor"] == DEVICE_SCALE
    # The screenshot is the phone's, at device scale 2, as wide as the document; a page that
    # fits a phone has nothing to show, and none is taken.
    if not want["viewport_meta"] or want["overflow"] or want["small_text"]:
        with Image.open(shot) as im:
            assert im.width == m["document_width"] * DEVICE_SCALE
            assert im.height == m["screenshot_css_height"] * DEVICE_SCALE
    else:
        assert m["screenshot"] == "" and not shot.exists()


def test_phone_overflow_and_small_text_are_measured(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path
) -> None:
    m = run_async(render_phone(chromium, server.url + "phone-overflow.html", tmp_path / "p.png"))
    assert m["layout_width"] == 375 and m["document_width"] > 900
    (wide,) = m["overflow"]
    assert wide["width"] == pytest.approx(920, abs=1) and wide["right"] > 900
    (tiny,) = m["small_text"]
    assert tiny["font_px"] == 10 and "统计局" in tiny["text"]
    assert m["main_font_px"] == 16  # the 11 px footer is not main text


def test_page_without_viewport_meta_is_laid_out_wide(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path
) -> None:
    m = run_async(render_phone(chromium, server.url + "gov-like.html", tmp_path / "p.png"))
    assert m["viewport_meta"] is None and m["layout_width"] == 980


def test_mobile_findings_crop_the_phone_screenshot(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path
) -> None:
    shot = tmp_path / "phone.png"
    art = _artifacts(url=server.url + "phone-overflow.html")
    art.mobile = run_async(render_phone(chromium, art.url, shot))
    findings = run_check(mobile_layout, art, SITE)
    assert [f.outcome for f in findings] == [Outcome.FAIL, Outcome.FAIL]
    overflow = findings[0]
    assert overflow.selector == "#wide-table" and overflow.data["evidence_source"] == "mobile"
    assert overflow.rect is not None
    crop = render_evidence(
        shot,
        tmp_path / "evidence.png",
        rect=screenshot_rect(overflow.rect, art.mobile),
        caption=overflow.message,
    )
    with Image.open(crop) as im:
        assert im.width >= 2 * 920  # the whole 920 CSS px element at device scale 2


def test_responsive_page_passes_the_mobile_check(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path
) -> None:
    art = _artifacts(url=server.url + "phone-responsive.html")
    art.mobile = run_async(render_phone(chromium, art.url, tmp_path / "p.png"))
    assert [f.outcome for f in run_check(mobile_layout, art, SITE)] == [Outcome.PASS]


def test_phone_render_of_a_missing_page_reports_an_error(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path
) -> None:
    m = run_async(render_phone(chromium, "http://nowhere.invalid/", tmp_path / "p.png"))
    assert m["error"] and m["screenshot"] == ""


# -- elderly mode -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED["elderly"]))
def test_elderly_probe_finds_exactly_the_declared_problems(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path, name: str
) -> None:
    shot = tmp_path / "elderly.png"
    e = run_async(
        probe_elderly(
            chromium, server.url + name, normal_font_px=14.0, screenshot=shot, watch_ms=800
        )
    )
    want = EXPECTED["elderly"][name]
    assert e["error"] == "" and e["screenshot"] == shot.name and shot.exists()
    assert e["larger"] is want["larger"]
    assert [a["selector"] for a in e["ad_iframes"]] == want["ad_iframes"]
    assert sorted([p["kind"], p["selector"]] for p in e["popups"]) == sorted(want["popups"])
    assert {k: e["captcha"][k] for k in ("present", "has_alternative")} == want["captcha"]


def test_home_page_entry_probe_and_check_end_to_end(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path
) -> None:
    """Render the home page as the engine does, find the entry, probe it, run the check."""

    async def go() -> tuple[Artifacts, float]:
        guard = NetworkGuard()
        context = await new_context(chromium, RenderSettings(), guard)
        try:
            tab = await new_tab(context, guard)
            art = await render(tab, server.url + "elderly-home.html", None, RenderSettings())
            return art, await page_font_px(tab.page)
        finally:
            await context.close()

    art, normal = run_async(go())
    assert normal == 14
    entry = find_elderly_entry(art)
    assert entry is not None and entry["kind"] == "link" and entry["text"] == "长者版"
    assert entry["href"].endswith("/elderly-good.html") and entry["rect"] is not None
    art.elderly = run_async(
        probe_elderly(
            chromium,
            entry["href"],
            normal_font_px=normal,
            screenshot=tmp_path / "e.png",
            watch_ms=500,
        )
    )
    assert art.elderly["font_px"] == 22
    art.page_type = PageType.HOME
    assert [f.outcome for f in run_check(elderly_mode, art, SITE)] == [Outcome.PASS]


def test_elderly_page_that_does_not_open_is_marked_load_failed(
    run_async: RunAsync, chromium: Browser, server: DemoServer, tmp_path: Path
) -> None:
    e = run_async(
        probe_elderly(
            chromium,
            server.url + "__status/404",
            normal_font_px=14.0,
            screenshot=tmp_path / "e.png",
        )
    )
    assert e["load_failed"] is True and "404" in e["error"]


def _artifacts(url: str) -> Artifacts:
    return Artifacts(url=url, final_url=url, status=200, page_type=PageType.HOME)


def test_rect_scaling_for_the_phone_screenshot() -> None:
    assert screenshot_rect(Rect(1, 2, 3, 4), {"device_scale_factor": 2}) == Rect(2, 4, 6, 8)
