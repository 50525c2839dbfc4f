"""Where a picture has QR symbols: three finder patterns (nested squares) in an L.

Decoding needs no such search; it is what tells a broken QR code (finder patterns, but no decoder
reads it) from an icon or a photo, and what lets the decoder crop to the symbol on a big picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

__all__ = ["Box", "Finder", "Gray", "finder_patterns", "otsu", "qr_regions", "scale_box"]

Box = tuple[int, int, int, int]  # left, top, right, bottom in the input image's pixels
Gray = np.ndarray[Any, Any]  # 2-D uint8, 0 = black


@dataclass(frozen=True)
class Finder:
    """One finder pattern: a dark 7x7-module square ring around a 3x3 dark core."""

    x: float  # centre
    y: float
    size: float  # side of the outer square, px


def finder_patterns(binary: Gray, min_size: int = 7) -> list[Finder]:
    """Finder patterns in a black-on-white binary image (dark = 0), via the contour tree.

    A finder pattern is the outline of a dark region whose single hole holds a solid dark
    square, the three concentric, with sides 7:5:3 modules. Chinese characters such as 回 nest
    the same way, but their core is a ring, not solid; :func:`qr_regions` also requires three
    patterns in an L. Measured on generated codes with 2+ px modules (JPEG q20 included): outer
    over core width 2.2-2.5, areas 5.6-6.8 (outer/core), 3.0-4.8 (hole/core), 1.4-1.9.
    """
    contours, hierarchy = cv2.findContours(255 - binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    hier = hierarchy[0]
    depth = _depths(hier)
    found: list[Finder] = []
    for i in range(len(hier)):
        hole = hier[i][2]
        if depth[i] % 2 or hole < 0:
            continue  # only outlines of dark regions (even depth) that have a hole
        core = hier[hole][2]
        if core < 0 or (hier[hole][0] >= 0 and _area(contours, hier[hole][0]) > 4):
            continue  # no core, or a second sizeable hole
        x0, y0, w0, h0 = cv2.boundingRect(contours[i])
        if min(w0, h0) < min_size or not 0.6 < w0 / h0 < 1.67:
            continue
        x2, y2, w2, h2 = cv2.boundingRect(contours[core])
        if min(w2, h2) < 1 or not (1.9 < w0 / w2 < 2.9 and 1.9 < h0 / h2 < 2.9):
            continue
        a0, a1, a2 = (_area(contours, k) for k in (i, hole, core))
        if (
            a2 <= 0
            or a1 <= 0
            or not (4 < a0 / a2 < 8 and 2.2 < a1 / a2 < 6 and 1.2 < a0 / a1 < 2.3)
        ):
            continue
        inner = hier[core][2]
        if inner >= 0 and _area(contours, inner) > 0.15 * a2:
            continue  # the core has a hole: a 回-like glyph, not a solid 3x3 square
        cx0, cy0 = x0 + w0 / 2, y0 + h0 / 2
        cx2, cy2 = x2 + w2 / 2, y2 + h2 / 2
        if math.hypot(cx0 - cx2, cy0 - cy2) > 0.15 * max(w0, h0):
            continue
        found.append(Finder(cx0, cy0, math.sqrt(a0)))
    return found


def _depths(hier: Any) -> list[int]:
    """Nesting depth of each contour (0 = outermost) from OpenCV's [next, prev, child, parent]."""
    depth = [-1] * len(hier)
    for i in range(len(hier)):
        chain = []
        j = i
        while j >= 0 and depth[j] < 0:
            chain.append(j)
            j = hier[j][3]
        base = depth[j] if j >= 0 else -1
        for k in reversed(chain):
            base += 1
            depth[k] = base
    return depth


def _area(contours: Any, i: int) -> float:
    return float(cv2.contourArea(contours[i]))


def qr_regions(gray: Gray, *, invert_too: bool = True) -> list[Box]:
    """Boxes (quiet zone included) of QR-like symbols: three finder patterns in an L.

    Tries the Otsu binarization and, with ``invert_too``, its inverse (light-on-dark codes).
    Small pictures are upscaled first so that 2 px modules still form contours.
    """
    scale = 1.0
    work = gray
    if min(gray.shape) < 160:
        scale = 3.0
        work = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    binary = otsu(work)
    boxes = _l_triples(finder_patterns(binary), work.shape)
    if not boxes and invert_too:
        boxes = _l_triples(finder_patterns(255 - binary), work.shape)
    return [scale_box(b, 1 / scale) for b in boxes]


def scale_box(b: Box, s: float) -> Box:
    return (
        math.floor(b[0] * s),
        math.floor(b[1] * s),
        math.ceil(b[2] * s),
        math.ceil(b[3] * s),
    )


MAX_FINDERS = 400  # a page of 回 glyphs must not make the triple search quadratic-cubic


def _l_triples(finders: list[Finder], shape: tuple[int, ...]) -> list[Box]:
    """Group finder patterns into QR symbols: corner B with A and C at equal distance, at 90°.

    Centre distance over pattern size is (10 + 4·version) / 7, i.e. 2 (version 1) to 24 (40).
    """
    finders = sorted(finders, key=lambda f: (f.y, f.x))[:MAX_FINDERS]
    used: set[int] = set()
    boxes: list[Box] = []
    height, width = shape[0], shape[1]
    for b_i, b in enumerate(finders):
        if b_i in used:
            continue
        near = [
            (i, f)
            for i, f in enumerate(finders)
            if i != b_i
            and i not in used
            and 0.66 < f.size / b.size < 1.5
            and math.hypot(f.x - b.x, f.y - b.y) < 26 * b.size
        ]
        best: tuple[float, int, int] | None = None
        for j, (a_i, a) in enumerate(near):
            for c_i, c in near[j + 1 :]:
                score = _l_score(a, b, c)
                if score is not None and (best is None or score < best[0]):
                    best = (score, a_i, c_i)
        if best is None:
            continue
        _, a_i, c_i = best
        a, c = finders[a_i], finders[c_i]
        used.update((a_i, b_i, c_i))
        d = (a.x + c.x - b.x, a.y + c.y - b.y)  # the fourth corner (no finder there)
        xs, ys = (a.x, b.x, c.x, d[0]), (a.y, b.y, c.y, d[1])
        size = (a.size + b.size + c.size) / 3
        margin = size * (0.5 + 4 / 7)  # half a finder, then the 4-module quiet zone
        boxes.append(
            (
                max(0, math.floor(min(xs) - margin)),
                max(0, math.floor(min(ys) - margin)),
                min(width, math.ceil(max(xs) + margin)),
                min(height, math.ceil(max(ys) + margin)),
            )
        )
    return boxes


def _l_score(a: Finder, b: Finder, c: Finder) -> float | None:
    """How far A-B-C is from a right isosceles corner at B (lower is better); None if not one."""
    ba = (a.x - b.x, a.y - b.y)
    bc = (c.x - b.x, c.y - b.y)
    la, lc = math.hypot(*ba), math.hypot(*bc)
    if la == 0 or lc == 0 or not 0.75 < la / lc < 1.33:
        return None
    if not 1.8 < (la + lc) / 2 / b.size < 25:
        return None
    cos = (ba[0] * bc[0] + ba[1] * bc[1]) / (la * lc)
    if abs(cos) > 0.26:  # 75°..105°
        return None
    return abs(cos) + abs(math.log(la / lc))


def otsu(gray: Gray) -> Gray:
    _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.asarray(out)
