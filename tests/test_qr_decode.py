"""QR decoding on generated codes (qr-image): exact payloads through the cascade and its retries.

Codes are made with segno; each test degrades one the way real pages do (small, inverted, logo
over the centre, JPEG noise, rotation) and asserts the payload read back, character for character.
"""

from __future__ import annotations

import importlib
import io
import math

import numpy as np
import pytest
import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps
from pyzbar import pyzbar

from auditor.evidence import cjk_font_path
from auditor.gather.qr_decode import decode, fix_zbar_text, looks_like_qr
from auditor.gather.qr_finders import finder_patterns, otsu

# the package exports the function ``decode``, which hides the module of the same name
decode_mod = importlib.import_module("auditor.gather.qr_decode")

WECHAT = "https://mp.weixin.qq.com/s/Xy3_kQ9vT2aLm0-Abc"
WEIXIN_URI = "weixin://dl/officialaccounts?username=gh_0123456789ab"
WEIBO = "https://weibo.com/u/2605594314"
CHINESE = "示例市人民政府"
APP_STORE = "https://apps.apple.com/cn/app/id1234567890"


def qr_png(
    payload: str, *, scale: int = 4, border: int = 4, error: str | None = None, **kw: object
) -> Image.Image:
    """A QR code as Pillow would load it from a page (RGB, black on white)."""
    code = segno.make(payload, micro=False, error=error, **kw)  # type: ignore[arg-type]
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=scale, border=border)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def jpeg(img: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def gray(img: Image.Image) -> np.ndarray:
    return np.asarray(img.convert("L"), dtype=np.uint8)


def broken_code(seed: int = 0, scale: int = 4) -> Image.Image:
    """Real finder and timing patterns around random data modules: a QR code no one can read."""
    code = segno.make("https://www.example.gov.cn/broken", micro=False, version=3)
    dark = np.array(code.matrix, dtype=bool)
    n = dark.shape[0]
    keep = np.zeros_like(dark)
    for r, c in ((0, 0), (0, n - 8), (n - 8, 0)):
        keep[r : r + 8, c : c + 8] = True
    keep[6, :] = keep[:, 6] = True
    rng = np.random.default_rng(seed)
    dark = np.where(keep, dark, rng.random(dark.shape) < 0.5)
    pixels = np.pad(~dark, 4, constant_values=True).astype(np.uint8) * 255
    return Image.fromarray(pixels).resize(((n + 8) * scale,) * 2, Image.Resampling.NEAREST)


# -- payloads read exactly -------------------------------------------------------------------


@pytest.mark.parametrize("payload", [WECHAT, WEIXIN_URI, WEIBO, APP_STORE])
def test_platform_payloads_are_read_exactly_by_zxing_first(payload: str) -> None:
    result = decode(qr_png(payload))
    assert result.payload == payload
    assert result.decoder == "zxing"
    assert result.attempts == 1
    assert result.looks_like_qr


def test_chinese_utf8_payload_is_read_exactly() -> None:
    img = qr_png(CHINESE, encoding="utf-8")
    assert decode(img).payload == CHINESE


def test_chinese_kanji_mode_payload_is_read_exactly() -> None:
    # segno's default for these characters is Kanji mode (Shift-JIS bytes), as some generators do
    code = segno.make(CHINESE, micro=False)
    assert code.mode == "kanji"
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=4)
    assert decode(Image.open(buf)).payload == CHINESE


def test_box_locates_the_symbol_within_the_picture() -> None:
    img = qr_png(WECHAT, scale=4, border=4)  # symbol starts 16 px in
    box = decode(img).box
    assert box is not None
    assert abs(box[0] - 16) <= 2 and abs(box[1] - 16) <= 2
    assert abs(box[2] - (img.width - 16)) <= 2 and abs(box[3] - (img.height - 16)) <= 2


def test_60px_code_is_read() -> None:
    img = qr_png(WEIBO, scale=1, border=2).resize((60, 60), Image.Resampling.BILINEAR)
    assert decode(img).payload == WEIBO


def test_tiny_code_is_read_after_upscaling() -> None:
    img = qr_png(WECHAT, scale=1, border=0).resize((36, 36), Image.Resampling.LANCZOS)
    img = ImageOps.expand(img, 4, "white")
    raw, _ = decode_mod._zxing(gray(img))
    assert raw is None, "precondition: zxing cannot read it as drawn"
    result = decode(img)
    assert result.payload == WECHAT
    assert result.variant.startswith("upscale-")


def test_inverted_code_is_read() -> None:
    assert decode(ImageOps.invert(qr_png(WECHAT))).payload == WECHAT


def test_logo_covered_code_with_high_error_correction_is_read() -> None:
    img = qr_png(WECHAT, scale=6, error="h")
    w, h = img.size
    logo = (round(w * 0.37), round(h * 0.37), round(w * 0.63), round(h * 0.63))
    ImageDraw.Draw(img).rectangle(logo, fill=(200, 30, 30), outline="white", width=3)
    assert decode(img).payload == WECHAT


def test_jpeg_quality_20_noisy_code_is_read() -> None:
    img = qr_png(CHINESE, encoding="utf-8", scale=5)
    noise = np.random.default_rng(1).normal(0, 30, (img.height, img.width, 3))
    noisy = np.clip(np.asarray(img, dtype=float) + noise, 0, 255).astype(np.uint8)
    degraded = jpeg(Image.fromarray(noisy), 20)
    assert decode(degraded).payload == CHINESE


