"""The QR gatherer: find the codes a page shows, read them, and ask where they lead.

It runs after the render, on the page's artifacts and its full-page screenshot, and returns plain
JSON dicts for ``Artifacts.qr``: what each code says and what its image and its target answered.
The ``qr-image`` check judges them (``checks/qr_rules.py``). Codes are read from the
screenshot, i.e. as drawn on the page (CSS backgrounds and canvases have no file at all). Only
when the drawn copy cannot be read and the file is clearly bigger (the screenshot is at device
scale 1; a phone's HiDPI screen draws the file's own pixels), or when it is not drawn (hover
pop-ups), is the file read, through the optional ``fetch_image``.

Candidates are labelled images (微信, 公众号, APP…), images named like QR files, and anything that
*is* a QR code: a coarse zxing pass over the whole screenshot (bounded by ``scan_budget_ms``)
finds codes drawn as CSS backgrounds or on a canvas, where no ``<img>`` exists.

All network access is injected (``fetch_status``, optionally ``fetch_image``) so that the engine
keeps its one place for concurrency and politeness and tests can fake it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import io
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import zxingcpp
from PIL import Image, UnidentifiedImageError

from auditor.artifacts import Artifacts
from auditor.extract.platforms import Platforms, load_platforms, target_of
from auditor.extract.qr_candidates import MIN_SIDE, Candidate, candidates
from auditor.gather import GatherContext
from auditor.gather.qr_decode import QR_FORMATS, DecodeResult, decode
from auditor.gather.qr_finders import qr_regions
from auditor.model import Rect

__all__ = ["FetchImage", "FetchStatus", "ScanHit", "gather_qr", "scan_screenshot"]

FetchStatus = Callable[[str], Awaitable[int | str | None]]  # None: not fetched (test mode)
FetchImage = Callable[[str], Awaitable[bytes | None]]

SCAN_BUDGET_MS = 300.0  # coarse whole-page scan, per page
DECODE_BUDGET_MS = 3000.0  # all candidate decodes of one page together
STRIP = 4096  # the page is scanned in strips so the budget can stop it between them
OVERLAP = 640  # taller than any QR code a page shows, so no code is cut by every strip
MAX_SQUARE_SIDE = 600  # unlabelled images checked for finder patterns: up to this size


@dataclass(frozen=True)
class ScanHit:
    """A QR code seen on the screenshot: read (payload) or only located (payload None)."""

    rect: Rect
    payload: str | None


async def gather_qr(
    art: Artifacts,
    screenshot: Image.Image | Path,
    *,
    fetch_status: FetchStatus,
    fetch_image: FetchImage | None = None,
    platforms: Platforms | None = None,
    scan_budget_ms: float = SCAN_BUDGET_MS,
) -> list[dict[str, Any]]:
    """One dict per QR candidate on the page (see :func:`_as_dict` for the keys).

    ``fetch_status(url)`` returns the HTTP status after redirects, or an error string. With
    ``fetch_image(url)`` (the image's bytes, or None), codes that are not drawn (hover pop-ups,
    ``display:none``) or drawn too small to read are read from their files instead.
    """
    platforms = platforms or load_platforms()
    site_host = (urlsplit(art.final_url or art.url).hostname or "").lower()
    shot = await asyncio.to_thread(_open, screenshot)
    # Pixels are CPU work: off the event loop, so other pages keep rendering.
    seen = await asyncio.to_thread(_examine, art, shot, platforms, scan_budget_ms)

    statuses: dict[str, asyncio.Future[int | str | None]] = {}

    def status_of(url: str) -> Awaitable[int | str | None]:
        if url not in statuses:
            statuses[url] = asyncio.ensure_future(fetch_status(url))
        return statuses[url]

    async def finish(s: _Seen) -> dict[str, Any]:
        if s.result is None or s.result.payload is None:
            s = await _from_file(s, fetch_image)
        return await _observe(s, platforms, site_host, status_of)

    return list(await asyncio.gather(*(finish(s) for s in seen)))


# -- pixels ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Seen:
    cand: Candidate
    result: DecodeResult | None  # None: not decoded (not drawn, broken, or out of budget)
    note: str = ""  # why it was not decoded
    scan_payload: str | None = None  # what the page scan read there, if anything


def _open(screenshot: Image.Image | Path) -> Image.Image:
    if isinstance(screenshot, Image.Image):
        return screenshot.convert("RGB")
    with Image.open(screenshot) as im:
        return im.convert("RGB")


def _examine(
    art: Artifacts, shot: Image.Image, platforms: Platforms, budget_ms: float
) -> list[_Seen]:
    """Scan, pick candidates, decode each from the screenshot."""
    start = time.perf_counter()
    gray = np.asarray(shot.convert("L"), dtype=np.uint8)
    hits = scan_screenshot(gray, budget_ms)
    boxes = [h.rect for h in hits]
    boxes += _square_images_with_finders(art, gray, boxes, start, budget_ms)
    seen: list[_Seen] = []
    for cand in candidates(art, platforms, boxes):
        scan_payload = next(
            (h.payload for h in hits if cand.rect and _same_place(cand.rect, h.rect)), None
        )
        if cand.natural_width == 0:
            seen.append(_Seen(cand, None, "broken"))
            continue
        crop = _crop(shot, cand.rect) if cand.visible else None
        if crop is None:
            seen.append(_Seen(cand, None, "not-drawn", scan_payload))
            continue
        if (time.perf_counter() - start) * 1000 > DECODE_BUDGET_MS:
            seen.append(_Seen(cand, None, "budget", scan_payload))
            continue
        seen.append(_Seen(cand, decode(crop), "", scan_payload))
    return seen


def scan_screenshot(gray: np.ndarray[Any, np.dtype[np.uint8]], budget_ms: float) -> list[ScanHit]:
    """Every QR code zxing locates on the page, in document px; strip by strip, within budget.

    The top and the bottom strips go first, so a page that runs out of time still has its
    header and footer scanned. Rotation, inversion and downscaling are off: on a page of text they cost ten times as much
    and find glyph patterns, not codes. A located but unreadable symbol counts only when its
    crop shows three finder patterns (zxing also "locates" dense text).
    """
    start = time.perf_counter()
    hits: list[ScanHit] = []
    for n, top in enumerate(_strip_order(gray.shape[0])):
        if n and (time.perf_counter() - start) * 1000 > budget_ms:
            break  # the first strip (header, first screen) is always scanned
        strip = np.ascontiguousarray(gray[top : top + STRIP])
        for bc in zxingcpp.read_barcodes(
            strip,
            formats=QR_FORMATS,
            try_rotate=False,
            try_invert=False,
            try_downscale=False,
            return_errors=True,
        ):
            rect = _quiet(_position_rect(bc.position, top), gray.shape)
            if not bc.valid:
                found = _verify(gray, rect)
                if found is None:
                    continue
                rect = found
            if not any(_same_place(rect, h.rect) for h in hits):
                hits.append(ScanHit(rect, bc.text if bc.valid else None))
            elif bc.valid:  # a read beats an earlier located-only hit at the same place
                hits = [ScanHit(rect, bc.text) if _same_place(rect, h.rect) else h for h in hits]
    return sorted(hits, key=lambda h: (h.rect.y, h.rect.x))


def _strip_order(height: int) -> list[int]:
    """Strip tops: the top, then the bottom (the footer, where codes usually are), then the rest."""
    tops = list(range(0, max(1, height - OVERLAP), STRIP - OVERLAP))
    return tops[:1] + tops[-1:] + tops[1:-1] if len(tops) > 2 else tops


def _position_rect(p: Any, dy: int) -> Rect:
    pts = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
    xs, ys = [q.x for q in pts], [q.y + dy for q in pts]
    return Rect(float(min(xs)), float(min(ys)), float(max(xs) - min(xs)), float(max(ys) - min(ys)))


def _quiet(r: Rect, shape: tuple[int, ...], frac: float = 0.12) -> Rect:
    """The symbol plus (roughly) its quiet zone, clamped to the page."""
    m = max(4.0, frac * max(r.width, r.height))
    x, y = max(0.0, r.x - m), max(0.0, r.y - m)
    right, bottom = min(float(shape[1]), r.right + m), min(float(shape[0]), r.bottom + m)
    return Rect(x, y, right - x, bottom - y)


def _verify(gray: np.ndarray[Any, np.dtype[np.uint8]], rect: Rect) -> Rect | None:
    """Finder patterns around a located-but-unread symbol: its true box, or None (text)."""
    side = max(rect.width, rect.height)
    left, top = max(0, int(rect.x - side)), max(0, int(rect.y - side))
    right = min(gray.shape[1], int(rect.right + side))
    bottom = min(gray.shape[0], int(rect.bottom + side))
    regions = qr_regions(gray[top:bottom, left:right], invert_too=False)
    if not regions:
        return None
    b = regions[0]
    return Rect(float(left + b[0]), float(top + b[1]), float(b[2] - b[0]), float(b[3] - b[1]))


def _square_images_with_finders(
    art: Artifacts,
    gray: np.ndarray[Any, np.dtype[np.uint8]],
    known: list[Rect],
    start: float,
    budget_ms: float,
) -> list[Rect]:
    """Unlabelled square images that show finder patterns (broken codes the scan cannot read)."""
    found: list[Rect] = []
    for img in art.images:
        if (time.perf_counter() - start) * 1000 > budget_ms:
            break
        r = img.rect
        if not img.visible or r is None or img.natural_width == 0:
            continue
        side = min(r.width, r.height)
        if side < MIN_SIDE or max(r.width, r.height) > MAX_SQUARE_SIDE:
            continue
        if not 0.8 < r.width / r.height < 1.25 or any(_same_place(r, k) for k in known):
            continue
        box = _pixel_box(r, gray.shape)
        if box is None:
            continue
        if qr_regions(gray[box[1] : box[3], box[0] : box[2]]):
            found.append(r)
    return found


def _same_place(a: Rect, b: Rect) -> bool:
    """The centre of one lies inside the other."""

    def inside(p: Rect, q: Rect) -> bool:
        cx, cy = p.x + p.width / 2, p.y + p.height / 2
        return q.x <= cx <= q.right and q.y <= cy <= q.bottom

    return inside(a, b) or inside(b, a)


def _pixel_box(r: Rect | None, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """The rect as whole pixels inside the screenshot, or None when (mostly) outside it."""
    if r is None or r.width < 1 or r.height < 1:
        return None
    left, top = max(0, math.floor(r.x)), max(0, math.floor(r.y))
    right, bottom = min(shape[1], math.ceil(r.right)), min(shape[0], math.ceil(r.bottom))
    if (right - left) < 0.9 * r.width or (bottom - top) < 0.9 * r.height:
        return None  # cut by the screenshot's edge (its height is capped): not what was drawn
    return left, top, right, bottom


def _crop(shot: Image.Image, r: Rect | None) -> Image.Image | None:
    box = _pixel_box(r, (shot.height, shot.width))
    return shot.crop(box) if box else None


# -- files (optional) ------------------------------------------------------------------------


async def _from_file(s: _Seen, fetch_image: FetchImage | None) -> _Seen:
    """Read the code from its file when the drawn copy was missing or unreadable.

    ``data:`` URLs need no network. An unreadable drawn code is retried only when the file is
    clearly bigger than the drawing (a large code scaled down past readability).
    """
    c = s.cand
    if c.natural_width <= 0 or s.note in ("broken", "budget"):
        return s
    drawn = min(c.rect.width, c.rect.height) if c.rect else 0
    if s.result is not None and (
        not s.result.looks_like_qr or min(c.natural_width, c.natural_height) < 1.5 * drawn
    ):
        return s
    data: bytes | None = None
    if c.src.startswith("data:"):
        data = _data_url_bytes(c.src)
    elif fetch_image is not None and c.src.startswith(("http://", "https://")):
        data = await fetch_image(c.src)
    if not data:
        return s
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            picture = im.copy()
    except (UnidentifiedImageError, OSError, ValueError):
        return s
    result = await asyncio.to_thread(decode, picture)
    if s.result is not None and result.payload is None:
        return s  # keep what the drawn copy showed
    return dataclasses.replace(s, result=result, note="file")


def _data_url_bytes(src: str) -> bytes | None:
    head, _, body = src.partition(",")
    if not head.endswith(";base64"):
        return None
    try:
        return base64.b64decode(body, validate=False)
    except (binascii.Error, ValueError):
        return None


# -- what each candidate said and answered ------------------------------------------------


async def _observe(
    s: _Seen,
    platforms: Platforms,
    site_host: str,
    status_of: Callable[[str], Awaitable[int | str | None]],
) -> dict[str, Any]:
    """The stored facts of one candidate; the HTTP answers its check needs are asked here."""
    c = s.cand
    out = _as_dict(c, s.result)
    out["note"] = s.note
    if s.note == "broken":
        if c.src.startswith(("http://", "https://")):
            out["image_status"] = await status_of(c.src)
        return out
    if out["payload"] is None and s.scan_payload is not None:
        # The whole-page pass read it; the crop did not.
        out.update(payload=s.scan_payload, decoder="zxing", looks_like_qr=True)
    if out["payload"] is not None:
        target = target_of(out["payload"], platforms, site_host)
        if target.url:
            out["target_status"] = await status_of(target.url)
    return out


def _as_dict(c: Candidate, result: DecodeResult | None) -> dict[str, Any]:
    """The stored shape (``Artifacts.qr`` items); ``note`` says why a code was not decoded."""
    return {
        "src": c.src,
        "selector": c.selector,
        "rect": dataclasses.asdict(c.rect) if c.rect else None,
        "caption": c.caption,
        "platform_hint": ",".join(c.hints),
        "payload": result.payload if result else None,
        "decoder": result.decoder if result else "",
        "looks_like_qr": bool(result and result.looks_like_qr),
        "attempts": result.attempts if result else 0,
        "image_status": None,
        "target_status": None,
        "snippet": c.snippet,
        "nominated_by": c.why,
    }


async def gather(ctx: GatherContext) -> None:
    if ctx.art.screenshot:
        ctx.art.qr = await gather_qr(ctx.art, ctx.shot, fetch_status=ctx.renderer.fetch_status)
