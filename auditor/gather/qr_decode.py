"""Read a QR code from a picture, the way a phone would, and say whether the picture is one at all.

Decoders are tried fastest first: zxing-cpp (read 34 of 34 real test images when it was chosen;
a median 0.12 ms per generated code), then OpenCV, then pyzbar. Each retries on cheap
preprocessed copies: a white quiet zone (crops from a page are often tight), upscaling (a 60 px
code has 2 px modules), Otsu threshold, a median blur against JPEG noise, inversion, and a crop to
the finder patterns (:mod:`auditor.gather.qr_finders`).

Separately from decoding, :func:`looks_like_qr` looks for the three finder patterns (the nested
squares in three corners). A picture that has them but that no decoder reads is what a person
would call a broken QR code (``undecodable``); one that lacks them is an icon or a photo, not a QR
code, and is never blamed for failing to decode.

pyzbar guesses Shift-JIS for UTF-8 byte-mode payloads without an ECI header (zbar's heuristic), so
Chinese text comes back as mojibake such as ``謾ｿ蜉｡譛榊苅`` for ``政务服务``; :func:`fix_zbar_text`
undoes that.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp
from PIL import Image
from pyzbar import pyzbar

from auditor.gather.qr_finders import Box, Gray, otsu, qr_regions, scale_box

__all__ = [
    "Box",
    "DecodeResult",
    "decode",
    "fix_zbar_text",
    "looks_like_qr",
]


SMALL = 120  # codes narrower than this are also tried upscaled (a 60 px code has 2 px modules)
UPSCALE_TARGET = 360
MAX_SIDE = 1600  # bigger inputs are decoded downscaled; a QR code needs no more
QR_FORMATS = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)  # model 1/2, micro, rMQR


@dataclass(frozen=True)
class DecodeResult:
    """What the cascade read from one picture."""

    payload: str | None
    decoder: str  # "zxing", "opencv", "pyzbar", or "" when nothing was read
    looks_like_qr: bool  # finder patterns seen (always True when a payload was read)
    attempts: int  # decoder calls made, preprocessing retries included
    box: Box | None = None  # where the code is within the picture, when known
    variant: str = ""  # the preprocessing that worked ("as-is", "upscale-3", ...)


# -- the cascade ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Variant:
    name: str
    gray: Gray
    scale: float  # variant px per input px
    offset: tuple[int, int] = (0, 0)  # where the input's origin lands in the variant, px

    def to_input(self, box: Box) -> Box:
        """Map a box in this variant back to the input picture."""
        s, (ox, oy) = self.scale, self.offset
        return (
            max(0, math.floor((box[0] - ox) / s)),
            max(0, math.floor((box[1] - oy) / s)),
            math.ceil((box[2] - ox) / s),
            math.ceil((box[3] - oy) / s),
        )


Stage = Callable[[Gray], "tuple[str, Box | None] | None"]


def decode(img: Image.Image) -> DecodeResult:
    """Decode the QR code in ``img``: zxing on every variant, then OpenCV, then pyzbar.

    Variants are made lazily, so a clean code costs one zxing call (about 0.1 ms). When zxing
    fails, OpenCV and pyzbar retry only if the picture has finder patterns (pyzbar also gets one
    try without), so icons and photos, most of the labelled candidates, stay cheap (~5 ms).
    """
    gray, base_scale = _prepare(img)
    memo: list[list[Box]] = []

    def regions() -> list[Box]:
        if not memo:
            memo.append(qr_regions(gray))
        return memo[0]

    attempts = 0
    seen_error = False  # zxing located a QR symbol but could not read it
    variants: list[_Variant] = []
    for v in _variants(gray, base_scale, regions):
        variants.append(v)
        attempts += 1
        got, error = _zxing(v.gray)
        seen_error = seen_error or error
        if got is not None:
            return _found(got, "zxing", attempts, v)

    finder = seen_error or bool(regions())
    # OpenCV costs 5-50 ms a call and, like zxing, needs the finder patterns: it is tried only
    # on pictures that have them. pyzbar has its own locator and is cheap: every variant when
    # there are finder patterns, else one try.
    retry = [v for v in variants if v.name in _SLOW_RETRIES or v.name.startswith("upscale-")]
    retry = [v for v in retry if not v.name.endswith("-otsu")]
    stages: tuple[tuple[str, Stage, list[_Variant]], ...] = (
        ("opencv", _opencv, retry if finder else []),
        ("pyzbar", _pyzbar, variants if finder else variants[1:2]),
    )
    for name, stage, tries in stages:
        for v in tries:
            attempts += 1
            got2 = stage(v.gray)
            if got2 is not None:
                return _found(got2, name, attempts, v)
    box = scale_box(regions()[0], 1 / base_scale) if regions() else None
    return DecodeResult(None, "", finder, attempts, box)


_SLOW_RETRIES = ("padded", "denoise", "inverted", "finder-crop")


def _found(got: tuple[str, Box | None], decoder: str, attempts: int, v: _Variant) -> DecodeResult:
    text, box = got
    return DecodeResult(text, decoder, True, attempts, v.to_input(box) if box else None, v.name)


def _prepare(img: Image.Image) -> tuple[Gray, float]:
    """Grayscale on white (transparent PNGs flattened), at most MAX_SIDE px; returns the scale."""
    if img.mode in ("RGBA", "LA", "P") or "transparency" in img.info:
        rgba = img.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        img = flat
    gray: Gray = np.asarray(img.convert("L"), dtype=np.uint8)
    scale = 1.0
    if max(gray.shape) > MAX_SIDE:
        scale = MAX_SIDE / max(gray.shape)
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return gray, scale


def _variants(gray: Gray, base: float, regions: Callable[[], list[Box]]) -> Iterator[_Variant]:
    """Preprocessed copies, cheapest and most often useful first (made only when needed)."""

    def padded(g: Gray, scale: float, name: str, origin: tuple[int, int] = (0, 0)) -> _Variant:
        p = max(8, min(g.shape) // 8)
        out = cv2.copyMakeBorder(g, p, p, p, p, cv2.BORDER_CONSTANT, value=255)
        return _Variant(name, out, scale, (p - origin[0], p - origin[1]))

    yield _Variant("as-is", gray, base)
    quiet = padded(gray, base, "padded")
    yield quiet
    if min(gray.shape) < SMALL:
        k = max(2, min(6, math.ceil(UPSCALE_TARGET / max(1, min(gray.shape)))))
        big = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_CUBIC)
        yield padded(big, base * k, f"upscale-{k}")
        yield padded(otsu(big), base * k, f"upscale-{k}-otsu")
    yield _Variant("otsu", otsu(quiet.gray), base, quiet.offset)
    yield _Variant("denoise", otsu(cv2.medianBlur(quiet.gray, 3)), base, quiet.offset)
    yield _Variant("inverted", 255 - quiet.gray, base, quiet.offset)
    found = regions()
    if found and (found[0][2] - found[0][0]) < 0.8 * gray.shape[1]:
        left, top, right, bottom = found[0]
        yield padded(gray[top:bottom, left:right], base, "finder-crop", (left, top))


def _zxing(gray: Gray) -> tuple[tuple[str, Box | None] | None, bool]:
    """zxing-cpp: (text, box) of the first valid QR code, and whether a broken one was seen."""
    error = False
    for bc in zxingcpp.read_barcodes(gray, formats=QR_FORMATS, return_errors=True):
        if not bc.valid:
            error = True
            continue
        p = bc.position
        pts = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        xs, ys = [q.x for q in pts], [q.y for q in pts]
        return (bc.text, (min(xs), min(ys), max(xs) + 1, max(ys) + 1)), error
    return None, error


_local = threading.local()  # pages are decoded in worker threads; a detector is not shareable


def _opencv(gray: Gray) -> tuple[str, Box | None] | None:
    """OpenCV's detector; raw bytes read as UTF-8 when they are (its own str guesses otherwise)."""
    detector = getattr(_local, "cv_detector", None)
    if detector is None:
        detector = _local.cv_detector = cv2.QRCodeDetector()
    try:
        raw, points, _ = detector.detectAndDecodeBytes(gray)
    except cv2.error:
        return None
    if not raw:
        return None
    data = bytes(raw)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    box = None
    if points is not None and len(points):
        pts = np.asarray(points).reshape(-1, 2)
        box = (
            int(pts[:, 0].min()),
            int(pts[:, 1].min()),
            int(pts[:, 0].max()) + 1,
            int(pts[:, 1].max()) + 1,
        )
    return text, box


def _pyzbar(gray: Gray) -> tuple[str, Box | None] | None:
    """pyzbar (libzbar); its Shift-JIS guess for Chinese UTF-8 payloads is undone."""
    for sym in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        r = sym.rect
        box = (r.left, r.top, r.left + r.width, r.top + r.height)
        return fix_zbar_text(sym.data), box
    return None


def fix_zbar_text(data: bytes) -> str:
    """zbar's output bytes as the text the code holds.

    zbar re-encodes what it guessed to UTF-8. For a UTF-8 payload without ECI it sometimes guesses
    Shift-JIS (or ISO-8859-1), so its UTF-8 output spells the mojibake; encoding that back in the
    guessed charset gives the original bytes, which must then be valid UTF-8 to be accepted.
    """
    text = data.decode("utf-8", errors="replace")
    if text.isascii():
        return text
    for guessed in ("shift_jis", "cp932", "latin-1"):
        try:
            fixed = text.encode(guessed).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return text


def looks_like_qr(img: Image.Image) -> bool:
    """True when the picture shows three finder patterns in an L, decodable or not."""
    gray, _ = _prepare(img)
    return bool(qr_regions(gray))
