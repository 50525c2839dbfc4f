"""Which images on a page are QR candidates, and the words printed next to them (pure).

A candidate is a labelled image (微信, 公众号, APP…), an image named like a QR file, or a box
where the screenshot scan found a code; its caption says where it should lead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from auditor.artifacts import Artifacts, Image, TextBlock
from auditor.extract.platforms import Platforms, hints_of, src_suggests_qr
from auditor.model import Rect

__all__ = ["MIN_SIDE", "Candidate", "candidates", "nearby_text"]

# -- candidates ------------------------------------------------------------------------------

MIN_SIDE = 40  # drawn smaller than this, a code is an icon (share buttons), not something to scan


@dataclass(frozen=True)
class Candidate:
    """An image, or a region of the screenshot, that is or is said to be a QR code."""

    src: str
    selector: str
    rect: Rect | None
    caption: str  # the label a visitor reads: alt/title/nearby text
    hints: tuple[str, ...]  # platform ids named by the label
    natural_width: int = -1  # -1: not an <img> (CSS background or canvas, found by the scan)
    natural_height: int = -1
    visible: bool = True
    snippet: str = ""
    why: str = ""  # "label", "src" or "scan"


def candidates(
    art: Artifacts, platforms: Platforms, qr_boxes: Sequence[Rect] = ()
) -> list[Candidate]:
    """Images labelled with a platform word or named like a QR file, plus every QR region found.

    ``qr_boxes`` are regions of the screenshot where a QR code was seen; an image drawn over one
    becomes a candidate even without a label, and a region under no image (a CSS background or a
    canvas) becomes a candidate of its own, labelled by the text drawn next to it.
    """
    out: list[Candidate] = []
    covered: set[int] = set()
    for img in art.images:
        inside = [i for i, box in enumerate(qr_boxes) if img.rect and _contains(img.rect, box)]
        covered.update(inside)
        label_hints = hints_of(" ".join(filter(None, (img.alt, img.title))), platforms)
        hints = label_hints or hints_of(img.caption, platforms)
        why = "label" if hints else "scan" if inside else "src" if src_suggests_qr(img.src) else ""
        if not why:
            continue
        broken = img.natural_width == 0
        if (
            not inside
            and not broken
            and img.rect
            and min(img.rect.width, img.rect.height) < MIN_SIDE
        ):
            continue
        out.append(
            Candidate(
                src=img.src,
                selector=img.selector,
                rect=img.rect,
                caption=_label(img),
                hints=hints,
                natural_width=img.natural_width,
                natural_height=img.natural_height,
                visible=img.visible,
                snippet=img.snippet,
                why=why,
            )
        )
    for i, box in enumerate(qr_boxes):
        if i in covered:
            continue
        text = nearby_text(art, box)
        out.append(
            Candidate(
                src="",
                selector="",
                rect=box,
                caption=text,
                hints=hints_of(text, platforms),
                why="scan",
            )
        )
    return out


def _label(img: Image) -> str:
    return _clean(img.caption or " ".join(filter(None, (img.alt, img.title))), 80)


def _contains(outer: Rect, inner: Rect, slack: float = 4.0) -> bool:
    """The centre of ``inner`` lies inside ``outer`` (a code drawn by that image)."""
    cx, cy = inner.x + inner.width / 2, inner.y + inner.height / 2
    return (
        outer.x - slack <= cx <= outer.right + slack
        and outer.y - slack <= cy <= outer.bottom + slack
    )


NEAR = 48.0  # px: a caption sits right under, above or beside its code


def nearby_text(art: Artifacts, rect: Rect) -> str:
    """The text drawn next to a region (for codes that are CSS backgrounds, with no alt)."""
    blocks: list[TextBlock] = [
        *art.footer.blocks,
        *art.header.blocks,
        *art.headings,
        *art.info_blocks,
        *(TextBlock(text=ln.text, rect=ln.rect) for ln in art.links if ln.text),
    ]
    scored: list[tuple[float, str]] = []
    for b in blocks:
        if not b.rect or not b.text.strip():
            continue
        gap = _gap(rect, b.rect)
        if gap is not None and gap <= NEAR:
            scored.append((gap, b.text.strip()))
    texts = [t for _, t in sorted(scored)[:3]]
    return _clean(" ".join(dict.fromkeys(texts)), 80)


def _gap(a: Rect, b: Rect) -> float | None:
    """Distance between two boxes that face each other (overlap on the other axis), else None."""
    h_overlap = min(a.right, b.right) - max(a.x, b.x)
    v_overlap = min(a.bottom, b.bottom) - max(a.y, b.y)
    if h_overlap > 0 and v_overlap > 0:
        return 0.0
    if h_overlap > 0:
        return max(b.y - a.bottom, a.y - b.bottom)
    if v_overlap > 0:
        return max(b.x - a.right, a.x - b.right)
    return None


def _clean(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
