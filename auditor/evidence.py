"""Evidence PNGs cut from the one full-page screenshot.

Every finding that points at a place on the page gets a file a person can attach to a notice: the
element with a red outline and some context around it, and a caption band below saying what it
is — the check's name and id and the finding's message, then (grey) the page's address and when
it was captured — so a picture taken out of the report still speaks for itself. Something missing
has no element: the region searched (e.g. the footer) is outlined in dashed orange-red and a note
says so. The caption is also stored in the PNG's ``Description`` text chunk, so tools (and tests)
can read what the picture says.

Rects are document CSS pixels, which equal screenshot pixels because pages are rendered at device
scale 1.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from auditor.model import Rect

__all__ = [
    "FontMissingError",
    "cjk_font_path",
    "evidence_filename",
    "open_picture",
    "outline_page_thumbnail",
    "render_evidence",
]

FONT_PACKAGE = "fonts-wqy-microhei"
_KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian/Ubuntu fonts-wqy-microhei
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",  # Fedora
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Arch
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)

OUTLINE = (0xE0, 0x00, 0x00)  # #e00000
MISSING_OUTLINE = (0xFF, 0x45, 0x00)  # orange-red, so "absent" reads differently from "wrong"
OUTLINE_WIDTH = 3
MISSING_WIDTH = 4
MISSING_MARGIN = 24  # a region is already context; only a small margin around it
MIN_WIDTH = 480  # narrower crops lose the surroundings a reader needs to find the element
MAX_HEIGHT = 1600  # whole output, caption band included
FALLBACK_HEIGHT = 900  # top (no rect) or bottom (rect outside the screenshot) of the page
EDGE_MARK = 24.0  # px: the mark at the page's edge for an element pushed off to a side
SNIPPET_CHARS = 160

FONT_SIZE = 16
LINE_HEIGHT = 24
BAND_PAD = 12
MAX_CAPTION_LINES = 4
TEXT_COLOR = (0x1A, 0x1A, 0x1A)
NOTE_COLOR = (0x66, 0x66, 0x66)
BAND_RULE = (0xCC, 0xCC, 0xCC)


class FontMissingError(RuntimeError):
    """No CJK font: captions would be tofu boxes, which is worse than failing."""


@cache
def cjk_font_path() -> Path:
    """The CJK font file used for captions: known paths first, then fontconfig."""
    for candidate in _KNOWN_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    found = _fc_match_cjk()
    if found is not None:
        return found
    raise FontMissingError(
        "未找到中文字体（证据截图说明需要）。请安装：apt-get install "
        f"{FONT_PACKAGE}（expected one of {', '.join(_KNOWN_FONTS)} or a fontconfig zh font）"
    )


def _fc_match_cjk() -> Path | None:
    """Ask fontconfig; accept its answer only if it covers Chinese (fc-match always answers)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        out = subprocess.run(
            [fc_match, "-f", "%{file}\n%{lang}", "WenQuanYi Micro Hei:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, langs = out.partition("\n")
    if file and "zh-cn" in langs.split("|") and Path(file).is_file():
        return Path(file)
    return None


@cache
def _font(size: int = FONT_SIZE) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(cjk_font_path()), size)


@lru_cache(maxsize=8)  # several pages may be checked at once, in threads
def _load(path: str, mtime_ns: int, size: int) -> Image.Image:
    """Decode a screenshot once for all the findings of its page (they come in sequence)."""
    with Image.open(path) as im:
        return im.convert("RGB")


def _open(screenshot: Path) -> Image.Image:
    st = screenshot.stat()
    return _load(str(screenshot), st.st_mtime_ns, st.st_size)


def screenshot_rect(rect: Rect, mobile: dict[str, Any]) -> Rect:
    """A phone-page rect (CSS px) in the phone screenshot's pixels (device scale 2 by default)."""
    k = float(mobile.get("device_scale_factor") or 2)
    return Rect(rect.x * k, rect.y * k, rect.width * k, rect.height * k)


def evidence_filename(page_index: int, check_id: str, n: int) -> str:
    """A file-system-safe name such as ``p03-footer-icp-1.png``."""
    slug = re.sub(r"[^a-z0-9]+", "-", check_id.lower()).strip("-")[:60].strip("-") or "check"
    return f"p{page_index:02d}-{slug}-{n}.png"


def render_evidence(
    screenshot: Path,
    dest: Path,
    *,
    rect: Rect | None,
    caption: str,
    missing: bool = False,
    margin: int = 120,
    others: Sequence[Rect] = (),
    stamp: Sequence[str] = (),
    snippet: str = "",
) -> Path:
    """Crop ``rect`` plus margin from ``screenshot``, outline it, add a caption band; save it.

    ``others`` are more elements with the same problem: those inside the crop are outlined too.
    ``stamp`` are grey lines under the caption (where and when the page was captured).

    With ``missing``, ``rect`` is the region where the absent thing belongs (None: the top of the
    page). An element pushed off the page to a side (how dark links hide) is marked by a dashed
    box at that edge, at its height, with its markup (``snippet``) in the caption. A rect wholly
    above or below the screenshot (its height is capped) falls back to the bottom of the page and
    the caption says so.
    """
    img = _open(screenshot)
    width, height = img.size
    font = _font()
    notes: list[str] = list(stamp)
    dashed = missing

    if (
        rect is not None
        and (rect.right <= 0 or rect.x >= width)
        and rect.bottom > 0
        and rect.y < height
    ):
        side = "左" if rect.right <= 0 else "右"
        notes.append(
            f"元素位于页面{side}侧可见范围之外（x={int(rect.x)}），虚线框标出它在页面边缘所处的高度"
        )
        edge = 0.0 if rect.right <= 0 else width - EDGE_MARK
        rect = Rect(edge, rect.y, EDGE_MARK, max(rect.height, EDGE_MARK))
        dashed = True  # the element is not there to be seen
    outside = rect is not None and (
        rect.right <= 0 or rect.bottom <= 0 or rect.x >= width or rect.y >= height
    )
    if snippet and (outside or any("可见范围之外" in n for n in notes)):
        notes.append("元素代码：" + " ".join(snippet.split())[:SNIPPET_CHARS])
    text = caption.strip()

    target: tuple[int, int, int, int] | None = None
    if rect is None or outside:
        top = 0 if rect is None else max(0, height - FALLBACK_HEIGHT)
        box = (0, top, width, min(height, top + FALLBACK_HEIGHT))
        crop_w = width
        if rect is not None:
            notes.append(
                f"元素位于截图范围之外（截图高 {height} 像素，元素位于 x={int(rect.x)}、"
                f"y={int(rect.y)}），此处显示页面底部"
            )
    else:
        target = _pixel_box(rect, width, height)
        pad = min(margin, MISSING_MARGIN) if missing else margin
        left, right = _widen(target[0] - pad, target[2] + pad, width)
        box = (left, max(0, target[1] - pad), right, min(height, target[3] + pad))
        crop_w = right - left

    lines = _caption_lines(text, notes, font, crop_w - 2 * BAND_PAD)
    band_h = 2 * BAND_PAD + LINE_HEIGHT * len(lines)
    max_crop_h = max(LINE_HEIGHT, MAX_HEIGHT - band_h)
    if box[3] - box[1] > max_crop_h:
        box = (box[0], box[1], box[2], box[1] + max_crop_h)
        if target is not None and target[3] > box[3]:
            notes.append(f"元素高 {target[3] - target[1]} 像素，仅显示上部")
            lines = _caption_lines(text, notes, font, crop_w - 2 * BAND_PAD)
            band_h = 2 * BAND_PAD + LINE_HEIGHT * len(lines)
            box = (box[0], box[1], box[2], box[1] + max(LINE_HEIGHT, MAX_HEIGHT - band_h))

    crop = img.crop(box)
    if target is not None:
        local = (target[0] - box[0], target[1] - box[1], target[2] - box[0], target[3] - box[1])
        if dashed:
            _dashed_box(crop, local)
        else:
            _outline(crop, local)
            for other in others:
                o = _pixel_box(other, width, height)
                if o[0] < box[2] and o[2] > box[0] and o[1] < box[3] and o[3] > box[1]:
                    _outline(crop, (o[0] - box[0], o[1] - box[1], o[2] - box[0], o[3] - box[1]))

    out = Image.new("RGB", (crop.width, crop.height + band_h), "white")
    out.paste(crop, (0, 0))
    _draw_band(out, crop.height, lines, font)

    info = PngInfo()
    info.add_itxt("Description", "\n".join([text, *notes]))
    dest.parent.mkdir(parents=True, exist_ok=True)
    out.save(dest, format="PNG", pnginfo=info, compress_level=1)  # fast; crops are small
    return dest


def open_picture(base: Path, rel: str) -> Image.Image | None:
    """A run's picture ``rel`` as RGB, for embedding in a report; None if absent, unreadable or
    outside ``base`` (a report never embeds a file from elsewhere)."""
    from auditor.run.manifest import inside

    path = inside(base, rel) if rel else None
    if path is None or not path.is_file():
        return None
    try:
        with Image.open(path) as img:
            img.load()
            return img.convert("RGB")
    except (OSError, ValueError):
        return None


def outline_page_thumbnail(screenshot: Path, dest: Path, width: int = 360) -> Path:
    """A small picture of the top of the page (height at most twice the width) for reports."""
    img = _open(screenshot)
    scale = width / img.width
    top = img.crop((0, 0, img.width, min(img.height, math.floor(2 * width / scale))))
    thumb = top.resize(
        (width, max(1, min(2 * width, round(top.height * scale)))), Image.Resampling.LANCZOS
    )
    ImageDraw.Draw(thumb).rectangle((0, 0, thumb.width - 1, thumb.height - 1), outline=BAND_RULE)
    dest.parent.mkdir(parents=True, exist_ok=True)
    thumb.save(dest, format="PNG")
    return dest


def _pixel_box(rect: Rect, width: int, height: int) -> tuple[int, int, int, int]:
    """The rect as whole pixels inside the image, at least one pixel each way."""
    left = min(width - 1, max(0, math.floor(rect.x)))
    top = min(height - 1, max(0, math.floor(rect.y)))
    right = max(left + 1, min(width, math.ceil(rect.right)))
    bottom = max(top + 1, min(height, math.ceil(rect.bottom)))
    return left, top, right, bottom


def _widen(left: int, right: int, width: int) -> tuple[int, int]:
    """Grow [left, right) to MIN_WIDTH around its centre, then slide it inside [0, width)."""
    if right - left < MIN_WIDTH:
        grow = MIN_WIDTH - (right - left)
        left, right = left - grow // 2, right + grow - grow // 2
    if left < 0:
        left, right = 0, right - left
    if right > width:
        left, right = left - (right - width), width
    return max(0, left), right


def _outline(crop: Image.Image, box: tuple[int, int, int, int]) -> None:
    """Red frame just outside the element, so the element itself stays readable."""
    left, top, right, bottom = box
    w = OUTLINE_WIDTH
    frame = (
        max(0, left - w),
        max(0, top - w),
        min(crop.width - 1, right - 1 + w),
        # a rect cut off at the bottom keeps its frame open there, not closed at the crop edge
        bottom - 1 + w if bottom > crop.height else min(crop.height - 1, bottom - 1 + w),
    )
    ImageDraw.Draw(crop).rectangle(frame, outline=OUTLINE, width=w)


def _dashed_box(crop: Image.Image, box: tuple[int, int, int, int]) -> None:
    """Dashed orange-red frame on the region's edge: where the missing thing should have been."""
    left, top, right, bottom = box
    right, bottom = min(crop.width, right) - 1, min(crop.height, bottom) - 1
    w, dash, gap = MISSING_WIDTH, 14, 8
    draw = ImageDraw.Draw(crop)
    for pos in range(left, right + 1, dash + gap):
        end = min(pos + dash, right)
        draw.rectangle((pos, top, end, top + w - 1), fill=MISSING_OUTLINE)
        draw.rectangle((pos, bottom - w + 1, end, bottom), fill=MISSING_OUTLINE)
    for pos in range(top, bottom + 1, dash + gap):
        end = min(pos + dash, bottom)
        draw.rectangle((left, pos, left + w - 1, end), fill=MISSING_OUTLINE)
        draw.rectangle((right - w + 1, pos, right, end), fill=MISSING_OUTLINE)


def _caption_lines(
    text: str, notes: list[str], font: ImageFont.FreeTypeFont, width: int
) -> list[tuple[str, tuple[int, int, int]]]:
    """Caption wrapped to at most MAX_CAPTION_LINES lines, then each note (grey, one line)."""
    width = max(width, FONT_SIZE * 4)
    lines = [(line, TEXT_COLOR) for line in _wrap(text, font, width, MAX_CAPTION_LINES)]
    for note in notes:
        lines += [(line, NOTE_COLOR) for line in _wrap(note, font, width, 2)]
    return lines or [("", TEXT_COLOR)]


_TOKEN = re.compile(r"[!-~]+|\s+|.", re.S)  # runs of printable ASCII stay whole; CJK per char


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Greedy wrap by pixel width; CJK breaks anywhere, ASCII words only when too long."""
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for tok in _TOKEN.findall(para):
            if font.getlength(line + tok) <= width:
                line += tok
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = "" if tok.isspace() else tok
            while font.getlength(line) > width:  # a word wider than the band: cut it
                cut = max(1, _fit(line, font, width))
                lines.append(line[:cut])
                line = line[cut:]
        if line.strip():
            lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def _fit(text: str, font: ImageFont.FreeTypeFont, width: int) -> int:
    """How many leading characters of text fit in width."""
    n = 0
    while n < len(text) and font.getlength(text[: n + 1]) <= width:
        n += 1
    return n


def _draw_band(
    out: Image.Image,
    y: int,
    lines: list[tuple[str, tuple[int, int, int]]],
    font: ImageFont.FreeTypeFont,
) -> None:
    draw = ImageDraw.Draw(out)
    draw.line((0, y, out.width, y), fill=BAND_RULE, width=1)
    for i, (line, color) in enumerate(lines):
        top = y + BAND_PAD + i * LINE_HEIGHT + (LINE_HEIGHT - FONT_SIZE) // 2
        draw.text((BAND_PAD, top), line, font=font, fill=color)
