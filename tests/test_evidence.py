"""Evidence crops: what is cut, where the outline is drawn, what the caption says."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from auditor import evidence
from auditor.evidence import (
    MAX_HEIGHT,
    MIN_WIDTH,
    FontMissingError,
    evidence_filename,
    outline_page_thumbnail,
    render_evidence,
)
from auditor.model import Rect

WIDTH, HEIGHT = 1366, 3000
BOX = Rect(200, 400, 300, 80)  # a blue element
BOX_COLOR = (30, 90, 200)
FOOTER = Rect(0, 2700, 1366, 300)  # a grey footer
FOOTER_COLOR = (230, 230, 230)
RED = (0xE0, 0x00, 0x00)
ORANGE_RED = evidence.MISSING_OUTLINE


@pytest.fixture
def screenshot(tmp_path: Path) -> Path:
    img = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, WIDTH - 1, 99), fill=(0, 60, 120))  # header band
    draw.rectangle(_box(BOX), fill=BOX_COLOR)
    draw.rectangle(_box(FOOTER), fill=FOOTER_COLOR)
    draw.rectangle((100, 2980, 140, 2999), fill=(0, 160, 0))  # marker at the very bottom
    path = tmp_path / "page.png"
    img.save(path)
    return path


def _box(r: Rect) -> tuple[int, int, int, int]:
    return int(r.x), int(r.y), int(r.right) - 1, int(r.bottom) - 1


def _close(pixel: tuple[int, ...], color: tuple[int, int, int], tol: int = 40) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(pixel[:3], color, strict=True))


def _description(path: Path) -> str:
    with Image.open(path) as im:
        return im.text["Description"]  # type: ignore[attr-defined]


def _band_has_text(im: Image.Image, band_top: int) -> bool:
    band = im.crop((0, band_top + 2, im.width, im.height)).convert("L")
    return band.getextrema()[0] < 100  # some dark glyph pixels on the white band


def test_crop_is_rect_plus_margin_with_caption_band_below(screenshot: Path, tmp_path: Path):
    out = render_evidence(screenshot, tmp_path / "e.png", rect=BOX, caption="ICP备案编号缺少链接")
    assert out == tmp_path / "e.png"
    im = Image.open(out).convert("RGB")
    crop_h = int(BOX.height) + 2 * 120
    assert im.width == int(BOX.width) + 2 * 120
    assert im.height > crop_h  # the caption band is below the crop
    # the element's interior sits at (margin, margin) and is not painted over by the outline
    assert im.getpixel((120 + 10, 120 + 10)) == BOX_COLOR
    assert im.getpixel((120 + 150, 120 + 40)) == BOX_COLOR
    # the crop is the screenshot region, pixel for pixel, away from the outline
    src = Image.open(screenshot).convert("RGB")
    assert im.getpixel((5, 5)) == src.getpixel((80 + 5, 280 + 5))
    assert _band_has_text(im, crop_h)
    assert _description(out) == "ICP备案编号缺少链接"


def test_red_outline_runs_along_all_four_edges_of_the_rect(screenshot: Path, tmp_path: Path):
    im = Image.open(render_evidence(screenshot, tmp_path / "e.png", rect=BOX, caption="x"))
    left, top = 120, 120
    right, bottom = left + int(BOX.width), top + int(BOX.height)
    for y in range(top, bottom, 7):
        assert _close(im.getpixel((left - 2, y)), RED), ("left", y)
        assert _close(im.getpixel((right + 1, y)), RED), ("right", y)
    for x in range(left, right, 11):
        assert _close(im.getpixel((x, top - 2)), RED), ("top", x)
        assert _close(im.getpixel((x, bottom + 1)), RED), ("bottom", x)
    # nothing red far from the rect
    assert not _close(im.getpixel((left - 30, top - 30)), RED)


def test_small_rect_is_widened_to_min_width_and_clamped_at_the_page_edge(
    screenshot: Path, tmp_path: Path
):
    im = Image.open(
        render_evidence(screenshot, tmp_path / "e.png", rect=Rect(5, 500, 10, 10), caption="x")
    ).convert("RGB")
    assert im.width == MIN_WIDTH == 480
    # clamped at x=0: the rect stays at its page x, its outline is drawn there
    assert _close(im.getpixel((5 + 4, 120 - 2)), RED)


def test_tall_rect_is_cut_to_its_top_part_and_output_height_capped(
    screenshot: Path, tmp_path: Path
):
    tall = Rect(200, 150, 400, 2500)
    out = render_evidence(screenshot, tmp_path / "e.png", rect=tall, caption="栏目内容过长")
    im = Image.open(out).convert("RGB")
    assert im.height <= MAX_HEIGHT
    assert _close(im.getpixel((120 - 2, 200)), RED)  # top part with its outline is there
    assert "仅显示上部" in _description(out)


def test_missing_region_is_outlined_dashed_with_the_notes_under_the_caption(
    screenshot: Path, tmp_path: Path
):
    stamp = [
        "虚线框为检查的区域（页面底部），其中未找到所需内容",
        "页面：https://www.example.gov.cn/",
    ]
    out = render_evidence(
        screenshot,
        tmp_path / "m.png",
        rect=FOOTER,
        caption="ICP备案编号（footer-icp）：底部未找到ICP备案编号",
        missing=True,
        stamp=stamp,
    )
    im = Image.open(out).convert("RGB")
    assert _description(out).split("\n") == [
        "ICP备案编号（footer-icp）：底部未找到ICP备案编号",
        *stamp,
    ]
    margin = evidence.MISSING_MARGIN
    assert im.width == WIDTH
    crop_h = int(FOOTER.height) + margin  # the footer ends at the page bottom: no margin below
    assert im.height > crop_h
    assert _band_has_text(im, crop_h)
    top_edge = [im.getpixel((x, margin + 1)) for x in range(0, WIDTH)]
    orange = sum(_close(p, ORANGE_RED) for p in top_edge)
    assert 0.4 * WIDTH < orange < 0.9 * WIDTH  # dashed: coloured, with gaps
    assert not any(_close(p, RED, tol=10) for p in top_edge)  # not the "wrong element" red
    assert im.getpixel((WIDTH // 2, margin + 100)) == FOOTER_COLOR


def test_missing_without_rect_shows_top_of_page(screenshot: Path, tmp_path: Path):
    out = render_evidence(
        screenshot, tmp_path / "m.png", rect=None, caption="缺失：页头无网站名称", missing=True
    )
    im = Image.open(out).convert("RGB")
    assert im.width == WIDTH
    assert im.height > 900
    assert im.getpixel((10, 10)) == (0, 60, 120)  # the header band at the top
    assert _description(out) == "缺失：页头无网站名称"  # the caption as given, nothing added


def test_rect_outside_screenshot_falls_back_to_bottom_and_says_so(screenshot: Path, tmp_path: Path):
    out = render_evidence(
        screenshot, tmp_path / "o.png", rect=Rect(100, 9000, 200, 40), caption="网站标识码不符"
    )
    im = Image.open(out).convert("RGB")
    assert im.width == WIDTH
    assert im.height > 900
    assert im.getpixel((120, 900 - 10)) == (0, 160, 0)  # the marker at the page's last rows
    assert "元素位于截图范围之外" in _description(out)


def test_evidence_filename_is_a_safe_slug():
    assert evidence_filename(3, "footer-icp", 1) == "p03-footer-icp-1.png"
    assert evidence_filename(12, "../Foo Bar/中文", 2) == "p12-foo-bar-2.png"
    assert evidence_filename(1, "中文", 1) == "p01-check-1.png"
    assert len(evidence_filename(1, "x" * 500, 1)) < 80


def test_thumbnail_is_top_of_page_scaled_to_width(screenshot: Path, tmp_path: Path):
    thumb = Image.open(outline_page_thumbnail(screenshot, tmp_path / "t.png", width=360))
    assert thumb.width == 360
    assert thumb.height <= 720
    assert _close(thumb.convert("RGB").getpixel((180, 10)), (0, 60, 120), tol=10)


def test_missing_font_error_names_the_apt_package(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(evidence, "_KNOWN_FONTS", ("/nonexistent/font.ttc",))
    monkeypatch.setattr(evidence.shutil, "which", lambda _name: None)
    evidence.cjk_font_path.cache_clear()
    try:
        with pytest.raises(FontMissingError, match="fonts-wqy-microhei"):
            evidence.cjk_font_path()
    finally:
        evidence.cjk_font_path.cache_clear()


def test_a_checked_pages_picture_names_the_check_page_and_beijing_capture_time(tmp_path: Path):
    """What a picture says when it is taken out of the report: check, page, time (北京时间)."""
    from builders import footer_page

    from auditor.checking import check_page
    from auditor.model import SiteSpec

    site_dir = tmp_path / "site"
    site_dir.mkdir()
    Image.new("RGB", (1366, 2100), "white").save(site_dir / "p00.png")
    url = "https://www.example.gov.cn/"
    art = footer_page(
        ["主办单位：示例市人民政府办公室", "网站标识码：1234000009"],
        url=url,
        screenshot="p00.png",
        gathered_at="2026-11-27T06:03:10+00:00",
    )
    page = check_page(art, SiteSpec(url=url, code="1234000001"), site_dir, 0, tmp_path)
    pictures = {f.check: _description(tmp_path / f.evidence) for f in page.problems}
    icp = pictures["footer-icp"].split("\n")
    assert icp[0].startswith("ICP备案编号（footer-icp）：")
    assert icp[1] == "虚线框为检查的区域（页面底部），其中未找到所需内容"
    assert icp[2] == f"页面：{url}　截取时间：2026-11-27 14:03（北京时间）"
    code = pictures["footer-site-code"]  # a mismatch is shown as found, never called missing
    assert code.startswith("网站标识码（footer-site-code）：") and "缺失" not in code
    assert "虚线框" not in code


def test_an_element_pushed_off_to_the_left_is_marked_at_the_edge_with_its_markup(
    screenshot: Path, tmp_path: Path
):
    """A dark link at x=-9999: a dashed mark at the left edge at its height, its code in the caption."""
    snippet = (
        '<a href="http://www.88bet-casino.com/" style="position:absolute;left:-9999px">博彩</a>'
    )
    out = render_evidence(
        screenshot,
        tmp_path / "d.png",
        rect=Rect(-9999, 400, 80, 18),
        caption="暗链",
        snippet=snippet,
    )
    im = Image.open(out).convert("RGB")
    marks = [y for y in range(im.height) if _close(im.getpixel((1, y)), ORANGE_RED, tol=10)]
    assert marks, "the dashed mark is drawn at the left edge"
    assert not any(_close(im.getpixel((im.width - 2, y)), ORANGE_RED, tol=10) for y in marks)
    text = _description(out)
    assert "页面左侧可见范围之外（x=-9999）" in text
    assert '元素代码：<a href="http://www.88bet-casino.com/"' in text
    assert "此处显示页面底部" not in text
