"""gather_qr end to end on a synthetic page, then the qr-image check and its evidence.

The "screenshot" is a Pillow canvas with Chinese text and QR codes pasted at known rects; the
artifacts list the ``<img>`` elements as the browser would. One code has no ``<img>`` at all (a
CSS background): only the whole-page scan can find it. The network is a fake ``fetch_status``.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import io
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import segno
from PIL import Image, ImageDraw, ImageFont
from PIL import Image as PILImage

from auditor.artifacts import Artifacts, Region, TextBlock
from auditor.artifacts import Image as Img
from auditor.checks.base import run_check
from auditor.checks.qr import qr_image, verdict_of
from auditor.evidence import cjk_font_path, render_evidence
from auditor.extract.platforms import load_platforms
from auditor.gather.qr import _verify, gather_qr, scan_screenshot
from auditor.gather.qr_decode import decode
from auditor.model import Outcome, Rect, SiteSpec

gather_mod = importlib.import_module("auditor.gather.qr")

HOME = "https://www.example.gov.cn/"
WECHAT = "https://mp.weixin.qq.com/s/Xy3_kQ9vT2aLm0-Abc"
CASINO = "https://www.example-casino.com/r/8848"
WEIBO = "https://weibo.com/u/2605594314"
APP_PAGE = "https://www.example.gov.cn/app/download.html"
GOV_PAGE = "https://www.example.gov.cn/m/index.html"
HIDDEN_WECHAT = "https://mp.weixin.qq.com/s/hover-popup"
FETCHED_WECHAT = "https://mp.weixin.qq.com/s/fetched-file"
BROKEN_SRC = "https://www.example.gov.cn/img/douyin.png"
GARBLED = "示例市人民政".encode().decode("gbk")  # 绀轰緥甯備汉姘戞斂: UTF-8 read as GBK

STATUS: dict[str, int | str] = {
    WECHAT: 200,
    CASINO: 200,
    WEIBO: 200,
    APP_PAGE: 404,
    GOV_PAGE: 200,
    HIDDEN_WECHAT: 200,
    FETCHED_WECHAT: 200,
    BROKEN_SRC: 404,
}


def qr(payload: str, side: int, **kw: Any) -> PILImage.Image:
    code = segno.make(payload, micro=False, **kw)
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=8, border=4)
    buf.seek(0)
    return Image.open(buf).convert("RGB").resize((side, side), Image.Resampling.NEAREST)


def png_bytes(img: PILImage.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def broken_code(side: int) -> PILImage.Image:
    """Finder and timing patterns kept, data modules random: looks like a code, reads as none."""
    code = segno.make("https://www.example.gov.cn/x", micro=False, version=3)
    dark = np.array(code.matrix, dtype=bool)
    n = dark.shape[0]
    keep = np.zeros_like(dark)
    for r, c in ((0, 0), (0, n - 8), (n - 8, 0)):
        keep[r : r + 8, c : c + 8] = True
    keep[6, :] = keep[:, 6] = True
    dark = np.where(keep, dark, np.random.default_rng(3).random(dark.shape) < 0.5)
    pixels = np.pad(~dark, 4, constant_values=True).astype(np.uint8) * 255
    return Image.fromarray(pixels).convert("RGB").resize((side, side), Image.Resampling.NEAREST)


class Page:
    """A synthetic rendered page: the screenshot and the artifacts that describe it."""

    def __init__(self) -> None:
        self.shot = Image.new("RGB", (1366, 2600), "white")
        draw = ImageDraw.Draw(self.shot)
        font = ImageFont.truetype(str(cjk_font_path()), 16)
        rnd = random.Random(0)
        chars = "回国政府人民市区县示例通知公告关于印发工作方案的回复图"
        for y in range(120, 1700, 24):  # a page of text, 回 and 图 included
            draw.text((40, y), "".join(rnd.choice(chars) for _ in range(70)), font=font, fill=0)
        draw.rectangle((0, 1900, 1366, 2600), fill=(0xF2, 0xF2, 0xF2))  # footer band
        self.images: list[Img] = []
        self.blocks: list[TextBlock] = []

    def paste(self, code: PILImage.Image, x: int, y: int) -> Rect:
        self.shot.paste(code, (x, y))
        return Rect(float(x), float(y), float(code.width), float(code.height))

    def img(self, src: str, rect: Rect | None, caption: str = "", **kw: Any) -> None:
        kw.setdefault("natural_width", 430)
        kw.setdefault("natural_height", 430)
        self.images.append(
            Img(
                src=src,
                rect=rect,
                selector=f'#footer img[src="{src}"]',
                region="footer",
                caption=caption,
                snippet=f'<img src="{src}">',
                **kw,
            )
        )

    def text(self, text: str, x: int, y: int) -> None:
        ImageDraw.Draw(self.shot).text(
            (x, y), text, font=ImageFont.truetype(str(cjk_font_path()), 14), fill=0
        )
        self.blocks.append(TextBlock(text=text, rect=Rect(x, y, 14.0 * len(text), 18.0)))

    def artifacts(self) -> Artifacts:
        return Artifacts(
            url=HOME,
            final_url=HOME,
            images=self.images,
            footer=Region(found=True, rect=Rect(0, 1900, 1366, 700), blocks=self.blocks),
        )


def build_page() -> Page:
    """The page every test of this module reads: one code for each verdict, and decoys."""
    p = Page()
    y = 2000
    p.img(
        "https://www.example.gov.cn/img/ewm_wx.png", p.paste(qr(WECHAT, 120), 60, y), "微信公众号"
    )
    p.text("微信公众号", 75, y + 126)
    p.img("https://www.example.gov.cn/img/wx2.png", p.paste(qr(CASINO, 120), 240, y), "微信公众号")
    p.text("微信公众号", 255, y + 126)
    # CSS background: no <img>, only the caption text under it
    p.paste(qr(WEIBO, 120), 420, y)
    p.text("政务微博", 440, y + 126)
    p.img(BROKEN_SRC, Rect(600, y, 120, 120), "抖音", natural_width=0, natural_height=0)
    toutiao = p.paste(broken_code(132), 780, y)
    p.img("https://www.example.gov.cn/img/toutiao.png", toutiao, "今日头条", natural_width=132)
    p.img("https://www.example.gov.cn/img/code.png", p.paste(qr(GARBLED, 120), 960, y), "二维码")
    p.img("https://www.example.gov.cn/img/app.png", p.paste(qr(APP_PAGE, 120), 1140, y), "APP下载")
    # unlabelled code inside the page body, and an ordinary photo
    p.img("https://www.example.gov.cn/img/m.png", p.paste(qr(GOV_PAGE, 110), 1200, 300))
    photo = Image.fromarray((np.random.default_rng(5).random((150, 200, 3)) * 255).astype(np.uint8))
    p.img("https://www.example.gov.cn/img/photo.jpg", p.paste(photo, 1100, 600), alt="调研")
    # a share button labelled 微信 (an icon, 16 px) and a hover pop-up that is not drawn
    p.img("https://www.example.gov.cn/img/share-wx.png", p.paste(qr(WECHAT, 16), 900, 100), "微信")
    hidden = "data:image/png;base64," + base64.b64encode(png_bytes(qr(HIDDEN_WECHAT, 150))).decode()
    p.img(hidden, None, "扫一扫关注微信", visible=False, natural_width=150, natural_height=150)
    p.img("https://www.example.gov.cn/img/hover.png", None, "微信", visible=False)
    return p


@pytest.fixture(scope="module")
def page() -> Page:
    return build_page()


class FakeNet:
    def __init__(self) -> None:
        self.status_calls: list[str] = []
        self.image_calls: list[str] = []

    async def fetch_status(self, url: str) -> int | str:
        self.status_calls.append(url)
        return STATUS.get(url, "net::ERR_NAME_NOT_RESOLVED")

    async def fetch_image(self, url: str) -> bytes | None:
        self.image_calls.append(url)
        if url.endswith("/hover.png"):
            return png_bytes(qr(FETCHED_WECHAT, 200))
        return None


@pytest.fixture(scope="module")
def gathered(page: Page) -> tuple[list[dict[str, Any]], FakeNet]:
    net = FakeNet()
    found = asyncio.run(
        gather_qr(
            page.artifacts(),
            page.shot,
            fetch_status=net.fetch_status,
            fetch_image=net.fetch_image,
        )
    )
    return found, net


def by_src(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {(c["src"] if not c["src"].startswith("data:") else "data:") or "css": c for c in found}


def test_every_code_on_the_page_is_a_candidate_and_nothing_else(
    gathered: tuple[list[dict[str, Any]], FakeNet],
) -> None:
    found = by_src(gathered[0])
    assert set(found) == {
        "https://www.example.gov.cn/img/ewm_wx.png",
        "https://www.example.gov.cn/img/wx2.png",
        "css",
        BROKEN_SRC,
        "https://www.example.gov.cn/img/toutiao.png",
        "https://www.example.gov.cn/img/code.png",
        "https://www.example.gov.cn/img/app.png",
        "https://www.example.gov.cn/img/m.png",
        "data:",
        "https://www.example.gov.cn/img/hover.png",
    }


@pytest.mark.parametrize(
    ("src", "payload", "kind"),
    [
        ("https://www.example.gov.cn/img/ewm_wx.png", WECHAT, None),
        ("https://www.example.gov.cn/img/wx2.png", CASINO, "target-mismatch"),
        ("css", WEIBO, None),
        (BROKEN_SRC, None, "image-broken"),
        ("https://www.example.gov.cn/img/toutiao.png", None, "undecodable"),
        ("https://www.example.gov.cn/img/code.png", GARBLED, "garbled"),
        ("https://www.example.gov.cn/img/app.png", APP_PAGE, "target-unreachable"),
        ("https://www.example.gov.cn/img/m.png", GOV_PAGE, None),
        ("data:", HIDDEN_WECHAT, None),
        ("https://www.example.gov.cn/img/hover.png", FETCHED_WECHAT, None),
    ],
)
def test_each_candidate_is_read_and_judged(
    gathered: tuple[list[dict[str, Any]], FakeNet], src: str, payload: str | None, kind: str | None
) -> None:
    cand = by_src(gathered[0])[src]
    assert cand["payload"] == payload
    verdict = verdict_of(cand, load_platforms(), "www.example.gov.cn")
    assert (verdict.kind if verdict else None) == kind
    assert verdict is None or verdict.reason


def test_css_background_code_is_found_by_the_scan_with_its_caption(
    gathered: tuple[list[dict[str, Any]], FakeNet],
) -> None:
    css = by_src(gathered[0])["css"]
    assert css["selector"] == "" and css["nominated_by"] == "scan"
    assert css["caption"] == "政务微博" and css["platform_hint"] == "weibo"
    r = css["rect"]
    assert 400 <= r["x"] <= 425 and 1980 <= r["y"] <= 2005  # the pasted code at (420, 2000)
    assert r["x"] + r["width"] >= 535 and r["y"] + r["height"] >= 2115


def test_unlabelled_code_is_found_by_the_scan(
    gathered: tuple[list[dict[str, Any]], FakeNet],
) -> None:
    cand = by_src(gathered[0])["https://www.example.gov.cn/img/m.png"]
    assert (cand["nominated_by"], cand["caption"], cand["target_status"]) == ("scan", "", 200)


def test_statuses_are_recorded_and_fetched_once_each(
    gathered: tuple[list[dict[str, Any]], FakeNet],
) -> None:
    found, net = gathered
    cands = by_src(found)
    assert cands[BROKEN_SRC]["image_status"] == 404
    assert cands["https://www.example.gov.cn/img/app.png"]["target_status"] == 404
    assert cands["https://www.example.gov.cn/img/ewm_wx.png"]["target_status"] == 200
    assert sorted(net.status_calls) == sorted(set(net.status_calls))
    assert BROKEN_SRC in net.status_calls
    # images that loaded are never fetched for their status; only the hover image for its bytes
    assert "https://www.example.gov.cn/img/ewm_wx.png" not in net.status_calls
    assert net.image_calls == ["https://www.example.gov.cn/img/hover.png"]


def test_results_are_plain_json(gathered: tuple[list[dict[str, Any]], FakeNet]) -> None:
    found = gathered[0]
    assert json.loads(json.dumps(found, ensure_ascii=False)) == found
    for c in found:
        assert {
            "src", "selector", "rect", "caption", "platform_hint", "payload", "decoder",
            "looks_like_qr", "attempts", "image_status", "target_status", "note",
        } <= set(c)  # fmt: skip
        assert "kind" not in c, "the gatherer records; the qr-image check judges"


def test_artifacts_with_qr_survive_save_and_load(
    gathered: tuple[list[dict[str, Any]], FakeNet], page: Page, tmp_path: Path
) -> None:
    art = page.artifacts()
    art.qr = gathered[0]
    art.save(tmp_path / "p00.artifacts.json")
    assert Artifacts.load(tmp_path / "p00.artifacts.json").qr == gathered[0]


def test_without_fetch_image_a_hidden_code_is_reported_as_not_decoded(page: Page) -> None:
    net = FakeNet()
    found = asyncio.run(gather_qr(page.artifacts(), page.shot, fetch_status=net.fetch_status))
    hover = by_src(found)["https://www.example.gov.cn/img/hover.png"]
    assert (hover["payload"], hover["note"]) == (None, "not-drawn")
    assert verdict_of(hover, load_platforms(), "www.example.gov.cn") is None


def test_screenshot_may_be_a_file(page: Page, tmp_path: Path) -> None:
    shot = tmp_path / "p00.png"
    page.shot.save(shot)
    found = asyncio.run(gather_qr(page.artifacts(), shot, fetch_status=FakeNet().fetch_status))
    assert by_src(found)["css"]["payload"] == WEIBO


def test_code_drawn_too_small_to_read_is_read_from_its_file() -> None:
    p = Page()
    src = "https://www.example.gov.cn/img/tiny.png"
    big = qr(WECHAT + "/long/path/so/that/the/code/has/many/modules/0123456789", 300)
    drawn = big.resize((44, 44), Image.Resampling.BOX)
    assert decode(drawn).payload is None, "precondition: unreadable as drawn"
    p.img(src, p.paste(drawn, 100, 2000), "微信公众号")
    fetched: list[str] = []

    async def fetch_image(url: str) -> bytes | None:
        fetched.append(url)
        return png_bytes(big)

    found = asyncio.run(
        gather_qr(
            p.artifacts(), p.shot, fetch_status=FakeNet().fetch_status, fetch_image=fetch_image
        )
    )
    (cand,) = found
    assert fetched == [src]
    assert cand["payload"] == WECHAT + "/long/path/so/that/the/code/has/many/modules/0123456789"


# -- the coarse scan -------------------------------------------------------------------------


def test_scan_finds_codes_on_a_tall_page_and_respects_its_budget() -> None:
    tall = Image.new("L", (1366, 12000), 255)
    tall.paste(qr(WECHAT, 120).convert("L"), (100, 200))
    tall.paste(qr(WEIBO, 120).convert("L"), (700, 11500))
    gray = np.asarray(tall)
    hits = scan_screenshot(gray, budget_ms=10_000)
    assert sorted(h.payload or "" for h in hits) == sorted([WECHAT, WEIBO])
    # no budget: only the first strip (the top of the page) is scanned
    assert [h.payload for h in scan_screenshot(gray, budget_ms=0)] == [WECHAT]


def test_scan_out_of_time_has_still_covered_the_top_and_the_bottom(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tall = Image.new("L", (1366, 16000), 255)
    for i, y in enumerate((200, 8000, 15700)):
        tall.paste(qr(f"https://www.example.gov.cn/{i}", 120).convert("L"), (100, y))
    clock = iter(range(0, 10_000, 200))  # every reading of the clock is 200 ms later
    monkeypatch.setattr(gather_mod.time, "perf_counter", lambda: next(clock) / 1000)
    hits = scan_screenshot(np.asarray(tall), budget_ms=250)  # time for two strips only
    assert [h.payload for h in hits] == [
        "https://www.example.gov.cn/0",
        "https://www.example.gov.cn/2",
    ]


def test_scan_finds_a_code_cut_by_a_strip_boundary() -> None:
    tall = Image.new("L", (800, 6000), 255)
    tall.paste(qr(WEIBO, 140).convert("L"), (300, 4096 - 70))  # straddles the first strip's end
    hits = scan_screenshot(np.asarray(tall), budget_ms=10_000)
    assert [h.payload for h in hits] == [WEIBO]


def test_scan_locates_an_unreadable_code_but_not_text() -> None:
    canvas = Image.new("L", (900, 700), 255)
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.truetype(str(cjk_font_path()), 22)
    for y in range(10, 400, 30):
        draw.text((10, y), "回国回图回 " * 8, font=font, fill=0)
    canvas.paste(broken_code(160).convert("L"), (600, 480))
    hits = scan_screenshot(np.asarray(canvas), budget_ms=10_000)
    assert len(hits) == 1
    assert hits[0].payload is None
    assert hits[0].rect.y >= 450


def test_a_located_but_unread_symbol_counts_only_with_finder_patterns() -> None:
    canvas = Image.new("L", (600, 300), 255)
    font = ImageFont.truetype(str(cjk_font_path()), 22)
    ImageDraw.Draw(canvas).text((10, 20), "回国回图回 回国回", font=font, fill=0)
    canvas.paste(broken_code(160).convert("L"), (400, 100))
    gray = np.asarray(canvas)
    assert _verify(gray, Rect(10, 20, 60, 30)) is None
    found = _verify(gray, Rect(430, 130, 90, 90))
    assert found is not None
    assert abs(found.x - 400) <= 8 and abs(found.y - 100) <= 8 and abs(found.width - 160) <= 16


# -- the check and its evidence --------------------------------------------------------------


def page_with_qr(found: list[dict[str, Any]]) -> Artifacts:
    return Artifacts(url=HOME, final_url=HOME, status=200, qr=found)


def test_check_is_not_applicable_without_codes() -> None:
    (finding,) = run_check(qr_image, page_with_qr([]), SiteSpec(url=HOME))
    assert finding.outcome == Outcome.NOT_APPLICABLE


def test_check_reports_one_finding_per_problem_candidate(
    gathered: tuple[list[dict[str, Any]], FakeNet],
) -> None:
    findings = run_check(qr_image, page_with_qr(gathered[0]), SiteSpec(url=HOME))
    kinds = sorted(f.data["kind"] for f in findings)
    assert kinds == [
        "garbled",
        "image-broken",
        "target-mismatch",
        "target-unreachable",
        "undecodable",
    ]
    assert all(f.outcome == Outcome.FAIL for f in findings)
    hijacked = next(f for f in findings if f.data["kind"] == "target-mismatch")
    assert hijacked.message.startswith(
        "二维码标注为“微信公众号”，扫码结果却指向 www.example-casino.com"
        "（非政府、非平台域名，疑似被劫持）"
    )
    assert CASINO in hijacked.message
    assert hijacked.rect == Rect(240.0, 2000.0, 120.0, 120.0)
    assert hijacked.selector == '#footer img[src="https://www.example.gov.cn/img/wx2.png"]'
    assert hijacked.data == {
        "kind": "target-mismatch",
        "payload": CASINO,
        "caption": "微信公众号",
        "expected": "微信",
        "found": CASINO,
    }


def test_check_passes_when_every_code_is_fine() -> None:
    ok = {
        "note": "",
        "src": "https://www.example.gov.cn/img/ewm_wx.png",
        "payload": WECHAT,
        "caption": "微信",
        "platform_hint": "wechat",
        "target_status": 200,
        "rect": None,
    }
    (finding,) = run_check(qr_image, page_with_qr([ok]), SiteSpec(url=HOME))
    assert finding.outcome == Outcome.PASS


def test_a_platform_refusing_the_probe_is_for_review_not_a_failure() -> None:
    cand = {
        "note": "",
        "src": "https://www.example.gov.cn/img/wb.png",
        "payload": WEIBO,
        "caption": "微博",
        "platform_hint": "weibo",
        "target_status": 403,
        "rect": {"x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0},
    }
    (finding,) = run_check(qr_image, page_with_qr([cand]), SiteSpec(url=HOME))
    assert finding.outcome == Outcome.REVIEW and finding.data["kind"] == "target-unreachable"
    assert "HTTP 403" in finding.message and finding.rect == Rect(1.0, 2.0, 3.0, 4.0)


def test_codes_judged_by_an_older_version_keep_their_stored_verdict() -> None:
    cand = {
        "kind": "target-unreachable",
        "review": True,
        "payload": WEIBO,
        "caption": "微博",
        "rect": {"x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0},
        "reason": "二维码“微博”扫码结果 … 无法打开（HTTP 403）",
    }
    (finding,) = run_check(qr_image, page_with_qr([cand]), SiteSpec(url=HOME))
    assert finding.outcome == Outcome.REVIEW
    assert finding.rect == Rect(1.0, 2.0, 3.0, 4.0)


def test_hijacked_code_evidence_shows_the_code_with_payload_and_caption(
    gathered: tuple[list[dict[str, Any]], FakeNet], page: Page, tmp_path: Path
) -> None:
    findings = run_check(qr_image, page_with_qr(gathered[0]), SiteSpec(url=HOME))
    hijacked = next(f for f in findings if f.data["kind"] == "target-mismatch")
    shot = tmp_path / "p00.png"
    page.shot.save(shot)
    dest = render_evidence(
        shot, tmp_path / "evidence" / "p00-qr-image-1.png", rect=hijacked.rect,
        caption=f"[{hijacked.check}] {hijacked.message}",
    )  # fmt: skip
    with Image.open(dest) as ev:
        described = ev.info["Description"]
        assert ev.height > 120 + 2 * 24  # the code with its margin, then the caption band
    assert CASINO in described and "微信公众号" in described