def test_slightly_rotated_code_is_read() -> None:
    img = qr_png(WEIBO, scale=5).rotate(7, expand=True, fillcolor="white")
    assert decode(img).payload == WEIBO


def test_transparent_png_code_is_read_on_white() -> None:
    # light modules fully transparent *black*: read naively, the whole picture is black
    dark = np.asarray(qr_png(WECHAT).convert("L")) < 128
    rgba = np.zeros((*dark.shape, 4), dtype=np.uint8)
    rgba[..., 3] = np.where(dark, 255, 0)
    img = Image.fromarray(rgba, "RGBA")
    naive, _ = decode_mod._zxing(gray(img))
    assert naive is None, "precondition: without flattening on white there is nothing to read"
    assert decode(img).payload == WECHAT


# -- the cascade -----------------------------------------------------------------------------


def test_opencv_reads_when_zxing_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode_mod, "_zxing", lambda g: (None, False))
    result = decode(qr_png(WEIBO))
    assert (result.payload, result.decoder) == (WEIBO, "opencv")


def test_pyzbar_reads_when_zxing_and_opencv_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode_mod, "_zxing", lambda g: (None, False))
    monkeypatch.setattr(decode_mod, "_opencv", lambda g: None)
    result = decode(qr_png(CHINESE, encoding="utf-8"))
    assert (result.payload, result.decoder) == (CHINESE, "pyzbar")


def test_pyzbar_stage_undoes_the_shift_jis_guess() -> None:
    payload = "政务服务"
    img = gray(qr_png(payload, encoding="utf-8"))
    raw = pyzbar.decode(img)[0].data.decode("utf-8")
    assert raw != payload, "precondition: libzbar reads these UTF-8 bytes as Shift-JIS"
    got = decode_mod._pyzbar(img)
    assert got is not None
    assert got[0] == payload


def test_fix_zbar_text_keeps_correct_text() -> None:
    assert fix_zbar_text("示例市人民政府".encode()) == "示例市人民政府"
    assert fix_zbar_text(b"https://www.example.gov.cn/") == "https://www.example.gov.cn/"
    assert fix_zbar_text("謾ｿ蜉｡譛榊苅".encode()) == "政务服务"


def test_code_with_finder_patterns_but_broken_data_is_undecodable() -> None:
    img = broken_code()
    result = decode(img)
    assert result.payload is None
    assert result.decoder == ""
    assert result.looks_like_qr
    assert result.attempts > 3  # every decoder was tried, with retries


def test_every_decoder_failing_on_a_real_code_still_reports_it_looks_like_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(decode_mod, "_zxing", lambda g: (None, False))
    monkeypatch.setattr(decode_mod, "_opencv", lambda g: None)
    monkeypatch.setattr(decode_mod, "_pyzbar", lambda g: None)
    result = decode(qr_png(WECHAT))
    assert (result.payload, result.looks_like_qr) == (None, True)


# -- looks like a QR code? -------------------------------------------------------------------


def random_photo(seed: int = 0, size: int = 200) -> Image.Image:
    rng = np.random.default_rng(seed)
    pixels = (rng.random((size, size, 3)) * 255).astype(np.uint8)
    return Image.fromarray(pixels).filter(ImageFilter.GaussianBlur(3))


def test_random_photo_does_not_look_like_a_qr_code() -> None:
    photo = random_photo()
    assert not looks_like_qr(photo)
    result = decode(photo)
    assert (result.payload, result.looks_like_qr) == (None, False)


def test_chinese_text_with_nested_squares_does_not_look_like_a_qr_code() -> None:
    # 回 has a square inside a square, the shape a finder-pattern detector keys on
    img = Image.new("RGB", (420, 160), "white")
    font = ImageFont.truetype(str(cjk_font_path()), 40)
    draw = ImageDraw.Draw(img)
    for row in range(3):
        draw.text((10, 10 + 48 * row), "回回国回 回图回", font=font, fill="black")
    assert not looks_like_qr(img)


@pytest.mark.parametrize(
    "img",
    [
        qr_png(WECHAT),
        ImageOps.invert(qr_png(WECHAT)),
        qr_png(WEIBO, scale=1, border=2).resize((60, 60), Image.Resampling.BILINEAR),
        broken_code(),
    ],
    ids=["plain", "inverted", "60px", "broken-data"],
)
def test_codes_look_like_qr_codes(img: Image.Image) -> None:
    assert looks_like_qr(img)


@pytest.mark.parametrize("scale", [4, 6, 8])
def test_finder_patterns_are_dark_on_light_only(scale: int) -> None:
    # light-on-dark codes are found by qr_regions' inverted pass, not mistaken in this one
    binary = otsu(gray(qr_png(WECHAT, scale=scale)))
    assert len(finder_patterns(binary)) == 3
    assert finder_patterns(255 - binary) == []


def test_large_picture_is_decoded_downscaled_and_box_is_in_input_pixels() -> None:
    img = qr_png(WECHAT, scale=60, border=4)  # about 2200 px: beyond MAX_SIDE
    assert max(img.size) > decode_mod.MAX_SIDE
    result = decode(img)
    assert result.payload == WECHAT
    assert result.box is not None
    assert math.isclose(result.box[0], 4 * 60, abs_tol=30)
